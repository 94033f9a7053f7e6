//! Statuses of keys, applications and users, and the rules for changing them.
//!
//! A key stores `active`, `inactive` or `revoked`; `expired` is never stored:
//! it is derived from the expiration at the moment of asking, so moving the
//! expiration into the future brings the stored status back.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The stored status of an access key or JWT key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Authenticates.
    Active,
    /// Temporarily refused; can be reactivated.
    Inactive,
    /// Refused for good (terminal).
    Revoked,
}

/// The status of a key as the API shows it: the stored status, or `expired`
/// when the expiration has passed (revoked wins over expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EffectiveKeyStatus {
    /// Authenticates.
    Active,
    /// Deactivated.
    Inactive,
    /// Revoked (terminal).
    Revoked,
    /// Expiration in the past.
    Expired,
}

/// The status of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApplicationStatus {
    /// Its keys may authenticate.
    Active,
    /// Refused for good (terminal).
    Revoked,
}

/// The status of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    /// A member of the account.
    Active,
    /// Deleted (terminal): what the user created stops authenticating.
    Deleted,
}

/// A status change the rules forbid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot change status from `{from}` to `{to}`")]
pub struct IllegalTransition {
    /// The current status.
    pub from: &'static str,
    /// The status asked for.
    pub to: &'static str,
}

impl KeyStatus {
    /// The status name.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Inactive => "inactive",
            KeyStatus::Revoked => "revoked",
        }
    }

    /// The stored status after asking for `to`: active ⇄ inactive, either to
    /// revoked; nothing leaves revoked. Asking for the current status is a no-op.
    pub fn transition(self, to: KeyStatus) -> Result<KeyStatus, IllegalTransition> {
        match (self, to) {
            (KeyStatus::Revoked, KeyStatus::Revoked) => Ok(KeyStatus::Revoked),
            (KeyStatus::Revoked, _) => Err(IllegalTransition {
                from: self.as_str(),
                to: to.as_str(),
            }),
            (_, to) => Ok(to),
        }
    }

    /// The status shown at `now` for a key with this stored status.
    pub fn effective(self, expiration: Option<Timestamp>, now: Timestamp) -> EffectiveKeyStatus {
        match self {
            KeyStatus::Revoked => EffectiveKeyStatus::Revoked,
            _ if is_expired(expiration, now) => EffectiveKeyStatus::Expired,
            KeyStatus::Active => EffectiveKeyStatus::Active,
            KeyStatus::Inactive => EffectiveKeyStatus::Inactive,
        }
    }

    /// Whether a key with this status counts toward its application's limit:
    /// revoked and expired keys do not, inactive ones do.
    pub fn counts_toward_limit(self, expiration: Option<Timestamp>, now: Timestamp) -> bool {
        self.limit_standing(expiration).counts_at(now)
    }

    /// How a key with this status and expiration counts toward its
    /// application's limit over time: what a store keeps so that counting an
    /// application's keys does not mean reading them all.
    pub fn limit_standing(self, expiration: Option<Timestamp>) -> LimitStanding {
        match (self, expiration) {
            (KeyStatus::Revoked, _) => LimitStanding::Never,
            (_, None) => LimitStanding::Always,
            (_, Some(at)) => LimitStanding::Until(at),
        }
    }
}

/// How a key counts toward its application's limit as time passes, fixed
/// until the key is written again. Stores keep a count of the [`Always`]
/// keys and an index of the [`Until`] keys by expiration: an application's
/// count at `now` is the former plus the index entries [`counting_from`]
/// `now` on, without reading a key. Expiry is why a plain counter cannot do:
/// a key stops counting without any write.
///
/// [`Always`]: LimitStanding::Always
/// [`Until`]: LimitStanding::Until
/// [`counting_from`]: LimitStanding::counts_at
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitStanding {
    /// Never counts (revoked).
    Never,
    /// Counts for as long as it stays as it is (no expiration).
    Always,
    /// Counts until this expiration passes.
    Until(Timestamp),
}

impl LimitStanding {
    /// Whether the key counts at `now`.
    pub fn counts_at(self, now: Timestamp) -> bool {
        match self {
            LimitStanding::Never => false,
            LimitStanding::Always => true,
            LimitStanding::Until(at) => !is_expired(Some(at), now),
        }
    }

    /// The earliest expiration (in nanoseconds since the epoch) of an
    /// [`Until`](LimitStanding::Until) key that still counts at `now`: stores
    /// count their expiration index from here on (an expiration equal to
    /// `now` has passed, see [`is_expired`]).
    pub fn first_counting_expiration(now: Timestamp) -> i128 {
        now.as_nanosecond().saturating_add(1)
    }
}

/// Whether an expiration has passed at `now` (an expiration equal to `now` has).
pub fn is_expired(expiration: Option<Timestamp>, now: Timestamp) -> bool {
    expiration.is_some_and(|at| at <= now)
}

impl EffectiveKeyStatus {
    /// The status name.
    pub const fn as_str(self) -> &'static str {
        match self {
            EffectiveKeyStatus::Active => "active",
            EffectiveKeyStatus::Inactive => "inactive",
            EffectiveKeyStatus::Revoked => "revoked",
            EffectiveKeyStatus::Expired => "expired",
        }
    }
}

