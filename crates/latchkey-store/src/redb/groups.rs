//! Policy groups and their membership.

use jiff::Timestamp;
use latchkey_core::id::{AccountId, ApplicationId, PolicyGroupId, PolicyGroupKind, UserId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Application, PolicyGroup, PolicyGroupUpdate, User};
use latchkey_core::status::{ApplicationStatus, UserStatus};
use latchkey_core::validation::ValidationErrors;
use redb::{ReadableTable, WriteTransaction};

use super::tables::{
    APPLICATIONS, GROUP_APPLICATIONS, GROUP_NAMES, GROUP_USERS, GROUPS, GROUPS_BY_ACCOUNT, USERS,
};
use super::tx::{Read, Write};
use super::{RedbStore, applications, audit, keys, users};
use crate::{Members, StoreError, StoreResult};
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};
use latchkey_core::delegation::{self, Actor};
use latchkey_core::permission::PermissionSet;

/// A group of the account, or `NotFound`.
pub(super) fn load(
    txn: &impl Read,
    account_id: AccountId,
    id: PolicyGroupId,
) -> StoreResult<PolicyGroup> {
    txn.get::<PolicyGroup>(GROUPS, id.into())?
        .filter(|group| group.account_id == account_id)
        .ok_or_else(StoreError::not_found::<PolicyGroupKind>)
}

/// The groups every id names, in order; each id that names no group of the
/// account is a `group_ids[i]` error.
pub(super) fn load_named(
    txn: &impl Read,
    account_id: AccountId,
    ids: &[PolicyGroupId],
) -> StoreResult<Vec<PolicyGroup>> {
    let mut errors = ValidationErrors::new();
    let mut found = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        match load(txn, account_id, *id) {
            Ok(group) => found.push(group),
            Err(_) => errors.add(
                format!("group_ids[{index}]"),
                "no such policy group in this account",
            ),
        }
    }
    Ok(errors.finish(found)?)
}

/// The groups a stored record names (they exist: memberships are removed
/// with their group).
pub(super) fn load_all(txn: &impl Read, ids: &[PolicyGroupId]) -> StoreResult<Vec<PolicyGroup>> {
    ids.iter()
        .map(|id| txn.get_existing(GROUPS, (*id).into()))
        .collect()
}

/// The holders a group's rights reach: its active users, and the owners of
/// its applications' unscoped keys.
fn holders(txn: &impl Read, group: PolicyGroupId) -> StoreResult<Vec<UserId>> {
    let mut holders = Vec::new();
    for user_id in txn.children(GROUP_USERS, group.into())? {
        let user: User = txn.get_existing(USERS, user_id)?;
        if user.is_active() {
            holders.push(user.id);
        }
    }
    for app_id in txn.children(GROUP_APPLICATIONS, group.into())? {
        holders.extend(keys::unscoped_holders(
            txn,
            ApplicationId::from_u128(app_id),
        )?);
    }
    holders.sort();
    holders.dedup();
    Ok(holders)
}

/// Gives every built-in group (`Administrators`) a permission that did not
/// exist when it was written: they hold every permission.
pub(super) fn grant_built_in(
    txn: &WriteTransaction,
    permission: latchkey_core::permission::Permission,
) -> StoreResult<()> {
    let mut changed = Vec::new();
    for entry in txn.open_table(GROUPS)?.iter()? {
        let (id, bytes) = entry?;
        let mut group: PolicyGroup = serde_json::from_slice(bytes.value())
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        if group.built_in && !group.permissions.contains(permission) {
            group.permissions.insert(permission);
            changed.push((id.value(), group));
        }
    }
    for (id, group) in changed {
        txn.put(GROUPS, id, &group)?;
    }
    Ok(())
}

/// Writes a new group with its name claim.
pub(super) fn insert(txn: &WriteTransaction, group: &PolicyGroup) -> StoreResult<()> {
    txn.claim_name(
        GROUP_NAMES,
        group.account_id.into(),
        &group.name,
        group.id.into(),
        "name",
    )?;
    txn.put(GROUPS, group.id.into(), group)?;
    txn.link(GROUPS_BY_ACCOUNT, group.account_id.into(), group.id.into())
}

