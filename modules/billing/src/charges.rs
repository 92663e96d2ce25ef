//! Charge models: per module, dated versions (a change applies from a period on and the
//! history is kept). Three kinds: a monthly subscription fee prorated by days, a unit
//! price on a meter (flat or graduated tiers), and a cost pool shared by consumption.
use std::collections::BTreeMap;

use chrono::Utc;
use mutualis_core::{
    audit::{self, Actor},
    error::{AppError, AppResult, FieldError},
    metering::Meters,
    tenant::{Coop, CoopOwned},
    time::Month,
};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, QueryOrder, Set, TransactionTrait};
use serde::{Deserialize, Serialize};

use crate::{
    engine::{FixedBasis, Tier},
    entities::billing_charges,
};

/// The modules a charge can belong to: the catalogue, plus `it` (the cooperative's
/// shared IT support, billed to every member).
pub const CHARGEABLE: [&str; 7] = [
    "billing",
    "hr",
    "payroll",
    "gdpr",
    "legal",
    "practices",
    "it",
];

/// What a charge bills.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A monthly fee per subscribed member, prorated by days.
    Subscription { fee: Decimal },
    /// A price per unit of a meter: flat (one tier) or graduated.
    UnitPrice { meter: String, tiers: Vec<Tier> },
    /// The module's real cost for the period, split: `fixed_share` by the fixed basis,
    /// the rest by each member's share of `meter`.
    CostPool {
        amount: Decimal,
        meter: String,
        fixed_share: Decimal,
        fixed_basis: FixedBasis,
        /// The meter weighting the fixed share when `fixed_basis` is by weight.
        fixed_meter: Option<String>,
    },
}

impl Kind {
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Subscription { .. } => "subscription",
            Self::UnitPrice { .. } => "unit_price",
            Self::CostPool { .. } => "cost_pool",
        }
    }

    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Subscription { .. } => "Abonnement",
            Self::UnitPrice { .. } => "Prix unitaire",
            Self::CostPool { .. } => "Pool de coûts",
        }
    }
}

/// One version of a charge.
#[derive(Debug, Clone, PartialEq)]
pub struct Charge {
    pub id: i64,
    pub module: String,
    pub code: String,
    pub label: String,
    pub effective_from: Month,
    pub active: bool,
    pub kind: Kind,
    /// VAT rate in percent, applied to VAT-liable members only.
    pub vat_rate: Decimal,
}

fn dec(raw: Option<&str>) -> Option<Decimal> {
    raw.and_then(|s| s.trim().parse().ok())
}

fn cents_to_dec(c: Option<i64>) -> Decimal {
    Decimal::new(c.unwrap_or_default(), 2)
}

impl Charge {
    /// Reads a stored version.
    ///
    /// # Errors
    /// When the stored row is inconsistent (a programming error).
    pub fn from_row(r: &billing_charges::Model) -> AppResult<Self> {
        let bad = || AppError::Unexpected(anyhow::anyhow!("charge {} is inconsistent", r.id));
        let kind = match r.kind.as_str() {
            "subscription" => Kind::Subscription {
                fee: cents_to_dec(r.amount_cents),
            },
            "unit_price" => {
                let tiers: Vec<Tier> = match (&r.tiers, dec(r.unit_price.as_deref())) {
                    (Some(t), _) => serde_json::from_str(t).map_err(|_| bad())?,
                    (None, Some(p)) => vec![Tier {
                        up_to: None,
                        unit_price: p,
                    }],
                    (None, None) => return Err(bad()),
                };
                Kind::UnitPrice {
                    meter: r.meter.clone().ok_or_else(bad)?,
                    tiers,
                }
            }
            "cost_pool" => Kind::CostPool {
                amount: cents_to_dec(r.amount_cents),
                meter: r.meter.clone().ok_or_else(bad)?,
                fixed_share: dec(r.fixed_share.as_deref()).unwrap_or_default(),
                fixed_basis: if r.fixed_basis.as_deref() == Some("meter") {
                    FixedBasis::ByWeight
                } else {
                    FixedBasis::Equal
                },
                fixed_meter: r.fixed_meter.clone(),
            },
            _ => return Err(bad()),
        };
        Ok(Self {
            id: r.id,
            module: r.module.clone(),
            code: r.code.clone(),
            label: r.label.clone(),
            effective_from: Month::parse(&r.effective_from).map_err(|_| bad())?,
            active: r.active,
            kind,
            vat_rate: dec(Some(&r.vat_rate)).unwrap_or_default(),
        })
    }
}

