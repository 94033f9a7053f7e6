//! From a verified credential to a [`Principal`]: a request is allowed only
//! if the credential, its application, its account and the users who created
//! the credential and the application are all active and unexpired.

use jiff::Timestamp;

use crate::authorize::{Credential, Principal, effective_permissions};
use crate::permission::PermissionSet;
use crate::resource::{Account, Application, User};
use crate::status::{EffectiveKeyStatus, KeyStatus};

/// The parts of a key (access key or JWT key) that authentication needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialState {
    /// Which credential.
    pub credential: Credential,
    /// Stored status.
    pub status: KeyStatus,
    /// Expiration.
    pub expiration: Option<Timestamp>,
    /// Scopes (empty: unscoped).
    pub scopes: PermissionSet,
}

/// Everything the store knows about a credential, gathered in one read.
#[derive(Debug, Clone)]
pub struct CredentialContext {
    /// The key.
    pub state: CredentialState,
    /// Its account.
    pub account: Account,
    /// Its application.
    pub application: Application,
    /// The user the key belongs to.
    pub key_owner: User,
    /// The user the application belongs to.
    pub application_owner: User,
    /// Permissions of each of the application's groups.
    pub group_permissions: Vec<PermissionSet>,
}

/// Why a verified credential is refused. Every variant becomes the same
/// 401 for the caller; the variants exist for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// The key is inactive.
    #[error("credential inactive")]
    Inactive,
    /// The key is revoked.
    #[error("credential revoked")]
    Revoked,
    /// The key has expired.
    #[error("credential expired")]
    Expired,
    /// The application is revoked.
    #[error("application revoked")]
    ApplicationRevoked,
    /// The key's or the application's owner is deleted.
    #[error("owner deleted")]
    OwnerDeleted,
}

/// A principal, and until when it may be trusted without asking again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    /// Who the caller is.
    pub principal: Principal,
    /// The key's expiration: past it, the credential must be checked again.
    pub valid_until: Option<Timestamp>,
}

impl CredentialContext {
    /// Decides whether the credential may act at `now`, and as whom.
    pub fn authenticate(&self, now: Timestamp) -> Result<Authenticated, Rejected> {
        match self.state.status.effective(self.state.expiration, now) {
            EffectiveKeyStatus::Active => {}
            EffectiveKeyStatus::Inactive => return Err(Rejected::Inactive),
            EffectiveKeyStatus::Revoked => return Err(Rejected::Revoked),
            EffectiveKeyStatus::Expired => return Err(Rejected::Expired),
        }
        if !self.application.is_active() {
            return Err(Rejected::ApplicationRevoked);
        }
        if !self.key_owner.is_active() || !self.application_owner.is_active() {
            return Err(Rejected::OwnerDeleted);
        }
        let operator = self.account.operator;
        Ok(Authenticated {
            principal: Principal {
                account_id: self.account.id,
                operator,
                application_id: Some(self.application.id),
                user_id: self.key_owner.id,
                credential: self.state.credential,
                permissions: effective_permissions(
                    self.group_permissions.iter().copied(),
                    self.state.scopes,
                    operator,
                ),
            },
            valid_until: self.state.expiration,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{AccessKeyId, AccountId};
    use crate::plan::Plan;
    use crate::resource::{NewAccount, NewApplication, NewUser};
    use crate::status::{ApplicationStatus, UserStatus};

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    fn context() -> CredentialContext {
        let now = at(1_000);
        let account = NewAccount {
            name: "Acme".into(),
            plan: Plan::Free,
            limits: None,
        }
        .build(false, now)
        .unwrap();
        let user = NewUser {
            email: "ada@example.com".into(),
            name: String::new(),
            group_ids: vec![],
        }
        .build(account.id, now)
        .unwrap();
        let application = NewApplication {
            name: "billing".into(),
            description: String::new(),
            group_ids: vec![],
            created_by: None,
        }
        .build(account.id, user.id, now)
        .unwrap();
        CredentialContext {
            state: CredentialState {
                credential: Credential::AccessKey(AccessKeyId::generate()),
                status: KeyStatus::Active,
                expiration: Some(at(2_000)),
                scopes: PermissionSet::EMPTY,
            },
            account,
            application,
            key_owner: user.clone(),
            application_owner: user,
            group_permissions: vec![PermissionSet::tenant_all()],
        }
    }

    #[test]
    fn an_active_chain_authenticates() {
        let context = context();
        let authenticated = context.authenticate(at(1_500)).unwrap();
        assert_eq!(authenticated.valid_until, Some(at(2_000)));
        assert_eq!(authenticated.principal.user_id, context.key_owner.id);
        assert_eq!(
            authenticated.principal.permissions,
            PermissionSet::tenant_all()
        );
        let _ = AccountId::generate();
    }

    #[test]
    fn every_broken_link_rejects() {
        let mut inactive = context();
        inactive.state.status = KeyStatus::Inactive;
        assert_eq!(inactive.authenticate(at(1_500)), Err(Rejected::Inactive));
        let mut revoked = context();
        revoked.state.status = KeyStatus::Revoked;
        assert_eq!(revoked.authenticate(at(1_500)), Err(Rejected::Revoked));
        assert_eq!(context().authenticate(at(2_000)), Err(Rejected::Expired));
        let mut app = context();
        app.application.status = ApplicationStatus::Revoked;
        assert_eq!(
            app.authenticate(at(1_500)),
            Err(Rejected::ApplicationRevoked)
        );
        let mut owner = context();
        owner.key_owner.status = UserStatus::Deleted;
        assert_eq!(owner.authenticate(at(1_500)), Err(Rejected::OwnerDeleted));
        let mut app_owner = context();
        app_owner.application_owner.status = UserStatus::Deleted;
        assert_eq!(
            app_owner.authenticate(at(1_500)),
            Err(Rejected::OwnerDeleted)
        );
    }
}
