//! Payroll's JSON API (`/api/m/{slug}/payroll/…`, and the board `/api/coop/payroll/board`):
//! thin handlers over the services, each in its `#[utoipa::path]`.
use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use chrono::{DateTime, NaiveDate, Utc};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{
        Created as Status201, created,
        schema::{decimal, decimal_or_null},
    },
    error::{AppError, ErrorBody},
    keyset::{self, PageQuery},
    scope::{MemberAccess, Scope},
    served::ServedAccess,
    time::{Month, paris_today},
    web::error::ApiResult,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    board,
    domain::{Line, Severity, code_def},
    findings::{self, Shown},
    imports::{self, RowError},
    lines::{self, LineInput},
    periods,
};

const SLUG: &str = "Identifiant de l’adhérent";
const PERIOD: &str = "La période, AAAA-MM";

/// The largest spreadsheet accepted (bytes).
pub const MAX_UPLOAD: usize = 25 * 1024 * 1024;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(period, list_lines, add_line, delete_line, upload, confirm, list_findings, acknowledge, submit, validate, reopen, export, file_csv, file_xlsx, file_123paie, file_recap, board),
    tags((name = "payroll", description = "Paie : éléments variables, contrôles, validation, exports, tableau des gestionnaires de paie"))
)]
struct PayrollApi;

/// The module's API, for its declaration.
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <PayrollApi as utoipa::OpenApi>::openapi()
}

/// The module's API routes.
#[must_use]
pub fn routes() -> Vec<Routes> {
    vec![
        Routes::new()
            .prefix("/api/m/{slug}/payroll/periods")
            .add("/{period}", get(period))
            .add("/{period}/lines", get(list_lines).post(add_line))
            .add("/{period}/lines/{id}", delete(delete_line))
            .add(
                "/{period}/imports",
                post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
            )
            .add("/{period}/imports/{id}/confirm", post(confirm))
            .add("/{period}/findings", get(list_findings))
            .add("/{period}/findings/{id}/acknowledge", post(acknowledge))
            .add("/{period}/submit", post(submit))
            .add("/{period}/validate", post(validate))
            .add("/{period}/reopen", post(reopen))
            .add("/{period}/export", post(export))
            .add("/{period}/export.csv", get(file_csv))
            .add("/{period}/export.xlsx", get(file_xlsx))
            .add("/{period}/export-123paie.txt", get(file_123paie))
            .add("/{period}/recap.pdf", get(file_recap)),
        Routes::new().add("/api/coop/payroll/board", get(board)),
    ]
}

fn month_of(raw: &str) -> Result<Month, AppError> {
    Month::parse(raw)
}

/// A period's summary.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayrollPeriod)]
pub struct PeriodBody {
    /// `YYYY-MM`.
    pub period: String,
    /// `open`, `submitted`, `validated`, `exported`, `reopened`.
    pub status: String,
    pub cutoff_on: NaiveDate,
    /// Lines in the period (HR's absences included).
    pub lines: usize,
    pub blocking: usize,
    /// Warnings not acknowledged yet.
    pub warnings: usize,
    #[schema(required = true)]
    pub submitted_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub validated_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub validated_by: Option<String>,
    #[schema(required = true)]
    pub exported_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub reopen_reason: Option<String>,
}

/// A period's summary for the scope's member.
///
/// # Errors
/// Database errors.
pub async fn summary(
    ctx: &AppContext,
    scope: &Scope,
    month: Month,
) -> Result<PeriodBody, AppError> {
    let t = scope.tenant();
    let p = periods::find(&ctx.db, t, month).await?;
    let s = periods::settings(&ctx.db, t).await?;
    let all = lines::all(&ctx.db, t, month).await?;
    let found = findings::of_period(&ctx.db, t, month).await?;
    Ok(PeriodBody {
        period: month.to_string(),
        status: p
            .as_ref()
            .map_or_else(|| periods::status::OPEN.to_string(), |p| p.status.clone()),
        cutoff_on: p
            .as_ref()
            .map_or_else(|| periods::cutoff_on(month, s.cutoff_day), |p| p.cutoff_on),
        lines: all.len(),
        blocking: found
            .iter()
            .filter(|f| f.severity == Severity::Blocking.code())
            .count(),
        warnings: found
            .iter()
            .filter(|f| f.severity == Severity::Warning.code() && !f.acknowledged)
            .count(),
        submitted_at: p.as_ref().and_then(|p| p.submitted_at),
        validated_at: p.as_ref().and_then(|p| p.validated_at),
        validated_by: p.as_ref().and_then(|p| p.validated_by.clone()),
        exported_at: p.as_ref().and_then(|p| p.exported_at),
        reopen_reason: p.and_then(|p| p.reopen_reason),
    })
}

