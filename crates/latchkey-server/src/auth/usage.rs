//! `last_used_at`, coalesced: each successful authentication notes the time
//! in memory; a background task writes the latest time per key (access keys
//! and JWT keys alike) at most once per flush interval, and once more at
//! shutdown.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;
use latchkey_core::authorize::Credential;
use latchkey_core::id::{AccessKeyId, JwtKeyId};
use latchkey_store::Store;

/// Uses not yet written.
#[derive(Debug, Default)]
pub struct UsageRecorder {
    pending: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    access_keys: HashMap<AccessKeyId, Timestamp>,
    jwt_keys: HashMap<JwtKeyId, Timestamp>,
}

fn note<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Timestamp>, id: K, at: Timestamp) {
    map.entry(id)
        .and_modify(|last| *last = (*last).max(at))
        .or_insert(at);
}

impl UsageRecorder {
    /// Notes that `credential` authenticated at `at`.
    pub fn record(&self, credential: Credential, at: Timestamp) {
        let mut pending = self.pending.lock().expect("usage lock");
        match credential {
            Credential::AccessKey(id) => note(&mut pending.access_keys, id, at),
            Credential::JwtKey(id) => note(&mut pending.jwt_keys, id, at),
        }
    }

    /// Writes every pending use, one store call per kind of key.
    pub async fn flush(&self, store: &dyn Store) {
        let pending = std::mem::take(&mut *self.pending.lock().expect("usage lock"));
        let access_keys: Vec<_> = pending.access_keys.into_iter().collect();
        let jwt_keys: Vec<_> = pending.jwt_keys.into_iter().collect();
        let count = access_keys.len() + jwt_keys.len();
        if count == 0 {
            return;
        }
        let mut result = Ok(());
        if !access_keys.is_empty() {
            result = store.record_access_key_use(access_keys).await;
        }
        if !jwt_keys.is_empty() {
            result = result.and(store.record_jwt_key_use(jwt_keys).await);
        }
        if let Err(error) = result {
            tracing::warn!(%error, count, "could not record key use");
        } else {
            tracing::debug!(count, "recorded key use");
        }
    }
}
