//! Authorization with casbin: RBAC with domains. Role policies are written once per role
//! with domain `*` and kept in sync from code at boot; grants (`g, user:1, dpo, member:3`)
//! are data. Both live in the `casbin_rule` table through our own small sea-orm adapter.
use std::{collections::HashMap, sync::Arc};

use async_trait::async_trait;
use casbin::{Adapter, CoreApi, DefaultModel, Enforcer, Filter, MgmtApi, Model};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use tokio::sync::RwLock;

use crate::{
    entities::casbin_rule,
    error::{AppError, AppResult},
};

/// The casbin model, exactly as ARCHITECTURE.md gives it.
pub const MODEL: &str = r#"
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && (p.dom == "*" || p.dom == r.dom) && keyMatch(r.obj, p.obj) && (r.act == p.act || p.act == "*")
"#;

/// The cooperative's domain.
pub const COOP: &str = "coop";

/// A role, held in a member's domain or in the cooperative's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Director,
    HrOfficer,
    Staff,
    Dpo,
    ItSupport,
    PayrollOfficer,
    Board,
    CoopAdmin,
    /// The cooperative's moderators of the practice exchange.
    Moderator,
}

impl Role {
    pub const ALL: [Self; 9] = [
        Self::Director,
        Self::HrOfficer,
        Self::Staff,
        Self::Dpo,
        Self::ItSupport,
        Self::PayrollOfficer,
        Self::Board,
        Self::CoopAdmin,
        Self::Moderator,
    ];
    pub const MEMBER_ROLES: [Self; 6] = [
        Self::Director,
        Self::HrOfficer,
        Self::Staff,
        Self::Dpo,
        Self::ItSupport,
        Self::PayrollOfficer,
    ];
    pub const COOP_ROLES: [Self; 3] = [Self::Board, Self::CoopAdmin, Self::Moderator];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Director => "director",
            Self::HrOfficer => "hr_officer",
            Self::Staff => "staff",
            Self::Dpo => "dpo",
            Self::ItSupport => "it_support",
            Self::PayrollOfficer => "payroll_officer",
            Self::Board => "board",
            Self::CoopAdmin => "coop_admin",
            Self::Moderator => "moderator",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The French label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Director => "Direction",
            Self::HrOfficer => "Chargé·e RH",
            Self::Staff => "Salarié·e",
            Self::Dpo => "DPO",
            Self::ItSupport => "Support informatique",
            Self::PayrollOfficer => "Gestionnaire de paie",
            Self::Board => "Conseil d’administration",
            Self::CoopAdmin => "Administration de la coopérative",
            Self::Moderator => "Modération des pratiques",
        }
    }

    #[must_use]
    pub fn is_coop(self) -> bool {
        matches!(self, Self::Board | Self::CoopAdmin | Self::Moderator)
    }

    /// What the role may do in core's own areas (`member.*`, `coop.*`, `usage`,
    /// `audit`): `(object pattern, action)`; `*` matches any action. Each module
    /// declares its own objects' policies (`ModuleDef::policies`).
    #[must_use]
    pub fn policies(self) -> &'static [(&'static str, &'static str)] {
        // `roles.{role}` `grant`: who may give that role in the domain. Nobody gives a
        // role they do not hold (a director gives the member's roles but director);
        // director and the cooperative roles are the coop_admin's (`roles.*`).
        match self {
            Self::Director => &[
                ("member.*", "read"),
                ("member.users", "*"),
                ("audit", "read"),
                ("usage", "read"),
                ("roles.hr_officer", "grant"),
                ("roles.staff", "grant"),
                ("roles.dpo", "grant"),
                ("roles.it_support", "grant"),
                ("roles.payroll_officer", "grant"),
            ],
            Self::HrOfficer => &[("member.profile", "read"), ("roles.hr_officer", "grant")],
            Self::Staff => &[("member.profile", "read"), ("roles.staff", "grant")],
            Self::Dpo => &[("member.profile", "read"), ("roles.dpo", "grant")],
            Self::PayrollOfficer => &[
                ("member.profile", "read"),
                ("roles.payroll_officer", "grant"),
            ],
            Self::ItSupport => &[
                ("member.users", "*"),
                ("member.subscriptions", "*"),
                ("member.profile", "read"),
                ("usage", "read"),
                ("roles.it_support", "grant"),
            ],
            Self::Board => &[
                ("usage", "read"),
                ("member.*", "read"),
                ("coop.members", "read"),
                ("coop.meters", "read"),
            ],
            // The practice exchange's moderation is the module's policy.
            Self::Moderator => &[],
            Self::CoopAdmin => &[
                ("coop.*", "*"),
                ("member.*", "*"),
                ("roles.*", "*"),
                ("usage", "read"),
                ("audit", "read"),
            ],
        }
    }
}

