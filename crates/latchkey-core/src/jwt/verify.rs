//! Token verification: the [`VerificationPolicy`] and [`verify`].
//!
//! Checks run in this order, each failure its own [`VerifyError`]:
//!
//! 1. size (over [`MAX_TOKEN_LEN`] bytes: malformed, before any parsing);
//! 2. structure: three segments of strict unpadded base64url, a header and a
//!    payload that are JSON objects, a string `alg`, a string `kid` if any,
//!    no `crit` (this toolkit understands no extension);
//! 3. algorithm: known, in the allow-list (`EdDSA` and `Ed25519` are one);
//! 4. key: by `kid` from a key set (a `kid` is then required), or the single
//!    key (whose `kid`, if both have one, must match);
//! 5. the algorithm fits the key's type (and the key's own `alg`, if any);
//! 6. signature, with the key's cached backend object;
//! 7. claims: `exp`, `nbf`, `iat` are numbers; required claims are present;
//!    then expiry, not-before, issued-at, lifetime, audience, issuer,
//!    subject.
//!
//! `jku`, `x5u`, `jwk` and `x5c` header members are never read: the key only
//! ever comes from the caller.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::algorithm::Algorithm;
use super::base64url;
use super::error::{PolicyError, VerifyError};
use super::jwk::Jwks;
use super::key::VerifyingKey;
use super::sign::Header;

/// The longest token accepted, in bytes (8 KiB). Longer tokens are refused
/// as malformed before any decoding.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// The server's clock leeway: 60 seconds.
pub const SERVER_LEEWAY: Duration = Duration::from_secs(60);

/// The longest access-token lifetime (`exp - iat`) the contract allows: one
/// hour.
pub const MAX_ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// What a token must satisfy besides a valid signature.
///
/// There is no allow-everything default: [`VerificationPolicy::new`] needs
/// a non-empty algorithm list. Leeway is 0 unless set (the default of PyJWT,
/// `jsonwebtoken` and `jose`); [`VerificationPolicy::for_access_tokens`]
/// builds the server's policy with 60 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationPolicy {
    algorithms: Vec<Algorithm>,
    audiences: Vec<String>,
    issuer: Option<String>,
    subject: Option<String>,
    leeway: Duration,
    max_lifetime: Option<Duration>,
    required_claims: Vec<String>,
}

impl VerificationPolicy {
    /// A policy that accepts tokens signed with one of `algorithms` (which may
    /// mix families: the key's type picks the one that applies), with no
    /// audience, issuer or subject check, no required claim, leeway 0 and no
    /// maximum lifetime. `exp`, `nbf` and `iat` are still checked when
    /// present, and a token with an `aud` is refused until an audience is
    /// configured (PyJWT's rule).
    pub fn new(algorithms: impl IntoIterator<Item = Algorithm>) -> Result<Self, PolicyError> {
        let mut list: Vec<Algorithm> = Vec::new();
        for alg in algorithms {
            if !list.contains(&alg) {
                list.push(alg);
            }
        }
        if list.is_empty() {
            return Err(PolicyError::NoAlgorithms);
        }
        Ok(Self {
            algorithms: list,
            audiences: Vec::new(),
            issuer: None,
            subject: None,
            leeway: Duration::ZERO,
            max_lifetime: None,
            required_claims: Vec::new(),
        })
    }

    /// The server's policy for Latchkey access tokens (API.md): `aud` must
    /// be `audience`, `iss` and `sub` must be `application_id`; `iss`, `sub`,
    /// `aud`, `iat` and `exp` are required; leeway 60 s; lifetime at most one
    /// hour.
    pub fn for_access_tokens(
        algorithms: impl IntoIterator<Item = Algorithm>,
        audience: impl Into<String>,
        application_id: impl Into<String>,
    ) -> Result<Self, PolicyError> {
        let application_id = application_id.into();
        Ok(Self::new(algorithms)?
            .with_audience(audience)
            .with_issuer(application_id.clone())
            .with_subject(application_id)
            .with_leeway(SERVER_LEEWAY)
            .with_max_lifetime(MAX_ACCESS_TOKEN_LIFETIME)
            .with_required_claims(["iss", "sub", "aud", "iat", "exp"]))
    }

