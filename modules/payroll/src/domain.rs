//! The plain data payroll preparation works on — the codes of the variable elements, a
//! line, what is known of an employee, a finding — shared by the checks, the exports and
//! the services. No database, no HTTP.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use mutualis_core::time::Month;
use rust_decimal::Decimal;
use uuid::Uuid;

/// What a code's quantity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Days (jours ouvrables for paid leave, calendar days for sickness).
    Days,
    Hours,
    /// Euros (the quantity is 1; the amount carries the value).
    Euros,
    /// A number of items (meal vouchers, on-call periods).
    Count,
    /// Kilometres (mileage allowance; the rate is the scale's).
    Km,
}

impl Unit {
    /// The code used in exports (`jours`, `heures`, `euros`, `nombre`, `km`).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Days => "jours",
            Self::Hours => "heures",
            Self::Euros => "euros",
            Self::Count => "nombre",
            Self::Km => "km",
        }
    }
}

/// What kind of element a code is (the checks depend on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An absence with start and end dates (one row per day in 123Paie).
    Absence,
    /// Part-time extra hours (heures complémentaires).
    ExtraHours,
    /// Overtime (heures supplémentaires).
    Overtime,
    /// Other hours (night, Sunday, holiday, on-call work).
    Hours,
    /// An amount in euros that must be positive.
    Amount,
    /// A count or a distance.
    Count,
}

/// A code of the catalogue the cooperative keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeDef {
    pub code: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub kind: Kind,
    /// A sick leave: first stop or extension, and its certificate.
    pub sick: bool,
    /// The HR leave type that produces this line by itself (source `hr`).
    pub hr_leave_type: Option<&'static str>,
}

const fn code(
    code: &'static str,
    label: &'static str,
    unit: Unit,
    kind: Kind,
) -> CodeDef {
    CodeDef {
        code,
        label,
        unit,
        kind,
        sick: false,
        hr_leave_type: None,
    }
}

const fn absence(code: &'static str, label: &'static str, hr: Option<&'static str>) -> CodeDef {
    CodeDef {
        code,
        label,
        unit: Unit::Days,
        kind: Kind::Absence,
        sick: false,
        hr_leave_type: hr,
    }
}

/// The catalogue (DOMAIN.md): absences, hours, amounts, counts.
pub const CATALOGUE: [CodeDef; 33] = [
    CodeDef {
        code: "MAL",
        label: "Arrêt maladie",
        unit: Unit::Days,
        kind: Kind::Absence,
        sick: true,
        hr_leave_type: Some("MAL"),
    },
    absence("AT", "Accident du travail", Some("AT")),
    absence("TRAJET", "Accident de trajet", None),
    absence("MP", "Maladie professionnelle", None),
    code("MTT", "Mi-temps thérapeutique", Unit::Hours, Kind::Hours),
    absence("MAT", "Congé maternité, paternité ou d’adoption", Some("MAT")),
    absence("PAT", "Congé paternité", None),
    absence("PAR", "Congé parental", None),
    absence("CP", "Congés payés (jours ouvrables)", Some("CP")),
    absence("CT66", "Congés trimestriels CCN 66", Some("CT66")),
    absence("RTT", "RTT", Some("RTT")),
    code("REC", "Récupération", Unit::Hours, Kind::Hours),
    absence("CSS", "Congé sans solde", Some("CSS")),
    absence("ABS_NJ", "Absence non justifiée", None),
    absence("EVT", "Congé pour événement familial", Some("EVT")),
    code("HC10", "Heures complémentaires à 10 %", Unit::Hours, Kind::ExtraHours),
    code("HC25", "Heures complémentaires à 25 %", Unit::Hours, Kind::ExtraHours),
    code("HS25", "Heures supplémentaires à 25 %", Unit::Hours, Kind::Overtime),
    code("HS50", "Heures supplémentaires à 50 %", Unit::Hours, Kind::Overtime),
    code("HNUIT", "Heures de nuit", Unit::Hours, Kind::Hours),
    code("VEILLE", "Heures de veille", Unit::Hours, Kind::Hours),
    code("HDIM", "Heures du dimanche", Unit::Hours, Kind::Hours),
    code("HFER", "Heures de jour férié", Unit::Hours, Kind::Hours),
    code("H1MAI", "Heures du 1er mai", Unit::Hours, Kind::Hours),
    code("AST", "Astreintes (périodes)", Unit::Count, Kind::Count),
    code("AST_INT", "Interventions en astreinte", Unit::Hours, Kind::Hours),
    code("PRIME_EXCEP", "Prime exceptionnelle", Unit::Euros, Kind::Amount),
    code("ACOMPTE", "Acompte versé", Unit::Euros, Kind::Amount),
    code("FRAIS", "Remboursement de frais", Unit::Euros, Kind::Amount),
    code("IK", "Indemnités kilométriques", Unit::Km, Kind::Count),
    code("REPAS", "Repas", Unit::Count, Kind::Count),
    code("TR", "Titres-restaurant", Unit::Count, Kind::Count),
    code("TELETRAV", "Jours de télétravail", Unit::Count, Kind::Count),
];

