//! PostgreSQL: `pg_dump -Fc` of the connected database on the snapshot of the
//! transaction that counts its rows; the restore is `pg_restore --clean --if-exists
//! --single-transaction`. Both tools run as child processes given the URL's parts as
//! `PG*` variables (the password never on a command line).
use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
};

use percent_encoding::percent_decode_str;
use sea_orm::{AccessMode, ConnectionTrait, DatabaseConnection, IsolationLevel, TransactionTrait};

use super::{
    AuditHead, BackupError, Content, Manifest, RestoreOptions, blocking, check_target, content,
    manifest,
};
use crate::db::stmt;

/// The connection of a `postgres://` URL, as libpq's environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conn {
    pub vars: Vec<(&'static str, String)>,
}

/// The parts of a `postgres://user:password@host:port/db?sslmode=…` URL.
///
/// # Errors
/// Refused: not a URL, or no database named.
pub fn conn_of(uri: &str) -> Result<Conn, BackupError> {
    let bad = |why: &str| BackupError::Refused(format!("adresse PostgreSQL invalide : {why}"));
    let u = url::Url::parse(uri).map_err(|e| bad(&e.to_string()))?;
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let mut vars = Vec::new();
    if let Some(host) = u.host_str() {
        vars.push((
            "PGHOST",
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
        ));
    }
    if let Some(port) = u.port() {
        vars.push(("PGPORT", port.to_string()));
    }
    if !u.username().is_empty() {
        vars.push(("PGUSER", decode(u.username())));
    }
    if let Some(p) = u.password() {
        vars.push(("PGPASSWORD", decode(p)));
    }
    let db = decode(u.path().trim_start_matches('/'));
    if db.is_empty() {
        return Err(bad("aucune base nommée"));
    }
    vars.push(("PGDATABASE", db));
    for (k, v) in u.query_pairs() {
        let var = match k.as_ref() {
            "sslmode" => "PGSSLMODE",
            "host" => "PGHOST",
            "port" => "PGPORT",
            "user" => "PGUSER",
            "password" => "PGPASSWORD",
            "application_name" => "PGAPPNAME",
            _ => continue,
        };
        vars.retain(|(name, _)| *name != var);
        vars.push((var, v.into_owned()));
    }
    Ok(Conn { vars })
}

