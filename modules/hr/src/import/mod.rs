//! Spreadsheet import of employees and their contracts (xlsx, ods, csv through core's
//! bounded reader, `mutualis_core::sheet`): upload → staging with a per-row report (row number as
//! the spreadsheet shows it, column title, French message) → confirm, which imports
//! every valid row in one transaction, or nothing in strict mode when a row is wrong.
use std::collections::{HashMap, HashSet};

use chrono::{Duration, Utc};
use mutualis_core::{
    audit,
    db::begin_write,
    entities::establishments,
    error::{AppError, AppResult},
    ids::new_id,
    scope::Scope,
    sheet::{self, Limits},
    tenant::{MemberOwned, Tenant},
    time::fr_decimal,
};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    contracts::{ContractInput, normalize},
    employees::{EmployeeInput, ValidEmployee},
    entities::{hr_employees, hr_imports},
};

mod read;
pub use read::*;
mod stage;
pub use stage::*;
mod confirm;
pub use confirm::*;
mod template;
pub use template::*;

/// The columns of the template: field code and title. Files are matched on the titles,
/// ignoring case, accents, spaces and punctuation; their order does not matter.
pub const COLUMNS: [(&str, &str); 18] = [
    ("matricule", "Matricule"),
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("sex", "Sexe"),
    ("birth_date", "Date de naissance"),
    ("nationality", "Nationalité"),
    ("nir", "NIR"),
    ("entry_date", "Date d’entrée"),
    ("establishment", "Établissement (NIC)"),
    ("kind", "Type de contrat"),
    ("end_date", "Date de fin"),
    ("cdd_reason", "Motif du CDD"),
    ("weekly_hours", "Heures hebdomadaires"),
    ("agreement", "Convention collective"),
    ("position", "Emploi"),
    ("qualification", "Qualification"),
    ("coefficient", "Coefficient"),
    ("step", "Échelon"),
];

/// Columns a file must have: the person. The contract's columns may be absent — the
/// staff list alone is what most members import first; such employees are "sans
/// contrat" until one is recorded.
const REQUIRED: [&str; 8] = [
    "matricule",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "nationality",
    "nir",
    "entry_date",
];

/// The contract's columns: a row with none of them filled imports the employee alone.
const CONTRACT_FIELDS: [&str; 9] = [
    "kind",
    "end_date",
    "cdd_reason",
    "weekly_hours",
    "agreement",
    "position",
    "qualification",
    "coefficient",
    "step",
];

/// The most rows one file may carry.
pub const MAX_ROWS: usize = 200_000;

/// The most errors an import's report keeps (then one line counts the others).
pub const MAX_REPORTED: usize = 1_000;

fn title(field: &str) -> &'static str {
    match field {
        "start_date" => "Date d’entrée",
        _ => COLUMNS
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, t)| t),
    }
}

/// One problem of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the titles are row 1); 0 for the file.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A valid row, staged until confirmed: its cells in the order of `COLUMNS` (compact
/// to store; validated again at the confirmation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StagedRow {
    pub row: usize,
    pub cells: Vec<String>,
}

impl StagedRow {
    fn cell(&self, field: &str) -> String {
        COLUMNS
            .iter()
            .position(|(f, _)| *f == field)
            .and_then(|i| self.cells.get(i))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether the row fills any of the contract's columns.
    #[must_use]
    pub fn has_contract(&self) -> bool {
        CONTRACT_FIELDS
            .iter()
            .any(|f| !self.cell(f).trim().is_empty())
    }

    /// The employee and, when the row fills any contract column, the contract it
    /// describes.
    #[must_use]
    pub fn inputs(&self) -> (EmployeeInput, Option<ContractInput>) {
        let c = |f: &str| self.cell(f);
        let employee = EmployeeInput {
            matricule: c("matricule"),
            first_name: c("first_name"),
            last_name: c("last_name"),
            sex: c("sex"),
            birth_date: c("birth_date"),
            nationality: c("nationality"),
            nir: c("nir"),
            entry_date: c("entry_date"),
            establishment: c("establishment"),
            ..Default::default()
        };
        let contract = ContractInput {
            kind: c("kind"),
            start_date: c("entry_date"),
            end_date: c("end_date"),
            cdd_reason: c("cdd_reason"),
            weekly_hours: c("weekly_hours"),
            agreement: c("agreement"),
            position: c("position"),
            qualification: c("qualification"),
            coefficient: c("coefficient"),
            step: c("step"),
            quarterly_leave: if normalize(&c("agreement")).contains("66") {
                "on".to_string()
            } else {
                String::new()
            },
            ..Default::default()
        };
        (employee, self.has_contract().then_some(contract))
    }
}

/// What the staging found.
#[derive(Debug, Clone, Default)]
pub struct Staging {
    pub rows: usize,
    pub valid: Vec<StagedRow>,
    pub errors: Vec<RowError>,
}

#[cfg(test)]
mod tests;
