//! What access keys and JWT keys share: creation within the per-application
//! limit, scoped reads, lists with status filters, changes, deletion.

use std::collections::HashMap;

use jiff::Timestamp;
use latchkey_core::id::{ApplicationId, UserId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Application, KeyUpdate};
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus};
use redb::WriteTransaction;

use super::tables::{APPLICATIONS, Index, Names, Records};
use super::tx::{Read, Write};
use super::{applications, audit, groups, users};
use crate::StoredAccessKey;
use crate::rules::{self, KeyChangeFacts, NewKeyFacts, StoredKey};
use crate::{AppScope, KeyFilter, LimitPolicy, StoreError, StoreResult};
use latchkey_core::audit::Acting;
use latchkey_core::resource::JwtKey;

/// A stored key of either kind, with its tables.
pub(super) trait KeyRecord: StoredKey {
    /// `id → record`.
    const RECORDS: Records;
    /// `(application, key)`.
    const BY_APPLICATION: Index;
    /// `(account, key)`.
    const BY_ACCOUNT: Index;
    /// `(account, name) → key`.
    const NAMES: Names;

    fn effective_status(&self, now: Timestamp) -> EffectiveKeyStatus {
        self.status().effective(self.expiration(), now)
    }
}

fn not_found<K: KeyRecord>() -> StoreError {
    StoreError::NotFound { kind: K::KIND }
}

/// Keys of `app` that count toward its limit at `now`, leaving out `except`.
fn count_toward_limit<K: KeyRecord>(
    txn: &impl Read,
    app: ApplicationId,
    except: Option<u128>,
    now: Timestamp,
) -> StoreResult<u64> {
    let mut count = 0;
    for id in txn.children(K::BY_APPLICATION, app.into())? {
        if Some(id) == except {
            continue;
        }
        let key: K = txn.get_existing(K::RECORDS, id)?;
        count += u64::from(key.counts_toward_limit(now));
    }
    Ok(count)
}

/// The owners of an application's unscoped keys that are not revoked: the
/// holders whose rights follow the application's groups.
pub(super) fn unscoped_holders(txn: &impl Read, app: ApplicationId) -> StoreResult<Vec<UserId>> {
    let mut holders = Vec::new();
    collect_unscoped_holders::<StoredAccessKey>(txn, app, &mut holders)?;
    collect_unscoped_holders::<JwtKey>(txn, app, &mut holders)?;
    holders.sort();
    holders.dedup();
    Ok(holders)
}

fn collect_unscoped_holders<K: KeyRecord>(
    txn: &impl Read,
    app: ApplicationId,
    holders: &mut Vec<UserId>,
) -> StoreResult<()> {
    for id in txn.children(K::BY_APPLICATION, app.into())? {
        let key: K = txn.get_existing(K::RECORDS, id)?;
        if key.scopes().is_empty() && key.status() != KeyStatus::Revoked {
            holders.push(key.created_by());
        }
    }
    Ok(())
}

/// Writes a new (or imported) key with its index entries, and its name
/// claim unless it is revoked (no limit check).
pub(super) fn insert<K: KeyRecord>(txn: &WriteTransaction, key: &K) -> StoreResult<()> {
    if key.status() != KeyStatus::Revoked {
        txn.claim_name(
            K::NAMES,
            key.account_id().into(),
            key.name(),
            key.id(),
            "name",
        )?;
    }
    txn.put(K::RECORDS, key.id(), key)?;
    txn.link(K::BY_APPLICATION, key.application_id().into(), key.id())?;
    txn.link(K::BY_ACCOUNT, key.account_id().into(), key.id())
}

