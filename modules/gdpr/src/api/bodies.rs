//! The bodies GDPR's API answers with (described in the OpenAPI document). Field names
//! are the contract with the members' tools: add, never rename. Times are RFC 3339 in
//! UTC (`Z`), dates `YYYY-MM-DD`.
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    activities::ActivityFields,
    breaches::list_of,
    desk::Item,
    dpias,
    entities::{gdpr_activities, gdpr_breaches, gdpr_dpias, gdpr_processors, gdpr_requests},
    rules,
};

/// `201` for a new activity.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprActivityCreated)]
pub struct ActivityCreated {
    pub id: Uuid,
    /// `draft`.
    pub status: String,
    pub dpia_required: bool,
}

/// A processing activity: its fields (the input's names) and its state.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprActivity)]
pub struct Activity {
    pub id: Uuid,
    /// `draft`, `completed`, `checked` or `archived`.
    pub status: String,
    pub dpia_required: bool,
    /// `required` / `not_required` when the EDPB criteria are overridden.
    #[schema(required = true)]
    pub dpia_override: Option<String>,
    #[schema(required = true)]
    pub dpia_override_reason: Option<String>,
    pub version: i32,
    #[schema(required = true)]
    pub template_id: Option<i64>,
    #[schema(required = true)]
    pub template_version: Option<i32>,
    #[schema(required = true)]
    pub recommendations: Option<String>,
    #[schema(required = true)]
    pub checked_by: Option<String>,
    #[schema(required = true)]
    pub checked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(flatten)]
    pub fields: ActivityFields,
}

impl From<&gdpr_activities::Model> for Activity {
    fn from(a: &gdpr_activities::Model) -> Self {
        Self {
            id: a.id,
            status: a.status.clone(),
            dpia_required: a.dpia_required,
            dpia_override: a.dpia_override.clone(),
            dpia_override_reason: a.dpia_override_reason.clone(),
            version: a.version,
            template_id: a.template_id,
            template_version: a.template_version,
            recommendations: a.recommendations.clone(),
            checked_by: a.checked_by.clone(),
            checked_at: a.checked_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
            fields: ActivityFields::parse(&a.fields),
        }
    }
}

/// `201` for a declared breach.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprBreachCreated)]
pub struct BreachCreated {
    pub id: Uuid,
    /// 72 hours after awareness (UTC).
    pub notification_deadline: DateTime<Utc>,
}

/// A breach and its file.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprBreach)]
pub struct Breach {
    pub id: Uuid,
    pub discovered_at: DateTime<Utc>,
    pub aware_at: DateTime<Utc>,
    /// 72 hours after awareness.
    pub notification_deadline: DateTime<Utc>,
    /// No decision yet: the CNIL clock runs.
    pub clock_running: bool,
    pub ongoing: bool,
    pub nature: Vec<String>,
    pub description: String,
    #[schema(required = true)]
    pub origin: Option<String>,
    #[schema(required = true)]
    pub cause: Option<String>,
    pub data_categories: Vec<String>,
    pub person_categories: Vec<String>,
    #[schema(required = true)]
    pub persons_count: Option<i64>,
    #[schema(required = true)]
    pub records_count: Option<i64>,
    #[schema(required = true)]
    pub consequences: Option<String>,
    #[schema(required = true)]
    pub severity: Option<i32>,
    #[schema(required = true)]
    pub measures_taken: Option<String>,
    #[schema(required = true)]
    pub measures_planned: Option<String>,
    /// `notify` or `not_notify`, once decided.
    #[schema(required = true)]
    pub decision: Option<String>,
    #[schema(required = true)]
    pub decision_reason: Option<String>,
    #[schema(required = true)]
    pub notified_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub notification_reference: Option<String>,
    /// `initial` or `complementary`.
    #[schema(required = true)]
    pub notification_kind: Option<String>,
    #[schema(required = true)]
    pub late_reason: Option<String>,
    /// `yes`, `later` or `no`.
    #[schema(required = true)]
    pub persons_informed: Option<String>,
    #[schema(required = true)]
    pub persons_exemption: Option<String>,
    #[schema(required = true)]
    pub ars_reported_at: Option<DateTime<Utc>>,
    pub declared_by: String,
}

