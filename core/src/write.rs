//! The audited write of a member's action, the one shape every module's service uses:
//! a write transaction, the rows through the tenant handle, the audit row, the usage
//! the action consumes, one commit — all of it or nothing.
//!
//! ```ignore
//! let w = scope.write(db).await?;
//! let row = hr_skills::Entity::insert_in(w.tenant(), row, w.txn()).await?;
//! w.audit("hr_skill", &row.id.to_string(), "create", json!({"name": row.name})).await?;
//! w.usage(Usage::new("hr.skills", Decimal::ONE, &format!("hr.skills:{}", row.id))).await?;
//! w.commit().await?;
//! ```
use sea_orm::{DatabaseTransaction, TransactionTrait};

use crate::{
    audit::{self, Actor},
    error::AppResult,
    metering::{self, Meters, Recorded, Usage},
    scope::Scope,
    tenant::Tenant,
};

/// A member's write in progress. Dropped without `commit`, it rolls back.
#[derive(Debug)]
pub struct Write<'s> {
    txn: DatabaseTransaction,
    tenant: Tenant,
    actor: Actor,
    meters: &'s Meters,
    /// What the recorded usage adds to the running totals, written at commit.
    totals: std::sync::Mutex<metering::TotalsDelta>,
}

impl<'s> Write<'s> {
    /// Begins the write (`IMMEDIATE` on SQLite: see `db::begin_write`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn begin<C: TransactionTrait<Transaction = DatabaseTransaction>>(
        db: &C,
        tenant: Tenant,
        actor: Actor,
        meters: &'s Meters,
    ) -> AppResult<Self> {
        Ok(Self {
            txn: crate::db::begin_write(db).await?,
            tenant,
            actor,
            meters,
            totals: std::sync::Mutex::default(),
        })
    }

    /// The transaction the rows are written in.
    #[must_use]
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The member the write is for.
    #[must_use]
    pub fn tenant(&self) -> Tenant {
        self.tenant
    }

    /// Appends the audit row of the action, in the same transaction.
    ///
    /// # Errors
    /// Database errors.
    pub async fn audit(
        &self,
        object_type: &str,
        object_id: &str,
        action: &str,
        details: serde_json::Value,
    ) -> AppResult<()> {
        audit::record(
            &self.txn,
            &self.actor,
            Some(self.tenant.member_id()),
            object_type,
            object_id,
            action,
            details,
        )
        .await
    }

    /// Records the usage the action consumes, in the same transaction (a replayed
    /// key is a no-op).
    ///
    /// # Errors
    /// 422 for an unknown meter or an invalid quantity; database errors.
    pub async fn usage(&self, usage: Usage<'_>) -> AppResult<Recorded> {
        let (recorded, totals) =
            metering::record_usage_pending(&self.txn, self.meters, self.tenant, usage).await?;
        self.totals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .merge(totals);
        Ok(recorded)
    }

    /// Commits rows, audit and usage together. The usage's running totals are written
    /// last, after the audit head (the order every transaction takes them in).
    ///
    /// # Errors
    /// Database errors (nothing is kept then).
    pub async fn commit(self) -> AppResult<()> {
        let totals = std::mem::take(
            &mut *self
                .totals
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        totals.write(&self.txn).await?;
        self.txn.commit().await?;
        Ok(())
    }
}

impl Scope {
    /// Begins the audited write of this request's action for its member.
    ///
    /// # Errors
    /// Database errors.
    pub async fn write<'s, C: TransactionTrait<Transaction = DatabaseTransaction>>(
        &'s self,
        db: &C,
    ) -> AppResult<Write<'s>> {
        Write::begin(db, self.tenant(), self.actor(), &self.services().meters).await
    }
}
