//! What the server answers and the inputs of creations and updates. The
//! answers are the client's models (Kotlin data classes, Swift structs, in
//! the `latchkey_client` component: ids are their strings, `app_…`,
//! timestamps `Instant`/`Date`, permissions their API strings,
//! `keys:view:own`); declared here are only what the client has no
//! FFI-friendly shape for: the inputs (with the defaults Kotlin and Swift
//! callers expect) and the answers that carry a secret (a created key, a
//! created account), objects whose text form hides it. The pages (generic
//! in the client) are generated with the resources (`resources.rs`).

use std::fmt;
use std::time::SystemTime;

use latchkey_client::ffi::system_time;
use latchkey_client::models as client;
use latchkey_client::types::{ApplicationStatus, KeyStatus, Limits, Order, Plan};
use zeroize::Zeroizing;

use crate::keys::JwkMembers;

// The answers are the client's own models, which derive their FFI there
// (`latchkey-client`'s `uniffi` feature): exported as they are, never
// declared twice.
pub use latchkey_client::models::{
    AccessKey, Account, Application, BulkDeleteResult, Introspection, JwtKey, Me, PolicyGroup,
    ServerInfo, User,
};

/// A new access key and its full key string, shown this once. Its text form
/// never shows the key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CreatedAccessKey {
    access_key: AccessKey,
    key: Zeroizing<String>,
}

impl From<client::CreatedAccessKey> for CreatedAccessKey {
    fn from(created: client::CreatedAccessKey) -> Self {
        let key = Zeroizing::new(created.key().to_owned());
        CreatedAccessKey {
            access_key: created.access_key,
            key,
        }
    }
}

impl fmt::Display for CreatedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CreatedAccessKey(id={}, keyPrefix={}, key=[REDACTED])",
            self.access_key.id, self.access_key.key_prefix
        )
    }
}

impl fmt::Debug for CreatedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl CreatedAccessKey {
    /// The key's record.
    pub fn access_key(&self) -> AccessKey {
        self.access_key.clone()
    }

    /// The key's id (`key_…`).
    pub fn id(&self) -> String {
        self.access_key.id.to_string()
    }

    /// The full access key (`ak_…`): store it now, the server never shows it
    /// again.
    pub fn key(&self) -> String {
        self.key.to_string()
    }
}

/// A roll's outcome: the new key with its full key string, shown this once,
/// and the rolled key as it now is (its `expiration` the grace's end). Its
/// text form never shows the key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct RolledAccessKey {
    access_key: AccessKey,
    key: Zeroizing<String>,
    rolled: AccessKey,
}

impl From<client::RolledAccessKey> for RolledAccessKey {
    fn from(rolled: client::RolledAccessKey) -> Self {
        let key = Zeroizing::new(rolled.key().to_owned());
        RolledAccessKey {
            access_key: rolled.access_key,
            key,
            rolled: rolled.rolled,
        }
    }
}

impl fmt::Display for RolledAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RolledAccessKey(id={}, keyPrefix={}, key=[REDACTED], rolled={})",
            self.access_key.id, self.access_key.key_prefix, self.rolled.id
        )
    }
}

impl fmt::Debug for RolledAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl RolledAccessKey {
    /// The new key's record: the old one's scopes, description and
    /// expiration.
    pub fn access_key(&self) -> AccessKey {
        self.access_key.clone()
    }

    /// The new key's id (`key_…`).
    pub fn id(&self) -> String {
        self.access_key.id.to_string()
    }

    /// The new full access key (`ak_…`): store it now, the server never
    /// shows it again.
    pub fn key(&self) -> String {
        self.key.to_string()
    }

    /// The rolled key as it now is: its `expiration` is when it stops
    /// working.
    pub fn rolled(&self) -> AccessKey {
        self.rolled.clone()
    }
}

/// A one-time link that sets a user's console password. Whoever opens it
/// can act as the user, so it is an object whose text form hides the link,
/// read through `url()`.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct PasswordLink {
    user_id: String,
    expires_at: SystemTime,
    url: Zeroizing<String>,
}

