//! The JSON API: `/api/auth/login`, `/api/me`, `/api/meters`, `/api/usage/events`,
//! `/api/m/{slug}/…` and `/api/coop/…`. Bearer JWT for users, `X-Api-Key` for sources.

pub mod bodies;
pub mod doc;
pub mod schema;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use chrono::NaiveDate;
use loco_rs::{app::AppContext, controller::Routes};
use serde::Deserialize;

use self::bodies::{
    ApiKeyCreated, AuditEntry, Me, MeUser, MemberCreated, MemberDetails, MemberRoles,
    MemberSummary, MemberUsage, MeterInfo, ModuleStatus, SubscriptionCreated, Token, UsageEvent,
};
pub use self::schema::{Created, created};
use crate::{
    audit::{self, Actor},
    auth,
    error::ErrorBody,
    error::{AppError, AppResult},
    keyset::{self, PageQuery},
    member::{self, MemberInput, module_label},
    metering::{self, BatchOutcome, IncomingBatch},
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
        .add("/m/{slug}/usage/events", get(member_usage_events))
        .add("/m/{slug}/audit", get(member_audit))
        .add("/coop/audit", get(coop_audit))
        .add("/m/{slug}/modules/{module}", get(module_status))
        .add("/coop/api-keys", post(create_api_key))
        .add("/coop/members", get(list_members).post(create_member))
        .add("/coop/members/{slug}", get(one_member).put(update_member))
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
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginBody, responses((status = 200, description = "Jeton JWT `{\"token\"}`", body = Token), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 429, description = "Trop de tentatives", body = ErrorBody)))]
async fn login(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginBody>,
) -> AppResult<Response> {
    let user = match auth::authenticate(&ctx.db, &body.email, &body.password, ip.as_deref()).await {
        Err(AppError::Unauthorized) => {
            return Ok((
                StatusCode::UNAUTHORIZED,
                Json(ErrorBody {
                    error: auth::BAD_CREDENTIALS.to_string(),
                    errors: None,
                }),
            )
                .into_response());
        }
        other => other?,
    };
    let svc = services(&ctx)?;
    let token = auth::issue_jwt(&svc.jwt_secret, user.id, svc.jwt_ttl_seconds)?;
    Ok(Json(Token { token }).into_response())
}

/// `GET /api/me` → the user, its cooperative roles and its roles per member (by slug).
#[utoipa::path(get, path = "/api/me", tag = "auth", security(("bearer" = [])), responses((status = 200, description = "L’utilisateur, ses rôles coopérative et ses rôles par adhérent", body = Me), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn me(State(ctx): State<AppContext>, id: Identity) -> AppResult<Json<Me>> {
    let svc = services(&ctx)?;
    let grants = svc.authz.grants_of(id.user.id).await;
    let members = member::list(&ctx.db).await?;
    let coop_roles = grants
        .iter()
        .filter(|g| g.member_id.is_none())
        .map(|g| g.role.as_str().to_string())
        .collect();
    let mut per_member = std::collections::BTreeMap::new();
    for g in grants.iter().filter(|g| g.member_id.is_some()) {
        if let Some(m) = members.iter().find(|m| Some(m.id) == g.member_id) {
            per_member
                .entry(m.slug.clone())
                .or_insert_with(|| MemberRoles {
                    name: m.name.clone(),
                    roles: Vec::new(),
                })
                .roles
                .push(g.role.as_str().to_string());
        }
    }
    Ok(Json(Me {
        user: MeUser {
            id: id.user.id,
            email: id.user.email,
            name: id.user.name,
        },
        coop_roles,
        members: per_member,
    }))
}

/// `GET /api/meters` → every declared meter.
#[utoipa::path(get, path = "/api/meters", tag = "usage", security(("bearer" = [])), responses((status = 200, description = "Chaque compteur déclaré", body = Vec<MeterInfo>), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn meters(State(ctx): State<AppContext>, _id: Identity) -> AppResult<Json<Vec<MeterInfo>>> {
    let svc = services(&ctx)?;
    Ok(Json(svc.meters.all().iter().map(MeterInfo::from).collect()))
}

