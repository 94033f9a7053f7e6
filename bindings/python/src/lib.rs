//! The native half of the `latchkey` Python package (`latchkey._latchkey`).
//! Thin by design: every behaviour lives in `latchkey-client` and
//! `latchkey-core`; this crate converts arguments, results and errors, and
//! releases the GIL around network and crypto work.

use pyo3::prelude::*;

mod access_key;
mod client;
mod errors;
mod jwt;
mod jwt_errors;
mod jwt_json;
mod jwt_keys;

/// The module `latchkey._latchkey`.
#[pymodule]
fn _latchkey(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    jwt::register(module)?;
    access_key::register(module)?;
    client::register(module)?;
    Ok(())
}
