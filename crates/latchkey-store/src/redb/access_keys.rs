//! Access keys.

use jiff::Timestamp;
use latchkey_core::id::{AccessKeyId, ApplicationId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{AccessKey, KeyUpdate};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::status::KeyStatus;
use redb::WriteTransaction;

use super::keys::{self, KeyRecord};
use super::tables::{
    ACCESS_KEY_NAMES, ACCESS_KEYS, ACCESS_KEYS_BY_ACCOUNT, ACCESS_KEYS_BY_APPLICATION,
    ACCESS_KEYS_EXPIRING, ACCESS_KEYS_UNEXPIRING, Expiring, Index, Names, Records, Unexpiring,
};
use super::tx::{Read, Write};
use super::{RedbStore, applications, audit};
use crate::commits::Changed;
use crate::rules::{self, StoredKey};
use crate::{
    AccessKeyRoll, AppScope, BulkDeleteItem, BulkDeleteReport, BulkDeleteStatus, ExposedKey,
    KeyFilter, LimitPolicy, RolledAccessKey, StoreResult, StoredAccessKey,
};
use latchkey_core::audit::Acting;

impl KeyRecord for StoredAccessKey {
    const RECORDS: Records = ACCESS_KEYS;
    const BY_APPLICATION: Index = ACCESS_KEYS_BY_APPLICATION;
    const BY_ACCOUNT: Index = ACCESS_KEYS_BY_ACCOUNT;
    const NAMES: Names = ACCESS_KEY_NAMES;
    const UNEXPIRING: Unexpiring = ACCESS_KEYS_UNEXPIRING;
    const EXPIRING: Expiring = ACCESS_KEYS_EXPIRING;
}

/// Writes a new key without a limit check (for a new account's first key).
pub(super) fn insert(txn: &WriteTransaction, key: &StoredAccessKey) -> StoreResult<()> {
    keys::insert(txn, key)
}

fn bulk_delete(
    txn: &WriteTransaction,
    acting: &Acting,
    scope: AppScope,
    ids: &[AccessKeyId],
) -> StoreResult<BulkDeleteReport> {
    let mut found = Vec::with_capacity(ids.len());
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let key = txn
            .get::<StoredAccessKey>(ACCESS_KEYS, (*id).into())?
            .filter(|stored| stored.key.account_id == scope.account_id);
        let status = match &key {
            None => BulkDeleteStatus::NotFound,
            Some(stored) => {
                let app = applications::load_in_account(
                    txn,
                    scope.account_id,
                    stored.key.application_id,
                )?;
                match rules::check_reach(scope, &app, StoredAccessKey::KIND) {
                    Ok(()) => BulkDeleteStatus::Deleted,
                    Err(_) => BulkDeleteStatus::Forbidden,
                }
            }
        };
        found.extend(key.filter(|_| status == BulkDeleteStatus::Deleted));
        results.push(BulkDeleteItem { id: *id, status });
    }
    let deleted = found.len() == ids.len();
    if deleted {
        for key in &found {
            keys::delete(txn, acting, key)?;
        }
    } else {
        for item in &mut results {
            if item.status == BulkDeleteStatus::Deleted {
                item.status = BulkDeleteStatus::Skipped;
            }
        }
    }
    Ok(BulkDeleteReport { deleted, results })
}

/// Rolls a key (see [`crate::Store::roll_access_key`] and [`rules::roll`]).
fn roll(
    txn: &WriteTransaction,
    acting: &Acting,
    scope: AppScope,
    application_id: ApplicationId,
    id: AccessKeyId,
    request: AccessKeyRoll,
    now: Timestamp,
) -> StoreResult<RolledAccessKey> {
    let stored: StoredAccessKey = keys::load(txn, scope, application_id, id.into())?;
    let mut roll = rules::roll(&stored, request, now)?;
    keys::write(txn, &stored, &roll.old)?;
    audit::append(txn, &roll.record(acting, now))?;
    keys::create(txn, acting, scope, &mut roll.new, LimitPolicy::Enforce, now)?;
    roll.finish(
        acting.actor(),
        &super::accounts::load(txn, scope.account_id)?,
    )
}

