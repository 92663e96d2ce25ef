//! Employment contracts as dated versions: a contract is created once (version 1, in
//! force from its start date); an amendment (avenant) inserts a new version in force
//! from its own date. Nothing is ever overwritten, so the terms at any past date and
//! the history stay visible. CCN 66 pay basis = coefficient × the point value in force
//! (dated configuration in `hr_point_values`).
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use mutualis_core::{
    audit,
    db::begin_write,
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    limits::{Check, Dates, Text},
    scope::Scope,
    tenant::{Coop, CoopOwned, MemberOwned, Tenant},
    time::fr_date,
};
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::{hr_contracts, hr_employees, hr_point_values};

mod input;
pub use input::*;
mod versions;
pub use versions::*;
mod writer;
pub use writer::*;
mod points;
pub use points::*;

/// Legal full-time weekly hours (the part-time ratio is taken against it).
pub const FULL_TIME_HOURS: Decimal = Decimal::from_parts(35, 0, 0, false, 0);

/// Contract types.
pub const KINDS: [(&str, &str); 5] = [
    ("CDI", "CDI"),
    ("CDD", "CDD"),
    ("APPRENTISSAGE", "Contrat d’apprentissage"),
    ("CONTRAT_AIDE", "Contrat aidé"),
    ("INTERIM", "Intérim (mis à disposition)"),
];

/// Collective agreements.
pub const AGREEMENTS: [(&str, &str); 3] = [
    ("CCN66", "CCN 66 (15 mars 1966)"),
    ("CCN51", "CCN 51 (FEHAP)"),
    ("OTHER", "Autre"),
];

/// The French label of a contract type.
#[must_use]
pub fn kind_label(code: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Autre", |(_, l)| l)
}

/// The French label of an agreement.
#[must_use]
pub fn agreement_label(code: &str) -> &'static str {
    AGREEMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Autre", |(_, l)| l)
}

/// Reads a contract type as people write it (`CDD`, `Contrat aidé`, `apprentissage`).
#[must_use]
pub fn parse_kind(raw: &str) -> Option<&'static str> {
    if !plain_words(raw) {
        return None;
    }
    let k = normalize(raw);
    match k.as_str() {
        "cdi" => Some("CDI"),
        "cdd" => Some("CDD"),
        "apprentissage" | "contratdapprentissage" | "apprenti" => Some("APPRENTISSAGE"),
        "contrataide" | "aide" | "pec" | "cui" => Some("CONTRAT_AIDE"),
        "interim" | "interimaire" => Some("INTERIM"),
        _ => None,
    }
}

/// Reads an agreement as people write it (`CCN 66`, `66`, `Autre`).
#[must_use]
pub fn parse_agreement(raw: &str) -> Option<&'static str> {
    if !plain_words(raw) {
        return None;
    }
    match normalize(raw).as_str() {
        "ccn66" | "66" | "cc66" => Some("CCN66"),
        "ccn51" | "51" | "cc51" | "fehap" => Some("CCN51"),
        "autre" | "other" | "aucune" => Some("OTHER"),
        _ => None,
    }
}

/// Lower case, accents and everything but letters and digits removed.
#[must_use]
pub fn normalize(raw: &str) -> String {
    raw.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Letters, digits, spaces, apostrophes, hyphens and dots only: `🦀CDI` is not `CDI`.
fn plain_words(raw: &str) -> bool {
    raw.chars()
        .all(|c| c.is_alphanumeric() || " '’-_.,()/".contains(c))
}

/// Parses a date written `AAAA-MM-JJ` or `JJ/MM/AAAA`.
#[must_use]
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    mutualis_core::limits::parse_date(raw)
}

/// The part-time ratio against 35 hours, capped at 1 (`17.5` → `0.5`).
#[must_use]
pub fn part_time_ratio(weekly_hours: Decimal) -> Decimal {
    (weekly_hours / FULL_TIME_HOURS).min(Decimal::ONE)
}

/// `Temps partiel (50 %)` or `Temps plein`.
#[must_use]
pub fn time_label(weekly_hours: Decimal) -> String {
    let ratio = part_time_ratio(weekly_hours);
    if ratio >= Decimal::ONE {
        "Temps plein".to_string()
    } else {
        let pct = (ratio * Decimal::from(100))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            .normalize();
        format!("Temps partiel ({} %)", pct.to_string().replace('.', ","))
    }
}

#[cfg(test)]
mod tests;
