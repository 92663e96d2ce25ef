//! Database connection: SQLite pragmas on every pooled connection (loco's
//! `run_on_start` reaches only one of them), PostgreSQL when the URI says so.
use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};

/// Connects to the configured database.
///
/// On SQLite every pooled connection gets `journal_mode=WAL`, `synchronous=FULL`
/// (acknowledged usage and billing writes survive power loss), `busy_timeout=5s`
/// and `foreign_keys=ON`.
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
        });
    }
    Database::connect(opt).await
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
