//! Failed authentications of known credentials, for the audit log: counted
//! per credential, client address and minute, and written as one
//! `authentication.failed` record per such triple once its minute is over,
//! never one record per failed request (a flood of guesses against a key
//! writes one record a minute per address, not one per guess).
//!
//! Only credentials that exist are counted: a guess at a key id that does
//! not exist belongs to no account's log (the failure limiter still slows
//! it down). The pending counts are bounded: past [`MAX_PENDING`] distinct
//! triples in one minute, further triples are dropped and the drop is
//! logged, so that an attacker spraying addresses cannot grow memory.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use latchkey_core::audit::{
    AuditAction, AuditActor, AuditRecord, AuditTarget, Changes, TargetType, Via,
};
use latchkey_core::authorize::Credential;
use latchkey_core::id::{AccountId, AuditRecordId};
use latchkey_store::Store;
use serde_json::{Value, json};

/// Distinct (credential, address, minute) triples held at once.
pub const MAX_PENDING: usize = 10_000;

type Triple = (Credential, IpAddr, i64);

/// Counts of failed authentications not yet written.
#[derive(Default)]
pub struct FailureLog {
    pending: Mutex<HashMap<Triple, (AccountId, u64)>>,
    dropped: AtomicU64,
}

fn minute_of(at: Timestamp) -> i64 {
    at.as_second().div_euclid(60)
}

impl FailureLog {
    /// Counts a failed authentication of `credential` (of `account_id`)
    /// from `client` at `now`.
    pub fn note(
        &self,
        account_id: AccountId,
        credential: Credential,
        client: IpAddr,
        now: Timestamp,
    ) {
        let key = (credential, client, minute_of(now));
        let mut pending = self.pending.lock().expect("failure log lock");
        let full = pending.len() >= MAX_PENDING;
        match pending.get_mut(&key) {
            Some((_, count)) => *count += 1,
            None if full => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                pending.insert(key, (account_id, 1));
            }
        }
    }

    /// The records of every minute before the one of `now` (all of them
    /// when `now` is `None`), removed from the pending counts.
    pub fn take_finished(&self, now: Option<Timestamp>) -> Vec<AuditRecord> {
        let current = now.map(minute_of);
        let mut pending = self.pending.lock().expect("failure log lock");
        let finished: Vec<Triple> = pending
            .keys()
            .filter(|(_, _, minute)| current.is_none_or(|current| *minute < current))
            .copied()
            .collect();
        let mut records: Vec<AuditRecord> = finished
            .into_iter()
            .filter_map(|triple| {
                let (account_id, count) = pending.remove(&triple)?;
                Some(record(account_id, triple, count))
            })
            .collect();
        records.sort_by_key(|r| r.at);
        records
    }

    /// Writes the finished minutes' records (every pending one when
    /// `now` is `None`, at shutdown). A failed write is logged and its
    /// records are lost: they are a record of refusals, nothing changed.
    pub async fn flush(&self, store: &dyn Store, now: Option<Timestamp>) {
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "failed authentications not counted for the audit log (too many distinct credentials and addresses)"
            );
        }
        let records = self.take_finished(now);
        if records.is_empty() {
            return;
        }
        if let Err(error) = store.record_authentication_failures(records).await {
            tracing::warn!(%error, "could not write failed authentications to the audit log");
        }
    }
}

fn record(account_id: AccountId, (credential, ip, minute): Triple, count: u64) -> AuditRecord {
    let (via, id) = match credential {
        Credential::AccessKey(id) => (Via::AccessKey, id.to_string()),
        Credential::JwtKey(id) => (Via::Jwt, id.to_string()),
        Credential::Session(id) => (Via::Console, id.to_string()),
    };
    let at = Timestamp::from_second(minute * 60).unwrap_or(Timestamp::UNIX_EPOCH);
    let mut changes = Changes::new();
    changes.insert("failures".into(), [Value::Null, json!(count)]);
    AuditRecord {
        id: AuditRecordId::generate(),
        account_id,
        at,
        actor: AuditActor {
            user_id: None,
            application_id: None,
            credential_id: Some(id.clone()),
            via,
        },
        action: AuditAction::AuthenticationFailed,
        target: AuditTarget {
            kind: TargetType::Credential,
            id,
        },
        changes,
        request_id: None,
        ip: Some(ip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use latchkey_core::id::AccessKeyId;

    #[test]
    fn failures_are_one_record_per_credential_address_and_minute() {
        let log = FailureLog::default();
        let account = AccountId::generate();
        let key = Credential::AccessKey(AccessKeyId::generate());
        let here: IpAddr = "192.0.2.1".parse().unwrap();
        let there: IpAddr = "192.0.2.2".parse().unwrap();
        // A minute's first second (1_800_000_000 is a multiple of 60).
        let start = Timestamp::from_second(1_800_000_000).unwrap();
        for second in 0..60 {
            let at = start + jiff::SignedDuration::from_secs(second);
            log.note(account, key, here, at);
        }
        log.note(account, key, there, start);
        let next_minute = start + jiff::SignedDuration::from_secs(60);
        log.note(account, key, here, next_minute);
        // The current minute stays pending.
        assert!(log.take_finished(Some(start)).is_empty());
        let records = log.take_finished(Some(next_minute));
        assert_eq!(records.len(), 2);
        let counts: Vec<_> = records
            .iter()
            .map(|r| (r.ip.unwrap(), r.changes["failures"][1].clone()))
            .collect();
        assert!(counts.contains(&(here, json!(60))));
        assert!(counts.contains(&(there, json!(1))));
        assert!(
            records
                .iter()
                .all(|r| r.at == start && r.account_id == account)
        );
        // Shutdown takes the rest.
        let rest = log.take_finished(None);
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].at, next_minute);
        assert!(log.take_finished(None).is_empty());
    }

    #[test]
    fn pending_counts_are_bounded() {
        let log = FailureLog::default();
        let account = AccountId::generate();
        let now = Timestamp::now();
        for n in 0..(MAX_PENDING as u32 + 10) {
            let ip = IpAddr::from(n.to_be_bytes());
            log.note(
                account,
                Credential::AccessKey(AccessKeyId::from_u128(1)),
                ip,
                now,
            );
        }
        assert_eq!(log.take_finished(None).len(), MAX_PENDING);
        assert_eq!(log.dropped.load(Ordering::Relaxed), 10);
    }
}
