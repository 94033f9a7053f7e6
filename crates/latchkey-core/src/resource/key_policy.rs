//! An account's key policy (`/v3/accounts/me/policy`): how long its keys may
//! live, whether they must expire, when unused ones are switched off, and
//! what happens to a key reported leaked.
//!
//! The policy binds what requests ask for: new keys, expirations changed,
//! keys rolled. It is checked by the store inside the write's transaction,
//! against the policy read there, so a key made while the policy changes
//! meets the one in force when it is stored. Keys that existed before a
//! policy are left as they are until they are changed (a policy that
//! revoked keys by itself would break running services without warning);
//! the sweep of unused keys only deactivates, which can be undone.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

/// Longest lifetime or idle period a policy may name, in days (ten years):
/// beyond it the number is a typo, and the instants it makes stay far from
/// the end of [`Timestamp`]'s range.
pub const MAX_POLICY_DAYS: u32 = 3650;

const SECONDS_PER_DAY: i64 = 86_400;

/// What happens to a key a secret-scanning partner reports leaked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExposedKeyAction {
    /// Revoked at once (terminal): the default, since a leaked secret is
    /// public from then on.
    #[default]
    Revoke,
    /// Deactivated: it stops working and can be reactivated.
    Deactivate,
    /// Left working; the exposure is only recorded.
    Notify,
}

impl ExposedKeyAction {
    /// The name used in the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExposedKeyAction::Revoke => "revoke",
            ExposedKeyAction::Deactivate => "deactivate",
            ExposedKeyAction::Notify => "notify",
        }
    }
}

/// An account's key policy. The default asks nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPolicy {
    /// Longest a key may live, from its creation to its expiration, in days.
    #[serde(default)]
    pub max_key_lifetime_days: Option<u32>,
    /// Whether every key must have an expiration.
    #[serde(default)]
    pub require_expiration: bool,
    /// Keys (access keys and JWT keys) not used for this many days (since
    /// their last use, or their creation when never used) are deactivated
    /// by a background sweep.
    #[serde(default)]
    pub deactivate_unused_after_days: Option<u32>,
    /// What happens to a key reported leaked.
    #[serde(default)]
    pub exposed_key_action: ExposedKeyAction,
}

fn days(days: u32) -> SignedDuration {
    SignedDuration::from_secs(i64::from(days) * SECONDS_PER_DAY)
}

impl KeyPolicy {
    /// Whether it asks nothing (the default).
    pub fn is_empty(&self) -> bool {
        *self == KeyPolicy::default()
    }

