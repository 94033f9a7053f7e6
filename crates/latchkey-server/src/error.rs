//! Every failure of a request, and the one place where it becomes a response
//! in the contract's error shape.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use latchkey_core::authorize::Denied;
use latchkey_core::delegation::Refused;
use latchkey_core::resource::ChangeError;
use latchkey_core::validation::{FieldError, ValidationErrors};
use latchkey_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_context;

/// Why a request failed. Messages never carry a credential.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the named fields are invalid.
    Validation(ValidationErrors),
    /// 401: no credential, or one that does not authenticate.
    Unauthorized(AuthFailure),
    /// 403: the caller lacks a permission.
    Forbidden {
        /// What is refused.
        message: String,
        /// The request fields whose grant the caller cannot make, one entry
        /// per permission it lacks (empty when no field is at fault).
        fields: Vec<FieldError>,
    },
    /// 404: no such object (or one in another account).
    NotFound(String),
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: a duplicate name or an illegal state change.
    Conflict {
        /// What conflicts.
        message: String,
        /// The fields concerned, if any.
        fields: Vec<FieldError>,
    },
    /// 409: a plan limit is reached.
    LimitExceeded(String),
    /// 413: the body is over the limit.
    PayloadTooLarge,
    /// 429: too many failed authentications from this address.
    TooManyRequests {
        /// Seconds until the next attempt may succeed.
        retry_after: u64,
    },
    /// 503: the request took longer than the server allows.
    Timeout,
    /// 503: the store cannot be reached now (its database is down);
    /// answered with `Retry-After`.
    Unavailable,
    /// 500: something broke; the details are logged, never sent.
    Internal,
}

/// Why a request is unauthenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization` header.
    Missing,
    /// A header that is not `Bearer <credential>`.
    Malformed,
    /// A credential that does not authenticate (unknown, wrong secret,
    /// inactive, revoked, expired, …). One answer for all, on purpose.
    Invalid,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always `error`.
    #[schema(example = "error")]
    pub object: &'static str,
    /// The HTTP status code.
    #[schema(example = 404)]
    pub code: u16,
    /// The error type: `validation_error`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `conflict`, `limit_exceeded`,
    /// `payload_too_large`, `too_many_requests`, `service_unavailable`,
    /// `internal_server_error`.
    #[serde(rename = "type")]
    #[schema(example = "not_found")]
    pub error_type: &'static str,
    /// A sentence for humans.
    pub message: String,
    /// Equal to the response's `X-Request-Id` header.
    pub request_id: String,
    /// Each invalid field for `validation_error`; for `forbidden`, each
    /// permission the caller lacks for the grant a field asks for; for
    /// `conflict`, the fields concerned (empty otherwise).
    #[schema(value_type = Vec<FieldErrorSchema>)]
    pub fields: Vec<FieldError>,
}

/// One invalid field.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct FieldErrorSchema {
    /// The field as the API spells it (`name`, `scopes[2]`).
    pub name: String,
    /// What is wrong with it.
    pub message: String,
}

/// The `Retry-After` of a 503 for an unreachable store: a database back up
/// answers within a second (the pool reconnects on the next request).
pub const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 1;

