//! What every handler shares: the store, the authenticator and the settings.

use std::sync::Arc;

use latchkey_store::Store;

use crate::auth::Authenticator;
use crate::config::ServerConfig;

/// The shared state of the server. axum clones the state for every request
/// it routes: one pointer, so a clone is one reference count (it was one
/// per field).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The fields of [`AppState`] (reached through it).
pub struct Shared {
    /// The store.
    pub store: Arc<dyn Store>,
    /// Verifies credentials and caches the result.
    pub auth: Arc<Authenticator>,
    /// Settings.
    pub config: Arc<ServerConfig>,
    /// The console's own state (sign-in limits, password hashing).
    pub console: Arc<crate::console::Console>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Builds the state around a store. The authenticator follows the
    /// store's commits from here on: every write this process commits
    /// invalidates what it cached, whichever handler (or none) made it.
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Self {
        crate::hold_writes::install_from_env(store.as_ref());
        let auth = Arc::new(Authenticator::new(store.clone(), &config));
        AppState(Arc::new(Shared {
            store,
            auth,
            console: Arc::new(crate::console::Console::new(&config)),
            config: Arc::new(config),
        }))
    }
}
