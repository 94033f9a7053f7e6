//! The background sweep of the key policies' `deactivate_unused_after_days`:
//! at start and then at every interval, the store deactivates the keys its
//! accounts' policies find unused, in one transaction. The system acts, and
//! each key deactivated is in its account's audit log; the store's commit
//! reports the change, so cached credentials of the keys
//! deactivated are forgotten at once, as for any other write.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use latchkey_core::audit::Acting;
use latchkey_store::{AnyKeyId, Store};

/// Runs the sweep for ever, every `every`; a failed sweep is logged and
/// tried again at the next tick.
pub async fn run(store: Arc<dyn Store>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        sweep(store.as_ref(), Timestamp::now()).await;
    }
}

/// One sweep at `now`.
pub async fn sweep(store: &dyn Store, now: Timestamp) {
    match store.deactivate_unused_keys(&Acting::system(), now).await {
        Ok(deactivated) => {
            for key in &deactivated {
                let (kind, id) = match key.key {
                    AnyKeyId::Access(id) => ("access_key", id.to_string()),
                    AnyKeyId::Jwt(id) => ("jwt_key", id.to_string()),
                };
                tracing::info!(
                    account_id = %key.account_id,
                    kind,
                    key_id = %id,
                    "deactivated an unused key (the account's key policy)"
                );
            }
        }
        Err(error) => tracing::warn!(%error, "the sweep of unused keys failed"),
    }
}