/// A code of the catalogue.
#[must_use]
pub fn code_def(code: &str) -> Option<&'static CodeDef> {
    CATALOGUE.iter().find(|c| c.code == code)
}

/// Where a line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Typed on a page or posted to the API.
    Entry,
    /// A spreadsheet import.
    Import,
    /// An absence recorded in HR (never typed twice).
    Hr,
}

impl Source {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Entry => "entry",
            Self::Import => "import",
            Self::Hr => "hr",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "entry" => Some(Self::Entry),
            "import" => Some(Self::Import),
            "hr" => Some(Self::Hr),
            _ => None,
        }
    }
}

/// A variable element of a period, as the checks and exports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: Uuid,
    pub matricule: String,
    pub code: String,
    /// Days, hours, count or km; 1 for an amount.
    pub quantity: Decimal,
    /// A rate, where the member's tool does not own it (IK's scale, a bonus rate).
    pub rate: Option<Decimal>,
    /// Euros, for amount codes.
    pub amount: Option<Decimal>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// Sick leave: first stop (true) or extension (false).
    pub first_stop: Option<bool>,
    /// Sick leave: the certificate was received.
    pub certificate: bool,
    pub source: Source,
    /// Entered after the period's cut-off.
    pub late: bool,
    /// The period the line concerns: its own, or an earlier one it corrects (an
    /// amendment line).
    pub concerns: Month,
    /// A reference for the export (the HR request, an import row…).
    pub reference: Option<String>,
    pub comment: Option<String>,
}

/// A contract as the checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    /// `CDI`, `CDD`, `APPRENTISSAGE`, `AIDE`, `INTERIM`.
    pub kind: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Weekly hours in force during the period.
    pub weekly_hours: Decimal,
    /// The contract's identifier in exports.
    pub reference: String,
}

/// What is known of an employee for the checks and exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeFacts {
    pub matricule: String,
    pub name: String,
    /// The establishment's NIC, when attached to one.
    pub establishment_nic: Option<String>,
    pub contracts: Vec<ContractFacts>,
    /// Leave balances by HR type (`CP`, `RTT`, `CT66`) before this period's takings.
    pub balances: BTreeMap<String, Decimal>,
    /// Overtime hours (HS25 + HS50) already paid this calendar year, before the period.
    pub overtime_before: Decimal,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Prevents the submission.
    Blocking,
    /// Needs an acknowledgement with a comment.
    Warning,
}

impl Severity {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Blocking => "blocking",
            Self::Warning => "warning",
        }
    }
}

/// One finding of the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `outside_contract`, `outside_period`, `overlap`, `part_time_extra`,
    /// `overtime_quota`, `cdd_ended`, `negative_balance`, `sick_certificate`,
    /// `non_positive`, `late`.
    pub rule: &'static str,
    pub severity: Severity,
    pub matricule: String,
    /// The line it is about (for rules on one line).
    pub line: Option<Uuid>,
    /// French, naming the employee, the code and the dates.
    pub message: String,
    /// Stable across re-checks of the same facts (keeps an acknowledgement): rule,
    /// matricule and what the finding is about.
    pub key: String,
}

/// Legal figures the checks use.
pub mod law {
    use rust_decimal::Decimal;

    /// The annual overtime quota (Code du travail, default contingent): 220 hours.
    pub const OVERTIME_QUOTA_HOURS: Decimal = Decimal::from_parts(220, 0, 0, false, 0);
    /// Part-time extra hours are capped at a tenth of the contract's hours (beyond,
    /// +25 % and only up to a third by agreement).
    pub const EXTRA_HOURS_SHARE: Decimal = Decimal::from_parts(1, 0, 0, false, 1);
    /// Weekly hours → monthly: × 52 / 12.
    pub const WEEKS_PER_MONTH: Decimal = Decimal::from_parts(4_333_333, 0, 0, false, 6);
}
