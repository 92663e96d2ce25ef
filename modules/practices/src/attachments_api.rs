//! A practice sheet's files through the API: its author uploads them (multipart `file`)
//! while the sheet is a draft or sent back; whoever reads the sheet lists and downloads
//! them. Thin handlers over `attachments`.
use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use loco_rs::{app::AppContext, controller::Routes};
use mutualis_core::{
    api::{Created, created},
    error::{AppError, AppResult, ErrorBody},
    scope::{Identity, services},
    web::error::ApiResult,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    attachments::{self, Info, MAX_BYTES},
    sheets::{self, Author},
};

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, upload, download, remove))]
struct AttachmentsApi;

/// The attachments' part of the module's API document.
#[must_use]
pub fn api_doc() -> utoipa::openapi::OpenApi {
    <AttachmentsApi as utoipa::OpenApi>::openapi()
}

/// What an upload's body may weigh: twice the file limit, so a file a little too big is
/// read and refused with its size.
pub const BODY_LIMIT: usize = 2 * MAX_BYTES;

/// The attachments' API routes.
#[must_use]
pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/practices")
        .add(
            "/sheets/{id}/attachments",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .add(
            "/sheets/{id}/attachments/{attachment_id}",
            get(download).delete(remove),
        )
}

/// Reads a multipart body: the text fields read before a failure (a page's `csrf`
/// comes first), and the `file` part (name, bytes) or why not.
///
/// Its error: 422 naming `file` (none sent, or a body over the limit), 400 (a broken
/// body).
pub async fn read_file(mut mp: Multipart) -> (Vec<(String, String)>, AppResult<(String, Vec<u8>)>) {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::field(
                "file",
                format!(
                    "Fichier trop volumineux : plus de {} Mo, au plus 10 Mo.",
                    BODY_LIMIT / 1024 / 1024
                ),
            )
        } else {
            AppError::BadRequest("Envoi interrompu ou mal formé : réessayez.".to_string())
        }
    };
    let mut file = None;
    let mut fields = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return (fields, Err(broken(e))),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(bytes) => file = Some((file_name, Vec::from(bytes))),
                Err(e) => return (fields, Err(broken(e))),
            }
        } else if fields.len() < 8 {
            match field.text().await {
                Ok(t) => fields.push((name, t)),
                Err(e) => return (fields, Err(broken(e))),
            }
        }
    }
    let file = match file {
        Some((name, bytes)) if !bytes.is_empty() => Ok((name, bytes)),
        _ => Err(AppError::field(
            "file",
            "Choisissez un fichier : PDF, tableur (xlsx, ods) ou image.",
        )),
    };
    (fields, file)
}

/// A file of a sheet.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PracticesAttachment)]
pub struct AttachmentBody {
    pub id: String,
    pub file_name: String,
    /// Found in the content: `application/pdf`, `image/png`…
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    pub uploaded_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// Where to download it.
    pub href: String,
}

impl From<Info> for AttachmentBody {
    fn from(i: Info) -> Self {
        Self {
            href: format!("/api/practices/sheets/{}/attachments/{}", i.sheet_id, i.id),
            id: i.id.to_string(),
            file_name: i.file_name,
            media_type: i.media_type,
            size: i.size,
            sha256: i.sha256,
            uploaded_by: i.uploaded_by_name,
            created_at: i.created_at.to_rfc3339(),
        }
    }
}

/// `GET /api/practices/sheets/{id}/attachments`
#[utoipa::path(get, operation_id = "practices_attachments", path = "/api/practices/sheets/{id}/attachments", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = "Identifiant de la fiche")), responses((status = 200, description = "Les fichiers de la fiche", body = Vec<AttachmentBody>), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody)))]
async fn list(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
) -> ApiResult<Json<Vec<AttachmentBody>>> {
    let reader = sheets::reader(&ctx.db, &*services(&ctx)?, id.user.id).await?;
    let files = attachments::list(&ctx.db, &reader, &sheet).await?;
    Ok(Json(files.into_iter().map(AttachmentBody::from).collect()))
}

