//! The append-only audit log. Each row carries the SHA-256 of its content chained to
//! the previous row's hash, so an edited, inserted or deleted row breaks the chain.
//! [`labels`] reads a row in French, [`query`] filters the log.
pub mod labels;
pub mod query;

use chrono::{DateTime, SubsecRound, Utc};
pub use query::{Filter, MemberFilter};
use sea_orm::{
    ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, TransactionSession, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    db::stmt,
    entities::{audit_head, audit_log},
    error::{AppError, AppResult},
};

/// Who acts: a user, an API key (external source) or the system (tasks, seed).
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    #[must_use]
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            label: format!("système:{what}"),
        }
    }

    #[must_use]
    pub fn user(id: i64, email: &str) -> Self {
        Self {
            user_id: Some(id),
            label: email.to_string(),
        }
    }

    #[must_use]
    pub fn api_key(name: &str) -> Self {
        Self {
            user_id: None,
            label: format!("clé-api:{name}"),
        }
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The hash of one row, chained to `prev_hash`.
#[must_use]
pub fn row_hash(row: &audit_log::Model) -> String {
    let mut h = Sha256::new();
    let fields = [
        row.prev_hash.clone(),
        row.seq.to_string(),
        stamp(row.at),
        row.user_id.map(|v| v.to_string()).unwrap_or_default(),
        row.actor.clone(),
        row.member_id.map(|v| v.to_string()).unwrap_or_default(),
        row.object_type.clone(),
        row.object_id.clone(),
        row.action.clone(),
        row.details.clone(),
    ];
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one row to the audit log, inside the caller's transaction when given one.
///
/// # Errors
/// Database errors.
pub async fn record<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    member_id: Option<i64>,
    object_type: &str,
    object_id: &str,
    action: &str,
    details: serde_json::Value,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    // Taking the head row first serializes appends (row lock on PostgreSQL, write
    // lock on SQLite), so two writers never chain to the same previous row.
    // One statement takes the lock, moves the head and reads it.
    let head = txn
        .query_one_raw(stmt(
            &txn,
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash",
            vec![],
        ))
        .await?
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("audit_head row missing")))?;
    let head = audit_head::Model {
        id: 1,
        seq: head.try_get("", "seq")?,
        last_hash: head.try_get("", "last_hash")?,
    };
    let mut row = audit_log::Model {
        seq: head.seq,
        at: Utc::now().trunc_subsecs(6),
        user_id: actor.user_id,
        actor: actor.label.clone(),
        member_id,
        object_type: object_type.to_string(),
        object_id: object_id.to_string(),
        action: action.to_string(),
        details: details.to_string(),
        prev_hash: head.last_hash,
        hash: String::new(),
    };
    row.hash = row_hash(&row);
    txn.execute_raw(stmt(
        &txn,
        "UPDATE audit_head SET last_hash = ? WHERE id = 1",
        vec![row.hash.clone().into()],
    ))
    .await?;
    let am: audit_log::ActiveModel = row.into();
    audit_log::Entity::insert(am)
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainReport {
    /// Every row checks out.
    Intact { rows: u64 },
    /// The first row that does not.
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in order and reports the first broken row.
///
/// # Errors
/// Database errors.
pub async fn verify<C: ConnectionTrait>(db: &C) -> AppResult<ChainReport> {
    let mut prev = "0".repeat(64);
    let mut expected_seq = 1i64;
    let mut rows = 0u64;
    let mut pages = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Seq)
        .paginate(db, 2000);
    while let Some(page) = pages.fetch_and_next().await? {
        for row in page {
            if row.seq != expected_seq {
                return Ok(ChainReport::Broken {
                    seq: expected_seq,
                    reason: format!("ligne manquante (trouvé la ligne {} à sa place)", row.seq),
                });
            }
            if row.prev_hash != prev {
                return Ok(ChainReport::Broken {
                    seq: row.seq,
                    reason: "le chaînage avec la ligne précédente est rompu".to_string(),
                });
            }
            if row_hash(&row) != row.hash {
                return Ok(ChainReport::Broken {
                    seq: row.seq,
                    reason: "le contenu de la ligne a été modifié".to_string(),
                });
            }
            prev = row.hash.clone();
            expected_seq += 1;
            rows += 1;
        }
    }
    let head = audit_head::Entity::find_by_id(1).one(db).await?;
    if let Some(head) = head
        && (head.seq != expected_seq - 1 || head.last_hash != prev)
    {
        return Ok(ChainReport::Broken {
            seq: expected_seq,
            reason: "des lignes ont été supprimées en fin de journal".to_string(),
        });
    }
    Ok(ChainReport::Intact { rows })
}

/// One page of the log, newest first, for one member or (None) for all.
///
/// # Errors
/// Database errors.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    member_id: Option<i64>,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<audit_log::Model>, u64)> {
    query::search(db, &Filter::member(member_id), limit, offset).await
}
