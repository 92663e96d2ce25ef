//! Per-process caches of what every request reads before its own query: the account
//! behind a token or a session, and the member behind a path's slug with its
//! subscriptions. (casbin's answers are cached by [`Authz`](crate::authz::Authz)
//! itself.)
//!
//! **Refreshed on change.** Every function of core that writes an account, a member or
//! a subscription calls [`changed`] once its write is done; the call moves a
//! process-wide epoch, and an entry read under an older epoch is read again from the
//! database. So within one process a disabled account is refused by the very next
//! request. Several processes on one database (PostgreSQL behind a load balancer) see
//! another process's change within `settings.caches.ttl_seconds` (default 30 s):
//! lower it, or set `settings.caches.enabled: false`, when that is too long (see
//! docs/OPERATIONS.md « Caches »).
//!
//! The caches are per app (in [`Services`](crate::scope::Services)), so two apps in one
//! process (the test suite) never share entries; the epoch is shared, which only costs
//! them a few extra reads.
use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::NaiveDate;
use moka::future::Cache;
use sea_orm::ConnectionTrait;

use crate::{
    entities::{members, subscriptions, users},
    error::AppResult,
};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An account (created, edited, disabled, its password changed, anonymised).
    Users,
    /// A member or its subscriptions.
    Members,
}

static USERS_EPOCH: AtomicU64 = AtomicU64::new(0);
static MEMBERS_EPOCH: AtomicU64 = AtomicU64::new(0);

const fn epoch_of(kind: Kind) -> &'static AtomicU64 {
    match kind {
        Kind::Users => &USERS_EPOCH,
        Kind::Members => &MEMBERS_EPOCH,
    }
}

/// Tells the caches of this process that `kind` changed: every entry of that kind is
/// read again. Called by the writing function once its write is done.
pub fn changed(kind: Kind) {
    epoch_of(kind).fetch_add(1, Ordering::SeqCst);
}

fn epoch(kind: Kind) -> u64 {
    epoch_of(kind).load(Ordering::SeqCst)
}

/// A member with its subscriptions (all of them: which are active depends on the day).
#[derive(Debug, Clone)]
pub struct MemberEntry {
    pub member: members::Model,
    pub subscriptions: Vec<subscriptions::Model>,
}

#[derive(Debug, Clone)]
struct Entry<T> {
    epoch: u64,
    value: Arc<T>,
}

/// The caches' settings (`settings.caches` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSettings {
    pub enabled: bool,
    pub ttl: Duration,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl: Duration::from_secs(30),
        }
    }
}

impl CacheSettings {
    /// Reads `settings.caches.enabled` and `settings.caches.ttl_seconds`; what is
    /// missing keeps its default.
    #[must_use]
    pub fn from_settings(settings: Option<&serde_json::Value>) -> Self {
        let mut out = Self::default();
        let Some(c) = settings.and_then(|s| s.get("caches")) else {
            return out;
        };
        if let Some(e) = c.get("enabled").and_then(serde_json::Value::as_bool) {
            out.enabled = e;
        }
        if let Some(t) = c.get("ttl_seconds").and_then(serde_json::Value::as_u64) {
            out.ttl = Duration::from_secs(t);
        }
        if out.ttl.is_zero() {
            out.enabled = false;
        }
        out
    }
}

/// The request caches of one app.
#[derive(Clone)]
pub struct Caches {
    settings: CacheSettings,
    users: Cache<i64, Entry<users::Model>>,
    members: Cache<String, Entry<MemberEntry>>,
    /// A member's subscriptions by its id (the navigation reads every member a user
    /// serves).
    subscriptions: Cache<i64, Entry<Vec<subscriptions::Model>>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches")
            .field("settings", &self.settings)
            .field("users", &self.users.entry_count())
            .field("members", &self.members.entry_count())
            .field("subscriptions", &self.subscriptions.entry_count())
            .finish()
    }
}

/// Entries kept at most (accounts; members): far above a cooperative's hundreds of
/// members and thousands of accounts, and bounded.
const MAX_USERS: u64 = 20_000;
const MAX_MEMBERS: u64 = 5_000;