/// `POST /api/practices/sheets/{id}/attachments` (multipart `file`): its author attaches
/// a file to a draft or a sheet sent back.
#[utoipa::path(post, operation_id = "practices_attach", path = "/api/practices/sheets/{id}/attachments", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = "Identifiant de la fiche")), request_body(content = String, content_type = "multipart/form-data", description = "Champ `file` : PDF, xlsx, ods, PNG, JPEG, GIF ou WebP, 10 Mo au plus ; le type est lu dans le contenu"), responses((status = 201, description = "Fichier joint", body = AttachmentBody), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’auteur", body = ErrorBody), (status = 404, description = "Fiche introuvable ou non visible", body = ErrorBody), (status = 409, description = "Fiche soumise, publiée ou archivée, ou trop de fichiers", body = ErrorBody), (status = 422, description = "Fichier absent, trop volumineux ou d’un type refusé", body = ErrorBody)))]
async fn upload(
    State(ctx): State<AppContext>,
    Path(sheet): Path<String>,
    id: Identity,
    mp: Multipart,
) -> ApiResult<Created<AttachmentBody>> {
    let svc = services(&ctx)?;
    let reader = sheets::reader(&ctx.db, &svc, id.user.id).await?;
    // The sheet first: a stranger learns nothing of the upload's rules.
    sheets::get(&ctx.db, &reader, &sheet).await?;
    let (name, bytes) = read_file(mp).await.1?;
    let author = Author {
        id: id.user.id,
        name: id.user.name.clone(),
        actor: id.actor(),
    };
    let info = attachments::attach(&ctx.db, &svc, &reader, &author, &sheet, &name, &bytes).await?;
    Ok(created(AttachmentBody::from(info)))
}

/// `GET /api/practices/sheets/{id}/attachments/{attachment_id}`: the file, as stored.
#[utoipa::path(get, operation_id = "practices_attachment", path = "/api/practices/sheets/{id}/attachments/{attachment_id}", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = "Identifiant de la fiche"), ("attachment_id" = String, Path, description = "Identifiant du fichier")), responses((status = 200, description = "Le fichier (Content-Disposition: attachment, X-Content-Type-Options: nosniff)", content(("application/pdf"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.oasis.opendocument.spreadsheet"), ("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"))), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 404, description = "Fiche ou fichier introuvable, ou non visible", body = ErrorBody)))]
async fn download(
    State(ctx): State<AppContext>,
    Path((sheet, file)): Path<(String, String)>,
    id: Identity,
) -> ApiResult<Response> {
    let reader = sheets::reader(&ctx.db, &*services(&ctx)?, id.user.id).await?;
    let file = attachments::get(&ctx.db, &reader, &sheet, &file).await?;
    Ok(attachments::response(file))
}

/// `DELETE /api/practices/sheets/{id}/attachments/{attachment_id}`: its author removes a
/// file from a draft or a sheet sent back.
#[utoipa::path(delete, operation_id = "practices_detach", path = "/api/practices/sheets/{id}/attachments/{attachment_id}", tag = "practices", security(("bearer" = [])), params(("id" = String, Path, description = "Identifiant de la fiche"), ("attachment_id" = String, Path, description = "Identifiant du fichier")), responses((status = 204, description = "Fichier retiré"), (status = 401, description = "Authentification requise", body = ErrorBody), (status = 403, description = "Réservé à l’auteur", body = ErrorBody), (status = 404, description = "Fiche ou fichier introuvable, ou non visible", body = ErrorBody), (status = 409, description = "Fiche soumise, publiée ou archivée", body = ErrorBody)))]
async fn remove(
    State(ctx): State<AppContext>,
    Path((sheet, file)): Path<(String, String)>,
    id: Identity,
) -> ApiResult<StatusCode> {
    let svc = services(&ctx)?;
    let reader = sheets::reader(&ctx.db, &svc, id.user.id).await?;
    let author = Author {
        id: id.user.id,
        name: id.user.name.clone(),
        actor: id.actor(),
    };
    attachments::remove(&ctx.db, &svc, &reader, &author, &sheet, &file).await?;
    Ok(StatusCode::NO_CONTENT)
}
