//! GDPR's JSON API (`/api/m/{slug}/gdpr/…` for a member's register, `/api/coop/gdpr/…`
//! for the DPO's desk and templates): thin handlers over the services, each in its
//! `#[utoipa::path]`.
use axum::{
    Json,
    extract::{Path, Query, State},
    routing::{get, post},
};
use chrono::Utc;
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created as Status201, created},
    error::{AppError, ErrorBody},
    scope::{MemberAccess, Scope},
    served::ServedAccess,
    time::paris_today,
    web::error::ApiResult,
};
use serde::Deserialize;
use uuid::Uuid;

mod bodies;
pub use bodies::*;
pub mod exports;

use crate::{
    activities::{self, ActivityInput},
    breaches::{self, BreachDeclaration, BreachDetails, NotificationInput},
    desk, dpias,
    processors::{self, ProcessorInput, TimeInput},
    requests::{self, AnswerInput, ExtendInput, RequestInput, StateInput},
    templates,
};

const SLUG: &str = "Identifiant de l’adhérent";

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_activity, list_activities, one_activity, update_activity, complete_activity,
        check_activity, archive_activity, template_update, accept_update, reject_update,
        declare_breach, list_breaches, one_breach, complete_breach, notification,
        create_request, list_requests, one_request, extend_request, answer_request, request_state,
        create_processor, list_processors, log_time, create_dpia, list_dpias, sign_dpia,
        desk_items, create_template, update_template, deploy_template, register_json,
        exports::register_pdf, exports::register_xlsx, exports::activity_pdf,
    ),
    tags((name = "gdpr", description = "RGPD : registre des traitements, violations, demandes de droits, sous-traitants, AIPD, bureau du DPO"))
)]
struct GdprApi;

/// The module's API, for its declaration.
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <GdprApi as utoipa::OpenApi>::openapi()
}

/// The module's API routes.
#[must_use]
pub fn routes() -> Vec<Routes> {
    vec![
        Routes::new()
            .prefix("/api/m/{slug}/gdpr")
            .add("/activities", get(list_activities).post(create_activity))
            .add("/activities/{id}", get(one_activity).put(update_activity))
            .add("/activities/{id}/complete", post(complete_activity))
            .add("/activities/{id}/check", post(check_activity))
            .add("/activities/{id}/archive", post(archive_activity))
            .add("/activities/{id}/template-update", get(template_update))
            .add(
                "/activities/{id}/template-update/accept",
                post(accept_update),
            )
            .add(
                "/activities/{id}/template-update/reject",
                post(reject_update),
            )
            .add("/breaches", get(list_breaches).post(declare_breach))
            .add("/breaches/{id}", get(one_breach).put(complete_breach))
            .add("/breaches/{id}/notification", post(notification))
            .add("/requests", get(list_requests).post(create_request))
            .add("/requests/{id}", get(one_request))
            .add("/requests/{id}/extend", post(extend_request))
            .add("/requests/{id}/answer", post(answer_request))
            .add("/requests/{id}/state", post(request_state))
            .add("/processors", get(list_processors).post(create_processor))
            .add("/time", post(log_time))
            .add("/dpias", get(list_dpias).post(create_dpia))
            .add("/dpias/{id}/sign/{which}", post(sign_dpia))
            .add("/register.json", get(register_json))
            .add("/register.pdf", get(exports::register_pdf))
            .add("/register.xlsx", get(exports::register_xlsx))
            .add("/activities/{id}/pdf", get(exports::activity_pdf)),
        Routes::new()
            .prefix("/api/coop/gdpr")
            .add("/desk", get(desk_items))
            .add("/templates", post(create_template))
            .add("/templates/{id}", axum::routing::put(update_template))
            .add("/templates/{id}/deploy", post(deploy_template)),
    ]
}

async fn write<'s>(
    ctx: &AppContext,
    scope: &'s Scope,
) -> Result<mutualis_core::write::Write<'s>, AppError> {
    scope.write(&ctx.db).await
}

