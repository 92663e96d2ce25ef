//! IT support's JSON API: a member's interventions (`/api/m/{slug}/it/…`) and the IT
//! staff's desk across the members they serve (`/api/coop/it/desk`).
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, put},
};
use chrono::{DateTime, NaiveDate, Utc};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created as Status201, created, schema::decimal},
    error::{AppError, ErrorBody},
    scope::MemberAccess,
    served::ServedAccess,
    time::Month,
    web::error::ApiResult,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    desk::{self, DeskRow},
    entities::it_interventions,
    interventions::{self, InterventionInput, hours},
};

const SLUG: &str = "Identifiant de l’adhérent";

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create, list, update, remove, desk_rows),
    tags((name = "it", description = "Support informatique : interventions par adhérent, bureau de l’équipe informatique"))
)]
struct ItApi;

/// The module's API, for its declaration.
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <ItApi as utoipa::OpenApi>::openapi()
}

/// The module's API routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/api/m/{slug}/it/interventions", get(list).post(create))
        .add(
            "/api/m/{slug}/it/interventions/{id}",
            put(update).delete(remove),
        )
        .add("/api/coop/it/desk", get(desk_rows))
}

/// `?period=YYYY-MM` (this month by default).
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    pub period: Option<String>,
}

impl PeriodQuery {
    /// The month asked.
    ///
    /// # Errors
    /// 422 on `period`.
    pub fn month(&self) -> Result<Month, AppError> {
        match self.period.as_deref().map(str::trim) {
            None | Some("") => Ok(Month::of(Utc::now())),
            Some(p) => Month::parse(p),
        }
    }
}

/// An intervention.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ItIntervention)]
pub struct Intervention {
    pub id: Uuid,
    pub date: NaiveDate,
    pub minutes: i64,
    #[schema(schema_with = decimal)]
    pub hours: Decimal,
    #[schema(required = true)]
    pub ticket: Option<String>,
    pub category: String,
    pub remote: bool,
    pub description: String,
    #[schema(required = true)]
    pub contact: Option<String>,
    /// `open` or `resolved`.
    pub status: String,
    #[schema(required = true)]
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<&it_interventions::Model> for Intervention {
    fn from(r: &it_interventions::Model) -> Self {
        Self {
            id: r.id,
            date: r.day,
            minutes: r.minutes,
            hours: hours(r.minutes),
            ticket: r.ticket.clone(),
            category: r.category.clone(),
            remote: r.remote,
            description: r.description.clone(),
            contact: r.contact.clone(),
            status: r.status.clone(),
            resolved_at: r.resolved_at,
        }
    }
}

/// A month's interventions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ItMonth)]
pub struct MonthBody {
    pub period: String,
    /// The journal's total of the month.
    #[schema(schema_with = decimal)]
    pub hours: Decimal,
    /// The hours billing counts (`it.support_hours`, events from other tools included).
    #[schema(schema_with = decimal)]
    pub billed_hours: Decimal,
    pub interventions: Vec<Intervention>,
}

/// `201`: the id.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ItCreated)]
pub struct CreatedId {
    pub id: Uuid,
}

/// `POST /api/m/{slug}/it/interventions` (the IT staff) → 201 `{"id"}`.
#[utoipa::path(post, operation_id = "it_create", path = "/api/m/{slug}/it/interventions", tag = "it", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), request_body = InterventionInput, responses((status = 201, description = "Intervention enregistrée (et comptée)", body = CreatedId), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’équipe informatique", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<InterventionInput>,
) -> ApiResult<Status201<CreatedId>> {
    let scope = access.authorize("it.interventions", "write").await?;
    let w = scope.write(&ctx.db).await?;
    let r = interventions::create(&w, &scope.actor().label, &body).await?;
    w.commit().await?;
    Ok(created(CreatedId { id: r.id }))
}

/// `GET /api/m/{slug}/it/interventions?period=YYYY-MM` (IT staff, director).
#[utoipa::path(get, operation_id = "it_list", path = "/api/m/{slug}/it/interventions", tag = "it", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("period" = Option<String>, Query, description = "AAAA-MM (ce mois par défaut)")), responses((status = 200, description = "Les interventions du mois et leur total", body = MonthBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Période invalide", body = ErrorBody)))]
async fn list(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<MonthBody>> {
    let scope = access.authorize("it.interventions", "read").await?;
    let month = q.month()?;
    let rows = interventions::of_month(&ctx.db, scope.tenant(), month).await?;
    let billed =
        desk::billed_hours(&ctx.db, &scope.services().meters, scope.tenant(), month).await?;
    Ok(Json(MonthBody {
        period: month.to_string(),
        hours: hours(rows.iter().map(|r| r.minutes).sum()),
        billed_hours: billed,
        interventions: rows.iter().map(Intervention::from).collect(),
    }))
}

/// `PUT /api/m/{slug}/it/interventions/{id}` (the IT staff): 409 for a resolved one of a
/// closed billing period.
#[utoipa::path(put, operation_id = "it_update", path = "/api/m/{slug}/it/interventions/{id}", tag = "it", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Intervention")), request_body = InterventionInput, responses((status = 200, description = "Intervention modifiée (l’écart est compté)", body = Intervention), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’équipe informatique", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Période de facturation close", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn update(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<InterventionInput>,
) -> ApiResult<Json<Intervention>> {
    let scope = access.authorize("it.interventions", "write").await?;
    let w = scope.write(&ctx.db).await?;
    let r = interventions::update(&w, id, &body).await?;
    w.commit().await?;
    Ok(Json(Intervention::from(&r)))
}

/// `DELETE /api/m/{slug}/it/interventions/{id}` (the IT staff) → 204; its hours taken back.
#[utoipa::path(delete, operation_id = "it_delete", path = "/api/m/{slug}/it/interventions/{id}", tag = "it", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Intervention")), responses((status = 204, description = "Intervention supprimée (ses heures décomptées)"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’équipe informatique", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Période de facturation close", body = ErrorBody)))]
async fn remove(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    let scope = access.authorize("it.interventions", "write").await?;
    let w = scope.write(&ctx.db).await?;
    interventions::delete(&w, id).await?;
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/coop/it/desk?period=YYYY-MM` (the IT staff): the members they serve.
#[utoipa::path(get, operation_id = "it_desk", path = "/api/coop/it/desk", tag = "it", security(("bearer" = [])), params(("period" = Option<String>, Query, description = "AAAA-MM (ce mois par défaut)")), responses((status = 200, description = "Les adhérents suivis, les plus consommateurs d’abord", body = Vec<DeskRow>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Vous ne suivez aucun adhérent", body = ErrorBody), (status = 422, description = "Période invalide", body = ErrorBody)))]
async fn desk_rows(
    State(ctx): State<AppContext>,
    access: ServedAccess,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<DeskRow>>> {
    let scope = access.authorize(&ctx.db, "it.desk", "read").await?;
    let month = q.month()?;
    Ok(Json(desk::rows(&ctx.db, scope.members(), month).await?))
}
