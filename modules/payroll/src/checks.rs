//! The checks of a period (placeholder until the rules land: only `late`).
use std::collections::BTreeMap;

use chrono::NaiveDate;
use mutualis_core::time::Month;

use crate::domain::{EmployeeFacts, Finding, Line, Severity};

/// The findings of a period's lines.
#[must_use]
pub fn check(
    _period: Month,
    _cutoff: NaiveDate,
    lines: &[Line],
    _employees: &BTreeMap<String, EmployeeFacts>,
) -> Vec<Finding> {
    lines
        .iter()
        .filter(|l| l.late)
        .map(|l| Finding {
            rule: "late",
            severity: Severity::Warning,
            matricule: l.matricule.clone(),
            line: Some(l.id),
            message: format!("Ligne saisie après la date de clôture ({}).", l.code),
            key: format!("late:{}", l.id),
        })
        .collect()
}