/// Loads every member named in `members`, naming the ids that are not in the account.
enum Loaded {
    Applications(Vec<Application>),
    Users(Vec<User>),
}

fn load_members(
    txn: &WriteTransaction,
    account_id: AccountId,
    members: &Members,
) -> StoreResult<Loaded> {
    let mut errors = ValidationErrors::new();
    let loaded = match members {
        Members::Applications(ids) => {
            errors.check_unique("ids", ids);
            let mut found = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                match applications::load_in_account(txn, account_id, *id) {
                    Ok(app) => found.push(app),
                    Err(_) => errors.add(
                        format!("ids[{index}]"),
                        "no such application in this account",
                    ),
                }
            }
            Loaded::Applications(found)
        }
        Members::Users(ids) => {
            errors.check_unique("ids", ids);
            let mut found = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                match users::load(txn, account_id, *id) {
                    Ok(user) => found.push(user),
                    Err(_) => errors.add(format!("ids[{index}]"), "no such user in this account"),
                }
            }
            Loaded::Users(found)
        }
    };
    errors.finish(loaded).map_err(Into::into)
}

/// Joining (admitted by the delegation rule) or leaving a group.
enum Change<'a> {
    Join(&'a Actor),
    Leave,
}

fn change_membership(
    txn: &WriteTransaction,
    acting: &Acting,
    account_id: AccountId,
    group: PolicyGroupId,
    members: &Members,
    change: Change<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let loaded_group = load(txn, account_id, group)?;
    let join = matches!(change, Change::Join(_));
    let edit = |group_ids: &mut Vec<PolicyGroupId>| -> bool {
        let member = group_ids.contains(&group);
        match (join, member) {
            (true, false) => group_ids.push(group),
            (false, true) => group_ids.retain(|g| *g != group),
            _ => return false,
        }
        true
    };
    let mut moved = Vec::new();
    let field = match members {
        Members::Applications(_) => "application_ids",
        Members::Users(_) => "user_ids",
    };
    match load_members(txn, account_id, members)? {
        Loaded::Applications(apps) => {
            for mut app in apps {
                if edit(&mut app.group_ids) {
                    if let Change::Join(actor) = change {
                        let holders = keys::unscoped_holders(txn, app.id)?;
                        delegation::admit_membership(actor, "ids", &loaded_group, holders)?;
                    }
                    app.updated_at = now;
                    txn.put(APPLICATIONS, app.id.into(), &app)?;
                    if join {
                        txn.link(GROUP_APPLICATIONS, group.into(), app.id.into())?;
                    } else {
                        txn.unlink(GROUP_APPLICATIONS, group.into(), app.id.into())?;
                    }
                    moved.push(app.id.to_string());
                }
            }
        }
        Loaded::Users(found) => {
            for user in found {
                if user.status == UserStatus::Deleted {
                    continue;
                }
                let mut user = user;
                let mut wanted = user.group_ids.clone();
                if edit(&mut wanted) {
                    if let Change::Join(actor) = change {
                        delegation::admit_membership(actor, "ids", &loaded_group, [user.id])?;
                    }
                    users::set_groups(txn, &mut user, &wanted)?;
                    user.updated_at = now;
                    txn.put(USERS, user.id.into(), &user)?;
                    moved.push(user.id.to_string());
                }
            }
        }
    }
    let record = crate::audit::membership(acting, account_id, group, join, field, moved, now);
    audit::append_all(txn, record)
}

impl RedbStore {
    pub(super) fn create_group_now(
        &self,
        acting: &Acting,
        group: &PolicyGroup,
    ) -> StoreResult<PolicyGroup> {
        self.write(|txn| {
            super::accounts::load(txn, group.account_id)?;
            delegation::admit_group_permissions(
                acting.actor(),
                PermissionSet::EMPTY,
                group.permissions,
                [],
            )?;
            insert(txn, group)?;
            let action = AuditAction::GroupCreate;
            let at = group.created_at;
            audit::append(txn, &AuditRecord::of(acting, action, None, Some(group), at))?;
            Ok(group.clone())
        })
    }

    pub(super) fn get_group_now(
        &self,
        account_id: AccountId,
        id: PolicyGroupId,
    ) -> StoreResult<PolicyGroup> {
        self.read(|txn| load(txn, account_id, id))
    }

