//! Data-subject requests (Art. 12, 15–22): received, the deadline computed from the law
//! (one calendar month, or the medical file's 8 days or 2 months; a non-working day moves
//! it), extended once by two months with a reason while the first month runs, answered
//! (metered as `gdpr.requests_handled`) or refused with reasons.
use chrono::{NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult},
    ids::new_id,
    limits::{Check, Dates, Text},
    metering::Usage,
    tenant::{MemberOwned, Tenant},
    write::Write,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    codes,
    entities::gdpr_requests,
    rules::{self, RequestClock},
};

/// States in which the clock runs.
pub const OPEN_STATES: [&str; 4] = [
    "to_handle",
    "awaiting_id",
    "awaiting_clarification",
    "awaiting_service",
];

/// A request as received.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprRequestInput)]
#[serde(default)]
pub struct RequestInput {
    /// `access`, `rectification`, `erasure`, `restriction`, `portability`, `objection`,
    /// `consent_withdrawal`, `other`.
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// Who asks (identity; free text).
    pub applicant: String,
    pub applicant_contact: String,
    /// When someone asks for the person: `tuteur`, `curateur`, `parent`, `other`.
    pub representative: String,
    pub identity_verified: bool,
    /// A medical file held by an establishment (CSP L1111-7).
    pub medical_file: bool,
    pub file_older_than_5_years: bool,
    /// Processing activities the request concerns (their ids).
    pub activities: Vec<Uuid>,
}

/// An extension of two months.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprExtendInput)]
#[serde(default)]
pub struct ExtendInput {
    pub reason: String,
    /// When the person was told (within the first month).
    pub informed_on: String,
}

/// The answer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprAnswerInput)]
#[serde(default)]
pub struct AnswerInput {
    pub answered_on: String,
    pub answer: String,
    /// `courrier`, `e-mail`, `remise en main propre`… (free text).
    pub channel: String,
    /// A refusal (its reasons and the right to complain to the CNIL are in the answer).
    pub refused: bool,
}

/// A state change while the request is open.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = GdprStateInput)]
#[serde(default)]
pub struct StateInput {
    /// `to_handle`, `awaiting_id`, `awaiting_clarification`, `awaiting_service`.
    pub state: String,
}

/// One of the member's requests.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<gdpr_requests::Model> {
    gdpr_requests::Entity::find_in(tenant)
        .filter(gdpr_requests::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The member's requests, the soonest due first.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<gdpr_requests::Model>> {
    Ok(gdpr_requests::Entity::find_in(tenant)
        .order_by_asc(gdpr_requests::Column::DueOn)
        .all(db)
        .await?)
}

/// Whether the request's clock still runs.
#[must_use]
pub fn open(r: &gdpr_requests::Model) -> bool {
    OPEN_STATES.contains(&r.state.as_str())
}

