//! `cargo loco task restore file=backups/….mbk [force=yes]`: restores a backup file into
//! the configured database, after checking it against its manifest; a database that
//! already holds data is replaced only with `force=yes`. Stop the app first.
use std::path::Path;

use loco_rs::{config, prelude::*};
use mutualis_core::backup::{self, BackupError, RestoreOptions, Restored};

/// Restores `file` into the database `database` configures (its connections closed).
///
/// # Errors
/// As [`backup::restore`].
pub async fn restore(
    database: &config::Database,
    file: &Path,
    opts: RestoreOptions,
) -> std::result::Result<Restored, BackupError> {
    backup::restore(database, file, opts).await
}

/// The task.
#[derive(Debug)]
pub struct Restore;

#[async_trait]
impl Task for Restore {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "restore".to_string(),
            detail: "Restore a backup file into the configured database: file=… [force=yes]"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        let Some(file) = vars.cli_arg("file").ok().filter(|f| !f.trim().is_empty()) else {
            return Err(Error::string(
                "fichier de sauvegarde non indiqué : cargo loco task restore file=backups/….mbk",
            ));
        };
        let force = match vars.cli_arg("force") {
            Err(_) => false,
            Ok("yes") => true,
            Ok(other) => {
                return Err(Error::string(&format!(
                    "force={other} : seule la valeur « yes » est admise"
                )));
            }
        };
        // The task's own connections: on SQLite the file is replaced.
        ctx.db.close_by_ref().await.ok();
        match restore(
            &ctx.config.database,
            Path::new(file),
            RestoreOptions { force },
        )
        .await
        {
            Ok(r) => {
                println!(
                    "sauvegarde du {} restaurée : {} tables conformes au manifeste, journal d’audit intact ({} lignes vérifiées)",
                    r.manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    r.manifest.tables.len(),
                    r.audit_rows
                );
                Ok(())
            }
            Err(e) => Err(Error::string(&format!("restauration refusée : {e}"))),
        }
    }
}
