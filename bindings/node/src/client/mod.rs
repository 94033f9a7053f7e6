//! `NativeClient`: every call of the Rust client, once. The wrapper's
//! `Client` (`lib/client/`) gives it resource objects, option objects,
//! async iterators and error classes; every method here checks its
//! arguments, then returns a promise whose request runs on napi's tokio
//! runtime.

mod args;
mod convert;
mod error;
mod items;
mod pager;
mod runtime;

use std::sync::Mutex;
use std::time::Duration;

use latchkey_client::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_client::models::{
    AccountUpdate, ApplicationUpdate, KeyPolicy, KeyUpdate, NewAccessKey, NewApplication,
    NewJwtKey, NewPolicyGroup, NewTenantAccount, NewUser, PolicyGroupUpdate, PublicKeyInput,
    UserUpdate,
};
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, KeyStatus, Limits, Plan, UserStatus,
};
use latchkey_client::{AuditLogFilter, Client, ClientBuilder, JwtSigner};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;

use self::args::{
    ListOptions, api_enum, invalid, list_params, list_params_with_status, optional_enum,
    optional_timestamp, parse, parse_all, parse_optional,
};
use self::pager::NativePager;
use self::runtime::spawn;
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

/// An application to create.
#[napi(object)]
pub struct NewApplicationArgs {
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Policy groups (`grp_…`).
    pub group_ids: Option<Vec<String>>,
    /// Another user of the account to own it (`usr_…`).
    pub created_by: Option<String>,
}

/// A change of an application; what is left out stays.
#[napi(object)]
pub struct ApplicationUpdateArgs {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status (`revoked` is terminal).
    pub status: Option<String>,
}

/// An access key to create.
#[napi(object)]
pub struct NewAccessKeyArgs {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Scopes (permissions); none: unscoped when the calling credential holds every permission;
    /// otherwise the application's current rights become its scopes.
    pub scopes: Option<Vec<String>>,
    /// Expiration, milliseconds since the epoch.
    pub expiration: Option<f64>,
    /// Another user of the account to own it.
    pub created_by: Option<String>,
}

/// The audit log's filters; every one given must match.
#[napi(object)]
pub struct AuditLogFilterArgs {
    /// Only this action (`access_key.update`, …).
    pub action: Option<String>,
    /// Only records about this object.
    pub target_id: Option<String>,
    /// Only what this user did.
    pub actor_user_id: Option<String>,
    /// Only records at or after this instant, milliseconds since the epoch.
    pub since: Option<f64>,
    /// Only records at or before this instant, milliseconds since the epoch.
    pub until: Option<f64>,
}

/// The audit log's filters. The action is the server's to judge (a
/// `ValidationError` naming `action`); ids and times are checked here, as
/// every other argument is.
fn audit_filter(env: &Env, filter: AuditLogFilterArgs) -> napi::Result<AuditLogFilter> {
    Ok(AuditLogFilter {
        action: filter.action,
        target_id: filter.target_id,
        actor_user_id: parse_optional::<UserId>(
            env,
            "actorUserId",
            filter.actor_user_id.as_deref(),
        )?,
        since: optional_timestamp(env, "since", filter.since)?,
        until: optional_timestamp(env, "until", filter.until)?,
    })
}

/// A change of an access key or JWT key; what is left out stays.
#[napi(object)]
pub struct KeyUpdateArgs {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<String>,
    /// New expiration, milliseconds since the epoch.
    pub expiration: Option<f64>,
    /// Remove the expiration (the caller passed `expiration: null`).
    pub remove_expiration: Option<bool>,
}

/// How to roll an access key.
#[napi(object)]
pub struct RollArgs {
    /// How long the old key keeps working, in seconds.
    pub grace_seconds: u32,
    /// The new key's name.
    pub name: Option<String>,
}

/// The filter of the account-wide list of access keys.
#[napi(object)]
pub struct AccessKeyFilterArgs {
    /// Only this application's keys.
    pub application_id: Option<String>,
}

