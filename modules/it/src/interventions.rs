//! The IT staff's interventions per member, and the support hours metered from them: each
//! creation, edit or deletion records `it.support_hours` (and `it.tickets` for a new
//! ticket reference) in the same transaction — a creation under the intervention's id
//! (an event posted by an outside helpdesk with that id is the same event, never counted
//! twice), an edit or a deletion as a compensation — so the month's total always equals
//! the journal's. A resolved intervention of a closed billing period no longer changes:
//! a correction is a new line.
use chrono::{Datelike, NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Dates, Text},
    metering::{self, Usage},
    tenant::{CoopOwned, MemberOwned, Tenant},
    time::{Month, paris_midnight},
    write::Write,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::{it_interventions, it_settings};

/// The categories (code, French label).
pub const CATEGORIES: [(&str, &str); 7] = [
    ("poste", "Poste de travail"),
    ("messagerie", "Messagerie"),
    ("reseau", "Réseau"),
    ("logiciel_metier", "Logiciel métier"),
    ("comptes", "Comptes et droits"),
    ("sauvegarde", "Sauvegarde"),
    ("autre", "Autre"),
];

/// The French label of a category.
#[must_use]
pub fn category_label(code: &str) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Autre", |(_, l)| l)
}

/// The default rounding of durations (minutes): a quarter of an hour.
pub const DEFAULT_ROUNDING: i32 = 15;

/// An intervention as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = ItInterventionInput)]
pub struct InterventionInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The time spent, in minutes (rounded up to the cooperative's step).
    pub minutes: String,
    /// The ticket's reference in the helpdesk, if any.
    pub ticket: String,
    /// `poste`, `messagerie`, `reseau`, `logiciel_metier`, `comptes`, `sauvegarde`, `autre`.
    pub category: String,
    /// Done remotely (`true`) or on site.
    pub remote: bool,
    pub description: String,
    /// Who asked, at the member.
    pub contact: String,
    /// `open` (default) or `resolved`.
    pub status: String,
}

/// The cooperative's rounding step, in minutes.
///
/// # Errors
/// Database errors.
pub async fn rounding<C: ConnectionTrait>(db: &C) -> AppResult<i32> {
    Ok(it_settings::Entity::find_shared()
        .one(db)
        .await?
        .map_or(DEFAULT_ROUNDING, |s| s.rounding_minutes))
}

/// Sets the rounding step (1 to 60 minutes).
///
/// # Errors
/// 422 outside 1–60; database errors.
pub async fn set_rounding<C: ConnectionTrait>(
    db: &C,
    coop: mutualis_core::tenant::Coop,
    minutes: &str,
) -> AppResult<i32> {
    let m = match minutes.trim().parse::<i32>() {
        Ok(m @ 1..=60) => m,
        _ => {
            return Err(AppError::field(
                "rounding_minutes",
                "L’arrondi va de 1 à 60 minutes (15 : au quart d’heure).",
            ));
        }
    };
    match it_settings::Entity::find_shared().one(db).await? {
        Some(row) => {
            let mut a: it_settings::ActiveModel = row.into();
            a.rounding_minutes = Set(m);
            a.updated_at = Set(Utc::now());
            it_settings::Entity::update_coop(coop, a, db).await?;
        }
        None => {
            it_settings::Entity::insert_coop(
                coop,
                it_settings::ActiveModel {
                    rounding_minutes: Set(m),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                },
                db,
            )
            .await?;
        }
    }
    Ok(m)
}

