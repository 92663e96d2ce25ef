//! The variable elements of a period: typed or imported lines (stored), and the absences
//! HR records, which flow in by themselves (source `hr`, never typed twice): while a
//! period is open they are read from HR each time, so a cancelled leave leaves it; when it
//! is submitted they are written down with it. An absence that changes in HR after its
//! period was submitted comes into the next open period as an amendment line tagged with
//! the period it concerns.
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    keyset,
    limits::{Check, Dates, Text},
    money::{MAX_EUROS, parse_decimal},
    tenant::{MemberOwned, Tenant},
    time::{Month, paris_today},
    write::Write,
};
use mutualis_hr::facts;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    domain::{CATALOGUE, Kind, Line, Source, Unit, code_def},
    entities::{payroll_lines, payroll_periods},
    periods::{self, is_open, status},
};

/// A line as typed (API, page, spreadsheet row).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LineInput {
    pub matricule: String,
    /// A code of the catalogue (`HS25`, `MAL`, `PRIME_EXCEP`…).
    pub code: String,
    /// Days, hours, a count or kilometres (decimal string); empty for an amount.
    pub quantity: String,
    /// Euros, for amount codes (decimal string).
    pub amount: String,
    /// A rate (IK scale, a bonus rate), when the payroll software does not own it.
    pub rate: String,
    /// `YYYY-MM-DD` (required for absences).
    pub start_date: String,
    pub end_date: String,
    /// Sick leave: first stop (`true`) or extension (`false`).
    pub first_stop: Option<bool>,
    /// Sick leave: the certificate was received.
    pub certificate: bool,
    /// `YYYY-MM`: the earlier period this line corrects (an amendment line).
    pub concerns: String,
    pub comment: String,
}

fn micros(d: Decimal) -> i64 {
    rust_decimal::prelude::ToPrimitive::to_i64(&(d * Decimal::from(1_000_000)).trunc()).unwrap_or(0)
}

fn from_micros(m: i64) -> Decimal {
    Decimal::new(m, 6).normalize()
}

fn cents(d: Decimal) -> i64 {
    rust_decimal::prelude::ToPrimitive::to_i64(&(d * Decimal::from(100)).round()).unwrap_or(0)
}

