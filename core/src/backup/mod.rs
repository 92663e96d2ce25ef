//! Backup and restore of the whole database, as one dated file.
//!
//! A backup file (`backups/mutualis-2026-12-07T183000Z.mbk`) is a zip holding
//! `manifest.json` ([`Manifest`]: format and app versions, engine, creation instant,
//! rows per table of the live catalog, the audit chain's last row, the payload's
//! SHA-256) and the payload: on SQLite a consistent copy made while the app runs
//! (`VACUUM INTO`: sqlx has no binding of SQLite's C backup API and the workspace
//! forbids `unsafe`), on PostgreSQL a `pg_dump -Fc` archive. The manifest is counted on
//! the very snapshot the payload holds (the copy itself on SQLite; on PostgreSQL the
//! snapshot `pg_dump` is given, exported by the transaction that counts).
//!
//! A restore refuses, with a French message naming what differs, a file whose payload
//! does not have the manifest's SHA-256, whose manifest is incomplete or of another
//! engine, or whose payload does not hold what the manifest counts (checked before the
//! target is touched); a target holding data unless forced. After the restore the
//! target is counted again, its audit head compared, its audit chain verified.
mod archive;
pub mod manifest;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::Utc;
pub use manifest::{AuditHead, Content, Engine, Manifest};
use sea_orm::{ConnectionTrait, DbErr};

use crate::{
    audit::{self, ChainReport},
    db::stmt,
};

/// Why a backup or a restore did not happen, in French.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The file, or the target, is refused: the message names what differs.
    #[error("{0}")]
    Refused(String),
    /// Something failed (a file, a tool, the database).
    #[error("{0}")]
    Failed(String),
}

impl From<DbErr> for BackupError {
    fn from(e: DbErr) -> Self {
        Self::Failed(format!("erreur de la base de données : {e}"))
    }
}

impl From<crate::AppError> for BackupError {
    fn from(e: crate::AppError) -> Self {
        Self::Failed(format!("erreur : {e}"))
    }
}

/// A backup made.
#[derive(Debug, Clone)]
pub struct Created {
    pub path: PathBuf,
    pub manifest: Manifest,
}

/// A restore done.
#[derive(Debug, Clone)]
pub struct Restored {
    pub manifest: Manifest,
    /// Audit rows verified on the restored database.
    pub audit_rows: u64,
}

/// What to do with a target database that holds data.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions {
    /// Replace it (`force=yes`); otherwise such a target is refused.
    pub force: bool,
}

/// The file name of a backup made at `at`: `mutualis-2026-12-07T183000Z.mbk`.
#[must_use]
pub fn file_name(at: chrono::DateTime<Utc>) -> String {
    format!("mutualis-{}.mbk", at.format("%Y-%m-%dT%H%M%SZ"))
}

/// Backs up the database `db` (connected to `uri`) into a new dated file in `dir`
/// (created if missing), while the app may keep running.
///
/// # Errors
/// Refused: an engine other than SQLite or PostgreSQL, an in-memory database. Failed:
/// the copy, `pg_dump`, or the file could not be made.
pub async fn create(
    db: &sea_orm::DatabaseConnection,
    uri: &str,
    dir: &Path,
    app_version: &str,
) -> Result<Created, BackupError> {
    let engine = Engine::of_uri(uri).ok_or_else(|| {
        BackupError::Refused("moteur de base de données non pris en charge".to_string())
    })?;
    std::fs::create_dir_all(dir)
        .map_err(|e| BackupError::Failed(format!("dossier « {} » : {e}", dir.display())))?;
    let created_at = Utc::now();
    let path = dir.join(file_name(created_at));
    let scratch = dir.join(format!(".{}.part", file_name(created_at)));
    let content = match engine {
        Engine::Sqlite => sqlite::copy(db, &scratch).await,
        Engine::Postgres => postgres::dump(db, uri, &scratch).await,
    };
    let result: Result<Manifest, BackupError> = async {
        let content = content?;
        let payload_path = scratch.clone();
        let (sha256, bytes) = blocking(move || archive::sha256_file(&payload_path)).await?;
        let manifest = Manifest {
            format_version: manifest::FORMAT_VERSION,
            app_version: app_version.to_string(),
            engine,
            created_at,
            tables: content.tables,
            audit_head: content.audit_head,
            payload: manifest::Payload {
                name: engine.payload_name().to_string(),
                bytes,
                sha256,
            },
        };
        let (to, m, from) = (path.clone(), manifest.clone(), scratch.clone());
        blocking(move || archive::write(&to, &m, &from)).await?;
        Ok(manifest)
    }
    .await;
    let _ = std::fs::remove_file(&scratch);
    let manifest = result?;
    Ok(Created { path, manifest })
}

