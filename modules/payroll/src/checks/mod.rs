//! The checks of a period's variable elements (the anomaly report), as plain functions:
//! no database, no HTTP. [`check`] reads the period's lines and what is known of the
//! employees and returns the findings; [`validate_entry`] reads one typed or imported
//! line before it is stored (an unknown matricule or code is refused there, 422).
//!
//! | rule | severity | fires when |
//! |---|---|---|
//! | `unknown` | blocking | the line's matricule or code is unknown at check time (entry refuses both; an employee or a code removed since) |
//! | `outside_period` | blocking | a dated line leaves the month it concerns, or concerns a month after the period |
//! | `outside_contract` | blocking | a day of a dated line is under no contract; an undated line's month meets no contract |
//! | `cdd_ended` | blocking | the employee's last contract is a CDD ended before the month a line concerns (once per employee and month, instead of `outside_contract` on each line) |
//! | `overlap` | blocking | two dated absences of an employee share a day |
//! | `non_positive` | blocking | an amount code without a positive amount, or another code without a positive quantity (an amendment line may take back with a negative value, never zero) |
//! | `part_time_extra` | warning | part-time extra hours (HC10 + HC25) of a month above a tenth of the contract's monthly hours (weekly × 52 / 12); any extra hours for a full-time contract (35 h or more: overtime codes apply) |
//! | `overtime_quota` | warning | overtime of the year (already paid + this period's HS25 + HS50 concerning this year) above 220 h, when the period adds some |
//! | `negative_balance` | warning | a leave type's balance (CP, RTT, CT66; missing = 0) minus this period's days of it below zero |
//! | `sick_certificate` | warning | a sick leave whose certificate is not flagged as received |
//! | `late` | warning | a line entered after the cut-off |
//!
//! Amendment lines (`concerns` before the period) are checked against the month they
//! concern: its dates, its contract, its part-time tenth. A line without dates counts as
//! the whole month it concerns. Blocking findings prevent the submission; warnings need an
//! acknowledgement, kept across re-checks by the finding's `key`: the rule, the matricule
//! and a fingerprint of the facts it is about (the line's id and checked fields, or the
//! totals of an employee's month) — the same facts give the same key, a changed line a
//! new one.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use mutualis_core::{
    calendar::month_bounds,
    time::{Month, fr_date, fr_decimal},
    web::views::month_label,
};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::domain::{
    CodeDef, ContractFacts, EmployeeFacts, Finding, Kind, Line, Severity, Unit, code_def, law,
};

mod employee;
mod entry;

pub use entry::*;

/// Weekly hours from which a contract is full-time (the legal duration).
pub const FULL_TIME_WEEKLY_HOURS: Decimal = Decimal::from_parts(35, 0, 0, false, 0);

/// The leave types whose balance HR keeps (the others — sickness, maternity… — have none).
pub const BALANCE_TYPES: [&str; 3] = ["CP", "RTT", "CT66"];

/// Every rule code with its French label (for the report's pages and filters), in the
/// order findings are listed within a severity.
pub const RULES: [(&str, &str); 11] = [
    ("unknown", "Matricule ou code inconnu"),
    ("outside_period", "Dates hors de la période"),
    ("outside_contract", "Hors contrat"),
    ("cdd_ended", "CDD terminé encore payé"),
    ("overlap", "Absences qui se chevauchent"),
    ("non_positive", "Valeur manquante, nulle ou négative"),
    (
        "part_time_extra",
        "Heures complémentaires au-delà du dixième",
    ),
    (
        "overtime_quota",
        "Contingent d’heures supplémentaires dépassé",
    ),
    ("negative_balance", "Solde de congés négatif"),
    ("sick_certificate", "Arrêt maladie sans avis d’arrêt reçu"),
    ("late", "Saisie après la date limite"),
];

/// The French label of a rule code.
#[must_use]
pub fn rule_label(rule: &str) -> Option<&'static str> {
    RULES.iter().find(|(r, _)| *r == rule).map(|(_, l)| *l)
}

