//! The rules over all of an employee's lines: an ended CDD, overlapping absences, the
//! part-time tenth, the annual overtime quota, leave balances.
use super::*;

/// One `cdd_ended` finding per month a line concerns when the employee is under no
/// contract that month and the contract ending last before it is a CDD; returns those
/// months (their lines get no `outside_contract` finding: this one says it better).
pub(super) fn ended_cdds(
    period: Month,
    emp: &EmployeeFacts,
    lines: &[Known<'_>],
    out: &mut Vec<Finding>,
) -> Vec<Month> {
    let mut months: Vec<Month> = lines.iter().map(|k| k.line.concerns).collect();
    months.sort_unstable();
    months.dedup();
    months.retain(|m| {
        let (first, last) = bounds(*m);
        if emp.contracts.iter().any(|c| meets(c, first, last)) {
            return false;
        }
        let Some(cdd) = emp
            .contracts
            .iter()
            .filter(|c| c.end.is_some_and(|e| e < first))
            .max_by_key(|c| c.end)
            .filter(|c| c.kind == "CDD")
        else {
            return false;
        };
        let of_month: Vec<&Known<'_>> = lines.iter().filter(|k| k.line.concerns == *m).collect();
        let mut codes: Vec<&str> = of_month.iter().map(|k| k.def.label).collect();
        codes.sort_unstable();
        codes.dedup();
        let count = of_month.len();
        let elements = if count == 1 {
            "1 élément est déclaré".to_string()
        } else {
            format!("{count} éléments sont déclarés")
        };
        let month = if *m == period {
            month_label(*m)
        } else {
            format!("{} (rappel)", month_label(*m))
        };
        let ended = cdd.end.map(fr_date).unwrap_or_default();
        let mut facts = vec![
            m.to_string(),
            cdd.reference.clone(),
            ended.clone(),
            cdd.start.to_string(),
        ];
        facts.extend(of_month.iter().map(|k| line_facts(k.line)));
        out.push(finding(
            "cdd_ended",
            Severity::Blocking,
            &emp.matricule,
            None,
            format!(
                "{} — CDD {} terminé le {ended}, mais {elements} pour {month} : {}.",
                who(emp),
                cdd.reference,
                codes.join(", ")
            ),
            &facts,
        ));
        true
    });
    months
}

/// One `overlap` finding per pair of dated absences sharing a day.
pub(super) fn overlaps(emp: &EmployeeFacts, lines: &[Known<'_>], out: &mut Vec<Finding>) {
    let mut absences: Vec<(&Known<'_>, NaiveDate, NaiveDate)> = lines
        .iter()
        .filter(|k| is(k, Kind::Absence))
        .filter_map(|k| span(k.line).map(|(s, e)| (k, s, e)))
        .collect();
    absences.sort_by_key(|(k, s, e)| (*s, *e, k.line.id));
    for (i, (a, a_start, a_end)) in absences.iter().enumerate() {
        for (b, b_start, b_end) in absences.iter().skip(i + 1) {
            if *b_start > *a_end {
                break;
            }
            let from = (*a_start).max(*b_start);
            let to = (*a_end).min(*b_end);
            let shared = if from == to {
                format!("le {}", fr_date(from))
            } else {
                format!("du {} au {}", fr_date(from), fr_date(to))
            };
            let mut facts = [line_facts(a.line), line_facts(b.line)];
            facts.sort();
            out.push(finding(
                "overlap",
                Severity::Blocking,
                &emp.matricule,
                Some(b.line),
                format!(
                    "{} — {} ({}) {} et {} ({}) {} se chevauchent {shared}.",
                    who(emp),
                    a.def.label,
                    a.def.code,
                    dates_text(a.line),
                    b.def.label,
                    b.def.code,
                    dates_text(b.line)
                ),
                &facts,
            ));
        }
    }
}

/// The sum of `quantity` over the lines of `kind` concerning each month.
fn hours_by_month(lines: &[Known<'_>], kind: Kind) -> BTreeMap<Month, Decimal> {
    let mut by_month: BTreeMap<Month, Decimal> = BTreeMap::new();
    for k in lines.iter().filter(|k| is(k, kind)) {
        let sum = by_month.entry(k.line.concerns).or_default();
        *sum = sum.saturating_add(k.line.quantity);
    }
    by_month
}

/// Part-time extra hours of a month above a tenth of the contract's monthly hours, or
/// extra hours declared for a full-time contract.
pub(super) fn part_time_extra(emp: &EmployeeFacts, lines: &[Known<'_>], out: &mut Vec<Finding>) {
    for (m, hours) in hours_by_month(lines, Kind::ExtraHours) {
        if hours <= Decimal::ZERO {
            continue;
        }
        let Some(contract) = contract_in(emp, m) else {
            continue;
        };
        let weekly = contract.weekly_hours;
        let monthly = monthly_hours(weekly);
        let tenth = (monthly * law::EXTRA_HOURS_SHARE).round_dp(2);
        let message = if weekly >= FULL_TIME_WEEKLY_HOURS {
            format!(
                "{} — {} d’heures complémentaires (HC10, HC25) en {} pour un contrat à temps plein ({} par semaine) : au-delà de la durée légale, ce sont des heures supplémentaires (HS25, HS50).",
                who(emp),
                quantity_text(hours, Unit::Hours),
                month_label(m),
                quantity_text(weekly, Unit::Hours)
            )
        } else if hours > tenth {
            format!(
                "{} — {} d’heures complémentaires (HC10, HC25) en {}, au-delà du dixième des {} mensuelles du contrat ({} par semaine), soit {} : majoration de 25 % au-delà, et un tiers au plus par accord.",
                who(emp),
                quantity_text(hours, Unit::Hours),
                month_label(m),
                quantity_text(monthly, Unit::Hours),
                quantity_text(weekly, Unit::Hours),
                quantity_text(tenth, Unit::Hours)
            )
        } else {
            continue;
        };
        out.push(finding(
            "part_time_extra",
            Severity::Warning,
            &emp.matricule,
            None,
            message,
            &[
                m.to_string(),
                hours.normalize().to_string(),
                weekly.normalize().to_string(),
                contract.reference.clone(),
            ],
        ));
    }
}

/// The year's overtime above the 220 h quota, when this period adds some to it.
pub(super) fn overtime_quota(
    period: Month,
    emp: &EmployeeFacts,
    lines: &[Known<'_>],
    out: &mut Vec<Finding>,
) {
    let added = lines
        .iter()
        .filter(|k| is(k, Kind::Overtime) && k.line.concerns.year == period.year)
        .fold(Decimal::ZERO, |sum, k| sum.saturating_add(k.line.quantity));
    let total = emp.overtime_before.saturating_add(added);
    if added <= Decimal::ZERO || total <= law::OVERTIME_QUOTA_HOURS {
        return;
    }
    out.push(finding(
        "overtime_quota",
        Severity::Warning,
        &emp.matricule,
        None,
        format!(
            "{} — {} d’heures supplémentaires en {} ({} déjà payées, {} en {}) : le contingent annuel de {} est dépassé de {} (contrepartie obligatoire en repos, avis du CSE).",
            who(emp),
            quantity_text(total, Unit::Hours),
            period.year,
            quantity_text(emp.overtime_before, Unit::Hours),
            quantity_text(added, Unit::Hours),
            month_label(period),
            quantity_text(law::OVERTIME_QUOTA_HOURS, Unit::Hours),
            quantity_text(total - law::OVERTIME_QUOTA_HOURS, Unit::Hours)
        ),
        &[
            period.year.to_string(),
            emp.overtime_before.normalize().to_string(),
            added.normalize().to_string(),
        ],
    ));
}

/// A leave type's balance, less the period's days of it, below zero.
pub(super) fn negative_balances(
    period: Month,
    emp: &EmployeeFacts,
    lines: &[Known<'_>],
    out: &mut Vec<Finding>,
) {
    for kind in BALANCE_TYPES {
        let taken: Vec<&Known<'_>> = lines
            .iter()
            .filter(|k| is(k, Kind::Absence) && k.def.hr_leave_type == Some(kind))
            .collect();
        let Some(first) = taken.first() else {
            continue;
        };
        let days = taken
            .iter()
            .fold(Decimal::ZERO, |sum, k| sum.saturating_add(k.line.quantity));
        let balance = emp.balances.get(kind).copied().unwrap_or_default();
        let left = balance.saturating_sub(days);
        if left >= Decimal::ZERO {
            continue;
        }
        let when: Vec<String> = taken.iter().map(|k| dates_text(k.line)).collect();
        let mut facts = vec![kind.to_string(), balance.normalize().to_string()];
        facts.extend(taken.iter().map(|k| line_facts(k.line)));
        out.push(finding(
            "negative_balance",
            Severity::Warning,
            &emp.matricule,
            None,
            format!(
                "{} — {} ({}) : {} pris en {} ({}) pour un solde de {} : le solde devient négatif ({}).",
                who(emp),
                first.def.label,
                first.def.code,
                quantity_text(days, Unit::Days),
                month_label(period),
                when.join(", "),
                quantity_text(balance, Unit::Days),
                quantity_text(left, Unit::Days)
            ),
            &facts,
        ));
    }
}