/// `POST /api/m/{slug}/gdpr/activities` → 201 `{"id","status":"draft","dpia_required"}`.
#[utoipa::path(post, operation_id = "gdpr_create_activity", path = "/api/m/{slug}/gdpr/activities", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), request_body = ActivityInput, responses((status = 201, description = "Traitement créé (brouillon)", body = ActivityCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_activity(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<ActivityInput>,
) -> ApiResult<Status201<ActivityCreated>> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let v = body.validate().map_err(AppError::Validation)?;
    let w = write(&ctx, &scope).await?;
    let a = activities::insert(&w, &scope.actor().label, &v, None).await?;
    w.commit().await?;
    Ok(created(ActivityCreated {
        id: a.id,
        status: a.status,
        dpia_required: a.dpia_required,
    }))
}

/// `GET /api/m/{slug}/gdpr/activities`
#[utoipa::path(get, operation_id = "gdpr_list_activities", path = "/api/m/{slug}/gdpr/activities", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), responses((status = 200, description = "Le registre (archivés en dernier)", body = Vec<Activity>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn list_activities(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<Activity>>> {
    let scope = access.authorize("gdpr.activities", "read").await?;
    let all = activities::list(&ctx.db, scope.tenant()).await?;
    Ok(Json(all.iter().map(Activity::from).collect()))
}

/// `GET /api/m/{slug}/gdpr/activities/{id}`
#[utoipa::path(get, operation_id = "gdpr_one_activity", path = "/api/m/{slug}/gdpr/activities/{id}", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), responses((status = 200, description = "Le traitement", body = Activity), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn one_activity(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Activity>> {
    let scope = access.authorize("gdpr.activities", "read").await?;
    let a = activities::get(&ctx.db, scope.tenant(), id).await?;
    Ok(Json(Activity::from(&a)))
}

/// `PUT /api/m/{slug}/gdpr/activities/{id}`: a checked activity goes back to completed.
#[utoipa::path(put, operation_id = "gdpr_update_activity", path = "/api/m/{slug}/gdpr/activities/{id}", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), request_body = ActivityInput, responses((status = 200, description = "Le traitement modifié", body = Activity), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Traitement archivé", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn update_activity(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<ActivityInput>,
) -> ApiResult<Json<Activity>> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let w = write(&ctx, &scope).await?;
    let a = activities::update(&w, &scope.actor().label, id, &body).await?;
    w.commit().await?;
    Ok(Json(Activity::from(&a)))
}

/// `POST …/activities/{id}/complete` (director or DPO).
#[utoipa::path(post, operation_id = "gdpr_complete_activity", path = "/api/m/{slug}/gdpr/activities/{id}/complete", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), responses((status = 200, description = "Traitement complété", body = Activity), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Pas un brouillon", body = ErrorBody), (status = 422, description = "Champs essentiels manquants, chacun nommé", body = ErrorBody)))]
async fn complete_activity(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Activity>> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let w = write(&ctx, &scope).await?;
    let a = activities::complete(&w, &scope.actor().label, id).await?;
    w.commit().await?;
    Ok(Json(Activity::from(&a)))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = GdprCheckBody)]
#[serde(default)]
struct CheckBody {
    recommendations: String,
}

/// `POST …/activities/{id}/check` `{"recommendations"}` (the DPO only).
#[utoipa::path(post, operation_id = "gdpr_check_activity", path = "/api/m/{slug}/gdpr/activities/{id}/check", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), request_body = CheckBody, responses((status = 200, description = "Traitement vérifié par le DPO", body = Activity), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé au DPO", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Pas encore complété", body = ErrorBody), (status = 422, description = "Champs invalides", body = ErrorBody)))]
async fn check_activity(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<CheckBody>,
) -> ApiResult<Json<Activity>> {
    let scope = access.authorize("gdpr.checks", "write").await?;
    let w = write(&ctx, &scope).await?;
    let a = activities::check(&w, &scope.actor().label, id, &body.recommendations).await?;
    w.commit().await?;
    Ok(Json(Activity::from(&a)))
}

