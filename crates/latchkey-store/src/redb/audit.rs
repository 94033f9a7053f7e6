//! The audit log: records appended in the write transaction of the change
//! they record, listed per account in id (time) order.

use jiff::Timestamp;
use latchkey_core::audit::AuditRecord;
use latchkey_core::id::{AccountId, AuditRecordId};
use latchkey_core::list::{Page, PageRequest};
use redb::{ReadableTable, WriteTransaction};

use super::RedbStore;
use super::tables::{AUDIT_BY_ACCOUNT, AUDIT_LOG};
use super::tx::{Read, Write};
use crate::{AuditFilter, StoreError, StoreResult};

/// Appends a record to its account's log, in the caller's transaction.
pub(super) fn append(txn: &WriteTransaction, record: &AuditRecord) -> StoreResult<()> {
    txn.put(AUDIT_LOG, record.id.into(), record)?;
    txn.link(AUDIT_BY_ACCOUNT, record.account_id.into(), record.id.into())
}

/// Appends every record, in order.
pub(super) fn append_all(
    txn: &WriteTransaction,
    records: impl IntoIterator<Item = AuditRecord>,
) -> StoreResult<()> {
    for record in records {
        append(txn, &record)?;
    }
    Ok(())
}

/// The smallest id a record written at or after `at` can have: a UUIDv7
/// starts with its Unix milliseconds.
fn first_id_at(at: Timestamp) -> u128 {
    let millis = u128::try_from(at.as_millisecond()).unwrap_or(0);
    millis << 80
}

impl RedbStore {
    pub(super) fn append_audit_records_now(&self, records: Vec<AuditRecord>) -> StoreResult<()> {
        self.write(|txn| append_all(txn, records))
    }

    pub(super) fn sweep_audit_records_now(
        &self,
        before: Timestamp,
        batch: u32,
    ) -> StoreResult<u64> {
        self.write(|txn| {
            let mut doomed = Vec::new();
            {
                let table = txn.open_table(AUDIT_LOG)?;
                for entry in table.range(..first_id_at(before))? {
                    let (id, bytes) = entry?;
                    let record: AuditRecord = serde_json::from_slice(bytes.value())
                        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
                    if record.at < before {
                        doomed.push((id.value(), record.account_id));
                    }
                    if doomed.len() >= batch as usize {
                        break;
                    }
                }
            }
            for (id, account) in &doomed {
                txn.remove(AUDIT_LOG, *id)?;
                txn.unlink(AUDIT_BY_ACCOUNT, (*account).into(), *id)?;
            }
            Ok(doomed.len() as u64)
        })
    }

    pub(super) fn list_audit_records_now(
        &self,
        account_id: AccountId,
        filter: &AuditFilter,
        page: &PageRequest<AuditRecordId>,
    ) -> StoreResult<Page<AuditRecord>> {
        self.read(|txn| {
            txn.page(
                AUDIT_BY_ACCOUNT,
                account_id.into(),
                AUDIT_LOG,
                page,
                |record: &AuditRecord| filter.matches(record),
            )
        })
    }
}
