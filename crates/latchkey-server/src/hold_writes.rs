//! `LATCHKEY_DEBUG_HOLD_WRITES=<file>`, for tests, in debug builds only:
//! while `<file>` exists, every store write waits just before its commit, on
//! the store's own path (the embedded store's blocking thread), where a
//! request that gave up cannot stop it. The tests of the server use it to
//! abandon a request (client gone, time limit) while its write is in flight
//! and then let the write commit, deterministically. Release builds ignore
//! the variable.
//!
//! It is registered as a commit observer before the authenticator, so a
//! held write has not yet told the authenticator it is committing. On
//! PostgreSQL it would block a runtime thread: tests there hold a lock in
//! the database instead.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use latchkey_store::{Changed, CommitObserver, Store};

/// The variable naming the file that holds writes while it exists.
pub const VAR: &str = "LATCHKEY_DEBUG_HOLD_WRITES";
/// What the log says when a write is held (the tests wait for it).
pub const HELD: &str = "a store write is held before its commit";

/// Holds writes while the file exists.
struct HoldWrites {
    file: PathBuf,
}

impl CommitObserver for HoldWrites {
    fn committing(&self, changed: Changed) {
        if self.file.exists() {
            tracing::warn!(?changed, file = %self.file.display(), "{HELD} ({VAR})");
            while self.file.exists() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    fn committed(&self, _changed: Changed) {}
}

/// Installs the hold on `store` when the variable is set (debug builds).
pub fn install_from_env(store: &dyn Store) {
    let Some(file) = std::env::var_os(VAR) else {
        return;
    };
    if cfg!(debug_assertions) {
        tracing::warn!("{VAR} is set: store writes wait while {file:?} exists");
        store.observe_commits(Arc::new(HoldWrites { file: file.into() }));
    } else {
        tracing::warn!("{VAR} is ignored: only debug builds hold writes");
    }
}
