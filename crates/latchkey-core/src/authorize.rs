//! Who a credential is ([`Principal`]) and the one authorization decision
//! every request goes through ([`authorize`]).
//!
//! Objects of another account are always "not found", never "forbidden", so
//! that a caller learns nothing about accounts it does not belong to.

use crate::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, SessionId, UserId};
use crate::permission::{Permission, PermissionSet, Reach, Subject, Verb};

/// The credential a request authenticated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Credential {
    /// An access key.
    AccessKey(AccessKeyId),
    /// A JWT signed by a registered JWT key.
    JwtKey(JwtKeyId),
    /// A person signed in to the console (see [`crate::session`]).
    Session(SessionId),
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The credential's account.
    pub account_id: AccountId,
    /// Whether that account is the operator account.
    pub operator: bool,
    /// The credential's application; none for a console session, which
    /// acts as its user directly.
    pub application_id: Option<ApplicationId>,
    /// The acting user: the one the credential belongs to (`created_by`).
    pub user_id: UserId,
    /// The credential itself.
    pub credential: Credential,
    /// Effective rights: the application's groups' permissions, intersected
    /// with the key's scopes when it has any.
    pub permissions: PermissionSet,
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Something with applications.
    Applications(Verb),
    /// Something with access keys or JWT keys.
    Keys(Verb),
    /// Manage users (and set `created_by` on behalf of another user).
    ManageUsers,
    /// Manage policy groups and their membership.
    ManageGroups,
    /// Read the account.
    ViewAccount,
    /// Rename the account.
    EditAccount,
    /// Read the account's audit log.
    ViewAudit,
    /// Create and change tenant accounts (operator only).
    ManageAccounts,
    /// Introspect a credential presented to another service.
    IntrospectCredentials,
}

/// What a request acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The account as a whole (its users, groups, lists).
    Account(AccountId),
    /// An application, or a key of it: decided against its creator.
    Application {
        /// The application's account.
        account_id: AccountId,
        /// The application's `created_by`.
        created_by: UserId,
    },
    /// The set of all accounts (operator endpoints).
    Accounts,
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The target is outside the caller's account: it does not exist for them.
    #[error("not found")]
    NotFound,
    /// The caller lacks a permission.
    #[error("missing permission `{missing}`")]
    Forbidden {
        /// The weakest permission that would have allowed the request.
        missing: Permission,
    },
}

/// Which items of a list a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Every item of the account.
    All,
    /// Only items of applications created by this user.
    OwnedBy(UserId),
}

fn account_permission(action: Action) -> Option<Permission> {
    match action {
        Action::ManageUsers => Some(Permission::UsersManage),
        Action::ManageGroups => Some(Permission::GroupsManage),
        Action::ViewAccount => Some(Permission::AccountView),
        Action::EditAccount => Some(Permission::AccountEdit),
        Action::ViewAudit => Some(Permission::AuditView),
        Action::ManageAccounts => Some(Permission::AccountsManage),
        Action::IntrospectCredentials => Some(Permission::CredentialsIntrospect),
        Action::Applications(_) | Action::Keys(_) => None,
    }
}

fn scoped(action: Action) -> Option<(Subject, Verb)> {
    match action {
        Action::Applications(verb) => Some((Subject::Applications, verb)),
        Action::Keys(verb) => Some((Subject::Keys, verb)),
        _ => None,
    }
}

/// Decides whether `principal` may do `action` on `target`.
pub fn authorize(principal: &Principal, action: Action, target: Target) -> Result<(), Denied> {
    let granted = |permission| principal.permissions.contains(permission);
    match target {
        Target::Accounts => {
            let needed = Permission::AccountsManage;
            // A tenant never holds it, whatever its groups say.
            if principal.operator && granted(needed) {
                Ok(())
            } else {
                Err(Denied::Forbidden { missing: needed })
            }
        }
        Target::Account(account_id) if account_id != principal.account_id => Err(Denied::NotFound),
        Target::Application { account_id, .. } if account_id != principal.account_id => {
            Err(Denied::NotFound)
        }
        Target::Account(_) => match (account_permission(action), scoped(action)) {
            (Some(needed), _) if granted(needed) => Ok(()),
            (Some(needed), _) => Err(Denied::Forbidden { missing: needed }),
            // An application-level action on the account as a whole (a list):
            // either reach will do; what is shown is decided by `visibility`.
            (None, Some((subject, verb))) => visibility(principal, subject, verb).map(|_| ()),
            (None, None) => unreachable!("every action is account-level or scoped"),
        },
        Target::Application { created_by, .. } => match scoped(action) {
            Some((subject, verb)) => {
                let any = Permission::scoped(subject, verb, Reach::Any);
                let own = Permission::scoped(subject, verb, Reach::Own);
                if granted(any) || (granted(own) && created_by == principal.user_id) {
                    Ok(())
                } else {
                    Err(Denied::Forbidden { missing: any })
                }
            }
            None => authorize(principal, action, Target::Account(principal.account_id)),
        },
    }
}

