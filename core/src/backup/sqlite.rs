//! SQLite: the copy is `VACUUM INTO` (online and consistent: one read transaction,
//! writers keep writing to the WAL meanwhile); the restore replaces the file.
use std::path::{Path, PathBuf};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use super::{BackupError, Content, Manifest, RestoreOptions, check_target, content, manifest};

/// The database file a `sqlite:` URI names.
///
/// # Errors
/// Refused: an in-memory database.
pub fn file_of(uri: &str) -> Result<PathBuf, BackupError> {
    let rest = uri
        .strip_prefix("sqlite://")
        .or_else(|| uri.strip_prefix("sqlite:"))
        .unwrap_or(uri);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.contains("mode=memory") {
        return Err(BackupError::Refused(
            "une base SQLite en mémoire ne se sauvegarde ni ne se restaure".to_string(),
        ));
    }
    Ok(PathBuf::from(path))
}

/// One connection to the file at `path`, without the app's pragmas.
async fn open(path: &Path) -> Result<DatabaseConnection, BackupError> {
    let path = std::path::absolute(path)
        .map_err(|e| BackupError::Failed(format!("chemin « {} » : {e}", path.display())))?;
    let mut opt = ConnectOptions::new(format!("sqlite://{}?mode=rw", path.display()));
    opt.max_connections(1)
        .min_connections(0)
        .sqlx_logging(false);
    Ok(Database::connect(opt).await?)
}

/// The counted content of the database at `path`.
async fn content_of(path: &Path) -> Result<Content, BackupError> {
    let db = open(path).await?;
    let found = content(&db).await;
    db.close().await.ok();
    found
}

/// Copies the live database to `to` and counts the copy.
pub async fn copy(db: &DatabaseConnection, to: &Path) -> Result<Content, BackupError> {
    let target = to
        .to_str()
        .ok_or_else(|| BackupError::Failed(format!("chemin non UTF-8 : {}", to.display())))?;
    db.execute_unprepared(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
        .await?;
    content_of(to).await
}

fn remove_if_any(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(BackupError::Failed(format!(
            "suppression de « {} » : {e}",
            path.display()
        ))),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Replaces the configured database file by the payload, once checked.
pub async fn restore(
    target: &loco_rs::config::Database,
    file: &Path,
    manifest: &Manifest,
    opts: RestoreOptions,
) -> Result<(), BackupError> {
    let db_file = file_of(&target.uri)?;
    let dir = db_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir)
        .map_err(|e| BackupError::Failed(format!("dossier « {} » : {e}", dir.display())))?;
    let scratch = dir.join(format!(".restore-{}.sqlite", uuid::Uuid::now_v7().simple()));
    super::extract_checked(file, manifest, &scratch).await?;
    let result = async {
        let found = content_of(&scratch).await?;
        let diff = manifest::differences(&manifest.content(), &found);
        if !diff.is_empty() {
            return Err(BackupError::Refused(format!(
                "le contenu de « {} » ne correspond pas à son manifeste : {}",
                file.display(),
                diff.join(" ; ")
            )));
        }
        if db_file.exists() {
            let db = open(&db_file).await?;
            let held = check_target(&db, opts).await;
            db.close().await.ok();
            held?;
        }
        // A stale WAL would be replayed onto the new file.
        for suffix in ["-wal", "-shm", "-journal"] {
            remove_if_any(&with_suffix(&db_file, suffix))?;
        }
        std::fs::rename(&scratch, &db_file).map_err(|e| {
            BackupError::Failed(format!("remplacement de « {} » : {e}", db_file.display()))
        })
    }
    .await;
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(&scratch, suffix));
    }
    result
}
