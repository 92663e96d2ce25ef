//! Amendments, months, contracts in a row, keys, order, and arbitrary lines.
use super::*;
use crate::domain::{CATALOGUE, Source};
use proptest::prelude::*;
use uuid::Uuid;

#[test]
fn an_amendment_line_is_checked_against_the_month_it_concerns() {
    let mut february = dated(
        line("00012", "HS25", "3"),
        day(2026, 2, 10),
        day(2026, 2, 10),
    );
    february.concerns = FEBRUARY;
    assert!(check(MARCH, cutoff(), std::slice::from_ref(&february), &staff()).is_empty());

    // Dated in March while it concerns February.
    let mut wrong = dated(february.clone(), day(2026, 3, 10), day(2026, 3, 10));
    wrong.concerns = FEBRUARY;
    let f = check(MARCH, cutoff(), &[wrong], &staff());
    assert_eq!(rules(&f), [("outside_period", Severity::Blocking)]);
    assert!(
        f[0].message.contains("(rappel sur février 2026)"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message.contains("du 01/02/2026 au 28/02/2026"),
        "{}",
        f[0].message
    );

    // Hugo joined on 16 March: nothing to correct in February, dated or not.
    let mut hugo = line("00040", "TR", "3");
    hugo.concerns = FEBRUARY;
    let f = check(MARCH, cutoff(), &[hugo], &staff());
    assert_eq!(rules(&f), [("outside_contract", Severity::Blocking)]);
    assert!(
        f[0].message.contains("CDI depuis le 16/03/2026"),
        "{}",
        f[0].message
    );

    // Léa's CDD ran in February: a correction of February is hers to receive.
    let mut lea = line("00031", "HS25", "2");
    lea.concerns = FEBRUARY;
    assert!(check(MARCH, cutoff(), &[lea], &staff()).is_empty());

    // An amendment may take back; zero is still refused.
    let mut back = amount(line("00012", "PRIME_EXCEP", "1"), "-150");
    back.concerns = FEBRUARY;
    assert!(check(MARCH, cutoff(), std::slice::from_ref(&back), &staff()).is_empty());
    back.amount = Some(Decimal::ZERO);
    let f = check(MARCH, cutoff(), &[back], &staff());
    assert_eq!(rules(&f), [("non_positive", Severity::Blocking)]);
    assert!(f[0].message.contains("non nulle"), "{}", f[0].message);
}

#[test]
fn part_time_extra_hours_count_per_month_concerned() {
    // 10.25 h in March and 3 h for February: each month under its tenth.
    let mut february = line("00020", "HC10", "3");
    february.concerns = FEBRUARY;
    let lines = vec![line("00020", "HC10", "10.25"), february.clone()];
    assert!(check(MARCH, cutoff(), &lines, &staff()).is_empty());
    // 8 h more for February: 11 h there, above 10.4 h.
    let mut more = february;
    more.id = Uuid::now_v7();
    more.quantity = dec("8");
    let mut lines = lines;
    lines.push(more);
    let f = check(MARCH, cutoff(), &lines, &staff());
    assert_eq!(rules(&f), [("part_time_extra", Severity::Warning)]);
    assert!(f[0].message.contains("en février 2026"), "{}", f[0].message);
}

#[test]
fn overtime_of_an_earlier_year_is_not_counted_in_this_years_quota() {
    let mut staff = staff();
    staff.get_mut("00012").unwrap().overtime_before = dec("219");
    let january = Month {
        year: 2026,
        month: 1,
    };
    let mut december = line("00012", "HS25", "10");
    december.concerns = Month {
        year: 2025,
        month: 12,
    };
    assert!(check(january, day(2026, 1, 25), &[december], &staff).is_empty());
    // Already above the quota with nothing added this month: nothing new to say.
    staff.get_mut("00012").unwrap().overtime_before = dec("230");
    assert!(check(MARCH, cutoff(), &[line("00012", "TR", "3")], &staff).is_empty());
}

#[test]
fn contracts_following_each_other_cover_a_line() {
    let mut staff = staff();
    staff.get_mut("00031").unwrap().contracts = vec![
        contract("CDD", day(2026, 1, 5), Some(day(2026, 3, 13)), "35"),
        contract("CDI", day(2026, 3, 14), None, "35"),
    ];
    let sick = {
        let mut l = dated(
            line("00031", "MAL", "10"),
            day(2026, 3, 10),
            day(2026, 3, 19),
        );
        l.certificate = true;
        l.first_stop = Some(true);
        l
    };
    assert!(check(MARCH, cutoff(), std::slice::from_ref(&sick), &staff).is_empty());
    // A gap of one day (14 March) is outside the contract.
    staff.get_mut("00031").unwrap().contracts[1].start = day(2026, 3, 15);
    let f = check(MARCH, cutoff(), &[sick], &staff);
    assert_eq!(rules(&f), [("outside_contract", Severity::Blocking)]);
}

#[test]
fn keys_survive_a_recheck_and_change_with_the_line() {
    let mut lines = clean();
    lines[0].certificate = false;
    lines[4].late = true;
    lines[7].quantity = dec("12");
    let first = check(MARCH, cutoff(), &lines, &staff());
    let again = check(MARCH, cutoff(), &lines, &staff());
    assert_eq!(first.len(), 3);
    assert_eq!(first, again);
    let keys: std::collections::BTreeSet<&str> = first.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys.len(), 3, "keys are distinct");
    // The sick leave's end moves: its key changes, the others stay.
    lines[0].end = Some(day(2026, 3, 11));
    lines[0].quantity = dec("10");
    let moved = check(MARCH, cutoff(), &lines, &staff());
    let by_rule = |fs: &[Finding], rule: &str| {
        fs.iter()
            .find(|f| f.rule == rule)
            .map(|f| f.key.clone())
            .unwrap()
    };
    assert_ne!(
        by_rule(&first, "sick_certificate"),
        by_rule(&moved, "sick_certificate")
    );
    assert_eq!(by_rule(&first, "late"), by_rule(&moved, "late"));
    assert_eq!(
        by_rule(&first, "part_time_extra"),
        by_rule(&moved, "part_time_extra")
    );
    // More extra hours: a new total, a new key (the acknowledgement was for 12 h).
    lines[7].quantity = dec("13");
    let more = check(MARCH, cutoff(), &lines, &staff());
    assert_ne!(
        by_rule(&first, "part_time_extra"),
        by_rule(&more, "part_time_extra")
    );
    // The same number written otherwise is the same fact.
    lines[7].quantity = dec("12.00");
    let same = check(MARCH, cutoff(), &lines, &staff());
    assert_eq!(
        by_rule(&moved, "part_time_extra"),
        by_rule(&same, "part_time_extra")
    );
}

