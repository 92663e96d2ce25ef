//! The bodies HR's API answers with, described in the OpenAPI document by their
//! `ToSchema`. Field names are the API's contract with the members' scripts and payroll
//! providers: add, never rename. Day counts are decimal strings (`"2.5"`).
use chrono::{DateTime, NaiveDate, Utc};
use mutualis_core::api::schema::decimal;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    entities::{hr_contracts, hr_employees, hr_imports, hr_leave_entries, hr_leave_requests},
    import::{self, RowError},
    leave::days,
    ledger::{AccrualReport, Balance},
    nir,
};

/// `201`: the id of what was created.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmployeeCreated {
    pub id: Uuid,
}

/// An employee. The NIR is masked in lists and shown in full on the record only.
#[derive(Debug, Serialize, ToSchema)]
pub struct Employee {
    pub id: Uuid,
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    /// `F` or `M`.
    pub sex: String,
    pub birth_date: NaiveDate,
    pub nationality: String,
    /// The NIR (numéro de sécurité sociale): its 15 characters on the record (empty
    /// when unknown); in lists sex and year of birth only (`1 84 •• •• ••• ••• ••`,
    /// `•••` when unknown).
    pub nir: String,
    pub entry_date: NaiveDate,
    #[schema(required = true)]
    pub exit_date: Option<NaiveDate>,
}

impl Employee {
    /// The employee, its NIR in full (`full_nir`, an audited view) or masked.
    #[must_use]
    pub fn of(e: &hr_employees::Model, full_nir: bool) -> Self {
        Self {
            id: e.id,
            matricule: e.matricule.clone(),
            first_name: e.first_name.clone(),
            last_name: e.last_name.clone(),
            sex: e.sex.clone(),
            birth_date: e.birth_date,
            nationality: e.nationality.clone(),
            nir: if full_nir {
                e.nir.clone()
            } else {
                nir::masked(&e.nir)
            },
            entry_date: e.entry_date,
            exit_date: e.exit_date,
        }
    }
}

/// An employee's record: the employee with the NIR in full (an audited view), its
/// establishment, contact and work permit.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmployeeRecord {
    #[serde(flatten)]
    pub employee: Employee,
    /// The establishment's NIC, when the employee is attached to one.
    #[schema(required = true)]
    pub establishment: Option<String>,
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub address: Option<String>,
    #[schema(required = true)]
    pub phone: Option<String>,
    #[schema(required = true)]
    pub permit_type: Option<String>,
    #[schema(required = true)]
    pub permit_number: Option<String>,
    #[schema(required = true)]
    pub permit_expiry: Option<NaiveDate>,
}

impl EmployeeRecord {
    pub(crate) fn of(e: &hr_employees::Model, nic: Option<String>) -> Self {
        Self {
            employee: Employee::of(e, true),
            establishment: nic,
            email: e.email.clone(),
            address: e.address.clone(),
            phone: e.phone.clone(),
            permit_type: e.permit_type.clone(),
            permit_number: e.permit_number.clone(),
            permit_expiry: e.permit_expiry,
        }
    }
}

/// One version of a contract: the terms from `valid_from` on (versions are never
/// changed; an amendment is a new version).
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractVersion {
    pub id: Uuid,
    pub contract_id: Uuid,
    pub version: i32,
    pub valid_from: NaiveDate,
    /// `CDI`, `CDD`, `APPRENTISSAGE`, `CONTRAT_AIDE`, `INTERIM`…
    pub kind: String,
    pub start_date: NaiveDate,
    #[schema(required = true)]
    pub end_date: Option<NaiveDate>,
    #[schema(required = true)]
    pub cdd_reason: Option<String>,
    #[schema(required = true)]
    pub trial_end: Option<NaiveDate>,
    /// Weekly hours as entered (`35`, `17.5`).
    pub weekly_hours: String,
    pub agreement: String,
    pub position: String,
    #[schema(required = true)]
    pub qualification: Option<String>,
    #[schema(required = true)]
    pub coefficient: Option<i32>,
    #[schema(required = true)]
    pub step: Option<i32>,
    pub quarterly_leave: bool,
    /// Why this version (an amendment's reason).
    #[schema(required = true)]
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<&hr_contracts::Model> for ContractVersion {
    fn from(v: &hr_contracts::Model) -> Self {
        Self {
            id: v.id,
            contract_id: v.contract_id,
            version: v.version,
            valid_from: v.valid_from,
            kind: v.kind.clone(),
            start_date: v.start_date,
            end_date: v.end_date,
            cdd_reason: v.cdd_reason.clone(),
            trial_end: v.trial_end,
            weekly_hours: v.weekly_hours.clone(),
            agreement: v.agreement.clone(),
            position: v.position.clone(),
            qualification: v.qualification.clone(),
            coefficient: v.coefficient,
            step: v.step,
            quarterly_leave: v.quarterly_leave,
            reason: v.reason.clone(),
            created_by: v.created_by.clone(),
            created_at: v.created_at,
        }
    }
}

/// A contract and all its versions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractHistory {
    #[schema(required = true)]
    pub contract_id: Option<Uuid>,
    pub versions: Vec<ContractVersion>,
}

