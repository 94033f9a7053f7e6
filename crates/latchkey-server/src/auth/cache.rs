//! The verified-credential caches, and the per-account generations that
//! invalidate them synchronously.
//!
//! An access-key entry is keyed by the access key's id and holds the SHA-256
//! of the whole key string that was verified, compared in constant time, so
//! a hit proves the caller presented the same string the store's digest
//! (or, once, a legacy argon2id hash) accepted.
//!
//! A JWT-key entry is keyed by the JWT key's id (the tokens' `kid`) and holds
//! the registered public key parsed once, the server's verification policy
//! for it, and the identity its tokens authenticate as. A hit saves the
//! store read and the key parse.
//!
//! A token entry ([`TokenCache`]) is keyed by the SHA-256 of a JWT string
//! whose signature and claims verified, and holds the registered key's
//! entry it was verified with: it is served while that entry would be
//! current and the token is within its time window, so a token costs one
//! signature check, not one per request. Tokens refused for good are
//! remembered apart.
//!
//! Every map is bounded ([`BoundedMap`]): a presented credential that does
//! not verify is never added to the first two, and the refusals are
//! bounded like the rest.
//!
//! Invalidation follows the store's commits, not the handlers: the store
//! reports every write this process commits ([`CommitObserver`]), on the
//! write's own path, which a request dropped by its client or by its time
//! limit does not stop. Generations come from one global counter: an entry
//! records the counter read *before* the store read it was built from, and
//! is valid only while its account's generation is not newer. A commit bumps
//! its account's generation once it is done, so a write that committed after
//! that read always invalidates the entry, and a read that started after the
//! bump sees the write. Between the moment a write may become visible (just
//! before its commit) and that bump, its account counts a write in flight,
//! and no entry of the account is served at all: no reader can see the
//! commit while the cache still serves what it replaced.
//! [`Generations::bump_all`] does the same for every account at once (a
//! write that may change anything, another replica's change this one may
//! have missed).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use jiff::Timestamp;
use latchkey_core::access_key;
use latchkey_core::id::{AccountId, JwtKeyId};
use latchkey_core::jwt::{TokenWindow, VerificationPolicy, VerifyingKey};
use latchkey_store::{Changed, CommitObserver};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Identity;
use super::bounded::BoundedMap;

/// Accounts whose generation is remembered at most; past it, every
/// account's entries are made stale at once (as [`Generations::bump_all`]
/// does) and the map starts again from the writes in flight. A server with
/// that many accounts written since the last such reset pays with cache
/// misses, never with memory.
const MAX_ACCOUNT_GENERATIONS: usize = 100_000;

/// The SHA-256 of a presented credential string. Also the key of the
/// token caches: equal digests are equal strings (SHA-256 has no known
/// collision), and a lookup by digest tells a guesser nothing it could use
/// (it would need a preimage).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CredentialDigest([u8; 32]);

impl CredentialDigest {
    /// Digest of `credential`.
    pub fn of(credential: &[u8]) -> Self {
        CredentialDigest(Sha256::digest(credential).into())
    }

    /// Whether the two digests are equal, in constant time: the words'
    /// differences are folded without a branch, and only the fold is
    /// compared (subtle's comparison of a slice puts an optimisation
    /// barrier on every byte; one on the fold is enough).
    fn matches(&self, other: &CredentialDigest) -> bool {
        let difference = self
            .0
            .chunks_exact(8)
            .zip(other.0.chunks_exact(8))
            .fold(0u64, |difference, (mine, theirs)| {
                difference | (word(mine) ^ word(theirs))
            });
        difference.ct_eq(&0).into()
    }
}

/// Eight bytes of a digest as one word.
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(bytes);
    u64::from_ne_bytes(word)
}

/// The key id of a presented access key, as the 22 characters it is
/// written with: what the access-key cache is keyed by, so that a key the
/// cache knows is found without decoding it. Distinct valid ids have
/// distinct texts (an id is one base62 number, zero-padded to 22 digits).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyIdText([u8; access_key::KEY_ID_LEN]);

impl KeyIdText {
    /// The key id part of `credential` when it has an access key's length
    /// and prefix (nothing else is checked: a found entry's digest is what
    /// proves the string).
    pub fn of(credential: &[u8]) -> Option<Self> {
        let bytes = credential;
        if bytes.len() != access_key::KEY_LEN || !bytes.starts_with(access_key::PREFIX.as_bytes()) {
            return None;
        }
        let start = access_key::PREFIX.len();
        let mut text = [0u8; access_key::KEY_ID_LEN];
        text.copy_from_slice(&bytes[start..start + access_key::KEY_ID_LEN]);
        Some(KeyIdText(text))
    }
}