/// Creates a key for an active application in reach, within its limit and
/// the delegation rule (which may fix its scopes: see [`rules::admit_new_key`]).
pub(super) fn create<K: KeyRecord>(
    txn: &WriteTransaction,
    acting: &Acting,
    scope: AppScope,
    key: &mut K,
    limits: LimitPolicy,
    now: Timestamp,
) -> StoreResult<()> {
    if key.account_id() != scope.account_id {
        return Err(StoreError::not_found::<latchkey_core::id::ApplicationKind>());
    }
    let account = super::accounts::load(txn, scope.account_id)?;
    let app = applications::load_in_account(txn, scope.account_id, key.application_id())?;
    let application_groups = groups::load_all(txn, &app.group_ids)?;
    let owner = users::load(txn, scope.account_id, key.created_by()).ok();
    let owner_groups = match &owner {
        Some(user) => groups::load_all(txn, &user.group_ids)?,
        None => Vec::new(),
    };
    let counted = count_toward_limit::<K>(txn, app.id, None, now)?;
    rules::admit_new_key(
        acting.actor(),
        scope,
        key,
        NewKeyFacts {
            account: &account,
            application: &app,
            application_groups: &application_groups,
            owner: owner.as_ref(),
            owner_groups: &owner_groups,
            counted,
        },
        limits,
    )?;
    insert(txn, key)?;
    let action = crate::audit::key_create::<K>();
    audit::append(
        txn,
        &crate::audit::key(acting, action, None, Some(key), now),
    )
}

/// A key of an application in reach.
pub(super) fn load<K: KeyRecord>(
    txn: &impl Read,
    scope: AppScope,
    application_id: ApplicationId,
    id: u128,
) -> StoreResult<K> {
    let key: K = txn
        .get::<K>(K::RECORDS, id)?
        .filter(|key| {
            key.account_id() == scope.account_id && key.application_id() == application_id
        })
        .ok_or_else(not_found::<K>)?;
    let app = applications::load_in_account(txn, scope.account_id, application_id)?;
    rules::check_reach(scope, &app, K::KIND)?;
    Ok(key)
}

/// Keys of the account, or of one application, passing the filter.
pub(super) fn list<K: KeyRecord, C: Copy + Into<u128>>(
    txn: &impl Read,
    scope: AppScope,
    filter: KeyFilter,
    page: &PageRequest<C>,
    now: Timestamp,
) -> StoreResult<Page<K>> {
    let shows = |key: &K| match filter.status {
        None => key.status() != KeyStatus::Revoked,
        Some(wanted) => key.effective_status(now) == wanted,
    };
    match filter.application_id {
        Some(app) => {
            applications::load(txn, scope, app)?;
            txn.page(K::BY_APPLICATION, app.into(), K::RECORDS, page, shows)
        }
        None => {
            // Owners of the applications seen so far, for `:own` scopes.
            let mut owners: HashMap<ApplicationId, Option<UserId>> = HashMap::new();
            let mut reached = |key: &K| -> bool {
                let Some(user) = scope.owned_by else {
                    return true;
                };
                let owner = *owners.entry(key.application_id()).or_insert_with(|| {
                    txn.get::<Application>(APPLICATIONS, key.application_id().into())
                        .ok()
                        .flatten()
                        .map(|app| app.created_by)
                });
                owner == Some(user)
            };
            txn.page(
                K::BY_ACCOUNT,
                scope.account_id.into(),
                K::RECORDS,
                page,
                |key: &K| shows(key) && reached(key),
            )
        }
    }
}

/// Applies a change, keeping the name claim in step (revoked keys give
/// their name back).
pub(super) fn update<K: KeyRecord>(
    txn: &WriteTransaction,
    acting: &Acting,
    scope: AppScope,
    application_id: ApplicationId,
    id: u128,
    change: &KeyUpdate,
    now: Timestamp,
) -> StoreResult<K> {
    let mut key: K = load(txn, scope, application_id, id)?;
    let before = key.clone();
    key.apply(change, now)?;
    if change.affects_authentication() {
        let account = super::accounts::load(txn, scope.account_id)?;
        let app = applications::load_in_account(txn, scope.account_id, application_id)?;
        let application_groups = groups::load_all(txn, &app.group_ids)?;
        let counted_others = count_toward_limit::<K>(txn, app.id, Some(id), now)?;
        rules::admit_key_change(
            acting.actor(),
            &before,
            &key,
            KeyChangeFacts {
                account: &account,
                application_groups: &application_groups,
                counted_others,
            },
            now,
        )?;
    }
    let account = scope.account_id.into();
    if before.status() != KeyStatus::Revoked {
        if key.status() == KeyStatus::Revoked {
            txn.release_name(K::NAMES, account, before.name(), id)?;
        } else if key.name() != before.name() {
            txn.release_name(K::NAMES, account, before.name(), id)?;
            txn.claim_name(K::NAMES, account, key.name(), id, "name")?;
        }
    }
    txn.put(K::RECORDS, id, &key)?;
    let action = crate::audit::key_update(&before, &key);
    audit::append(
        txn,
        &crate::audit::key(acting, action, Some(&before), Some(&key), now),
    )?;
    Ok(key)
}