/// `GET /api/m/{slug}/payroll/periods/{YYYY-MM}`
#[utoipa::path(get, operation_id = "payroll_period", path = "/api/m/{slug}/payroll/periods/{period}", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "La période", body = PeriodBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Période invalide", body = ErrorBody)))]
async fn period(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Json<PeriodBody>> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    Ok(Json(summary(&ctx, &scope, month).await?))
}

/// A line as exchanged.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayrollLine)]
pub struct LineBody {
    pub id: Uuid,
    pub matricule: String,
    pub code: String,
    pub label: String,
    #[schema(schema_with = decimal)]
    pub quantity: Decimal,
    /// `jours`, `heures`, `euros`, `nombre`, `km`.
    pub unit: String,
    #[schema(required = true, schema_with = decimal_or_null)]
    pub rate: Option<Decimal>,
    #[schema(required = true, schema_with = decimal_or_null)]
    pub amount: Option<Decimal>,
    #[schema(required = true)]
    pub start_date: Option<NaiveDate>,
    #[schema(required = true)]
    pub end_date: Option<NaiveDate>,
    #[schema(required = true)]
    pub first_stop: Option<bool>,
    pub certificate: bool,
    /// `entry`, `import` or `hr`.
    pub source: String,
    pub late: bool,
    /// The period the line concerns (an earlier one for an amendment line).
    pub concerns: String,
    #[schema(required = true)]
    pub comment: Option<String>,
}

impl From<&Line> for LineBody {
    fn from(l: &Line) -> Self {
        Self {
            id: l.id,
            matricule: l.matricule.clone(),
            code: l.code.clone(),
            label: lines::code_label(&l.code).to_string(),
            quantity: l.quantity,
            unit: code_def(&l.code).map_or("", |d| d.unit.code()).to_string(),
            rate: l.rate,
            amount: l.amount,
            start_date: l.start,
            end_date: l.end,
            first_stop: l.first_stop,
            certificate: l.certificate,
            source: l.source.code().to_string(),
            late: l.late,
            concerns: l.concerns.to_string(),
            comment: l.comment.clone(),
        }
    }
}

/// `GET …/periods/{YYYY-MM}/lines`; `?limit=&after=` pages it (keyset on matricule, code
/// and id).
#[utoipa::path(get, operation_id = "payroll_list_lines", path = "/api/m/{slug}/payroll/periods/{period}/lines", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD), PageQuery), responses((status = 200, description = "Les éléments de la période (absences des RH comprises), par matricule et code ; avec `limit`, une page, et la suivante dans `Link` et `X-Next-Cursor`", body = Vec<LineBody>, headers(("link" = String, description = "`<…?limit=…&after=…>; rel=\"next\"` quand une page suit"), ("x-next-cursor" = String, description = "Le curseur de la page suivante (paramètre `after`)"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Période, `limit` ou `after` invalide", body = ErrorBody)))]
async fn list_lines(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
    access: MemberAccess,
) -> ApiResult<(HeaderMap, Json<Vec<LineBody>>)> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    let page = q.page(3)?;
    if page.limit.is_none() {
        let all = lines::all(&ctx.db, scope.tenant(), month).await?;
        return Ok((
            HeaderMap::new(),
            Json(all.iter().map(LineBody::from).collect()),
        ));
    }
    let (rows, next) = lines::page(&ctx.db, scope.tenant(), month, &page).await?;
    let path = format!(
        "/api/m/{}/payroll/periods/{month}/lines",
        scope.member().slug
    );
    Ok((
        keyset::next_headers(&path, &page, next.as_deref()),
        Json(rows.iter().map(LineBody::from).collect()),
    ))
}