impl Caches {
    #[must_use]
    pub fn new(settings: CacheSettings) -> Self {
        Self {
            settings,
            users: Cache::builder()
                .max_capacity(MAX_USERS)
                .time_to_live(settings.ttl.max(Duration::from_millis(1)))
                .build(),
            members: Cache::builder()
                .max_capacity(MAX_MEMBERS)
                .time_to_live(settings.ttl.max(Duration::from_millis(1)))
                .build(),
            subscriptions: Cache::builder()
                .max_capacity(MAX_MEMBERS)
                .time_to_live(settings.ttl.max(Duration::from_millis(1)))
                .build(),
        }
    }

    #[must_use]
    pub const fn settings(&self) -> CacheSettings {
        self.settings
    }

    /// The account `id` (disabled or not: the caller decides).
    ///
    /// # Errors
    /// Database errors.
    pub async fn user<C: ConnectionTrait>(
        &self,
        db: &C,
        id: i64,
    ) -> AppResult<Option<Arc<users::Model>>> {
        if !self.settings.enabled {
            return Ok(crate::auth::find_user(db, id).await?.map(Arc::new));
        }
        // The epoch is read before the database: a change made meanwhile moves it, and
        // the entry stored below is then already stale.
        let now = epoch(Kind::Users);
        if let Some(e) = self.users.get(&id).await
            && e.epoch == now
        {
            return Ok(Some(e.value));
        }
        let Some(u) = crate::auth::find_user(db, id).await? else {
            return Ok(None);
        };
        let value = Arc::new(u);
        self.users
            .insert(
                id,
                Entry {
                    epoch: now,
                    value: value.clone(),
                },
            )
            .await;
        Ok(Some(value))
    }

    /// The member named by `slug`, with its subscriptions.
    ///
    /// # Errors
    /// Database errors.
    pub async fn member<C: ConnectionTrait>(
        &self,
        db: &C,
        slug: &str,
    ) -> AppResult<Option<Arc<MemberEntry>>> {
        let now = epoch(Kind::Members);
        if self.settings.enabled
            && let Some(e) = self.members.get(slug).await
            && e.epoch == now
        {
            return Ok(Some(e.value));
        }
        let Some(member) = crate::member::find_by_slug(db, slug).await? else {
            return Ok(None);
        };
        let subscriptions = crate::member::subscriptions(db, member.id).await?;
        let value = Arc::new(MemberEntry {
            member,
            subscriptions,
        });
        if self.settings.enabled {
            self.members
                .insert(
                    slug.to_string(),
                    Entry {
                        epoch: now,
                        value: value.clone(),
                    },
                )
                .await;
        }
        Ok(Some(value))
    }

    /// The modules member `member_id` subscribes to on `day`
    /// ([`member::active_modules`](crate::member::active_modules), cached).
    ///
    /// # Errors
    /// Database errors.
    pub async fn active_modules<C: ConnectionTrait>(
        &self,
        db: &C,
        member_id: i64,
        day: NaiveDate,
    ) -> AppResult<Vec<String>> {
        let now = epoch(Kind::Members);
        let subs = match self.subscriptions.get(&member_id).await {
            Some(e) if self.settings.enabled && e.epoch == now => e.value,
            _ => {
                let subs = Arc::new(crate::member::subscriptions(db, member_id).await?);
                if self.settings.enabled {
                    self.subscriptions
                        .insert(
                            member_id,
                            Entry {
                                epoch: now,
                                value: subs.clone(),
                            },
                        )
                        .await;
                }
                subs
            }
        };
        Ok(crate::member::active_on(&subs, day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_and_override() {
        assert_eq!(CacheSettings::from_settings(None), CacheSettings::default());
        let s = serde_json::json!({"caches": {"enabled": false}});
        assert!(!CacheSettings::from_settings(Some(&s)).enabled);
        let s = serde_json::json!({"caches": {"ttl_seconds": 5}});
        let c = CacheSettings::from_settings(Some(&s));
        assert!(c.enabled);
        assert_eq!(c.ttl, Duration::from_secs(5));
        // A TTL of zero means no cache at all.
        let s = serde_json::json!({"caches": {"ttl_seconds": 0}});
        assert!(!CacheSettings::from_settings(Some(&s)).enabled);
    }

    #[test]
    fn a_change_moves_its_epoch() {
        for kind in [Kind::Users, Kind::Members] {
            let before = epoch(kind);
            changed(kind);
            assert!(epoch(kind) > before, "{kind:?}");
        }
    }
}
