//! The bodies core's API answers with, described in the OpenAPI document by their
//! `ToSchema`. Field names are the API's contract with the members' scripts: add, never
//! rename.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    entities::{members, subscriptions},
    metering::{Aggregation, Meter, MeterUsage},
};

/// `POST /api/auth/login`: the JWT to send as `Authorization: Bearer <token>`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Token {
    pub token: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeUser {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// The user's roles in one member.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberRoles {
    /// The member's name.
    pub name: String,
    pub roles: Vec<String>,
}

/// `GET /api/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: MeUser,
    /// The cooperative roles (`coop_admin`, `board`…).
    pub coop_roles: Vec<String>,
    /// The roles per member, by the member's slug.
    pub members: BTreeMap<String, MemberRoles>,
}

/// A declared meter (`GET /api/meters`).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeterInfo {
    /// `module.what`, e.g. `it.support_hours`.
    pub code: String,
    pub module: String,
    /// `count`, `sum`, `max`, `latest` or `unique_count`.
    pub aggregation: String,
    pub unit: String,
    pub label: String,
    /// The property counted, for `unique_count` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub property: Option<String>,
}

impl From<&Meter> for MeterInfo {
    fn from(m: &Meter) -> Self {
        Self {
            code: m.code.to_string(),
            module: m.module.to_string(),
            aggregation: m.aggregation.code().to_string(),
            unit: m.unit.to_string(),
            label: m.label.to_string(),
            property: match m.aggregation {
                Aggregation::UniqueCount { property } => Some(property.to_string()),
                _ => None,
            },
        }
    }
}

/// `GET /api/m/{slug}/usage`: the member's quantity per meter for a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberUsage {
    /// The member's slug.
    pub member: String,
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    pub meters: Vec<MeterUsage>,
}

/// `GET /api/m/{slug}/modules/{module}`: the subscription in force today, if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleStatus {
    pub module: String,
    pub label: String,
    #[schema(required = true)]
    pub start_date: Option<NaiveDate>,
    #[schema(required = true)]
    pub end_date: Option<NaiveDate>,
}

/// `POST /api/coop/api-keys`: the key, shown this once only.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyCreated {
    pub id: i64,
    pub name: String,
    /// Send it as `X-Api-Key`; it is not stored in clear and cannot be shown again.
    pub key: String,
}

/// A member's details (`GET`/`PUT /api/coop/members/{slug}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDetails {
    pub slug: String,
    pub name: String,
    pub siren: String,
    pub address: String,
    #[schema(required = true)]
    pub finess: Option<String>,
    /// `exempt` or `liable`.
    pub vat_status: String,
    pub billing_email: String,
}

impl From<crate::entities::members::Model> for MemberDetails {
    fn from(m: crate::entities::members::Model) -> Self {
        Self {
            slug: m.slug,
            name: m.name,
            siren: m.siren,
            address: m.address,
            finess: m.finess,
            vat_status: m.vat_status,
            billing_email: m.billing_email,
        }
    }
}

/// A member in the cooperative's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberSummary {
    pub slug: String,
    pub name: String,
    pub siren: String,
    /// `exempt` or `liable`.
    pub vat_status: String,
}

impl From<members::Model> for MemberSummary {
    fn from(m: members::Model) -> Self {
        Self {
            slug: m.slug,
            name: m.name,
            siren: m.siren,
            vat_status: m.vat_status,
        }
    }
}

/// `POST /api/coop/members`: the member created.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberCreated {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// `POST /api/coop/members/{slug}/subscriptions`: the subscription created.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionCreated {
    pub id: Uuid,
    pub module: String,
    pub start_date: NaiveDate,
    #[schema(required = true)]
    pub end_date: Option<NaiveDate>,
}

impl From<subscriptions::Model> for SubscriptionCreated {
    fn from(s: subscriptions::Model) -> Self {
        Self {
            id: s.id,
            module: s.module,
            start_date: s.start_date,
            end_date: s.end_date,
        }
    }
}

/// `GET /api/m/{slug}/usage/events`: one event as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageEvent {
    /// The source's identifier of the event (its idempotency key).
    pub id: String,
    pub meter: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(schema_with = crate::api::schema::decimal)]
    pub quantity: rust_decimal::Decimal,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// The period it counts in (`YYYY-MM`): its month, or the next open one when late.
    pub period: String,
    pub source: String,
    /// Why a correction was made.
    pub reason: Option<String>,
    /// The event's properties, each value as text.
    pub properties: BTreeMap<String, String>,
}

/// A stored JSON object's members, each value as text (a string as itself, anything
/// else as its JSON).
fn as_text_map(raw: &str) -> BTreeMap<String, String> {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

impl From<&crate::entities::usage_events::Model> for UsageEvent {
    fn from(e: &crate::entities::usage_events::Model) -> Self {
        Self {
            id: e.idempotency_key.clone(),
            meter: e.meter.clone(),
            quantity: crate::metering::from_micros(e.quantity_micros),
            occurred_at: e.occurred_at,
            received_at: e.received_at,
            period: e.period.clone(),
            source: e.source.clone(),
            reason: e.reason.clone(),
            properties: as_text_map(&e.properties),
        }
    }
}

/// `GET /api/m/{slug}/audit` and `GET /api/coop/audit`: one row of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    /// The row's place in the chain (newest first in the lists).
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who acted: an e-mail, `système:…` or `clé-api:…`.
    pub actor: String,
    /// The member's slug; none for the cooperative's own rows.
    pub member: Option<String>,
    pub object_type: String,
    pub object_id: String,
    pub action: String,
    /// What the action is, in French.
    pub label: String,
    /// The details as stored, each value as text.
    pub details: BTreeMap<String, String>,
    pub hash: String,
}

impl AuditEntry {
    /// A row of the log, with its member's slug.
    #[must_use]
    pub fn of(r: &crate::entities::audit_log::Model, member: Option<String>) -> Self {
        let d = crate::audit::labels::describe(r);
        Self {
            seq: r.seq,
            at: r.at,
            actor: r.actor.clone(),
            member,
            object_type: r.object_type.clone(),
            object_id: r.object_id.clone(),
            action: r.action.clone(),
            label: format!("{} — {}", d.object, d.action),
            details: as_text_map(&r.details),
            hash: r.hash.clone(),
        }
    }
}
