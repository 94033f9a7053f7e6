//! The one delegation rule: no request gives anyone more than the acting
//! credential holds (API.md, "Delegation is bounded").
//!
//! Every write that creates a credential or widens what some principal can
//! do is admitted by one of the `admit_*` functions here, which the store
//! calls inside the write's transaction with the records it read there:
//! - a new access key or JWT key ([`admit_new_key`]);
//! - a key made to work again or to work longer ([`admit_key_change`]);
//! - a new application, its `created_by` and its groups ([`admit_new_application`]);
//! - an application or a user put into a group, on create, on update or
//!   through the membership endpoints ([`admit_membership`],
//!   [`admit_user_groups`]);
//! - a group given permissions ([`admit_group_permissions`]);
//! - a password link handed out for a user ([`admit_password_link`]): whoever
//!   holds it can act as that user.
//!
//! Each reduces to [`check`]: the rights a write would give a holder must be
//! rights the actor holds, and an `:own` right given to the credentials of
//! another user must be held as `:any`, because that user's `:own` reaches
//! that user's applications, which the actor reaches only through `:any`.
//!
//! One more rule keeps every credential within what its creator held *when
//! it was made*, whatever happens to its application later: only an actor
//! that could pass on every permission may create an unscoped key (one that
//! follows its application's groups as they change). A request without
//! scopes from any other actor gets its application's current rights as its
//! scopes, fixed for the key's life.

use crate::authorize::{Principal, effective_permissions};
use crate::id::UserId;
use crate::permission::{Permission, PermissionSet, Reach, Subject, Verb};
use crate::resource::{Application, PolicyGroup};
use crate::status::{EffectiveKeyStatus, KeyStatus};
use jiff::Timestamp;

/// Who performs a write that may grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A request's authenticated credential: every grant is bounded by it.
    Credential(Principal),
    /// The server itself (bootstrap, `latchkey admin` commands run by
    /// someone holding the data file): not bounded.
    System,
}

impl Actor {
    /// The principal, unless the system acts.
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Actor::Credential(principal) => Some(principal),
            Actor::System => None,
        }
    }
}

/// Why a grant is refused. Every variant is a `403 forbidden` naming the
/// request field, except [`Refused::ScopesExceedOwner`], a `400` on `scopes`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The write would give someone rights the actor lacks.
    #[error("the acting credential cannot grant what it does not hold: it lacks {}", list(*.lacking))]
    Overreach {
        /// The request field that asks for the grant (`scopes`, `group_ids[1]`, `ids`, `created_by`).
        field: String,
        /// What the actor lacks, shortest form (`:own` left out when its `:any` is listed).
        lacking: PermissionSet,
    },
    /// An unscoped key was asked for on an application whose groups grant
    /// nothing, by an actor that cannot create unscoped keys: such a key
    /// would later gain whatever its application is given.
    #[error(
        "only a credential holding every permission may create an unscoped key, and this application's groups grant nothing to fix as its scopes: pass `scopes` (the acting credential lacks {})",
        list(*.lacking)
    )]
    UnscopedNeedsEveryPermission {
        /// What the actor lacks of every permission.
        lacking: PermissionSet,
    },
    /// Scopes name permissions the key's owner does not hold.
    #[error("scopes exceed the owner's permissions: {}", list(*.not_held))]
    ScopesExceedOwner {
        /// The permissions in question.
        not_held: PermissionSet,
    },
}

impl Refused {
    /// The request field the refusal is about.
    pub fn field(&self) -> &str {
        match self {
            Refused::Overreach { field, .. } => field,
            Refused::UnscopedNeedsEveryPermission { .. } | Refused::ScopesExceedOwner { .. } => {
                "scopes"
            }
        }
    }

    /// What the actor lacks (empty for [`Refused::ScopesExceedOwner`]).
    pub fn lacking(&self) -> PermissionSet {
        match self {
            Refused::Overreach { lacking, .. }
            | Refused::UnscopedNeedsEveryPermission { lacking } => *lacking,
            Refused::ScopesExceedOwner { .. } => PermissionSet::EMPTY,
        }
    }
}

