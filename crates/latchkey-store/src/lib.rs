//! Latchkey's storage.
//!
//! [`Store`] is phrased in domain operations — "create an application within
//! the plan limit", "cascade-delete an application" — never in tables, so
//! that each implementation runs every operation as one transaction of its
//! own kind: one redb write transaction here (the default, embedded), one
//! serializable SQL transaction in the PostgreSQL implementation. A limit can
//! therefore never be overshot, and an operation that fails changes nothing.
//!
//! Every operation is scoped: it names the account, and for applications and
//! keys an [`AppScope`] that also says whether the caller reaches only the
//! applications a given user created. Objects outside the scope's account are
//! [`StoreError::NotFound`]; objects in the account but not reachable are
//! [`StoreError::OutsideScope`].

mod audit;
pub mod changes;
pub mod commits;
mod error;
pub mod export;
mod issue;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod redb;
mod rules;
mod store;

pub use changes::{Change, ChangeFeed, SyncRequests};
pub use commits::{Changed, CommitObserver, CommitObservers, Committing};
pub use error::{StoreError, StoreResult};
pub use issue::{ADMIN_APPLICATION, IssueError, KeyOwner};
pub use store::*;