/// The findings of a period's lines: blocking first, then by matricule, rule and key.
/// `cutoff` is the period's cut-off date, named by the `late` findings (the lines carry
/// their `late` flag).
#[must_use]
pub fn check(
    period: Month,
    cutoff: NaiveDate,
    lines: &[Line],
    employees: &BTreeMap<String, EmployeeFacts>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut known: BTreeMap<&str, Vec<Known<'_>>> = BTreeMap::new();
    for line in lines {
        match (employees.get(&line.matricule), code_def(&line.code)) {
            (Some(emp), Some(def)) => known
                .entry(emp.matricule.as_str())
                .or_default()
                .push(Known { line, def }),
            (emp, _) => findings.push(unknown(line, emp)),
        }
    }
    for (matricule, lines) in &known {
        let Some(emp) = employees.get(*matricule) else {
            continue;
        };
        let ended = employee::ended_cdds(period, emp, lines, &mut findings);
        for k in lines {
            line_rules(period, cutoff, emp, k, &ended, &mut findings);
        }
        employee::overlaps(emp, lines, &mut findings);
        employee::part_time_extra(emp, lines, &mut findings);
        employee::overtime_quota(period, emp, lines, &mut findings);
        employee::negative_balances(period, emp, lines, &mut findings);
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.matricule, rule_rank(a.rule), &a.key).cmp(&(
            b.severity,
            &b.matricule,
            rule_rank(b.rule),
            &b.key,
        ))
    });
    findings
}

/// A line whose matricule and code are known.
#[derive(Clone, Copy)]
struct Known<'a> {
    line: &'a Line,
    def: &'static CodeDef,
}

fn rule_rank(rule: &str) -> usize {
    RULES
        .iter()
        .position(|(r, _)| *r == rule)
        .unwrap_or(RULES.len())
}

/// First and last day of a month.
fn bounds(m: Month) -> (NaiveDate, NaiveDate) {
    month_bounds(m.year, m.month).unwrap_or((m.first_day(), m.first_day()))
}

/// The days a dated line covers, in order (a reversed range read the right way round).
fn span(line: &Line) -> Option<(NaiveDate, NaiveDate)> {
    match (line.start, line.end) {
        (Some(s), Some(e)) => Some((s.min(e), s.max(e))),
        (Some(d), None) | (None, Some(d)) => Some((d, d)),
        (None, None) => None,
    }
}

/// `Marie Dupont (matricule 00012)`
fn who(emp: &EmployeeFacts) -> String {
    format!("{} (matricule {})", emp.name.trim(), emp.matricule)
}

/// `du 02/03/2026 au 10/03/2026`, `le 02/03/2026`, or the month for an undated line.
fn dates_text(line: &Line) -> String {
    match span(line) {
        Some((s, e)) if s == e => format!("le {}", fr_date(s)),
        Some((s, e)) => format!("du {} au {}", fr_date(s), fr_date(e)),
        None => format!("en {}", month_label(line.concerns)),
    }
}

/// `Marie Dupont (matricule 00012) — Arrêt maladie (MAL) du 02/03/2026 au 10/03/2026`,
/// with `(rappel sur février 2026)` for an amendment line dated in its month.
fn subject(emp: &EmployeeFacts, k: &Known<'_>, period: Month) -> String {
    let amendment = if k.line.concerns != period && span(k.line).is_some() {
        format!(" (rappel sur {})", month_label(k.line.concerns))
    } else {
        String::new()
    };
    format!(
        "{} — {} ({}) {}{amendment}",
        who(emp),
        k.def.label,
        k.def.code,
        dates_text(k.line)
    )
}