/// Records a request received; its deadline is computed from the law.
///
/// # Errors
/// 422 naming each invalid field (an activity not the member's among them); database
/// errors.
pub async fn create(
    w: &Write<'_>,
    by: &str,
    input: &RequestInput,
) -> AppResult<gdpr_requests::Model> {
    let mut c = Check::new();
    let kind = input.kind.trim();
    if !codes::known(&codes::REQUEST_KINDS, kind) {
        c.error(
            "kind",
            "Choisissez le droit exercé (accès, rectification, effacement…).",
        );
    }
    let received = c.date(
        "received_on",
        "La réception",
        &input.received_on,
        Dates::Record,
        "La date de réception est obligatoire : le délai court à partir d’elle.",
    );
    if received.is_some_and(|d| d > mutualis_core::time::paris_today()) {
        c.error(
            "received_on",
            "La date de réception ne peut pas être dans le futur.",
        );
    }
    let applicant = c.text(
        "applicant",
        "Le demandeur",
        &input.applicant,
        Text::Short,
        "Indiquez qui fait la demande.",
    );
    let contact = c.optional_text(
        "applicant_contact",
        "Le contact",
        &input.applicant_contact,
        Text::Short,
    );
    let representative = match input.representative.trim() {
        "" => None,
        r @ ("tuteur" | "curateur" | "parent" | "other") => Some(r.to_string()),
        _ => {
            c.error(
                "representative",
                "Représentant : tuteur, curateur, parent ou autre.",
            );
            None
        }
    };
    let mut activities = Vec::new();
    for (i, id) in input.activities.iter().enumerate() {
        if crate::activities::get(w.txn(), w.tenant(), *id)
            .await
            .is_ok()
        {
            activities.push(*id);
        } else {
            c.error(
                &format!("activities[{i}]"),
                "Traitement inconnu dans ce registre.",
            );
        }
    }
    let received = c.finish(|| received).map_err(AppError::Validation)?;
    let clock = rules::first_clock(input.medical_file, input.file_older_than_5_years);
    let due = rules::request_due(received, clock);
    let now = Utc::now();
    let r = gdpr_requests::Entity::insert_in(
        w.tenant(),
        gdpr_requests::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            kind: Set(kind.to_string()),
            received_on: Set(received),
            applicant: Set(applicant),
            applicant_contact: Set(contact),
            representative: Set(representative),
            identity_verified: Set(input.identity_verified),
            state: Set("to_handle".to_string()),
            medical_file: Set(input.medical_file),
            file_older_than_5_years: Set(input.medical_file && input.file_older_than_5_years),
            due_on: Set(due),
            extension_reason: Set(None),
            informed_on: Set(None),
            answered_on: Set(None),
            answer: Set(None),
            answer_channel: Set(None),
            activity_ids: Set(serde_json::to_string(&activities).unwrap_or_else(|_| "[]".into())),
            created_by: Set(by.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
        },
        w.txn(),
    )
    .await?;
    w.audit(
        "gdpr_request",
        &r.id.to_string(),
        "create",
        serde_json::json!({"kind": r.kind, "received_on": r.received_on, "due_on": r.due_on}),
    )
    .await?;
    Ok(r)
}

/// Extends the deadline to three months from receipt: only with a reason, only while the
/// first month runs (the person is told within it), never for a medical file.
///
/// # Errors
/// 422 without a reason or after the first month; 409 when closed or already extended;
/// 404; database errors.
pub async fn extend(
    w: &Write<'_>,
    id: Uuid,
    input: &ExtendInput,
    today: NaiveDate,
) -> AppResult<gdpr_requests::Model> {
    let r = get(w.txn(), w.tenant(), id).await?;
    if !open(&r) {
        return Err(AppError::Conflict("Cette demande est close.".to_string()));
    }
    if r.extension_reason.is_some() {
        return Err(AppError::Conflict(
            "Le délai a déjà été prolongé : il ne l’est qu’une fois, de deux mois.".to_string(),
        ));
    }
    let mut c = Check::at(today);
    let reason = c.text(
        "reason",
        "Le motif",
        &input.reason,
        Text::Long,
        "La prolongation se motive (complexité, nombre de demandes) : le motif est obligatoire.",
    );
    let informed = if input.informed_on.trim().is_empty() {
        Some(today)
    } else {
        c.optional_date(
            "informed_on",
            "L’information",
            &input.informed_on,
            Dates::Record,
        )
    };
    let first = rules::request_due(r.received_on, RequestClock::OneMonth);
    if r.medical_file {
        c.error(
            "reason",
            "Le délai d’accès au dossier médical (article L1111-7 du CSP) ne se prolonge pas.",
        );
    } else if !rules::may_extend(r.received_on, false, today)
        || informed.is_some_and(|d| d > first || d < r.received_on)
    {
        c.error(
            "informed_on",
            format!(
                "La prolongation se décide et s’annonce à la personne dans le premier mois, soit au plus tard le {}.",
                mutualis_core::time::fr_date(first)
            ),
        );
    }
    let informed = c.finish(|| informed).map_err(AppError::Validation)?;
    let due = rules::request_due(r.received_on, RequestClock::Extended);
    let mut m: gdpr_requests::ActiveModel = r.into();
    m.extension_reason = Set(Some(reason));
    m.informed_on = Set(Some(informed));
    m.due_on = Set(due);
    m.updated_at = Set(Utc::now());
    let r = gdpr_requests::Entity::update_in(w.tenant(), m, w.txn()).await?;
    w.audit(
        "gdpr_request",
        &r.id.to_string(),
        "extend",
        serde_json::json!({"due_on": r.due_on}),
    )
    .await?;
    Ok(r)
}

