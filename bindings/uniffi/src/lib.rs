//! The native library of the Latchkey Kotlin and Swift SDKs: the Rust client
//! (`latchkey-client`) and its offline JWT toolkit and access-key parser,
//! exported with uniffi's proc-macros.
//!
//! Nothing here decides anything: every function converts its arguments,
//! calls the client or the toolkit, and converts the answer or the typed
//! error. The generated sources live in `bindings/kotlin` (package
//! `dev.latchkey`) and `bindings/swift` (module `Latchkey`); `cargo xtask
//! codegen` writes them from this library.
//!
//! One error enum per concern, each becoming a sealed exception class in
//! Kotlin (`JwtException`, `KeyException`, `AccessKeyException`,
//! `LatchkeyException`) and an `Error` enum in Swift.
//!
//! Secrets (private keys, access keys, created keys' `key`) are only ever
//! in objects whose `toString`/`description` is redacted, never in records:
//! a generated data class prints every field.

mod access_key;
mod client;
mod convert;
mod error;
mod jwt;
mod jwt_error;
mod keys;
mod models;
mod resources;
mod types;

uniffi::setup_scaffolding!("latchkey");