fn list(set: PermissionSet) -> String {
    set.iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every permission a credential of an account can hold.
pub const fn every_permission(operator: bool) -> PermissionSet {
    if operator {
        PermissionSet::operator_all()
    } else {
        PermissionSet::tenant_all()
    }
}

/// The rights `actor` may pass on to a credential or user acting as
/// `holder`: all it holds when the holder is its own user; for another
/// user, an `:own` right only when it holds the `:any` form.
pub fn passable(actor: &Principal, holder: UserId) -> PermissionSet {
    let held = actor.permissions.implied();
    if holder == actor.user_id {
        held
    } else {
        held.for_another_user()
    }
}

/// The delegation rule: giving `rights` to `holder` is allowed only when
/// `actor` could pass every one of them on (see [`passable`]).
pub fn check(
    actor: &Principal,
    field: &str,
    rights: PermissionSet,
    holder: UserId,
) -> Result<(), Refused> {
    let rights = rights.implied();
    let needed = if holder == actor.user_id {
        rights
    } else {
        rights.lifted_to_any()
    };
    overreach(actor, field, needed)
}

/// Requires plain permissions of the actor (`users:manage`, `groups:manage`),
/// reported like the delegation rule's refusals.
fn require(actor: &Principal, field: &str, needed: PermissionSet) -> Result<(), Refused> {
    overreach(actor, field, needed)
}

fn overreach(actor: &Principal, field: &str, needed: PermissionSet) -> Result<(), Refused> {
    let lacking = needed.not_granted_by(actor.permissions).without_implied();
    if lacking.is_empty() {
        Ok(())
    } else {
        Err(Refused::Overreach {
            field: field.to_owned(),
            lacking,
        })
    }
}

fn set(permissions: &[Permission]) -> PermissionSet {
    permissions.iter().copied().collect()
}

/// `created_by` naming another user: `users:manage` and the `:any` form of
/// the create permission used.
fn check_created_by(actor: &Principal, holder: UserId, create: Subject) -> Result<(), Refused> {
    if holder == actor.user_id {
        return Ok(());
    }
    require(
        actor,
        "created_by",
        set(&[
            Permission::UsersManage,
            Permission::scoped(create, Verb::Create, Reach::Any),
        ]),
    )
}

/// Where a new key goes: its application and what that application grants.
#[derive(Debug, Clone, Copy)]
pub struct KeyTarget<'a> {
    /// The application.
    pub application: &'a Application,
    /// The union of the permissions of the application's groups.
    pub application_permissions: PermissionSet,
    /// Whether the account is the operator's (`accounts:manage` survives).
    pub operator: bool,
}

/// What a new key asks for.
#[derive(Debug, Clone, Copy)]
pub struct KeyRequest {
    /// The scopes asked for; empty: none asked.
    pub scopes: PermissionSet,
    /// The user the key will belong to (`created_by`).
    pub holder: UserId,
    /// The union of the permissions of that user's groups.
    pub holder_permissions: PermissionSet,
}

/// Admits a new access key or JWT key and returns the scopes to store:
/// the ones asked for, or, when none were asked for and the actor cannot
/// create unscoped keys, the application's current rights (see the module
/// docs). Reach over the application is decided before, by
/// [`crate::authorize::authorize`].
pub fn admit_new_key(
    actor: &Actor,
    target: KeyTarget<'_>,
    request: KeyRequest,
) -> Result<PermissionSet, Refused> {
    let Actor::Credential(actor) = actor else {
        return Ok(request.scopes);
    };
    check_created_by(actor, request.holder, Subject::Keys)?;
    let scopes = if request.scopes.is_empty() {
        let every = every_permission(target.operator);
        let lacking = every
            .not_granted_by(passable(actor, request.holder))
            .without_implied();
        if lacking.is_empty() {
            PermissionSet::EMPTY
        } else {
            let current = effective_permissions(
                [target.application_permissions],
                PermissionSet::EMPTY,
                target.operator,
            )
            .without_implied();
            if current.is_empty() {
                return Err(Refused::UnscopedNeedsEveryPermission { lacking });
            }
            current
        }
    } else {
        let not_held = request
            .scopes
            .not_granted_by(request.holder_permissions)
            .without_implied();
        if !not_held.is_empty() {
            return Err(Refused::ScopesExceedOwner { not_held });
        }
        request.scopes
    };
    // Scoped: the scopes bound the key for ever, whatever its application
    // is given later, so they (not only today's rights) must be passable.
    // Unscoped: the actor can pass on everything.
    let bound = if scopes.is_empty() {
        effective_permissions([target.application_permissions], scopes, target.operator)
    } else {
        scopes
    };
    check(actor, "scopes", bound, request.holder)?;
    Ok(scopes)
}