    pub(super) fn list_groups_now(
        &self,
        account_id: AccountId,
        page: &PageRequest<PolicyGroupId>,
    ) -> StoreResult<Page<PolicyGroup>> {
        self.read(|txn| {
            txn.page(
                GROUPS_BY_ACCOUNT,
                account_id.into(),
                GROUPS,
                page,
                |_: &PolicyGroup| true,
            )
        })
    }

    pub(super) fn update_group_now(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: PolicyGroupId,
        update: &PolicyGroupUpdate,
        operator: bool,
        now: Timestamp,
    ) -> StoreResult<PolicyGroup> {
        self.write(|txn| {
            let mut group = load(txn, account_id, id)?;
            let before = group.clone();
            let old_name = group.name.clone();
            let old_permissions = group.permissions;
            group.apply(update, operator, now)?;
            delegation::admit_group_permissions(
                acting.actor(),
                old_permissions,
                group.permissions,
                holders(txn, id)?,
            )?;
            if group.name != old_name {
                txn.release_name(GROUP_NAMES, account_id.into(), &old_name, id.into())?;
                txn.claim_name(
                    GROUP_NAMES,
                    account_id.into(),
                    &group.name,
                    id.into(),
                    "name",
                )?;
            }
            txn.put(GROUPS, id.into(), &group)?;
            let action = AuditAction::GroupUpdate;
            audit::append(
                txn,
                &AuditRecord::of(acting, action, Some(&before), Some(&group), now),
            )?;
            Ok(group)
        })
    }

    pub(super) fn delete_group_now(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: PolicyGroupId,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let group = load(txn, account_id, id)?;
            group.check_deletable()?;
            let action = AuditAction::GroupDelete;
            let now = Timestamp::now();
            audit::append(
                txn,
                &AuditRecord::of(acting, action, Some(&group), None, now),
            )?;
            for app_id in txn.children(GROUP_APPLICATIONS, id.into())? {
                let mut app: Application = txn.get_existing(APPLICATIONS, app_id)?;
                app.group_ids.retain(|g| *g != id);
                txn.put(APPLICATIONS, app_id, &app)?;
                txn.unlink(GROUP_APPLICATIONS, id.into(), app_id)?;
            }
            for user_id in txn.children(GROUP_USERS, id.into())? {
                let mut user: User = txn.get_existing(USERS, user_id)?;
                user.group_ids.retain(|g| *g != id);
                txn.put(USERS, user_id, &user)?;
                txn.unlink(GROUP_USERS, id.into(), user_id)?;
            }
            txn.release_name(GROUP_NAMES, account_id.into(), &group.name, id.into())?;
            txn.remove(GROUPS, id.into())?;
            txn.unlink(GROUPS_BY_ACCOUNT, account_id.into(), id.into())
        })
    }

    pub(super) fn join_now(
        &self,
        acting: &Acting,
        account_id: AccountId,
        group: PolicyGroupId,
        members: &Members,
        now: Timestamp,
    ) -> StoreResult<()> {
        let join = Change::Join(acting.actor());
        self.write(|txn| change_membership(txn, acting, account_id, group, members, join, now))
    }

    pub(super) fn leave_now(
        &self,
        acting: &Acting,
        account_id: AccountId,
        group: PolicyGroupId,
        members: &Members,
        now: Timestamp,
    ) -> StoreResult<()> {
        let leave = Change::Leave;
        self.write(|txn| change_membership(txn, acting, account_id, group, members, leave, now))
    }

    pub(super) fn list_group_applications_now(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: &PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>> {
        self.read(|txn| {
            load(txn, account_id, group)?;
            txn.page(
                GROUP_APPLICATIONS,
                group.into(),
                APPLICATIONS,
                page,
                |app: &Application| app.status == ApplicationStatus::Active,
            )
        })
    }

    pub(super) fn list_group_users_now(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: &PageRequest<UserId>,
    ) -> StoreResult<Page<User>> {
        self.read(|txn| {
            load(txn, account_id, group)?;
            txn.page(GROUP_USERS, group.into(), USERS, page, |user: &User| {
                user.is_active()
            })
        })
    }
}
