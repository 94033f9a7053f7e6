//! Every failure of the client, as one enum whose variants follow the API's
//! error shape: a binding maps [`Error::kind`] to one exception class each.

use std::fmt;
use std::time::Duration;

use latchkey_core::access_key::AccessKeyFormatError;
use latchkey_core::jwt::{KeyError, SignError};

pub use latchkey_core::validation::FieldError;

/// The result of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a client call failed. Messages never contain a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error (the API's error body).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The access key is malformed: refused offline, before any request.
    #[error("invalid access key: {0}")]
    InvalidAccessKey(#[from] AccessKeyFormatError),
    /// The request did not get an answer: connection refused or reset, DNS,
    /// TLS, or a timeout.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The server answered with a body that is not what the API promises.
    #[error("unexpected response (HTTP {status}): {message}")]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// What did not fit.
        message: String,
    },
    /// The client is configured wrongly (no base URL, a bad URL, a JWT
    /// lifetime over one hour, …).
    #[error("configuration error: {0}")]
    Config(String),
    /// A JWT could not be minted, or a key could not be read.
    #[error(transparent)]
    Jwt(#[from] JwtError),
}

/// A failure of the JWT signer or of key import.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// The signing key could not be read or does not fit.
    #[error("JWT key error: {0}")]
    Key(#[from] KeyError),
    /// The token could not be signed.
    #[error("JWT signing error: {0}")]
    Sign(#[from] SignError),
}

impl From<KeyError> for Error {
    fn from(error: KeyError) -> Self {
        Error::Jwt(JwtError::Key(error))
    }
}

impl From<SignError> for Error {
    fn from(error: SignError) -> Self {
        Error::Jwt(JwtError::Sign(error))
    }
}

/// A transport failure (no HTTP answer).
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", if self.is_timeout() { "request timed out" } else if self.is_connect() { "could not connect" } else { "transport error" })]
pub struct TransportError {
    #[source]
    source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(source: reqwest::Error) -> Self {
        // reqwest puts the URL in its messages; ours hold no secret there,
        // but a query string could one day: drop it.
        TransportError {
            source: source.without_url(),
        }
    }

    /// Whether the connect or request timeout elapsed.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

/// An error answer of the server: `{ "object": "error", "code", "type",
/// "message", "request_id", "fields" }`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The error type.
    pub kind: ApiErrorKind,
    /// The `type` exactly as the server sent it (useful with
    /// [`ApiErrorKind::Unknown`]).
    pub type_name: String,
    /// A sentence for humans.
    pub message: String,
    /// The request id (`request_id`, or the `X-Request-Id` header), to quote
    /// when asking the operator.
    pub request_id: Option<String>,
    /// The fields concerned: each invalid field (`validation_error`, and a
    /// bulk delete's failing ids); for `forbidden`, one entry per permission
    /// the acting credential lacks for the grant that field asks for
    /// (`scopes`, `group_ids[0]`, `created_by`, …); for `conflict`, the
    /// fields at fault. Empty otherwise.
    pub fields: Vec<FieldError>,
    /// How long the server asked to wait (`Retry-After`), if it did.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|field| (field.name.as_str(), field.message.as_str()))
            .collect();
        f.write_str(&api_error_text(
            self.status,
            &self.type_name,
            &self.message,
            self.request_id.as_deref(),
            &fields,
        ))
    }
}

/// The one text of an API error, in every SDK: `type (status): message`,
/// then `[field: message; …]` and `(request id …)` when there are any
/// (`not_found (404): no such application (request id req_…)`). Bindings
/// that keep the parts in fields of their own render them with this.
pub fn api_error_text(
    status: u16,
    type_name: &str,
    message: &str,
    request_id: Option<&str>,
    fields: &[(&str, &str)],
) -> String {
    let mut text = format!("{type_name} ({status}): {message}");
    if !fields.is_empty() {
        let fields: Vec<String> = fields
            .iter()
            .map(|(name, message)| format!("{name}: {message}"))
            .collect();
        text.push_str(&format!(" [{}]", fields.join("; ")));
    }
    if let Some(request_id) = request_id {
        text.push_str(&format!(" (request id {request_id})"));
    }
    text
}

