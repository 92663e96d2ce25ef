//! The NIR (numéro de sécurité sociale): 13 characters + a 2-digit key, `97 − (n mod 97)`,
//! Corsica's departments 2A and 2B counted as 19 and 18 for the key.
use serde::Serialize;

/// A valid NIR, kept as its 15 characters without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Nir(String);

impl Nir {
    /// Parses a NIR, ignoring spaces and dots.
    ///
    /// # Errors
    /// A French message saying what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect::<String>()
            .to_uppercase();
        if !s.is_ascii() {
            return Err(
                "Le NIR ne contient que des chiffres (et 2A ou 2B pour la Corse).".to_string(),
            );
        }
        if s.len() != 15 {
            return Err("Le NIR comporte 15 caractères (13 + la clé de 2 chiffres).".to_string());
        }
        let (body, key) = s.split_at(13);
        let dept = &body[5..7];
        let numeric = match dept {
            "2A" => format!("{}19{}", &body[..5], &body[7..]),
            "2B" => format!("{}18{}", &body[..5], &body[7..]),
            _ => body.to_string(),
        };
        if !numeric.chars().all(|c| c.is_ascii_digit()) || !key.chars().all(|c| c.is_ascii_digit())
        {
            return Err(
                "Le NIR ne contient que des chiffres (et 2A ou 2B pour la Corse).".to_string(),
            );
        }
        if !matches!(&s[..1], "1" | "2" | "3" | "4" | "7" | "8") {
            return Err("Le NIR commence par 1 (homme) ou 2 (femme).".to_string());
        }
        let month: u32 = s[3..5].parse().unwrap_or(0);
        if !(1..=12).contains(&month) && !(20..=42).contains(&month) && !(50..=99).contains(&month)
        {
            return Err(
                "Le mois de naissance du NIR (4e et 5e chiffres) est invalide.".to_string(),
            );
        }
        let n: u64 = numeric.parse().map_err(|_| "NIR illisible.".to_string())?;
        let expected = 97 - (n % 97);
        let given: u64 = key.parse().unwrap_or(0);
        if expected != given {
            return Err("Ce NIR n’est pas valide : la clé ne correspond pas.".to_string());
        }
        Ok(Self(s))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The 15 characters of a NIR: its 13 characters followed by their key (`None` when
/// `body` is not 13 digits, 2A or 2B allowed for Corsica's departments).
#[must_use]
pub fn with_key(body: &str) -> Option<String> {
    if body.len() != 13 || !body.is_ascii() {
        return None;
    }
    let numeric = match &body[5..7] {
        "2A" => format!("{}19{}", &body[..5], &body[7..]),
        "2B" => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_string(),
    };
    let n: u64 = numeric.parse().ok()?;
    Some(format!("{body}{:02}", 97 - n % 97))
}

/// `1 84 12 75 123 456 78`
#[must_use]
pub fn format(nir: &str) -> String {
    if nir.len() != 15 || !nir.is_ascii() {
        return nir.to_string();
    }
    format!(
        "{} {} {} {} {} {} {}",
        &nir[..1],
        &nir[1..3],
        &nir[3..5],
        &nir[5..7],
        &nir[7..10],
        &nir[10..13],
        &nir[13..]
    )
}

/// Masked for lists: sex and year of birth only (`1 84 •• •• ••• ••• ••`).
#[must_use]
pub fn masked(nir: &str) -> String {
    if nir.len() != 15 || !nir.is_ascii() {
        return "•••".to_string();
    }
    format!("{} {} •• •• ••• ••• ••", &nir[..1], &nir[1..3])
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    fn with_key(body: &str) -> String {
        super::with_key(body).unwrap()
    }

    proptest! {
        // Any string: an answer, never a panic (the NIR would go to the log).
        #[test]
        fn any_input_is_answered_without_panic(raw in "\\PC{0,20}") {
            let _ = Nir::parse(&raw);
            let _ = format(&raw);
            let _ = masked(&raw);
            let _ = super::with_key(&raw);
        }

        // Any well-formed body with its key parses back to itself, spaced or not.
        #[test]
        fn valid_nirs_round_trip(sex in "[12]", yy in "[0-9]{2}", mm in "(0[1-9]|1[0-2])",
                                 dept in "([0-9]{2}|2A|2B)", rest in "[0-9]{6}") {
            let nir = with_key(&format!("{sex}{yy}{mm}{dept}{rest}"));
            prop_assert_eq!(Nir::parse(&nir).map(|n| n.as_str().to_string()), Ok(nir.clone()));
            prop_assert_eq!(Nir::parse(&format(&nir)).map(|n| n.as_str().to_string()), Ok(nir));
        }
    }

    #[test]
    fn non_ascii_characters_are_refused_not_panicked_on() {
        for raw in [
            "123456789012é1",
            "2850é519200537",
            "285047é9200537",
            "285047519200é7",
        ] {
            assert!(
                Nir::parse(raw).unwrap_err().contains("que des chiffres"),
                "{raw}"
            );
        }
    }

    #[test]
    fn valid_nirs_pass_and_bad_keys_fail() {
        let nir = with_key("1841275123456");
        assert!(Nir::parse(&nir).is_ok());
        assert!(Nir::parse(&format(&nir)).is_ok(), "spaces are ignored");
        let bad = format!(
            "{}{:02}",
            &nir[..13],
            (nir[13..].parse::<u32>().unwrap() + 1) % 100
        );
        assert!(Nir::parse(&bad).unwrap_err().contains("clé"));
        assert!(Nir::parse("184127512345").is_err());
        assert!(
            Nir::parse(&with_key("5841275123456"))
                .unwrap_err()
                .contains("commence")
        );
        assert!(
            Nir::parse(&with_key("1841375123456"))
                .unwrap_err()
                .contains("mois")
        );
    }

    #[test]
    fn corsica_uses_19_and_18_for_the_key() {
        let a = with_key("184052A123456");
        let b = with_key("290012B004321");
        assert!(Nir::parse(&a).is_ok(), "{a}");
        assert!(Nir::parse(&b).is_ok(), "{b}");
        // The same digits with 19 instead of 2A give the same key, so 2A must be read as 19.
        assert_eq!(&a[13..], &with_key("1840519123456")[13..]);
    }

    #[test]
    fn masking_keeps_sex_and_year_only() {
        let nir = with_key("1841275123456");
        assert_eq!(masked(&nir), "1 84 •• •• ••• ••• ••");
        assert_eq!(format(&nir), format!("1 84 12 75 123 456 {}", &nir[13..]));
    }
}
