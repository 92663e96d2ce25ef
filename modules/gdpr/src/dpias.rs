//! DPIAs (Art. 35) of an activity and their four sign-offs: the author, the DPO's
//! opinion, the representative of the persons concerned, the controller's decision. A
//! DPIA awaits its sign-offs until all four are given.
use chrono::{NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Dates, Text},
    tenant::{MemberOwned, Tenant},
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::gdpr_dpias;

/// A DPIA opened on an activity.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprDpiaInput)]
#[serde(default)]
pub struct DpiaInput {
    pub activity_id: Option<Uuid>,
    pub title: String,
    pub summary: String,
}

/// One sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOff {
    /// The author (name).
    Author,
    /// The DPO's opinion (the DPO only).
    Dpo,
    /// The representative of the persons concerned (their opinion).
    Representative,
    /// The controller's decision (the director).
    Controller,
}

impl SignOff {
    /// From its code in a path (`author`, `dpo`, `representative`, `controller`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "author" => Some(Self::Author),
            "dpo" => Some(Self::Dpo),
            "representative" => Some(Self::Representative),
            "controller" => Some(Self::Controller),
            _ => None,
        }
    }

    /// The casbin object that may give it.
    #[must_use]
    pub const fn object(self) -> &'static str {
        match self {
            Self::Author | Self::Representative => "gdpr.dpias",
            Self::Dpo => "gdpr.dpo_opinion",
            Self::Controller => "gdpr.controller_decision",
        }
    }

    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Author => "Rédaction",
            Self::Dpo => "Avis du DPO",
            Self::Representative => "Avis des personnes concernées",
            Self::Controller => "Décision du responsable de traitement",
        }
    }
}

/// A sign-off's text: the author's name, or the opinion or decision.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprSignInput)]
#[serde(default)]
pub struct SignInput {
    pub text: String,
    /// For the controller: the date a prior consultation of the CNIL was sent, if one is.
    pub consultation_sent_on: String,
}

/// The sign-offs still missing.
#[must_use]
pub fn missing(d: &gdpr_dpias::Model) -> Vec<SignOff> {
    let mut out = Vec::new();
    if d.author_signed_at.is_none() {
        out.push(SignOff::Author);
    }
    if d.dpo_signed_at.is_none() {
        out.push(SignOff::Dpo);
    }
    if d.representative_signed_at.is_none() {
        out.push(SignOff::Representative);
    }
    if d.controller_signed_at.is_none() {
        out.push(SignOff::Controller);
    }
    out
}

/// The member's DPIAs, newest first.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(db: &C, tenant: Tenant) -> AppResult<Vec<gdpr_dpias::Model>> {
    Ok(gdpr_dpias::Entity::find_in(tenant)
        .order_by_desc(gdpr_dpias::Column::CreatedAt)
        .all(db)
        .await?)
}

/// One of the member's DPIAs.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<gdpr_dpias::Model> {
    gdpr_dpias::Entity::find_in(tenant)
        .filter(gdpr_dpias::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Opens a DPIA on one of the member's activities.
///
/// # Errors
/// 422 naming each invalid field; database errors.
pub async fn create(w: &Write<'_>, by: &str, input: &DpiaInput) -> AppResult<gdpr_dpias::Model> {
    let mut c = Check::new();
    let activity = match input.activity_id {
        Some(id) => crate::activities::get(w.txn(), w.tenant(), id).await.ok(),
        None => None,
    };
    if activity.is_none() {
        c.error(
            "activity_id",
            "Choisissez le traitement du registre que l’AIPD étudie.",
        );
    }
    let title = c.text(
        "title",
        "L’intitulé",
        &input.title,
        Text::Title,
        "L’intitulé est obligatoire.",
    );
    let summary = c.optional_text("summary", "La synthèse", &input.summary, Text::Long);
    let activity = c.finish(|| activity).map_err(AppError::Validation)?;
    let now = Utc::now();
    let d = gdpr_dpias::Entity::insert_in(
        w.tenant(),
        gdpr_dpias::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            activity_id: Set(activity.id),
            title: Set(title),
            summary: Set(summary),
            author_name: Set(None),
            author_signed_at: Set(None),
            dpo_opinion: Set(None),
            dpo_signed_by: Set(None),
            dpo_signed_at: Set(None),
            representative_opinion: Set(None),
            representative_signed_by: Set(None),
            representative_signed_at: Set(None),
            controller_decision: Set(None),
            controller_signed_by: Set(None),
            controller_signed_at: Set(None),
            consultation_sent_on: Set(None),
            created_by: Set(by.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "gdpr_dpia",
        &d.id.to_string(),
        "create",
        serde_json::json!({"title": d.title, "activity": activity.name}),
    )
    .await?;
    Ok(d)
}

/// Gives one sign-off (once).
///
/// # Errors
/// 422 without its text; 409 when already given; 404; database errors.
pub async fn sign(
    w: &Write<'_>,
    by: &str,
    id: Uuid,
    which: SignOff,
    input: &SignInput,
    today: NaiveDate,
) -> AppResult<gdpr_dpias::Model> {
    let d = get(w.txn(), w.tenant(), id).await?;
    if !missing(&d).contains(&which) {
        return Err(AppError::Conflict(format!(
            "« {} » est déjà signée.",
            which.label()
        )));
    }
    let mut c = Check::at(today);
    let text = c.text(
        "text",
        which.label(),
        &input.text,
        if which == SignOff::Author {
            Text::Name
        } else {
            Text::Long
        },
        "Le texte de la signature est obligatoire (nom, avis ou décision).",
    );
    let consultation = c.optional_date(
        "consultation_sent_on",
        "La consultation préalable",
        &input.consultation_sent_on,
        Dates::Record,
    );
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let now = Utc::now();
    let mut m: gdpr_dpias::ActiveModel = d.into();
    match which {
        SignOff::Author => {
            m.author_name = Set(Some(text));
            m.author_signed_at = Set(Some(now));
        }
        SignOff::Dpo => {
            m.dpo_opinion = Set(Some(text));
            m.dpo_signed_by = Set(Some(by.to_string()));
            m.dpo_signed_at = Set(Some(now));
        }
        SignOff::Representative => {
            m.representative_opinion = Set(Some(text));
            m.representative_signed_by = Set(Some(by.to_string()));
            m.representative_signed_at = Set(Some(now));
        }
        SignOff::Controller => {
            m.controller_decision = Set(Some(text));
            m.controller_signed_by = Set(Some(by.to_string()));
            m.controller_signed_at = Set(Some(now));
            m.consultation_sent_on = Set(consultation);
        }
    }
    m.updated_at = Set(now);
    let d = gdpr_dpias::Entity::update_in(w.tenant(), m, w.txn()).await?;
    w.audit(
        "gdpr_dpia",
        &d.id.to_string(),
        "sign",
        serde_json::json!({"title": d.title, "sign_off": which.label()}),
    )
    .await?;
    Ok(d)
}
