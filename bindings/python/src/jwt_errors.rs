//! The toolkit's typed errors → the PyJWT-tree exceptions of SDK.md's
//! table. One function per error enum, one class per variant.

use latchkey_client::jwt::{KeyError, SignError, VerifyError};
use pyo3::prelude::*;

use crate::errors::new_error;

/// The exception for a refused token.
pub fn verify_error(py: Python<'_>, error: &VerifyError) -> PyErr {
    let class = match error {
        VerifyError::Malformed { .. } => "DecodeError",
        VerifyError::DisallowedAlgorithm => "InvalidAlgorithmError",
        VerifyError::UnknownKid => "UnknownKeyIdError",
        VerifyError::BadSignature => "InvalidSignatureError",
        VerifyError::Expired => "ExpiredSignatureError",
        VerifyError::NotYetValid => "ImmatureSignatureError",
        VerifyError::LifetimeTooLong => "LifetimeTooLongError",
        VerifyError::MissingClaim { claim } => {
            return new_error(py, "MissingRequiredClaimError", (claim.as_str(),));
        }
        VerifyError::BadAudience => "InvalidAudienceError",
        VerifyError::BadIssuer => "InvalidIssuerError",
        VerifyError::BadSubject => "InvalidSubjectError",
    };
    new_error(py, class, (error.to_string(),))
}

/// The exception for a key that cannot be read, generated or used.
pub fn key_error(py: Python<'_>, error: &KeyError) -> PyErr {
    let class = match error {
        KeyError::AlgorithmDoesNotFitKey { .. } => "InvalidAlgorithmError",
        _ => "InvalidKeyError",
    };
    new_error(py, class, (error.to_string(),))
}

/// The exception for a token that cannot be signed.
pub fn sign_error(py: Python<'_>, error: &SignError) -> PyErr {
    match error {
        // PyJWT raises TypeError for a payload that is not a dict.
        SignError::ClaimsNotObject => pyo3::exceptions::PyTypeError::new_err(error.to_string()),
        SignError::AlgorithmDoesNotFitKey { .. } => {
            new_error(py, "InvalidAlgorithmError", (error.to_string(),))
        }
        SignError::ReservedHeaderMember { .. } | SignError::InvalidLifetime => {
            pyo3::exceptions::PyValueError::new_err(error.to_string())
        }
        SignError::Backend => new_error(py, "PyJWTError", (error.to_string(),)),
    }
}
