//! Per-request context: the request id (in `X-Request-Id` and in every error
//! body), the request timeout, and one access-log line per request. The log
//! line names the path only: a query string is never logged.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: RequestId;
}

/// The id of the request being served (empty outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(|id| id.as_str().to_owned())
        .unwrap_or_default()
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
    State(timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let id = new_request_id();
    let method = request.method().clone();
    // A clone of the URI shares its bytes (no copy of the path).
    let uri = request.uri().clone();
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(id, async move {
            match tokio::time::timeout(timeout, next.run(request)).await {
                Ok(response) => response,
                Err(_) => ApiError::Timeout.into_response(),
            }
        })
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
