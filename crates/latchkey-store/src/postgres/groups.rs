//! Policy groups and their membership.

use jiff::Timestamp;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};
use latchkey_core::id::{AccountId, ApplicationId, PolicyGroupId, PolicyGroupKind, UserId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Application, PolicyGroup, PolicyGroupUpdate, User};
use latchkey_core::status::{ApplicationStatus, UserStatus};
use latchkey_core::validation::ValidationErrors;
use uuid::Uuid;

use super::rows::{Selection, doc, json, uid, uids};
use super::tx::{Tx, TxError};
use super::{applications, keys, users};
use crate::{Members, StoreError};
use latchkey_core::delegation::{self, Actor};
use latchkey_core::permission::PermissionSet;

/// A group of the account, or `NotFound`.
pub(super) async fn load(
    tx: &Tx<'_>,
    account_id: AccountId,
    id: PolicyGroupId,
) -> Result<PolicyGroup, TxError> {
    let row = tx
        .query_opt(
            "SELECT doc FROM policy_groups WHERE id = $1 AND account_id = $2",
            &[&uid(id), &uid(account_id)],
        )
        .await?;
    match row {
        Some(row) => doc(&row),
        None => Err(StoreError::not_found::<PolicyGroupKind>().into()),
    }
}

/// The groups every id names, in order; each id that names no group of the
/// account is a `group_ids[i]` error.
pub(super) async fn load_named(
    tx: &Tx<'_>,
    account_id: AccountId,
    ids: &[PolicyGroupId],
) -> Result<Vec<PolicyGroup>, TxError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<PolicyGroup> = tx
        .query(
            "SELECT doc FROM policy_groups WHERE account_id = $1 AND id = ANY($2)",
            &[&uid(account_id), &uids(ids)],
        )
        .await?
        .iter()
        .map(doc)
        .collect::<Result<_, _>>()?;
    let mut errors = ValidationErrors::new();
    let mut named = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        match found.iter().find(|group| group.id == *id) {
            Some(group) => named.push(group.clone()),
            None => errors.add(
                format!("group_ids[{index}]"),
                "no such policy group in this account",
            ),
        }
    }
    Ok(errors.finish(named)?)
}

/// The holders a group's rights reach: its active users, and the owners of
/// its applications' unscoped keys.
async fn holders(tx: &Tx<'_>, group: PolicyGroupId) -> Result<Vec<UserId>, TxError> {
    let mut holders: Vec<UserId> = Vec::new();
    let members: Vec<User> = Selection::from("users")
        .and_param(
            "id IN (SELECT user_id FROM group_users WHERE group_id = {})",
            uid(group),
        )
        .all(tx)
        .await?;
    holders.extend(members.iter().filter(|u| u.is_active()).map(|u| u.id));
    let apps: Vec<Uuid> = tx
        .query(
            "SELECT application_id FROM group_applications WHERE group_id = $1",
            &[&uid(group)],
        )
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for app in apps {
        holders.extend(keys::unscoped_holders(tx, ApplicationId::from_u128(app.as_u128())).await?);
    }
    holders.sort();
    holders.dedup();
    Ok(holders)
}

/// Refuses a name another group of the account holds.
async fn check_name_free(tx: &Tx<'_>, group: &PolicyGroup) -> Result<(), TxError> {
    let taken = tx
        .query_opt(
            "SELECT 1 FROM policy_groups WHERE account_id = $1 AND name = $2 AND id <> $3",
            &[&uid(group.account_id), &group.name, &uid(group.id)],
        )
        .await?;
    match taken {
        Some(_) => Err(StoreError::Duplicate {
            field: "name",
            value: group.name.clone(),
        }
        .into()),
        None => Ok(()),
    }
}

/// Writes a new group.
pub(super) async fn insert(tx: &Tx<'_>, group: &PolicyGroup) -> Result<(), TxError> {
    check_name_free(tx, group).await?;
    tx.execute(
        "INSERT INTO policy_groups (id, account_id, name, doc) VALUES ($1, $2, $3, $4)",
        &[
            &uid(group.id),
            &uid(group.account_id),
            &group.name,
            &json(group)?,
        ],
    )
    .await?;
    Ok(())
}

