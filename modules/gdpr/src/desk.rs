//! The shared DPO's desk: every running clock of every member served — requests due,
//! breaches' 72 hours, processor contracts expiring within 60 days, DPIAs awaiting a
//! sign-off, activities never checked — sorted by urgency (overdue first, then soonest).
use chrono::{DateTime, Duration, NaiveDate, Utc};
use mutualis_core::{error::AppResult, served::Served, tenant::MemberOwned};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    activities::{self, end_of_day},
    dpias,
    entities::{gdpr_activities, gdpr_breaches, gdpr_dpias, gdpr_processors, gdpr_requests},
    requests, rules,
};

/// Processor contracts are shown this many days before they expire.
pub const PROCESSOR_NOTICE_DAYS: i64 = 60;
/// A DPIA's sign-offs and a new activity's check are expected within this many days (the
/// cooperative's service level, not a legal deadline).
pub const REVIEW_DAYS: i64 = 30;

/// One running clock.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = GdprItem)]
pub struct Item {
    /// The member's slug.
    pub member: String,
    #[serde(skip)]
    pub member_name: String,
    /// `request`, `breach`, `processor`, `dpia`, `activity`.
    pub kind: String,
    pub id: Uuid,
    pub title: String,
    /// When it is due (UTC).
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
}

/// The clocks of the members served, the most urgent first.
///
/// # Errors
/// Database errors.
pub async fn items<C: ConnectionTrait>(
    db: &C,
    served: &[Served],
    now: DateTime<Utc>,
) -> AppResult<Vec<Item>> {
    let today = mutualis_core::time::paris_today();
    let mut out = Vec::new();
    for s in served {
        let t = s.tenant();
        let mut push = |kind: &str, id: Uuid, title: String, due_at: DateTime<Utc>| {
            out.push(Item {
                member: s.member.slug.clone(),
                member_name: s.member.name.clone(),
                kind: kind.to_string(),
                id,
                title,
                due_at,
                overdue: due_at < now,
            });
        };
        for r in gdpr_requests::Entity::find_in(t)
            .filter(gdpr_requests::Column::State.is_in(requests::OPEN_STATES))
            .all(db)
            .await?
        {
            push(
                "request",
                r.id,
                format!(
                    "{} — {}",
                    crate::codes::request_title(&r.kind),
                    first_line(&r.applicant)
                ),
                end_of_day(r.due_on),
            );
        }
        for b in gdpr_breaches::Entity::find_in(t)
            .filter(gdpr_breaches::Column::Decision.is_null())
            .all(db)
            .await?
        {
            push(
                "breach",
                b.id,
                format!(
                    "Violation : notification CNIL — {}",
                    first_line(&b.description)
                ),
                rules::breach_deadline(b.aware_at),
            );
        }
        let horizon = today + Duration::days(PROCESSOR_NOTICE_DAYS);
        for p in gdpr_processors::Entity::find_in(t)
            .filter(gdpr_processors::Column::ExpiresOn.lte(horizon))
            .all(db)
            .await?
        {
            if let Some(exp) = p.expires_on {
                push(
                    "processor",
                    p.id,
                    format!("Contrat du sous-traitant {} à renouveler", p.name),
                    end_of_day(exp),
                );
            }
        }
        for d in gdpr_dpias::Entity::find_in(t).all(db).await? {
            let missing = dpias::missing(&d);
            if !missing.is_empty() {
                let what: Vec<&str> = missing.iter().map(|m| m.label()).collect();
                push(
                    "dpia",
                    d.id,
                    format!("AIPD « {} » : {}", d.title, what.join(", ").to_lowercase()),
                    d.created_at + Duration::days(REVIEW_DAYS),
                );
            }
        }
        for a in gdpr_activities::Entity::find_in(t)
            .filter(gdpr_activities::Column::CheckedAt.is_null())
            .filter(gdpr_activities::Column::ArchivedAt.is_null())
            .all(db)
            .await?
        {
            let what = if a.status == activities::status::DRAFT {
                "à compléter puis vérifier"
            } else {
                "à vérifier"
            };
            push(
                "activity",
                a.id,
                format!("Traitement « {} » {what}", a.name),
                a.created_at + Duration::days(REVIEW_DAYS),
            );
        }
    }
    out.sort_by(|a, b| {
        a.due_at
            .cmp(&b.due_at)
            .then_with(|| a.member.cmp(&b.member))
    });
    Ok(out)
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// The day in Paris an instant falls on (for display).
#[must_use]
pub fn paris_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}
