//! The pages' part between readers: on a sheet, its “utile” button and its comments
//! (write, delete); on the landing page, « nouveautés depuis votre dernière visite » and
//! the monthly digest's opt-in. Thin handlers over `social`; each answers with the
//! sheet (or the landing page) again.
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::post,
};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    error::AppResult,
    scope::MemberAccess,
    web::{
        error::PageError,
        forms::{Done, EmptyForm, WebForm, form_reply},
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    search::Reader,
    sheets::{self, Author, READ_OBJ, Sheet},
    social,
    web::{View, sheet_view},
};

/// The news block lists the latest few; the line counts them all (up to 100).
const NEWS_SHOWN: usize = 5;

/// The routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/practices/preferences", post(preferences))
        .add("/m/{slug}/practices/sheets/{id}/comments", post(comment))
        .add(
            "/m/{slug}/practices/sheets/{id}/comments/{comment_id}/delete",
            post(delete_comment),
        )
        .add("/m/{slug}/practices/sheets/{id}/useful", post(useful))
}

/// Adds `extra`'s keys to `data` (both objects).
pub(crate) fn extend(data: &mut Value, extra: Value) {
    if let (Some(d), Value::Object(e)) = (data.as_object_mut(), extra) {
        d.extend(e);
    }
}

/// The sheet page's marks and comments.
///
/// # Errors
/// Database errors.
pub(crate) async fn sheet_extras(
    ctx: &AppContext,
    reader: &Reader,
    user: i64,
    base: &str,
    s: &Sheet,
) -> AppResult<Value> {
    let href = format!("{base}/sheets/{}", s.row.id);
    let useful = social::useful_of(&ctx.db, s, user).await?;
    let comments: Vec<Value> = social::comments_of(&ctx.db, s, reader, user)
        .await?
        .into_iter()
        .map(|c| {
            json!({
                "id": c.row.id.to_string(),
                "author": c.row.author_name,
                "member": c.member,
                "when": social::fr_when(c.row.created_at),
                "body": c.row.body,
                "delete_href": c.can_delete.then(|| format!("{href}/comments/{}/delete", c.row.id)),
            })
        })
        .collect();
    Ok(json!({
        "href": href,
        "useful": {"count": useful.count, "marked": useful.marked},
        "comments": comments,
    }))
}

/// The landing page's news since the previous visit (the visit is recorded) and the
/// digest's opt-in.
///
/// # Errors
/// Database errors.
pub(crate) async fn landing_extras(
    ctx: &AppContext,
    reader: &Reader,
    user: i64,
    base: &str,
) -> AppResult<Value> {
    let previous = social::visit(&ctx.db, user).await?;
    let digest = social::reader_row(&ctx.db, user)
        .await?
        .is_some_and(|r| r.digest);
    let news = match previous {
        None => Value::Null,
        Some(since) => {
            let found = social::published_between(&ctx.db, reader, since, None, 100).await?;
            let names: std::collections::HashMap<String, String> =
                mutualis_core::member::list(&ctx.db)
                    .await?
                    .into_iter()
                    .map(|m| (m.slug, m.name))
                    .collect();
            json!({
                "line": social::news_line(found.len(), since, Utc::now()),
                "more": found.len().saturating_sub(NEWS_SHOWN),
                "sheets": found.iter().take(NEWS_SHOWN).map(|s| json!({
                    "title": s.row.title,
                    "href": format!("{base}/sheets/{}", s.row.id),
                    "member": names.get(&s.member).cloned().unwrap_or_else(|| s.member.clone()),
                    "date": s.row.published_at.map(social::fr_long_date),
                })).collect::<Vec<_>>(),
            })
        }
    };
    Ok(json!({"news": news, "first_visit": previous.is_none(), "digest": digest}))
}

fn author(form_identity: &mutualis_core::scope::Identity) -> Author {
    Author {
        id: form_identity.user.id,
        name: form_identity.user.name.clone(),
        actor: form_identity.actor(),
    }
}

