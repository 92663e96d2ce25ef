//! The people of a member and of the cooperative: granting and revoking roles (always
//! audited), and adding a user to a member (creating the account when it is new).
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Deserialize;
use serde_json::json;

use crate::{
    audit::{self, Actor},
    auth::{self, NewUser},
    authz::{Authz, COOP, Role, member_domain},
    entities::users,
    error::{AppError, AppResult, FieldError},
    member,
};

/// Grants `role` to a user in a member (or the cooperative) and audits it.
///
/// # Errors
/// 422 when the role does not fit the domain or the member is unknown; database errors.
pub async fn grant<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    authz: &Authz,
    actor: &Actor,
    user_id: i64,
    role: Role,
    member_id: Option<i64>,
) -> AppResult<()> {
    if let Some(mid) = member_id
        && !member::list(db).await?.iter().any(|m| m.id == mid)
    {
        return Err(AppError::field("member_id", "Adhérent inconnu."));
    }
    // A person grants only a role they hold themselves in that member (a director holds
    // all of the member's but director), and director (the NIR, the whole member) or a
    // cooperative role only the coop_admin grants.
    if let Some(by) = actor.user_id {
        may_grant(authz, by, role, member_id).await?;
    }
    if authz.grant(user_id, role, member_id).await? {
        audit::record(
            db,
            actor,
            member_id,
            "grant",
            &user_id.to_string(),
            "create",
            json!({"role": role.as_str()}),
        )
        .await?;
    }
    Ok(())
}

/// Whether `by` may grant `role` (in `member_id`): casbin's `roles.{role}` `grant` in
/// that member's domain or the cooperative's (see `Role::policies`).
///
/// # Errors
/// 422 on `role` with the French reason; casbin errors.
pub async fn may_grant(
    authz: &Authz,
    by: i64,
    role: Role,
    member_id: Option<i64>,
) -> AppResult<()> {
    let obj = format!("roles.{}", role.as_str());
    let dom = member_id.map_or_else(|| COOP.to_string(), member_domain);
    if authz.allowed(by, &dom, &obj, "grant").await?
        || authz.allowed(by, COOP, &obj, "grant").await?
    {
        return Ok(());
    }
    Err(AppError::field(
        "role",
        if role.is_coop() || role == Role::Director {
            "Seule l’administration de la coopérative attribue ce rôle."
        } else {
            "Vous ne pouvez attribuer qu’un rôle que vous détenez vous-même dans cet adhérent."
        },
    ))
}

/// Revokes one grant and audits it.
///
/// # Errors
/// Database errors.
pub async fn revoke<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    authz: &Authz,
    actor: &Actor,
    user_id: i64,
    role: Role,
    member_id: Option<i64>,
) -> AppResult<bool> {
    if actor.user_id == Some(user_id) && matches!(role, Role::CoopAdmin | Role::Director) {
        return Err(AppError::Conflict(
            "Vous ne pouvez pas retirer votre propre rôle d’administration ou de direction : \
             demandez-le à une autre personne habilitée."
                .to_string(),
        ));
    }
    let removed = authz.revoke(user_id, role, member_id).await?;
    if removed {
        audit::record(
            db,
            actor,
            member_id,
            "grant",
            &user_id.to_string(),
            "delete",
            json!({"role": role.as_str()}),
        )
        .await?;
    }
    Ok(removed)
}

/// The form to give someone a role in a member.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct MemberUserInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub role: String,
}

/// Gives a member role to an existing account, or creates the account first.
///
/// # Errors
/// 422 with every invalid field; database errors.
pub async fn add_member_user<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    authz: &Authz,
    actor: &Actor,
    member_id: i64,
    input: &MemberUserInput,
) -> AppResult<(users::Model, Role)> {
    let mut errors = Vec::new();
    let role = Role::parse(&input.role).filter(|r| !r.is_coop());
    if role.is_none() {
        errors.push(FieldError::new(
            "role",
            "Choisissez un rôle de l’association.",
        ));
    }
    let email = member::email(&input.email).map_err(|m| errors.push(FieldError::new("email", m)));
    let (Ok(email), Some(role)) = (email, role) else {
        return Err(AppError::Validation(errors));
    };
    // Checked before an account is created: a refused grant leaves nothing behind.
    if let Some(by) = actor.user_id {
        may_grant(authz, by, role, Some(member_id)).await?;
    }
    let user = match auth::find_user_by_email(db, &email).await? {
        Some(u) => u,
        None => {
            auth::create_user(
                db,
                actor,
                &NewUser {
                    email,
                    name: input.name.clone(),
                    password: input.password.clone(),
                },
            )
            .await?
        }
    };
    grant(db, authz, actor, user.id, role, Some(member_id)).await?;
    Ok((user, role))
}

/// The name of the member's director as documents print it: the active account holding
/// the director's role in the member (the lowest account id when there are several),
/// `None` when there is none.
///
/// # Errors
/// Database errors.
pub async fn director_name<C: ConnectionTrait>(
    db: &C,
    authz: &Authz,
    member_id: i64,
) -> AppResult<Option<String>> {
    let mut ids: Vec<i64> = authz
        .all_grants()
        .await
        .into_iter()
        .filter(|g| g.member_id == Some(member_id) && g.role == Role::Director)
        .map(|g| g.user_id)
        .collect();
    ids.sort_unstable();
    for id in ids {
        if let Some(u) = auth::find_user(db, id).await?
            && u.disabled_at.is_none()
        {
            let name = u.name.trim();
            return Ok(Some(if name.is_empty() {
                u.email.clone()
            } else {
                name.to_string()
            }));
        }
    }
    Ok(None)
}
