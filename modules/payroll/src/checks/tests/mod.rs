#![allow(clippy::unwrap_used)]
use super::*;
use crate::domain::Source;
use uuid::Uuid;

mod more;

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub(super) const MARCH: Month = Month {
    year: 2026,
    month: 3,
};
pub(super) const FEBRUARY: Month = Month {
    year: 2026,
    month: 2,
};

pub(super) fn cutoff() -> NaiveDate {
    day(2026, 3, 25)
}

pub(super) fn contract(
    kind: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
    weekly: &str,
) -> ContractFacts {
    ContractFacts {
        kind: kind.into(),
        start,
        end,
        weekly_hours: dec(weekly),
        reference: format!("{kind}-{}", start.format("%Y%m%d")),
    }
}

pub(super) fn employee(
    matricule: &str,
    name: &str,
    contracts: Vec<ContractFacts>,
) -> EmployeeFacts {
    EmployeeFacts {
        matricule: matricule.into(),
        name: name.into(),
        establishment_nic: Some("00012".into()),
        contracts,
        balances: [("CP".to_string(), dec("20")), ("RTT".to_string(), dec("5"))]
            .into_iter()
            .collect(),
        overtime_before: dec("100"),
    }
}

/// Marie (full-time CDI), Paul (part-time CDI, 24 h), Léa (CDD ended in February),
/// Hugo (CDI from 16 March).
pub(super) fn staff() -> BTreeMap<String, EmployeeFacts> {
    [
        employee(
            "00012",
            "Marie Dupont",
            vec![contract("CDI", day(2019, 9, 1), None, "35")],
        ),
        employee(
            "00020",
            "Paul Martin",
            vec![contract("CDI", day(2021, 1, 4), None, "24")],
        ),
        employee(
            "00031",
            "Léa Petit",
            vec![contract(
                "CDD",
                day(2026, 1, 5),
                Some(day(2026, 2, 27)),
                "35",
            )],
        ),
        employee(
            "00040",
            "Hugo Bernard",
            vec![contract("CDI", day(2026, 3, 16), None, "35")],
        ),
    ]
    .into_iter()
    .map(|e| (e.matricule.clone(), e))
    .collect()
}

pub(super) fn line(matricule: &str, code: &str, quantity: &str) -> Line {
    Line {
        id: Uuid::now_v7(),
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
        concerns: MARCH,
        reference: None,
        comment: None,
    }
}

pub(super) fn dated(mut l: Line, start: NaiveDate, end: NaiveDate) -> Line {
    l.start = Some(start);
    l.end = Some(end);
    l
}

pub(super) fn amount(mut l: Line, a: &str) -> Line {
    l.amount = Some(dec(a));
    l
}

/// A month with nothing wrong: a sick leave with its certificate, paid leave within the
/// balance, overtime under the quota, a bonus, meal vouchers, mileage, part-time extra
/// hours under the tenth, an amendment for February, a newcomer's undated bonus.
pub(super) fn clean() -> Vec<Line> {
    let mut sick = dated(line("00012", "MAL", "9"), day(2026, 3, 2), day(2026, 3, 10));
    sick.first_stop = Some(true);
    sick.certificate = true;
    let mut ik = line("00012", "IK", "120");
    ik.rate = Some(dec("0.636"));
    let mut february = dated(
        line("00012", "HS25", "3"),
        day(2026, 2, 10),
        day(2026, 2, 10),
    );
    february.concerns = FEBRUARY;
    vec![
        sick,
        dated(line("00012", "CP", "5"), day(2026, 3, 16), day(2026, 3, 20)),
        line("00012", "HS25", "4"),
        amount(line("00012", "PRIME_EXCEP", "1"), "150"),
        line("00012", "TR", "18"),
        ik,
        february,
        // 24 h × 52 / 12 = 104 h a month: a tenth is 10.4 h.
        line("00020", "HC10", "10.25"),
        amount(line("00040", "PRIME_EXCEP", "1"), "80"),
    ]
}

