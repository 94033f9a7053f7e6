//! The server's settings, decided once at start.

use std::time::Duration;

use crate::auth::client_address::TrustedProxies;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The public base URL (`http://127.0.0.1:8080`), recorded as `api_host` on new keys.
    pub public_url: String,
    /// The `aud` that JWTs must carry; the public base URL unless configured.
    pub audience: String,
    /// How long one request may take before it is answered with a 503.
    pub request_timeout: Duration,
    /// How often noted `last_used_at` times are written: a key's first use
    /// shows within this (the contract says 5 s); later uses are noted at
    /// most once a minute per key ([`crate::auth::usage`]).
    pub usage_flush_interval: Duration,
    /// Failed authentications a client address may make in a burst.
    pub auth_failure_burst: u32,
    /// Failed authentications a client address earns back per second.
    pub auth_failures_per_second: f64,
    /// How long a client that has spent its failed authentications waits
    /// for each further refusal (its 429).
    pub throttled_refusal_delay: Duration,
    /// argon2id verifications allowed to run at once.
    pub verify_concurrency: usize,
    /// Proxies whose `X-Forwarded-For` names the client (none: the TCP
    /// peer is the client).
    pub trusted_proxies: TrustedProxies,
    /// How long audit records are kept (`--audit-retention-days`).
    pub audit_retention: Duration,
    /// How often the retention sweep runs.
    pub audit_sweep_interval: Duration,
    /// How often the key policies' unused keys are swept (deactivated): a
    /// policy counts in days, so hourly keeps a key at most an hour past
    /// its limit.
    pub key_sweep_interval: Duration,
    /// The secret-scanning partner's public keys; without them every
    /// report is refused.
    pub secret_scanning_keys: Option<std::sync::Arc<latchkey_core::secret_scanning::PartnerKeys>>,
    /// The bounds of what the authenticator remembers.
    pub cache_bounds: CacheBounds,
}

/// How many entries each of the authenticator's memories holds at most;
/// past a bound, entries are evicted (the least recently used first, by
/// the clock algorithm of `auth::bounded`), so memory never grows with the
/// number of keys presented, right or wrong. The defaults and what they
/// cost at most are in `docs/decisions.md` ("Bounded memory").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBounds {
    /// Verified access keys (`LATCHKEY_CACHE_ACCESS_KEYS`); each holds its
    /// identity (account, application, user, rendered `/v3/me`).
    pub access_keys: usize,
    /// Registered JWT keys, parsed (`LATCHKEY_CACHE_JWT_KEYS`).
    pub jwt_keys: usize,
    /// Verified JWTs by digest (`LATCHKEY_CACHE_TOKENS`); a token shares
    /// its key's identity.
    pub tokens: usize,
    /// JWTs refused for good, by digest (`LATCHKEY_CACHE_REFUSED_TOKENS`).
    pub refused_tokens: usize,
    /// Clients the failed-authentication limiter tracks
    /// (`LATCHKEY_LIMITER_CLIENTS`), and emails the console's sign-in
    /// limiter tracks.
    pub limiter_clients: usize,
}

impl Default for CacheBounds {
    fn default() -> Self {
        CacheBounds {
            access_keys: 50_000,
            jwt_keys: 10_000,
            tokens: 100_000,
            refused_tokens: 10_000,
            limiter_clients: 100_000,
        }
    }
}

/// Days audit records are kept unless configured.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 365;

impl ServerConfig {
    /// Defaults for a server reachable at `public_url`.
    pub fn new(public_url: String) -> Self {
        ServerConfig {
            audience: public_url.clone(),
            public_url,
            request_timeout: Duration::from_secs(30),
            usage_flush_interval: Duration::from_secs(1),
            auth_failure_burst: 20,
            auth_failures_per_second: 2.0,
            throttled_refusal_delay: Duration::from_millis(200),
            verify_concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            trusted_proxies: TrustedProxies::default(),
            audit_retention: Duration::from_secs(u64::from(DEFAULT_AUDIT_RETENTION_DAYS) * 86_400),
            audit_sweep_interval: Duration::from_secs(3600),
            key_sweep_interval: Duration::from_secs(3600),
            secret_scanning_keys: None,
            cache_bounds: CacheBounds::default(),
        }
    }
}

/// Largest request body accepted, in bytes (1 MiB); larger ones get a 413.
pub const BODY_LIMIT: usize = 1024 * 1024;