/// The casbin subject of a user.
#[must_use]
pub fn subject(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// The casbin domain of a member.
#[must_use]
pub fn member_domain(member_id: i64) -> String {
    format!("member:{member_id}")
}

/// A casbin adapter over the `casbin_rule` table with sea-orm 2 (the crates.io
/// adapters need sea-orm 1 or sqlx 0.8).
#[derive(Clone)]
pub struct SeaOrmAdapter {
    db: DatabaseConnection,
}

impl SeaOrmAdapter {
    #[must_use]
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn adapter_err(e: impl std::error::Error + Send + Sync + 'static) -> casbin::Error {
    casbin::Error::AdapterError(casbin::error::AdapterError(Box::new(e)))
}

fn to_row(ptype: &str, rule: &[String]) -> casbin_rule::ActiveModel {
    let v = |i: usize| Set(rule.get(i).cloned().unwrap_or_default());
    casbin_rule::ActiveModel {
        ptype: Set(ptype.to_string()),
        v0: v(0),
        v1: v(1),
        v2: v(2),
        v3: v(3),
        v4: v(4),
        v5: v(5),
        ..Default::default()
    }
}

fn rule_condition(ptype: &str, rule: &[String]) -> Condition {
    let cols = [
        casbin_rule::Column::V0,
        casbin_rule::Column::V1,
        casbin_rule::Column::V2,
        casbin_rule::Column::V3,
        casbin_rule::Column::V4,
        casbin_rule::Column::V5,
    ];
    let mut c = Condition::all().add(casbin_rule::Column::Ptype.eq(ptype));
    for (i, col) in cols.into_iter().enumerate() {
        c = c.add(col.eq(rule.get(i).cloned().unwrap_or_default()));
    }
    c
}

fn row_rule(r: &casbin_rule::Model) -> Vec<String> {
    let mut v = vec![
        r.v0.clone(),
        r.v1.clone(),
        r.v2.clone(),
        r.v3.clone(),
        r.v4.clone(),
        r.v5.clone(),
    ];
    while v.last().is_some_and(String::is_empty) {
        v.pop();
    }
    v
}

#[async_trait]
impl Adapter for SeaOrmAdapter {
    async fn load_policy(&mut self, m: &mut dyn Model) -> casbin::Result<()> {
        let rows = casbin_rule::Entity::find()
            .all(&self.db)
            .await
            .map_err(adapter_err)?;
        for r in rows {
            let sec = r.ptype.chars().next().map(String::from).unwrap_or_default();
            if let Some(t1) = m.get_mut_model().get_mut(&sec)
                && let Some(t2) = t1.get_mut(&r.ptype)
            {
                t2.get_mut_policy().insert(row_rule(&r));
            }
        }
        Ok(())
    }

    async fn load_filtered_policy<'a>(
        &mut self,
        m: &mut dyn Model,
        _f: Filter<'a>,
    ) -> casbin::Result<()> {
        self.load_policy(m).await
    }

    async fn save_policy(&mut self, m: &mut dyn Model) -> casbin::Result<()> {
        let mut rows = Vec::new();
        for sec in ["p", "g"] {
            if let Some(ast_map) = m.get_model().get(sec) {
                for (ptype, ast) in ast_map {
                    for rule in ast.get_policy() {
                        rows.push(to_row(ptype, rule));
                    }
                }
            }
        }
        casbin_rule::Entity::delete_many()
            .exec(&self.db)
            .await
            .map_err(adapter_err)?;
        if !rows.is_empty() {
            casbin_rule::Entity::insert_many(rows)
                .exec_without_returning(&self.db)
                .await
                .map_err(adapter_err)?;
        }
        Ok(())
    }

    async fn clear_policy(&mut self) -> casbin::Result<()> {
        casbin_rule::Entity::delete_many()
            .exec(&self.db)
            .await
            .map_err(adapter_err)?;
        Ok(())
    }

    fn is_filtered(&self) -> bool {
        false
    }

    async fn add_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        casbin_rule::Entity::insert(to_row(ptype, &rule))
            .exec_without_returning(&self.db)
            .await
            .map_err(adapter_err)?;
        Ok(true)
    }

    async fn add_policies(
        &mut self,
        _sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        if rules.is_empty() {
            return Ok(true);
        }
        let rows: Vec<_> = rules.iter().map(|r| to_row(ptype, r)).collect();
        casbin_rule::Entity::insert_many(rows)
            .exec_without_returning(&self.db)
            .await
            .map_err(adapter_err)?;
        Ok(true)
    }

    async fn remove_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        let res = casbin_rule::Entity::delete_many()
            .filter(rule_condition(ptype, &rule))
            .exec(&self.db)
            .await
            .map_err(adapter_err)?;
        Ok(res.rows_affected > 0)
    }

    async fn remove_policies(
        &mut self,
        sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        let mut all = true;
        for r in rules {
            all &= self.remove_policy(sec, ptype, r).await?;
        }
        Ok(all)
    }

    async fn remove_filtered_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        field_index: usize,
        field_values: Vec<String>,
    ) -> casbin::Result<bool> {
        let cols = [
            casbin_rule::Column::V0,
            casbin_rule::Column::V1,
            casbin_rule::Column::V2,
            casbin_rule::Column::V3,
            casbin_rule::Column::V4,
            casbin_rule::Column::V5,
        ];
        let mut c = Condition::all().add(casbin_rule::Column::Ptype.eq(ptype));
        for (i, v) in field_values.into_iter().enumerate() {
            if !v.is_empty()
                && let Some(col) = cols.get(field_index + i)
            {
                c = c.add(col.eq(v));
            }
        }
        let res = casbin_rule::Entity::delete_many()
            .filter(c)
            .exec(&self.db)
            .await
            .map_err(adapter_err)?;
        Ok(res.rows_affected > 0)
    }
}

