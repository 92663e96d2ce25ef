//! Users and authentication: argon2id passwords, server-side sessions for the web UI,
//! JWT for the API, API keys for external usage sources, login throttling and
//! password reset by e-mailed token. Messages never reveal whether an account exists.
//! Passwords (hashing, policy, reset, change) are in [`password`].
mod password;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
pub use password::*;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    audit::{self, Actor},
    entities::{api_keys, login_failures, sessions, users},
    error::{AppError, AppResult, FieldError, is_unique_violation},
    member,
};

/// Failed logins of one account from one IP address within a minute before refusing
/// that pair.
pub const MAX_FAILURES_PER_MINUTE: u64 = 5;
/// Failed logins of one account from any address within a minute (a distributed guess).
pub const MAX_ACCOUNT_FAILURES_PER_MINUTE: u64 = 20;
/// Failed logins from one address, any account, within a minute: high, since a whole
/// association may sign in behind one office router.
pub const MAX_IP_FAILURES_PER_MINUTE: u64 = 100;
/// Failed logins from one address within an hour: credential stuffing spread over many
/// accounts, slowed to a trickle once the per-minute ceiling has been met a few times.
pub const MAX_IP_FAILURES_PER_HOUR: u64 = 300;
/// How long failed logins are kept for the ceilings (older rows are purged as new ones
/// come: an attack does not grow the table without bound).
pub const FAILURES_KEPT: Duration = Duration::hours(1);
/// What a throttled client is told to wait (`Retry-After`, seconds).
pub const RETRY_AFTER_SECONDS: u64 = 60;
/// A session ends after this long without activity.
pub const SESSION_IDLE: Duration = Duration::hours(2);
/// A session ends this long after login, whatever the activity.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// A password-reset link is valid this long.
pub const RESET_VALIDITY: Duration = Duration::hours(1);

/// The message for any failed login (no user enumeration).
pub const BAD_CREDENTIALS: &str = "E-mail ou mot de passe incorrect.";

/// A random URL-safe token (256 bits).
#[must_use]
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token, as stored (tokens themselves are never stored).
#[must_use]
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Input to create a user.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NewUser {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub password: String,
}

/// Creates a user.
///
/// # Errors
/// Validation errors (422) including a taken e-mail; database errors.
pub async fn create_user<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    input: &NewUser,
) -> AppResult<users::Model> {
    let mut errors = Vec::new();
    let email = member::email(&input.email).map_err(|m| errors.push(FieldError::new("email", m)));
    let mut c = crate::limits::Check::new();
    let name = c.text(
        "name",
        "Le nom",
        &input.name,
        crate::limits::Text::Name,
        "Le nom est obligatoire.",
    );
    errors.extend(c.into_errors());
    if let Err(m) = check_password_policy(&input.password) {
        errors.push(FieldError::new("password", m));
    }
    let Ok(email) = email else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = Utc::now();
    let user = users::ActiveModel {
        email: Set(email),
        name: Set(name),
        password_hash: Set(hash_password(&input.password)?),
        disabled_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::field("email", "Un compte existe déjà avec cette adresse e-mail.")
        } else {
            e.into()
        }
    })?;
    audit::record(
        db,
        actor,
        None,
        "user",
        &user.id.to_string(),
        "create",
        serde_json::json!({"email": user.email}),
    )
    .await?;
    Ok(user)
}

/// Finds a user by id.
///
/// # Errors
/// Database errors.
pub async fn find_user<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<Option<users::Model>> {
    Ok(users::Entity::find_by_id(id).one(db).await?)
}

/// Finds a user by e-mail (case-insensitive).
///
/// # Errors
/// Database errors.
pub async fn find_user_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> AppResult<Option<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

async fn failures_since<C: ConnectionTrait>(
    db: &C,
    key: &str,
    since: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(login_failures::Entity::find()
        .filter(login_failures::Column::ThrottleKey.eq(key))
        .filter(login_failures::Column::At.gt(since))
        .count(db)
        .await?)
}

/// One ceiling of the login throttle: at most `max` failures under `key` within `window`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ceiling {
    key: String,
    max: u64,
    window: Duration,
}

impl Ceiling {
    fn per_minute(key: String, max: u64) -> Self {
        Self {
            key,
            max,
            window: Duration::minutes(1),
        }
    }
}

/// The ceilings of a sign-in (or of a password check) for `email` from `ip`: per
/// account, per (account, address) and per address (a minute and an hour).
pub(crate) fn throttle_keys(email: &str, ip: Option<&str>) -> Vec<Ceiling> {
    let mut keys = vec![
        Ceiling::per_minute(format!("email:{email}"), MAX_ACCOUNT_FAILURES_PER_MINUTE),
        Ceiling::per_minute(
            format!("pair:{email}|{}", ip.unwrap_or("-")),
            MAX_FAILURES_PER_MINUTE,
        ),
    ];
    if let Some(ip) = ip {
        keys.push(Ceiling::per_minute(
            format!("ip:{ip}"),
            MAX_IP_FAILURES_PER_MINUTE,
        ));
        keys.push(Ceiling {
            key: format!("ip:{ip}"),
            max: MAX_IP_FAILURES_PER_HOUR,
            window: Duration::hours(1),
        });
    }
    keys
}