impl ApplicationStatus {
    /// The status name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Active => "active",
            ApplicationStatus::Revoked => "revoked",
        }
    }

    /// The status after asking for `to`: active to revoked; nothing leaves revoked.
    pub fn transition(self, to: ApplicationStatus) -> Result<ApplicationStatus, IllegalTransition> {
        match (self, to) {
            (ApplicationStatus::Revoked, ApplicationStatus::Active) => Err(IllegalTransition {
                from: self.as_str(),
                to: to.as_str(),
            }),
            (_, to) => Ok(to),
        }
    }
}

impl UserStatus {
    /// The status name.
    pub const fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Deleted => "deleted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    #[test]
    fn key_transitions() {
        use KeyStatus::*;
        assert_eq!(Active.transition(Inactive), Ok(Inactive));
        assert_eq!(Inactive.transition(Active), Ok(Active));
        assert_eq!(Active.transition(Revoked), Ok(Revoked));
        assert_eq!(Inactive.transition(Revoked), Ok(Revoked));
        assert_eq!(Active.transition(Active), Ok(Active));
        assert_eq!(Revoked.transition(Revoked), Ok(Revoked));
        assert_eq!(
            Revoked.transition(Active),
            Err(IllegalTransition {
                from: "revoked",
                to: "active"
            })
        );
        assert!(Revoked.transition(Inactive).is_err());
    }

    #[test]
    fn expired_is_derived_and_revoked_wins() {
        let now = at(1_000);
        assert_eq!(
            KeyStatus::Active.effective(None, now),
            EffectiveKeyStatus::Active
        );
        assert_eq!(
            KeyStatus::Active.effective(Some(at(999)), now),
            EffectiveKeyStatus::Expired
        );
        assert_eq!(
            KeyStatus::Active.effective(Some(at(1_000)), now),
            EffectiveKeyStatus::Expired
        );
        assert_eq!(
            KeyStatus::Active.effective(Some(at(1_001)), now),
            EffectiveKeyStatus::Active
        );
        assert_eq!(
            KeyStatus::Inactive.effective(Some(at(1)), now),
            EffectiveKeyStatus::Expired
        );
        assert_eq!(
            KeyStatus::Inactive.effective(Some(at(2_000)), now),
            EffectiveKeyStatus::Inactive
        );
        assert_eq!(
            KeyStatus::Revoked.effective(Some(at(1)), now),
            EffectiveKeyStatus::Revoked
        );
    }

    #[test]
    fn limit_counting_rule() {
        let now = at(1_000);
        assert!(KeyStatus::Active.counts_toward_limit(None, now));
        assert!(KeyStatus::Inactive.counts_toward_limit(None, now));
        assert!(!KeyStatus::Revoked.counts_toward_limit(None, now));
        assert!(!KeyStatus::Active.counts_toward_limit(Some(at(10)), now));
        assert!(!KeyStatus::Inactive.counts_toward_limit(Some(at(10)), now));
    }

    #[test]
    fn limit_standing_agrees_with_the_effective_status_everywhere() {
        let now = at(1_000);
        let instants = [
            None,
            Some(at(10)),
            Some(now),
            Some(Timestamp::from_nanosecond(now.as_nanosecond() + 1).unwrap()),
            Some(at(2_000)),
        ];
        for status in [KeyStatus::Active, KeyStatus::Inactive, KeyStatus::Revoked] {
            for expiration in instants {
                let standing = status.limit_standing(expiration);
                let by_effective = matches!(
                    status.effective(expiration, now),
                    EffectiveKeyStatus::Active | EffectiveKeyStatus::Inactive
                );
                assert_eq!(
                    standing.counts_at(now),
                    by_effective,
                    "{status:?} {expiration:?}"
                );
                // What a store's index range finds agrees with the rule.
                if let LimitStanding::Until(at) = standing {
                    assert_eq!(
                        at.as_nanosecond() >= LimitStanding::first_counting_expiration(now),
                        by_effective
                    );
                }
            }
        }
        assert_eq!(
            KeyStatus::Revoked.limit_standing(None),
            LimitStanding::Never
        );
        assert_eq!(
            KeyStatus::Inactive.limit_standing(None),
            LimitStanding::Always
        );
    }

    #[test]
    fn application_transitions() {
        use ApplicationStatus::*;
        assert_eq!(Active.transition(Revoked), Ok(Revoked));
        assert_eq!(Active.transition(Active), Ok(Active));
        assert_eq!(Revoked.transition(Revoked), Ok(Revoked));
        assert!(Revoked.transition(Active).is_err());
    }

    #[test]
    fn serde_names() {
        assert_eq!(
            serde_json::to_string(&EffectiveKeyStatus::Expired).unwrap(),
            "\"expired\""
        );
        assert_eq!(
            serde_json::from_str::<KeyStatus>("\"inactive\"").unwrap(),
            KeyStatus::Inactive
        );
        assert!(serde_json::from_str::<KeyStatus>("\"expired\"").is_err());
    }

    fn any_status() -> impl Strategy<Value = KeyStatus> {
        prop_oneof![
            Just(KeyStatus::Active),
            Just(KeyStatus::Inactive),
            Just(KeyStatus::Revoked)
        ]
    }

    proptest! {
        #[test]
        fn no_sequence_of_changes_leaves_revoked(steps in proptest::collection::vec(any_status(), 0..20)) {
            let mut status = KeyStatus::Revoked;
            for step in steps {
                if let Ok(next) = status.transition(step) {
                    status = next;
                }
                prop_assert_eq!(status, KeyStatus::Revoked);
            }
        }
    }
}