/// A quantity with its unit: `7,5 h`, `3 jours`, `12 km`.
fn quantity_text(q: Decimal, unit: Unit) -> String {
    let n = fr_decimal(q);
    match unit {
        Unit::Days if q.abs() <= Decimal::ONE => format!("{n} jour"),
        Unit::Days => format!("{n} jours"),
        Unit::Hours => format!("{n}\u{a0}h"),
        Unit::Euros => format!("{n}\u{a0}€"),
        Unit::Count => n,
        Unit::Km => format!("{n}\u{a0}km"),
    }
}

/// The first 16 hex digits of the SHA-256 of `parts` joined.
fn fingerprint(parts: &[String]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize()).chars().take(16).collect()
}

fn opt_decimal(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

/// What the checks read of a line, as text: its fingerprint's input.
fn line_facts(line: &Line) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{}|{}|{}",
        line.id,
        line.matricule,
        line.code,
        line.quantity.normalize(),
        opt_decimal(line.rate),
        opt_decimal(line.amount),
        line.start,
        line.end,
        line.first_stop,
        line.certificate,
        line.late,
        line.concerns
    )
}

fn finding(
    rule: &'static str,
    severity: Severity,
    matricule: &str,
    line: Option<&Line>,
    message: String,
    facts: &[String],
) -> Finding {
    Finding {
        rule,
        severity,
        matricule: matricule.to_string(),
        line: line.map(|l| l.id),
        message,
        key: format!("{rule}:{matricule}:{}", fingerprint(facts)),
    }
}

/// A finding about one line: keyed by the line's facts.
fn on_line(rule: &'static str, severity: Severity, line: &Line, message: String) -> Finding {
    finding(
        rule,
        severity,
        &line.matricule,
        Some(line),
        message,
        &[line_facts(line)],
    )
}

fn unknown(line: &Line, emp: Option<&EmployeeFacts>) -> Finding {
    let code = match code_def(&line.code) {
        Some(def) => format!("{} ({})", def.label, def.code),
        None => format!("code « {} »", line.code),
    };
    let message = match emp {
        None => format!(
            "Matricule « {} » inconnu — {code} {} : aucun salarié de l’association ne le porte.",
            line.matricule,
            dates_text(line)
        ),
        Some(emp) => format!(
            "{} — code « {} » {} : inconnu du catalogue des éléments variables.",
            who(emp),
            line.code,
            dates_text(line)
        ),
    };
    on_line("unknown", Severity::Blocking, line, message)
}

/// Whether every day of `[from, to]` is under one of `contracts`.
fn covered(contracts: &[ContractFacts], from: NaiveDate, to: NaiveDate) -> bool {
    let mut day = from;
    // Each pass moves past the end of a contract: at most one pass per contract.
    for _ in 0..=contracts.len() {
        let reach = contracts
            .iter()
            .filter(|c| c.start <= day && c.end.is_none_or(|e| e >= day))
            .map(|c| c.end.unwrap_or(NaiveDate::MAX))
            .max();
        match reach {
            Some(end) if end >= to => return true,
            Some(end) => match end.succ_opt() {
                Some(next) => day = next,
                None => return true,
            },
            None => return false,
        }
    }
    false
}

/// Whether a contract meets `[from, to]`.
fn meets(c: &ContractFacts, from: NaiveDate, to: NaiveDate) -> bool {
    c.start <= to && c.end.is_none_or(|e| e >= from)
}

