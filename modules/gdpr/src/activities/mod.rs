//! The processing register (Art. 30(1)): activities with their status (draft →
//! completed → checked by the DPO; an edit of a checked activity sets it back to
//! completed), every state kept as a version so the register can be shown as it stood
//! at any date, and the template a copy follows.
use chrono::{DateTime, NaiveDate, Utc};
use mutualis_core::{
    error::{AppError, AppResult, FieldError},
    ids::new_id,
    limits::{Check, Text},
    metering::Usage,
    tenant::{MemberOwned, Tenant},
    write::Write,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    codes,
    entities::{gdpr_activities, gdpr_activity_versions},
    rules,
};

mod input;
pub use input::*;
mod register;
pub use register::*;
mod templates;
pub use templates::*;
#[cfg(test)]
mod tests;

/// The statuses.
pub mod status {
    pub const DRAFT: &str = "draft";
    pub const COMPLETED: &str = "completed";
    pub const CHECKED: &str = "checked";
    pub const ARCHIVED: &str = "archived";
}

/// One of the member's activities (404 when the id is not the member's).
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
    id: Uuid,
) -> AppResult<gdpr_activities::Model> {
    gdpr_activities::Entity::find_in(tenant)
        .filter(gdpr_activities::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The member's activities (archived ones last), by name.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: Tenant,
) -> AppResult<Vec<gdpr_activities::Model>> {
    let mut rows = gdpr_activities::Entity::find_in(tenant)
        .order_by_asc(gdpr_activities::Column::Name)
        .all(db)
        .await?;
    rows.sort_by_key(|a| a.archived_at.is_some());
    Ok(rows)
}

/// Appends the activity's current state to its versions (in the write's transaction).
async fn record_version(w: &Write<'_>, a: &gdpr_activities::Model, by: &str) -> AppResult<()> {
    gdpr_activity_versions::Entity::insert_in(
        w.tenant(),
        gdpr_activity_versions::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            activity_id: Set(a.id),
            version: Set(a.version),
            status: Set(a.status.clone()),
            fields: Set(a.fields.clone()),
            recorded_by: Set(by.to_string()),
            recorded_at: Set(a.updated_at),
        },
        w.txn(),
    )
    .await?;
    Ok(())
}

/// Records `gdpr.processing_activities`: the count of the member's activities in force
/// (not archived) after this change (`latest` in the month).
async fn record_count(w: &Write<'_>, key: &str) -> AppResult<()> {
    let n = gdpr_activities::Entity::find_in(w.tenant())
        .filter(gdpr_activities::Column::ArchivedAt.is_null())
        .count(w.txn())
        .await?;
    w.usage(Usage::new(
        crate::meter::PROCESSING_ACTIVITIES.code,
        Decimal::from(n),
        key,
    ))
    .await?;
    Ok(())
}

/// Where a new activity comes from.
#[derive(Debug, Clone, Copy)]
pub struct FromTemplate<'a> {
    pub template_id: i64,
    pub version: i32,
    pub fields: &'a ActivityFields,
}

/// Creates an activity (draft, version 1), audited and metered, in the write `w`.
///
/// # Errors
/// Database errors.
pub async fn insert(
    w: &Write<'_>,
    by: &str,
    v: &ValidActivity,
    template: Option<FromTemplate<'_>>,
) -> AppResult<gdpr_activities::Model> {
    let now = Utc::now();
    let a = gdpr_activities::Entity::insert_in(
        w.tenant(),
        gdpr_activities::ActiveModel {
            member_id: Set(w.tenant().member_id()),
            id: Set(new_id()),
            name: Set(v.fields.name.clone()),
            status: Set(status::DRAFT.to_string()),
            fields: Set(v.fields.to_text()),
            version: Set(1),
            dpia_required: Set(v.dpia_required),
            dpia_override: Set(v.dpia_override.clone()),
            dpia_override_reason: Set(v.dpia_override_reason.clone()),
            recommendations: Set(None),
            checked_by: Set(None),
            checked_at: Set(None),
            template_id: Set(template.map(|t| t.template_id)),
            template_version: Set(template.map(|t| t.version)),
            template_base: Set(template.map(|t| t.fields.to_text())),
            template_rejected_version: Set(None),
            created_by: Set(by.to_string()),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
        },
        w.txn(),
    )
    .await?;
    record_version(w, &a, by).await?;
    w.audit(
        "gdpr_activity",
        &a.id.to_string(),
        "create",
        serde_json::json!({"name": a.name, "template": template.map(|t| t.template_id)}),
    )
    .await?;
    record_count(w, &format!("gdpr.processing_activities:{}:create", a.id)).await?;
    Ok(a)
}