/// Creates a group in an existing account.
pub(super) async fn create(
    tx: &Tx<'_>,
    acting: &Acting,
    group: &PolicyGroup,
) -> Result<PolicyGroup, TxError> {
    super::accounts::load(tx, group.account_id).await?;
    let actor = acting.actor();
    delegation::admit_group_permissions(actor, PermissionSet::EMPTY, group.permissions, [])?;
    insert(tx, group).await?;
    let action = AuditAction::GroupCreate;
    let record = AuditRecord::of(acting, action, None, Some(group), group.created_at);
    super::audit::append(tx, &record).await?;
    Ok(group.clone())
}

/// Groups of the account.
pub(super) async fn list(
    tx: &Tx<'_>,
    account_id: AccountId,
    page: &PageRequest<PolicyGroupId>,
) -> Result<Page<PolicyGroup>, TxError> {
    Selection::from("policy_groups")
        .and_param("account_id = {}", uid(account_id))
        .page(tx, page)
        .await
}

/// Changes a group.
pub(super) async fn update(
    tx: &Tx<'_>,
    acting: &Acting,
    account_id: AccountId,
    id: PolicyGroupId,
    update: &PolicyGroupUpdate,
    operator: bool,
    now: Timestamp,
) -> Result<PolicyGroup, TxError> {
    let mut group = load(tx, account_id, id).await?;
    let before = group.clone();
    let old_name = group.name.clone();
    let old_permissions = group.permissions;
    group.apply(update, operator, now)?;
    delegation::admit_group_permissions(
        acting.actor(),
        old_permissions,
        group.permissions,
        holders(tx, id).await?,
    )?;
    if group.name != old_name {
        check_name_free(tx, &group).await?;
    }
    tx.execute(
        "UPDATE policy_groups SET name = $2, doc = $3 WHERE id = $1",
        &[&uid(id), &group.name, &json(&group)?],
    )
    .await?;
    let action = AuditAction::GroupUpdate;
    let record = AuditRecord::of(acting, action, Some(&before), Some(&group), now);
    super::audit::append(tx, &record).await?;
    Ok(group)
}

/// Deletes a group and every membership in it.
pub(super) async fn delete(
    tx: &Tx<'_>,
    acting: &Acting,
    account_id: AccountId,
    id: PolicyGroupId,
) -> Result<(), TxError> {
    let group = load(tx, account_id, id).await?;
    group.check_deletable()?;
    let action = AuditAction::GroupDelete;
    let record = AuditRecord::of(acting, action, Some(&group), None, Timestamp::now());
    super::audit::append(tx, &record).await?;
    let apps: Vec<Application> = Selection::from("applications")
        .and_param(
            "id IN (SELECT application_id FROM group_applications WHERE group_id = {})",
            uid(id),
        )
        .all(tx)
        .await?;
    for mut app in apps {
        app.group_ids.retain(|g| *g != id);
        applications::write_doc(tx, &app).await?;
    }
    let members: Vec<User> = Selection::from("users")
        .and_param(
            "id IN (SELECT user_id FROM group_users WHERE group_id = {})",
            uid(id),
        )
        .all(tx)
        .await?;
    for mut user in members {
        user.group_ids.retain(|g| *g != id);
        users::write(tx, &user).await?;
    }
    tx.execute(
        "DELETE FROM group_applications WHERE group_id = $1",
        &[&uid(id)],
    )
    .await?;
    tx.execute("DELETE FROM group_users WHERE group_id = $1", &[&uid(id)])
        .await?;
    tx.execute("DELETE FROM policy_groups WHERE id = $1", &[&uid(id)])
        .await?;
    Ok(())
}

/// The members named, loaded; ids not in the account are named in the error.
enum Loaded {
    Applications(Vec<Application>),
    Users(Vec<User>),
}

async fn load_members(
    tx: &Tx<'_>,
    account_id: AccountId,
    members: &Members,
) -> Result<Loaded, TxError> {
    let mut errors = ValidationErrors::new();
    let loaded = match members {
        Members::Applications(ids) => {
            errors.check_unique("ids", ids);
            let mut found = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                match applications::load_in_account(tx, account_id, *id).await {
                    Ok(app) => found.push(app),
                    Err(TxError::Store(_)) => errors.add(
                        format!("ids[{index}]"),
                        "no such application in this account",
                    ),
                    Err(error) => return Err(error),
                }
            }
            Loaded::Applications(found)
        }
        Members::Users(ids) => {
            errors.check_unique("ids", ids);
            let mut found = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                match users::load(tx, account_id, *id).await {
                    Ok(user) => found.push(user),
                    Err(TxError::Store(_)) => {
                        errors.add(format!("ids[{index}]"), "no such user in this account")
                    }
                    Err(error) => return Err(error),
                }
            }
            Loaded::Users(found)
        }
    };
    Ok(errors.finish(loaded)?)
}