#[test]
fn blocking_findings_come_first() {
    let mut lines = clean();
    lines[4].late = true;
    lines.push(line("99999", "TR", "3"));
    let f = check(MARCH, cutoff(), &lines, &staff());
    assert_eq!(
        rules(&f),
        [("unknown", Severity::Blocking), ("late", Severity::Warning)]
    );
}

fn any_line() -> impl Strategy<Value = Line> {
    let codes: Vec<String> = CATALOGUE
        .iter()
        .map(|c| c.code.to_string())
        .chain(["ZZ".to_string(), String::new()])
        .collect();
    let matricules = vec!["00012", "00020", "00031", "00040", "99999", ""];
    let date = (2000i32..2100, 1u32..=12, 1u32..=31)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d.min(28)));
    let decimal = (any::<i64>(), 0u32..=28).prop_map(|(n, s)| Decimal::new(n, s));
    (
        proptest::sample::select(codes),
        proptest::sample::select(matricules),
        decimal.clone(),
        proptest::option::of(decimal.clone()),
        proptest::option::of(decimal),
        date.clone(),
        date,
        any::<(bool, bool, Option<bool>)>(),
        (2000i32..2100, 1u32..=12),
    )
        .prop_map(
            |(
                code,
                matricule,
                quantity,
                rate,
                amount,
                start,
                end,
                (late, certificate, first_stop),
                (y, m),
            )| Line {
                id: Uuid::now_v7(),
                matricule: matricule.to_string(),
                code,
                quantity,
                rate,
                amount,
                start,
                end,
                first_stop,
                certificate,
                source: Source::Import,
                late,
                concerns: Month { year: y, month: m },
                reference: None,
                comment: None,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn arbitrary_lines_never_panic_the_checks(
        lines in proptest::collection::vec(any_line(), 0..25),
        overtime in any::<i64>(),
        balance in any::<i64>(),
        weekly in any::<i64>(),
    ) {
        let mut staff = staff();
        for e in staff.values_mut() {
            e.overtime_before = Decimal::new(overtime, 2);
            for c in &mut e.contracts {
                c.weekly_hours = Decimal::new(weekly, 3);
            }
            e.balances.insert("CP".into(), Decimal::new(balance, 1));
        }
        let findings = check(MARCH, cutoff(), &lines, &staff);
        for f in &findings {
            prop_assert!(rule_label(f.rule).is_some());
            prop_assert!(!f.message.is_empty());
            prop_assert!(lines.iter().any(|l| l.matricule == f.matricule));
        }
        prop_assert_eq!(findings, check(MARCH, cutoff(), &lines, &staff));
    }
}
