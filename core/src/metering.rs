//! Metering: meters declared in code by the modules that own them, usage events
//! recorded exactly once (`(member_id, idempotency_key)` is unique), and monthly
//! aggregates computed in Europe/Paris with exact decimals.
use std::collections::HashMap;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use rust_decimal::Decimal;
use sea_orm::{
    ConnectionTrait, EntityTrait, QueryResult, Set, TransactionSession, TransactionTrait,
    sea_query::OnConflict,
};
use serde::{Deserialize, Serialize};

use crate::{
    audit::{self, Actor},
    db::stmt,
    entities::{members, usage_closed_periods, usage_events},
    error::{AppError, AppResult},
    ids::new_id,
    scope::Scope,
    tenant::Tenant,
    time::Month,
};

/// Quantities are stored as integers in millionths: exact sums on every database.
pub const SCALE: u32 = 6;
const MICROS: i64 = 1_000_000;
/// How old an event may be when it arrives (two years of late reporting; an event of
/// year 0001 must not land in an old open month).
pub const MAX_EVENT_AGE_DAYS: i64 = 731;
/// The largest batch accepted by `POST /api/usage/events`.
pub const MAX_BATCH: usize = 1000;

/// How a meter's events become a period's quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Aggregation {
    /// Number of events (a compensating event counts −1).
    Count,
    /// Sum of quantities.
    Sum,
    /// Largest quantity.
    Max,
    /// Quantity of the latest event (by `occurred_at`).
    Latest,
    /// Number of distinct values of one property (e.g. employees paid).
    UniqueCount { property: &'static str },
}

impl Aggregation {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Sum => "sum",
            Self::Max => "max",
            Self::Latest => "latest",
            Self::UniqueCount { .. } => "unique_count",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Count => "nombre d’événements",
            Self::Sum => "somme",
            Self::Max => "maximum",
            Self::Latest => "dernière valeur",
            Self::UniqueCount { .. } => "nombre de valeurs distinctes",
        }
    }
}

/// A meter, declared in code by the module that owns it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Meter {
    /// `module.what`, e.g. `payroll.payslip`.
    pub code: &'static str,
    /// The owning module (its code; the meter's code starts with it).
    pub module: &'static str,
    pub aggregation: Aggregation,
    /// Unit label in French (`heures`, `bulletins`).
    pub unit: &'static str,
    /// What it measures, in French.
    pub label: &'static str,
    /// The largest quantity one event may carry, in units (either sign): an event
    /// above it is refused at ingestion with its index (1,000,000 unless the meter says
    /// otherwise). With it, a month's sum cannot overflow (see `aggregate`).
    pub max_per_event: i64,
}

/// Every meter of the platform, assembled by the app from core and each module.
#[derive(Debug, Clone, Default)]
pub struct Meters(Vec<Meter>);

impl Meters {
    /// Builds the registry; a code declared twice is a programming error reported at boot.
    ///
    /// # Errors
    /// On a duplicate meter code.
    pub fn new(meters: impl IntoIterator<Item = Meter>) -> AppResult<Self> {
        let mut v: Vec<Meter> = Vec::new();
        for m in meters {
            if v.iter().any(|x| x.code == m.code) {
                return Err(AppError::Unexpected(anyhow::anyhow!(
                    "meter {} declared twice",
                    m.code
                )));
            }
            v.push(m);
        }
        Ok(Self(v))
    }

    #[must_use]
    pub fn get(&self, code: &str) -> Option<&Meter> {
        self.0.iter().find(|m| m.code == code)
    }

    #[must_use]
    pub fn all(&self) -> &[Meter] {
        &self.0
    }
}

/// Parses a decimal quantity into millionths.
///
/// # Errors
/// A French message (not a number, too many decimals, too large).
pub fn parse_quantity(raw: &str) -> Result<i64, String> {
    use crate::money::{DecimalError, parse_plain_decimal};
    // Below 10^12 units: its millionths fit an i64 with room for the month's sums.
    let max = Decimal::new(999_999_999_999_999_999, SCALE);
    let d = parse_plain_decimal(raw, SCALE, max).map_err(|e| match e {
        DecimalError::NotANumber => {
            let shown: String = raw.trim().chars().take(40).collect();
            format!("quantité « {shown} » invalide : un nombre décimal est attendu (ex. \"1.5\").")
        }
        DecimalError::TooPrecise(_) => "quantité trop précise : 6 décimales au plus.".to_string(),
        DecimalError::TooLarge(_) => "quantité trop grande.".to_string(),
    })?;
    to_micros(d)
}

/// Converts a decimal into millionths.
///
/// # Errors
/// A French message when it has more than 6 decimals or is too large.
pub fn to_micros(d: Decimal) -> Result<i64, String> {
    let n = d.normalize();
    if n.scale() > SCALE {
        return Err("quantité trop précise : 6 décimales au plus.".to_string());
    }
    let scaled = n
        .checked_mul(Decimal::from(MICROS))
        .ok_or_else(|| "quantité trop grande.".to_string())?;
    i64::try_from(scaled).map_err(|_| "quantité trop grande.".to_string())
}

/// Millionths back to an exact decimal.
#[must_use]
pub fn from_micros(v: i64) -> Decimal {
    Decimal::new(v, SCALE).normalize()
}

/// Whether an insert took effect or the key was already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Inserted,
    Duplicate,
}

/// One event, validated, ready to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub member_id: i64,
    pub meter: String,
    pub quantity_micros: i64,
    pub occurred_at: DateTime<Utc>,
    pub idempotency_key: String,
    pub source: String,
    pub unique_value: Option<String>,
    pub reason: Option<String>,
    pub properties: serde_json::Value,
}

