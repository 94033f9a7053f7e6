//! Keys as Python passes them: PEM text or bytes, JWK and JWKS dicts, JWK
//! or JWKS JSON text, or a [`KeyPair`]; parsed once and kept in a small
//! cache so that calling `decode(token, pem, …)` in a loop, the way PyJWT
//! code does, does not re-parse the key on every call (an RSA public key
//! is parsed into six backend objects; a private key is a full PKCS#8
//! parse).
//!
//! The cache is keyed by the key's bytes (the PEM or JSON text; for a dict
//! its JSON text, so a dict mutated after use is a new key), holds at most
//! [`CACHE_CAPACITY`] keys per kind, and wipes the bytes it keeps when an
//! entry leaves it. The parsed private keys live in aws-lc memory, which
//! aws-lc wipes when the last reference goes.

use std::sync::{Arc, Mutex};

use latchkey_client::jwt::{self, Algorithm, Jwks, KeyError, SigningKey, VerifyingKey};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::jwt_errors::key_error;
use crate::jwt_json;

/// Distinct keys kept per cache. Applications verify with one key or one
/// key set, or a handful during a rotation; more keys than this are parsed
/// on each use rather than growing the cache without bound.
const CACHE_CAPACITY: usize = 16;

/// What a token is verified against: one key or a key set.
#[derive(Clone)]
pub enum VerifyWith {
    /// One key (a token's `kid`, if any, must match the key's, if any).
    One(VerifyingKey),
    /// A key set: the token's `kid` picks the key.
    Set(Arc<Jwks>),
}

impl VerifyWith {
    /// The toolkit's view of these keys.
    pub fn keys(&self) -> jwt::Keys<'_> {
        match self {
            VerifyWith::One(key) => jwt::Keys::One(key),
            VerifyWith::Set(set) => jwt::Keys::Set(set),
        }
    }
}

/// A small first-in-first-out cache from key bytes to parsed keys.
struct KeyCache<K> {
    entries: Mutex<Vec<(Zeroizing<Vec<u8>>, K)>>,
}

impl<K: Clone> KeyCache<K> {
    const fn new() -> Self {
        Self {
            entries: Mutex::new(Vec::new()),
        }
    }

    fn get(&self, bytes: &[u8]) -> Option<K> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .find(|(cached, _)| cached.as_slice() == bytes)
            .map(|(_, key)| key.clone())
    }

    fn insert(&self, bytes: &[u8], key: K) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CACHE_CAPACITY {
            entries.remove(0);
        }
        entries.push((Zeroizing::new(bytes.to_vec()), key));
    }

    /// The cached key for `bytes`, or `parse(bytes)`, cached on success.
    fn get_or_parse(
        &self,
        bytes: &[u8],
        parse: impl FnOnce(&[u8]) -> Result<K, KeyError>,
    ) -> Result<K, KeyError> {
        if let Some(key) = self.get(bytes) {
            return Ok(key);
        }
        let key = parse(bytes)?;
        self.insert(bytes, key.clone());
        Ok(key)
    }
}

static VERIFYING: KeyCache<VerifyWith> = KeyCache::new();
static SIGNING: KeyCache<SigningKey> = KeyCache::new();

/// A generated key pair: the private key (PKCS#8 PEM, private JWK) and its
/// public half (SPKI PEM, JWK, RFC 7638 thumbprint). `repr` shows only the
/// algorithm and the thumbprint.
#[pyclass(module = "latchkey.jwt", frozen, name = "KeyPair")]
pub struct KeyPair {
    key: SigningKey,
}

impl KeyPair {
    /// Wraps a signing key.
    pub fn new(key: SigningKey) -> Self {
        Self { key }
    }
}

#[pymethods]
impl KeyPair {
    /// The algorithm the key signs with (`EdDSA`, `ES256`, …).
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.key.algorithm().as_str()
    }

    /// The private key as a PEM `PRIVATE KEY` (PKCS#8). A secret.
    #[getter]
    fn private_pem(&self, py: Python<'_>) -> PyResult<String> {
        let pem = self.key.to_pkcs8_pem().map_err(|e| key_error(py, &e))?;
        Ok(pem.as_str().to_owned())
    }

    /// The public key as a PEM `PUBLIC KEY` (SPKI).
    #[getter]
    fn public_pem(&self) -> String {
        self.key.verifying_key().to_spki_pem()
    }

    /// The public key as a JWK (a new dict on each access).
    #[getter]
    fn public_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let mut jwk = self.key.verifying_key().to_jwk();
        jwk.insert("alg".to_owned(), self.key.algorithm().as_str().into());
        jwt_json::map_to_dict(py, &jwk)
    }

    /// The private key as a JWK (a new dict on each access). A secret.
    #[getter]
    fn private_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let jwk = self.key.to_private_jwk().map_err(|e| key_error(py, &e))?;
        let dict = jwt_json::map_to_dict(py, jwk.as_map())?;
        dict.set_item("alg", self.key.algorithm().as_str())?;
        Ok(dict)
    }

    /// The RFC 7638 SHA-256 thumbprint of the public key (unpadded
    /// base64url).
    #[getter]
    fn thumbprint(&self) -> String {
        self.key.verifying_key().thumbprint()
    }

    fn __repr__(&self) -> String {
        format!(
            "KeyPair(algorithm='{}', thumbprint='{}')",
            self.key.algorithm(),
            self.key.verifying_key().thumbprint()
        )
    }
}

