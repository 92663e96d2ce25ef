//! The practice exchange's JSON API (`/api/practices/…`): sheets, their moderation, the
//! themes and the search. The routes are outside `/api/m/{slug}`: a sheet is read by
//! every subscribed member's users, so each handler asks `sheets::reader` what its user
//! may see. Thin handlers over `sheets` and `search`.
use std::collections::BTreeMap;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    routing::{get, post},
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created, created},
    error::{AppError, ErrorBody},
    scope::{Identity, services},
    web::error::ApiResult,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    index::index,
    search::{self, Reader},
    sheets::{self, Author, Input},
};

const ID: &str = "Identifiant de la fiche";

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create, read, update, submit, publish, send_back, archive, themes, search_sheets),
    tags((name = "practices", description = "Échange de pratiques : fiches, modération, recherche"))
)]
struct PracticesApi;

/// The module's API, for its declaration.
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    let mut doc = <PracticesApi as utoipa::OpenApi>::openapi();
    doc.merge(crate::addresses_api::api_doc());
    doc.merge(crate::attachments_api::api_doc());
    doc.merge(crate::social_api::api_doc());
    doc
}

/// The module's API routes.
#[must_use]
pub fn routes() -> Vec<Routes> {
    vec![
        Routes::new()
            .prefix("/api/practices")
            .add("/sheets", post(create))
            .add("/sheets/{id}", get(read).put(update))
            .add("/sheets/{id}/submit", post(submit))
            .add("/sheets/{id}/publish", post(publish))
            .add("/sheets/{id}/return", post(send_back))
            .add("/sheets/{id}/archive", post(archive))
            .add("/themes", get(themes))
            .add("/search", get(search_sheets)),
    ]
}

async fn who(ctx: &AppContext, id: &Identity) -> ApiResult<(Reader, Author)> {
    let svc = services(ctx)?;
    let reader = sheets::reader(&ctx.db, &svc, id.user.id).await?;
    Ok((
        reader,
        Author {
            id: id.user.id,
            name: id.user.name.clone(),
            actor: id.actor(),
        },
    ))
}

/// `{"id","status"}`
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesState)]
pub struct StateBody {
    pub id: String,
    /// `draft`, `submitted`, `published`, `returned`, `archived`.
    pub status: String,
}

/// A sheet as its readers get it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesSheet)]
pub struct SheetBody {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Markdown, as written.
    pub body: String,
    /// The body in HTML, sanitised (no raw HTML, links `rel="nofollow noopener"`).
    pub body_html: String,
    pub status: String,
    /// Slug of the member.
    pub member: String,
    pub themes: Vec<String>,
    pub tags: Vec<String>,
    pub establishment_types: Vec<String>,
    pub version: i32,
    /// “Utile” marks.
    pub useful_count: u64,
    /// Whether the caller marked it useful.
    pub marked_useful: bool,
}

impl From<sheets::Sheet> for SheetBody {
    fn from(s: sheets::Sheet) -> Self {
        Self {
            id: s.row.id.to_string(),
            title: s.row.title,
            summary: s.row.summary,
            body: s.row.body,
            body_html: s.body_html,
            status: s.row.status,
            member: s.member,
            themes: s.themes,
            tags: s.tags,
            establishment_types: s.establishment_types,
            version: s.row.version,
            useful_count: 0,
            marked_useful: false,
        }
    }
}

/// `POST /api/practices/sheets` → 201 `{"id","status":"draft"}`.
#[utoipa::path(post, operation_id = "practices_create_sheet", path = "/api/practices/sheets", tag = "practices", security(("bearer" = [])), request_body = Input, responses((status = 201, description = "Fiche créée (brouillon)", body = StateBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 422, description = "Champs invalides, ou adhérent dont l’utilisateur ne fait pas partie", body = ErrorBody)))]
async fn create(
    State(ctx): State<AppContext>,
    id: Identity,
    Json(body): Json<Input>,
) -> ApiResult<Created<StateBody>> {
    let svc = services(&ctx)?;
    let (_, author) = who(&ctx, &id).await?;
    let s = sheets::create(&ctx.db, &svc, &*index(&ctx)?, &author, &body).await?;
    Ok(created(StateBody {
        id: s.row.id.to_string(),
        status: s.row.status,
    }))
}