/// The rules on one line: period, contract, amount, certificate, cut-off.
fn line_rules(
    period: Month,
    cutoff: NaiveDate,
    emp: &EmployeeFacts,
    k: &Known<'_>,
    ended: &[Month],
    out: &mut Vec<Finding>,
) {
    let line = k.line;
    let what = subject(emp, k, period);
    let (first, last) = bounds(line.concerns);
    if line.concerns > period {
        out.push(on_line(
            "outside_period",
            Severity::Blocking,
            line,
            format!(
                "{what} : la ligne concerne {}, après la période préparée ({}).",
                month_label(line.concerns),
                month_label(period)
            ),
        ));
    } else if let Some((s, e)) = span(line)
        && (s < first || e > last)
    {
        out.push(on_line(
            "outside_period",
            Severity::Blocking,
            line,
            format!(
                "{what} : dates hors de la période concernée ({}, du {} au {}).",
                month_label(line.concerns),
                fr_date(first),
                fr_date(last)
            ),
        ));
    }
    if !ended.contains(&line.concerns) {
        let outside = match span(line) {
            Some((s, e)) => !covered(&emp.contracts, s, e),
            None => !emp.contracts.iter().any(|c| meets(c, first, last)),
        };
        if outside {
            out.push(on_line(
                "outside_contract",
                Severity::Blocking,
                line,
                format!(
                    "{what} : hors contrat ({}).",
                    contracts_text(&emp.contracts)
                ),
            ));
        }
    }
    non_positive(&what, k, period, out);
    if k.def.sick && !line.certificate {
        out.push(on_line(
            "sick_certificate",
            Severity::Warning,
            line,
            format!("{what} : l’avis d’arrêt de travail n’est pas indiqué comme reçu."),
        ));
    }
    if line.late {
        out.push(on_line(
            "late",
            Severity::Warning,
            line,
            format!(
                "{what} : saisie après la date limite du {} pour {}.",
                fr_date(cutoff),
                month_label(period)
            ),
        ));
    }
}

/// `contrat CDI du 01/09/2019`, `contrats CDD du 01/01/2026 au 28/02/2026, …`, or that
/// none is recorded.
fn contracts_text(contracts: &[ContractFacts]) -> String {
    if contracts.is_empty() {
        return "aucun contrat enregistré".to_string();
    }
    let each: Vec<String> = contracts
        .iter()
        .map(|c| match c.end {
            Some(e) => format!("{} du {} au {}", c.kind, fr_date(c.start), fr_date(e)),
            None => format!("{} depuis le {}", c.kind, fr_date(c.start)),
        })
        .collect();
    let noun = if contracts.len() == 1 {
        "contrat"
    } else {
        "contrats"
    };
    format!("{noun} {}", each.join(", "))
}

/// An amount code needs a positive amount; another code a positive quantity. An
/// amendment line may be negative (it takes back what an earlier month paid), not zero.
fn non_positive(what: &str, k: &Known<'_>, period: Month, out: &mut Vec<Finding>) {
    let amendment = k.line.concerns < period;
    let ok = |v: Decimal| v > Decimal::ZERO || (amendment && v < Decimal::ZERO);
    let problem = if k.def.unit == Unit::Euros {
        match k.line.amount {
            None => Some("montant manquant".to_string()),
            Some(a) if !ok(a) => Some(format!("montant de {}", quantity_text(a, Unit::Euros))),
            Some(_) => None,
        }
    } else if ok(k.line.quantity) {
        None
    } else {
        Some(format!(
            "quantité de {}",
            quantity_text(k.line.quantity, k.def.unit)
        ))
    };
    if let Some(p) = problem {
        let expected = if amendment {
            "une valeur non nulle est attendue"
        } else {
            "une valeur positive est attendue"
        };
        out.push(on_line(
            "non_positive",
            Severity::Blocking,
            k.line,
            format!("{what} : {p} — {expected}."),
        ));
    }
}

/// A contract's monthly hours: weekly × 52 / 12, to the hundredth.
fn monthly_hours(weekly: Decimal) -> Decimal {
    weekly
        .checked_mul(law::WEEKS_PER_MONTH)
        .unwrap_or(Decimal::MAX)
        .round_dp(2)
}

/// The contract in force in a month: the one starting last among those meeting it.
fn contract_in(emp: &EmployeeFacts, m: Month) -> Option<&ContractFacts> {
    let (first, last) = bounds(m);
    emp.contracts
        .iter()
        .filter(|c| meets(c, first, last))
        .max_by_key(|c| c.start)
}

/// Whether a code is of `kind`.
fn is(k: &Known<'_>, kind: Kind) -> bool {
    k.def.kind == kind
}

#[cfg(test)]
mod tests;