pub(super) fn rules(findings: &[Finding]) -> Vec<(&'static str, Severity)> {
    findings.iter().map(|f| (f.rule, f.severity)).collect()
}

#[test]
fn a_clean_month_has_no_finding() {
    let findings = check(MARCH, cutoff(), &clean(), &staff());
    assert!(findings.is_empty(), "{findings:#?}");
}

/// Each crafted case (the clean month plus one line, or one line changed) gives exactly
/// its finding.
#[test]
fn every_rule_fires_on_its_crafted_case() {
    use Severity::{Blocking, Warning};
    let with = |extra: Vec<Line>| {
        let mut lines = clean();
        lines.extend(extra);
        check(MARCH, cutoff(), &lines, &staff())
    };
    let changed = |i: usize, f: &dyn Fn(&mut Line)| {
        let mut lines = clean();
        f(&mut lines[i]);
        check(MARCH, cutoff(), &lines, &staff())
    };
    let cases: Vec<(&str, Vec<Finding>, &str, Severity)> = vec![
        (
            "unknown matricule",
            with(vec![line("99999", "TR", "3")]),
            "unknown",
            Blocking,
        ),
        (
            "unknown code",
            with(vec![line("00012", "ZZZ", "3")]),
            "unknown",
            Blocking,
        ),
        (
            "dates outside the month",
            changed(1, &|l| l.end = Some(day(2026, 4, 2))),
            "outside_period",
            Blocking,
        ),
        (
            "a month after the period",
            changed(2, &|l| l.concerns = MARCH.next()),
            "outside_period",
            Blocking,
        ),
        (
            "before the newcomer's contract",
            with(vec![dated(
                line("00040", "HNUIT", "7"),
                day(2026, 3, 10),
                day(2026, 3, 10),
            )]),
            "outside_contract",
            Blocking,
        ),
        (
            "ended CDD still paid",
            with(vec![
                line("00031", "TR", "4"),
                amount(line("00031", "PRIME_EXCEP", "1"), "50"),
            ]),
            "cdd_ended",
            Blocking,
        ),
        (
            "overlapping absences",
            with(vec![dated(
                line("00012", "RTT", "1"),
                day(2026, 3, 10),
                day(2026, 3, 10),
            )]),
            "overlap",
            Blocking,
        ),
        (
            "zero hours",
            changed(2, &|l| l.quantity = Decimal::ZERO),
            "non_positive",
            Blocking,
        ),
        (
            "negative bonus",
            changed(3, &|l| l.amount = Some(dec("-150"))),
            "non_positive",
            Blocking,
        ),
        (
            "bonus without amount",
            changed(3, &|l| l.amount = None),
            "non_positive",
            Blocking,
        ),
        (
            "part-time extra hours above the tenth",
            changed(7, &|l| l.quantity = dec("10.5")),
            "part_time_extra",
            Warning,
        ),
        (
            "extra hours on a full-time contract",
            with(vec![line("00012", "HC25", "2")]),
            "part_time_extra",
            Warning,
        ),
        (
            "overtime quota",
            changed(2, &|l| l.quantity = dec("120")),
            "overtime_quota",
            Warning,
        ),
        (
            "negative leave balance",
            with(vec![dated(
                line("00012", "RTT", "6"),
                day(2026, 3, 23),
                day(2026, 3, 30),
            )]),
            "negative_balance",
            Warning,
        ),
        (
            "sick leave without certificate",
            changed(0, &|l| l.certificate = false),
            "sick_certificate",
            Warning,
        ),
        (
            "line after the cut-off",
            changed(4, &|l| l.late = true),
            "late",
            Warning,
        ),
    ];
    let mut fired = std::collections::BTreeSet::new();
    for (case, findings, rule, severity) in cases {
        assert_eq!(
            rules(&findings),
            vec![(rule, severity)],
            "{case}: {findings:#?}"
        );
        let f = &findings[0];
        assert!(
            !f.message.is_empty() && f.key.starts_with(&format!("{rule}:")),
            "{case}"
        );
        assert!(f.message.contains(&f.matricule), "{case}: {}", f.message);
        fired.insert(rule);
    }
    // Every rule has a crafted case and a label.
    let all: std::collections::BTreeSet<&str> = RULES.iter().map(|(r, _)| *r).collect();
    assert_eq!(fired, all);
    assert_eq!(rule_label("cdd_ended"), Some("CDD terminé encore payé"));
}

