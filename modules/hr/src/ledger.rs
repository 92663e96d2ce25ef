//! The leave ledger in the database: requests and their approval, manual adjustments,
//! and the monthly accrual run. The ledger is append-only: a balance is always the sum
//! of its movements; a correction is a new movement.
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use mutualis_core::{
    audit::{self, Actor},
    db::begin_write,
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    scope::Scope,
    tenant::{MemberOwned, Tenant},
    time::{Month, fr_date, paris_today},
};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    calendar,
    contracts::{self, Contract},
    entities::{hr_accrual_runs, hr_leave_entries, hr_leave_requests, hr_settings},
    leave::{self, EarnedSoFar, MonthFacts, cp_period, days, fr_days, micros},
};

/// A member's HR settings (defaults when never saved).
///
/// # Errors
/// Database errors.
pub async fn settings<C: ConnectionTrait>(db: &C, tenant: Tenant) -> AppResult<hr_settings::Model> {
    Ok(hr_settings::Entity::find_in(tenant)
        .one(db)
        .await?
        .unwrap_or(hr_settings::Model {
            member_id: tenant.member_id(),
            alsace_moselle: false,
            first_interview_months: 12,
            interview_every_years: 4,
            review_every_years: 8,
            reminder_days: 60,
            updated_at: Utc::now(),
        }))
}

/// Saves a member's HR settings.
///
/// # Errors
/// Database errors.
pub async fn save_settings<C: TransactionTrait<Transaction = sea_orm::DatabaseTransaction>>(
    db: &C,
    scope: &Scope,
    s: &hr_settings::Model,
) -> AppResult<()> {
    let w = scope.write(db).await?;
    hr_settings::Entity::delete_in(w.tenant())
        .exec(w.txn())
        .await?;
    hr_settings::Entity::insert_in(
        w.tenant(),
        hr_settings::ActiveModel {
            alsace_moselle: Set(s.alsace_moselle),
            first_interview_months: Set(s.first_interview_months),
            interview_every_years: Set(s.interview_every_years),
            review_every_years: Set(s.review_every_years),
            reminder_days: Set(s.reminder_days),
            updated_at: Set(Utc::now()),
            ..Default::default()
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "hr_settings",
        &scope.member_id().to_string(),
        "update",
        serde_json::json!({"alsace_moselle": s.alsace_moselle, "interview_every_years": s.interview_every_years, "review_every_years": s.review_every_years}),
    )
    .await?;
    w.commit().await
}

/// The balance of one leave type and period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub leave_type: String,
    pub period: String,
    pub accrued: Decimal,
    pub taken: Decimal,
    pub adjusted: Decimal,
    pub expired: Decimal,
    pub carried: Decimal,
    pub balance: Decimal,
}

/// Balances from ledger movements, by type then period (oldest first).
#[must_use]
pub fn balances_of(entries: &[hr_leave_entries::Model]) -> Vec<Balance> {
    let mut by: BTreeMap<(usize, String, String), Balance> = BTreeMap::new();
    for e in entries {
        let order = leave::TYPES
            .iter()
            .position(|t| t.code == e.leave_type)
            .unwrap_or(usize::MAX);
        let b = by
            .entry((order, e.leave_type.clone(), e.period.clone()))
            .or_insert_with(|| Balance {
                leave_type: e.leave_type.clone(),
                period: e.period.clone(),
                ..Default::default()
            });
        let d = days(e.days_micros);
        match e.kind.as_str() {
            "accrual" => b.accrued += d,
            "taking" => b.taken -= d,
            "expiry" => b.expired -= d,
            "carry_over" => b.carried += d,
            _ => b.adjusted += d,
        }
        b.balance += d;
    }
    by.into_values().collect()
}

/// One employee's ledger, oldest first (404 for another member's employee).
///
/// # Errors
/// 404; database errors.
pub async fn entries<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
) -> AppResult<Vec<hr_leave_entries::Model>> {
    crate::employees::get(db, scope.tenant(), employee_id).await?;
    entries_for(db, scope.tenant(), Some(employee_id)).await
}

