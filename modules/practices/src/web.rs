//! The practice exchange's French pages for a member's users: the search (words, theme,
//! establishment type, tag; counts beside each filter; highlighted extracts) and a sheet.
//! Thin handlers over `sheets` and `search`; the reader's visibility is the API's.
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
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
    error::AppError,
    scope::{MemberAccess, Scope},
    time::fr_datetime,
    web::{error::PageError, page::Page},
};
use serde_json::{Value, json};

use crate::{
    api::SearchQuery,
    attachments,
    index::index,
    search::{self, PAGE_SIZE},
    sheets::{self, READ_OBJ},
    social, social_web,
};

pub(crate) type View = ViewEngine<TeraView>;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/practices", get(search_page))
        .add("/m/{slug}/practices/sheets/{id}", get(sheet_page))
        .add(
            "/m/{slug}/practices/sheets/{id}/attachments",
            axum::routing::post(attach).layer(axum::extract::DefaultBodyLimit::max(
                crate::attachments_api::BODY_LIMIT,
            )),
        )
        .add(
            "/m/{slug}/practices/sheets/{id}/attachments/{attachment_id}",
            get(attachment),
        )
        .add(
            "/m/{slug}/practices/sheets/{id}/attachments/{attachment_id}/delete",
            axum::routing::post(detach),
        )
}

pub(crate) fn badge(status: &str) -> Value {
    let kind = match status {
        sheets::status::PUBLISHED => "ok",
        sheets::status::SUBMITTED | sheets::status::RETURNED => "warn",
        _ => "muted",
    };
    let mut label = sheets::label(status).to_string();
    if let Some(first) = label.get(..1) {
        label = first.to_uppercase() + &label[1..];
    }
    json!({"label": label, "kind": kind})
}

/// `GET /m/{slug}/practices?q=&theme=&type=&tag=&page=`
pub async fn search_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let reader = sheets::reader(&ctx.db, scope.services(), scope.identity().user.id).await?;
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|p| (1..=500).contains(p))
        .unwrap_or(1);
    let words: String = q.q.chars().take(300).collect();
    let found = index(&ctx)?.search(
        &reader,
        &search::Search {
            q: words.clone(),
            theme: q.theme.clone(),
            tag: q.tag.as_ref().map(|t| t.trim().to_lowercase()),
            establishment_type: q
                .establishment_type
                .as_ref()
                .map(|t| t.trim().to_uppercase()),
            member: None,
            page,
        },
    )?;
    let themes = sheets::themes(&ctx.db).await?;
    let m = scope.member();
    let base = format!("/m/{}/practices", m.slug);
    let enc = mutualis_core::web::error::encode_component;
    let link = |theme: &str, ty: &str, tag: &str, page: usize| {
        let mut l = format!("{base}?q={}", enc(&words));
        for (k, v) in [("theme", theme), ("type", ty), ("tag", tag)] {
            if !v.is_empty() {
                l.push_str(&format!("&{k}={}", enc(v)));
            }
        }
        if page > 1 {
            l.push_str(&format!("&page={page}"));
        }
        l
    };
    let (theme, ty, tag) = (
        q.theme.clone().unwrap_or_default(),
        q.establishment_type
            .clone()
            .unwrap_or_default()
            .to_uppercase(),
        q.tag.clone().unwrap_or_default().to_lowercase(),
    );
    let label_of = |code: &str| {
        themes
            .iter()
            .find(|t| t.code == code)
            .map_or_else(|| code.to_string(), |t| t.label.clone())
    };
    let facet = |counts: &std::collections::BTreeMap<String, u64>, kind: &str| -> Vec<Value> {
        let mut items: Vec<(&String, &u64)> = counts.iter().collect();
        items.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        items
            .into_iter()
            .take(12)
            .map(|(value, n)| {
                let href = match kind {
                    "theme" => link(value, &ty, &tag, 1),
                    "type" => link(&theme, value, &tag, 1),
                    _ => link(&theme, &ty, value, 1),
                };
                let label = if kind == "theme" {
                    label_of(value)
                } else {
                    value.clone()
                };
                json!({"label": label, "count": n, "href": href})
            })
            .collect()
    };
    let names: std::collections::HashMap<String, String> = mutualis_core::member::list(&ctx.db)
        .await?
        .into_iter()
        .map(|m| (m.slug, m.name))
        .collect();
    let hits: Vec<Value> = found
        .hits
        .iter()
        .map(|h| {
            let member = names.get(&h.member).cloned().unwrap_or_else(|| h.member.clone());
            let state = (h.status != sheets::status::PUBLISHED).then(|| badge(&h.status));
            json!({"title": h.title, "href": format!("{base}/sheets/{}", h.id), "snippet": h.snippet, "member": member, "status": state})
        })
        .collect();
    let mut active = Vec::new();
    if !theme.is_empty() {
        active.push(json!({"label": format!("Thème : {}", label_of(&theme)), "href": link("", &ty, &tag, 1)}));
    }
    if !ty.is_empty() {
        active.push(
            json!({"label": format!("Établissement : {ty}"), "href": link(&theme, "", &tag, 1)}),
        );
    }
    if !tag.is_empty() {
        active.push(json!({"label": format!("Mot-clé : {tag}"), "href": link(&theme, &ty, "", 1)}));
    }
    let pages = found.total.div_ceil(PAGE_SIZE).max(1);
    let social = social_web::landing_extras(&ctx, &reader, scope.identity().user.id, &base).await?;
    Page::for_scope(&ctx, &scope, "Échange de pratiques", &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Échange de pratiques", "")
        .render(
            &v,
            &jar,
            "practices/search.html",
            json!({
                "base": base, "q": words, "theme": theme, "type": ty, "tag": tag,
                "theme_options": themes.iter().map(|t| json!({"value": t.code, "label": t.label})).collect::<Vec<_>>(),
                "type_options": sheets::ESTABLISHMENT_TYPES.iter().map(|t| json!({"value": t, "label": t})).collect::<Vec<_>>(),
                "total": found.total, "hits": hits, "active": active,
                "facets": {
                    "themes": facet(&found.themes, "theme"),
                    "types": facet(&found.establishment_types, "type"),
                    "tags": facet(&found.tags, "tag"),
                },
                "prev": (page > 1).then(|| link(&theme, &ty, &tag, page - 1)),
                "next": (page < pages).then(|| link(&theme, &ty, &tag, page + 1)),
                "page": page, "pages": pages, "social": social,
                "can_write": scope.can(READ_OBJ, "write").await?,
            }),
        )
}

