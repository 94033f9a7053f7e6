//! `NativeClient`: every call of the Rust client, once; the client's calls
//! (`me`, `introspect`, …), the resource operations' methods and their
//! argument objects are generated (`generated.rs`, from spec/sdk.json), the
//! connection's are here. The wrapper's
//! `Client` (`lib/client/`) gives it resource objects, option objects,
//! async iterators and error classes; every method here checks its
//! arguments, then returns a promise whose request runs on napi's tokio
//! runtime.

mod args;
mod convert;
mod error;
mod generated;
mod generated_models;
mod inputs;
mod items;
mod pager;
mod runtime;

use std::sync::Mutex;
use std::time::Duration;

use latchkey_client::{Client, ClientBuilder, JwtSigner};
use napi::Env;
use napi_derive::napi;

use self::args::{invalid, parse};
use crate::errors;
use crate::keys::PrivateKey;

/// The product the binding adds to the `User-Agent`.
const USER_AGENT: &str = concat!("latchkey-node/", env!("CARGO_PKG_VERSION"));

/// How to build a client (the wrapper has checked the JavaScript types and
/// read `signer.privateKey` into a key handle).
#[napi(object)]
pub struct ClientOptions {
    /// The server's base URL (else `LATCHKEY_URL`).
    pub base_url: Option<String>,
    /// An access key (else `LATCHKEY_ACCESS_KEY`, unless a signer is given).
    pub access_key: Option<String>,
    /// The signer's application id (`app_…`), with a signer key.
    pub signer_application_id: Option<String>,
    /// The signer's JWT key id (`jwk_…`), with a signer key.
    pub signer_key_id: Option<String>,
    /// The `aud` of the tokens (else the server's, read once).
    pub signer_audience: Option<String>,
    /// Token lifetime in seconds (1 to 3600; default 900).
    pub signer_lifetime: Option<f64>,
    /// Time for each attempt of a request, in milliseconds.
    pub timeout: Option<f64>,
    /// Time to connect, in milliseconds.
    pub connect_timeout: Option<f64>,
    /// Retries of idempotent requests after a 429, a 503 or a failed connection.
    pub max_retries: Option<u32>,
}

/// A duration from a positive number of `unit` seconds.
fn duration(env: &Env, name: &str, amount: f64, unit: f64) -> napi::Result<Duration> {
    Duration::try_from_secs_f64(amount * unit)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| invalid(env, name, "must be a positive number"))
}

/// The Rust client's signer from the options and the key handle.
fn signer(env: &Env, options: &ClientOptions, key: &PrivateKey) -> napi::Result<JwtSigner> {
    let application = options
        .signer_application_id
        .as_deref()
        .ok_or_else(|| invalid(env, "signer.applicationId", "is required"))?;
    let key_id = options
        .signer_key_id
        .as_deref()
        .ok_or_else(|| invalid(env, "signer.keyId", "is required"))?;
    let mut signer = JwtSigner::new(
        parse(env, "signer.applicationId", application)?,
        parse(env, "signer.keyId", key_id)?,
        key.key.clone(),
    );
    if let Some(audience) = &options.signer_audience {
        signer = signer.audience(audience.clone());
    }
    if let Some(lifetime) = options.signer_lifetime {
        signer = signer.lifetime(duration(env, "signer.lifetime", lifetime, 1.0)?);
    }
    Ok(signer)
}

/// The connection to a Latchkey server behind the wrapper's `Client`.
#[napi]
pub struct NativeClient {
    // `None` once closed: the connection pool is dropped with the last clone.
    client: Mutex<Option<Client>>,
    base_url: String,
}

impl NativeClient {
    fn client(&self, env: &Env) -> napi::Result<Client> {
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| errors::coded(env, error::CLIENT_CLOSED, "the client is closed", &[]))
    }
}

#[napi]
impl NativeClient {
    /// A client for `options.baseUrl` (else `LATCHKEY_URL`) with
    /// `options.accessKey` (else `LATCHKEY_ACCESS_KEY`) or a JWT signer
    /// whose private key is `signer_key`.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        options: ClientOptions,
        signer_key: Option<&PrivateKey>,
    ) -> napi::Result<Self> {
        let mut builder = ClientBuilder::new()
            .from_env()
            .user_agent_suffix(USER_AGENT);
        if let Some(url) = &options.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(timeout) = options.timeout {
            builder = builder.timeout(duration(&env, "timeout", timeout, 1e-3)?);
        }
        if let Some(timeout) = options.connect_timeout {
            builder = builder.connect_timeout(duration(&env, "connectTimeout", timeout, 1e-3)?);
        }
        if let Some(retries) = options.max_retries {
            builder = builder.max_retries(retries);
        }
        match (&options.access_key, signer_key) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    &env,
                    "options",
                    "pass accessKey or signer, not both",
                ));
            }
            (Some(key), None) => builder = builder.access_key(key.clone()),
            (None, Some(key)) => builder = builder.jwt_signer(signer(&env, &options, key)?),
            (None, None) => {}
        }
        // The HTTP client may set up timers: build it inside the runtime.
        let client = napi::bindgen_prelude::within_runtime_if_available(|| builder.build())
            .map_err(|error| error::to_js(&env, error))?;
        Ok(NativeClient {
            base_url: client.base_url().to_owned(),
            client: Mutex::new(Some(client)),
        })
    }

    /// The server's base URL, without a trailing slash.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Whether `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
    }

    /// Drops this client's connections; later calls fail with
    /// `ERR_LATCHKEY_CLIENT_CLOSED`. Calls already running finish.
    #[napi]
    pub fn close(&self) {
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
    }
}
