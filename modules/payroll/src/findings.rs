//! A period's findings: the checks run over its lines and what HR knows of the employees,
//! each with a stable id (from its key), and the acknowledgements of warnings, kept by key
//! so that a re-check of the same facts keeps them.
use std::collections::BTreeMap;

use chrono::Utc;
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Text},
    tenant::{MemberOwned, Tenant},
    time::Month,
    write::Write,
};
use mutualis_hr::facts;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, Set};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    domain::{ContractFacts, EmployeeFacts, Finding, Kind, Severity, code_def},
    entities::{payroll_findings, payroll_lines},
    lines::{self, stable_id},
    periods,
};

/// A finding as shown and exchanged.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = PayrollFinding)]
pub struct Shown {
    pub id: Uuid,
    pub rule: String,
    /// `blocking` or `warning`.
    pub severity: String,
    pub matricule: String,
    #[schema(required = true)]
    pub line_id: Option<Uuid>,
    pub message: String,
    pub acknowledged: bool,
    #[schema(required = true)]
    pub acknowledged_by: Option<String>,
    #[schema(required = true)]
    pub comment: Option<String>,
}

/// What the checks know of each employee (by matricule) for `month`.
///
/// # Errors
/// Database errors.
pub async fn employee_facts<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<BTreeMap<String, EmployeeFacts>> {
    let employees = facts::employees(db, tenant).await?;
    let contracts = facts::all_contracts(db, tenant).await?;
    let balances = facts::balances(db, tenant).await?;
    // Overtime already paid this year: the HS lines of earlier periods of the year.
    let year_start = Month {
        year: month.year,
        month: 1,
    };
    let mut overtime: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in payroll_lines::Entity::find_in(tenant)
        .filter(payroll_lines::Column::Period.gte(year_start.to_string()))
        .filter(payroll_lines::Column::Period.lt(month.to_string()))
        .all(db)
        .await?
    {
        if code_def(&r.code).is_some_and(|d| d.kind == Kind::Overtime) {
            *overtime.entry(r.matricule.clone()).or_default() += Decimal::new(r.quantity_micros, 6);
        }
    }
    Ok(employees
        .into_iter()
        .map(|e| {
            let cs = contracts
                .iter()
                .filter(|c| c.employee_id == e.id)
                .map(|c| ContractFacts {
                    kind: c.kind.clone(),
                    start: c.start,
                    end: c.end,
                    weekly_hours: c.weekly_hours,
                    reference: c.contract_id.to_string(),
                })
                .collect();
            (
                e.matricule.clone(),
                EmployeeFacts {
                    matricule: e.matricule.clone(),
                    name: e.name.clone(),
                    establishment_nic: e.establishment_nic.clone(),
                    contracts: cs,
                    balances: balances.get(&e.id).cloned().unwrap_or_default(),
                    overtime_before: overtime.get(&e.matricule).copied().unwrap_or_default(),
                },
            )
        })
        .collect())
}

/// The period's findings, with their acknowledgements, blocking ones first.
///
/// # Errors
/// Database errors.
pub async fn of_period<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<Vec<Shown>> {
    let period = periods::find(db, tenant, month).await?;
    let s = periods::settings(db, tenant).await?;
    let cutoff = period
        .as_ref()
        .map_or_else(|| periods::cutoff_on(month, s.cutoff_day), |p| p.cutoff_on);
    let all = lines::all(db, tenant, month).await?;
    let emp = employee_facts(db, tenant, month).await?;
    let found: Vec<Finding> = crate::checks::check(month, cutoff, &all, &emp);
    let acks: BTreeMap<String, payroll_findings::Model> = payroll_findings::Entity::find_in(tenant)
        .filter(payroll_findings::Column::Period.eq(month.to_string()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.finding_key.clone(), a))
        .collect();
    let mut out: Vec<Shown> = found
        .into_iter()
        .map(|f| {
            let ack = acks.get(&f.key).filter(|_| f.severity == Severity::Warning);
            Shown {
                id: finding_id(month, &f.key),
                rule: f.rule.to_string(),
                severity: f.severity.code().to_string(),
                matricule: f.matricule,
                line_id: f.line,
                message: f.message,
                acknowledged: ack.is_some(),
                acknowledged_by: ack.and_then(|a| a.acknowledged_by.clone()),
                comment: ack.and_then(|a| a.ack_comment.clone()),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.matricule.cmp(&b.matricule))
    });
    Ok(out)
}

