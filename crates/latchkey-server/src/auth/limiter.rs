//! Failed authentications, rate limited per client address with a token
//! bucket. Only the expensive path (a store read and an argon2id run) asks
//! the limiter, so a flood of wrong secrets from one address is refused
//! cheaply while keys that are already verified keep working.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Addresses tracked at most; past it, full buckets are forgotten.
const MAX_ADDRESSES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets of failures per client address.
#[derive(Debug)]
pub struct FailureLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl FailureLimiter {
    /// `burst` failures at once, `per_second` earned back.
    pub fn new(burst: u32, per_second: f64) -> Self {
        FailureLimiter {
            burst: f64::from(burst.max(1)),
            per_second: per_second.max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let earned = now.duration_since(bucket.updated).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + earned).min(self.burst);
        bucket.updated = now;
    }

    /// `Err(seconds to wait)` when `client` has no failure left to spend.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("limiter lock");
        let Some(bucket) = buckets.get_mut(&client) else {
            return Ok(());
        };
        self.refill(bucket, now);
        if bucket.tokens >= 1.0 {
            Ok(())
        } else {
            Err(self.wait_seconds(bucket))
        }
    }

    /// Spends one failure of `client`: `Err(seconds to wait)`, and nothing
    /// spent, when it has none left.
    pub fn spend(&self, client: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("limiter lock");
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&client) {
            let burst = self.burst;
            let per_second = self.per_second;
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < burst
            });
        }
        let burst = self.burst;
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        self.refill(bucket, now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.wait_seconds(bucket))
        }
    }

    /// Whole seconds until `bucket` holds a failure to spend again.
    fn wait_seconds(&self, bucket: &Bucket) -> u64 {
        let wait = (1.0 - bucket.tokens) / self.per_second;
        wait.ceil().max(1.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused() {
        let limiter = FailureLimiter::new(3, 0.01);
        let client: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(client).is_ok());
            assert!(limiter.spend(client).is_ok());
        }
        assert!(limiter.check(client).unwrap_err() >= 1);
        assert!(limiter.spend(client).unwrap_err() >= 1);
        assert!(limiter.check(other).is_ok());
        assert!(limiter.spend(other).is_ok());
    }

    #[test]
    fn spent_failures_are_earned_back() {
        let limiter = FailureLimiter::new(1, 1000.0);
        let client: IpAddr = "::1".parse().unwrap();
        assert!(limiter.spend(client).is_ok());
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(limiter.spend(client).is_ok());
    }
}