/// `POST …/activities/{id}/archive`: the processing ended (kept in the history).
#[utoipa::path(post, operation_id = "gdpr_archive_activity", path = "/api/m/{slug}/gdpr/activities/{id}/archive", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), responses((status = 200, description = "Traitement archivé", body = Activity), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Déjà archivé", body = ErrorBody)))]
async fn archive_activity(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Activity>> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let w = write(&ctx, &scope).await?;
    let a = activities::archive(&w, &scope.actor().label, id).await?;
    w.commit().await?;
    Ok(Json(Activity::from(&a)))
}

/// `GET …/activities/{id}/template-update`: the template's newer version, field by
/// field; 404 when none is proposed.
#[utoipa::path(get, operation_id = "gdpr_template_update", path = "/api/m/{slug}/gdpr/activities/{id}/template-update", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), responses((status = 200, description = "La mise à jour proposée", body = TemplateUpdateBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Aucune mise à jour proposée", body = ErrorBody)))]
async fn template_update(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<TemplateUpdateBody>> {
    let scope = access.authorize("gdpr.activities", "read").await?;
    let a = activities::get(&ctx.db, scope.tenant(), id).await?;
    let u = activities::pending_update(&ctx.db, &a)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(TemplateUpdateBody {
        from_version: u.from_version,
        to_version: u.to_version,
        changes: u.changes,
    }))
}

/// `POST …/template-update/accept`: the template's changes taken, the member's own kept.
#[utoipa::path(post, operation_id = "gdpr_accept_update", path = "/api/m/{slug}/gdpr/activities/{id}/template-update/accept", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), responses((status = 200, description = "Mise à jour acceptée", body = Activity), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Aucune mise à jour proposée", body = ErrorBody)))]
async fn accept_update(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Activity>> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let w = write(&ctx, &scope).await?;
    let a = activities::accept_update(&w, &scope.actor().label, id).await?;
    w.commit().await?;
    Ok(Json(Activity::from(&a)))
}

/// `POST …/template-update/reject`
#[utoipa::path(post, operation_id = "gdpr_reject_update", path = "/api/m/{slug}/gdpr/activities/{id}/template-update/reject", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Traitement")), responses((status = 200, description = "Mise à jour refusée", body = Activity), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Aucune mise à jour proposée", body = ErrorBody)))]
async fn reject_update(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Activity>> {
    let scope = access.authorize("gdpr.activities", "write").await?;
    let w = write(&ctx, &scope).await?;
    let a = activities::reject_update(&w, &scope.actor().label, id).await?;
    w.commit().await?;
    Ok(Json(Activity::from(&a)))
}

/// `POST /api/m/{slug}/gdpr/breaches` (any user of the member) → 201
/// `{"id","notification_deadline"}`.
#[utoipa::path(post, operation_id = "gdpr_declare_breach", path = "/api/m/{slug}/gdpr/breaches", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), request_body = BreachDeclaration, responses((status = 201, description = "Violation déclarée", body = BreachCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn declare_breach(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<BreachDeclaration>,
) -> ApiResult<Status201<BreachCreated>> {
    let scope = access.authorize("gdpr.breach_report", "create").await?;
    let w = write(&ctx, &scope).await?;
    let b = breaches::declare(&w, &scope.actor().label, &body, Utc::now()).await?;
    w.commit().await?;
    Ok(created(BreachCreated {
        id: b.id,
        notification_deadline: crate::rules::breach_deadline(b.aware_at),
    }))
}

/// `GET /api/m/{slug}/gdpr/breaches` (DPO, director)
#[utoipa::path(get, operation_id = "gdpr_list_breaches", path = "/api/m/{slug}/gdpr/breaches", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), responses((status = 200, description = "Les violations, les plus récentes d’abord", body = Vec<Breach>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn list_breaches(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<Breach>>> {
    let scope = access.authorize("gdpr.breaches", "read").await?;
    let all = breaches::list(&ctx.db, scope.tenant()).await?;
    Ok(Json(all.iter().map(Breach::from).collect()))
}

/// `GET /api/m/{slug}/gdpr/breaches/{id}`
#[utoipa::path(get, operation_id = "gdpr_one_breach", path = "/api/m/{slug}/gdpr/breaches/{id}", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Violation")), responses((status = 200, description = "La violation", body = Breach), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn one_breach(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Breach>> {
    let scope = access.authorize("gdpr.breaches", "read").await?;
    let b = breaches::get(&ctx.db, scope.tenant(), id).await?;
    Ok(Json(Breach::from(&b)))
}