/// Sets the rounding step and records it in the audit log, in one transaction.
///
/// # Errors
/// 422 outside 1–60; database errors.
pub async fn save_rounding(
    db: &sea_orm::DatabaseConnection,
    coop: mutualis_core::tenant::Coop,
    actor: &mutualis_core::audit::Actor,
    minutes: &str,
) -> AppResult<i32> {
    let txn = mutualis_core::db::begin_write(db).await?;
    let before = rounding(&txn).await?;
    let m = set_rounding(&txn, coop, minutes).await?;
    mutualis_core::audit::record(
        &txn,
        actor,
        None,
        "it_settings",
        "rounding",
        "update",
        serde_json::json!({"rounding_minutes": m, "rounding_was": before}),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// `minutes` rounded up to the step.
#[must_use]
pub fn round_up(minutes: i64, step: i32) -> i64 {
    let step = i64::from(step.max(1));
    (minutes + step - 1) / step * step
}

/// Hours from minutes, exactly.
#[must_use]
pub fn hours(minutes: i64) -> Decimal {
    (Decimal::from(minutes) / Decimal::from(60))
        .round_dp(6)
        .normalize()
}

/// A validated intervention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    pub day: NaiveDate,
    pub minutes: i64,
    pub ticket: Option<String>,
    pub category: String,
    pub remote: bool,
    pub description: String,
    pub contact: Option<String>,
    pub resolved: bool,
}

impl InterventionInput {
    /// Checks every field; the duration is rounded up to `step` minutes.
    ///
    /// # Errors
    /// One `FieldError` per invalid field, in French.
    pub fn validate(&self, step: i32) -> Result<Valid, Vec<mutualis_core::error::FieldError>> {
        let mut c = Check::new();
        let day = c.date(
            "date",
            "La date",
            &self.date,
            Dates::Event,
            "La date de l’intervention est obligatoire.",
        );
        if day.is_some_and(|d| d > mutualis_core::time::paris_today()) {
            c.error(
                "date",
                "Une intervention se saisit une fois faite : pas de date future.",
            );
        }
        let minutes = match self.minutes.trim().parse::<i64>() {
            Ok(m @ 1..=1440) => Some(round_up(m, step)),
            _ => {
                c.error(
                    "minutes",
                    "La durée est un nombre de minutes, de 1 à 1 440.",
                );
                None
            }
        };
        let ticket = c.optional_text("ticket", "Le ticket", &self.ticket, Text::Code);
        let category = self.category.trim();
        if !CATEGORIES.iter().any(|(k, _)| *k == category) {
            c.error(
                "category",
                "Choisissez la catégorie (poste de travail, messagerie, réseau…).",
            );
        }
        let description = c.text(
            "description",
            "La description",
            &self.description,
            Text::Note,
            "Décrivez l’intervention en quelques mots.",
        );
        let contact = c.optional_text("contact", "Le contact", &self.contact, Text::Name);
        let resolved = match self.status.trim() {
            "" | "open" => false,
            "resolved" => true,
            _ => {
                c.error("status", "Statut : en cours (open) ou résolue (resolved).");
                false
            }
        };
        c.finish(|| {
            Some(Valid {
                day: day?,
                minutes: minutes?,
                ticket,
                category: category.to_string(),
                remote: self.remote,
                description,
                contact,
                resolved,
            })
        })
    }
}

/// One of the member's interventions.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<it_interventions::Model> {
    it_interventions::Entity::find_in(tenant)
        .filter(it_interventions::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The member's interventions of a month, by date.
///
/// # Errors
/// Database errors.
pub async fn of_month<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    month: Month,
) -> AppResult<Vec<it_interventions::Model>> {
    let first = month.first_day();
    let next = month.next().first_day();
    Ok(it_interventions::Entity::find_in(tenant)
        .filter(it_interventions::Column::Day.gte(first))
        .filter(it_interventions::Column::Day.lt(next))
        .order_by_asc(it_interventions::Column::Day)
        .order_by_asc(it_interventions::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Noon in Paris on `day`: when an intervention's usage happened.
fn noon(day: NaiveDate) -> chrono::DateTime<Utc> {
    paris_midnight(day) + chrono::Duration::hours(12)
}

async fn record_hours(w: &Write<'_>, key: &str, minutes: i64, day: NaiveDate) -> AppResult<()> {
    if minutes == 0 {
        return Ok(());
    }
    w.usage(Usage::new(crate::SUPPORT_HOURS.code, hours(minutes), key).at(noon(day)))
        .await?;
    Ok(())
}

/// Whether another of the member's interventions carries `ticket`.
async fn ticket_elsewhere<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    ticket: &str,
    except: Uuid,
) -> AppResult<bool> {
    Ok(it_interventions::Entity::find_in(tenant)
        .filter(it_interventions::Column::Ticket.eq(ticket))
        .filter(it_interventions::Column::Id.ne(except))
        .one(db)
        .await?
        .is_some())
}

/// `it.tickets`: +1 when an intervention brings a ticket reference no other one carries,
/// −1 when the last one carrying it goes (keys from the intervention, so a replay is a
/// no-op).
async fn count_ticket(
    w: &Write<'_>,
    ticket: Option<&str>,
    id: Uuid,
    day: NaiveDate,
    delta: i64,
    key: &str,
) -> AppResult<()> {
    let Some(t) = ticket else { return Ok(()) };
    if ticket_elsewhere(w.txn(), w.tenant(), t, id).await? {
        return Ok(());
    }
    w.usage(
        Usage::new(
            crate::TICKETS.code,
            Decimal::from(delta),
            &format!("it.tickets:{id}:{key}"),
        )
        .at(noon(day)),
    )
    .await?;
    Ok(())
}

/// Records an intervention and its usage (audited).
///
/// # Errors
/// 422 naming each invalid field; database errors.
pub async fn create(
    w: &Write<'_>,
    by: &str,
    input: &InterventionInput,
) -> AppResult<it_interventions::Model> {
    let v = input
        .validate(rounding(w.txn()).await?)
        .map_err(AppError::Validation)?;
    let now = Utc::now();
    let row = it_interventions::Entity::insert_in(
        w.tenant(),
        it_interventions::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            day: Set(v.day),
            minutes: Set(v.minutes),
            ticket: Set(v.ticket.clone()),
            category: Set(v.category.clone()),
            remote: Set(v.remote),
            description: Set(v.description.clone()),
            contact: Set(v.contact.clone()),
            status: Set(if v.resolved { "resolved" } else { "open" }.to_string()),
            resolved_at: Set(v.resolved.then_some(now)),
            version: Set(1),
            created_by: Set(by.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await?;
    // The intervention's id is the event's: an outside tool posting it is a duplicate.
    record_hours(w, &row.id.to_string(), row.minutes, row.day).await?;
    count_ticket(w, row.ticket.as_deref(), row.id, row.day, 1, "create").await?;
    w.audit(
        "it_intervention",
        &row.id.to_string(),
        "create",
        serde_json::json!({"date": row.day, "minutes": row.minutes, "category": row.category, "ticket": row.ticket}),
    )
    .await?;
    Ok(row)
}

/// Whether the billing period of `day` is closed.
async fn closed<C: ConnectionTrait>(db: &C, day: NaiveDate) -> AppResult<bool> {
    let month = Month {
        year: day.year(),
        month: day.month(),
    };
    Ok(metering::closed_periods(db).await?.contains(&month))
}

async fn refuse_if_frozen<C: ConnectionTrait>(
    db: &C,
    row: &it_interventions::Model,
) -> AppResult<()> {
    if row.status == "resolved" && closed(db, row.day).await? {
        return Err(AppError::Conflict(
            "Cette intervention résolue appartient à une période de facturation close : elle ne se modifie plus. Saisissez une ligne de correction.".to_string(),
        ));
    }
    Ok(())
}

/// Edits an intervention; its usage follows by compensation (in each month concerned).
///
/// # Errors
/// 409 for a resolved intervention of a closed period; 422; 404; database errors.
pub async fn update(
    w: &Write<'_>,
    id: Uuid,
    input: &InterventionInput,
) -> AppResult<it_interventions::Model> {
    let old = get(w.txn(), w.tenant(), id).await?;
    refuse_if_frozen(w.txn(), &old).await?;
    let mut v = input
        .validate(rounding(w.txn()).await?)
        .map_err(AppError::Validation)?;
    // A duration left as it was is not rounded again (the step may have changed since).
    if input.minutes.trim().parse::<i64>() == Ok(old.minutes) {
        v.minutes = old.minutes;
    }
    let version = old.version + 1;
    let key = |what: &str| format!("{id}:v{version}:{what}");
    if v.day == old.day {
        record_hours(w, &key("hours"), v.minutes - old.minutes, v.day).await?;
    } else {
        record_hours(w, &key("out"), -old.minutes, old.day).await?;
        record_hours(w, &key("in"), v.minutes, v.day).await?;
    }
    if v.ticket != old.ticket {
        count_ticket(
            w,
            old.ticket.as_deref(),
            id,
            old.day,
            -1,
            &format!("v{version}:out"),
        )
        .await?;
        count_ticket(
            w,
            v.ticket.as_deref(),
            id,
            v.day,
            1,
            &format!("v{version}:in"),
        )
        .await?;
    }
    let now = Utc::now();
    let mut a: it_interventions::ActiveModel = old.clone().into();
    a.day = Set(v.day);
    a.minutes = Set(v.minutes);
    a.ticket = Set(v.ticket);
    a.category = Set(v.category);
    a.remote = Set(v.remote);
    a.description = Set(v.description);
    a.contact = Set(v.contact);
    a.status = Set(if v.resolved { "resolved" } else { "open" }.to_string());
    a.resolved_at = Set(if v.resolved {
        old.resolved_at.or(Some(now))
    } else {
        None
    });
    a.version = Set(version);
    a.updated_at = Set(now);
    let row = it_interventions::Entity::update_in(w.tenant(), a, w.txn()).await?;
    w.audit(
        "it_intervention",
        &row.id.to_string(),
        "update",
        serde_json::json!({"date": row.day, "minutes": row.minutes, "was": old.minutes}),
    )
    .await?;
    Ok(row)
}

/// Removes an intervention; its hours are taken back by compensation.
///
/// # Errors
/// 409 for a resolved intervention of a closed period; 404; database errors.
pub async fn delete(w: &Write<'_>, id: Uuid) -> AppResult<()> {
    let old = get(w.txn(), w.tenant(), id).await?;
    refuse_if_frozen(w.txn(), &old).await?;
    record_hours(
        w,
        &format!("{id}:v{}:delete", old.version + 1),
        -old.minutes,
        old.day,
    )
    .await?;
    count_ticket(w, old.ticket.as_deref(), id, old.day, -1, "delete").await?;
    it_interventions::Entity::delete_in(w.tenant())
        .filter(it_interventions::Column::Id.eq(id))
        .exec(w.txn())
        .await?;
    w.audit(
        "it_intervention",
        &id.to_string(),
        "delete",
        serde_json::json!({"date": old.day, "minutes": old.minutes}),
    )
    .await?;
    Ok(())
}

/// The input that reproduces `row` (an edit form prefilled).
#[must_use]
pub fn input_of(row: &it_interventions::Model) -> InterventionInput {
    InterventionInput {
        date: row.day.to_string(),
        minutes: row.minutes.to_string(),
        ticket: row.ticket.clone().unwrap_or_default(),
        category: row.category.clone(),
        remote: row.remote,
        description: row.description.clone(),
        contact: row.contact.clone().unwrap_or_default(),
        status: row.status.clone(),
    }
}

/// Marks an intervention resolved (an edit changing nothing else).
///
/// # Errors
/// 409 for a resolved intervention of a closed period; 404; database errors.
pub async fn resolve(w: &Write<'_>, id: Uuid) -> AppResult<it_interventions::Model> {
    let old = get(w.txn(), w.tenant(), id).await?;
    let input = InterventionInput {
        status: "resolved".to_string(),
        ..input_of(&old)
    };
    update(w, id, &input).await
}

/// Whether `row` no longer changes (resolved, in a closed billing period).
#[must_use]
pub fn frozen(row: &it_interventions::Model, closed: &[Month]) -> bool {
    row.status == "resolved"
        && closed.contains(&Month {
            year: row.day.year(),
            month: row.day.month(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: &str, status: &str, minutes: i64) -> it_interventions::Model {
        let now = Utc::now();
        it_interventions::Model {
            member_id: 1,
            id: Uuid::nil(),
            day: day.parse().unwrap(),
            minutes,
            ticket: Some("HD-1".into()),
            category: "reseau".into(),
            remote: false,
            description: "Box remplacée".into(),
            contact: None,
            status: status.into(),
            resolved_at: None,
            version: 1,
            created_by: "test".into(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn durations_are_rounded_up_to_the_step() {
        assert_eq!(round_up(50, 15), 60);
        assert_eq!(round_up(60, 15), 60);
        assert_eq!(round_up(1, 15), 15);
        assert_eq!(round_up(20, 1), 20);
        assert_eq!(round_up(20, 0), 20, "a step of 0 reads as 1");
        assert_eq!(hours(45), Decimal::new(75, 2));
        assert_eq!(hours(20), Decimal::new(333_333, 6));
    }

    #[test]
    fn only_a_resolved_intervention_of_a_closed_month_is_frozen() {
        let closed = [Month {
            year: 2026,
            month: 10,
        }];
        assert!(frozen(&row("2026-10-12", "resolved", 60), &closed));
        assert!(!frozen(&row("2026-10-12", "open", 60), &closed));
        assert!(!frozen(&row("2026-11-02", "resolved", 60), &closed));
    }

    #[test]
    fn an_intervention_reproduced_as_input_validates_to_itself() {
        let r = row("2026-10-12", "resolved", 45);
        let v = input_of(&r).validate(15).unwrap();
        assert_eq!((v.day, v.minutes, v.resolved), (r.day, 45, true));
        assert_eq!(v.ticket.as_deref(), Some("HD-1"));
        assert!(!v.remote);
    }
}
