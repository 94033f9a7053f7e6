//! Errors thrown into JavaScript: a plain `Error` whose `code` is one of the
//! stable codes of SDK.md (plus any detail property, such as `claim`). The
//! wrapper's `lib/errors.cjs` turns each code into its class; the classes are
//! defined there, once.

use latchkey_client::access_key::AccessKeyFormatError;
use latchkey_client::jwt::{KeyError, SignError, VerifyError};
use latchkey_client::verify_options::VerifyOptionsError;
use napi::bindgen_prelude::JsObjectValue;
use napi::{Env, JsValue};

/// Code of an argument that has the wrong type (Node's own code).
pub const INVALID_ARG_TYPE: &str = "ERR_INVALID_ARG_TYPE";
/// Code of an argument whose value is not accepted (Node's own code).
pub const INVALID_ARG_VALUE: &str = "ERR_INVALID_ARG_VALUE";
/// Code of a key that cannot be imported, exported or used.
pub const INVALID_KEY: &str = "ERR_JWT_INVALID_KEY";
/// Code of an algorithm that is unknown, not allowed, or does not fit a key.
pub const ALG_NOT_ALLOWED: &str = "ERR_JWT_ALG_NOT_ALLOWED";

/// An `Error` with `code` and extra string properties, ready to be thrown.
pub fn coded(env: &Env, code: &str, message: &str, extra: &[(&str, &str)]) -> napi::Error {
    let build = || -> napi::Result<napi::Error> {
        let mut error = env.create_error(napi::Error::from_reason(message))?;
        error.set_named_property("code", code)?;
        for (name, value) in extra {
            error.set_named_property(name, *value)?;
        }
        Ok(napi::Error::from(error.to_unknown()))
    };
    build().unwrap_or_else(|failed| failed)
}

/// The error for a refused token: one code per [`VerifyError`] variant.
pub fn verify(env: &Env, error: &VerifyError) -> napi::Error {
    let code = match error {
        VerifyError::Malformed { .. } => "ERR_JWT_MALFORMED",
        VerifyError::DisallowedAlgorithm => ALG_NOT_ALLOWED,
        VerifyError::UnknownKid => "ERR_JWT_UNKNOWN_KID",
        VerifyError::BadSignature => "ERR_JWT_BAD_SIGNATURE",
        VerifyError::Expired => "ERR_JWT_EXPIRED",
        VerifyError::NotYetValid => "ERR_JWT_NOT_YET_VALID",
        VerifyError::LifetimeTooLong => "ERR_JWT_LIFETIME_TOO_LONG",
        VerifyError::MissingClaim { claim } => {
            return coded(
                env,
                "ERR_JWT_MISSING_CLAIM",
                &error.to_string(),
                &[("claim", claim)],
            );
        }
        VerifyError::BadAudience => "ERR_JWT_BAD_AUDIENCE",
        VerifyError::BadIssuer => "ERR_JWT_BAD_ISSUER",
        VerifyError::BadSubject => "ERR_JWT_BAD_SUBJECT",
    };
    coded(env, code, &error.to_string(), &[])
}

/// The error for a key that cannot be imported, generated or exported.
pub fn key(env: &Env, error: &KeyError) -> napi::Error {
    let code = match error {
        KeyError::AlgorithmDoesNotFitKey { .. } | KeyError::UnsupportedAlgorithm { .. } => {
            ALG_NOT_ALLOWED
        }
        _ => INVALID_KEY,
    };
    coded(env, code, &error.to_string(), &[])
}

/// The error for a token that cannot be signed.
pub fn sign(env: &Env, error: &SignError) -> napi::Error {
    let code = match error {
        SignError::ClaimsNotObject => INVALID_ARG_TYPE,
        SignError::AlgorithmDoesNotFitKey { .. } => ALG_NOT_ALLOWED,
        SignError::ReservedHeaderMember { .. } | SignError::InvalidLifetime => INVALID_ARG_VALUE,
        SignError::Backend => INVALID_KEY,
    };
    coded(env, code, &error.to_string(), &[])
}

/// The error for verification options that cannot make a policy: an
/// unknown algorithm name is `ERR_JWT_ALG_NOT_ALLOWED` (the one rule of
/// every SDK); an empty list or a bad number is a bad argument value.
pub fn options(env: &Env, error: &VerifyOptionsError) -> napi::Error {
    let code = match error {
        VerifyOptionsError::UnknownAlgorithm { .. } => ALG_NOT_ALLOWED,
        _ => INVALID_ARG_VALUE,
    };
    coded(env, code, &error.to_string(), &[])
}

/// The error for a malformed access key; `category` is the shared vectors'
/// name for the fault. The message never contains the input (it may be a
/// secret with a typo).
pub fn access_key(env: &Env, error: &AccessKeyFormatError) -> napi::Error {
    coded(
        env,
        "ERR_LATCHKEY_INVALID_ACCESS_KEY",
        &error.to_string(),
        &[("category", error.category())],
    )
}