fn to_active(
    e: &NewEvent,
    id: uuid::Uuid,
    received_at: DateTime<Utc>,
    period: Month,
) -> usage_events::ActiveModel {
    usage_events::ActiveModel {
        member_id: Set(e.member_id),
        id: Set(id),
        meter: Set(e.meter.clone()),
        quantity_micros: Set(e.quantity_micros),
        occurred_at: Set(e.occurred_at),
        received_at: Set(received_at),
        idempotency_key: Set(e.idempotency_key.clone()),
        source: Set(e.source.clone()),
        unique_value: Set(e.unique_value.clone()),
        reason: Set(e.reason.clone()),
        properties: Set(e.properties.to_string()),
        period: Set(period.to_string()),
    }
}

fn on_conflict() -> OnConflict {
    OnConflict::columns([
        usage_events::Column::MemberId,
        usage_events::Column::IdempotencyKey,
    ])
    .do_nothing()
    .to_owned()
}

/// The advisory lock that orders ingestion (shared) against a period close (exclusive)
/// on PostgreSQL; SQLite serializes writers anyway.
const PERIOD_LOCK: i64 = 0x6d75_7475_616c; // "mutual"

async fn lock_periods<C: ConnectionTrait>(db: &C, exclusive: bool) -> AppResult<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let f = if exclusive {
            "pg_advisory_xact_lock"
        } else {
            "pg_advisory_xact_lock_shared"
        };
        db.execute_raw(stmt(
            db,
            &format!("SELECT {f}(?)"),
            vec![PERIOD_LOCK.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The closed periods, oldest first.
///
/// # Errors
/// Database errors.
pub async fn closed_periods<C: ConnectionTrait>(db: &C) -> AppResult<Vec<Month>> {
    let mut out: Vec<Month> = usage_closed_periods::Entity::find()
        .all(db)
        .await?
        .iter()
        .filter_map(|p| Month::parse(&p.period).ok())
        .collect();
    out.sort();
    Ok(out)
}

/// The period an event counts in: its month in Europe/Paris, or the first open month
/// after it when that month is closed (a late event).
#[must_use]
pub fn period_of(occurred_at: DateTime<Utc>, closed: &[Month]) -> Month {
    let mut p = Month::of(occurred_at);
    while closed.binary_search(&p).is_ok() {
        p = p.next();
    }
    p
}

/// Closes a period for usage: from now on its totals never change; late events count in
/// the next open period, with their real date. Idempotent.
///
/// # Errors
/// Database errors.
pub async fn close_period<C: ConnectionTrait>(db: &C, month: Month) -> AppResult<()> {
    lock_periods(db, true).await?;
    usage_closed_periods::Entity::insert(usage_closed_periods::ActiveModel {
        period: Set(month.to_string()),
        closed_at: Set(Utc::now().trunc_subsecs(6)),
    })
    .on_conflict(
        OnConflict::column(usage_closed_periods::Column::Period)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Whether a period is closed.
///
/// # Errors
/// Database errors.
pub async fn is_closed<C: ConnectionTrait>(db: &C, month: Month) -> AppResult<bool> {
    Ok(usage_closed_periods::Entity::find_by_id(month.to_string())
        .one(db)
        .await?
        .is_some())
}

/// Gives a period to events stored before periods existed (databases created by the
/// first migration only). Runs at boot; a no-op once done.
///
/// # Errors
/// Database errors.
pub async fn backfill_periods<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let closed = closed_periods(db).await?;
    let rows = usage_events::Entity::find()
        .filter(usage_events::Column::Period.eq(""))
        .all(db)
        .await?;
    let n = rows.len() as u64;
    for r in rows {
        let period = period_of(r.occurred_at, &closed).to_string();
        usage_events::Entity::update_many()
            .col_expr(
                usage_events::Column::Period,
                sea_orm::sea_query::Expr::value(period),
            )
            .filter(usage_events::Column::MemberId.eq(r.member_id))
            .filter(usage_events::Column::Id.eq(r.id))
            .exec(db)
            .await?;
    }
    Ok(n)
}

/// Stores events; returns how many were new (the rest were duplicates). The running
/// totals of the periods they count in are brought up to date in the same statements'
/// transaction (the caller's), from the rows actually stored (`RETURNING id`), so a
/// replay adds nothing.
///
/// # Errors
/// Database errors.
pub async fn insert_events<C: ConnectionTrait>(db: &C, events: &[NewEvent]) -> AppResult<u64> {
    let (inserted, totals) = insert_rows(db, events).await?;
    totals.write(db).await?;
    Ok(inserted)
}

/// Stores events and gives what they add to the running totals, for the caller to write
/// last in its transaction ([`TotalsDelta::write`]): a total row is a lock every writer
/// of that meter waits for, so it is taken after the audit head, in every transaction
/// (one order: no deadlock on PostgreSQL between an ingested batch and a module's
/// audited action on the same meter).
async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    events: &[NewEvent],
) -> AppResult<(u64, TotalsDelta)> {
    use sea_orm::QueryTrait;
    let now = Utc::now().trunc_subsecs(6);
    lock_periods(db, false).await?;
    let closed = closed_periods(db).await?;
    let mut totals = TotalsDelta::default();
    let mut inserted = 0;
    for chunk in events.chunks(500) {
        let ids: Vec<uuid::Uuid> = chunk.iter().map(|_| new_id()).collect();
        let periods: Vec<Month> = chunk
            .iter()
            .map(|e| period_of(e.occurred_at, &closed))
            .collect();
        let keys: HashMap<uuid::Uuid, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let rows: Vec<_> = chunk
            .iter()
            .zip(ids.iter().zip(&periods))
            .map(|(e, (id, period))| to_active(e, *id, now, *period))
            .collect();
        let mut q = usage_events::Entity::insert_many(rows)
            .on_conflict(on_conflict())
            .into_query();
        q.returning_col(usage_events::Column::Id);
        let stored = db
            .query_all_raw(db.get_database_backend().build(&q))
            .await?;
        for r in &stored {
            let id: uuid::Uuid = r.try_get("", "id")?;
            if let Some(&i) = keys.get(&id) {
                totals.add(&chunk[i], id, periods[i]);
                inserted += 1;
            }
        }
    }
    Ok((inserted, totals))
}

/// What a set of newly stored events adds to the running totals.
#[derive(Debug, Default)]
pub struct TotalsDelta {
    /// Ordered so that concurrent writers lock the total rows in the same order.
    rows: std::collections::BTreeMap<(i64, String, String), Totals>,
    uniques: std::collections::BTreeSet<(i64, String, String, String)>,
}

impl TotalsDelta {
    fn add(&mut self, e: &NewEvent, id: uuid::Uuid, period: Month) {
        let key = (e.member_id, period.to_string(), e.meter.clone());
        if let Some(v) = &e.unique_value {
            self.uniques
                .insert((key.0, key.1.clone(), key.2.clone(), v.clone()));
        }
        self.absorb(key, Totals::of_event(e.quantity_micros, e.occurred_at, id));
    }

    fn absorb(&mut self, key: (i64, String, String), t: Totals) {
        self.rows
            .entry(key)
            .and_modify(|mine| mine.absorb(&t))
            .or_insert(t);
    }

    /// Adds another delta to this one.
    pub fn merge(&mut self, other: Self) {
        for (key, t) in other.rows {
            self.absorb(key, t);
        }
        self.uniques.extend(other.uniques);
    }

    /// Writes the delta into the running totals (upserts in key order).
    ///
    /// # Errors
    /// Database errors.
    pub async fn write<C: ConnectionTrait>(&self, db: &C) -> AppResult<()> {
        let greatest = if crate::db::is_sqlite(db) {
            "MAX"
        } else {
            "GREATEST"
        };
        let newer = "usage_totals.latest_at IS NULL OR excluded.latest_at > usage_totals.latest_at \
                     OR (excluded.latest_at = usage_totals.latest_at AND excluded.latest_id > usage_totals.latest_id)";
        let rows: Vec<_> = self.rows.iter().collect();
        for chunk in rows.chunks(500) {
            let marks = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 11);
            for ((member, period, meter), t) in chunk {
                let (at, id, q) = t.latest.ok_or_else(|| {
                    AppError::Unexpected(anyhow::anyhow!("usage total without an event"))
                })?;
                values.extend([
                    (*member).into(),
                    period.clone().into(),
                    meter.clone().into(),
                    t.units.into(),
                    t.micros.into(),
                    t.count.into(),
                    t.max.into(),
                    t.events.into(),
                    at.into(),
                    id.into(),
                    q.into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO usage_totals (member_id, period, meter, units, micros, signed_count, \
                 max_micros, events, latest_at, latest_id, latest_micros) VALUES {marks} \
                 ON CONFLICT (member_id, period, meter) DO UPDATE SET \
                 units = usage_totals.units + excluded.units, \
                 micros = usage_totals.micros + excluded.micros, \
                 signed_count = usage_totals.signed_count + excluded.signed_count, \
                 max_micros = {greatest}(usage_totals.max_micros, excluded.max_micros), \
                 events = usage_totals.events + excluded.events, \
                 latest_at = CASE WHEN {newer} THEN excluded.latest_at ELSE usage_totals.latest_at END, \
                 latest_id = CASE WHEN {newer} THEN excluded.latest_id ELSE usage_totals.latest_id END, \
                 latest_micros = CASE WHEN {newer} THEN excluded.latest_micros ELSE usage_totals.latest_micros END"
            );
            db.execute_raw(stmt(db, &sql, values)).await?;
        }
        let uniques: Vec<_> = self.uniques.iter().collect();
        for chunk in uniques.chunks(1000) {
            let marks = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 4);
            for (member, period, meter, value) in chunk {
                values.extend([
                    (*member).into(),
                    period.clone().into(),
                    meter.clone().into(),
                    value.clone().into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO usage_unique_values (member_id, period, meter, value) VALUES {marks} \
                 ON CONFLICT (member_id, period, meter, value) DO NOTHING"
            );
            db.execute_raw(stmt(db, &sql, values)).await?;
        }
        Ok(())
    }
}

/// Rebuilds the running totals from the events themselves: at boot when events exist
/// without totals (a database of before the totals), and after a repair made by hand
/// in `usage_events`. Returns the number of total rows.
///
/// # Errors
/// Database errors (nothing is changed then).
pub async fn fill_totals<C: ConnectionTrait + TransactionTrait>(db: &C) -> AppResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    lock_periods(&txn, true).await?;
    for sql in [
        "DELETE FROM usage_unique_values",
        "DELETE FROM usage_totals",
        "INSERT INTO usage_totals (member_id, period, meter, units, micros, signed_count, max_micros, events) \
         SELECT member_id, period, meter, \
                CAST(SUM(quantity_micros / 1000000) AS BIGINT), \
                CAST(SUM(quantity_micros % 1000000) AS BIGINT), \
                CAST(SUM(CASE WHEN quantity_micros < 0 THEN -1 ELSE 1 END) AS BIGINT), \
                MAX(quantity_micros), COUNT(*) \
         FROM usage_events GROUP BY member_id, period, meter",
        "UPDATE usage_totals SET latest_id = (SELECT e.id FROM usage_events e \
           WHERE e.member_id = usage_totals.member_id AND e.period = usage_totals.period \
             AND e.meter = usage_totals.meter ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1)",
        "UPDATE usage_totals SET \
           latest_at = (SELECT e.occurred_at FROM usage_events e \
             WHERE e.member_id = usage_totals.member_id AND e.id = usage_totals.latest_id), \
           latest_micros = (SELECT e.quantity_micros FROM usage_events e \
             WHERE e.member_id = usage_totals.member_id AND e.id = usage_totals.latest_id)",
        "INSERT INTO usage_unique_values (member_id, period, meter, value) \
         SELECT DISTINCT member_id, period, meter, unique_value FROM usage_events \
         WHERE unique_value IS NOT NULL",
    ] {
        txn.execute_raw(stmt(&txn, sql, vec![])).await?;
    }
    let n = txn
        .query_one_raw(stmt(&txn, "SELECT COUNT(*) AS n FROM usage_totals", vec![]))
        .await?
        .map(|r| get_i64(&r, "n"))
        .transpose()?
        .unwrap_or_default();
    txn.commit().await?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// Fills the running totals when events exist without them (the first boot after the
/// migration that added them); a no-op otherwise.
///
/// # Errors
/// Database errors.
pub async fn fill_totals_if_missing<C: ConnectionTrait + TransactionTrait>(
    db: &C,
) -> AppResult<Option<u64>> {
    let any = |table: &'static str| async move {
        db.query_one_raw(stmt(
            db,
            &format!("SELECT 1 AS x FROM {table} LIMIT 1"),
            vec![],
        ))
        .await
        .map(|r| r.is_some())
    };
    if any("usage_totals").await? || !any("usage_events").await? {
        return Ok(None);
    }
    fill_totals(db).await.map(Some)
}

/// One usage record made by a module's action.
#[derive(Debug, Clone)]
pub struct Usage<'a> {
    pub meter: &'a str,
    pub quantity: Decimal,
    /// Unique per member forever: a replay with the same key is a no-op.
    pub idempotency_key: &'a str,
    /// Needed by `unique_count` meters (e.g. `{"employee": "…"}`).
    pub properties: serde_json::Value,
    /// When the usage happened; now when not set (a monthly task sets a day of the
    /// month it measures).
    pub occurred_at: Option<DateTime<Utc>>,
}

impl<'a> Usage<'a> {
    #[must_use]
    pub fn new(meter: &'a str, quantity: Decimal, idempotency_key: &'a str) -> Self {
        Self {
            meter,
            quantity,
            idempotency_key,
            properties: serde_json::json!({}),
            occurred_at: None,
        }
    }

    #[must_use]
    pub fn at(mut self, occurred_at: DateTime<Utc>) -> Self {
        self.occurred_at = Some(occurred_at);
        self
    }

    #[must_use]
    pub fn properties(mut self, properties: serde_json::Value) -> Self {
        self.properties = properties;
        self
    }
}

/// Records one usage event inside the caller's transaction, for the member of the
/// request: the action and its usage commit or roll back together. A key already used
/// for this member is a no-op.
///
/// # Errors
/// 422 for an unknown meter or an invalid quantity; database errors.
pub async fn record_usage<C: ConnectionTrait>(
    txn: &C,
    scope: &Scope,
    usage: Usage<'_>,
) -> AppResult<Recorded> {
    record_usage_for(txn, &scope.services().meters, scope.tenant(), usage).await
}

/// The same, for background tasks that act for a member without a request (monthly
/// meters such as active employees): the task names its tenant (`Tenant::for_task`).
///
/// # Errors
/// 422 for an unknown meter or an invalid quantity; database errors.
pub async fn record_usage_for<C: ConnectionTrait>(
    txn: &C,
    meters: &Meters,
    tenant: Tenant,
    usage: Usage<'_>,
) -> AppResult<Recorded> {
    let (recorded, totals) = record_usage_pending(txn, meters, tenant, usage).await?;
    totals.write(txn).await?;
    Ok(recorded)
}

/// [`record_usage_for`] that leaves the running totals to the caller, to write last in
/// its transaction (`Write::commit`, after the audit row).
///
/// # Errors
/// As [`record_usage_for`].
pub async fn record_usage_pending<C: ConnectionTrait>(
    txn: &C,
    meters: &Meters,
    tenant: Tenant,
    usage: Usage<'_>,
) -> AppResult<(Recorded, TotalsDelta)> {
    let member_id = tenant.member_id();
    let m = meters
        .get(usage.meter)
        .ok_or_else(|| AppError::field("meter", format!("Compteur inconnu : {}.", usage.meter)))?;
    let q = to_micros(usage.quantity).map_err(|msg| AppError::field("quantity", msg))?;
    let unique_value = match m.aggregation {
        Aggregation::UniqueCount { property } => Some(
            usage
                .properties
                .get(property)
                .map(json_scalar)
                .ok_or_else(|| {
                    AppError::field(
                        "properties",
                        format!("propriété « {property} » obligatoire pour ce compteur."),
                    )
                })?,
        ),
        _ => None,
    };
    let e = NewEvent {
        member_id,
        meter: m.code.to_string(),
        quantity_micros: q,
        occurred_at: usage.occurred_at.unwrap_or_else(Utc::now).trunc_subsecs(6),
        idempotency_key: usage.idempotency_key.to_string(),
        source: m.module.to_string(),
        unique_value,
        reason: None,
        properties: usage.properties,
    };
    let (n, totals) = insert_rows(txn, std::slice::from_ref(&e)).await?;
    Ok((
        if n == 1 {
            Recorded::Inserted
        } else {
            Recorded::Duplicate
        },
        totals,
    ))
}

fn json_scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One event of `POST /api/usage/events`.
#[derive(Debug, Clone, Deserialize)]
pub struct IncomingEvent {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub meter: Option<String>,
    #[serde(default)]
    pub quantity: Option<serde_json::Value>,
    #[serde(default)]
    pub occurred_at: Option<String>,
    #[serde(default)]
    pub properties: Option<serde_json::Value>,
}

/// The body of `POST /api/usage/events`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IncomingBatch {
    /// Each event: `{"id", "member", "meter", "quantity", "occurred_at", "properties"}`.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

/// A rejected event, by its index in the batch.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Rejected {
    pub index: usize,
    pub error: String,
}

/// The answer to a batch.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct BatchOutcome {
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: Vec<Rejected>,
}

/// Validates one incoming event against the meters and the members' slugs.
///
/// # Errors
/// A French message naming the field.
pub fn validate_event(
    raw: &serde_json::Value,
    meters: &Meters,
    members: &HashMap<String, i64>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<NewEvent, String> {
    // Read from the parsed body by reference: no copy of the event.
    let ev = IncomingEvent::deserialize(raw).map_err(|_| {
        "l’événement doit être un objet JSON avec les champs id, member, meter, quantity."
            .to_string()
    })?;
    let id = ev.id.unwrap_or_default();
    let id = id.trim();
    if id.is_empty() {
        return Err("id : identifiant obligatoire (clé d’idempotence).".to_string());
    }
    if id.len() > 200 {
        return Err("id : 200 caractères au plus.".to_string());
    }
    let slug = ev.member.unwrap_or_default();
    let member_id = *members
        .get(slug.trim())
        .ok_or_else(|| format!("member : adhérent « {slug} » inconnu."))?;
    let code = ev.meter.unwrap_or_default();
    let meter = meters
        .get(code.trim())
        .ok_or_else(|| format!("meter : compteur « {code} » inconnu (voir GET /api/meters)."))?;
    let quantity_micros = match ev.quantity {
        Some(serde_json::Value::String(s)) => {
            parse_quantity(&s).map_err(|m| format!("quantity : {m}"))?
        }
        Some(serde_json::Value::Number(n)) if n.is_i64() => {
            parse_quantity(&n.to_string()).map_err(|m| format!("quantity : {m}"))?
        }
        Some(serde_json::Value::Number(_)) => {
            return Err("quantity : donnez les décimales sous forme de chaîne (ex. \"1.5\") pour rester exact.".to_string());
        }
        None | Some(serde_json::Value::Null) if meter.aggregation == Aggregation::Count => MICROS,
        _ => {
            return Err(
                "quantity : quantité obligatoire, sous forme de chaîne décimale (ex. \"1.5\")."
                    .to_string(),
            );
        }
    };
    if quantity_micros.unsigned_abs() > meter.max_per_event.unsigned_abs() * MICROS.unsigned_abs() {
        return Err(format!(
            "quantity : au plus {} {} par événement pour ce compteur.",
            meter.max_per_event, meter.unit
        ));
    }
    if quantity_micros % MICROS != 0
        && matches!(
            meter.aggregation,
            Aggregation::Count | Aggregation::UniqueCount { .. }
        )
    {
        return Err("quantity : un nombre entier est attendu pour ce compteur.".to_string());
    }
    let occurred_at = match ev.occurred_at.as_deref().map(str::trim) {
        None | Some("") => now,
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|_| format!("occurred_at : date « {s} » invalide (format RFC 3339, ex. 2026-03-31T23:30:00Z)."))?
            .to_utc(),
    };
    if occurred_at > now + Duration::hours(24) {
        return Err("occurred_at : la date est dans le futur.".to_string());
    }
    if occurred_at < now - Duration::days(MAX_EVENT_AGE_DAYS) {
        return Err(format!(
            "occurred_at : un événement date de {MAX_EVENT_AGE_DAYS} jours au plus."
        ));
    }
    let properties = match ev.properties {
        None | Some(serde_json::Value::Null) => serde_json::json!({}),
        Some(p @ serde_json::Value::Object(_)) => p,
        Some(_) => return Err("properties : un objet JSON est attendu.".to_string()),
    };
    let reason = properties
        .get("reason")
        .and_then(|r| r.as_str())
        .map(str::to_string)
        .filter(|r| !r.trim().is_empty());
    if quantity_micros < 0 && reason.is_none() {
        return Err(
            "quantity : une quantité négative est une correction et exige properties.reason."
                .to_string(),
        );
    }
    let unique_value = match meter.aggregation {
        Aggregation::UniqueCount { property } => Some(
            properties
                .get(property)
                .map(json_scalar)
                .ok_or_else(|| format!("properties.{property} : obligatoire pour ce compteur."))?,
        ),
        _ => None,
    };
    Ok(NewEvent {
        member_id,
        meter: meter.code.to_string(),
        quantity_micros,
        occurred_at: occurred_at.trunc_subsecs(6),
        idempotency_key: id.to_string(),
        source: source.to_string(),
        unique_value,
        reason,
        properties,
    })
}

/// Ingests a batch from an external source: every valid event is stored in one
/// transaction, invalid ones are reported by index, replays are counted as duplicates.
///
/// # Errors
/// 400 for an empty or oversized batch; database errors (nothing is stored then).
pub async fn ingest_batch<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    meters: &Meters,
    actor: &Actor,
    source: &str,
    batch: &IncomingBatch,
) -> AppResult<BatchOutcome> {
    ingest_batch_from(db, meters, actor, source, batch, None).await
}

