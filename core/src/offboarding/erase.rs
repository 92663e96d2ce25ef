//! The member's erasure on departure: every row it owns goes, but what the law keeps
//! ([`super::retention`]); its accounts that serve no one else are disabled and
//! anonymised. The dry run is the same work in a transaction rolled back, so what it
//! shows is exactly what the erasure would do.
use chrono::{NaiveDate, Utc};
use loco_rs::app::AppContext;
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde::Serialize;
use serde_json::json;

use super::{
    catalog, people,
    retention::{self, Clear, Keep, Retention, ident, keep_sql},
};
use crate::{
    audit::{self, Actor},
    authz::member_domain,
    db::stmt,
    entities::members,
    error::{AppError, AppResult},
    member, module,
    time::paris_today,
};

/// What happens to one table's rows of the member.
#[derive(Debug, Clone, Serialize)]
pub struct TablePlan {
    pub table: String,
    /// The French name of the module owning the table (`Cœur` for core's).
    pub owner: String,
    pub rows: u64,
    pub erased: u64,
    pub kept: u64,
    /// Why the kept rows stay (empty when none does).
    pub reason: String,
    /// Columns emptied on the kept rows.
    pub cleared: Vec<String>,
}

/// An account of the member's.
#[derive(Debug, Clone, Serialize)]
pub struct PersonPlan {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    /// Disabled and anonymised (it serves no other member nor the cooperative);
    /// otherwise only its grants here are removed.
    pub anonymised: bool,
}

/// The whole of an erasure (done or, for the dry run, that would be done).
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub slug: String,
    pub tables: Vec<TablePlan>,
    pub people: Vec<PersonPlan>,
    pub grants: u64,
    /// Why the erasure is refused today (subscriptions still running), if it is.
    pub refused: Option<String>,
}

impl Plan {
    #[must_use]
    pub fn erased(&self) -> u64 {
        self.tables.iter().map(|t| t.erased).sum()
    }

    #[must_use]
    pub fn kept(&self) -> u64 {
        self.tables.iter().map(|t| t.kept).sum()
    }
}

/// Every retention rule: core's and the installed modules'.
#[must_use]
pub fn rules() -> Vec<Retention> {
    retention::CORE
        .iter()
        .chain(module::all().iter().flat_map(|m| m.retention.iter()))
        .copied()
        .collect()
}

fn owner(table: &str) -> String {
    module::all()
        .iter()
        .find(|m| table.starts_with(&format!("{}_", m.code)))
        .map_or_else(|| "Cœur".to_string(), |m| m.label.to_string())
}

/// Why the member cannot be erased today, if so: a subscription still running or to
/// come (the member's last day must be over).
///
/// # Errors
/// Database errors.
pub async fn refusal<C: ConnectionTrait>(
    db: &C,
    m: &members::Model,
    today: NaiveDate,
) -> AppResult<Option<String>> {
    let running: Vec<String> = member::subscriptions(db, m.id)
        .await?
        .into_iter()
        .filter(|s| s.end_date.is_none_or(|e| e >= today))
        .map(|s| module::label(&s.module).to_string())
        .collect();
    Ok((!running.is_empty()).then(|| {
        format!(
            "L’adhérent « {} » a encore des abonnements en cours ou à venir ({}) : terminez-les (au plus tard hier) avant de l’effacer.",
            m.name,
            running.join(", ")
        )
    }))
}

async fn count<C: ConnectionTrait>(db: &C, t: &str, member_id: i64) -> AppResult<u64> {
    let row = db
        .query_one_raw(stmt(
            db,
            &format!("SELECT COUNT(*) AS n FROM {t} WHERE \"member_id\" = ?"),
            vec![member_id.into()],
        ))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

fn unquotable(name: &str) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("unquotable name {name}"))
}

