//! Leave: the types, the accrual rules (pure functions, numbers from DOMAIN.md) and the
//! append-only ledger from which every balance is derived.
//!
//! Rules:
//! - Congés payés (CP): 2.5 jours ouvrables per month worked, at most 30 per reference
//!   period (1 June – 31 May). Work accident / occupational disease months earn 2.5 like
//!   work; non-work sickness earns 2 per month, at most 24 per period (loi 2024-364);
//!   unpaid leave earns nothing; maternity/paternity counts as work. A partial month
//!   earns in proportion of its calendar days.
//! - CCN 66 quarterly leave (CT66): 6 days in each of the three quarters without the
//!   annual leave (January–March, April–June, October–December), for contracts that
//!   carry the entitlement; what is not taken within the quarter expires at its end.
//! - CP of a period not taken by the end of the next period expires, unless the
//!   employee was off sick or injured during that time: then it is carried over.
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::calendar;

/// How the days of a leave are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Counting {
    /// Monday–Saturday, public holidays excluded (CP, CT66, family events).
    Ouvrables,
    /// Monday–Friday, public holidays excluded (RTT).
    Ouvres,
    /// Every calendar day (sickness, accident, maternity, unpaid leave).
    Calendar,
}

/// A leave type.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LeaveType {
    pub code: &'static str,
    pub label: &'static str,
    /// Whether it has a balance in the ledger (accrued, then taken).
    pub balance: bool,
    /// Whether a request waits for the director's approval (otherwise HR records the
    /// absence, e.g. a sick note).
    pub approval: bool,
    pub counting: Counting,
}

/// The leave types.
pub const TYPES: [LeaveType; 8] = [
    LeaveType {
        code: "CP",
        label: "Congés payés",
        balance: true,
        approval: true,
        counting: Counting::Ouvrables,
    },
    LeaveType {
        code: "RTT",
        label: "RTT",
        balance: true,
        approval: true,
        counting: Counting::Ouvres,
    },
    LeaveType {
        code: "CT66",
        label: "Congés trimestriels (CCN 66)",
        balance: true,
        approval: true,
        counting: Counting::Ouvrables,
    },
    LeaveType {
        code: "EVT",
        label: "Événement familial",
        balance: false,
        approval: true,
        counting: Counting::Ouvrables,
    },
    LeaveType {
        code: "CSS",
        label: "Congé sans solde",
        balance: false,
        approval: true,
        counting: Counting::Calendar,
    },
    LeaveType {
        code: "MAL",
        label: "Arrêt maladie",
        balance: false,
        approval: false,
        counting: Counting::Calendar,
    },
    LeaveType {
        code: "AT",
        label: "Accident du travail / maladie professionnelle",
        balance: false,
        approval: false,
        counting: Counting::Calendar,
    },
    LeaveType {
        code: "MAT",
        label: "Congé maternité, paternité ou d’adoption",
        balance: false,
        approval: false,
        counting: Counting::Calendar,
    },
];

/// A leave type by code.
#[must_use]
pub fn leave_type(code: &str) -> Option<&'static LeaveType> {
    TYPES.iter().find(|t| t.code == code)
}

/// Ledger movement kinds, with their French labels.
pub const KINDS: [(&str, &str); 5] = [
    ("accrual", "Acquisition"),
    ("taking", "Prise"),
    ("adjustment", "Ajustement"),
    ("expiry", "Expiration"),
    ("carry_over", "Report"),
];

/// The French label of a movement kind.
#[must_use]
pub fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Autre", |(_, l)| l)
}

/// Days of a leave from `from` to `to` inclusive, counted as the type requires.
#[must_use]
pub fn count_days(t: &LeaveType, from: NaiveDate, to: NaiveDate, alsace_moselle: bool) -> u32 {
    match t.counting {
        Counting::Ouvrables => calendar::jours_ouvrables(from, to, alsace_moselle),
        Counting::Ouvres => calendar::jours_ouvres(from, to, alsace_moselle),
        Counting::Calendar => calendar::overlap_days(from, to, from, to),
    }
}

/// CP earned per month worked.
pub const CP_PER_MONTH: Decimal = Decimal::from_parts(25, 0, 0, false, 1);
/// CP earned per month of non-work sickness (loi 2024-364).
pub const CP_PER_SICK_MONTH: Decimal = Decimal::from_parts(2, 0, 0, false, 0);
/// The most CP earned through sickness in one reference period.
pub const CP_SICK_CAP: Decimal = Decimal::from_parts(24, 0, 0, false, 0);
/// The most CP earned in one reference period.
pub const CP_CAP: Decimal = Decimal::from_parts(30, 0, 0, false, 0);
/// CCN 66 quarterly leave per eligible quarter.
pub const CT66_PER_QUARTER: Decimal = Decimal::from_parts(6, 0, 0, false, 0);
/// The quarter of the annual leave, without quarterly leave (July–September).
pub const CT66_SUMMER_QUARTER: u32 = 3;

