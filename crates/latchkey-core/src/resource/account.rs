//! Accounts: teams, tenants.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ChangeError;
use super::key_policy::KeyPolicy;
use crate::id::AccountId;
use crate::plan::{Limits, Plan};
use crate::validation::ValidationErrors;

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Id.
    pub id: AccountId,
    /// Display name.
    pub name: String,
    /// Plan.
    pub plan: Plan,
    /// Limits in force (the plan's, or the custom numbers).
    pub limits: Limits,
    /// Whether this is the operator account (the first one), whose
    /// administrators manage the other accounts.
    pub operator: bool,
    /// The account's key policy. The empty policy is not written, so that
    /// records without one (written before it existed) read back as written.
    #[serde(default, skip_serializing_if = "KeyPolicy::is_empty")]
    pub key_policy: KeyPolicy,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Input for a new tenant account (`POST /v3/accounts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Display name.
    pub name: String,
    /// Plan; `free` when absent.
    #[serde(default = "default_plan")]
    pub plan: Plan,
    /// Limits: required for `custom`, refused for the fixed plans.
    #[serde(default)]
    pub limits: Option<Limits>,
}

fn default_plan() -> Plan {
    Plan::Free
}

/// A change to an account. Tenants may change the name; the operator the
/// plan and limits too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New plan.
    #[serde(default)]
    pub plan: Option<Plan>,
    /// New limits (with `custom`).
    #[serde(default)]
    pub limits: Option<Limits>,
    /// A new key policy, in full (`PUT /v3/accounts/me/policy`; the
    /// account endpoints do not take it, so it is never sent to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_policy: Option<KeyPolicy>,
}

/// The limits for `plan`, given optional explicit `limits`: a fixed plan has
/// its own and refuses others, `custom` requires them.
pub fn resolve_limits(
    plan: Plan,
    limits: Option<Limits>,
    errors: &mut ValidationErrors,
) -> Option<Limits> {
    match (plan.limits(), limits) {
        (Some(fixed), None) => Some(fixed),
        (Some(fixed), Some(given)) if given == fixed => Some(fixed),
        (Some(_), Some(_)) => {
            errors.add("limits", "can only be set with plan `custom`");
            None
        }
        (None, Some(given)) => Some(given),
        (None, None) => {
            errors.add("limits", "is required with plan `custom`");
            None
        }
    }
}

impl NewAccount {
    /// Validates the input and builds the account.
    pub fn build(&self, operator: bool, now: Timestamp) -> Result<Account, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &self.name);
        let limits = resolve_limits(self.plan, self.limits, &mut errors);
        errors.finish(())?;
        Ok(Account {
            id: AccountId::generate(),
            name: self.name.clone(),
            plan: self.plan,
            limits: limits.expect("resolved when valid"),
            operator,
            key_policy: KeyPolicy::default(),
            created_at: now,
            updated_at: now,
        })
    }
}

impl Account {
    /// Applies a change. Lowering a limit below current usage is allowed:
    /// nothing is removed, new creations are refused until usage drops.
    pub fn apply(&mut self, update: &AccountUpdate, now: Timestamp) -> Result<(), ChangeError> {
        let mut errors = ValidationErrors::new();
        if let Some(name) = &update.name {
            errors.check_name("name", name);
        }
        if let Some(policy) = &update.key_policy
            && let Err(invalid) = policy.validate()
        {
            errors.fields.extend(invalid.fields);
        }
        let limits = match (update.plan, update.limits) {
            (None, None) => Some(self.limits),
            // New custom numbers on a custom account.
            (None, Some(limits)) => resolve_limits(self.plan, Some(limits), &mut errors),
            (Some(plan), limits) => {
                // Switching to custom keeps the numbers in force unless given.
                let limits = limits.or((plan == Plan::Custom).then_some(self.limits));
                resolve_limits(plan, limits, &mut errors)
            }
        };
        errors.finish(())?;
        if let Some(name) = &update.name {
            self.name.clone_from(name);
        }
        if let Some(plan) = update.plan {
            self.plan = plan;
        }
        self.limits = limits.expect("resolved when valid");
        if let Some(policy) = update.key_policy {
            self.key_policy = policy;
        }
        self.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn plan_and_limits_resolution() {
        let free = NewAccount {
            name: "Acme".into(),
            plan: Plan::Free,
            limits: None,
        };
        assert_eq!(free.build(false, now()).unwrap().limits.applications, 4);

        let custom = Limits {
            applications: 100,
            access_keys_per_application: 5,
            jwt_keys_per_application: 3,
        };
        let ok = NewAccount {
            name: "Big".into(),
            plan: Plan::Custom,
            limits: Some(custom),
        };
        assert_eq!(ok.build(false, now()).unwrap().limits, custom);

        let missing = NewAccount {
            name: "Big".into(),
            plan: Plan::Custom,
            limits: None,
        };
        assert_eq!(
            missing.build(false, now()).unwrap_err().fields[0].name,
            "limits"
        );

        let refused = NewAccount {
            name: "Acme".into(),
            plan: Plan::Commercial,
            limits: Some(custom),
        };
        assert_eq!(
            refused.build(false, now()).unwrap_err().fields[0].name,
            "limits"
        );
    }

    #[test]
    fn plan_changes() {
        let mut account = NewAccount {
            name: "Acme".into(),
            plan: Plan::Free,
            limits: None,
        }
        .build(false, now())
        .unwrap();
        account
            .apply(
                &AccountUpdate {
                    plan: Some(Plan::Commercial),
                    ..Default::default()
                },
                now(),
            )
            .unwrap();
        assert_eq!(account.limits.applications, 25);
        account
            .apply(
                &AccountUpdate {
                    plan: Some(Plan::Custom),
                    ..Default::default()
                },
                now(),
            )
            .unwrap();
        assert_eq!(
            (account.plan, account.limits.applications),
            (Plan::Custom, 25)
        );
        let more = Limits {
            applications: 50,
            ..account.limits
        };
        account
            .apply(
                &AccountUpdate {
                    limits: Some(more),
                    ..Default::default()
                },
                now(),
            )
            .unwrap();
        assert_eq!(account.limits, more);
        let before = account.clone();
        let bad = AccountUpdate {
            name: Some(String::new()),
            plan: Some(Plan::Free),
            limits: Some(more),
            key_policy: None,
        };
        let ChangeError::Invalid(errors) = account.apply(&bad, now()).unwrap_err() else {
            panic!("expected validation errors");
        };
        assert_eq!(errors.fields.len(), 2);
        assert_eq!(account, before, "a refused change changes nothing");
    }
}
