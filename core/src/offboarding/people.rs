//! A member's people: the grants held in its domain and the accounts holding them.
use loco_rs::app::AppContext;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::{
    authz::{Grant, Role, member_domain},
    entities::{casbin_rule, users},
    error::AppResult,
};

/// The grants of a member's domain and their accounts.
#[derive(Debug, Clone, Default)]
pub struct People {
    pub grants: Vec<Grant>,
    pub users: Vec<users::Model>,
}

fn user_of(subject: &str) -> Option<i64> {
    subject.strip_prefix("user:")?.parse().ok()
}

/// The grants (casbin `g` rows) held in `member_id`'s domain, read from the table
/// (tasks run without the enforcer).
///
/// # Errors
/// Database errors.
pub async fn grants<C: ConnectionTrait>(db: &C, member_id: i64) -> AppResult<Vec<Grant>> {
    let rows = casbin_rule::Entity::find()
        .filter(casbin_rule::Column::Ptype.eq("g"))
        .filter(casbin_rule::Column::V2.eq(member_domain(member_id)))
        .order_by_asc(casbin_rule::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Grant {
                user_id: user_of(&r.v0)?,
                role: Role::parse(&r.v1)?,
                member_id: Some(member_id),
            })
        })
        .collect())
}

/// Whether the user holds a grant anywhere but in `member_id`'s domain (another
/// member, the cooperative).
///
/// # Errors
/// Database errors.
pub async fn has_other_grants<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    member_id: i64,
) -> AppResult<bool> {
    let n = casbin_rule::Entity::find()
        .filter(casbin_rule::Column::Ptype.eq("g"))
        .filter(casbin_rule::Column::V0.eq(crate::authz::subject(user_id)))
        .filter(casbin_rule::Column::V2.ne(member_domain(member_id)))
        .all(db)
        .await?;
    Ok(!n.is_empty())
}

/// The member's grants and the accounts holding them.
///
/// # Errors
/// Database errors.
pub async fn of_member(ctx: &AppContext, member_id: i64) -> AppResult<People> {
    let grants = grants(&ctx.db, member_id).await?;
    let mut ids: Vec<i64> = grants.iter().map(|g| g.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let users = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .order_by_asc(users::Column::Id)
        .all(&ctx.db)
        .await?;
    Ok(People { grants, users })
}

/// The public fields of an account (never its password hash, tokens or keys).
#[must_use]
pub fn public_fields(u: &users::Model) -> Value {
    json!({
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "disabled_at": u.disabled_at.map(|d| d.to_rfc3339()),
        "created_at": u.created_at.to_rfc3339(),
        "updated_at": u.updated_at.to_rfc3339(),
    })
}