/// The queue of usage batches waiting for SQLite's write lock (tokio's mutex is fair).
static INGEST_QUEUE: std::sync::LazyLock<tokio::sync::Mutex<()>> =
    std::sync::LazyLock::new(|| tokio::sync::Mutex::new(()));

/// The API key a batch came with.
#[derive(Debug, Clone, Copy)]
pub struct KeyUse {
    pub id: i64,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// [`ingest_batch`] for a batch sent with an API key: the key's `last_used_at` is
/// brought up to date (to the minute) in the batch's own transaction — one commit, one
/// fsync, per batch.
///
/// # Errors
/// As [`ingest_batch`].
pub async fn ingest_batch_from<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    meters: &Meters,
    actor: &Actor,
    source: &str,
    batch: &IncomingBatch,
    key: Option<KeyUse>,
) -> AppResult<BatchOutcome> {
    if batch.events.is_empty() {
        return Err(AppError::BadRequest(
            "Le lot ne contient aucun événement.".to_string(),
        ));
    }
    if batch.events.len() > MAX_BATCH {
        return Err(AppError::BadRequest(format!(
            "Un lot contient au plus {MAX_BATCH} événements ({} reçus) : découpez l’envoi.",
            batch.events.len()
        )));
    }
    let slugs: HashMap<String, i64> = members::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.slug, m.id))
        .collect();
    let now = Utc::now();
    let mut valid = Vec::with_capacity(batch.events.len());
    let mut rejected = Vec::new();
    for (index, raw) in batch.events.iter().enumerate() {
        match validate_event(raw, meters, &slugs, source, now) {
            Ok(e) => valid.push(e),
            Err(error) => rejected.push(Rejected { index, error }),
        }
    }
    // On SQLite, batches take the write lock in turn, first come first served: left to
    // SQLite's busy handler (sleeps of up to 100 ms between tries), a waiting batch can
    // lose to newcomers again and again — seconds of wait under a stream of batches.
    let _turn = if crate::db::is_sqlite(db) {
        Some(INGEST_QUEUE.lock().await)
    } else {
        None
    };
    let txn = crate::db::begin_write(db).await?;
    let (accepted, totals) = if valid.is_empty() {
        (0, TotalsDelta::default())
    } else {
        insert_rows(&txn, &valid).await?
    };
    let duplicates = valid.len() as u64 - accepted;
    audit::record(
        &txn,
        actor,
        None,
        "usage_batch",
        source,
        "ingest",
        serde_json::json!({"accepted": accepted, "duplicates": duplicates, "rejected": rejected.len()}),
    )
    .await?;
    if let Some(k) = key
        && k.last_used_at
            .is_none_or(|t| now - t > Duration::minutes(1))
    {
        txn.execute_raw(stmt(
            &txn,
            "UPDATE api_keys SET last_used_at = ? WHERE id = ?",
            vec![now.into(), k.id.into()],
        ))
        .await?;
    }
    totals.write(&txn).await?;
    txn.commit().await?;
    Ok(BatchOutcome {
        accepted,
        duplicates,
        rejected,
    })
}

