//! The JSON API between readers (`/api/practices/…`): a sheet's comments, its “utile”
//! marks, the news since the last visit. Outside `/api/m/{slug}` like the sheets: each
//! handler asks `sheets::reader` what its user may see. Thin handlers over `social`.
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created, created},
    error::ErrorBody,
    scope::{Identity, services},
    served::members_where,
    web::error::ApiResult,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    search::Reader,
    sheets::{self, Author, READ_OBJ},
    social::{self, Comment, Useful},
};

const ID: &str = "Identifiant de la fiche";

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_comments,
    add_comment,
    delete_comment,
    mark_useful,
    unmark_useful,
    news
))]
struct SocialApi;

/// This part of the module's API (merged into `api::api_doc`).
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <SocialApi as utoipa::OpenApi>::openapi()
}

/// The routes.
#[must_use]
pub fn routes() -> Vec<Routes> {
    vec![
        Routes::new()
            .prefix("/api/practices")
            .add(
                "/sheets/{id}/comments",
                get(list_comments).post(add_comment),
            )
            .add("/sheets/{id}/comments/{comment_id}", delete(delete_comment))
            .add(
                "/sheets/{id}/useful",
                post(mark_useful).delete(unmark_useful),
            )
            .add("/news", get(news)),
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

/// A comment on a sheet.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesSheetComment)]
pub struct CommentBody {
    pub id: String,
    /// The author's name.
    pub author: String,
    /// The name of the member its author read through (none for a moderator).
    #[schema(required = true)]
    pub member: Option<String>,
    pub body: String,
    /// RFC 3339.
    pub created_at: String,
    /// Whether the caller may delete it (its author, a moderator).
    pub can_delete: bool,
}

impl From<Comment> for CommentBody {
    fn from(c: Comment) -> Self {
        Self {
            id: c.row.id.to_string(),
            author: c.row.author_name,
            member: c.member,
            body: c.row.body,
            created_at: c.row.created_at.to_rfc3339(),
            can_delete: c.can_delete,
        }
    }
}

/// `{"body"}`
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = PracticesNewComment)]
#[serde(default)]
pub struct NewComment {
    /// The text (5 000 characters at most).
    pub body: String,
}