/// `GET /api/practices/sheets/{id}`: a sheet its reader may see.
#[utoipa::path(get, operation_id = "practices_sheet", path = "/api/practices/sheets/{id}", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), responses((status = 200, description = "La fiche", body = SheetBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody)))]
async fn read(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
) -> ApiResult<Json<SheetBody>> {
    let (reader, _) = who(&ctx, &id).await?;
    let s = sheets::get(&ctx.db, &reader, &sheet).await?;
    crate::social::record_api_reading(&ctx.db, &*services(&ctx)?, id.user.id, &s).await?;
    with_useful(&ctx, s, id.user.id).await
}

async fn with_useful(ctx: &AppContext, s: sheets::Sheet, user: i64) -> ApiResult<Json<SheetBody>> {
    let u = crate::social::useful_of(&ctx.db, &s, user).await?;
    Ok(Json(SheetBody {
        useful_count: u.count,
        marked_useful: u.marked,
        ..s.into()
    }))
}

/// `PUT /api/practices/sheets/{id}`: its author edits a draft or a sheet sent back.
#[utoipa::path(put, operation_id = "practices_update_sheet", path = "/api/practices/sheets/{id}", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), request_body = Input, responses((status = 200, description = "Fiche modifiée (version suivante ; la précédente est conservée)", body = SheetBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’auteur", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "Fiche soumise, publiée ou archivée", body = ErrorBody), (status = 422, description = "Champs invalides", body = ErrorBody)))]
async fn update(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
    Json(body): Json<Input>,
) -> ApiResult<Json<SheetBody>> {
    let svc = services(&ctx)?;
    let (reader, author) = who(&ctx, &id).await?;
    let s = sheets::update(
        &ctx.db,
        &svc,
        &*index(&ctx)?,
        &reader,
        &author,
        &sheet,
        &body,
    )
    .await?;
    with_useful(&ctx, s, id.user.id).await
}

/// `{"comment"}` (optional for `submit`, `publish` and `archive`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = PracticesComment)]
#[serde(default)]
pub struct CommentBody {
    pub comment: String,
}

async fn act(
    ctx: &AppContext,
    id: &Identity,
    sheet: &str,
    action: &str,
    body: &Bytes,
) -> ApiResult<Json<StateBody>> {
    let comment = if body.iter().all(u8::is_ascii_whitespace) {
        CommentBody::default()
    } else {
        serde_json::from_slice::<CommentBody>(body).map_err(|_| {
            AppError::BadRequest(
                "Corps de requête invalide : un objet JSON {\"comment\": \"…\"} est attendu."
                    .to_string(),
            )
        })?
    };
    let svc = services(ctx)?;
    let (reader, author) = who(ctx, id).await?;
    let s = sheets::act(
        &ctx.db,
        &svc,
        &*index(ctx)?,
        &reader,
        &author,
        sheet,
        action,
        &comment.comment,
    )
    .await?;
    Ok(Json(StateBody {
        id: s.row.id.to_string(),
        status: s.row.status,
    }))
}

/// `POST /api/practices/sheets/{id}/submit`: its author submits it to moderation.
#[utoipa::path(post, operation_id = "practices_submit", path = "/api/practices/sheets/{id}/submit", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), request_body(content = CommentBody, description = "Facultatif"), responses((status = 200, description = "Fiche soumise", body = StateBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’auteur", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "État incompatible", body = ErrorBody)))]
async fn submit(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
    body: Bytes,
) -> ApiResult<Json<StateBody>> {
    act(&ctx, &id, &sheet, "submit", &body).await
}

/// `POST /api/practices/sheets/{id}/publish` `{"comment"}`: a moderator publishes it.
#[utoipa::path(post, operation_id = "practices_publish", path = "/api/practices/sheets/{id}/publish", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), request_body = CommentBody, responses((status = 200, description = "Fiche publiée", body = StateBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé aux modérateurs", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "La fiche n’est pas soumise", body = ErrorBody)))]
async fn publish(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
    body: Bytes,
) -> ApiResult<Json<StateBody>> {
    act(&ctx, &id, &sheet, "publish", &body).await
}

/// `POST /api/practices/sheets/{id}/return` `{"comment"}`: a moderator sends it back.
#[utoipa::path(post, operation_id = "practices_return", path = "/api/practices/sheets/{id}/return", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), request_body = CommentBody, responses((status = 200, description = "Fiche renvoyée à son auteur", body = StateBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé aux modérateurs", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "La fiche n’est pas soumise", body = ErrorBody), (status = 422, description = "Sans commentaire", body = ErrorBody)))]
async fn send_back(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
    body: Bytes,
) -> ApiResult<Json<StateBody>> {
    act(&ctx, &id, &sheet, "return", &body).await
}

