//! What every handler shares: the store, the authenticator and the settings.

use std::sync::Arc;

use latchkey_core::id::AccountId;
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
}

impl AppState {
    /// Builds the state around a store.
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Self {
        let auth = Arc::new(Authenticator::new(store.clone(), &config));
        AppState {
            store,
            auth,
            config: Arc::new(config),
        }
    }

    /// Records that a write changed something in `account_id` that cached
    /// credentials may depend on. Called after the store committed and before
    /// the response is sent, so that no later request sees the old state.
    pub fn changed(&self, account_id: AccountId) {
        self.auth.invalidate(account_id);
    }
}