/// `POST /api/usage/events` with `X-Api-Key`.
#[utoipa::path(post, path = "/api/usage/events", tag = "usage", security(("api_key" = [])), request_body = IncomingBatch, responses((status = 200, description = "Événements acceptés, doublons, rejets par index", body = BatchOutcome), (status = 400, description = "Corps JSON invalide", body = ErrorBody), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn ingest(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Json<BatchOutcome>> {
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
    // "Last used" to the minute, in the batch's transaction.
    let outcome = metering::ingest_batch_from(
        &ctx.db,
        &svc.meters,
        &Actor::api_key(&api_key.name),
        &source,
        &batch,
        Some(metering::KeyUse {
            id: api_key.id,
            last_used_at: api_key.last_used_at,
        }),
    )
    .await?;
    Ok(Json(outcome))
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Le mois, `AAAA-MM`.
    #[serde(default)]
    pub period: String,
}

/// `GET /api/m/{slug}/usage?period=YYYY-MM` → quantity per meter for that month.
#[utoipa::path(get, path = "/api/m/{slug}/usage", tag = "usage", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), PeriodQuery), responses((status = 200, description = "Quantité par compteur pour le mois", body = MemberUsage), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn member_usage(
    State(ctx): State<AppContext>,
    Query(q): Query<PeriodQuery>,
    access: MemberAccess,
) -> ApiResult<Json<MemberUsage>> {
    let scope = access.authorize("usage", "read").await?;
    let month = if q.period.is_empty() {
        Month::of(chrono::Utc::now())
    } else {
        Month::parse(&q.period)?
    };
    let usage =
        metering::usage_for_month(&ctx.db, &scope.services().meters, scope.member_id(), month)
            .await?;
    Ok(Json(MemberUsage {
        member: scope.member().slug.clone(),
        period: month.to_string(),
        meters: usage,
    }))
}

/// The query of `GET /api/m/{slug}/usage/events`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Le compteur (`it.tickets`…), obligatoire.
    #[serde(default)]
    pub meter: String,
    /// Le mois, `AAAA-MM` (le mois en cours sans lui).
    #[serde(default)]
    pub period: String,
}

/// Rows a page of a list that is never given whole (events, the audit log) when the
/// request names no `limit`.
const DEFAULT_LIMIT: u64 = 100;

/// `GET /api/m/{slug}/usage/events?meter=…&period=YYYY-MM&limit=&after=` → the events
/// behind a quantity, newest first, by pages (keyset).
#[utoipa::path(get, path = "/api/m/{slug}/usage/events", tag = "usage", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), EventsQuery, PageQuery), responses((status = 200, description = "Les événements du compteur pour le mois, du plus récent au plus ancien (100 sans `limit`) ; la page suivante dans `Link` et `X-Next-Cursor`", body = Vec<UsageEvent>, headers(("link" = String, description = "`<…?limit=…&after=…>; rel=\"next\"` quand une page suit"), ("x-next-cursor" = String, description = "Le curseur de la page suivante (paramètre `after`)"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "`meter`, `period`, `limit` ou `after` invalide, nommé", body = ErrorBody)))]
async fn member_usage_events(
    State(ctx): State<AppContext>,
    Query(q): Query<EventsQuery>,
    Query(p): Query<PageQuery>,
    access: MemberAccess,
) -> ApiResult<(HeaderMap, Json<Vec<UsageEvent>>)> {
    let scope = access.authorize("usage", "read").await?;
    let meter = scope
        .services()
        .meters
        .get(q.meter.trim())
        .ok_or_else(|| AppError::field("meter", "Compteur inconnu : voir GET /api/meters."))?;
    let month = if q.period.trim().is_empty() {
        Month::of(chrono::Utc::now())
    } else {
        Month::parse(q.period.trim()).map_err(|_| {
            AppError::field(
                "period",
                "Un mois AAAA-MM est attendu (par exemple 2026-03).",
            )
        })?
    };
    let page = p.page_or(2, DEFAULT_LIMIT)?;
    let (rows, next) =
        metering::events_page(&ctx.db, scope.tenant(), meter.code, month, &page).await?;
    let path = format!(
        "/api/m/{}/usage/events?meter={}&period={month}",
        scope.member().slug,
        meter.code
    );
    Ok((
        keyset::next_headers(&path, &page, next.as_deref()),
        Json(rows.iter().map(UsageEvent::from).collect()),
    ))
}