/// The shared enforcer (in the app context's shared store).
#[derive(Clone)]
pub struct Authz {
    enforcer: Arc<RwLock<Enforcer>>,
    /// casbin's answers and each user's grants, remembered until the next change of a
    /// grant (casbin evaluates its matcher over every policy line at each `enforce`).
    memo: Arc<Memo>,
}

/// What [`Authz`] remembers. Emptied by every grant, revocation and reload, and when
/// it holds more than `MEMO_MAX` answers.
#[derive(Default)]
struct Memo {
    enabled: std::sync::atomic::AtomicBool,
    decisions: std::sync::RwLock<HashMap<(i64, String, String, String), bool>>,
    grants: std::sync::RwLock<HashMap<i64, Vec<Grant>>>,
}

const MEMO_MAX: usize = 100_000;

impl Memo {
    fn enabled(&self) -> bool {
        self.enabled.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn clear(&self) {
        if let Ok(mut d) = self.decisions.write() {
            d.clear();
        }
        if let Ok(mut g) = self.grants.write() {
            g.clear();
        }
    }
}

impl std::fmt::Debug for Authz {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Authz")
    }
}

/// A grant: user holds role in domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub user_id: i64,
    pub role: Role,
    /// `None` for the cooperative's domain.
    pub member_id: Option<i64>,
}