/// A UUID derived from `parts` (v8): the same facts give the same id on every read.
#[must_use]
pub fn stable_id(parts: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(parts.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

/// A validated line, before storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLine {
    pub employee_id: Uuid,
    pub matricule: String,
    pub code: String,
    pub quantity: Decimal,
    pub rate: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub first_stop: Option<bool>,
    pub certificate: bool,
    pub concerns: Month,
    pub comment: Option<String>,
}

/// Checks a line typed for `period`: a known code and matricule (422 otherwise), a
/// quantity or an amount as the code's unit wants, dates where an absence needs them.
///
/// # Errors
/// One `FieldError` per invalid field, in French.
pub fn validate(
    input: &LineInput,
    period: Month,
    employees: &BTreeMap<String, facts::Employee>,
) -> Result<ValidLine, Vec<FieldError>> {
    let mut c = Check::new();
    let matricule = input.matricule.trim();
    let employee = employees.get(matricule);
    if matricule.is_empty() {
        c.error("matricule", "Le matricule est obligatoire.");
    } else if employee.is_none() {
        let shown: String = matricule.chars().take(20).collect();
        c.error(
            "matricule",
            format!("Matricule « {shown} » inconnu dans l’association."),
        );
    }
    let code = input.code.trim().to_uppercase();
    let def = code_def(&code);
    if def.is_none() {
        let shown: String = code.chars().take(20).collect();
        c.error(
            "code",
            if code.is_empty() {
                "Le code de l’élément est obligatoire (HS25, MAL, PRIME_EXCEP…).".to_string()
            } else {
                format!("Code « {shown} » inconnu du catalogue de la coopérative.")
            },
        );
    }
    let (mut quantity, mut amount) = (None, None);
    if let Some(def) = def {
        if def.unit == Unit::Euros {
            quantity = Some(Decimal::ONE);
            amount = match parse_decimal(&input.amount, 2, MAX_EUROS) {
                Ok(a) => Some(a),
                Err(e) if input.amount.trim().is_empty() => {
                    let _ = e;
                    c.error(
                        "amount",
                        "Le montant est obligatoire pour ce code (en euros).",
                    );
                    None
                }
                Err(e) => {
                    c.error("amount", format!("Le montant : {e}"));
                    None
                }
            };
        } else {
            let (scale, max, what) = match def.unit {
                Unit::Days => (1, Decimal::from(31), "un nombre de jours (0,5 près)"),
                Unit::Hours => (2, Decimal::from(300), "un nombre d’heures (1,5 ; 0,25…)"),
                Unit::Count => (0, Decimal::from(1_000), "un nombre entier"),
                Unit::Km | Unit::Euros => (1, Decimal::from(20_000), "un nombre de kilomètres"),
            };
            quantity = match parse_decimal(&input.quantity, scale, max) {
                Ok(q) if def.unit == Unit::Days && !(q * Decimal::TWO).fract().is_zero() => {
                    c.error("quantity", "Les jours se comptent à la demi-journée près.");
                    None
                }
                Ok(q) => Some(q),
                Err(_) if input.quantity.trim().is_empty() && def.kind == Kind::Absence => None,
                Err(e) => {
                    c.error("quantity", format!("La quantité : {what} ({e})"));
                    None
                }
            };
        }
    }
    let rate = if input.rate.trim().is_empty() {
        None
    } else {
        parse_decimal(&input.rate, 4, Decimal::from(100_000))
            .map_err(|e| c.error("rate", format!("Le taux : {e}")))
            .ok()
    };
    let start = c.optional_date("start_date", "Le début", &input.start_date, Dates::Absence);
    let end = c.optional_date("end_date", "La fin", &input.end_date, Dates::Absence);
    c.not_before("end_date", end, start, "La fin précède le début.");
    let absence = def.is_some_and(|d| d.kind == Kind::Absence);
    if absence && start.is_none() && !c.has_error("start_date") {
        c.error("start_date", "Une absence a une date de début.");
    }
    if absence && end.is_none() && !c.has_error("end_date") {
        c.error("end_date", "Une absence a une date de fin.");
    }
    if absence
        && quantity.is_none()
        && !c.has_error("quantity")
        && let (Some(s), Some(e)) = (start, end)
    {
        quantity = Some(Decimal::from((e - s).num_days() + 1));
    }
    let concerns = if input.concerns.trim().is_empty() {
        Some(period)
    } else {
        match Month::parse(&input.concerns) {
            Ok(m) if m <= period => Some(m),
            _ => {
                c.error(
                    "concerns",
                    "La période rectifiée est un mois passé (AAAA-MM), au plus celui-ci.",
                );
                None
            }
        }
    };
    let comment = c.optional_text("comment", "Le commentaire", &input.comment, Text::Note);
    c.finish(|| {
        let e = employee?;
        Some(ValidLine {
            employee_id: e.id,
            matricule: e.matricule.clone(),
            code: code.clone(),
            quantity: quantity?,
            rate,
            amount,
            start,
            end,
            first_stop: if def?.sick {
                input.first_stop.or(Some(true))
            } else {
                None
            },
            certificate: input.certificate,
            concerns: concerns?,
            comment,
        })
    })
}

/// The member's employees by matricule.
///
/// # Errors
/// Database errors.
pub async fn employees_by_matricule<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<BTreeMap<String, facts::Employee>> {
    Ok(facts::employees(db, tenant)
        .await?
        .into_iter()
        .map(|e| (e.matricule.clone(), e))
        .collect())
}

fn row_of(
    tenant: Tenant,
    by: &str,
    period: &payroll_periods::Model,
    v: &ValidLine,
    source: Source,
    reference: Option<String>,
    late: bool,
) -> payroll_lines::ActiveModel {
    payroll_lines::ActiveModel {
        member_id: Set(tenant.member_id()),
        id: Set(new_id()),
        period: Set(period.period.clone()),
        concerns: Set(v.concerns.to_string()),
        employee_id: Set(v.employee_id),
        matricule: Set(v.matricule.clone()),
        code: Set(v.code.clone()),
        quantity_micros: Set(micros(v.quantity)),
        rate: Set(v.rate.map(|r| r.normalize().to_string())),
        amount_cents: Set(v.amount.map(cents)),
        start_date: Set(v.start),
        end_date: Set(v.end),
        first_stop: Set(v.first_stop),
        certificate: Set(v.certificate),
        source: Set(source.code().to_string()),
        source_ref: Set(reference),
        late: Set(late),
        comment: Set(v.comment.clone()),
        created_by: Set(by.to_string()),
        created_at: Set(Utc::now()),
    }
}

/// Stores a validated line in `period` (open).
///
/// # Errors
/// Database errors.
pub async fn insert(
    w: &Write<'_>,
    by: &str,
    period: &payroll_periods::Model,
    v: &ValidLine,
    source: Source,
    reference: Option<String>,
    late: bool,
) -> AppResult<payroll_lines::Model> {
    let row = row_of(w.tenant(), by, period, v, source, reference, late);
    Ok(payroll_lines::Entity::insert_in(w.tenant(), row, w.txn()).await?)
}

/// Stores many validated lines at once (an import's confirmation), 500 rows a statement.
///
/// # Errors
/// Database errors.
pub async fn insert_many(
    w: &Write<'_>,
    by: &str,
    period: &payroll_periods::Model,
    lines: &[ValidLine],
    source: Source,
    reference: Option<String>,
    late: bool,
) -> AppResult<()> {
    for chunk in lines.chunks(500) {
        let rows: Vec<payroll_lines::ActiveModel> = chunk
            .iter()
            .map(|v| row_of(w.tenant(), by, period, v, source, reference.clone(), late))
            .collect();
        payroll_lines::Entity::insert_many_in(w.tenant(), rows, w.txn()).await?;
    }
    Ok(())
}

/// Adds a typed line to an open period (409 when locked), audited.
///
/// # Errors
/// 422 naming each invalid field; 409 on a locked period; database errors.
pub async fn add(
    w: &Write<'_>,
    by: &str,
    month: Month,
    input: &LineInput,
) -> AppResult<payroll_lines::Model> {
    let st = periods::status_of(w.txn(), w.tenant(), month).await?;
    if !is_open(&st) {
        return Err(periods::locked(month, &st));
    }
    let employees = employees_by_matricule(w.txn(), w.tenant()).await?;
    let v = validate(input, month, &employees).map_err(AppError::Validation)?;
    let period = periods::get_or_create(w, month).await?;
    let late = paris_today() > period.cutoff_on;
    let line = insert(w, by, &period, &v, Source::Entry, None, late).await?;
    w.audit(
        "payroll_line",
        &line.id.to_string(),
        "create",
        serde_json::json!({"period": line.period, "matricule": line.matricule, "code": line.code}),
    )
    .await?;
    Ok(line)
}

/// Removes a typed or imported line of an open period (an `hr` line follows HR).
///
/// # Errors
/// 404; 409 on a locked period; 422 for an `hr` line; database errors.
pub async fn delete(w: &Write<'_>, month: Month, id: Uuid) -> AppResult<()> {
    let st = periods::status_of(w.txn(), w.tenant(), month).await?;
    let row = payroll_lines::Entity::find_in(w.tenant())
        .filter(payroll_lines::Column::Period.eq(month.to_string()))
        .filter(payroll_lines::Column::Id.eq(id))
        .one(w.txn())
        .await?;
    let Some(row) = row else {
        return Err(if virtual_hr_line(w.txn(), w.tenant(), month, id).await? {
            AppError::field(
                "id",
                "Cette absence vient des RH : elle se modifie ou s’annule dans le module RH.",
            )
        } else {
            AppError::NotFound
        });
    };
    if !is_open(&st) {
        return Err(periods::locked(month, &st));
    }
    if row.source == Source::Hr.code() {
        return Err(AppError::field(
            "id",
            "Cette absence vient des RH : elle se modifie ou s’annule dans le module RH.",
        ));
    }
    payroll_lines::Entity::delete_in(w.tenant())
        .filter(payroll_lines::Column::Id.eq(id))
        .exec(w.txn())
        .await?;
    w.audit(
        "payroll_line",
        &id.to_string(),
        "delete",
        serde_json::json!({"period": row.period, "matricule": row.matricule, "code": row.code}),
    )
    .await?;
    Ok(())
}

async fn virtual_hr_line<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    id: Uuid,
) -> AppResult<bool> {
    Ok(hr_lines(db, tenant, month)
        .await?
        .iter()
        .any(|l| l.id == id))
}