    /// Validates the numbers on their own: each from 1 to [`MAX_POLICY_DAYS`].
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for (field, value) in [
            ("max_key_lifetime_days", self.max_key_lifetime_days),
            (
                "deactivate_unused_after_days",
                self.deactivate_unused_after_days,
            ),
        ] {
            if value.is_some_and(|days| !(1..=MAX_POLICY_DAYS).contains(&days)) {
                errors.add(field, format!("must be from 1 to {MAX_POLICY_DAYS} days"));
            }
        }
        errors.finish(())
    }

    /// Whether a key made at `created_at` may have `expiration`: `400` on
    /// `expiration` when it has none and one is required, or when it lies
    /// further from the key's creation than the longest lifetime allowed.
    pub fn check_expiration(
        &self,
        created_at: Timestamp,
        expiration: Option<Timestamp>,
    ) -> Result<(), ValidationErrors> {
        let must_expire = self.require_expiration || self.max_key_lifetime_days.is_some();
        match (expiration, self.max_key_lifetime_days) {
            (None, Some(max)) => Err(ValidationErrors::single(
                "expiration",
                format!("is required: the account's key policy allows keys at most {max} days"),
            )),
            (None, None) if must_expire => Err(ValidationErrors::single(
                "expiration",
                "is required by the account's key policy",
            )),
            (Some(at), Some(max)) if at.duration_since(created_at) > days(max) => {
                Err(ValidationErrors::single(
                    "expiration",
                    format!(
                        "is more than {max} days after the key's creation ({created_at}), the longest the account's key policy allows"
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Whether a key last used at `last_used_at` (or, never used, created at
    /// `created_at`) is unused long enough at `now` to be deactivated.
    pub fn is_unused(
        &self,
        created_at: Timestamp,
        last_used_at: Option<Timestamp>,
        now: Timestamp,
    ) -> bool {
        let Some(after) = self.deactivate_unused_after_days else {
            return false;
        };
        let since = last_used_at.map_or(created_at, |used| used.max(created_at));
        now.duration_since(since) >= days(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    const DAY: i64 = SECONDS_PER_DAY;

    #[test]
    fn the_default_policy_allows_anything() {
        let policy = KeyPolicy::default();
        assert!(policy.validate().is_ok());
        assert!(policy.check_expiration(at(0), None).is_ok());
        assert!(
            policy
                .check_expiration(at(0), Some(at(100_000 * DAY)))
                .is_ok()
        );
        assert!(!policy.is_unused(at(0), None, at(100_000 * DAY)));
        assert_eq!(policy.exposed_key_action, ExposedKeyAction::Revoke);
    }

    #[test]
    fn numbers_out_of_range_are_named() {
        let policy = KeyPolicy {
            max_key_lifetime_days: Some(0),
            deactivate_unused_after_days: Some(MAX_POLICY_DAYS + 1),
            ..KeyPolicy::default()
        };
        let names: Vec<_> = policy
            .validate()
            .unwrap_err()
            .fields
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(
            names,
            ["max_key_lifetime_days", "deactivate_unused_after_days"]
        );
    }

    #[test]
    fn a_required_expiration_names_expiration() {
        let policy = KeyPolicy {
            require_expiration: true,
            ..KeyPolicy::default()
        };
        let error = policy.check_expiration(at(0), None).unwrap_err();
        assert_eq!(error.fields[0].name, "expiration");
        assert!(policy.check_expiration(at(0), Some(at(DAY))).is_ok());
    }

    #[test]
    fn the_longest_lifetime_counts_from_creation_and_implies_an_expiration() {
        let policy = KeyPolicy {
            max_key_lifetime_days: Some(90),
            ..KeyPolicy::default()
        };
        let created = at(1_000 * DAY);
        assert!(
            policy
                .check_expiration(created, Some(created + days(90)))
                .is_ok()
        );
        let error = policy
            .check_expiration(
                created,
                Some(created + days(90) + SignedDuration::from_secs(1)),
            )
            .unwrap_err();
        assert_eq!(error.fields[0].name, "expiration");
        assert_eq!(
            policy.check_expiration(created, None).unwrap_err().fields[0].name,
            "expiration"
        );
    }

    #[test]
    fn unused_counts_from_the_last_use_or_the_creation() {
        let policy = KeyPolicy {
            deactivate_unused_after_days: Some(30),
            ..KeyPolicy::default()
        };
        let created = at(0);
        assert!(!policy.is_unused(created, None, at(30 * DAY - 1)));
        assert!(policy.is_unused(created, None, at(30 * DAY)));
        assert!(!policy.is_unused(created, Some(at(10 * DAY)), at(30 * DAY)));
        assert!(policy.is_unused(created, Some(at(10 * DAY)), at(40 * DAY)));
    }

    #[test]
    fn the_policy_reads_older_documents_without_its_new_fields() {
        let policy: KeyPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(policy, KeyPolicy::default());
        let text = serde_json::to_string(&KeyPolicy {
            exposed_key_action: ExposedKeyAction::Deactivate,
            ..KeyPolicy::default()
        })
        .unwrap();
        assert!(
            text.contains(r#""exposed_key_action":"deactivate""#),
            "{text}"
        );
    }
}