/// The API's error types (API.md, "Errors").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400 `validation_error`: the named fields are invalid.
    Validation,
    /// 401 `unauthorized`: no valid credential.
    Unauthorized,
    /// 403 `forbidden`: a permission is missing, or a grant asks for more
    /// than the acting credential holds (see [`ApiError::fields`]).
    Forbidden,
    /// 404 `not_found`.
    NotFound,
    /// 405 `method_not_allowed`.
    MethodNotAllowed,
    /// 409 `conflict`: a duplicate name or an illegal status change.
    Conflict,
    /// 409 `limit_exceeded`: a plan limit is reached.
    LimitExceeded,
    /// 413 `payload_too_large`.
    PayloadTooLarge,
    /// 429 `too_many_requests`.
    TooManyRequests,
    /// 500 `internal_server_error`.
    InternalServerError,
    /// 503 `service_unavailable`.
    ServiceUnavailable,
    /// A type this client does not know (a newer server, or a proxy's answer).
    Unknown,
}

impl ApiErrorKind {
    /// The kind of a `type` string, falling back on the HTTP status.
    pub fn from_type(type_name: &str, status: u16) -> Self {
        match type_name {
            "validation_error" => Self::Validation,
            "unauthorized" => Self::Unauthorized,
            "forbidden" => Self::Forbidden,
            "not_found" => Self::NotFound,
            "method_not_allowed" => Self::MethodNotAllowed,
            "conflict" => Self::Conflict,
            "limit_exceeded" => Self::LimitExceeded,
            "payload_too_large" => Self::PayloadTooLarge,
            "too_many_requests" => Self::TooManyRequests,
            "internal_server_error" => Self::InternalServerError,
            "service_unavailable" => Self::ServiceUnavailable,
            _ => Self::from_status(status),
        }
    }

    /// The kind an HTTP status implies when no error body says more.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::Validation,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            429 => Self::TooManyRequests,
            500 => Self::InternalServerError,
            503 => Self::ServiceUnavailable,
            _ => Self::Unknown,
        }
    }

    /// The API's name of the type (`not_found`), `unknown` for [`Self::Unknown`].
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "validation_error",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::LimitExceeded => "limit_exceeded",
            Self::PayloadTooLarge => "payload_too_large",
            Self::TooManyRequests => "too_many_requests",
            Self::InternalServerError => "internal_server_error",
            Self::ServiceUnavailable => "service_unavailable",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error class every binding raises for an API error: one per error
/// type of the API, and the fallback for a type this client does not know
/// (a newer server, a proxy's page): [`Server`](Self::Server) for any 5xx,
/// [`Other`](Self::Other) for the rest. The bindings name each class in
/// their language (`NotFoundError`, `ERR_LATCHKEY_NOT_FOUND`,
/// `LatchkeyException.NotFound`) and decide nothing.
///
/// Not `#[non_exhaustive]` on purpose: a new class must break every
/// binding's match until it is named there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorClass {
    /// 400 `validation_error`.
    Validation,
    /// 401 `unauthorized`.
    Unauthorized,
    /// 403 `forbidden`.
    Forbidden,
    /// 404 `not_found`.
    NotFound,
    /// 405 `method_not_allowed`.
    MethodNotAllowed,
    /// 409 `conflict`.
    Conflict,
    /// 409 `limit_exceeded`.
    LimitExceeded,
    /// 413 `payload_too_large`.
    PayloadTooLarge,
    /// 429 `too_many_requests`.
    TooManyRequests,
    /// 503 `service_unavailable`.
    ServiceUnavailable,
    /// 500 `internal_server_error`, or any other 5xx of an unknown type.
    Server,
    /// An unknown type below 500.
    Other,
}

impl ApiErrorClass {
    /// Every class, in the order above.
    pub const ALL: [ApiErrorClass; 12] = [
        Self::Validation,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Conflict,
        Self::LimitExceeded,
        Self::PayloadTooLarge,
        Self::TooManyRequests,
        Self::ServiceUnavailable,
        Self::Server,
        Self::Other,
    ];