/// A stored line as the checks and exports see it.
#[must_use]
pub fn line_of(r: &payroll_lines::Model) -> Line {
    Line {
        id: r.id,
        matricule: r.matricule.clone(),
        code: r.code.clone(),
        quantity: from_micros(r.quantity_micros),
        rate: r.rate.as_deref().and_then(|x| x.parse().ok()),
        amount: r.amount_cents.map(|c| Decimal::new(c, 2)),
        start: r.start_date,
        end: r.end_date,
        first_stop: r.first_stop,
        certificate: r.certificate,
        source: Source::parse(&r.source).unwrap_or(Source::Entry),
        late: r.late,
        concerns: Month::parse(&r.concerns).unwrap_or_else(|_| Month::of(r.created_at)),
        reference: r.source_ref.clone(),
        comment: r.comment.clone(),
    }
}

/// The lines stored in a period.
///
/// # Errors
/// Database errors.
pub async fn stored<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<Vec<payroll_lines::Model>> {
    Ok(payroll_lines::Entity::find_in(tenant)
        .filter(payroll_lines::Column::Period.eq(month.to_string()))
        .order_by_asc(payroll_lines::Column::Matricule)
        .order_by_asc(payroll_lines::Column::CreatedAt)
        .all(db)
        .await?)
}

