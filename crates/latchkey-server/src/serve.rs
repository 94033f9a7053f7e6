//! `latchkey serve`: open the data file, bootstrap it if empty, listen, and
//! shut down gracefully on SIGTERM or Ctrl-C.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use latchkey_core::plan::Plan;
use latchkey_store::Store;
use latchkey_store::postgres::PgStore;
use latchkey_store::redb::RedbStore;
use tokio::net::TcpListener;

use crate::auth::client_address::TrustedProxies;
use crate::bootstrap::{bootstrap, bootstrap_message};
use crate::config::ServerConfig;
use crate::connections::{self, ConnectionLimits};
use crate::state::AppState;

/// Where the data lives.
#[derive(Clone)]
pub enum StoreLocation {
    /// The embedded redb file (the default).
    Redb(PathBuf),
    /// A PostgreSQL database, shared by every replica (a `postgres://` URL).
    Postgres(String),
}

/// The URL may carry a password: show the kind and the file only.
impl std::fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Redb(path) => f.debug_tuple("Redb").field(path).finish(),
            StoreLocation::Postgres(_) => f.write_str("Postgres(..)"),
        }
    }
}

impl StoreLocation {
    /// Opens the store (creating the file, or applying the database's
    /// migrations, when needed).
    pub async fn open(&self) -> Result<Arc<dyn Store>> {
        Ok(match self {
            StoreLocation::Redb(path) => {
                let data = path.clone();
                let store = tokio::task::spawn_blocking(move || RedbStore::open(&data))
                    .await?
                    .with_context(|| format!("opening the data file {}", path.display()))?;
                Arc::new(store)
            }
            StoreLocation::Postgres(url) => Arc::new(
                PgStore::connect(url)
                    .await
                    .context("opening the PostgreSQL database")?,
            ),
        })
    }
}

/// How long start-up waits for the store's change listener (PostgreSQL).
const LISTENER_START_WAIT: Duration = Duration::from_secs(10);

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The store.
    pub store: StoreLocation,
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: String,
    /// Public base URL; `http://<bound address>` when absent.
    pub public_url: Option<String>,
    /// JWT audience; the public base URL when absent.
    pub audience: Option<String>,
    /// Plan of the operator account made at first start.
    pub plan: Plan,
    /// The connection cap and the header-read and idle timeouts.
    pub connections: ConnectionLimits,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Days audit records are kept.
    pub audit_retention_days: u32,
    /// The secret-scanning partner's public keys file, if any.
    pub secret_scanning_keys: Option<PathBuf>,
    /// Applies further settings to the default configuration.
    pub tune: fn(&mut ServerConfig),
}

/// Runs the server until SIGTERM or Ctrl-C.
pub async fn serve(options: ServeOptions) -> Result<()> {
    // A bad keys file is an operator's mistake: refuse to start, before
    // anything is opened.
    let secret_scanning_keys = match &options.secret_scanning_keys {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let keys = latchkey_core::secret_scanning::PartnerKeys::from_github_json(&text)
                .with_context(|| format!("reading the secret-scanning keys {}", path.display()))?;
            Some(Arc::new(keys))
        }
    };
    let store = options.store.open().await?;
    let listener = TcpListener::bind(&options.listen)
        .await
        .with_context(|| format!("listening on {}", options.listen))?;
    let address = listener.local_addr()?;
    let public_url = options
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    let mut config = ServerConfig::new(public_url.clone());
    if let Some(audience) = options.audience.clone() {
        config.audience = audience;
    }
    config.trusted_proxies = options.trusted_proxies.clone();
    config.audit_retention = Duration::from_secs(u64::from(options.audit_retention_days) * 86_400);
    config.secret_scanning_keys = secret_scanning_keys;
    (options.tune)(&mut config);
    warn_about_limits(&options.connections);

    let state = AppState::new(store.clone(), config.clone());
    // Other replicas' writes must reach this one's credential cache; until
    // the store's listener is up every request verifies against the store,
    // so waiting for it here only keeps the first requests fast.
    let replicas = state.auth.follow(store.watch_changes());
    if let Some(replicas) = &replicas
        && !replicas.listening_within(LISTENER_START_WAIT).await
    {
        tracing::warn!(
            "the change listener is not up yet: serving without the credential cache until it is"
        );
    }
    if let Some(created) = bootstrap(store.as_ref(), options.plan, &public_url).await? {
        tracing::info!(account_id = %created.account_id, "bootstrapped the operator account");
        print!("{}", bootstrap_message(&created));
        // The bootstrap's own change comes back through the listener: apply
        // it before serving, or it would arrive after the first requests
        // and forget what they verified (a verified key then meets the
        // failure limiter again).
        if let Some(replicas) = &replicas {
            replicas.caught_up().await;
        }
    }
    // Listen for SIGTERM before saying we are up, so that no signal is missed.
    let shutdown = shutdown_signal()?;
    println!("latchkey listening on http://{address}");
    std::io::stdout().flush()?;

    let flusher = {
        let auth = state.auth.clone();
        let every = config.usage_flush_interval;
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                auth.flush_usage().await;
            }
        })
    };

    let sweeper = tokio::spawn(sweep_audit_log(
        store.clone(),
        config.audit_retention,
        config.audit_sweep_interval,
    ));
    let key_sweeper = tokio::spawn(crate::key_sweep::run(
        state.store.clone(),
        config.key_sweep_interval,
    ));

    let app = crate::api::app(state.clone(), config.request_timeout);
    connections::serve(listener, app, options.connections, shutdown)
        .await
        .context("serving")?;

    flusher.abort();
    sweeper.abort();
    key_sweeper.abort();
    state.auth.flush_all().await;
    tracing::info!("stopped");
    Ok(())
}

/// Audit records removed per transaction by the sweep, so that a first
/// sweep of a large log never holds one long write.
const SWEEP_BATCH: u32 = 1000;

/// Removes audit records older than `retention`, now and every `every`.
async fn sweep_audit_log(store: Arc<dyn Store>, retention: Duration, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let Ok(retention) = jiff::SignedDuration::try_from(retention) else {
            return;
        };
        let before = jiff::Timestamp::now()
            .saturating_sub(retention)
            .unwrap_or(jiff::Timestamp::MIN);
        let mut removed = 0;
        loop {
            match store.sweep_audit_records(before, SWEEP_BATCH).await {
                Ok(count) => {
                    removed += count;
                    if count < u64::from(SWEEP_BATCH) {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "the audit retention sweep failed; it runs again later");
                    break;
                }
            }
        }
        if removed > 0 {
            tracing::info!(removed, %before, "audit records past their retention removed");
        }
    }
}

/// Says when the connection cap is above what the open-file limit allows:
/// connections past it would fail to be accepted instead of waiting.
fn warn_about_limits(limits: &ConnectionLimits) {
    if let Some(files) = connections::open_file_limit()
        && u64::from(limits.max_connections) >= files
    {
        tracing::warn!(
            max_connections = limits.max_connections,
            open_file_limit = files,
            "the connection cap is above the open-file limit: raise `ulimit -n` or lower \
             --max-connections"
        );
    }
}

/// A future that ends at the first SIGTERM or Ctrl-C; the handlers are
/// installed when this is called.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    Ok(async move {
        #[cfg(unix)]
        let terminate = async move {
            terminate.recv().await;
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            () = terminate => {},
        }
        tracing::info!("shutting down");
    })
}
