//! The change feed of a PostgreSQL store: one dedicated connection (outside
//! the pool) that `LISTEN`s on the channel every write announces itself on
//! (`pg_notify` inside the writing transaction, see [`super::tx`]), and
//! answers sync requests.
//!
//! Ordering is what makes the feed useful. PostgreSQL sends a listening
//! session the notifications of every transaction that committed before it
//! reads a query, ahead of that query's reply, and tokio-postgres hands
//! notifications out in the order they arrive. So a sync is one trivial query
//! on this connection: when its reply is in, every change committed before
//! it was sent has been received; they are forwarded first, then
//! [`Change::Synced`].
//!
//! A dropped connection is reported ([`Change::Disconnected`]) and retried
//! with a jittered exponential backoff; once `LISTEN` is in place again the
//! feed says [`Change::Connected`] (what was committed in between was
//! missed: the consumer must forget everything it cached).

use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::Duration;

use latchkey_core::id::AccountId;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio_postgres::{AsyncMessage, NoTls};

use super::tx::{CHANGES_CHANNEL, EVERYTHING};
use crate::changes::{Change, ChangeFeed, SyncRequests};

/// The `application_name` of the listening connection (operators see it in
/// `pg_stat_activity`).
pub const APPLICATION_NAME: &str = "latchkey-listener";
/// Longest wait for a connection to open, or for a sync to be answered,
/// before the connection is given up as dead.
const TIMEOUT: Duration = Duration::from_secs(5);
/// First pause before reconnecting; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// Longest pause between two connection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Starts listening on a connection of its own to the database `config`
/// names; the task ends when the feed is dropped.
pub(super) fn spawn(mut config: tokio_postgres::Config) -> ChangeFeed {
    config
        .application_name(APPLICATION_NAME)
        .connect_timeout(TIMEOUT)
        // A peer that vanished without closing the socket is noticed by the
        // sync timeout when busy, by TCP keepalives when idle.
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(10));
    let (events, events_out) = mpsc::unbounded_channel();
    let (sync, syncs) = mpsc::unbounded_channel();
    tokio::spawn(listen(config, events, syncs));
    ChangeFeed::Shared {
        events: events_out,
        sync: SyncRequests::new(sync),
    }
}

/// Why a session ended.
enum Ended {
    /// Nobody reads the feed any more.
    FeedDropped,
    /// The connection failed (or could not be opened).
    Lost(String),
}

/// Keeps a listening session up for as long as the feed is read.
async fn listen(
    config: tokio_postgres::Config,
    events: UnboundedSender<Change>,
    mut syncs: UnboundedReceiver<u64>,
) {
    let mut failures = 0u32;
    loop {
        match session(&config, &events, &mut syncs, &mut failures).await {
            Ended::FeedDropped => return,
            Ended::Lost(error) => {
                tracing::warn!(%error, "the change listener's database connection is down");
                if events.send(Change::Disconnected).is_err() {
                    return;
                }
            }
        }
        failures = failures.saturating_add(1);
        tokio::time::sleep(backoff(failures)).await;
    }
}