/// The versions in effect for `month`: per (module, code), the latest version not after
/// the month, unless that version retires the charge.
#[must_use]
pub fn in_effect(versions: &[Charge], month: Month) -> Vec<Charge> {
    let mut latest: BTreeMap<(&str, &str), &Charge> = BTreeMap::new();
    for c in versions.iter().filter(|c| c.effective_from <= month) {
        let key = (c.module.as_str(), c.code.as_str());
        if latest
            .get(&key)
            .is_none_or(|cur| cur.effective_from < c.effective_from)
        {
            latest.insert(key, c);
        }
    }
    latest.into_values().filter(|c| c.active).cloned().collect()
}

/// Every version of every charge, oldest first.
///
/// # Errors
/// Database errors.
pub async fn all_versions<C: ConnectionTrait>(db: &C) -> AppResult<Vec<Charge>> {
    billing_charges::Entity::find_shared()
        .order_by_asc(billing_charges::Column::EffectiveFrom)
        .order_by_asc(billing_charges::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(Charge::from_row)
        .collect()
}

/// A new version of a charge, as a coop_admin types it (JSON or form). Amounts and
/// prices are decimal strings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChargeInput {
    #[serde(default)]
    pub module: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub effective_from: String,
    /// `false` retires the charge from `effective_from` on.
    #[serde(default = "yes")]
    pub active: bool,
    /// Monthly fee (subscription) or pool amount (cost pool), in euros.
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub meter: String,
    /// Flat unit price (unit price without tiers).
    #[serde(default)]
    pub unit_price: String,
    /// Graduated tiers as JSON: `[{"up_to": "100", "unit_price": "1.00"}, {"up_to": null, …}]`.
    #[serde(default)]
    pub tiers: String,
    /// Fixed share of a pool, in percent (e.g. `30`).
    #[serde(default)]
    pub fixed_share: String,
    /// `equal` or `meter`.
    #[serde(default)]
    pub fixed_basis: String,
    #[serde(default)]
    pub fixed_meter: String,
    /// VAT rate in percent for VAT-liable members (e.g. `20`); empty = 0.
    #[serde(default)]
    pub vat_rate: String,
}

fn yes() -> bool {
    true
}