/// `201`: the id.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayrollCreated)]
pub struct CreatedId {
    pub id: Uuid,
}

/// `POST …/periods/{YYYY-MM}/lines` → 201 `{"id"}`; 422 naming each field (an unknown
/// matricule or code); 409 on a locked period.
#[utoipa::path(post, operation_id = "payroll_add_line", path = "/api/m/{slug}/payroll/periods/{period}/lines", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), request_body = LineInput, responses((status = 201, description = "Élément enregistré", body = CreatedId), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Période verrouillée", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn add_line(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    Json(body): Json<LineInput>,
) -> ApiResult<Status201<CreatedId>> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let w = scope.write(&ctx.db).await?;
    let l = lines::add(&w, &scope.actor().label, month, &body).await?;
    w.commit().await?;
    Ok(created(CreatedId { id: l.id }))
}

/// `DELETE …/periods/{YYYY-MM}/lines/{id}` → 204 (not an `hr` line: it follows HR).
#[utoipa::path(delete, operation_id = "payroll_delete_line", path = "/api/m/{slug}/payroll/periods/{period}/lines/{id}", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD), ("id" = String, Path, description = "Élément")), responses((status = 204, description = "Élément supprimé"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Période verrouillée", body = ErrorBody), (status = 422, description = "Une absence des RH se modifie dans le module RH", body = ErrorBody)))]
async fn delete_line(
    State(ctx): State<AppContext>,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let w = scope.write(&ctx.db).await?;
    lines::delete(&w, month, id).await?;
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// An import's report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayrollImport)]
pub struct ImportBody {
    pub id: Uuid,
    pub rows: i64,
    pub valid: i64,
    pub errors: Vec<RowError>,
    /// The same file (same content) was already imported: nothing was added.
    pub already_imported: bool,
}

/// `POST …/periods/{YYYY-MM}/imports` (multipart `file`: xlsx, ods or csv) → 201 with the
/// report row by row; nothing written before the confirmation.
#[utoipa::path(post, operation_id = "payroll_upload", path = "/api/m/{slug}/payroll/periods/{period}/imports", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), request_body(content = String, content_type = "multipart/form-data", description = "Champ `file` : xlsx, ods ou csv"), responses((status = 201, description = "Fichier analysé (rien n’est encore écrit)", body = ImportBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Période verrouillée", body = ErrorBody), (status = 422, description = "Fichier illisible ou colonnes manquantes", body = ErrorBody)))]
async fn upload(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    mp: Multipart,
) -> ApiResult<Status201<ImportBody>> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let (name, bytes, _) = mutualis_hr::api::read_upload(mp).await?;
    let w = scope.write(&ctx.db).await?;
    let s = imports::upload(&w, &scope.actor().label, month, &name, &bytes).await?;
    w.commit().await?;
    Ok(created(ImportBody {
        id: s.import.id,
        rows: s.import.rows,
        valid: s.import.valid,
        errors: s.errors,
        already_imported: s.already_imported,
    }))
}

/// The confirmation's answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayrollImported)]
pub struct Imported {
    pub imported: usize,
}

/// `POST …/imports/{id}/confirm` → `{"imported"}`: the valid rows, in one transaction.
#[utoipa::path(post, operation_id = "payroll_confirm", path = "/api/m/{slug}/payroll/periods/{period}/imports/{id}/confirm", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD), ("id" = String, Path, description = "Import")), responses((status = 200, description = "Lignes valides importées", body = Imported), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Déjà confirmé, ou période verrouillée", body = ErrorBody)))]
async fn confirm(
    State(ctx): State<AppContext>,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Imported>> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let w = scope.write(&ctx.db).await?;
    let imported = imports::confirm(&w, &scope.actor().label, month, id).await?;
    w.commit().await?;
    Ok(Json(Imported { imported }))
}

