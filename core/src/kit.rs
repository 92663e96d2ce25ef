//! What the app's hooks do with its one list of modules: the router, the boot (the
//! list checked against the catalogue, the services built from the modules' meters,
//! navigation and policies, each module's boot hook), the demo seed and the tasks.
//! `src/app.rs` only names the list; everything else is derived here.
use loco_rs::{
    app::AppContext,
    controller::AppRoutes,
    task::{Task, TaskInfo, Tasks, Vars},
};
use sea_orm::{EntityTrait, QueryOrder};

use crate::{
    AppError, AppResult,
    entities::modules as catalogue,
    metering::{Meter, Meters},
    module::{self, ModuleDef},
    scope::{self, NavEntry},
};

/// The router: loco's defaults, core's pages and API, then each module's routes.
#[must_use]
pub fn routes(modules: &[&ModuleDef]) -> AppRoutes {
    let mut routes = AppRoutes::with_default_routes();
    for r in crate::web::routes() {
        routes = routes.add_route(r);
    }
    routes = routes.add_route(crate::api::routes());
    routes = routes.add_route(crate::api::doc::routes(modules));
    for m in modules {
        for r in (m.routes)() {
            routes = routes.add_route(r);
        }
    }
    routes
}

/// The router's last touches: the fallback (unknown URL → French 404, JSON on the API;
/// a trailing `/` redirected) and the layer that answers every framework rejection in
/// French (`web::rejections`), and in front of every route the guard refusing hidden
/// characters in any JSON or form body (`web::guard`).
pub fn finish_router(router: axum::Router) -> axum::Router {
    router
        .fallback(crate::web::rejections::not_found)
        .layer(axum::middleware::from_fn(
            crate::web::guard::refuse_hidden_characters,
        ))
        .layer(axum::middleware::from_fn(
            crate::web::rejections::french_rejections,
        ))
}

/// Every meter of the platform (each module's).
#[must_use]
pub fn meters(modules: &[&ModuleDef]) -> Vec<Meter> {
    modules
        .iter()
        .flat_map(|m| m.meters.iter().copied())
        .collect()
}

/// The cooperative navigation entries of the modules.
#[must_use]
pub fn coop_nav(modules: &[&ModuleDef]) -> Vec<NavEntry> {
    modules
        .iter()
        .flat_map(|m| m.coop_nav.iter().cloned())
        .collect()
}

/// The navigation entries of the modules for the people serving members.
#[must_use]
pub fn served_nav(modules: &[&ModuleDef]) -> Vec<NavEntry> {
    modules
        .iter()
        .flat_map(|m| m.served_nav.iter().cloned())
        .collect()
}

/// The catalogue codes (the `modules` table).
///
/// # Errors
/// Database errors.
pub async fn catalogue_codes(ctx: &AppContext) -> AppResult<Vec<String>> {
    Ok(catalogue::Entity::find()
        .order_by_asc(catalogue::Column::Position)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|m| m.code)
        .collect())
}

/// Boots the platform on a migrated database: installs the list, checks it against the
/// catalogue (a module missing from it, or a catalogue row no module declares, stops
/// the boot), builds the shared services and runs each module's boot hook.
///
/// # Errors
/// The list or the catalogue is wrong (the message says how), database or casbin
/// errors, a module's boot hook failing (bad settings).
pub async fn boot(ctx: &AppContext, modules: &'static [&'static ModuleDef]) -> AppResult<()> {
    module::install(modules)?;
    let codes = catalogue_codes(ctx).await?;
    module::check_catalogue(modules, &codes)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    crate::init_services(ctx, meters(modules), coop_nav(modules), served_nav(modules)).await?;
    for m in modules {
        if let Some(boot) = m.boot {
            boot(ctx).await.map_err(|e| {
                AppError::Unexpected(anyhow::anyhow!("module « {} »: {}", m.code, detail(&e)))
            })?;
        }
    }
    Ok(())
}

/// An error as the operator must read it at boot or in a task: the details of an
/// unexpected error, the French messages of a validation.
#[must_use]
pub fn detail(e: &AppError) -> String {
    match e {
        AppError::Validation(errs) => errs
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Db(_) | AppError::Unexpected(_) => e.to_string(),
        _ => e.message(),
    }
}

/// The demo data: core's cooperative, then each module's seed, once.
///
/// # Errors
/// Database errors.
pub async fn seed(ctx: &AppContext, modules: &[&ModuleDef]) -> AppResult<()> {
    let svc = scope::services(ctx)?;
    crate::seed::demo(&ctx.db, &svc.authz).await?;
    for m in modules {
        if let Some(seed) = m.seed {
            seed(ctx, &svc).await?;
        }
    }
    Ok(())
}

/// A module's task, run after the app's preparation (migrations, [`boot`]): loco runs
/// tasks without `before_run`, so a task would otherwise meet an unmigrated database
/// and no services.
pub struct Prepared {
    task: Box<dyn Task>,
    prepare: fn(&AppContext) -> module::BoxFut<'_, AppResult<()>>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("task", &self.task.task().name)
            .finish_non_exhaustive()
    }
}

impl Prepared {
    /// Wraps one of the app's own tasks that needs the platform booted.
    #[must_use]
    pub fn new(
        task: Box<dyn Task>,
        prepare: fn(&AppContext) -> module::BoxFut<'_, AppResult<()>>,
    ) -> Self {
        Self { task, prepare }
    }
}

#[async_trait::async_trait]
impl Task for Prepared {
    fn task(&self) -> TaskInfo {
        self.task.task()
    }

    async fn run(&self, ctx: &AppContext, vars: &Vars) -> loco_rs::Result<()> {
        if scope::services(ctx).is_err() {
            (self.prepare)(ctx)
                .await
                .map_err(|e| loco_rs::Error::string(&detail(&e)))?;
        }
        self.task.run(ctx, vars).await
    }
}

/// Registers every module's tasks, each behind `prepare` (the app's migrations + boot).
pub fn register_tasks(
    tasks: &mut Tasks,
    modules: &[&ModuleDef],
    prepare: fn(&AppContext) -> module::BoxFut<'_, AppResult<()>>,
) {
    for m in modules {
        for task in (m.tasks)() {
            tasks.register(Prepared { task, prepare });
        }
    }
}

/// Builds a [`Meters`] registry of the listed modules (for tools and tests).
///
/// # Errors
/// A meter declared twice.
pub fn meter_registry(modules: &[&ModuleDef]) -> AppResult<Meters> {
    Meters::new(meters(modules))
}