/// Erases the member's rows in `txn` and reports, table by table.
async fn erase_rows(
    txn: &DatabaseTransaction,
    m: &members::Model,
    today: NaiveDate,
) -> AppResult<Vec<TablePlan>> {
    let tables = catalog::member_tables(txn).await?;
    let fks = catalog::foreign_keys(txn).await?;
    let rules = rules();
    let mut out = Vec::with_capacity(tables.len());
    for table in catalog::children_first(&tables, &fks) {
        let t = ident(&table).ok_or_else(|| unquotable(&table))?;
        let rows = count(txn, &t, m.id).await?;
        let rule = retention::rule_of(&rules, &table);
        if rows > 0 && !matches!(rule.map(|r| r.keep), Some(Keep::Always)) {
            let mut sql = format!("DELETE FROM {t} WHERE {t}.\"member_id\" = ?");
            let mut values: Vec<sea_orm::Value> = vec![m.id.into()];
            if let Some((cond, dates)) = keep_sql(&rules, &table, &t, today, 0) {
                sql.push_str(&format!(" AND NOT {cond}"));
                values.extend(dates.into_iter().map(sea_orm::Value::from));
            }
            // A row another kept row points at stays (it is erased with it later).
            for (i, fk) in fks
                .iter()
                .filter(|f| f.parent == table && f.child != table)
                .enumerate()
            {
                let c = format!("c{i}");
                let mut on = Vec::with_capacity(fk.pairs.len());
                for (from, to) in &fk.pairs {
                    on.push(format!(
                        "{c}.{} = {t}.{}",
                        ident(from).ok_or_else(|| unquotable(from))?,
                        ident(to).ok_or_else(|| unquotable(to))?
                    ));
                }
                sql.push_str(&format!(
                    " AND NOT EXISTS (SELECT 1 FROM {} {c} WHERE {})",
                    ident(&fk.child).ok_or_else(|| unquotable(&fk.child))?,
                    on.join(" AND ")
                ));
            }
            txn.execute_raw(stmt(txn, &sql, values)).await?;
        }
        let kept = count(txn, &t, m.id).await?;
        let mut cleared = Vec::new();
        if let Some(r) = rule
            && kept > 0
            && !r.clear.is_empty()
        {
            let mut sets = Vec::with_capacity(r.clear.len());
            for c in r.clear {
                let q = ident(c.column()).ok_or_else(|| unquotable(c.column()))?;
                sets.push(match c {
                    Clear::Null(_) => format!("{q} = NULL"),
                    Clear::Empty(_) => format!("{q} = ''"),
                });
                cleared.push(c.column().to_string());
            }
            txn.execute_raw(stmt(
                txn,
                &format!("UPDATE {t} SET {} WHERE \"member_id\" = ?", sets.join(", ")),
                vec![m.id.into()],
            ))
            .await?;
        }
        let reason = match (kept, rule) {
            (0, _) => String::new(),
            (_, Some(r)) => r.reason.to_string(),
            (_, None) => retention::REFERENCED.to_string(),
        };
        out.push(TablePlan {
            owner: owner(&table),
            table,
            rows,
            erased: rows - kept.min(rows),
            kept,
            reason,
            cleared,
        });
    }
    out.sort_by(|a, b| a.table.cmp(&b.table));
    Ok(out)
}

