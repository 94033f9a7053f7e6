//! Raising the exception classes of `latchkey/_errors.py` from Rust. The
//! classes are Python's (PyJWT's tree for tokens, SDK.md's for the API):
//! defined once there, looked up here by name.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

/// The `latchkey._errors` module, imported once.
fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("latchkey._errors")?.unbind())
        })
        .map(|module| module.bind(py))
}

/// A new exception of class `latchkey._errors.<class>`, built with the given
/// positional arguments.
#[allow(dead_code)] // used by the client and jwt modules as they land
pub fn new_error<'py, A>(py: Python<'py>, class: &str, args: A) -> PyErr
where
    A: pyo3::call::PyCallArgs<'py>,
{
    match errors_module(py)
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args))
    {
        Ok(instance) => PyErr::from_value(instance),
        Err(error) => error,
    }
}
