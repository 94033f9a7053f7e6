//! What access keys and JWT keys share: creation within the per-application
//! limit, scoped reads, lists with status filters, changes, deletion, bulk
//! deletion and last-use times.

use jiff::Timestamp;
use latchkey_core::id::{AccessKeyId, AccountId, ApplicationId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{JwtKey, KeyUpdate};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus, LimitStanding};

use super::rows::{Selection, doc, json, nanos, uid};
use super::tx::{Tx, TxError};
use super::{applications, users};
use crate::rules::{self, KeyChangeFacts, NewKeyFacts, StoredKey};
use crate::{
    AccessKeyRoll, AppScope, BulkDeleteItem, BulkDeleteReport, BulkDeleteStatus, DeactivatedKey,
    ExposedKey, KeyFilter, LimitPolicy, RolledAccessKey, StoreError, StoredAccessKey,
};
use latchkey_core::audit::Acting;
use latchkey_core::id::UserId;

/// A stored key of either kind, with its table.
pub(super) trait PgKey: StoredKey {
    /// Its table.
    const TABLE: &'static str;
}

impl PgKey for StoredAccessKey {
    const TABLE: &'static str = "access_keys";
}

impl PgKey for JwtKey {
    const TABLE: &'static str = "jwt_keys";
}

fn not_found<K: PgKey>() -> TxError {
    StoreError::NotFound { kind: K::KIND }.into()
}

/// The SQL condition for an effective status at the instant `{now}`, the
/// same rule as `KeyStatus::effective` (expired: an expiration `<= now`).
fn effective_status_condition(status: EffectiveKeyStatus) -> &'static str {
    match status {
        EffectiveKeyStatus::Revoked => "status = 'revoked'",
        EffectiveKeyStatus::Expired => {
            "(status <> 'revoked' AND expiration_ns IS NOT NULL AND expiration_ns <= {})"
        }
        EffectiveKeyStatus::Active => {
            "(status = 'active' AND (expiration_ns IS NULL OR expiration_ns > {}))"
        }
        EffectiveKeyStatus::Inactive => {
            "(status = 'inactive' AND (expiration_ns IS NULL OR expiration_ns > {}))"
        }
    }
}

/// Refuses a name another non-revoked key of the same kind in the account holds.
async fn check_name_free<K: PgKey>(tx: &Tx<'_>, key: &K) -> Result<(), TxError> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE account_id = $1 AND name = $2 AND status <> 'revoked' AND id <> $3",
        K::TABLE
    );
    let taken = tx
        .query_opt(&sql, &[&uid(key.account_id()), &key.name(), &uid(key.id())])
        .await?;
    match taken {
        Some(_) => Err(StoreError::Duplicate {
            field: "name",
            value: key.name().to_owned(),
        }
        .into()),
        None => Ok(()),
    }
}

/// Writes a new (or imported) key; unless revoked, its name must be free
/// (no limit check).
pub(super) async fn insert<K: PgKey>(tx: &Tx<'_>, key: &K) -> Result<(), TxError> {
    if key.status() != KeyStatus::Revoked {
        check_name_free(tx, key).await?;
    }
    let sql = format!(
        "INSERT INTO {} (id, account_id, application_id, name, status, expiration_ns, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        K::TABLE
    );
    tx.execute(
        &sql,
        &[
            &uid(key.id()),
            &uid(key.account_id()),
            &uid(key.application_id()),
            &key.name(),
            &key.status().as_str(),
            &key.expiration().map(nanos),
            &json(key)?,
        ],
    )
    .await?;
    restand(tx, None, Some(key)).await
}

/// Replaces a stored key (`before`, as read in this transaction) with
/// `after`, keeping its application's limit count in step.
async fn write<K: PgKey>(tx: &Tx<'_>, before: &K, key: &K) -> Result<(), TxError> {
    restand(tx, Some(before), Some(key)).await?;
    let sql = format!(
        "UPDATE {} SET name = $2, status = $3, expiration_ns = $4, doc = $5 WHERE id = $1",
        K::TABLE
    );
    tx.execute(
        &sql,
        &[
            &uid(key.id()),
            &key.name(),
            &key.status().as_str(),
            &key.expiration().map(nanos),
            &json(key)?,
        ],
    )
    .await?;
    Ok(())
}

