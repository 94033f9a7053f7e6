//! Who is calling: the `Authorization: Bearer …` header turned into an
//! [`Identity`], fast and safe.
//!
//! An access key (`ak_…`) is parsed offline first (a malformed or
//! checksum-failing key is refused before any lookup), then looked up in the
//! [`cache`]; on a miss the store is read once, the secret's SHA-256 digest
//! is compared with the stored one inline (about a microsecond), and the
//! credential chain is checked by `CredentialContext::authenticate`. A key
//! still stored with an earlier version's argon2id hash is verified with
//! argon2id once, on the blocking pool under a bounded semaphore, and its
//! record then gets the digest instead. Failed attempts are rate limited per
//! client ([`limiter`], the client's address as [`client_address`] finds
//! it): every store read and verification first takes a token of the
//! client's budget, given back when it verifies; `last_used_at` is
//! coalesced ([`usage`]). The credential string is never logged, stored, or
//! put in an error.
//!
//! Any other bearer is a JWT: its `kid` is read from the header (size bound
//! and structure first), the registered key is taken from the [`cache`] or
//! read from the store once and parsed once, and the token is verified with
//! the server's policy (the key's algorithm only, `aud` = the configured
//! audience, `iss` = `sub` = the key's application, lifetime at most one
//! hour, leeway 60 s). Every refusal is the same 401; the store read and
//! the signature check hold a token of the client's failure budget like an
//! argon2id run, spent when the token does not verify. A token that
//! verified is then served from the [`cache`] by the digest of its string
//! until its `exp` (plus the leeway), or until a commit to its account
//! (a revoked JWT key, a deactivated application) makes it stale: one
//! signature check per token, not per request. A token refused for good
//! (bad signature, bad claims, expired) is remembered too and refused
//! again without a check, as a cheap guess.
//!
//! When other replicas share the store, a cached outcome is served only once
//! this replica has applied every change committed before the request
//! arrived ([`replicas`]).

pub mod bounded;
pub mod cache;
pub mod client_address;
pub mod cold_keys;
pub mod failures;
pub mod limiter;
pub mod replicas;
pub mod usage;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use jiff::Timestamp;
use latchkey_core::access_key;
use latchkey_core::argon2id::{Argon2idHash, verify_argon2id};
use latchkey_core::authorize::Credential;
use latchkey_core::authorize::Principal;
use latchkey_core::credential::{Authenticated, CredentialContext};
use latchkey_core::delegation::Actor;
use latchkey_core::id::{AccessKeyId, AccountId, JwtKeyId};
use latchkey_core::jwt::{self, TokenWindow, VerificationPolicy};
use latchkey_core::permission::PermissionSet;
use latchkey_core::resource::{Account, Application, User};
use latchkey_core::secret_hash::SecretHash;
use latchkey_store::{ChangeFeed, Store};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::config::ServerConfig;
use crate::error::{ApiError, AuthFailure};
use crate::state::AppState;
use cache::{
    CredentialCache, CredentialDigest, Generations, JwtKeyCache, JwtOutcome, KeyIdText, Lookup,
    Outcome, RegisteredKey, TokenCache, TokenLookup,
};
use cold_keys::ColdKeyGates;
use failures::FailureLog;
use limiter::{FailureLimiter, Reservation};
use replicas::ReplicaSync;
use usage::UsageRecorder;

/// An authenticated caller, with what `/v3/me` shows about it.
#[derive(Debug)]
pub struct Identity {
    /// Who the caller is and what it may do.
    pub principal: Principal,
    /// Past this instant the credential must be checked again (its expiration).
    pub valid_until: Option<Timestamp>,
    /// The credential's own scopes (empty: unscoped).
    pub scopes: PermissionSet,
    /// Its account.
    pub account: Account,
    /// Its application.
    pub application: Application,
    /// The user it belongs to.
    pub user: User,
    /// `GET /v3/me`'s body, rendered on first use: the identity cannot
    /// change while it is cached (any change replaces it).
    pub me_body: OnceLock<Bytes>,
    /// The `aud` JWTs must carry (the server's, shown by `GET /v3/me`):
    /// here so that rendering the body needs nothing but the identity.
    pub jwt_audience: Arc<str>,
    /// When a use was last noted for `last_used_at` (Unix seconds), so that
    /// a busy key touches the shared usage map about once a minute rather
    /// than on every request.
    last_noted: AtomicI64,
}

