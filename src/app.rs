//! The composition root: lists core's and each module's routes, tasks and meters by
//! hand (nothing is discovered by magic).
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
use migration::Migrator;
use mutualis_core as core;

use crate::tasks;

/// The app.
#[derive(Debug)]
pub struct App;

/// The meters the modules declare (core's own are added by core).
#[must_use]
pub fn module_meters() -> Vec<core::metering::Meter> {
    mutualis_hr::meter::METERS.to_vec()
}

/// The cooperative's navigation entries the modules add.
#[must_use]
pub fn coop_nav() -> Vec<core::scope::NavEntry> {
    mutualis_billing::coop_nav()
        .into_iter()
        .chain(mutualis_hr::coop_nav())
        .collect()
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
        Ok(router.layer(Extension(ViewEngine::from(engine))))
    }
}

fn to_loco(e: core::AppError) -> loco_rs::Error {
    loco_rs::Error::string(&e.to_string())
}

#[async_trait]
impl Hooks for App {
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

    /// Once migrated: role policies, enforcer, meters; the demo cooperative on an
    /// empty development database.
    async fn before_run(ctx: &AppContext) -> Result<()> {
        core::init_services(ctx, module_meters(), coop_nav())
            .await
            .map_err(to_loco)?;
        if ctx.environment == Environment::Development {
            let svc = core::scope::services(ctx).map_err(to_loco)?;
            core::seed::demo(&ctx.db, &svc.authz)
                .await
                .map_err(to_loco)?;
            mutualis_billing::seed::demo(&ctx.db, &svc.meters)
                .await
                .map_err(to_loco)?;
            mutualis_hr::seed::demo(&ctx.db, &svc.authz)
                .await
                .map_err(to_loco)?;
        }
        Ok(())
    }

    async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
        Ok(vec![Box::new(ViewEngineInitializer)])
    }

    fn routes(_ctx: &AppContext) -> AppRoutes {
        let mut routes = AppRoutes::with_default_routes();
        for r in core::web::routes() {
            routes = routes.add_route(r);
        }
        routes = routes.add_route(core::api::routes());
        for r in mutualis_billing::routes() {
            routes = routes.add_route(r);
        }
        for r in mutualis_hr::routes() {
            routes = routes.add_route(r);
        }
        routes
    }

    async fn connect_workers(_ctx: &AppContext, _queue: &Queue) -> Result<()> {
        Ok(())
    }

    fn register_tasks(tasks: &mut Tasks) {
        tasks.register(tasks::audit_verify::AuditVerify);
        tasks.register(tasks::create_admin::CreateAdmin);
        tasks.register(tasks::close_period::ClosePeriod);
        tasks.register(tasks::hr_monthly::HrMonthly);
    }

    async fn truncate(_ctx: &AppContext) -> Result<()> {
        Ok(())
    }

    async fn seed(ctx: &AppContext, _base: &Path) -> Result<()> {
        core::init_services(ctx, module_meters(), coop_nav())
            .await
            .map_err(to_loco)?;
        let svc = core::scope::services(ctx).map_err(to_loco)?;
        core::seed::demo(&ctx.db, &svc.authz)
            .await
            .map_err(to_loco)?;
        mutualis_billing::seed::demo(&ctx.db, &svc.meters)
            .await
            .map_err(to_loco)?;
        mutualis_hr::seed::demo(&ctx.db, &svc.authz)
            .await
            .map_err(to_loco)?;
        Ok(())
    }
}
