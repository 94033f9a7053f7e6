//! What access keys and JWT keys share: creation within the per-application
//! limit, scoped reads, lists with status filters, changes, deletion.

use std::collections::HashMap;

use jiff::Timestamp;
use latchkey_core::id::{ApplicationId, UserId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Application, KeyUpdate};
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus, LimitStanding};
use redb::{ReadableTable, WriteTransaction};

use super::tables::{APPLICATIONS, Expiring, Index, Names, Records, Unexpiring};
use super::tx::{Read, Write};
use super::{applications, audit, groups, users};
use crate::StoredAccessKey;
use crate::rules::{self, KeyChangeFacts, NewKeyFacts, StoredKey};
use crate::{AppScope, DeactivatedKey, KeyFilter, LimitPolicy, StoreError, StoreResult};
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
    /// `application → count` of its keys that count while unchanged.
    const UNEXPIRING: Unexpiring;
    /// `(application, expiration, key)` of its keys that count until they expire.
    const EXPIRING: Expiring;

    fn effective_status(&self, now: Timestamp) -> EffectiveKeyStatus {
        self.status().effective(self.expiration(), now)
    }
}

fn not_found<K: KeyRecord>() -> StoreError {
    StoreError::NotFound { kind: K::KIND }
}

/// Keys of `app` that count toward its limit at `now`, leaving out `except`
/// (a stored key): read from the maintained count and expiration index, so
/// the cost does not grow with the application's keys that never expire.
fn count_toward_limit<K: KeyRecord>(
    txn: &impl Read,
    app: ApplicationId,
    except: Option<&K>,
    now: Timestamp,
) -> StoreResult<u64> {
    let count = txn.limit_count(
        K::UNEXPIRING,
        K::EXPIRING,
        app.into(),
        LimitStanding::first_counting_expiration(now),
    )?;
    let excepted = except.is_some_and(|key| key.counts_toward_limit(now));
    Ok(count - u64::from(excepted))
}

/// Moves a key's entry in its application's limit count from how `before`
/// stood to how `after` stands (`None`: no such key), in the transaction
/// that writes it. Every write of a key record goes through here.
fn restand<K: KeyRecord>(
    txn: &WriteTransaction,
    before: Option<&K>,
    after: Option<&K>,
) -> StoreResult<()> {
    let standing = |key: &K| {
        (
            key.application_id(),
            key.status().limit_standing(key.expiration()),
        )
    };
    let (old, new) = (before.map(standing), after.map(standing));
    if old == new {
        return Ok(());
    }
    if let (Some(key), Some((app, standing))) = (before, old) {
        stand::<K>(txn, app.into(), key.id(), standing, false)?;
    }
    if let (Some(key), Some((app, standing))) = (after, new) {
        stand::<K>(txn, app.into(), key.id(), standing, true)?;
    }
    Ok(())
}

/// Adds (`enter`) or takes away one key's part in its application's count.
fn stand<K: KeyRecord>(
    txn: &WriteTransaction,
    app: u128,
    id: u128,
    standing: LimitStanding,
    enter: bool,
) -> StoreResult<()> {
    match standing {
        LimitStanding::Never => {}
        LimitStanding::Always => {
            let mut table = txn.open_table(K::UNEXPIRING)?;
            let count = table.get(app)?.map_or(0, |count| count.value());
            let count = if enter {
                count + 1
            } else {
                count.checked_sub(1).ok_or_else(|| {
                    StoreError::Corrupt(format!("limit count of application {app:x} below zero"))
                })?
            };
            if count == 0 {
                table.remove(app)?;
            } else {
                table.insert(app, count)?;
            }
        }
        LimitStanding::Until(at) => {
            let mut table = txn.open_table(K::EXPIRING)?;
            let entry = (app, at.as_nanosecond(), id);
            if enter {
                table.insert(entry, ())?;
            } else {
                table.remove(entry)?;
            }
        }
    }
    Ok(())
}

