//! What the server answers and the inputs of creations and updates. The
//! answers are the client's models (Kotlin data classes, Swift structs, in
//! the `latchkey_client` component: ids are their strings, `app_…`,
//! timestamps `Instant`/`Date`, permissions their API strings,
//! `keys:view:own`); declared here are only what the client has no
//! FFI-friendly shape for: the inputs (with the defaults Kotlin and Swift
//! callers expect) and the answers that carry a secret (a created key, a
//! created account), objects whose text form hides it. The pages (generic
//! in the client) are generated with the resources (`resources.rs`), the
//! input records (`NewApplication`, `KeyUpdate`, `AuditLogFilter`, …) from
//! spec/sdk.json into `models/inputs.rs`; declared by hand here are the
//! list options every list takes and the value types of the inputs' fields
//! (`ExpirationChange`, `PublicKeyInput`).

use std::fmt;
use std::time::SystemTime;

use latchkey_client::ffi::system_time;
use latchkey_client::models as client;
use latchkey_client::types::Order;
use zeroize::Zeroizing;

use crate::keys::JwkMembers;

mod inputs;
pub use inputs::*;

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
