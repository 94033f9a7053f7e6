//! Failed authentications, rate limited per client with a token bucket.
//!
//! A guess is paid for before it is checked, not after. Every
//! authentication that needs expensive work (a store read, an argon2id run,
//! a JWT signature check) first takes one token of its client's budget
//! ([`FailureLimiter::reserve`]); a verified credential gives it back
//! ([`Reservation::refund`]), a failed one leaves it spent. However many
//! wrong guesses one client sends at once, at most its budget of them is
//! ever checked: the next one finds no token and is refused (429) without
//! any work. Cheap refusals (a malformed credential, a secret the cache
//! already knows to be wrong) are counted after the fact
//! ([`FailureLimiter::spend`]).
//!
//! The choices, and why:
//! - A client whose remaining tokens are all held by its own checks still
//!   in flight waits for them to settle instead of being refused: each of
//!   them may succeed and give its token back. So a client with correct
//!   credentials is never refused because its checks overlap (a fleet
//!   starting many keys at once from one address), only once failures have
//!   actually spent its budget.
//! - A check that is abandoned (the client went away, the request ran out
//!   of time) counts as spent: abandoning requests must not buy free checks.
//! - A check the store could not answer (an outage) is refunded: it says
//!   nothing about the guess.
//! - Spent tokens come back at a steady rate: a legitimate client that
//!   mistyped is never locked out for good, it waits `1 / rate` seconds for
//!   its next try once the burst is spent.
//! - A client is one IPv4 address, or one IPv6 /64 ([`ClientKey`]): a single
//!   host or household gets a whole /64, so counting IPv6 addresses one by
//!   one would hand an attacker 2^64 budgets.
//! - The limiter counts per any key (`K`, by default [`ClientKey`]): the
//!   console also counts failed sign-ins per email.
//! - Memory is bounded: at most a configured number of clients are tracked
//!   (besides those with a check in flight, which the connection limit
//!   bounds). A client with a full budget and nothing in flight is not
//!   tracked at all. When the map is full, the clients whose budgets are
//!   full again are forgotten first; if that is not enough (more clients
//!   than the bound have failed recently, as a flood from many addresses
//!   does), the eighth of the clients nearest to a full budget are
//!   forgotten, that is those that lose least by it. The sweep costs a pass
//!   over the map once per eighth of the bound of new clients, O(1) each
//!   on average, so a flood of new addresses cannot grow memory and pays
//!   little CPU for it. A forgotten client starts again with a full burst:
//!   an attacker with more addresses than the bound gets a few more guesses
//!   per address, which (2^-256 each) is worth nothing against a key, and
//!   each guess still costs it a request.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// Clients tracked at most unless configured
/// ([`FailureLimiter::with_max_clients`]).
pub const DEFAULT_MAX_CLIENTS: usize = 100_000;

/// How long a waiting reservation sleeps before looking again even if no
/// check settled (tokens also come back with time).
const SETTLE_POLL: Duration = Duration::from_millis(500);

/// One client as the limiter counts it: an IPv4 address, or the /64 of an
/// IPv6 address (an IPv4-mapped IPv6 address counts as its IPv4 address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl From<IpAddr> for ClientKey {
    fn from(address: IpAddr) -> Self {
        match address.to_canonical() {
            IpAddr::V4(v4) => ClientKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !(u128::from(u64::MAX));
                ClientKey(IpAddr::V6(Ipv6Addr::from(prefix)))
            }
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
    /// Reservations taken and not yet settled.
    in_flight: u32,
    /// Wakes reservations waiting for one of those to settle; made on the
    /// first wait only.
    settled: Option<watch::Sender<()>>,
}

impl Bucket {
    fn full(burst: f64, now: Instant) -> Self {
        Bucket {
            tokens: burst,
            updated: now,
            in_flight: 0,
            settled: None,
        }
    }
}

