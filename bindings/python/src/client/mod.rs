//! `NativeClient`: every call of the Rust client, once. The Python classes
//! `latchkey.Client` and `latchkey.AsyncClient` (`_client.py`) give it
//! Pythonic keyword arguments and resource attributes; a native client made
//! for one answers with results (the GIL released while it waits), one made
//! for the other with asyncio awaitables.

mod args;
mod convert;
mod error;
mod pager;
mod runtime;
mod signer;

use std::sync::Mutex;
use std::time::Duration;

use latchkey_client::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_client::models::{
    AccountUpdate, ApplicationUpdate, ExposedKeyAction, KeyPolicy, KeyUpdate, NewAccessKey,
    NewApplication, NewJwtKey, NewPolicyGroup, NewTenantAccount, NewUser, PolicyGroupUpdate,
    PublicKeyInput, UserUpdate,
};
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, KeyStatus, Limits, Order, Plan, UserStatus,
};
use latchkey_client::{ApiEnum, AuditLogFilter, Client, ClientBuilder, ListParams, StatusFilter};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use self::args::{api_enum, json_object, list_params, optional_timestamp, parse, parse_all};
use self::error::{configuration, invalid_argument, to_py_err};
use self::pager::NativePager;
use self::runtime::{Mode, run, runtime};
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

    // --- the server ---------------------------------------------------------

    fn me<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        run(py, self.mode, async move { client.me().await })
    }

    fn introspect<'py>(&self, py: Python<'py>, token: String) -> PyResult<Bound<'py, PyAny>> {
        // The token is a credential: held zeroized, never echoed in an error.
        let token = zeroize::Zeroizing::new(token);
        let client = self.client(py)?;
        run(
            py,
            self.mode,
            async move { client.introspect(&token).await },
        )
    }

    fn well_known<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        run(py, self.mode, async move { client.well_known().await })
    }

    fn health<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        run(py, self.mode, async move { client.health().await })
    }

    fn openapi<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        run(py, self.mode, async move { client.openapi().await })
    }

    // --- applications -------------------------------------------------------

    fn applications_list(
        &self,
        py: Python<'_>,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let params = list_params(py, limit, after, order, false)?;
        let params = with_status::<ApplicationStatus>(py, params, status)?;
        Ok(self.pager(self.client(py)?.applications().pager(&params)))
    }

    #[allow(clippy::too_many_arguments)]
    fn applications_list_page<'py>(
        &self,
        py: Python<'py>,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = list_params(py, limit, after, order, include_total_count)?;
        let params = with_status::<ApplicationStatus>(py, params, status)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.applications().list_page(&params).await
        })
    }

    fn applications_create<'py>(
        &self,
        py: Python<'py>,
        name: String,
        description: String,
        group_ids: Vec<String>,
        created_by: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application = NewApplication {
            name,
            description,
            group_ids: parse_all(py, "group_ids", &group_ids)?,
            created_by: created_by
                .map(|id| parse::<UserId>(py, "created_by", id))
                .transpose()?,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.applications().create(&application).await
        })
    }

    fn applications_get<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: ApplicationId = parse(py, "application_id", id)?;
        let client = self.client(py)?;
        run(
            py,
            self.mode,
            async move { client.applications().get(id).await },
        )
    }

    fn applications_update<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        name: Option<String>,
        description: Option<String>,
        status: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: ApplicationId = parse(py, "application_id", id)?;
        let update = ApplicationUpdate {
            name,
            description,
            status: status
                .map(|status| api_enum(py, "status", status))
                .transpose()?,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.applications().update(id, &update).await
        })
    }

    fn applications_revoke<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: ApplicationId = parse(py, "application_id", id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.applications().revoke(id).await
        })
    }

    fn applications_delete<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: ApplicationId = parse(py, "application_id", id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.applications().delete(id).await
        })
    }

    // --- access keys --------------------------------------------------------

    fn access_keys_list(
        &self,
        py: Python<'_>,
        application_id: &str,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let params = list_params(py, limit, after, order, false)?;
        let params = with_status::<EffectiveKeyStatus>(py, params, status)?;
        Ok(self.pager(self.client(py)?.access_keys().pager(application, &params)))
    }

    #[allow(clippy::too_many_arguments)]
    fn access_keys_list_page<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let params = list_params(py, limit, after, order, include_total_count)?;
        let params = with_status::<EffectiveKeyStatus>(py, params, status)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.access_keys().list_page(application, &params).await
        })
    }

    fn access_keys_list_account(
        &self,
        py: Python<'_>,
        application_id: Option<&str>,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let application: Option<ApplicationId> = application_id
            .map(|id| parse(py, "application_id", id))
            .transpose()?;
        let params = list_params(py, limit, after, order, false)?;
        let params = with_status::<EffectiveKeyStatus>(py, params, status)?;
        Ok(self.pager(
            self.client(py)?
                .access_keys()
                .account_pager(application, &params),
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn access_keys_list_account_page<'py>(
        &self,
        py: Python<'py>,
        application_id: Option<&str>,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: Option<ApplicationId> = application_id
            .map(|id| parse(py, "application_id", id))
            .transpose()?;
        let params = list_params(py, limit, after, order, include_total_count)?;
        let params = with_status::<EffectiveKeyStatus>(py, params, status)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client
                .access_keys()
                .list_account_page(application, &params)
                .await
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn access_keys_create<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        name: String,
        description: String,
        scopes: Vec<String>,
        expiration: Option<&Bound<'py, PyAny>>,
        created_by: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key = NewAccessKey {
            name,
            description,
            scopes,
            expiration: optional_timestamp(py, "expiration", expiration)?,
            created_by: created_by
                .map(|id| parse::<UserId>(py, "created_by", id))
                .transpose()?,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.access_keys().create(application, &key).await
        })
    }

    fn access_keys_get<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: AccessKeyId = parse(py, "key_id", key_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.access_keys().get(application, key).await
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn access_keys_update<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
        name: Option<String>,
        description: Option<String>,
        status: Option<&str>,
        expiration: Option<&Bound<'py, PyAny>>,
        remove_expiration: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: AccessKeyId = parse(py, "key_id", key_id)?;
        let update = key_update(py, name, description, status, expiration, remove_expiration)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.access_keys().update(application, key, &update).await
        })
    }

    fn access_keys_set_status<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
        status: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: AccessKeyId = parse(py, "key_id", key_id)?;
        let status: KeyStatus = api_enum(py, "status", status)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client
                .access_keys()
                .set_status(application, key, status)
                .await
        })
    }

    fn access_keys_revoke<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: AccessKeyId = parse(py, "key_id", key_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.access_keys().revoke(application, key).await
        })
    }

    fn access_keys_roll<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
        grace_seconds: u32,
        name: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: AccessKeyId = parse(py, "key_id", key_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client
                .access_keys()
                .roll(application, key, grace_seconds, name.as_deref())
                .await
        })
    }

    fn access_keys_delete<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: AccessKeyId = parse(py, "key_id", key_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.access_keys().delete(application, key).await
        })
    }

    fn access_keys_bulk_delete<'py>(
        &self,
        py: Python<'py>,
        ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ids: Vec<AccessKeyId> = parse_all(py, "ids", &ids)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.access_keys().bulk_delete(&ids).await
        })
    }

    // --- JWT keys -----------------------------------------------------------

    fn jwt_keys_list(
        &self,
        py: Python<'_>,
        application_id: &str,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let params = list_params(py, limit, after, order, false)?;
        let params = with_status::<EffectiveKeyStatus>(py, params, status)?;
        Ok(self.pager(self.client(py)?.jwt_keys().pager(application, &params)))
    }

    #[allow(clippy::too_many_arguments)]
    fn jwt_keys_list_page<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let params = list_params(py, limit, after, order, include_total_count)?;
        let params = with_status::<EffectiveKeyStatus>(py, params, status)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().list_page(application, &params).await
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn jwt_keys_create<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        name: String,
        public_key: &Bound<'py, PyAny>,
        description: String,
        algorithm: Option<&str>,
        expiration: Option<&Bound<'py, PyAny>>,
        scopes: Vec<String>,
        created_by: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let public_key = if let Ok(pem) = public_key.cast::<PyString>() {
            PublicKeyInput::Pem(pem.to_cow()?.into_owned())
        } else if let Ok(jwk) = public_key.cast::<PyDict>() {
            PublicKeyInput::Jwk(json_object(py, "public_key", jwk)?)
        } else {
            return Err(invalid_argument(
                py,
                "public_key",
                "must be a PEM string or a JWK dict",
            ));
        };
        let mut key = NewJwtKey::new(name, public_key)
            .description(description)
            .scopes(scopes);
        if let Some(algorithm) = algorithm {
            key = key.algorithm(parse(py, "algorithm", algorithm)?);
        }
        if let Some(expiration) = optional_timestamp(py, "expiration", expiration)? {
            key = key.expiration(expiration);
        }
        if let Some(user) = created_by {
            key = key.created_by(parse(py, "created_by", user)?);
        }
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().create(application, &key).await
        })
    }

    fn jwt_keys_get<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: JwtKeyId = parse(py, "key_id", key_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().get(application, key).await
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn jwt_keys_update<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
        name: Option<String>,
        description: Option<String>,
        status: Option<&str>,
        expiration: Option<&Bound<'py, PyAny>>,
        remove_expiration: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: JwtKeyId = parse(py, "key_id", key_id)?;
        let update = key_update(py, name, description, status, expiration, remove_expiration)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().update(application, key, &update).await
        })
    }

    fn jwt_keys_set_status<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
        status: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: JwtKeyId = parse(py, "key_id", key_id)?;
        let status: KeyStatus = api_enum(py, "status", status)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().set_status(application, key, status).await
        })
    }

    fn jwt_keys_revoke<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: JwtKeyId = parse(py, "key_id", key_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().revoke(application, key).await
        })
    }

    fn jwt_keys_delete<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
        key_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let key: JwtKeyId = parse(py, "key_id", key_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().delete(application, key).await
        })
    }

    fn jwt_keys_jwks<'py>(
        &self,
        py: Python<'py>,
        application_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let application: ApplicationId = parse(py, "application_id", application_id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.jwt_keys().jwks(application).await
        })
    }

    // --- users --------------------------------------------------------------

    fn users_list(
        &self,
        py: Python<'_>,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let params = list_params(py, limit, after, order, false)?;
        let params = with_status::<UserStatus>(py, params, status)?;
        Ok(self.pager(self.client(py)?.users().pager(&params)))
    }

    #[allow(clippy::too_many_arguments)]
    fn users_list_page<'py>(
        &self,
        py: Python<'py>,
        status: Option<&str>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = list_params(py, limit, after, order, include_total_count)?;
        let params = with_status::<UserStatus>(py, params, status)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.users().list_page(&params).await
        })
    }

    fn users_create<'py>(
        &self,
        py: Python<'py>,
        email: String,
        name: String,
        group_ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let user = NewUser {
            email,
            name,
            group_ids: parse_all(py, "group_ids", &group_ids)?,
        };
        let client = self.client(py)?;
        run(
            py,
            self.mode,
            async move { client.users().create(&user).await },
        )
    }

    fn users_get<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: UserId = parse(py, "user_id", id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move { client.users().get(id).await })
    }

    fn users_update<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        email: Option<String>,
        name: Option<String>,
        group_ids: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: UserId = parse(py, "user_id", id)?;
        let update = UserUpdate {
            email,
            name,
            group_ids: group_ids
                .map(|ids| parse_all(py, "group_ids", &ids))
                .transpose()?,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.users().update(id, &update).await
        })
    }

    fn users_delete<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: UserId = parse(py, "user_id", id)?;
        let client = self.client(py)?;
        run(
            py,
            self.mode,
            async move { client.users().delete(id).await },
        )
    }

    fn users_password_link<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: UserId = parse(py, "user_id", id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.users().password_link(id).await
        })
    }

    // --- policy groups ------------------------------------------------------

    fn policy_groups_list(
        &self,
        py: Python<'_>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let params = list_params(py, limit, after, order, false)?;
        Ok(self.pager(self.client(py)?.policy_groups().pager(&params)))
    }

    fn policy_groups_list_page<'py>(
        &self,
        py: Python<'py>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = list_params(py, limit, after, order, include_total_count)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().list_page(&params).await
        })
    }

    fn policy_groups_create<'py>(
        &self,
        py: Python<'py>,
        name: String,
        description: String,
        permissions: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let group = NewPolicyGroup {
            name,
            description,
            permissions,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().create(&group).await
        })
    }

    fn policy_groups_get<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().get(id).await
        })
    }

    fn policy_groups_update<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        name: Option<String>,
        description: Option<String>,
        permissions: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let update = PolicyGroupUpdate {
            name,
            description,
            permissions,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().update(id, &update).await
        })
    }

    fn policy_groups_delete<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().delete(id).await
        })
    }

    fn policy_groups_list_applications(
        &self,
        py: Python<'_>,
        id: &str,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let params = list_params(py, limit, after, order, false)?;
        Ok(self.pager(
            self.client(py)?
                .policy_groups()
                .applications_pager(id, &params),
        ))
    }

    fn policy_groups_list_applications_page<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let params = list_params(py, limit, after, order, include_total_count)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client
                .policy_groups()
                .list_applications_page(id, &params)
                .await
        })
    }

    fn policy_groups_add_applications<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let ids: Vec<ApplicationId> = parse_all(py, "ids", &ids)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().add_applications(id, &ids).await
        })
    }

    fn policy_groups_remove_applications<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let ids: Vec<ApplicationId> = parse_all(py, "ids", &ids)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().remove_applications(id, &ids).await
        })
    }

    fn policy_groups_list_users(
        &self,
        py: Python<'_>,
        id: &str,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let params = list_params(py, limit, after, order, false)?;
        Ok(self.pager(self.client(py)?.policy_groups().users_pager(id, &params)))
    }

    fn policy_groups_list_users_page<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let params = list_params(py, limit, after, order, include_total_count)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().list_users_page(id, &params).await
        })
    }

    fn policy_groups_add_users<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let ids: Vec<UserId> = parse_all(py, "ids", &ids)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().add_users(id, &ids).await
        })
    }

    fn policy_groups_remove_users<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: PolicyGroupId = parse(py, "group_id", id)?;
        let ids: Vec<UserId> = parse_all(py, "ids", &ids)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.policy_groups().remove_users(id, &ids).await
        })
    }

    // --- accounts -----------------------------------------------------------

    fn accounts_current<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        run(
            py,
            self.mode,
            async move { client.accounts().current().await },
        )
    }

    fn accounts_key_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.accounts().key_policy().await
        })
    }

    fn accounts_update_key_policy<'py>(
        &self,
        py: Python<'py>,
        max_key_lifetime_days: Option<u32>,
        require_expiration: bool,
        deactivate_unused_after_days: Option<u32>,
        exposed_key_action: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let policy = KeyPolicy {
            max_key_lifetime_days,
            require_expiration,
            deactivate_unused_after_days,
            exposed_key_action: api_enum(py, "exposed_key_action", exposed_key_action)?,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.accounts().update_key_policy(&policy).await
        })
    }

    fn accounts_rename_current<'py>(
        &self,
        py: Python<'py>,
        name: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.accounts().rename_current(&name).await
        })
    }

    fn accounts_list(
        &self,
        py: Python<'_>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let params = list_params(py, limit, after, order, false)?;
        Ok(self.pager(self.client(py)?.accounts().pager(&params)))
    }

    fn accounts_list_page<'py>(
        &self,
        py: Python<'py>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = list_params(py, limit, after, order, include_total_count)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.accounts().list_page(&params).await
        })
    }

    fn accounts_create<'py>(
        &self,
        py: Python<'py>,
        name: String,
        plan: Option<&str>,
        limits: Option<(u32, u32, u32)>,
        admin_email: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut account = NewTenantAccount::new(name);
        if let Some(plan) = plan {
            account = account.plan(api_enum::<Plan>(py, "plan", plan)?);
        }
        if let Some(limits) = limits {
            // `limits` also sets the plan to `custom`: keep an explicit plan
            // so that a contradiction reaches the server and is refused there.
            let plan = account.plan;
            account = account.limits(to_limits(limits));
            account.plan = plan.or(account.plan);
        }
        if let Some(email) = admin_email {
            account = account.admin_email(email);
        }
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.accounts().create(&account).await
        })
    }

    fn accounts_get<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let id: AccountId = parse(py, "account_id", id)?;
        let client = self.client(py)?;
        run(
            py,
            self.mode,
            async move { client.accounts().get(id).await },
        )
    }

    fn accounts_update<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        name: Option<String>,
        plan: Option<&str>,
        limits: Option<(u32, u32, u32)>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id: AccountId = parse(py, "account_id", id)?;
        let update = AccountUpdate {
            name,
            plan: plan
                .map(|plan| api_enum::<Plan>(py, "plan", plan))
                .transpose()?,
            limits: limits.map(to_limits),
            key_policy: None,
        };
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.accounts().update(id, &update).await
        })
    }

    // --- the audit log ------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn audit_log_list(
        &self,
        py: Python<'_>,
        action: Option<String>,
        target_id: Option<String>,
        actor_user_id: Option<&str>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
    ) -> PyResult<NativePager> {
        let filter = audit_filter(py, action, target_id, actor_user_id, since, until)?;
        let params = list_params(py, limit, after, order, false)?;
        Ok(self.pager(self.client(py)?.audit_log().pager(&params, &filter)))
    }

    #[allow(clippy::too_many_arguments)]
    fn audit_log_list_page<'py>(
        &self,
        py: Python<'py>,
        action: Option<String>,
        target_id: Option<String>,
        actor_user_id: Option<&str>,
        since: Option<&Bound<'py, PyAny>>,
        until: Option<&Bound<'py, PyAny>>,
        limit: Option<u32>,
        order: Option<&str>,
        after: Option<String>,
        include_total_count: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let filter = audit_filter(py, action, target_id, actor_user_id, since, until)?;
        let params = list_params(py, limit, after, order, include_total_count)?;
        let client = self.client(py)?;
        run(py, self.mode, async move {
            client.audit_log().list_page(&params, &filter).await
        })
    }
}

