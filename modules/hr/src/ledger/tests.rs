#![allow(clippy::unwrap_used)]
use super::*;

fn b(period: &str, balance: &str) -> Balance {
    Balance {
        leave_type: "CP".into(),
        period: period.into(),
        balance: balance.parse().unwrap(),
        ..Default::default()
    }
}

#[test]
fn takings_use_the_oldest_period_first() {
    let bs = [b("2024-2025", "3"), b("2025-2026", "20")];
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(
        allocate_taking(&bs, d("5"), "2026-2027"),
        vec![
            ("2024-2025".to_string(), d("3")),
            ("2025-2026".to_string(), d("2"))
        ]
    );
    // Beyond every balance: anticipated on the current period.
    assert_eq!(
        allocate_taking(&[b("2025-2026", "1")], d("3"), "2025-2026"),
        vec![("2025-2026".to_string(), d("3"))]
    );
}