/// Refuses when one of the ceilings is reached.
pub(crate) async fn check_throttle<C: ConnectionTrait>(db: &C, keys: &[Ceiling]) -> AppResult<()> {
    let now = Utc::now();
    for c in keys {
        if failures_since(db, &c.key, now - c.window).await? >= c.max {
            // The kind of key only (`email`, `pair` or `ip`): never the e-mail typed.
            tracing::warn!(
                key = c.key.split(':').next().unwrap_or_default(),
                "login throttled"
            );
            return Err(AppError::TooManyRequests);
        }
    }
    Ok(())
}

/// Counts one failure under each key (once per key), and purges the failures of those
/// keys older than [`FAILURES_KEPT`].
pub(crate) async fn record_failure<C: ConnectionTrait>(
    db: &C,
    keys: Vec<Ceiling>,
) -> AppResult<()> {
    let now = Utc::now();
    let mut seen: Vec<String> = Vec::new();
    for c in keys {
        if seen.contains(&c.key) {
            continue;
        }
        login_failures::Entity::delete_many()
            .filter(login_failures::Column::ThrottleKey.eq(c.key.as_str()))
            .filter(login_failures::Column::At.lt(now - FAILURES_KEPT))
            .exec(db)
            .await?;
        login_failures::ActiveModel {
            throttle_key: Set(c.key.clone()),
            at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        seen.push(c.key);
    }
    Ok(())
}

/// Checks credentials, with throttling per (account, IP address), per account and per
/// IP address (see the ceilings above).
///
/// # Errors
/// `TooManyRequests` (429) after too many failures in the last minute;
/// `Unauthorized` with no detail on a bad e-mail, password or disabled account.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    email: &str,
    password: &str,
    ip: Option<&str>,
) -> AppResult<users::Model> {
    let email = email.trim().to_lowercase();
    let keys = throttle_keys(&email, ip);
    check_throttle(db, &keys).await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash) && u.disabled_at.is_none(),
        None => {
            // Same work as for a real account, so timing does not tell either.
            let _ = verify_password(password, DUMMY_HASH);
            false
        }
    };
    match user {
        Some(u) if ok => {
            tracing::info!(user_id = u.id, "login");
            Ok(u)
        }
        _ => {
            // Never the e-mail typed: it may be a password typed in the wrong field.
            tracing::warn!(user_id = ?user.as_ref().map(|u| u.id), ip = ?ip, "failed login");
            record_failure(db, keys).await?;
            Err(AppError::Unauthorized)
        }
    }
}

const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0eJ7sCx6Y0mLmYoK8cX2m1Zq9o2k3m6dJ2T8dWb2YJk";

/// A new server-side session: returns the cookie token (only its hash is stored).
///
/// # Errors
/// Database errors.
pub async fn open_session<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> AppResult<(String, sessions::Model)> {
    let token = random_token();
    let now = Utc::now();
    let s = sessions::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id),
        csrf_token: Set(random_token()),
        member_slug: Set(None),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + SESSION_ABSOLUTE),
    }
    .insert(db)
    .await?;
    Ok((token, s))
}

