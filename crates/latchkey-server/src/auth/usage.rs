//! `last_used_at`, coalesced: each successful authentication notes the time
//! in memory; a background task writes the latest time per key at most once
//! per flush interval, and once more at shutdown.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;
use latchkey_core::id::AccessKeyId;
use latchkey_store::Store;

/// Uses not yet written.
#[derive(Debug, Default)]
pub struct UsageRecorder {
    pending: Mutex<HashMap<AccessKeyId, Timestamp>>,
}

impl UsageRecorder {
    /// Notes that `id` authenticated at `at`.
    pub fn record(&self, id: AccessKeyId, at: Timestamp) {
        let mut pending = self.pending.lock().expect("usage lock");
        pending
            .entry(id)
            .and_modify(|last| *last = (*last).max(at))
            .or_insert(at);
    }

    /// Writes every pending use in one store call.
    pub async fn flush(&self, store: &dyn Store) {
        let uses: Vec<_> = std::mem::take(&mut *self.pending.lock().expect("usage lock"))
            .into_iter()
            .collect();
        if uses.is_empty() {
            return;
        }
        let count = uses.len();
        if let Err(error) = store.record_access_key_use(uses).await {
            tracing::warn!(%error, count, "could not record key use");
        } else {
            tracing::debug!(count, "recorded key use");
        }
    }
}