/// Keys of `app` that count toward its limit at `now`, leaving out `except`
/// (a stored key): the maintained count of keys without expiration plus the
/// expiring ones still counting, found through their partial index, so the
/// cost does not grow with the application's keys that never expire.
async fn count_toward_limit<K: PgKey>(
    tx: &Tx<'_>,
    app: ApplicationId,
    except: Option<&K>,
    now: Timestamp,
) -> Result<u64, TxError> {
    let first = LimitStanding::first_counting_expiration(now);
    let first = i64::try_from(first).unwrap_or(if first < 0 { i64::MIN } else { i64::MAX });
    let sql = format!(
        "SELECT COALESCE((SELECT unexpiring FROM key_limit_counts WHERE kind = $1 AND application_id = $2), 0) \
              + (SELECT count(*) FROM {} WHERE application_id = $2 AND status <> 'revoked' \
                   AND expiration_ns IS NOT NULL AND expiration_ns >= $3)",
        K::TABLE
    );
    let count: i64 = tx
        .query_one(&sql, &[&K::TABLE, &uid(app), &first])
        .await?
        .get(0);
    let count = u64::try_from(count).unwrap_or(0);
    let excepted = except.is_some_and(|key| key.counts_toward_limit(now));
    Ok(count.saturating_sub(u64::from(excepted)))
}

/// Moves a key's part in its application's count of unexpiring keys from
/// how `before` stood to how `after` stands (`None`: no such key). Every
/// write of a key goes through here, in its transaction; keys that expire
/// are counted from their own rows (see [`count_toward_limit`]).
async fn restand<K: PgKey>(
    tx: &Tx<'_>,
    before: Option<&K>,
    after: Option<&K>,
) -> Result<(), TxError> {
    let unexpiring = |key: Option<&K>| {
        key.filter(|key| key.status().limit_standing(key.expiration()) == LimitStanding::Always)
            .map(|key| key.application_id())
    };
    let (old, new) = (unexpiring(before), unexpiring(after));
    if old == new {
        return Ok(());
    }
    if let Some(app) = old {
        let left = tx
            .execute(
                "UPDATE key_limit_counts SET unexpiring = unexpiring - 1 \
                 WHERE kind = $1 AND application_id = $2",
                &[&K::TABLE, &uid(app)],
            )
            .await?;
        if left != 1 {
            return Err(StoreError::Corrupt(format!(
                "no limit count for application {}",
                uid(app)
            ))
            .into());
        }
    }
    if let Some(app) = new {
        tx.execute(
            "INSERT INTO key_limit_counts (kind, application_id, unexpiring) VALUES ($1, $2, 1) \
             ON CONFLICT (kind, application_id) \
             DO UPDATE SET unexpiring = key_limit_counts.unexpiring + 1",
            &[&K::TABLE, &uid(app)],
        )
        .await?;
    }
    Ok(())
}

/// The keys of `app` that count toward its limit at `now`, as the
/// maintained count gives them (see
/// [`crate::postgres::PgStore::access_key_limit_count`]).
pub(super) async fn limit_count<K: PgKey>(
    tx: &Tx<'_>,
    app: ApplicationId,
    now: Timestamp,
) -> Result<u64, TxError> {
    count_toward_limit::<K>(tx, app, None, now).await
}

/// The owners of an application's unscoped keys that are not revoked: the
/// holders whose rights follow the application's groups.
pub(super) async fn unscoped_holders(
    tx: &Tx<'_>,
    app: ApplicationId,
) -> Result<Vec<UserId>, TxError> {
    let mut holders = Vec::new();
    collect_unscoped_holders::<StoredAccessKey>(tx, app, &mut holders).await?;
    collect_unscoped_holders::<JwtKey>(tx, app, &mut holders).await?;
    holders.sort();
    holders.dedup();
    Ok(holders)
}

async fn collect_unscoped_holders<K: PgKey>(
    tx: &Tx<'_>,
    app: ApplicationId,
    holders: &mut Vec<UserId>,
) -> Result<(), TxError> {
    let keys: Vec<K> = Selection::from(K::TABLE)
        .and_param("application_id = {}", uid(app))
        .and("status <> 'revoked'")
        .all(tx)
        .await?;
    holders.extend(
        keys.iter()
            .filter(|key| key.scopes().is_empty())
            .map(|key| key.created_by()),
    );
    Ok(())
}