impl From<client::PasswordLink> for PasswordLink {
    fn from(link: client::PasswordLink) -> Self {
        PasswordLink {
            user_id: link.user_id.to_string(),
            expires_at: system_time(link.expires_at),
            url: Zeroizing::new(link.url().to_owned()),
        }
    }
}

impl fmt::Display for PasswordLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasswordLink(userId={}, url=[REDACTED])", self.user_id)
    }
}

impl fmt::Debug for PasswordLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl PasswordLink {
    /// The user whose password it sets (`usr_…`).
    pub fn user_id(&self) -> String {
        self.user_id.clone()
    }

    /// When it stops working (24 hours after it was made).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The link, shown this once: hand it to the user only. It works once;
    /// a newer link for the same user withdraws it.
    pub fn url(&self) -> String {
        self.url.to_string()
    }
}

/// A new tenant account with what it starts with. Its text form never shows
/// the key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CreatedAccount {
    account: Account,
    admin_user: User,
    admin_application: Application,
    access_key: AccessKey,
    key: Zeroizing<String>,
}

impl From<client::CreatedAccount> for CreatedAccount {
    fn from(created: client::CreatedAccount) -> Self {
        let key = Zeroizing::new(created.key().to_owned());
        CreatedAccount {
            account: created.account,
            admin_user: created.admin_user,
            admin_application: created.admin_application,
            access_key: created.access_key,
            key,
        }
    }
}

impl fmt::Display for CreatedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CreatedAccount(id={}, name={}, key=[REDACTED])",
            self.account.id, self.account.name
        )
    }
}

impl fmt::Debug for CreatedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl CreatedAccount {
    /// The account.
    pub fn account(&self) -> Account {
        self.account.clone()
    }

    /// Its admin user (in `Administrators`).
    pub fn admin_user(&self) -> User {
        self.admin_user.clone()
    }

    /// Its admin application (in `Administrators`).
    pub fn admin_application(&self) -> Application {
        self.admin_application.clone()
    }

    /// The admin application's first access key (its record).
    pub fn access_key(&self) -> AccessKey {
        self.access_key.clone()
    }

    /// The admin application's full access key, shown this once.
    pub fn key(&self) -> String {
        self.key.to_string()
    }
}

/// The page size, cursor, order and total count of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ListOptions {
    /// Items per page, 1–1000 (the server's default is 50; others are a
    /// `Validation` error).
    #[uniffi(default)]
    pub limit: Option<u32>,
    /// Start after the item with this id.
    #[uniffi(default)]
    pub after: Option<String>,
    /// Creation order (default) or newest first.
    #[uniffi(default)]
    pub order: Option<Order>,
    /// Ask for `total_count`.
    #[uniffi(default)]
    pub include_total_count: bool,
}

impl ListOptions {
    pub(crate) fn params(&self) -> latchkey_client::ListParams {
        let mut params = latchkey_client::ListParams::new();
        if let Some(limit) = self.limit {
            params = params.limit(limit);
        }
        if let Some(after) = &self.after {
            params = params.after(after.clone());
        }
        if let Some(order) = self.order {
            params = params.order(order);
        }
        if self.include_total_count {
            params = params.include_total_count();
        }
        params
    }
}

/// The audit log's filters; every one given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct AuditLogFilter {
    /// Only this action (`access_key.update`, …).
    #[uniffi(default)]
    pub action: Option<String>,
    /// Only records about this object.
    #[uniffi(default)]
    pub target_id: Option<String>,
    /// Only what this user did.
    #[uniffi(default)]
    pub actor_user_id: Option<String>,
    /// Only records at or after this instant.
    #[uniffi(default)]
    pub since: Option<SystemTime>,
    /// Only records at or before this instant.
    #[uniffi(default)]
    pub until: Option<SystemTime>,
}

/// A new application.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewApplication {
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// Policy groups (`grp_…`) whose permissions its credentials get.
    #[uniffi(default)]
    pub group_ids: Vec<String>,
    /// Another user (`usr_…`) to own it (needs `users:manage`).
    #[uniffi(default)]
    pub created_by: Option<String>,
}

/// A change to an application: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ApplicationUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New description.
    #[uniffi(default)]
    pub description: Option<String>,
    /// New status (`Revoked` is terminal).
    #[uniffi(default)]
    pub status: Option<ApplicationStatus>,
}

