//! The legal module's French pages: a member's library (the published templates, the
//! notices of new versions, the documents generated), the form generated from a
//! template's variables with its preview, the files; the jurist's library (each template's
//! source, versions with their changelog, the diff, publishing).
use std::collections::BTreeMap;

use axum::{
    extract::{Path, Query, State},
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
    error::AppError,
    scope::{CoopAccess, CoopScope, MemberAccess, Scope},
    time::fr_datetime,
    web::{
        error::PageError,
        forms::{Done, WebForm, form_reply},
        page::{Page, download},
        views::errors_map,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{
    api::parse_file,
    files::{self, Block},
    library,
    source::{self, Context, Kind, Source},
    values,
};

type View = ViewEngine<TeraView>;

/// The module's web routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .add("/m/{slug}/legal", get(member_library))
        .add(
            "/m/{slug}/legal/templates/{template}",
            get(fill_page).post(fill_post),
        )
        .add("/m/{slug}/legal/documents/{id}", get(member_file))
        .add("/coop/legal", get(coop_library).post(coop_create))
        .add(
            "/coop/legal/templates/{template}",
            get(coop_template).post(coop_save),
        )
        .add(
            "/coop/legal/templates/{template}/publish",
            post(coop_publish),
        )
}

fn fr_status(s: &str) -> &'static str {
    match s {
        library::status::DRAFT => "Brouillon",
        library::status::PUBLISHED => "Publiée",
        _ => "Remplacée",
    }
}

/// `GET /m/{slug}/legal`
pub async fn member_library(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.home", "read").await?;
    let base = format!("/m/{}/legal", scope.member().slug);
    let mut categories: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (t, s) in library::published(&ctx.db).await? {
        categories
            .entry(s.category.clone())
            .or_default()
            .push(json!({
                "href": format!("{base}/templates/{}", t.template.slug), "title": s.title,
                "version": t.version.version, "references": s.references,
            }));
    }
    let can_docs = scope.can("legal.documents", "read").await?;
    let (docs, notices) = if can_docs {
        let docs: Vec<Value> = library::documents(&ctx.db, scope.tenant())
            .await?
            .iter()
            .map(|d| json!({
                "title": d.title, "version": d.template_version, "by": d.created_by,
                "at": fr_datetime(d.created_at),
                "pdf": format!("{base}/documents/{}.pdf", d.id), "docx": format!("{base}/documents/{}.docx", d.id),
            }))
            .collect();
        let notices: Vec<Value> = library::notices(&ctx.db, scope.tenant())
            .await?
            .iter()
            .map(|n| json!({"title": n.title, "from": n.from_version, "to": n.to_version, "changelog": n.changelog}))
            .collect();
        (docs, notices)
    } else {
        (Vec::new(), Vec::new())
    };
    let m = scope.member();
    Page::for_scope(&ctx, &scope, &format!("Modèles juridiques — {}", m.name), &base)
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Modèles juridiques", "")
        .render(
            &v,
            &jar,
            "legal/library.html",
            json!({
                "member": {"name": m.name, "slug": m.slug},
                "categories": categories.into_iter().map(|(k, v)| json!({"name": k, "templates": v})).collect::<Vec<_>>(),
                "docs": docs, "notices": notices, "can_docs": can_docs,
                "can_fill": scope.can("legal.documents", "write").await?,
            }),
        )
}