/// `201`: the version written (a new contract is its version 1).
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractVersionCreated {
    pub contract_id: Uuid,
    pub id: Uuid,
    pub version: i32,
}

impl From<&hr_contracts::Model> for ContractVersionCreated {
    fn from(v: &hr_contracts::Model) -> Self {
        Self {
            contract_id: v.contract_id,
            id: v.id,
            version: v.version,
        }
    }
}

/// The balance of one leave type and reference period, in days.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveBalance {
    pub leave_type: String,
    pub period: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub accrued: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub taken: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub adjusted: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub expired: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub carried_over: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub balance: Decimal,
}

impl From<&Balance> for LeaveBalance {
    fn from(b: &Balance) -> Self {
        Self {
            leave_type: b.leave_type.clone(),
            period: b.period.clone(),
            accrued: b.accrued.normalize(),
            taken: b.taken.normalize(),
            adjusted: b.adjusted.normalize(),
            expired: b.expired.normalize(),
            carried_over: b.carried.normalize(),
            balance: b.balance.normalize(),
        }
    }
}

/// A movement of the leave ledger (append-only).
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveMovement {
    pub id: Uuid,
    pub leave_type: String,
    /// `accrual`, `taking`, `adjustment`, `expiry` or `carry_over`.
    pub kind: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub days: Decimal,
    pub period: String,
    pub effective_date: NaiveDate,
    #[schema(required = true)]
    pub note: Option<String>,
    #[schema(required = true)]
    pub request_id: Option<Uuid>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<&hr_leave_entries::Model> for LeaveMovement {
    fn from(e: &hr_leave_entries::Model) -> Self {
        Self {
            id: e.id,
            leave_type: e.leave_type.clone(),
            kind: e.kind.clone(),
            days: days(e.days_micros).normalize(),
            period: e.period.clone(),
            effective_date: e.effective_date,
            note: e.note.clone(),
            request_id: e.request_id,
            created_by: e.created_by.clone(),
            created_at: e.created_at,
        }
    }
}

/// An employee's leave: balances by type and period, and the ledger's movements.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveAccount {
    pub balances: Vec<LeaveBalance>,
    pub entries: Vec<LeaveMovement>,
}

/// A leave or absence request.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaveRequest {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub leave_type: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Working days counted.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub days: Decimal,
    /// `pending`, `approved`, `refused` or `cancelled`.
    pub status: String,
    #[schema(required = true)]
    pub comment: Option<String>,
    pub requested_by: String,
    #[schema(required = true)]
    pub decided_by: Option<String>,
    #[schema(required = true)]
    pub decided_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub decision_note: Option<String>,
}

impl From<&hr_leave_requests::Model> for LeaveRequest {
    fn from(r: &hr_leave_requests::Model) -> Self {
        Self {
            id: r.id,
            employee_id: r.employee_id,
            leave_type: r.leave_type.clone(),
            start_date: r.start_date,
            end_date: r.end_date,
            days: days(r.days_micros).normalize(),
            status: r.status.clone(),
            comment: r.comment.clone(),
            requested_by: r.requested_by.clone(),
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at,
            decision_note: r.decision_note.clone(),
        }
    }
}

/// What a month's accrual run did for the member.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccrualRun {
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
    pub employees: usize,
    /// Ledger movements written by this run (0 when re-run with nothing changed).
    pub entries: usize,
    /// Days accrued by this run.
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = decimal)]
    pub days: Decimal,
}

impl From<AccrualReport> for AccrualRun {
    fn from(r: AccrualReport) -> Self {
        Self {
            month: r.month,
            employees: r.employees,
            entries: r.entries,
            days: r.days.normalize(),
        }
    }
}

/// One problem of an import's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    /// The row as the spreadsheet shows it (titles are row 1); 0 for the whole file.
    pub row: usize,
    /// The column's title.
    pub column: String,
    pub message: String,
}

impl From<RowError> for ImportProblem {
    fn from(e: RowError) -> Self {
        Self {
            row: e.row,
            column: e.column,
            message: e.message,
        }
    }
}

/// A staged import and its report, row by row.
#[derive(Debug, Serialize, ToSchema)]
pub struct Import {
    pub id: Uuid,
    /// Data rows read.
    pub rows: i64,
    /// Rows without error (imported by the confirmation).
    pub valid: i64,
    pub errors: Vec<ImportProblem>,
    /// `staged`, then `confirmed`.
    pub status: String,
    /// Employees imported, once confirmed.
    #[schema(required = true)]
    pub imported: Option<i64>,
    pub filename: String,
}

impl From<&hr_imports::Model> for Import {
    fn from(i: &hr_imports::Model) -> Self {
        Self {
            id: i.id,
            rows: i.rows,
            valid: i.valid,
            errors: import::errors_of(i)
                .into_iter()
                .map(ImportProblem::from)
                .collect(),
            status: i.status.clone(),
            imported: i.imported,
            filename: i.filename.clone(),
        }
    }
}

/// A confirmed import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportConfirmed {
    pub id: Uuid,
    #[schema(required = true)]
    pub imported: Option<i64>,
    pub status: String,
}

/// The registre unique du personnel on a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterBody {
    pub date: NaiveDate,
    pub lines: Vec<crate::register_docs::RegisterLine>,
}
