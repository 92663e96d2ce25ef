//! `cargo loco task backup [dir=backups]`: writes one dated backup file
//! (`backups/mutualis-2026-12-07T183000Z.mbk`: the manifest and the database) while the
//! app keeps running. See `mutualis_core::backup`.
use std::path::Path;

use loco_rs::{config, prelude::*};
use mutualis_core::backup::{self, BackupError, Created};
use sea_orm::DatabaseConnection;

/// The folder of backups when `dir=` is not given.
pub const DEFAULT_DIR: &str = "backups";

/// Backs up the database `db` (configured as `database`) into a new file in `dir`.
///
/// # Errors
/// As [`backup::create`].
pub async fn backup(
    db: &DatabaseConnection,
    database: &config::Database,
    dir: &Path,
) -> std::result::Result<Created, BackupError> {
    backup::create(db, &database.uri, dir, env!("CARGO_PKG_VERSION")).await
}

/// The task.
#[derive(Debug)]
pub struct Backup;

#[async_trait]
impl Task for Backup {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "backup".to_string(),
            detail: "Write a dated backup file (manifest + database) [dir=backups]".to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let dir = vars.cli_arg("dir").unwrap_or(DEFAULT_DIR);
        match backup(&ctx.db, &ctx.config.database, Path::new(dir)).await {
            Ok(c) => {
                let rows: u64 = c.manifest.tables.values().sum();
                println!(
                    "sauvegarde écrite : {} ({} tables, {rows} lignes, journal d’audit jusqu’à la ligne {})",
                    c.path.display(),
                    c.manifest.tables.len(),
                    c.manifest.audit_head.as_ref().map_or(0, |h| h.seq)
                );
                Ok(())
            }
            Err(e) => Err(Error::string(&format!("sauvegarde impossible : {e}"))),
        }
    }
}
