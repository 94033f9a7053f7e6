//! Several replicas on one database: applying the other replicas' writes to
//! this one's caches, and never trusting a cached credential that a write
//! answered before the request arrived might have changed.
//!
//! The store's [`ChangeFeed`] reports each committed write's account; the
//! follower task bumps that account's generation, which makes every entry
//! built from an earlier read stale (see [`super::cache`]). Notifications
//! arrive asynchronously, so a request could reach this replica after another
//! replica answered a revocation but before its notification is applied.
//! Closing that window is [`ReplicaSync::caught_up`]: before serving a cached
//! outcome, the request asks the feed for a sync made after it arrived and
//! waits for it; the feed delivers every change committed before the sync
//! ahead of the answer, so the cache is looked up again with them applied.
//! Concurrent requests share one sync (one round trip to PostgreSQL on the
//! listening connection, no argon2id, no pooled connection).
//!
//! While the feed is not listening (its connection dropped, or not yet up),
//! changes may be missed: [`ReplicaSync::caught_up`] says no at once, so
//! every request verifies against the store, and every entry cached so far
//! is forgotten both when the connection drops and when it is back.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use latchkey_store::{Change, SyncRequests};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::watch;

use super::Authenticator;

/// Where the feed stands, as applied by the follower.
#[derive(Debug, Clone, Copy, Default)]
struct FeedState {
    /// Listening: every committed change will be delivered.
    connected: bool,
    /// Counts the connections: a sync answered on a later connection than
    /// the one a request saw says nothing about what was missed in between.
    epoch: u64,
    /// The largest ticket answered (every smaller one is answered too).
    synced: u64,
}

/// Lets requests wait until this replica has applied every change committed
/// before they arrived.
pub struct ReplicaSync {
    sync: SyncRequests,
    tickets: AtomicU64,
    state: watch::Sender<FeedState>,
}

impl ReplicaSync {
    /// A sync point for a feed that sends its requests to `sync`.
    pub fn new(sync: SyncRequests) -> Self {
        ReplicaSync {
            sync,
            tickets: AtomicU64::new(0),
            state: watch::Sender::new(FeedState::default()),
        }
    }

    /// Waits until every change committed before this call has been applied
    /// to the caches. False when that cannot be known (the feed is not
    /// listening, or reconnected meanwhile): do not trust the cache then.
    pub async fn caught_up(&self) -> bool {
        let mut state = self.state.subscribe();
        let start = *state.borrow_and_update();
        if !start.connected {
            return false;
        }
        // Drawn after the request arrived; the feed answers it (or a larger
        // ticket) with a query sent after the ticket was drawn.
        let ticket = self.tickets.fetch_add(1, Ordering::SeqCst) + 1;
        if !self.sync.request(ticket) {
            return false;
        }
        let reached = state
            .wait_for(|now| now.epoch != start.epoch || !now.connected || now.synced >= ticket)
            .await;
        reached.is_ok_and(|now| now.connected && now.epoch == start.epoch && now.synced >= ticket)
    }

    /// Waits up to `limit` for the feed to listen; true if it does.
    pub async fn listening_within(&self, limit: Duration) -> bool {
        let mut state = self.state.subscribe();
        tokio::time::timeout(limit, state.wait_for(|now| now.connected))
            .await
            .is_ok_and(|reached| reached.is_ok())
    }

    /// Applies the feed's events in order, until the feed ends (then the
    /// cache is never trusted again).
    pub async fn follow(&self, auth: &Authenticator, mut events: UnboundedReceiver<Change>) {
        while let Some(change) = events.recv().await {
            match change {
                Change::Account(account_id) => auth.invalidate(account_id),
                Change::Everything => auth.forget_everything(),
                Change::Connected => {
                    // Whatever was committed while nobody listened is unknown.
                    auth.forget_everything();
                    self.state.send_modify(|state| {
                        state.connected = true;
                        state.epoch += 1;
                    });
                    tracing::info!("following the other replicas' changes");
                }
                Change::Disconnected => {
                    self.state.send_modify(|state| state.connected = false);
                    auth.forget_everything();
                    tracing::warn!(
                        "not following the other replicas' changes: every request verifies \
                         against the store until the listener reconnects"
                    );
                }
                Change::Synced(ticket) => self.state.send_modify(|state| {
                    state.synced = state.synced.max(ticket);
                }),
            }
        }
        self.state.send_modify(|state| state.connected = false);
        auth.forget_everything();
        tracing::error!("the change feed ended: the credential cache is off");
    }
}

/// Starts following `feed` for `auth`, when other processes share the store;
/// returns the sync point requests wait on.
pub(super) fn start(
    auth: Arc<Authenticator>,
    events: UnboundedReceiver<Change>,
    sync: SyncRequests,
) -> Arc<ReplicaSync> {
    let replicas = Arc::new(ReplicaSync::new(sync));
    let follower = replicas.clone();
    tokio::spawn(async move { follower.follow(&auth, events).await });
    replicas
}
