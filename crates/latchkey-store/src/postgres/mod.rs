//! The PostgreSQL store: several `latchkey serve` replicas share one database.
//!
//! Every write is one `SERIALIZABLE` transaction, retried a bounded number of
//! times when PostgreSQL reports a serialization failure or a deadlock
//! ([`tx`]); reads run in `REPEATABLE READ READ ONLY` transactions, so a
//! multi-query read (a credential and everything above it) sees one
//! snapshot. Limit-checked creations first lock a dedicated table, before
//! their snapshot is taken, so racing creations queue instead of aborting
//! each other ([`migrations`] has the schema). An operation that fails rolls
//! back: nothing of it is written.
//!
//! Every write also announces itself to the other replicas as it commits
//! (`pg_notify`, [`tx`]); each replica's [`listener`] follows the
//! announcements on a connection of its own. To this process's commit
//! observers ([`crate::commits`]) it reports itself directly: every
//! operation runs in a task of its own, which finishes the transaction and
//! its report even when the caller stops waiting.
//!
//! Records are the same JSON documents the redb store keeps, next to the
//! columns the access paths and the uniqueness rules read.

#[macro_use]
mod tx;
mod accounts;
mod applications;
mod audit;
mod credentials;
mod export;
mod groups;
mod keys;
pub mod listener;
pub mod migrations;
mod outage;
mod people;
mod rows;
mod store_impl;
mod users;

use std::str::FromStr;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::commits::CommitObservers;
use crate::{StoreError, StoreResult};

pub use migrations::SCHEMA_VERSION;

/// Connections a store opens at most.
const POOL_SIZE: usize = 16;

/// The PostgreSQL store. Cheap to clone (each operation's task takes a
/// clone); clones share the connection pool and the commit observers.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// Where the pool connects; the change listener opens its own
    /// connection there.
    config: Arc<tokio_postgres::Config>,
    commits: CommitObservers,
}

/// The URL may carry a password: never print it.
impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

/// How long a new connection may take when the URL does not say
/// (`connect_timeout`): a database whose host drops packets (rather than
/// refusing) would otherwise hold each request for the OS's connect timeout,
/// past the request's own limit, and answer it with a bare 503 instead of
/// the store's `service_unavailable` with `Retry-After`.
pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// `config` with [`DEFAULT_CONNECT_TIMEOUT`] unless it sets its own.
fn with_default_connect_timeout(mut config: tokio_postgres::Config) -> tokio_postgres::Config {
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    config
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`, or the key=value
    /// form), applies the migrations this build knows, and refuses a database
    /// written by a newer Latchkey ([`StoreError::SchemaTooNew`]).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|error| StoreError::Backend(format!("bad database URL: {error}")))?;
        let config = with_default_connect_timeout(config);
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|error| StoreError::Backend(format!("connection pool: {error}")))?;
        let store = PgStore {
            pool,
            config: Arc::new(config),
            commits: CommitObservers::default(),
        };
        let mut client = store.client().await?;
        migrations::migrate(&mut client).await?;
        Ok(store)
    }

    /// The schema version recorded in the database.
    pub async fn schema_version(&self) -> StoreResult<u64> {
        let client = self.client().await?;
        migrations::current_version(&client)
            .await?
            .ok_or_else(|| StoreError::Corrupt("missing schema version".into()))
    }

    /// Loads many access keys in one transaction, past the plan limit,
    /// without the delegation rule and without audit records (the limit
    /// counts are kept as by every write): for the benchmarks that load a
    /// million keys, behind the `bench-seeding` feature, so that a build
    /// that serves requests cannot call it. (Checking the limit instead
    /// would leave it a way to make credentials that the delegation rule
    /// never admitted; a real import is `Store::import_all`.)
    #[cfg(feature = "bench-seeding")]
    pub async fn import_access_keys(&self, keys: Vec<crate::StoredAccessKey>) -> StoreResult<()> {
        transaction!(self, tx::Mode::Write, |tx| {
            for key in &keys {
                keys::insert(&tx, key).await?;
            }
        })
    }

    /// The access keys of `application` that count toward its limit at
    /// `now`, as the store's maintained count gives them (what a creation is
    /// admitted against): for tests that check the count against the keys,
    /// and for benchmarks.
    pub async fn access_key_limit_count(
        &self,
        application: latchkey_core::id::ApplicationId,
        now: jiff::Timestamp,
    ) -> StoreResult<u64> {
        transaction!(self, tx::Mode::Read, |tx| keys::limit_count::<
            crate::StoredAccessKey,
        >(&tx, application, now)
        .await?)
    }

    /// [`PgStore::access_key_limit_count`] for JWT keys.
    pub async fn jwt_key_limit_count(
        &self,
        application: latchkey_core::id::ApplicationId,
        now: jiff::Timestamp,
    ) -> StoreResult<u64> {
        transaction!(self, tx::Mode::Read, |tx| keys::limit_count::<
            latchkey_core::resource::JwtKey,
        >(&tx, application, now)
        .await?)
    }

    /// A pooled connection.
    async fn client(&self) -> StoreResult<deadpool_postgres::Object> {
        self.pool.get().await.map_err(outage::pool)
    }

    /// Whether the database answers now: a trivial query on a pooled
    /// connection ([`StoreError::Unavailable`] when it cannot be reached).
    async fn ping(&self) -> StoreResult<()> {
        let client = self.client().await?;
        client
            .simple_query("SELECT 1")
            .await
            .map_err(outage::database)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_time_out_unless_the_url_says_otherwise() {
        let plain = tokio_postgres::Config::from_str("postgres://u@db/latchkey").unwrap();
        assert_eq!(
            with_default_connect_timeout(plain).get_connect_timeout(),
            Some(&DEFAULT_CONNECT_TIMEOUT)
        );
        let own = tokio_postgres::Config::from_str("postgres://u@db/latchkey?connect_timeout=30")
            .unwrap();
        assert_eq!(
            with_default_connect_timeout(own).get_connect_timeout(),
            Some(&std::time::Duration::from_secs(30))
        );
    }
}