/// The audit log's filters. The action is the server's to judge (a
/// `ValidationError` naming `action`); ids and times are checked here, as
/// every other argument is.
fn audit_filter(
    py: Python<'_>,
    action: Option<String>,
    target_id: Option<String>,
    actor_user_id: Option<&str>,
    since: Option<&Bound<'_, PyAny>>,
    until: Option<&Bound<'_, PyAny>>,
) -> PyResult<AuditLogFilter> {
    Ok(AuditLogFilter {
        action,
        target_id,
        actor_user_id: actor_user_id
            .map(|id| parse(py, "actor_user_id", id))
            .transpose()?,
        since: optional_timestamp(py, "since", since)?,
        until: optional_timestamp(py, "until", until)?,
    })
}

fn to_limits(
    (applications, access_keys_per_application, jwt_keys_per_application): (u32, u32, u32),
) -> Limits {
    Limits {
        applications,
        access_keys_per_application,
        jwt_keys_per_application,
    }
}

/// The change of an access key or JWT key; `remove_expiration` sends
/// `expiration: null`.
fn key_update(
    py: Python<'_>,
    name: Option<String>,
    description: Option<String>,
    status: Option<&str>,
    expiration: Option<&Bound<'_, PyAny>>,
    remove_expiration: bool,
) -> PyResult<KeyUpdate> {
    let expiration = match (expiration, remove_expiration) {
        (Some(_), true) => {
            return Err(invalid_argument(
                py,
                "expiration",
                "give a new expiration or remove it, not both",
            ));
        }
        (Some(at), false) => Some(Some(args::timestamp(py, "expiration", at)?)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    Ok(KeyUpdate {
        name,
        description,
        status: status
            .map(|status| api_enum::<KeyStatus>(py, "status", status))
            .transpose()?,
        expiration,
    })
}
