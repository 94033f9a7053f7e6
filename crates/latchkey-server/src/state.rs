//! What every handler shares: the store, the authenticator and the settings.

use std::sync::Arc;

use latchkey_store::Store;

use crate::auth::Authenticator;
use crate::config::ServerConfig;

/// The shared state of the server; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// Verifies credentials and caches the result.
    pub auth: Arc<Authenticator>,
    /// Settings.
    pub config: Arc<ServerConfig>,
    /// The console's own state (sign-in limits, password hashing).
    pub console: Arc<crate::console::Console>,
}

impl AppState {
    /// Builds the state around a store. The authenticator follows the
    /// store's commits from here on: every write this process commits
    /// invalidates what it cached, whichever handler (or none) made it.
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Self {
        crate::hold_writes::install_from_env(store.as_ref());
        let auth = Arc::new(Authenticator::new(store.clone(), &config));
        AppState {
            store,
            auth,
            console: Arc::new(crate::console::Console::new(&config)),
            config: Arc::new(config),
        }
    }
}
