//! Users.

use jiff::Timestamp;
use latchkey_core::id::{AccountId, PolicyGroupId, UserId, UserKind};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::permission::PermissionSet;
use latchkey_core::resource::{PolicyGroup, User, UserUpdate};
use latchkey_core::status::UserStatus;
use redb::WriteTransaction;

use super::RedbStore;
use super::tables::{GROUP_USERS, GROUPS, USER_EMAILS, USERS, USERS_BY_ACCOUNT};
use super::tx::{Read, Write};
use super::{audit, groups};
use crate::rules;
use crate::{StoreError, StoreResult};
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};

/// Emails are unique regardless of case.
fn email_key(email: &str) -> String {
    email.to_lowercase()
}

/// A user of the account, or `NotFound`.
pub(super) fn load(txn: &impl Read, account_id: AccountId, id: UserId) -> StoreResult<User> {
    txn.get::<User>(USERS, id.into())?
        .filter(|user| user.account_id == account_id)
        .ok_or_else(StoreError::not_found::<UserKind>)
}

/// Writes a new (or imported) user with its memberships, and its email
/// claim while it is active.
pub(super) fn insert(txn: &WriteTransaction, user: &User) -> StoreResult<()> {
    groups::load_named(txn, user.account_id, &user.group_ids)?;
    if user.is_active() {
        txn.claim_name(
            USER_EMAILS,
            user.account_id.into(),
            &email_key(&user.email),
            user.id.into(),
            "email",
        )?;
    }
    txn.put(USERS, user.id.into(), user)?;
    txn.link(USERS_BY_ACCOUNT, user.account_id.into(), user.id.into())?;
    for group in &user.group_ids {
        txn.link(GROUP_USERS, (*group).into(), user.id.into())?;
    }
    Ok(())
}

/// Replaces a user's memberships by `wanted`.
pub(super) fn set_groups(
    txn: &WriteTransaction,
    user: &mut User,
    wanted: &[PolicyGroupId],
) -> StoreResult<()> {
    for gone in user.group_ids.iter().filter(|g| !wanted.contains(g)) {
        txn.unlink(GROUP_USERS, (*gone).into(), user.id.into())?;
    }
    for added in wanted.iter().filter(|g| !user.group_ids.contains(g)) {
        txn.link(GROUP_USERS, (*added).into(), user.id.into())?;
    }
    user.group_ids = wanted.to_vec();
    Ok(())
}

impl RedbStore {
    pub(super) fn create_user_now(&self, acting: &Acting, user: &User) -> StoreResult<User> {
        self.write(|txn| {
            super::accounts::load(txn, user.account_id)?;
            let groups = groups::load_named(txn, user.account_id, &user.group_ids)?;
            rules::admit_user_groups(acting.actor(), user.id, &[], &groups)?;
            insert(txn, user)?;
            let action = AuditAction::UserCreate;
            audit::append(
                txn,
                &AuditRecord::of(acting, action, None, Some(user), user.created_at),
            )?;
            Ok(user.clone())
        })
    }

    pub(super) fn get_user_now(&self, account_id: AccountId, id: UserId) -> StoreResult<User> {
        self.read(|txn| load(txn, account_id, id))
    }

    pub(super) fn list_users_now(
        &self,
        account_id: AccountId,
        status: Option<UserStatus>,
        page: &PageRequest<UserId>,
    ) -> StoreResult<Page<User>> {
        let wanted = status.unwrap_or(UserStatus::Active);
        self.read(|txn| {
            txn.page(
                USERS_BY_ACCOUNT,
                account_id.into(),
                USERS,
                page,
                |user: &User| user.status == wanted,
            )
        })
    }

    pub(super) fn update_user_now(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: UserId,
        update: &UserUpdate,
        now: Timestamp,
    ) -> StoreResult<User> {
        self.write(|txn| {
            let mut user = load(txn, account_id, id)?;
            let before = user.clone();
            let old_email = user.email.clone();
            let old_groups = user.group_ids.clone();
            user.apply(update, now)?;
            if email_key(&old_email) != email_key(&user.email) {
                txn.release_name(
                    USER_EMAILS,
                    account_id.into(),
                    &email_key(&old_email),
                    id.into(),
                )?;
                txn.claim_name(
                    USER_EMAILS,
                    account_id.into(),
                    &email_key(&user.email),
                    id.into(),
                    "email",
                )?;
            }
            if let Some(wanted) = &update.group_ids {
                let groups = groups::load_named(txn, account_id, wanted)?;
                rules::admit_user_groups(acting.actor(), id, &old_groups, &groups)?;
                user.group_ids = old_groups;
                set_groups(txn, &mut user, wanted)?;
            }
            txn.put(USERS, id.into(), &user)?;
            let action = AuditAction::UserUpdate;
            audit::append(
                txn,
                &AuditRecord::of(acting, action, Some(&before), Some(&user), now),
            )?;
            Ok(user)
        })
    }

    pub(super) fn delete_user_now(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: UserId,
        now: Timestamp,
    ) -> StoreResult<User> {
        self.write(|txn| {
            let mut user = load(txn, account_id, id)?;
            let before = user.clone();
            if user.is_active() {
                txn.release_name(
                    USER_EMAILS,
                    account_id.into(),
                    &email_key(&user.email),
                    id.into(),
                )?;
            }
            user.delete(now);
            txn.put(USERS, id.into(), &user)?;
            let action = AuditAction::UserDelete;
            audit::append(
                txn,
                &AuditRecord::of(acting, action, Some(&before), Some(&user), now),
            )?;
            Ok(user)
        })
    }

    pub(super) fn user_permissions_now(
        &self,
        account_id: AccountId,
        id: UserId,
    ) -> StoreResult<PermissionSet> {
        self.read(|txn| {
            let user = load(txn, account_id, id)?;
            let mut permissions = PermissionSet::EMPTY;
            for group in &user.group_ids {
                let group: PolicyGroup = txn.get_existing(GROUPS, (*group).into())?;
                permissions = permissions.union(group.permissions);
            }
            Ok(permissions)
        })
    }
}
