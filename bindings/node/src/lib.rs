//! The native half of `@latchkey/node` (loaded by `lib/native.cjs`).
//!
//! Thin by design: every behaviour lives in `latchkey-client` (and the domain
//! crate it re-exports); this crate converts arguments, results and errors.
//! The public JavaScript surface (`jwt`, `accessKey`, the error classes) is
//! the wrapper in `lib/`: it turns keys of every accepted form into the
//! handles below, and turns the coded errors raised here into its classes.

// `#[napi]` registers exports only outside `cfg(test)`; `clippy --all-targets`
// compiles that configuration too, where every export looks unused.
#![cfg_attr(test, allow(dead_code))]

mod access_key;
mod client;
mod errors;
mod keys;
mod token;

/// The version of the native addon, which is the package's version.
#[napi_derive::napi]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
