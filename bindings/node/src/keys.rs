//! Key handles: a key is parsed once into a handle and reused for every
//! signature or verification (the wrapper caches handles for PEM strings and
//! `KeyObject`s). PEM arrives as text; JWK and JWKS arrive as JSON text,
//! which `serde_json` reads faster than walking a JavaScript object.

use latchkey_client::jwt::{Jwks, KeyError, SigningKey, VerifyingKey};
use napi::Env;
use napi_derive::napi;

use crate::errors;

/// What a token can be verified against: one public key or a key set.
pub enum Verifier {
    /// One key; a token's `kid`, if any, must match the key's, if any.
    One(VerifyingKey),
    /// A JWKS; the token's `kid` picks the key.
    Set(Jwks),
}

/// A parsed public key or key set (`jwt.verify`'s second argument).
#[napi]
pub struct PublicKeys {
    pub(crate) verifier: Verifier,
}

fn json(env: &Env, text: &str, what: &str) -> napi::Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|_| {
        errors::coded(
            env,
            errors::INVALID_KEY,
            &format!("{what} is not valid JSON"),
            &[],
        )
    })
}

#[napi]
impl PublicKeys {
    /// A public key from PEM (SPKI, X.509 certificate); a private key PEM
    /// gives its public half, as Node's `crypto` does.
    #[napi(factory)]
    pub fn from_pem(env: Env, pem: String) -> napi::Result<PublicKeys> {
        let key = match VerifyingKey::from_pem(&pem) {
            Err(KeyError::PrivateKeyGiven) => {
                SigningKey::from_pem(&pem).map(|private| private.verifying_key().clone())
            }
            other => other,
        }
        .map_err(|e| errors::key(&env, &e))?;
        Ok(PublicKeys {
            verifier: Verifier::One(key),
        })
    }

    /// A public key from a JWK (JSON text); a private JWK gives its public
    /// half.
    #[napi(factory)]
    pub fn from_jwk(env: Env, jwk: String) -> napi::Result<PublicKeys> {
        let value = json(&env, &jwk, "the JWK")?;
        let key = match VerifyingKey::from_jwk(&value) {
            Err(KeyError::PrivateKeyGiven) => {
                SigningKey::from_jwk(&value).map(|private| private.verifying_key().clone())
            }
            other => other,
        }
        .map_err(|e| errors::key(&env, &e))?;
        Ok(PublicKeys {
            verifier: Verifier::One(key),
        })
    }

    /// A key set from a JWKS (JSON text, `{ "keys": [...] }`).
    #[napi(factory)]
    pub fn from_jwks(env: Env, jwks: String) -> napi::Result<PublicKeys> {
        let value = json(&env, &jwks, "the JWKS")?;
        let set = Jwks::from_value(&value).map_err(|e| errors::key(&env, &e))?;
        Ok(PublicKeys {
            verifier: Verifier::Set(set),
        })
    }

    fn single(&self, env: &Env) -> napi::Result<&VerifyingKey> {
        match &self.verifier {
            Verifier::One(key) => Ok(key),
            Verifier::Set(_) => Err(errors::coded(
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
        let key = SigningKey::from_pem(&pem).map_err(|e| errors::key(&env, &e))?;
        Ok(PrivateKey { key })
    }

    /// A private key from a JWK (JSON text) that has its private members.
    #[napi(factory)]
    pub fn from_jwk(env: Env, jwk: String) -> napi::Result<PrivateKey> {
        let value = json(&env, &jwk, "the JWK")?;
        let key = SigningKey::from_jwk(&value).map_err(|e| errors::key(&env, &e))?;
        Ok(PrivateKey { key })
    }

    /// The public half.
    #[napi]
    pub fn public_keys(&self) -> PublicKeys {
        PublicKeys {
            verifier: Verifier::One(self.key.verifying_key().clone()),
        }
    }
}
