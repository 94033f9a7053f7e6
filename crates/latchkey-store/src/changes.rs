//! Changes made by other processes sharing a store: what a server replica
//! needs to keep its verified-credential cache honest.
//!
//! A store used by one process only (the redb file, which is locked by its
//! opener) has nothing to report: [`ChangeFeed::Local`]. A store shared by
//! several processes (PostgreSQL) reports every committed write that names an
//! account ([`Change::Account`]), writes it cannot narrow down
//! ([`Change::Everything`]), and the state of its listening connection: while
//! [`Change::Disconnected`] holds, changes may be missed, so nothing cached
//! may be trusted until the next [`Change::Connected`].
//!
//! A shared feed also answers *sync requests*: [`SyncRequests::request`]
//! with a ticket is answered by [`Change::Synced`] with that ticket (or a
//! later one) once every change committed before the request was made has
//! been delivered ahead of it on the feed. A replica that waits for it before
//! trusting a cached credential can never act on a credential changed by a
//! write that had committed (and been answered) before the request arrived.

use latchkey_core::id::AccountId;
use tokio::sync::mpsc;

/// One event of a [`ChangeFeed`], in the order the store observed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A committed write changed something in this account.
    Account(AccountId),
    /// A committed write may have changed anything.
    Everything,
    /// The feed now listens: changes committed from here on are delivered.
    /// Changes committed while it was disconnected were not.
    Connected,
    /// The feed stopped listening (and reconnects by itself): until the next
    /// [`Change::Connected`], committed changes may go unreported.
    Disconnected,
    /// Every change committed before the sync request with this ticket (and
    /// every smaller ticket) was made has been delivered before this event.
    Synced(u64),
}

/// The changes other processes make to a store.
#[derive(Debug)]
pub enum ChangeFeed {
    /// Only this process writes: there is nothing to report.
    Local,
    /// Other processes write too.
    Shared {
        /// The events, in order.
        events: mpsc::UnboundedReceiver<Change>,
        /// Where sync requests go.
        sync: SyncRequests,
    },
}

/// Sends sync requests to a shared feed; cheap to clone.
#[derive(Debug, Clone)]
pub struct SyncRequests(mpsc::UnboundedSender<u64>);

impl SyncRequests {
    /// Wraps the channel a feed reads its sync requests from.
    pub fn new(sender: mpsc::UnboundedSender<u64>) -> Self {
        SyncRequests(sender)
    }

    /// Asks for a [`Change::Synced`] covering `ticket`. Tickets must be
    /// drawn from one increasing counter, each before it is requested: the
    /// feed answers several pending requests with one sync and the largest
    /// ticket. Returns false when the feed is gone.
    pub fn request(&self, ticket: u64) -> bool {
        self.0.send(ticket).is_ok()
    }
}
