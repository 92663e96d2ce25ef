//! Reading the log: a page of rows under a [`Filter`] (member, actor, action, days), the
//! same rows for an export, and the choices a filter form offers — all in SQL.
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::{entities::audit_log, error::AppResult};

/// Which member's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemberFilter {
    /// Every row (the cooperative's whole log).
    #[default]
    Any,
    /// Rows about no member (the cooperative's own: accounts, API keys, tariffs…).
    Coop,
    /// One member's rows.
    One(i64),
}

/// What the log page and its export show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub member: MemberFilter,
    /// The actor as stored (an e-mail, `système:…`, `clé-api:…`).
    pub actor: Option<String>,
    pub object_type: Option<String>,
    /// With `object_type` only.
    pub action: Option<String>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive).
    pub until: Option<DateTime<Utc>>,
}

impl Filter {
    /// One member's rows, or (None) every row.
    #[must_use]
    pub fn member(member_id: Option<i64>) -> Self {
        Self {
            member: member_id.map_or(MemberFilter::Any, MemberFilter::One),
            ..Self::default()
        }
    }

    fn member_condition(member: MemberFilter) -> Condition {
        match member {
            MemberFilter::Any => Condition::all(),
            MemberFilter::Coop => Condition::all().add(audit_log::Column::MemberId.is_null()),
            MemberFilter::One(id) => Condition::all().add(audit_log::Column::MemberId.eq(id)),
        }
    }

    fn select(&self) -> Select<audit_log::Entity> {
        let mut c = Self::member_condition(self.member);
        if let Some(a) = &self.actor {
            c = c.add(audit_log::Column::Actor.eq(a.as_str()));
        }
        if let Some(o) = &self.object_type {
            c = c.add(audit_log::Column::ObjectType.eq(o.as_str()));
            if let Some(a) = &self.action {
                c = c.add(audit_log::Column::Action.eq(a.as_str()));
            }
        }
        if let Some(from) = self.from {
            c = c.add(audit_log::Column::At.gte(from));
        }
        if let Some(until) = self.until {
            c = c.add(audit_log::Column::At.lt(until));
        }
        audit_log::Entity::find().filter(c)
    }
}

/// One page of the filtered log, newest first, and the number of rows it has.
///
/// # Errors
/// Database errors.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    filter: &Filter,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<audit_log::Model>, u64)> {
    let q = filter.select();
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(audit_log::Column::Seq)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// One page of the log (one member's, or every row), newest first: keyset on the chain's
/// `seq` (one range of `idx_audit_log_member`, or of the primary key).
///
/// # Errors
/// 422 for a cursor that is not this list's; database errors.
pub async fn page_after<C: ConnectionTrait>(
    db: &C,
    member_id: Option<i64>,
    page: &crate::keyset::Page,
) -> AppResult<(Vec<audit_log::Model>, Option<String>)> {
    let rows = page_select(member_id, page)?.all(db).await?;
    Ok(crate::keyset::finish(rows, page, |r| {
        vec![r.seq.to_string()]
    }))
}

/// The statement of [`page_after`] (for the query plans checked by the tests).
///
/// # Errors
/// 422 for a cursor that is not this list's.
pub fn page_statement(
    backend: sea_orm::DbBackend,
    member_id: Option<i64>,
    page: &crate::keyset::Page,
) -> AppResult<sea_orm::Statement> {
    use sea_orm::QueryTrait;
    Ok(page_select(member_id, page)?.build(backend))
}

fn page_select(
    member_id: Option<i64>,
    page: &crate::keyset::Page,
) -> AppResult<Select<audit_log::Entity>> {
    let after = match page.after.as_deref() {
        Some([seq]) => Some(vec![crate::keyset::int_of(seq)?.into()]),
        _ => None,
    };
    Ok(crate::keyset::seek(
        Filter::member(member_id).select(),
        &[audit_log::Column::Seq],
        true,
        after,
        page.limit,
    ))
}

/// Every row of the filtered log, newest first, up to `max` (an export), read in
/// batches. The second value is true when rows were left out.
///
/// # Errors
/// Database errors.
pub async fn export<C: ConnectionTrait>(
    db: &C,
    filter: &Filter,
    max: u64,
) -> AppResult<(Vec<audit_log::Model>, bool)> {
    const BATCH: u64 = 2000;
    let mut out = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut q = filter.select();
        if let Some(seq) = before {
            q = q.filter(audit_log::Column::Seq.lt(seq));
        }
        let rows = q
            .order_by_desc(audit_log::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await?;
        let last = rows.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
        before = rows.last().map(|r| r.seq);
        out.extend(rows);
        if out.len() as u64 > max {
            out.truncate(usize::try_from(max).unwrap_or(usize::MAX));
            return Ok((out, true));
        }
        if last {
            return Ok((out, false));
        }
    }
}

/// The actors found in a member's rows (or every row), in order.
///
/// # Errors
/// Database errors.
pub async fn actors<C: ConnectionTrait>(db: &C, member: MemberFilter) -> AppResult<Vec<String>> {
    Ok(audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Actor)
        .filter(Filter::member_condition(member))
        .distinct()
        .order_by_asc(audit_log::Column::Actor)
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// The `(object type, action)` pairs found in a member's rows (or every row).
///
/// # Errors
/// Database errors.
pub async fn actions<C: ConnectionTrait>(
    db: &C,
    member: MemberFilter,
) -> AppResult<Vec<(String, String)>> {
    Ok(audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::ObjectType)
        .column(audit_log::Column::Action)
        .filter(Filter::member_condition(member))
        .distinct()
        .into_tuple::<(String, String)>()
        .all(db)
        .await?)
}