async fn entries_for<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    employee_id: Option<Uuid>,
) -> AppResult<Vec<hr_leave_entries::Model>> {
    let mut q = hr_leave_entries::Entity::find_in(tenant);
    if let Some(e) = employee_id {
        q = q.filter(hr_leave_entries::Column::EmployeeId.eq(e));
    }
    Ok(q.order_by_asc(hr_leave_entries::Column::EffectiveDate)
        .order_by_asc(hr_leave_entries::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Every employee's total balance per leave type (for the leave overview).
///
/// # Errors
/// Database errors.
pub async fn totals<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<HashMap<(Uuid, String), Decimal>> {
    let mut out: HashMap<(Uuid, String), Decimal> = HashMap::new();
    for e in entries_for(db, scope.tenant(), None).await? {
        *out.entry((e.employee_id, e.leave_type)).or_default() += days(e.days_micros);
    }
    Ok(out)
}

/// A leave request as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RequestInput {
    pub leave_type: String,
    pub start_date: String,
    pub end_date: String,
    pub comment: String,
}

/// The member's requests (optionally one employee's), newest first.
///
/// # Errors
/// Database errors.
pub async fn requests<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Option<Uuid>,
) -> AppResult<Vec<hr_leave_requests::Model>> {
    let mut q = hr_leave_requests::Entity::find_in(scope.tenant());
    if let Some(e) = employee_id {
        q = q.filter(hr_leave_requests::Column::EmployeeId.eq(e));
    }
    Ok(q.order_by_desc(hr_leave_requests::Column::StartDate)
        .all(db)
        .await?)
}

/// Creates a request (pending approval) or records an absence that needs none (a sick
/// note): days counted as the type requires, overlapping absences refused, and the
/// balance checked for types that have one.
///
/// # Errors
/// 422 with the field and a French message; 404; database errors.
pub async fn request<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    input: &RequestInput,
    self_service: bool,
) -> AppResult<hr_leave_requests::Model> {
    request_for(
        db,
        scope.tenant(),
        &scope.actor(),
        employee_id,
        input,
        self_service,
    )
    .await
}