/// Removes a key and everything that points at it.
pub(super) fn remove<K: KeyRecord>(txn: &WriteTransaction, key: &K) -> StoreResult<()> {
    txn.release_name(K::NAMES, key.account_id().into(), key.name(), key.id())?;
    txn.remove(K::RECORDS, key.id())?;
    txn.unlink(K::BY_APPLICATION, key.application_id().into(), key.id())?;
    txn.unlink(K::BY_ACCOUNT, key.account_id().into(), key.id())
}

/// Deletes a key on request, recording it.
pub(super) fn delete<K: KeyRecord>(
    txn: &WriteTransaction,
    acting: &Acting,
    key: &K,
) -> StoreResult<()> {
    remove(txn, key)?;
    let action = crate::audit::key_delete::<K>();
    let record = crate::audit::key(acting, action, Some(key), None, Timestamp::now());
    audit::append(txn, &record)
}

/// Removes every key of an application.
pub(super) fn delete_all_of<K: KeyRecord>(
    txn: &WriteTransaction,
    app: &Application,
) -> StoreResult<()> {
    for id in txn.children(K::BY_APPLICATION, app.id.into())? {
        let key: K = txn.get_existing(K::RECORDS, id)?;
        remove(txn, &key)?;
    }
    Ok(())
}

/// Moves `last_used_at` forward for keys that still exist.
pub(super) fn record_use<K: KeyRecord>(
    txn: &WriteTransaction,
    uses: &[(u128, Timestamp)],
) -> StoreResult<()> {
    for (id, at) in uses {
        if let Some(mut key) = txn.get::<K>(K::RECORDS, *id)? {
            let last = key.last_used_at();
            if last.is_none_or(|last| last < *at) {
                *last = Some(*at);
                txn.put(K::RECORDS, *id, &key)?;
            }
        }
    }
    Ok(())
}

/// Deactivates the keys of this kind of `account` that work at `now` and
/// that its key policy finds unused (see [`crate::Store::deactivate_unused_keys`]);
/// returns each with its application and last use.
pub(super) fn deactivate_unused<K: KeyRecord>(
    txn: &WriteTransaction,
    acting: &Acting,
    account: &latchkey_core::resource::Account,
    now: Timestamp,
) -> StoreResult<Vec<(u128, ApplicationId, Option<Timestamp>)>> {
    let mut deactivated = Vec::new();
    for mut key in unused::<K>(txn, account, now)? {
        let before = key.clone();
        let id = key.id();
        let last_used_at = *key.last_used_at();
        key.apply(
            &KeyUpdate {
                status: Some(KeyStatus::Inactive),
                ..KeyUpdate::default()
            },
            now,
        )?;
        txn.put(K::RECORDS, id, &key)?;
        let action = crate::audit::key_update(&before, &key);
        audit::append(
            txn,
            &crate::audit::key(acting, action, Some(&before), Some(&key), now),
        )?;
        deactivated.push((id, key.application_id(), last_used_at));
    }
    Ok(deactivated)
}

/// The keys of this kind of `account` that work at `now` and that its key
/// policy finds unused.
pub(super) fn unused<K: KeyRecord>(
    txn: &impl Read,
    account: &latchkey_core::resource::Account,
    now: Timestamp,
) -> StoreResult<Vec<K>> {
    let mut found = Vec::new();
    for id in txn.children(K::BY_ACCOUNT, account.id.into())? {
        let mut key: K = txn.get_existing(K::RECORDS, id)?;
        let last_used_at = *key.last_used_at();
        if key.effective_status(now) == EffectiveKeyStatus::Active
            && account
                .key_policy
                .is_unused(key.created_at(), last_used_at, now)
        {
            found.push(key);
        }
    }
    Ok(found)
}
