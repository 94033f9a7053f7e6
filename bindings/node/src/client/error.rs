//! The one mapping from the Rust client's [`Error`] to a JavaScript error:
//! a plain `Error` with a stable `code` (SDK.md's `ERR_LATCHKEY_*`) and, for
//! API errors, `status`, `type`, `requestId`, `fields` and `retryAfter`.
//! It is built on the main thread (a promise's callback), so the rejection
//! carries every property; `lib/errors.cjs` turns each code into its class.

use latchkey_client::{ApiErrorClass, Error, JwtError};
use napi::bindgen_prelude::{JsObjectValue, Null, Object};
use napi::{Env, JsValue};

use crate::errors;

/// Code of a call on a closed client.
pub const CLIENT_CLOSED: &str = "ERR_LATCHKEY_CLIENT_CLOSED";

/// The code of each API error class (the client decides the class,
/// fallbacks included).
fn api_code(class: ApiErrorClass) -> &'static str {
    match class {
        ApiErrorClass::Validation => "ERR_LATCHKEY_VALIDATION",
        ApiErrorClass::Unauthorized => "ERR_LATCHKEY_UNAUTHORIZED",
        ApiErrorClass::Forbidden => "ERR_LATCHKEY_FORBIDDEN",
        ApiErrorClass::NotFound => "ERR_LATCHKEY_NOT_FOUND",
        ApiErrorClass::MethodNotAllowed => "ERR_LATCHKEY_METHOD_NOT_ALLOWED",
        ApiErrorClass::Conflict => "ERR_LATCHKEY_CONFLICT",
        ApiErrorClass::LimitExceeded => "ERR_LATCHKEY_LIMIT_EXCEEDED",
        ApiErrorClass::PayloadTooLarge => "ERR_LATCHKEY_PAYLOAD_TOO_LARGE",
        ApiErrorClass::TooManyRequests => "ERR_LATCHKEY_RATE_LIMITED",
        ApiErrorClass::ServiceUnavailable => "ERR_LATCHKEY_SERVICE_UNAVAILABLE",
        ApiErrorClass::Server => "ERR_LATCHKEY_SERVER_ERROR",
        ApiErrorClass::Other => "ERR_LATCHKEY_API_ERROR",
    }
}

/// The JavaScript error for a client error. Messages never hold a
/// credential (the client's own rule).
pub fn to_js(env: &Env, error: Error) -> napi::Error {
    let message = error.to_string();
    match error {
        Error::Api(api) => {
            let build = || -> napi::Result<napi::Error> {
                let mut object: Object<'_> =
                    env.create_error(napi::Error::from_reason(message.as_str()))?;
                object.set_named_property("code", api_code(api.class()))?;
                object.set_named_property("status", api.status)?;
                object.set_named_property("type", api.type_name.as_str())?;
                object.set_named_property("requestId", api.request_id.as_deref())?;
                let mut fields = Vec::with_capacity(api.fields.len());
                for field in &api.fields {
                    let mut item = Object::new(env)?;
                    item.set_named_property("name", field.name.as_str())?;
                    item.set_named_property("message", field.message.as_str())?;
                    fields.push(item);
                }
                object.set_named_property("fields", fields)?;
                match api.retry_after {
                    Some(wait) => object.set_named_property("retryAfter", wait.as_secs_f64())?,
                    None => object.set_named_property("retryAfter", Null)?,
                }
                Ok(napi::Error::from(object.to_unknown()))
            };
            build().unwrap_or_else(|failed| failed)
        }
        Error::InvalidAccessKey(format) => errors::access_key(env, &format),
        Error::Transport(transport) if transport.is_timeout() => {
            errors::coded(env, "ERR_LATCHKEY_TIMEOUT", &message, &[])
        }
        Error::Transport(_) => errors::coded(env, "ERR_LATCHKEY_TRANSPORT", &message, &[]),
        Error::Decode { .. } => {
            errors::coded(env, "ERR_LATCHKEY_UNEXPECTED_RESPONSE", &message, &[])
        }
        // A client that cannot be built as asked: a bad argument value.
        Error::Config(_) => errors::coded(env, errors::INVALID_ARG_VALUE, &message, &[]),
        Error::Jwt(JwtError::Key(key)) => errors::key(env, &key),
        Error::Jwt(JwtError::Sign(sign)) => errors::sign(env, &sign),
        _ => errors::coded(env, "ERR_LATCHKEY", &message, &[]),
    }
}