/// What happened in one month of an employee's contract, in calendar days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthFacts {
    pub days_in_month: u32,
    /// Days covered by a contract.
    pub contract_days: u32,
    /// Non-work sickness.
    pub sick_days: u32,
    /// Work accident or occupational disease.
    pub accident_days: u32,
    /// Unpaid leave (earns nothing).
    pub unpaid_days: u32,
}

/// CP already earned in the reference period before this month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EarnedSoFar {
    pub total: Decimal,
    /// The part earned during sickness.
    pub sick: Decimal,
}

/// The month's CP: the part earned by work (and assimilated periods), the part earned
/// during sickness, and why a cap cut it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpAccrual {
    pub worked: Decimal,
    pub sick: Decimal,
    pub capped: Option<String>,
}

impl CpAccrual {
    #[must_use]
    pub fn total(&self) -> Decimal {
        self.worked + self.sick
    }
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The CP one month earns, given what the period has already earned.
#[must_use]
pub fn cp_for_month(f: &MonthFacts, so_far: EarnedSoFar) -> CpAccrual {
    if f.days_in_month == 0 || f.contract_days == 0 {
        return CpAccrual::default();
    }
    let days = Decimal::from(f.days_in_month);
    let absent = f.sick_days + f.accident_days + f.unpaid_days;
    let worked_days = f.contract_days.saturating_sub(absent) + f.accident_days.min(f.contract_days);
    let mut worked = round2(CP_PER_MONTH * Decimal::from(worked_days) / days);
    let mut sick =
        round2(CP_PER_SICK_MONTH * Decimal::from(f.sick_days.min(f.contract_days)) / days);
    let mut capped = None;
    let sick_room = (CP_SICK_CAP - so_far.sick).max(Decimal::ZERO);
    if sick > sick_room {
        sick = sick_room;
        capped = Some("plafond de 24 jours acquis pendant la maladie atteint".to_string());
    }
    let room = (CP_CAP - so_far.total).max(Decimal::ZERO);
    if worked > room {
        worked = room;
        capped = Some("plafond de 30 jours par période atteint".to_string());
    }
    let room = room - worked;
    if sick > room {
        sick = room;
        capped = Some("plafond de 30 jours par période atteint".to_string());
    }
    CpAccrual {
        worked,
        sick,
        capped,
    }
}

/// Whether a month's quarter carries CCN 66 quarterly leave.
#[must_use]
pub fn ct66_quarter(month: u32) -> Option<u32> {
    let q = calendar::quarter(month);
    (q != CT66_SUMMER_QUARTER).then_some(q)
}

/// `2026-T1`
#[must_use]
pub fn quarter_label(year: i32, quarter: u32) -> String {
    format!("{year}-T{quarter}")
}

/// The acquisition period label of CP earned in the month starting `first_day`.
#[must_use]
pub fn cp_period(first_day: NaiveDate) -> String {
    let (start, _) = calendar::reference_period(first_day);
    calendar::reference_label(start)
}

/// The day CP of a period expires when not taken: the end of the next period (the
/// period `2024-2025`, earned until 31 May 2025, is taken until 31 May 2026).
#[must_use]
pub fn cp_expiry(period: &str) -> Option<NaiveDate> {
    let start: i32 = period.get(..4)?.parse().ok()?;
    NaiveDate::from_ymd_opt(start + 2, 5, 31)
}

/// The period after `period` (`2024-2025` → `2025-2026`).
#[must_use]
pub fn next_period(period: &str) -> Option<String> {
    let start: i32 = period.get(..4)?.parse().ok()?;
    Some(format!("{}-{}", start + 1, start + 2))
}

/// Days in millionths (the ledger's storage).
#[must_use]
pub fn micros(d: Decimal) -> i64 {
    mutualis_core::metering::to_micros(d).unwrap_or(0)
}

/// Days from millionths.
#[must_use]
pub fn days(micros: i64) -> Decimal {
    mutualis_core::metering::from_micros(micros)
}

/// `2,5 j`
#[must_use]
pub fn fr_days(d: Decimal) -> String {
    format!("{} j", mutualis_core::time::fr_decimal(d))
}

/// The first day of the month after `day`'s.
#[must_use]
pub fn month_after(day: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn full(days: u32) -> MonthFacts {
        MonthFacts {
            days_in_month: days,
            contract_days: days,
            ..Default::default()
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_worked_earns_two_and_a_half_days() {
        let a = cp_for_month(&full(30), EarnedSoFar::default());
        assert_eq!(a.total(), d("2.5"));
        assert_eq!(a.sick, Decimal::ZERO);
        // Twelve months: 30 days, not one more.
        let mut so_far = EarnedSoFar::default();
        for _ in 0..13 {
            let a = cp_for_month(&full(31), so_far);
            so_far.total += a.total();
        }
        assert_eq!(so_far.total, d("30"));
    }

    #[test]
    fn a_partial_month_earns_in_proportion() {
        // Hired on 16 September: 15 of 30 days.
        let f = MonthFacts {
            days_in_month: 30,
            contract_days: 15,
            ..Default::default()
        };
        assert_eq!(cp_for_month(&f, EarnedSoFar::default()).total(), d("1.25"));
    }

    #[test]
    fn sickness_earns_two_days_a_month_capped_at_twenty_four() {
        let sick = MonthFacts {
            days_in_month: 30,
            contract_days: 30,
            sick_days: 30,
            ..Default::default()
        };
        let a = cp_for_month(&sick, EarnedSoFar::default());
        assert_eq!((a.worked, a.sick), (Decimal::ZERO, d("2")));
        // A whole period off sick: 12 × 2 = 24, the cap; a 13th month earns nothing.
        let mut so_far = EarnedSoFar::default();
        for _ in 0..12 {
            let a = cp_for_month(&sick, so_far);
            so_far.total += a.total();
            so_far.sick += a.sick;
        }
        assert_eq!(so_far.sick, d("24"));
        let a = cp_for_month(&sick, so_far);
        assert_eq!(a.total(), Decimal::ZERO);
        assert!(a.capped.unwrap().contains("24"));
        // Half a month sick: 1.25 for the work, 1 for the sickness.
        let half = MonthFacts {
            days_in_month: 30,
            contract_days: 30,
            sick_days: 15,
            ..Default::default()
        };
        let a = cp_for_month(&half, EarnedSoFar::default());
        assert_eq!((a.worked, a.sick), (d("1.25"), d("1")));
    }

    #[test]
    fn a_work_accident_earns_like_work_and_unpaid_leave_earns_nothing() {
        let at = MonthFacts {
            days_in_month: 31,
            contract_days: 31,
            accident_days: 31,
            ..Default::default()
        };
        assert_eq!(cp_for_month(&at, EarnedSoFar::default()).total(), d("2.5"));
        let unpaid = MonthFacts {
            days_in_month: 31,
            contract_days: 31,
            unpaid_days: 31,
            ..Default::default()
        };
        assert_eq!(
            cp_for_month(&unpaid, EarnedSoFar::default()).total(),
            Decimal::ZERO
        );
    }

    #[test]
    fn the_thirty_day_cap_cuts_the_last_month() {
        let a = cp_for_month(
            &full(31),
            EarnedSoFar {
                total: d("29"),
                sick: Decimal::ZERO,
            },
        );
        assert_eq!(a.total(), d("1"));
        assert!(a.capped.is_some());
    }

    #[test]
    fn ccn66_quarters_skip_the_summer() {
        assert_eq!(ct66_quarter(2), Some(1));
        assert_eq!(ct66_quarter(5), Some(2));
        assert_eq!(ct66_quarter(8), None);
        assert_eq!(ct66_quarter(11), Some(4));
    }

    #[test]
    fn cp_periods_run_june_to_may_and_expire_a_year_later() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(cp_period(day(2026, 5, 1)), "2025-2026");
        assert_eq!(cp_period(day(2026, 6, 1)), "2026-2027");
        assert_eq!(cp_expiry("2024-2025"), Some(day(2026, 5, 31)));
        assert_eq!(next_period("2024-2025").unwrap(), "2025-2026");
    }

    #[test]
    fn cp_days_are_jours_ouvrables_without_holidays() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let cp = leave_type("CP").unwrap();
        // Monday 3 to Saturday 15 August 2026: 12 days Mon–Sat, minus 15 August.
        assert_eq!(count_days(cp, day(2026, 8, 3), day(2026, 8, 15), false), 11);
        let rtt = leave_type("RTT").unwrap();
        assert_eq!(
            count_days(rtt, day(2026, 8, 3), day(2026, 8, 15), false),
            10
        );
        let mal = leave_type("MAL").unwrap();
        assert_eq!(
            count_days(mal, day(2026, 8, 3), day(2026, 8, 15), false),
            13
        );
    }
}