/// Loads a live session from its cookie token, refreshing its activity time.
///
/// # Errors
/// Database errors.
pub async fn load_session<C: ConnectionTrait>(
    db: &C,
    caches: &crate::cache::Caches,
    token: &str,
) -> AppResult<Option<(sessions::Model, users::Model)>> {
    let Some(s) = sessions::Entity::find_by_id(token_hash(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if s.expires_at <= now || s.last_seen_at + SESSION_IDLE <= now {
        sessions::Entity::delete_by_id(s.token_hash.clone())
            .exec(db)
            .await?;
        return Ok(None);
    }
    let Some(user) = caches.user(db, s.user_id).await? else {
        return Ok(None);
    };
    let user = (*user).clone();
    if user.disabled_at.is_some() {
        return Ok(None);
    }
    let s = if now - s.last_seen_at > Duration::minutes(1) {
        let mut am: sessions::ActiveModel = s.into();
        am.last_seen_at = Set(now);
        am.update(db).await?
    } else {
        s
    };
    Ok(Some((s, user)))
}

/// Ends a session server-side.
///
/// # Errors
/// Database errors.
pub async fn close_session<C: ConnectionTrait>(db: &C, token: &str) -> AppResult<()> {
    sessions::Entity::delete_by_id(token_hash(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Remembers the member last chosen in the switcher.
///
/// # Errors
/// Database errors.
pub async fn set_session_member<C: ConnectionTrait>(
    db: &C,
    session: &sessions::Model,
    slug: &str,
) -> AppResult<()> {
    let mut am: sessions::ActiveModel = session.clone().into();
    am.member_slug = Set(Some(slug.to_string()));
    am.update(db).await?;
    Ok(())
}

/// JWT claims of the API token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
}

/// Issues an HS256 JWT for a user.
///
/// # Errors
/// Unexpected encoding failures.
pub fn issue_jwt(secret: &str, user_id: i64, ttl_seconds: u64) -> AppResult<String> {
    let now = Utc::now().timestamp();
    let claims = Claims {
        sub: user_id.to_string(),
        iat: now,
        exp: now + i64::try_from(ttl_seconds).unwrap_or(3600),
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| AppError::Unexpected(anyhow::anyhow!("jwt: {e}")))
}

/// Verifies a JWT (HS256 only, expiry enforced) and returns the user id.
#[must_use]
pub fn verify_jwt(secret: &str, token: &str) -> Option<i64> {
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.leeway = 0;
    jsonwebtoken::decode::<Claims>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()),
        &v,
    )
    .ok()
    .and_then(|d| d.claims.sub.parse().ok())
}

/// Disables or re-enables an account; disabling ends its sessions.
///
/// # Errors
/// Database errors; 404 for an unknown user.
pub async fn set_disabled<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    user_id: i64,
    disabled: bool,
) -> AppResult<users::Model> {
    let user = find_user(db, user_id).await?.ok_or(AppError::NotFound)?;
    let mut am: users::ActiveModel = user.into();
    am.disabled_at = Set(disabled.then(Utc::now));
    am.updated_at = Set(Utc::now());
    let user = am.update(db).await?;
    crate::cache::changed(crate::cache::Kind::Users);
    if disabled {
        sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(user.id))
            .exec(db)
            .await?;
    }
    audit::record(
        db,
        actor,
        None,
        "user",
        &user.id.to_string(),
        if disabled { "disable" } else { "enable" },
        serde_json::json!({}),
    )
    .await?;
    Ok(user)
}

/// Creates an API key for an external usage source; returns the key, shown once.
///
/// # Errors
/// 422 on an empty name; database errors.
pub async fn create_api_key<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    name: &str,
) -> AppResult<(api_keys::Model, String)> {
    let mut c = crate::limits::Check::new();
    let name = c.text(
        "name",
        "Le nom",
        name,
        crate::limits::Text::Name,
        "Donnez un nom à la clé (ex. « Outil de tickets »).",
    );
    c.finish(|| Some(())).map_err(AppError::Validation)?;
    let name = name.as_str();
    let taken = api_keys::Entity::find()
        .filter(api_keys::Column::Name.eq(name))
        .filter(api_keys::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(AppError::field(
            "name",
            "Une clé active porte déjà ce nom : choisissez-en un autre ou révoquez l’ancienne.",
        ));
    }
    let key = format!("mk_{}", random_token());
    let row = api_keys::ActiveModel {
        name: Set(name.to_string()),
        prefix: Set(key.chars().take(10).collect()),
        key_hash: Set(token_hash(&key)),
        created_by: Set(actor.user_id.unwrap_or_default()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        actor,
        None,
        "api_key",
        &row.id.to_string(),
        "create",
        serde_json::json!({"name": row.name, "prefix": row.prefix}),
    )
    .await?;
    Ok((row, key))
}

/// Finds the live API key matching a presented key.
///
/// # Errors
/// Database errors.
pub async fn find_api_key<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> AppResult<Option<api_keys::Model>> {
    Ok(api_keys::Entity::find()
        .filter(api_keys::Column::KeyHash.eq(token_hash(key)))
        .filter(api_keys::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// Revokes an API key.
///
/// # Errors
/// 404 for an unknown key; database errors.
pub async fn revoke_api_key<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
) -> AppResult<()> {
    let k = api_keys::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am: api_keys::ActiveModel = k.into();
    am.revoked_at = Set(Some(Utc::now()));
    let k = am.update(db).await?;
    audit::record(
        db,
        actor,
        None,
        "api_key",
        &k.id.to_string(),
        "revoke",
        serde_json::json!({}),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
    }

    #[test]
    fn an_unknown_account_costs_a_whole_verification() {
        // The dummy hash parses, with the parameters of real hashes: verifying against it
        // runs the whole argon2 computation, so a wrong e-mail answers as slowly as a
        // wrong password (no enumeration by timing).
        let dummy = argon2::PasswordHash::new(DUMMY_HASH).expect("the dummy hash parses");
        let real_hash = hash_password("correct horse battery").unwrap();
        let real = argon2::PasswordHash::new(&real_hash).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.params, real.params);
        assert_eq!(
            dummy.hash.map(|h| h.len()),
            real.hash.map(|h| h.len()),
            "an output of the same length"
        );
        assert!(!verify_password("anything", DUMMY_HASH));
    }

    #[test]
    fn jwt_round_trip_and_tamper() {
        let t = issue_jwt("secret-1", 42, 60).unwrap();
        assert_eq!(verify_jwt("secret-1", &t), Some(42));
        assert_eq!(verify_jwt("secret-2", &t), None);
        let expired = issue_jwt("secret-1", 42, 0).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(verify_jwt("secret-1", &expired), None);
    }
}
