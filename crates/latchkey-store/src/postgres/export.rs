//! Export and import on PostgreSQL: an export reads one snapshot (one
//! `REPEATABLE READ` transaction); an import writes everything in one
//! serializable transaction that first queues on `creation_lock` and finds
//! every table empty.

use latchkey_core::audit::AuditRecord;
use latchkey_core::resource::{Account, Application, JwtKey, PolicyGroup, User};
use serde::de::DeserializeOwned;

use super::rows::doc;
use super::tx::{Tx, TxError};
use super::{accounts, applications, audit, groups, keys, users};
use crate::StoredAccessKey;
use crate::export::{ExportRecord, ImportSet, RecordKind};

/// Each kind's table.
const TABLES: [(RecordKind, &str); 7] = [
    (RecordKind::Account, "accounts"),
    (RecordKind::PolicyGroup, "policy_groups"),
    (RecordKind::User, "users"),
    (RecordKind::Application, "applications"),
    (RecordKind::AccessKey, "access_keys"),
    (RecordKind::JwtKey, "jwt_keys"),
    (RecordKind::AuditRecord, "audit_log"),
];

/// Appends every record of `table`, in id order (a uuid compares like the
/// id's 128 bits, so this is creation order, as in redb).
async fn every<T: DeserializeOwned>(
    tx: &Tx<'_>,
    table: &str,
    wrap: fn(T) -> ExportRecord,
    out: &mut Vec<ExportRecord>,
) -> Result<(), TxError> {
    let sql = format!("SELECT doc FROM {table} ORDER BY id");
    for row in tx.query(&sql, &[]).await? {
        out.push(wrap(doc(&row)?));
    }
    Ok(())
}

/// Every record, in export order.
pub(super) async fn export(tx: &Tx<'_>) -> Result<Vec<ExportRecord>, TxError> {
    let mut records = Vec::new();
    every::<Account>(tx, "accounts", ExportRecord::Account, &mut records).await?;
    every::<PolicyGroup>(tx, "policy_groups", ExportRecord::PolicyGroup, &mut records).await?;
    every::<User>(tx, "users", ExportRecord::User, &mut records).await?;
    every::<Application>(tx, "applications", ExportRecord::Application, &mut records).await?;
    every::<StoredAccessKey>(tx, "access_keys", ExportRecord::AccessKey, &mut records).await?;
    every::<JwtKey>(tx, "jwt_keys", ExportRecord::JwtKey, &mut records).await?;
    every::<AuditRecord>(tx, "audit_log", ExportRecord::AuditRecord, &mut records).await?;
    Ok(records)
}

/// A kind of record the database holds, if it holds any.
async fn first_kind_held(tx: &Tx<'_>) -> Result<Option<RecordKind>, TxError> {
    for (kind, table) in TABLES {
        let sql = format!("SELECT 1 FROM {table} LIMIT 1");
        if tx.query_opt(&sql, &[]).await?.is_some() {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

/// Writes every record into an empty database; when the database is not
/// empty, writes nothing and answers a kind it holds.
pub(super) async fn import(tx: &Tx<'_>, set: &ImportSet) -> Result<Option<RecordKind>, TxError> {
    if let Some(kind) = first_kind_held(tx).await? {
        return Ok(Some(kind));
    }
    for record in set.records() {
        match record {
            ExportRecord::Account(account) => accounts::insert(tx, account).await?,
            ExportRecord::PolicyGroup(group) => groups::insert(tx, group).await?,
            ExportRecord::User(user) => users::insert(tx, user).await?,
            ExportRecord::Application(app) => applications::insert(tx, app).await?,
            ExportRecord::AccessKey(key) => keys::insert(tx, key).await?,
            ExportRecord::JwtKey(key) => keys::insert(tx, key).await?,
            ExportRecord::AuditRecord(record) => audit::append(tx, record).await?,
        }
    }
    Ok(None)
}
