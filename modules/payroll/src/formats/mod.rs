//! The export files of a validated period, as pure rendering: lines and employees in,
//! bytes out. No database, no HTTP.
//!
//! - [`render`] writes a text file after an [`ExportProfile`] — data, so a provider is
//!   added by storing its JSON, not by code. Built in: [`GENERIC_JSON`] and
//!   [`PAIE123_JSON`].
//! - [`xlsx`] writes the generic columns as a spreadsheet (real numbers and dates).
//! - [`recap_pdf`] writes the recap per establishment that the director signs.
//!
//! **Rows.** One row per line, sorted by matricule, month concerned, catalogue order,
//! start date. `periode` is the month the line concerns, so an amendment line reads as
//! the earlier month it corrects (DOMAIN.md: tagged with its reference period). `code`
//! is the member's code at the provider where the mapping has one, else the catalogue's.
//! `contrat` is the contract in force on the line's first day (an undated line: the one
//! in force in its month, the latest started). Quantities and rates are written with the
//! decimals they need (`7,5`, `18`, `0,636`), amounts with two (`250,00`); an amount
//! code's quantity is 1.
//!
//! **Generic layout** (DOMAIN.md): CSV `;`, decimal comma, UTF-8 without BOM, LF line
//! ends, the header line `societe;etab_nic;matricule;contrat;periode;code;libelle;
//! date_debut;date_fin;unite;quantite;taux;montant;premier_arret;ref`, dates
//! `JJ/MM/AAAA`, `premier_arret` `oui`/`non` on sick leave only, values holding `;`, a
//! quote or a line break quoted (RFC 4180).
//!
//! **123Paie layout**: tab-separated, CRLF, ASCII (accents dropped: `Arret maladie`),
//! never quoted (a tab or line break inside a value becomes a space), a header line:
//!
//! `matricule periode va_code va_libelle va_date va_qte va_taux va_mnt va_abs_code
//! va_abs_deb va_abs_fin va_abs_nb22 va_abs_nb26 va_abs_nb30 va_abs_nbh va_abs_prem
//! va_ref`
//!
//! An absence is one row per calendar day from its start to its end: `va_abs_code`, the
//! day in `va_abs_deb` and `va_abs_fin`, `va_abs_nb22` 1 on Monday–Friday, `va_abs_nb26`
//! 1 on Monday–Saturday, `va_abs_nb30` 1 every day (0 otherwise; a public holiday counts
//! 0 in nb22 and nb26 — Alsace-Moselle's too when the context says so), `va_abs_nbh`
//! the contract's weekly hours / 5 on the nb22 days (to the hundredth), `va_abs_prem`
//! `O`/`N` for sick leave; `va_code`, `va_date`, `va_qte`, `va_taux`, `va_mnt` stay empty
//! there. Every other element is one row with `va_code`, `va_date` (its first day, if
//! dated), `va_qte`, `va_taux`, `va_mnt`, and the `va_abs_*` columns empty. An absence
//! without dates (entry refuses one), or spanning over a year, is written as an element.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use mutualis_core::{calendar, time::Month};
use rust_decimal::Decimal;

use crate::domain::{CATALOGUE, CodeDef, ContractFacts, EmployeeFacts, Kind, Line, code_def};

mod profile;
mod recap;
mod text;
mod xlsx;

pub use profile::*;
pub use recap::*;
pub use text::{ascii, render};
pub use xlsx::xlsx;

/// What an export file says of the member and the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportContext {
    /// The `societe` column: the member's identifier at the provider (or its SIREN).
    pub company: String,
    /// The period exported (lines may concern earlier ones).
    pub period: Month,
    /// Alsace-Moselle's public holidays (26 December, Good Friday) count too.
    pub alsace_moselle: bool,
}

/// A cell before it is written: text, a number (carrying the decimals to show), a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(Decimal),
    Date(NaiveDate),
}

/// An absence's days as the `va_abs_*` fields count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Days {
    start: NaiveDate,
    end: NaiveDate,
    nb22: u32,
    nb26: u32,
    nb30: u32,
    hours: Decimal,
}

