//! `LatchkeyClient`: the Rust client behind `suspend` (Kotlin) and `async`
//! (Swift) methods, run on uniffi's tokio runtime, and the `Credential` it
//! authenticates with. Its calls of the server (`me`, `introspect`, …) are
//! generated from spec/sdk.json (`calls.rs`).

mod calls;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use latchkey_client::{AccessKeyCredential, Client, JwtSigner};
use zeroize::Zeroizing;

use crate::error::{LatchkeyError, invalid_argument};
use crate::keys::SigningKey;

/// The product this library adds to the `User-Agent`.
const USER_AGENT: &str = concat!("latchkey-uniffi/", env!("CARGO_PKG_VERSION"));

/// What requests authenticate with: an access key (checked offline when
/// made) or a JWT signer. Its text form never shows the key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Credential {
    kind: CredentialKind,
}

enum CredentialKind {
    /// The key, and its public prefix for the text form.
    AccessKey(Zeroizing<String>, String),
    Jwt {
        application_id: latchkey_client::id::ApplicationId,
        key_id: latchkey_client::id::JwtKeyId,
        key: latchkey_client::jwt::SigningKey,
        audience: Option<String>,
        lifetime: Option<Duration>,
    },
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CredentialKind::AccessKey(_, prefix) => write!(f, "Credential(accessKey={prefix}…)"),
            CredentialKind::Jwt {
                application_id,
                key_id,
                ..
            } => write!(
                f,
                "Credential(jwtSigner application={application_id} key={key_id})"
            ),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl Credential {
    /// An access key (`ak_…`), parsed offline: a mistyped key is
    /// `LatchkeyException.InvalidAccessKey` and no request is ever made.
    #[uniffi::constructor]
    pub fn access_key(key: String) -> Result<Arc<Self>, LatchkeyError> {
        let key = Zeroizing::new(key);
        // Parsed here so that a mistyped key fails where it is given; the
        // client parses it again when built (a microsecond).
        let prefix = AccessKeyCredential::new(key.as_str())?
            .key_prefix()
            .to_owned();
        Ok(Arc::new(Credential {
            kind: CredentialKind::AccessKey(key, prefix),
        }))
    }

    /// Short-lived JWTs signed with the private `key` of the registered JWT
    /// key `keyId` of `applicationId`. `audience` is read from the server
    /// when not given; tokens live `lifetime` (15 minutes by default, at
    /// most one hour) and each is reused until shortly before it expires.
    #[uniffi::constructor(default(audience = None, lifetime = None))]
    pub fn jwt_signer(
        application_id: String,
        key_id: String,
        key: Arc<SigningKey>,
        audience: Option<String>,
        lifetime: Option<Duration>,
    ) -> Result<Arc<Self>, LatchkeyError> {
        Ok(Arc::new(Credential {
            kind: CredentialKind::Jwt {
                application_id: crate::convert::id("applicationId", &application_id)?,
                key_id: crate::convert::id("keyId", &key_id)?,
                key: key.key.clone(),
                audience,
                lifetime,
            },
        }))
    }
}

/// Timeouts and retries of a client.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ClientOptions {
    /// Time to establish a connection (10 seconds by default).
    #[uniffi(default)]
    pub connect_timeout: Option<Duration>,
    /// Time for each attempt of a request (30 seconds by default).
    #[uniffi(default)]
    pub timeout: Option<Duration>,
    /// Retries of idempotent requests after a 429, a 503 or a failed
    /// connection (3 by default; 0 disables them).
    #[uniffi(default)]
    pub max_retries: Option<u32>,
}

/// The client shared by a `LatchkeyClient` and its resource objects; `None`
/// once closed (the connection pool goes with the last clone).
#[derive(Debug)]
pub(crate) struct Slot(Mutex<Option<Client>>);

impl Slot {
    /// The client, or `ClientClosed` after `close()`.
    pub(crate) fn client(&self) -> Result<Client, LatchkeyError> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| LatchkeyError::ClientClosed {
                reason: "the client is closed".to_owned(),
            })
    }

    fn close(&self) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
    }

    fn is_closed(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
    }
}

/// A Latchkey API client. Every network call is a `suspend` function
/// (Kotlin) or `async` (Swift); one client is shared by every coroutine
/// (clones share connections and the JWT signer's current token).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct LatchkeyClient {
    /// Shared with the resource objects, whose accessors
    /// (`client.applications()`, …) are generated with them
    /// (`resources/generated.rs`).
    pub(crate) slot: Arc<Slot>,
    base_url: String,
}

impl fmt::Display for LatchkeyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LatchkeyClient({})", self.base_url)
    }
}

impl fmt::Debug for LatchkeyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl LatchkeyClient {
    /// A client for `baseUrl` (`https://latchkey.example.com`; the API is
    /// under `/v3`), else `LATCHKEY_URL`, with `credential`, else an access
    /// key from `LATCHKEY_ACCESS_KEY`. Without any credential only `health`
    /// and `wellKnown` succeed.
    #[uniffi::constructor(default(base_url = None, credential = None, options = None))]
    pub fn new(
        base_url: Option<String>,
        credential: Option<Arc<Credential>>,
        options: Option<ClientOptions>,
    ) -> Result<Arc<Self>, LatchkeyError> {
        let mut builder = Client::builder().from_env().user_agent_suffix(USER_AGENT);
        if let Some(base_url) = base_url {
            builder = builder.base_url(base_url);
        }
        if let Some(credential) = credential {
            builder = match &credential.kind {
                CredentialKind::AccessKey(key, _) => builder.access_key(key.as_str()),
                CredentialKind::Jwt {
                    application_id,
                    key_id,
                    key,
                    audience,
                    lifetime,
                } => {
                    let mut signer = JwtSigner::new(*application_id, *key_id, key.clone());
                    if let Some(audience) = audience {
                        signer = signer.audience(audience.clone());
                    }
                    if let Some(lifetime) = lifetime {
                        signer = signer.lifetime(*lifetime);
                    }
                    builder.jwt_signer(signer)
                }
            };
        }
        let options = options.unwrap_or_default();
        if let Some(timeout) = options.connect_timeout {
            builder = builder.connect_timeout(positive("connectTimeout", timeout)?);
        }
        if let Some(timeout) = options.timeout {
            builder = builder.timeout(positive("timeout", timeout)?);
        }
        if let Some(retries) = options.max_retries {
            builder = builder.max_retries(retries);
        }
        let client = builder.build()?;
        Ok(Arc::new(LatchkeyClient {
            base_url: client.base_url().to_owned(),
            slot: Arc::new(Slot(Mutex::new(Some(client)))),
        }))
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Drops this client's connections: later calls, through this object or
    /// the resource objects made from it, fail with `ClientClosed` (lists
    /// already being read finish). Twice is harmless. Not `close`: Kotlin's
    /// `close()` is every generated object's `AutoCloseable` one, which
    /// frees this object only (Swift's `close()` calls this).
    pub fn shutdown(&self) {
        self.slot.close();
    }

    /// Whether `shutdown()` was called.
    pub fn is_closed(&self) -> bool {
        self.slot.is_closed()
    }
}

fn positive(name: &str, duration: Duration) -> Result<Duration, LatchkeyError> {
    if duration.is_zero() {
        return Err(invalid_argument(name, "must be longer than zero"));
    }
    Ok(duration)
}