/// `PUT /api/m/{slug}/gdpr/breaches/{id}`: the file completed (DPO, director).
#[utoipa::path(put, operation_id = "gdpr_complete_breach", path = "/api/m/{slug}/gdpr/breaches/{id}", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Violation")), request_body = BreachDetails, responses((status = 200, description = "La violation complétée", body = Breach), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn complete_breach(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<BreachDetails>,
) -> ApiResult<Json<Breach>> {
    let scope = access.authorize("gdpr.breaches", "write").await?;
    let w = write(&ctx, &scope).await?;
    let b = breaches::complete(&w, id, &body, Utc::now()).await?;
    w.commit().await?;
    Ok(Json(Breach::from(&b)))
}

/// `POST …/breaches/{id}/notification` `{"decision","reason","notified_at","reference"}`
#[utoipa::path(post, operation_id = "gdpr_notification", path = "/api/m/{slug}/gdpr/breaches/{id}/notification", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Violation")), request_body = NotificationInput, responses((status = 200, description = "Décision enregistrée", body = Breach), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn notification(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<NotificationInput>,
) -> ApiResult<Json<Breach>> {
    let scope = access.authorize("gdpr.breaches", "write").await?;
    let w = write(&ctx, &scope).await?;
    let b = breaches::decide(&w, id, &body, Utc::now()).await?;
    w.commit().await?;
    Ok(Json(Breach::from(&b)))
}

/// `POST /api/m/{slug}/gdpr/requests` → 201 `{"id","due_on"}`.
#[utoipa::path(post, operation_id = "gdpr_create_request", path = "/api/m/{slug}/gdpr/requests", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), request_body = RequestInput, responses((status = 201, description = "Demande enregistrée, avec son échéance légale", body = RequestDue), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_request(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<RequestInput>,
) -> ApiResult<Status201<RequestDue>> {
    let scope = access.authorize("gdpr.requests", "write").await?;
    let w = write(&ctx, &scope).await?;
    let r = requests::create(&w, &scope.actor().label, &body).await?;
    w.commit().await?;
    Ok(created(RequestDue {
        id: r.id,
        due_on: r.due_on,
    }))
}

/// `GET /api/m/{slug}/gdpr/requests`
#[utoipa::path(get, operation_id = "gdpr_list_requests", path = "/api/m/{slug}/gdpr/requests", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), responses((status = 200, description = "Les demandes, la plus proche échéance d’abord", body = Vec<Request>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn list_requests(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<Request>>> {
    let scope = access.authorize("gdpr.requests", "read").await?;
    let all = requests::list(&ctx.db, scope.tenant()).await?;
    Ok(Json(all.iter().map(Request::from).collect()))
}

/// `GET /api/m/{slug}/gdpr/requests/{id}`
#[utoipa::path(get, operation_id = "gdpr_one_request", path = "/api/m/{slug}/gdpr/requests/{id}", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Demande")), responses((status = 200, description = "La demande", body = Request), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn one_request(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
) -> ApiResult<Json<Request>> {
    let scope = access.authorize("gdpr.requests", "read").await?;
    let r = requests::get(&ctx.db, scope.tenant(), id).await?;
    Ok(Json(Request::from(&r)))
}

/// `POST …/requests/{id}/extend` `{"reason","informed_on"}` → `{"due_on"}`; 422 after the
/// first month or without a reason.
#[utoipa::path(post, operation_id = "gdpr_extend_request", path = "/api/m/{slug}/gdpr/requests/{id}/extend", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Demande")), request_body = ExtendInput, responses((status = 200, description = "Délai prolongé à trois mois de la réception", body = RequestDue), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Demande close ou déjà prolongée", body = ErrorBody), (status = 422, description = "Sans motif, ou après le premier mois", body = ErrorBody)))]
async fn extend_request(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<ExtendInput>,
) -> ApiResult<Json<RequestDue>> {
    let scope = access.authorize("gdpr.requests", "write").await?;
    let w = write(&ctx, &scope).await?;
    let r = requests::extend(&w, id, &body, paris_today()).await?;
    w.commit().await?;
    Ok(Json(RequestDue {
        id: r.id,
        due_on: r.due_on,
    }))
}

