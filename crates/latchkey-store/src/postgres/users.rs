//! Users.

use jiff::Timestamp;
use latchkey_core::id::{AccountId, PolicyGroupId, UserId, UserKind};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::permission::PermissionSet;
use latchkey_core::resource::{PolicyGroup, User, UserUpdate};
use latchkey_core::status::UserStatus;

use super::groups;
use super::rows::{Selection, doc, json, missing, uid};
use super::tx::{Tx, TxError};
use crate::StoreError;
use crate::rules;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};

/// Emails are unique regardless of case (decided here, as in the redb store,
/// not by the database's collation).
fn email_key(email: &str) -> String {
    email.to_lowercase()
}

/// A user of the account, or `NotFound`.
pub(super) async fn load(tx: &Tx<'_>, account_id: AccountId, id: UserId) -> Result<User, TxError> {
    let row = tx
        .query_opt(
            "SELECT doc FROM users WHERE id = $1 AND account_id = $2",
            &[&uid(id), &uid(account_id)],
        )
        .await?;
    match row {
        Some(row) => doc(&row),
        None => Err(StoreError::not_found::<UserKind>().into()),
    }
}

/// A user that another record names.
pub(super) async fn load_existing(tx: &Tx<'_>, id: UserId) -> Result<User, TxError> {
    let row = tx
        .query_opt("SELECT doc FROM users WHERE id = $1", &[&uid(id)])
        .await?;
    doc(&row.ok_or_else(|| missing("user"))?)
}

/// Refuses an email that another active user of the account holds.
async fn check_email_free(tx: &Tx<'_>, user: &User) -> Result<(), TxError> {
    let key = email_key(&user.email);
    let taken = tx
        .query_opt(
            "SELECT 1 FROM users WHERE account_id = $1 AND email_key = $2 AND status = 'active' AND id <> $3",
            &[&uid(user.account_id), &key, &uid(user.id)],
        )
        .await?;
    match taken {
        Some(_) => Err(StoreError::Duplicate {
            field: "email",
            value: key,
        }
        .into()),
        None => Ok(()),
    }
}

/// Writes a new (or imported) user with its memberships; an active user's
/// email must be free.
pub(super) async fn insert(tx: &Tx<'_>, user: &User) -> Result<(), TxError> {
    groups::load_named(tx, user.account_id, &user.group_ids).await?;
    if user.is_active() {
        check_email_free(tx, user).await?;
    }
    tx.execute(
        "INSERT INTO users (id, account_id, email_key, status, doc) VALUES ($1, $2, $3, $4, $5)",
        &[
            &uid(user.id),
            &uid(user.account_id),
            &email_key(&user.email),
            &user.status.as_str(),
            &json(user)?,
        ],
    )
    .await?;
    for group in &user.group_ids {
        link(tx, *group, user.id, true).await?;
    }
    Ok(())
}

/// Rewrites a user's row.
pub(super) async fn write(tx: &Tx<'_>, user: &User) -> Result<(), TxError> {
    tx.execute(
        "UPDATE users SET email_key = $2, status = $3, doc = $4 WHERE id = $1",
        &[
            &uid(user.id),
            &email_key(&user.email),
            &user.status.as_str(),
            &json(user)?,
        ],
    )
    .await?;
    Ok(())
}

async fn link(tx: &Tx<'_>, group: PolicyGroupId, user: UserId, join: bool) -> Result<(), TxError> {
    let sql = if join {
        "INSERT INTO group_users (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM group_users WHERE group_id = $1 AND user_id = $2"
    };
    tx.execute(sql, &[&uid(group), &uid(user)]).await?;
    Ok(())
}

/// Replaces a user's memberships by `wanted` (the row is written by the caller).
pub(super) async fn set_groups(
    tx: &Tx<'_>,
    user: &mut User,
    wanted: &[PolicyGroupId],
) -> Result<(), TxError> {
    for gone in user.group_ids.iter().filter(|g| !wanted.contains(g)) {
        link(tx, *gone, user.id, false).await?;
    }
    for added in wanted.iter().filter(|g| !user.group_ids.contains(g)) {
        link(tx, *added, user.id, true).await?;
    }
    user.group_ids = wanted.to_vec();
    Ok(())
}