/// Creates a key for an active application in reach, within its limit and
/// the delegation rule, which may fix its scopes (in a
/// [`Mode::Create`](super::tx::Mode::Create) transaction).
pub(super) async fn create<K: PgKey>(
    tx: &Tx<'_>,
    acting: &Acting,
    scope: AppScope,
    key: &mut K,
    limits: LimitPolicy,
    now: Timestamp,
) -> Result<(), TxError> {
    if key.account_id() != scope.account_id {
        return Err(StoreError::not_found::<latchkey_core::id::ApplicationKind>().into());
    }
    let account = super::accounts::load(tx, scope.account_id).await?;
    let app = applications::load_in_account(tx, scope.account_id, key.application_id()).await?;
    let application_groups = users::group_docs(tx, &app.group_ids).await?;
    let owner = users::load(tx, scope.account_id, key.created_by())
        .await
        .ok();
    let owner_groups = match &owner {
        Some(user) => users::group_docs(tx, &user.group_ids).await?,
        None => Vec::new(),
    };
    let counted = count_toward_limit::<K>(tx, app.id, None, now).await?;
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
    insert(tx, key).await?;
    let action = crate::audit::key_create::<K>();
    let record = crate::audit::key(acting, action, None, Some(&*key), now);
    super::audit::append(tx, &record).await
}

/// A key by id alone, if it exists.
pub(super) async fn find<K: PgKey>(tx: &Tx<'_>, id: u128) -> Result<Option<K>, TxError> {
    let sql = format!("SELECT doc FROM {} WHERE id = $1", K::TABLE);
    tx.query_opt(&sql, &[&uid(id)])
        .await?
        .map(|row| doc(&row))
        .transpose()
}

/// A key of an application in reach.
pub(super) async fn load<K: PgKey>(
    tx: &Tx<'_>,
    scope: AppScope,
    application_id: ApplicationId,
    id: u128,
) -> Result<K, TxError> {
    let key = find::<K>(tx, id)
        .await?
        .filter(|key| {
            key.account_id() == scope.account_id && key.application_id() == application_id
        })
        .ok_or_else(not_found::<K>)?;
    let app = applications::load_in_account(tx, scope.account_id, application_id).await?;
    rules::check_reach(scope, &app, K::KIND)?;
    Ok(key)
}

/// Keys of the account, or of one application, passing the filter.
pub(super) async fn list<K: PgKey, C: Copy + Into<u128>>(
    tx: &Tx<'_>,
    scope: AppScope,
    filter: KeyFilter,
    page: &PageRequest<C>,
    now: Timestamp,
) -> Result<Page<K>, TxError> {
    let mut selection = match filter.application_id {
        Some(app) => {
            applications::load(tx, scope, app).await?;
            Selection::from(K::TABLE).and_param("application_id = {}", uid(app))
        }
        None => {
            let selection =
                Selection::from(K::TABLE).and_param("account_id = {}", uid(scope.account_id));
            match scope.owned_by {
                Some(user) => selection.and_param(
                    "application_id IN (SELECT id FROM applications WHERE created_by = {})",
                    uid(user),
                ),
                None => selection,
            }
        }
    };
    selection = match filter.status {
        None => selection.and("status <> 'revoked'"),
        Some(EffectiveKeyStatus::Revoked) => selection.and("status = 'revoked'"),
        Some(wanted) => selection.and_param(effective_status_condition(wanted), nanos(now)),
    };
    selection.page(tx, page).await
}

