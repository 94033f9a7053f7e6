//! The store's errors.

use latchkey_core::plan::LimitExceeded;
use latchkey_core::resource::ChangeError;
use latchkey_core::validation::ValidationErrors;

/// Why a store operation failed. Every failure leaves the data unchanged.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist in the scope's account.
    #[error("{kind} not found")]
    NotFound {
        /// The resource name (`application`, `access key` …).
        kind: &'static str,
    },
    /// The object exists in the account, but the caller reaches only the
    /// applications its user created.
    #[error("{kind} belongs to an application of another user")]
    OutsideScope {
        /// The resource name.
        kind: &'static str,
    },
    /// A unique field already has this value (a name, an email).
    #[error("{field} `{value}` is already taken")]
    Duplicate {
        /// The field (`name`, `email`).
        field: &'static str,
        /// The value.
        value: String,
    },
    /// The object's state does not allow the operation (a key for a revoked
    /// application, deleting the built-in group …).
    #[error("{0}")]
    Conflict(String),
    /// A plan limit would be exceeded.
    #[error(transparent)]
    LimitExceeded(#[from] LimitExceeded),
    /// The change is refused by the domain rules.
    #[error(transparent)]
    Change(#[from] ChangeError),
    /// The delegation rule refuses the write: it would give someone more
    /// than the acting credential holds.
    #[error(transparent)]
    Refused(#[from] latchkey_core::delegation::Refused),
    /// A field names something that does not exist (`group_ids[1]`).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The data file was written by a newer Latchkey.
    #[error(
        "the data file has schema version {found}, newer than the {supported} this build understands; upgrade Latchkey"
    )]
    SchemaTooNew {
        /// Version in the file.
        found: u64,
        /// Version this build writes.
        supported: u64,
    },
    /// A stored record does not decode: the file is damaged.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The storage engine failed (I/O, full disk, lock …).
    #[error("storage failure: {0}")]
    Backend(String),
    /// The store cannot be reached now (its database is down, restarting,
    /// or out of connections): the same operation may succeed later. A
    /// write cut off while committing may or may not have been applied.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
}

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// `NotFound` for the kind named by an id type.
    pub fn not_found<K: latchkey_core::id::IdKind>() -> Self {
        StoreError::NotFound { kind: K::NAME }
    }
}
