//! Per-request context: the request id (in `X-Request-Id` and in every error
//! body), the client's address (as the failure limiter counts it), the
//! request timeout, and one access-log line per request. The log line names
//! the path only: a query string is never logged.
//!
//! The request id and the client's address are what the audit log records
//! of a request: [`acting`] puts them beside the principal of a write.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use latchkey_core::audit::Acting;
use latchkey_core::authorize::Principal;

use crate::auth::client_address::TrustedProxies;
use crate::error::ApiError;

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: RequestId;
    static CLIENT_ADDRESS: IpAddr;
}

/// The id of the request being served (empty outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(|id| id.as_str().to_owned())
        .unwrap_or_default()
}

/// The client's address of the request being served, if any.
pub fn current_client_address() -> Option<IpAddr> {
    CLIENT_ADDRESS.try_with(|address| *address).ok()
}

/// `principal` acting in the request being served: what a store write takes.
pub fn acting(principal: &Principal) -> Acting {
    let request_id = REQUEST_ID.try_with(|id| id.as_str().to_owned()).ok();
    Acting::credential(principal.clone(), request_id, current_client_address())
}

/// A person in the console acting for themselves before (or without) a
/// session's rights: signing in, setting a password through a link.
pub fn acting_person(
    account_id: latchkey_core::id::AccountId,
    user_id: latchkey_core::id::UserId,
    session: Option<latchkey_core::id::SessionId>,
) -> Acting {
    let request_id = REQUEST_ID.try_with(|id| id.as_str().to_owned()).ok();
    Acting::person(
        account_id,
        user_id,
        session,
        request_id,
        current_client_address(),
    )
}

/// The server itself acting in the request being served (a session found
/// ended, removed): recorded as the system, with the request's id and
/// address.
pub fn acting_system() -> Acting {
    let mut acting = Acting::system();
    acting.request_id = REQUEST_ID.try_with(|id| id.as_str().to_owned()).ok();
    acting.ip = current_client_address();
    acting
}

/// What the middleware needs: the request timeout and whose
/// `X-Forwarded-For` to believe.
#[derive(Debug, Clone)]
pub struct ContextConfig {
    /// The request timeout.
    pub timeout: Duration,
    /// Proxies trusted to name the client.
    pub trusted_proxies: TrustedProxies,
}

/// A request id: `req_` and 32 lowercase hex digits, the same shape as the
/// UUIDs it replaces. Made without a system call or an allocation: see
/// [`RequestIds`].
#[derive(Clone, Copy)]
pub struct RequestId([u8; 36]);

impl RequestId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("request ids are ASCII")
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where request ids come from. Each id is a 64-bit prefix drawn at random
/// once per process, then a 64-bit counter (one per request) put through a
/// keyed bijection of 64-bit numbers (two rounds of xor with a random key,
/// then SplitMix64's finalizer, itself a bijection). So within a process
/// no two ids are ever equal (the counter does not repeat before 2^64
/// requests, and a bijection keeps distinct numbers distinct), and the ids
/// do not show how many requests came before; between processes, two
/// prefixes are equal with probability 2^-62. Drawing 128 random bits per
/// request (UUIDv4/v7 through `getrandom`) cost a system call per request
/// on the hot path.
struct RequestIds {
    prefix: u64,
    keys: [u64; 2],
    next: AtomicU64,
}

impl RequestIds {
    fn new() -> Self {
        // UUIDv7's last 64 bits are 62 random bits (and the variant's 2).
        let random = || uuid::Uuid::now_v7().as_u64_pair().1;
        RequestIds {
            prefix: random(),
            keys: [random(), random()],
            next: AtomicU64::new(0),
        }
    }

    fn next(&self) -> RequestId {
        let count = self.next.fetch_add(1, Ordering::Relaxed);
        let mut id = [0u8; 36];
        id[..4].copy_from_slice(b"req_");
        hex(self.prefix, &mut id[4..20]);
        hex(self.permute(count), &mut id[20..]);
        RequestId(id)
    }

    /// A bijection of `u64` chosen by the keys.
    fn permute(&self, mut x: u64) -> u64 {
        for key in self.keys {
            x ^= key;
            x = mix(x);
        }
        x
    }
}

/// SplitMix64's finalizer: xor-shifts and multiplications by odd constants,
/// each invertible, so the whole is a bijection.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn hex(value: u64, out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (at, digit) in out.iter_mut().enumerate() {
        let shift = 60 - 4 * at;
        *digit = DIGITS[((value >> shift) & 0xf) as usize];
    }
}

static REQUEST_IDS: LazyLock<RequestIds> = LazyLock::new(RequestIds::new);

fn new_request_id() -> RequestId {
    REQUEST_IDS.next()
}

/// Middleware: gives the request an id, runs it under the timeout, stamps
/// the id on the response and logs one line.
pub async fn request_context(
    State(config): State<ContextConfig>,
    request: Request,
    next: Next,
) -> Response {
    let id = new_request_id();
    let timeout = config.timeout;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let client = config
        .trusted_proxies
        .client_address(peer, request.headers().get_all("x-forwarded-for").iter());
    let method = request.method().clone();
    // A clone of the URI shares its bytes (no copy of the path).
    let uri = request.uri().clone();
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(
            id,
            CLIENT_ADDRESS.scope(client, async move {
                match tokio::time::timeout(timeout, next.run(request)).await {
                    Ok(response) => response,
                    Err(_) => ApiError::Timeout.into_response(),
                }
            }),
        )
        .await;
    if let Ok(value) = HeaderValue::from_bytes(&id.0) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    tracing::info!(
        request_id = %id,
        %method,
        path = uri.path(),
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_and_shaped_like_before() {
        let ids = RequestIds::new();
        let mut seen = HashSet::new();
        for _ in 0..200_000 {
            let id = ids.next();
            let text = id.as_str();
            assert_eq!(text.len(), 36);
            assert!(text.starts_with("req_"));
            assert!(
                text[4..]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert!(seen.insert(text.to_owned()), "{text} twice");
        }
    }

    #[test]
    fn ids_are_unique_across_threads() {
        let ids = std::sync::Arc::new(RequestIds::new());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let ids = ids.clone();
                std::thread::spawn(move || {
                    (0..50_000)
                        .map(|_| ids.next().as_str().to_owned())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for thread in threads {
            for id in thread.join().unwrap() {
                assert!(seen.insert(id));
            }
        }
        assert_eq!(seen.len(), 200_000);
    }

    #[test]
    fn the_permutation_is_a_bijection_on_a_sample() {
        // Distinct inputs, distinct outputs, including near 0 and u64::MAX
        // and the counter's first values.
        let ids = RequestIds::new();
        let inputs: HashSet<u64> = (0..100_000u64)
            .chain((0..1000).map(|n| u64::MAX - n))
            .chain((0..1000).map(|n| n << 40))
            .collect();
        let outputs: HashSet<u64> = inputs.iter().map(|&n| ids.permute(n)).collect();
        assert_eq!(outputs.len(), inputs.len());
    }
}
