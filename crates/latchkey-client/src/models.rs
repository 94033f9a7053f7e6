//! What the server answers: every resource as the API shows it.
//!
//! Inputs are the domain crate's own types where they are the wire shape
//! ([`NewApplication`], [`KeyUpdate`], …, re-exported here); answers are
//! defined here because the server adds to the stored records (the effective
//! key `status`, the one-time `key`) and leaves out internals (`account_id`).
//! Unknown fields are ignored, so a newer server does not break this client.

use std::fmt;
use std::ops::Deref;

use jiff::Timestamp;
use latchkey_core::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_core::list::Order;
use latchkey_core::permission::PermissionSet;
use latchkey_core::plan::Plan;
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, UserStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

/// An account's limits: a model of the answers like those defined here.
pub use latchkey_core::plan::Limits;
pub use latchkey_core::resource::{
    AccountUpdate, ApplicationUpdate, ExposedKeyAction, KeyPolicy, KeyUpdate, NewAccessKey,
    NewApplication, NewPolicyGroup, NewUser, PolicyGroupUpdate, UserUpdate,
};

/// A type the API marks with `"object": "<OBJECT>"`.
pub trait ApiObject: serde::de::DeserializeOwned {
    /// The value of its `object` member.
    const OBJECT: &'static str;
}

macro_rules! api_object {
    ($($type:ty => $object:literal),* $(,)?) => {$(
        impl ApiObject for $type {
            const OBJECT: &'static str = $object;
        }
    )*};
}

api_object! {
    Account => "account",
    CreatedAccount => "account",
    User => "user",
    PolicyGroup => "policy_group",
    Application => "application",
    AccessKey => "access_key",
    CreatedAccessKey => "access_key",
    JwtKey => "jwt_key",
    Me => "me",
    ServerInfo => "server",
    Health => "health",
    BulkDeleteResult => "bulk_delete",
    PasswordLink => "password_link",
    AuditRecord => "audit_record",
    RolledAccessKey => "access_key",
    KeyPolicyAnswer => "key_policy",
}

/// Who acted, as an audit record shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuditActor {
    /// The acting user; none for the CLI and the system.
    pub user_id: Option<UserId>,
    /// The acting credential's application; none in the console.
    pub application_id: Option<ApplicationId>,
    /// The credential (`key_…`, `jwk_…` or a console session `ses_…`).
    pub credential_id: Option<String>,
    /// How: `access_key`, `jwt`, `console`, `cli` or `system` (a string, so
    /// that a newer server's ways do not break this client).
    pub via: String,
}

/// What an audit record is about.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuditTarget {
    /// `account`, `user`, `policy_group`, `application`, `access_key`,
    /// `jwt_key`, `session` or `credential`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id.
    pub id: String,
}

/// One entry of the account's audit log (`GET /v3/audit-log`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuditRecord {
    /// Id (`aud_…`), in the order records were written.
    pub id: String,
    /// The account whose log it is in.
    pub account_id: AccountId,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: AuditActor,
    /// What happened (`access_key.create`, `console.sign_in`, …).
    pub action: String,
    /// To what.
    pub target: AuditTarget,
    /// `{field: [before, after]}` for each field the change touched.
    pub changes: std::collections::BTreeMap<String, [Value; 2]>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
}

/// An account (a team, a tenant).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Account {
    /// Id (`acc_…`).
    pub id: AccountId,
    /// Name.
    pub name: String,
    /// Plan.
    pub plan: Plan,
    /// Limits in force.
    pub limits: Limits,
    /// Whether this is the operator account.
    #[serde(default)]
    pub operator: bool,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A user of an account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct User {
    /// Id (`usr_…`).
    pub id: UserId,
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Status.
    pub status: UserStatus,
    /// Policy groups the user belongs to.
    pub group_ids: Vec<PolicyGroupId>,
    /// Whether the user has set a console password (through a password
    /// link). Servers older than the console do not send it: `false`.
    #[serde(default)]
    pub has_password: bool,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A policy group: a named set of permissions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PolicyGroup {
    /// Id (`grp_…`).
    pub id: PolicyGroupId,
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    pub description: String,
    /// Permissions granted to members.
    pub permissions: PermissionSet,
    /// Whether this is the built-in `Administrators` group.
    pub built_in: bool,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// An application: the holder of credentials.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Application {
    /// Id (`app_…`).
    pub id: ApplicationId,
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// Policy groups whose permissions its credentials get.
    pub group_ids: Vec<PolicyGroupId>,
    /// Status.
    pub status: ApplicationStatus,
    /// The user it belongs to.
    pub created_by: UserId,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// An access key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AccessKey {
    /// Id (`key_…`).
    pub id: AccessKeyId,
    /// The application it belongs to (never changes).
    pub application_id: ApplicationId,
    /// Name, unique among the account's access keys that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// Status at the time of the answer (`expired` is derived).
    pub status: EffectiveKeyStatus,
    /// When it stops working, if ever.
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable); empty means unscoped (the application's rights,
    /// as they change).
    pub scopes: PermissionSet,
    /// `ak_` and the first 8 characters of the key id.
    pub key_prefix: String,
    /// The server the key is for.
    pub api_host: String,
    /// The user it belongs to.
    pub created_by: UserId,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// Last successful authentication (the server may report it up to a
    /// minute late).
    pub last_used_at: Option<Timestamp>,
}

/// A new access key with its full key string, shown this once.
///
/// Derefs to the [`AccessKey`]; `Debug` never shows the key string.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct CreatedAccessKey {
    /// The key's record.
    #[serde(flatten)]
    pub access_key: AccessKey,
    #[serde(rename = "key")]
    secret: Zeroizing<String>,
}

