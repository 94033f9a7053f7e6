//! Key-pair generation, signing and verification: `jwt.generateKeyPair`,
//! `jwt.sign`, `jwt.verify`, `jwt.mintAccessToken`,
//! `jwt.decodeUnverifiedHeader`, and the raw JWS signature functions the
//! cross-language vectors use.

use std::time::Duration;

use jiff::Timestamp;
use latchkey_client::jwt::{self, Algorithm, Header, RsaKeySize, SigningKey};
use latchkey_client::key_cache::VerifyWith;
use latchkey_client::verify_options::{self, VerifyOptions as Options};
use napi::Env;
use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;

use crate::errors;
use crate::keys::{PrivateKey, PublicKeys};

/// An algorithm by its JOSE name; an unknown one (`none`, `HS256`, ...) is
/// `ERR_JWT_ALG_NOT_ALLOWED`.
fn algorithm(env: &Env, name: &str) -> napi::Result<Algorithm> {
    verify_options::algorithm(name).map_err(|e| errors::options(env, &e))
}

/// A generated key pair. The wrapper parses `publicJwk` into an object.
#[napi(object)]
pub struct KeyPair {
    /// The private key, PKCS#8 PEM.
    pub private_pem: String,
    /// The public key, SPKI PEM.
    pub public_pem: String,
    /// The public key as a JWK, JSON text.
    pub public_jwk: String,
    /// The RFC 7638 thumbprint of the public key (unpadded base64url).
    pub thumbprint: String,
}

/// Generates a key pair for `algorithm`; `modulus_length` (2048, 3072 or
/// 4096, default 2048) applies to RSA.
#[napi]
pub fn generate_key_pair(
    env: Env,
    algorithm_name: String,
    modulus_length: Option<u32>,
) -> napi::Result<KeyPair> {
    let alg = algorithm(&env, &algorithm_name)?;
    let size = match modulus_length {
        None => RsaKeySize::default(),
        Some(bits) => RsaKeySize::from_bits(bits as usize).ok_or_else(|| {
            errors::coded(
                &env,
                errors::INVALID_ARG_VALUE,
                "modulusLength must be 2048, 3072 or 4096",
                &[],
            )
        })?,
    };
    let key = SigningKey::generate_with_rsa_size(alg, size).map_err(|e| errors::key(&env, &e))?;
    let private_pem = key.to_pkcs8_pem().map_err(|e| errors::key(&env, &e))?;
    let public = key.verifying_key();
    Ok(KeyPair {
        private_pem: private_pem.as_str().to_owned(),
        public_pem: public.to_spki_pem(),
        public_jwk: serde_json::Value::Object(public.to_jwk()).to_string(),
        thumbprint: public.thumbprint(),
    })
}

/// Signs `claims` (JSON text of an object) with `key` under `algorithm`;
/// `keyid` sets `kid`, `header` (JSON text of an object) adds members.
#[napi]
pub fn sign_token(
    env: Env,
    claims: String,
    key: &PrivateKey,
    algorithm_name: Option<String>,
    keyid: Option<String>,
    header: Option<String>,
) -> napi::Result<String> {
    let claims: serde_json::Value = serde_json::from_str(&claims).map_err(|_| {
        errors::coded(
            &env,
            errors::INVALID_ARG_TYPE,
            "the payload is not JSON",
            &[],
        )
    })?;
    let alg = match algorithm_name {
        Some(name) => algorithm(&env, &name)?,
        None => key.key.algorithm(),
    };
    let mut jose_header = Header::new(alg);
    jose_header.kid = keyid;
    if let Some(extra) = header {
        match serde_json::from_str(&extra) {
            Ok(serde_json::Value::Object(members)) => jose_header.extra = members,
            _ => {
                return Err(errors::coded(
                    &env,
                    errors::INVALID_ARG_TYPE,
                    "header must be an object",
                    &[],
                ));
            }
        }
    }
    jwt::sign(&claims, &key.key, &jose_header).map_err(|e| errors::sign(&env, &e))
}

/// `jwt.verify`'s options, with `jsonwebtoken`'s names (times in seconds).
#[napi(object)]
pub struct VerifyOptions {
    /// The allow-list; it may mix families (the key picks).
    pub algorithms: Vec<String>,
    /// The accepted audience or audiences.
    pub audience: Option<Either<String, Vec<String>>>,
    /// The required issuer.
    pub issuer: Option<String>,
    /// The required subject.
    pub subject: Option<String>,
    /// Leeway for `exp`, `nbf` and `iat`, in seconds (default 0).
    pub clock_tolerance: Option<f64>,
    /// The current time, in seconds since the epoch (default: now).
    pub clock_timestamp: Option<f64>,
    /// The longest accepted `exp - iat`, in seconds (makes both required).
    pub max_lifetime: Option<f64>,
    /// Claims that must be present.
    pub required_claims: Option<Vec<String>>,
}

fn seconds(env: &Env, value: f64, name: &str) -> napi::Result<Duration> {
    verify_options::seconds(name, value).map_err(|e| errors::options(env, &e))
}