/// A meter's quantity for one member and period.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct MeterUsage {
    pub meter: String,
    pub module: String,
    pub aggregation: String,
    pub unit: String,
    pub label: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = crate::api::schema::decimal)]
    pub quantity: Decimal,
    pub events: i64,
}

fn get_i64(r: &QueryResult, col: &str) -> AppResult<i64> {
    Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or_default())
}

/// The running totals of one (member, period, meter).
#[derive(Debug, Clone, Copy)]
struct Totals {
    /// The sum of the whole units, and of the millionths, summed apart: each event is
    /// at most `max_per_event` (≤ 10^12 millionths), so neither sum overflows a BIGINT
    /// before 9 × 10^12 events; they are combined in a Decimal.
    units: i64,
    micros: i64,
    /// Events counted +1, corrections (negative quantities) −1.
    count: i64,
    max: i64,
    events: i64,
    /// The newest event by (occurred_at, id), and its quantity.
    latest: Option<(DateTime<Utc>, uuid::Uuid, i64)>,
}

impl Totals {
    /// The totals of one event.
    fn of_event(q: i64, at: DateTime<Utc>, id: uuid::Uuid) -> Self {
        Self {
            units: q / MICROS,
            micros: q % MICROS,
            count: if q < 0 { -1 } else { 1 },
            max: q,
            events: 1,
            latest: Some((at, id, q)),
        }
    }

