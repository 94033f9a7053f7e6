//! When and how long to wait before trying a request again.
//!
//! Only idempotent requests (GET, PUT, DELETE) are retried, and only after a
//! `429 Too Many Requests`, a `503 Service Unavailable`, or a connection that
//! failed before an answer. A `Retry-After` from the server is honoured (up
//! to [`RetryPolicy::max_retry_after`]; a longer wait is returned to the
//! caller as the error); otherwise the wait grows exponentially with jitter.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How the client retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retries).
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits for; the error is
    /// returned when the server asks for more.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The backoff before retry number `retry` (0-based): the exponential
    /// delay capped at `max_delay`, half of it fixed and half random.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(16));
        let delay = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let half = delay / 2;
        half + half.mul_f64(rand::random_range(0.0..=1.0))
    }
}

/// Whether `method` may be sent twice with the same effect.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Whether a response with `status` is worth retrying.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    status == 429 || status == 503
}

/// The `Retry-After` of a response: delay seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()?;
    let wait = date.duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let policy = RetryPolicy::default();
        for retry in 0..10 {
            let full = policy
                .base_delay
                .saturating_mul(2u32.pow(retry))
                .min(policy.max_delay);
            let delay = policy.backoff(retry);
            assert!(delay >= full / 2 && delay <= full, "{retry}: {delay:?}");
        }
        assert!(policy.backoff(u32::MAX) <= policy.max_delay);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30);
        let text = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&later)
            .unwrap();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&text).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(27) && wait <= Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn only_idempotent_methods_retry() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::PUT));
        assert!(is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
