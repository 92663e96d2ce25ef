//! The register's files through the API: the register at a date as PDF or XLSX, one
//! activity's sheet as PDF (object `gdpr.register`, read: the director and the DPO).
use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use loco_rs::app::AppContext;
use mutualis_core::{
    error::{AppError, AppResult, ErrorBody},
    scope::{MemberAccess, Scope},
    web::{
        error::ApiResult,
        page::{XLSX, download},
    },
};
use uuid::Uuid;

use super::DateQuery;
use crate::exports::{self, load};

/// The PDF content type.
pub const PDF: &str = "application/pdf";

/// A register file: (content type, file name, bytes).
pub type File = (&'static str, String, Vec<u8>);

fn doc_error(e: mutualis_core::documents::DocError) -> AppError {
    AppError::Unexpected(anyhow::anyhow!(e.to_string()))
}

/// The register at the date asked as a file, for a scope allowed `gdpr.register` read.
///
/// # Errors
/// 422 on `date` (invalid, or after today); database or rendering errors.
pub async fn register_file(
    ctx: &AppContext,
    scope: &Scope,
    q: &DateQuery,
    pdf: bool,
) -> AppResult<File> {
    let at = exports::export_date(q.date()?, exports::today())?;
    let r = load::register(&ctx.db, scope, at).await?;
    let slug = &scope.member().slug;
    if pdf {
        let bytes = exports::pdf::register_pdf(&r).map_err(doc_error)?;
        Ok((PDF, exports::register_file_name(slug, at, "pdf"), bytes))
    } else {
        let bytes = exports::xlsx::register_xlsx(&r)?;
        Ok((XLSX, exports::register_file_name(slug, at, "xlsx"), bytes))
    }
}

/// One activity's sheet as a PDF file.
///
/// # Errors
/// 404 when the activity is not the member's; database or rendering errors.
pub async fn activity_file(ctx: &AppContext, scope: &Scope, id: Uuid) -> AppResult<File> {
    let d = load::activity(&ctx.db, scope, id).await?;
    let bytes = exports::pdf::activity_pdf(&d).map_err(doc_error)?;
    let name = exports::activity_file_name(
        &scope.member().slug,
        &d.activity.fields.name,
        exports::today(),
    );
    Ok((PDF, name, bytes))
}

/// `GET /api/m/{slug}/gdpr/register.pdf?date=AAAA-MM-JJ`
#[utoipa::path(get, operation_id = "gdpr_register_pdf", path = "/api/m/{slug}/gdpr/register.pdf", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("date" = Option<String>, Query, description = "AAAA-MM-JJ : le registre tel qu’il était ce jour-là (aujourd’hui par défaut, jamais après)")), responses((status = 200, description = "Le registre des activités de traitement à date (PDF)", content_type = "application/pdf"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la direction et au DPO", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Date invalide ou future", body = ErrorBody)))]
pub async fn register_pdf(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Query(q): Query<DateQuery>,
) -> ApiResult<Response> {
    let scope = access.authorize("gdpr.register", "read").await?;
    let (content_type, name, bytes) = register_file(&ctx, &scope, &q, true).await?;
    Ok(download(content_type, &name, bytes))
}

/// `GET /api/m/{slug}/gdpr/register.xlsx?date=AAAA-MM-JJ`
#[utoipa::path(get, operation_id = "gdpr_register_xlsx", path = "/api/m/{slug}/gdpr/register.xlsx", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("date" = Option<String>, Query, description = "AAAA-MM-JJ : le registre tel qu’il était ce jour-là (aujourd’hui par défaut, jamais après)")), responses((status = 200, description = "Le registre des activités de traitement à date (xlsx : traitements, conservation, sous-traitants, services de la coopérative)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la direction et au DPO", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Date invalide ou future", body = ErrorBody)))]
pub async fn register_xlsx(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Query(q): Query<DateQuery>,
) -> ApiResult<Response> {
    let scope = access.authorize("gdpr.register", "read").await?;
    let (content_type, name, bytes) = register_file(&ctx, &scope, &q, false).await?;
    Ok(download(content_type, &name, bytes))
}

/// `GET /api/m/{slug}/gdpr/activities/{id}/pdf`: the activity's sheet as it stands
/// today, with its history.
#[utoipa::path(get, operation_id = "gdpr_activity_pdf", path = "/api/m/{slug}/gdpr/activities/{id}/pdf", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("id" = String, Path, description = "Traitement")), responses((status = 200, description = "La fiche du traitement (PDF)", content_type = "application/pdf"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la direction et au DPO", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
pub async fn activity_pdf(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    let scope = access.authorize("gdpr.register", "read").await?;
    let (content_type, name, bytes) = activity_file(&ctx, &scope, id).await?;
    Ok(download(content_type, &name, bytes))
}