/// Uses of one identity closer together than this are noted once.
const USE_NOTE_INTERVAL_SECONDS: i64 = 60;

impl Identity {
    fn new(
        authenticated: Authenticated,
        context: CredentialContext,
        jwt_audience: Arc<str>,
    ) -> Self {
        Identity {
            jwt_audience,
            principal: authenticated.principal,
            valid_until: authenticated.valid_until,
            scopes: context.state.scopes,
            account: context.account,
            application: context.application,
            user: context.key_owner,
            me_body: OnceLock::new(),
            last_noted: AtomicI64::new(i64::MIN),
        }
    }

    /// Whether a use at `now` should be noted: the first use, and then one
    /// per interval.
    fn should_note_use(&self, now: Timestamp) -> bool {
        let now = now.as_second();
        let last = self.last_noted.load(Ordering::Relaxed);
        now.saturating_sub(last) >= USE_NOTE_INTERVAL_SECONDS
            && self
                .last_noted
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// Verifies credentials; shared by every request.
pub struct Authenticator {
    store: Arc<dyn Store>,
    cache: CredentialCache,
    jwt_keys: JwtKeyCache,
    tokens: TokenCache,
    /// Bumped by the store's reports of this process's commits, and by the
    /// other replicas' changes.
    generations: Arc<Generations>,
    audience: Arc<str>,
    verifications: Arc<Semaphore>,
    cold_keys: ColdKeyGates,
    failures: FailureLimiter,
    throttled_refusal_delay: Duration,
    usage: UsageRecorder,
    /// Failed authentications of known credentials, for the audit log.
    failure_log: FailureLog,
    /// Set when other replicas share the store (see [`replicas`]).
    replicas: OnceLock<Arc<ReplicaSync>>,
}

impl Authenticator {
    /// A new authenticator over `store`, following every write this process
    /// commits to it from now on (the store reports them, see [`cache`]):
    /// no caller of a write has to remember to invalidate.
    pub fn new(store: Arc<dyn Store>, config: &ServerConfig) -> Self {
        let generations = Arc::new(Generations::default());
        store.observe_commits(generations.clone());
        Authenticator {
            store,
            cache: CredentialCache::new(config.cache_bounds.access_keys),
            jwt_keys: JwtKeyCache::new(config.cache_bounds.jwt_keys),
            tokens: TokenCache::new(
                config.cache_bounds.tokens,
                config.cache_bounds.refused_tokens,
            ),
            generations,
            audience: Arc::from(config.audience.as_str()),
            verifications: Arc::new(Semaphore::new(config.verify_concurrency.max(1))),
            cold_keys: ColdKeyGates::default(),
            failures: FailureLimiter::new(
                config.auth_failure_burst,
                config.auth_failures_per_second,
            )
            .with_max_clients(config.cache_bounds.limiter_clients),
            throttled_refusal_delay: config.throttled_refusal_delay,
            usage: UsageRecorder::default(),
            failure_log: FailureLog::default(),
            replicas: OnceLock::new(),
        }
    }

    /// Follows the changes other processes make to the store (none for a
    /// store only this process writes). Returns the sync point when there
    /// are others; call it once, before serving.
    pub fn follow(self: &Arc<Self>, feed: ChangeFeed) -> Option<Arc<ReplicaSync>> {
        let ChangeFeed::Shared { events, sync } = feed else {
            return None;
        };
        let replicas = replicas::start(self.clone(), events, sync);
        self.replicas
            .set(replicas.clone())
            .map_err(|_| ())
            .expect("the store's changes are followed once");
        Some(replicas)
    }

    /// Forgets every cached verification (a change this replica may have
    /// missed).
    fn forget_everything(&self) {
        self.generations.bump_all();
    }

    /// Whether other replicas share the store: then a cached outcome is
    /// looked up again once they are caught up ([`Self::cache_trusted`]).
    fn has_replicas(&self) -> bool {
        self.replicas.get().is_some()
    }

    /// Whether a cached outcome may be served now: always with a store only
    /// this process writes; with replicas, once this one has applied every
    /// change committed before the call.
    async fn cache_trusted(&self) -> bool {
        match self.replicas.get() {
            None => true,
            Some(replicas) => replicas.caught_up().await,
        }
    }

    /// Forgets every cached verification of `account_id` (another replica's
    /// change; this process's own commits are reported by the store).
    fn invalidate(&self, account_id: AccountId) {
        self.generations.bump(account_id);
    }

    /// The failed-authentication budget per client, which the console's
    /// sign-ins and session guesses spend too (one budget per client).
    pub fn failure_limiter(&self) -> &FailureLimiter {
        &self.failures
    }

    /// Writes the coalesced `last_used_at` times, and the failed
    /// authentications of the minutes that are over.
    pub async fn flush_usage(&self) {
        self.usage.flush(self.store.as_ref()).await;
        self.failure_log
            .flush(self.store.as_ref(), Some(Timestamp::now()))
            .await;
    }

    /// Writes everything pending, the current minute's failures included
    /// (at shutdown).
    pub async fn flush_all(&self) {
        self.usage.flush(self.store.as_ref()).await;
        self.failure_log.flush(self.store.as_ref(), None).await;
    }

    /// Authenticates the value of an `Authorization` header; `client`
    /// names the client (asked only when the caches do not know the
    /// credential).
    ///
    /// A credential the caches accept is served from its bytes and its
    /// digest alone: it is the very string that was parsed and verified
    /// before (the digest proves the whole string), so it is not parsed
    /// again. Anything else takes every check, in order.
    ///
    /// A client that has spent its failures is answered with a 429 only
    /// after [`ServerConfig::throttled_refusal_delay`]: a flood that waits
    /// for its answers (one request at a time per connection, as HTTP/1.1
    /// clients do) is slowed down to a trickle instead of taking the CPU
    /// that valid traffic needs. The wait is a timer, it holds no thread.
    pub async fn authenticate(
        &self,
        header: Option<&HeaderValue>,
        client: impl FnOnce() -> IpAddr,
    ) -> Result<Arc<Identity>, ApiError> {
        let header = header.ok_or(ApiError::Unauthorized(AuthFailure::Missing))?;
        let malformed = || ApiError::Unauthorized(AuthFailure::Malformed);
        let credential = bearer(header.as_bytes()).ok_or_else(malformed)?;
        let digest = CredentialDigest::of(credential);
        if let Some(identity) = self.cached(credential, &digest) {
            return Ok(identity);
        }
        // A header that is not visible ASCII is malformed (the credential
        // is then ASCII too, so it is a `str`).
        header.to_str().map_err(|_| malformed())?;
        let credential = std::str::from_utf8(credential).map_err(|_| malformed())?;
        let client = client();
        let outcome = if credential.starts_with(access_key::PREFIX) {
            self.access_key(credential, &digest, client).await
        } else {
            self.jwt(credential, &digest, client).await
        };
        if let Err(ApiError::TooManyRequests { .. }) = &outcome {
            tokio::time::sleep(self.throttled_refusal_delay).await;
        }
        outcome
    }

    /// The identity of a presented credential (with its digest) that a
    /// cache accepts now, when this process is the store's only writer
    /// (with replicas, [`Self::cache_trusted`] must be asked first: the
    /// full path does); a use is noted. `None`: take the full path.
    fn cached(&self, credential: &[u8], digest: &CredentialDigest) -> Option<Arc<Identity>> {
        if self.has_replicas() {
            return None;
        }
        let now = Timestamp::now();
        let (identity, used) = if credential.starts_with(access_key::PREFIX.as_bytes()) {
            let text = KeyIdText::of(credential)?;
            match self.cache.lookup(&text, digest, now, &self.generations) {
                Lookup::Hit(identity) => {
                    let used = identity.principal.credential;
                    (identity, used)
                }
                _ => return None,
            }
        } else {
            match self.tokens.lookup(digest, now, &self.generations) {
                TokenLookup::Hit(key_id, identity, _) => (identity, Credential::JwtKey(key_id)),
                _ => return None,
            }
        };
        if identity.should_note_use(now) {
            self.usage.record(used, now);
        }
        Some(identity)
    }

    /// A failed guess that cost nothing to refuse: a malformed credential,
    /// or a secret the cache knows to be wrong. It spends one of the
    /// client's failures; once they are spent, the answer is a 429 (for
    /// every kind of guess alike). Guesses that need a store read or a
    /// verification pay before it instead ([`Self::reserve`]). A right
    /// secret for a key that may not act is refused without counting.
    fn guessed(&self, client: IpAddr) -> ApiError {
        match self.failures.spend(client) {
            Ok(()) => ApiError::Unauthorized(AuthFailure::Invalid),
            Err(retry_after) => ApiError::TooManyRequests { retry_after },
        }
    }

    /// Takes a token of the client's failure budget before a store read or
    /// a verification: 429 when the budget is spent (see [`limiter`]).
    async fn reserve(&self, client: IpAddr) -> Result<Reservation<'_>, ApiError> {
        self.failures
            .reserve(client)
            .await
            .map_err(|retry_after| ApiError::TooManyRequests { retry_after })
    }

    async fn access_key(
        &self,
        credential: &str,
        digest: &CredentialDigest,
        client: IpAddr,
    ) -> Result<Arc<Identity>, ApiError> {
        let invalid = || ApiError::Unauthorized(AuthFailure::Invalid);
        let parsed = access_key::parse(credential).map_err(|_| self.guessed(client))?;
        let id = AccessKeyId::from_body(parsed.key_id()).map_err(|_| self.guessed(client))?;
        let text = KeyIdText::of(credential.as_bytes()).ok_or_else(|| self.guessed(client))?;
        if let Some(cached) = self.cached_access_key(id, &text, digest, client).await {
            return cached;
        }
        self.failures
            .check(client)
            .map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
        let _turn = self.cold_keys.enter(id).await;
        // Another request may have verified this very key while we waited.
        if let Some(cached) = self.cached_access_key(id, &text, digest, client).await {
            return cached;
        }
        // One token of the client's failure budget is held while the store
        // is read and the secret checked (see [`limiter`]).
        let budget = self.reserve(client).await?;
        let built_at = self.generations.snapshot();
        let loaded = match self.store.access_key_credential(id).await {
            Ok(loaded) => loaded,
            Err(error) => {
                budget.refund();
                return Err(error.into());
            }
        };
        let Some((context, hash)) = loaded else {
            budget.spend();
            return Err(invalid());
        };
        let account_id = context.account.id;
        let verified = match hash {
            SecretHash::Sha256(digest) => {
                let verified = digest.matches(parsed.secret());
                tracing::debug!(key_id = %id, verified, "access key secret checked");
                verified
            }
            SecretHash::Argon2id(legacy) => self.verify_legacy(id, parsed.secret(), legacy).await?,
        };
        if !verified {
            budget.spend();
            self.failure_log.note(
                account_id,
                Credential::AccessKey(id),
                client,
                Timestamp::now(),
            );
            return Err(invalid());
        }
        budget.refund();
        let now = Timestamp::now();
        let authenticated = match context.authenticate(now) {
            Ok(authenticated) => authenticated,
            Err(rejected) => {
                tracing::debug!(key_id = %id, %rejected, "credential refused");
                let refused = Outcome::Refused {
                    account_id: context.account.id,
                };
                self.cache.insert(text, *digest, built_at, refused);
                self.failure_log
                    .note(account_id, Credential::AccessKey(id), client, now);
                return Err(invalid());
            }
        };
        let identity = Arc::new(Identity::new(authenticated, context, self.audience.clone()));
        self.cache
            .insert(text, *digest, built_at, Outcome::Accepted(identity.clone()));
        if identity.should_note_use(now) {
            self.usage.record(Credential::AccessKey(id), now);
        }
        Ok(identity)
    }

    /// Verifies a secret against a key's argon2id hash written by an earlier
    /// version (about 20 ms of CPU and 19 MiB): on the blocking pool, under
    /// the verification bound. When it verifies, the record gets the
    /// secret's digest instead, so that this is the key's only argon2id run.
    async fn verify_legacy(
        &self,
        id: AccessKeyId,
        secret: &str,
        legacy: Argon2idHash,
    ) -> Result<bool, ApiError> {
        let hash = legacy.clone();
        // A copy for the blocking pool, wiped when dropped.
        let copy = Zeroizing::new(secret.to_owned());
        // The permit travels with the work: a request abandoned while its
        // argon2id run goes on (a timeout, a client gone) keeps the run
        // counted, so abandoning requests cannot pile up runs past the bound.
        let permit = self
            .verifications
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::Internal)?;
        let verified = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            verify_argon2id(&copy, &hash)
        })
        .await
        .map_err(|_| ApiError::Internal)?;
        tracing::debug!(key_id = %id, verified, "legacy access key hash checked with argon2id");
        if verified {
            // Only while the record still holds the hash just verified: a
            // key changed or deleted meanwhile is left as it is now. A
            // failed write is not the caller's failure (the secret is
            // right); the next use tries again.
            let digest = SecretHash::digest(secret);
            match self
                .store
                .upgrade_access_key_secret(id, SecretHash::Argon2id(legacy), digest)
                .await
            {
                Ok(replaced) => {
                    tracing::info!(key_id = %id, replaced, "legacy access key hash replaced by its digest");
                }
                Err(error) => {
                    tracing::warn!(key_id = %id, %error, "could not replace a legacy access key hash");
                }
            }
        }
        Ok(verified)
    }

    /// What the cache knows of a presented access key, if anything.
    async fn cached_access_key(
        &self,
        id: AccessKeyId,
        text: &KeyIdText,
        digest: &CredentialDigest,
        client: IpAddr,
    ) -> Option<Result<Arc<Identity>, ApiError>> {
        let mut now = Timestamp::now();
        let mut lookup = self.cache.lookup(text, digest, now, &self.generations);
        if self.has_replicas() && matches!(lookup, Lookup::Hit(_) | Lookup::Refused(_)) {
            // A key's outcome may have changed on another replica: look
            // again once every change committed before now is applied. (A
            // wrong secret stays wrong: a key id has one secret forever.)
            if !self.cache_trusted().await {
                return None;
            }
            now = Timestamp::now();
            lookup = self.cache.lookup(text, digest, now, &self.generations);
        }
        match lookup {
            Lookup::Hit(identity) => {
                if identity.should_note_use(now) {
                    self.usage.record(Credential::AccessKey(id), now);
                }
                Some(Ok(identity))
            }
            Lookup::Refused(account_id) => {
                self.failure_log
                    .note(account_id, Credential::AccessKey(id), client, now);
                Some(Err(ApiError::Unauthorized(AuthFailure::Invalid)))
            }
            Lookup::WrongSecret(account_id) => {
                self.failure_log
                    .note(account_id, Credential::AccessKey(id), client, now);
                Some(Err(self.guessed(client)))
            }
            Lookup::Miss => None,
        }
    }

    async fn jwt(
        &self,
        token: &str,
        digest: &CredentialDigest,
        client: IpAddr,
    ) -> Result<Arc<Identity>, ApiError> {
        self.verified_jwt(token, digest, client)
            .await
            .map(|(identity, _)| identity)
    }

    /// A JWT's identity and its `exp` (seconds since the epoch).
    async fn verified_jwt(
        &self,
        token: &str,
        digest: &CredentialDigest,
        client: IpAddr,
    ) -> Result<(Arc<Identity>, Option<i64>), ApiError> {
        if let Some(cached) = self.cached_token(digest, client).await {
            return cached;
        }
        let kid = jwt::unverified_kid(token).map_err(|_| self.guessed(client))?;
        let id: JwtKeyId = kid.parse().map_err(|_| self.guessed(client))?;
        let mut now = Timestamp::now();
        let mut cached = self.jwt_keys.lookup(id, now, &self.generations);
        if cached.is_some() && self.has_replicas() {
            // As for access keys: look again once other replicas' earlier
            // changes are applied, or not at all.
            if self.cache_trusted().await {
                now = Timestamp::now();
                cached = self.jwt_keys.lookup(id, now, &self.generations);
            } else {
                cached = None;
            }
        }
        let cached = match cached {
            Some(JwtOutcome::Accepted(registered)) => Some(registered),
            Some(JwtOutcome::Refused { account_id }) => {
                self.failure_log
                    .note(account_id, Credential::JwtKey(id), client, now);
                return Err(ApiError::Unauthorized(AuthFailure::Invalid));
            }
            None => None,
        };
        // One token of the client's failure budget is held while the key is
        // read and the signature checked (see [`limiter`]).
        let budget = self.reserve(client).await?;
        let registered = match cached {
            Some(registered) => registered,
            None => match self.load_jwt_key(id).await {
                Ok(Some(registered)) => registered,
                Ok(None) => {
                    budget.spend();
                    return Err(ApiError::Unauthorized(AuthFailure::Invalid));
                }
                // A key that may not act, or a store failure: not a guess.
                Err(error) => {
                    budget.refund();
                    return Err(error);
                }
            },
        };
        let verified = match jwt::verify(token, &registered.key, &registered.policy, Some(now)) {
            Ok(verified) => verified,
            Err(error) => {
                tracing::debug!(key_id = %id, %error, "JWT refused");
                if refused_for_good(&error) {
                    self.tokens.refuse(*digest);
                }
                budget.spend();
                let account_id = registered.identity.principal.account_id;
                self.failure_log
                    .note(account_id, Credential::JwtKey(id), client, now);
                return Err(ApiError::Unauthorized(AuthFailure::Invalid));
            }
        };
        budget.refund();
        // Verified with a key read at `registered.built_at`: cached, the
        // token stays current exactly as long as that key's entry would.
        let exp = verified.claims.get("exp").and_then(|exp| exp.as_i64());
        if let Ok(window) = TokenWindow::of(&verified.claims, &registered.policy) {
            self.tokens
                .accept(*digest, id, registered.clone(), window, exp);
        }
        if registered.identity.should_note_use(now) {
            self.usage.record(Credential::JwtKey(id), now);
        }
        Ok((registered.identity.clone(), exp))
    }

    /// Verifies a credential that another service was presented
    /// (`POST /v3/introspect`) exactly as a request's own: the same parsing,
    /// the same verified-credential cache, and the same failure budget of
    /// the asking `client`, so that introspection is no way around the
    /// limit on guesses. `None` for a credential that is not usable, for
    /// whatever reason; with it, the instant it stops being usable, when it
    /// has one (a JWT's `exp`, else the key's expiration). A client whose
    /// budget is spent gets the same slowed 429 as for its own credential.
    pub async fn introspect(
        &self,
        credential: &str,
        client: IpAddr,
    ) -> Result<Option<(Arc<Identity>, Option<i64>)>, ApiError> {
        let digest = CredentialDigest::of(credential.as_bytes());
        let outcome = if credential.starts_with(access_key::PREFIX) {
            self.access_key(credential, &digest, client)
                .await
                .map(|identity| {
                    let exp = identity.valid_until.map(|at| at.as_second());
                    (identity, exp)
                })
        } else {
            self.verified_jwt(credential, &digest, client).await
        };
        match outcome {
            Ok(found) => Ok(Some(found)),
            Err(ApiError::Unauthorized(_)) => Ok(None),
            Err(error @ ApiError::TooManyRequests { .. }) => {
                tokio::time::sleep(self.throttled_refusal_delay).await;
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    /// What the token cache knows of a presented JWT, if anything.
    async fn cached_token(
        &self,
        digest: &CredentialDigest,
        client: IpAddr,
    ) -> Option<Result<(Arc<Identity>, Option<i64>), ApiError>> {
        let mut now = Timestamp::now();
        let mut lookup = self.tokens.lookup(digest, now, &self.generations);
        if self.has_replicas() && matches!(lookup, TokenLookup::Hit(..)) {
            // As for access keys: a change on another replica may have
            // stopped the token; look again once every change committed
            // before now is applied. (A refusal for good stays one.)
            if !self.cache_trusted().await {
                return None;
            }
            now = Timestamp::now();
            lookup = self.tokens.lookup(digest, now, &self.generations);
        }
        match lookup {
            TokenLookup::Hit(key_id, identity, exp) => {
                if identity.should_note_use(now) {
                    self.usage.record(Credential::JwtKey(key_id), now);
                }
                Some(Ok((identity, exp)))
            }
            TokenLookup::Refused => Some(Err(self.guessed(client))),
            TokenLookup::Miss => None,
        }
    }

    /// Reads a JWT key from the store, parses it once and caches the
    /// outcome; `None` when no such key exists (a guess).
    async fn load_jwt_key(&self, id: JwtKeyId) -> Result<Option<Arc<RegisteredKey>>, ApiError> {
        let built_at = self.generations.snapshot();
        let Some((context, stored)) = self.store.jwt_key_credential(id).await? else {
            return Ok(None);
        };
        let now = Timestamp::now();
        let authenticated = match context.authenticate(now) {
            Ok(authenticated) => authenticated,
            Err(rejected) => {
                tracing::debug!(key_id = %id, %rejected, "credential refused");
                let refused = JwtOutcome::Refused {
                    account_id: context.account.id,
                };
                self.jwt_keys.insert(id, built_at, refused);
                return Err(ApiError::Unauthorized(AuthFailure::Invalid));
            }
        };
        let parsed = stored.verifying_key().and_then(|(key, algorithm)| {
            let policy = VerificationPolicy::for_access_tokens(
                [algorithm],
                self.audience.to_string(),
                stored.application_id.to_string(),
            )
            .map_err(|_| jwt::KeyError::Backend)?;
            Ok((key, policy))
        });
        let (key, policy) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                tracing::error!(key_id = %id, %error, "a stored JWT key does not parse");
                return Err(ApiError::Unauthorized(AuthFailure::Invalid));
            }
        };
        let registered = Arc::new(RegisteredKey {
            key,
            policy,
            identity: Arc::new(Identity::new(authenticated, context, self.audience.clone())),
            built_at,
        });
        self.jwt_keys
            .insert(id, built_at, JwtOutcome::Accepted(registered.clone()));
        Ok(Some(registered))
    }
}