/// `POST …/requests/{id}/answer` `{"answered_on","answer"}`
#[utoipa::path(post, operation_id = "gdpr_answer_request", path = "/api/m/{slug}/gdpr/requests/{id}/answer", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Demande")), request_body = AnswerInput, responses((status = 200, description = "Réponse enregistrée", body = Request), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Déjà répondue", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn answer_request(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<AnswerInput>,
) -> ApiResult<Json<Request>> {
    let scope = access.authorize("gdpr.requests", "write").await?;
    let w = write(&ctx, &scope).await?;
    let r = requests::answer(&w, id, &body, paris_today()).await?;
    w.commit().await?;
    Ok(Json(Request::from(&r)))
}

/// `POST …/requests/{id}/state` `{"state"}`: waiting for an ID, a clarification, a service.
#[utoipa::path(post, operation_id = "gdpr_request_state", path = "/api/m/{slug}/gdpr/requests/{id}/state", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Demande")), request_body = StateInput, responses((status = 200, description = "État modifié", body = Request), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Demande close", body = ErrorBody), (status = 422, description = "État inconnu", body = ErrorBody)))]
async fn request_state(
    State(ctx): State<AppContext>,
    Path((_slug, id)): Path<(String, Uuid)>,
    access: MemberAccess,
    Json(body): Json<StateInput>,
) -> ApiResult<Json<Request>> {
    let scope = access.authorize("gdpr.requests", "write").await?;
    let w = write(&ctx, &scope).await?;
    let r = requests::set_state(&w, id, &body).await?;
    w.commit().await?;
    Ok(Json(Request::from(&r)))
}

/// `POST /api/m/{slug}/gdpr/processors` (the DPO)
#[utoipa::path(post, operation_id = "gdpr_create_processor", path = "/api/m/{slug}/gdpr/processors", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), request_body = ProcessorInput, responses((status = 201, description = "Sous-traitant enregistré", body = Processor), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_processor(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<ProcessorInput>,
) -> ApiResult<Status201<Processor>> {
    let scope = access.authorize("gdpr.processors", "write").await?;
    let w = write(&ctx, &scope).await?;
    let p = processors::create(&w, &scope.actor().label, &body).await?;
    w.commit().await?;
    Ok(created(Processor::from(&p)))
}

/// `GET /api/m/{slug}/gdpr/processors`
#[utoipa::path(get, operation_id = "gdpr_list_processors", path = "/api/m/{slug}/gdpr/processors", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), responses((status = 200, description = "Les sous-traitants", body = Vec<Processor>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn list_processors(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<Processor>>> {
    let scope = access.authorize("gdpr.processors", "read").await?;
    let all = processors::list(&ctx.db, scope.tenant()).await?;
    Ok(Json(all.iter().map(Processor::from).collect()))
}

/// `POST /api/m/{slug}/gdpr/time` `{"date","hours","note"}` (the DPO; meter
/// `gdpr.dpo_hours`).
#[utoipa::path(post, operation_id = "gdpr_log_time", path = "/api/m/{slug}/gdpr/time", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), request_body = TimeInput, responses((status = 201, description = "Temps enregistré (et compté)", body = TimeLogged), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé au DPO", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn log_time(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<TimeInput>,
) -> ApiResult<Status201<TimeLogged>> {
    let scope = access.authorize("gdpr.time", "write").await?;
    let w = write(&ctx, &scope).await?;
    let t = processors::log_time(
        &w,
        scope.user().id,
        &scope.actor().label,
        &body,
        paris_today(),
    )
    .await?;
    w.commit().await?;
    Ok(created(TimeLogged {
        id: t.id,
        date: t.day,
        hours: (rust_decimal::Decimal::from(t.minutes) / rust_decimal::Decimal::from(60))
            .normalize()
            .to_string(),
    }))
}

