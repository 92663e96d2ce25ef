//! The authors' pages: the member's own sheets (« Fiches de l'adhérent », every state,
//! the moderators' comments), a new sheet, editing a draft or a sheet sent back, and
//! submitting it to the moderators. Thin handlers over `sheets` (the API's rules: only
//! its author edits or submits a sheet).
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
    scope::{MemberAccess, Scope},
    time::fr_datetime,
    web::{
        error::PageError,
        forms::{Done, EmptyForm, WebForm, form_reply},
        page::Page,
    },
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    index::index,
    sheets::{self, Author, Input, READ_OBJ, Sheet, status},
    web::badge,
};

type View = ViewEngine<TeraView>;

/// The authors' routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/practices/mine", get(mine))
        .add("/m/{slug}/practices/new", get(new_page).post(create))
        .add(
            "/m/{slug}/practices/sheets/{id}/edit",
            get(edit_page).post(update),
        )
        .add("/m/{slug}/practices/sheets/{id}/submit", post(submit))
}

/// The sheet form as posted: themes and types are checkboxes, tags one line separated
/// by commas.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SheetForm {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub themes: Vec<String>,
    pub tags: String,
    pub establishment_types: Vec<String>,
}

impl SheetForm {
    fn input(&self, member: &str) -> Input {
        Input {
            member: member.to_string(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            themes: self.themes.clone(),
            tags: self
                .tags
                .split([',', ';'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            establishment_types: self.establishment_types.clone(),
        }
    }

    fn of(s: &Sheet) -> Self {
        Self {
            title: s.row.title.clone(),
            summary: s.row.summary.clone(),
            body: s.row.body.clone(),
            themes: s.themes.clone(),
            tags: s.tags.join(", "),
            establishment_types: s.establishment_types.clone(),
        }
    }
}

fn author(scope: &Scope) -> Author {
    let id = scope.identity();
    Author {
        id: id.user.id,
        name: id.user.name.clone(),
        actor: id.actor(),
    }
}

/// `GET /m/{slug}/practices/mine`
pub async fn mine(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "read").await?;
    let m = scope.member();
    let base = format!("/m/{}/practices", m.slug);
    let me = scope.identity().user.id;
    let rows: Vec<Value> = sheets::of_member(&ctx.db, scope.tenant(), &m.slug)
        .await?
        .into_iter()
        .map(|s| {
            let editable = s.editable_by(me);
            json!({
                "title": s.row.title, "href": format!("{base}/sheets/{}", s.row.id),
                "edit": editable.then(|| format!("{base}/sheets/{}/edit", s.row.id)),
                "status": badge(&s.row.status), "author": s.row.author_name,
                "version": s.row.version, "at": fr_datetime(s.row.updated_at),
                "comment": (s.row.status == status::RETURNED).then_some(s.row.moderator_comment),
            })
        })
        .collect();
    let can_write = scope.can(READ_OBJ, "write").await?;
    Page::for_scope(&ctx, &scope, "Fiches de l’adhérent", &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Échange de pratiques", &base)
        .crumb("Fiches de l’adhérent", "")
        .render(
            &v,
            &jar,
            "practices/mine.html",
            json!({"base": base, "member": m.name, "rows": rows, "can_write": can_write}),
        )
}

async fn form_page(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    editing: Option<&Sheet>,
    form: &SheetForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let m = scope.member();
    let base = format!("/m/{}/practices", m.slug);
    let themes = sheets::themes(&ctx.db).await?;
    let (title, action) = match editing {
        Some(s) => (
            format!("Modifier « {} »", s.row.title),
            format!("{base}/sheets/{}/edit", s.row.id),
        ),
        None => ("Nouvelle fiche pratique".to_string(), format!("{base}/new")),
    };
    let themes: Vec<Value> = themes
        .iter()
        .map(|t| json!({"value": t.code, "label": t.label, "checked": form.themes.contains(&t.code)}))
        .collect();
    let types: Vec<Value> = sheets::ESTABLISHMENT_TYPES
        .iter()
        .map(|t| json!({"value": t, "label": t, "checked": form.establishment_types.iter().any(|x| x == t)}))
        .collect();
    let mut page = Page::for_scope(ctx, scope, &title, &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Échange de pratiques", &base);
    if let Some(s) = editing {
        page = page.crumb(&s.row.title, &format!("{base}/sheets/{}", s.row.id));
    }
    page.crumb(if editing.is_some() { "Modifier" } else { "Nouvelle fiche" }, "")
        .render_with_status(
            v,
            jar,
            "practices/edit.html",
            json!({
                "base": base, "title": title, "action": action, "member": m.name,
                "editing": editing.is_some(),
                "version": editing.map(|s| s.row.version),
                "comment": editing.filter(|s| s.row.status == status::RETURNED).and_then(|s| s.row.moderator_comment.clone()),
                "form": {"title": form.title, "summary": form.summary, "body": form.body, "tags": form.tags},
                "themes": themes, "types": types, "errors": errors,
            }),
            status,
        )
}

/// `GET /m/{slug}/practices/new`
pub async fn new_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "write").await?;
    let form = SheetForm::default();
    form_page(
        &ctx,
        (&v, &jar),
        &scope,
        None,
        &form,
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/practices/new`: a draft of the page's member.
pub async fn create(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    form: WebForm<SheetForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "write").await?;
    let slug = scope.member().slug.clone();
    let result = sheets::create(
        &ctx.db,
        scope.services(),
        &*index(&ctx)?,
        &author(&scope),
        &form.value.input(&slug),
    )
    .await;
    form_reply(
        result,
        |s| {
            Done::new(
                format!("/m/{slug}/practices/sheets/{}", s.row.id),
                "Brouillon enregistré. Relisez-le, puis soumettez-le à la modération.",
            )
        },
        |errors| {
            form_page(
                &ctx,
                (&v, &jar),
                &scope,
                None,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `GET /m/{slug}/practices/sheets/{id}/edit`
pub async fn edit_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "write").await?;
    let reader = sheets::reader(&ctx.db, scope.services(), scope.identity().user.id).await?;
    let s = sheets::editable(&ctx.db, &reader, scope.identity().user.id, &id).await?;
    let form = SheetForm::of(&s);
    form_page(
        &ctx,
        (&v, &jar),
        &scope,
        Some(&s),
        &form,
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /m/{slug}/practices/sheets/{id}/edit`: the next version (the previous one kept).
pub async fn update(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
    Path((_, id)): Path<(String, String)>,
    form: WebForm<SheetForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "write").await?;
    let me = scope.identity().user.id;
    let reader = sheets::reader(&ctx.db, scope.services(), me).await?;
    let s = sheets::editable(&ctx.db, &reader, me, &id).await?;
    let slug = scope.member().slug.clone();
    let result = sheets::update(
        &ctx.db,
        scope.services(),
        &*index(&ctx)?,
        &reader,
        &author(&scope),
        &id,
        &form.value.input(&slug),
    )
    .await;
    form_reply(
        result,
        |s| {
            Done::new(
                format!("/m/{slug}/practices/sheets/{}", s.row.id),
                format!("Fiche enregistrée (version {}).", s.row.version),
            )
        },
        |errors| {
            form_page(
                &ctx,
                (&v, &jar),
                &scope,
                Some(&s),
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /m/{slug}/practices/sheets/{id}/submit`
pub async fn submit(
    State(ctx): State<AppContext>,
    access: MemberAccess,
    Path((_, id)): Path<(String, String)>,
    _form: WebForm<EmptyForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize(READ_OBJ, "write").await?;
    let me = scope.identity().user.id;
    let reader = sheets::reader(&ctx.db, scope.services(), me).await?;
    let s = sheets::act(
        &ctx.db,
        scope.services(),
        &*index(&ctx)?,
        &reader,
        &author(&scope),
        &id,
        "submit",
        "",
    )
    .await?;
    Ok(mutualis_core::web::page::redirect_with_flash(
        &format!("/m/{}/practices/sheets/{}", scope.member().slug, s.row.id),
        "success",
        "Fiche soumise : la coopérative la relit avant de la publier pour tous les adhérents.",
    ))
}
