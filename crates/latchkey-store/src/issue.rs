//! Making new credentials and new accounts ready to store: a fresh access
//! key (generated, its secret digested) and the bundle a new account starts
//! with. Both are cheap (a SHA-256 digest, no slow hash): call them inline.

use jiff::Timestamp;
use latchkey_core::access_key::{self, GenerateError, GeneratedAccessKey};
use latchkey_core::id::{AccessKeyId, AccountId, ApplicationId, UserId};
use latchkey_core::resource::access_key::AccessKeyOrigin;
use latchkey_core::resource::{Account, NewAccessKey, NewApplication, NewUser, PolicyGroup};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::validation::ValidationErrors;

use crate::{AccessKeyRoll, AccountBundle, StoredAccessKey};

/// Why a credential or account could not be made.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// A field is invalid.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The key could not be generated (the OS random generator failed).
    #[error(transparent)]
    Generate(#[from] GenerateError),
}

/// Where a new access key goes.
#[derive(Debug, Clone)]
pub struct KeyOwner {
    /// Account.
    pub account_id: AccountId,
    /// Application.
    pub application_id: ApplicationId,
    /// Owning user.
    pub created_by: UserId,
    /// The server's public base URL, recorded on the key.
    pub api_host: String,
}

impl StoredAccessKey {
    /// Validates the input, generates the key string, and keeps its secret's
    /// SHA-256 digest. The returned [`GeneratedAccessKey`] is the only copy
    /// of the secret: show it once and drop it.
    pub fn issue(
        input: &NewAccessKey,
        owner: KeyOwner,
        now: Timestamp,
    ) -> Result<(StoredAccessKey, GeneratedAccessKey), IssueError> {
        input.validate(now)?;
        let id = AccessKeyId::generate();
        let generated = access_key::generate(&id.body())?;
        let secret_hash = SecretHash::digest(generated.secret());
        let key = input.build(
            AccessKeyOrigin {
                id,
                key_prefix: generated.key_prefix().to_owned(),
                account_id: owner.account_id,
                application_id: owner.application_id,
                created_by: owner.created_by,
                api_host: owner.api_host,
            },
            now,
        )?;
        Ok((StoredAccessKey { key, secret_hash }, generated))
    }
}

impl AccessKeyRoll {
    /// Generates the new key string of a roll and keeps its secret's
    /// SHA-256 digest; the rest of the new key is the rolled one's, read in
    /// the store's transaction. The returned [`GeneratedAccessKey`] is the
    /// only copy of the secret: show it once and drop it.
    pub fn issue(
        name: Option<String>,
        grace: jiff::SignedDuration,
        api_host: &str,
    ) -> Result<(AccessKeyRoll, GeneratedAccessKey), IssueError> {
        if let Some(name) = &name {
            let mut errors = ValidationErrors::new();
            errors.check_name("name", name);
            errors.finish(())?;
        }
        let id = AccessKeyId::generate();
        let generated = access_key::generate(&id.body())?;
        let roll = AccessKeyRoll {
            origin: latchkey_core::resource::access_key::RollOrigin {
                id,
                key_prefix: generated.key_prefix().to_owned(),
                api_host: api_host.to_owned(),
            },
            secret_hash: SecretHash::digest(generated.secret()),
            name,
            grace,
        };
        Ok((roll, generated))
    }
}

/// Name of the application every new account starts with.
pub const ADMIN_APPLICATION: &str = "admin";

impl AccountBundle {
    /// Everything a new account starts with: `Administrators`, an admin user
    /// (`admin_email`) and an admin application in it, and that
    /// application's first access key, returned once.
    pub fn build(
        account: Account,
        admin_email: &str,
        api_host: &str,
        now: Timestamp,
    ) -> Result<(AccountBundle, GeneratedAccessKey), IssueError> {
        let administrators = PolicyGroup::administrators(account.id, account.operator, now);
        let admin_user = NewUser {
            email: admin_email.to_owned(),
            name: "Administrator".to_owned(),
            group_ids: vec![administrators.id],
        }
        .build(account.id, now)?;
        let admin_application = NewApplication {
            name: ADMIN_APPLICATION.to_owned(),
            description: "Created with the account; holds its first access key.".to_owned(),
            group_ids: vec![administrators.id],
            created_by: None,
        }
        .build(account.id, admin_user.id, now)?;
        let (admin_key, generated) = StoredAccessKey::issue(
            &NewAccessKey {
                name: "admin".to_owned(),
                description: "The account's first access key.".to_owned(),
                scopes: Vec::new(),
                expiration: None,
                created_by: None,
            },
            KeyOwner {
                account_id: account.id,
                application_id: admin_application.id,
                created_by: admin_user.id,
                api_host: api_host.to_owned(),
            },
            now,
        )?;
        Ok((
            AccountBundle {
                account,
                administrators,
                admin_user,
                admin_application,
                admin_key,
            },
            generated,
        ))
    }
}