    /// Adds other totals of the same (member, period, meter).
    fn absorb(&mut self, other: &Self) {
        self.units += other.units;
        self.micros += other.micros;
        self.count += other.count;
        self.max = self.max.max(other.max);
        self.events += other.events;
        if other.latest > self.latest {
            self.latest = other.latest;
        }
    }
}

/// A period's quantities per (member, meter), for one member or all of them, read from
/// the running totals (a few rows, whatever the number of events).
async fn aggregate<C: ConnectionTrait>(
    db: &C,
    meters: &Meters,
    member_id: Option<i64>,
    month: Month,
) -> AppResult<HashMap<(i64, String), MeterUsage>> {
    let (filter, mut values): (&str, Vec<sea_orm::Value>) = match member_id {
        Some(id) => ("member_id = ? AND ", vec![id.into()]),
        None => ("", vec![]),
    };
    values.push(month.to_string().into());
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT member_id, meter, units, micros, signed_count, max_micros, events, \
                        latest_micros FROM usage_totals WHERE {filter}period = ?"
            ),
            values.clone(),
        ))
        .await?;
    let mut uniques: HashMap<(i64, String), i64> = HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT member_id, meter, COUNT(*) AS u FROM usage_unique_values \
                 WHERE {filter}period = ? GROUP BY member_id, meter"
            ),
            values,
        ))
        .await?
    {
        uniques.insert(
            (r.try_get("", "member_id")?, r.try_get("", "meter")?),
            get_i64(&r, "u")?,
        );
    }
    let mut out = HashMap::with_capacity(rows.len());
    for r in &rows {
        let member: i64 = r.try_get("", "member_id")?;
        let code: String = r.try_get("", "meter")?;
        let Some(m) = meters.get(&code) else {
            continue;
        };
        let events = get_i64(r, "events")?;
        let quantity = match m.aggregation {
            Aggregation::Sum => (Decimal::from(get_i64(r, "units")?)
                + from_micros(get_i64(r, "micros")?))
            .normalize(),
            Aggregation::Count => Decimal::from(get_i64(r, "signed_count")?),
            Aggregation::Max => from_micros(get_i64(r, "max_micros")?),
            Aggregation::UniqueCount { .. } => {
                Decimal::from(uniques.get(&(member, code.clone())).copied().unwrap_or(0))
            }
            Aggregation::Latest => from_micros(get_i64(r, "latest_micros")?),
        };
        out.insert((member, code), usage_row(m, quantity, events));
    }
    Ok(out)
}