impl From<&gdpr_breaches::Model> for Breach {
    fn from(b: &gdpr_breaches::Model) -> Self {
        Self {
            id: b.id,
            discovered_at: b.discovered_at,
            aware_at: b.aware_at,
            notification_deadline: rules::breach_deadline(b.aware_at),
            clock_running: b.decision.is_none(),
            ongoing: b.ongoing,
            nature: list_of(&b.natures),
            description: b.description.clone(),
            origin: b.origin.clone(),
            cause: b.cause.clone(),
            data_categories: list_of(&b.data_categories),
            person_categories: list_of(&b.person_categories),
            persons_count: b.persons_count,
            records_count: b.records_count,
            consequences: b.consequences.clone(),
            severity: b.severity,
            measures_taken: b.measures_taken.clone(),
            measures_planned: b.measures_planned.clone(),
            decision: b.decision.clone(),
            decision_reason: b.decision_reason.clone(),
            notified_at: b.notified_at,
            notification_reference: b.notification_reference.clone(),
            notification_kind: b.notification_kind.clone(),
            late_reason: b.late_reason.clone(),
            persons_informed: b.persons_informed.clone(),
            persons_exemption: b.persons_exemption.clone(),
            ars_reported_at: b.ars_reported_at,
            declared_by: b.declared_by.clone(),
        }
    }
}

/// `201` for a request, or its deadline after a change.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprRequestDue)]
pub struct RequestDue {
    pub id: Uuid,
    /// The last day to answer.
    pub due_on: NaiveDate,
}

/// A data-subject request.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprRequest)]
pub struct Request {
    pub id: Uuid,
    pub kind: String,
    pub received_on: NaiveDate,
    pub applicant: String,
    #[schema(required = true)]
    pub applicant_contact: Option<String>,
    #[schema(required = true)]
    pub representative: Option<String>,
    pub identity_verified: bool,
    /// `to_handle`, `awaiting_id`, `awaiting_clarification`, `awaiting_service`,
    /// `answered`, `refused`.
    pub state: String,
    pub medical_file: bool,
    pub file_older_than_5_years: bool,
    pub due_on: NaiveDate,
    pub extended: bool,
    #[schema(required = true)]
    pub extension_reason: Option<String>,
    #[schema(required = true)]
    pub informed_on: Option<NaiveDate>,
    #[schema(required = true)]
    pub answered_on: Option<NaiveDate>,
    #[schema(required = true)]
    pub answer: Option<String>,
    #[schema(required = true)]
    pub answer_channel: Option<String>,
    pub activities: Vec<Uuid>,
}

impl From<&gdpr_requests::Model> for Request {
    fn from(r: &gdpr_requests::Model) -> Self {
        Self {
            id: r.id,
            kind: r.kind.clone(),
            received_on: r.received_on,
            applicant: r.applicant.clone(),
            applicant_contact: r.applicant_contact.clone(),
            representative: r.representative.clone(),
            identity_verified: r.identity_verified,
            state: r.state.clone(),
            medical_file: r.medical_file,
            file_older_than_5_years: r.file_older_than_5_years,
            due_on: r.due_on,
            extended: r.extension_reason.is_some(),
            extension_reason: r.extension_reason.clone(),
            informed_on: r.informed_on,
            answered_on: r.answered_on,
            answer: r.answer.clone(),
            answer_channel: r.answer_channel.clone(),
            activities: serde_json::from_str(&r.activity_ids).unwrap_or_default(),
        }
    }
}

