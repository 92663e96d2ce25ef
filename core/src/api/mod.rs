//! The JSON API: `/api/auth/login`, `/api/me`, `/api/meters`, `/api/usage/events`,
//! `/api/m/{slug}/…` and `/api/coop/…`. Bearer JWT for users, `X-Api-Key` for sources.

pub mod doc;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::NaiveDate;
use loco_rs::{app::AppContext, controller::Routes};
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use serde_json::json;

use crate::{
    audit::Actor,
    auth,
    error::ErrorBody,
    error::{AppError, AppResult},
    member::{self, MemberInput, module_label},
    metering::{self, IncomingBatch},
    scope::{ClientIp, CoopAccess, Identity, MemberAccess, services},
    time::{Month, paris_today},
    web::error::ApiResult,
};

/// Every API route of core.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api")
        .add("/auth/login", post(login))
        .add("/me", get(me))
        .add("/meters", get(meters))
        .add("/usage/events", post(ingest))
        .add("/m/{slug}/usage", get(member_usage))
        .add("/m/{slug}/modules/{module}", get(module_status))
        .add("/coop/api-keys", post(create_api_key))
        .add("/coop/members", get(list_members).post(create_member))
        .add("/coop/members/{slug}/subscriptions", post(subscribe))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
}

/// `POST /api/auth/login` → `{"token"}`
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginBody, responses((status = 200, description = "Jeton JWT `{\"token\"}`"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 429, description = "Trop de tentatives", body = ErrorBody)))]
async fn login(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginBody>,
) -> AppResult<Response> {
    let user = match auth::authenticate(&ctx.db, &body.email, &body.password, ip.as_deref()).await {
        Err(AppError::Unauthorized) => {
            return Ok((
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": auth::BAD_CREDENTIALS})),
            )
                .into_response());
        }
        other => other?,
    };
    let svc = services(&ctx)?;
    let token = auth::issue_jwt(&svc.jwt_secret, user.id, svc.jwt_ttl_seconds)?;
    Ok(Json(json!({"token": token})).into_response())
}

/// `GET /api/me` → the user, its cooperative roles and its roles per member (by slug).
#[utoipa::path(get, path = "/api/me", tag = "auth", security(("bearer" = [])), responses((status = 200, description = "L’utilisateur, ses rôles coopérative et ses rôles par adhérent"), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn me(State(ctx): State<AppContext>, id: Identity) -> AppResult<Response> {
    let svc = services(&ctx)?;
    let grants = svc.authz.grants_of(id.user.id).await;
    let members = member::list(&ctx.db).await?;
    let coop: Vec<&str> = grants
        .iter()
        .filter(|g| g.member_id.is_none())
        .map(|g| g.role.as_str())
        .collect();
    let mut per_member = serde_json::Map::new();
    for g in grants.iter().filter(|g| g.member_id.is_some()) {
        if let Some(m) = members.iter().find(|m| Some(m.id) == g.member_id) {
            let entry = per_member
                .entry(m.slug.clone())
                .or_insert_with(|| json!({"name": m.name, "roles": []}));
            if let Some(arr) = entry.get_mut("roles").and_then(|r| r.as_array_mut()) {
                arr.push(json!(g.role.as_str()));
            }
        }
    }
    Ok(Json(json!({
        "user": {"id": id.user.id, "email": id.user.email, "name": id.user.name},
        "coop_roles": coop,
        "members": per_member,
    }))
    .into_response())
}

/// `GET /api/meters` → every declared meter.
#[utoipa::path(get, path = "/api/meters", tag = "usage", security(("bearer" = [])), responses((status = 200, description = "Chaque compteur déclaré"), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn meters(State(ctx): State<AppContext>, _id: Identity) -> AppResult<Response> {
    let svc = services(&ctx)?;
    let list: Vec<_> = svc
        .meters
        .all()
        .iter()
        .map(|m| {
            let mut v = json!({"code": m.code, "module": m.module, "aggregation": m.aggregation.code(), "unit": m.unit, "label": m.label});
            if let metering::Aggregation::UniqueCount { property } = m.aggregation {
                v["property"] = json!(property);
            }
            v
        })
        .collect();
    Ok(Json(list).into_response())
}

/// `POST /api/usage/events` with `X-Api-Key`.
#[utoipa::path(post, path = "/api/usage/events", tag = "usage", security(("api_key" = [])), request_body = IncomingBatch, responses((status = 200, description = "Événements acceptés, doublons, rejets par index"), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn ingest(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::Unauthorized)?;
    let api_key = auth::find_api_key(&ctx.db, key).await?.ok_or_else(|| {
        tracing::warn!("usage batch with an unknown or revoked API key");
        AppError::Unauthorized
    })?;
    let batch: IncomingBatch = serde_json::from_slice(&body).map_err(|e| {
        AppError::BadRequest(format!(
            "Corps JSON invalide : {{\"events\": [...]}} attendu ({e})."
        ))
    })?;
    let svc = services(&ctx)?;
    let source = format!("api:{}", api_key.name);
    let outcome = metering::ingest_batch(
        &ctx.db,
        &svc.meters,
        &Actor::api_key(&api_key.name),
        &source,
        &batch,
    )
    .await?;
    // "Last used" to the minute: not a second committed write (and fsync) per batch.
    let now = chrono::Utc::now();
    if api_key
        .last_used_at
        .is_none_or(|t| now - t > chrono::Duration::minutes(1))
    {
        let mut am: crate::entities::api_keys::ActiveModel = api_key.into();
        am.last_used_at = Set(Some(now));
        am.update(&ctx.db).await?;
    }
    Ok(Json(outcome).into_response())
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Le mois, `AAAA-MM`.
    #[serde(default)]
    pub period: String,
}

