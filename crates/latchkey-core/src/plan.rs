//! Plans and their limits, as data.

use serde::{Deserialize, Serialize};

/// An account's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// 4 applications.
    Free,
    /// 25 applications.
    Commercial,
    /// Every limit set by the operator.
    Custom,
}

/// How many active items an account may hold. Revoked items, and expired
/// keys, do not count; inactive keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Limits {
    /// Applications per account.
    pub applications: u32,
    /// Access keys per application.
    pub access_keys_per_application: u32,
    /// JWT keys per application.
    pub jwt_keys_per_application: u32,
}

/// Which limit a creation runs into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// Applications per account.
    Applications,
    /// Access keys per application.
    AccessKeysPerApplication,
    /// JWT keys per application.
    JwtKeysPerApplication,
}

/// A creation that would go over a limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} limit reached: at most {maximum}", .kind.describe())]
pub struct LimitExceeded {
    /// The limit.
    pub kind: LimitKind,
    /// Its value.
    pub maximum: u32,
}

impl LimitKind {
    /// Words for messages.
    pub const fn describe(self) -> &'static str {
        match self {
            LimitKind::Applications => "application",
            LimitKind::AccessKeysPerApplication => "access keys per application",
            LimitKind::JwtKeysPerApplication => "JWT keys per application",
        }
    }
}

/// Per-application key limits shared by every plan.
const KEYS_PER_APPLICATION: u32 = 2;

impl Plan {
    /// The limits of a fixed plan; `None` for `custom`, whose numbers are set
    /// explicitly.
    pub const fn limits(self) -> Option<Limits> {
        let applications = match self {
            Plan::Free => 4,
            Plan::Commercial => 25,
            Plan::Custom => return None,
        };
        Some(Limits {
            applications,
            access_keys_per_application: KEYS_PER_APPLICATION,
            jwt_keys_per_application: KEYS_PER_APPLICATION,
        })
    }

    /// The plan name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Commercial => "commercial",
            Plan::Custom => "custom",
        }
    }
}

impl Limits {
    /// The value of one limit.
    pub const fn get(&self, kind: LimitKind) -> u32 {
        match kind {
            LimitKind::Applications => self.applications,
            LimitKind::AccessKeysPerApplication => self.access_keys_per_application,
            LimitKind::JwtKeysPerApplication => self.jwt_keys_per_application,
        }
    }

    /// Whether one more item fits when `counted` items already count.
    pub fn admit(&self, kind: LimitKind, counted: u64) -> Result<(), LimitExceeded> {
        let maximum = self.get(kind);
        if counted < u64::from(maximum) {
            Ok(())
        } else {
            Err(LimitExceeded { kind, maximum })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_limits_are_the_contracts() {
        let free = Plan::Free.limits().unwrap();
        assert_eq!(
            (
                free.applications,
                free.access_keys_per_application,
                free.jwt_keys_per_application
            ),
            (4, 2, 2)
        );
        assert_eq!(Plan::Commercial.limits().unwrap().applications, 25);
        assert_eq!(Plan::Custom.limits(), None);
    }

    #[test]
    fn admit_stops_at_the_limit() {
        let limits = Plan::Free.limits().unwrap();
        assert!(limits.admit(LimitKind::Applications, 3).is_ok());
        let refused = limits.admit(LimitKind::Applications, 4).unwrap_err();
        assert_eq!(refused.maximum, 4);
        assert_eq!(refused.to_string(), "application limit reached: at most 4");
        assert!(
            limits
                .admit(LimitKind::AccessKeysPerApplication, 2)
                .is_err()
        );
        let zero = Limits {
            applications: 0,
            access_keys_per_application: 0,
            jwt_keys_per_application: 0,
        };
        assert!(zero.admit(LimitKind::JwtKeysPerApplication, 0).is_err());
    }
}
