//! The embedded store: one redb file.
//!
//! Every operation is one redb transaction; writes commit with redb's
//! default `Durability::Immediate`, so an acknowledged write survives a
//! crash. redb admits one write transaction at a time, which makes limit
//! checks exact: a count and the insert it allows cannot interleave with
//! another writer's.
//!
//! The file carries a schema version, checked at open: a file from a newer
//! Latchkey is refused with [`StoreError::SchemaTooNew`], never rewritten.
//!
//! Every write reports itself to the store's commit observers around its
//! commit ([`crate::commits`]), inside [`RedbStore::write_reporting`], the
//! one way a write commits; the operation says which account it changes by
//! the handle it runs on ([`RedbStore::reporting`]; a handle that was told
//! nothing reports that anything may have changed), or, when only its reads
//! can tell (a leaked-key report, the sweep of unused keys), by what its work
//! returns.

mod access_keys;
mod accounts;
mod applications;
mod audit;
mod credentials;
mod export;
mod groups;
mod jwt_keys;
mod keys;
mod people;
mod store_impl;
mod tables;
mod tx;
mod users;

use std::path::Path;
use std::sync::Arc;

use redb::{Database, ReadTransaction, ReadableDatabase, ReadableTable, WriteTransaction};

use crate::commits::{Changed, CommitObservers};
use crate::{StoreError, StoreResult};
use tables::{META, SCHEMA_VERSION_KEY};

/// The schema version this build reads and writes. 2: users may carry a
/// console password, and the `sessions` and `password_links` tables exist
/// (a version-1 file is upgraded at open by creating them; a build that
/// knows only version 1 would drop passwords when it rewrote a user, so it
/// must refuse the file). 3: the audit log's tables exist, and every
/// `Administrators` group holds `audit:view` (a version-2 file is upgraded
/// at open; a build that knows only version 2 would change data without
/// recording it, so it must refuse the file). 4: accounts may carry a key
/// policy, and every `Administrators` group holds `credentials:introspect`
/// (a version-2 or 3 file is upgraded at open: an account without a policy
/// reads as the empty one; a build that knows only version 3 would drop a
/// policy when it rewrote the account, so it must refuse the file). 5: each
/// application's keys that count toward its limit are kept as a count (keys
/// without expiration) and an expiration index (the others), written with
/// every key (an older file is upgraded at open by counting its keys; a
/// build that knows only version 4 would write keys without keeping the
/// count, so it must refuse the file).
pub const SCHEMA_VERSION: u64 = 5;

/// The embedded store. Cheap to clone; clones share the open file and the
/// commit observers.
#[derive(Clone)]
pub struct RedbStore {
    db: Arc<Database>,
    commits: CommitObservers,
    /// What this handle's writes report as changed: everything, unless the
    /// operation running on it narrowed it ([`RedbStore::reporting`]);
    /// `None` for bookkeeping, which reports nothing.
    changes: Option<Changed>,
}

impl std::fmt::Debug for RedbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedbStore").finish_non_exhaustive()
    }
}