    /// The class of an error of `kind` answered with `status`.
    pub fn of(kind: ApiErrorKind, status: u16) -> Self {
        match kind {
            ApiErrorKind::Validation => Self::Validation,
            ApiErrorKind::Unauthorized => Self::Unauthorized,
            ApiErrorKind::Forbidden => Self::Forbidden,
            ApiErrorKind::NotFound => Self::NotFound,
            ApiErrorKind::MethodNotAllowed => Self::MethodNotAllowed,
            ApiErrorKind::Conflict => Self::Conflict,
            ApiErrorKind::LimitExceeded => Self::LimitExceeded,
            ApiErrorKind::PayloadTooLarge => Self::PayloadTooLarge,
            ApiErrorKind::TooManyRequests => Self::TooManyRequests,
            ApiErrorKind::ServiceUnavailable => Self::ServiceUnavailable,
            ApiErrorKind::InternalServerError => Self::Server,
            ApiErrorKind::Unknown if status >= 500 => Self::Server,
            ApiErrorKind::Unknown => Self::Other,
        }
    }
}

impl ApiError {
    /// The class bindings raise this error as.
    pub fn class(&self) -> ApiErrorClass {
        ApiErrorClass::of(self.kind, self.status)
    }
}

/// One flat classification of every [`Error`], for bindings that map each
/// to an exception class (`NotFoundError`, `ERR_LATCHKEY_NOT_FOUND`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An API error of this kind.
    Api(ApiErrorKind),
    /// [`Error::InvalidAccessKey`].
    InvalidAccessKey,
    /// [`Error::Transport`] that is a timeout.
    Timeout,
    /// [`Error::Transport`] of any other sort.
    Transport,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::Config`].
    Config,
    /// [`Error::Jwt`].
    Jwt,
}

impl ErrorKind {
    /// A stable snake_case name: the API type for API errors
    /// (`not_found`), else `invalid_access_key`, `timeout`, `transport`,
    /// `decode`, `config` or `jwt`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Api(kind) => kind.as_str(),
            Self::InvalidAccessKey => "invalid_access_key",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::Decode => "decode",
            Self::Config => "config",
            Self::Jwt => "jwt",
        }
    }
}

impl Error {
    /// The flat classification of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(error) => ErrorKind::Api(error.kind),
            Error::InvalidAccessKey(_) => ErrorKind::InvalidAccessKey,
            Error::Transport(error) if error.is_timeout() => ErrorKind::Timeout,
            Error::Transport(_) => ErrorKind::Transport,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::Config(_) => ErrorKind::Config,
            Error::Jwt(_) => ErrorKind::Jwt,
        }
    }

    /// The API error, when the server answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request id, when the server answered with an error.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|error| error.request_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_has_its_class_and_unknown_types_fall_back_on_the_status() {
        assert_eq!(
            ApiErrorClass::of(ApiErrorKind::NotFound, 404),
            ApiErrorClass::NotFound
        );
        assert_eq!(
            ApiErrorClass::of(ApiErrorKind::InternalServerError, 500),
            ApiErrorClass::Server
        );
        assert_eq!(
            ApiErrorClass::of(ApiErrorKind::ServiceUnavailable, 503),
            ApiErrorClass::ServiceUnavailable
        );
        for status in [500, 502, 504, 599] {
            assert_eq!(
                ApiErrorClass::of(ApiErrorKind::Unknown, status),
                ApiErrorClass::Server,
                "{status}"
            );
        }
        for status in [400, 418, 499] {
            assert_eq!(
                ApiErrorClass::of(ApiErrorKind::Unknown, status),
                ApiErrorClass::Other,
                "{status}"
            );
        }
        // A known type keeps its class whatever the status says.
        assert_eq!(
            ApiErrorClass::of(ApiErrorKind::Conflict, 500),
            ApiErrorClass::Conflict
        );
    }
}
