//! The toolkit's errors: one enum per operation, one variant per fault.
//!
//! Messages name the fault and, where it helps, a public detail (a claim
//! name, a curve name, a key size); they never contain key material, token
//! contents or signatures.

use super::algorithm::Algorithm;

/// Why a token was refused by [`verify`](super::verify()).
///
/// The variants are exactly the outcomes of the cross-language vectors
/// (`tests/vectors/jwt_claims.json`); every binding maps them one to one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The token is not a well-formed compact JWS: wrong number of segments,
    /// padded or non-url-safe base64, a header or payload that is not a JSON
    /// object, a missing `alg` (or `kid` when verifying against a key set), an
    /// unknown `crit` extension, a non-numeric time claim, or a token longer
    /// than [`MAX_TOKEN_LEN`](super::MAX_TOKEN_LEN).
    #[error("malformed token: {reason}")]
    Malformed {
        /// What is wrong, in a few words (static text, never token content).
        reason: &'static str,
    },
    /// The header's `alg` is not in the policy's allow-list, is not a
    /// signature algorithm this toolkit implements (`none`, `HS256`, ...), or
    /// does not fit the type of the selected key.
    #[error("algorithm not allowed")]
    DisallowedAlgorithm,
    /// The header's `kid` names no key of the key set (or differs from the
    /// single key's id).
    #[error("unknown key id")]
    UnknownKid,
    /// The signature does not verify with the selected key.
    #[error("bad signature")]
    BadSignature,
    /// `now >= exp + leeway`.
    #[error("token expired")]
    Expired,
    /// `nbf` or `iat` is later than `now + leeway`.
    #[error("token not yet valid")]
    NotYetValid,
    /// `exp - iat` exceeds the policy's maximum lifetime.
    #[error("token lifetime too long")]
    LifetimeTooLong,
    /// A claim the policy requires is absent.
    #[error("missing required claim `{claim}`")]
    MissingClaim {
        /// The name of the absent claim.
        claim: String,
    },
    /// `aud` does not name the configured audience, or the token has an
    /// `aud` and no audience is configured.
    #[error("bad audience")]
    BadAudience,
    /// `iss` differs from the configured issuer.
    #[error("bad issuer")]
    BadIssuer,
    /// `sub` differs from the configured subject.
    #[error("bad subject")]
    BadSubject,
}

impl VerifyError {
    pub(crate) fn malformed(reason: &'static str) -> Self {
        Self::Malformed { reason }
    }
}

/// Why a key could not be generated, imported or exported.
///
/// The server uses these to validate registered public keys: a private key
/// ([`KeyError::PrivateKeyGiven`]) is told apart from an unsupported one
/// ([`KeyError::UnsupportedKeyType`], [`KeyError::UnsupportedCurve`],
/// [`KeyError::RsaKeyTooSmall`]) and from one that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The text is not PEM, or its base64 body does not decode.
    #[error("not a PEM document")]
    InvalidPem,
    /// A PEM document whose label this toolkit does not read (e.g.
    /// `ENCRYPTED PRIVATE KEY`).
    #[error("unsupported PEM label `{label}`")]
    UnsupportedPemLabel {
        /// The label between `-----BEGIN ` and `-----`.
        label: String,
    },
    /// The DER structure (SPKI, PKCS#8, PKCS#1, SEC1 or X.509) is malformed,
    /// or the backend rejected the key as inconsistent.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// What is wrong, in a few words.
        reason: &'static str,
    },
    /// A JWK is not a valid JSON Web Key (missing or non-string member,
    /// wrong length, bad base64url).
    #[error("invalid JWK: {reason}")]
    InvalidJwk {
        /// What is wrong, in a few words.
        reason: &'static str,
    },
    /// A private key was given where a public key is expected.
    #[error("a private key was given where a public key is expected")]
    PrivateKeyGiven,
    /// A public key (or certificate) was given where a private key is
    /// expected.
    #[error("a public key was given where a private key is expected")]
    PublicKeyGiven,
    /// The key type is not one of Ed25519, EC (P-256, P-384) or RSA.
    #[error("unsupported key type `{key_type}`")]
    UnsupportedKeyType {
        /// The JWK `kty`, or the key algorithm's name or OID.
        key_type: String,
    },
    /// An EC or OKP key on a curve other than P-256, P-384 or Ed25519.
    #[error("unsupported curve `{curve}`")]
    UnsupportedCurve {
        /// The curve's name (`P-521`, `secp256k1`, `Ed448`, ...) or OID.
        curve: String,
    },
    /// An RSA modulus shorter than 2048 bits.
    #[error("RSA key of {bits} bits is too small (minimum 2048)")]
    RsaKeyTooSmall {
        /// The modulus length in bits.
        bits: usize,
    },
    /// An RSA modulus longer than 8192 bits.
    #[error("RSA key of {bits} bits is too large (maximum 8192)")]
    RsaKeyTooLarge {
        /// The modulus length in bits.
        bits: usize,
    },
    /// A JWK `use` other than `sig`.
    #[error("key use `{key_use}` is not `sig`")]
    UnsupportedUse {
        /// The JWK `use` member.
        key_use: String,
    },
    /// A JWK `alg` this toolkit does not implement.
    #[error("unsupported algorithm `{algorithm}`")]
    UnsupportedAlgorithm {
        /// The JWK `alg` member.
        algorithm: String,
    },
    /// The algorithm does not fit the key's type (e.g. `ES256` with an RSA
    /// key).
    #[error("algorithm {algorithm} does not fit this key")]
    AlgorithmDoesNotFitKey {
        /// The algorithm that was asked for.
        algorithm: Algorithm,
    },
    /// Two keys of a JWKS carry the same `kid`.
    #[error("duplicate key id `{kid}` in key set")]
    DuplicateKid {
        /// The repeated key id.
        kid: String,
    },
    /// A JWKS is not an object with a `keys` array.
    #[error("invalid JWKS: {reason}")]
    InvalidJwks {
        /// What is wrong, in a few words.
        reason: &'static str,
    },
    /// The backend failed to generate or export a key.
    #[error("the crypto backend failed")]
    Backend,
}

impl KeyError {
    pub(crate) fn invalid(reason: &'static str) -> Self {
        Self::InvalidKey { reason }
    }

    pub(crate) fn jwk(reason: &'static str) -> Self {
        Self::InvalidJwk { reason }
    }
}

/// Why a token could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The claims are not a JSON object.
    #[error("claims must be a JSON object")]
    ClaimsNotObject,
    /// The header's algorithm does not fit the signing key.
    #[error("algorithm {algorithm} does not fit the signing key")]
    AlgorithmDoesNotFitKey {
        /// The header's algorithm.
        algorithm: Algorithm,
    },
    /// A header extra member repeats `alg`, `kid` or `typ`.
    #[error("header member `{name}` must be set through its own field")]
    ReservedHeaderMember {
        /// The repeated member.
        name: String,
    },
    /// The access-token lifetime is zero or longer than one hour.
    #[error("access-token lifetime must be between 1 second and 1 hour")]
    InvalidLifetime,
    /// The backend failed to sign.
    #[error("the crypto backend failed to sign")]
    Backend,
}

/// Why a [`VerificationPolicy`](super::VerificationPolicy) could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The algorithm allow-list is empty: there is no allow-everything
    /// default.
    #[error("the algorithm allow-list must not be empty")]
    NoAlgorithms,
}