/// A processor.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprProcessor)]
pub struct Processor {
    pub id: Uuid,
    pub name: String,
    pub service: String,
    pub country: String,
    pub art28_clauses: bool,
    #[schema(required = true)]
    pub contract_document: Option<String>,
    #[schema(required = true)]
    pub guarantees: Option<String>,
    pub own_register: bool,
    #[schema(required = true)]
    pub transfers: Option<String>,
    #[schema(required = true)]
    pub dpo_contact: Option<String>,
    #[schema(required = true)]
    pub expires_on: Option<NaiveDate>,
}

impl From<&gdpr_processors::Model> for Processor {
    fn from(p: &gdpr_processors::Model) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            service: p.service.clone(),
            country: p.country.clone(),
            art28_clauses: p.art28_clauses,
            contract_document: p.contract_document.clone(),
            guarantees: p.guarantees.clone(),
            own_register: p.own_register,
            transfers: p.transfers.clone(),
            dpo_contact: p.dpo_contact.clone(),
            expires_on: p.expires_on,
        }
    }
}

/// `201` with an id.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprCreated)]
pub struct Created {
    pub id: Uuid,
}

/// A DPIA and its sign-offs.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprDpia)]
pub struct Dpia {
    pub id: Uuid,
    pub activity_id: Uuid,
    pub title: String,
    #[schema(required = true)]
    pub summary: Option<String>,
    /// The sign-offs still missing: `author`, `dpo`, `representative`, `controller`.
    pub missing: Vec<String>,
    #[schema(required = true)]
    pub author_name: Option<String>,
    #[schema(required = true)]
    pub dpo_opinion: Option<String>,
    #[schema(required = true)]
    pub representative_opinion: Option<String>,
    #[schema(required = true)]
    pub controller_decision: Option<String>,
    #[schema(required = true)]
    pub consultation_sent_on: Option<NaiveDate>,
}

impl From<&gdpr_dpias::Model> for Dpia {
    fn from(d: &gdpr_dpias::Model) -> Self {
        Self {
            id: d.id,
            activity_id: d.activity_id,
            title: d.title.clone(),
            summary: d.summary.clone(),
            missing: dpias::missing(d)
                .iter()
                .map(|m| {
                    match m {
                        dpias::SignOff::Author => "author",
                        dpias::SignOff::Dpo => "dpo",
                        dpias::SignOff::Representative => "representative",
                        dpias::SignOff::Controller => "controller",
                    }
                    .to_string()
                })
                .collect(),
            author_name: d.author_name.clone(),
            dpo_opinion: d.dpo_opinion.clone(),
            representative_opinion: d.representative_opinion.clone(),
            controller_decision: d.controller_decision.clone(),
            consultation_sent_on: d.consultation_sent_on,
        }
    }
}

/// `GET /api/coop/gdpr/desk`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprDesk)]
pub struct Desk {
    pub items: Vec<Item>,
}

/// `201` for a template, or its version after an edit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprTemplateVersion)]
pub struct TemplateVersion {
    pub id: i64,
    pub version: i32,
}

/// `POST …/deploy`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprDeployment)]
pub struct Deployment {
    pub activities: Vec<crate::templates::Deployed>,
}

/// `GET …/template-update`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprTemplateUpdateBody)]
pub struct TemplateUpdateBody {
    pub from_version: i32,
    pub to_version: i32,
    pub changes: Vec<rules::FieldChange>,
}

/// `GET /api/m/{slug}/gdpr/register.json`: the register today.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprRegister)]
pub struct Register {
    /// The member's slug.
    pub member: String,
    /// The date the register stands at.
    pub date: NaiveDate,
    pub activities: Vec<RegisterEntry>,
    pub processors: Vec<Processor>,
}

/// One activity of the register.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprRegisterEntry)]
pub struct RegisterEntry {
    pub id: Uuid,
    pub status: String,
    pub version: i32,
    pub dpia_required: bool,
    pub recorded_at: DateTime<Utc>,
    #[serde(flatten)]
    pub fields: ActivityFields,
}

/// A DPO's time entry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GdprTimeLogged)]
pub struct TimeLogged {
    pub id: Uuid,
    pub date: NaiveDate,
    /// Hours as a decimal string.
    pub hours: String,
}
