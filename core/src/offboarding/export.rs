//! The member's export on departure: one zip of every row it owns (JSON per table),
//! its people, and every file the modules generate for it.
use std::io::{Cursor, Write as _};

use chrono::Utc;
use loco_rs::app::AppContext;
use sea_orm::{ConnectionTrait, DbBackend};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use super::{catalog, people};
use crate::{
    audit::{self, Actor},
    db::stmt,
    entities::members,
    error::{AppError, AppResult},
    module,
    offboarding::retention::ident,
    tenant::Tenant,
};

/// One table of the export.
#[derive(Debug, Clone, Serialize)]
pub struct TableEntry {
    pub table: String,
    pub file: String,
    pub rows: usize,
}

/// One generated file of the export.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    pub module: String,
    pub path: String,
    pub bytes: usize,
    pub sha256: String,
}

/// `manifest.json`: what the zip holds.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub format: u32,
    pub member: Value,
    pub generated_at: String,
    pub tables: Vec<TableEntry>,
    pub files: Vec<FileEntry>,
}

/// A finished export.
#[derive(Debug)]
pub struct Export {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub manifest: Manifest,
}

const README: &str = include_str!("README.fr.md");

/// Every row of `table` whose `member_id` is the member's, as JSON objects with typed
/// values (numbers, text, booleans — 0/1 on SQLite —, dates and times as ISO text,
/// UUIDs as text; bytes as their length).
///
/// # Errors
/// Database errors; a table or column name that cannot be quoted.
pub async fn table_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    member_id: i64,
) -> AppResult<Vec<Value>> {
    let cols = catalog::columns(db, table).await?;
    let bad = || AppError::Unexpected(anyhow::anyhow!("unquotable name in table {table}"));
    let t = ident(table).ok_or_else(bad)?;
    let order = if cols.iter().any(|c| c.name == "id") {
        " ORDER BY x.\"id\""
    } else if cols.iter().any(|c| c.name == "seq") {
        " ORDER BY x.\"seq\""
    } else {
        ""
    };
    let select = if db.get_database_backend() == DbBackend::Postgres {
        let mut e = "to_jsonb(x)".to_string();
        for c in cols.iter().filter(|c| c.binary) {
            let q = ident(&c.name).ok_or_else(bad)?;
            e.push_str(&format!(
                " || jsonb_build_object('{}', octet_length(x.{q}))",
                c.name
            ));
        }
        format!("({e})::text")
    } else {
        let mut parts = Vec::with_capacity(cols.len());
        for c in &cols {
            let q = format!("x.{}", ident(&c.name).ok_or_else(bad)?);
            let h = format!("hex({q})");
            parts.push(format!(
                "'{}', CASE WHEN typeof({q}) = 'blob' AND length({q}) = 16 THEN \
                 lower(substr({h},1,8)||'-'||substr({h},9,4)||'-'||substr({h},13,4)||'-'||substr({h},17,4)||'-'||substr({h},21,12)) \
                 WHEN typeof({q}) = 'blob' THEN length({q}) ELSE {q} END",
                c.name
            ));
        }
        format!("json_object({})", parts.join(", "))
    };
    let sql = format!("SELECT {select} AS j FROM {t} x WHERE x.\"member_id\" = ?{order}");
    let rows = db
        .query_all_raw(stmt(db, &sql, vec![member_id.into()]))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let text: String = r.try_get("", "j")?;
        out.push(serde_json::from_str(&text).map_err(|e| AppError::Unexpected(e.into()))?);
    }
    Ok(out)
}

fn to_json<T: Serialize>(v: &T) -> AppResult<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| AppError::Unexpected(e.into()))
}

fn zip_err(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("zip: {e}"))
}

/// Builds the zip of one member (no audit row: see [`export`]).
///
/// # Errors
/// Database errors, a module's generator failing.
pub async fn build(ctx: &AppContext, member: &members::Model) -> AppResult<Export> {
    let db = &ctx.db;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let put = |zip: &mut ZipWriter<Cursor<Vec<u8>>>, path: &str, bytes: &[u8]| {
        zip.start_file(path, opts).map_err(zip_err)?;
        zip.write_all(bytes).map_err(zip_err)
    };
    let mut tables = Vec::new();
    // The member's own row, then its people.
    put(&mut zip, "tables/members.json", &to_json(&[member])?)?;
    tables.push(TableEntry {
        table: "members".into(),
        file: "tables/members.json".into(),
        rows: 1,
    });
    let people = people::of_member(ctx, member.id).await?;
    let users: Vec<Value> = people.users.iter().map(people::public_fields).collect();
    put(&mut zip, "tables/users.json", &to_json(&users)?)?;
    tables.push(TableEntry {
        table: "users".into(),
        file: "tables/users.json".into(),
        rows: users.len(),
    });
    let grants: Vec<Value> = people
        .grants
        .iter()
        .map(|g| json!({"user_id": g.user_id, "role": g.role.as_str(), "role_label": g.role.label()}))
        .collect();
    put(&mut zip, "tables/grants.json", &to_json(&grants)?)?;
    tables.push(TableEntry {
        table: "grants".into(),
        file: "tables/grants.json".into(),
        rows: grants.len(),
    });
    for table in catalog::member_tables(db).await? {
        let rows = table_rows(db, &table, member.id).await?;
        let file = format!("tables/{table}.json");
        put(&mut zip, &file, &to_json(&rows)?)?;
        tables.push(TableEntry {
            table,
            file,
            rows: rows.len(),
        });
    }
    let tenant = Tenant::for_task(member.id, "member export");
    let mut files = Vec::new();
    for m in module::all() {
        let Some(hook) = m.exports else { continue };
        for f in hook(ctx, tenant).await? {
            let path = format!("files/{}/{}", m.code, f.path);
            put(&mut zip, &path, &f.bytes)?;
            files.push(FileEntry {
                module: m.code.to_string(),
                path,
                bytes: f.bytes.len(),
                sha256: hex::encode(Sha256::digest(&f.bytes)),
            });
        }
    }
    let now = Utc::now();
    let manifest = Manifest {
        format: 1,
        member: json!({"id": member.id, "slug": member.slug, "name": member.name, "siren": member.siren}),
        generated_at: now.to_rfc3339(),
        tables,
        files,
    };
    put(&mut zip, "manifest.json", &to_json(&manifest)?)?;
    put(&mut zip, "README.md", README.as_bytes())?;
    let bytes = zip.finish().map_err(zip_err)?.into_inner();
    Ok(Export {
        file_name: format!("export-{}-{}.zip", member.slug, now.format("%Y-%m-%d")),
        bytes,
        manifest,
    })
}

/// Builds the member's export and records it in the audit log.
///
/// # Errors
/// Database errors, a module's generator failing.
pub async fn export(ctx: &AppContext, actor: &Actor, member: &members::Model) -> AppResult<Export> {
    let out = build(ctx, member).await?;
    let rows: usize = out.manifest.tables.iter().map(|t| t.rows).sum();
    audit::record(
        &ctx.db,
        actor,
        Some(member.id),
        "member",
        &member.id.to_string(),
        "export",
        json!({
            "slug": member.slug,
            "tables": out.manifest.tables.len(),
            "rows": rows,
            "files": out.manifest.files.len(),
        }),
    )
    .await?;
    Ok(out)
}