impl ApiError {
    /// A 409 `conflict` with a message.
    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::Conflict {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A 403 `forbidden` naming no field.
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::Forbidden {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A 400 naming one field.
    pub fn field(name: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(ValidationErrors::single(name, message))
    }

    /// The status, the sentence and the named fields of the error, as its
    /// response would carry them (for pages that show errors their own
    /// way: the console).
    pub fn describe(&self) -> (StatusCode, String, Vec<FieldError>) {
        let fields = match self {
            ApiError::Validation(errors) => errors.fields.clone(),
            ApiError::Conflict { fields, .. } | ApiError::Forbidden { fields, .. } => {
                fields.clone()
            }
            _ => Vec::new(),
        };
        (self.status(), self.message(), fields)
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } | ApiError::LimitExceeded(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout | ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_type(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_error",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict { .. } => "conflict",
            ApiError::LimitExceeded(_) => "limit_exceeded",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Timeout | ApiError::Unavailable => "service_unavailable",
            ApiError::Internal => "internal_server_error",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Validation(errors) => {
                let names: Vec<&str> = errors.fields.iter().map(|f| f.name.as_str()).collect();
                format!("invalid request: check {}", names.join(", "))
            }
            ApiError::Unauthorized(AuthFailure::Missing) => {
                "authentication required: send `Authorization: Bearer <credential>`".into()
            }
            ApiError::Unauthorized(AuthFailure::Malformed) => {
                "the Authorization header must be `Bearer <credential>`".into()
            }
            ApiError::Unauthorized(AuthFailure::Invalid) => {
                "the credential is invalid, inactive, revoked or expired".into()
            }
            ApiError::Forbidden { message, .. }
            | ApiError::NotFound(message)
            | ApiError::Conflict { message, .. }
            | ApiError::LimitExceeded(message) => message.clone(),
            ApiError::MethodNotAllowed => "method not allowed on this path".into(),
            ApiError::PayloadTooLarge => format!(
                "the request body is larger than {} bytes",
                crate::config::BODY_LIMIT
            ),
            ApiError::TooManyRequests { .. } => {
                "too many failed authentications from this address; retry later".into()
            }
            ApiError::Timeout => "the request took too long".into(),
            ApiError::Unavailable => {
                "the service cannot reach its store right now; retry later".into()
            }
            ApiError::Internal => "internal server error".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let request_id = request_context::current_request_id();
        let body = ErrorBody {
            object: "error",
            code: status.as_u16(),
            error_type: self.error_type(),
            message: self.message(),
            request_id,
            fields: match &self {
                ApiError::Validation(errors) => errors.fields.clone(),
                ApiError::Conflict { fields, .. } | ApiError::Forbidden { fields, .. } => {
                    fields.clone()
                }
                _ => Vec::new(),
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized(AuthFailure::Missing) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"latchkey\""),
                );
            }
            ApiError::Unauthorized(AuthFailure::Malformed) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "Bearer realm=\"latchkey\", error=\"invalid_request\"",
                    ),
                );
            }
            ApiError::Unauthorized(AuthFailure::Invalid) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"latchkey\", error=\"invalid_token\""),
                );
            }
            ApiError::TooManyRequests { retry_after } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
            }
            ApiError::Unavailable => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECONDS),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { kind } => ApiError::NotFound(format!("{kind} not found")),
            StoreError::OutsideScope { kind } => ApiError::forbidden(format!(
                "the {kind} belongs to an application of another user: an `:any` permission is needed"
            )),
            StoreError::Refused(refused) => refused.into(),
            StoreError::Duplicate { field, value } => ApiError::Conflict {
                message: format!("{field} `{value}` is already taken"),
                fields: vec![FieldError {
                    name: field.to_owned(),
                    message: "is already taken".to_owned(),
                }],
            },
            StoreError::Conflict(message) => ApiError::conflict(message),
            StoreError::LimitExceeded(limit) => ApiError::LimitExceeded(limit.to_string()),
            StoreError::Change(change) => change.into(),
            StoreError::Invalid(errors) => ApiError::Validation(errors),
            // Failing closed: nothing is served from memory instead.
            StoreError::Unavailable(reason) => {
                tracing::warn!(%reason, "the store is unavailable");
                ApiError::Unavailable
            }
            error @ (StoreError::SchemaTooNew { .. }
            | StoreError::Corrupt(_)
            | StoreError::Backend(_)) => {
                tracing::error!(%error, "store failure");
                ApiError::Internal
            }
        }
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::ScopesExceedOwner { .. } => ApiError::field("scopes", refused.to_string()),
            Refused::Overreach { .. } | Refused::UnscopedNeedsEveryPermission { .. } => {
                let field = refused.field().to_owned();
                ApiError::Forbidden {
                    fields: refused
                        .lacking()
                        .iter()
                        .map(|permission| FieldError {
                            name: field.clone(),
                            message: format!("the acting credential lacks `{permission}`"),
                        })
                        .collect(),
                    message: refused.to_string(),
                }
            }
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::Invalid(errors) => ApiError::Validation(errors),
            other => ApiError::conflict(other.to_string()),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::Validation(errors)
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotFound => ApiError::NotFound("not found".into()),
            Denied::Forbidden { missing } => {
                ApiError::forbidden(format!("missing permission `{missing}`"))
            }
        }
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