/// A key's status and expiration, before or after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyLife {
    /// Stored status.
    pub status: KeyStatus,
    /// Expiration.
    pub expiration: Option<Timestamp>,
}

impl KeyLife {
    fn works(self, now: Timestamp) -> bool {
        self.status.effective(self.expiration, now) == EffectiveKeyStatus::Active
    }
}

/// Admits a change of a key's status or expiration. Making a key work
/// again (reactivation, an expiration moved into the future) or work
/// longer (a later expiration, or none) hands its rights out anew: the
/// actor must be able to pass on `rights` to the key's `holder` — the
/// key's scopes when it has any (they bound it for ever), else its
/// application's current rights. Stopping a key is always allowed here.
pub fn admit_key_change(
    actor: &Actor,
    before: KeyLife,
    after: KeyLife,
    now: Timestamp,
    rights: PermissionSet,
    holder: UserId,
) -> Result<(), Refused> {
    let Actor::Credential(actor) = actor else {
        return Ok(());
    };
    if after.status == KeyStatus::Revoked {
        return Ok(());
    }
    let revived = !before.works(now) && after.works(now);
    let extended = match (before.expiration, after.expiration) {
        (Some(_), None) => true,
        (Some(old), Some(new)) => new > old,
        (None, _) => false,
    };
    if !revived && !extended {
        return Ok(());
    }
    let field = if before.status != after.status && after.status == KeyStatus::Active {
        "status"
    } else {
        "expiration"
    };
    check(actor, field, rights, holder)
}

/// Admits a new application: `created_by` naming another user, and the
/// groups it is put into (each group's permissions must be the actor's;
/// the application has no credential yet, so no other holder is affected).
pub fn admit_new_application(
    actor: &Actor,
    application: &Application,
    groups: &[PolicyGroup],
) -> Result<(), Refused> {
    let Actor::Credential(actor) = actor else {
        return Ok(());
    };
    check_created_by(actor, application.created_by, Subject::Applications)?;
    for (index, group) in groups.iter().enumerate() {
        admit_membership(
            &Actor::Credential(actor.clone()),
            &format!("group_ids[{index}]"),
            group,
            [],
        )?;
    }
    Ok(())
}

/// Admits putting members into `group`: `groups:manage`, and the group's
/// permissions passable to the actor's own user and to every `holder`
/// affected — the user put in, or the owners of an application's
/// credentials that follow its groups (its unscoped keys).
pub fn admit_membership(
    actor: &Actor,
    field: &str,
    group: &PolicyGroup,
    holders: impl IntoIterator<Item = UserId>,
) -> Result<(), Refused> {
    let Actor::Credential(actor) = actor else {
        return Ok(());
    };
    require(actor, field, set(&[Permission::GroupsManage]))?;
    check(actor, field, group.permissions, actor.user_id)?;
    for holder in holders {
        check(actor, field, group.permissions, holder)?;
    }
    Ok(())
}

/// Admits a user's new group list (on create or update): any change needs
/// `groups:manage`; each group added is a membership of that user
/// ([`admit_membership`]). `added` pairs each new group with its index in
/// the request's `group_ids`.
pub fn admit_user_groups<'a>(
    actor: &Actor,
    user: UserId,
    changed: bool,
    added: impl IntoIterator<Item = (usize, &'a PolicyGroup)>,
) -> Result<(), Refused> {
    let Actor::Credential(principal) = actor else {
        return Ok(());
    };
    if changed {
        require(principal, "group_ids", set(&[Permission::GroupsManage]))?;
    }
    for (index, group) in added {
        admit_membership(actor, &format!("group_ids[{index}]"), group, [user])?;
    }
    Ok(())
}

/// Admits a group's new permission set (on create, `before` is empty): the
/// permissions added must be passable to the actor's own user and to every
/// `holder` the group reaches (its users, and the owners of its
/// applications' unscoped keys).
pub fn admit_group_permissions(
    actor: &Actor,
    before: PermissionSet,
    after: PermissionSet,
    holders: impl IntoIterator<Item = UserId>,
) -> Result<(), Refused> {
    let Actor::Credential(actor) = actor else {
        return Ok(());
    };
    let added = after.implied().difference(before.implied());
    if added.is_empty() {
        return Ok(());
    }
    check(actor, "permissions", added, actor.user_id)?;
    for holder in holders {
        check(actor, "permissions", added, holder)?;
    }
    Ok(())
}

