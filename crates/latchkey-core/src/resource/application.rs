//! Applications: the holders of credentials.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ChangeError;
use crate::id::{AccountId, ApplicationId, PolicyGroupId, UserId};
use crate::status::ApplicationStatus;
use crate::validation::ValidationErrors;

/// An application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Id.
    pub id: ApplicationId,
    /// Owning account.
    pub account_id: AccountId,
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// Policy groups whose permissions its credentials get.
    pub group_ids: Vec<PolicyGroupId>,
    /// Status.
    pub status: ApplicationStatus,
    /// The user it belongs to (`:own` permissions are decided against it).
    pub created_by: UserId,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Input for a new application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Policy groups to join.
    #[serde(default)]
    pub group_ids: Vec<PolicyGroupId>,
    /// Another user of the account to own it (needs `users:manage`); the
    /// acting user when absent.
    #[serde(default)]
    pub created_by: Option<UserId>,
}

/// A change to an application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationUpdate {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New status (`revoked` is terminal).
    #[serde(default)]
    pub status: Option<ApplicationStatus>,
}

impl NewApplication {
    /// Validates the input and builds the application, owned by `created_by`.
    pub fn build(
        &self,
        account_id: AccountId,
        created_by: UserId,
        now: Timestamp,
    ) -> Result<Application, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &self.name);
        errors.check_description("description", &self.description);
        errors.check_unique("group_ids", &self.group_ids);
        errors.finish(Application {
            id: ApplicationId::generate(),
            account_id,
            name: self.name.clone(),
            description: self.description.clone(),
            group_ids: self.group_ids.clone(),
            status: ApplicationStatus::Active,
            created_by,
            created_at: now,
            updated_at: now,
        })
    }
}

impl Application {
    /// Applies a change.
    pub fn apply(&mut self, update: &ApplicationUpdate, now: Timestamp) -> Result<(), ChangeError> {
        let mut errors = ValidationErrors::new();
        if let Some(name) = &update.name {
            errors.check_name("name", name);
        }
        if let Some(description) = &update.description {
            errors.check_description("description", description);
        }
        errors.finish(())?;
        if let Some(status) = update.status {
            self.status = self.status.transition(status)?;
        }
        if let Some(name) = &update.name {
            self.name.clone_from(name);
        }
        if let Some(description) = &update.description {
            self.description.clone_from(description);
        }
        self.updated_at = now;
        Ok(())
    }

    /// Whether its credentials may authenticate (as far as the application goes).
    pub fn is_active(&self) -> bool {
        self.status == ApplicationStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn revoked_is_terminal_and_refusals_change_nothing() {
        let mut app = NewApplication {
            name: "billing".into(),
            description: String::new(),
            group_ids: vec![],
            created_by: None,
        }
        .build(AccountId::generate(), UserId::generate(), now())
        .unwrap();
        app.apply(
            &ApplicationUpdate {
                status: Some(ApplicationStatus::Revoked),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        let before = app.clone();
        let revive = ApplicationUpdate {
            name: Some("again".into()),
            status: Some(ApplicationStatus::Active),
            ..Default::default()
        };
        assert!(matches!(
            app.apply(&revive, now()),
            Err(ChangeError::IllegalTransition(_))
        ));
        assert_eq!(app, before);
        assert!(!app.is_active());
    }

    #[test]
    fn build_validates() {
        let bad = NewApplication {
            name: String::new(),
            description: "\u{0}".into(),
            group_ids: vec![],
            created_by: None,
        };
        let errors = bad
            .build(AccountId::generate(), UserId::generate(), now())
            .unwrap_err();
        assert_eq!(errors.fields.len(), 2);
    }
}