/// Restores the backup `file` into the database `target` names. On SQLite the caller
/// has closed its own connections to that file (the file is replaced).
///
/// # Errors
/// Refused (nothing changed, the message names what differs): the file is not a
/// backup, its manifest is incomplete or of another engine, the payload's SHA-256 or
/// its content does not match the manifest, the target holds data and `force` is not
/// set. After the restore: the target's rows, audit head or audit chain do not match.
/// Failed: a file, `pg_restore` or the database.
pub async fn restore(
    target: &loco_rs::config::Database,
    file: &Path,
    opts: RestoreOptions,
) -> Result<Restored, BackupError> {
    let engine = Engine::of_uri(&target.uri).ok_or_else(|| {
        BackupError::Refused("moteur de base de données cible non pris en charge".to_string())
    })?;
    let f = file.to_path_buf();
    let manifest = blocking(move || archive::read_manifest(&f)).await?;
    let problems = manifest::incomplete(&manifest);
    if !problems.is_empty() {
        return Err(BackupError::Refused(format!(
            "manifeste de « {} » incomplet : {}",
            file.display(),
            problems.join(" ; ")
        )));
    }
    if manifest.engine != engine {
        return Err(BackupError::Refused(format!(
            "la sauvegarde vient d’une base {}, la base configurée est {}",
            manifest.engine.label(),
            engine.label()
        )));
    }
    match engine {
        Engine::Sqlite => sqlite::restore(target, file, &manifest, opts).await?,
        Engine::Postgres => postgres::restore(target, file, &manifest, opts).await?,
    }
    let db = crate::db::connect(target).await?;
    let checked = check_restored(&db, &manifest).await;
    db.close().await.ok();
    let audit_rows = checked?;
    Ok(Restored {
        manifest,
        audit_rows,
    })
}

/// The restored database against its manifest: rows, audit head, audit chain.
async fn check_restored(
    db: &sea_orm::DatabaseConnection,
    manifest: &Manifest,
) -> Result<u64, BackupError> {
    let found = content(db).await?;
    let diff = manifest::differences(&manifest.content(), &found);
    if !diff.is_empty() {
        return Err(BackupError::Refused(format!(
            "la base restaurée ne correspond pas au manifeste : {}",
            diff.join(" ; ")
        )));
    }
    match audit::verify(db).await? {
        ChainReport::Intact { rows } => Ok(rows),
        ChainReport::Broken { seq, reason } => Err(BackupError::Refused(format!(
            "la base restaurée a un journal d’audit rompu à la ligne {seq} : {reason}"
        ))),
    }
}

/// Extracts the payload next to `near`, checking its SHA-256 against the manifest.
async fn extract_checked(file: &Path, manifest: &Manifest, to: &Path) -> Result<(), BackupError> {
    let (f, name, t) = (
        file.to_path_buf(),
        manifest.payload.name.clone(),
        to.to_path_buf(),
    );
    let (sha256, bytes) = blocking(move || archive::extract_payload(&f, &name, &t)).await?;
    if sha256 != manifest.payload.sha256 || bytes != manifest.payload.bytes {
        let _ = std::fs::remove_file(to);
        return Err(BackupError::Refused(format!(
            "le contenu de « {} » a été modifié : SHA-256 {sha256} ({bytes} octets), le manifeste annonce {} ({} octets)",
            file.display(),
            manifest.payload.sha256,
            manifest.payload.bytes
        )));
    }
    Ok(())
}

/// Refuses a target holding data (accounts, members or audit rows) unless forced.
async fn check_target(db: &impl ConnectionTrait, opts: RestoreOptions) -> Result<(), BackupError> {
    if opts.force {
        return Ok(());
    }
    let tables = table_names(db).await?;
    let mut held = Vec::new();
    for (table, what) in [
        ("users", "comptes"),
        ("members", "adhérents"),
        ("audit_log", "lignes du journal d’audit"),
    ] {
        if tables.iter().any(|t| t == table) {
            let n = count(db, table).await?;
            if n > 0 {
                held.push(format!("{n} {what}"));
            }
        }
    }
    if held.is_empty() {
        Ok(())
    } else {
        Err(BackupError::Refused(format!(
            "la base cible contient déjà des données ({}) : relancez avec force=yes pour la remplacer",
            held.join(", ")
        )))
    }
}

/// The tables of the live catalog (SQLite's own excepted), by name.
async fn table_names(db: &impl ConnectionTrait) -> Result<Vec<String>, BackupError> {
    let sql = if crate::db::is_sqlite(db) {
        "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    } else {
        "SELECT tablename::text AS t FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    };
    let rows = db.query_all_raw(stmt(db, sql, vec![])).await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "t").map_err(BackupError::from))
        .collect()
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

async fn count(db: &impl ConnectionTrait, table: &str) -> Result<u64, BackupError> {
    let sql = format!("SELECT COUNT(*) AS n FROM {}", quote(table));
    let n: i64 = db
        .query_one_raw(stmt(db, &sql, vec![]))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Rows per table of the live catalog and the audit chain's last row.
async fn content(db: &impl ConnectionTrait) -> Result<Content, BackupError> {
    let mut tables = std::collections::BTreeMap::new();
    for t in table_names(db).await? {
        let n = count(db, &t).await?;
        tables.insert(t, n);
    }
    let head = db
        .query_one_raw(stmt(
            db,
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            vec![],
        ))
        .await?
        .map(|r| -> Result<AuditHead, DbErr> {
            Ok(AuditHead {
                seq: r.try_get::<i64>("", "seq")?,
                hash: r.try_get::<String>("", "hash")?,
            })
        })
        .transpose()?;
    Ok(Content {
        tables,
        audit_head: head,
    })
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> Result<T, BackupError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BackupError::Failed(format!("tâche interrompue : {e}")))?
}
