//! Transactions: their isolation, the bounded retry of serialization
//! failures and deadlocks, what a write reports when it commits, the task
//! each operation runs in, and the query helpers (with per-connection
//! statement caching) that operations use inside them.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::Duration;

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, Row};

use latchkey_core::id::AccountId;

use crate::commits::{Changed, CommitObservers};
use crate::{StoreError, StoreResult};

/// Attempts of one operation before a serialization failure is reported
/// (as [`StoreError::Backend`]).
pub(super) const MAX_ATTEMPTS: u32 = 10;
/// The longest pause between two attempts.
const MAX_BACKOFF: Duration = Duration::from_millis(100);

/// What can stop an operation inside a transaction: a store error (final, the
/// transaction rolls back) or a database error (retried when transient).
#[derive(Debug)]
pub(super) enum TxError {
    /// The operation's own refusal.
    Store(StoreError),
    /// PostgreSQL's.
    Db(tokio_postgres::Error),
}

impl From<StoreError> for TxError {
    fn from(error: StoreError) -> Self {
        TxError::Store(error)
    }
}

impl From<tokio_postgres::Error> for TxError {
    fn from(error: tokio_postgres::Error) -> Self {
        TxError::Db(error)
    }
}

impl From<latchkey_core::validation::ValidationErrors> for TxError {
    fn from(error: latchkey_core::validation::ValidationErrors) -> Self {
        TxError::Store(error.into())
    }
}

impl From<latchkey_core::resource::ChangeError> for TxError {
    fn from(error: latchkey_core::resource::ChangeError) -> Self {
        TxError::Store(error.into())
    }
}

impl From<latchkey_core::delegation::Refused> for TxError {
    fn from(error: latchkey_core::delegation::Refused) -> Self {
        TxError::Store(error.into())
    }
}

impl From<latchkey_core::plan::LimitExceeded> for TxError {
    fn from(error: latchkey_core::plan::LimitExceeded) -> Self {
        TxError::Store(error.into())
    }
}

/// Whether another attempt may succeed: a serialization failure, a deadlock,
/// or a unique violation (a racing transaction took the name between this
/// one's check and its write; the next attempt's check reports it properly).
fn is_transient(error: &tokio_postgres::Error) -> bool {
    error.code().is_some_and(|code| {
        *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::UNIQUE_VIOLATION
    })
}

/// Full jitter over an exponential ceiling: 1 ms, 2 ms, 4 ms … up to
/// [`MAX_BACKOFF`].
fn backoff(attempt: u32) -> Duration {
    let ceiling = Duration::from_millis(1u64 << attempt.min(16)).min(MAX_BACKOFF);
    let random = RandomState::new().build_hasher().finish();
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(random % nanos.max(1))
}

/// After a failed attempt: `None` to try again (after a pause), or the error
/// to report.
pub(super) async fn give_up(error: TxError, attempt: &mut u32) -> Option<StoreError> {
    match error {
        TxError::Store(error) => Some(error),
        TxError::Db(error) if is_transient(&error) && *attempt + 1 < MAX_ATTEMPTS => {
            *attempt += 1;
            tokio::time::sleep(backoff(*attempt)).await;
            None
        }
        TxError::Db(error) => Some(super::outage::database(error)),
    }
}

/// The kind of transaction an operation runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `REPEATABLE READ READ ONLY`: one snapshot, never a serialization failure.
    Read,
    /// `SERIALIZABLE`.
    Write,
    /// `SERIALIZABLE`, after queueing on `creation_lock` (limit-checked
    /// creations): the lock is taken before the first query, so the
    /// transaction's snapshot already shows every earlier creation.
    Create,
    /// `SERIALIZABLE`, for a write of what authentication never reads
    /// (`last_used_at`): it announces nothing, so the replicas' caches stay
    /// warm while usage is recorded.
    Bookkeeping,
}

/// The channel every write announces itself on (see [`super::listener`]).
pub(super) const CHANGES_CHANNEL: &str = "latchkey_changes";
/// The payload of a write that does not name its account: every cached
/// credential may be affected.
pub(super) const EVERYTHING: &str = "*";

/// What a transaction of `mode` reports when it commits, given the account
/// its operation named: writes always report (their account, or everything
/// when they named none), reads and bookkeeping never.
pub(super) fn changes(mode: Mode, account: Option<AccountId>) -> Option<Changed> {
    match mode {
        Mode::Read | Mode::Bookkeeping => None,
        Mode::Write | Mode::Create => Some(account.map_or(Changed::Everything, Changed::Account)),
    }
}

/// The announcement of `changed` on [`CHANGES_CHANNEL`].
pub(super) fn payload(changed: Changed) -> String {
    match changed {
        Changed::Account(account) => account.to_string(),
        Changed::Everything => EVERYTHING.to_owned(),
    }
}

/// An open transaction.
pub(super) struct Tx<'a> {
    inner: deadpool_postgres::Transaction<'a>,
    /// What committing it changes: announced on [`CHANGES_CHANNEL`] just
    /// before committing, reported to the commit observers around the commit.
    changes: Option<Changed>,
}

/// Opens a transaction of the given mode on a pooled connection; when it
/// commits it announces `changes` to every listening replica and reports
/// them to this process's commit observers.
pub(super) async fn begin(
    client: &mut deadpool_postgres::Object,
    mode: Mode,
    changes: Option<Changed>,
) -> Result<Tx<'_>, TxError> {
    let builder = client.build_transaction();
    let builder = match mode {
        Mode::Read => builder
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true),
        Mode::Write | Mode::Create | Mode::Bookkeeping => {
            builder.isolation_level(IsolationLevel::Serializable)
        }
    };
    let inner = builder.start().await?;
    if mode == Mode::Create {
        inner
            .batch_execute("LOCK TABLE creation_lock IN EXCLUSIVE MODE")
            .await?;
    }
    Ok(Tx { inner, changes })
}