fn usage_row(m: &Meter, quantity: Decimal, events: i64) -> MeterUsage {
    MeterUsage {
        meter: m.code.to_string(),
        module: m.module.to_string(),
        aggregation: m.aggregation.code().to_string(),
        unit: m.unit.to_string(),
        label: m.label.to_string(),
        quantity,
        events,
    }
}

/// Quantity per meter for one member and period (months in Europe/Paris). Every
/// declared meter is listed, with zero when it has no events.
///
/// # Errors
/// Database errors.
pub async fn usage_for_month<C: ConnectionTrait>(
    db: &C,
    meters: &Meters,
    member_id: i64,
    month: Month,
) -> AppResult<Vec<MeterUsage>> {
    let mut totals = aggregate(db, meters, Some(member_id), month).await?;
    Ok(meters
        .all()
        .iter()
        .map(|m| {
            totals
                .remove(&(member_id, m.code.to_string()))
                .unwrap_or_else(|| usage_row(m, Decimal::ZERO, 0))
        })
        .collect())
}

/// Quantity per member and meter for a month, for every member at once (the board's
/// overview and the billing period close). Only (member, meter) pairs with events.
///
/// # Errors
/// Database errors.
pub async fn usage_all_members<C: ConnectionTrait>(
    db: &C,
    meters: &Meters,
    month: Month,
) -> AppResult<HashMap<(i64, String), MeterUsage>> {
    aggregate(db, meters, None, month).await
}

