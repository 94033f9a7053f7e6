//! The toolkit's errors as exported: `JwtException` for a token refused
//! (one variant per fault of the shared vectors, SDK.md's names),
//! `KeyException` for a key that cannot be generated, read or used, and the
//! one mapping from each core error.

use latchkey_client::VerifyOptionsError;
use latchkey_client::jwt::{KeyError as CoreKeyError, SignError, VerifyError};

/// Why a token was refused, or could not be signed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum JwtError {
    /// Not a well-formed compact JWS (segments, padding, size over 8 KiB,
    /// JSON, a missing `kid` against a key set, an unknown `crit`).
    #[error("malformed token: {reason}")]
    Malformed {
        /// What is wrong, in a few words (never token content).
        reason: String,
    },
    /// The `alg` is not allowed, not implemented (`none`, `HS256`), or does
    /// not fit the key; also an algorithm name in the options that this
    /// toolkit does not implement (refused, never dropped: every SDK's rule).
    #[error("algorithm not allowed: {reason}")]
    DisallowedAlgorithm {
        /// Which algorithm, and why.
        reason: String,
    },
    /// No key of the key set has the token's `kid`.
    #[error("unknown key id")]
    UnknownKid,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// `now >= exp + leeway`.
    #[error("token expired")]
    Expired,
    /// `nbf` or `iat` is later than `now + leeway`.
    #[error("token not yet valid")]
    NotYetValid,
    /// `exp - iat` is over the maximum lifetime.
    #[error("token lifetime too long")]
    LifetimeTooLong,
    /// A required claim is absent.
    #[error("missing required claim `{claim}`")]
    MissingClaim {
        /// The claim's name.
        claim: String,
    },
    /// `aud` does not name the audience, or the token has an `aud` and no
    /// audience was given.
    #[error("bad audience")]
    BadAudience,
    /// `iss` differs from the issuer given.
    #[error("bad issuer")]
    BadIssuer,
    /// `sub` differs from the subject given.
    #[error("bad subject")]
    BadSubject,
    /// The options cannot be used: an empty algorithm allow-list, an
    /// algorithm name this toolkit does not know, bad claims or header JSON,
    /// a lifetime out of range. Raised before any token is looked at.
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// What is wrong.
        reason: String,
    },
}

impl From<VerifyError> for JwtError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Malformed { reason } => JwtError::Malformed {
                reason: reason.to_owned(),
            },
            VerifyError::DisallowedAlgorithm => JwtError::DisallowedAlgorithm {
                reason: error.to_string(),
            },
            VerifyError::UnknownKid => JwtError::UnknownKid,
            VerifyError::BadSignature => JwtError::BadSignature,
            VerifyError::Expired => JwtError::Expired,
            VerifyError::NotYetValid => JwtError::NotYetValid,
            VerifyError::LifetimeTooLong => JwtError::LifetimeTooLong,
            VerifyError::MissingClaim { claim } => JwtError::MissingClaim { claim },
            VerifyError::BadAudience => JwtError::BadAudience,
            VerifyError::BadIssuer => JwtError::BadIssuer,
            VerifyError::BadSubject => JwtError::BadSubject,
        }
    }
}

impl From<VerifyOptionsError> for JwtError {
    fn from(error: VerifyOptionsError) -> Self {
        match error {
            VerifyOptionsError::UnknownAlgorithm { .. } => JwtError::DisallowedAlgorithm {
                reason: error.to_string(),
            },
            _ => JwtError::InvalidArgument {
                reason: error.to_string(),
            },
        }
    }
}

impl From<SignError> for JwtError {
    fn from(error: SignError) -> Self {
        // Every signing failure is a wrong argument (claims that are not an
        // object, an algorithm that does not fit the key, a reserved header
        // member, a lifetime out of range) or a backend failure: none is a
        // fault of a token.
        JwtError::InvalidArgument {
            reason: error.to_string(),
        }
    }
}

/// Why a key could not be generated, read, exported or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum KeyError {
    /// Not PEM, or a PEM whose label is not read (`ENCRYPTED PRIVATE KEY`).
    #[error("invalid PEM: {reason}")]
    InvalidPem {
        /// What is wrong.
        reason: String,
    },
    /// A malformed DER structure, JWK or JWKS, or a key the backend refused.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// What is wrong.
        reason: String,
    },
    /// A private key where a public one is expected.
    #[error("a private key was given where a public key is expected")]
    PrivateKeyGiven,
    /// A public key or certificate where a private one is expected.
    #[error("a public key was given where a private key is expected")]
    PublicKeyGiven,
    /// A key type, curve or size outside Ed25519, P-256, P-384 and RSA
    /// 2048–8192 bits.
    #[error("unsupported key: {reason}")]
    UnsupportedKey {
        /// Which type, curve or size.
        reason: String,
    },
    /// An algorithm this toolkit does not implement, or one that does not
    /// fit the key.
    #[error("unsupported algorithm: {reason}")]
    UnsupportedAlgorithm {
        /// Which algorithm, and why.
        reason: String,
    },
    /// Two keys of a key set share a `kid`.
    #[error("duplicate key id `{kid}` in key set")]
    DuplicateKid {
        /// The repeated `kid`.
        kid: String,
    },
    /// The crypto backend failed.
    #[error("the crypto backend failed")]
    Backend,
}

impl From<CoreKeyError> for KeyError {
    fn from(error: CoreKeyError) -> Self {
        let reason = error.to_string();
        match error {
            CoreKeyError::InvalidPem | CoreKeyError::UnsupportedPemLabel { .. } => {
                KeyError::InvalidPem { reason }
            }
            CoreKeyError::InvalidKey { .. }
            | CoreKeyError::InvalidJwk { .. }
            | CoreKeyError::InvalidJwks { .. }
            | CoreKeyError::UnsupportedUse { .. } => KeyError::InvalidKey { reason },
            CoreKeyError::PrivateKeyGiven => KeyError::PrivateKeyGiven,
            CoreKeyError::PublicKeyGiven => KeyError::PublicKeyGiven,
            CoreKeyError::UnsupportedKeyType { .. }
            | CoreKeyError::UnsupportedCurve { .. }
            | CoreKeyError::RsaKeyTooSmall { .. }
            | CoreKeyError::RsaKeyTooLarge { .. } => KeyError::UnsupportedKey { reason },
            CoreKeyError::UnsupportedAlgorithm { .. }
            | CoreKeyError::AlgorithmDoesNotFitKey { .. } => {
                KeyError::UnsupportedAlgorithm { reason }
            }
            CoreKeyError::DuplicateKid { kid } => KeyError::DuplicateKid { kid },
            CoreKeyError::Backend => KeyError::Backend,
        }
    }
}
