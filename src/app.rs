//! The composition root. [`MODULES`] names each module once; the router, the
//! navigation, the catalogue check, the policies, the meters, the demo seed and the
//! tasks are derived from it by `mutualis_core::kit`.
use std::path::Path;

use async_trait::async_trait;
use axum::{Extension, Router as AxumRouter};
use loco_rs::{
    Result,
    app::{AppContext, Hooks, Initializer},
    bgworker::Queue,
    boot::{BootResult, StartMode, create_app},
    config::Config,
    controller::{
        AppRoutes,
        views::{ViewEngine, engines::TeraView},
    },
    environment::Environment,
    task::Tasks,
};
use migration::{Migrator, MigratorTrait};
use mutualis_core::{
    self as core,
    module::{BoxFut, ModuleDef},
};

use crate::tasks;

/// The modules of the platform, in the order of the navigation and of the meters
/// (IT support first: its meters were core's, and the usage exports keep their column
/// order). Adding a module: its crate, its migrations (with its catalogue row), and one
/// line here.
pub static MODULES: &[&ModuleDef] = &[
    &mutualis_it::MODULE,
    &mutualis_billing::MODULE,
    &mutualis_hr::MODULE,
    &mutualis_payroll::MODULE,
    &mutualis_gdpr::MODULE,
    &mutualis_legal::MODULE,
    &mutualis_practices::MODULE,
];

/// A list of modules to build the app from.
pub trait ModuleList: Send + Sync + 'static {
    fn modules() -> &'static [&'static ModuleDef];
}

/// The platform's list: [`MODULES`].
#[derive(Debug)]
pub struct Platform;

impl ModuleList for Platform {
    fn modules() -> &'static [&'static ModuleDef] {
        MODULES
    }
}

/// The app on a list of modules (a test can add a throwaway module to the list and
/// see it routed, navigable, metered and policed with no other edit).
#[derive(Debug)]
pub struct AppWith<L: ModuleList>(std::marker::PhantomData<L>);

/// The app.
pub type App = AppWith<Platform>;

/// Every meter of the platform (derived from [`MODULES`]).
#[must_use]
pub fn module_meters() -> Vec<core::metering::Meter> {
    core::kit::meters(MODULES)
}

/// Adds the Tera view engine (templates in `assets/views/`).
#[derive(Debug)]
pub struct ViewEngineInitializer;

#[async_trait]
impl Initializer for ViewEngineInitializer {
    fn name(&self) -> String {
        "view-engine".to_string()
    }

    async fn after_routes(&self, router: AxumRouter, _ctx: &AppContext) -> Result<AxumRouter> {
        let engine = TeraView::build()?;
        Ok(core::kit::finish_router(router).layer(Extension(ViewEngine::from(engine))))
    }
}

/// A boot error with its details (the catalogue check's message, a bad setting): the
/// operator reads it in the terminal, no client sees it.
fn to_loco(e: core::AppError) -> loco_rs::Error {
    loco_rs::Error::string(&core::kit::detail(&e))
}

/// What a task needs before it runs (loco runs tasks without `before_run`): the
/// migrations and the boot of the platform.
fn prepare_task<L: ModuleList>(ctx: &AppContext) -> BoxFut<'_, core::AppResult<()>> {
    Box::pin(async move {
        Migrator::up(&ctx.db, None)
            .await
            .map_err(|e| core::AppError::Unexpected(e.into()))?;
        core::kit::boot(ctx, L::modules()).await
    })
}

#[async_trait]
impl<L: ModuleList> Hooks for AppWith<L> {
    fn app_name() -> &'static str {
        env!("CARGO_CRATE_NAME")
    }

    fn app_version() -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }

    async fn boot(
        mode: StartMode,
        environment: &Environment,
        config: Config,
    ) -> Result<BootResult> {
        create_app::<Self, Migrator>(mode, environment, config).await
    }

    /// Replaces loco's connection with ours: SQLite pragmas on every pooled connection.
    async fn after_context(mut ctx: AppContext) -> Result<AppContext> {
        ctx.db = core::db::connect(&ctx.config.database).await?;
        Ok(ctx)
    }

    /// Once migrated: the modules checked against the catalogue, policies, enforcer,
    /// meters; the demo cooperative on an empty development database.
    async fn before_run(ctx: &AppContext) -> Result<()> {
        core::kit::boot(ctx, L::modules()).await.map_err(to_loco)?;
        if ctx.environment == Environment::Development {
            core::kit::seed(ctx, L::modules()).await.map_err(to_loco)?;
        }
        Ok(())
    }

    async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
        Ok(vec![Box::new(ViewEngineInitializer)])
    }

    fn routes(_ctx: &AppContext) -> AppRoutes {
        core::kit::routes(L::modules())
    }

    async fn connect_workers(_ctx: &AppContext, _queue: &Queue) -> Result<()> {
        Ok(())
    }

    fn register_tasks(tasks: &mut Tasks) {
        tasks.register(tasks::audit_verify::AuditVerify);
        tasks.register(tasks::create_admin::CreateAdmin);
        tasks.register(tasks::backup::Backup);
        tasks.register(tasks::restore::Restore);
        tasks.register(core::kit::Prepared::new(
            Box::new(tasks::offboarding::MemberExport),
            prepare_task::<L>,
        ));
        tasks.register(core::kit::Prepared::new(
            Box::new(tasks::offboarding::MemberErase),
            prepare_task::<L>,
        ));
        core::kit::register_tasks(tasks, L::modules(), prepare_task::<L>);
    }

    async fn truncate(_ctx: &AppContext) -> Result<()> {
        Ok(())
    }

    async fn seed(ctx: &AppContext, _base: &Path) -> Result<()> {
        core::kit::boot(ctx, L::modules()).await.map_err(to_loco)?;
        core::kit::seed(ctx, L::modules()).await.map_err(to_loco)?;
        Ok(())
    }
}