impl CreatedAccessKey {
    /// The full access key (`ak_…`): store it now, the server never shows it
    /// again.
    pub fn key(&self) -> &str {
        &self.secret
    }
}

impl Deref for CreatedAccessKey {
    type Target = AccessKey;

    fn deref(&self) -> &AccessKey {
        &self.access_key
    }
}

impl fmt::Debug for CreatedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedAccessKey")
            .field("access_key", &self.access_key)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// A roll's outcome: the new key with its full key string (shown this
/// once), and the rolled key as it now is (expiring at the grace's end).
///
/// Derefs to the new [`AccessKey`]; `Debug` never shows the key string.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct RolledAccessKey {
    /// The new key's record.
    #[serde(flatten)]
    pub access_key: AccessKey,
    #[serde(rename = "key")]
    secret: Zeroizing<String>,
    /// The rolled key: its `expiration` is when it stops working.
    pub rolled: AccessKey,
}

impl RolledAccessKey {
    /// The new full access key (`ak_…`): store it now, the server never
    /// shows it again.
    pub fn key(&self) -> &str {
        &self.secret
    }
}

impl Deref for RolledAccessKey {
    type Target = AccessKey;

    fn deref(&self) -> &AccessKey {
        &self.access_key
    }
}

impl fmt::Debug for RolledAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RolledAccessKey")
            .field("access_key", &self.access_key)
            .field("key", &"[REDACTED]")
            .field("rolled", &self.rolled)
            .finish()
    }
}

/// The answer of `POST /v3/introspect`: whether a credential is active and,
/// when it is, whose it is. An inactive credential carries nothing else,
/// whatever the reason.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Introspection {
    /// Whether the credential may act now.
    pub active: bool,
    /// `access_key` or `jwt`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Its account.
    #[serde(default)]
    pub account_id: Option<AccountId>,
    /// Its application.
    #[serde(default)]
    pub application_id: Option<ApplicationId>,
    /// The user it acts as.
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// The access key (`key_…`) or JWT key (`jwk_…`) id.
    #[serde(default)]
    pub credential_id: Option<String>,
    /// Its effective permissions, space-separated.
    #[serde(default)]
    pub scope: Option<String>,
    /// When it stops working, in seconds since the epoch.
    #[serde(default)]
    pub exp: Option<i64>,
}

/// The key policy as the server answers it (with `"object"`).
#[derive(Deserialize)]
pub(crate) struct KeyPolicyAnswer {
    max_key_lifetime_days: Option<u32>,
    require_expiration: bool,
    deactivate_unused_after_days: Option<u32>,
    exposed_key_action: ExposedKeyAction,
}

impl From<KeyPolicyAnswer> for KeyPolicy {
    fn from(answer: KeyPolicyAnswer) -> Self {
        KeyPolicy {
            max_key_lifetime_days: answer.max_key_lifetime_days,
            require_expiration: answer.require_expiration,
            deactivate_unused_after_days: answer.deactivate_unused_after_days,
            exposed_key_action: answer.exposed_key_action,
        }
    }
}