fn parse_domain(dom: &str) -> Option<Option<i64>> {
    if dom == COOP {
        Some(None)
    } else {
        dom.strip_prefix("member:")?.parse().ok().map(Some)
    }
}

impl Authz {
    /// Syncs the role policies from code (core's and the installed modules') into the
    /// database, then loads the enforcer.
    ///
    /// # Errors
    /// Database or casbin errors.
    pub async fn init(db: &DatabaseConnection) -> AppResult<Self> {
        // Without the app's modules the sync would drop every module's policies.
        if crate::module::all().is_empty() {
            return Err(AppError::Unexpected(anyhow::anyhow!(
                "the app's modules must be installed (core::module::install) before the policies are synced"
            )));
        }
        // Desired `p` rules, from code.
        let mut wanted: Vec<Vec<String>> = Vec::new();
        let core = Role::ALL
            .into_iter()
            .flat_map(|role| role.policies().iter().map(move |(o, a)| (role, *o, *a)));
        for (role, obj, act) in core.chain(crate::module::policies()) {
            wanted.push(vec![
                role.as_str().to_string(),
                "*".to_string(),
                obj.to_string(),
                act.to_string(),
            ]);
        }
        let existing: Vec<Vec<String>> = casbin_rule::Entity::find()
            .filter(casbin_rule::Column::Ptype.eq("p"))
            .all(db)
            .await?
            .iter()
            .map(row_rule)
            .collect();
        for stale in existing.iter().filter(|r| !wanted.contains(r)) {
            casbin_rule::Entity::delete_many()
                .filter(rule_condition("p", stale))
                .exec(db)
                .await?;
        }
        let missing: Vec<_> = wanted
            .iter()
            .filter(|r| !existing.contains(r))
            .map(|r| to_row("p", r))
            .collect();
        if !missing.is_empty() {
            casbin_rule::Entity::insert_many(missing)
                .exec_without_returning(db)
                .await?;
        }
        let model = DefaultModel::from_str(MODEL).await?;
        let enforcer = Enforcer::new(model, SeaOrmAdapter::new(db.clone())).await?;
        let memo = Memo::default();
        memo.enabled
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(Self {
            enforcer: Arc::new(RwLock::new(enforcer)),
            memo: Arc::new(memo),
        })
    }

