//! The toolkit's functions: sign claims, verify a token against a key or a
//! key set with the options every SDK has, mint the access token the server
//! expects, read a header unverified, and the raw JWS operations the
//! shared vectors test. Kotlin's `Jwt` object and Swift's `Jwt` enum give
//! them their short names (`Jwt.sign`, `Jwt.verify`, …).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use latchkey_client::jwt::{self, Algorithm, Header, VerificationPolicy};
use latchkey_client::verify_options;
use serde_json::{Map, Value};

use crate::jwt_error::{JwtError, KeyError};
use crate::keys::{JwkMembers, Jwks, SigningKey, VerifyingKey};

/// How a token is verified. Defaults follow the JVM's and Swift's JOSE
/// libraries: no leeway, and a token with `aud` is refused when no
/// audience is given.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VerifyOptions {
    /// The allow-list (may mix families: `["EdDSA", "ES256", "RS256"]`);
    /// the key's type picks the one that applies. Never empty.
    pub algorithms: Vec<String>,
    /// Accepted audiences: `aud` must name one of them.
    #[uniffi(default)]
    pub audience: Vec<String>,
    /// The required `iss`.
    #[uniffi(default)]
    pub issuer: Option<String>,
    /// The required `sub`.
    #[uniffi(default)]
    pub subject: Option<String>,
    /// Clock skew allowed on `exp`, `nbf` and `iat` (none by default; the
    /// server uses 60 seconds).
    #[uniffi(default)]
    pub leeway: Option<Duration>,
    /// The longest `exp - iat` accepted (no maximum by default).
    #[uniffi(default)]
    pub max_lifetime: Option<Duration>,
    /// Claims that must be present.
    #[uniffi(default)]
    pub required_claims: Vec<String>,
    /// The current time to verify at (the clock when not given): for tests
    /// and audits replaying a token at a fixed instant.
    #[uniffi(default)]
    pub now: Option<SystemTime>,
}

/// A token that passed verification: its header and claims as JSON text
/// (claims may hold any JSON; parse them with the JSON library of the app).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedToken {
    /// The `alg` of the header.
    pub algorithm: String,
    /// The `kid` of the header, if any.
    pub kid: Option<String>,
    /// The whole header, as JSON text.
    pub header_json: String,
    /// The claims set, as JSON text.
    pub claims_json: String,
}

fn invalid(reason: impl Into<String>) -> JwtError {
    JwtError::InvalidArgument {
        reason: reason.into(),
    }
}

/// An algorithm by name; an unknown one is `DisallowedAlgorithm`.
fn algorithm(name: &str) -> Result<Algorithm, JwtError> {
    Ok(verify_options::algorithm(name)?)
}

/// The policy of the options, by the client's one rule for every SDK (an
/// unknown algorithm name is `DisallowedAlgorithm`, never dropped).
fn policy(options: &VerifyOptions) -> Result<VerificationPolicy, JwtError> {
    let mut verify = latchkey_client::VerifyOptions::new(options.algorithms.iter().cloned());
    verify.audiences = options.audience.clone();
    verify.issuer = options.issuer.clone();
    verify.subject = options.subject.clone();
    verify.leeway = options.leeway;
    verify.max_lifetime = options.max_lifetime;
    verify.required_claims = options.required_claims.clone();
    Ok(verify.policy()?)
}

pub(crate) fn timestamp(at: SystemTime) -> Result<Timestamp, String> {
    Timestamp::try_from(at).map_err(|_| "the time is out of range".to_owned())
}

fn now(options: &VerifyOptions) -> Result<Option<Timestamp>, JwtError> {
    options.now.map(timestamp).transpose().map_err(invalid)
}

fn verified(token: jwt::VerifiedToken) -> VerifiedToken {
    let mut header = Map::new();
    header.insert("alg".into(), Value::from(token.header.alg.as_str()));
    if let Some(typ) = &token.header.typ {
        header.insert("typ".into(), Value::from(typ.as_str()));
    }
    if let Some(kid) = &token.header.kid {
        header.insert("kid".into(), Value::from(kid.as_str()));
    }
    header.extend(token.header.extra);
    VerifiedToken {
        algorithm: token.header.alg.as_str().to_owned(),
        kid: token.header.kid,
        header_json: Value::Object(header).to_string(),
        claims_json: Value::Object(token.claims).to_string(),
    }
}

