//! Database connection: SQLite pragmas on every pooled connection (loco's
//! `run_on_start` reaches only one of them), PostgreSQL when the URI says so.
use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};

/// Connects to the configured database.
///
/// On SQLite every pooled connection gets `journal_mode=WAL`, `synchronous=FULL`
/// (acknowledged usage and billing writes survive power loss), `busy_timeout=5s`,
/// `foreign_keys=ON`, and the WAL's bounds: a commit checkpoints by itself only past
/// [`AUTOCHECKPOINT_PAGES`] (the safety net under [`spawn_checkpointer`]), and the WAL
/// file is cut back to [`JOURNAL_SIZE_LIMIT`] bytes when it restarts.
///
/// # Errors
/// When the database cannot be reached.
pub async fn connect(cfg: &loco_rs::config::Database) -> Result<DatabaseConnection, DbErr> {
    let mut opt = ConnectOptions::new(&cfg.uri);
    opt.max_connections(cfg.max_connections)
        .min_connections(cfg.min_connections)
        .connect_timeout(Duration::from_millis(cfg.connect_timeout))
        .idle_timeout(Duration::from_millis(cfg.idle_timeout))
        .sqlx_logging(cfg.enable_logging);
    if let Some(t) = cfg.acquire_timeout {
        opt.acquire_timeout(Duration::from_millis(t));
    }
    if cfg.uri.starts_with("sqlite:") {
        opt.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                .create_if_missing(true)
                .pragma("wal_autocheckpoint", AUTOCHECKPOINT_PAGES.to_string())
                .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string())
        });
    }
    Database::connect(opt).await
}

/// WAL pages (4 KiB) past which a committing connection checkpoints by itself: ten
/// times SQLite's default, since the background checkpointer keeps the WAL short.
pub const AUTOCHECKPOINT_PAGES: u32 = 10_000;
/// The WAL file's size once a checkpoint lets it restart (64 MiB).
pub const JOURNAL_SIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// On SQLite, checkpoints the WAL in the background every second (`PASSIVE`: it never
/// waits for nor blocks a reader or a writer), so that copying the WAL into the
/// database is not done inside a request's commit — under a stream of usage batches that
/// made one commit in a hundred wait about a second (docs/benchmarks.md, load test).
/// Does nothing on PostgreSQL.
pub fn spawn_checkpointer(db: DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    if !is_sqlite(&db) {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let st = sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA wal_checkpoint(PASSIVE)".to_string(),
            );
            match db.query_one_raw(st).await {
                Ok(Some(r)) => {
                    let wal: i64 = r.try_get_by_index(1).unwrap_or_default();
                    let copied: i64 = r.try_get_by_index(2).unwrap_or_default();
                    tracing::trace!(wal, copied, "WAL checkpoint");
                }
                Ok(None) => {}
                // The database is gone (a test's, at its end) or busy: try again later.
                Err(e) => tracing::debug!(error = %e, "WAL checkpoint skipped"),
            }
        }
    });
}

/// True when the connection is to SQLite.
#[must_use]
pub fn is_sqlite(db: &impl sea_orm::ConnectionTrait) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// A raw statement written with `?` placeholders, renumbered to `$n` for PostgreSQL.
#[must_use]
pub fn stmt(
    db: &impl sea_orm::ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> sea_orm::Statement {
    let backend = db.get_database_backend();
    let sql = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 16);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    } else {
        sql.to_string()
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite, so the write lock
/// is taken up front and `busy_timeout` applies. A deferred transaction that reads first
/// is refused at once (`SQLITE_BUSY`) when it tries to write while another connection
/// writes. Elsewhere (PostgreSQL, nested savepoints) a plain `BEGIN`.
///
/// # Errors
/// Database errors.
pub async fn begin_write<C: sea_orm::TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
