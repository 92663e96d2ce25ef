//! Mutualis core: what every module stands on — members (tenants), users and
//! authentication, casbin authorization, the `Scope` extractor, metering, the
//! hash-chained audit log, and the web/API shell.
pub mod api;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod backup;
pub mod cache;
pub mod calendar;
pub mod db;
pub mod documents;
pub mod entities;
pub mod error;
pub mod ids;
pub mod keyset;
pub mod kit;
pub mod limits;
pub mod mail;
pub mod member;
pub mod metering;
pub mod module;
pub mod money;
pub mod offboarding;
pub mod scope;
pub mod seed;
pub mod served;
pub mod sheet;
pub mod team;
pub mod tenant;
pub mod time;
pub mod web;
pub mod write;

#[cfg(feature = "testkit")]
pub mod testkit;

use std::sync::Arc;

use loco_rs::app::AppContext;

pub use error::{AppError, AppResult};

/// Builds the shared services once the database is migrated: syncs the role policies,
/// loads the casbin enforcer and registers the meters.
///
/// # Errors
/// Database or casbin errors; a meter declared twice.
pub async fn init_services(
    ctx: &AppContext,
    meters: impl IntoIterator<Item = metering::Meter>,
    coop_nav: Vec<scope::NavEntry>,
    served_nav: Vec<scope::NavEntry>,
) -> AppResult<()> {
    let authz = authz::Authz::init(&ctx.db).await?;
    let cache_settings = cache::CacheSettings::from_settings(ctx.config.settings.as_ref());
    authz.remember_answers(cache_settings.enabled);
    let filled = metering::backfill_periods(&ctx.db).await?;
    if filled > 0 {
        tracing::info!(events = filled, "usage events given their period");
    }
    if let Some(rows) = metering::fill_totals_if_missing(&ctx.db).await? {
        tracing::info!(rows, "usage totals filled from the events");
    }
    let meters = metering::Meters::new(meters)?;
    let jwt = ctx
        .config
        .auth
        .as_ref()
        .and_then(|a| a.jwt.as_ref())
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("auth.jwt missing from config")))?;
    let services = scope::Services {
        authz,
        meters,
        jwt_secret: jwt.secret.clone(),
        jwt_ttl_seconds: jwt.expiration,
        secure_cookies: ctx.environment == loco_rs::environment::Environment::Production,
        coop_nav,
        served_nav,
        caches: cache::Caches::new(cache_settings),
    };
    ctx.shared_store.insert(Arc::new(services));
    Ok(())
}