/// `{"body"}`
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub body: String,
}

/// `POST /m/{slug}/practices/sheets/{id}/comments`
pub async fn comment(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    Path((_, id)): Path<(String, String)>,
    form: WebForm<CommentForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let reader = sheets::reader(&ctx.db, scope.services(), form.identity.user.id).await?;
    let result = social::add_comment(
        &ctx.db,
        scope.services(),
        &reader,
        &author(&form.identity),
        Some(scope.member().id),
        &id,
        &form.value.body,
    )
    .await;
    let to = format!(
        "/m/{}/practices/sheets/{id}#commentaires",
        scope.member().slug
    );
    form_reply(
        result,
        |_| Done::new(to, "Commentaire publié."),
        |errors| {
            sheet_view(
                &ctx,
                (&v, &jar),
                &scope,
                &id,
                (
                    json!({"errors": errors, "body": form.value.body}),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                None,
            )
        },
    )
    .await
}

/// `POST /m/{slug}/practices/sheets/{id}/comments/{comment_id}/delete`
pub async fn delete_comment(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Path((_, id, comment_id)): Path<(String, String, String)>,
    form: WebForm<EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let reader = sheets::reader(&ctx.db, scope.services(), form.identity.user.id).await?;
    let result = social::delete_comment(
        &ctx.db,
        scope.services(),
        &reader,
        &author(&form.identity),
        &id,
        &comment_id,
    )
    .await;
    let to = format!(
        "/m/{}/practices/sheets/{id}#commentaires",
        scope.member().slug
    );
    form_reply(
        result,
        |()| Done::new(to, "Commentaire supprimé."),
        |_| async { Err(PageError::from(mutualis_core::error::AppError::NotFound)) },
    )
    .await
}

/// `{"on": "1" | "0"}`
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UsefulForm {
    pub on: String,
}

/// `POST /m/{slug}/practices/sheets/{id}/useful` (`on=1` marks, `on=0` takes it back)
pub async fn useful(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Path((_, id)): Path<(String, String)>,
    form: WebForm<UsefulForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let reader = sheets::reader(&ctx.db, scope.services(), form.identity.user.id).await?;
    let on = form.value.on.trim() == "1";
    let result = social::set_useful(
        &ctx.db,
        scope.services(),
        Some(&*crate::index::index(&ctx)?),
        &reader,
        &author(&form.identity),
        &id,
        on,
    )
    .await;
    let to = format!("/m/{}/practices/sheets/{id}", scope.member().slug);
    form_reply(
        result,
        |_| {
            Done::new(
                to,
                if on {
                    "Merci : la fiche est marquée utile."
                } else {
                    "Mention « utile » retirée."
                },
            )
        },
        |_| async { Err(PageError::from(mutualis_core::error::AppError::NotFound)) },
    )
    .await
}

/// `{"digest": "on"}` (a checkbox: absent when unchecked)
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PreferencesForm {
    pub digest: Option<String>,
}

/// `POST /m/{slug}/practices/preferences`: the monthly digest, opted in or out.
pub async fn preferences(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    form: WebForm<PreferencesForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let on = form.value.digest.as_deref() == Some("on");
    let result = async {
        let w = scope.write(&ctx.db).await?;
        social::set_digest(&w, form.identity.user.id, on).await?;
        w.commit().await
    }
    .await;
    let to = format!("/m/{}/practices#preferences", scope.member().slug);
    form_reply(
        result,
        |()| {
            Done::new(
                to,
                if on {
                    "C’est noté : vous recevrez chaque mois la lettre des nouvelles fiches."
                } else {
                    "C’est noté : vous ne recevrez plus la lettre mensuelle."
                },
            )
        },
        |_| async { Err(PageError::from(mutualis_core::error::AppError::NotFound)) },
    )
    .await
}