/// Token buckets of failures per client (or per any other key `K`).
#[derive(Debug)]
pub struct FailureLimiter<K = ClientKey> {
    burst: f64,
    per_second: f64,
    max_clients: usize,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// One token of a client's budget, taken before an expensive check. Settle
/// it with [`Reservation::refund`] (verified) or [`Reservation::spend`]
/// (a failed guess); dropped unsettled (an abandoned request), it stays
/// spent.
#[derive(Debug)]
#[must_use = "a reservation is settled by refund or spend"]
pub struct Reservation<'a, K: Copy + Eq + Hash = ClientKey> {
    limiter: &'a FailureLimiter<K>,
    client: K,
    settled: bool,
}

impl<K: Copy + Eq + Hash> Reservation<'_, K> {
    /// The check verified the credential (or could not be made): the token
    /// goes back to the client.
    pub fn refund(mut self) {
        self.settled = true;
        self.limiter.settle(self.client, true);
    }

    /// The check failed: the token stays spent.
    pub fn spend(mut self) {
        self.settled = true;
        self.limiter.settle(self.client, false);
    }
}

impl<K: Copy + Eq + Hash> Drop for Reservation<'_, K> {
    fn drop(&mut self) {
        if !self.settled {
            self.limiter.settle(self.client, false);
        }
    }
}

impl FailureLimiter {
    /// `burst` failures at once per client, `per_second` earned back.
    pub fn new(burst: u32, per_second: f64) -> Self {
        Self::keyed(burst, per_second)
    }
}

