//! The console: the Portal flows of the API as server-rendered HTML pages
//! under `/console`, for people who sign in with their email and password.
//!
//! A signed-in person acts as their user ([`session::Person`]): every page
//! calls the very functions the API handlers call (`crate::api::*`'s shared
//! operations), which call the same `latchkey_core::authorize` decisions
//! and the same store methods, under the same delegation rule. Nothing is
//! decided here that the API decides: the console only reads forms, calls,
//! and renders what came back (errors next to the fields they name).
//!
//! Pages are askama templates (`templates/console/`), compiled into the
//! binary with the style sheet and the one small script (`assets/`): the
//! console works offline and needs no build step but `cargo build`. The
//! script is progressive enhancement only (copying a secret, selecting
//! many keys, confirming a deletion, making a JWT key pair in the browser);
//! every flow works without it.
//!
//! Security: sessions are cookies (`HttpOnly`, `SameSite=Strict`, `Secure`
//! over https) holding a random token of which the store keeps only a
//! digest; every changing form carries a CSRF token ([`web::Csrf`]); sign-in
//! is throttled per client address (the API's failure budget) and per
//! email; every page is sent with a strict Content-Security-Policy, no
//! framing, no referrer and no caching.

mod pages;
pub mod session;
mod sign_in;
mod views;
pub mod web;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::Response;
use latchkey_core::argon2id::HashParams;
use latchkey_core::password::Password;
use tokio::sync::{OnceCell, Semaphore};

use crate::auth::limiter::FailureLimiter;
use crate::config::ServerConfig;
use crate::state::AppState;

/// Failed sign-ins one email may take in a burst.
pub const SIGN_IN_FAILURES_PER_EMAIL: u32 = 10;
/// Failed sign-ins an email earns back per second (one every 30 s).
pub const SIGN_IN_FAILURES_EARNED_PER_SECOND: f64 = 1.0 / 30.0;

/// One email as the sign-in limiter counts it: a keyed hash of the
/// lowercased email (the limiter's map never holds the addresses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EmailKey(u64);

/// What the console keeps beside the server's state.
pub struct Console {
    /// argon2id parameters for new passwords (OWASP's).
    params: HashParams,
    /// Bounds the argon2id runs of sign-ins and new passwords.
    hashing: Arc<Semaphore>,
    /// A password hash that matches nothing, checked for unknown emails so
    /// that they take as long as known ones; made on first use.
    decoy: OnceCell<Password>,
    /// Failed sign-ins per email.
    by_email: FailureLimiter<EmailKey>,
    /// The key of [`EmailKey`]'s hash, random per process.
    email_hasher: RandomState,
    /// Whether cookies are `Secure` (the public URL is https).
    secure_cookies: bool,
}

impl Console {
    /// The console of a server with `config`.
    pub fn new(config: &ServerConfig) -> Self {
        Console {
            params: HashParams::default(),
            hashing: Arc::new(Semaphore::new(config.verify_concurrency.max(1))),
            decoy: OnceCell::new(),
            by_email: FailureLimiter::keyed(
                SIGN_IN_FAILURES_PER_EMAIL,
                SIGN_IN_FAILURES_EARNED_PER_SECOND,
            )
            .with_max_clients(config.cache_bounds.limiter_clients),
            email_hasher: RandomState::new(),
            secure_cookies: config.public_url.starts_with("https://"),
        }
    }

    fn email_key(&self, email: &str) -> EmailKey {
        EmailKey(self.email_hasher.hash_one(email.trim().to_lowercase()))
    }

    /// Runs argon2id work on the blocking pool, under the bound.
    async fn hash<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, crate::error::ApiError> {
        let permit = self
            .hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| crate::error::ApiError::Internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|_| crate::error::ApiError::Internal)
    }

    /// The decoy hash (made once, off the reactor).
    async fn decoy(&self) -> Result<Password, crate::error::ApiError> {
        let params = self.params;
        self.decoy
            .get_or_try_init(|| async {
                self.hash(move || {
                    let nothing = latchkey_core::token::Token::generate()
                        .map_err(|_| crate::error::ApiError::Internal)?;
                    Password::hash(nothing.expose(), &params, jiff::Timestamp::now())
                        .map_err(|_| crate::error::ApiError::Internal)
                })
                .await?
            })
            .await
            .cloned()
    }
}

/// Every console route, with the console's response headers.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::routes())
        .merge(pages::routes())
        .layer(middleware::map_response(harden))
}

/// The headers of every console response: what may load (this server's
/// own style sheet and script, nothing inline), no framing, no referrer
/// (a password link's token must not leak), nothing cached (pages show
/// secrets once).
async fn harden(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
