//! Policy groups: named permission sets that applications and users join.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ChangeError;
use crate::id::{AccountId, PolicyGroupId};
use crate::permission::{Permission, PermissionSet, parse_permissions};
use crate::validation::ValidationErrors;

/// The name of the built-in group holding every permission.
pub const ADMINISTRATORS: &str = "Administrators";

/// A policy group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyGroup {
    /// Id.
    pub id: PolicyGroupId,
    /// Owning account.
    pub account_id: AccountId,
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

/// Input for a new policy group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPolicyGroup {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Permissions, as permission strings.
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// A change to a policy group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyGroupUpdate {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New permissions, as permission strings (replaces the set).
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

fn check_permissions(errors: &mut ValidationErrors, permissions: PermissionSet, operator: bool) {
    if !operator && permissions.contains(Permission::AccountsManage) {
        errors.add(
            "permissions",
            "`accounts:manage` is held only by the operator account",
        );
    }
}

impl PolicyGroup {
    /// The `Administrators` group of a new account: every permission, and
    /// `accounts:manage` only for the operator account.
    pub fn administrators(account_id: AccountId, operator: bool, now: Timestamp) -> Self {
        PolicyGroup {
            id: PolicyGroupId::generate(),
            account_id,
            name: ADMINISTRATORS.to_owned(),
            description: "Every permission of the account.".to_owned(),
            permissions: if operator {
                PermissionSet::operator_all()
            } else {
                PermissionSet::tenant_all()
            },
            built_in: true,
            created_at: now,
            updated_at: now,
        }
    }

    /// Applies a change. The built-in group keeps its name and permissions;
    /// its description may change.
    pub fn apply(
        &mut self,
        update: &PolicyGroupUpdate,
        operator: bool,
        now: Timestamp,
    ) -> Result<(), ChangeError> {
        let mut errors = ValidationErrors::new();
        let permissions = update.permissions.as_ref().map(|permissions| {
            let parsed = parse_permissions("permissions", permissions, &mut errors);
            check_permissions(&mut errors, parsed, operator);
            parsed
        });
        let renames = update.name.as_ref().is_some_and(|name| *name != self.name);
        let repermissions = permissions.is_some_and(|p| p != self.permissions);
        if self.built_in && (renames || repermissions) {
            return Err(ChangeError::BuiltInGroup);
        }
        if let Some(name) = &update.name {
            errors.check_name("name", name);
        }
        if let Some(description) = &update.description {
            errors.check_description("description", description);
        }
        errors.finish(())?;
        if let Some(name) = &update.name {
            self.name.clone_from(name);
        }
        if let Some(description) = &update.description {
            self.description.clone_from(description);
        }
        if let Some(permissions) = permissions {
            self.permissions = permissions;
        }
        self.updated_at = now;
        Ok(())
    }

    /// Whether the group may be deleted.
    pub fn check_deletable(&self) -> Result<(), ChangeError> {
        if self.built_in {
            Err(ChangeError::BuiltInGroup)
        } else {
            Ok(())
        }
    }
}

impl NewPolicyGroup {
    /// Validates the input and builds the group; `operator` tells whether the
    /// account is the operator's (only it may grant `accounts:manage`).
    pub fn build(
        &self,
        account_id: AccountId,
        operator: bool,
        now: Timestamp,
    ) -> Result<PolicyGroup, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &self.name);
        errors.check_description("description", &self.description);
        let permissions = parse_permissions("permissions", &self.permissions, &mut errors);
        check_permissions(&mut errors, permissions, operator);
        errors.finish(PolicyGroup {
            id: PolicyGroupId::generate(),
            account_id,
            name: self.name.clone(),
            description: self.description.clone(),
            permissions,
            built_in: false,
            created_at: now,
            updated_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn administrators_hold_everything_their_account_may() {
        let tenant = PolicyGroup::administrators(AccountId::generate(), false, now());
        assert_eq!(tenant.permissions, PermissionSet::tenant_all());
        let operator = PolicyGroup::administrators(AccountId::generate(), true, now());
        assert!(operator.permissions.contains(Permission::AccountsManage));
    }

    #[test]
    fn built_in_group_is_fixed() {
        let mut group = PolicyGroup::administrators(AccountId::generate(), false, now());
        let rename = PolicyGroupUpdate {
            name: Some("Admins".into()),
            ..Default::default()
        };
        assert_eq!(
            group.apply(&rename, false, now()),
            Err(ChangeError::BuiltInGroup)
        );
        let strip = PolicyGroupUpdate {
            permissions: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(
            group.apply(&strip, false, now()),
            Err(ChangeError::BuiltInGroup)
        );
        let describe = PolicyGroupUpdate {
            description: Some("ours".into()),
            ..Default::default()
        };
        group.apply(&describe, false, now()).unwrap();
        assert_eq!(group.check_deletable(), Err(ChangeError::BuiltInGroup));
    }

    #[test]
    fn tenants_cannot_grant_accounts_manage() {
        let input = NewPolicyGroup {
            name: "ops".into(),
            description: String::new(),
            permissions: vec!["accounts:manage".into()],
        };
        let errors = input
            .build(AccountId::generate(), false, now())
            .unwrap_err();
        assert_eq!(errors.fields[0].name, "permissions");
        assert!(input.build(AccountId::generate(), true, now()).is_ok());
    }
}