/// A registered JWT public key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct JwtKey {
    /// Id (`jwk_…`): the `kid` of the tokens the key signs.
    pub id: JwtKeyId,
    /// The application it belongs to (never changes).
    pub application_id: ApplicationId,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// The JWS algorithm tokens are signed with (`EdDSA`, `ES256`, …).
    pub algorithm: String,
    /// The public key as a JWK.
    pub public_key: Map<String, Value>,
    /// The RFC 7638 thumbprint of the public key.
    pub thumbprint: String,
    /// Status at the time of the answer (`expired` is derived).
    pub status: EffectiveKeyStatus,
    /// When it stops working, if ever.
    #[serde(default)]
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable), as for access keys: its tokens' rights are the
    /// application's groups' permissions intersected with these; empty means
    /// unscoped.
    #[serde(default)]
    pub scopes: PermissionSet,
    /// The user it belongs to.
    pub created_by: UserId,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change (the server always sends it).
    pub updated_at: Timestamp,
    /// Last successful authentication.
    #[serde(default)]
    pub last_used_at: Option<Timestamp>,
}

/// The public key of a new JWT key: PEM (SPKI or X.509 certificate) or JWK.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PublicKeyInput {
    /// A PEM string: `-----BEGIN PUBLIC KEY-----` (SPKI) or an X.509
    /// certificate.
    Pem(String),
    /// A public JWK object.
    Jwk(Map<String, Value>),
}

impl From<&latchkey_core::jwt::VerifyingKey> for PublicKeyInput {
    fn from(key: &latchkey_core::jwt::VerifyingKey) -> Self {
        PublicKeyInput::Pem(key.to_spki_pem())
    }
}

/// A new JWT key (`POST /v3/applications/{id}/jwt-keys`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewJwtKey {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The public key.
    pub public_key: PublicKeyInput,
    /// The algorithm; the server infers it from the key when absent
    /// (`EdDSA` for Ed25519).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<latchkey_core::jwt::Algorithm>,
    /// When the key stops working.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable), as permission strings, under the same rules as an
    /// access key's: each must be held by the key's owner, and the key can do
    /// nothing the calling credential cannot. Empty: unscoped when the
    /// calling credential holds every permission, otherwise the server fixes
    /// the application's current rights as the key's scopes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Another user of the account to own the key (needs `users:manage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<UserId>,
}

impl NewJwtKey {
    /// A key named `name` for `public_key`, with nothing else set.
    pub fn new(name: impl Into<String>, public_key: impl Into<PublicKeyInput>) -> Self {
        NewJwtKey {
            name: name.into(),
            description: String::new(),
            public_key: public_key.into(),
            algorithm: None,
            expiration: None,
            scopes: Vec::new(),
            created_by: None,
        }
    }

    /// With a description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// With an explicit algorithm.
    pub fn algorithm(mut self, algorithm: latchkey_core::jwt::Algorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// With an expiration.
    pub fn expiration(mut self, expiration: Timestamp) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// With scopes (permission strings such as `keys:view:own`): its tokens
    /// can do only these, within its application's rights.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Owned by another user of the account.
    pub fn created_by(mut self, user: UserId) -> Self {
        self.created_by = Some(user);
        self
    }
}

/// A new tenant account (`POST /v3/accounts`, operator only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NewTenantAccount {
    /// Name.
    pub name: String,
    /// Plan (the server's default is `free`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// Limits: required with plan `custom`, refused otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// Email of the account's admin user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_email: Option<String>,
}

impl NewTenantAccount {
    /// An account named `name` on the default plan.
    pub fn new(name: impl Into<String>) -> Self {
        NewTenantAccount {
            name: name.into(),
            plan: None,
            limits: None,
            admin_email: None,
        }
    }

    /// On `plan`.
    pub fn plan(mut self, plan: Plan) -> Self {
        self.plan = Some(plan);
        self
    }

    /// With custom `limits`: plan `custom`, unless a plan was given already.
    /// An explicit other plan is kept, so that the contradiction reaches the
    /// server, which refuses it, rather than being silently overridden.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.plan = Some(self.plan.unwrap_or(Plan::Custom));
        self.limits = Some(limits);
        self
    }

    /// With the admin user's email.
    pub fn admin_email(mut self, email: impl Into<String>) -> Self {
        self.admin_email = Some(email.into());
        self
    }
}

/// A new tenant account with what it starts with; `Debug` never shows the key.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct CreatedAccount {
    /// The account.
    #[serde(flatten)]
    pub account: Account,
    /// Its admin user (in `Administrators`).
    pub admin_user: User,
    /// Its admin application (in `Administrators`).
    pub admin_application: Application,
    /// The admin application's first access key.
    pub access_key: AccessKey,
    #[serde(rename = "key")]
    secret: Zeroizing<String>,
}

