//! Files attached to a practice sheet: PDF, spreadsheets (xlsx, ods) and images (PNG,
//! JPEG, GIF, WebP), 10 Mo at most. The type is found in the content (its magic bytes;
//! for xlsx and ods, the zip's `[Content_Types].xml` or `mimetype` entry), never in the
//! name: a `.pdf` that is an executable is refused. Its author attaches files to a draft
//! or a sheet sent back; whoever reads the sheet downloads them.
use std::io::{Cursor, Read};

use chrono::Utc;
use mutualis_core::{
    error::{AppError, AppResult},
    scope::Services,
    tenant::{MemberOwned, OwnedRow},
    write::Write,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    entities::practices_attachments as attachments,
    search::Reader,
    sheets::{self, Author},
};

/// The largest file: 10 Mio.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The most files a sheet carries.
pub const MAX_PER_SHEET: usize = 20;

/// A kind of file the exchange accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Xlsx,
    Ods,
}

impl Kind {
    /// Its media type, as served.
    #[must_use]
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// Its usual extension.
    #[must_use]
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Xlsx => "xlsx",
            Self::Ods => "ods",
        }
    }

    /// In French, for the list of files.
    #[must_use]
    pub fn label(media_type: &str) -> &'static str {
        match media_type {
            "application/pdf" => "PDF",
            "image/png" | "image/jpeg" | "image/gif" | "image/webp" => "Image",
            _ => "Tableur",
        }
    }
}

const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
const XLSX_MAIN: &[u8] =
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";

/// Reads at most `limit` bytes of the zip entry `name` (none when absent or unreadable).
fn zip_entry(bytes: &[u8], name: &str, limit: u64) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let entry = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    entry.take(limit).read_to_end(&mut out).ok()?;
    Some(out)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The kind of a file, from its content only; `None` for anything else (an executable,
/// a Word file, a zip that is not a spreadsheet, a macro-enabled workbook…).
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        return Some(Kind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(Kind::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some(Kind::Webp);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if zip_entry(bytes, "mimetype", 128).is_some_and(|m| m.trim_ascii() == ODS_MIMETYPE) {
            return Some(Kind::Ods);
        }
        // The part's content type, in a bounded read (a bomb decompresses no further).
        if zip_entry(bytes, "[Content_Types].xml", 256 * 1024)
            .is_some_and(|t| contains(&t, XLSX_MAIN))
        {
            return Some(Kind::Xlsx);
        }
    }
    None
}

/// « 12,4 Mo » (Mio, one decimal), « 830 Ko », « 12 octets ».
#[must_use]
pub fn size_label(bytes: usize) -> String {
    let tenths = |unit: usize| {
        let t = (bytes * 10 + unit / 2) / unit;
        format!("{},{}", t / 10, t % 10)
    };
    if bytes >= 1024 * 1024 {
        format!("{} Mo", tenths(1024 * 1024))
    } else if bytes >= 1024 {
        format!("{} Ko", bytes.div_ceil(1024))
    } else {
        format!("{bytes} octet{}", if bytes > 1 { "s" } else { "" })
    }
}

/// A file name as it is kept: its last path segment, without control or invisible
/// signs, 200 characters at most (the extension kept); `fichier.{ext}` when nothing is
/// left.
#[must_use]
pub fn clean_name(raw: &str, kind: Kind) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && !mutualis_core::limits::is_invisible(*c) && *c != '"')
        .collect();
    let mut stem = kept.trim().trim_start_matches('.').trim().to_string();
    if stem.is_empty() {
        stem = "fichier".to_string();
    }
    // The extension says what the content is (a `.exe` that is a PDF ends in `.pdf`).
    let ext = kind.extension();
    let endings = [format!(".{ext}"), ".jpeg".to_string()];
    let ending = endings
        .iter()
        .filter(|e| kind == Kind::Jpeg || e.as_str() != ".jpeg")
        .find_map(|e| {
            let cut = stem.len().checked_sub(e.len())?;
            stem.get(cut..)
                .is_some_and(|s| s.eq_ignore_ascii_case(e))
                .then_some(cut)
        });
    if let Some(cut) = ending {
        stem.truncate(cut);
    }
    let stem: String = stem.chars().take(200 - ext.len() - 1).collect();
    let stem = stem.trim_end();
    let stem = if stem.is_empty() { "fichier" } else { stem };
    format!("{stem}.{ext}")
}