/// One form field per variable.
fn fields(s: &Source, typed: &BTreeMap<String, String>) -> Vec<Value> {
    s.variables
        .iter()
        .map(|v| {
            let cond = v.required_if.as_ref().map(|c| {
                let other = s
                    .variables
                    .iter()
                    .find(|x| x.name == c.name())
                    .map_or(c.name(), |x| x.label.as_str());
                c.describe(other)
            });
            json!({
                "name": v.name, "label": v.label, "type": v.kind.code(), "required": v.required,
                "hint": cond.map_or_else(|| v.help.clone(), |c| format!("Obligatoire {c}.")),
                "input": match v.kind { Kind::Date => "date", _ => "text" },
                "choices": v.choices.iter().map(|c| json!({"value": c, "label": c})).collect::<Vec<_>>(),
                "value": typed.get(&v.name).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

/// The preview: the rendered body's blocks, as the page shows them.
fn preview(blocks: &[Block]) -> Vec<Value> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading(l, t) => json!({"kind": "heading", "level": l, "text": t}),
            Block::Paragraph(spans) => json!({"kind": "paragraph", "spans": spans.iter().map(|s| json!({"text": s.text, "bold": s.bold, "italic": s.italic})).collect::<Vec<_>>()}),
            Block::List(_, items) => json!({"kind": "list", "items": items.iter().map(|i| i.iter().map(|s| s.text.as_str()).collect::<String>()).collect::<Vec<_>>()}),
            Block::Table(rows) => json!({"kind": "table", "head": rows.first(), "rows": rows.iter().skip(1).collect::<Vec<_>>()}),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn fill_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &Scope,
    slug: &str,
    typed: &BTreeMap<String, String>,
    errors: Value,
    shown: Option<Vec<Value>>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (t, s) = library::published(&ctx.db)
        .await?
        .into_iter()
        .find(|(t, _)| t.template.slug == slug)
        .ok_or(AppError::NotFound)?;
    let employees: Vec<Value> = if scope.access().active_modules().iter().any(|x| x == "hr") {
        mutualis_hr::facts::employees(&ctx.db, scope.tenant())
            .await?
            .into_iter()
            .filter(|e| e.exit_date.is_none())
            .map(|e| json!({"value": e.id.to_string(), "label": format!("{} ({})", e.name, e.matricule)}))
            .collect()
    } else {
        Vec::new()
    };
    let m = scope.member();
    let base = format!("/m/{}/legal", m.slug);
    Page::for_scope(ctx, scope, &format!("{} — {}", s.title, m.name), &format!("{base}/templates/{slug}"))
        .await?
        .crumb(&m.name, &format!("/m/{}", m.slug))
        .crumb("Modèles juridiques", &base)
        .crumb(&s.title, "")
        .render_with_status(
            v,
            jar,
            "legal/fill.html",
            json!({
                "member": {"name": m.name, "slug": m.slug}, "title": s.title, "slug": slug,
                "version": t.version.version, "references": s.references, "changelog": t.version.changelog,
                "fields": fields(&s, typed), "errors": errors, "preview": shown,
                "employees": employees, "employee": typed.get("employee_id").cloned().unwrap_or_default(),
                "action": format!("{base}/templates/{slug}"),
                "can_fill": scope.can("legal.documents", "write").await?,
            }),
            status,
        )
}

/// `GET /m/{slug}/legal/templates/{template}`: the form.
pub async fn fill_page(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, template)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.templates", "read").await?;
    fill_view(
        &ctx,
        (&v, &jar),
        &scope,
        &template,
        &BTreeMap::new(),
        json!({}),
        None,
        StatusCode::OK,
    )
    .await
}

/// The form as posted: every field by name, and the button pressed.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FillForm {
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
}

/// `POST /m/{slug}/legal/templates/{template}`: `preview` shows the document filled;
/// otherwise it is generated (PDF and DOCX in the history).
pub async fn fill_post(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path((_slug, template)): Path<(String, String)>,
    access: MemberAccess,
    form: WebForm<FillForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.documents", "write").await?;
    let mut typed = form.value.fields.clone();
    typed.remove("csrf");
    let wants_preview = typed.remove("action").as_deref() == Some("preview");
    let employee_raw = typed.get("employee_id").cloned().map(Value::String);
    let employee = match crate::api::employee_of(&scope, employee_raw.as_ref()) {
        Ok(e) => e,
        Err(AppError::Validation(errs)) => {
            return fill_view(
                &ctx,
                (&v, &jar),
                &scope,
                &template,
                &typed,
                errors_map(errs),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let input: BTreeMap<String, Value> = typed
        .iter()
        .filter(|(k, _)| k.as_str() != "employee_id")
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if wants_preview {
        let (_, s) = library::published(&ctx.db)
            .await?
            .into_iter()
            .find(|(t, _)| t.template.slug == template)
            .ok_or(AppError::NotFound)?;
        return match values::check(&s.variables, &input) {
            Ok(shown) => {
                let (salarie, contrat) = match employee {
                    Some(id) => mutualis_hr::facts::for_documents(&ctx.db, scope.tenant(), id)
                        .await?
                        .map(|e| library::employee_fields(&e))
                        .unwrap_or_default(),
                    None => Default::default(),
                };
                let md = source::render(
                    &s,
                    &Context {
                        values: shown,
                        membre: library::member_profile(
                            &ctx.db,
                            &scope.services().authz,
                            scope.member(),
                        )
                        .await?,
                        salarie,
                        contrat,
                    },
                )
                .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
                let p = preview(&files::blocks(&md));
                fill_view(
                    &ctx,
                    (&v, &jar),
                    &scope,
                    &template,
                    &typed,
                    json!({}),
                    Some(p),
                    StatusCode::OK,
                )
                .await
            }
            Err(errs) => {
                fill_view(
                    &ctx,
                    (&v, &jar),
                    &scope,
                    &template,
                    &typed,
                    errors_map(errs),
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        };
    }
    let result = async {
        let membre =
            library::member_profile(&ctx.db, &scope.services().authz, scope.member()).await?;
        let w = scope.write(&ctx.db).await?;
        let d = library::generate(
            &w,
            &scope.actor().label,
            membre,
            &template,
            &input,
            employee,
        )
        .await?;
        w.commit().await?;
        Ok(d)
    }
    .await;
    let base = format!("/m/{}/legal", scope.member().slug);
    form_reply(
        result,
        |d| {
            Done::new(
                base.clone(),
                format!(
                    "« {} » généré : téléchargez-le en PDF ou en DOCX ci-dessous.",
                    d.title
                ),
            )
        },
        |errors| {
            fill_view(
                &ctx,
                (&v, &jar),
                &scope,
                &template,
                &typed,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `GET /m/{slug}/legal/documents/{id}.pdf` / `.docx` (session).
pub async fn member_file(
    State(ctx): State<AppContext>,
    Path((_slug, file)): Path<(String, String)>,
    access: MemberAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.documents", "read").await?;
    let (id, pdf) = parse_file(&file).ok_or(AppError::NotFound)?;
    let (ty, name, bytes) = library::file(&ctx.db, scope.tenant(), scope.member(), id, pdf).await?;
    Ok(download(ty, &name, bytes))
}

/// The new template form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NewForm {
    pub slug: String,
    pub source: String,
}

async fn coop_list(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &CoopScope,
    form: &NewForm,
    errors: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let mut rows = Vec::new();
    for t in library::all(&ctx.db).await? {
        rows.push(json!({
            "href": format!("/coop/legal/templates/{}", t.slug), "slug": t.slug, "title": t.title,
            "category": t.category, "published": t.published_version,
            "draft": t.published_version != Some(t.latest_version), "latest": t.latest_version,
            "updated": fr_datetime(t.updated_at),
        }));
    }
    Page::for_coop(ctx, scope, "Bibliothèque juridique", "/coop/legal")
        .await?
        .crumb("Coopérative", "/coop")
        .crumb("Bibliothèque juridique", "")
        .render_with_status(
            v,
            jar,
            "legal/coop_library.html",
            json!({"rows": rows, "form": form, "errors": errors}),
            status,
        )
}

/// `GET /coop/legal`: the jurist's library.
pub async fn coop_library(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.templates", "write").await?;
    coop_list(
        &ctx,
        (&v, &jar),
        &scope,
        &NewForm::default(),
        json!({}),
        StatusCode::OK,
    )
    .await
}

/// `POST /coop/legal`: a new template (a draft).
pub async fn coop_create(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    access: CoopAccess,
    form: WebForm<NewForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.templates", "write").await?;
    let result = library::create(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        &form.value.slug,
        &form.value.source,
    )
    .await;
    form_reply(
        result,
        |t| {
            Done::new(
                format!("/coop/legal/templates/{}", t.template.slug),
                format!(
                    "Modèle « {} » créé (brouillon, version 1).",
                    t.template.title
                ),
            )
        },
        |errors| {
            coop_list(
                &ctx,
                (&v, &jar),
                &scope,
                &form.value,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `?from=&to=` on a template's page: the diff shown.
#[derive(Debug, Default, Deserialize)]
pub struct DiffQuery {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

/// The source form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SourceForm {
    pub source: String,
}

/// The publish form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PublishForm {
    pub changelog: String,
}

#[allow(clippy::too_many_arguments)]
async fn coop_view(
    ctx: &AppContext,
    (v, jar): (&View, &CookieJar),
    scope: &CoopScope,
    slug: &str,
    source_text: Option<&str>,
    errors: Value,
    q: &DiffQuery,
    status: StatusCode,
) -> Result<Response, PageError> {
    let t = library::template(&ctx.db, slug).await?;
    let versions = library::versions(&ctx.db, t.id).await?;
    let latest = versions.first().cloned();
    let rows: Vec<Value> = versions
        .iter()
        .map(|x| {
            json!({
                "version": x.version, "status": fr_status(&x.status), "changelog": x.changelog,
                "by": x.created_by, "published": x.published_at.map(fr_datetime),
            })
        })
        .collect();
    let (from, to) = match (q.from, q.to) {
        (Some(f), Some(t)) => (Some(f), Some(t)),
        _ if t.latest_version > 1 => (Some(t.latest_version - 1), Some(t.latest_version)),
        _ => (None, None),
    };
    let changes = match (from, to) {
        (Some(f), Some(to)) => library::diff(&ctx.db, slug, f, to)
            .await
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let source = source_text.map_or_else(
        || {
            latest
                .as_ref()
                .map(|l| l.source.clone())
                .unwrap_or_default()
        },
        str::to_string,
    );
    Page::for_coop(ctx, scope, &format!("Modèle « {} »", t.title), &format!("/coop/legal/templates/{slug}"))
        .await?
        .crumb("Coopérative", "/coop")
        .crumb("Bibliothèque juridique", "/coop/legal")
        .crumb(&t.title, "")
        .render_with_status(
            v,
            jar,
            "legal/coop_template.html",
            json!({
                "t": {"slug": t.slug, "title": t.title, "category": t.category, "published": t.published_version, "latest": t.latest_version},
                "draft": latest.as_ref().is_some_and(|l| l.status == library::status::DRAFT),
                "versions": rows, "source": source, "errors": errors,
                "diff": {"from": from, "to": to, "changes": changes},
            }),
            status,
        )
}

/// `GET /coop/legal/templates/{template}`
pub async fn coop_template(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(slug): Path<String>,
    Query(q): Query<DiffQuery>,
    access: CoopAccess,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.templates", "write").await?;
    coop_view(
        &ctx,
        (&v, &jar),
        &scope,
        &slug,
        None,
        json!({}),
        &q,
        StatusCode::OK,
    )
    .await
}

/// `POST /coop/legal/templates/{template}`: the source saved as the draft.
pub async fn coop_save(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(slug): Path<String>,
    access: CoopAccess,
    form: WebForm<SourceForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.templates", "write").await?;
    let result = library::edit(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        &slug,
        &form.value.source,
    )
    .await;
    let none = DiffQuery::default();
    form_reply(
        result,
        |t| {
            Done::new(
                format!("/coop/legal/templates/{slug}"),
                format!("Brouillon enregistré (version {}).", t.version.version),
            )
        },
        |errors| {
            coop_view(
                &ctx,
                (&v, &jar),
                &scope,
                &slug,
                Some(&form.value.source),
                errors,
                &none,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        },
    )
    .await
}

/// `POST /coop/legal/templates/{template}/publish`
pub async fn coop_publish(
    State(ctx): State<AppContext>,
    v: View,
    jar: CookieJar,
    Path(slug): Path<String>,
    access: CoopAccess,
    form: WebForm<PublishForm>,
) -> Result<Response, PageError> {
    let scope = access.authorize("legal.templates", "write").await?;
    let result = library::publish(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        &slug,
        &form.value.changelog,
    )
    .await;
    if let Ok(v) = &result {
        crate::notify::new_version(
            &ctx,
            mutualis_core::scope::services(&ctx)?.as_ref(),
            &v.told,
            (
                &v.template.slug,
                &v.template.title,
                v.version.version,
                form.value.changelog.trim(),
            ),
        )
        .await?;
    }
    let none = DiffQuery::default();
    form_reply(
        result,
        |t| Done::new(format!("/coop/legal/templates/{slug}"), format!("Version {} publiée : les adhérents qui ont utilisé une version antérieure sont prévenus.", t.version.version)),
        |errors| coop_view(&ctx, (&v, &jar), &scope, &slug, None, errors, &none, StatusCode::UNPROCESSABLE_ENTITY),
    )
    .await
}
