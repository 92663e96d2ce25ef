//! What HR tells payroll preparation (the one module allowed to depend on HR), as plain
//! data read through the member's tenant handle: the employees, their contracts over a
//! period, the absences recorded, the leave balances.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use mutualis_core::{
    entities::establishments,
    error::AppResult,
    tenant::{MemberOwned, Tenant},
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    contracts,
    entities::{hr_employees, hr_leave_requests},
    leave::days,
    ledger,
};

/// An employee as payroll sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    pub id: Uuid,
    pub matricule: String,
    /// `NOM Prénom`.
    pub name: String,
    pub establishment_nic: Option<String>,
    pub entry_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
}

/// A contract over a period: its kind, its span as known today, the weekly hours in force
/// at the period's start (or at the contract's start when later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub employee_id: Uuid,
    pub contract_id: Uuid,
    pub kind: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub weekly_hours: Decimal,
}

/// An absence recorded in HR (approved leave, or an absence HR recorded directly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absence {
    /// The HR request's id (the payroll line's reference).
    pub id: Uuid,
    pub employee_id: Uuid,
    /// HR's leave type code (`CP`, `MAL`…).
    pub leave_type: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The days HR counted for the whole absence.
    pub days: Decimal,
}

/// The member's employees, by matricule.
///
/// # Errors
/// Database errors.
pub async fn employees<C: ConnectionTrait>(db: &C, tenant: Tenant) -> AppResult<Vec<Employee>> {
    let sites = establishments::Entity::find_in(tenant).all(db).await?;
    Ok(hr_employees::Entity::find_in(tenant)
        .order_by_asc(hr_employees::Column::Matricule)
        .all(db)
        .await?
        .into_iter()
        .map(|e| Employee {
            id: e.id,
            name: format!("{} {}", e.last_name, e.first_name),
            establishment_nic: e
                .establishment_id
                .and_then(|sid| sites.iter().find(|s| s.id == sid))
                .map(|s| s.nic.clone()),
            matricule: e.matricule,
            entry_date: e.entry_date,
            exit_date: e.exit_date,
        })
        .collect())
}

/// The contracts that cover some day of `[from, to]`, by employee.
///
/// # Errors
/// Database errors.
pub async fn contracts_between<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<Contract>> {
    let mut out = Vec::new();
    for (employee_id, cs) in contracts::by_employee_for(db, tenant).await? {
        for c in cs {
            let Some((start, end)) = c.span() else {
                continue;
            };
            if !c.overlaps(from, to) {
                continue;
            }
            let Some(v) = c.at(from.max(start)).or_else(|| c.latest()) else {
                continue;
            };
            out.push(Contract {
                employee_id,
                contract_id: v.contract_id,
                kind: v.kind.clone(),
                start,
                end,
                weekly_hours: v.weekly_hours.parse().unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// Also the contracts that ended before `from` (an ended CDD still paid is a finding).
///
/// # Errors
/// Database errors.
pub async fn all_contracts<C: ConnectionTrait>(db: &C, tenant: Tenant) -> AppResult<Vec<Contract>> {
    let mut out = Vec::new();
    for (employee_id, cs) in contracts::by_employee_for(db, tenant).await? {
        for c in cs {
            let (Some((start, end)), Some(v)) = (c.span(), c.latest()) else {
                continue;
            };
            out.push(Contract {
                employee_id,
                contract_id: v.contract_id,
                kind: v.kind.clone(),
                start,
                end,
                weekly_hours: v.weekly_hours.parse().unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// The absences in force (approved) that touch `[from, to]`; cancelled or refused ones
/// are not absences.
///
/// # Errors
/// Database errors.
pub async fn absences_between<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<Absence>> {
    Ok(hr_leave_requests::Entity::find_in(tenant)
        .filter(hr_leave_requests::Column::Status.eq("approved"))
        .filter(hr_leave_requests::Column::StartDate.lte(to))
        .filter(hr_leave_requests::Column::EndDate.gte(from))
        .order_by_asc(hr_leave_requests::Column::StartDate)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Absence {
            id: r.id,
            employee_id: r.employee_id,
            leave_type: r.leave_type,
            start: r.start_date,
            end: r.end_date,
            days: days(r.days_micros),
        })
        .collect())
}

/// The days of `leave_type` an absence counts within `[from, to]` (HR's own counting:
/// jours ouvrables for paid leave, calendar days for sickness…), with the member's
/// calendar.
///
/// # Errors
/// Database errors.
pub async fn days_within<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    leave_type: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Decimal> {
    let alsace = ledger::settings(db, tenant).await?.alsace_moselle;
    Ok(
        crate::leave::leave_type(leave_type).map_or(Decimal::ZERO, |t| {
            Decimal::from(crate::leave::count_days(t, from, to, alsace))
        }),
    )
}

/// Each employee's balance per leave type with a balance (`CP`, `RTT`, `CT66`), all
/// periods together, as the ledger holds it today.
///
/// # Errors
/// Database errors.
pub async fn balances<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<BTreeMap<Uuid, BTreeMap<String, Decimal>>> {
    let mut out: BTreeMap<Uuid, BTreeMap<String, Decimal>> = BTreeMap::new();
    for e in ledger::entries_for(db, tenant, None).await? {
        *out.entry(e.employee_id)
            .or_default()
            .entry(e.leave_type.clone())
            .or_default() += days(e.days_micros);
    }
    Ok(out)
}

/// Whether the member observes Alsace-Moselle's two extra public holidays.
///
/// # Errors
/// Database errors.
pub async fn alsace_moselle<C: ConnectionTrait>(db: &C, tenant: Tenant) -> AppResult<bool> {
    Ok(ledger::settings(db, tenant).await?.alsace_moselle)
}

/// One employee as documents name them (the legal module's `salarie.*` and
/// `contrat.*`): identity and the terms of the latest contract version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForDocuments {
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub nationality: String,
    pub entry_date: NaiveDate,
    /// The employee's latest contract, as its last version states it.
    pub contract: Option<ContractTerms>,
}

/// A contract's terms as a document quotes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractTerms {
    pub kind: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub cdd_reason: Option<String>,
    pub weekly_hours: String,
    pub position: String,
    pub agreement: String,
    pub coefficient: Option<i32>,
}

/// The employee `id` of the member, for a document; `None` when it is not the member's.
///
/// # Errors
/// Database errors.
pub async fn for_documents<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<Option<ForDocuments>> {
    let Some(e) = hr_employees::Entity::find_in(tenant)
        .filter(hr_employees::Column::Id.eq(id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let contract = contracts::by_employee_for(db, tenant)
        .await?
        .into_iter()
        .find(|(emp, _)| *emp == id)
        .and_then(|(_, cs)| {
            cs.into_iter()
                .filter_map(|c| Some((c.span()?, c.latest()?.clone())))
                .max_by_key(|((start, _), _)| *start)
        })
        .map(|((start, end), v)| ContractTerms {
            kind: v.kind,
            start,
            end,
            cdd_reason: v.cdd_reason,
            weekly_hours: v.weekly_hours,
            position: v.position,
            agreement: v.agreement,
            coefficient: v.coefficient,
        });
    Ok(Some(ForDocuments {
        matricule: e.matricule,
        first_name: e.first_name,
        last_name: e.last_name,
        birth_date: e.birth_date,
        nationality: e.nationality,
        entry_date: e.entry_date,
        contract,
    }))
}