/// `POST /api/practices/sheets/{id}/archive`: a moderator archives it.
#[utoipa::path(post, operation_id = "practices_archive", path = "/api/practices/sheets/{id}/archive", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), request_body(content = CommentBody, description = "Facultatif"), responses((status = 200, description = "Fiche archivée", body = StateBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé aux modérateurs", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "Déjà archivée ou brouillon", body = ErrorBody)))]
async fn archive(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
    body: Bytes,
) -> ApiResult<Json<StateBody>> {
    act(&ctx, &id, &sheet, "archive", &body).await
}

/// A theme.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesTheme)]
pub struct ThemeBody {
    pub code: String,
    pub label: String,
}

/// `GET /api/practices/themes`
#[utoipa::path(get, operation_id = "practices_themes", path = "/api/practices/themes", tag = "practices", security(("bearer" = [])), responses((status = 200, description = "Les thèmes", body = Vec<ThemeBody>), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn themes(State(ctx): State<AppContext>, _id: Identity) -> ApiResult<Json<Vec<ThemeBody>>> {
    Ok(Json(
        sheets::themes(&ctx.db)
            .await?
            .into_iter()
            .map(|t| ThemeBody {
                code: t.code,
                label: t.label,
            })
            .collect(),
    ))
}

/// `?q=&theme=&tag=&type=&member=&page=`
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
    pub theme: Option<String>,
    pub tag: Option<String>,
    #[serde(rename = "type")]
    pub establishment_type: Option<String>,
    pub member: Option<String>,
    pub page: Option<String>,
}

/// A hit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesHit)]
pub struct HitBody {
    pub id: String,
    pub title: String,
    /// HTML: the text escaped, the words found in `<b>`.
    pub snippet: String,
    pub member: String,
    pub score: f32,
    /// `published`, or — for the reader's own member and the moderators — `draft`,
    /// `submitted`, `returned`, `archived`.
    pub status: String,
}

/// Counts by value, over every hit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesFacets)]
pub struct FacetsBody {
    pub themes: BTreeMap<String, u64>,
    pub tags: BTreeMap<String, u64>,
    pub establishment_types: BTreeMap<String, u64>,
}

/// The answer of a search.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesSearch)]
pub struct SearchBody {
    pub total: usize,
    pub hits: Vec<HitBody>,
    pub facets: FacetsBody,
}

/// `GET /api/practices/search`: what its reader may see, and only that.
#[utoipa::path(get, operation_id = "practices_search", path = "/api/practices/search", tag = "practices", security(("bearer" = [])), params(("q" = String, Query, description = "Mots, « phrases entre guillemets »"), ("theme" = Option<String>, Query, description = "Code de thème"), ("tag" = Option<String>, Query, description = "Mot-clé"), ("type" = Option<String>, Query, description = "Type d’établissement (EHPAD…)"), ("member" = Option<String>, Query, description = "Adhérent (identifiant)"), ("page" = Option<u32>, Query, description = "Page, à partir de 1 (20 résultats)")), responses((status = 200, description = "Résultats, extraits et décomptes", body = SearchBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Aucun adhérent participant à l’échange", body = ErrorBody), (status = 422, description = "Page invalide", body = ErrorBody)))]
async fn search_sheets(
    State(ctx): State<AppContext>,
    Query(q): Query<SearchQuery>,
    id: Identity,
) -> ApiResult<Json<SearchBody>> {
    let (reader, _) = who(&ctx, &id).await?;
    if reader.members.is_empty() && !reader.moderator {
        return Err(AppError::Forbidden(
            "L’échange de pratiques est réservé aux adhérents qui y participent.".to_string(),
        )
        .into());
    }
    let page = match q.page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => p
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=500).contains(p))
            .ok_or_else(|| AppError::field("page", "La page : un nombre de 1 à 500."))?,
    };
    if q.q.chars().count() > 300 {
        return Err(AppError::field("q", "La recherche : 300 caractères au plus.").into());
    }
    let found = index(&ctx)?.search(
        &reader,
        &search::Search {
            q: q.q,
            theme: q.theme,
            tag: q.tag.map(|t| t.trim().to_lowercase()),
            establishment_type: q.establishment_type.map(|t| t.trim().to_uppercase()),
            member: q.member,
            page,
        },
    )?;
    Ok(Json(SearchBody {
        total: found.total,
        hits: found
            .hits
            .into_iter()
            .map(|h| HitBody {
                id: h.id,
                title: h.title,
                snippet: h.snippet,
                member: h.member,
                score: h.score,
                status: h.status,
            })
            .collect(),
        facets: FacetsBody {
            themes: found.themes,
            tags: found.tags,
            establishment_types: found.establishment_types,
        },
    }))
}