/// Checks a file: not empty, 10 Mo at most, a kind accepted by its content.
///
/// # Errors
/// 422 naming `file`, in French.
pub fn check(bytes: &[u8]) -> AppResult<Kind> {
    if bytes.is_empty() {
        return Err(AppError::field("file", "Choisissez un fichier."));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::field(
            "file",
            format!(
                "Fichier trop volumineux : {}, au plus 10 Mo.",
                size_label(bytes.len())
            ),
        ));
    }
    sniff(bytes).ok_or_else(|| {
        AppError::field(
            "file",
            "Le contenu du fichier n’est pas un PDF, un tableur (xlsx, ods) ou une image.",
        )
    })
}

/// An attachment without its bytes, for lists.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Info {
    pub id: Uuid,
    pub sheet_id: Uuid,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by_name: String,
    pub created_at: chrono::DateTime<Utc>,
}

/// The files of a sheet its reader may see, oldest first (bytes not read).
///
/// # Errors
/// 404 (sheet not visible); database errors.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    reader: &Reader,
    sheet: &str,
) -> AppResult<Vec<Info>> {
    let sheet = sheets::get(db, reader, sheet).await?;
    list_of(db, &sheet.row).await
}

/// The files of a sheet already read.
///
/// # Errors
/// Database errors.
pub async fn list_of<C: ConnectionTrait>(
    db: &C,
    sheet: &crate::entities::practices_sheets::Model,
) -> AppResult<Vec<Info>> {
    use attachments::Column as A;
    Ok(attachments::Entity::find_in(sheet.tenant())
        .filter(A::SheetId.eq(sheet.id))
        .select_only()
        .columns([
            A::Id,
            A::SheetId,
            A::FileName,
            A::MediaType,
            A::Size,
            A::Sha256,
            A::UploadedByName,
            A::CreatedAt,
        ])
        .order_by_asc(A::CreatedAt)
        .into_model::<Info>()
        .all(db)
        .await?)
}

/// A file of a sheet its reader may see, with its bytes.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    reader: &Reader,
    sheet: &str,
    id: &str,
) -> AppResult<attachments::Model> {
    let sheet = sheets::get(db, reader, sheet).await?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    attachments::Entity::find_in(sheet.row.tenant())
        .filter(attachments::Column::SheetId.eq(sheet.row.id))
        .filter(attachments::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The sheet, when `author` may change its files: its author, while a draft or sent back.
async fn editable<C: ConnectionTrait>(
    db: &C,
    reader: &Reader,
    author: &Author,
    sheet: &str,
) -> AppResult<crate::entities::practices_sheets::Model> {
    let sheet = sheets::get(db, reader, sheet).await?.row;
    if sheet.author_id != author.id {
        return Err(AppError::Forbidden(
            "Seul l’auteur change les fichiers de sa fiche.".to_string(),
        ));
    }
    if !sheets::open_for_changes(&sheet.status) {
        return Err(AppError::Conflict(format!(
            "Les fichiers d’une fiche « {} » ne changent plus.",
            sheets::label(&sheet.status)
        )));
    }
    Ok(sheet)
}

/// Its author removes a file from a draft or a sheet sent back; its name is returned.
///
/// # Errors
/// 404 (sheet or file not visible), 403 (not its author), 409 (not a draft nor sent
/// back); database errors.
pub async fn remove<C>(
    db: &C,
    svc: &Services,
    reader: &Reader,
    author: &Author,
    sheet: &str,
    id: &str,
) -> AppResult<String>
where
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let sheet = editable(db, reader, author, sheet).await?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let file = list_of(db, &sheet)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)?;
    let w = Write::begin(db, sheet.tenant(), author.actor.clone(), &svc.meters).await?;
    attachments::Entity::delete_in(w.tenant())
        .filter(attachments::Column::SheetId.eq(sheet.id))
        .filter(attachments::Column::Id.eq(id))
        .exec(w.txn())
        .await?;
    w.audit(
        "practices_sheet",
        &sheet.id.to_string(),
        "detach",
        serde_json::json!({"file": file.file_name, "sha256": file.sha256}),
    )
    .await?;
    w.commit().await?;
    Ok(file.file_name)
}

