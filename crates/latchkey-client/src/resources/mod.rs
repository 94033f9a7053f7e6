//! One accessor per resource of the API, borrowed from the [`Client`]
//! (`client.applications().create(…)`).

mod access_keys;
mod accounts;
mod applications;
mod audit_log;
mod jwt_keys;
mod policy_groups;
mod users;

pub use access_keys::AccessKeys;
pub use accounts::Accounts;
pub use applications::Applications;
pub use audit_log::{AuditLog, AuditLogFilter};
pub use jwt_keys::JwtKeys;
pub use policy_groups::PolicyGroups;
pub use users::Users;

#[cfg(doc)]
use crate::Client;

/// The body of member and bulk calls: `{ "ids": [...] }`.
#[derive(serde::Serialize)]
struct Ids<'a, T: serde::Serialize> {
    ids: &'a [T],
}
