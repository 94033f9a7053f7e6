//! One cold verification per access key at a time. When many requests bring
//! the same not-yet-cached key at once (a fleet of workers starting with one
//! key, or a busy key right after a change to its account invalidated it),
//! the first reads the store and checks the secret; the others wait for it
//! and then find the verification cached. With a digest the check itself is
//! a microsecond, but the read is not free (a pooled connection and a round
//! trip on PostgreSQL): one read instead of one per waiting request. For a
//! key still stored with an earlier version's argon2id hash, it also means
//! one argon2id run (about 20 ms of CPU and 19 MiB) and one rewrite with the
//! digest, instead of one per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use latchkey_core::id::AccessKeyId;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// A gate per access key whose verification is under way.
#[derive(Debug, Default)]
pub struct ColdKeyGates {
    gates: Mutex<HashMap<AccessKeyId, Arc<AsyncMutex<()>>>>,
}

/// Held while one request verifies a key; dropping it lets the next waiter in.
#[derive(Debug)]
pub struct ColdKeyTurn<'a> {
    gates: &'a ColdKeyGates,
    id: AccessKeyId,
    // An `Option` so that `drop` can release it before tidying the map.
    turn: Option<OwnedMutexGuard<()>>,
}

impl ColdKeyGates {
    /// Waits until no other request is verifying `id`, then holds the turn.
    pub async fn enter(&self, id: AccessKeyId) -> ColdKeyTurn<'_> {
        let gate = {
            let mut gates = self.gates.lock().expect("gates lock");
            gates.entry(id).or_default().clone()
        };
        let turn = gate.lock_owned().await;
        ColdKeyTurn {
            gates: self,
            id,
            turn: Some(turn),
        }
    }

    /// Keys with a verification under way or awaited.
    pub fn len(&self) -> usize {
        self.gates.lock().expect("gates lock").len()
    }

    /// Whether no verification is under way.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for ColdKeyTurn<'_> {
    fn drop(&mut self) {
        let mut gates = self.gates.gates.lock().expect("gates lock");
        if let Some(turn) = self.turn.take() {
            // The map and this turn hold the gate; any more are waiters,
            // who need it to stay.
            let waiters = Arc::strong_count(OwnedMutexGuard::mutex(&turn)) > 2;
            drop(turn);
            if !waiters {
                gates.remove(&self.id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn one_turn_at_a_time_per_key_and_the_map_is_emptied() {
        let gates = Arc::new(ColdKeyGates::default());
        let id = AccessKeyId::generate();
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (gates, inside, most) = (gates.clone(), inside.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = gates.enter(id).await;
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        assert!(gates.is_empty());
    }

    #[tokio::test]
    async fn other_keys_do_not_wait() {
        let gates = ColdKeyGates::default();
        let _first = gates.enter(AccessKeyId::generate()).await;
        let second =
            tokio::time::timeout(Duration::from_secs(5), gates.enter(AccessKeyId::generate()))
                .await;
        assert!(second.is_ok());
        assert_eq!(gates.len(), 2);
    }
}