/// `GET /m/{slug}/practices/sheets/{id}`: the sheet, its marks and comments; a published
/// one counts its reader in `practices.active_readers` for the page's member.
pub async fn sheet_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let form = json!({"errors": {}, "body": ""});
    sheet_view(&ctx, (&v, &jar), &scope, &id, (form, StatusCode::OK), None).await
}

/// The sheet page, with `form` (a comment's errors and text) answered with `status`;
/// `refused` is an upload's refusal, shown above its form (422).
pub(crate) async fn sheet_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    id: &str,
    (form, status): (Value, StatusCode),
    refused: Option<String>,
) -> Result<Response, PageError> {
    let user = scope.identity().user.id;
    let reader = sheets::reader(&ctx.db, scope.services(), user).await?;
    let s = sheets::get(&ctx.db, &reader, id).await?;
    if status == StatusCode::OK {
        social::record_reading(&ctx.db, &scope.services().meters, scope.tenant(), user, &s).await;
    }
    let files: Vec<Value> = attachments::list_of(&ctx.db, &s.row)
        .await?
        .into_iter()
        .map(|f| {
            json!({
                "name": f.file_name, "kind": attachments::Kind::label(&f.media_type),
                "size": attachments::size_label(usize::try_from(f.size).unwrap_or(0)),
                "href": format!("/m/{}/practices/sheets/{}/attachments/{}", scope.member().slug, s.row.id, f.id),
                "delete": format!("/m/{}/practices/sheets/{}/attachments/{}/delete", scope.member().slug, s.row.id, f.id),
            })
        })
        .collect();
    let can_attach = s.editable_by(user);
    let themes = sheets::themes(&ctx.db).await?;
    let member = mutualis_core::member::find_by_slug(&ctx.db, &s.member)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = scope.member();
    let base = format!("/m/{}/practices", m.slug);
    let theme_labels: Vec<String> = s
        .themes
        .iter()
        .map(|c| {
            themes
                .iter()
                .find(|t| &t.code == c)
                .map_or_else(|| c.clone(), |t| t.label.clone())
        })
        .collect();
    let editable = can_attach && scope.can(READ_OBJ, "write").await?;
    let mut data = json!({
        "base": base, "title": s.row.title, "summary": s.row.summary, "body_html": s.page_html,
        "status": badge(&s.row.status), "member": member.name, "author": s.row.author_name,
        "version": s.row.version, "themes": theme_labels,
        "tags": s.tags.iter().map(|t| json!({"label": t, "href": format!("{base}?tag={}", mutualis_core::web::error::encode_component(t))})).collect::<Vec<_>>(),
        "types": s.establishment_types,
        "date": fr_datetime(s.row.published_at.unwrap_or(s.row.updated_at)),
        "published": s.row.status == sheets::status::PUBLISHED,
        "comment": s.row.moderator_comment,
        "form": form,
        "edit": editable.then(|| format!("{base}/sheets/{}/edit", s.row.id)),
        "submit": editable.then(|| format!("{base}/sheets/{}/submit", s.row.id)),
        "files": files, "can_attach": can_attach, "refused": refused,
        "attach_action": format!("{base}/sheets/{}/attachments", s.row.id),
    });
    social_web::extend(
        &mut data,
        social_web::sheet_extras(ctx, &reader, user, &base, &s).await?,
    );
    Page::for_scope(ctx, scope, &s.row.title, &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Échange de pratiques", &base)
        .crumb(&s.row.title, "")
        .render_with_status(v, jar, "practices/sheet.html", data, status)
}

/// `POST /m/{slug}/practices/sheets/{id}/attachments` (multipart `file` + `csrf`): its
/// author attaches a file; a refusal shows the page again with the reason.
pub async fn attach(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    Path((_, id)): Path<(String, String)>,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "write").await?;
    let page = format!("/m/{}/practices/sheets/{id}", scope.member().slug);
    let (fields, upload) = crate::attachments_api::read_file(mp).await;
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    mutualis_core::web::forms::check_csrf(scope.identity(), token, &page)?;
    let user = &scope.identity().user;
    let author = sheets::Author {
        id: user.id,
        name: user.name.clone(),
        actor: scope.actor(),
    };
    let result = match upload {
        Ok((name, bytes)) => {
            let reader = sheets::reader(&ctx.db, scope.services(), user.id).await?;
            attachments::attach(
                &ctx.db,
                scope.services(),
                &reader,
                &author,
                &id,
                &name,
                &bytes,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(f) => Ok(mutualis_core::web::page::redirect_with_flash(
            &page,
            "success",
            &format!("Fichier « {} » joint à la fiche.", f.file_name),
        )),
        Err(AppError::Validation(e)) => {
            let message = e.into_iter().next().map(|e| e.message);
            sheet_view(
                &ctx,
                (&v, &jar),
                &scope,
                &id,
                (
                    json!({"errors": {}, "body": ""}),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                message,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /m/{slug}/practices/sheets/{id}/attachments/{attachment_id}`: the file, for
/// whoever reads the sheet.
pub async fn attachment(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Path((_, id, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let reader = sheets::reader(&ctx.db, scope.services(), scope.identity().user.id).await?;
    Ok(attachments::response(
        attachments::get(&ctx.db, &reader, &id, &file).await?,
    ))
}

/// `POST /m/{slug}/practices/sheets/{id}/attachments/{attachment_id}/delete`: its author
/// removes a file from a draft or a sheet sent back.
pub async fn detach(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Path((_, id, file)): Path<(String, String, String)>,
    form: mutualis_core::web::forms::WebForm<mutualis_core::web::forms::EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "write").await?;
    let user = &form.identity.user;
    let reader = sheets::reader(&ctx.db, scope.services(), user.id).await?;
    let author = sheets::Author {
        id: user.id,
        name: user.name.clone(),
        actor: form.identity.actor(),
    };
    let name = attachments::remove(&ctx.db, scope.services(), &reader, &author, &id, &file).await?;
    Ok(mutualis_core::web::page::redirect_with_flash(
        &format!("/m/{}/practices/sheets/{id}", scope.member().slug),
        "success",
        &format!("Fichier « {name} » retiré de la fiche."),
    ))
}
