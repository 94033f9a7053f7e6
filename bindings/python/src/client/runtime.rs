//! Where the client's futures run: one shared multi-thread tokio runtime
//! (pyo3-async-runtimes' own, so that `AsyncClient` and `Client` share it).
//! A blocking call waits for its future with the GIL released; an async
//! call hands the future to asyncio as an awaitable.

use std::future::Future;

use latchkey_client::Error;
use pyo3::prelude::*;

use super::convert::ToPython;
use super::error::to_py_err;

/// The binding's runtime, created on first use.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// How a native client answers: with the result, or with an awaitable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Wait for the answer (the GIL is released meanwhile).
    Blocking,
    /// Return an asyncio awaitable.
    Async,
}

/// Runs `future` the way `mode` says and converts its outcome: the value
/// into Python objects, an error into the matching `latchkey` exception.
pub fn run<'py, F, T>(py: Python<'py>, mode: Mode, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: ToPython + Send + 'static,
{
    match mode {
        Mode::Blocking => match py.detach(|| runtime().block_on(future)) {
            Ok(value) => value.to_python(py),
            Err(error) => Err(to_py_err(py, error)),
        },
        Mode::Async => pyo3_async_runtimes::tokio::future_into_py(py, async move {
            match future.await {
                Ok(value) => Ok(Converted(value)),
                Err(error) => Err(Python::attach(|py| to_py_err(py, error))),
            }
        }),
    }
}

/// A result converted when asyncio takes it (under the GIL).
struct Converted<T>(T);

impl<'py, T: ToPython> IntoPyObject<'py> for Converted<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.to_python(py)
    }
}