/// A new access key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewAccessKey {
    /// Name, unique among the account's access keys that are not revoked.
    pub name: String,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// Scopes (a subset of the creating user's permissions; immutable).
    /// Empty: unscoped when the calling credential holds every permission;
    /// otherwise the application's current rights become its scopes.
    #[uniffi(default)]
    pub scopes: Vec<String>,
    /// When it stops working.
    #[uniffi(default)]
    pub expiration: Option<SystemTime>,
    /// Another user (`usr_…`) to own it (needs `users:manage`).
    #[uniffi(default)]
    pub created_by: Option<String>,
}

/// A change to an access key or JWT key: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct KeyUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New description.
    #[uniffi(default)]
    pub description: Option<String>,
    /// New stored status (`Revoked` is terminal).
    #[uniffi(default)]
    pub status: Option<KeyStatus>,
    /// A new expiration, or its removal; none keeps it.
    #[uniffi(default)]
    pub expiration: Option<ExpirationChange>,
}

/// What happens to a key's expiration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExpirationChange {
    /// The key stops working at `at` (a future one reactivates an expired
    /// key).
    Set {
        /// When the key stops working.
        at: SystemTime,
    },
    /// The key never expires.
    Remove,
}

/// The public key of a new JWT key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PublicKeyInput {
    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or an X.509 certificate PEM.
    Pem {
        /// The PEM text.
        pem: String,
    },
    /// A public JWK.
    Jwk {
        /// Its members.
        jwk: JwkMembers,
    },
}

/// A new JWT key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewJwtKey {
    /// Name.
    pub name: String,
    /// The public key.
    pub public_key: PublicKeyInput,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// The algorithm (`EdDSA`, `ES256`, …); inferred from the key when absent.
    #[uniffi(default)]
    pub algorithm: Option<String>,
    /// When it stops working.
    #[uniffi(default)]
    pub expiration: Option<SystemTime>,
    /// Scopes its tokens are limited to (immutable), under the same rules as
    /// an access key's: held by the owner, and nothing the calling credential
    /// cannot do (empty: likewise unscoped, or the application's current
    /// rights).
    #[uniffi(default)]
    pub scopes: Vec<String>,
    /// Another user (`usr_…`) to own it (needs `users:manage`).
    #[uniffi(default)]
    pub created_by: Option<String>,
}

/// A new user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewUser {
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name.
    #[uniffi(default)]
    pub name: String,
    /// Policy groups (`grp_…`).
    #[uniffi(default)]
    pub group_ids: Vec<String>,
}

/// A change to a user: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct UserUpdate {
    /// New email.
    #[uniffi(default)]
    pub email: Option<String>,
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New policy groups (replaces the list).
    #[uniffi(default)]
    pub group_ids: Option<Vec<String>>,
}

/// A new policy group.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewPolicyGroup {
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// Permissions (`keys:view:own`, `users:manage`, …).
    #[uniffi(default)]
    pub permissions: Vec<String>,
}

/// A change to a policy group: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct PolicyGroupUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New description.
    #[uniffi(default)]
    pub description: Option<String>,
    /// New permissions (replaces the list).
    #[uniffi(default)]
    pub permissions: Option<Vec<String>>,
}

/// The name `spec/sdk.json` gives the input of `accounts.create` (Node's);
/// Kotlin and Swift keep `NewTenantAccount`, the record this names.
pub type NewAccount = NewTenantAccount;

/// A new tenant account (operator only).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewTenantAccount {
    /// Name.
    pub name: String,
    /// Plan (the server's default is `Free`).
    #[uniffi(default)]
    pub plan: Option<Plan>,
    /// Limits: required with plan `Custom`, refused otherwise.
    #[uniffi(default)]
    pub limits: Option<Limits>,
    /// Email of the account's admin user.
    #[uniffi(default)]
    pub admin_email: Option<String>,
}

/// A change to an account (operator only): only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct AccountUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New plan.
    #[uniffi(default)]
    pub plan: Option<Plan>,
    /// New limits (plan `Custom`).
    #[uniffi(default)]
    pub limits: Option<Limits>,
}
