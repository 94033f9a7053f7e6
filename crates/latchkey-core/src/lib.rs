//! Latchkey's domain, free of I/O: the resources of the access-management
//! contract, their statuses and transition rules, permissions and the one
//! authorization decision, the access-key format and its hashing, plan limits,
//! and the offline JWT toolkit.
//!
//! The server's way for every request runs through here: a credential is
//! verified and turned into a [`authorize::Principal`] by
//! [`credential::CredentialContext::authenticate`], the request is checked by
//! [`authorize::authorize`], and every change to a resource is decided by the
//! resource's `apply` function before the store writes it.

pub mod access_key;
pub mod argon2id;
pub mod audit;
pub mod authorize;
pub mod credential;
pub mod delegation;
pub mod id;
pub mod jwt;
pub mod list;
pub mod password;
pub mod password_link;
pub mod permission;
pub mod plan;
pub mod resource;
pub mod secret_hash;
pub mod secret_scanning;
pub mod session;
pub mod status;
pub mod token;
pub mod validation;