/// The bytes of a `str` or `bytes` key, if it is one.
fn key_bytes(key: &Bound<'_, PyAny>) -> PyResult<Option<Zeroizing<Vec<u8>>>> {
    if let Ok(text) = key.cast::<PyString>() {
        return Ok(Some(Zeroizing::new(text.to_cow()?.as_bytes().to_vec())));
    }
    if let Ok(bytes) = key.cast::<PyBytes>() {
        return Ok(Some(Zeroizing::new(bytes.as_bytes().to_vec())));
    }
    Ok(None)
}

/// JSON text starts with `{` (after whitespace); PEM starts with `-----`.
fn is_json(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().first() == Some(&b'{')
}

fn parse_json(bytes: &[u8]) -> Result<Value, KeyError> {
    serde_json::from_slice(bytes).map_err(|_| KeyError::InvalidJwk {
        reason: "not valid JSON",
    })
}

/// A public key from PEM: SPKI, PKCS#1 public, X.509 certificate, or a
/// private key (whose public half is taken).
fn verifying_from_pem(bytes: &[u8]) -> Result<VerifyingKey, KeyError> {
    match VerifyingKey::from_pem(bytes) {
        Err(KeyError::PrivateKeyGiven) => Ok(SigningKey::from_pem(bytes)?.verifying_key().clone()),
        other => other,
    }
}

/// A key set (`{"keys": [...]}`) or one JWK, public or private.
fn verifying_from_json(value: &Value) -> Result<VerifyWith, KeyError> {
    if value.get("keys").is_some() {
        return Ok(VerifyWith::Set(Arc::new(Jwks::from_value(value)?)));
    }
    match VerifyingKey::from_jwk(value) {
        Err(KeyError::PrivateKeyGiven) => Ok(VerifyWith::One(
            SigningKey::from_jwk(value)?.verifying_key().clone(),
        )),
        other => other.map(VerifyWith::One),
    }
}

const KEY_TYPES: &str =
    "key must be a PEM (str or bytes), a JWK or JWKS (dict or JSON text), or a KeyPair";

/// The key or key set to verify with, from what `decode` was given.
pub fn verifying_keys(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<VerifyWith> {
    if let Ok(pair) = key.cast::<KeyPair>() {
        return Ok(VerifyWith::One(pair.get().key.verifying_key().clone()));
    }
    let parsed = if let Some(bytes) = key_bytes(key)? {
        VERIFYING.get_or_parse(&bytes, |bytes| {
            if is_json(bytes) {
                verifying_from_json(&parse_json(bytes)?)
            } else {
                verifying_from_pem(bytes).map(VerifyWith::One)
            }
        })
    } else if key.is_instance_of::<PyDict>() {
        let value = jwt_json::to_value(key)?;
        let text = Zeroizing::new(value.to_string().into_bytes());
        VERIFYING.get_or_parse(&text, |_| verifying_from_json(&value))
    } else {
        return Err(PyTypeError::new_err(KEY_TYPES));
    };
    parsed.map_err(|e| key_error(py, &e))
}

/// The private key to sign with, from what `encode` was given.
pub fn signing_key(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<SigningKey> {
    if let Ok(pair) = key.cast::<KeyPair>() {
        return Ok(pair.get().key.clone());
    }
    let parsed = if let Some(bytes) = key_bytes(key)? {
        SIGNING.get_or_parse(&bytes, |bytes| {
            if is_json(bytes) {
                SigningKey::from_jwk(&parse_json(bytes)?)
            } else {
                SigningKey::from_pem(bytes)
            }
        })
    } else if key.is_instance_of::<PyDict>() {
        let value = jwt_json::to_value(key)?;
        let text = Zeroizing::new(value.to_string().into_bytes());
        SIGNING.get_or_parse(&text, |_| SigningKey::from_jwk(&value))
    } else {
        return Err(PyTypeError::new_err(
            "key must be a private key as PEM (str or bytes), a private JWK (dict or JSON text), or a KeyPair",
        ));
    };
    parsed.map_err(|e| key_error(py, &e))
}

/// Generates a key pair for `algorithm`.
pub fn generate(algorithm: Algorithm, rsa_bits: usize) -> Result<SigningKey, KeyError> {
    let size = jwt::RsaKeySize::from_bits(rsa_bits).ok_or(KeyError::InvalidKey {
        reason: "RSA keys are generated with 2048, 3072 or 4096 bits",
    })?;
    SigningKey::generate_with_rsa_size(algorithm, size)
}
