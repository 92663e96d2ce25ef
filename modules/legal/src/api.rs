//! The legal module's JSON API: the jurist's library (`/api/coop/legal/templates…`) and a
//! member's templates and documents (`/api/m/{slug}/legal/…`). Thin handlers over
//! `library`.
use std::collections::BTreeMap;

use axum::{
    Json,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created, created},
    authz::COOP,
    error::{AppError, ErrorBody},
    scope::{CoopAccess, Identity, MemberAccess, services},
    served::members_where,
    web::{error::ApiResult, page::download},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{library, source::ClauseChange};

const SLUG: &str = "Identifiant de l’adhérent";
const TEMPLATE: &str = "Identifiant du modèle (« cdd-remplacement »)";

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(create_template, edit_template, publish, diff, member_templates, generate, documents, document_file),
    tags((name = "legal", description = "Modèles juridiques : bibliothèque de la coopérative, documents des adhérents"))
)]
struct LegalApi;

/// The module's API, for its declaration.
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <LegalApi as utoipa::OpenApi>::openapi()
}

/// The module's API routes.
#[must_use]
pub fn routes() -> Vec<Routes> {
    vec![
        Routes::new()
            .prefix("/api/coop/legal")
            .add("/templates", post(create_template))
            .add("/templates/{slug}", axum::routing::put(edit_template))
            .add("/templates/{slug}/publish", post(publish))
            .add("/templates/{slug}/diff", get(diff)),
        Routes::new()
            .prefix("/api/m/{slug}/legal")
            .add("/templates", get(member_templates))
            .add("/templates/{template}/documents", post(generate))
            .add("/documents", get(documents))
            .add("/documents/{id}", get(document_file)),
    ]
}

/// `POST /api/coop/legal/templates` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = LegalNewTemplate)]
#[serde(default)]
pub struct NewTemplate {
    /// The template's identifier (`cdd-remplacement`).
    pub slug: String,
    /// Front matter and body.
    pub source: String,
}

/// A version's state.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegalVersionState)]
pub struct VersionState {
    pub slug: String,
    pub version: i32,
    /// `draft`, `published`, `superseded`.
    pub status: String,
}

/// `POST /api/coop/legal/templates` → 201 `{"slug","version":1,"status":"draft"}`.
#[utoipa::path(post, operation_id = "legal_create_template", path = "/api/coop/legal/templates", tag = "legal", security(("bearer" = [])), request_body = NewTemplate, responses((status = 201, description = "Modèle créé (brouillon)", body = VersionState), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la coopérative", body = ErrorBody), (status = 422, description = "Identifiant ou source invalide (avec la ligne)", body = ErrorBody)))]
async fn create_template(
    State(ctx): State<AppContext>,
    access: CoopAccess,
    Json(body): Json<NewTemplate>,
) -> ApiResult<Created<VersionState>> {
    let scope = access.authorize("legal.templates", "write").await?;
    let v = library::create(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        &body.slug,
        &body.source,
    )
    .await?;
    Ok(created(VersionState {
        slug: v.template.slug,
        version: v.version.version,
        status: v.version.status,
    }))
}

/// `PUT /api/coop/legal/templates/{slug}` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = LegalSource)]
#[serde(default)]
pub struct SourceBody {
    pub source: String,
}

/// `{"version"}`
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegalVersion)]
pub struct VersionBody {
    pub version: i32,
}

/// `PUT /api/coop/legal/templates/{slug}` → a new draft `{"version"}`.
#[utoipa::path(put, operation_id = "legal_edit_template", path = "/api/coop/legal/templates/{slug}", tag = "legal", security(("bearer" = [])), params(("slug" = String, Path, description = TEMPLATE)), request_body = SourceBody, responses((status = 200, description = "Brouillon enregistré (une version publiée ne change jamais)", body = VersionBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la coopérative", body = ErrorBody), (status = 404, description = "Modèle inconnu", body = ErrorBody), (status = 422, description = "Source invalide (avec la ligne)", body = ErrorBody)))]
async fn edit_template(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
    Json(body): Json<SourceBody>,
) -> ApiResult<Json<VersionBody>> {
    let scope = access.authorize("legal.templates", "write").await?;
    let v = library::edit(&ctx.db, scope.coop(), &scope.actor(), &slug, &body.source).await?;
    Ok(Json(VersionBody {
        version: v.version.version,
    }))
}

/// `POST …/publish` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = LegalPublish)]
#[serde(default)]
pub struct PublishBody {
    /// One line: what changes.
    pub changelog: String,
}

