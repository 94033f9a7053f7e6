//! `latchkey.access_key.parse`: the offline format and checksum check of
//! an access key, with the parts as a read-only object.

use latchkey_client::access_key;
use pyo3::prelude::*;
use zeroize::Zeroizing;

use crate::errors::new_error;

/// Registers `access_key_parse` and the `ParsedAccessKey` class.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<ParsedAccessKey>()?;
    module.add_function(wrap_pyfunction!(access_key_parse, module)?)?;
    Ok(())
}

/// A well-formed access key: `ak_` + key id + secret + checksum. `repr`
/// shows the key id and prefix, never the secret.
#[pyclass(module = "latchkey.access_key", frozen, name = "ParsedAccessKey")]
pub struct ParsedAccessKey {
    key_id: String,
    secret: Zeroizing<String>,
    checksum: String,
    key_prefix: String,
}

#[pymethods]
impl ParsedAccessKey {
    /// The key id part (22 base62 characters): the id body of the access
    /// key's `key_…` id.
    #[getter]
    fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The secret part (43 base62 characters). A secret.
    #[getter]
    fn secret(&self) -> &str {
        &self.secret
    }

    /// The checksum part (6 base62 characters).
    #[getter]
    fn checksum(&self) -> &str {
        &self.checksum
    }

    /// `ak_` and the first 8 characters of the key id, as the API shows it
    /// in lists.
    #[getter]
    fn key_prefix(&self) -> &str {
        &self.key_prefix
    }

    fn __repr__(&self) -> String {
        format!(
            "ParsedAccessKey(key_id='{}', key_prefix='{}')",
            self.key_id, self.key_prefix
        )
    }
}

/// Parses `key` offline; `InvalidAccessKeyError` (with `.category`) when it
/// is malformed or fails its checksum.
#[pyfunction]
fn access_key_parse(py: Python<'_>, key: String) -> PyResult<ParsedAccessKey> {
    match access_key::parse(&key) {
        Ok(parsed) => Ok(ParsedAccessKey {
            key_id: parsed.key_id().to_owned(),
            secret: Zeroizing::new(parsed.secret().to_owned()),
            checksum: parsed.checksum().to_owned(),
            key_prefix: parsed.key_prefix().to_owned(),
        }),
        Err(error) => {
            let exception = new_error(py, "InvalidAccessKeyError", (error.to_string(),));
            exception.value(py).setattr("category", error.category())?;
            Err(exception)
        }
    }
}
