//! `LatchkeyException`: every failure of a client call, and the one mapping
//! from the Rust client's error. API errors keep the server's status, type,
//! message (`reason`), request id, fields and `Retry-After`.
//!
//! The generated exception classes build `message` from their fields, so no
//! field is called `message`: the server's sentence is `reason`. In Kotlin the
//! API variants extend the sealed `ApiException` of `Errors.kt` (rewritten so
//! by `cargo xtask codegen`), whose `message` is this enum's `Display` text.

use std::fmt;
use std::time::Duration;

use latchkey_client::{ApiError, ApiErrorClass, Error};

/// One field of a request an error is about: an invalid field of a
/// `validation_error`, a failing id of a bulk delete, or, for `forbidden`, a
/// permission the acting credential lacks for the grant the field asks for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldError {
    /// The field (`name`, `scopes[1]`, `ids[0]`, `group_ids[0]`).
    pub name: String,
    /// What is wrong with it (for `forbidden`: which permission is lacked).
    pub reason: String,
}

macro_rules! latchkey_error {
    ($($(#[$doc:meta])* $api:ident),* ; $($(#[$odoc:meta])* $other:ident { $($(#[$fdoc:meta])* $field:ident : $type:ty),* }),* $(,)?) => {
        /// Why a client call failed.
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        #[uniffi::export(Display)]
        pub enum LatchkeyError {
            $(
                $(#[$doc])*
                #[error("{}", api_text(*status, error_type, reason, request_id.as_deref(), fields))]
                $api {
                    /// The HTTP status (a Kotlin `Int`, a Swift `Int32`:
                    /// what each language's HTTP libraries use, not `UShort`).
                    status: i32,
                    /// The API's error `type` exactly as sent (`not_found`).
                    error_type: String,
                    /// The server's sentence for humans.
                    reason: String,
                    /// The request id to quote to the operator.
                    request_id: Option<String>,
                    /// The fields concerned (invalid ones; for `Forbidden`,
                    /// each permission a refused grant lacks).
                    fields: Vec<FieldError>,
                    /// How long the server asked to wait (`Retry-After`).
                    retry_after: Option<Duration>,
                },
            )*
            $(
                $(#[$odoc])*
                #[error("{}", other_text(stringify!($other), &[$(&$field as &dyn fmt::Display),*]))]
                $other { $($(#[$fdoc])* $field: $type),* },
            )*
        }

    };
}

latchkey_error! {
    /// 400 `validation_error`: `fields` names each bad field.
    Validation,
    /// 401 `unauthorized`: no valid credential (unknown, revoked, expired).
    Unauthorized,
    /// 403 `forbidden`: a permission is missing, or the request would grant
    /// more than the calling credential holds: `fields` then names the
    /// request field and each permission lacked.
    Forbidden,
    /// 404 `not_found` (also any object outside the caller's account).
    NotFound,
    /// 405 `method_not_allowed`.
    MethodNotAllowed,
    /// 409 `conflict`: a duplicate name or an illegal status change.
    Conflict,
    /// 409 `limit_exceeded`: a plan limit is reached; nothing was written.
    LimitExceeded,
    /// 413 `payload_too_large`.
    PayloadTooLarge,
    /// 429 `too_many_requests` (after the client's retries).
    TooManyRequests,
    /// 503 `service_unavailable` (after the client's retries).
    ServiceUnavailable,
    /// 500 or another 5xx.
    Server,
    /// Another error answer (a type this SDK does not know).
    Api;
    /// The access key is malformed: refused offline, no request made.
    /// `category` is the vectors' name (`bad_checksum`, …).
    InvalidAccessKey {
        /// `empty`, `whitespace`, `bad_prefix`, `bad_character`,
        /// `bad_length` or `bad_checksum`.
        category: String,
        /// What is wrong (never the key).
        reason: String
    },
    /// No answer in time (connect or request timeout).
    Timeout {
        /// What timed out.
        reason: String
    },
    /// No answer: connection refused or reset, DNS, TLS.
    Transport {
        /// What failed.
        reason: String
    },
    /// An answer that is not what the API promises.
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// What did not fit.
        reason: String
    },
    /// The client cannot be built as asked (a bad base URL, a JWT lifetime
    /// over an hour, …).
    Configuration {
        /// What is wrong.
        reason: String
    },
    /// An argument is refused before any request (an id of the wrong kind).
    InvalidArgument {
        /// The argument.
        name: String,
        /// What is wrong with it.
        reason: String
    },
    /// The JWT signer's key cannot sign (a key or signing failure).
    Signer {
        /// What failed.
        reason: String
    },
    /// The client was shut down (`shutdown()`; Swift's `close()`); make a
    /// new one.
    ClientClosed {
        /// What happened.
        reason: String
    },
}

/// The variant of an API error: one per class the client decides (one per
/// API error type, `Server` for any other 5xx, `Api` for the rest).
fn api_variant(error: ApiError) -> LatchkeyError {
    let class = error.class();
    let status = i32::from(error.status);
    let error_type = error.type_name;
    let reason = error.message;
    let request_id = error.request_id;
    let fields = error
        .fields
        .into_iter()
        .map(|field| FieldError {
            name: field.name,
            reason: field.message,
        })
        .collect();
    let retry_after = error.retry_after;
    macro_rules! variant {
        ($name:ident) => {
            LatchkeyError::$name {
                status,
                error_type,
                reason,
                request_id,
                fields,
                retry_after,
            }
        };
    }
    match class {
        ApiErrorClass::Validation => variant!(Validation),
        ApiErrorClass::Unauthorized => variant!(Unauthorized),
        ApiErrorClass::Forbidden => variant!(Forbidden),
        ApiErrorClass::NotFound => variant!(NotFound),
        ApiErrorClass::MethodNotAllowed => variant!(MethodNotAllowed),
        ApiErrorClass::Conflict => variant!(Conflict),
        ApiErrorClass::LimitExceeded => variant!(LimitExceeded),
        ApiErrorClass::PayloadTooLarge => variant!(PayloadTooLarge),
        ApiErrorClass::TooManyRequests => variant!(TooManyRequests),
        ApiErrorClass::ServiceUnavailable => variant!(ServiceUnavailable),
        ApiErrorClass::Server => variant!(Server),
        ApiErrorClass::Other => variant!(Api),
    }
}

/// The client's one text of an API error, from this variant's fields.
fn api_text(
    status: i32,
    error_type: &str,
    reason: &str,
    request_id: Option<&str>,
    fields: &[FieldError],
) -> String {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|field| (field.name.as_str(), field.reason.as_str()))
        .collect();
    // Every status was a u16 (`i32::from` above).
    let status = u16::try_from(status).unwrap_or(u16::MAX);
    latchkey_client::api_error_text(status, error_type, reason, request_id, &fields)
}

fn other_text(kind: &str, parts: &[&dyn fmt::Display]) -> String {
    if parts.is_empty() {
        return kind.to_owned();
    }
    let parts: Vec<String> = parts.iter().map(ToString::to_string).collect();
    format!("{kind}: {}", parts.join(": "))
}

impl From<Error> for LatchkeyError {
    fn from(error: Error) -> Self {
        let reason = error.to_string();
        match error {
            Error::Api(api) => api_variant(api),
            Error::InvalidAccessKey(format) => LatchkeyError::InvalidAccessKey {
                category: format.category().to_owned(),
                reason: format.to_string(),
            },
            Error::Transport(transport) if transport.is_timeout() => {
                LatchkeyError::Timeout { reason }
            }
            Error::Transport(_) => LatchkeyError::Transport { reason },
            Error::Decode { status, message } => LatchkeyError::UnexpectedResponse {
                status,
                reason: message,
            },
            Error::Config(message) => LatchkeyError::Configuration { reason: message },
            Error::Jwt(_) => LatchkeyError::Signer { reason },
            _ => LatchkeyError::Configuration { reason },
        }
    }
}

/// An `InvalidArgument` naming `name`.
pub(crate) fn invalid_argument(name: &str, reason: impl fmt::Display) -> LatchkeyError {
    LatchkeyError::InvalidArgument {
        name: name.to_owned(),
        reason: reason.to_string(),
    }
}
