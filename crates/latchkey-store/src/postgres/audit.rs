//! The audit log: records inserted in the transaction of the change they
//! record, listed per account in id (time) order.

use jiff::Timestamp;
use latchkey_core::audit::AuditRecord;
use latchkey_core::id::{AccountId, AuditRecordId};
use latchkey_core::list::{Page, PageRequest};

use super::rows::{Selection, json, nanos, uid};
use super::tx::{Tx, TxError};
use crate::AuditFilter;

/// Inserts a record, in the caller's transaction.
pub(super) async fn append(tx: &Tx<'_>, record: &AuditRecord) -> Result<(), TxError> {
    tx.execute(
        "INSERT INTO audit_log (id, account_id, at_ns, action, target_id, actor_user_id, doc) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &uid(record.id),
            &uid(record.account_id),
            &nanos(record.at),
            &record.action.as_str(),
            &record.target.id,
            &record.actor.user_id.map(uid),
            &json(record)?,
        ],
    )
    .await?;
    Ok(())
}

/// Inserts every record, in order.
pub(super) async fn append_all(
    tx: &Tx<'_>,
    records: impl IntoIterator<Item = AuditRecord>,
) -> Result<(), TxError> {
    for record in records {
        append(tx, &record).await?;
    }
    Ok(())
}

/// Removes at most `batch` records written before `before`, oldest first.
pub(super) async fn sweep(tx: &Tx<'_>, before: Timestamp, batch: u32) -> Result<u64, TxError> {
    tx.execute(
        "DELETE FROM audit_log WHERE id IN \
         (SELECT id FROM audit_log WHERE at_ns < $1 ORDER BY at_ns LIMIT $2)",
        &[&nanos(before), &i64::from(batch)],
    )
    .await
}

/// A page of an account's log.
pub(super) async fn list(
    tx: &Tx<'_>,
    account_id: AccountId,
    filter: &AuditFilter,
    page: &PageRequest<AuditRecordId>,
) -> Result<Page<AuditRecord>, TxError> {
    let mut selection = Selection::from("audit_log").and_param("account_id = {}", uid(account_id));
    if let Some(action) = filter.action {
        selection = selection.and_param("action = {}", action.as_str().to_owned());
    }
    if let Some(target) = &filter.target_id {
        selection = selection.and_param("target_id = {}", target.clone());
    }
    if let Some(user) = filter.actor_user_id {
        selection = selection.and_param("actor_user_id = {}", uid(user));
    }
    if let Some(since) = filter.since {
        selection = selection.and_param("at_ns >= {}", nanos(since));
    }
    if let Some(until) = filter.until {
        selection = selection.and_param("at_ns <= {}", nanos(until));
    }
    selection.page(tx, page).await
}