/// Adds members (`join`, admitted by the delegation rule) or removes them,
/// all or nothing, recording the members that moved.
pub(super) async fn change_membership(
    tx: &Tx<'_>,
    acting: &Acting,
    account_id: AccountId,
    group: PolicyGroupId,
    members: &Members,
    join: bool,
    now: Timestamp,
) -> Result<(), TxError> {
    let joining: Option<&Actor> = join.then(|| acting.actor());
    let mut moved = Vec::new();
    let field = match members {
        Members::Applications(_) => "application_ids",
        Members::Users(_) => "user_ids",
    };
    let loaded_group = load(tx, account_id, group).await?;
    let edit = |group_ids: &mut Vec<PolicyGroupId>| -> bool {
        let member = group_ids.contains(&group);
        match (join, member) {
            (true, false) => group_ids.push(group),
            (false, true) => group_ids.retain(|g| *g != group),
            _ => return false,
        }
        true
    };
    match load_members(tx, account_id, members).await? {
        Loaded::Applications(apps) => {
            for mut app in apps {
                if edit(&mut app.group_ids) {
                    if let Some(actor) = joining {
                        let holders = keys::unscoped_holders(tx, app.id).await?;
                        delegation::admit_membership(actor, "ids", &loaded_group, holders)?;
                    }
                    app.updated_at = now;
                    applications::write_doc(tx, &app).await?;
                    link_application(tx, group, app.id, join).await?;
                    moved.push(app.id.to_string());
                }
            }
        }
        Loaded::Users(found) => {
            for mut user in found {
                if user.status == UserStatus::Deleted {
                    continue;
                }
                let mut wanted = user.group_ids.clone();
                if edit(&mut wanted) {
                    if let Some(actor) = joining {
                        delegation::admit_membership(actor, "ids", &loaded_group, [user.id])?;
                    }
                    users::set_groups(tx, &mut user, &wanted).await?;
                    user.updated_at = now;
                    users::write(tx, &user).await?;
                    moved.push(user.id.to_string());
                }
            }
        }
    }
    let record = crate::audit::membership(acting, account_id, group, join, field, moved, now);
    super::audit::append_all(tx, record).await
}

/// Adds or removes one application's membership row.
pub(super) async fn link_application(
    tx: &Tx<'_>,
    group: PolicyGroupId,
    application: ApplicationId,
    join: bool,
) -> Result<(), TxError> {
    let sql = if join {
        "INSERT INTO group_applications (group_id, application_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM group_applications WHERE group_id = $1 AND application_id = $2"
    };
    tx.execute(sql, &[&uid(group), &uid(application)]).await?;
    Ok(())
}

/// Active applications in a group.
pub(super) async fn list_applications(
    tx: &Tx<'_>,
    account_id: AccountId,
    group: PolicyGroupId,
    page: &PageRequest<ApplicationId>,
) -> Result<Page<Application>, TxError> {
    load(tx, account_id, group).await?;
    Selection::from("applications")
        .and_param(
            "id IN (SELECT application_id FROM group_applications WHERE group_id = {})",
            uid(group),
        )
        .and_param("status = {}", ApplicationStatus::Active.as_str())
        .page(tx, page)
        .await
}

/// Active users in a group.
pub(super) async fn list_users(
    tx: &Tx<'_>,
    account_id: AccountId,
    group: PolicyGroupId,
    page: &PageRequest<UserId>,
) -> Result<Page<User>, TxError> {
    load(tx, account_id, group).await?;
    Selection::from("users")
        .and_param(
            "id IN (SELECT user_id FROM group_users WHERE group_id = {})",
            uid(group),
        )
        .and_param("status = {}", UserStatus::Active.as_str())
        .page(tx, page)
        .await
}