/// See [`crate::Store::expose_access_key`] and [`rules::expose`]; with what
/// the commit changes (nothing when only the record is written).
fn expose(
    txn: &WriteTransaction,
    acting: &Acting,
    id: AccessKeyId,
    expected: &SecretHash,
    url: &str,
    now: Timestamp,
) -> StoreResult<(Option<ExposedKey>, Option<Changed>)> {
    let found = txn.get::<StoredAccessKey>(ACCESS_KEYS, id.into())?;
    let Some(stored) = rules::reported_key(found, expected) else {
        return Ok((None, None));
    };
    let action = super::accounts::load(txn, stored.key.account_id)?
        .key_policy
        .exposed_key_action;
    let exposure = rules::expose(stored, action, now)?;
    if exposure.changes_key() {
        let (before, after) = (exposure.before(), &exposure.after);
        if after.key.status == KeyStatus::Revoked {
            txn.release_name(
                ACCESS_KEY_NAMES,
                after.key.account_id.into(),
                &after.key.name,
                id.into(),
            )?;
        }
        keys::write(txn, before, after)?;
    }
    audit::append(txn, &exposure.record(acting, url, now))?;
    let changed = exposure.changed();
    Ok((Some(exposure.outcome()), changed))
}

impl RedbStore {
    pub(super) fn expose_access_key_now(
        &self,
        acting: &Acting,
        id: AccessKeyId,
        expected: &SecretHash,
        url: &str,
        now: Timestamp,
    ) -> StoreResult<Option<ExposedKey>> {
        // The commit reports the key's account when the key changes, and
        // nothing when only the record is written (`notify`, or a key
        // already stopped): every change reported empties cached
        // credentials.
        self.write_reporting(|txn| expose(txn, acting, id, expected, url, now))
    }

    pub(super) fn roll_access_key_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
        request: AccessKeyRoll,
        now: Timestamp,
    ) -> StoreResult<RolledAccessKey> {
        self.write(|txn| roll(txn, acting, scope, application_id, id, request, now))
    }

    pub(super) fn create_access_key_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        mut key: StoredAccessKey,
        limits: LimitPolicy,
        now: Timestamp,
    ) -> StoreResult<AccessKey> {
        self.write(|txn| keys::create(txn, acting, scope, &mut key, limits, now))?;
        Ok(key.key)
    }

    pub(super) fn get_access_key_now(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<AccessKey> {
        self.read(|txn| {
            keys::load::<StoredAccessKey>(txn, scope, application_id, id.into()).map(|s| s.key)
        })
    }

    pub(super) fn list_access_keys_now(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: &PageRequest<AccessKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<AccessKey>> {
        self.read(|txn| {
            keys::list::<StoredAccessKey, _>(txn, scope, filter, page, now)
                .map(|p| p.map(|s| s.key))
        })
    }

    pub(super) fn update_access_key_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
        update: &KeyUpdate,
        now: Timestamp,
    ) -> StoreResult<AccessKey> {
        self.write(|txn| {
            keys::update::<StoredAccessKey>(
                txn,
                acting,
                scope,
                application_id,
                id.into(),
                update,
                now,
            )
        })
        .map(|stored| stored.key)
    }

    pub(super) fn delete_access_key_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let key = keys::load::<StoredAccessKey>(txn, scope, application_id, id.into())?;
            keys::delete(txn, acting, &key)
        })
    }

    pub(super) fn bulk_delete_access_keys_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        ids: &[AccessKeyId],
    ) -> StoreResult<BulkDeleteReport> {
        self.write(|txn| bulk_delete(txn, acting, scope, ids))
    }

    /// Loads many access keys in one transaction, past the plan limit,
    /// without the delegation rule and without audit records: for the
    /// benchmarks that load a million keys, behind the `bench-seeding`
    /// feature, so that a build that serves requests cannot call it.
    /// (Checking the limit instead would leave it a way to make credentials
    /// that the delegation rule never admitted; a real import is
    /// `Store::import_all`.)
    #[cfg(feature = "bench-seeding")]
    pub fn import_access_keys(&self, keys: &[StoredAccessKey]) -> StoreResult<()> {
        self.write(|txn| keys.iter().try_for_each(|key| keys::insert(txn, key)))
    }

    pub(super) fn upgrade_access_key_secret_now(
        &self,
        id: AccessKeyId,
        expected: &SecretHash,
        new: &SecretHash,
    ) -> StoreResult<bool> {
        self.write(|txn| {
            let Some(mut stored) = txn.get::<StoredAccessKey>(ACCESS_KEYS, id.into())? else {
                return Ok(false);
            };
            if stored.secret_hash != *expected {
                return Ok(false);
            }
            let before = stored.clone();
            stored.secret_hash = new.clone();
            keys::write(txn, &before, &stored)?;
            Ok(true)
        })
    }

    pub(super) fn record_access_key_use_now(
        &self,
        uses: &[(AccessKeyId, Timestamp)],
    ) -> StoreResult<()> {
        let uses: Vec<(u128, Timestamp)> =
            uses.iter().map(|(id, at)| ((*id).into(), *at)).collect();
        self.write(|txn| keys::record_use::<StoredAccessKey>(txn, &uses))
    }
}