    /// Adds an accepted audience: `aud` must name one of the accepted
    /// audiences (exact, case-sensitive). Configuring one makes `aud`
    /// required.
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Requires `iss` to equal `issuer` (and to be present).
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Requires `sub` to equal `subject` (and to be present).
    #[must_use]
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Sets the clock leeway applied to `exp`, `nbf` and `iat` (whole
    /// seconds count; sub-second parts are ignored).
    #[must_use]
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Sets the maximum lifetime `exp - iat` (inclusive, no leeway). Makes
    /// `iat` and `exp` required.
    #[must_use]
    pub fn with_max_lifetime(mut self, max_lifetime: Duration) -> Self {
        self.max_lifetime = Some(max_lifetime);
        self
    }

    /// Adds claims that must be present.
    #[must_use]
    pub fn with_required_claims<S: Into<String>>(
        mut self,
        claims: impl IntoIterator<Item = S>,
    ) -> Self {
        for claim in claims {
            let claim = claim.into();
            if !self.required_claims.contains(&claim) {
                self.required_claims.push(claim);
            }
        }
        self
    }

    /// The allowed algorithms.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The accepted audiences (empty: none configured).
    pub fn audiences(&self) -> &[String] {
        &self.audiences
    }

    /// The required issuer.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The required subject.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The clock leeway.
    pub fn leeway(&self) -> Duration {
        self.leeway
    }

    /// The maximum lifetime.
    pub fn max_lifetime(&self) -> Option<Duration> {
        self.max_lifetime
    }

    /// The claims that must be present (besides those implied by audience,
    /// issuer, subject and maximum lifetime).
    pub fn required_claims(&self) -> &[String] {
        &self.required_claims
    }

    fn allows(&self, algorithm: Algorithm) -> bool {
        self.algorithms
            .iter()
            .any(|allowed| allowed.same_as(algorithm))
    }

    /// Every claim that must be present, in a fixed order.
    fn every_required_claim(&self) -> impl Iterator<Item = &str> {
        let implied = [
            ("iss", self.issuer.is_some()),
            ("sub", self.subject.is_some()),
            ("aud", !self.audiences.is_empty()),
            ("iat", self.max_lifetime.is_some()),
            ("exp", self.max_lifetime.is_some()),
        ];
        let standard = ["iss", "sub", "aud", "iat", "exp", "nbf", "jti"];
        let listed = |name: &str| self.required_claims.iter().any(|claim| claim == name);
        standard
            .into_iter()
            .filter(move |name| {
                listed(name) || implied.iter().any(|(claim, on)| claim == name && *on)
            })
            .chain(
                self.required_claims
                    .iter()
                    .map(String::as_str)
                    .filter(move |name| !standard.contains(name)),
            )
    }
}

/// The key or keys a token is checked against.
#[derive(Debug, Clone, Copy)]
pub enum Keys<'a> {
    /// One key: the token's `kid`, if any, must match the key's, if any.
    One(&'a VerifyingKey),
    /// A key set: the token's `kid` (required) selects the key.
    Set(&'a Jwks),
}

impl<'a> From<&'a VerifyingKey> for Keys<'a> {
    fn from(key: &'a VerifyingKey) -> Self {
        Keys::One(key)
    }
}

impl<'a> From<&'a Jwks> for Keys<'a> {
    fn from(set: &'a Jwks) -> Self {
        Keys::Set(set)
    }
}

/// A token that passed verification.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedToken {
    /// The decoded JOSE header.
    pub header: Header,
    /// The claims set.
    pub claims: Map<String, Value>,
}