/// Applies a change (a revoked key gives its name back).
pub(super) async fn update<K: PgKey>(
    tx: &Tx<'_>,
    acting: &Acting,
    scope: AppScope,
    application_id: ApplicationId,
    id: u128,
    change: &KeyUpdate,
    now: Timestamp,
) -> Result<K, TxError> {
    let mut key: K = load(tx, scope, application_id, id).await?;
    let before = key.clone();
    key.apply(change, now)?;
    if change.affects_authentication() {
        let account = super::accounts::load(tx, scope.account_id).await?;
        let app = applications::load_in_account(tx, scope.account_id, application_id).await?;
        let application_groups = users::group_docs(tx, &app.group_ids).await?;
        let counted_others = count_toward_limit::<K>(tx, app.id, Some(&before), now).await?;
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
    if before.status() != KeyStatus::Revoked
        && key.status() != KeyStatus::Revoked
        && key.name() != before.name()
    {
        check_name_free(tx, &key).await?;
    }
    write(tx, &before, &key).await?;
    let action = crate::audit::key_update(&before, &key);
    let record = crate::audit::key(acting, action, Some(&before), Some(&key), now);
    super::audit::append(tx, &record).await?;
    Ok(key)
}

/// Rolls an access key (see [`crate::Store::roll_access_key`] and
/// [`rules::roll`]; in a [`Mode::Create`](super::tx::Mode::Create)
/// transaction).
pub(super) async fn roll(
    tx: &Tx<'_>,
    acting: &Acting,
    scope: AppScope,
    application_id: ApplicationId,
    id: AccessKeyId,
    request: AccessKeyRoll,
    now: Timestamp,
) -> Result<RolledAccessKey, TxError> {
    let stored: StoredAccessKey = load(tx, scope, application_id, id.into()).await?;
    let mut roll = rules::roll(&stored, request, now)?;
    write(tx, &stored, &roll.old).await?;
    super::audit::append(tx, &roll.record(acting, now)).await?;
    create(tx, acting, scope, &mut roll.new, LimitPolicy::Enforce, now).await?;
    let account = super::accounts::load(tx, scope.account_id).await?;
    Ok(roll.finish(acting.actor(), &account)?)
}

/// Deactivates the keys of this kind of `account` that work at `now` and
/// that its key policy finds unused (see [`rules::deactivate`]).
pub(super) async fn deactivate_unused<K: PgKey>(
    tx: &Tx<'_>,
    acting: &Acting,
    account: &latchkey_core::resource::Account,
    now: Timestamp,
) -> Result<Vec<DeactivatedKey>, TxError> {
    let mut deactivated = Vec::new();
    for before in unused::<K>(tx, account, now).await? {
        let (key, report) = rules::deactivate(&before, now)?;
        write(tx, &before, &key).await?;
        let action = crate::audit::key_update(&before, &key);
        let record = crate::audit::key(acting, action, Some(&before), Some(&key), now);
        super::audit::append(tx, &record).await?;
        deactivated.push(report);
    }
    Ok(deactivated)
}

/// The keys of this kind of `account` that work at `now` and that its key
/// policy finds unused ([`rules::is_unused`]; the query narrows it to the
/// keys that work).
pub(super) async fn unused<K: PgKey>(
    tx: &Tx<'_>,
    account: &latchkey_core::resource::Account,
    now: Timestamp,
) -> Result<Vec<K>, TxError> {
    let mut working: Vec<K> = Selection::from(K::TABLE)
        .and_param("account_id = {}", uid(account.id))
        .and_param(
            effective_status_condition(EffectiveKeyStatus::Active),
            nanos(now),
        )
        .all(tx)
        .await?;
    working.retain(|key| rules::is_unused(account, key, now));
    Ok(working)
}

/// Removes a key (as read in this transaction).
pub(super) async fn remove<K: PgKey>(tx: &Tx<'_>, key: &K) -> Result<(), TxError> {
    let sql = format!("DELETE FROM {} WHERE id = $1", K::TABLE);
    let removed = tx.execute(&sql, &[&uid(key.id())]).await?;
    // Removed already (a bulk deletion may list a key twice): its part in
    // the count went with it.
    if removed == 0 {
        return Ok(());
    }
    restand(tx, Some(key), None).await
}

/// Deletes a key on request, recording it.
pub(super) async fn delete<K: PgKey>(tx: &Tx<'_>, acting: &Acting, key: &K) -> Result<(), TxError> {
    remove::<K>(tx, key).await?;
    let action = crate::audit::key_delete::<K>();
    let record = crate::audit::key(acting, action, Some(key), None, Timestamp::now());
    super::audit::append(tx, &record).await
}

/// Removes every key of an application.
pub(super) async fn delete_all_of<K: PgKey>(
    tx: &Tx<'_>,
    application_id: ApplicationId,
) -> Result<(), TxError> {
    let sql = format!("DELETE FROM {} WHERE application_id = $1", K::TABLE);
    tx.execute(&sql, &[&uid(application_id)]).await?;
    tx.execute(
        "DELETE FROM key_limit_counts WHERE kind = $1 AND application_id = $2",
        &[&K::TABLE, &uid(application_id)],
    )
    .await?;
    Ok(())
}

/// Moves `last_used_at` forward for keys that still exist.
pub(super) async fn record_use<K: PgKey>(
    tx: &Tx<'_>,
    uses: &[(u128, Timestamp)],
) -> Result<(), TxError> {
    for (id, at) in uses {
        if let Some(mut key) = find::<K>(tx, *id).await? {
            let before = key.clone();
            let last = key.last_used_at();
            if last.is_none_or(|last| last < *at) {
                *last = Some(*at);
                write(tx, &before, &key).await?;
            }
        }
    }
    Ok(())
}

/// Puts `new` in place of an access key's secret hash if it is still
/// `expected`; whether it did.
pub(super) async fn upgrade_secret(
    tx: &Tx<'_>,
    id: u128,
    expected: &SecretHash,
    new: &SecretHash,
) -> Result<bool, TxError> {
    let Some(mut stored) = find::<StoredAccessKey>(tx, id).await? else {
        return Ok(false);
    };
    if stored.secret_hash != *expected {
        return Ok(false);
    }
    let before = stored.clone();
    stored.secret_hash = new.clone();
    write(tx, &before, &stored).await?;
    Ok(true)
}

/// What a leaked-key report does to the key it names (see
/// [`rules::expose`]); `None` when it is not the key reported.
async fn exposure(
    tx: &Tx<'_>,
    id: AccessKeyId,
    expected: &SecretHash,
    now: Timestamp,
) -> Result<Option<rules::Exposure>, TxError> {
    let found = find::<StoredAccessKey>(tx, id.into()).await?;
    let Some(stored) = rules::reported_key(found, expected) else {
        return Ok(None);
    };
    let account = super::accounts::load(tx, stored.key.account_id).await?;
    let action = account.key_policy.exposed_key_action;
    Ok(Some(rules::expose(stored, action, now)?))
}

/// What the first look at a leaked-key report found.
pub(super) enum FirstLook {
    /// Not the key reported: nothing to do, nothing recorded.
    Gone,
    /// The report changes nothing of the key; its record is written.
    Recorded(Box<ExposedKey>),
    /// The report changes the key of this account: a write that announces
    /// the account must follow.
    Changes(AccountId),
}

/// The first half of [`crate::Store::expose_access_key`], in a transaction
/// that announces nothing: a report that changes nothing of the key
/// (`notify`, or a key already stopped) is recorded here; one that changes
/// it is left to [`expose`].
pub(super) async fn record_unchanged_exposure(
    tx: &Tx<'_>,
    acting: &Acting,
    id: AccessKeyId,
    expected: &SecretHash,
    url: &str,
    now: Timestamp,
) -> Result<FirstLook, TxError> {
    let Some(exposure) = exposure(tx, id, expected, now).await? else {
        return Ok(FirstLook::Gone);
    };
    if exposure.changes_key() {
        return Ok(FirstLook::Changes(exposure.after.key.account_id));
    }
    super::audit::append(tx, &exposure.record(acting, url, now)).await?;
    Ok(FirstLook::Recorded(Box::new(exposure.outcome())))
}

/// See [`crate::Store::expose_access_key`]: the second half, in a
/// transaction that announces `account`, the one [`record_unchanged_exposure`]
/// found the key in (a key never changes account; one found elsewhere is not
/// the key reported).
pub(super) async fn expose(
    tx: &Tx<'_>,
    acting: &Acting,
    account: AccountId,
    id: AccessKeyId,
    expected: &SecretHash,
    url: &str,
    now: Timestamp,
) -> Result<Option<ExposedKey>, TxError> {
    let found = exposure(tx, id, expected, now).await?;
    let Some(exposure) = found.filter(|found| found.after.key.account_id == account) else {
        return Ok(None);
    };
    if exposure.changes_key() {
        write(tx, exposure.before(), &exposure.after).await?;
    }
    super::audit::append(tx, &exposure.record(acting, url, now)).await?;
    Ok(Some(exposure.outcome()))
}

/// Deletes every listed access key of the account, or none.
pub(super) async fn bulk_delete(
    tx: &Tx<'_>,
    acting: &Acting,
    scope: AppScope,
    ids: &[AccessKeyId],
) -> Result<BulkDeleteReport, TxError> {
    let mut found = Vec::with_capacity(ids.len());
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let key = find::<StoredAccessKey>(tx, (*id).into())
            .await?
            .filter(|stored| stored.key.account_id == scope.account_id);
        let status = match &key {
            None => BulkDeleteStatus::NotFound,
            Some(stored) => {
                let app =
                    applications::load_in_account(tx, scope.account_id, stored.key.application_id)
                        .await?;
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
            delete(tx, acting, key).await?;
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