/// How many earlier periods an HR change is looked for in (amendment lines).
pub const AMENDMENT_MONTHS: u32 = 3;

/// The lines HR's absences give `month` while it is open: the absences touching it,
/// cut to its days, and the differences HR shows for the earlier periods already
/// submitted (amendment lines, positive or negative).
///
/// # Errors
/// Database errors.
pub async fn hr_lines<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<Vec<Line>> {
    let employees: BTreeMap<Uuid, facts::Employee> = facts::employees(db, tenant)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut out = expected_hr(db, tenant, month, &employees).await?;
    // Earlier periods already submitted: what HR says now against what they hold (and
    // the amendments already made for them).
    let mut earlier = month;
    for _ in 0..AMENDMENT_MONTHS {
        earlier = earlier.prev();
        let st = periods::status_of(db, tenant, earlier).await?;
        if is_open(&st) || periods::find(db, tenant, earlier).await?.is_none() {
            continue;
        }
        let expected = expected_hr(db, tenant, earlier, &employees).await?;
        let mut held: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        for r in payroll_lines::Entity::find_in(tenant)
            .filter(payroll_lines::Column::Concerns.eq(earlier.to_string()))
            .filter(payroll_lines::Column::Source.eq(Source::Hr.code()))
            .all(db)
            .await?
        {
            *held
                .entry((r.source_ref.clone().unwrap_or_default(), r.code.clone()))
                .or_default() += from_micros(r.quantity_micros);
        }
        let mut want: BTreeMap<(String, String), Line> = BTreeMap::new();
        for l in expected {
            want.insert((l.reference.clone().unwrap_or_default(), l.code.clone()), l);
        }
        for ((reference, code), l) in &want {
            let had = held
                .get(&(reference.clone(), code.clone()))
                .copied()
                .unwrap_or_default();
            if had != l.quantity {
                out.push(Line {
                    id: stable_id(&format!("{month}:{earlier}:{reference}:{code}")),
                    quantity: l.quantity - had,
                    concerns: earlier,
                    ..l.clone()
                });
            }
        }
        for ((reference, code), had) in &held {
            if !want.contains_key(&(reference.clone(), code.clone())) && !had.is_zero() {
                // Cancelled in HR after the period was submitted: taken back.
                if let Some(r) = payroll_lines::Entity::find_in(tenant)
                    .filter(payroll_lines::Column::Concerns.eq(earlier.to_string()))
                    .filter(payroll_lines::Column::SourceRef.eq(reference.clone()))
                    .one(db)
                    .await?
                {
                    let mut l = line_of(&r);
                    l.id = stable_id(&format!("{month}:{earlier}:{reference}:{code}"));
                    l.quantity = -*had;
                    l.comment = Some("Absence annulée dans le module RH".to_string());
                    out.push(l);
                }
            }
        }
    }
    Ok(out)
}