/// Creates a user in an existing account.
pub(super) async fn create(tx: &Tx<'_>, acting: &Acting, user: &User) -> Result<User, TxError> {
    super::accounts::load(tx, user.account_id).await?;
    let groups = groups::load_named(tx, user.account_id, &user.group_ids).await?;
    rules::admit_user_groups(acting.actor(), user.id, &[], &groups)?;
    insert(tx, user).await?;
    let action = AuditAction::UserCreate;
    let record = AuditRecord::of(acting, action, None, Some(user), user.created_at);
    super::audit::append(tx, &record).await?;
    Ok(user.clone())
}

/// Users of the account with a status (active unless asked).
pub(super) async fn list(
    tx: &Tx<'_>,
    account_id: AccountId,
    status: Option<UserStatus>,
    page: &PageRequest<UserId>,
) -> Result<Page<User>, TxError> {
    let wanted = status.unwrap_or(UserStatus::Active);
    Selection::from("users")
        .and_param("account_id = {}", uid(account_id))
        .and_param("status = {}", wanted.as_str())
        .page(tx, page)
        .await
}

/// Changes a user.
pub(super) async fn update(
    tx: &Tx<'_>,
    acting: &Acting,
    account_id: AccountId,
    id: UserId,
    update: &UserUpdate,
    now: Timestamp,
) -> Result<User, TxError> {
    let mut user = load(tx, account_id, id).await?;
    let before = user.clone();
    let old_email = user.email.clone();
    let old_groups = user.group_ids.clone();
    user.apply(update, now)?;
    if email_key(&old_email) != email_key(&user.email) {
        check_email_free(tx, &user).await?;
    }
    if let Some(wanted) = &update.group_ids {
        let groups = groups::load_named(tx, account_id, wanted).await?;
        rules::admit_user_groups(acting.actor(), id, &old_groups, &groups)?;
        user.group_ids = old_groups;
        set_groups(tx, &mut user, wanted).await?;
    }
    write(tx, &user).await?;
    let action = AuditAction::UserUpdate;
    let record = AuditRecord::of(acting, action, Some(&before), Some(&user), now);
    super::audit::append(tx, &record).await?;
    Ok(user)
}

/// Marks a user deleted (its email is free again).
pub(super) async fn delete(
    tx: &Tx<'_>,
    acting: &Acting,
    account_id: AccountId,
    id: UserId,
    now: Timestamp,
) -> Result<User, TxError> {
    let mut user = load(tx, account_id, id).await?;
    let before = user.clone();
    user.delete(now);
    write(tx, &user).await?;
    let action = AuditAction::UserDelete;
    let record = AuditRecord::of(acting, action, Some(&before), Some(&user), now);
    super::audit::append(tx, &record).await?;
    Ok(user)
}

/// The union of the permissions of a user's groups.
pub(super) async fn permissions(
    tx: &Tx<'_>,
    account_id: AccountId,
    id: UserId,
) -> Result<PermissionSet, TxError> {
    let user = load(tx, account_id, id).await?;
    let mut permissions = PermissionSet::EMPTY;
    for group in group_docs(tx, &user.group_ids).await? {
        permissions = permissions.union(group.permissions);
    }
    Ok(permissions)
}

/// The groups named by ids, each of which must exist.
pub(super) async fn group_docs(
    tx: &Tx<'_>,
    ids: &[PolicyGroupId],
) -> Result<Vec<PolicyGroup>, TxError> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let row = tx
            .query_opt("SELECT doc FROM policy_groups WHERE id = $1", &[&uid(*id)])
            .await?;
        found.push(doc(&row.ok_or_else(|| missing("policy group"))?)?);
    }
    Ok(found)
}