/// Verifies a compact JWS `token` against `keys` under `policy`, at `now`
/// (the current time when `None`).
///
/// Returns the header and claims, or the first failed check (see the module
/// documentation for the order).
pub fn verify<'a>(
    token: &str,
    keys: impl Into<Keys<'a>>,
    policy: &VerificationPolicy,
    now: Option<Timestamp>,
) -> Result<VerifiedToken, VerifyError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(VerifyError::malformed("token longer than 8 KiB"));
    }
    let mut segments = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(VerifyError::malformed("a token has exactly three segments"));
    };
    let bad_base64 = || VerifyError::malformed("segments must be unpadded base64url");
    let header_bytes = base64url::decode(header_b64).ok_or_else(bad_base64)?;
    let payload_bytes = base64url::decode(payload_b64).ok_or_else(bad_base64)?;
    let signature = base64url::decode(signature_b64).ok_or_else(bad_base64)?;

    let raw_header = RawHeader::parse(&header_bytes)?;
    let claims = match serde_json::from_slice(&payload_bytes) {
        Ok(Value::Object(claims)) => claims,
        _ => return Err(VerifyError::malformed("the payload is not a JSON object")),
    };

    let algorithm =
        Algorithm::from_name(&raw_header.alg).ok_or(VerifyError::DisallowedAlgorithm)?;
    if !policy.allows(algorithm) {
        return Err(VerifyError::DisallowedAlgorithm);
    }
    let key = match keys.into() {
        Keys::Set(set) => {
            let kid = raw_header
                .kid
                .as_deref()
                .ok_or(VerifyError::malformed("the header has no kid"))?;
            set.get(kid).ok_or(VerifyError::UnknownKid)?
        }
        Keys::One(key) => {
            if let (Some(token_kid), Some(key_kid)) = (raw_header.kid.as_deref(), key.kid())
                && token_kid != key_kid
            {
                return Err(VerifyError::UnknownKid);
            }
            key
        }
    };
    if !key.accepts(algorithm) {
        return Err(VerifyError::DisallowedAlgorithm);
    }
    let signing_input_len = header_b64.len() + 1 + payload_b64.len();
    key.verify_signature(
        algorithm,
        &token.as_bytes()[..signing_input_len],
        &signature,
    )?;

    let now = now.unwrap_or_else(Timestamp::now).as_second();
    check_claims(&claims, policy, now)?;
    Ok(VerifiedToken {
        header: Header {
            alg: algorithm,
            kid: raw_header.kid,
            typ: raw_header.typ,
            extra: raw_header.extra,
        },
        claims,
    })
}

/// The `kid` of a token's header, read *without* verifying anything else:
/// for a verifier that must pick the key before calling [`verify`] (the
/// server looks the registered key up by it). Applies the same size bound
/// and structural rules as [`verify`] to what it reads (three segments,
/// strict unpadded base64url header, a JSON object, no `crit`, a string
/// `kid`). The result is untrusted until [`verify`] succeeds.
pub fn unverified_kid(token: &str) -> Result<String, VerifyError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(VerifyError::malformed("token longer than 8 KiB"));
    }
    let mut segments = token.split('.');
    let (Some(header_b64), Some(_), Some(_), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(VerifyError::malformed("a token has exactly three segments"));
    };
    let header_bytes = base64url::decode(header_b64).ok_or(VerifyError::malformed(
        "segments must be unpadded base64url",
    ))?;
    RawHeader::parse(&header_bytes)?
        .kid
        .ok_or(VerifyError::malformed("the header has no kid"))
}

/// The decoded JOSE header of a token, every member as written, *without*
/// verifying anything else: for tools that show a token's header (PyJWT's
/// `get_unverified_header`). Applies the size bound and structural rules
/// of [`verify`] to the header only: three segments, a strict unpadded
/// base64url header that is a JSON object. The `alg` is not checked: the
/// header of an `alg: none` token can be shown. The result is untrusted.
pub fn unverified_header(token: &str) -> Result<Map<String, Value>, VerifyError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(VerifyError::malformed("token longer than 8 KiB"));
    }
    let mut segments = token.split('.');
    let (Some(header_b64), Some(_), Some(_), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(VerifyError::malformed("a token has exactly three segments"));
    };
    let header_bytes = base64url::decode(header_b64).ok_or(VerifyError::malformed(
        "segments must be unpadded base64url",
    ))?;
    match serde_json::from_slice(&header_bytes) {
        Ok(Value::Object(header)) => Ok(header),
        _ => Err(VerifyError::malformed("the header is not a JSON object")),
    }
}

/// Checks only a signature: `signature` over `signing_input` with `key`
/// under `algorithm`. No header or claim is looked at. For JWS test vectors
/// and detached payloads.
pub fn verify_raw(
    signing_input: &[u8],
    signature: &[u8],
    key: &VerifyingKey,
    algorithm: Algorithm,
) -> Result<(), VerifyError> {
    if !key.accepts(algorithm) {
        return Err(VerifyError::DisallowedAlgorithm);
    }
    key.verify_signature(algorithm, signing_input, signature)
}

/// The header members verification reads, before `alg` is resolved.
struct RawHeader {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
    extra: Map<String, Value>,
}