/// Which applications (or keys of applications) a caller may list.
pub fn visibility(
    principal: &Principal,
    subject: Subject,
    verb: Verb,
) -> Result<Visibility, Denied> {
    let any = Permission::scoped(subject, verb, Reach::Any);
    let own = Permission::scoped(subject, verb, Reach::Own);
    if principal.permissions.contains(any) {
        Ok(Visibility::All)
    } else if principal.permissions.contains(own) {
        Ok(Visibility::OwnedBy(principal.user_id))
    } else {
        Err(Denied::Forbidden { missing: own })
    }
}

/// Reading users or groups: the manage permission (`users:manage`,
/// `groups:manage`), or `account:view`. A refusal names the manage
/// permission.
pub fn authorize_read(principal: &Principal, manage: Action) -> Result<(), Denied> {
    let home = Target::Account(principal.account_id);
    authorize(principal, manage, home)
        .or_else(|denied| authorize(principal, Action::ViewAccount, home).map_err(|_| denied))
}

/// A credential's effective rights: the union of its application's groups,
/// intersected with its scopes when it has any (`:any` scopes also grant
/// `:own`). `accounts:manage` survives only in the operator account.
pub fn effective_permissions(
    group_permissions: impl IntoIterator<Item = PermissionSet>,
    scopes: PermissionSet,
    operator: bool,
) -> PermissionSet {
    let groups = group_permissions
        .into_iter()
        .fold(PermissionSet::EMPTY, PermissionSet::union)
        .implied();
    let rights = if scopes.is_empty() {
        groups
    } else {
        groups.intersection(scopes.implied())
    };
    if operator {
        rights
    } else {
        rights.intersection(PermissionSet::tenant_all())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn perms(texts: &[&str]) -> PermissionSet {
        texts
            .iter()
            .map(|t| t.parse::<Permission>().unwrap())
            .collect()
    }

    fn principal(permissions: PermissionSet) -> Principal {
        Principal {
            account_id: AccountId::from_u128(1),
            operator: false,
            application_id: Some(ApplicationId::from_u128(2)),
            user_id: UserId::from_u128(3),
            credential: Credential::AccessKey(AccessKeyId::from_u128(4)),
            permissions,
        }
    }

    fn app_of(user: u128) -> Target {
        Target::Application {
            account_id: AccountId::from_u128(1),
            created_by: UserId::from_u128(user),
        }
    }

    #[test]
    fn own_versus_any() {
        let own = principal(perms(&["keys:view:own"]));
        assert_eq!(authorize(&own, Action::Keys(Verb::View), app_of(3)), Ok(()));
        assert_eq!(
            authorize(&own, Action::Keys(Verb::View), app_of(9)),
            Err(Denied::Forbidden {
                missing: "keys:view:any".parse().unwrap()
            })
        );
        assert!(authorize(&own, Action::Keys(Verb::Edit), app_of(3)).is_err());
        let any = principal(perms(&["keys:view:any"]));
        assert_eq!(authorize(&any, Action::Keys(Verb::View), app_of(9)), Ok(()));
        assert_eq!(authorize(&any, Action::Keys(Verb::View), app_of(3)), Ok(()));
        assert!(authorize(&any, Action::Applications(Verb::View), app_of(3)).is_err());
    }

    #[test]
    fn other_accounts_are_not_found_even_with_every_permission() {
        let admin = principal(PermissionSet::tenant_all());
        let elsewhere = Target::Application {
            account_id: AccountId::from_u128(99),
            created_by: UserId::from_u128(3),
        };
        assert_eq!(
            authorize(&admin, Action::Keys(Verb::View), elsewhere),
            Err(Denied::NotFound)
        );
        assert_eq!(
            authorize(
                &admin,
                Action::ManageUsers,
                Target::Account(AccountId::from_u128(99))
            ),
            Err(Denied::NotFound)
        );
        // Without permissions, the answer is the same: nothing leaks.
        let nobody = principal(PermissionSet::EMPTY);
        assert_eq!(
            authorize(&nobody, Action::Keys(Verb::View), elsewhere),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn account_level_actions() {
        let admin = principal(PermissionSet::tenant_all());
        let home = Target::Account(AccountId::from_u128(1));
        for action in [
            Action::ManageUsers,
            Action::ManageGroups,
            Action::ViewAccount,
            Action::EditAccount,
        ] {
            assert_eq!(authorize(&admin, action, home), Ok(()));
        }
        let viewer = principal(perms(&["account:view"]));
        assert_eq!(
            authorize(&viewer, Action::ManageGroups, home),
            Err(Denied::Forbidden {
                missing: Permission::GroupsManage
            })
        );
        assert!(authorize(&viewer, Action::ManageUsers, app_of(3)).is_err());
    }

    #[test]
    fn only_the_operator_manages_accounts() {
        let mut operator = principal(PermissionSet::operator_all());
        operator.operator = true;
        assert_eq!(
            authorize(&operator, Action::ManageAccounts, Target::Accounts),
            Ok(())
        );
        // A tenant whose set somehow holds the bit is still refused.
        let tenant = principal(PermissionSet::operator_all());
        assert!(authorize(&tenant, Action::ManageAccounts, Target::Accounts).is_err());
    }

    #[test]
    fn lists_show_all_or_own() {
        let any = principal(perms(&["applications:view:any"]));
        assert_eq!(
            visibility(&any, Subject::Applications, Verb::View),
            Ok(Visibility::All)
        );
        let own = principal(perms(&["applications:view:own"]));
        assert_eq!(
            visibility(&own, Subject::Applications, Verb::View),
            Ok(Visibility::OwnedBy(UserId::from_u128(3)))
        );
        assert!(visibility(&own, Subject::Keys, Verb::View).is_err());
        let home = Target::Account(AccountId::from_u128(1));
        assert_eq!(
            authorize(&own, Action::Applications(Verb::View), home),
            Ok(())
        );
        assert!(authorize(&own, Action::Keys(Verb::View), home).is_err());
    }

    #[test]
    fn effective_rights_are_groups_intersected_with_scopes() {
        let groups = [
            perms(&["keys:view:any", "keys:create:own"]),
            perms(&["applications:view:own"]),
        ];
        assert_eq!(
            effective_permissions(groups, PermissionSet::EMPTY, false),
            perms(&[
                "keys:view:any",
                "keys:view:own",
                "keys:create:own",
                "applications:view:own"
            ])
        );
        assert_eq!(
            effective_permissions(groups, perms(&["keys:view:own", "keys:delete:any"]), false),
            perms(&["keys:view:own"])
        );
        assert!(
            !effective_permissions([PermissionSet::operator_all()], PermissionSet::EMPTY, false)
                .contains(Permission::AccountsManage)
        );
        assert!(
            effective_permissions([PermissionSet::operator_all()], PermissionSet::EMPTY, true)
                .contains(Permission::AccountsManage)
        );
    }

    #[test]
    fn reading_users_and_groups_takes_manage_or_account_view() {
        let viewer = principal(perms(&["account:view"]));
        assert_eq!(authorize_read(&viewer, Action::ManageUsers), Ok(()));
        let nobody = principal(perms(&["keys:view:any"]));
        assert_eq!(
            authorize_read(&nobody, Action::ManageGroups),
            Err(Denied::Forbidden {
                missing: Permission::GroupsManage
            })
        );
        let manager = principal(perms(&["groups:manage"]));
        assert_eq!(authorize_read(&manager, Action::ManageGroups), Ok(()));
    }

    fn any_set() -> impl Strategy<Value = PermissionSet> {
        proptest::collection::vec(0usize..Permission::COUNT as usize, 0..12).prop_map(|bits| {
            bits.into_iter()
                .map(|b| Permission::all().nth(b).unwrap())
                .collect()
        })
    }

    proptest! {
        #[test]
        fn effective_rights_never_exceed_groups_or_scopes(groups in any_set(), scopes in any_set()) {
            let rights = effective_permissions([groups], scopes, false);
            prop_assert!(rights.is_granted_by(groups));
            if !scopes.is_empty() {
                prop_assert!(rights.is_granted_by(scopes));
            }
        }
    }
}