/// Its author attaches a file to a draft or a sheet sent back.
///
/// # Errors
/// 404 (not visible), 403 (not its author), 409 (not a draft nor sent back, or too many
/// files), 422 (the file: empty, too big, a kind refused); database errors.
pub async fn attach<C>(
    db: &C,
    svc: &Services,
    reader: &Reader,
    author: &Author,
    sheet: &str,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<Info>
where
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    let sheet = editable(db, reader, author, sheet).await?;
    let kind = check(bytes)?;
    if list_of(db, &sheet).await?.len() >= MAX_PER_SHEET {
        return Err(AppError::Conflict(format!(
            "Une fiche porte {MAX_PER_SHEET} fichiers au plus."
        )));
    }
    let name = clean_name(file_name, kind);
    let sha256: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let w = Write::begin(db, sheet.tenant(), author.actor.clone(), &svc.meters).await?;
    let row = attachments::Entity::insert_in(
        w.tenant(),
        attachments::ActiveModel {
            member_id: Set(0),
            id: Set(Uuid::now_v7()),
            sheet_id: Set(sheet.id),
            file_name: Set(name),
            media_type: Set(kind.media_type().to_string()),
            size: Set(size),
            bytes: Set(bytes.to_vec()),
            sha256: Set(sha256),
            uploaded_by: Set(author.id),
            uploaded_by_name: Set(author.name.clone()),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "practices_sheet",
        &sheet.id.to_string(),
        "attach",
        serde_json::json!({"file": row.file_name, "media_type": row.media_type, "size": row.size, "sha256": row.sha256}),
    )
    .await?;
    w.commit().await?;
    Ok(Info {
        id: row.id,
        sheet_id: row.sheet_id,
        file_name: row.file_name,
        media_type: row.media_type,
        size: row.size,
        sha256: row.sha256,
        uploaded_by_name: row.uploaded_by_name,
        created_at: row.created_at,
    })
}

/// `Content-Disposition: attachment` with an ASCII name and the UTF-8 one (RFC 6266).
#[must_use]
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The file as a download: its stored type, `attachment`, `nosniff`.
#[must_use]
pub fn response(file: attachments::Model) -> axum::response::Response {
    use axum::{http::header, response::IntoResponse};
    (
        [
            (header::CONTENT_TYPE, file.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition(&file.file_name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        file.bytes,
    )
        .into_response()
}

/// Every file attached to the member's sheets, with its bytes, for its export on
/// departure (`ModuleDef::exports`): `pieces-jointes/<sheet>/<id>-<name>`.
pub fn exports(
    ctx: &loco_rs::app::AppContext,
    tenant: mutualis_core::tenant::Tenant,
) -> mutualis_core::module::BoxFut<'_, AppResult<Vec<mutualis_core::module::ExportFile>>> {
    Box::pin(async move {
        let rows = attachments::Entity::find_in(tenant)
            .order_by_asc(attachments::Column::CreatedAt)
            .all(&ctx.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|a| mutualis_core::module::ExportFile {
                path: format!("pieces-jointes/{}/{}-{}", a.sheet_id, a.id, a.file_name),
                bytes: a.bytes,
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use proptest::prelude::*;

    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, content) in entries {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(content).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn the_kind_is_read_in_the_content() {
        assert_eq!(sniff(b"%PDF-1.7\n%..."), Some(Kind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Kind::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(Kind::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\0"), Some(Kind::Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(Kind::Webp));
        let ods = zip_of(&[("mimetype", ODS_MIMETYPE), ("content.xml", b"<x/>")]);
        assert_eq!(sniff(&ods), Some(Kind::Ods));
        let types = br#"<?xml version="1.0"?><Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
        let xlsx = zip_of(&[("[Content_Types].xml", types)]);
        assert_eq!(sniff(&xlsx), Some(Kind::Xlsx));
        // Refused: an executable, a script, a Word file, a macro-enabled workbook, a
        // plain zip, HTML, a truncated zip.
        let docx = zip_of(&[(
            "[Content_Types].xml",
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        )]);
        let xlsm = zip_of(&[(
            "[Content_Types].xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )]);
        let plain = zip_of(&[("a.txt", b"hello")]);
        for bad in [
            b"MZ\x90\0\x03\0\0\0".to_vec(),
            b"\x7fELF\x02\x01".to_vec(),
            b"#!/bin/sh\nrm -rf /".to_vec(),
            b"<html><script>alert(1)</script>".to_vec(),
            docx,
            xlsm,
            plain,
            xlsx[..xlsx.len() / 2].to_vec(),
            b"RIFF\0\0\0\0WAVE".to_vec(),
        ] {
            assert_eq!(sniff(&bad), None, "{:?}", &bad[..bad.len().min(8)]);
        }
    }

    #[test]
    fn a_file_is_refused_in_french_naming_the_field() {
        let e = |r: AppResult<Kind>| match r {
            Err(AppError::Validation(e)) => (e[0].field.clone(), e[0].message.clone()),
            other => panic!("{other:?}"),
        };
        let big = {
            let mut v = b"%PDF-1.4\n".to_vec();
            v.resize(13_002_342, b' ');
            v
        };
        assert_eq!(
            e(check(&big)),
            (
                "file".into(),
                "Fichier trop volumineux : 12,4 Mo, au plus 10 Mo.".into()
            )
        );
        assert_eq!(
            e(check(b"MZ\x90\0")).1,
            "Le contenu du fichier n’est pas un PDF, un tableur (xlsx, ods) ou une image."
        );
        assert_eq!(e(check(b"")).0, "file");
        let mut exact = b"%PDF-".to_vec();
        exact.resize(MAX_BYTES, b' ');
        assert_eq!(check(&exact).unwrap(), Kind::Pdf);
    }

    #[test]
    fn names_and_headers_are_safe() {
        assert_eq!(
            clean_name("C:\\Users\\x\\Rapport été.pdf", Kind::Pdf),
            "Rapport été.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd", Kind::Pdf), "passwd.pdf");
        assert_eq!(clean_name("\u{202e}fdp.exe", Kind::Pdf), "fdp.exe.pdf");
        assert_eq!(clean_name("Photo.JPEG", Kind::Jpeg), "Photo.jpg");
        assert_eq!(clean_name("Budget.XLSX", Kind::Xlsx), "Budget.xlsx");
        assert_eq!(clean_name("  ", Kind::Ods), "fichier.ods");
        assert_eq!(
            clean_name(&format!("{}.pdf", "a".repeat(400)), Kind::Pdf)
                .chars()
                .count(),
            200
        );
        assert_eq!(
            disposition("Procédure \"x\".pdf"),
            "attachment; filename=\"Proc_dure _x_.pdf\"; filename*=UTF-8''Proc%C3%A9dure%20%22x%22.pdf"
        );
        assert_eq!(size_label(12), "12 octets");
        assert_eq!(size_label(2048), "2 Ko");
        assert_eq!(size_label(MAX_BYTES), "10,0 Mo");
    }

    proptest! {
        #[test]
        fn sniffing_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = sniff(&bytes);
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend_from_slice(&bytes);
            let _ = sniff(&zipped);
        }

        #[test]
        fn names_never_panic(name in "\\PC{0,300}") {
            let n = clean_name(&name, Kind::Pdf);
            prop_assert!(!n.is_empty() && n.chars().count() <= 200);
            let d = disposition(&n);
            prop_assert!(d.is_ascii());
        }
    }
}