impl CreatedAccount {
    /// The full access key of the admin application, shown this once.
    pub fn key(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for CreatedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedAccount")
            .field("account", &self.account)
            .field("admin_user", &self.admin_user)
            .field("admin_application", &self.admin_application)
            .field("access_key", &self.access_key)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// A one-time link that sets a user's console password
/// (`POST /v3/users/{id}/password-link`).
///
/// Whoever opens the link can set the user's password and act as the user,
/// so the URL is a secret: `Debug` never shows it, and it is wiped when the
/// value is dropped.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct PasswordLink {
    /// The user whose password it sets.
    pub user_id: UserId,
    /// When it stops working (24 hours after it was made).
    pub expires_at: Timestamp,
    url: Zeroizing<String>,
}

impl PasswordLink {
    /// The link, shown this once: hand it to the user only. It works once;
    /// a newer link for the same user withdraws it.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl fmt::Debug for PasswordLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordLink")
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("url", &"[REDACTED]")
            .finish()
    }
}

/// Which kind of credential a request authenticated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CredentialKind {
    /// An access key (`ak_…`).
    AccessKey,
    /// A JWT signed by a registered JWT key.
    JwtKey,
}

impl CredentialKind {
    /// The kind as the API spells it (`access_key`, `jwt_key`).
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::AccessKey => "access_key",
            CredentialKind::JwtKey => "jwt_key",
        }
    }
}

/// The credential of `GET /v3/me`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CredentialSummary {
    /// Access key or JWT key.
    #[serde(rename = "object")]
    pub kind: CredentialKind,
    /// The key's id (`key_…` or `jwk_…`).
    pub id: String,
    /// The key's scopes (empty: unscoped).
    #[serde(default)]
    pub scopes: PermissionSet,
    /// When the key expires, if ever.
    #[serde(default)]
    pub expiration: Option<Timestamp>,
}

/// Who the calling credential is (`GET /v3/me`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Me {
    /// The credential's account.
    pub account: Account,
    /// The credential's application.
    pub application: Application,
    /// The user the credential belongs to.
    pub user: User,
    /// The credential.
    pub credential: CredentialSummary,
    /// Effective permissions: the application's groups ∩ the key's scopes.
    pub permissions: PermissionSet,
    /// The `aud` JWTs must carry.
    pub jwt_audience: String,
}

/// Public facts about the server (`GET /.well-known/latchkey`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ServerInfo {
    /// The `aud` every JWT must carry.
    pub jwt_audience: String,
    /// The JWS algorithms JWT keys may use.
    #[serde(default)]
    pub jwt_algorithms: Vec<String>,
    /// The server's version.
    #[serde(default)]
    pub version: String,
}

/// Liveness (`GET /health`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Health {
    /// `ok` when the server is up.
    pub status: String,
}

/// The outcome of a bulk delete that deleted every key. When any id cannot
/// be deleted nothing is, and the call fails with a `conflict` naming each
/// failing id (`ids[i]`) in [`ApiError::fields`](crate::ApiError::fields).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BulkDeleteResult {
    /// Whether the keys were deleted (always true in a success).
    pub deleted: bool,
    /// One line per id, in request order.
    pub results: Vec<BulkDeleteItem>,
}

/// One id of a bulk delete.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BulkDeleteItem {
    /// The key id.
    pub id: String,
    /// `deleted`.
    pub status: String,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub data: Vec<T>,
    /// Whether more items follow.
    pub has_more: bool,
    /// The cursor of the next page (the id of this page's last item).
    pub after: Option<String>,
    /// The page size asked for.
    pub limit: u32,
    /// The order.
    pub order: Order,
    /// Every matching item, when asked for with
    /// [`ListParams::include_total_count`](crate::ListParams::include_total_count).
    pub total_count: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        applications: 3,
        access_keys_per_application: 2,
        jwt_keys_per_application: 1,
    };

    #[test]
    fn limits_make_the_plan_custom_unless_one_was_given() {
        let custom = NewTenantAccount::new("T").limits(LIMITS);
        assert_eq!(
            (custom.plan, custom.limits),
            (Some(Plan::Custom), Some(LIMITS))
        );
        // The contradiction is kept for the server to refuse, in either order.
        let before = NewTenantAccount::new("T").plan(Plan::Free).limits(LIMITS);
        let after = NewTenantAccount::new("T").limits(LIMITS).plan(Plan::Free);
        assert_eq!(before.plan, Some(Plan::Free));
        assert_eq!(after.plan, Some(Plan::Free));
    }

    #[test]
    fn a_credential_kind_reads_back_as_its_api_name() {
        for kind in [CredentialKind::AccessKey, CredentialKind::JwtKey] {
            let parsed: CredentialKind =
                serde_json::from_value(serde_json::Value::from(kind.as_str())).unwrap();
            assert_eq!(parsed, kind);
        }
    }
}
