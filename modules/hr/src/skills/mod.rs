//! Skills and training (GPEC): the member's skill catalogue, each employee's assessed
//! levels, training records with their certificates, and the professional interviews
//! with their schedule and reminders.
//!
//! Rules (pure functions, unit-tested):
//! - Entretien de parcours professionnel (loi 2025-989): the first within
//!   `first_interview_months` of entry (12), then every `interview_every_years` (4)
//!   after the last interview held (a review counts: it is an interview too).
//! - Bilan (état des lieux récapitulatif): every `review_every_years` (8) after entry.
//!   A review held answers the due date nearest to it (so one held a little early or
//!   late still counts); the next one is the following due date. When the review falls
//!   due first, it is the interview to plan; when a parcours interview falls due within
//!   the reminder period before it, one interview does both, by the parcours' date.
//! - A period of 0 in the settings turns that reminder off.
//! - Status of a due date: overdue before today, due soon within `reminder_days` (60),
//!   otherwise fine. Certificates the same way: expired, expiring soon, valid; a
//!   certificate renewed by a later training (same name) is no longer reminded.
//! - Employees who have left are not in the lists, nor is a date after their exit.
use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult, FieldError, is_unique_violation},
    ids::new_id,
    limits::{Check, Dates},
    scope::Scope,
    tenant::{MemberOwned, Tenant},
    time::{fr_date, paris_today},
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    contracts::{normalize, parse_date, parse_hours},
    entities::{
        hr_employee_skills, hr_employees, hr_interviews, hr_settings, hr_skills, hr_trainings,
    },
};

mod input;
pub use input::*;
mod service;
pub use service::*;

/// Skill levels: 1 to 4, with their French labels.
pub const LEVELS: [(i32, &str); 4] = [
    (1, "Notions"),
    (2, "Opérationnel"),
    (3, "Maîtrise"),
    (4, "Expert"),
];

/// The French label of a level (`—` for a value out of range).
#[must_use]
pub fn level_label(level: i32) -> &'static str {
    LEVELS
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("—", |(_, label)| label)
}

/// The two kinds of professional interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InterviewKind {
    /// Entretien de parcours professionnel (within year one, then every 4 years).
    Parcours,
    /// Bilan: the état des lieux récapitulatif every 8 years.
    Bilan,
}

impl InterviewKind {
    /// Both kinds, in the order forms offer them.
    pub const ALL: [Self; 2] = [Self::Parcours, Self::Bilan];

    /// The code stored in `hr_interviews.kind`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parcours => "parcours",
            Self::Bilan => "bilan",
        }
    }

    /// The French label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Parcours => "Entretien de parcours professionnel",
            Self::Bilan => "Bilan à 8 ans (état des lieux récapitulatif)",
        }
    }

    /// Reads a stored code.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "parcours" => Some(Self::Parcours),
            "bilan" => Some(Self::Bilan),
            _ => None,
        }
    }
}

/// The interview schedule of a member (from its HR settings); a period of 0 turns that
/// reminder off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub first_interview_months: u32,
    pub interview_every_years: u32,
    pub review_every_years: u32,
    pub reminder_days: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            first_interview_months: 12,
            interview_every_years: 4,
            review_every_years: 8,
            reminder_days: 60,
        }
    }
}

impl From<&hr_settings::Model> for Schedule {
    fn from(s: &hr_settings::Model) -> Self {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        Self {
            first_interview_months: n(s.first_interview_months),
            interview_every_years: n(s.interview_every_years),
            review_every_years: n(s.review_every_years),
            reminder_days: n(s.reminder_days),
        }
    }
}

/// The next interview to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub kind: InterviewKind,
    pub due: NaiveDate,
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Whole months from `from` to `to` (negative when `to` is earlier).
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let m =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() { m - 1 } else { m }
}

