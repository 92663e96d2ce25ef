//! Amounts of money and other decimals typed by people, with their declared range.
//!
//! Every amount is a `Decimal` of at most 2 decimals between 0 and [`MAX_EUROS`]; it
//! converts to cents without overflow. Typed forms accept the French writing
//! (`1 250,50`, narrow no-break spaces) as well as `1250.50`; never an exponent.
use rust_decimal::Decimal;

/// The largest amount the platform accepts (per charge, line or payment): 100 M€.
pub const MAX_EUROS: Decimal = Decimal::from_parts(100_000_000, 0, 0, false, 0);

/// Why a typed decimal is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalError {
    /// Not a plain decimal (an exponent, letters, two separators…).
    NotANumber,
    /// More decimals than the scale.
    TooPrecise(u32),
    /// Beyond the bound, in magnitude.
    TooLarge(Decimal),
}

impl DecimalError {
    /// The French message (without the field's name).
    #[must_use]
    pub fn message(self) -> String {
        match self {
            Self::NotANumber => "un nombre est attendu (ex. 1250,50).".to_string(),
            Self::TooPrecise(scale) => format!("{scale} décimales au plus."),
            Self::TooLarge(max) => format!("au plus {}.", crate::time::fr_decimal(max)),
        }
    }
}

/// The sign and the digits before and after the separator of a plain decimal. People's
/// writing (`french`) allows spaces and the decimal comma; machines' only `-` and `.`.
fn plain(raw: &str, french: bool) -> Option<(bool, String, String)> {
    let t: String = if french {
        raw.trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{202f}' | '\u{a0}'))
            .collect()
    } else {
        raw.trim().to_string()
    };
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.as_str()),
    };
    let separators: &[char] = if french { &[',', '.'] } else { &['.'] };
    let (int, frac) = digits.split_once(separators).unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains(separators) && frac.is_empty());
    ok.then(|| (negative, int.to_string(), frac.to_string()))
}

fn parse_with(raw: &str, scale: u32, max: Decimal, french: bool) -> Result<Decimal, DecimalError> {
    let (negative, int, frac) = plain(raw, french).ok_or(DecimalError::NotANumber)?;
    let frac = frac.trim_end_matches('0');
    if frac.len() > scale as usize {
        return Err(DecimalError::TooPrecise(scale));
    }
    let int = int.trim_start_matches('0');
    if int.len() > 15 {
        return Err(DecimalError::TooLarge(max));
    }
    let text = format!(
        "{}{}{}{frac}",
        if negative { "-" } else { "" },
        if int.is_empty() { "0" } else { int },
        if frac.is_empty() { "" } else { "." }
    );
    let d: Decimal = text.parse().map_err(|_| DecimalError::NotANumber)?;
    if d.abs() > max {
        return Err(DecimalError::TooLarge(max));
    }
    Ok(d.normalize())
}

/// Parses a decimal as people type it (`1 250,50`, `17.5`) of at most `scale` decimals
/// and at most `max` in magnitude.
///
/// # Errors
/// A French message: not a number, too precise, out of range.
pub fn parse_decimal(raw: &str, scale: u32, max: Decimal) -> Result<Decimal, String> {
    parse_with(raw, scale, max, true).map_err(DecimalError::message)
}

/// Parses a decimal as machines write it (`-2.5`: no spaces, no comma, no exponent), of
/// at most `scale` decimals and at most `max` in magnitude — the API's decimal strings.
///
/// # Errors
/// Why it is refused.
pub fn parse_plain_decimal(raw: &str, scale: u32, max: Decimal) -> Result<Decimal, DecimalError> {
    parse_with(raw, scale, max, false)
}

/// Parses an amount in euros: 0 to [`MAX_EUROS`], to the cent.
///
/// # Errors
/// A French message saying what is wrong.
pub fn parse_euros(raw: &str) -> Result<Decimal, String> {
    let d = parse_with(raw, 2, MAX_EUROS, true).map_err(|e| match e {
        DecimalError::TooPrecise(_) => "au centime près (2 décimales au plus).".to_string(),
        DecimalError::TooLarge(max) => format!("au plus {} €.", crate::time::fr_decimal(max)),
        DecimalError::NotANumber => e.message(),
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

    #[test]
    fn machine_decimals_take_neither_spaces_nor_commas() {
        let max = Decimal::new(1_000_000, 0);
        assert_eq!(
            parse_plain_decimal("-2.5", 6, max),
            Ok(Decimal::new(-25, 1))
        );
        assert_eq!(
            parse_plain_decimal("1,5", 6, max),
            Err(DecimalError::NotANumber)
        );
        assert_eq!(
            parse_plain_decimal("1 000", 6, max),
            Err(DecimalError::NotANumber)
        );
        assert_eq!(
            parse_plain_decimal("1e2", 6, max),
            Err(DecimalError::NotANumber)
        );
        assert_eq!(
            parse_plain_decimal("0.0000001", 6, max),
            Err(DecimalError::TooPrecise(6))
        );
        assert_eq!(
            parse_plain_decimal("1000000.000001", 6, max),
            Err(DecimalError::TooLarge(max))
        );
    }

    proptest! {
        #[test]
        fn any_string_is_answered(raw in "\\PC{0,40}") {
            let _ = parse_euros(&raw);
            let _ = parse_decimal(&raw, 6, MAX_EUROS);
            let _ = parse_plain_decimal(&raw, 6, MAX_EUROS);
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