/// The longest absence counted or expanded day by day.
const MAX_SPAN_DAYS: i64 = 366;

/// One row to write: a line, or one day of an absence.
struct Record<'a> {
    line: &'a Line,
    def: Option<&'static CodeDef>,
    emp: Option<&'a EmployeeFacts>,
    contract: Option<&'a ContractFacts>,
    /// The absence's days (all of them, or the one of a per-day row).
    days: Option<Days>,
    /// A per-day absence row: the element's own fields stay empty.
    per_day: bool,
}

fn catalogue_rank(code: &str) -> usize {
    CATALOGUE
        .iter()
        .position(|c| c.code == code)
        .unwrap_or(CATALOGUE.len())
}

/// The lines in file order.
fn sorted(lines: &[Line]) -> Vec<&Line> {
    let mut v: Vec<&Line> = lines.iter().collect();
    v.sort_by(|a, b| {
        (
            &a.matricule,
            a.concerns,
            catalogue_rank(&a.code),
            a.start,
            a.id,
        )
            .cmp(&(
                &b.matricule,
                b.concerns,
                catalogue_rank(&b.code),
                b.start,
                b.id,
            ))
    });
    v
}

/// The contract in force on `day`, the latest started.
fn contract_on(emp: &EmployeeFacts, day: NaiveDate) -> Option<&ContractFacts> {
    emp.contracts
        .iter()
        .filter(|c| c.start <= day && c.end.is_none_or(|e| e >= day))
        .max_by_key(|c| c.start)
}

/// The contract a line falls under: on its first day, or in its month.
fn contract_of<'a>(emp: &'a EmployeeFacts, line: &Line) -> Option<&'a ContractFacts> {
    match line.start.or(line.end) {
        Some(day) => contract_on(emp, day),
        None => {
            let (first, last) = calendar::month_bounds(line.concerns.year, line.concerns.month)?;
            emp.contracts
                .iter()
                .filter(|c| c.start <= last && c.end.is_none_or(|e| e >= first))
                .max_by_key(|c| c.start)
        }
    }
}

/// The `va_abs_*` counts of `[start, end]` for an employee.
fn count_days(
    emp: Option<&EmployeeFacts>,
    start: NaiveDate,
    end: NaiveDate,
    alsace_moselle: bool,
) -> Days {
    use chrono::{Datelike, Weekday};
    let mut d = Days {
        start,
        end,
        nb22: 0,
        nb26: 0,
        nb30: 0,
        hours: Decimal::ZERO,
    };
    for day in start.iter_days().take_while(|x| *x <= end) {
        d.nb30 += 1;
        let weekday = day.weekday();
        if weekday == Weekday::Sun || calendar::is_public_holiday(day, alsace_moselle) {
            continue;
        }
        d.nb26 += 1;
        if weekday != Weekday::Sat {
            d.nb22 += 1;
            let weekly = emp
                .and_then(|e| contract_on(e, day))
                .map_or(Decimal::ZERO, |c| c.weekly_hours);
            d.hours = d.hours.saturating_add(weekly / Decimal::from(5));
        }
    }
    d.hours = d.hours.round_dp(2);
    d
}

/// The rows of an export: one per line, or per day of an absence when `per_day`.
fn records<'a>(
    ctx: &ExportContext,
    lines: &'a [Line],
    employees: &'a BTreeMap<String, EmployeeFacts>,
    per_day: bool,
) -> Vec<Record<'a>> {
    let mut out = Vec::new();
    for line in sorted(lines) {
        let def = code_def(&line.code);
        let emp = employees.get(&line.matricule);
        let absence = def.is_some_and(|d| d.kind == Kind::Absence);
        let span = match (line.start, line.end) {
            (Some(s), Some(e)) => Some((s.min(e), s.max(e))),
            (Some(d), None) | (None, Some(d)) => Some((d, d)),
            (None, None) => None,
        };
        // A span of over a year is nonsense the checks block: written as an element.
        let span = span.filter(|(s, e)| (*e - *s).num_days() < MAX_SPAN_DAYS);
        match span {
            Some((start, end)) if absence && per_day => {
                for day in start.iter_days().take_while(|x| *x <= end) {
                    out.push(Record {
                        line,
                        def,
                        emp,
                        contract: emp.and_then(|e| contract_on(e, day)),
                        days: Some(count_days(emp, day, day, ctx.alsace_moselle)),
                        per_day: true,
                    });
                }
            }
            _ => out.push(Record {
                line,
                def,
                emp,
                contract: emp.and_then(|e| contract_of(e, line)),
                days: span
                    .filter(|_| absence)
                    .map(|(s, e)| count_days(emp, s, e, ctx.alsace_moselle)),
                per_day: false,
            }),
        }
    }
    out
}

fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
    v.map_or(Cell::Empty, f)
}

/// The cell of `field` in a row.
fn cell(
    field: Field,
    r: &Record<'_>,
    ctx: &ExportContext,
    code_map: &BTreeMap<String, String>,
    yes_no: (&str, &str),
) -> Cell {
    let line = r.line;
    let mapped = || {
        code_map
            .get(&line.code)
            .filter(|c| !c.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| line.code.clone())
    };
    let own = !r.per_day;
    let abs = r.days;
    let count = |n: u32| Cell::Number(Decimal::from(n));
    match field {
        Field::Societe => text(ctx.company.trim()),
        Field::EtabNic => opt(r.emp.and_then(|e| e.establishment_nic.clone()), text),
        Field::Matricule => text(line.matricule.clone()),
        Field::Contrat => opt(r.contract, |c| text(c.reference.clone())),
        Field::Periode => text(line.concerns.to_string()),
        Field::Code if own => text(mapped()),
        Field::Libelle => text(r.def.map_or(line.code.as_str(), |d| d.label)),
        Field::DateDebut if own => opt(line.start.or(line.end), Cell::Date),
        Field::DateFin if own => opt(line.end.or(line.start), Cell::Date),
        Field::Unite if own => opt(r.def, |d| text(d.unit.code())),
        Field::Quantite if own => Cell::Number(line.quantity.normalize()),
        Field::Taux if own => opt(line.rate, |d| Cell::Number(d.normalize())),
        Field::Montant if own => opt(line.amount, |a| {
            let mut a = a.round_dp(2);
            a.rescale(2);
            Cell::Number(a)
        }),
        Field::PremierArret => match (r.def.is_some_and(|d| d.sick), line.first_stop) {
            (true, Some(true)) => text(yes_no.0),
            (true, Some(false)) => text(yes_no.1),
            _ => Cell::Empty,
        },
        Field::Ref => opt(line.reference.clone(), text),
        Field::VaAbsCode => opt(abs, |_| text(mapped())),
        Field::VaAbsDeb => opt(abs, |d| Cell::Date(d.start)),
        Field::VaAbsFin => opt(abs, |d| Cell::Date(d.end)),
        Field::VaAbsNb22 => opt(abs, |d| count(d.nb22)),
        Field::VaAbsNb26 => opt(abs, |d| count(d.nb26)),
        Field::VaAbsNb30 => opt(abs, |d| count(d.nb30)),
        Field::VaAbsNbh => opt(abs, |d| Cell::Number(d.hours.normalize())),
        Field::Code
        | Field::DateDebut
        | Field::DateFin
        | Field::Unite
        | Field::Quantite
        | Field::Taux
        | Field::Montant => Cell::Empty,
    }
}

/// The cells of an export, row by row, in the order of `columns`.
#[must_use]
pub fn table(
    ctx: &ExportContext,
    columns: &[Field],
    per_day: bool,
    yes_no: (&str, &str),
    lines: &[Line],
    employees: &BTreeMap<String, EmployeeFacts>,
    code_map: &BTreeMap<String, String>,
) -> Vec<Vec<Cell>> {
    records(ctx, lines, employees, per_day)
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|f| cell(*f, r, ctx, code_map, yes_no))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests;
