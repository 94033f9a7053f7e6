//! This process's own committed writes, reported by the store itself: what a
//! server needs to keep its verified-credential cache honest without asking
//! every caller of a write to remember it.
//!
//! A store calls its [`CommitObserver`]s on the write's own path, which a
//! dropped caller does not stop (the embedded store writes on the blocking
//! pool, the PostgreSQL store in a task of its own): [`committing`] just
//! before the commit, [`committed`] just after it, whatever its outcome, and
//! both before the store call returns. So a request abandoned by its client,
//! or past its time limit, after its write began cannot skip the report, and
//! from the moment another reader could see the commit until the report,
//! the observer knows a write is in flight.
//!
//! Reads report nothing, and neither does bookkeeping that authentication
//! never reads (`last_used_at`).
//!
//! [`committing`]: CommitObserver::committing
//! [`committed`]: CommitObserver::committed

use std::sync::{Arc, RwLock};

use latchkey_core::id::AccountId;

/// What one write changed, as far as its store can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Changed {
    /// Something in this account (every write names the account it changes).
    Account(AccountId),
    /// Anything (a write that spans accounts, such as an import).
    Everything,
}

/// Told of every write this process commits through a store.
///
/// Both calls run synchronously on the store's write path, possibly on the
/// blocking pool or inside the runtime: they must be quick and must not
/// wait on the store.
pub trait CommitObserver: Send + Sync + 'static {
    /// A write that changes `changed` is about to commit: from now on a
    /// reader may see it.
    fn committing(&self, changed: Changed);
    /// The write announced by the matching [`CommitObserver::committing`]
    /// has committed, or failed to (the outcome of a commit that failed on
    /// the way may be unknown, so it is reported all the same).
    fn committed(&self, changed: Changed);
}

/// The observers of one store, shared by all its clones.
#[derive(Clone, Default)]
pub struct CommitObservers(Arc<RwLock<Vec<Arc<dyn CommitObserver>>>>);

impl std::fmt::Debug for CommitObservers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CommitObservers")
            .field(&self.observers().len())
            .finish()
    }
}

impl CommitObservers {
    /// Adds an observer; it is told of every write that begins to commit
    /// from now on.
    pub fn add(&self, observer: Arc<dyn CommitObserver>) {
        self.0.write().expect("observers lock").push(observer);
    }

    fn observers(&self) -> Vec<Arc<dyn CommitObserver>> {
        self.0.read().expect("observers lock").clone()
    }

    /// Announces a write about to commit (nothing when `changed` is `None`:
    /// bookkeeping). Commit while holding the returned guard: dropping it,
    /// on every path, reports the commit as done.
    pub fn committing(&self, changed: Option<Changed>) -> Committing {
        let observers = match changed {
            Some(changed) => {
                let observers = self.observers();
                for observer in &observers {
                    observer.committing(changed);
                }
                observers
            }
            None => Vec::new(),
        };
        Committing { changed, observers }
    }
}

/// A write between its [`CommitObserver::committing`] and its
/// [`CommitObserver::committed`]: dropping it reports the second, to the
/// very observers told of the first.
#[must_use = "commit while holding it; dropping it reports the commit as done"]
pub struct Committing {
    changed: Option<Changed>,
    observers: Vec<Arc<dyn CommitObserver>>,
}

impl Drop for Committing {
    fn drop(&mut self) {
        if let Some(changed) = self.changed {
            for observer in &self.observers {
                observer.committed(changed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(&'static str, Changed)>>);

    impl CommitObserver for Recorder {
        fn committing(&self, changed: Changed) {
            self.0.lock().unwrap().push(("committing", changed));
        }
        fn committed(&self, changed: Changed) {
            self.0.lock().unwrap().push(("committed", changed));
        }
    }

    #[test]
    fn every_observer_hears_both_ends_of_a_commit_and_bookkeeping_is_silent() {
        let observers = CommitObservers::default();
        let (first, second) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
        observers.add(first.clone());
        observers.clone().add(second.clone());
        let account = AccountId::generate();
        let guard = observers.committing(Some(Changed::Account(account)));
        for recorder in [&first, &second] {
            assert_eq!(
                *recorder.0.lock().unwrap(),
                [("committing", Changed::Account(account))]
            );
        }
        drop(guard);
        drop(observers.committing(None));
        drop(observers.committing(Some(Changed::Everything)));
        for recorder in [&first, &second] {
            assert_eq!(
                *recorder.0.lock().unwrap(),
                [
                    ("committing", Changed::Account(account)),
                    ("committed", Changed::Account(account)),
                    ("committing", Changed::Everything),
                    ("committed", Changed::Everything),
                ]
            );
        }
    }

    #[test]
    fn an_observer_added_mid_commit_hears_neither_end_of_it() {
        let observers = CommitObservers::default();
        let guard = observers.committing(Some(Changed::Everything));
        let late = Arc::new(Recorder::default());
        observers.add(late.clone());
        drop(guard);
        assert!(late.0.lock().unwrap().is_empty());
    }
}