/// `POST /api/m/{slug}/gdpr/dpias` `{"activity_id","title","summary"}`
#[utoipa::path(post, operation_id = "gdpr_create_dpia", path = "/api/m/{slug}/gdpr/dpias", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), request_body = dpias::DpiaInput, responses((status = 201, description = "AIPD ouverte", body = Dpia), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_dpia(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Json(body): Json<dpias::DpiaInput>,
) -> ApiResult<Status201<Dpia>> {
    let scope = access.authorize("gdpr.dpias", "write").await?;
    let w = write(&ctx, &scope).await?;
    let d = dpias::create(&w, &scope.actor().label, &body).await?;
    w.commit().await?;
    Ok(created(Dpia::from(&d)))
}

/// `GET /api/m/{slug}/gdpr/dpias`
#[utoipa::path(get, operation_id = "gdpr_list_dpias", path = "/api/m/{slug}/gdpr/dpias", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), responses((status = 200, description = "Les AIPD", body = Vec<Dpia>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn list_dpias(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<Dpia>>> {
    let scope = access.authorize("gdpr.dpias", "read").await?;
    let all = dpias::list(&ctx.db, scope.tenant()).await?;
    Ok(Json(all.iter().map(Dpia::from).collect()))
}

/// `POST /api/m/{slug}/gdpr/dpias/{id}/sign/{which}` `{"text"}`: `author`,
/// `representative` (HR writers), `dpo` (the DPO), `controller` (the director).
#[utoipa::path(post, operation_id = "gdpr_sign_dpia", path = "/api/m/{slug}/gdpr/dpias/{id}/sign/{which}", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "AIPD"), ("which" = String, Path, description = "author, dpo, representative ou controller")), request_body = dpias::SignInput, responses((status = 200, description = "Signature enregistrée", body = Dpia), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Cette signature revient à un autre rôle", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 409, description = "Déjà signée", body = ErrorBody), (status = 422, description = "Champs invalides", body = ErrorBody)))]
async fn sign_dpia(
    State(ctx): State<AppContext>,
    Path((_slug, id, which)): Path<(String, Uuid, String)>,
    access: MemberAccess,
    Json(body): Json<dpias::SignInput>,
) -> ApiResult<Json<Dpia>> {
    let which = dpias::SignOff::parse(&which).ok_or(AppError::NotFound)?;
    let scope = access.authorize(which.object(), "write").await?;
    let w = write(&ctx, &scope).await?;
    let d = dpias::sign(&w, &scope.actor().label, id, which, &body, paris_today()).await?;
    w.commit().await?;
    Ok(Json(Dpia::from(&d)))
}

/// `GET /api/m/{slug}/gdpr/register.json`: the register today, with its processors.
#[utoipa::path(get, operation_id = "gdpr_register_json", path = "/api/m/{slug}/gdpr/register.json", tag = "gdpr", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("date" = Option<String>, Query, description = "AAAA-MM-JJ : le registre à cette date (aujourd’hui par défaut)")), responses((status = 200, description = "Le registre", body = Register), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Date invalide", body = ErrorBody)))]
async fn register_json(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Query(q): Query<DateQuery>,
) -> ApiResult<Json<Register>> {
    let scope = access.authorize("gdpr.register", "read").await?;
    let date = q.date()?;
    let entries = activities::register_at(&ctx.db, scope.tenant(), date).await?;
    let procs = processors::list(&ctx.db, scope.tenant()).await?;
    Ok(Json(Register {
        member: scope.member().slug.clone(),
        date,
        activities: entries
            .into_iter()
            .map(|e| RegisterEntry {
                id: e.activity_id,
                status: e.status,
                version: e.version,
                dpia_required: e.dpia_required,
                recorded_at: e.recorded_at,
                fields: e.fields,
            })
            .collect(),
        processors: procs.iter().map(Processor::from).collect(),
    }))
}

/// `?date=AAAA-MM-JJ` (today by default).
#[derive(Debug, Default, Deserialize)]
pub struct DateQuery {
    #[serde(default)]
    pub date: Option<String>,
}