fn command(tool: &str, conn: &Conn) -> Command {
    let mut cmd = Command::new(tool);
    for var in [
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "PGDATABASE",
        "PGSSLMODE",
        "PGSERVICE",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in &conn.vars {
        cmd.env(k, v);
    }
    cmd
}

/// Runs a tool to its end; its error output in the message when it fails.
async fn run(tool: &'static str, mut cmd: Command) -> Result<(), BackupError> {
    let out = blocking(move || {
        cmd.stdin(Stdio::null())
            .output()
            .map_err(|e| BackupError::Failed(format!("{tool} n’a pas pu être lancé : {e}")))
    })
    .await?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::Failed(format!(
            "{tool} a échoué ({}) : {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Dumps the database to `to` and counts the same snapshot.
pub async fn dump(db: &DatabaseConnection, uri: &str, to: &Path) -> Result<Content, BackupError> {
    let conn = conn_of(uri)?;
    let txn = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    let snapshot: String = txn
        .query_one_raw(stmt(&txn, "SELECT pg_export_snapshot() AS s", vec![]))
        .await?
        .map(|r| r.try_get::<String>("", "s"))
        .transpose()?
        .ok_or_else(|| BackupError::Failed("instantané PostgreSQL introuvable".to_string()))?;
    let mut cmd = command("pg_dump", &conn);
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={snapshot}"))
        .arg("--file")
        .arg(to);
    run("pg_dump", cmd).await?;
    let counted = content(&txn).await;
    txn.rollback().await.ok();
    counted
}

/// Restores the payload into the configured database, once checked.
pub async fn restore(
    target: &loco_rs::config::Database,
    file: &Path,
    manifest: &Manifest,
    opts: RestoreOptions,
) -> Result<(), BackupError> {
    let conn = conn_of(&target.uri)?;
    let scratch = std::env::temp_dir().join(format!(
        "mutualis-restore-{}.pgdump",
        uuid::Uuid::now_v7().simple()
    ));
    super::extract_checked(file, manifest, &scratch).await?;
    let result = async {
        let archive = scratch.clone();
        let found = blocking(move || archive_content(&archive)).await?;
        let diff = manifest::differences(&manifest.content(), &found);
        if !diff.is_empty() {
            return Err(BackupError::Refused(format!(
                "le contenu de « {} » ne correspond pas à son manifeste : {}",
                file.display(),
                diff.join(" ; ")
            )));
        }
        let db = crate::db::connect(target).await?;
        let held = check_target(&db, opts).await;
        db.close().await.ok();
        held?;
        let mut cmd = command("pg_restore", &conn);
        cmd.args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ])
        .arg("--dbname")
        .arg(
            conn.vars
                .iter()
                .find(|(k, _)| *k == "PGDATABASE")
                .map_or("", |(_, v)| v.as_str()),
        )
        .arg(&scratch);
        run("pg_restore", cmd).await
    }
    .await;
    let _ = std::fs::remove_file(&scratch);
    result
}

/// What a `pg_dump -Fc` archive holds, read from `pg_restore --data-only` as SQL
/// (one `COPY` block per table, one line per row), before any database is touched.
fn archive_content(archive: &Path) -> Result<Content, BackupError> {
    let mut child = Command::new("pg_restore")
        .arg("--data-only")
        .arg("--file=-")
        .arg(archive)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| BackupError::Failed(format!("pg_restore n’a pas pu être lancé : {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| BackupError::Failed("pg_restore : pas de sortie".to_string()))?;
    let parsed = copy_content(BufReader::new(stdout));
    let out = child
        .wait_with_output()
        .map_err(|e| BackupError::Failed(format!("pg_restore : {e}")))?;
    if !out.status.success() {
        return Err(BackupError::Refused(format!(
            "la sauvegarde PostgreSQL est illisible : {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    parsed.map_err(|e| BackupError::Failed(format!("lecture de la sauvegarde : {e}")))
}

/// An identifier as `pg_restore` writes it, without its schema and quotes
/// (`public."order"` → `order`).
fn ident(raw: &str) -> String {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    let mut chars = raw.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(p) = parts.last_mut() {
                    p.push('"');
                }
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(String::new()),
            c => {
                if let Some(p) = parts.last_mut() {
                    p.push(c);
                }
            }
        }
    }
    parts.pop().unwrap_or_default()
}

/// Counts the rows of each `COPY … FROM stdin;` block and finds the audit chain's last
/// row (the highest `seq` of `audit_log`).
///
/// # Errors
/// Reading errors.
pub fn copy_content(r: impl BufRead) -> std::io::Result<Content> {
    struct Block {
        table: String,
        rows: u64,
        /// For `audit_log`: the positions of `seq` and `hash`.
        audit: Option<(usize, usize)>,
    }
    let mut out = Content::default();
    let mut block: Option<Block> = None;
    for line in r.split(b'\n') {
        let line = line?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        if let Some(b) = block.as_mut() {
            if line == b"\\." {
                out.tables.insert(b.table.clone(), b.rows);
                block = None;
                continue;
            }
            b.rows += 1;
            if let Some((s, h)) = b.audit {
                let fields: Vec<&[u8]> = line.split(|c| *c == b'\t').collect();
                let seq = fields
                    .get(s)
                    .and_then(|f| std::str::from_utf8(f).ok())
                    .and_then(|f| f.parse::<i64>().ok());
                let hash = fields.get(h).and_then(|f| std::str::from_utf8(f).ok());
                if let (Some(seq), Some(hash)) = (seq, hash)
                    && out.audit_head.as_ref().is_none_or(|a| seq > a.seq)
                {
                    out.audit_head = Some(AuditHead {
                        seq,
                        hash: hash.to_string(),
                    });
                }
            }
            continue;
        }
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        let Some(head) = text
            .strip_prefix("COPY ")
            .and_then(|t| t.strip_suffix(" FROM stdin;"))
        else {
            continue;
        };
        let (name, cols) = match head.split_once(" (") {
            Some((n, c)) => (n, c.strip_suffix(')').unwrap_or(c)),
            None => (head, ""),
        };
        let table = ident(name);
        let cols: Vec<String> = cols.split(", ").map(ident).collect();
        let audit = (table == "audit_log")
            .then(|| {
                let at = |c: &str| cols.iter().position(|x| x == c);
                at("seq").zip(at("hash"))
            })
            .flatten();
        block = Some(Block {
            table,
            rows: 0,
            audit,
        });
    }
    Ok(out)
}
