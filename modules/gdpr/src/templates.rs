//! Processing-activity templates the DPO keeps once for all the members served: each
//! edit is a new version; deployed to N members in one action, each copy remembering the
//! version it follows (its later versions are proposed to the copy field by field, see
//! `activities::pending_update`).
use chrono::Utc;
use mutualis_core::{
    audit::{self, Actor},
    db::begin_write,
    error::{AppError, AppResult},
    served::ServedScope,
    tenant::{Coop, CoopOwned, MemberOwned},
    write::Write,
};
use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::{
    activities::{self, ActivityFields, ActivityInput, FromTemplate},
    entities::{gdpr_activities, gdpr_template_versions, gdpr_templates},
};

/// A template with its current fields.
#[derive(Debug, Clone)]
pub struct Template {
    pub row: gdpr_templates::Model,
    pub fields: ActivityFields,
}

/// Every template, by name, with its current version's fields.
///
/// # Errors
/// Database errors.
pub async fn list<C: ConnectionTrait>(db: &C) -> AppResult<Vec<Template>> {
    let mut out = Vec::new();
    for row in gdpr_templates::Entity::find_shared()
        .order_by_asc(gdpr_templates::Column::Name)
        .all(db)
        .await?
    {
        let fields = activities::template_version(db, row.id, row.current_version).await?;
        out.push(Template { row, fields });
    }
    Ok(out)
}

/// One template.
///
/// # Errors
/// 404; database errors.
pub async fn get<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<Template> {
    let row = gdpr_templates::Entity::find_shared()
        .filter(gdpr_templates::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = activities::template_version(db, row.id, row.current_version).await?;
    Ok(Template { row, fields })
}

/// Creates a template (version 1) from an activity's fields.
///
/// # Errors
/// 422 naming each invalid field; database errors.
pub async fn create<
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    user_id: i64,
    input: &ActivityInput,
) -> AppResult<Template> {
    let v = input.validate().map_err(AppError::Validation)?;
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let row = gdpr_templates::Entity::insert_coop(
        coop,
        gdpr_templates::ActiveModel {
            name: Set(v.fields.name.clone()),
            current_version: Set(1),
            created_by_user: Set(user_id),
            created_by: Set(actor.label.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
        &txn,
    )
    .await?;
    insert_version(&txn, coop, row.id, 1, &v.fields, &actor.label).await?;
    audit::record(
        &txn,
        actor,
        None,
        "gdpr_template",
        &row.id.to_string(),
        "create",
        serde_json::json!({"name": row.name, "version": 1}),
    )
    .await?;
    txn.commit().await?;
    Ok(Template {
        row,
        fields: v.fields,
    })
}

async fn insert_version<C: ConnectionTrait>(
    db: &C,
    coop: Coop,
    template_id: i64,
    version: i32,
    fields: &ActivityFields,
    by: &str,
) -> AppResult<()> {
    gdpr_template_versions::Entity::insert_coop(
        coop,
        gdpr_template_versions::ActiveModel {
            template_id: Set(template_id),
            version: Set(version),
            fields: Set(fields.to_text()),
            created_by: Set(by.to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
        db,
    )
    .await?;
    Ok(())
}

/// A new version of a template (its author's): proposed to every copy.
///
/// # Errors
/// 403 for another DPO's template; 422 naming each invalid field; 404; database errors.
pub async fn update<
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    coop: Coop,
    actor: &Actor,
    user_id: i64,
    id: i64,
    input: &ActivityInput,
) -> AppResult<Template> {
    let v = input.validate().map_err(AppError::Validation)?;
    let txn = begin_write(db).await?;
    let t = get(&txn, id).await?;
    if t.row.created_by_user != user_id {
        return Err(AppError::Forbidden(
            "Seul le DPO qui a créé ce modèle le fait évoluer.".to_string(),
        ));
    }
    if t.fields == v.fields {
        txn.commit().await?;
        return Ok(t);
    }
    let version = t.row.current_version + 1;
    insert_version(&txn, coop, id, version, &v.fields, &actor.label).await?;
    let mut m: gdpr_templates::ActiveModel = t.row.into();
    m.current_version = Set(version);
    m.name = Set(v.fields.name.clone());
    m.updated_at = Set(Utc::now());
    let row = gdpr_templates::Entity::update_coop(coop, m, &txn).await?;
    audit::record(
        &txn,
        actor,
        None,
        "gdpr_template",
        &row.id.to_string(),
        "update",
        serde_json::json!({"name": row.name, "version": version}),
    )
    .await?;
    txn.commit().await?;
    Ok(Template {
        row,
        fields: v.fields,
    })
}

/// One copy made by a deployment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = GdprDeployed)]
pub struct Deployed {
    /// The member's slug.
    pub member: String,
    pub id: uuid::Uuid,
}

/// Deploys a template's current version to members the user serves (as a draft in each
/// register). Every member is checked first: one the user does not serve, or that already
/// has a copy in force, stops the whole deployment, naming it.
///
/// # Errors
/// 422 naming the first member refused; 404 for an unknown template; database errors.
pub async fn deploy<
    C: ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
>(
    db: &C,
    scope: &ServedScope,
    id: i64,
    slugs: &[String],
) -> AppResult<Vec<Deployed>> {
    let t = get(db, id).await?;
    if slugs.is_empty() {
        return Err(AppError::field(
            "members",
            "Choisissez au moins un adhérent.",
        ));
    }
    let mut targets = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        let field = format!("members[{i}]");
        let Some(s) = scope.member(slug.trim()) else {
            return Err(AppError::field(
                &field,
                format!(
                    "« {} » n’est pas un adhérent que vous suivez comme DPO.",
                    slug.trim()
                ),
            ));
        };
        let existing = gdpr_activities::Entity::find_in(s.tenant())
            .filter(gdpr_activities::Column::TemplateId.eq(id))
            .filter(gdpr_activities::Column::ArchivedAt.is_null())
            .one(db)
            .await?;
        if existing.is_some() {
            return Err(AppError::field(
                &field,
                format!("{} a déjà ce modèle dans son registre.", s.member.name),
            ));
        }
        if targets
            .iter()
            .any(|(x, _): &(String, _)| x == &s.member.slug)
        {
            continue;
        }
        targets.push((s.member.slug.clone(), s.tenant()));
    }
    let v = t
        .fields
        .to_input()
        .validate()
        .map_err(AppError::Validation)?;
    let meters = &scope.services().meters;
    let by = scope.actor().label;
    let mut out = Vec::new();
    for (slug, tenant) in targets {
        let w = Write::begin(db, tenant, scope.actor(), meters).await?;
        let a = activities::insert(
            &w,
            &by,
            &v,
            Some(FromTemplate {
                template_id: id,
                version: t.row.current_version,
                fields: &t.fields,
            }),
        )
        .await?;
        w.commit().await?;
        out.push(Deployed {
            member: slug,
            id: a.id,
        });
    }
    Ok(out)
}