/// Moves an open request between its waiting states.
///
/// # Errors
/// 422 on an unknown state; 409 when closed; 404; database errors.
pub async fn set_state(
    w: &Write<'_>,
    id: Uuid,
    input: &StateInput,
) -> AppResult<gdpr_requests::Model> {
    let r = get(w.txn(), w.tenant(), id).await?;
    if !open(&r) {
        return Err(AppError::Conflict("Cette demande est close.".to_string()));
    }
    let s = input.state.trim();
    if !OPEN_STATES.contains(&s) {
        return Err(AppError::field("state", "État inconnu."));
    }
    let mut m: gdpr_requests::ActiveModel = r.into();
    m.state = Set(s.to_string());
    m.updated_at = Set(Utc::now());
    let r = gdpr_requests::Entity::update_in(w.tenant(), m, w.txn()).await?;
    w.audit(
        "gdpr_request",
        &r.id.to_string(),
        "state",
        serde_json::json!({"state": r.state}),
    )
    .await?;
    Ok(r)
}

/// Answers (or refuses, with its reasons) a request: closed, metered.
///
/// # Errors
/// 422 naming each invalid field; 409 when already closed; 404; database errors.
pub async fn answer(
    w: &Write<'_>,
    id: Uuid,
    input: &AnswerInput,
    today: NaiveDate,
) -> AppResult<gdpr_requests::Model> {
    let r = get(w.txn(), w.tenant(), id).await?;
    if !open(&r) {
        return Err(AppError::Conflict(
            "Cette demande a déjà reçu sa réponse.".to_string(),
        ));
    }
    let mut c = Check::at(today);
    let on = c.date(
        "answered_on",
        "La réponse",
        &input.answered_on,
        Dates::Record,
        "Indiquez la date de la réponse.",
    );
    if on.is_some_and(|d| d > today) {
        c.error(
            "answered_on",
            "La date de réponse ne peut pas être dans le futur.",
        );
    }
    c.not_before(
        "answered_on",
        on,
        Some(r.received_on),
        "La réponse ne peut précéder la réception de la demande.",
    );
    let answer = c.text(
        "answer",
        "La réponse",
        &input.answer,
        Text::Long,
        "Le texte de la réponse est obligatoire (il est conservé au dossier).",
    );
    if input.refused && !answer.to_lowercase().contains("cnil") {
        c.error(
            "answer",
            "Un refus est motivé et rappelle le droit d’introduire une réclamation auprès de la CNIL.",
        );
    }
    let channel = c.optional_text("channel", "Le moyen", &input.channel, Text::Title);
    let on = c.finish(|| on).map_err(AppError::Validation)?;
    let mut m: gdpr_requests::ActiveModel = r.into();
    m.state = Set(if input.refused { "refused" } else { "answered" }.to_string());
    m.answered_on = Set(Some(on));
    m.answer = Set(Some(answer));
    m.answer_channel = Set(channel);
    m.updated_at = Set(Utc::now());
    let r = gdpr_requests::Entity::update_in(w.tenant(), m, w.txn()).await?;
    w.audit(
        "gdpr_request",
        &r.id.to_string(),
        "answer",
        serde_json::json!({"state": r.state, "answered_on": r.answered_on, "late": on > r.due_on}),
    )
    .await?;
    w.usage(Usage::new(
        crate::meter::REQUESTS_HANDLED.code,
        Decimal::ONE,
        &format!("gdpr.requests_handled:{}", r.id),
    ))
    .await?;
    Ok(r)
}

/// The French label of a request's state.
#[must_use]
pub fn state_label(s: &str) -> &'static str {
    codes::label(&codes::REQUEST_STATES, s)
}