/// Replaces a stored key (`before`, as read in this transaction) with
/// `after`, keeping its limit count in step.
pub(super) fn write<K: KeyRecord>(
    txn: &WriteTransaction,
    before: &K,
    after: &K,
) -> StoreResult<()> {
    restand(txn, Some(before), Some(after))?;
    txn.put(K::RECORDS, after.id(), after)
}

/// Rebuilds every application's limit count of this kind from the keys
/// (for a file from before the counts were kept).
pub(super) fn rebuild_limit_counts<K: KeyRecord>(txn: &WriteTransaction) -> StoreResult<()> {
    txn.open_table(K::UNEXPIRING)?.retain(|_, _| false)?;
    txn.open_table(K::EXPIRING)?.retain(|_, _| false)?;
    let ids: Vec<u128> = {
        let records = txn.open_table(K::RECORDS)?;
        let mut ids = Vec::new();
        for entry in records.iter()? {
            ids.push(entry?.0.value());
        }
        ids
    };
    for id in ids {
        let key: K = txn.get_existing(K::RECORDS, id)?;
        restand(txn, None, Some(&key))?;
    }
    Ok(())
}

/// The keys of `app` that count toward its limit at `now`, as the
/// maintained count gives them (see
/// [`crate::redb::RedbStore::access_key_limit_count`]).
pub(super) fn limit_count<K: KeyRecord>(
    txn: &impl Read,
    app: ApplicationId,
    now: Timestamp,
) -> StoreResult<u64> {
    count_toward_limit::<K>(txn, app, None, now)
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
    restand(txn, None, Some(key))?;
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
        let counted_others = count_toward_limit::<K>(txn, app.id, Some(&before), now)?;
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
    write(txn, &before, &key)?;
    let action = crate::audit::key_update(&before, &key);
    audit::append(
        txn,
        &crate::audit::key(acting, action, Some(&before), Some(&key), now),
    )?;
    Ok(key)
}

/// Removes a key and everything that points at it.
pub(super) fn remove<K: KeyRecord>(txn: &WriteTransaction, key: &K) -> StoreResult<()> {
    // Removed already (a bulk deletion may list a key twice): its part in
    // the count went with it.
    if txn.get::<K>(K::RECORDS, key.id())?.is_none() {
        return Ok(());
    }
    txn.release_name(K::NAMES, key.account_id().into(), key.name(), key.id())?;
    restand(txn, Some(key), None)?;
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
            let before = key.clone();
            let last = key.last_used_at();
            if last.is_none_or(|last| last < *at) {
                *last = Some(*at);
                write(txn, &before, &key)?;
            }
        }
    }
    Ok(())
}

/// Deactivates the keys of this kind of `account` that work at `now` and
/// that its key policy finds unused (see [`crate::Store::deactivate_unused_keys`]
/// and [`rules::deactivate`]).
pub(super) fn deactivate_unused<K: KeyRecord>(
    txn: &WriteTransaction,
    acting: &Acting,
    account: &latchkey_core::resource::Account,
    now: Timestamp,
) -> StoreResult<Vec<DeactivatedKey>> {
    let mut deactivated = Vec::new();
    for before in unused::<K>(txn, account, now)? {
        let (key, report) = rules::deactivate(&before, now)?;
        write(txn, &before, &key)?;
        let action = crate::audit::key_update(&before, &key);
        audit::append(
            txn,
            &crate::audit::key(acting, action, Some(&before), Some(&key), now),
        )?;
        deactivated.push(report);
    }
    Ok(deactivated)
}

/// The keys of this kind of `account` that work at `now` and that its key
/// policy finds unused ([`rules::is_unused`]).
pub(super) fn unused<K: KeyRecord>(
    txn: &impl Read,
    account: &latchkey_core::resource::Account,
    now: Timestamp,
) -> StoreResult<Vec<K>> {
    let mut found = Vec::new();
    for id in txn.children(K::BY_ACCOUNT, account.id.into())? {
        let key: K = txn.get_existing(K::RECORDS, id)?;
        if rules::is_unused(account, &key, now) {
            found.push(key);
        }
    }
    Ok(found)
}