fn parse_money(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<Decimal> {
    if raw.trim().is_empty() {
        errors.push(FieldError::new(
            field,
            "Montant obligatoire, en euros (ex. 1250,00).",
        ));
        return None;
    }
    mutualis_core::money::parse_euros(raw)
        .map_err(|e| errors.push(FieldError::new(field, format!("Montant invalide : {e}"))))
        .ok()
}

/// A positive decimal of at most 6 decimals, up to 100 M (prices, rates, shares).
fn parse_dec(field: &str, raw: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<Decimal> {
    match mutualis_core::money::parse_decimal(raw, 6, mutualis_core::money::MAX_EUROS) {
        Ok(d) if d >= Decimal::ZERO => Some(d),
        Ok(_) => {
            errors.push(FieldError::new(
                field,
                format!("{what} invalide : un nombre positif est attendu."),
            ));
            None
        }
        Err(e) => {
            errors.push(FieldError::new(field, format!("{what} invalide : {e}")));
            None
        }
    }
}

/// A validated new version, ready to store.
#[derive(Debug, Clone)]
pub struct ValidCharge {
    pub row: billing_charges::ActiveModel,
}

impl ChargeInput {
    /// Validates every field against the meters, collecting all errors.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self, meters: &Meters) -> Result<ValidCharge, Vec<FieldError>> {
        let mut errors = Vec::new();
        let module = self.module.trim();
        if !CHARGEABLE.contains(&module) {
            errors.push(FieldError::new("module", "Choisissez le module facturé."));
        }
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            errors.push(FieldError::new(
                "code",
                "Code obligatoire : lettres minuscules, chiffres, tirets (ex. abonnement).",
            ));
        }
        let mut c = mutualis_core::limits::Check::new();
        let label = c.text(
            "label",
            "Le libellé",
            &self.label,
            mutualis_core::limits::Text::Title,
            "Le libellé (affiché sur la facture) est obligatoire.",
        );
        let label = label.as_str();
        errors.extend(c.into_errors());
        let effective_from = Month::parse(&self.effective_from)
            .map_err(|_| {
                errors.push(FieldError::new(
                    "effective_from",
                    "Mois d’application invalide (AAAA-MM).",
                ))
            })
            .ok();
        let vat_rate = if self.vat_rate.trim().is_empty() {
            Some(Decimal::ZERO)
        } else {
            parse_dec("vat_rate", &self.vat_rate, "Taux de TVA", &mut errors)
                .filter(|r| *r <= Decimal::from(100))
        };
        let meter_ok = |m: &str, field: &str, errors: &mut Vec<FieldError>| -> Option<String> {
            if meters.get(m.trim()).is_some() {
                Some(m.trim().to_string())
            } else {
                errors.push(FieldError::new(field, "Choisissez un compteur existant."));
                None
            }
        };
        let mut row = billing_charges::ActiveModel {
            module: Set(module.to_string()),
            code: Set(code.to_string()),
            label: Set(label.to_string()),
            active: Set(self.active),
            amount_cents: Set(None),
            meter: Set(None),
            unit_price: Set(None),
            tiers: Set(None),
            fixed_share: Set(None),
            fixed_basis: Set(None),
            fixed_meter: Set(None),
            created_by: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        let to_cents = mutualis_core::money::to_cents;
        match self.kind.trim() {
            "subscription" => {
                if self.active {
                    let fee = parse_money("amount", &self.amount, &mut errors);
                    row.amount_cents = Set(fee.and_then(to_cents));
                }
            }
            "unit_price" => {
                if self.active {
                    row.meter = Set(meter_ok(&self.meter, "meter", &mut errors));
                    if self.tiers.trim().is_empty() {
                        let p =
                            parse_dec("unit_price", &self.unit_price, "Prix unitaire", &mut errors);
                        row.unit_price = Set(p.map(|p| p.normalize().to_string()));
                    } else {
                        match serde_json::from_str::<Vec<Tier>>(&self.tiers) {
                            Ok(t) if crate::engine::graduated(Decimal::ONE, &t).is_ok() => {
                                row.tiers = Set(serde_json::to_string(&t).ok());
                            }
                            _ => errors.push(FieldError::new(
                                "tiers",
                                "Paliers invalides : bornes croissantes, le dernier palier sans borne.",
                            )),
                        }
                    }
                }
            }
            "cost_pool" => {
                if self.active {
                    let amount = parse_money("amount", &self.amount, &mut errors);
                    row.amount_cents = Set(amount.and_then(to_cents));
                    row.meter = Set(meter_ok(&self.meter, "meter", &mut errors));
                    let share = if self.fixed_share.trim().is_empty() {
                        Some(Decimal::ZERO)
                    } else {
                        parse_dec("fixed_share", &self.fixed_share, "Part fixe", &mut errors)
                    };
                    match share {
                        Some(s) if s <= Decimal::from(100) => {
                            row.fixed_share =
                                Set(Some((s / Decimal::from(100)).normalize().to_string()));
                        }
                        Some(_) => errors.push(FieldError::new(
                            "fixed_share",
                            "La part fixe est un pourcentage entre 0 et 100.",
                        )),
                        None => {}
                    }
                    match self.fixed_basis.trim() {
                        "" | "equal" => row.fixed_basis = Set(Some("equal".to_string())),
                        "meter" => {
                            row.fixed_basis = Set(Some("meter".to_string()));
                            row.fixed_meter =
                                Set(meter_ok(&self.fixed_meter, "fixed_meter", &mut errors));
                        }
                        _ => errors.push(FieldError::new(
                            "fixed_basis",
                            "Base de la part fixe : à parts égales ou selon un compteur.",
                        )),
                    }
                }
            }
            _ => errors.push(FieldError::new("kind", "Choisissez le type de tarif.")),
        }
        match (effective_from, vat_rate) {
            (Some(m), Some(v)) if errors.is_empty() => {
                row.effective_from = Set(m.to_string());
                row.kind = Set(self.kind.trim().to_string());
                row.vat_rate = Set(v.normalize().to_string());
                Ok(ValidCharge { row })
            }
            (_, None) => {
                errors.push(FieldError::new(
                    "vat_rate",
                    "Taux de TVA invalide (entre 0 et 100).",
                ));
                Err(errors)
            }
            _ => Err(errors),
        }
    }
}

/// Stores a new version of a charge and audits it.
///
/// # Errors
/// 422 on invalid input or a version already set for that month; database errors.
pub async fn create_version<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    coop: Coop,
    meters: &Meters,
    actor: &Actor,
    input: &ChargeInput,
) -> AppResult<Charge> {
    let mut v = input.validate(meters).map_err(AppError::Validation)?;
    v.row.created_by = Set(actor.user_id);
    let row = billing_charges::Entity::insert_coop(coop, v.row, db).await.map_err(|e| {
        if mutualis_core::error::is_unique_violation(&e) {
            AppError::field(
                "effective_from",
                "Une version de ce tarif existe déjà pour ce mois : choisissez un autre mois d’application.",
            )
        } else {
            e.into()
        }
    })?;
    audit::record(
        db,
        actor,
        None,
        "billing_charge",
        &row.id.to_string(),
        "create",
        serde_json::json!({"module": row.module, "code": row.code, "kind": row.kind, "effective_from": row.effective_from, "active": row.active}),
    )
    .await?;
    Charge::from_row(&row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str, from: &str, active: bool, fee: i64) -> Charge {
        Charge {
            id: 0,
            module: "hr".into(),
            code: code.into(),
            label: code.into(),
            effective_from: Month::parse(from).unwrap(),
            active,
            kind: Kind::Subscription {
                fee: Decimal::new(fee, 0),
            },
            vat_rate: Decimal::ZERO,
        }
    }

    #[test]
    fn the_latest_version_not_after_the_month_applies() {
        let v = vec![
            c("a", "2026-01", true, 10),
            c("a", "2026-04", true, 12),
            c("b", "2026-02", true, 5),
            c("b", "2026-05", false, 0),
        ];
        let at = |m: &str| {
            in_effect(&v, Month::parse(m).unwrap())
                .into_iter()
                .map(|c| (c.code, c.kind))
                .collect::<Vec<_>>()
        };
        assert_eq!(at("2025-12"), vec![]);
        assert_eq!(
            at("2026-03"),
            vec![
                (
                    "a".into(),
                    Kind::Subscription {
                        fee: Decimal::new(10, 0)
                    }
                ),
                (
                    "b".into(),
                    Kind::Subscription {
                        fee: Decimal::new(5, 0)
                    }
                )
            ]
        );
        assert_eq!(
            at("2026-04")[0].1,
            Kind::Subscription {
                fee: Decimal::new(12, 0)
            }
        );
        // Retired from May.
        assert_eq!(at("2026-06").len(), 1);
    }

    #[test]
    fn validation_names_every_bad_field() {
        let meters = Meters::new([mutualis_core::metering::Meter {
            code: "it.support_hours",
            module: "it",
            aggregation: mutualis_core::metering::Aggregation::Sum,
            unit: "heures",
            label: "Heures",
            max_per_event: 1_000_000,
        }])
        .unwrap();
        let errs = ChargeInput {
            kind: "cost_pool".into(),
            active: true,
            ..Default::default()
        }
        .validate(&meters)
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "module",
            "code",
            "label",
            "effective_from",
            "amount",
            "meter",
        ] {
            assert!(fields.contains(&f), "{f} missing in {fields:?}");
        }
        let ok = ChargeInput {
            module: "it".into(),
            code: "support".into(),
            label: "Support informatique".into(),
            kind: "cost_pool".into(),
            effective_from: "2026-03".into(),
            active: true,
            amount: "1 250,50".into(),
            meter: "it.support_hours".into(),
            fixed_share: "30".into(),
            ..Default::default()
        }
        .validate(&meters)
        .unwrap();
        assert_eq!(ok.row.amount_cents.clone().unwrap(), Some(125_050));
        assert_eq!(ok.row.fixed_share.clone().unwrap(), Some("0.3".to_string()));
    }
}
