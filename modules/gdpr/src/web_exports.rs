//! The register's files from the pages (session cookie): `/m/{slug}/gdpr/register.pdf`,
//! `register.xlsx` (`?date=`) and `/m/{slug}/gdpr/activities/{id}/pdf`, the same files as
//! the API's, refused with the French error page.
use axum::{
    extract::{Path, Query, State},
    response::Response,
    routing::get,
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    scope::MemberAccess,
    web::{error::PageError, page::download},
};
use uuid::Uuid;

use crate::api::{
    DateQuery,
    exports::{activity_file, register_file},
};

/// The pages' download routes, for the module's `routes()`.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/gdpr/register.pdf", get(register_pdf))
        .add("/m/{slug}/gdpr/register.xlsx", get(register_xlsx))
        .add("/m/{slug}/gdpr/activities/{id}/pdf", get(activity_pdf))
}

async fn register(
    ctx: &AppContext,
    access: MemberAccess,
    q: &DateQuery,
    pdf: bool,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.register", "read").await?;
    let (content_type, name, bytes) = register_file(ctx, &scope, q, pdf).await?;
    Ok(download(content_type, &name, bytes))
}

/// `GET /m/{slug}/gdpr/register.pdf?date=`
async fn register_pdf(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Query(q): Query<DateQuery>,
) -> Result<Response, PageError> {
    register(&ctx, access, &q, true).await
}

/// `GET /m/{slug}/gdpr/register.xlsx?date=`
async fn register_xlsx(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Query(q): Query<DateQuery>,
) -> Result<Response, PageError> {
    register(&ctx, access, &q, false).await
}

/// `GET /m/{slug}/gdpr/activities/{id}/pdf`
async fn activity_pdf(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("gdpr.register", "read").await?;
    let (content_type, name, bytes) = activity_file(&ctx, &scope, id).await?;
    Ok(download(content_type, &name, bytes))
}
