//! Form extractors that check the CSRF token before the handler runs: `WebForm` for
//! signed-in users (the session's token), `AnonForm` for the login and password pages
//! (a double-submit cookie).
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use loco_rs::app::AppContext;
use serde::{Deserialize, de::DeserializeOwned};

use axum::response::Response;

use crate::{
    auth::random_token,
    error::{AppError, AppResult},
    scope::Identity,
    web::error::PageError,
};

/// The anonymous forms' CSRF cookie.
pub const CSRF_COOKIE: &str = "mutualis_csrf";

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

fn expired(path: &str) -> PageError {
    PageError::new(
        AppError::Forbidden(
            "Le formulaire a expiré ou ne vient pas de Mutualis. Rechargez la page et réessayez."
                .to_string(),
        ),
        true,
        path,
    )
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn read_form<T: DeserializeOwned>(
    req: Request,
    ctx: &AppContext,
    path: &str,
) -> Result<(T, String), PageError> {
    let bytes = axum::body::Bytes::from_request(req, ctx)
        .await
        .map_err(|_| {
            PageError::new(
                AppError::BadRequest("Formulaire illisible.".to_string()),
                true,
                path,
            )
        })?;
    let csrf: CsrfField = serde_urlencoded_parse(&bytes).map_err(|()| expired(path))?;
    let value: T = serde_urlencoded_parse(&bytes).map_err(|()| {
        PageError::new(
            AppError::BadRequest("Formulaire incomplet ou mal formé.".to_string()),
            true,
            path,
        )
    })?;
    Ok((value, csrf.csrf))
}

fn serde_urlencoded_parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ()> {
    serde_html_form::from_bytes(bytes).map_err(|_| ())
}

/// The body of a form that carries nothing but its CSRF token (a button).
#[derive(Debug, Deserialize, Default)]
pub struct EmptyForm {}

/// A form posted by a signed-in user, with its CSRF token checked.
#[derive(Debug)]
pub struct WebForm<T> {
    pub identity: Identity,
    pub value: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppContext> for WebForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, ctx: &AppContext) -> Result<Self, Self::Rejection> {
        let path = req.uri().path().to_string();
        let (mut parts, body) = req.into_parts();
        let identity = Identity::from_request_parts(&mut parts, ctx).await?;
        let req = Request::from_parts(parts, body);
        let (value, csrf) = read_form::<T>(req, ctx, &path).await?;
        let expected = identity
            .session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or_default();
        if expected.is_empty() || !constant_eq(&csrf, expected) {
            tracing::warn!(user_id = identity.user.id, path, "CSRF token mismatch");
            return Err(expired(&path));
        }
        Ok(Self { identity, value })
    }
}

/// Checks the CSRF token of a form the extractors cannot read (a multipart upload).
///
/// # Errors
/// 403 with the "form expired" page when the token is not the session's.
pub fn check_csrf(identity: &Identity, token: &str, path: &str) -> Result<(), PageError> {
    let expected = identity
        .session
        .as_ref()
        .map(|s| s.csrf_token.as_str())
        .unwrap_or_default();
    if expected.is_empty() || !constant_eq(token, expected) {
        tracing::warn!(user_id = identity.user.id, path, "CSRF token mismatch");
        return Err(expired(path));
    }
    Ok(())
}

/// A form posted by an anonymous visitor, checked against the CSRF cookie.
#[derive(Debug)]
pub struct AnonForm<T> {
    pub value: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppContext> for AnonForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, ctx: &AppContext) -> Result<Self, Self::Rejection> {
        let path = req.uri().path().to_string();
        let jar = CookieJar::from_headers(req.headers());
        let cookie = jar
            .get(CSRF_COOKIE)
            .map(|c| c.value().to_string())
            .unwrap_or_default();
        let (value, csrf) = read_form::<T>(req, ctx, &path).await?;
        if cookie.is_empty() || !constant_eq(&csrf, &cookie) {
            tracing::warn!(path, "anonymous CSRF token mismatch");
            return Err(expired(&path));
        }
        Ok(Self { value })
    }
}

/// The anonymous CSRF token of this visitor, and the cookie to set when it is new.
#[must_use]
pub fn anon_csrf(jar: &CookieJar, secure: bool) -> (String, Option<Cookie<'static>>) {
    if let Some(c) = jar.get(CSRF_COOKIE) {
        return (c.value().to_string(), None);
    }
    let token = random_token();
    let mut c = Cookie::new(CSRF_COOKIE, token.clone());
    c.set_path("/");
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(secure);
    (token, Some(c))
}

/// Where a form goes once its action succeeded: a 303 to `to`, with a success flash.
#[derive(Debug, Clone)]
pub struct Done {
    pub to: String,
    pub message: String,
}

impl Done {
    #[must_use]
    pub fn new(to: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            to: to.into(),
            message: message.into(),
        }
    }
}

/// The answer to a form's POST, the one shape every page handler uses:
/// - the action succeeded → 303 to `done(&value).to`, with its success flash;
/// - field errors (`AppError::Validation`) → `again(errors)`: the form page once more,
///   with what was typed and each error under its field (the caller answers 422);
/// - any other error → the French error page with its status.
///
/// # Errors
/// The error page of a non-validation error, or whatever `again` returns.
pub async fn form_reply<T, Fut>(
    result: AppResult<T>,
    done: impl FnOnce(&T) -> Done,
    again: impl FnOnce(serde_json::Value) -> Fut,
) -> Result<Response, PageError>
where
    Fut: Future<Output = Result<Response, PageError>>,
{
    match result {
        Ok(v) => {
            let d = done(&v);
            Ok(crate::web::page::redirect_with_flash(
                &d.to, "success", &d.message,
            ))
        }
        Err(AppError::Validation(errs)) => again(crate::web::views::errors_map(errs)).await,
        Err(e) => Err(e.into()),
    }
}
