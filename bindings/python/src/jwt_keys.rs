//! Keys as Python passes them: PEM text or bytes, JWK and JWKS dicts, JWK
//! or JWKS JSON text, or a [`KeyPair`]. Parsing and the cache that keeps
//! `decode(token, pem, …)` in a loop from re-parsing the key are the
//! client's ([`key_cache`]); this module only reads Python's forms.

use latchkey_client::jwt::{self, Algorithm, KeyError, SigningKey};
use latchkey_client::key_cache::{self, VerifyWith};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use zeroize::Zeroizing;

use crate::jwt_errors::key_error;
use crate::jwt_json;

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

const KEY_TYPES: &str =
    "key must be a PEM (str or bytes), a JWK or JWKS (dict or JSON text), or a KeyPair";

/// The key or key set to verify with, from what `decode` was given.
pub fn verifying_keys(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<VerifyWith> {
    if let Ok(pair) = key.cast::<KeyPair>() {
        return Ok(VerifyWith::One(pair.get().key.verifying_key().clone()));
    }
    let parsed = if let Some(bytes) = key_bytes(key)? {
        key_cache::verifying(&bytes)
    } else if key.is_instance_of::<PyDict>() {
        key_cache::verifying_json(&jwt_json::to_value(key)?)
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
        key_cache::signing(&bytes)
    } else if key.is_instance_of::<PyDict>() {
        key_cache::signing_json(&jwt_json::to_value(key)?)
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
