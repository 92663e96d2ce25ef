#![allow(clippy::unwrap_used)]
//! The crafted month of May 2026 (holidays: Friday 8 May, Thursday 14 May, Monday 25
//! May) and the files it gives, compared with the expected files of `testdata/`. Set
//! `MUTUALIS_PAYROLL_OUT=/some/dir` to keep what the tests write there.
use super::*;
use crate::domain::{ContractFacts, Source};
use uuid::Uuid;

mod files;
mod pdf;
mod props;

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub(super) const MAY: Month = Month {
    year: 2026,
    month: 5,
};

pub(super) fn ctx() -> ExportContext {
    ExportContext {
        company: "732829320".into(),
        period: MAY,
        alsace_moselle: false,
    }
}

fn contract(
    kind: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
    weekly: &str,
    reference: &str,
) -> ContractFacts {
    ContractFacts {
        kind: kind.into(),
        start,
        end,
        weekly_hours: dec(weekly),
        reference: reference.into(),
    }
}

fn employee(matricule: &str, name: &str, nic: &str, contract: ContractFacts) -> EmployeeFacts {
    EmployeeFacts {
        matricule: matricule.into(),
        name: name.into(),
        establishment_nic: Some(nic.into()),
        contracts: vec![contract],
        balances: BTreeMap::new(),
        overtime_before: Decimal::ZERO,
    }
}

/// Marie (full-time) and Léa (28 h) at the home, NIC 00012; Paul (CDD, 24 h) at the
/// SESSAD, NIC 00025.
pub(super) fn staff() -> BTreeMap<String, EmployeeFacts> {
    [
        employee(
            "00012",
            "Marie Dupont",
            "00012",
            contract("CDI", day(2019, 9, 1), None, "35", "CDI-2019-014"),
        ),
        employee(
            "00027",
            "Léa Fèvre-Dupré",
            "00012",
            contract("CDI", day(2022, 3, 1), None, "28", "CDI-2022-031"),
        ),
        employee(
            "00105",
            "Paul Martin",
            "00025",
            contract(
                "CDD",
                day(2026, 4, 1),
                Some(day(2026, 9, 30)),
                "24",
                "CDD-2026-007",
            ),
        ),
    ]
    .into_iter()
    .map(|e| (e.matricule.clone(), e))
    .collect()
}

pub(super) fn code_map() -> BTreeMap<String, String> {
    [("PRIME_EXCEP", "PRIMEX"), ("MAL", "AB-MAL")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A line with a fixed id (the file order never depends on it here).
fn line(n: u128, matricule: &str, code: &str, quantity: &str) -> Line {
    Line {
        id: Uuid::from_u128(n),
        matricule: matricule.into(),
        code: code.into(),
        quantity: dec(quantity),
        rate: None,
        amount: None,
        start: None,
        end: None,
        first_stop: None,
        certificate: false,
        source: Source::Entry,
        late: false,
        concerns: MAY,
        reference: None,
        comment: None,
    }
}

fn dated(mut l: Line, start: NaiveDate, end: NaiveDate) -> Line {
    l.start = Some(start);
    l.end = Some(end);
    l
}

fn with_ref(mut l: Line, r: &str) -> Line {
    l.reference = Some(r.into());
    l
}

/// The month, in no particular order: a sick leave across the 8 May holiday and a
/// weekend, paid leave Monday to Saturday, overtime, a bonus, meal vouchers, mileage, an
/// amendment for April; Léa's extra hours and a sick extension from Whit Monday; Paul's
/// expenses, meals and on-call periods.
pub(super) fn month() -> Vec<Line> {
    let mut sick = dated(
        line(1, "00012", "MAL", "6"),
        day(2026, 5, 7),
        day(2026, 5, 12),
    );
    sick.first_stop = Some(true);
    sick.certificate = true;
    sick.reference = Some("Avis du 07/05/2026".into());
    let mut leave = dated(
        line(2, "00012", "CP", "6"),
        day(2026, 5, 18),
        day(2026, 5, 23),
    );
    leave.source = Source::Hr;
    leave.reference = Some("Demande de congé n° 118".into());
    let mut bonus = line(5, "00012", "PRIME_EXCEP", "1");
    bonus.amount = Some(dec("250"));
    bonus.reference = Some("Prime « fête des familles »".into());
    let mut ik = line(7, "00012", "IK", "142");
    ik.rate = Some(dec("0.636"));
    ik.reference = Some("Déplacements Lyon; Vienne".into());
    let mut april = dated(
        line(8, "00012", "HS25", "3.50"),
        day(2026, 4, 28),
        day(2026, 4, 28),
    );
    april.concerns = MAY.prev();
    april.reference = Some("Rappel avril".into());
    let mut extension = dated(
        line(11, "00027", "MAL", "2"),
        day(2026, 5, 25),
        day(2026, 5, 26),
    );
    extension.first_stop = Some(false);
    extension.certificate = true;
    let mut expenses = line(12, "00105", "FRAIS", "1");
    expenses.amount = Some(dec("38.4"));
    expenses.reference = Some("Frais de formation — Cœur de métier".into());
    vec![
        line(13, "00105", "REPAS", "8"),
        ik,
        line(3, "00012", "HS25", "6"),
        extension,
        leave,
        line(6, "00012", "TR", "17"),
        april,
        bonus,
        with_ref(line(9, "00027", "HC10", "2.5"), "Semaine 20"),
        line(10, "00027", "TR", "12"),
        sick,
        line(4, "00012", "HS50", "2"),
        expenses,
        line(14, "00105", "AST", "2"),
    ]
}

/// Keeps a file the tests wrote when `MUTUALIS_PAYROLL_OUT` is set.
pub(super) fn keep(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("MUTUALIS_PAYROLL_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join(name), bytes).unwrap();
    }
}

/// The bytes of an expected file of `testdata/`.
pub(super) fn expected(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/formats/testdata")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The cells of a `;` CSV, quoted values read back (RFC 4180, line breaks inside quotes
/// included); the line ends are LF.
pub(super) fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (';', false) => row.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            _ => cell.push(c),
        }
    }
    assert!(
        !quoted && cell.is_empty() && row.is_empty(),
        "the file ends with a line end"
    );
    rows
}