/// Whether a token refused with `error` (by the key its `kid` names) would
/// be refused again whatever happens later: the signature or the claims,
/// against a key whose public key and application never change and an
/// audience fixed at start. Not a token that is not valid *yet*. (An
/// expired token stays expired: time only moves on.)
fn refused_for_good(error: &jwt::VerifyError) -> bool {
    use jwt::VerifyError as E;
    match error {
        E::Malformed { .. }
        | E::DisallowedAlgorithm
        | E::UnknownKid
        | E::BadSignature
        | E::Expired
        | E::LifetimeTooLong
        | E::MissingClaim { .. }
        | E::BadAudience
        | E::BadIssuer
        | E::BadSubject => true,
        E::NotYetValid => false,
    }
}

/// The header proxies name the client in (see [`client_address`]).
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The credential of a `Bearer` header (scheme case-insensitive): what
/// follows the scheme and its spaces, when anything does.
fn bearer(header: &[u8]) -> Option<&[u8]> {
    // The scheme is what comes before the first space; `bearer` has none,
    // so it is the scheme exactly when the first 7 bytes are `bearer `.
    const SCHEME: &[u8] = b"bearer ";
    let (scheme, rest) = header.split_at_checked(SCHEME.len())?;
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    let start = rest.iter().position(|&byte| byte != b' ')?;
    Some(&rest[start..])
}

