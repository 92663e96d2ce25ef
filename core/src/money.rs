//! Amounts of money and other decimals typed by people, with their declared range.
//!
//! Every amount is a `Decimal` of at most 2 decimals between 0 and [`MAX_EUROS`]; it
//! converts to cents without overflow. Typed forms accept the French writing
//! (`1 250,50`, narrow no-break spaces) as well as `1250.50`; never an exponent.
use rust_decimal::Decimal;

/// The largest amount the platform accepts (per charge, line or payment): 100 M€.
pub const MAX_EUROS: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);

/// A plain decimal as people type it, spaces and the decimal comma allowed: the
/// digits before and after the separator, and the sign (`None` when it is not one).
fn plain(raw: &str) -> Option<(bool, String, String)> {
    let t: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{202f}' | '\u{a0}'))
        .collect();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.as_str()),
    };
    let (int, frac) = match digits.split_once([',', '.']) {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains([',', '.']) && frac.is_empty());
    ok.then(|| (negative, int.to_string(), frac.to_string()))
}

/// Parses a decimal of at most `scale` decimals and at most `max` in magnitude.
///
/// # Errors
/// A French message: not a number, too precise, out of range.
pub fn parse_decimal(raw: &str, scale: u32, max: Decimal) -> Result<Decimal, String> {
    let Some((negative, int, frac)) = plain(raw) else {
        return Err("un nombre est attendu (ex. 1250,50).".to_string());
    };
    let frac = frac.trim_end_matches('0');
    if frac.len() > scale as usize {
        return Err(format!("{scale} décimales au plus."));
    }
    let int = int.trim_start_matches('0');
    if int.len() > 15 {
        return Err(format!("au plus {}.", crate::time::fr_decimal(max)));
    }
    let text = format!(
        "{}{}{}{frac}",
        if negative { "-" } else { "" },
        if int.is_empty() { "0" } else { int },
        if frac.is_empty() { "" } else { "." }
    );
    let d: Decimal = text
        .parse()
        .map_err(|_| "un nombre est attendu (ex. 1250,50).".to_string())?;
    if d.abs() > max {
        return Err(format!("au plus {}.", crate::time::fr_decimal(max)));
    }
    Ok(d.normalize())
}

/// Parses an amount in euros: 0 to [`MAX_EUROS`], to the cent.
///
/// # Errors
/// A French message saying what is wrong.
pub fn parse_euros(raw: &str) -> Result<Decimal, String> {
    let d = parse_decimal(raw, 2, MAX_EUROS).map_err(|e| {
        if e.starts_with("2 déc") {
            "au centime près (2 décimales au plus).".to_string()
        } else if e.starts_with("au plus") {
            format!("au plus {} €.", crate::time::fr_decimal(MAX_EUROS))
        } else {
            e
        }
    })?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err("un montant positif est attendu.".to_string());
    }
    Ok(d)
}

/// Cents of an amount (rounded half away from zero); `None` beyond `i64`.
#[must_use]
pub fn to_cents(d: Decimal) -> Option<i64> {
    let c = d
        .checked_mul(Decimal::ONE_HUNDRED)?
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(c).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn french_amounts_parse_and_the_rest_is_refused() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(parse_euros("1 250,50"), Ok(d("1250.5")));
        assert_eq!(parse_euros("1\u{202f}250.50"), Ok(d("1250.5")));
        assert_eq!(parse_euros("0"), Ok(Decimal::ZERO));
        assert_eq!(parse_euros("100000000"), Ok(MAX_EUROS));
        for bad in [
            "",
            "abc",
            "1e2",
            "1,2,3",
            "12,",
            ",5",
            "-1",
            "1,234",
            "100000000,01",
            "79228162514264337593543950335",
            "100000000000000000000",
            "NaN",
            "٣",
        ] {
            assert!(parse_euros(bad).is_err(), "{bad}");
        }
        assert_eq!(to_cents(d("1250.5")), Some(125_050));
        assert_eq!(to_cents(Decimal::MAX), None);
    }

    proptest! {
        #[test]
        fn any_string_is_answered(raw in "\\PC{0,40}") {
            let _ = parse_euros(&raw);
            let _ = parse_decimal(&raw, 6, MAX_EUROS);
        }

        #[test]
        fn amounts_in_range_round_trip_to_cents(cents in 0i64..=10_000_000_000) {
            let d = Decimal::new(cents, 2);
            let typed = d.to_string().replace('.', ",");
            let back = parse_euros(&typed).unwrap();
            prop_assert_eq!(to_cents(back), Some(cents));
        }
    }
}