/// The absences of `month` as lines (their days within the month, HR's counting).
async fn expected_hr<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    employees: &BTreeMap<Uuid, facts::Employee>,
) -> AppResult<Vec<Line>> {
    let (first, last) = (month.first_day(), periods::last_day(month));
    let absences = facts::absences_between(db, tenant, first - Duration::days(1), last).await?;
    let mut out = Vec::new();
    for a in &absences {
        if a.end < first {
            continue;
        }
        let Some(def) = CATALOGUE
            .iter()
            .find(|c| c.hr_leave_type == Some(a.leave_type.as_str()))
        else {
            continue;
        };
        let Some(e) = employees.get(&a.employee_id) else {
            continue;
        };
        let (start, end) = (a.start.max(first), a.end.min(last));
        let days = facts::days_within(db, tenant, &a.leave_type, start, end).await?;
        // A sick leave continuing one that ended the day before is an extension.
        let extension = def.sick
            && absences.iter().any(|o| {
                o.employee_id == a.employee_id
                    && o.leave_type == a.leave_type
                    && o.end + Duration::days(1) == a.start
            });
        out.push(Line {
            id: stable_id(&format!("{month}:{month}:{}:{}", a.id, def.code)),
            matricule: e.matricule.clone(),
            code: def.code.to_string(),
            quantity: days,
            rate: None,
            amount: None,
            start: Some(start),
            end: Some(end),
            first_stop: def.sick.then_some(!extension),
            // HR records a sick note on its certificate.
            certificate: true,
            source: Source::Hr,
            late: false,
            concerns: month,
            reference: Some(a.id.to_string()),
            comment: None,
        });
    }
    Ok(out)
}

/// Every line of a period: the stored ones, and while it is open HR's.
///
/// # Errors
/// Database errors.
pub async fn all<C: ConnectionTrait>(db: &C, tenant: Tenant, month: Month) -> AppResult<Vec<Line>> {
    let st = periods::status_of(db, tenant, month).await?;
    let mut out: Vec<Line> = stored(db, tenant, month)
        .await?
        .iter()
        .map(line_of)
        .collect();
    if is_open(&st) {
        out.extend(hr_lines(db, tenant, month).await?);
    }
    out.sort_by(|a, b| {
        a.matricule
            .cmp(&b.matricule)
            .then(a.code.cmp(&b.code))
            .then(a.start.cmp(&b.start))
    });
    Ok(out)
}

/// One page of a period's lines by (matricule, code, id) in byte order: the stored lines
/// read as one range of `idx_payroll_lines_page` (`COLLATE "C"` on PostgreSQL, so the
/// database and Rust order alike), merged with HR's computed lines while the period is
/// open. Gives the rows and the next page's cursor.
///
/// # Errors
/// 422 for a cursor that is not this list's; database errors.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    page: &keyset::Page,
) -> AppResult<(Vec<Line>, Option<String>)> {
    let after = cursor(page)?;
    let st = periods::status_of(db, tenant, month).await?;
    let mut out: Vec<Line> = page_select(db.get_database_backend(), tenant, month, page)?
        .all(db)
        .await?
        .iter()
        .map(line_of)
        .collect();
    if is_open(&st) {
        out.extend(
            hr_lines(db, tenant, month)
                .await?
                .into_iter()
                .filter(|l| after.as_ref().is_none_or(|a| page_key(l) > *a)),
        );
    }
    out.sort_by_key(page_key);
    if let Some(n) = page.limit {
        out.truncate(usize::try_from(n + 1).unwrap_or(usize::MAX));
    }
    Ok(keyset::finish(out, page, |l| {
        vec![l.matricule.clone(), l.code.clone(), l.id.to_string()]
    }))
}

fn page_key(l: &Line) -> (String, String, Uuid) {
    (l.matricule.clone(), l.code.clone(), l.id)
}