/// One connection's life: `LISTEN`, then forward notifications and answer
/// syncs until it fails. `failures` is reset once listening.
async fn session(
    config: &tokio_postgres::Config,
    events: &UnboundedSender<Change>,
    syncs: &mut UnboundedReceiver<u64>,
    failures: &mut u32,
) -> Ended {
    let (client, mut connection) = match tokio::time::timeout(TIMEOUT, config.connect(NoTls)).await
    {
        Ok(Ok(opened)) => opened,
        Ok(Err(error)) => return Ended::Lost(error.to_string()),
        Err(_) => return Ended::Lost("connecting timed out".into()),
    };
    // The connection is driven by a task of its own that hands
    // notifications over in arrival order, before it routes any later
    // reply to `client`: a reply seen here means every notification that
    // preceded it is already queued in `payloads`.
    let (payloads_in, mut payloads) = mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(notification))) => {
                    if payloads_in.send(notification.payload().to_owned()).is_err() {
                        return "listener gone".to_owned();
                    }
                }
                Some(Ok(_notice)) => {}
                Some(Err(error)) => return error.to_string(),
                None => return "connection closed".to_owned(),
            }
        }
    });
    let _stop_driver = AbortOnDrop(driver.abort_handle());
    let listen = format!("LISTEN {CHANGES_CHANNEL}");
    match tokio::time::timeout(TIMEOUT, client.batch_execute(&listen)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Ended::Lost(error.to_string()),
        Err(_) => return Ended::Lost("LISTEN timed out".into()),
    }
    if events.send(Change::Connected).is_err() {
        return Ended::FeedDropped;
    }
    *failures = 0;
    loop {
        tokio::select! {
            payload = payloads.recv() => match payload {
                Some(payload) => {
                    if events.send(change_of(&payload)).is_err() {
                        return Ended::FeedDropped;
                    }
                }
                None => return Ended::Lost(driver_error(driver).await),
            },
            ticket = syncs.recv() => {
                let Some(mut ticket) = ticket else { return Ended::FeedDropped };
                // Every request already queued was made before this query is
                // sent: one reply answers them all.
                while let Ok(later) = syncs.try_recv() {
                    ticket = ticket.max(later);
                }
                match tokio::time::timeout(TIMEOUT, client.simple_query("SELECT 1")).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => return Ended::Lost(error.to_string()),
                    Err(_) => return Ended::Lost("a sync query timed out".into()),
                }
                while let Ok(payload) = payloads.try_recv() {
                    if events.send(change_of(&payload)).is_err() {
                        return Ended::FeedDropped;
                    }
                }
                if events.send(Change::Synced(ticket)).is_err() {
                    return Ended::FeedDropped;
                }
            }
        }
    }
}

/// Why the driver task ended.
async fn driver_error(driver: tokio::task::JoinHandle<String>) -> String {
    driver
        .await
        .unwrap_or_else(|error| format!("connection task failed: {error}"))
}

/// Aborts a task when dropped (a session that ends stops its driver).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What a payload announces: an account, or (anything else, including a
/// payload this build cannot read) everything.
fn change_of(payload: &str) -> Change {
    if payload == EVERYTHING {
        return Change::Everything;
    }
    match payload.parse::<AccountId>() {
        Ok(account) => Change::Account(account),
        Err(_) => {
            tracing::warn!(
                payload,
                "unreadable change announcement: forgetting everything"
            );
            Change::Everything
        }
    }
}

/// Full jitter over an exponential ceiling: 50 ms, 100 ms, 200 ms … up to
/// [`MAX_BACKOFF`], so replicas that lost the database together do not
/// reconnect in lockstep.
fn backoff(failures: u32) -> Duration {
    let ceiling = FIRST_BACKOFF
        .saturating_mul(1u32 << failures.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let random = RandomState::new().build_hasher().finish();
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    // At least half the ceiling: a dead database is not hammered.
    Duration::from_nanos(nanos / 2 + random % (nanos / 2).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_an_account_or_everything() {
        let account = AccountId::generate();
        assert_eq!(change_of(&account.to_string()), Change::Account(account));
        assert_eq!(change_of(EVERYTHING), Change::Everything);
        assert_eq!(change_of("acc_not-an-id"), Change::Everything);
        assert_eq!(change_of(""), Change::Everything);
    }

    #[test]
    fn backoff_grows_to_its_ceiling_and_keeps_half_of_it() {
        assert!(backoff(1) >= FIRST_BACKOFF / 2 && backoff(1) < FIRST_BACKOFF);
        assert!(backoff(2) >= FIRST_BACKOFF && backoff(2) < FIRST_BACKOFF * 2);
        for failures in [8, 20, 40, u32::MAX] {
            let pause = backoff(failures);
            assert!(
                pause >= MAX_BACKOFF / 2 && pause <= MAX_BACKOFF,
                "{pause:?}"
            );
        }
    }
}
