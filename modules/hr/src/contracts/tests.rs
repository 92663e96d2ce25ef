#![allow(clippy::unwrap_used)]
use super::*;

fn input() -> ContractInput {
    ContractInput {
        kind: "CDI".into(),
        start_date: "01/09/2024".into(),
        weekly_hours: "35".into(),
        agreement: "CCN 66".into(),
        position: "Éducateur spécialisé".into(),
        coefficient: "434".into(),
        ..Default::default()
    }
}

#[test]
fn a_cdd_needs_its_end_and_reason() {
    let mut i = input();
    i.kind = "cdd".into();
    let errs = i.validate().unwrap_err();
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["end_date", "cdd_reason"]);
    i.end_date = "2024-08-31".into();
    i.cdd_reason = "Remplacement de Mme X".into();
    let errs = i.validate().unwrap_err();
    assert_eq!(errs[0].message, "La date de fin précède la date de début.");
    i.end_date = "2025-02-28".into();
    let t = i.validate().unwrap();
    assert_eq!(t.kind, "CDD");
    assert_eq!(t.end_date, NaiveDate::from_ymd_opt(2025, 2, 28));
}

#[test]
fn ccn66_needs_a_coefficient_and_hours_are_bounded() {
    let mut i = input();
    i.coefficient = String::new();
    i.weekly_hours = "52".into();
    let errs = i.validate().unwrap_err();
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["weekly_hours", "coefficient"]);
    i.agreement = "Autre".into();
    i.weekly_hours = "17,5".into();
    let t = i.validate().unwrap();
    assert_eq!(t.weekly_hours.to_string(), "17.5");
    assert_eq!(time_label(t.weekly_hours), "Temps partiel (50 %)");
    assert_eq!(time_label(Decimal::from(35)), "Temps plein");
    assert_eq!(time_label(Decimal::from(28)), "Temps partiel (80 %)");
}

fn version(
    n: i32,
    from: (i32, u32, u32),
    hours: &str,
    end: Option<NaiveDate>,
) -> hr_contracts::Model {
    hr_contracts::Model {
        member_id: 1,
        id: new_id(),
        employee_id: Uuid::nil(),
        contract_id: Uuid::nil(),
        version: n,
        valid_from: NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap(),
        kind: "CDI".into(),
        start_date: NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(),
        end_date: end,
        cdd_reason: None,
        trial_end: None,
        weekly_hours: hours.into(),
        agreement: "CCN66".into(),
        position: "Éducateur".into(),
        qualification: None,
        coefficient: Some(434),
        step: Some(3),
        quarterly_leave: true,
        agency: None,
        reason: None,
        created_by: "t".into(),
        created_at: Utc::now(),
    }
}

#[test]
fn the_version_in_force_is_the_latest_started() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let c = group(vec![
        version(2, (2025, 3, 1), "28", None),
        version(1, (2024, 9, 1), "35", None),
        version(3, (2026, 1, 1), "28", Some(d(2026, 6, 30))),
    ]);
    assert_eq!(c.len(), 1);
    let c = &c[0];
    assert_eq!(c.at(d(2024, 8, 31)), None);
    assert_eq!(c.at(d(2025, 2, 28)).unwrap().weekly_hours, "35");
    assert_eq!(c.at(d(2025, 3, 1)).unwrap().weekly_hours, "28");
    assert_eq!(c.at(d(2026, 2, 1)).unwrap().version, 3);
    assert!(c.active_on(d(2026, 6, 30)));
    assert!(!c.active_on(d(2026, 7, 1)));
    assert!(c.overlaps(d(2026, 6, 1), d(2026, 6, 30)));
}

#[test]
fn ccn66_pay_basis_is_coefficient_times_point_times_ratio() {
    let v = version(1, (2024, 9, 1), "28", None);
    let p = pay_basis(&v, Some(Decimal::new(396, 2))).unwrap();
    // 434 × 3.96 = 1718.64; × 0.8 = 1374.912 → 1374.91
    assert_eq!(p.full_time, Decimal::new(171_864, 2));
    assert_eq!(p.amount, Decimal::new(137_491, 2));
    assert_eq!(pay_basis(&v, None), None);
}

#[test]
fn a_kind_or_an_agreement_with_other_signs_is_not_read_as_one() {
    assert_eq!(parse_kind("CDI"), Some("CDI"));
    assert_eq!(parse_kind("Contrat d’apprentissage"), Some("APPRENTISSAGE"));
    assert_eq!(parse_kind("🦀CDI"), None);
    assert_eq!(parse_kind("C\u{200b}DI"), None);
    assert_eq!(parse_agreement("CCN 66"), Some("CCN66"));
    assert_eq!(parse_agreement("66🦀"), None);
}
