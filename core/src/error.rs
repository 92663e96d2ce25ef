//! `AppError`: every failure a handler can meet, with its HTTP status and a French
//! message for the user. Internal details go to the log, never to the client.
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// A validation failure on one field of a request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed; the message says what to fix.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 422: one or more fields are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 401: no valid session, token or API key.
    #[error("unauthenticated")]
    Unauthorized,
    /// 403: authenticated but not allowed; the message is safe to show.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 403: the member does not subscribe to the module of this route.
    #[error("module not subscribed: {0}")]
    NotSubscribed(String),
    /// 404: not found, or not visible to this user (never says which).
    #[error("not found")]
    NotFound,
    /// 409: the action conflicts with the current state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 429: too many attempts; try again later.
    #[error("too many requests")]
    TooManyRequests,
    /// 500: a database failure (details logged only).
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// 500: anything else unexpected (details logged only).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<loco_rs::Error> for AppError {
    fn from(err: loco_rs::Error) -> Self {
        Self::Unexpected(anyhow::anyhow!(err.to_string()))
    }
}

impl From<casbin::Error> for AppError {
    fn from(err: casbin::Error) -> Self {
        Self::Unexpected(anyhow::anyhow!(err.to_string()))
    }
}

impl AppError {
    /// Shortcut for a single-field validation error.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::NotSubscribed(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Db(_) | Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The French message shown to the user.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::BadRequest(m) | Self::Forbidden(m) | Self::Conflict(m) => m.clone(),
            Self::Validation(errors) => errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
            Self::Unauthorized => "Authentification requise.".to_string(),
            Self::NotSubscribed(module) => format!(
                "Votre association n’est pas abonnée au module « {module} ». \
                 Demandez à la coopérative de l’activer."
            ),
            Self::NotFound => "Page ou ressource introuvable.".to_string(),
            Self::TooManyRequests => "Trop de tentatives. Réessayez dans une minute.".to_string(),
            Self::Db(_) | Self::Unexpected(_) => {
                "Une erreur interne est survenue. L’équipe technique a été prévenue.".to_string()
            }
        }
    }

    /// Logs the failure once, at the boundary, with details for 5xx.
    pub fn log(&self) {
        match self {
            Self::Db(e) => tracing::error!(error = %e, "database error"),
            Self::Unexpected(e) => tracing::error!(error = ?e, "unexpected error"),
            Self::Forbidden(_) | Self::NotSubscribed(_) => {
                tracing::warn!(error = %self, "access denied");
            }
            _ => tracing::debug!(error = %self, "request refused"),
        }
    }
}

/// The body of every API error: the French message, and the invalid fields (422).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let errors = match &self {
            Self::Validation(errors) => Some(errors.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: self.message(),
            errors,
        };
        let mut res = (self.status(), Json(body)).into_response();
        if matches!(self, Self::TooManyRequests) {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(crate::auth::RETRY_AFTER_SECONDS),
            );
        }
        res
    }
}

/// The result type of core services and handlers.
pub type AppResult<T> = Result<T, AppError>;

/// True when a database error is a unique-constraint violation (SQLite and PostgreSQL).
#[must_use]
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
