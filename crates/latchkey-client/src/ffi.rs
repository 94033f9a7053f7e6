//! The FFI shape of the client's models for the uniffi bindings (Kotlin,
//! Swift), compiled with the `uniffi` feature only.
//!
//! The models derive `uniffi::Record`/`uniffi::Enum` where they are defined
//! (`#[cfg_attr(feature = "uniffi", …)]`), so a binding exports them as they
//! are instead of declaring a copy to keep in step. What uniffi cannot carry
//! as is gets a custom type here, each named so that the generated code says
//! what it is: ids as their strings (`app_…`), timestamps as the platform's
//! instant (Kotlin `Instant`, Swift `Date`), permission sets as their API
//! strings (`keys:view:own`), a public JWK as its members and an audit
//! record's changes as JSON text. The domain's enums and plain records are
//! `remote` declarations: uniffi checks them against the domain's own
//! definitions, so a changed variant or field fails to compile here.

use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use jiff::Timestamp;
use latchkey_core::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_core::list::Order;
use latchkey_core::permission::{Permission, PermissionSet};
use latchkey_core::plan::{Limits, Plan};
use latchkey_core::resource::{ExposedKeyAction, KeyPolicy};
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, KeyStatus, UserStatus};
use serde_json::{Map, Value};

/// Each id type as its string; lifting parses it (prefix and body checked).
macro_rules! id_types {
    ($($id:ident),* $(,)?) => {$(
        uniffi::custom_type!($id, String, {
            remote,
            lower: |id| id.to_string(),
            try_lift: |text| Ok(text.parse::<$id>()?),
        });
    )*};
}

id_types!(
    AccountId,
    UserId,
    PolicyGroupId,
    ApplicationId,
    AccessKeyId,
    JwtKeyId
);

uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |at| system_time(at),
    try_lift: |at| Ok(Timestamp::try_from(at)?),
});

/// `at` as the platform's clock type (Kotlin `Instant`, Swift `Date`).
pub fn system_time(at: Timestamp) -> SystemTime {
    let since_epoch = at.as_duration();
    if since_epoch.is_negative() {
        SystemTime::UNIX_EPOCH - since_epoch.unsigned_abs()
    } else {
        SystemTime::UNIX_EPOCH + since_epoch.unsigned_abs()
    }
}

uniffi::custom_type!(PermissionSet, Vec<String>, {
    remote,
    lower: |set| set.iter().map(|permission| permission.to_string()).collect(),
    try_lift: |texts| {
        texts
            .iter()
            .map(|text| Ok(text.parse::<Permission>()?))
            .collect::<uniffi::Result<PermissionSet>>()
    },
});

/// A public JWK (`kty`, `crv`, `x`, …), each member as a string.
pub type PublicJwk = Map<String, Value>;

uniffi::custom_type!(PublicJwk, HashMap<String, String>, {
    remote,
    lower: |jwk| jwk_members(&jwk),
    try_lift: |members| Ok(members.into_iter().map(|(name, value)| (name, Value::String(value))).collect()),
});

/// The members of `jwk`, each as a string: a JWK's members are strings,
/// and any other value (a newer server's) is kept as its JSON text.
pub fn jwk_members(jwk: &Map<String, Value>) -> HashMap<String, String> {
    jwk.iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect()
}

/// One field's change in an audit record, each side as JSON text (a field
/// may hold any JSON: parse it with the JSON library of the app).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditChange {
    /// The value before, as JSON text (`null` when the field was new).
    pub before_json: String,
    /// The value after, as JSON text.
    pub after_json: String,
}

/// An audit record's changes: `{field: [before, after]}`.
pub type AuditChanges = BTreeMap<String, [Value; 2]>;

uniffi::custom_type!(AuditChanges, HashMap<String, AuditChange>, {
    remote,
    lower: |changes| {
        changes
            .into_iter()
            .map(|(field, [before, after])| {
                let change = AuditChange {
                    before_json: before.to_string(),
                    after_json: after.to_string(),
                };
                (field, change)
            })
            .collect()
    },
    try_lift: |changes| {
        changes
            .into_iter()
            .map(|(field, change)| {
                let before = serde_json::from_str(&change.before_json)?;
                let after = serde_json::from_str(&change.after_json)?;
                Ok((field, [before, after]))
            })
            .collect::<uniffi::Result<AuditChanges>>()
    },
});

/// The stored status of an access key or JWT key.
#[uniffi::remote(Enum)]
pub enum KeyStatus {
    /// Authenticates.
    Active,
    /// Temporarily refused; can be reactivated.
    Inactive,
    /// Refused for good (terminal).
    Revoked,
}

/// A key's status as the API shows it (`Expired` is derived).
#[uniffi::remote(Enum)]
pub enum EffectiveKeyStatus {
    /// Authenticates.
    Active,
    /// Deactivated.
    Inactive,
    /// Revoked (terminal).
    Revoked,
    /// Expiration in the past.
    Expired,
}

/// The status of an application.
#[uniffi::remote(Enum)]
pub enum ApplicationStatus {
    /// Its keys may authenticate.
    Active,
    /// Refused for good (terminal).
    Revoked,
}

/// The status of a user.
#[uniffi::remote(Enum)]
pub enum UserStatus {
    /// A member of the account.
    Active,
    /// Deleted (terminal).
    Deleted,
}

/// An account's plan.
#[uniffi::remote(Enum)]
pub enum Plan {
    /// 4 applications.
    Free,
    /// 25 applications.
    Commercial,
    /// Every limit set by the operator.
    Custom,
}

/// List order.
#[uniffi::remote(Enum)]
pub enum Order {
    /// Creation order (`ASC`).
    Ascending,
    /// Newest first (`DESC`).
    Descending,
}

/// What happens to a key a secret-scanning partner reports leaked.
#[uniffi::remote(Enum)]
pub enum ExposedKeyAction {
    /// Revoked at once (terminal): the default.
    Revoke,
    /// Deactivated: it stops working and can be reactivated.
    Deactivate,
    /// Left working; the exposure is only recorded.
    Notify,
}

/// An account's key policy; all null, false and `Revoke` asks nothing.
#[uniffi::remote(Record)]
pub struct KeyPolicy {
    /// Longest a key may live, from its creation to its expiration, in days.
    pub max_key_lifetime_days: Option<u32>,
    /// Whether every new key must have an expiration.
    pub require_expiration: bool,
    /// Keys (access keys and JWT keys) unused this many days are
    /// deactivated by a background sweep.
    pub deactivate_unused_after_days: Option<u32>,
    /// What happens to a key reported leaked.
    pub exposed_key_action: ExposedKeyAction,
}

/// How many active items an account may hold.
#[uniffi::remote(Record)]
pub struct Limits {
    /// Applications per account.
    pub applications: u32,
    /// Access keys per application.
    pub access_keys_per_application: u32,
    /// JWT keys per application.
    pub jwt_keys_per_application: u32,
}