/// The same for a member without a request scope (the demo seed).
///
/// # Errors
/// As `request`.
pub async fn request_for<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    actor: &Actor,
    employee_id: Uuid,
    input: &RequestInput,
    self_service: bool,
) -> AppResult<hr_leave_requests::Model> {
    let e = crate::employees::get(db, tenant, employee_id).await?;
    let mut errors = Vec::new();
    let t = leave::leave_type(input.leave_type.trim());
    if t.is_none() {
        errors.push(FieldError::new(
            "leave_type",
            "Choisissez le type d’absence.",
        ));
    }
    let start = contracts::parse_date(&input.start_date);
    if start.is_none() {
        errors.push(FieldError::new(
            "start_date",
            "La date de début est obligatoire (JJ/MM/AAAA).",
        ));
    }
    let end = contracts::parse_date(&input.end_date);
    if end.is_none() {
        errors.push(FieldError::new(
            "end_date",
            "La date de fin est obligatoire (JJ/MM/AAAA).",
        ));
    }
    let (Some(t), Some(start), Some(end)) = (t, start, end) else {
        return Err(AppError::Validation(errors));
    };
    if self_service && !t.approval {
        return Err(AppError::field(
            "leave_type",
            "Un arrêt de travail est enregistré par le service RH, sur justificatif.",
        ));
    }
    if end < start {
        return Err(AppError::field(
            "end_date",
            "La date de fin précède la date de début.",
        ));
    }
    if start < e.entry_date {
        return Err(AppError::field(
            "start_date",
            format!(
                "L’absence commence avant l’entrée du salarié ({}).",
                fr_date(e.entry_date)
            ),
        ));
    }
    let s = settings(db, tenant).await?;
    let n = Decimal::from(leave::count_days(t, start, end, s.alsace_moselle));
    if n.is_zero() {
        return Err(AppError::field(
            "end_date",
            "Cette période ne compte aucun jour à décompter (dimanches et jours fériés).",
        ));
    }
    let overlapping = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::EmployeeId.eq(employee_id))
        .filter(hr_leave_requests::Column::Status.is_in(["pending", "approved"]))
        .filter(hr_leave_requests::Column::StartDate.lte(end))
        .filter(hr_leave_requests::Column::EndDate.gte(start))
        .one(db)
        .await?;
    if let Some(o) = overlapping {
        return Err(AppError::field(
            "start_date",
            format!(
                "Une autre absence couvre déjà une partie de cette période ({} du {} au {}).",
                leave::leave_type(&o.leave_type).map_or("absence", |t| t.label),
                fr_date(o.start_date),
                fr_date(o.end_date)
            ),
        ));
    }
    if t.balance {
        let available: Decimal = entries_for(db, tenant, Some(employee_id))
            .await?
            .iter()
            .filter(|x| x.leave_type == t.code)
            .map(|x| days(x.days_micros))
            .sum();
        let pending: Decimal = hr_leave_requests::Entity::find_in(tenant)
            .filter(hr_leave_requests::Column::EmployeeId.eq(employee_id))
            .all(db)
            .await?
            .iter()
            .filter(|r| r.status == "pending" && r.leave_type == t.code)
            .map(|r| days(r.days_micros))
            .sum();
        if n > available - pending {
            return Err(AppError::field(
                "end_date",
                format!(
                    "Solde insuffisant : {} demandés, {} disponibles{}.",
                    fr_days(n),
                    fr_days((available - pending).max(Decimal::ZERO)),
                    if pending.is_zero() {
                        String::new()
                    } else {
                        format!(" ({} déjà demandés en attente)", fr_days(pending))
                    }
                ),
            ));
        }
    }
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let recorded = !t.approval;
    let row = hr_leave_requests::Entity::insert_in(
        tenant,
        hr_leave_requests::ActiveModel {
            member_id: Set(tenant.member_id()),
            id: Set(new_id()),
            employee_id: Set(employee_id),
            leave_type: Set(t.code.to_string()),
            start_date: Set(start),
            end_date: Set(end),
            days_micros: Set(micros(n)),
            status: Set(if recorded { "approved" } else { "pending" }.to_string()),
            comment: Set(Some(input.comment.trim().to_string()).filter(|c| !c.is_empty())),
            requested_by: Set(actor.label.clone()),
            decided_by: Set(recorded.then(|| actor.label.clone())),
            decided_at: Set(recorded.then_some(now)),
            decision_note: Set(
                recorded.then(|| "Absence enregistrée par le service RH".to_string())
            ),
            created_at: Set(now),
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Some(tenant.member_id()),
        "leave_request",
        &row.id.to_string(),
        if recorded { "record" } else { "request" },
        serde_json::json!({"matricule": e.matricule, "type": row.leave_type, "start": row.start_date, "end": row.end_date}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Takes `n` days from the balances, oldest period first; what no period covers is
/// taken from `fallback` (the current period: anticipated leave).
#[must_use]
pub fn allocate_taking(balances: &[Balance], n: Decimal, fallback: &str) -> Vec<(String, Decimal)> {
    let mut left = n;
    let mut out = Vec::new();
    for b in balances {
        if left <= Decimal::ZERO {
            break;
        }
        if b.balance > Decimal::ZERO {
            let take = b.balance.min(left);
            out.push((b.period.clone(), take));
            left -= take;
        }
    }
    if left > Decimal::ZERO {
        match out.iter_mut().find(|(p, _)| p == fallback) {
            Some((_, d)) => *d += left,
            None => out.push((fallback.to_string(), left)),
        }
    }
    out
}

fn current_period(leave_type: &str, day: NaiveDate) -> String {
    match leave_type {
        "CT66" => leave::quarter_label(day.year(), calendar::quarter(day.month())),
        "RTT" => day.year().to_string(),
        _ => cp_period(day),
    }
}

/// The director's decision on a pending request. Approving a type with a balance
/// writes the taking into the ledger (oldest period first).
///
/// # Errors
/// 404; 409 when already decided or the balance no longer covers it; database errors.
pub async fn decide<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    request_id: Uuid,
    approve: bool,
    note: &str,
) -> AppResult<hr_leave_requests::Model> {
    decide_for(
        db,
        scope.tenant(),
        &scope.actor(),
        request_id,
        approve,
        note,
    )
    .await
}

/// The same for a member without a request scope (the demo seed).
///
/// # Errors
/// As `decide`.
pub async fn decide_for<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    actor: &Actor,
    request_id: Uuid,
    approve: bool,
    note: &str,
) -> AppResult<hr_leave_requests::Model> {
    let txn = begin_write(db).await?;
    let r = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::Id.eq(request_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status != "pending" {
        return Err(AppError::Conflict(
            "Cette demande a déjà été traitée.".to_string(),
        ));
    }
    let t = leave::leave_type(&r.leave_type).ok_or(AppError::NotFound)?;
    let now = Utc::now();
    if approve && t.balance {
        let mine: Vec<_> = entries_for(&txn, tenant, Some(r.employee_id))
            .await?
            .into_iter()
            .filter(|e| e.leave_type == t.code)
            .collect();
        let balances = balances_of(&mine);
        let n = days(r.days_micros);
        let available: Decimal = balances.iter().map(|b| b.balance).sum();
        if n > available {
            return Err(AppError::Conflict(format!(
                "Solde insuffisant pour approuver : {} demandés, {} disponibles.",
                fr_days(n),
                fr_days(available.max(Decimal::ZERO))
            )));
        }
        for (period, d) in allocate_taking(&balances, n, &current_period(t.code, r.start_date)) {
            hr_leave_entries::Entity::insert_in(
                tenant,
                hr_leave_entries::ActiveModel {
                    member_id: Set(tenant.member_id()),
                    id: Set(new_id()),
                    employee_id: Set(r.employee_id),
                    leave_type: Set(t.code.to_string()),
                    kind: Set("taking".to_string()),
                    days_micros: Set(-micros(d)),
                    period: Set(period),
                    effective_date: Set(r.start_date),
                    source_key: Set(None),
                    request_id: Set(Some(r.id)),
                    note: Set(Some(format!(
                        "Congé du {} au {}",
                        fr_date(r.start_date),
                        fr_date(r.end_date)
                    ))),
                    created_by: Set(actor.label.clone()),
                    created_at: Set(now),
                },
                &txn,
            )
            .await?;
        }
    }
    let note = note.trim();
    let mut a: hr_leave_requests::ActiveModel = r.into();
    a.status = Set(if approve { "approved" } else { "refused" }.to_string());
    a.decided_by = Set(Some(actor.label.clone()));
    a.decided_at = Set(Some(now));
    a.decision_note = Set((!note.is_empty()).then(|| note.to_string()));
    let r = hr_leave_requests::Entity::update_in(tenant, a, &txn).await?;
    audit::record(
        &txn,
        actor,
        Some(tenant.member_id()),
        "leave_request",
        &r.id.to_string(),
        if approve { "approve" } else { "refuse" },
        serde_json::json!({"type": r.leave_type, "days": days(r.days_micros).to_string()}),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Cancels a request. A pending one simply ends; an approved one is reversed: its
/// takings are given back by new ledger movements (nothing is deleted), and an absence
/// no longer counts at the next accrual run (which books the difference). `only_own`
/// restricts it to a pending request of that employee (a staff member's own).
///
/// # Errors
/// 404; 409 when already refused or cancelled, or (for `only_own`) approved; database
/// errors.
pub async fn cancel<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    request_id: Uuid,
    only_own: Option<Uuid>,
) -> AppResult<hr_leave_requests::Model> {
    let tenant = scope.tenant();
    let actor = scope.actor();
    let txn = begin_write(db).await?;
    let r = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::Id.eq(request_id))
        .one(&txn)
        .await?
        .filter(|r| only_own.is_none_or(|e| e == r.employee_id))
        .ok_or(AppError::NotFound)?;
    match r.status.as_str() {
        "pending" => {}
        "approved" if only_own.is_none() => {}
        "approved" => {
            return Err(AppError::Conflict(
                "Ce congé est déjà approuvé : demandez au service RH de l’annuler.".to_string(),
            ));
        }
        _ => {
            return Err(AppError::Conflict(
                "Cette demande est déjà refusée ou annulée.".to_string(),
            ));
        }
    }
    let now = Utc::now();
    let takings = hr_leave_entries::Entity::find_in(tenant)
        .filter(hr_leave_entries::Column::RequestId.eq(r.id))
        .all(&txn)
        .await?;
    for t in &takings {
        hr_leave_entries::Entity::insert_in(
            tenant,
            hr_leave_entries::ActiveModel {
                member_id: Set(tenant.member_id()),
                id: Set(new_id()),
                employee_id: Set(t.employee_id),
                leave_type: Set(t.leave_type.clone()),
                kind: Set("taking".to_string()),
                days_micros: Set(-t.days_micros),
                period: Set(t.period.clone()),
                effective_date: Set(t.effective_date),
                source_key: Set(None),
                request_id: Set(Some(r.id)),
                note: Set(Some(format!(
                    "Annulation du congé du {} au {}",
                    fr_date(r.start_date),
                    fr_date(r.end_date)
                ))),
                created_by: Set(actor.label.clone()),
                created_at: Set(now),
            },
            &txn,
        )
        .await?;
    }
    let was = r.status.clone();
    let mut a: hr_leave_requests::ActiveModel = r.into();
    a.status = Set("cancelled".to_string());
    a.decided_by = Set(Some(actor.label.clone()));
    a.decided_at = Set(Some(now));
    let r = hr_leave_requests::Entity::update_in(tenant, a, &txn).await?;
    audit::record(
        &txn,
        &actor,
        Some(tenant.member_id()),
        "leave_request",
        &r.id.to_string(),
        "cancel",
        serde_json::json!({"type": r.leave_type, "was": was, "days_given_back": takings.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// A manual adjustment (positive or negative), with its reason.
///
/// # Errors
/// 422 on an invalid type, quantity or missing reason; 404; database errors.
pub async fn adjust<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    scope: &Scope,
    employee_id: Uuid,
    leave_type: &str,
    quantity: &str,
    note: &str,
) -> AppResult<hr_leave_entries::Model> {
    let e = crate::employees::get(db, scope.tenant(), employee_id).await?;
    let mut errors = Vec::new();
    let t = leave::leave_type(leave_type).filter(|t| t.balance);
    if t.is_none() {
        errors.push(FieldError::new(
            "leave_type",
            "Choisissez un type de congé à solde (CP, RTT, CT66).",
        ));
    }
    let q =
        contracts::parse_hours(quantity).filter(|q| !q.is_zero() && q.abs() <= Decimal::from(60));
    if q.is_none() {
        errors.push(FieldError::new(
            "quantity",
            "Indiquez un nombre de jours, positif ou négatif (par exemple -1,5).",
        ));
    }
    if note.trim().is_empty() {
        errors.push(FieldError::new(
            "note",
            "Le motif de l’ajustement est obligatoire (il figure dans l’historique).",
        ));
    }
    let (Some(t), Some(q)) = (t, q) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let today = paris_today();
    let txn = begin_write(db).await?;
    let row = hr_leave_entries::Entity::insert_in(
        scope.tenant(),
        hr_leave_entries::ActiveModel {
            member_id: Set(scope.member_id()),
            id: Set(new_id()),
            employee_id: Set(employee_id),
            leave_type: Set(t.code.to_string()),
            kind: Set("adjustment".to_string()),
            days_micros: Set(micros(q)),
            period: Set(current_period(t.code, today)),
            effective_date: Set(today),
            source_key: Set(None),
            request_id: Set(None),
            note: Set(Some(note.trim().to_string())),
            created_by: Set(scope.actor().label),
            created_at: Set(Utc::now()),
        },
        &txn,
    )
    .await?;
    audit::record(
        &txn,
        &scope.actor(),
        Some(scope.member_id()),
        "leave_entry",
        &row.id.to_string(),
        "adjust",
        serde_json::json!({"matricule": e.matricule, "type": row.leave_type, "days": q.to_string()}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// What a run did for a member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccrualReport {
    pub month: String,
    pub employees: usize,
    pub entries: usize,
    pub days: Decimal,
}

struct Planned {
    employee_id: Uuid,
    leave_type: &'static str,
    kind: &'static str,
    days: Decimal,
    period: String,
    effective: NaiveDate,
    key: String,
    note: String,
}

/// Days of each absence type of an employee within `[from, to]`.
fn absence_days(
    reqs: &[&hr_leave_requests::Model],
    code: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> u32 {
    reqs.iter()
        .filter(|r| r.leave_type == code && r.status == "approved")
        .map(|r| calendar::overlap_days(r.start_date, r.end_date, from, to))
        .sum()
}

/// The movements a month's run must add for one employee, given the ledger so far.
/// Pure: re-planning after the movements are written plans nothing.
fn plan_employee(
    employee_id: Uuid,
    contracts: &[Contract],
    reqs: &[&hr_leave_requests::Model],
    ledger: &[&hr_leave_entries::Model],
    month: Month,
) -> Vec<Planned> {
    let mut out = Vec::new();
    let first = month.first_day();
    let Some((_, last)) = calendar::month_bounds(month.year, month.month) else {
        return out;
    };
    let booked = |prefix: &str| -> Decimal {
        ledger
            .iter()
            .filter(|e| {
                e.source_key
                    .as_deref()
                    .is_some_and(|k| k.starts_with(prefix))
            })
            .map(|e| days(e.days_micros))
            .sum()
    };
    let count = |prefix: &str| {
        ledger
            .iter()
            .filter(|e| {
                e.source_key
                    .as_deref()
                    .is_some_and(|k| k.starts_with(prefix))
            })
            .count()
    };
    // Congés payés: what the month earns, less what earlier runs booked for it.
    let contract_days: u32 = contracts
        .iter()
        .filter_map(|c| c.span())
        .map(|(s, e)| calendar::overlap_days(s, e.unwrap_or(last), first, last))
        .sum::<u32>()
        .min(last.day());
    let period = cp_period(first);
    if contract_days > 0 {
        let facts = MonthFacts {
            days_in_month: last.day(),
            contract_days,
            sick_days: absence_days(reqs, "MAL", first, last),
            accident_days: absence_days(reqs, "AT", first, last),
            unpaid_days: absence_days(reqs, "CSS", first, last),
        };
        let month_key = format!("cp:{employee_id}:{month}:");
        let in_period = |e: &&&hr_leave_entries::Model| {
            e.leave_type == "CP"
                && e.kind == "accrual"
                && e.period == period
                && !e
                    .source_key
                    .as_deref()
                    .is_some_and(|k| k.starts_with(&month_key))
        };
        let so_far = EarnedSoFar {
            total: ledger
                .iter()
                .filter(in_period)
                .map(|e| days(e.days_micros))
                .sum(),
            sick: ledger
                .iter()
                .filter(in_period)
                .filter(|e| e.source_key.as_deref().is_some_and(|k| k.contains(":sick")))
                .map(|e| days(e.days_micros))
                .sum(),
        };
        let a = leave::cp_for_month(&facts, so_far);
        let label = mutualis_core::web::views::month_label(month);
        for (part, due, what) in [
            ("work", a.worked, "travail effectif et périodes assimilées"),
            ("sick", a.sick, "arrêt maladie, loi 2024-364"),
        ] {
            let prefix = format!("{month_key}{part}");
            let delta = due - booked(&prefix);
            if !delta.is_zero() {
                let n = count(&prefix);
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "accrual",
                    days: delta,
                    period: period.clone(),
                    effective: last,
                    key: if n == 0 {
                        prefix.clone()
                    } else {
                        format!("{prefix}:{n}")
                    },
                    note: format!(
                        "{} {label} ({what}){}{}",
                        if n == 0 {
                            "Acquisition"
                        } else {
                            "Recalcul de l’acquisition"
                        },
                        a.capped
                            .as_ref()
                            .map(|c| format!(" — {c}"))
                            .unwrap_or_default(),
                        if facts.contract_days < facts.days_in_month {
                            format!(
                                " — {} jours sous contrat sur {}",
                                facts.contract_days, facts.days_in_month
                            )
                        } else {
                            String::new()
                        },
                    ),
                });
            }
        }
    }
    // CCN 66 quarterly leave: granted once per eligible quarter, to contracts with the
    // entitlement in force on the month's first day covered.
    if let Some(q) = leave::ct66_quarter(month.month) {
        let eligible = contracts.iter().any(|c| {
            c.overlaps(first, last)
                && c.at(first.max(c.span().map_or(first, |(s, _)| s)))
                    .is_some_and(|v| v.agreement == "CCN66" && v.quarterly_leave)
        });
        let label = leave::quarter_label(month.year, q);
        let key = format!("ct66:{employee_id}:{label}");
        if eligible && count(&key) == 0 {
            out.push(Planned {
                employee_id,
                leave_type: "CT66",
                kind: "accrual",
                days: leave::CT66_PER_QUARTER,
                period: label.clone(),
                effective: first,
                key,
                note: format!("Congés trimestriels CCN 66, trimestre {q} {}", month.year),
            });
        }
        // What is left at the quarter's end expires.
        if month.month.is_multiple_of(3) {
            let left: Decimal = ledger
                .iter()
                .filter(|e| e.leave_type == "CT66" && e.period == label)
                .map(|e| days(e.days_micros))
                .sum::<Decimal>()
                + out
                    .iter()
                    .filter(|p| p.leave_type == "CT66" && p.period == label)
                    .map(|p| p.days)
                    .sum::<Decimal>();
            let key = format!("ct66-exp:{employee_id}:{label}");
            if left > Decimal::ZERO && count(&key) == 0 {
                out.push(Planned {
                    employee_id,
                    leave_type: "CT66",
                    kind: "expiry",
                    days: -left,
                    period: label.clone(),
                    effective: last,
                    key,
                    note: format!("Congés trimestriels non pris à la fin du trimestre {q}"),
                });
            }
        }
    }
    // End of May: CP of the period before last expires, or is carried over when a
    // sickness or accident kept the employee from taking it.
    if month.month == 5 {
        let old = format!("{}-{}", month.year - 2, month.year - 1);
        let left: Decimal = ledger
            .iter()
            .filter(|e| e.leave_type == "CP" && e.period == old)
            .map(|e| days(e.days_micros))
            .sum();
        let key = format!("cp-end:{employee_id}:{old}");
        if left > Decimal::ZERO && count(&key) == 0 {
            let window_start = NaiveDate::from_ymd_opt(month.year - 1, 6, 1).unwrap_or(first);
            let off = absence_days(reqs, "MAL", window_start, last)
                + absence_days(reqs, "AT", window_start, last);
            if off > 0 {
                let next = leave::next_period(&old).unwrap_or_else(|| period.clone());
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "carry_over",
                    days: -left,
                    period: old.clone(),
                    effective: last,
                    key: key.clone(),
                    note: format!("Report de la période {old} (absence pour maladie ou accident)"),
                });
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "carry_over",
                    days: left,
                    period: next,
                    effective: last,
                    key: format!("{key}:in"),
                    note: format!("Report de la période {old} : 15 mois pour les prendre à compter de la reprise"),
                });
            } else {
                out.push(Planned {
                    employee_id,
                    leave_type: "CP",
                    kind: "expiry",
                    days: -left,
                    period: old.clone(),
                    effective: last,
                    key,
                    note: format!(
                        "Congés de la période {old} non pris au 31 mai {}",
                        month.year
                    ),
                });
            }
        }
    }
    out
}

/// Runs a finished month's accrual for one member, in one transaction, and records the
/// run (status `ok` or `failed` with its message). A re-run adds nothing unless the
/// facts changed (a sick note recorded late): then only the difference is added.
///
/// # Errors
/// 422 for a month not finished yet; database errors (the run is recorded as failed).
pub async fn run_accruals<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    actor: &Actor,
) -> AppResult<AccrualReport> {
    if month >= Month::of(Utc::now()) {
        return Err(AppError::field(
            "month",
            format!(
                "Le mois {} n’est pas terminé : les acquisitions se calculent sur un mois échu.",
                mutualis_core::web::views::month_label(month)
            ),
        ));
    }
    let started_at = Utc::now();
    let result = accrue(db, tenant, month, actor).await;
    let (status, message, report) = match &result {
        Ok(r) => ("ok", None, r.clone()),
        Err(e) => (
            "failed",
            Some(e.message()),
            AccrualReport {
                month: month.to_string(),
                ..Default::default()
            },
        ),
    };
    if let Err(e) = &result {
        tracing::error!(member_id = tenant.member_id(), %month, error = %e, "leave accrual failed");
    }
    hr_accrual_runs::Entity::insert_in(
        tenant,
        hr_accrual_runs::ActiveModel {
            member_id: Set(tenant.member_id()),
            month: Set(month.to_string()),
            status: Set(status.to_string()),
            employees: Set(i64::try_from(report.employees).unwrap_or(i64::MAX)),
            entries: Set(i64::try_from(report.entries).unwrap_or(i64::MAX)),
            message: Set(message),
            started_by: Set(actor.label.clone()),
            started_at: Set(started_at),
            finished_at: Set(Some(Utc::now())),
            ..Default::default()
        },
        db,
    )
    .await?;
    result
}

async fn accrue<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
    actor: &Actor,
) -> AppResult<AccrualReport> {
    let txn = begin_write(db).await?;
    let by_employee = contracts::by_employee_for(&txn, tenant).await?;
    let reqs = hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::Status.eq("approved"))
        .all(&txn)
        .await?;
    let ledger = entries_for(&txn, tenant, None).await?;
    let mut planned = Vec::new();
    let mut employees = 0;
    for (employee_id, cs) in &by_employee {
        let r: Vec<_> = reqs
            .iter()
            .filter(|r| r.employee_id == *employee_id)
            .collect();
        let l: Vec<_> = ledger
            .iter()
            .filter(|e| e.employee_id == *employee_id)
            .collect();
        let p = plan_employee(*employee_id, cs, &r, &l, month);
        if !p.is_empty() {
            employees += 1;
        }
        planned.extend(p);
    }
    let now = Utc::now();
    let total: Decimal = planned
        .iter()
        .filter(|p| p.kind == "accrual")
        .map(|p| p.days)
        .sum();
    for p in &planned {
        hr_leave_entries::Entity::insert_in(
            tenant,
            hr_leave_entries::ActiveModel {
                member_id: Set(tenant.member_id()),
                id: Set(new_id()),
                employee_id: Set(p.employee_id),
                leave_type: Set(p.leave_type.to_string()),
                kind: Set(p.kind.to_string()),
                days_micros: Set(micros(p.days)),
                period: Set(p.period.clone()),
                effective_date: Set(p.effective),
                source_key: Set(Some(p.key.clone())),
                request_id: Set(None),
                note: Set(Some(p.note.clone())),
                created_by: Set(actor.label.clone()),
                created_at: Set(now),
            },
            &txn,
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        Some(tenant.member_id()),
        "leave_accrual",
        &month.to_string(),
        "run",
        serde_json::json!({"employees": employees, "entries": planned.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(AccrualReport {
        month: month.to_string(),
        employees,
        entries: planned.len(),
        days: total,
    })
}

/// The member's accrual runs, newest first.
///
/// # Errors
/// Database errors.
pub async fn runs<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> AppResult<Vec<hr_accrual_runs::Model>> {
    Ok(hr_accrual_runs::Entity::find_in(scope.tenant())
        .order_by_desc(hr_accrual_runs::Column::StartedAt)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn b(period: &str, balance: &str) -> Balance {
        Balance {
            leave_type: "CP".into(),
            period: period.into(),
            balance: balance.parse().unwrap(),
            ..Default::default()
        }
    }

    #[test]
    fn takings_use_the_oldest_period_first() {
        let bs = [b("2024-2025", "3"), b("2025-2026", "20")];
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            allocate_taking(&bs, d("5"), "2026-2027"),
            vec![
                ("2024-2025".to_string(), d("3")),
                ("2025-2026".to_string(), d("2"))
            ]
        );
        // Beyond every balance: anticipated on the current period.
        assert_eq!(
            allocate_taking(&[b("2025-2026", "1")], d("3"), "2025-2026"),
            vec![("2025-2026".to_string(), d("3"))]
        );
    }
}

/// An employee back from sickness or a work accident, who must be told within a month
/// of the return how many days of leave they have and until when to take them (loi
/// 2024-364, art. L3141-19-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnNotice {
    pub employee_id: Uuid,
    pub back_on: NaiveDate,
    pub deadline: NaiveDate,
}

/// The returns of the last month, by deadline.
///
/// # Errors
/// Database errors.
pub async fn return_notices<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
) -> AppResult<Vec<ReturnNotice>> {
    let since = today - chrono::Duration::days(31);
    let mut out: Vec<ReturnNotice> = hr_leave_requests::Entity::find_in(scope.tenant())
        .filter(hr_leave_requests::Column::Status.eq("approved"))
        .filter(hr_leave_requests::Column::LeaveType.is_in(["MAL", "AT"]))
        .filter(hr_leave_requests::Column::EndDate.gte(since))
        .filter(hr_leave_requests::Column::EndDate.lt(today))
        .all(db)
        .await?
        .iter()
        .filter_map(|r| {
            let back_on = r.end_date.succ_opt()?;
            Some(ReturnNotice {
                employee_id: r.employee_id,
                back_on,
                deadline: back_on.checked_add_months(chrono::Months::new(1))?,
            })
        })
        .collect();
    out.sort_by_key(|n| n.deadline);
    Ok(out)
}