/// Query parameters.
pub(super) type Params<'p> = [&'p (dyn ToSql + Sync)];

impl Tx<'_> {
    /// Announces the change (PostgreSQL delivers it to the listeners only
    /// if and when the transaction commits, before the commit returns here,
    /// so before any response depends on it), then commits, reporting the
    /// commit to `commits` around it (a failed commit too: its outcome may be
    /// unknown).
    pub(super) async fn commit(self, commits: &CommitObservers) -> Result<(), TxError> {
        if let Some(changed) = self.changes {
            self.execute(
                "SELECT pg_notify($1, $2)",
                &[&CHANGES_CHANNEL, &payload(changed)],
            )
            .await?;
        }
        let _reported = commits.committing(self.changes);
        Ok(self.inner.commit().await?)
    }

    /// Every row.
    pub(super) async fn query(&self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>, TxError> {
        let statement = self.inner.prepare_cached(sql).await?;
        Ok(self.inner.query(&statement, params).await?)
    }

    /// At most one row.
    pub(super) async fn query_opt(
        &self,
        sql: &str,
        params: &Params<'_>,
    ) -> Result<Option<Row>, TxError> {
        let statement = self.inner.prepare_cached(sql).await?;
        Ok(self.inner.query_opt(&statement, params).await?)
    }

    /// Exactly one row.
    pub(super) async fn query_one(&self, sql: &str, params: &Params<'_>) -> Result<Row, TxError> {
        let statement = self.inner.prepare_cached(sql).await?;
        Ok(self.inner.query_one(&statement, params).await?)
    }

    /// A statement's count of affected rows.
    pub(super) async fn execute(&self, sql: &str, params: &Params<'_>) -> Result<u64, TxError> {
        let statement = self.inner.prepare_cached(sql).await?;
        Ok(self.inner.execute(&statement, params).await?)
    }
}

/// Runs an operation to its end in a task of its own, whether or not its
/// caller still waits for it: a write that began commits (or fails) and
/// reports its commit exactly as if the caller had stayed, and a dropped
/// caller never leaves a transaction half done on a pooled connection.
pub(super) async fn to_completion<T: Send + 'static>(
    operation: impl Future<Output = StoreResult<T>> + Send + 'static,
) -> StoreResult<T> {
    tokio::spawn(operation)
        .await
        .map_err(|error| StoreError::Backend(format!("store task failed: {error}")))?
}

/// Runs `$body` (an expression that may use `.await` and `?`, with the open
/// transaction bound to `$tx`) in a transaction of `$mode` on `$store`,
/// committing when it succeeds, rolling back when it fails, and running it
/// again after a transient database error, at most [`MAX_ATTEMPTS`] times.
/// Evaluates to `StoreResult<T>`.
///
/// The whole operation runs in a task of its own ([`to_completion`]), so
/// `$body` captures what it uses by value: it must be `Send + 'static`.
///
/// A write announces itself to the other replicas as it commits, and
/// reports itself to this process's commit observers: with
/// `changes ACCOUNT_ID` it names the account it changes; without, it
/// announces that anything may have changed (see [`changes`]).
macro_rules! transaction {
    (@run $store:expr, $mode:expr, $account:expr, |$tx:ident| $body:expr) => {{
        let store = $store.clone();
        let changes = $crate::postgres::tx::changes($mode, $account);
        $crate::postgres::tx::to_completion(async move {
            let mut attempt = 0u32;
            loop {
                let outcome = async {
                    let mut client = store.client().await?;
                    let $tx = $crate::postgres::tx::begin(&mut client, $mode, changes).await?;
                    let value = $body;
                    $tx.commit(&store.commits).await?;
                    Ok::<_, $crate::postgres::tx::TxError>(value)
                }
                .await;
                match outcome {
                    Ok(value) => break Ok(value),
                    Err(error) => {
                        if let Some(error) =
                            $crate::postgres::tx::give_up(error, &mut attempt).await
                        {
                            break Err(error);
                        }
                    }
                }
            }
        })
        .await
    }};
    ($store:expr, $mode:expr, changes $account:expr, |$tx:ident| $body:expr) => {
        transaction!(@run $store, $mode, Some($account), |$tx| $body)
    };
    ($store:expr, $mode:expr, |$tx:ident| $body:expr) => {
        transaction!(@run $store, $mode, None, |$tx| $body)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_announce_their_account_or_everything_and_reads_nothing() {
        let account = AccountId::generate();
        for mode in [Mode::Write, Mode::Create] {
            assert_eq!(
                changes(mode, Some(account)),
                Some(Changed::Account(account))
            );
            assert_eq!(changes(mode, None), Some(Changed::Everything));
        }
        assert_eq!(changes(Mode::Read, Some(account)), None);
        assert_eq!(changes(Mode::Bookkeeping, Some(account)), None);
        assert_eq!(payload(Changed::Account(account)), account.to_string());
        assert_eq!(payload(Changed::Everything), EVERYTHING);
    }

    #[test]
    fn backoff_stays_under_its_ceiling() {
        for attempt in 0..40 {
            let ceiling = Duration::from_millis(1u64 << attempt.min(16)).min(MAX_BACKOFF);
            assert!(backoff(attempt) < ceiling);
        }
    }
}
