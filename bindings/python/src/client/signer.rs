//! `latchkey.JwtSigner`: the settings of a JWT credential. Its private key is
//! read when the signer is made (a bad PEM fails here, not at the first
//! request); each client built with it gets the Rust client's
//! [`JwtSigner`], which mints and caches the tokens.

use std::time::Duration;

use latchkey_client::JwtSigner;
use latchkey_client::id::{ApplicationId, JwtKeyId};
use latchkey_client::jwt::SigningKey;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use zeroize::Zeroizing;

use super::args::parse;
use super::error::{configuration, to_py_err};
use crate::errors::new_error;

/// Signs Latchkey access tokens with a registered JWT key.
#[pyclass(frozen, module = "latchkey", name = "JwtSigner")]
pub struct PyJwtSigner {
    application_id: ApplicationId,
    key_id: JwtKeyId,
    key: SigningKey,
    audience: Option<String>,
    lifetime: Duration,
}

impl PyJwtSigner {
    /// The Rust client's signer for one client.
    pub fn to_signer(&self) -> JwtSigner {
        let signer = JwtSigner::new(self.application_id, self.key_id, self.key.clone())
            .lifetime(self.lifetime);
        match &self.audience {
            Some(audience) => signer.audience(audience.clone()),
            None => signer,
        }
    }
}

#[pymethods]
impl PyJwtSigner {
    /// `JwtSigner(application_id, key_id, private_key_pem, audience=None, *,
    /// lifetime=900.0)`: `private_key_pem` is a PKCS#8, PKCS#1 or SEC1 PEM
    /// (str or bytes); without `audience` the server's is read once from
    /// `/.well-known/latchkey`; tokens live `lifetime` seconds (1 to 3600).
    #[new]
    #[pyo3(signature = (application_id, key_id, private_key_pem, audience = None, *, lifetime = 900.0))]
    fn new(
        py: Python<'_>,
        application_id: &str,
        key_id: &str,
        private_key_pem: &Bound<'_, PyAny>,
        audience: Option<String>,
        lifetime: f64,
    ) -> PyResult<Self> {
        let application_id = parse(py, "application_id", application_id)?;
        let key_id = parse(py, "key_id", key_id)?;
        let pem: Zeroizing<Vec<u8>> = if let Ok(text) = private_key_pem.cast::<PyString>() {
            Zeroizing::new(text.to_cow()?.as_bytes().to_vec())
        } else if let Ok(bytes) = private_key_pem.cast::<PyBytes>() {
            Zeroizing::new(bytes.as_bytes().to_vec())
        } else {
            return Err(new_error(
                py,
                "InvalidKeyError",
                ("private_key_pem must be a PEM string or bytes".to_owned(),),
            ));
        };
        let key = SigningKey::from_pem(&*pem)
            .map_err(|error| to_py_err(py, latchkey_client::Error::from(error)))?;
        let lifetime = Duration::try_from_secs_f64(lifetime)
            .map_err(|_| configuration(py, "lifetime must be a positive number of seconds"))?;
        Ok(PyJwtSigner {
            application_id,
            key_id,
            key,
            audience,
            lifetime,
        })
    }

    /// The application the tokens are for (`iss` and `sub`).
    #[getter]
    fn application_id(&self) -> String {
        self.application_id.to_string()
    }

    /// The JWT key id (`kid`).
    #[getter]
    fn key_id(&self) -> String {
        self.key_id.to_string()
    }

    /// The signing algorithm, from the key (`EdDSA`, `ES256`, …).
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.key.algorithm().as_str()
    }

    /// The `aud` of the tokens, or `None` to ask the server.
    #[getter]
    fn audience(&self) -> Option<String> {
        self.audience.clone()
    }

    /// Token lifetime in seconds.
    #[getter]
    fn lifetime(&self) -> f64 {
        self.lifetime.as_secs_f64()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        // Never the key: only what the server already knows.
        let quoted = |text: &str| -> PyResult<String> {
            Ok(PyString::new(py, text).repr()?.to_cow()?.into_owned())
        };
        Ok(format!(
            "JwtSigner(application_id={}, key_id={}, algorithm={}, audience={})",
            quoted(&self.application_id.to_string())?,
            quoted(&self.key_id.to_string())?,
            quoted(self.algorithm())?,
            match &self.audience {
                Some(audience) => quoted(audience)?,
                None => "None".to_owned(),
            },
        ))
    }
}