/// `GET /api/practices/sheets/{id}/comments`: the comments, oldest first.
#[utoipa::path(get, operation_id = "practices_comments", path = "/api/practices/sheets/{id}/comments", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), responses((status = 200, description = "Les commentaires, les plus anciens d’abord", body = Vec<CommentBody>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody)))]
async fn list_comments(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
) -> ApiResult<Json<Vec<CommentBody>>> {
    let (reader, _) = who(&ctx, &id).await?;
    let list = social::comments(&ctx.db, &reader, id.user.id, &sheet).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// `POST /api/practices/sheets/{id}/comments` `{"body"}`: any reader, on a published
/// sheet.
#[utoipa::path(post, operation_id = "practices_add_comment", path = "/api/practices/sheets/{id}/comments", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), request_body = NewComment, responses((status = 201, description = "Commentaire publié", body = CommentBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "Fiche non publiée", body = ErrorBody), (status = 422, description = "Texte vide ou trop long", body = ErrorBody)))]
async fn add_comment(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
    Json(body): Json<NewComment>,
) -> ApiResult<Created<CommentBody>> {
    let svc = services(&ctx)?;
    let (reader, author) = who(&ctx, &id).await?;
    // The member the author reads through: the sheet's when they belong to it.
    let served = members_where(&ctx.db, &svc, id.user.id, READ_OBJ, "read").await?;
    let sheet_member = sheets::get(&ctx.db, &reader, &sheet).await?.member;
    let member = social::reading_member(&served, &sheet_member).map(|s| s.member.id);
    let c =
        social::add_comment(&ctx.db, &svc, &reader, &author, member, &sheet, &body.body).await?;
    Ok(created(c.into()))
}

/// `DELETE /api/practices/sheets/{id}/comments/{comment_id}`: its author or a moderator.
#[utoipa::path(delete, operation_id = "practices_delete_comment", path = "/api/practices/sheets/{id}/comments/{comment_id}", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID), ("comment_id" = String, Path, description = "Identifiant du commentaire")), responses((status = 204, description = "Commentaire supprimé"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’auteur du commentaire et aux modérateurs", body = ErrorBody), (status = 404, description = "Fiche ou commentaire introuvable", body = ErrorBody)))]
async fn delete_comment(
    State(ctx): State<AppContext>,
    Path((sheet, comment)): Path<(String, String)>,
    id: Identity,
) -> ApiResult<Response> {
    let svc = services(&ctx)?;
    let (reader, author) = who(&ctx, &id).await?;
    social::delete_comment(&ctx.db, &svc, &reader, &author, &sheet, &comment).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A sheet's “utile” marks.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesUseful)]
pub struct UsefulBody {
    pub useful_count: u64,
    /// Whether the caller marked it.
    pub marked_useful: bool,
}

impl From<Useful> for UsefulBody {
    fn from(u: Useful) -> Self {
        Self {
            useful_count: u.count,
            marked_useful: u.marked,
        }
    }
}

async fn useful(
    ctx: &AppContext,
    id: &Identity,
    sheet: &str,
    on: bool,
) -> ApiResult<Json<UsefulBody>> {
    let svc = services(ctx)?;
    let (reader, author) = who(ctx, id).await?;
    Ok(Json(
        social::set_useful(
            &ctx.db,
            &svc,
            Some(&*crate::index::index(ctx)?),
            &reader,
            &author,
            sheet,
            on,
        )
        .await?
        .into(),
    ))
}

/// `POST /api/practices/sheets/{id}/useful`: the caller finds it useful (once).
#[utoipa::path(post, operation_id = "practices_mark_useful", path = "/api/practices/sheets/{id}/useful", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), responses((status = 200, description = "Marquée utile (une fois par utilisateur)", body = UsefulBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "Fiche non publiée", body = ErrorBody)))]
async fn mark_useful(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
) -> ApiResult<Json<UsefulBody>> {
    useful(&ctx, &id, &sheet, true).await
}

/// `DELETE /api/practices/sheets/{id}/useful`: the caller takes its mark back.
#[utoipa::path(delete, operation_id = "practices_unmark_useful", path = "/api/practices/sheets/{id}/useful", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = ID)), responses((status = 200, description = "Mention « utile » retirée", body = UsefulBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "Fiche non publiée", body = ErrorBody)))]
async fn unmark_useful(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
) -> ApiResult<Json<UsefulBody>> {
    useful(&ctx, &id, &sheet, false).await
}

/// A sheet published since the last visit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesNewsSheet)]
pub struct NewsSheet {
    pub id: String,
    pub title: String,
    /// Slug of the member.
    pub member: String,
    /// RFC 3339.
    pub published_at: String,
}

/// The news since the caller's last visit of the exchange's page.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesNews)]
pub struct NewsBody {
    /// The visit counted from (RFC 3339); none before a second visit of the page.
    #[schema(required = true)]
    pub since: Option<String>,
    /// The latest first (50 at most).
    pub sheets: Vec<NewsSheet>,
}

/// `GET /api/practices/news`: the sheets published since the caller's last visit of
/// `/m/{slug}/practices` that it may read (reading it changes no visit).
#[utoipa::path(get, operation_id = "practices_news", path = "/api/practices/news", tag = "practices", security(("bearer" = [])), responses((status = 200, description = "Les fiches publiées depuis la dernière visite", body = NewsBody), (status = 401, description = "Authentification requise", body = ErrorBody)))]
async fn news(State(ctx): State<AppContext>, id: Identity) -> ApiResult<Json<NewsBody>> {
    let (reader, _) = who(&ctx, &id).await?;
    let since = social::reader_row(&ctx.db, id.user.id)
        .await?
        .and_then(|r| r.last_visit_at);
    let sheets = match since {
        Some(since) => social::published_between(&ctx.db, &reader, since, None, 50).await?,
        None => Vec::new(),
    };
    Ok(Json(NewsBody {
        since: since.map(|s| s.to_rfc3339()),
        sheets: sheets
            .into_iter()
            .map(|s| NewsSheet {
                id: s.row.id.to_string(),
                title: s.row.title,
                member: s.member,
                published_at: s
                    .row
                    .published_at
                    .map(|d| d.to_rfc3339())
                    .unwrap_or_default(),
            })
            .collect(),
    }))
}