/// `GET /api/m/{slug}/usage?period=YYYY-MM` → quantity per meter for that month.
#[utoipa::path(get, path = "/api/m/{slug}/usage", tag = "usage", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), PeriodQuery), responses((status = 200, description = "Quantité par compteur pour le mois"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn member_usage(
    State(ctx): State<AppContext>,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> ApiResult {
    let scope = access.authorize("usage", "read").await?;
    let month = if q.period.is_empty() {
        Month::of(chrono::Utc::now())
    } else {
        Month::parse(&q.period)?
    };
    let usage =
        metering::usage_for_month(&ctx.db, &scope.services().meters, scope.member_id(), month)
            .await?;
    Ok(
        Json(json!({"member": scope.member().slug, "period": month.to_string(), "meters": usage}))
            .into_response(),
    )
}

/// `GET /api/m/{slug}/modules/{module}` → the subscription (403 when not subscribed).
#[utoipa::path(get, path = "/api/m/{slug}/modules/{module}", tag = "members", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("module" = String, Path, description = "Code du module (hr, billing…)")), responses((status = 200, description = "L’abonnement"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn module_status(
    State(ctx): State<AppContext>,
    Path((_slug, module)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult {
    if !crate::module::is_module(&module) {
        return Err(AppError::NotFound.into());
    }
    let scope = access.authorize(&format!("{module}.home"), "read").await?;
    let sub = member::subscriptions(&ctx.db, scope.member_id())
        .await?
        .into_iter()
        .find(|s| s.module == module && member::covers(s, paris_today()));
    Ok(Json(json!({
        "module": module,
        "label": module_label(&module),
        "start_date": sub.as_ref().map(|s| s.start_date),
        "end_date": sub.as_ref().and_then(|s| s.end_date),
    }))
    .into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyBody {
    #[serde(default)]
    pub name: String,
}

/// `POST /api/coop/api-keys {"name"}` → `{"key"}` (shown once).
#[utoipa::path(post, path = "/api/coop/api-keys", tag = "coop", security(("bearer" = [])), request_body = ApiKeyBody, responses((status = 201, description = "La clé `{\"key\"}`, montrée une seule fois"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_api_key(
    State(ctx): State<AppContext>,
    access: CoopAccess,
    Json(body): Json<ApiKeyBody>,
) -> ApiResult {
    let scope = access.authorize("coop.api_keys", "write").await?;
    let (row, key) = auth::create_api_key(&ctx.db, &scope.actor(), &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": row.id, "name": row.name, "key": key})),
    )
        .into_response())
}

/// `GET /api/coop/members`
#[utoipa::path(get, path = "/api/coop/members", tag = "coop", security(("bearer" = [])), responses((status = 200, description = "Les adhérents"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody)))]
async fn list_members(State(ctx): State<AppContext>, access: CoopAccess) -> ApiResult {
    access.authorize("coop.members", "read").await?;
    let list: Vec<_> = member::list(&ctx.db)
        .await?
        .into_iter()
        .map(|m| json!({"slug": m.slug, "name": m.name, "siren": m.siren, "vat_status": m.vat_status}))
        .collect();
    Ok(Json(list).into_response())
}

/// `POST /api/coop/members` → 201 with the member, or 422 `{"errors": [{field, message}]}`.
#[utoipa::path(post, path = "/api/coop/members", tag = "coop", security(("bearer" = [])), request_body = MemberInput, responses((status = 201, description = "L’adhérent créé"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_member(
    State(ctx): State<AppContext>,
    access: CoopAccess,
    Json(body): Json<MemberInput>,
) -> ApiResult {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::create_member(&ctx.db, &scope.actor(), &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": m.id, "slug": m.slug, "name": m.name})),
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SubscribeBody {
    pub module: String,
    pub start_date: NaiveDate,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

/// `POST /api/coop/members/{slug}/subscriptions`
#[utoipa::path(post, path = "/api/coop/members/{slug}/subscriptions", tag = "coop", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), request_body = SubscribeBody, responses((status = 201, description = "L’abonnement créé"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn subscribe(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
    Json(body): Json<SubscribeBody>,
) -> ApiResult {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::find_by_slug(&ctx.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let s = member::subscribe(
        &ctx.db,
        &scope.actor(),
        &m,
        &body.module,
        body.start_date,
        body.end_date,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": s.id, "module": s.module, "start_date": s.start_date, "end_date": s.end_date}))).into_response())
}