/// Removes the member's grants; disables and anonymises its accounts that hold no
/// other grant, and ends their sessions, reset links and API keys.
async fn erase_people(
    txn: &DatabaseTransaction,
    m: &members::Model,
) -> AppResult<(Vec<PersonPlan>, u64)> {
    let grants = people::grants(txn, m.id).await?;
    let mut ids: Vec<i64> = grants.iter().map(|g| g.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    let now = Utc::now();
    for id in ids {
        let Some(u) = crate::auth::find_user(txn, id).await? else {
            continue;
        };
        let anonymised = !people::has_other_grants(txn, id, m.id).await?;
        out.push(PersonPlan {
            user_id: id,
            email: u.email.clone(),
            name: u.name.clone(),
            anonymised,
        });
        if !anonymised {
            continue;
        }
        txn.execute_raw(stmt(
            txn,
            "UPDATE users SET email = ?, name = ?, password_hash = '', disabled_at = ?, updated_at = ? WHERE id = ?",
            vec![
                format!("compte-efface-{id}@invalid").into(),
                "Compte effacé".into(),
                now.into(),
                now.into(),
                id.into(),
            ],
        ))
        .await?;
        for sql in [
            "DELETE FROM sessions WHERE user_id = ?",
            "DELETE FROM password_resets WHERE user_id = ?",
            "DELETE FROM api_keys WHERE created_by = ?",
        ] {
            txn.execute_raw(stmt(txn, sql, vec![id.into()])).await?;
        }
    }
    txn.execute_raw(stmt(
        txn,
        "DELETE FROM casbin_rule WHERE ptype = 'g' AND v2 = ?",
        vec![member_domain(m.id).into()],
    ))
    .await?;
    Ok((out, grants.len() as u64))
}

async fn run(txn: &DatabaseTransaction, m: &members::Model, today: NaiveDate) -> AppResult<Plan> {
    let tables = erase_rows(txn, m, today).await?;
    let (people, grants) = erase_people(txn, m).await?;
    let now = Utc::now();
    txn.execute_raw(stmt(
        txn,
        "UPDATE members SET erased_at = ?, updated_at = ? WHERE id = ?",
        vec![now.into(), now.into(), m.id.into()],
    ))
    .await?;
    Ok(Plan {
        slug: m.slug.clone(),
        tables,
        people,
        grants,
        refused: None,
    })
}

/// The dry run: what the erasure would erase and keep today, table by table (the
/// erasure itself, rolled back). Writes nothing.
///
/// # Errors
/// Database errors.
pub async fn dry_run(ctx: &AppContext, m: &members::Model) -> AppResult<Plan> {
    let today = paris_today();
    let txn = crate::db::begin_write(&ctx.db).await?;
    let mut plan = run(&txn, m, today).await?;
    txn.rollback().await?;
    plan.refused = refusal(&ctx.db, m, today).await?;
    Ok(plan)
}

/// Erases the member in one transaction, with its audit row; `confirm` must be the
/// member's slug. Refused while a subscription runs.
///
/// # Errors
/// 422 when the confirmation is not the slug, the member is already erased or still
/// subscribed; database errors (nothing is erased then).
pub async fn erase(
    ctx: &AppContext,
    actor: &Actor,
    m: &members::Model,
    confirm: &str,
) -> AppResult<Plan> {
    if confirm.trim() != m.slug {
        return Err(AppError::field(
            "confirm",
            format!(
                "Pour confirmer l’effacement, saisissez exactement l’identifiant de l’adhérent : « {} ».",
                m.slug
            ),
        ));
    }
    if m.erased_at.is_some() {
        return Err(AppError::field(
            "confirm",
            format!("L’adhérent « {} » est déjà effacé.", m.name),
        ));
    }
    let today = paris_today();
    if let Some(why) = refusal(&ctx.db, m, today).await? {
        return Err(AppError::field("confirm", why));
    }
    let txn = crate::db::begin_write(&ctx.db).await?;
    let plan = run(&txn, m, today).await?;
    audit::record(
        &txn,
        actor,
        Some(m.id),
        "member",
        &m.id.to_string(),
        "erase",
        json!({
            "slug": m.slug,
            "erased": plan.erased(),
            "kept": plan.kept(),
            "users_disabled": plan.people.iter().filter(|p| p.anonymised).count(),
        }),
    )
    .await?;
    txn.commit().await?;
    crate::cache::changed(crate::cache::Kind::Users);
    crate::cache::changed(crate::cache::Kind::Members);
    // The enforcer holds the grants in memory: read them again.
    if let Ok(svc) = crate::scope::services(ctx) {
        svc.authz.reload().await?;
    }
    Ok(plan)
}
