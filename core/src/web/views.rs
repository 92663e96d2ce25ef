//! Small view models shared by pages.
use serde_json::{Value, json};

use crate::{authz::Role, entities::members, member::VatStatus, time::Month};

/// A member as pages show it.
#[must_use]
pub fn member(m: &members::Model) -> Value {
    json!({
        "id": m.id, "slug": m.slug, "name": m.name, "siren": m.siren, "address": m.address,
        "finess": m.finess, "vat_status": m.vat_status, "vat_label": VatStatus::label(&m.vat_status),
        "billing_email": m.billing_email,
    })
}

/// `mars 2026`
#[must_use]
pub fn month_label(m: Month) -> String {
    const NAMES: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let name = NAMES
        .get(usize::try_from(m.month).unwrap_or(1).saturating_sub(1))
        .copied()
        .unwrap_or_default();
    format!("{name} {}", m.year)
}

/// Validation errors as the map the form components read (`field → message`; the first
/// message of a field wins).
#[must_use]
pub fn errors_map(errs: Vec<crate::error::FieldError>) -> Value {
    let mut m = serde_json::Map::new();
    for e in errs {
        m.entry(e.field).or_insert(Value::String(e.message));
    }
    Value::Object(m)
}

/// Options for a role `<select>`.
#[must_use]
pub fn role_options(roles: &[Role]) -> Vec<Value> {
    roles
        .iter()
        .map(|r| json!({"value": r.as_str(), "label": r.label()}))
        .collect()
}
