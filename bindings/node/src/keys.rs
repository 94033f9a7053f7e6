//! Key handles: a key is parsed into a handle and reused for a signature or
//! verification. PEM arrives as text; JWK and JWKS arrive as JSON text, which
//! `serde_json` reads faster than walking a JavaScript object. Parsing, and
//! the cache that keeps the same PEM or JWK from being parsed on every call,
//! are the client's ([`key_cache`]), shared with every other SDK; the
//! wrapper (`lib/keys.cjs`) only keeps `KeyObject`s' handles by identity.

use latchkey_client::jwt::{KeyError, SigningKey, VerifyingKey};
use latchkey_client::key_cache::{self, VerifyWith};
use napi::Env;
use napi_derive::napi;

use crate::errors;

/// A parsed public key or key set (`jwt.verify`'s second argument).
#[napi]
pub struct PublicKeys {
    pub(crate) keys: VerifyWith,
}

fn invalid_json(env: &Env, what: &str) -> napi::Error {
    errors::coded(
        env,
        errors::INVALID_KEY,
        &format!("{what} is not valid JSON"),
        &[],
    )
}

/// `key_cache`'s verdict on JSON text, with the JSON fault named as the
/// wrapper's messages always have.
fn cached_json<T>(
    env: &Env,
    text: &str,
    what: &str,
    parse: impl FnOnce(&[u8]) -> Result<T, KeyError>,
) -> napi::Result<T> {
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return Err(invalid_json(env, what));
    }
    parse(text.as_bytes()).map_err(|e| errors::key(env, &e))
}

#[napi]
impl PublicKeys {
    /// A public key from PEM (SPKI, X.509 certificate); a private key PEM
    /// gives its public half, as Node's `crypto` does.
    #[napi(factory)]
    pub fn from_pem(env: Env, pem: String) -> napi::Result<PublicKeys> {
        // The cache reads JSON too; here only PEM is asked for.
        if pem.trim_start().starts_with('{') {
            return Err(errors::key(&env, &KeyError::InvalidPem));
        }
        let keys = key_cache::verifying(pem.as_bytes()).map_err(|e| errors::key(&env, &e))?;
        Ok(PublicKeys { keys })
    }

    /// A public key from a JWK (JSON text); a private JWK gives its public
    /// half.
    #[napi(factory)]
    pub fn from_jwk(env: Env, jwk: String) -> napi::Result<PublicKeys> {
        match cached_json(&env, &jwk, "the JWK", key_cache::verifying)? {
            VerifyWith::One(key) => Ok(PublicKeys {
                keys: VerifyWith::One(key),
            }),
            VerifyWith::Set(_) => Err(errors::coded(
                &env,
                errors::INVALID_KEY,
                "a key set was given where one JWK is expected",
                &[],
            )),
        }
    }

    /// A key set from a JWKS (JSON text, `{ "keys": [...] }`).
    #[napi(factory)]
    pub fn from_jwks(env: Env, jwks: String) -> napi::Result<PublicKeys> {
        match cached_json(&env, &jwks, "the JWKS", key_cache::verifying)? {
            VerifyWith::Set(set) => Ok(PublicKeys {
                keys: VerifyWith::Set(set),
            }),
            VerifyWith::One(_) => Err(errors::coded(
                &env,
                errors::INVALID_KEY,
                "a JWKS must have a `keys` array",
                &[],
            )),
        }
    }

    fn single(&self, env: &Env) -> napi::Result<&VerifyingKey> {
        match &self.keys {
            VerifyWith::One(key) => Ok(key),
            VerifyWith::Set(_) => Err(errors::coded(
                env,
                errors::INVALID_ARG_VALUE,
                "a key set has no single public key",
                &[],
            )),
        }
    }

    /// The public key as SPKI PEM.
    #[napi]
    pub fn public_pem(&self, env: Env) -> napi::Result<String> {
        Ok(self.single(&env)?.to_spki_pem())
    }

    /// The public key as a JWK (JSON text).
    #[napi]
    pub fn public_jwk(&self, env: Env) -> napi::Result<String> {
        Ok(serde_json::Value::Object(self.single(&env)?.to_jwk()).to_string())
    }

    /// The RFC 7638 thumbprint of the public key (unpadded base64url).
    #[napi]
    pub fn thumbprint(&self, env: Env) -> napi::Result<String> {
        Ok(self.single(&env)?.thumbprint())
    }
}

/// A parsed private key (`jwt.sign`'s second argument).
#[napi]
pub struct PrivateKey {
    pub(crate) key: SigningKey,
}

#[napi]
impl PrivateKey {
    /// A private key from PEM (PKCS#8, PKCS#1 or SEC1).
    #[napi(factory)]
    pub fn from_pem(env: Env, pem: String) -> napi::Result<PrivateKey> {
        if pem.trim_start().starts_with('{') {
            return Err(errors::key(&env, &KeyError::InvalidPem));
        }
        let key = key_cache::signing(pem.as_bytes()).map_err(|e| errors::key(&env, &e))?;
        Ok(PrivateKey { key })
    }

    /// A private key from a JWK (JSON text) that has its private members.
    #[napi(factory)]
    pub fn from_jwk(env: Env, jwk: String) -> napi::Result<PrivateKey> {
        let key = cached_json(&env, &jwk, "the JWK", key_cache::signing)?;
        Ok(PrivateKey { key })
    }

    /// The public half.
    #[napi]
    pub fn public_keys(&self) -> PublicKeys {
        PublicKeys {
            keys: VerifyWith::One(self.key.verifying_key().clone()),
        }
    }
}