/// A JWT key to register.
#[napi(object)]
pub struct NewJwtKeyArgs {
    /// Name.
    pub name: String,
    /// The public key as PEM (SPKI or X.509 certificate).
    pub public_key_pem: Option<String>,
    /// The public key as a JWK (JSON text).
    pub public_key_jwk: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Algorithm (else inferred by the server).
    pub algorithm: Option<String>,
    /// Expiration, milliseconds since the epoch.
    pub expiration: Option<f64>,
    /// Scopes (permissions), immutable, as an access key's.
    pub scopes: Option<Vec<String>>,
    /// Another user of the account to own it.
    pub created_by: Option<String>,
}

/// A user to create.
#[napi(object)]
pub struct NewUserArgs {
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name.
    pub name: Option<String>,
    /// Policy groups.
    pub group_ids: Option<Vec<String>>,
}

/// A change of a user.
#[napi(object)]
pub struct UserUpdateArgs {
    /// New email.
    pub email: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New groups (replacing the old ones).
    pub group_ids: Option<Vec<String>>,
}

/// A policy group to create.
#[napi(object)]
pub struct NewPolicyGroupArgs {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Permissions.
    pub permissions: Option<Vec<String>>,
}

/// A change of a policy group.
#[napi(object)]
pub struct PolicyGroupUpdateArgs {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New permissions (replacing the old ones).
    pub permissions: Option<Vec<String>>,
}

/// Plan limits.
#[napi(object)]
pub struct LimitsArgs {
    /// Active applications.
    pub applications: u32,
    /// Active access keys per application.
    pub access_keys_per_application: u32,
    /// Active JWT keys per application.
    pub jwt_keys_per_application: u32,
}

impl From<&LimitsArgs> for Limits {
    fn from(limits: &LimitsArgs) -> Self {
        Limits {
            applications: limits.applications,
            access_keys_per_application: limits.access_keys_per_application,
            jwt_keys_per_application: limits.jwt_keys_per_application,
        }
    }
}

/// A tenant account to create (operator only).
#[napi(object)]
pub struct NewAccountArgs {
    /// Name.
    pub name: String,
    /// Plan.
    pub plan: Option<String>,
    /// Limits (plan `custom`).
    pub limits: Option<LimitsArgs>,
    /// Email of the account's admin user.
    pub admin_email: Option<String>,
}

/// A change of an account (operator only).
#[napi(object)]
pub struct AccountUpdateArgs {
    /// New name.
    pub name: Option<String>,
    /// New plan.
    pub plan: Option<String>,
    /// New limits.
    pub limits: Option<LimitsArgs>,
}

/// An account's key policy, replacing the one in force: what is left out
/// asks nothing (`exposedKeyAction`: `revoke`).
#[napi(object)]
pub struct KeyPolicyArgs {
    /// Longest a key may live, in days.
    pub max_key_lifetime_days: Option<u32>,
    /// Whether every new key must have an expiration.
    pub require_expiration: Option<bool>,
    /// Keys unused this many days are deactivated.
    pub deactivate_unused_after_days: Option<u32>,
    /// `revoke`, `deactivate` or `notify`.
    pub exposed_key_action: Option<String>,
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

fn key_update(env: &Env, update: &KeyUpdateArgs) -> napi::Result<KeyUpdate> {
    let expiration = match (update.expiration, update.remove_expiration == Some(true)) {
        (Some(_), true) => {
            return Err(invalid(
                env,
                "expiration",
                "give a new expiration or remove it, not both",
            ));
        }
        (Some(at), false) => Some(Some(args::timestamp(env, "expiration", at)?)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    Ok(KeyUpdate {
        name: update.name.clone(),
        description: update.description.clone(),
        status: optional_enum::<KeyStatus>(env, "status", update.status.as_deref())?,
        expiration,
    })
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

    // --- the server ---------------------------------------------------------

    /// `GET /v3/me`.
    #[napi]
    pub fn me<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client(env)?;
        spawn(env, async move { client.me().await })
    }

    /// `POST /v3/introspect`: whether a token is active, and whose it is.
    #[napi]
    pub fn introspect<'env>(
        &self,
        env: &'env Env,
        token: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        // The token is a credential: never echoed in an error.
        let client = self.client(env)?;
        spawn(env, async move { client.introspect(&token).await })
    }

    /// `GET /.well-known/latchkey`.
    #[napi]
    pub fn well_known<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client(env)?;
        spawn(env, async move { client.well_known().await })
    }