/// The next professional interview of an employee who entered on `entry`, given the
/// interviews held (kind, date): the earliest of the next parcours interview and the
/// next review. The review takes precedence when due first, and also when the parcours
/// falls due within the reminder period before it: one interview then does both, by
/// the parcours' date. `None` when the schedule turns both off.
#[must_use]
pub fn next_interview(
    entry: NaiveDate,
    held: &[(InterviewKind, NaiveDate)],
    s: &Schedule,
) -> Option<Due> {
    let last = held.iter().map(|(_, d)| *d).max();
    let parcours = match last {
        None if s.first_interview_months > 0 => Some(add_months(entry, s.first_interview_months)),
        Some(d) if s.interview_every_years > 0 => {
            Some(add_months(d, s.interview_every_years.saturating_mul(12)))
        }
        _ => None,
    };
    let bilan = (s.review_every_years > 0).then(|| {
        let cycle = i64::from(s.review_every_years) * 12;
        // Each review held answers the due date nearest to it (the first at least).
        let answered = held
            .iter()
            .filter(|(k, _)| *k == InterviewKind::Bilan)
            .map(|(_, d)| ((months_between(entry, *d) + cycle / 2) / cycle).max(1))
            .max()
            .unwrap_or(0);
        let months = (answered + 1).saturating_mul(cycle);
        add_months(entry, u32::try_from(months).unwrap_or(u32::MAX))
    });
    match (parcours, bilan) {
        // The parcours interview comes first, well before the review.
        (Some(p), Some(b)) if (b - p).num_days() > i64::from(s.reminder_days) => Some(Due {
            kind: InterviewKind::Parcours,
            due: p,
        }),
        // The review comes first, or so soon after the parcours that one interview
        // does both: held by the earlier date.
        (Some(p), Some(b)) => Some(Due {
            kind: InterviewKind::Bilan,
            due: p.min(b),
        }),
        (None, Some(b)) => Some(Due {
            kind: InterviewKind::Bilan,
            due: b,
        }),
        (Some(p), None) => Some(Due {
            kind: InterviewKind::Parcours,
            due: p,
        }),
        (None, None) => None,
    }
}

/// Where a due date (or a certificate's expiry) stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The date is past (a certificate: expired).
    Overdue,
    /// Within the reminder period, today included.
    DueSoon,
    Ok,
}

impl Status {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DueSoon => "due_soon",
            Self::Ok => "ok",
        }
    }
}

/// `overdue` when `due` is before today, `due_soon` when it falls within
/// `reminder_days` from today, `ok` otherwise.
#[must_use]
pub fn status(due: NaiveDate, today: NaiveDate, reminder_days: u32) -> Status {
    if due < today {
        Status::Overdue
    } else if (due - today).num_days() <= i64::from(reminder_days) {
        Status::DueSoon
    } else {
        Status::Ok
    }
}

/// A certificate's state: `expiré` (overdue), `expire bientôt` (within the reminder
/// period) or valid.
#[must_use]
pub fn certificate_status(expiry: NaiveDate, today: NaiveDate, reminder_days: u32) -> Status {
    status(expiry, today, reminder_days)
}

/// The French words for a certificate's state.
#[must_use]
pub fn certificate_label(s: Status) -> &'static str {
    match s {
        Status::Overdue => "expiré",
        Status::DueSoon => "expire bientôt",
        Status::Ok => "valide",
    }
}

pub use mutualis_core::time::time_left;

/// Whether an employee is still in post on `today`.
#[must_use]
pub fn in_post(e: &hr_employees::Model, today: NaiveDate) -> bool {
    e.exit_date.is_none_or(|d| d > today)
}

/// The trainings whose certificate is current: for each employee and certificate name
/// (accents and case ignored), the one with the latest expiry.
#[must_use]
pub fn current_certificates(trainings: &[hr_trainings::Model]) -> Vec<&hr_trainings::Model> {
    let mut latest: HashMap<(Uuid, String), &hr_trainings::Model> = HashMap::new();
    for t in trainings {
        let (Some(name), Some(expiry)) = (&t.certificate, t.certificate_expiry) else {
            continue;
        };
        let key = (t.employee_id, normalize(name));
        match latest.get(&key) {
            Some(seen) if seen.certificate_expiry >= Some(expiry) => {}
            _ => {
                latest.insert(key, t);
            }
        }
    }
    let mut out: Vec<_> = latest.into_values().collect();
    out.sort_by_key(|t| (t.certificate_expiry, t.employee_id));
    out
}

#[cfg(test)]
mod tests;
