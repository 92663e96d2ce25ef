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