impl DateQuery {
    /// The date asked, today by default.
    ///
    /// # Errors
    /// 422 on `date`.
    pub fn date(&self) -> Result<chrono::NaiveDate, AppError> {
        match self.date.as_deref().map(str::trim) {
            None | Some("") => Ok(paris_today()),
            Some(raw) => {
                let mut c = mutualis_core::limits::Check::new();
                let d =
                    c.optional_date("date", "La date", raw, mutualis_core::limits::Dates::Record);
                c.finish(|| d).map_err(AppError::Validation)
            }
        }
    }
}

/// `GET /api/coop/gdpr/desk`: every running clock of the members the user serves as DPO.
#[utoipa::path(get, operation_id = "gdpr_desk", path = "/api/coop/gdpr/desk", tag = "gdpr", security(("bearer" = [])), responses((status = 200, description = "Les échéances, la plus urgente d’abord", body = Desk), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Vous n’êtes DPO d’aucun adhérent", body = ErrorBody)))]
async fn desk_items(State(ctx): State<AppContext>, access: ServedAccess) -> ApiResult<Json<Desk>> {
    let scope = access.authorize(&ctx.db, "gdpr.desk", "read").await?;
    let items = desk::items(&ctx.db, scope.members(), Utc::now()).await?;
    Ok(Json(Desk { items }))
}

/// `POST /api/coop/gdpr/templates` (activity fields) → 201 `{"id","version":1}`.
#[utoipa::path(post, operation_id = "gdpr_create_template", path = "/api/coop/gdpr/templates", tag = "gdpr", security(("bearer" = [])), request_body = ActivityInput, responses((status = 201, description = "Modèle créé", body = TemplateVersion), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé aux DPO", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_template(
    State(ctx): State<AppContext>,
    access: ServedAccess,
    Json(body): Json<ActivityInput>,
) -> ApiResult<Status201<TemplateVersion>> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    let t = templates::create(
        &ctx.db,
        scope.shared_reference("gdpr templates"),
        &scope.actor(),
        scope.identity().user.id,
        &body,
    )
    .await?;
    Ok(created(TemplateVersion {
        id: t.row.id,
        version: t.row.current_version,
    }))
}

/// `PUT /api/coop/gdpr/templates/{id}` → `{"version"}` (its author).
#[utoipa::path(put, operation_id = "gdpr_update_template", path = "/api/coop/gdpr/templates/{id}", tag = "gdpr", security(("bearer" = [])), params(("id" = i64, Path, description = "Modèle")), request_body = ActivityInput, responses((status = 200, description = "Nouvelle version (proposée aux copies)", body = TemplateVersion), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’auteur du modèle", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn update_template(
    State(ctx): State<AppContext>,
    Path(id): Path<i64>,
    access: ServedAccess,
    Json(body): Json<ActivityInput>,
) -> ApiResult<Json<TemplateVersion>> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    let t = templates::update(
        &ctx.db,
        scope.shared_reference("gdpr templates"),
        &scope.actor(),
        scope.identity().user.id,
        id,
        &body,
    )
    .await?;
    Ok(Json(TemplateVersion {
        id: t.row.id,
        version: t.row.current_version,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = GdprDeployBody)]
#[serde(default)]
struct DeployBody {
    /// The members' slugs.
    members: Vec<String>,
}

/// `POST /api/coop/gdpr/templates/{id}/deploy` `{"members":[slugs]}` →
/// `{"activities":[{"member","id"}]}` (the user must be DPO of every member named).
#[utoipa::path(post, operation_id = "gdpr_deploy_template", path = "/api/coop/gdpr/templates/{id}/deploy", tag = "gdpr", security(("bearer" = [])), params(("id" = i64, Path, description = "Modèle")), request_body = DeployBody, responses((status = 200, description = "Une copie par adhérent", body = Deployment), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé aux DPO", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Un adhérent refusé, nommé", body = ErrorBody)))]
async fn deploy_template(
    State(ctx): State<AppContext>,
    Path(id): Path<i64>,
    access: ServedAccess,
    Json(body): Json<DeployBody>,
) -> ApiResult<Json<Deployment>> {
    let scope = access.authorize(&ctx.db, "gdpr.templates", "write").await?;
    let activities = templates::deploy(&ctx.db, &scope, id, &body.members).await?;
    Ok(Json(Deployment { activities }))
}