/// `POST /api/coop/legal/templates/{slug}/publish` → `{"version","status":"published"}`.
#[utoipa::path(post, operation_id = "legal_publish", path = "/api/coop/legal/templates/{slug}/publish", tag = "legal", security(("bearer" = [])), params(("slug" = String, Path, description = TEMPLATE)), request_body = PublishBody, responses((status = 200, description = "Version publiée ; les adhérents qui ont utilisé une version antérieure sont prévenus", body = VersionState), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à la coopérative", body = ErrorBody), (status = 404, description = "Modèle inconnu", body = ErrorBody), (status = 409, description = "Aucun brouillon à publier", body = ErrorBody), (status = 422, description = "Sans ligne de changement", body = ErrorBody)))]
async fn publish(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    access: CoopAccess,
    Json(body): Json<PublishBody>,
) -> ApiResult<Json<VersionState>> {
    let scope = access.authorize("legal.templates", "write").await?;
    let v = library::publish(
        &ctx.db,
        scope.coop(),
        &scope.actor(),
        &slug,
        &body.changelog,
    )
    .await?;
    crate::notify::new_version(
        &ctx,
        services(&ctx)?.as_ref(),
        &v.told,
        (
            &v.template.slug,
            &v.template.title,
            v.version.version,
            body.changelog.trim(),
        ),
    )
    .await?;
    Ok(Json(VersionState {
        slug: v.template.slug,
        version: v.version.version,
        status: v.version.status,
    }))
}

/// `?from=1&to=2`
#[derive(Debug, Default, Deserialize)]
pub struct DiffQuery {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

/// The clauses changed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegalDiff)]
pub struct DiffBody {
    pub changes: Vec<ClauseChange>,
}

/// `GET /api/coop/legal/templates/{slug}/diff?from=1&to=2`: the cooperative's staff and
/// any user of a member subscribing to the module.
#[utoipa::path(get, operation_id = "legal_diff", path = "/api/coop/legal/templates/{slug}/diff", tag = "legal", security(("bearer" = [])), params(("slug" = String, Path, description = TEMPLATE), ("from" = i32, Query, description = "Version d’origine"), ("to" = i32, Query, description = "Version comparée")), responses((status = 200, description = "Les clauses ajoutées, retirées, modifiées", body = DiffBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé", body = ErrorBody), (status = 404, description = "Modèle ou version inconnus", body = ErrorBody), (status = 422, description = "from et to requis", body = ErrorBody)))]
async fn diff(
    State(ctx): State<AppContext>,
    Path(slug): Path<String>,
    Query(q): Query<DiffQuery>,
    id: Identity,
) -> ApiResult<Json<DiffBody>> {
    let svc = services(&ctx)?;
    let uid = id.user.id;
    let allowed = svc
        .authz
        .allowed(uid, COOP, "legal.templates", "read")
        .await?
        || !members_where(&ctx.db, &svc, uid, "legal.templates", "read")
            .await?
            .is_empty();
    if !allowed {
        return Err(AppError::Forbidden("Accès refusé.".to_string()).into());
    }
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(AppError::field("from", "Indiquez les deux versions : ?from=1&to=2.").into());
    };
    let changes = library::diff(&ctx.db, &slug, from, to).await?;
    Ok(Json(DiffBody { changes }))
}

/// A variable as members' tools read it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegalVariable)]
pub struct VariableBody {
    pub name: String,
    /// `text`, `date`, `money`, `number`, `choice`, `yesno`.
    #[serde(rename = "type")]
    pub kind: String,
    pub label: String,
    pub required: bool,
}

/// A published template.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegalTemplate)]
pub struct TemplateBody {
    pub slug: String,
    pub title: String,
    pub category: String,
    pub version: i32,
    pub variables: Vec<VariableBody>,
}

