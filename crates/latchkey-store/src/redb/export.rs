//! Export and import on the redb file: an export reads one snapshot (one
//! read transaction); an import writes everything in one write transaction,
//! after finding the file empty in that same transaction.

use latchkey_core::audit::AuditRecord;
use latchkey_core::resource::{Account, Application, JwtKey, PolicyGroup, User};
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::de::DeserializeOwned;

use super::tables::{
    ACCESS_KEYS, ACCOUNTS, APPLICATIONS, AUDIT_LOG, GROUPS, JWT_KEYS, Records, USERS,
};
use super::{RedbStore, access_keys, accounts, applications, audit, groups, keys, users};
use crate::export::{ExportRecord, ImportError, ImportSet, RecordKind};
use crate::{StoreError, StoreResult, StoredAccessKey};

/// Each kind's table.
const TABLES: [(RecordKind, Records); 7] = [
    (RecordKind::Account, ACCOUNTS),
    (RecordKind::PolicyGroup, GROUPS),
    (RecordKind::User, USERS),
    (RecordKind::Application, APPLICATIONS),
    (RecordKind::AccessKey, ACCESS_KEYS),
    (RecordKind::JwtKey, JWT_KEYS),
    (RecordKind::AuditRecord, AUDIT_LOG),
];

/// Appends every record of `table`, in id order.
fn every<T: DeserializeOwned>(
    txn: &ReadTransaction,
    table: Records,
    wrap: fn(T) -> ExportRecord,
    out: &mut Vec<ExportRecord>,
) -> StoreResult<()> {
    for entry in txn.open_table(table)?.iter()? {
        let (_, bytes) = entry?;
        let record = serde_json::from_slice(bytes.value())
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        out.push(wrap(record));
    }
    Ok(())
}

/// A kind of record the file holds, if it holds any.
fn first_kind_held(txn: &WriteTransaction) -> StoreResult<Option<RecordKind>> {
    for (kind, table) in TABLES {
        if !txn.open_table(table)?.is_empty()? {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

/// Writes one record and what the file derives from it.
fn insert(txn: &WriteTransaction, record: &ExportRecord) -> StoreResult<()> {
    match record {
        ExportRecord::Account(account) => accounts::insert(txn, account),
        ExportRecord::PolicyGroup(group) => groups::insert(txn, group),
        ExportRecord::User(user) => users::insert(txn, user),
        ExportRecord::Application(app) => applications::insert(txn, app),
        ExportRecord::AccessKey(key) => access_keys::insert(txn, key),
        ExportRecord::JwtKey(key) => keys::insert(txn, key),
        ExportRecord::AuditRecord(record) => audit::append(txn, record),
    }
}

impl RedbStore {
    pub(super) fn export_all_now(&self) -> StoreResult<Vec<ExportRecord>> {
        self.read(|txn| {
            let mut records = Vec::new();
            every::<Account>(txn, ACCOUNTS, ExportRecord::Account, &mut records)?;
            every::<PolicyGroup>(txn, GROUPS, ExportRecord::PolicyGroup, &mut records)?;
            every::<User>(txn, USERS, ExportRecord::User, &mut records)?;
            every::<Application>(txn, APPLICATIONS, ExportRecord::Application, &mut records)?;
            every::<StoredAccessKey>(txn, ACCESS_KEYS, ExportRecord::AccessKey, &mut records)?;
            every::<JwtKey>(txn, JWT_KEYS, ExportRecord::JwtKey, &mut records)?;
            every::<AuditRecord>(txn, AUDIT_LOG, ExportRecord::AuditRecord, &mut records)?;
            Ok(records)
        })
    }

    pub(super) fn import_all_now(&self, set: &ImportSet) -> Result<(), ImportError> {
        // A refusal drops the transaction without a commit: nothing is written.
        self.write_with(|txn| {
            if let Some(kind) = first_kind_held(txn)? {
                return Err(ImportError::NotEmpty { kind });
            }
            for record in set.records() {
                insert(txn, record)?;
            }
            Ok(())
        })
    }
}