impl std::fmt::Debug for KeyIdText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyIdText(..)")
    }
}

impl std::fmt::Debug for CredentialDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialDigest(..)")
    }
}

/// Per-account generations drawn from one global counter, and the writes in
/// flight. Reads (every authenticated request) take no exclusive lock; only
/// writes do.
#[derive(Debug, Default)]
pub struct Generations {
    counter: AtomicU64,
    accounts: RwLock<HashMap<AccountId, AccountState>>,
    /// Entries built before this generation are stale, whatever their account.
    everything: AtomicU64,
    /// Writes that may change anything between their commit's two reports.
    everything_in_flight: AtomicU64,
    /// Writes of any one account between their commit's two reports (the
    /// sum of the accounts' `in_flight`), and the newest generation any
    /// account was given: while the first is zero and the second is not
    /// newer than an entry, the entry is current whatever its account, and
    /// [`Generations::is_current`] reads two atomics instead of taking the
    /// map's lock (every authenticated request asks).
    accounts_in_flight: AtomicU64,
    newest_change: AtomicU64,
}

/// One account's generation and its writes in flight.
#[derive(Debug, Default, Clone, Copy)]
struct AccountState {
    /// Entries built before this generation are stale.
    changed: u64,
    /// Writes between their commit's two reports: while any is, nothing
    /// cached for the account is current.
    in_flight: u32,
}

impl Generations {
    /// The counter now: take it before reading the store.
    pub fn snapshot(&self) -> u64 {
        self.counter.load(Ordering::SeqCst)
    }

    /// Marks every entry of `account_id` built from an earlier read as stale.
    pub fn bump(&self, account_id: AccountId) {
        let mut accounts = self.accounts.write().expect("generations lock");
        self.make_room(&mut accounts, account_id);
        // Drawn under the lock, so an account's generation only grows.
        let counter = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        accounts.entry(account_id).or_default().changed = counter;
        self.newest_change.fetch_max(counter, Ordering::SeqCst);
    }

    /// Marks every entry built from an earlier read as stale.
    pub fn bump_all(&self) {
        let mut accounts = self.accounts.write().expect("generations lock");
        self.stale_everything(&mut accounts);
    }

    fn stale_everything(&self, accounts: &mut HashMap<AccountId, AccountState>) {
        let counter = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        self.everything.store(counter, Ordering::SeqCst);
        // Every account's generation is now at most `everything`; only the
        // writes in flight are worth keeping.
        accounts.retain(|_, state| state.in_flight > 0);
    }

    /// Keeps the map within [`MAX_ACCOUNT_GENERATIONS`] before a new
    /// account is added: forgetting an account's generation is only safe
    /// once everything built before is stale.
    fn make_room(&self, accounts: &mut HashMap<AccountId, AccountState>, account_id: AccountId) {
        if accounts.len() >= MAX_ACCOUNT_GENERATIONS && !accounts.contains_key(&account_id) {
            self.stale_everything(accounts);
        }
    }

    /// A write to `account_id` is about to commit: nothing cached for the
    /// account is current until [`Generations::write_done`].
    fn write_begins(&self, account_id: AccountId) {
        let mut accounts = self.accounts.write().expect("generations lock");
        self.make_room(&mut accounts, account_id);
        accounts.entry(account_id).or_default().in_flight += 1;
        self.accounts_in_flight.fetch_add(1, Ordering::SeqCst);
    }