/// `GET /api/m/{slug}/audit?limit=&after=` → the member's audit log, newest first, by
/// pages (keyset on the chain's `seq`; the member's director).
#[utoipa::path(get, path = "/api/m/{slug}/audit", tag = "audit", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), PageQuery), responses((status = 200, description = "Le journal de l’adhérent, du plus récent au plus ancien (100 lignes sans `limit`) ; la page suivante dans `Link` et `X-Next-Cursor`", body = Vec<AuditEntry>, headers(("link" = String, description = "`<…?limit=…&after=…>; rel=\"next\"` quand une page suit"), ("x-next-cursor" = String, description = "Le curseur de la page suivante (paramètre `after`)"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "`limit` ou `after` invalide, nommé", body = ErrorBody)))]
async fn member_audit(
    State(ctx): State<AppContext>,
    Query(p): Query<PageQuery>,
    access: MemberAccess,
) -> ApiResult<(HeaderMap, Json<Vec<AuditEntry>>)> {
    let scope = access.authorize("audit", "read").await?;
    let slug = &scope.member().slug;
    let page = p.page_or(1, DEFAULT_LIMIT)?;
    let (rows, next) = audit::query::page_after(&ctx.db, Some(scope.member_id()), &page).await?;
    Ok((
        keyset::next_headers(&format!("/api/m/{slug}/audit"), &page, next.as_deref()),
        Json(
            rows.iter()
                .map(|r| AuditEntry::of(r, Some(slug.clone())))
                .collect(),
        ),
    ))
}

/// `GET /api/coop/audit?limit=&after=` → the whole audit log, newest first, by pages.
#[utoipa::path(get, path = "/api/coop/audit", tag = "audit", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "Le journal de la coopérative, du plus récent au plus ancien (100 lignes sans `limit`) ; la page suivante dans `Link` et `X-Next-Cursor`", body = Vec<AuditEntry>, headers(("link" = String, description = "`<…?limit=…&after=…>; rel=\"next\"` quand une page suit"), ("x-next-cursor" = String, description = "Le curseur de la page suivante (paramètre `after`)"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 422, description = "`limit` ou `after` invalide, nommé", body = ErrorBody)))]
async fn coop_audit(
    State(ctx): State<AppContext>,
    Query(p): Query<PageQuery>,
    access: CoopAccess,
) -> ApiResult<(HeaderMap, Json<Vec<AuditEntry>>)> {
    access.authorize("coop.audit", "read").await?;
    let page = p.page_or(1, DEFAULT_LIMIT)?;
    let (rows, next) = audit::query::page_after(&ctx.db, None, &page).await?;
    let slugs: std::collections::HashMap<i64, String> = member::list(&ctx.db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.slug))
        .collect();
    let entries = rows
        .iter()
        .map(|r| AuditEntry::of(r, r.member_id.and_then(|id| slugs.get(&id).cloned())))
        .collect();
    Ok((
        keyset::next_headers("/api/coop/audit", &page, next.as_deref()),
        Json(entries),
    ))
}

