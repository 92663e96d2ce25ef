//! The cooperative's moderation page: the sheets submitted by members, each read in full,
//! published (with an optional comment) or sent back to its author (with a comment).
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use loco_rs::{
    app::AppContext,
    controller::{
        Routes,
        views::{ViewEngine, engines::TeraView},
    },
};
use mutualis_core::{
    scope::{CoopAccess, CoopScope},
    time::fr_datetime,
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::Page,
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    index::index,
    sheets::{self, Author, MODERATION_OBJ},
};

type View = ViewEngine<TeraView>;

/// The moderation routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/coop/practices", get(page))
        .add("/coop/practices/sheets/{id}/publish", post(publish))
        .add("/coop/practices/sheets/{id}/return", post(send_back))
}

/// The form of both actions.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub comment: String,
}

async fn view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &CoopScope,
    failed: Option<(&str, &str)>,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let themes = sheets::themes(&ctx.db).await?;
    let names: std::collections::HashMap<String, String> = mutualis_core::member::list(&ctx.db)
        .await?
        .into_iter()
        .map(|m| (m.slug, m.name))
        .collect();
    let rows: Vec<Value> = sheets::submitted(&ctx.db, scope.coop())
        .await?
        .into_iter()
        .map(|s| {
            let id = s.row.id.to_string();
            let comment = failed
                .filter(|(f, _)| *f == id)
                .map(|(_, c)| c.to_string())
                .unwrap_or_default();
            json!({
                "id": id, "title": s.row.title, "summary": s.row.summary, "body_html": s.page_html,
                "member": names.get(&s.member).cloned().unwrap_or(s.member),
                "author": s.row.author_name, "at": fr_datetime(s.row.updated_at), "version": s.row.version,
                "themes": s.themes.iter().map(|c| themes.iter().find(|t| &t.code == c).map_or_else(|| c.clone(), |t| t.label.clone())).collect::<Vec<_>>(),
                "types": s.establishment_types,
                "comment": comment,
                "errors": if failed.is_some_and(|(f, _)| f == id) { errors.clone() } else { json!({}) },
            })
        })
        .collect();
    Page::for_coop(
        ctx,
        scope,
        "Modération des fiches pratiques",
        "/coop/practices",
    )
    .await?
    .crumb("Coopérative", "/coop")
    .crumb("Modération des fiches pratiques", "")
    .render_with_status(
        v,
        jar,
        "practices/moderation.html",
        json!({"sheets": rows}),
        status,
    )
}

/// `GET /coop/practices`
pub async fn page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(MODERATION_OBJ, "write").await?;
    view(&ctx, (&v, &jar), &scope, None, json!({}), StatusCode::OK).await
}

async fn decide(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    access: CoopAccess,
    id: &str,
    action: &str,
    form: WebForm<CommentForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(MODERATION_OBJ, "write").await?;
    let user = &form.identity.user;
    let reader = sheets::reader(&ctx.db, scope.services(), user.id).await?;
    let author = Author {
        id: user.id,
        name: user.name.clone(),
        actor: form.identity.actor(),
    };
    let result = sheets::act(
        &ctx.db,
        scope.services(),
        &*index(ctx)?,
        &reader,
        &author,
        id,
        action,
        &form.value.comment,
    )
    .await;
    let message = if action == "publish" {
        "publiée : tous les adhérents participants la trouvent désormais."
    } else {
        "renvoyée à son auteur avec votre commentaire."
    };
    form_reply(
        result,
        |s| {
            Done::new(
                "/coop/practices",
                format!("Fiche « {} » {message}", s.row.title),
            )
        },
        |errors| {
            view(
                ctx,
                (v, jar),
                &scope,
                Some((id, form.value.comment.as_str())),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /coop/practices/sheets/{id}/publish`
pub async fn publish(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(id): Path<String>,
    access: CoopAccess,
    form: WebForm<CommentForm>,
) -> Result<Response, PageError> {
    decide(&ctx, (&v, &jar), access, &id, "publish", form).await
}

/// `POST /coop/practices/sheets/{id}/return`
pub async fn send_back(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(id): Path<String>,
    access: CoopAccess,
    form: WebForm<CommentForm>,
) -> Result<Response, PageError> {
    decide(&ctx, (&v, &jar), access, &id, "return", form).await
}
