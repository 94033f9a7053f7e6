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
//! store read and the key parse; every token's signature and claims are
//! still verified.
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
use latchkey_core::id::{AccessKeyId, AccountId, JwtKeyId};
use latchkey_core::jwt::{VerificationPolicy, VerifyingKey};
use latchkey_store::{Changed, CommitObserver};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Identity;

/// Entries kept at most; past it the cache is emptied (and refills).
const MAX_ENTRIES: usize = 100_000;

/// The SHA-256 of a presented credential string.
#[derive(Clone, Copy)]
pub struct CredentialDigest([u8; 32]);

impl CredentialDigest {
    /// Digest of `credential`.
    pub fn of(credential: &str) -> Self {
        CredentialDigest(Sha256::digest(credential.as_bytes()).into())
    }

    fn matches(&self, other: &CredentialDigest) -> bool {
        self.0.ct_eq(&other.0).into()
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
        // Drawn under the lock, so an account's generation only grows.
        let counter = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        accounts.entry(account_id).or_default().changed = counter;
    }

    /// Marks every entry built from an earlier read as stale.
    pub fn bump_all(&self) {
        let mut accounts = self.accounts.write().expect("generations lock");
        let counter = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        self.everything.store(counter, Ordering::SeqCst);
        // Every account's generation is now at most `everything`; only the
        // writes in flight are worth keeping.
        accounts.retain(|_, state| state.in_flight > 0);
    }

    /// A write to `account_id` is about to commit: nothing cached for the
    /// account is current until [`Generations::write_done`].
    fn write_begins(&self, account_id: AccountId) {
        let mut accounts = self.accounts.write().expect("generations lock");
        accounts.entry(account_id).or_default().in_flight += 1;
    }

    /// The write announced by [`Generations::write_begins`] is over: every
    /// entry of the account built from an earlier read is stale.
    fn write_done(&self, account_id: AccountId) {
        let mut accounts = self.accounts.write().expect("generations lock");
        let counter = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let state = accounts.entry(account_id).or_default();
        state.changed = counter;
        state.in_flight = state.in_flight.saturating_sub(1);
    }

    pub(super) fn is_current(&self, account_id: AccountId, built_at: u64) -> bool {
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

/// Verified access keys.
#[derive(Default)]
pub struct CredentialCache {
    entries: RwLock<HashMap<AccessKeyId, Entry>>,
}

impl CredentialCache {
    /// Looks up a presented key at `now`.
    pub fn lookup(
        &self,
        id: AccessKeyId,
        digest: &CredentialDigest,
        now: Timestamp,
        generations: &Generations,
    ) -> Lookup {
        let entries = self.entries.read().expect("cache lock");
        let Some(entry) = entries.get(&id) else {
            return Lookup::Miss;
        };
        let (account_id, valid_until) = match &entry.outcome {
            Outcome::Accepted(identity) => (identity.principal.account_id, identity.valid_until),
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
    }

    /// Remembers a verified key; `built_at` is the generation snapshot taken
    /// before the store read the outcome came from.
    pub fn insert(
        &self,
        id: AccessKeyId,
        digest: CredentialDigest,
        built_at: u64,
        outcome: Outcome,
    ) {
        let mut entries = self.entries.write().expect("cache lock");
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&id) {
            entries.clear();
        }
        entries.insert(
            id,
            Entry {
                digest,
                built_at,
                outcome,
            },
        );
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

/// Registered JWT keys, parsed.
#[derive(Default)]
pub struct JwtKeyCache {
    entries: RwLock<HashMap<JwtKeyId, JwtEntry>>,
}

impl JwtKeyCache {
    /// The current outcome for `id` at `now`, or `None` (ask the store).
    pub fn lookup(
        &self,
        id: JwtKeyId,
        now: Timestamp,
        generations: &Generations,
    ) -> Option<JwtOutcome> {
        let entries = self.entries.read().expect("cache lock");
        let entry = entries.get(&id)?;
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
    }

    /// Remembers a looked-up key; `built_at` is the generation snapshot taken
    /// before the store read.
    pub fn insert(&self, id: JwtKeyId, built_at: u64, outcome: JwtOutcome) {
        let mut entries = self.entries.write().expect("cache lock");
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&id) {
            entries.clear();
        }
        entries.insert(id, JwtEntry { built_at, outcome });
    }
}

#[cfg(test)]
mod tests {
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
