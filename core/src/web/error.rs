//! Errors on web pages: a redirect to the login page when not signed in, otherwise a
//! French HTML page with the right status. On `/api/` paths, the JSON body of `AppError`.
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};

use crate::error::AppError;

/// An `AppError` that knows whether to answer in HTML or JSON.
#[derive(Debug)]
pub struct PageError {
    pub err: AppError,
    pub html: bool,
    pub path: String,
}

impl PageError {
    #[must_use]
    pub fn new(err: AppError, html: bool, path: &str) -> Self {
        Self {
            err,
            html,
            path: path.to_string(),
        }
    }
}

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        Self {
            err,
            html: true,
            path: String::new(),
        }
    }
}

impl From<sea_orm::DbErr> for PageError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::from(err).into()
    }
}

impl From<loco_rs::Error> for PageError {
    fn from(err: loco_rs::Error) -> Self {
        AppError::from(err).into()
    }
}

/// Percent-encodes a path for a query parameter.
#[must_use]
pub fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if !self.html {
            return self.err.into_response();
        }
        self.err.log();
        if matches!(self.err, AppError::Unauthorized) {
            let to = if self.path.is_empty() || self.path == "/" {
                "/login".to_string()
            } else {
                format!("/login?next={}", encode_component(&self.path))
            };
            return Redirect::to(&to).into_response();
        }
        let mut res = error_page(self.err.status(), &self.err.message());
        if matches!(self.err, AppError::TooManyRequests) {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(crate::auth::RETRY_AFTER_SECONDS),
            );
        }
        res
    }
}

/// The French error page with `status` and its message (escaped).
#[must_use]
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = match status {
        StatusCode::FORBIDDEN => "Accès refusé",
        StatusCode::NOT_FOUND => "Page introuvable",
        StatusCode::TOO_MANY_REQUESTS => "Trop de tentatives",
        StatusCode::METHOD_NOT_ALLOWED => "Méthode non autorisée",
        StatusCode::PAYLOAD_TOO_LARGE => "Contenu trop volumineux",
        s if s.is_client_error() => "Requête invalide",
        _ => "Erreur interne",
    };
    let body = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — Mutualis</title><link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/static/css/app.css\"></head>\
         <body class=\"login-page\"><main id=\"contenu\" class=\"card error-page\"><h1>{title}</h1>\
         <p class=\"error-message\">{}</p><p><a class=\"btn btn-primary\" href=\"/\">Retour à l’accueil</a></p>\
         </main></body></html>",
        crate::mail::escape_html(message)
    );
    (status, Html(body)).into_response()
}

/// The error of every JSON API handler: always answers JSON (`{"error", "errors"?}`),
/// whatever it was converted from, so an API client never receives the HTML error page.
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// The result type of JSON API handlers.
pub type ApiResult<T = Response> = Result<T, ApiError>;

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl From<PageError> for ApiError {
    fn from(err: PageError) -> Self {
        Self(err.err)
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self(err.into())
    }
}

impl From<loco_rs::Error> for ApiError {
    fn from(err: loco_rs::Error) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}
