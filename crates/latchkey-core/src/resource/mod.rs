//! The resources of the contract, as stored and as served, with their
//! creation inputs and the pure rules for changing them.
//!
//! Every change goes through an `apply` function here, so the embedded store
//! and the PostgreSQL store decide the same way: the store reads the current
//! value in its transaction, calls `apply`, checks uniqueness and limits, and
//! writes.

pub mod access_key;
pub mod account;
pub mod application;
pub mod jwt_key;
pub mod key_policy;
pub mod policy_group;
pub mod user;

pub use access_key::{AccessKey, NewAccessKey};
pub use account::{Account, AccountUpdate, NewAccount};
pub use application::{Application, ApplicationUpdate, NewApplication};
pub use jwt_key::{JwtKey, NewJwtKey};
pub use key_policy::{ExposedKeyAction, KeyPolicy};
pub use policy_group::{ADMINISTRATORS, NewPolicyGroup, PolicyGroup, PolicyGroupUpdate};
pub use user::{NewUser, User, UserUpdate};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::status::{IllegalTransition, KeyStatus};
use crate::validation::{ValidationErrors, double_option};

/// Why a change to a resource is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// A field is invalid.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The status change is not allowed.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// The built-in `Administrators` group cannot be renamed, re-permissioned
    /// or deleted.
    #[error("the built-in Administrators group cannot be changed")]
    BuiltInGroup,
    /// A deleted user cannot be changed.
    #[error("the user is deleted")]
    UserDeleted,
}

/// A change to an access key or a JWT key (`PUT`): every field optional;
/// `expiration: null` removes the expiration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyUpdate {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New stored status (`active`, `inactive`, `revoked`).
    #[serde(default)]
    pub status: Option<KeyStatus>,
    /// New expiration, or `Some(None)` to remove it.
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration: Option<Option<Timestamp>>,
}

/// The status rules access keys and JWT keys share, as inherent methods of
/// each (`effective_status`, `counts_toward_limit`, `apply`).
macro_rules! key_lifecycle {
    ($key:ty) => {
        impl $key {
            /// The status as shown at `now`.
            pub fn effective_status(
                &self,
                now: jiff::Timestamp,
            ) -> crate::status::EffectiveKeyStatus {
                self.status.effective(self.expiration, now)
            }

            /// Whether it counts toward its application's limit at `now`.
            pub fn counts_toward_limit(&self, now: jiff::Timestamp) -> bool {
                self.status.counts_toward_limit(self.expiration, now)
            }

            /// Applies a change (an access key's scopes are immutable and not part of it).
            pub fn apply(
                &mut self,
                update: &crate::resource::KeyUpdate,
                now: jiff::Timestamp,
            ) -> Result<(), crate::resource::ChangeError> {
                update.apply(
                    crate::resource::KeyFields {
                        name: &mut self.name,
                        description: &mut self.description,
                        status: &mut self.status,
                        expiration: &mut self.expiration,
                        updated_at: &mut self.updated_at,
                    },
                    now,
                )
            }
        }
    };
}
pub(crate) use key_lifecycle;

/// The fields an access key and a JWT key share, borrowed for a change.
pub(crate) struct KeyFields<'a> {
    pub name: &'a mut String,
    pub description: &'a mut String,
    pub status: &'a mut KeyStatus,
    pub expiration: &'a mut Option<Timestamp>,
    pub updated_at: &'a mut Timestamp,
}

impl KeyUpdate {
    /// Validates the fields on their own.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Some(name) = &self.name {
            errors.check_name("name", name);
        }
        if let Some(description) = &self.description {
            errors.check_description("description", description);
        }
        errors.finish(())
    }

    /// Whether the change can make a working credential stop working (or a
    /// stopped one work again), so that caches must forget it.
    pub fn affects_authentication(&self) -> bool {
        self.status.is_some() || self.expiration.is_some()
    }

    pub(crate) fn apply(&self, key: KeyFields<'_>, now: Timestamp) -> Result<(), ChangeError> {
        self.validate()?;
        let status = match self.status {
            Some(to) => key.status.transition(to)?,
            None => *key.status,
        };
        if *key.status == KeyStatus::Revoked && self.expiration.is_some() {
            return Err(IllegalTransition {
                from: "revoked",
                to: "a new expiration",
            }
            .into());
        }
        *key.status = status;
        if let Some(name) = &self.name {
            key.name.clone_from(name);
        }
        if let Some(description) = &self.description {
            key.description.clone_from(description);
        }
        if let Some(expiration) = self.expiration {
            *key.expiration = expiration;
        }
        *key.updated_at = now;
        Ok(())
    }
}