/// Admits handing out a password link for `user`, whose groups grant
/// `user_rights`: the link lets its holder act as that user (the console
/// session it opens has the user's rights), so those rights must be
/// passable to that user, as for a new unscoped credential of theirs. A
/// link for one's own user needs those rights too: a narrowly scoped key
/// with `users:manage` cannot open a session with its user's full rights.
/// The refusal names `id` (the user in the path).
pub fn admit_password_link(
    actor: &Actor,
    user: UserId,
    user_rights: PermissionSet,
) -> Result<(), Refused> {
    let Actor::Credential(actor) = actor else {
        return Ok(());
    };
    check(actor, "id", user_rights, user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorize::Credential;
    use crate::id::{AccessKeyId, AccountId, ApplicationId, PolicyGroupId};
    use crate::status::ApplicationStatus;
    use proptest::prelude::*;

    fn perms(texts: &[&str]) -> PermissionSet {
        texts
            .iter()
            .map(|t| t.parse::<Permission>().unwrap())
            .collect()
    }

    const ME: UserId = UserId::from_u128(3);
    const OTHER: UserId = UserId::from_u128(9);

    fn actor(permissions: PermissionSet) -> Principal {
        Principal {
            account_id: AccountId::from_u128(1),
            operator: false,
            application_id: Some(ApplicationId::from_u128(2)),
            user_id: ME,
            credential: Credential::AccessKey(AccessKeyId::from_u128(4)),
            permissions: effective_permissions([permissions], PermissionSet::EMPTY, false),
        }
    }

    fn app(created_by: UserId) -> Application {
        let now = Timestamp::from_second(1_000).unwrap();
        Application {
            id: ApplicationId::from_u128(7),
            account_id: AccountId::from_u128(1),
            name: "app".into(),
            description: String::new(),
            group_ids: Vec::new(),
            status: ApplicationStatus::Active,
            created_by,
            created_at: now,
            updated_at: now,
        }
    }

    fn group(permissions: PermissionSet) -> PolicyGroup {
        let now = Timestamp::from_second(1_000).unwrap();
        PolicyGroup {
            id: PolicyGroupId::from_u128(11),
            account_id: AccountId::from_u128(1),
            name: "g".into(),
            description: String::new(),
            permissions,
            built_in: false,
            created_at: now,
            updated_at: now,
        }
    }

    fn key_on(
        who: &Principal,
        app_rights: PermissionSet,
        scopes: PermissionSet,
        holder: UserId,
    ) -> Result<PermissionSet, Refused> {
        let application = app(ME);
        admit_new_key(
            &Actor::Credential(who.clone()),
            KeyTarget {
                application: &application,
                application_permissions: app_rights,
                operator: false,
            },
            KeyRequest {
                scopes,
                holder,
                holder_permissions: PermissionSet::tenant_all(),
            },
        )
    }

    #[test]
    fn a_scoped_key_cannot_mint_a_key_with_its_applications_full_rights() {
        // The first hole of wave 1: `keys:create:own` on an Administrators app.
        let weak = actor(perms(&["keys:create:own"]));
        let refused =
            key_on(&weak, PermissionSet::tenant_all(), PermissionSet::EMPTY, ME).unwrap_err();
        assert_eq!(refused.field(), "scopes");
        assert!(refused.lacking().contains("users:manage".parse().unwrap()));
        assert!(
            !refused
                .lacking()
                .contains("keys:create:own".parse().unwrap())
        );
    }

    #[test]
    fn an_unscoped_request_is_pinned_to_the_applications_rights_unless_the_actor_holds_everything()
    {
        let app_rights = perms(&["applications:view:own"]);
        let middling = actor(perms(&["keys:create:own", "applications:view:any"]));
        assert_eq!(
            key_on(&middling, app_rights, PermissionSet::EMPTY, ME),
            Ok(app_rights)
        );
        let admin = actor(PermissionSet::tenant_all());
        assert_eq!(
            key_on(&admin, app_rights, PermissionSet::EMPTY, ME),
            Ok(PermissionSet::EMPTY)
        );
        // Nothing to pin: refused rather than unscoped.
        assert!(matches!(
            key_on(&middling, PermissionSet::EMPTY, PermissionSet::EMPTY, ME),
            Err(Refused::UnscopedNeedsEveryPermission { .. })
        ));
    }

    #[test]
    fn created_by_another_user_needs_users_manage_and_the_any_create() {
        let own_creator = actor(perms(&["users:manage", "keys:create:own", "keys:view:own"]));
        let refused = key_on(
            &own_creator,
            perms(&["keys:view:own"]),
            perms(&["keys:view:own"]),
            OTHER,
        )
        .unwrap_err();
        assert_eq!(
            refused,
            Refused::Overreach {
                field: "created_by".into(),
                lacking: perms(&["keys:create:any"]),
            }
        );
        // With `keys:create:any`, an `:own` right for another user still
        // needs its `:any` form: that user's `:own` reaches other applications.
        let any_creator = actor(perms(&["users:manage", "keys:create:any", "keys:view:own"]));
        assert_eq!(
            key_on(
                &any_creator,
                perms(&["keys:view:own"]),
                perms(&["keys:view:own"]),
                OTHER
            )
            .unwrap_err(),
            Refused::Overreach {
                field: "scopes".into(),
                lacking: perms(&["keys:view:any"]),
            }
        );
        assert!(
            key_on(
                &any_creator,
                perms(&["keys:view:own"]),
                perms(&["keys:view:own"]),
                ME
            )
            .is_ok()
        );
    }

    #[test]
    fn scopes_must_be_the_owners() {
        let admin = actor(PermissionSet::tenant_all());
        let application = app(ME);
        let refused = admit_new_key(
            &Actor::Credential(admin),
            KeyTarget {
                application: &application,
                application_permissions: PermissionSet::tenant_all(),
                operator: false,
            },
            KeyRequest {
                scopes: perms(&["users:manage"]),
                holder: ME,
                holder_permissions: perms(&["keys:view:any"]),
            },
        );
        assert_eq!(
            refused,
            Err(Refused::ScopesExceedOwner {
                not_held: perms(&["users:manage"])
            })
        );
    }

    #[test]
    fn the_system_is_not_bounded() {
        let application = app(ME);
        assert_eq!(
            admit_new_key(
                &Actor::System,
                KeyTarget {
                    application: &application,
                    application_permissions: PermissionSet::operator_all(),
                    operator: true,
                },
                KeyRequest {
                    scopes: PermissionSet::EMPTY,
                    holder: OTHER,
                    holder_permissions: PermissionSet::EMPTY,
                },
            ),
            Ok(PermissionSet::EMPTY)
        );
    }

    #[test]
    fn reviving_or_extending_a_key_hands_its_rights_out_again() {
        let now = Timestamp::from_second(10_000).unwrap();
        let later = Timestamp::from_second(20_000).unwrap();
        let weak = Actor::Credential(actor(perms(&["keys:edit:any"])));
        let strong = PermissionSet::tenant_all();
        let inactive = KeyLife {
            status: KeyStatus::Inactive,
            expiration: None,
        };
        let active = KeyLife {
            status: KeyStatus::Active,
            expiration: None,
        };
        let refused = admit_key_change(&weak, inactive, active, now, strong, OTHER).unwrap_err();
        assert_eq!(refused.field(), "status");
        // Stopping is always allowed.
        assert_eq!(
            admit_key_change(&weak, active, inactive, now, strong, OTHER),
            Ok(())
        );
        let expiring = KeyLife {
            status: KeyStatus::Active,
            expiration: Some(later),
        };
        assert_eq!(
            admit_key_change(&weak, expiring, active, now, strong, OTHER)
                .unwrap_err()
                .field(),
            "expiration"
        );
        // A key within the actor's rights may be revived.
        let edit = perms(&["keys:edit:any"]);
        assert_eq!(
            admit_key_change(&weak, inactive, active, now, edit, OTHER),
            Ok(())
        );
    }

    #[test]
    fn membership_needs_groups_manage_and_the_groups_rights() {
        let admins = group(PermissionSet::tenant_all());
        let users_manager = Actor::Credential(actor(perms(&["users:manage"])));
        let refused =
            admit_membership(&users_manager, "group_ids[0]", &admins, [OTHER]).unwrap_err();
        assert!(refused.lacking().contains(Permission::GroupsManage));
        let manager = Actor::Credential(actor(perms(&["groups:manage", "keys:view:own"])));
        let viewers = group(perms(&["keys:view:own"]));
        assert_eq!(admit_membership(&manager, "ids", &viewers, [ME]), Ok(()));
        assert_eq!(
            admit_membership(&manager, "ids", &viewers, [OTHER]),
            Err(Refused::Overreach {
                field: "ids".into(),
                lacking: perms(&["keys:view:any"])
            })
        );
    }

    #[test]
    fn group_permissions_added_must_be_passable() {
        let manager = Actor::Credential(actor(perms(&["groups:manage", "keys:view:any"])));
        let before = perms(&["users:manage"]);
        // Keeping a permission one does not hold is not a grant.
        assert_eq!(
            admit_group_permissions(
                &manager,
                before,
                before.with("keys:view:any".parse().unwrap()),
                [OTHER]
            ),
            Ok(())
        );
        assert_eq!(
            admit_group_permissions(&manager, PermissionSet::EMPTY, perms(&["account:edit"]), []),
            Err(Refused::Overreach {
                field: "permissions".into(),
                lacking: perms(&["account:edit"])
            })
        );
    }

    #[test]
    fn user_group_changes_need_groups_manage() {
        let users_manager = Actor::Credential(actor(perms(&["users:manage"])));
        let admins = group(PermissionSet::tenant_all());
        assert!(admit_user_groups(&users_manager, OTHER, true, [(0, &admins)]).is_err());
        assert!(admit_user_groups(&users_manager, OTHER, true, []).is_err());
        assert_eq!(admit_user_groups(&users_manager, OTHER, false, []), Ok(()));
    }

    #[test]
    fn a_new_application_with_groups_needs_their_rights() {
        let creator = Actor::Credential(actor(perms(&["applications:create:own"])));
        let admins = group(PermissionSet::tenant_all());
        let refused = admit_new_application(&creator, &app(ME), &[admins]).unwrap_err();
        assert_eq!(refused.field(), "group_ids[0]");
        assert_eq!(admit_new_application(&creator, &app(ME), &[]), Ok(()));
        assert_eq!(
            admit_new_application(&creator, &app(OTHER), &[])
                .unwrap_err()
                .field(),
            "created_by"
        );
    }

    #[test]
    fn a_password_link_needs_the_users_rights() {
        let admin_rights = PermissionSet::tenant_all();
        // A user manager cannot hand itself an administrator's rights.
        let manager = Actor::Credential(actor(perms(&["users:manage", "keys:view:any"])));
        let refused = admit_password_link(&manager, OTHER, admin_rights).unwrap_err();
        assert_eq!(refused.field(), "id");
        assert!(refused.lacking().contains(Permission::GroupsManage));
        // An `:own` right of another user needs its `:any` form.
        assert_eq!(
            admit_password_link(&manager, OTHER, perms(&["keys:view:own"])),
            Ok(())
        );
        assert_eq!(
            admit_password_link(
                &Actor::Credential(actor(perms(&["users:manage", "keys:view:own"]))),
                OTHER,
                perms(&["keys:view:own"])
            ),
            Err(Refused::Overreach {
                field: "id".into(),
                lacking: perms(&["keys:view:any"])
            })
        );
        // A scoped key of the user itself cannot widen to the user's rights.
        assert!(admit_password_link(&manager, ME, admin_rights).is_err());
        let admin = Actor::Credential(actor(admin_rights));
        assert_eq!(admit_password_link(&admin, OTHER, admin_rights), Ok(()));
        assert_eq!(
            admit_password_link(&Actor::System, OTHER, admin_rights),
            Ok(())
        );
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
        fn passable_rights_are_exactly_what_check_admits(
            held in any_set(), rights in any_set(), other in any::<bool>()
        ) {
            let who = actor(held);
            let holder = if other { OTHER } else { ME };
            let admitted = check(&who, "f", rights, holder).is_ok();
            prop_assert_eq!(admitted, rights.is_granted_by(passable(&who, holder)));
            if admitted {
                prop_assert!(rights.is_granted_by(who.permissions));
            }
        }

        #[test]
        fn an_admitted_key_never_exceeds_its_creator(
            held in any_set(), app_rights in any_set(), scopes in any_set(), other in any::<bool>()
        ) {
            let who = actor(held);
            let holder = if other { OTHER } else { ME };
            if let Ok(stored) = key_on(&who, app_rights, scopes, holder) {
                // Whatever groups the application is given later, the key's
                // rights stay within what its creator could pass on, unless
                // the creator could pass on everything (an unscoped key).
                if !stored.is_empty() {
                    let later = effective_permissions(
                        [PermissionSet::tenant_all()], stored, false);
                    prop_assert!(later.is_granted_by(passable(&who, holder)));
                } else {
                    prop_assert!(PermissionSet::tenant_all().is_granted_by(passable(&who, holder)));
                }
            }
        }
    }
}
