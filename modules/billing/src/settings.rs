//! `settings.billing` of the loco config: read and validated once, when the app boots
//! (the module's boot hook), then shared through the context. A missing or invalid
//! seller stops the boot with a message naming the key; production also refuses the
//! demo seller. There is no silent fallback: an invoice never carries a seller nobody
//! configured.
use std::sync::Arc;

use loco_rs::{app::AppContext, environment::Environment};
use mutualis_core::{
    error::{AppError, AppResult},
    member::Siren,
    module::BoxFut,
};
use serde::{Deserialize, Serialize};

/// `settings.billing` in the loco config.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Board approvals needed to finalize an invoice.
    #[serde(default = "one")]
    pub quorum: u64,
    /// The cooperative, seller of every invoice.
    #[serde(default)]
    pub seller: Option<Seller>,
}

fn one() -> u64 {
    1
}

/// The cooperative as the seller on invoices (mandatory mentions, EN 16931 seller party).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Seller {
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub siren: String,
    /// Intra-community VAT number (needed for VAT-exempt lines by EN 16931 rule BR-E-02).
    pub vat_id: String,
    pub email: String,
    pub iban: String,
    /// The late-payment penalty rate, as printed.
    pub late_penalty: String,
}

/// The SIREN of the demo cooperative (development and test configs): refused in
/// production.
pub const DEMO_SIREN: &str = "782456909";

/// The French VAT number of a SIREN: `FR`, a two-digit key, the SIREN.
#[must_use]
pub fn french_vat_id(siren: &str) -> Option<String> {
    let n: u64 = siren.parse().ok()?;
    Some(format!("FR{:02}{siren}", (12 + 3 * (n % 97)) % 97))
}

/// Whether an IBAN's check digits are right (ISO 13616 mod 97), spaces ignored.
#[must_use]
pub fn iban_ok(raw: &str) -> bool {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&s.len()) || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let (head, tail) = s.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let Some(v) = c.to_ascii_uppercase().to_digit(36) else {
            return false;
        };
        rem = if v > 9 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

impl Seller {
    /// Every problem of the seller, each naming its key under `settings.billing.seller`.
    #[must_use]
    pub fn problems(&self, production: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut need = |key: &str, value: &str| {
            if value.trim().is_empty() {
                out.push(format!("settings.billing.seller.{key} : obligatoire"));
            }
        };
        need("name", &self.name);
        need("address", &self.address);
        need("postcode", &self.postcode);
        need("city", &self.city);
        need("late_penalty", &self.late_penalty);
        if self.country.len() != 2 || !self.country.chars().all(|c| c.is_ascii_uppercase()) {
            out.push(format!(
                "settings.billing.seller.country : « {} » n’est pas un code pays ISO à deux lettres (FR)",
                self.country
            ));
        }
        match Siren::parse(&self.siren) {
            Err(e) => out.push(format!("settings.billing.seller.siren : {e}")),
            Ok(siren) => {
                if production && siren.as_str() == DEMO_SIREN {
                    out.push(
                        "settings.billing.seller.siren : c’est le SIREN de la coopérative de démonstration ; la production exige le vrai vendeur".to_string(),
                    );
                }
                let vat: String = self.vat_id.chars().filter(|c| !c.is_whitespace()).collect();
                if self.country == "FR" && french_vat_id(siren.as_str()).as_deref() != Some(&vat) {
                    out.push(format!(
                        "settings.billing.seller.vat_id : « {} » n’est pas le numéro de TVA du SIREN {} ({})",
                        self.vat_id,
                        siren.as_str(),
                        french_vat_id(siren.as_str()).unwrap_or_default()
                    ));
                }
            }
        }
        if !self.email.contains('@') || self.email.trim() != self.email {
            out.push(format!(
                "settings.billing.seller.email : « {} » n’est pas une adresse e-mail",
                self.email
            ));
        }
        if !iban_ok(&self.iban) {
            out.push(format!(
                "settings.billing.seller.iban : « {} » n’est pas un IBAN valide",
                self.iban
            ));
        }
        out
    }
}

/// A validated seller and quorum.
#[derive(Debug, Clone)]
pub struct Valid {
    pub quorum: u64,
    pub seller: Seller,
}