impl RawHeader {
    fn parse(bytes: &[u8]) -> Result<Self, VerifyError> {
        let Ok(Value::Object(mut extra)) = serde_json::from_slice(bytes) else {
            return Err(VerifyError::malformed("the header is not a JSON object"));
        };
        if extra.contains_key("crit") {
            return Err(VerifyError::malformed("unsupported crit extension"));
        }
        let alg = match extra.remove("alg") {
            Some(Value::String(alg)) => alg,
            _ => return Err(VerifyError::malformed("the header has no string alg")),
        };
        let mut optional_string = |name: &str| match extra.remove(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(VerifyError::malformed("kid and typ must be strings")),
        };
        let kid = optional_string("kid")?;
        let typ = optional_string("typ")?;
        Ok(Self {
            alg,
            kid,
            typ,
            extra,
        })
    }
}

/// When a token passes the policy's time checks (`exp`, `nbf` and `iat`
/// with the leeway): everything else [`verify`] checks is the same at any
/// time, so a token verified once passes again exactly while its window
/// contains the time (for a cache of verified tokens: serve one only while
/// [`TokenWindow::contains`] says so). [`verify`] checks the time through
/// this very type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenWindow {
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
    leeway: f64,
}

impl TokenWindow {
    /// The window of a token with `claims` under `policy` (the claims of a
    /// [`VerifiedToken`]); a time claim that is not a number is malformed.
    #[allow(clippy::cast_precision_loss)] // a leeway in seconds fits f64 exactly
    pub fn of(
        claims: &Map<String, Value>,
        policy: &VerificationPolicy,
    ) -> Result<Self, VerifyError> {
        Ok(TokenWindow {
            exp: numeric_date(claims, "exp")?,
            nbf: numeric_date(claims, "nbf")?,
            iat: numeric_date(claims, "iat")?,
            leeway: policy.leeway.as_secs() as f64,
        })
    }

    /// Whether the time checks pass at `now`.
    pub fn contains(&self, now: Timestamp) -> bool {
        self.check(now.as_second()).is_ok()
    }

    #[allow(clippy::cast_precision_loss)] // seconds since 1970 fit f64 exactly
    fn check(&self, now: i64) -> Result<(), VerifyError> {
        let now = now as f64;
        let leeway = self.leeway;
        if self.exp.is_some_and(|exp| now >= exp + leeway) {
            return Err(VerifyError::Expired);
        }
        if self.nbf.is_some_and(|nbf| nbf > now + leeway)
            || self.iat.is_some_and(|iat| iat > now + leeway)
        {
            return Err(VerifyError::NotYetValid);
        }
        Ok(())
    }
}

/// A NumericDate claim as seconds, if present; a non-number is malformed.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, VerifyError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(number)) => number
            .as_f64()
            .map(Some)
            .ok_or(VerifyError::malformed("exp, nbf and iat must be numbers")),
        Some(_) => Err(VerifyError::malformed("exp, nbf and iat must be numbers")),
    }
}

#[allow(clippy::cast_precision_loss)] // seconds since 1970 fit f64 exactly
fn check_claims(
    claims: &Map<String, Value>,
    policy: &VerificationPolicy,
    now: i64,
) -> Result<(), VerifyError> {
    let exp = numeric_date(claims, "exp")?;
    let nbf = numeric_date(claims, "nbf")?;
    let iat = numeric_date(claims, "iat")?;
    if let Some(missing) = policy
        .every_required_claim()
        .find(|claim| !claims.contains_key(*claim))
    {
        return Err(VerifyError::MissingClaim {
            claim: missing.to_owned(),
        });
    }

    let window = TokenWindow {
        exp,
        nbf,
        iat,
        leeway: policy.leeway.as_secs() as f64,
    };
    window.check(now)?;
    if let (Some(max), Some(exp), Some(iat)) = (policy.max_lifetime, exp, iat)
        && exp - iat > max.as_secs() as f64
    {
        return Err(VerifyError::LifetimeTooLong);
    }

    if let Some(aud) = claims.get("aud") {
        let accepted = |candidate: &str| policy.audiences.iter().any(|a| a == candidate);
        let ok = match aud {
            Value::String(aud) => accepted(aud),
            Value::Array(items) => items.iter().filter_map(Value::as_str).any(accepted),
            _ => false,
        };
        if !ok {
            return Err(VerifyError::BadAudience);
        }
    }
    if let Some(issuer) = &policy.issuer
        && claims.get("iss").and_then(Value::as_str) != Some(issuer.as_str())
    {
        return Err(VerifyError::BadIssuer);
    }
    if let Some(subject) = &policy.subject
        && claims.get("sub").and_then(Value::as_str) != Some(subject.as_str())
    {
        return Err(VerifyError::BadSubject);
    }
    Ok(())
}
