//! `NativeClient`: every call of the Rust client, once; the client's calls
//! (`me`, `introspect`, …) and the resource operations' methods are
//! generated (`generated.rs`, from spec/sdk.json), the connection's are here. The Python classes
//! `latchkey.Client` and `latchkey.AsyncClient` (`_client.py`) give it
//! Pythonic keyword arguments and resource attributes; a native client made
//! for one answers with results (the GIL released while it waits), one made
//! for the other with asyncio awaitables.

mod args;
mod convert;
mod error;
mod generated;
mod generated_models;
mod inputs;
mod pager;
mod runtime;
mod signer;

use std::sync::Mutex;
use std::time::Duration;

use latchkey_client::models::ExposedKeyAction;
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, KeyStatus, Order, Plan, UserStatus,
};
use latchkey_client::{ApiEnum, Client, ClientBuilder, ListParams, StatusFilter};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use self::args::api_enum;
use self::error::{configuration, to_py_err};
use self::pager::NativePager;
use self::runtime::{Mode, runtime};
pub use self::signer::PyJwtSigner;
use crate::errors::new_error;

/// The product the binding adds to the `User-Agent`.
const USER_AGENT: &str = concat!("latchkey-python/", env!("CARGO_PKG_VERSION"));

/// Registers the client's classes in `latchkey._latchkey`.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<NativeClient>()?;
    module.add_class::<NativePager>()?;
    module.add_class::<PyJwtSigner>()?;
    module.add_function(wrap_pyfunction!(error::api_error_text, module)?)?;
    module.add("API_ENUMS", api_enums(module.py())?)?;
    Ok(())
}

/// Each enum's values as the API spells them, by the client's type name:
/// the one list the `Literal` types of `_models.py` and `_client.py` are
/// tested against.
fn api_enums(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let enums = PyDict::new(py);
    enums.set_item("KeyStatus", KeyStatus::api_names())?;
    enums.set_item("EffectiveKeyStatus", EffectiveKeyStatus::api_names())?;
    enums.set_item("ApplicationStatus", ApplicationStatus::api_names())?;
    enums.set_item("UserStatus", UserStatus::api_names())?;
    enums.set_item("Plan", Plan::api_names())?;
    enums.set_item("ExposedKeyAction", ExposedKeyAction::api_names())?;
    enums.set_item("Order", Order::api_names())?;
    Ok(enums)
}

/// A list query with a status filter of the resource's own statuses.
fn with_status<S: StatusFilter + ApiEnum>(
    py: Python<'_>,
    params: ListParams,
    status: Option<&str>,
) -> PyResult<ListParams> {
    match status {
        Some(status) => Ok(params.status(api_enum::<S>(py, "status", status)?)),
        None => Ok(params),
    }
}

fn seconds(py: Python<'_>, name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| configuration(py, format!("{name} must be a positive number of seconds")))
}

/// The connection to a Latchkey server behind `Client` and `AsyncClient`.
#[pyclass(frozen, module = "latchkey._latchkey")]
pub struct NativeClient {
    // `None` once closed: the connection pool is dropped with the last clone.
    client: Mutex<Option<Client>>,
    base_url: String,
    mode: Mode,
}

impl NativeClient {
    fn client(&self, py: Python<'_>) -> PyResult<Client> {
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| {
                new_error(
                    py,
                    "ClientClosedError",
                    ("the client is closed".to_owned(),),
                )
            })
    }

    fn pager<T>(&self, pager: latchkey_client::Pager<T>) -> NativePager
    where
        T: latchkey_client::models::ApiObject + convert::ToPython + Send + 'static,
    {
        NativePager::new(pager, self.mode)
    }
}

#[pymethods]
impl NativeClient {
    /// A client for `url` (else `LATCHKEY_URL`) with `access_key` (else
    /// `LATCHKEY_ACCESS_KEY`) or `signer`; `asynchronous` picks awaitables.
    #[new]
    #[pyo3(signature = (url, access_key, signer, timeout, connect_timeout, max_retries, asynchronous))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        url: Option<String>,
        access_key: Option<String>,
        signer: Option<PyRef<'_, PyJwtSigner>>,
        timeout: f64,
        connect_timeout: f64,
        max_retries: u32,
        asynchronous: bool,
    ) -> PyResult<Self> {
        let mut builder = ClientBuilder::new()
            .from_env()
            .timeout(seconds(py, "timeout", timeout)?)
            .connect_timeout(seconds(py, "connect_timeout", connect_timeout)?)
            .max_retries(max_retries)
            .user_agent_suffix(USER_AGENT);
        if let Some(url) = url {
            builder = builder.base_url(url);
        }
        match (access_key, signer) {
            (Some(_), Some(_)) => {
                return Err(configuration(py, "pass access_key or signer, not both"));
            }
            (Some(key), None) => builder = builder.access_key(key),
            (None, Some(signer)) => builder = builder.jwt_signer(signer.to_signer()),
            (None, None) => {}
        }
        // The HTTP client may set up timers: build it inside the runtime.
        let _entered = runtime().enter();
        let client = builder.build().map_err(|error| to_py_err(py, error))?;
        Ok(NativeClient {
            base_url: client.base_url().to_owned(),
            client: Mutex::new(Some(client)),
            mode: if asynchronous {
                Mode::Async
            } else {
                Mode::Blocking
            },
        })
    }

    /// The server's base URL, without a trailing slash.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
    }

    /// Drops this client's connections; later calls raise `ClientClosedError`.
    fn close(&self) {
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
    }

    fn __repr__(&self) -> String {
        format!("NativeClient(base_url={:?})", self.base_url)
    }
}
