//! What access keys and JWT keys share: creation within the per-application
//! limit, scoped reads, lists with status filters, changes, deletion, bulk
//! deletion and last-use times.

use jiff::Timestamp;
use latchkey_core::id::{AccessKeyId, AccessKeyKind, AccountId, ApplicationId, IdKind, JwtKeyKind};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::plan::LimitKind;
use latchkey_core::resource::{ChangeError, JwtKey, KeyUpdate};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::applications;
use super::rows::{Selection, doc, json, nanos, uid};
use super::tx::{Tx, TxError};
use crate::{
    AppScope, BulkDeleteItem, BulkDeleteReport, BulkDeleteStatus, KeyFilter, LimitPolicy,
    StoreError, StoredAccessKey,
};

/// A stored key of either kind.
pub(super) trait PgKey: Serialize + DeserializeOwned + Clone + Send + Sync {
    /// Its table.
    const TABLE: &'static str;
    /// Resource name for errors.
    const KIND: &'static str;
    /// The limit it counts toward.
    const LIMIT: LimitKind;

    fn id(&self) -> u128;
    fn account_id(&self) -> AccountId;
    fn application_id(&self) -> ApplicationId;
    fn name(&self) -> &str;
    fn status(&self) -> KeyStatus;
    fn expiration(&self) -> Option<Timestamp>;
    fn apply(&mut self, update: &KeyUpdate, now: Timestamp) -> Result<(), ChangeError>;
    fn last_used_at(&mut self) -> &mut Option<Timestamp>;
}

impl PgKey for StoredAccessKey {
    const TABLE: &'static str = "access_keys";
    const KIND: &'static str = AccessKeyKind::NAME;
    const LIMIT: LimitKind = LimitKind::AccessKeysPerApplication;

    fn id(&self) -> u128 {
        self.key.id.into()
    }
    fn account_id(&self) -> AccountId {
        self.key.account_id
    }
    fn application_id(&self) -> ApplicationId {
        self.key.application_id
    }
    fn name(&self) -> &str {
        &self.key.name
    }
    fn status(&self) -> KeyStatus {
        self.key.status
    }
    fn expiration(&self) -> Option<Timestamp> {
        self.key.expiration
    }
    fn apply(&mut self, update: &KeyUpdate, now: Timestamp) -> Result<(), ChangeError> {
        self.key.apply(update, now)
    }
    fn last_used_at(&mut self) -> &mut Option<Timestamp> {
        &mut self.key.last_used_at
    }
}

impl PgKey for JwtKey {
    const TABLE: &'static str = "jwt_keys";
    const KIND: &'static str = JwtKeyKind::NAME;
    const LIMIT: LimitKind = LimitKind::JwtKeysPerApplication;

    fn id(&self) -> u128 {
        self.id.into()
    }
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn application_id(&self) -> ApplicationId {
        self.application_id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn status(&self) -> KeyStatus {
        self.status
    }
    fn expiration(&self) -> Option<Timestamp> {
        self.expiration
    }
    fn apply(&mut self, update: &KeyUpdate, now: Timestamp) -> Result<(), ChangeError> {
        JwtKey::apply(self, update, now)
    }
    fn last_used_at(&mut self) -> &mut Option<Timestamp> {
        &mut self.last_used_at
    }
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
    Ok(())
}

async fn write<K: PgKey>(tx: &Tx<'_>, key: &K) -> Result<(), TxError> {
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

/// Creates a key for an active application in reach, within its limit (in
/// a [`Mode::Create`](super::tx::Mode::Create) transaction).
pub(super) async fn create<K: PgKey>(
    tx: &Tx<'_>,
    scope: AppScope,
    key: &K,
    limits: LimitPolicy,
    now: Timestamp,
) -> Result<(), TxError> {
    if key.account_id() != scope.account_id {
        return Err(StoreError::not_found::<latchkey_core::id::ApplicationKind>().into());
    }
    let app = applications::load(tx, scope, key.application_id()).await?;
    if !app.is_active() {
        return Err(StoreError::Conflict("the application is revoked".into()).into());
    }
    if limits == LimitPolicy::Enforce {
        let account = super::accounts::load(tx, scope.account_id).await?;
        let counted = Selection::from(K::TABLE)
            .and_param("application_id = {}", uid(app.id))
            .and_param(
                "status <> 'revoked' AND (expiration_ns IS NULL OR expiration_ns > {})",
                nanos(now),
            )
            .count(tx)
            .await?;
        account.limits.admit(K::LIMIT, counted)?;
    }
    insert(tx, key).await
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
    applications::check_reach(scope, &app, K::KIND)?;
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
    scope: AppScope,
    application_id: ApplicationId,
    id: u128,
    change: &KeyUpdate,
    now: Timestamp,
) -> Result<K, TxError> {
    let mut key: K = load(tx, scope, application_id, id).await?;
    let before = key.clone();
    key.apply(change, now)?;
    if before.status() != KeyStatus::Revoked
        && key.status() != KeyStatus::Revoked
        && key.name() != before.name()
    {
        check_name_free(tx, &key).await?;
    }
    write(tx, &key).await?;
    Ok(key)
}

/// Removes a key.
pub(super) async fn remove<K: PgKey>(tx: &Tx<'_>, id: u128) -> Result<(), TxError> {
    let sql = format!("DELETE FROM {} WHERE id = $1", K::TABLE);
    tx.execute(&sql, &[&uid(id)]).await?;
    Ok(())
}

/// Removes every key of an application.
pub(super) async fn delete_all_of<K: PgKey>(
    tx: &Tx<'_>,
    application_id: ApplicationId,
) -> Result<(), TxError> {
    let sql = format!("DELETE FROM {} WHERE application_id = $1", K::TABLE);
    tx.execute(&sql, &[&uid(application_id)]).await?;
    Ok(())
}

/// Moves `last_used_at` forward for keys that still exist.
pub(super) async fn record_use<K: PgKey>(
    tx: &Tx<'_>,
    uses: &[(u128, Timestamp)],
) -> Result<(), TxError> {
    for (id, at) in uses {
        if let Some(mut key) = find::<K>(tx, *id).await? {
            let last = key.last_used_at();
            if last.is_none_or(|last| last < *at) {
                *last = Some(*at);
                write(tx, &key).await?;
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
    stored.secret_hash = new.clone();
    write(tx, &stored).await?;
    Ok(true)
}

/// Deletes every listed access key of the account, or none.
pub(super) async fn bulk_delete(
    tx: &Tx<'_>,
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
                match applications::check_reach(scope, &app, StoredAccessKey::KIND) {
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
            remove::<StoredAccessKey>(tx, key.id()).await?;
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