    /// Turns the memo of answers on or off (`settings.caches.enabled`).
    pub fn remember_answers(&self, on: bool) {
        self.memo.clear();
        self.memo
            .enabled
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether `user` may `act` on `obj` in `domain`.
    ///
    /// # Errors
    /// casbin errors.
    pub async fn allowed(
        &self,
        user_id: i64,
        domain: &str,
        obj: &str,
        act: &str,
    ) -> AppResult<bool> {
        let memo = self.memo.enabled();
        if memo
            && let Ok(d) = self.memo.decisions.read()
            && let Some(answer) = d.get(&(
                user_id,
                domain.to_string(),
                obj.to_string(),
                act.to_string(),
            ))
        {
            return Ok(*answer);
        }
        let e = self.enforcer.read().await;
        let answer = e.enforce((subject(user_id).as_str(), domain, obj, act))?;
        // Stored while the enforcer is still read-locked: a grant waits for the lock,
        // then empties the memo, so no answer older than a grant survives it.
        if memo && let Ok(mut d) = self.memo.decisions.write() {
            if d.len() >= MEMO_MAX {
                d.clear();
            }
            d.insert(
                (
                    user_id,
                    domain.to_string(),
                    obj.to_string(),
                    act.to_string(),
                ),
                answer,
            );
        }
        drop(e);
        Ok(answer)
    }

    /// Grants `role` to a user, in a member's domain or (None) the cooperative's.
    ///
    /// # Errors
    /// A French message when the role does not fit the domain; casbin errors.
    pub async fn grant(&self, user_id: i64, role: Role, member_id: Option<i64>) -> AppResult<bool> {
        let dom = match (role.is_coop(), member_id) {
            (true, None) => COOP.to_string(),
            (false, Some(m)) => member_domain(m),
            (true, Some(_)) => {
                return Err(AppError::field(
                    "role",
                    "Ce rôle est un rôle de la coopérative : il ne s’attribue pas dans un adhérent.",
                ));
            }
            (false, None) => {
                return Err(AppError::field(
                    "member",
                    "Ce rôle s’attribue dans un adhérent : choisissez l’adhérent.",
                ));
            }
        };
        let mut e = self.enforcer.write().await;
        let added = e
            .add_grouping_policy(vec![subject(user_id), role.as_str().to_string(), dom])
            .await;
        self.memo.clear();
        Ok(added?)
    }

    /// Revokes one grant.
    ///
    /// # Errors
    /// casbin errors.
    pub async fn revoke(
        &self,
        user_id: i64,
        role: Role,
        member_id: Option<i64>,
    ) -> AppResult<bool> {
        let dom = member_id.map_or_else(|| COOP.to_string(), member_domain);
        let mut e = self.enforcer.write().await;
        let removed = e
            .remove_grouping_policy(vec![subject(user_id), role.as_str().to_string(), dom])
            .await;
        self.memo.clear();
        Ok(removed?)
    }

    /// Every grant of one user.
    pub async fn grants_of(&self, user_id: i64) -> Vec<Grant> {
        let memo = self.memo.enabled();
        if memo
            && let Ok(g) = self.memo.grants.read()
            && let Some(grants) = g.get(&user_id)
        {
            return grants.clone();
        }
        let e = self.enforcer.read().await;
        let grants: Vec<Grant> = e
            .get_filtered_grouping_policy(0, vec![subject(user_id)])
            .into_iter()
            .filter_map(|r| to_grant(&r))
            .collect();
        if memo && let Ok(mut g) = self.memo.grants.write() {
            if g.len() >= MEMO_MAX {
                g.clear();
            }
            g.insert(user_id, grants.clone());
        }
        drop(e);
        grants
    }

    /// Every grant of every user.
    pub async fn all_grants(&self) -> Vec<Grant> {
        let e = self.enforcer.read().await;
        e.get_grouping_policy()
            .into_iter()
            .filter_map(|r| to_grant(&r))
            .collect()
    }

    /// Roles of a user in a member's domain.
    pub async fn roles_in(&self, user_id: i64, member_id: i64) -> Vec<Role> {
        self.grants_of(user_id)
            .await
            .into_iter()
            .filter(|g| g.member_id == Some(member_id))
            .map(|g| g.role)
            .collect()
    }

    /// Cooperative roles of a user.
    pub async fn coop_roles(&self, user_id: i64) -> Vec<Role> {
        self.grants_of(user_id)
            .await
            .into_iter()
            .filter(|g| g.member_id.is_none())
            .map(|g| g.role)
            .collect()
    }

    /// Reloads every rule from the database (after a change made by another node).
    ///
    /// # Errors
    /// casbin errors.
    pub async fn reload(&self) -> AppResult<()> {
        let mut e = self.enforcer.write().await;
        let loaded = e.load_policy().await;
        self.memo.clear();
        Ok(loaded?)
    }
}

fn to_grant(r: &[String]) -> Option<Grant> {
    let user_id = r.first()?.strip_prefix("user:")?.parse().ok()?;
    let role = Role::parse(r.get(1)?)?;
    let member_id = parse_domain(r.get(2)?)?;
    Some(Grant {
        user_id,
        role,
        member_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            // The moderator's rights are all the practice module's (`practices.moderation`).
            assert!(!r.policies().is_empty() || r == Role::Moderator, "{r:?}");
        }
        assert_eq!(
            to_grant(&["user:3".into(), "dpo".into(), "member:12".into()]),
            Some(Grant {
                user_id: 3,
                role: Role::Dpo,
                member_id: Some(12)
            })
        );
    }
}