    /// `GET /health`.
    #[napi]
    pub fn health<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client(env)?;
        spawn(env, async move { client.health().await })
    }

    /// `GET /openapi.json`.
    #[napi]
    pub fn openapi<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client(env)?;
        spawn(env, async move { client.openapi().await })
    }

    // --- applications -------------------------------------------------------

    /// A pager over the applications.
    #[napi]
    pub fn applications_list(&self, env: Env, options: ListOptions) -> napi::Result<NativePager> {
        let params = list_params_with_status::<ApplicationStatus>(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?.applications().pager(&params),
        ))
    }

    /// One page of applications.
    #[napi]
    pub fn applications_list_page<'env>(
        &self,
        env: &'env Env,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let params = list_params_with_status::<ApplicationStatus>(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.applications().list_page(&params).await
        })
    }

    /// Creates an application.
    #[napi]
    pub fn applications_create<'env>(
        &self,
        env: &'env Env,
        input: NewApplicationArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application = NewApplication {
            name: input.name,
            description: input.description.unwrap_or_default(),
            group_ids: parse_all(env, "groupIds", &input.group_ids.unwrap_or_default())?,
            created_by: parse_optional::<UserId>(env, "createdBy", input.created_by.as_deref())?,
        };
        let client = self.client(env)?;
        spawn(env, async move {
            client.applications().create(&application).await
        })
    }

    /// An application.
    #[napi]
    pub fn applications_get<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: ApplicationId = parse(env, "applicationId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.applications().get(id).await })
    }

    /// Changes an application.
    #[napi]
    pub fn applications_update<'env>(
        &self,
        env: &'env Env,
        id: String,
        update: ApplicationUpdateArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: ApplicationId = parse(env, "applicationId", &id)?;
        let update = ApplicationUpdate {
            name: update.name,
            description: update.description,
            status: optional_enum(env, "status", update.status.as_deref())?,
        };
        let client = self.client(env)?;
        spawn(env, async move {
            client.applications().update(id, &update).await
        })
    }

    /// Revokes an application.
    #[napi]
    pub fn applications_revoke<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: ApplicationId = parse(env, "applicationId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.applications().revoke(id).await })
    }

    /// Deletes an application and its keys.
    #[napi]
    pub fn applications_delete<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: ApplicationId = parse(env, "applicationId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.applications().delete(id).await })
    }

    // --- access keys --------------------------------------------------------

    /// A pager over the access keys of an application.
    #[napi]
    pub fn access_keys_list(
        &self,
        env: Env,
        application_id: String,
        options: ListOptions,
    ) -> napi::Result<NativePager> {
        let application: ApplicationId = parse(&env, "applicationId", &application_id)?;
        let params = list_params_with_status::<EffectiveKeyStatus>(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?.access_keys().pager(application, &params),
        ))
    }

    /// One page of the access keys of an application.
    #[napi]
    pub fn access_keys_list_page<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let params = list_params_with_status::<EffectiveKeyStatus>(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.access_keys().list_page(application, &params).await
        })
    }

    /// A pager over every access key of the account (`GET /v3/access-keys`).
    #[napi]
    pub fn access_keys_list_account(
        &self,
        env: Env,
        filter: AccessKeyFilterArgs,
        options: ListOptions,
    ) -> napi::Result<NativePager> {
        let application = parse_optional::<ApplicationId>(
            &env,
            "applicationId",
            filter.application_id.as_deref(),
        )?;
        let params = list_params_with_status::<EffectiveKeyStatus>(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?
                .access_keys()
                .account_pager(application, &params),
        ))
    }

    /// One page of `GET /v3/access-keys`.
    #[napi]
    pub fn access_keys_list_account_page<'env>(
        &self,
        env: &'env Env,
        filter: AccessKeyFilterArgs,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application = parse_optional::<ApplicationId>(
            env,
            "applicationId",
            filter.application_id.as_deref(),
        )?;
        let params = list_params_with_status::<EffectiveKeyStatus>(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client
                .access_keys()
                .list_account_page(application, &params)
                .await
        })
    }

    /// Creates an access key; the answer's `key` is the secret, shown once.
    #[napi]
    pub fn access_keys_create<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        input: NewAccessKeyArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key = NewAccessKey {
            name: input.name,
            description: input.description.unwrap_or_default(),
            scopes: input.scopes.unwrap_or_default(),
            expiration: optional_timestamp(env, "expiration", input.expiration)?,
            created_by: parse_optional::<UserId>(env, "createdBy", input.created_by.as_deref())?,
        };
        let client = self.client(env)?;
        spawn(env, async move {
            client.access_keys().create(application, &key).await
        })
    }

    /// An access key.
    #[napi]
    pub fn access_keys_get<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: AccessKeyId = parse(env, "keyId", &key_id)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.access_keys().get(application, key).await
        })
    }

    /// Changes an access key.
    #[napi]
    pub fn access_keys_update<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
        update: KeyUpdateArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: AccessKeyId = parse(env, "keyId", &key_id)?;
        let update = key_update(env, &update)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.access_keys().update(application, key, &update).await
        })
    }

    /// Sets an access key's status.
    #[napi]
    pub fn access_keys_set_status<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
        status: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: AccessKeyId = parse(env, "keyId", &key_id)?;
        let status: KeyStatus = api_enum(env, "status", &status)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client
                .access_keys()
                .set_status(application, key, status)
                .await
        })
    }

    /// Revokes an access key.
    #[napi]
    pub fn access_keys_revoke<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: AccessKeyId = parse(env, "keyId", &key_id)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.access_keys().revoke(application, key).await
        })
    }

    /// Rolls an access key: a new key with its scopes, the old one expiring
    /// after the grace.
    #[napi]
    pub fn access_keys_roll<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
        options: RollArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let RollArgs {
            grace_seconds,
            name,
        } = options;
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: AccessKeyId = parse(env, "keyId", &key_id)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client
                .access_keys()
                .roll(application, key, grace_seconds, name.as_deref())
                .await
        })
    }

    /// Deletes an access key.
    #[napi]
    pub fn access_keys_delete<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: AccessKeyId = parse(env, "keyId", &key_id)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.access_keys().delete(application, key).await
        })
    }

    /// Deletes every listed key, or none.
    #[napi]
    pub fn access_keys_bulk_delete<'env>(
        &self,
        env: &'env Env,
        ids: Vec<String>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let ids: Vec<AccessKeyId> = parse_all(env, "ids", &ids)?;
        let client = self.client(env)?;
        spawn(
            env,
            async move { client.access_keys().bulk_delete(&ids).await },
        )
    }

    // --- JWT keys -----------------------------------------------------------

    /// A pager over the JWT keys of an application.
    #[napi]
    pub fn jwt_keys_list(
        &self,
        env: Env,
        application_id: String,
        options: ListOptions,
    ) -> napi::Result<NativePager> {
        let application: ApplicationId = parse(&env, "applicationId", &application_id)?;
        let params = list_params_with_status::<EffectiveKeyStatus>(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?.jwt_keys().pager(application, &params),
        ))
    }

    /// One page of the JWT keys of an application.
    #[napi]
    pub fn jwt_keys_list_page<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let params = list_params_with_status::<EffectiveKeyStatus>(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.jwt_keys().list_page(application, &params).await
        })
    }

    /// Registers a public key.
    #[napi]
    pub fn jwt_keys_create<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        input: NewJwtKeyArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let public_key = match (input.public_key_pem, input.public_key_jwk) {
            (Some(pem), None) => PublicKeyInput::Pem(pem),
            (None, Some(jwk)) => match serde_json::from_str(&jwk) {
                Ok(serde_json::Value::Object(jwk)) => PublicKeyInput::Jwk(jwk),
                _ => return Err(invalid(env, "publicKey", "the JWK must be a JSON object")),
            },
            _ => {
                return Err(invalid(
                    env,
                    "publicKey",
                    "give one public key: a PEM string, a JWK or a KeyObject",
                ));
            }
        };
        let mut key = NewJwtKey::new(input.name, public_key)
            .description(input.description.unwrap_or_default())
            .scopes(input.scopes.unwrap_or_default());
        if let Some(algorithm) = &input.algorithm {
            key = key.algorithm(parse(env, "algorithm", algorithm)?);
        }
        if let Some(expiration) = optional_timestamp(env, "expiration", input.expiration)? {
            key = key.expiration(expiration);
        }
        if let Some(user) = parse_optional::<UserId>(env, "createdBy", input.created_by.as_deref())?
        {
            key = key.created_by(user);
        }
        let client = self.client(env)?;
        spawn(env, async move {
            client.jwt_keys().create(application, &key).await
        })
    }

    /// A JWT key.
    #[napi]
    pub fn jwt_keys_get<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: JwtKeyId = parse(env, "keyId", &key_id)?;
        let client = self.client(env)?;
        spawn(
            env,
            async move { client.jwt_keys().get(application, key).await },
        )
    }

    /// Changes a JWT key.
    #[napi]
    pub fn jwt_keys_update<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
        update: KeyUpdateArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: JwtKeyId = parse(env, "keyId", &key_id)?;
        let update = key_update(env, &update)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.jwt_keys().update(application, key, &update).await
        })
    }

    /// Sets a JWT key's status.
    #[napi]
    pub fn jwt_keys_set_status<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
        status: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: JwtKeyId = parse(env, "keyId", &key_id)?;
        let status: KeyStatus = api_enum(env, "status", &status)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.jwt_keys().set_status(application, key, status).await
        })
    }

    /// Revokes a JWT key.
    #[napi]
    pub fn jwt_keys_revoke<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: JwtKeyId = parse(env, "keyId", &key_id)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.jwt_keys().revoke(application, key).await
        })
    }

    /// Deletes a JWT key.
    #[napi]
    pub fn jwt_keys_delete<'env>(
        &self,
        env: &'env Env,
        application_id: String,
        key_id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let key: JwtKeyId = parse(env, "keyId", &key_id)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.jwt_keys().delete(application, key).await
        })
    }

    /// The application's active public keys as a JWKS object.
    #[napi]
    pub fn jwt_keys_jwks<'env>(
        &self,
        env: &'env Env,
        application_id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let application: ApplicationId = parse(env, "applicationId", &application_id)?;
        let client = self.client(env)?;
        spawn(
            env,
            async move { client.jwt_keys().jwks(application).await },
        )
    }

    // --- users --------------------------------------------------------------

    /// A pager over the users.
    #[napi]
    pub fn users_list(&self, env: Env, options: ListOptions) -> napi::Result<NativePager> {
        let params = list_params_with_status::<UserStatus>(&env, &options)?;
        Ok(NativePager::new(self.client(&env)?.users().pager(&params)))
    }

    /// One page of users.
    #[napi]
    pub fn users_list_page<'env>(
        &self,
        env: &'env Env,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let params = list_params_with_status::<UserStatus>(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move { client.users().list_page(&params).await })
    }

    /// Creates a user.
    #[napi]
    pub fn users_create<'env>(
        &self,
        env: &'env Env,
        input: NewUserArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let user = NewUser {
            email: input.email,
            name: input.name.unwrap_or_default(),
            group_ids: parse_all(env, "groupIds", &input.group_ids.unwrap_or_default())?,
        };
        let client = self.client(env)?;
        spawn(env, async move { client.users().create(&user).await })
    }

    /// A user.
    #[napi]
    pub fn users_get<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: UserId = parse(env, "userId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.users().get(id).await })
    }

    /// Changes a user.
    #[napi]
    pub fn users_update<'env>(
        &self,
        env: &'env Env,
        id: String,
        update: UserUpdateArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: UserId = parse(env, "userId", &id)?;
        let update = UserUpdate {
            email: update.email,
            name: update.name,
            group_ids: update
                .group_ids
                .map(|ids| parse_all(env, "groupIds", &ids))
                .transpose()?,
        };
        let client = self.client(env)?;
        spawn(env, async move { client.users().update(id, &update).await })
    }

    /// Marks a user deleted.
    #[napi]
    pub fn users_delete<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: UserId = parse(env, "userId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.users().delete(id).await })
    }

    /// A one-time link that sets the user's console password.
    #[napi]
    pub fn users_password_link<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: UserId = parse(env, "userId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.users().password_link(id).await })
    }

    // --- policy groups ------------------------------------------------------

    /// A pager over the policy groups.
    #[napi]
    pub fn policy_groups_list(&self, env: Env, options: ListOptions) -> napi::Result<NativePager> {
        let params = list_params(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?.policy_groups().pager(&params),
        ))
    }

    /// One page of policy groups.
    #[napi]
    pub fn policy_groups_list_page<'env>(
        &self,
        env: &'env Env,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let params = list_params(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.policy_groups().list_page(&params).await
        })
    }

    /// Creates a policy group.
    #[napi]
    pub fn policy_groups_create<'env>(
        &self,
        env: &'env Env,
        input: NewPolicyGroupArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let group = NewPolicyGroup {
            name: input.name,
            description: input.description.unwrap_or_default(),
            permissions: input.permissions.unwrap_or_default(),
        };
        let client = self.client(env)?;
        spawn(
            env,
            async move { client.policy_groups().create(&group).await },
        )
    }

    /// A policy group.
    #[napi]
    pub fn policy_groups_get<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.policy_groups().get(id).await })
    }

    /// Changes a policy group.
    #[napi]
    pub fn policy_groups_update<'env>(
        &self,
        env: &'env Env,
        id: String,
        update: PolicyGroupUpdateArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let update = PolicyGroupUpdate {
            name: update.name,
            description: update.description,
            permissions: update.permissions,
        };
        let client = self.client(env)?;
        spawn(env, async move {
            client.policy_groups().update(id, &update).await
        })
    }

    /// Deletes a policy group.
    #[napi]
    pub fn policy_groups_delete<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.policy_groups().delete(id).await })
    }

    /// A pager over the applications in a group.
    #[napi]
    pub fn policy_groups_list_applications(
        &self,
        env: Env,
        id: String,
        options: ListOptions,
    ) -> napi::Result<NativePager> {
        let id: PolicyGroupId = parse(&env, "groupId", &id)?;
        let params = list_params(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?
                .policy_groups()
                .applications_pager(id, &params),
        ))
    }

    /// One page of the applications in a group.
    #[napi]
    pub fn policy_groups_list_applications_page<'env>(
        &self,
        env: &'env Env,
        id: String,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let params = list_params(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client
                .policy_groups()
                .list_applications_page(id, &params)
                .await
        })
    }

    /// Adds applications to a group, all or nothing.
    #[napi]
    pub fn policy_groups_add_applications<'env>(
        &self,
        env: &'env Env,
        id: String,
        ids: Vec<String>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let ids: Vec<ApplicationId> = parse_all(env, "ids", &ids)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.policy_groups().add_applications(id, &ids).await
        })
    }

    /// Removes applications from a group, all or nothing.
    #[napi]
    pub fn policy_groups_remove_applications<'env>(
        &self,
        env: &'env Env,
        id: String,
        ids: Vec<String>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let ids: Vec<ApplicationId> = parse_all(env, "ids", &ids)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.policy_groups().remove_applications(id, &ids).await
        })
    }

    /// A pager over the users in a group.
    #[napi]
    pub fn policy_groups_list_users(
        &self,
        env: Env,
        id: String,
        options: ListOptions,
    ) -> napi::Result<NativePager> {
        let id: PolicyGroupId = parse(&env, "groupId", &id)?;
        let params = list_params(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?.policy_groups().users_pager(id, &params),
        ))
    }

    /// One page of the users in a group.
    #[napi]
    pub fn policy_groups_list_users_page<'env>(
        &self,
        env: &'env Env,
        id: String,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let params = list_params(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.policy_groups().list_users_page(id, &params).await
        })
    }

    /// Adds users to a group, all or nothing.
    #[napi]
    pub fn policy_groups_add_users<'env>(
        &self,
        env: &'env Env,
        id: String,
        ids: Vec<String>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let ids: Vec<UserId> = parse_all(env, "ids", &ids)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.policy_groups().add_users(id, &ids).await
        })
    }

    /// Removes users from a group, all or nothing.
    #[napi]
    pub fn policy_groups_remove_users<'env>(
        &self,
        env: &'env Env,
        id: String,
        ids: Vec<String>,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: PolicyGroupId = parse(env, "groupId", &id)?;
        let ids: Vec<UserId> = parse_all(env, "ids", &ids)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.policy_groups().remove_users(id, &ids).await
        })
    }

    // --- accounts -----------------------------------------------------------

    /// The caller's account.
    #[napi]
    pub fn accounts_current<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client(env)?;
        spawn(env, async move { client.accounts().current().await })
    }

    /// The caller's account's key policy.
    #[napi]
    pub fn accounts_key_policy<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client(env)?;
        spawn(env, async move { client.accounts().key_policy().await })
    }

    /// Replaces the caller's account's key policy.
    #[napi]
    pub fn accounts_update_key_policy<'env>(
        &self,
        env: &'env Env,
        policy: KeyPolicyArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let policy = KeyPolicy {
            max_key_lifetime_days: policy.max_key_lifetime_days,
            require_expiration: policy.require_expiration.unwrap_or(false),
            deactivate_unused_after_days: policy.deactivate_unused_after_days,
            exposed_key_action: optional_enum(
                env,
                "policy.exposedKeyAction",
                policy.exposed_key_action.as_deref(),
            )?
            .unwrap_or_default(),
        };
        let client = self.client(env)?;
        spawn(env, async move {
            client.accounts().update_key_policy(&policy).await
        })
    }

    /// Renames the caller's account.
    #[napi]
    pub fn accounts_rename_current<'env>(
        &self,
        env: &'env Env,
        name: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client(env)?;
        spawn(
            env,
            async move { client.accounts().rename_current(&name).await },
        )
    }

    /// A pager over the audit log's records passing `filter`.
    #[napi]
    pub fn audit_log_list(
        &self,
        env: Env,
        filter: AuditLogFilterArgs,
        options: ListOptions,
    ) -> napi::Result<NativePager> {
        let filter = audit_filter(&env, filter)?;
        let params = list_params(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?.audit_log().pager(&params, &filter),
        ))
    }

    /// One page of the audit log's records passing `filter`.
    #[napi]
    pub fn audit_log_list_page<'env>(
        &self,
        env: &'env Env,
        filter: AuditLogFilterArgs,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let filter = audit_filter(env, filter)?;
        let params = list_params(env, &options)?;
        let client = self.client(env)?;
        spawn(env, async move {
            client.audit_log().list_page(&params, &filter).await
        })
    }

    /// A pager over the tenant accounts (operator only).
    #[napi]
    pub fn accounts_list(&self, env: Env, options: ListOptions) -> napi::Result<NativePager> {
        let params = list_params(&env, &options)?;
        Ok(NativePager::new(
            self.client(&env)?.accounts().pager(&params),
        ))
    }

    /// One page of accounts (operator only).
    #[napi]
    pub fn accounts_list_page<'env>(
        &self,
        env: &'env Env,
        options: ListOptions,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let params = list_params(env, &options)?;
        let client = self.client(env)?;
        spawn(
            env,
            async move { client.accounts().list_page(&params).await },
        )
    }

    /// Creates a tenant account; the answer's `key` is its first access key.
    #[napi]
    pub fn accounts_create<'env>(
        &self,
        env: &'env Env,
        input: NewAccountArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let mut account = NewTenantAccount::new(input.name);
        if let Some(plan) = optional_enum::<Plan>(env, "plan", input.plan.as_deref())? {
            account = account.plan(plan);
        }
        if let Some(limits) = &input.limits {
            // `limits` also sets the plan to `custom`: keep an explicit plan
            // so that a contradiction reaches the server and is refused there.
            let plan = account.plan;
            account = account.limits(limits.into());
            account.plan = plan.or(account.plan);
        }
        if let Some(email) = input.admin_email {
            account = account.admin_email(email);
        }
        let client = self.client(env)?;
        spawn(env, async move { client.accounts().create(&account).await })
    }

    /// An account (operator only).
    #[napi]
    pub fn accounts_get<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: AccountId = parse(env, "accountId", &id)?;
        let client = self.client(env)?;
        spawn(env, async move { client.accounts().get(id).await })
    }

    /// Changes an account (operator only).
    #[napi]
    pub fn accounts_update<'env>(
        &self,
        env: &'env Env,
        id: String,
        update: AccountUpdateArgs,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let id: AccountId = parse(env, "accountId", &id)?;
        let update = AccountUpdate {
            name: update.name,
            plan: optional_enum::<Plan>(env, "plan", update.plan.as_deref())?,
            limits: update.limits.as_ref().map(Limits::from),
            key_policy: None,
        };
        let client = self.client(env)?;
        spawn(
            env,
            async move { client.accounts().update(id, &update).await },
        )
    }
}
