//! Latchkey's domain, free of I/O: the resources of the access-management
//! contract, their statuses and transition rules, permissions and the one
//! authorization decision, the access-key format and its hashing, plan limits,
//! and the offline JWT toolkit.

pub mod id;
pub mod jwt;