/// `GET /api/m/{slug}/legal/templates`: the published templates.
#[utoipa::path(get, operation_id = "legal_member_templates", path = "/api/m/{slug}/legal/templates", tag = "legal", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), responses((status = 200, description = "Les modèles publiés", body = Vec<TemplateBody>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn member_templates(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<TemplateBody>>> {
    access.authorize("legal.templates", "read").await?;
    let all = library::published(&ctx.db).await?;
    Ok(Json(
        all.into_iter()
            .map(|(v, s)| TemplateBody {
                slug: v.template.slug,
                title: s.title,
                category: s.category,
                version: v.version.version,
                variables: s
                    .variables
                    .iter()
                    .map(|x| VariableBody {
                        name: x.name.clone(),
                        kind: x.kind.code().to_string(),
                        label: x.label.clone(),
                        required: x.required,
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// `POST …/documents` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = LegalGenerate)]
#[serde(default)]
pub struct GenerateBody {
    /// Each variable's value, as a string (a yes/no may be a boolean).
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, Value>,
    /// An HR employee's id (the member subscribes to HR): the template's `salarie.*` and
    /// `contrat.*` (identity, the latest contract's terms).
    #[schema(value_type = Option<String>)]
    pub employee_id: Option<Value>,
}

/// `201` for a document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegalGenerated)]
pub struct GeneratedBody {
    pub id: Uuid,
    pub template_version: i32,
}

/// `POST /api/m/{slug}/legal/templates/{template}/documents` → 201 `{"id","template_version"}`.
#[utoipa::path(post, operation_id = "legal_generate", path = "/api/m/{slug}/legal/templates/{template}/documents", tag = "legal", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("template" = String, Path, description = TEMPLATE)), request_body = GenerateBody, responses((status = 201, description = "Document généré (compté)", body = GeneratedBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Modèle inconnu ou non publié", body = ErrorBody), (status = 422, description = "Valeurs invalides, chacune nommée (values.<nom>)", body = ErrorBody)))]
async fn generate(
    State(ctx): State<AppContext>,
    Path((_slug, template)): Path<(String, String)>,
    access: MemberAccess,
    Json(body): Json<GenerateBody>,
) -> ApiResult<Created<GeneratedBody>> {
    let scope = access.authorize("legal.documents", "write").await?;
    let employee = employee_of(&scope, body.employee_id.as_ref())?;
    let membre = library::member_profile(&ctx.db, &scope.services().authz, scope.member()).await?;
    let w = scope.write(&ctx.db).await?;
    let d = library::generate(
        &w,
        &scope.actor().label,
        membre,
        &template,
        &body.values,
        employee,
    )
    .await?;
    w.commit().await?;
    Ok(created(GeneratedBody {
        id: d.id,
        template_version: d.template_version,
    }))
}

/// A document of the history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LegalDocument)]
pub struct DocumentBody {
    pub id: Uuid,
    pub template: String,
    pub template_version: i32,
    pub title: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The values as the document shows them (a yes/no as `oui` / `non`).
    pub values: BTreeMap<String, String>,
}

/// `GET /api/m/{slug}/legal/documents`: the history, the latest first.
#[utoipa::path(get, operation_id = "legal_documents", path = "/api/m/{slug}/legal/documents", tag = "legal", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG)), responses((status = 200, description = "Les documents de l’adhérent", body = Vec<DocumentBody>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn documents(
    State(ctx): State<AppContext>,
    access: MemberAccess,
) -> ApiResult<Json<Vec<DocumentBody>>> {
    let scope = access.authorize("legal.documents", "read").await?;
    let all = library::documents(&ctx.db, scope.tenant()).await?;
    Ok(Json(
        all.into_iter()
            .map(|d| {
                let input: crate::source::Context =
                    serde_json::from_str(&d.input).unwrap_or_default();
                let values = input
                    .values
                    .into_iter()
                    .map(|(k, v)| {
                        let shown = match v {
                            crate::source::Shown::Text(t) => t,
                            crate::source::Shown::Flag(b) => {
                                if b { "oui" } else { "non" }.to_string()
                            }
                        };
                        (k, shown)
                    })
                    .collect();
                DocumentBody {
                    id: d.id,
                    template: d.template_slug,
                    template_version: d.template_version,
                    title: d.title,
                    created_by: d.created_by,
                    created_at: d.created_at,
                    values,
                }
            })
            .collect(),
    ))
}

/// `GET /api/m/{slug}/legal/documents/{id}.pdf` / `{id}.docx`: made again, identical.
#[utoipa::path(get, operation_id = "legal_document_file", path = "/api/m/{slug}/legal/documents/{id}", tag = "legal", security(("bearer" = [])), params(("slug" = String, Path, description = SLUG), ("id" = String, Path, description = "Document suivi de .pdf ou .docx")), responses((status = 200, description = "Le fichier", content(("application/pdf"), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Accès refusé ou module non souscrit", body = ErrorBody), (status = 404, description = "Introuvable", body = ErrorBody)))]
async fn document_file(
    State(ctx): State<AppContext>,
    Path((_slug, file)): Path<(String, String)>,
    access: MemberAccess,
) -> ApiResult<Response> {
    let scope = access.authorize("legal.documents", "read").await?;
    let (id, pdf) = parse_file(&file).ok_or(AppError::NotFound)?;
    let (ty, name, bytes) = library::file(&ctx.db, scope.tenant(), scope.member(), id, pdf).await?;
    Ok(download(ty, &name, bytes))
}

/// The employee a document is for: an HR employee's id, only when the member
/// subscribes to HR.
///
/// # Errors
/// 422 on `employee_id`.
pub fn employee_of(
    scope: &mutualis_core::scope::Scope,
    raw: Option<&Value>,
) -> Result<Option<Uuid>, AppError> {
    let text = match raw {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(other) => other.to_string(),
    };
    if !scope.access().active_modules().iter().any(|m| m == "hr") {
        return Err(AppError::field(
            "employee_id",
            "L’adhérent n’est pas abonné aux RH : indiquez le salarié dans les champs du modèle.",
        ));
    }
    text.parse().map(Some).map_err(|_| {
        AppError::field(
            "employee_id",
            "Ce salarié n’est pas un salarié de l’adhérent.",
        )
    })
}

/// `{uuid}.pdf` / `{uuid}.docx`.
#[must_use]
pub fn parse_file(file: &str) -> Option<(Uuid, bool)> {
    let (id, ext) = file.rsplit_once('.')?;
    let pdf = match ext {
        "pdf" => true,
        "docx" => false,
        _ => return None,
    };
    Some((id.parse().ok()?, pdf))
}