#[test]
fn messages_name_the_employee_the_code_and_the_dates() {
    let mut lines = clean();
    lines[0].certificate = false;
    lines[4].late = true;
    let findings = check(MARCH, cutoff(), &lines, &staff());
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Marie Dupont (matricule 00012) — Arrêt maladie (MAL) du 02/03/2026 au 10/03/2026 : l’avis d’arrêt de travail n’est pas indiqué comme reçu.",
            "Marie Dupont (matricule 00012) — Titres-restaurant (TR) en mars 2026 : saisie après la date limite du 25/03/2026 pour mars 2026.",
        ]
    );
    assert_eq!(findings[0].line, Some(lines[0].id));

    let overlap = vec![
        dated(line("00012", "CP", "5"), day(2026, 3, 16), day(2026, 3, 20)),
        dated(
            line("00012", "RTT", "1"),
            day(2026, 3, 20),
            day(2026, 3, 20),
        ),
    ];
    let f = check(MARCH, cutoff(), &overlap, &staff());
    assert_eq!(
        f[0].message,
        "Marie Dupont (matricule 00012) — Congés payés (jours ouvrables) (CP) du 16/03/2026 au 20/03/2026 et RTT (RTT) le 20/03/2026 se chevauchent le 20/03/2026."
    );

    let f = check(MARCH, cutoff(), &[line("00031", "TR", "4")], &staff());
    assert_eq!(
        f[0].message,
        "Léa Petit (matricule 00031) — CDD CDD-20260105 terminé le 27/02/2026, mais 1 élément est déclaré pour mars 2026 : Titres-restaurant."
    );

    let extra = vec![line("00020", "HC10", "8"), line("00020", "HC25", "4")];
    let f = check(MARCH, cutoff(), &extra, &staff());
    assert_eq!(
        f[0].message,
        "Paul Martin (matricule 00020) — 12\u{a0}h d’heures complémentaires (HC10, HC25) en mars 2026, au-delà du dixième des 104\u{a0}h mensuelles du contrat (24\u{a0}h par semaine), soit 10,4\u{a0}h : majoration de 25 % au-delà, et un tiers au plus par accord."
    );

    let f = check(MARCH, cutoff(), &[line("00012", "HS50", "130")], &staff());
    assert_eq!(
        f[0].message,
        "Marie Dupont (matricule 00012) — 230\u{a0}h d’heures supplémentaires en 2026 (100\u{a0}h déjà payées, 130\u{a0}h en mars 2026) : le contingent annuel de 220\u{a0}h est dépassé de 10\u{a0}h (contrepartie obligatoire en repos, avis du CSE)."
    );

    let cp = vec![
        dated(line("00012", "CP", "12"), day(2026, 3, 2), day(2026, 3, 14)),
        dated(
            line("00012", "CP", "10"),
            day(2026, 3, 16),
            day(2026, 3, 27),
        ),
    ];
    let f = check(MARCH, cutoff(), &cp, &staff());
    assert_eq!(
        f[0].message,
        "Marie Dupont (matricule 00012) — Congés payés (jours ouvrables) (CP) : 22 jours pris en mars 2026 (du 02/03/2026 au 14/03/2026, du 16/03/2026 au 27/03/2026) pour un solde de 20 jours : le solde devient négatif (-2 jours)."
    );
}