fn cursor(page: &keyset::Page) -> AppResult<Option<(String, String, Uuid)>> {
    Ok(match page.after.as_deref() {
        Some([matricule, code, id]) => {
            Some((matricule.clone(), code.clone(), keyset::uuid_of(id)?))
        }
        _ => None,
    })
}

/// The statement of the stored lines of [`page`] (for the query plans checked by the
/// tests).
///
/// # Errors
/// 422 for a cursor that is not this list's.
pub fn page_statement(
    backend: sea_orm::DbBackend,
    tenant: Tenant,
    month: Month,
    page: &keyset::Page,
) -> AppResult<sea_orm::Statement> {
    use sea_orm::QueryTrait;
    Ok(page_select(backend, tenant, month, page)?.build(backend))
}

fn page_select(
    backend: sea_orm::DbBackend,
    tenant: Tenant,
    month: Month,
    page: &keyset::Page,
) -> AppResult<sea_orm::Select<payroll_lines::Entity>> {
    use sea_orm::{
        QuerySelect,
        sea_query::{Expr, ExprTrait},
    };
    // Byte order on both engines: SQLite's default collation is already BINARY.
    let collate = if backend == sea_orm::DbBackend::Postgres {
        " COLLATE \"C\""
    } else {
        ""
    };
    let matricule = Expr::cust(format!("\"matricule\"{collate}"));
    let code = Expr::cust(format!("\"code\"{collate}"));
    let mut q = payroll_lines::Entity::find_in(tenant)
        .filter(payroll_lines::Column::Period.eq(month.to_string()))
        .order_by(matricule.clone(), sea_orm::Order::Asc)
        .order_by(code.clone(), sea_orm::Order::Asc)
        .order_by_asc(payroll_lines::Column::Id);
    if let Some((m, c, id)) = cursor(page)? {
        q =
            q.filter(
                Expr::tuple([matricule, code, Expr::col(payroll_lines::Column::Id)])
                    .gt(Expr::tuple([Expr::val(m), Expr::val(c), Expr::val(id)])),
            );
    }
    if let Some(n) = page.limit {
        q = q.limit(n + 1);
    }
    Ok(q)
}

/// Writes HR's lines down with the period when it is submitted (the period then keeps
/// what HR said that day; later changes come as amendments).
///
/// # Errors
/// Database errors.
pub async fn materialize_hr(
    w: &Write<'_>,
    by: &str,
    period: &payroll_periods::Model,
) -> AppResult<usize> {
    let month = Month::parse(&period.period)?;
    let lines = hr_lines(w.txn(), w.tenant(), month).await?;
    let employees = employees_by_matricule(w.txn(), w.tenant()).await?;
    let mut n = 0;
    for l in &lines {
        let Some(e) = employees.get(&l.matricule) else {
            continue;
        };
        let v = ValidLine {
            employee_id: e.id,
            matricule: l.matricule.clone(),
            code: l.code.clone(),
            quantity: l.quantity,
            rate: None,
            amount: None,
            start: l.start,
            end: l.end,
            first_stop: l.first_stop,
            certificate: l.certificate,
            concerns: l.concerns,
            comment: l.comment.clone(),
        };
        // HR's lines are never late, whatever day the period is submitted.
        insert(w, by, period, &v, Source::Hr, l.reference.clone(), false).await?;
        n += 1;
    }
    Ok(n)
}

/// Removes the HR lines written down with a period (it is reopened: HR's lines are read
/// live again).
///
/// # Errors
/// Database errors.
pub async fn drop_hr(w: &Write<'_>, month: Month) -> AppResult<()> {
    payroll_lines::Entity::delete_in(w.tenant())
        .filter(payroll_lines::Column::Period.eq(month.to_string()))
        .filter(payroll_lines::Column::Source.eq(Source::Hr.code()))
        .exec(w.txn())
        .await?;
    Ok(())
}

/// The French label of a code (or the code).
#[must_use]
pub fn code_label(code: &str) -> &str {
    code_def(code).map_or(code, |d| d.label)
}

/// Whether a period's status lets lines in.
#[must_use]
pub fn accepts_lines(s: &str) -> bool {
    s == status::OPEN || s == status::REOPENED
}
