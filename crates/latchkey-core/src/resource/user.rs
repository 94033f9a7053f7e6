//! Users of an account.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ChangeError;
use crate::id::{AccountId, PolicyGroupId, UserId};
use crate::password::Password;
use crate::status::UserStatus;
use crate::validation::ValidationErrors;

/// A user. Deleting marks the user `deleted`: the record stays so that
/// `created_by` keeps naming someone, and everything the user created stops
/// authenticating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Owning account.
    pub account_id: AccountId,
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Status.
    pub status: UserStatus,
    /// Policy groups the user belongs to; their permissions bound the scopes
    /// the user can grant.
    pub group_ids: Vec<PolicyGroupId>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// The console password, once set through a password link (absent
    /// from the document until then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
}

/// Input for a new user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Email.
    pub email: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Groups to join.
    #[serde(default)]
    pub group_ids: Vec<PolicyGroupId>,
}

/// A change to a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// New email.
    #[serde(default)]
    pub email: Option<String>,
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New set of groups.
    #[serde(default)]
    pub group_ids: Option<Vec<PolicyGroupId>>,
}

fn check_user_name(errors: &mut ValidationErrors, name: &str) {
    // A user's display name is optional; when given it follows the name rules.
    if !name.is_empty() {
        errors.check_name("name", name);
    }
}

impl NewUser {
    /// Validates the input and builds the user in `account_id`. The store
    /// checks that the groups exist in the account.
    pub fn build(&self, account_id: AccountId, now: Timestamp) -> Result<User, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check_email("email", &self.email);
        check_user_name(&mut errors, &self.name);
        errors.check_unique("group_ids", &self.group_ids);
        errors.finish(User {
            id: UserId::generate(),
            account_id,
            email: self.email.clone(),
            name: self.name.clone(),
            status: UserStatus::Active,
            group_ids: self.group_ids.clone(),
            created_at: now,
            updated_at: now,
            password: None,
        })
    }
}

impl User {
    /// Applies a change; a deleted user cannot be changed.
    pub fn apply(&mut self, update: &UserUpdate, now: Timestamp) -> Result<(), ChangeError> {
        if self.status == UserStatus::Deleted {
            return Err(ChangeError::UserDeleted);
        }
        let mut errors = ValidationErrors::new();
        if let Some(email) = &update.email {
            errors.check_email("email", email);
        }
        if let Some(name) = &update.name {
            check_user_name(&mut errors, name);
        }
        if let Some(group_ids) = &update.group_ids {
            errors.check_unique("group_ids", group_ids);
        }
        errors.finish(())?;
        if let Some(email) = &update.email {
            self.email.clone_from(email);
        }
        if let Some(name) = &update.name {
            self.name.clone_from(name);
        }
        if let Some(group_ids) = &update.group_ids {
            self.group_ids.clone_from(group_ids);
        }
        self.updated_at = now;
        Ok(())
    }

    /// Marks the user deleted (idempotent).
    pub fn delete(&mut self, now: Timestamp) {
        if self.status != UserStatus::Deleted {
            self.status = UserStatus::Deleted;
            self.updated_at = now;
        }
    }

    /// Whether the user has a console password.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// Sets a new console password; every session opened before ends.
    pub fn set_password(&mut self, password: Password) -> Result<(), ChangeError> {
        if self.status == UserStatus::Deleted {
            return Err(ChangeError::UserDeleted);
        }
        self.updated_at = password.set_at;
        self.password = Some(password);
        Ok(())
    }

    /// Whether the user is active.
    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn build_validates_every_field() {
        let group = PolicyGroupId::generate();
        let bad = NewUser {
            email: "nope".into(),
            name: " x".into(),
            group_ids: vec![group, group],
        };
        let errors = bad.build(AccountId::generate(), now()).unwrap_err();
        let names: Vec<_> = errors.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["email", "name", "group_ids[1]"]);
    }

    #[test]
    fn deleted_users_are_frozen() {
        let mut user = NewUser {
            email: "ada@example.com".into(),
            name: String::new(),
            group_ids: vec![],
        }
        .build(AccountId::generate(), now())
        .unwrap();
        user.apply(
            &UserUpdate {
                name: Some("Ada".into()),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        assert_eq!(user.name, "Ada");
        user.delete(now());
        assert!(!user.is_active());
        assert_eq!(
            user.apply(
                &UserUpdate {
                    name: Some("B".into()),
                    ..Default::default()
                },
                now()
            ),
            Err(ChangeError::UserDeleted)
        );
    }
}