impl RedbStore {
    /// Opens the data file, creating it when missing (readable by its owner
    /// only), and checks its schema version.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        create_private(path.as_ref())?;
        let db = Database::create(path.as_ref())?;
        let store = RedbStore {
            db: Arc::new(db),
            commits: CommitObservers::default(),
            changes: Some(Changed::Everything),
        };
        store.check_schema()?;
        Ok(store)
    }

    /// A store held in memory only, gone when dropped: for tests and
    /// simulations that need the real store without a file.
    pub fn in_memory() -> StoreResult<Self> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        let store = RedbStore {
            db: Arc::new(db),
            commits: CommitObservers::default(),
            changes: Some(Changed::Everything),
        };
        store.check_schema()?;
        Ok(store)
    }

    fn check_schema(&self) -> StoreResult<()> {
        let txn = self.db.begin_write()?;
        let found = {
            let mut meta = txn.open_table(META)?;
            let found = meta.get(SCHEMA_VERSION_KEY)?.map(|v| v.value());
            if found.is_none() {
                meta.insert(SCHEMA_VERSION_KEY, SCHEMA_VERSION)?;
            }
            found
        };
        match found {
            Some(found) if found > SCHEMA_VERSION => {
                txn.abort()?;
                Err(StoreError::SchemaTooNew {
                    found,
                    supported: SCHEMA_VERSION,
                })
            }
            // Older versions are migrated here, in this transaction: new
            // tables come from `create_all`; the built-in groups are given
            // the permissions added since the file's version (`audit:view`
            // in 3, `credentials:introspect` in 4).
            _ => {
                tables::create_all(&txn)?;
                if found.is_some_and(|found| found < 3) {
                    groups::grant_built_in(&txn, latchkey_core::permission::Permission::AuditView)?;
                }
                if found.is_some_and(|found| found < 4) {
                    groups::grant_built_in(
                        &txn,
                        latchkey_core::permission::Permission::CredentialsIntrospect,
                    )?;
                }
                if found.is_some_and(|found| found < 5) {
                    keys::rebuild_limit_counts::<crate::StoredAccessKey>(&txn)?;
                    keys::rebuild_limit_counts::<latchkey_core::resource::JwtKey>(&txn)?;
                }
                txn.open_table(META)?
                    .insert(SCHEMA_VERSION_KEY, SCHEMA_VERSION)?;
                txn.commit()?;
                Ok(())
            }
        }
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> StoreResult<u64> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        let version = meta.get(SCHEMA_VERSION_KEY)?.map(|v| v.value());
        version.ok_or_else(|| StoreError::Corrupt("missing schema version".into()))
    }

    /// The access keys of `application` that count toward its limit at
    /// `now`, as the store's maintained count gives them (what a creation is
    /// admitted against): for tests that check the count against the keys,
    /// and for benchmarks.
    pub fn access_key_limit_count(
        &self,
        application: latchkey_core::id::ApplicationId,
        now: jiff::Timestamp,
    ) -> StoreResult<u64> {
        self.read(|txn| keys::limit_count::<crate::StoredAccessKey>(txn, application, now))
    }

    /// [`RedbStore::access_key_limit_count`] for JWT keys.
    pub fn jwt_key_limit_count(
        &self,
        application: latchkey_core::id::ApplicationId,
        now: jiff::Timestamp,
    ) -> StoreResult<u64> {
        self.read(|txn| keys::limit_count::<latchkey_core::resource::JwtKey>(txn, application, now))
    }

    /// Runs `work` in a read transaction.
    fn read<T>(&self, work: impl FnOnce(&ReadTransaction) -> StoreResult<T>) -> StoreResult<T> {
        let txn = self.db.begin_read()?;
        work(&txn)
    }

    /// This store, with its writes reported as changing `changes` (`None`:
    /// nothing, for bookkeeping).
    fn reporting(&self, changes: Option<Changed>) -> RedbStore {
        RedbStore {
            changes,
            ..self.clone()
        }
    }

    /// Runs `work` in a write transaction, committing only when it succeeds;
    /// on error the transaction is dropped and nothing is written. The
    /// commit is reported to the observers around it, on this thread, before
    /// this returns.
    fn write<T>(&self, work: impl FnOnce(&WriteTransaction) -> StoreResult<T>) -> StoreResult<T> {
        self.write_with(work)
    }

    /// [`RedbStore::write`] for work with an error of its own.
    fn write_with<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&WriteTransaction) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_reporting(|txn| Ok((work(txn)?, self.changes)))
    }

    /// [`RedbStore::write`] for work that finds out in its transaction what
    /// it changes, and says so (`None`: nothing authentication reads),
    /// whatever this handle would report: redb admits one writer at a time,
    /// so what the work read stays true until its commit.
    fn write_reporting<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&WriteTransaction) -> Result<(T, Option<Changed>), E>,
    ) -> Result<T, E> {
        let txn = self.db.begin_write().map_err(StoreError::from)?;
        let (value, changed) = work(&txn)?;
        let _reported = self.commits.committing(changed);
        txn.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    #[cfg(test)]
    fn write_schema_version(&self, version: u64) -> StoreResult<()> {
        self.write(|txn| {
            txn.open_table(META)?.insert(SCHEMA_VERSION_KEY, version)?;
            Ok(())
        })
    }
}

/// Creates `path` empty, with mode 0600, when it does not exist yet: the
/// data file holds key hashes and emails, and redb would create it with the
/// process's umask (often world-readable). An existing file is left as it
/// is (an empty one is where redb writes a new database).
fn create_private(path: &Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(StoreError::Backend(format!(
            "creating {}: {error}",
            path.display()
        ))),
    }
}

macro_rules! backend_errors {
    ($($error:ty),*) => {$(
        impl From<$error> for StoreError {
            fn from(error: $error) -> Self {
                StoreError::Backend(error.to_string())
            }
        }
    )*};
}