/// Reads and validates `settings.billing`.
///
/// # Errors
/// A message listing every problem, each naming its key.
pub fn load(settings: Option<&serde_json::Value>, production: bool) -> Result<Valid, String> {
    let Some(raw) = settings.and_then(|s| s.get("billing")) else {
        return Err("settings.billing absent de la configuration".to_string());
    };
    let s: Settings = serde_json::from_value(raw.clone())
        .map_err(|e| format!("settings.billing illisible : {e}"))?;
    let mut problems = Vec::new();
    if s.quorum == 0 {
        problems.push("settings.billing.quorum : au moins 1".to_string());
    }
    match &s.seller {
        None => problems.push(
            "settings.billing.seller absent : la coopérative qui émet les factures (nom, adresse, SIREN, TVA, IBAN…)".to_string(),
        ),
        Some(seller) => problems.extend(seller.problems(production)),
    }
    if problems.is_empty() {
        Ok(Valid {
            quorum: s.quorum,
            seller: s.seller.unwrap_or_default(),
        })
    } else {
        Err(problems.join(" ; "))
    }
}

/// The module's boot hook: validates the settings once and shares them.
pub fn boot(ctx: &AppContext) -> BoxFut<'_, AppResult<()>> {
    Box::pin(async move {
        let production = ctx.environment == Environment::Production;
        let valid = load(ctx.config.settings.as_ref(), production).map_err(|e| {
            AppError::Unexpected(anyhow::anyhow!(
                "configuration de la facturation invalide : {e}"
            ))
        })?;
        ctx.shared_store.insert(Arc::new(valid));
        Ok(())
    })
}

/// The billing settings validated at boot.
///
/// # Errors
/// 500 when the app was not booted with the billing module.
pub fn settings(ctx: &AppContext) -> AppResult<Arc<Valid>> {
    ctx.shared_store
        .get::<Arc<Valid>>()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("billing settings not loaded at boot")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    fn seller() -> serde_json::Value {
        json!({"name": "Coop", "address": "1 rue", "postcode": "37000", "city": "Tours",
               "country": "FR", "siren": "732829320", "vat_id": "FR44732829320",
               "email": "f@coop.test", "iban": "FR76 3000 4000 0312 3456 7890 143",
               "late_penalty": "trois fois le taux d’intérêt légal"})
    }

    #[test]
    fn the_vat_number_and_iban_checks_are_those_of_the_standards() {
        assert_eq!(french_vat_id("782456909").as_deref(), Some("FR33782456909"));
        assert!(iban_ok("FR76 3000 4000 0312 3456 7890 143"));
        assert!(!iban_ok("FR76 3000 4000 0312 3456 7890 144"));
        assert!(!iban_ok("FR7"));
        assert!(!iban_ok("FR76 3000 4000 0312 3456 7890 14é"));
    }

    #[test]
    fn a_complete_seller_loads_and_a_missing_one_is_named() {
        let ok = load(
            Some(&json!({"billing": {"quorum": 2, "seller": seller()}})),
            true,
        )
        .unwrap();
        assert_eq!((ok.quorum, ok.seller.city.as_str()), (2, "Tours"));
        let err = load(Some(&json!({"billing": {"quorum": 1}})), false).unwrap_err();
        assert!(err.contains("settings.billing.seller absent"), "{err}");
        let err = load(None, false).unwrap_err();
        assert!(err.contains("settings.billing absent"), "{err}");
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut s = seller();
        s["siren"] = json!("732829321");
        s["iban"] = json!("FR00");
        s["city"] = json!(" ");
        s["email"] = json!("nobody");
        let err = load(Some(&json!({"billing": {"seller": s}})), false).unwrap_err();
        for key in ["siren", "iban", "city", "email"] {
            assert!(err.contains(&format!("seller.{key}")), "{key}: {err}");
        }
        let mut s = seller();
        s["vat_id"] = json!("FR00732829320");
        let err = load(Some(&json!({"billing": {"seller": s, "quorum": 0}})), false).unwrap_err();
        assert!(
            err.contains("vat_id") && err.contains("FR44732829320"),
            "{err}"
        );
        assert!(err.contains("quorum"), "{err}");
    }

    #[test]
    fn production_refuses_the_demo_seller() {
        let mut s = seller();
        s["siren"] = json!(DEMO_SIREN);
        s["vat_id"] = json!("FR33782456909");
        let demo = json!({"billing": {"seller": s}});
        assert!(load(Some(&demo), false).is_ok());
        let err = load(Some(&demo), true).unwrap_err();
        assert!(err.contains("démonstration"), "{err}");
    }
}