/// A finding's id: stable for the same key in the same period.
#[must_use]
pub fn finding_id(month: Month, key: &str) -> Uuid {
    stable_id(&format!("finding:{month}:{key}"))
}

/// Acknowledges a warning with a comment (a blocking finding cannot be).
///
/// # Errors
/// 404 for no such finding; 422 without a comment or for a blocking finding; 409 on a
/// locked period; database errors.
pub async fn acknowledge(
    w: &Write<'_>,
    by: &str,
    month: Month,
    id: Uuid,
    comment: &str,
) -> AppResult<Shown> {
    let st = periods::status_of(w.txn(), w.tenant(), month).await?;
    if !periods::is_open(&st) {
        return Err(periods::locked(month, &st));
    }
    let shown = of_period(w.txn(), w.tenant(), month).await?;
    let f = shown
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)?;
    if f.severity == Severity::Blocking.code() {
        return Err(AppError::field(
            "id",
            "Une anomalie bloquante ne s’acquitte pas : corrigez la ligne en cause.",
        ));
    }
    let mut c = Check::new();
    let comment = c.text(
        "comment",
        "Le commentaire",
        comment,
        Text::Note,
        "Prendre acte d’un avertissement demande un commentaire (il figure au dossier de la période).",
    );
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    // The key of the finding the id stands for.
    let emp = employee_facts(w.txn(), w.tenant(), month).await?;
    let s = periods::settings(w.txn(), w.tenant()).await?;
    let cutoff = periods::find(w.txn(), w.tenant(), month)
        .await?
        .map_or_else(|| periods::cutoff_on(month, s.cutoff_day), |p| p.cutoff_on);
    let all = lines::all(w.txn(), w.tenant(), month).await?;
    let key = crate::checks::check(month, cutoff, &all, &emp)
        .into_iter()
        .find(|x| finding_id(month, &x.key) == id)
        .map(|x| x.key)
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let existing = payroll_findings::Entity::find_in(w.tenant())
        .filter(payroll_findings::Column::Period.eq(month.to_string()))
        .filter(payroll_findings::Column::FindingKey.eq(key.clone()))
        .one(w.txn())
        .await?;
    if let Some(row) = existing {
        let mut m: payroll_findings::ActiveModel = row.into();
        m.acknowledged_by = Set(Some(by.to_string()));
        m.acknowledged_at = Set(Some(now));
        m.ack_comment = Set(Some(comment.clone()));
        m.updated_at = Set(now);
        payroll_findings::Entity::update_in(w.tenant(), m, w.txn()).await?;
    } else {
        payroll_findings::Entity::insert_in(
            w.tenant(),
            payroll_findings::ActiveModel {
                member_id: Set(w.tenant().member_id()),
                id: Set(new_id()),
                period: Set(month.to_string()),
                finding_key: Set(key),
                rule: Set(f.rule.clone()),
                severity: Set(f.severity.clone()),
                matricule: Set(f.matricule.clone()),
                line_id: Set(f.line_id),
                message: Set(f.message.clone()),
                active: Set(true),
                acknowledged_by: Set(Some(by.to_string())),
                acknowledged_at: Set(Some(now)),
                ack_comment: Set(Some(comment.clone())),
                updated_at: Set(now),
            },
            w.txn(),
        )
        .await?;
    }
    w.audit(
        "payroll_finding",
        &id.to_string(),
        "acknowledge",
        serde_json::json!({"period": month.to_string(), "rule": f.rule, "matricule": f.matricule, "comment": comment}),
    )
    .await?;
    Ok(Shown {
        acknowledged: true,
        acknowledged_by: Some(by.to_string()),
        comment: Some(comment),
        ..f
    })
}

/// What stands in the way of submitting: blocking findings and unacknowledged warnings,
/// as field errors (`findings[i]`) in French.
#[must_use]
pub fn obstacles(shown: &[Shown]) -> Vec<mutualis_core::error::FieldError> {
    shown
        .iter()
        .enumerate()
        .filter(|(_, f)| f.severity == Severity::Blocking.code() || !f.acknowledged)
        .map(|(i, f)| {
            mutualis_core::error::FieldError::new(
                format!("findings[{i}]"),
                if f.severity == Severity::Blocking.code() {
                    format!("Anomalie bloquante : {}", f.message)
                } else {
                    format!("Avertissement non acquitté : {}", f.message)
                },
            )
        })
        .collect()
}