backend_errors!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latchkey.redb");
        let store = RedbStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        store.write_schema_version(SCHEMA_VERSION + 1).unwrap();
        drop(store);
        let error = RedbStore::open(&path).unwrap_err();
        assert!(
            matches!(error, StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION } if found == SCHEMA_VERSION + 1)
        );
        // Still refused: the failed open did not rewrite the version.
        assert!(matches!(
            RedbStore::open(&path),
            Err(StoreError::SchemaTooNew { .. })
        ));
    }

    /// A file of version `version` whose `Administrators` lacks
    /// `missing`, reopened: upgraded to the current version, with every
    /// permission of its account again.
    async fn upgrade_from(version: u64, missing: &[latchkey_core::permission::Permission]) {
        use crate::{AccountBundle, Store};
        use latchkey_core::audit::Acting;
        use latchkey_core::resource::{NewAccount, PolicyGroup};
        use tx::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latchkey.redb");
        let store = RedbStore::open(&path).unwrap();
        let now = jiff::Timestamp::now();
        let account = NewAccount {
            name: "Acme".into(),
            plan: latchkey_core::plan::Plan::Free,
            limits: None,
        }
        .build(false, now)
        .unwrap();
        let (bundle, _) = AccountBundle::build(account, "a@b.co", "http://x", now).unwrap();
        let mut group = bundle.administrators.clone();
        store
            .create_account(&Acting::system(), bundle)
            .await
            .unwrap();
        // As a file of that version holds it: without the permissions added since.
        group.permissions = group
            .permissions
            .iter()
            .filter(|p| !missing.contains(p))
            .collect();
        store
            .write(|txn| txn.put(tables::GROUPS, group.id.into(), &group))
            .unwrap();
        store.write_schema_version(version).unwrap();
        drop(store);
        let store = RedbStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let upgraded: PolicyGroup = store.get_group(group.account_id, group.id).await.unwrap();
        for permission in missing {
            assert!(
                upgraded.permissions.contains(*permission),
                "version {version}: {permission}"
            );
        }
        assert_eq!(
            upgraded.permissions,
            latchkey_core::delegation::every_permission(false)
        );
    }

    #[tokio::test]
    async fn an_older_file_gives_its_administrators_the_permissions_added_since() {
        use latchkey_core::permission::Permission;
        upgrade_from(
            2,
            &[Permission::AuditView, Permission::CredentialsIntrospect],
        )
        .await;
        upgrade_from(3, &[Permission::CredentialsIntrospect]).await;
    }

    #[tokio::test]
    async fn a_version_4_file_gets_its_limit_counts_at_open() {
        use crate::{AccountBundle, LimitPolicy, Store, StoreError};
        use jiff::{SignedDuration, Timestamp};
        use latchkey_core::audit::Acting;
        use latchkey_core::plan::{Limits, Plan};
        use latchkey_core::resource::NewAccount;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latchkey.redb");
        let store = RedbStore::open(&path).unwrap();
        let now = Timestamp::now();
        let limits = Limits {
            applications: 4,
            access_keys_per_application: 3,
            jwt_keys_per_application: 3,
        };
        let account = NewAccount {
            name: "Acme".into(),
            plan: Plan::Custom,
            limits: Some(limits),
        }
        .build(false, now)
        .unwrap();
        let (bundle, _) = AccountBundle::build(account, "a@b.co", "http://x", now).unwrap();
        let scope = crate::AppScope::account(bundle.account.id);
        let app = bundle.admin_application.id;
        let mut expiring = bundle.admin_key.clone();
        store
            .create_account(&Acting::system(), bundle)
            .await
            .unwrap();
        let soon = now + SignedDuration::from_secs(3600);
        expiring.key.id = latchkey_core::id::AccessKeyId::generate();
        expiring.key.name = "expiring".into();
        expiring.key.expiration = Some(soon);
        store.write(|txn| keys::insert(txn, &expiring)).unwrap();
        assert_eq!(store.access_key_limit_count(app, now).unwrap(), 2);
        // As a version-4 file holds it: keys, and no counts at all.
        store
            .write(|txn| {
                txn.delete_table(tables::ACCESS_KEYS_UNEXPIRING)?;
                txn.delete_table(tables::ACCESS_KEYS_EXPIRING)?;
                Ok(())
            })
            .unwrap();
        store.write_schema_version(4).unwrap();
        drop(store);
        let store = RedbStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(store.access_key_limit_count(app, now).unwrap(), 2);
        let later = soon + SignedDuration::from_secs(1);
        assert_eq!(store.access_key_limit_count(app, later).unwrap(), 1);
        // The limit (3) holds against the counted keys: one more fits, no more.
        let mut third = store
            .export_all_now()
            .unwrap()
            .into_iter()
            .find_map(|record| match record {
                crate::export::ExportRecord::AccessKey(key) => Some(key),
                _ => None,
            })
            .unwrap();
        for (name, fits) in [("third", true), ("fourth", false)] {
            third.key.id = latchkey_core::id::AccessKeyId::generate();
            third.key.name = name.into();
            third.key.expiration = None;
            let created = store
                .create_access_key(
                    &Acting::system(),
                    scope,
                    third.clone(),
                    LimitPolicy::Enforce,
                    now,
                )
                .await;
            assert_eq!(created.is_ok(), fits, "{name}: {created:?}");
            if !fits {
                assert!(matches!(created, Err(StoreError::LimitExceeded(_))));
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_new_data_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latchkey.redb");
        let store = RedbStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        drop(store);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
        // Reopening leaves an existing file's mode alone.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        RedbStore::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
