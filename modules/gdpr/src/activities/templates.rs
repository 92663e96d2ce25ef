//! A member's copy of a template: the new version proposed field by field, accepted
//! (the template's changes taken, the member's own changes kept) or rejected.
use super::*;
use crate::entities::{gdpr_template_versions, gdpr_templates};
use mutualis_core::tenant::CoopOwned;

/// A template's newer version, as a difference with the copy.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = GdprTemplateUpdate)]
pub struct TemplateUpdate {
    pub from_version: i32,
    pub to_version: i32,
    pub changes: Vec<rules::FieldChange>,
    #[serde(skip)]
    pub after: ActivityFields,
}

/// The fields of version `version` of template `template_id`.
///
/// # Errors
/// 404 when there is no such version; database errors.
pub async fn template_version<C: ConnectionTrait>(
    db: &C,
    template_id: i64,
    version: i32,
) -> AppResult<ActivityFields> {
    let row = gdpr_template_versions::Entity::find_shared()
        .filter(gdpr_template_versions::Column::TemplateId.eq(template_id))
        .filter(gdpr_template_versions::Column::Version.eq(version))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ActivityFields::parse(&row.fields))
}

/// The update proposed to a copy: its template has a version newer than the one it
/// follows, not declined. `None` when there is nothing to propose.
///
/// # Errors
/// Database errors.
pub async fn pending_update<C: ConnectionTrait>(
    db: &C,
    a: &gdpr_activities::Model,
) -> AppResult<Option<TemplateUpdate>> {
    let (Some(tid), Some(from)) = (a.template_id, a.template_version) else {
        return Ok(None);
    };
    let Some(t) = gdpr_templates::Entity::find_shared()
        .filter(gdpr_templates::Column::Id.eq(tid))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let to = t.current_version;
    if to <= from || a.template_rejected_version == Some(to) || a.status == status::ARCHIVED {
        return Ok(None);
    }
    let after = template_version(db, tid, to).await?;
    let base = a
        .template_base
        .as_deref()
        .map(ActivityFields::parse)
        .unwrap_or_default();
    let copy = ActivityFields::parse(&a.fields);
    let changes = rules::template_changes(&base.to_map(), &after.to_map(), &copy.to_map());
    Ok(Some(TemplateUpdate {
        from_version: from,
        to_version: to,
        changes,
        after,
    }))
}

/// Accepts the proposed update: each field the template changed is taken, unless the
/// member changed it itself; the copy then follows the new version.
///
/// # Errors
/// 409 when no update is proposed; 404; database errors.
pub async fn accept_update(w: &Write<'_>, by: &str, id: Uuid) -> AppResult<gdpr_activities::Model> {
    let a = get(w.txn(), w.tenant(), id).await?;
    let u = pending_update(w.txn(), &a).await?.ok_or_else(no_update)?;
    let copy = ActivityFields::parse(&a.fields).to_map();
    let merged = ActivityFields::from_map(&rules::accept_update(&copy, &u.changes));
    let kept: Vec<&str> = u
        .changes
        .iter()
        .filter(|c| c.member_value != c.before)
        .map(|c| c.field.as_str())
        .collect();
    let a = save(
        w,
        by,
        a,
        Change::Accept {
            fields: Box::new(merged),
            version: u.to_version,
            base: Box::new(u.after.clone()),
        },
    )
    .await?;
    w.audit(
        "gdpr_activity",
        &a.id.to_string(),
        "template_accept",
        serde_json::json!({"name": a.name, "version": u.to_version, "kept": kept}),
    )
    .await?;
    Ok(a)
}

/// Declines the proposed update (it is not proposed again; a later version is).
///
/// # Errors
/// 409 when no update is proposed; 404; database errors.
pub async fn reject_update(w: &Write<'_>, by: &str, id: Uuid) -> AppResult<gdpr_activities::Model> {
    let a = get(w.txn(), w.tenant(), id).await?;
    let u = pending_update(w.txn(), &a).await?.ok_or_else(no_update)?;
    let a = save(w, by, a, Change::Rejected(u.to_version)).await?;
    w.audit(
        "gdpr_activity",
        &a.id.to_string(),
        "template_reject",
        serde_json::json!({"name": a.name, "version": u.to_version}),
    )
    .await?;
    Ok(a)
}

fn no_update() -> AppError {
    AppError::Conflict(
        "Aucune nouvelle version du modèle n’est proposée pour ce traitement.".to_string(),
    )
}
