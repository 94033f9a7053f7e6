//! The domain's enums and plain records exported as they are: uniffi's
//! `remote` declarations derive the FFI for the core types without a second
//! definition to keep in step (a changed variant fails to compile here).

use latchkey_client::models::{ExposedKeyAction, KeyPolicy};
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, KeyStatus, Limits, Order, Plan, UserStatus,
};

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