/// Verifies `token` with one key: the signature, then every claim the
/// options name. Fails with the `JwtException` of the first fault.
#[uniffi::export]
pub fn jwt_verify(
    token: String,
    key: Arc<VerifyingKey>,
    options: VerifyOptions,
) -> Result<VerifiedToken, JwtError> {
    let policy = policy(&options)?;
    Ok(verified(jwt::verify(
        &token,
        &key.key,
        &policy,
        now(&options)?,
    )?))
}

/// Verifies `token` with the key of a key set that its `kid` names.
#[uniffi::export]
pub fn jwt_verify_with_jwks(
    token: String,
    jwks: Arc<Jwks>,
    options: VerifyOptions,
) -> Result<VerifiedToken, JwtError> {
    let policy = policy(&options)?;
    Ok(verified(jwt::verify(
        &token,
        &jwks.set,
        &policy,
        now(&options)?,
    )?))
}

/// Signs `claimsJson` (a JSON object, signed exactly as given: nothing is
/// validated, expired claims included) with `key`. The header is `alg`
/// (`algorithm`, else the key's own), `typ: JWT`, `kid` when given, and the
/// members of `extraHeaderJson` (a JSON object) when given.
#[uniffi::export(default(algorithm = None, kid = None, extra_header_json = None))]
pub fn jwt_sign(
    claims_json: String,
    key: Arc<SigningKey>,
    algorithm: Option<String>,
    kid: Option<String>,
    extra_header_json: Option<String>,
) -> Result<String, JwtError> {
    let claims: Value =
        serde_json::from_str(&claims_json).map_err(|_| invalid("the claims are not JSON text"))?;
    let alg = match algorithm {
        Some(name) => self::algorithm(&name)?,
        None => key.key.algorithm(),
    };
    let mut header = Header::new(alg);
    header.kid = kid;
    if let Some(extra) = extra_header_json {
        match serde_json::from_str(&extra) {
            Ok(Value::Object(members)) => header.extra = members,
            _ => return Err(invalid("the extra header is not a JSON object")),
        }
    }
    Ok(jwt::sign(&claims, &key.key, &header)?)
}

/// Mints the access token the server expects from an application: `iss` =
/// `sub` = `applicationId`, `aud` = `audience`, `iat` = `now` (the clock
/// when not given), `exp` = `iat` + `lifetime` (1 second to 1 hour), a
/// fresh `jti`, and `kid` = `keyId` in the header.
#[uniffi::export(default(now = None))]
pub fn jwt_mint_access_token(
    application_id: String,
    key_id: String,
    audience: String,
    lifetime: Duration,
    key: Arc<SigningKey>,
    now: Option<SystemTime>,
) -> Result<String, JwtError> {
    let at = match now {
        Some(at) => timestamp(at).map_err(invalid)?,
        None => Timestamp::now(),
    };
    Ok(jwt::mint_access_token_at(
        &application_id,
        &key_id,
        &audience,
        lifetime,
        &key.key,
        at,
    )?)
}

/// The header of `token` as JSON text, read without verifying anything:
/// untrusted until `jwtVerify` succeeds.
#[uniffi::export]
pub fn jwt_unverified_header(token: String) -> Result<String, JwtError> {
    Ok(Value::Object(jwt::unverified_header(&token)?).to_string())
}

/// Signs `signingInput` (the first two segments and their dot) under
/// `algorithm`, returning the raw signature: for JWS vectors and detached
/// payloads.
#[uniffi::export]
pub fn jws_sign_raw(
    signing_input: Vec<u8>,
    key: Arc<SigningKey>,
    algorithm: String,
) -> Result<Vec<u8>, JwtError> {
    Ok(jwt::sign_raw(
        &signing_input,
        &key.key,
        self::algorithm(&algorithm)?,
    )?)
}

/// Checks only a signature over `signingInput` under `algorithm`:
/// `JwtException.BadSignature` when it does not verify.
#[uniffi::export]
pub fn jws_verify_raw(
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    key: Arc<VerifyingKey>,
    algorithm: String,
) -> Result<(), JwtError> {
    Ok(jwt::verify_raw(
        &signing_input,
        &signature,
        &key.key,
        self::algorithm(&algorithm)?,
    )?)
}

/// The RFC 7638 thumbprint of a public JWK (members other than the
/// required ones do not count).
#[uniffi::export]
pub fn jwk_thumbprint(jwk: JwkMembers) -> Result<String, KeyError> {
    let value = Value::Object(
        jwk.into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect::<Map<String, Value>>(),
    );
    Ok(jwt::jwk_thumbprint(&value)?)
}