    /// The write announced by [`Generations::write_begins`] is over: every
    /// entry of the account built from an earlier read is stale.
    fn write_done(&self, account_id: AccountId) {
        let mut accounts = self.accounts.write().expect("generations lock");
        self.make_room(&mut accounts, account_id);
        let counter = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let state = accounts.entry(account_id).or_default();
        state.changed = counter;
        // The newest change is published before the write stops counting
        // as in flight, so that the fast path of `is_current` never sees
        // neither.
        self.newest_change.fetch_max(counter, Ordering::SeqCst);
        if state.in_flight > 0 {
            state.in_flight -= 1;
            self.accounts_in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Whether an entry of `account_id` built from a read that began at the
    /// snapshot `built_at` may be served.
    ///
    /// The fast path reads the writes in flight first, then the
    /// generations: a write in flight at the first read is seen there; one
    /// that began after it was not visible when the check began (the store
    /// reports a write before it can be seen), which is the instant the
    /// answer holds for, as it would under the lock; one that finished
    /// before it has published its generation, which the second read sees.
    pub(super) fn is_current(&self, account_id: AccountId, built_at: u64) -> bool {
        if self.accounts_in_flight.load(Ordering::SeqCst) == 0
            && self.everything_in_flight.load(Ordering::SeqCst) == 0
            && self.newest_change.load(Ordering::SeqCst) <= built_at
            && self.everything.load(Ordering::SeqCst) <= built_at
        {
            return true;
        }
        self.is_current_locked(account_id, built_at)
    }

    /// [`Generations::is_current`] under the map's lock: the account's own
    /// generation and writes.
    fn is_current_locked(&self, account_id: AccountId, built_at: u64) -> bool {
        let accounts = self.accounts.read().expect("generations lock");
        self.everything_in_flight.load(Ordering::SeqCst) == 0
            && self.everything.load(Ordering::SeqCst) <= built_at
            && accounts
                .get(&account_id)
                .is_none_or(|state| state.in_flight == 0 && state.changed <= built_at)
    }
}

/// The store reports this process's commits here (registered by
/// [`super::Authenticator::new`]).
impl CommitObserver for Generations {
    fn committing(&self, changed: Changed) {
        match changed {
            Changed::Account(account_id) => self.write_begins(account_id),
            Changed::Everything => {
                self.everything_in_flight.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    fn committed(&self, changed: Changed) {
        match changed {
            Changed::Account(account_id) => self.write_done(account_id),
            Changed::Everything => {
                // Stale first, then no longer in flight: no lookup in between
                // finds an earlier entry current.
                self.bump_all();
                self.everything_in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

/// What verifying a key decided.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The key authenticates as this identity.
    Accepted(Arc<Identity>),
    /// The secret is right but the key may not act (inactive, revoked,
    /// expired, application revoked, owner deleted).
    Refused {
        /// The key's account, whose generation decides when to look again.
        account_id: AccountId,
    },
}

struct Entry {
    digest: CredentialDigest,
    built_at: u64,
    outcome: Outcome,
}

/// What the cache knows about a presented access key.
pub enum Lookup {
    /// The same string was verified and nothing changed since.
    Hit(Arc<Identity>),
    /// The same string was verified and refused, and nothing changed since
    /// (the key's account).
    Refused(AccountId),
    /// A current entry exists for this id with another string: the presented
    /// secret is wrong (a key id has exactly one secret). The key's account.
    WrongSecret(AccountId),
    /// Nothing usable: verify against the store.
    Miss,
}

/// Verified access keys, at most a configured number (see [`BoundedMap`]).
pub struct CredentialCache {
    entries: BoundedMap<KeyIdText, Entry>,
}

impl CredentialCache {
    /// An empty cache of at most `capacity` keys.
    pub fn new(capacity: usize) -> Self {
        CredentialCache {
            entries: BoundedMap::new(capacity),
        }
    }

    /// Looks up a presented key at `now`.
    pub fn lookup(
        &self,
        id: &KeyIdText,
        digest: &CredentialDigest,
        now: Timestamp,
        generations: &Generations,
    ) -> Lookup {
        self.entries
            .get(id, |entry| {
                let (account_id, valid_until) = match &entry.outcome {
                    Outcome::Accepted(identity) => {
                        (identity.principal.account_id, identity.valid_until)
                    }
                    Outcome::Refused { account_id } => (*account_id, None),
                };
                let fresh = generations.is_current(account_id, entry.built_at)
                    && valid_until.is_none_or(|until| now < until);
                if !fresh {
                    return Lookup::Miss;
                }
                match (&entry.outcome, entry.digest.matches(digest)) {
                    (_, false) => Lookup::WrongSecret(account_id),
                    (Outcome::Accepted(identity), true) => Lookup::Hit(identity.clone()),
                    (Outcome::Refused { .. }, true) => Lookup::Refused(account_id),
                }
            })
            .unwrap_or(Lookup::Miss)
    }

    /// Remembers a verified key; `built_at` is the generation snapshot taken
    /// before the store read the outcome came from.
    pub fn insert(&self, id: KeyIdText, digest: CredentialDigest, built_at: u64, outcome: Outcome) {
        self.entries.insert(
            id,
            Entry {
                digest,
                built_at,
                outcome,
            },
        );
    }

    /// Keys cached now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A registered JWT key ready to verify tokens.
#[derive(Debug)]
pub struct RegisteredKey {
    /// The public key, parsed once, restricted to its algorithm, with `kid`.
    pub key: VerifyingKey,
    /// The server's policy for its tokens (its algorithm, the configured
    /// audience, `iss` = `sub` = its application).
    pub policy: VerificationPolicy,
    /// Who its tokens authenticate as.
    pub identity: Arc<Identity>,
    /// The generation snapshot taken before the store read it was built
    /// from: what is derived from it (a verified token) is current exactly
    /// as long as it is.
    pub built_at: u64,
}

/// What looking a JWT key up decided.
#[derive(Debug, Clone)]
pub enum JwtOutcome {
    /// Tokens signed by this key may act, once verified.
    Accepted(Arc<RegisteredKey>),
    /// The key may not act (inactive, revoked, expired, application revoked,
    /// owner deleted).
    Refused {
        /// The key's account, whose generation decides when to look again.
        account_id: AccountId,
    },
}

struct JwtEntry {
    built_at: u64,
    outcome: JwtOutcome,
}

/// Registered JWT keys, parsed, at most a configured number.
pub struct JwtKeyCache {
    entries: BoundedMap<JwtKeyId, JwtEntry>,
}

impl JwtKeyCache {
    /// An empty cache of at most `capacity` keys.
    pub fn new(capacity: usize) -> Self {
        JwtKeyCache {
            entries: BoundedMap::new(capacity),
        }
    }

    /// The current outcome for `id` at `now`, or `None` (ask the store).
    pub fn lookup(
        &self,
        id: JwtKeyId,
        now: Timestamp,
        generations: &Generations,
    ) -> Option<JwtOutcome> {
        self.entries
            .get(&id, |entry| {
                let (account_id, valid_until) = match &entry.outcome {
                    JwtOutcome::Accepted(registered) => (
                        registered.identity.principal.account_id,
                        registered.identity.valid_until,
                    ),
                    JwtOutcome::Refused { account_id } => (*account_id, None),
                };
                let fresh = generations.is_current(account_id, entry.built_at)
                    && valid_until.is_none_or(|until| now < until);
                fresh.then(|| entry.outcome.clone())
            })
            .flatten()
    }

    /// Remembers a looked-up key; `built_at` is the generation snapshot taken
    /// before the store read.
    pub fn insert(&self, id: JwtKeyId, built_at: u64, outcome: JwtOutcome) {
        self.entries.insert(id, JwtEntry { built_at, outcome });
    }
}

/// A JWT that verified: who it authenticates as, and until when.
struct AcceptedToken {
    /// The key that signed it (for `last_used_at`).
    key_id: JwtKeyId,
    /// The registered key's entry it was verified with, shared.
    registered: Arc<RegisteredKey>,
    /// When the token's own time checks pass.
    window: TokenWindow,
    /// Its `exp` claim in whole seconds, if it has one (what introspection
    /// answers).
    exp: Option<i64>,
}

/// What the token cache knows about a presented JWT.
pub enum TokenLookup {
    /// The same token verified, nothing changed since, and it is within its
    /// time window: the signing key, the identity and the token's `exp`.
    Hit(JwtKeyId, Arc<Identity>, Option<i64>),
    /// The same token was refused for good (see [`TokenCache::refuse`]).
    Refused,
    /// Nothing usable: verify it.
    Miss,
}

/// Verified JWTs by the digest of the token string, and tokens refused for
/// good, each map bounded (see [`BoundedMap`]).
///
/// A verified token is served while three things hold: the registered key
/// it was verified with is current (the key's account has had no commit,
/// and none in flight, since the key was read: the same generations as the
/// access keys', so a revoked JWT key or a deactivated application stops
/// its tokens at once), the key itself is not past its expiration, and the
/// token is within its [`TokenWindow`] (`exp` plus the leeway). Its
/// signature and claims were verified once and cannot change: the digest
/// names exactly that string.
///
/// A refusal is remembered only when it holds whatever happens later: the
/// signature does not verify with the key the `kid` names, or the claims
/// fail a check that time cannot undo (a key's public key and its
/// application never change, the audience is fixed at start). A token
/// refused for naming an unknown or inactive key, or for not being valid
/// *yet*, is not remembered here.
pub struct TokenCache {
    accepted: BoundedMap<CredentialDigest, AcceptedToken>,
    refused: BoundedMap<CredentialDigest, ()>,
}

impl TokenCache {
    /// Empty caches of at most `accepted` verified tokens and `refused`
    /// refusals.
    pub fn new(accepted: usize, refused: usize) -> Self {
        TokenCache {
            accepted: BoundedMap::new(accepted),
            refused: BoundedMap::new(refused),
        }
    }

    /// Looks up a presented token at `now`.
    pub fn lookup(
        &self,
        digest: &CredentialDigest,
        now: Timestamp,
        generations: &Generations,
    ) -> TokenLookup {
        let accepted = self.accepted.get(digest, |token| {
            let identity = &token.registered.identity;
            let fresh = generations
                .is_current(identity.principal.account_id, token.registered.built_at)
                && identity.valid_until.is_none_or(|until| now < until)
                && token.window.contains(now);
            fresh.then(|| (token.key_id, identity.clone(), token.exp))
        });
        match accepted {
            Some(Some((key_id, identity, exp))) => TokenLookup::Hit(key_id, identity, exp),
            // Not cached as verified, or no longer current (a change to its
            // account, expired): refused for good, or verify it again.
            _ if self.refused.get(digest, |()| ()).is_some() => TokenLookup::Refused,
            _ => TokenLookup::Miss,
        }
    }

    /// Remembers a token that verified with `registered` (whose
    /// `built_at` decides when it stops being current), with its `exp`.
    pub fn accept(
        &self,
        digest: CredentialDigest,
        key_id: JwtKeyId,
        registered: Arc<RegisteredKey>,
        window: TokenWindow,
        exp: Option<i64>,
    ) {
        self.accepted.insert(
            digest,
            AcceptedToken {
                key_id,
                registered,
                window,
                exp,
            },
        );
    }

    /// Remembers a token refused for good.
    pub fn refuse(&self, digest: CredentialDigest) {
        self.refused.insert(digest, ());
    }

    /// Verified tokens cached now.
    pub fn accepted_len(&self) -> usize {
        self.accepted.len()
    }

    /// Refusals cached now.
    pub fn refused_len(&self) -> usize {
        self.refused.len()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_bump_makes_only_earlier_entries_of_its_account_stale() {
        let generations = Generations::default();
        let (changed, other) = (AccountId::generate(), AccountId::generate());
        let before = generations.snapshot();
        generations.bump(changed);
        let after = generations.snapshot();
        assert!(!generations.is_current(changed, before));
        assert!(generations.is_current(other, before));
        assert!(generations.is_current(changed, after));
    }

    #[test]
    fn bumping_everything_makes_every_earlier_entry_stale() {
        let generations = Generations::default();
        let (first, second) = (AccountId::generate(), AccountId::generate());
        generations.bump(first);
        let before = generations.snapshot();
        generations.bump_all();
        let after = generations.snapshot();
        assert!(!generations.is_current(first, before));
        assert!(!generations.is_current(second, before));
        assert!(generations.is_current(first, after));
        assert!(generations.is_current(second, after));
        generations.bump(second);
        assert!(generations.is_current(first, after));
        assert!(!generations.is_current(second, after));
    }

    #[test]
    fn nothing_of_an_account_is_current_while_its_write_commits() {
        let generations = Generations::default();
        let (written, other) = (AccountId::generate(), AccountId::generate());
        let before = generations.snapshot();
        generations.committing(Changed::Account(written));
        // Built while the write was in flight: it may have read either side.
        let during = generations.snapshot();
        assert!(!generations.is_current(written, before));
        assert!(!generations.is_current(written, during));
        assert!(generations.is_current(other, before));
        // A write of another account, begun and done meanwhile, and one
        // that may change anything, do not end this one.
        generations.committing(Changed::Account(other));
        generations.committed(Changed::Account(other));
        generations.committing(Changed::Everything);
        generations.committed(Changed::Everything);
        assert!(!generations.is_current(written, generations.snapshot()));
        generations.committed(Changed::Account(written));
        assert!(!generations.is_current(written, before));
        assert!(!generations.is_current(written, during));
        assert!(generations.is_current(written, generations.snapshot()));
    }

    #[test]
    fn digests_match_only_when_every_byte_does() {
        let digest = CredentialDigest::of(b"ak_example");
        assert!(digest.matches(&CredentialDigest::of(b"ak_example")));
        assert!(!digest.matches(&CredentialDigest::of(b"ak_examplf")));
        for at in 0..32 {
            for bit in 0..8 {
                let mut other = digest;
                other.0[at] ^= 1 << bit;
                assert!(!digest.matches(&other), "byte {at} bit {bit}");
            }
        }
    }

    #[test]
    fn a_key_id_text_needs_an_access_keys_length_and_prefix() {
        let key = b"ak_xSZ9I4IcmbDpxoGtsBDgn8afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg3UsVZV";
        let text = KeyIdText::of(key).expect("an access key's shape");
        assert_eq!(&text.0, b"xSZ9I4IcmbDpxoGtsBDgn8");
        assert!(KeyIdText::of(&key[..73]).is_none());
        assert!(KeyIdText::of(&[key.as_slice(), b"x"].concat()).is_none());
        let mut other_prefix = *key;
        other_prefix[0] = b'b';
        assert!(KeyIdText::of(&other_prefix).is_none());
        assert!(KeyIdText::of(b"").is_none());
    }

    /// One step of a sequence the fast path is checked over.
    #[derive(Debug, Clone)]
    enum Step {
        /// A commit of one account (or of anything) begins.
        Begin { account: usize, everything: bool },
        /// The commit at this index of those in flight (modulo) is done.
        Finish { pick: usize },
        /// Another replica changed an account.
        Bump { account: usize },
        /// Everything is stale.
        BumpAll,
    }

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        let step = prop_oneof![
            3 => (0..3usize, proptest::bool::weighted(0.25))
                .prop_map(|(account, everything)| Step::Begin { account, everything }),
            3 => any::<usize>().prop_map(|pick| Step::Finish { pick }),
            2 => (0..3usize).prop_map(|account| Step::Bump { account }),
            1 => Just(Step::BumpAll),
        ];
        proptest::collection::vec(step, 0..60)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The lock-free answer of `is_current` is the locked one, after
        /// every step of any sequence of commits (begun, done, interleaved
        /// over a few accounts), other replicas' bumps and resets, for
        /// entries built at every snapshot taken so far.
        #[test]
        fn the_fast_path_agrees_with_the_locked_check(steps in steps()) {
            let accounts: Vec<AccountId> = (0..3).map(|_| AccountId::generate()).collect();
            let generations = Generations::default();
            let mut in_flight: Vec<Changed> = Vec::new();
            let mut snapshots = vec![generations.snapshot()];
            for step in steps {
                match step {
                    Step::Begin { account, everything } => {
                        let changed = if everything {
                            Changed::Everything
                        } else {
                            Changed::Account(accounts[account])
                        };
                        generations.committing(changed);
                        in_flight.push(changed);
                    }
                    Step::Finish { pick } if !in_flight.is_empty() => {
                        let done = in_flight.remove(pick % in_flight.len());
                        generations.committed(done);
                    }
                    Step::Finish { .. } => {}
                    Step::Bump { account } => generations.bump(accounts[account]),
                    Step::BumpAll => generations.bump_all(),
                }
                snapshots.push(generations.snapshot());
                for &built_at in &snapshots {
                    for &account in &accounts {
                        prop_assert_eq!(
                            generations.is_current(account, built_at),
                            generations.is_current_locked(account, built_at),
                            "{} built at {}", account, built_at
                        );
                    }
                }
            }
            // Once every write is done, what was built after the last
            // change is current again, on the fast path.
            for done in in_flight.drain(..) {
                generations.committed(done);
            }
            let now = generations.snapshot();
            prop_assert_eq!(generations.accounts_in_flight.load(Ordering::SeqCst), 0);
            prop_assert!(
                accounts
                    .iter()
                    .all(|&account| generations.is_current(account, now))
            );
        }
    }

    #[test]
    fn nothing_is_current_while_a_write_that_may_change_anything_commits() {
        let generations = Generations::default();
        let account = AccountId::generate();
        let before = generations.snapshot();
        generations.committing(Changed::Everything);
        let during = generations.snapshot();
        assert!(!generations.is_current(account, before));
        assert!(!generations.is_current(account, during));
        generations.committed(Changed::Everything);
        assert!(!generations.is_current(account, before));
        assert!(!generations.is_current(account, during));
        assert!(generations.is_current(account, generations.snapshot()));
    }
}