/// The policy of `jwt.verify`'s options, by the one rule of every SDK (an
/// unknown algorithm name is refused, never dropped), and the time to
/// verify at.
fn policy(
    env: &Env,
    options: VerifyOptions,
) -> napi::Result<(jwt::VerificationPolicy, Option<Timestamp>)> {
    let mut verify = Options::new(options.algorithms);
    verify.audiences = match options.audience {
        Some(Either::A(audience)) => vec![audience],
        Some(Either::B(audiences)) => audiences,
        None => Vec::new(),
    };
    verify.issuer = options.issuer;
    verify.subject = options.subject;
    if let Some(leeway) = options.clock_tolerance {
        verify.leeway = Some(seconds(env, leeway, "clockTolerance")?);
    }
    if let Some(max) = options.max_lifetime {
        verify.max_lifetime = Some(seconds(env, max, "maxLifetime")?);
    }
    verify.required_claims = options.required_claims.unwrap_or_default();
    let policy = verify.policy().map_err(|e| errors::options(env, &e))?;
    let now = options
        .clock_timestamp
        .map(|now| verify_options::epoch_seconds("clockTimestamp", now))
        .transpose()
        .map_err(|e| errors::options(env, &e))?;
    Ok((policy, now))
}

/// A verified token: its header and claims, each as JSON text.
#[napi(object)]
pub struct Verified {
    /// The JOSE header (`alg`, `typ`, `kid` and every other member).
    pub header: String,
    /// The claims set.
    pub claims: String,
}

/// Verifies `token` against `keys` under `options`; a refusal is thrown
/// with its code (`ERR_JWT_EXPIRED`, ...).
#[napi]
pub fn verify_token(
    env: Env,
    token: String,
    keys: &PublicKeys,
    options: VerifyOptions,
) -> napi::Result<Verified> {
    let (policy, now) = policy(&env, options)?;
    let keys = keys.keys.keys();
    let verified = jwt::verify(&token, keys, &policy, now).map_err(|e| errors::verify(&env, &e))?;
    let mut header = serde_json::Map::new();
    header.insert("alg".into(), verified.header.alg.as_str().into());
    if let Some(typ) = verified.header.typ {
        header.insert("typ".into(), typ.into());
    }
    if let Some(kid) = verified.header.kid {
        header.insert("kid".into(), kid.into());
    }
    header.extend(verified.header.extra);
    Ok(Verified {
        header: serde_json::Value::Object(header).to_string(),
        claims: serde_json::Value::Object(verified.claims).to_string(),
    })
}

/// The header of `token` as JSON text, decoded but not verified (untrusted
/// until `verify` succeeds); a malformed token is `ERR_JWT_MALFORMED`.
#[napi]
pub fn decode_unverified_header(env: Env, token: String) -> napi::Result<String> {
    let header = jwt::unverified_header(&token).map_err(|e| errors::verify(&env, &e))?;
    Ok(serde_json::Value::Object(header).to_string())
}

/// The access token the server expects from application `applicationId`
/// signing with its registered JWT key `keyId`: `iss` = `sub` =
/// `applicationId`, `aud` = `audience`, `iat` = `clockTimestamp` (seconds;
/// the clock when not given), `exp` = `iat` + `lifetime` seconds (1 to 3600,
/// 900 when not given), a fresh `jti`, and `kid` = `keyId` in the header.
#[napi]
pub fn mint_access_token(
    env: Env,
    key: &PrivateKey,
    application_id: String,
    key_id: String,
    audience: String,
    lifetime: Option<f64>,
    clock_timestamp: Option<f64>,
) -> napi::Result<String> {
    let lifetime = match lifetime {
        Some(lifetime) => seconds(&env, lifetime, "lifetime")?,
        None => latchkey_client::DEFAULT_TOKEN_LIFETIME,
    };
    let at = match clock_timestamp {
        Some(now) => verify_options::epoch_seconds("clockTimestamp", now)
            .map_err(|e| errors::options(&env, &e))?,
        None => Timestamp::now(),
    };
    jwt::mint_access_token_at(&application_id, &key_id, &audience, lifetime, &key.key, at)
        .map_err(|e| errors::sign(&env, &e))
}

/// The raw JWS signature of `signing_input` (the first two segments and
/// their dot) with `key` under `algorithm`.
#[napi]
pub fn create_signature(
    env: Env,
    signing_input: Buffer,
    key: &PrivateKey,
    algorithm_name: String,
) -> napi::Result<Buffer> {
    let alg = algorithm(&env, &algorithm_name)?;
    jwt::sign_raw(&signing_input, &key.key, alg)
        .map(Buffer::from)
        .map_err(|e| errors::sign(&env, &e))
}

/// Whether `signature` is a valid JWS signature of `signing_input` by `key`
/// under `algorithm`; an algorithm that does not fit the key is thrown.
#[napi]
pub fn verify_signature(
    env: Env,
    signing_input: Buffer,
    signature: Buffer,
    keys: &PublicKeys,
    algorithm_name: String,
) -> napi::Result<bool> {
    let alg = algorithm(&env, &algorithm_name)?;
    let VerifyWith::One(key) = &keys.keys else {
        return Err(errors::coded(
            &env,
            errors::INVALID_ARG_VALUE,
            "a signature is verified with one key, not a key set",
            &[],
        ));
    };
    match jwt::verify_raw(&signing_input, &signature, key, alg) {
        Ok(()) => Ok(true),
        Err(jwt::VerifyError::BadSignature) => Ok(false),
        Err(error) => Err(errors::verify(&env, &error)),
    }
}