impl<K: Copy + Eq + Hash> FailureLimiter<K> {
    /// `burst` failures at once per key, `per_second` earned back.
    pub fn keyed(burst: u32, per_second: f64) -> Self {
        FailureLimiter {
            burst: f64::from(burst.max(1)),
            per_second: per_second.max(0.001),
            max_clients: DEFAULT_MAX_CLIENTS,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Tracks at most `max_clients` keys (at least 8; see the module
    /// documentation for what happens past it).
    pub fn with_max_clients(mut self, max_clients: usize) -> Self {
        self.max_clients = max_clients.max(8);
        self
    }

    /// Keys tracked now.
    pub fn len(&self) -> usize {
        self.buckets.lock().expect("limiter lock").len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let earned = now.duration_since(bucket.updated).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + earned).min(self.burst);
        bucket.updated = now;
    }

    /// Makes room for a new client when the map is full: forgets the
    /// buckets that are full again and have nothing in flight, then, when
    /// that is not enough, those nearest to full, down to seven eighths of
    /// the bound.
    fn make_room(&self, buckets: &mut HashMap<K, Bucket>, client: K, now: Instant) {
        if buckets.len() < self.max_clients || buckets.contains_key(&client) {
            return;
        }
        let (burst, per_second) = (self.burst, self.per_second);
        let tokens =
            |b: &Bucket| b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second;
        buckets.retain(|_, b| b.in_flight > 0 || tokens(b) < burst);
        let target = self.max_clients - self.max_clients / 8;
        if buckets.len() <= target {
            return;
        }
        let mut idle: Vec<(f64, K)> = buckets
            .iter()
            .filter(|(_, b)| b.in_flight == 0)
            .map(|(k, b)| (tokens(b), *k))
            .collect();
        let excess = (buckets.len() - target).min(idle.len());
        if excess == 0 {
            return;
        }
        // The `excess` fullest first.
        idle.select_nth_unstable_by(excess - 1, |a, b| b.0.total_cmp(&a.0));
        for (_, key) in &idle[..excess] {
            buckets.remove(key);
        }
    }

    /// `Err(seconds to wait)` when a reservation by `client` cannot succeed
    /// now: no token left and none in flight that could come back.
    pub fn check(&self, client: impl Into<K>) -> Result<(), u64> {
        let client = client.into();
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("limiter lock");
        let Some(bucket) = buckets.get_mut(&client) else {
            return Ok(());
        };
        self.refill(bucket, now);
        if bucket.tokens >= 1.0 || bucket.in_flight > 0 {
            Ok(())
        } else {
            Err(self.wait_seconds(bucket))
        }
    }

    /// Spends one failure of `client` (a refusal that cost nothing to
    /// make): `Err(seconds to wait)`, and nothing spent, when it has none
    /// left.
    pub fn spend(&self, client: impl Into<K>) -> Result<(), u64> {
        let client = client.into();
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("limiter lock");
        self.make_room(&mut buckets, client, now);
        let bucket = buckets
            .entry(client)
            .or_insert_with(|| Bucket::full(self.burst, now));
        self.refill(bucket, now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.wait_seconds(bucket))
        }
    }

    /// Takes a token of `client`'s budget before an expensive check. When
    /// every token left is held by checks of this client still in flight,
    /// waits for them to settle; `Err(seconds to wait)` once the budget is
    /// spent and nothing in flight can give a token back.
    pub async fn reserve(&self, client: impl Into<K>) -> Result<Reservation<'_, K>, u64> {
        let client = client.into();
        loop {
            let mut settled = {
                let now = Instant::now();
                let mut buckets = self.buckets.lock().expect("limiter lock");
                self.make_room(&mut buckets, client, now);
                let bucket = buckets
                    .entry(client)
                    .or_insert_with(|| Bucket::full(self.burst, now));
                self.refill(bucket, now);
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    bucket.in_flight += 1;
                    return Ok(Reservation {
                        limiter: self,
                        client,
                        settled: false,
                    });
                }
                if bucket.in_flight == 0 {
                    return Err(self.wait_seconds(bucket));
                }
                // Subscribed under the lock: no settlement can slip between
                // this look and the wait.
                bucket
                    .settled
                    .get_or_insert_with(|| watch::channel(()).0)
                    .subscribe()
            };
            let _ = tokio::time::timeout(SETTLE_POLL, settled.changed()).await;
        }
    }

    /// Ends a reservation of `client`: its token back (`refund`) or spent.
    fn settle(&self, client: K, refund: bool) {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("limiter lock");
        let Some(bucket) = buckets.get_mut(&client) else {
            return;
        };
        self.refill(bucket, now);
        bucket.in_flight = bucket.in_flight.saturating_sub(1);
        if refund {
            bucket.tokens = (bucket.tokens + 1.0).min(self.burst);
        }
        if let Some(settled) = &bucket.settled {
            settled.send_replace(());
        }
        // A client with a full budget and nothing in flight is not worth
        // remembering (most clients never fail).
        if bucket.in_flight == 0 && bucket.tokens >= self.burst {
            buckets.remove(&client);
        }
    }

    /// Whole seconds until `bucket` holds a failure to spend again.
    fn wait_seconds(&self, bucket: &Bucket) -> u64 {
        let wait = (1.0 - bucket.tokens) / self.per_second;
        wait.ceil().max(1.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_burst_is_allowed_then_refused() {
        let limiter = FailureLimiter::new(3, 0.01);
        let client = ip("127.0.0.1");
        let other = ip("127.0.0.2");
        for _ in 0..3 {
            assert!(limiter.check(client).is_ok());
            assert!(limiter.spend(client).is_ok());
        }
        assert!(limiter.check(client).unwrap_err() >= 1);
        assert!(limiter.spend(client).unwrap_err() >= 1);
        assert!(limiter.check(other).is_ok());
        assert!(limiter.spend(other).is_ok());
    }

    #[test]
    fn spent_failures_are_earned_back() {
        let limiter = FailureLimiter::new(1, 1000.0);
        let client = ip("::1");
        assert!(limiter.spend(client).is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(limiter.spend(client).is_ok());
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let limiter = FailureLimiter::new(2, 0.001);
        // Two addresses of one /64 share a budget.
        assert!(limiter.spend(ip("2001:db8:1:2::1")).is_ok());
        assert!(
            limiter
                .spend(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))
                .is_ok()
        );
        assert!(limiter.spend(ip("2001:db8:1:2:abcd::9")).is_err());
        // The next /64 has its own.
        assert!(limiter.spend(ip("2001:db8:1:3::1")).is_ok());
        // An IPv4-mapped address is its IPv4 address.
        assert!(limiter.spend(ip("192.0.2.7")).is_ok());
        assert!(limiter.spend(ip("::ffff:192.0.2.7")).is_ok());
        assert!(limiter.spend(ip("192.0.2.7")).is_err());
        assert!(limiter.spend(ip("192.0.2.8")).is_ok());
        assert_eq!(
            ClientKey::from(ip("2001:db8:1:2:3:4:5:6")),
            ClientKey::from(ip("2001:db8:1:2::"))
        );
        assert_ne!(
            ClientKey::from(ip("2001:db8:1:2::")),
            ClientKey::from(ip("2001:db8:1:1::"))
        );
    }

    #[tokio::test]
    async fn concurrent_reservations_never_exceed_the_budget() {
        let limiter = FailureLimiter::new(3, 0.001);
        let client = ip("198.51.100.1");
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(limiter.reserve(client).await.unwrap());
        }
        // Every token is held: a cheap refusal finds none either.
        assert!(limiter.spend(client).is_err());
        // Three failures settle: the fourth guess is refused, nothing waits.
        for reservation in held {
            reservation.spend();
        }
        assert!(limiter.reserve(client).await.is_err());
        assert!(limiter.check(client).is_err());
    }

    #[tokio::test]
    async fn a_waiting_reservation_gets_a_refunded_token() {
        let limiter = Arc::new(FailureLimiter::new(1, 0.001));
        let client = ip("198.51.100.2");
        let first = limiter.reserve(client).await.unwrap();
        // The only token is in flight: the check may still pass, and a
        // second reservation waits instead of being refused.
        assert!(limiter.check(client).is_ok());
        let waiter = {
            let limiter = limiter.clone();
            tokio::spawn(async move { limiter.reserve(client).await.map(Reservation::refund) })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "waits while a check is in flight");
        first.refund();
        assert!(waiter.await.unwrap().is_ok(), "the refunded token is taken");
    }

    #[tokio::test]
    async fn a_waiting_reservation_is_refused_when_the_check_fails() {
        let limiter = Arc::new(FailureLimiter::new(1, 0.001));
        let client = ip("198.51.100.3");
        let first = limiter.reserve(client).await.unwrap();
        let waiter = {
            let limiter = limiter.clone();
            tokio::spawn(async move { limiter.reserve(client).await.map(Reservation::refund) })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        first.spend();
        assert!(waiter.await.unwrap().unwrap_err() >= 1);
    }

    #[tokio::test]
    async fn an_abandoned_reservation_stays_spent() {
        let limiter = FailureLimiter::new(1, 0.001);
        let client = ip("198.51.100.4");
        drop(limiter.reserve(client).await.unwrap());
        assert!(limiter.reserve(client).await.is_err());
    }

    #[test]
    fn a_flood_of_clients_stays_within_the_bound_and_forgets_the_fullest() {
        let limiter = FailureLimiter::new(5, 0.001).with_max_clients(1000);
        // One client has spent its whole budget.
        let spent = ip("198.51.100.9");
        for _ in 0..5 {
            limiter.spend(spent).unwrap();
        }
        assert!(limiter.spend(spent).is_err());
        // A flood of clients that fail once each.
        for n in 0..100_000u32 {
            let address = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + n));
            limiter.spend(address).unwrap();
            assert!(limiter.len() <= 1000);
        }
        // The spent client was never the fullest: it is still refused.
        assert!(limiter.spend(spent).is_err());
    }

    #[tokio::test]
    async fn refunded_clients_are_forgotten() {
        let limiter = FailureLimiter::new(2, 0.001);
        let client = ip("198.51.100.5");
        limiter.reserve(client).await.unwrap().refund();
        assert!(limiter.buckets.lock().unwrap().is_empty());
    }
}
