//! `last_used_at`, coalesced: a successful authentication notes the time in
//! memory (a key's first use through an identity, then at most one use a
//! minute: `Identity::should_note_use`); a background task writes the
//! latest noted time per key (access keys and JWT keys alike) every flush
//! interval (a second by default), one store call per kind of key, and once
//! more at shutdown. So a key's first use shows within about a second, and
//! later ones at most a minute late, while a busy key costs one write a
//! minute.
//!
//! A write that fails (the store unreachable) keeps its uses for the next
//! one: the first use of a key is noted once, and would otherwise never
//! show.

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
            // A session notes its own last request (`Store::touch_session`).
            Credential::Session(_) => {}
        }
    }

    /// Writes every pending use, one store call per kind of key; what could
    /// not be written stays pending.
    pub async fn flush(&self, store: &dyn Store) {
        let pending = std::mem::take(&mut *self.pending.lock().expect("usage lock"));
        let access_keys: Vec<_> = pending.access_keys.into_iter().collect();
        let jwt_keys: Vec<_> = pending.jwt_keys.into_iter().collect();
        let count = access_keys.len() + jwt_keys.len();
        if count == 0 {
            return;
        }
        let mut written = true;
        if !access_keys.is_empty()
            && let Err(error) = store.record_access_key_use(access_keys.clone()).await
        {
            tracing::warn!(%error, count = access_keys.len(), "could not record access key use; kept");
            self.keep(|pending| &mut pending.access_keys, access_keys);
            written = false;
        }
        if !jwt_keys.is_empty()
            && let Err(error) = store.record_jwt_key_use(jwt_keys.clone()).await
        {
            tracing::warn!(%error, count = jwt_keys.len(), "could not record JWT key use; kept");
            self.keep(|pending| &mut pending.jwt_keys, jwt_keys);
            written = false;
        }
        if written {
            tracing::debug!(count, "recorded key use");
        }
    }

    /// Puts uses that could not be written back beside those noted
    /// meanwhile (the later time wins).
    fn keep<K: std::hash::Hash + Eq>(
        &self,
        map: impl FnOnce(&mut Pending) -> &mut HashMap<K, Timestamp>,
        uses: Vec<(K, Timestamp)>,
    ) {
        let mut pending = self.pending.lock().expect("usage lock");
        let map = map(&mut pending);
        for (id, at) in uses {
            note(map, id, at);
        }
    }
}
