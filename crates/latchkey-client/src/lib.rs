//! The Latchkey client: an async client for every endpoint of the Latchkey
//! API (`/v3`), plus the offline JWT toolkit and access-key parser of the
//! domain crate. The Python, Node and uniffi bindings are written on this
//! crate and nothing else: the logic lives here, once.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use latchkey_client::{Client, ListParams};
//! use latchkey_client::models::{NewAccessKey, NewApplication};
//!
//! # async fn run() -> latchkey_client::Result<()> {
//! // LATCHKEY_URL and LATCHKEY_ACCESS_KEY, or Client::new(url, key).
//! let client = Client::from_env()?;
//! let app = client
//!     .applications()
//!     .create(&NewApplication {
//!         name: "billing".into(),
//!         description: "Invoices".into(),
//!         group_ids: vec![],
//!         created_by: None,
//!     })
//!     .await?;
//! let created = client
//!     .access_keys()
//!     .create(app.id, &NewAccessKey {
//!         name: "ci".into(),
//!         description: String::new(),
//!         scopes: vec!["keys:view:own".into()],
//!         expiration: None,
//!         created_by: None,
//!     })
//!     .await?;
//! println!("store this now: {}", created.key());
//! let mut apps = client.applications().list(&ListParams::new());
//! while let Some(app) = apps.try_next().await? {
//!     println!("{} {}", app.id, app.name);
//! }
//! # Ok(()) }
//! ```
//!
//! # Credentials
//! An access key is parsed offline ([`access_key::parse`]) when the client
//! is built: a mistyped key is [`Error::InvalidAccessKey`] and no request is
//! made. A [`JwtSigner`] mints short-lived tokens with
//! [`jwt::mint_access_token`] and reuses each until shortly before it
//! expires. Neither is ever logged or shown by `Debug`.
//!
//! # Requests
//! Timeouts (connect and per attempt) and retries are set on the
//! [`ClientBuilder`]. Only idempotent requests (GET, PUT, DELETE) are
//! retried, after a 429, a 503 or a failed connection, with exponential
//! backoff and jitter, honouring `Retry-After` ([`RetryPolicy`]). The
//! `User-Agent` is `latchkey-rust/<version>`, followed by what a binding
//! appends ([`ClientBuilder::user_agent_suffix`]).
//!
//! # Errors
//! One [`Error`] enum; [`Error::kind`] gives a flat [`ErrorKind`] for
//! bindings to map to exception classes, and an [`ApiError`] carries the
//! API's status, type, message, request id and fields.

pub mod api_enum;
mod client;
mod credential;
mod error;
#[cfg(feature = "uniffi")]
pub mod ffi;
pub mod key_cache;
pub mod models;
mod optional_change;
mod pagination;
mod resources;
mod retry;
pub mod verify_options;

// The models' FFI (Kotlin, Swift): a component of its own, exported by
// the uniffi binding's library.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("latchkey_client");

pub use api_enum::ApiEnum;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ENV_ACCESS_KEY, ENV_URL,
    USER_AGENT_PRODUCT,
};
pub use credential::{
    AccessKeyCredential, DEFAULT_REFRESH_MARGIN, DEFAULT_TOKEN_LIFETIME, JwtSigner,
};
pub use error::{
    ApiError, ApiErrorClass, ApiErrorKind, Error, ErrorKind, FieldError, JwtError, Result,
    TransportError, api_error_text,
};
pub use optional_change::{ConflictingChange, optional_change};
pub use pagination::{BoxedPager, ItemStream, ListParams, Pager, StatusFilter};
pub use resources::{
    AccessKeys, Accounts, Applications, AuditLog, AuditLogFilter, JwtKeys, PolicyGroups, Users,
};
pub use retry::RetryPolicy;
pub use verify_options::{VerifyOptions, VerifyOptionsError};

/// The offline JWT toolkit: key pairs, PEM/JWK, thumbprints, signing,
/// access tokens and verification (the domain crate's, re-exported).
pub use latchkey_core::jwt;

/// The access-key format: offline parsing with checksum (the domain
/// crate's, re-exported).
pub use latchkey_core::access_key;

/// Resource ids (`app_…`, `key_…`, …).
pub use latchkey_core::id;

/// Statuses, permissions, plans and list order: the domain types the API
/// speaks.
pub mod types {
    pub use latchkey_core::list::Order;
    pub use latchkey_core::permission::{Permission, PermissionSet};
    pub use latchkey_core::plan::{Limits, Plan};
    pub use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, KeyStatus, UserStatus};
}