/// The authenticated caller of a request (extractor).
#[derive(Debug, Clone)]
pub struct Caller(pub Arc<Identity>);

impl Caller {
    /// Who the caller is.
    pub fn principal(&self) -> &Principal {
        &self.0.principal
    }

    /// The caller as the actor of a write: every grant it makes is bounded
    /// by its rights (see `latchkey_core::delegation`).
    pub fn actor(&self) -> Actor {
        Actor::Credential(self.0.principal.clone())
    }
}

/// The client's address, as the failure budget knows it: the TCP peer, or
/// what a trusted proxy says in `X-Forwarded-For`. The request-context
/// middleware finds it once per request (the audit log records that same
/// address); it is found here only for a request that did not pass there.
fn client_of(parts: &Parts, state: &AppState) -> IpAddr {
    if let Some(client) = crate::request_context::current_client_address() {
        return client;
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    state
        .config
        .trusted_proxies
        .client_address(peer, parts.headers.get_all(X_FORWARDED_FOR).iter())
}

/// The client's address (extractor), for handlers that spend its failure
/// budget themselves.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(ClientAddress(client_of(parts, state)))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(AUTHORIZATION);
        state
            .auth
            .authenticate(header, || client_of(parts, state))
            .await
            .map(Caller)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bearer_scheme_is_case_insensitive_and_required() {
        fn bearer(header: &str) -> Option<&str> {
            super::bearer(header.as_bytes())
                .map(|c| str::from_utf8(c).expect("a suffix at a space"))
        }
        assert_eq!(bearer("Bearer ak_x"), Some("ak_x"));
        assert_eq!(bearer("bearer ak_x"), Some("ak_x"));
        assert_eq!(bearer("BEARER ak_x"), Some("ak_x"));
        assert_eq!(bearer("Basic ak_x"), None);
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("Bearer    "), None);
        assert_eq!(bearer("ak_x"), None);
        assert_eq!(bearer("Bearer   ak_x"), Some("ak_x"));
        assert_eq!(bearer("Bearerx ak_x"), None);
        assert_eq!(bearer("Bear er"), None);
        assert_eq!(bearer("Bearer\tak_x"), None);
        assert_eq!(bearer("Bearer é"), Some("é"));
        assert_eq!(bearer("é Bearer x"), None);
    }
}
