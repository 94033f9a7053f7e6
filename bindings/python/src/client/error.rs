//! The one mapping from the Rust client's [`Error`] to the exception classes
//! of `latchkey._errors`.

use latchkey_client::{ApiErrorClass, Error, JwtError};
use pyo3::prelude::*;

use crate::errors::new_error;

/// The `latchkey` exception for a client error. API errors keep the
/// server's status, type, message, request id, fields and `Retry-After`.
pub fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::Api(api) => {
            let class = api_class_name(api.class());
            let fields: Vec<(String, String)> = api
                .fields
                .into_iter()
                .map(|field| (field.name, field.message))
                .collect();
            new_error(
                py,
                class,
                (
                    api.message,
                    api.status,
                    api.type_name,
                    api.request_id,
                    fields,
                    api.retry_after.map(|wait| wait.as_secs_f64()),
                ),
            )
        }
        Error::InvalidAccessKey(format) => {
            let exception = new_error(py, "InvalidAccessKeyError", (message,));
            // As `access_key.parse` does: the vectors' name of the fault.
            if let Err(error) = exception.value(py).setattr("category", format.category()) {
                return error;
            }
            exception
        }
        Error::Transport(transport) if transport.is_timeout() => {
            new_error(py, "RequestTimeoutError", (message,))
        }
        Error::Transport(_) => new_error(py, "TransportError", (message,)),
        Error::Decode { .. } => new_error(py, "UnexpectedResponseError", (message,)),
        Error::Config(_) => new_error(py, "ConfigurationError", (message,)),
        Error::Jwt(JwtError::Key(_)) => new_error(py, "InvalidKeyError", (message,)),
        Error::Jwt(_) => new_error(py, "PyJWTError", (message,)),
        _ => new_error(py, "LatchkeyError", (message,)),
    }
}

/// The exception class of each API error class (the client decides the
/// class, fallbacks included).
fn api_class_name(class: ApiErrorClass) -> &'static str {
    match class {
        ApiErrorClass::Validation => "ValidationError",
        ApiErrorClass::Unauthorized => "UnauthorizedError",
        ApiErrorClass::Forbidden => "ForbiddenError",
        ApiErrorClass::NotFound => "NotFoundError",
        ApiErrorClass::MethodNotAllowed => "MethodNotAllowedError",
        ApiErrorClass::Conflict => "ConflictError",
        ApiErrorClass::LimitExceeded => "LimitExceededError",
        ApiErrorClass::PayloadTooLarge => "PayloadTooLargeError",
        ApiErrorClass::TooManyRequests => "TooManyRequestsError",
        ApiErrorClass::ServiceUnavailable => "ServiceUnavailableError",
        ApiErrorClass::Server => "ServerError",
        ApiErrorClass::Other => "ApiError",
    }
}

/// The text of an API error, the client's one wording in every SDK
/// (`ApiError.__str__` calls it).
#[pyfunction]
pub fn api_error_text(
    status: u16,
    error_type: &str,
    message: &str,
    request_id: Option<&str>,
    fields: Vec<(String, String)>,
) -> String {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, message)| (name.as_str(), message.as_str()))
        .collect();
    latchkey_client::api_error_text(status, error_type, message, request_id, &fields)
}

/// An `InvalidArgumentError` (`latchkey/_errors.py`) naming the argument:
/// raised before any request is made.
pub fn invalid_argument(py: Python<'_>, name: &str, problem: impl std::fmt::Display) -> PyErr {
    new_error(py, "InvalidArgumentError", (format!("{name}: {problem}"),))
}

/// A `ConfigurationError`: the client cannot be built as asked.
pub fn configuration(py: Python<'_>, problem: impl std::fmt::Display) -> PyErr {
    new_error(py, "ConfigurationError", (problem.to_string(),))
}