/// `GET /api/m/{slug}/modules/{module}` → the subscription (403 when not subscribed).
#[utoipa::path(get, path = "/api/m/{slug}/modules/{module}", tag = "members", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent"), ("module" = String, Path, description = "Code du module (hr, billing…)")), responses((status = 200, description = "L’abonnement", body = ModuleStatus), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody)))]
async fn module_status(
    State(ctx): State<AppContext>,
    Path((_slug, module)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Json<ModuleStatus>> {
    if !crate::module::is_module(&module) {
        return Err(AppError::NotFound.into());
    }
    let scope = access.authorize(&format!("{module}.home"), "read").await?;
    let sub = member::subscriptions(&ctx.db, scope.member_id())
        .await?
        .into_iter()
        .find(|s| s.module == module && member::covers(s, paris_today()));
    Ok(Json(ModuleStatus {
        label: module_label(&module).to_string(),
        module,
        start_date: sub.as_ref().map(|s| s.start_date),
        end_date: sub.as_ref().and_then(|s| s.end_date),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyBody {
    #[serde(default)]
    pub name: String,
}

/// `POST /api/coop/api-keys {"name"}` → `{"key"}` (shown once).
#[utoipa::path(post, path = "/api/coop/api-keys", tag = "coop", security(("bearer" = [])), request_body = ApiKeyBody, responses((status = 201, description = "La clé `{\"key\"}`, montrée une seule fois", body = ApiKeyCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_api_key(
    State(ctx): State<AppContext>,
    access: CoopAccess,
    Json(body): Json<ApiKeyBody>,
) -> ApiResult<Created<ApiKeyCreated>> {
    let scope = access.authorize("coop.api_keys", "write").await?;
    let (row, key) = auth::create_api_key(&ctx.db, &scope.actor(), &body.name).await?;
    Ok(created(ApiKeyCreated {
        id: row.id,
        name: row.name,
        key,
    }))
}

/// `GET /api/coop/members`
#[utoipa::path(get, path = "/api/coop/members", tag = "coop", security(("bearer" = [])), responses((status = 200, description = "Les adhérents", body = Vec<MemberSummary>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody)))]
async fn list_members(
    State(ctx): State<AppContext>,
    access: CoopAccess,
) -> ApiResult<Json<Vec<MemberSummary>>> {
    access.authorize("coop.members", "read").await?;
    let list = member::list(&ctx.db).await?;
    Ok(Json(list.into_iter().map(MemberSummary::from).collect()))
}

/// `POST /api/coop/members` → 201 with the member, or 422 `{"errors": [{field, message}]}`.
#[utoipa::path(post, path = "/api/coop/members", tag = "coop", security(("bearer" = [])), request_body = MemberInput, responses((status = 201, description = "L’adhérent créé", body = MemberCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn create_member(
    State(ctx): State<AppContext>,
    access: CoopAccess,
    Json(body): Json<MemberInput>,
) -> ApiResult<Created<MemberCreated>> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::create_member(&ctx.db, &scope.actor(), &body).await?;
    Ok(created(MemberCreated {
        id: m.id,
        slug: m.slug,
        name: m.name,
    }))
}

/// `GET /api/coop/members/{slug}`
#[utoipa::path(get, path = "/api/coop/members/{slug}", tag = "coop", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), responses((status = 200, description = "L’adhérent", body = MemberDetails), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn one_member(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
) -> ApiResult<Json<MemberDetails>> {
    access.authorize("coop.members", "read").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    Ok(Json(MemberDetails::from(m)))
}

/// `PUT /api/coop/members/{slug}`: edits the member's details (the slug stays: the body's
/// is ignored); 422 naming each invalid field.
#[utoipa::path(put, path = "/api/coop/members/{slug}", tag = "coop", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), request_body = MemberInput, responses((status = 200, description = "L’adhérent modifié (modification journalisée)", body = MemberDetails), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn update_member(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
    Json(body): Json<MemberInput>,
) -> ApiResult<Json<MemberDetails>> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let m = member::update_member(&ctx.db, &scope.actor(), &m, &body).await?;
    Ok(Json(MemberDetails::from(m)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SubscribeBody {
    pub module: String,
    pub start_date: NaiveDate,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

/// `POST /api/coop/members/{slug}/subscriptions`
#[utoipa::path(post, path = "/api/coop/members/{slug}/subscriptions", tag = "coop", security(("bearer" = [])), params(("slug" = String, Path, description = "Identifiant de l’adhérent")), request_body = SubscribeBody, responses((status = 201, description = "L’abonnement créé", body = SubscriptionCreated), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Introuvable (ou invisible pour cet utilisateur)", body = ErrorBody), (status = 422, description = "Champs invalides, chacun nommé", body = ErrorBody)))]
async fn subscribe(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
    Json(body): Json<SubscribeBody>,
) -> ApiResult<Created<SubscriptionCreated>> {
    let scope = access.authorize("coop.members", "write").await?;
    let m = member::get_by_slug(&ctx.db, &slug).await?;
    let s = member::subscribe(
        &ctx.db,
        &scope.actor(),
        &m,
        &body.module,
        body.start_date,
        body.end_date,
    )
    .await?;
    Ok(created(SubscriptionCreated::from(s)))
}