/// Applies a change to an activity and records it as a new version: `status` when it
/// changes, the fields when given. Editing a checked activity sets it back to completed.
async fn save(
    w: &Write<'_>,
    by: &str,
    a: gdpr_activities::Model,
    change: Change,
) -> AppResult<gdpr_activities::Model> {
    let now = Utc::now();
    let mut m: gdpr_activities::ActiveModel = a.clone().into();
    let mut status = a.status.clone();
    match change {
        Change::Fields(v) => {
            let v = *v;
            m.name = Set(v.fields.name.clone());
            m.fields = Set(v.fields.to_text());
            m.dpia_required = Set(v.dpia_required);
            m.dpia_override = Set(v.dpia_override);
            m.dpia_override_reason = Set(v.dpia_override_reason);
            if status == status::CHECKED {
                status = status::COMPLETED.to_string();
            }
        }
        Change::Accept {
            fields,
            version,
            base,
        } => {
            let (fields, base) = (*fields, *base);
            let required = a.dpia_override.as_deref().map_or_else(
                || rules::dpia_required_by_criteria(&fields.dpia_criteria),
                |o| o == "required",
            );
            m.name = Set(fields.name.clone());
            m.fields = Set(fields.to_text());
            m.dpia_required = Set(required);
            if status == status::CHECKED {
                status = status::COMPLETED.to_string();
            }
            m.template_version = Set(Some(version));
            m.template_base = Set(Some(base.to_text()));
            m.template_rejected_version = Set(None);
        }
        Change::Status(s) => status = s.to_string(),
        Change::Check(recommendations) => {
            status = status::CHECKED.to_string();
            m.recommendations = Set(recommendations);
            m.checked_by = Set(Some(by.to_string()));
            m.checked_at = Set(Some(now));
        }
        Change::Rejected(version) => {
            m.template_rejected_version = Set(Some(version));
        }
    }
    if status == status::ARCHIVED {
        m.archived_at = Set(Some(now));
    }
    m.status = Set(status);
    m.version = Set(a.version + 1);
    m.updated_at = Set(now);
    let saved = gdpr_activities::Entity::update_in(w.tenant(), m, w.txn()).await?;
    record_version(w, &saved, by).await?;
    Ok(saved)
}

/// A change to an activity.
enum Change {
    Fields(Box<ValidActivity>),
    /// A template update accepted: the merged fields, and the copy now follows
    /// `version` of its template, whose fields are `base`.
    Accept {
        fields: Box<ActivityFields>,
        version: i32,
        base: Box<ActivityFields>,
    },
    Status(&'static str),
    Check(Option<String>),
    /// The member declined `version` of its template.
    Rejected(i32),
}

/// Edits an activity's fields (a checked activity goes back to completed).
///
/// # Errors
/// 422 with every invalid field; 409 on an archived activity; 404; database errors.
pub async fn update(
    w: &Write<'_>,
    by: &str,
    id: Uuid,
    input: &ActivityInput,
) -> AppResult<gdpr_activities::Model> {
    let v = input.validate().map_err(AppError::Validation)?;
    let a = get(w.txn(), w.tenant(), id).await?;
    if a.status == status::ARCHIVED {
        return Err(AppError::Conflict(
            "Ce traitement est archivé : il ne se modifie plus.".to_string(),
        ));
    }
    let a = save(w, by, a, Change::Fields(Box::new(v))).await?;
    w.audit(
        "gdpr_activity",
        &a.id.to_string(),
        "update",
        serde_json::json!({"name": a.name, "status": a.status}),
    )
    .await?;
    Ok(a)
}

/// Marks a draft complete, once its essential fields are filled.
///
/// # Errors
/// 422 naming what is missing; 409 when not a draft; 404; database errors.
pub async fn complete(w: &Write<'_>, by: &str, id: Uuid) -> AppResult<gdpr_activities::Model> {
    let a = get(w.txn(), w.tenant(), id).await?;
    if a.status != status::DRAFT {
        return Err(AppError::Conflict(
            "Seul un brouillon se marque complété.".to_string(),
        ));
    }
    let missing = missing_for_completion(&ActivityFields::parse(&a.fields));
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    let a = save(w, by, a, Change::Status(status::COMPLETED)).await?;
    w.audit(
        "gdpr_activity",
        &a.id.to_string(),
        "complete",
        serde_json::json!({"name": a.name}),
    )
    .await?;
    Ok(a)
}

/// The DPO checks a completed activity, with recommendations.
///
/// # Errors
/// 409 when the activity is not completed; 422 on too long a text; 404; database errors.
pub async fn check(
    w: &Write<'_>,
    by: &str,
    id: Uuid,
    recommendations: &str,
) -> AppResult<gdpr_activities::Model> {
    let mut c = Check::new();
    let rec = c.optional_text(
        "recommendations",
        "Les recommandations",
        recommendations,
        Text::Long,
    );
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let a = get(w.txn(), w.tenant(), id).await?;
    if a.status != status::COMPLETED {
        return Err(AppError::Conflict(if a.status == status::DRAFT {
            "Ce traitement est encore un brouillon : il doit d’abord être complété.".to_string()
        } else {
            "Seul un traitement complété se vérifie.".to_string()
        }));
    }
    let a = save(w, by, a, Change::Check(rec)).await?;
    w.audit(
        "gdpr_activity",
        &a.id.to_string(),
        "check",
        serde_json::json!({"name": a.name}),
    )
    .await?;
    Ok(a)
}

/// Archives an activity that ended (it stays in the register's history).
///
/// # Errors
/// 409 when already archived; 404; database errors.
pub async fn archive(w: &Write<'_>, by: &str, id: Uuid) -> AppResult<gdpr_activities::Model> {
    let a = get(w.txn(), w.tenant(), id).await?;
    if a.status == status::ARCHIVED {
        return Err(AppError::Conflict(
            "Ce traitement est déjà archivé.".to_string(),
        ));
    }
    let a = save(w, by, a, Change::Status(status::ARCHIVED)).await?;
    w.audit(
        "gdpr_activity",
        &a.id.to_string(),
        "archive",
        serde_json::json!({"name": a.name}),
    )
    .await?;
    record_count(w, &format!("gdpr.processing_activities:{}:archive", a.id)).await?;
    Ok(a)
}

/// The French label of a status.
#[must_use]
pub fn status_label(s: &str) -> &'static str {
    codes::label(&codes::STATUSES, s)
}

/// A day's end in Europe/Paris, as an instant (the register at a date shows what was
/// recorded up to that evening).
#[must_use]
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    mutualis_core::time::paris_midnight(day.succ_opt().unwrap_or(day))
}