/// `GET …/periods/{YYYY-MM}/findings`
#[utoipa::path(get, operation_id = "payroll_findings", path = "/api/m/{slug}/payroll/periods/{period}/findings", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "Les anomalies, bloquantes d’abord", body = Vec<Shown>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Période invalide", body = ErrorBody)))]
async fn list_findings(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<Shown>>> {
    let scope = access.authorize("payroll.periods", "read").await?;
    let month = month_of(&p)?;
    Ok(Json(
        findings::of_period(&ctx.db, scope.tenant(), month).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
#[schema(as = PayrollAcknowledge)]
struct AckBody {
    comment: String,
}

/// `POST …/findings/{id}/acknowledge` `{"comment"}`: a warning acknowledged.
#[utoipa::path(post, operation_id = "payroll_acknowledge", path = "/api/m/{slug}/payroll/periods/{period}/findings/{id}/acknowledge", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD), ("id" = String, Path, description = "Anomalie")), request_body = AckBody, responses((status = 200, description = "Avertissement acquitté", body = Shown), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Période verrouillée", body = ErrorBody), (status = 422, description = "Sans commentaire, ou anomalie bloquante", body = ErrorBody)))]
async fn acknowledge(
    State(ctx): State<AppContext>,
    Path((_slug, p, id)): Path<(String, String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<AckBody>,
) -> ApiResult<Json<Shown>> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let w = scope.write(&ctx.db).await?;
    let f = findings::acknowledge(&w, &scope.actor().label, month, id, &body.comment).await?;
    w.commit().await?;
    Ok(Json(f))
}

/// A transition's answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayrollStatus)]
pub struct StatusBody {
    pub status: String,
    #[schema(required = true)]
    pub validated_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub validated_by: Option<String>,
}

fn status_body(p: &crate::entities::payroll_periods::Model) -> StatusBody {
    StatusBody {
        status: p.status.clone(),
        validated_at: p.validated_at,
        validated_by: p.validated_by.clone(),
    }
}

/// `POST …/periods/{YYYY-MM}/submit`: 422 listing the blocking findings and the warnings
/// not acknowledged.
#[utoipa::path(post, operation_id = "payroll_submit", path = "/api/m/{slug}/payroll/periods/{period}/submit", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "Période soumise à la direction", body = StatusBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "La période n’est pas ouverte", body = ErrorBody), (status = 422, description = "Anomalies bloquantes ou avertissements non acquittés, chacun nommé", body = ErrorBody)))]
async fn submit(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Json<StatusBody>> {
    let scope = access.authorize("payroll.entry", "write").await?;
    let month = month_of(&p)?;
    let p = crate::transitions::submit(&ctx.db, &scope, month).await?;
    Ok(Json(status_body(&p)))
}

/// `POST …/periods/{YYYY-MM}/validate` (the director only): the period is locked.
#[utoipa::path(post, operation_id = "payroll_validate", path = "/api/m/{slug}/payroll/periods/{period}/validate", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "Période validée (horodatée, verrouillée)", body = StatusBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la direction", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "La période n’est pas soumise", body = ErrorBody)))]
async fn validate(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Json<StatusBody>> {
    let scope = access.authorize("payroll.validate", "write").await?;
    let month = month_of(&p)?;
    let w = scope.write(&ctx.db).await?;
    let p = periods::validate(&w, &scope.actor().label, month).await?;
    w.commit().await?;
    Ok(Json(status_body(&p)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
#[schema(as = PayrollReopen)]
struct ReopenBody {
    reason: String,
}

/// `POST …/periods/{YYYY-MM}/reopen` `{"reason"}` (the director).
#[utoipa::path(post, operation_id = "payroll_reopen", path = "/api/m/{slug}/payroll/periods/{period}/reopen", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), request_body = ReopenBody, responses((status = 200, description = "Période rouverte", body = StatusBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la direction", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "La période est ouverte", body = ErrorBody), (status = 422, description = "Sans motif", body = ErrorBody)))]
async fn reopen(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    Json(body): Json<ReopenBody>,
) -> ApiResult<Json<StatusBody>> {
    let scope = access.authorize("payroll.reopen", "write").await?;
    let month = month_of(&p)?;
    let p = crate::transitions::reopen(&ctx.db, &scope, month, &body.reason).await?;
    Ok(Json(status_body(&p)))
}

/// `GET /api/coop/payroll/board`: every served member's current period, late first.
#[utoipa::path(get, operation_id = "payroll_board", path = "/api/coop/payroll/board", tag = "payroll", security(("bearer" = [])), responses((status = 200, description = "Les adhérents suivis, en retard d’abord", body = Vec<board::Row>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Vous ne suivez la paie d’aucun adhérent", body = ErrorBody)))]
async fn board(
    State(ctx): State<AppContext>,
    access: ServedAccess,
) -> ApiResult<Json<Vec<board::Row>>> {
    let scope = access.authorize(&ctx.db, "payroll.board", "read").await?;
    let month = Month::of(Utc::now());
    Ok(Json(
        board::rows(&ctx.db, scope.members(), month, paris_today()).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
#[schema(as = PayrollExportRequest)]
struct ExportBody {
    /// `generic` or `123paie` (or a profile the cooperative stored).
    profile: String,
}

/// The export's answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PayrollExported)]
pub struct ExportedBody {
    pub status: String,
    pub files: Vec<crate::exports::FileInfo>,
}

/// `POST …/periods/{YYYY-MM}/export` `{"profile":"generic"/"123paie"}` (director, payroll
/// officer): the files, hashed and versioned; `payroll.payslips` counted once per employee.
#[utoipa::path(post, operation_id = "payroll_export", path = "/api/m/{slug}/payroll/periods/{period}/export", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), request_body = ExportBody, responses((status = 200, description = "Période exportée", body = ExportedBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "La période n’est pas validée", body = ErrorBody), (status = 422, description = "Profil inconnu", body = ErrorBody)))]
async fn export(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
    Json(body): Json<ExportBody>,
) -> ApiResult<Json<ExportedBody>> {
    let scope = access.authorize("payroll.export", "write").await?;
    let month = month_of(&p)?;
    let profile = if body.profile.trim().is_empty() {
        "generic".to_string()
    } else {
        body.profile.trim().to_string()
    };
    let w = scope.write(&ctx.db).await?;
    let files = crate::exports::export(&w, &scope.actor().label, month, &profile).await?;
    w.commit().await?;
    Ok(Json(ExportedBody {
        status: periods::status::EXPORTED.to_string(),
        files,
    }))
}

async fn file(ctx: &AppContext, access: MemberAccess, p: &str, kind: &str) -> ApiResult<Response> {
    let scope = access.authorize("payroll.export", "read").await?;
    let month = month_of(p)?;
    let f = crate::files::current(&ctx.db, scope.tenant(), month, kind).await?;
    Ok(mutualis_core::web::page::download(
        crate::exports::media_type(kind),
        &f.name,
        f.content,
    ))
}

/// `GET …/periods/{YYYY-MM}/export.csv`: the generic layout (`;`, decimal comma, UTF-8).
#[utoipa::path(get, operation_id = "payroll_file_csv", path = "/api/m/{slug}/payroll/periods/{period}/export.csv", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "Le fichier en vigueur", content_type = "text/csv"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Jamais exportée", body = ErrorBody)))]
async fn file_csv(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    file(&ctx, access, &p, "csv").await
}

/// `GET …/periods/{YYYY-MM}/export.xlsx`
#[utoipa::path(get, operation_id = "payroll_file_xlsx", path = "/api/m/{slug}/payroll/periods/{period}/export.xlsx", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "Le classeur en vigueur", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Jamais exportée", body = ErrorBody)))]
async fn file_xlsx(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    file(&ctx, access, &p, "xlsx").await
}

/// `GET …/periods/{YYYY-MM}/export-123paie.txt` (tab-separated, CRLF, ASCII).
#[utoipa::path(get, operation_id = "payroll_file_123paie", path = "/api/m/{slug}/payroll/periods/{period}/export-123paie.txt", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "Le fichier en vigueur", content_type = "text/plain"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Jamais exportée", body = ErrorBody)))]
async fn file_123paie(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    file(&ctx, access, &p, "123paie").await
}

/// `GET …/periods/{YYYY-MM}/recap.pdf`: per establishment, for the director's signature.
#[utoipa::path(get, operation_id = "payroll_file_recap", path = "/api/m/{slug}/payroll/periods/{period}/recap.pdf", tag = "payroll", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = String, Path, description = PERIOD)), responses((status = 200, description = "Le récapitulatif en vigueur", content_type = "application/pdf"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Jamais exportée", body = ErrorBody)))]
async fn file_recap(
    State(ctx): State<AppContext>,
    Path((_slug, p)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    file(&ctx, access, &p, "recap").await
}