/// The events behind a quantity: one member's events of one meter in one period, newest
/// first (at most `limit`), and how many there are in all.
///
/// # Errors
/// Database errors.
pub async fn events_for<C: ConnectionTrait>(
    db: &C,
    member_id: i64,
    meter: &str,
    month: Month,
    limit: u64,
) -> AppResult<(Vec<usage_events::Model>, u64)> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let q = usage_events::Entity::find()
        .filter(usage_events::Column::MemberId.eq(member_id))
        .filter(usage_events::Column::Meter.eq(meter))
        .filter(usage_events::Column::Period.eq(month.to_string()));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(usage_events::Column::OccurredAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// One page of a member's events of one meter in one period, newest first: keyset on
/// (occurred_at, id), one range of `idx_usage_events_member_meter_period`. Gives the rows
/// and the next page's cursor.
///
/// # Errors
/// 422 for a cursor that is not this list's; database errors.
pub async fn events_page<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    meter: &str,
    month: Month,
    page: &crate::keyset::Page,
) -> AppResult<(Vec<usage_events::Model>, Option<String>)> {
    let rows = events_select(tenant, meter, month, page)?.all(db).await?;
    Ok(crate::keyset::finish(rows, page, |e| {
        vec![crate::keyset::instant(e.occurred_at), e.id.to_string()]
    }))
}

/// The statement of [`events_page`] (for the query plans checked by the tests).
///
/// # Errors
/// 422 for a cursor that is not this list's.
pub fn events_page_statement(
    backend: sea_orm::DbBackend,
    tenant: Tenant,
    meter: &str,
    month: Month,
    page: &crate::keyset::Page,
) -> AppResult<sea_orm::Statement> {
    use sea_orm::QueryTrait;
    Ok(events_select(tenant, meter, month, page)?.build(backend))
}

