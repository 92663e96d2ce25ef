//! Processors (Art. 28) with their contract's evidence and its expiry, and the DPO's time
//! per member (metered as `gdpr.dpo_hours`).
use chrono::{NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Dates, Text},
    metering::Usage,
    money::parse_decimal,
    tenant::{MemberOwned, Tenant},
    write::Write,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::{gdpr_processors, gdpr_time_entries};

/// A processor as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprProcessorInput)]
#[serde(default)]
pub struct ProcessorInput {
    pub name: String,
    /// What it does for the member.
    pub service: String,
    pub country: String,
    /// The contract holds the Art. 28 clauses.
    pub art28_clauses: bool,
    /// Where the contract or its evidence is (a reference, a file name).
    pub contract_document: String,
    pub guarantees: String,
    /// The processor keeps its own register (Art. 30(2)).
    pub own_register: bool,
    pub transfers: String,
    pub dpo_contact: String,
    /// When the contract or its evidence expires (`YYYY-MM-DD`).
    pub expires_on: String,
}

/// The member's processors, by name.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<gdpr_processors::Model>> {
    Ok(gdpr_processors::Entity::find_in(tenant)
        .order_by_asc(gdpr_processors::Column::Name)
        .all(db)
        .await?)
}

/// Records a processor.
///
/// # Errors
/// 422 naming each invalid field; database errors.
pub async fn create(
    w: &Write<'_>,
    by: &str,
    input: &ProcessorInput,
) -> AppResult<gdpr_processors::Model> {
    let mut c = Check::new();
    let name = c.text(
        "name",
        "Le nom",
        &input.name,
        Text::Title,
        "Le nom du sous-traitant est obligatoire.",
    );
    let service = c.text(
        "service",
        "La prestation",
        &input.service,
        Text::Short,
        "Indiquez la prestation confiée (hébergement, paie, logiciel…).",
    );
    let country = c.optional_text("country", "Le pays", &input.country, Text::Name);
    let document = c.optional_text(
        "contract_document",
        "Le contrat",
        &input.contract_document,
        Text::Short,
    );
    let guarantees = c.optional_text("guarantees", "Les garanties", &input.guarantees, Text::Long);
    let transfers = c.optional_text("transfers", "Les transferts", &input.transfers, Text::Long);
    let dpo = c.optional_text(
        "dpo_contact",
        "Le contact du DPO",
        &input.dpo_contact,
        Text::Short,
    );
    let expires = c.optional_date("expires_on", "L’échéance", &input.expires_on, Dates::Expiry);
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let now = Utc::now();
    let p = gdpr_processors::Entity::insert_in(
        w.tenant(),
        gdpr_processors::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            name: Set(name),
            service: Set(service),
            country: Set(country.unwrap_or_else(|| "France".to_string())),
            art28_clauses: Set(input.art28_clauses),
            contract_document: Set(document),
            guarantees: Set(guarantees),
            own_register: Set(input.own_register),
            transfers: Set(transfers),
            dpo_contact: Set(dpo),
            expires_on: Set(expires),
            created_by: Set(by.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "gdpr_processor",
        &p.id.to_string(),
        "create",
        serde_json::json!({"name": p.name, "expires_on": p.expires_on}),
    )
    .await?;
    Ok(p)
}

/// One of the member's processors.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<gdpr_processors::Model> {
    gdpr_processors::Entity::find_in(tenant)
        .filter(gdpr_processors::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Time the DPO spent for the member.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprTimeInput)]
#[serde(default)]
pub struct TimeInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Hours, `1.5` or `1,5` (to the quarter of an hour at most).
    pub hours: String,
    pub note: String,
}

/// The member's time entries, newest first.
///
/// # Errors
/// Database errors.
pub async fn time_entries<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<gdpr_time_entries::Model>> {
    Ok(gdpr_time_entries::Entity::find_in(tenant)
        .order_by_desc(gdpr_time_entries::Column::Day)
        .all(db)
        .await?)
}

/// Records DPO time and its usage (`gdpr.dpo_hours`), in one transaction.
///
/// # Errors
/// 422 naming each invalid field; database errors.
pub async fn log_time(
    w: &Write<'_>,
    user_id: i64,
    by: &str,
    input: &TimeInput,
    today: NaiveDate,
) -> AppResult<gdpr_time_entries::Model> {
    let mut c = Check::at(today);
    let day = c.date(
        "date",
        "La date",
        &input.date,
        Dates::Record,
        "La date est obligatoire.",
    );
    if day.is_some_and(|d| d > today) {
        c.error(
            "date",
            "Le temps se déclare une fois passé : pas de date future.",
        );
    }
    let hours = match parse_decimal(&input.hours, 2, Decimal::from(24)) {
        Ok(h) if h > Decimal::ZERO && (h * Decimal::from(4)).fract().is_zero() => Some(h),
        Ok(_) => {
            c.error(
                "hours",
                "Une durée positive, au quart d’heure (0,25 ; 1,5…).",
            );
            None
        }
        Err(e) => {
            c.error(
                "hours",
                format!("La durée : {e} (24 heures au plus par ligne)"),
            );
            None
        }
    };
    let note = c.optional_text("note", "La note", &input.note, Text::Note);
    let (day, hours) = c
        .finish(|| Some((day?, hours?)))
        .map_err(AppError::Validation)?;
    let minutes = rust_decimal::prelude::ToPrimitive::to_i64(&(hours * Decimal::from(60)).trunc())
        .unwrap_or(0);
    let row = gdpr_time_entries::Entity::insert_in(
        w.tenant(),
        gdpr_time_entries::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            day: Set(day),
            minutes: Set(minutes),
            note: Set(note),
            user_id: Set(user_id),
            recorded_by: Set(by.to_string()),
            created_at: Set(Utc::now()),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "gdpr_time",
        &row.id.to_string(),
        "create",
        serde_json::json!({"date": row.day, "hours": hours.normalize().to_string()}),
    )
    .await?;
    w.usage(
        Usage::new(
            crate::meter::DPO_HOURS.code,
            hours,
            &format!("gdpr.dpo_hours:{}", row.id),
        )
        .at(mutualis_core::time::paris_midnight(day) + chrono::Duration::hours(12)),
    )
    .await?;
    Ok(row)
}

/// The cooperative's own register as a processor of its members (Art. 30(2)): the
/// services it runs for a member subscribing to `modules` (a service of no module is for
/// every member). Shown in each member's list of processors.
///
/// # Errors
/// Database errors.
pub async fn coop_services<C: ConnectionTrait>(
    db: &C,
    modules: &[String],
) -> AppResult<Vec<crate::entities::gdpr_coop_services::Model>> {
    use mutualis_core::tenant::CoopOwned;
    Ok(crate::entities::gdpr_coop_services::Entity::find_shared()
        .order_by_asc(crate::entities::gdpr_coop_services::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .filter(|s| s.module.as_ref().is_none_or(|m| modules.contains(m)))
        .collect())
}
