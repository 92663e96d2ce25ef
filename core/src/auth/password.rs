//! Passwords: argon2id hashing, the policy, the reset by e-mailed token and the change
//! from the account page (current password checked under the sign-in throttle).
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde::Deserialize;

use super::{
    RESET_VALIDITY, check_throttle, find_user, random_token, record_failure, throttle_keys,
    token_hash,
};
use crate::{
    audit::{self, Actor},
    entities::{password_resets, sessions, users},
    error::{AppError, AppResult, FieldError},
};

/// Hashes a password with argon2id.
///
/// # Errors
/// Unexpected hashing failures.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("argon2: {e}")))
}

/// Verifies a password against its stored hash.
#[must_use]
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Reset links sent to one account within an hour; more requests are answered the same
/// way but send nothing.
pub const MAX_RESETS_PER_HOUR: u64 = 3;

/// The shortest password accepted.
pub const MIN_PASSWORD_LENGTH: usize = 12;

/// Checks the password policy.
///
/// # Errors
/// A French message.
pub fn check_password_policy(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LENGTH {
        return Err(format!(
            "Le mot de passe doit comporter au moins {MIN_PASSWORD_LENGTH} caractères."
        ));
    }
    // Hashing is deliberately slow: a bound keeps a huge password from costing more.
    if n > MAX_PASSWORD {
        return Err(format!(
            "Le mot de passe comporte au plus {MAX_PASSWORD} caractères."
        ));
    }
    Ok(())
}

/// The longest password accepted (a passphrase fits; hashing a longer one is not free).
pub const MAX_PASSWORD: usize = 128;

/// A password change from the account page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

/// Changes a signed-in user's password: the current one is checked (a wrong one counts
/// as a failed sign-in, under the same throttle), the new one follows the policy and
/// is typed twice. On success the user's other sessions end (`keep_session`, the
/// token hash of the session making the change, stays open), unused reset links are
/// burnt, and the change is audited. Returns the number of sessions ended.
///
/// # Errors
/// `TooManyRequests` (429) while throttled; 422 naming each wrong field (nothing
/// changed); database errors.
pub async fn change_password<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user_id: i64,
    keep_session: &str,
    input: &PasswordChange,
    ip: Option<&str>,
) -> AppResult<u64> {
    let user = find_user(db, user_id).await?.ok_or(AppError::NotFound)?;
    let keys = throttle_keys(&user.email, ip);
    check_throttle(db, &keys).await?;
    let mut errors = Vec::new();
    let current_ok = !input.current_password.is_empty()
        && verify_password(&input.current_password, &user.password_hash);
    if input.current_password.is_empty() {
        errors.push(FieldError::new(
            "current_password",
            "Saisissez votre mot de passe actuel.",
        ));
    } else if !current_ok {
        tracing::warn!(user_id = user.id, ip = ?ip, "wrong current password");
        record_failure(db, keys).await?;
        errors.push(FieldError::new(
            "current_password",
            "Le mot de passe actuel est incorrect.",
        ));
    }
    if let Err(m) = check_password_policy(&input.password) {
        errors.push(FieldError::new("password", m));
    } else if current_ok && input.password == input.current_password {
        errors.push(FieldError::new(
            "password",
            "Choisissez un mot de passe différent de l’actuel.",
        ));
    }
    if input.password != input.password_confirm {
        errors.push(FieldError::new(
            "password_confirm",
            "Les deux mots de passe ne sont pas identiques.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let mut u: users::ActiveModel = user.into();
    u.password_hash = Set(hash_password(&input.password)?);
    u.updated_at = Set(now);
    let user = u.update(&txn).await?;
    let ended = sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user.id))
        .filter(sessions::Column::TokenHash.ne(keep_session))
        .exec(&txn)
        .await?
        .rows_affected;
    password_resets::Entity::update_many()
        .col_expr(
            password_resets::Column::UsedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(password_resets::Column::UserId.eq(user.id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::user(user.id, &user.email),
        None,
        "user",
        &user.id.to_string(),
        "password_change",
        serde_json::json!({"sessions_closed": ended}),
    )
    .await?;
    txn.commit().await?;
    crate::cache::changed(crate::cache::Kind::Users);
    tracing::info!(
        user_id = user.id,
        sessions_closed = ended,
        "password changed"
    );
    Ok(ended)
}

/// Starts a password reset: returns the token to e-mail, or None when there is no
/// such active account (the caller answers the same either way).
///
/// # Errors
/// Database errors.
pub async fn start_password_reset<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: &str,
) -> AppResult<Option<(users::Model, String)>> {
    let email = email.trim().to_lowercase();
    // One request at a time per account (the user's row locked on PostgreSQL, the
    // write lock taken up front on SQLite): concurrent requests cannot all pass the
    // ceiling below.
    let txn = crate::db::begin_write(db).await?;
    let Some(user) = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|u| u.disabled_at.is_none())
    else {
        return Ok(None);
    };
    let now = Utc::now();
    let recent = password_resets::Entity::find()
        .filter(password_resets::Column::UserId.eq(user.id))
        .filter(password_resets::Column::CreatedAt.gt(now - Duration::hours(1)))
        .count(&txn)
        .await?;
    if recent >= MAX_RESETS_PER_HOUR {
        // Nobody fills a mailbox with reset links; the answer stays the same.
        tracing::warn!(user_id = user.id, "password reset throttled");
        return Ok(None);
    }
    let token = random_token();
    password_resets::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user.id),
        expires_at: Set(now + RESET_VALIDITY),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some((user, token)))
}

/// Completes a password reset: sets the new password, burns the token and ends every
/// open session of the user.
///
/// # Errors
/// 422 on an invalid or expired token or a weak password; database errors.
pub async fn finish_password_reset<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    token: &str,
    new_password: &str,
) -> AppResult<users::Model> {
    check_password_policy(new_password).map_err(|m| AppError::field("password", m))?;
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let reset = password_resets::Entity::find_by_id(token_hash(token))
        .one(&txn)
        .await?
        .filter(|r| r.used_at.is_none() && r.expires_at > now)
        .ok_or_else(|| {
            AppError::field(
                "token",
                "Ce lien de réinitialisation n’est plus valide. Demandez-en un nouveau.",
            )
        })?;
    let user = users::Entity::find_by_id(reset.user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut r: password_resets::ActiveModel = reset.into();
    r.used_at = Set(Some(now));
    r.update(&txn).await?;
    let mut u: users::ActiveModel = user.into();
    u.password_hash = Set(hash_password(new_password)?);
    u.updated_at = Set(now);
    let user = u.update(&txn).await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::user(user.id, &user.email),
        None,
        "user",
        &user.id.to_string(),
        "password_reset",
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    crate::cache::changed(crate::cache::Kind::Users);
    Ok(user)
}