fn events_select(
    tenant: Tenant,
    meter: &str,
    month: Month,
    page: &crate::keyset::Page,
) -> AppResult<sea_orm::Select<usage_events::Entity>> {
    use crate::{keyset, tenant::MemberOwned};
    use sea_orm::{ColumnTrait, QueryFilter};
    use usage_events::Column as Col;
    let after = match page.after.as_deref() {
        Some([at, id]) => Some(vec![
            keyset::instant_of(at)?.into(),
            keyset::uuid_of(id)?.into(),
        ]),
        _ => None,
    };
    Ok(keyset::seek(
        usage_events::Entity::find_in(tenant)
            .filter(Col::Meter.eq(meter))
            .filter(Col::Period.eq(month.to_string())),
        &[Col::OccurredAt, Col::Id],
        true,
        after,
        page.limit,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_events_go_to_the_next_open_period() {
        let at = DateTime::parse_from_rfc3339("2026-03-31T23:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(period_of(at, &[]).to_string(), "2026-04");
        let closed = [
            Month::parse("2026-04").unwrap(),
            Month::parse("2026-05").unwrap(),
        ];
        assert_eq!(period_of(at, &closed).to_string(), "2026-06");
    }

    #[test]
    fn quantities_are_exact() {
        assert_eq!(parse_quantity("1.5"), Ok(1_500_000));
        assert_eq!(parse_quantity("0.000001"), Ok(1));
        assert!(parse_quantity("0.0000001").is_err());
        assert!(parse_quantity("abc").is_err());
        assert_eq!(
            from_micros(parse_quantity("0.1").unwrap() * 3).to_string(),
            "0.3"
        );
    }

    #[test]
    fn only_plain_decimals_within_the_scale_are_quantities() {
        for bad in [
            "1e2",
            "1E2",
            "+1",
            " 1 2",
            "1.",
            ".5",
            "0x10",
            "1,5",
            "∞",
            "NaN",
            "--1",
            "0.1234567890123456789012345678",
            "79228162514264337593543950335",
            "9223372036854.775807",
            "1000000000000",
        ] {
            assert!(parse_quantity(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_quantity("-2.50"), Ok(-2_500_000));
        assert_eq!(
            parse_quantity("999999999999.999999"),
            Ok(999_999_999_999_999_999)
        );
        assert_eq!(parse_quantity("1.500000000"), Ok(1_500_000));
    }

    proptest::proptest! {
        // Any string: an answer, never a panic.
        #[test]
        fn any_quantity_string_is_answered(raw in "\\PC{0,40}") {
            let _ = parse_quantity(&raw);
        }

        // Any quantity of at most 6 decimals round-trips exactly.
        #[test]
        fn plain_quantities_round_trip(units in -999_999_999_999i64..999_999_999_999, frac in 0u32..1_000_000) {
            let raw = format!("{units}.{frac:06}");
            let micros = parse_quantity(&raw).unwrap();
            proptest::prop_assert_eq!(from_micros(micros), raw.parse::<Decimal>().unwrap().normalize());
        }
    }

    #[test]
    fn an_event_above_its_meters_bound_or_a_fraction_of_a_count_is_refused() {
        let meters = Meters::new(CORE_METERS).unwrap();
        let members = HashMap::from([("alpha".to_string(), 1)]);
        let now = Utc::now();
        let ev = |meter: &str, q: &str| {
            validate_event(
                &serde_json::json!({"id": "e", "member": "alpha", "meter": meter, "quantity": q}),
                &meters,
                &members,
                "test",
                now,
            )
        };
        assert!(ev("it.support_hours", "1000000").is_ok());
        let e = ev("it.support_hours", "1000000.000001").unwrap_err();
        assert!(e.contains("au plus 1000000 heures"), "{e}");
        assert!(ev("it.support_hours", "-1000000.1").is_err());
        assert!(
            ev("it.tickets", "0.5")
                .unwrap_err()
                .contains("nombre entier")
        );
        let old = validate_event(
            &serde_json::json!({"id": "e", "member": "alpha", "meter": "it.tickets",
                                "occurred_at": "0001-01-01T00:00:00Z"}),
            &meters,
            &members,
            "test",
            now,
        );
        assert!(old.unwrap_err().contains("731 jours"));
    }

    /// The IT module's meters, as the app declares them.
    const CORE_METERS: [Meter; 2] = [
        Meter {
            code: "it.support_hours",
            module: "it",
            aggregation: Aggregation::Sum,
            unit: "heures",
            label: "Heures de support informatique",
            max_per_event: 1_000_000,
        },
        Meter {
            code: "it.tickets",
            module: "it",
            aggregation: Aggregation::Count,
            unit: "tickets",
            label: "Tickets de support informatique",
            max_per_event: 1_000_000,
        },
    ];

    #[test]
    fn events_are_validated_field_by_field() {
        let meters = Meters::new(CORE_METERS).unwrap();
        let members: HashMap<String, i64> = [("tilleuls".to_string(), 1)].into();
        let now = Utc::now();
        let ok = serde_json::json!({"id": "t-1", "member": "tilleuls", "meter": "it.support_hours", "quantity": "1.25"});
        let e = validate_event(&ok, &meters, &members, "src", now).unwrap();
        assert_eq!(e.quantity_micros, 1_250_000);
        let cases = [
            (
                serde_json::json!({"member": "tilleuls", "meter": "it.tickets"}),
                "id",
            ),
            (
                serde_json::json!({"id": "x", "member": "nope", "meter": "it.tickets"}),
                "member",
            ),
            (
                serde_json::json!({"id": "x", "member": "tilleuls", "meter": "zz"}),
                "meter",
            ),
            (
                serde_json::json!({"id": "x", "member": "tilleuls", "meter": "it.support_hours", "quantity": 1.5}),
                "quantity",
            ),
            (
                serde_json::json!({"id": "x", "member": "tilleuls", "meter": "it.support_hours", "quantity": "-1"}),
                "reason",
            ),
            (
                serde_json::json!({"id": "x", "member": "tilleuls", "meter": "it.tickets", "occurred_at": "hier"}),
                "occurred_at",
            ),
        ];
        for (raw, needle) in cases {
            let err = validate_event(&raw, &meters, &members, "src", now).unwrap_err();
            assert!(err.contains(needle), "{err} should name {needle}");
        }
        // A count meter defaults its quantity to 1.
        let t = serde_json::json!({"id": "t-2", "member": "tilleuls", "meter": "it.tickets"});
        assert_eq!(
            validate_event(&t, &meters, &members, "src", now)
                .unwrap()
                .quantity_micros,
            MICROS
        );
    }
}
