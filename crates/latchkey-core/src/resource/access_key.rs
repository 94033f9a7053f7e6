//! Access keys as resources (the key string's format lives in
//! [`crate::access_key`]).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::id::{AccessKeyId, AccountId, ApplicationId, UserId};
use crate::permission::{PermissionSet, parse_permissions};
use crate::status::KeyStatus;
use crate::validation::ValidationErrors;

/// An access key. The secret is never part of it: the store keeps only its
/// digest ([`SecretHash`](crate::secret_hash::SecretHash)), beside this record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// Id; its base62 body is the key-id part of the key string.
    pub id: AccessKeyId,
    /// Owning account.
    pub account_id: AccountId,
    /// Owning application; never changes.
    pub application_id: ApplicationId,
    /// Name, unique among the account's access keys that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// Stored status; see [`AccessKey::effective_status`].
    pub status: KeyStatus,
    /// When it stops working, if ever.
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable); empty means the application's full rights.
    pub scopes: PermissionSet,
    /// The first 11 characters of the key (`ak_` + 8): recognisable, useless to an attacker.
    pub key_prefix: String,
    /// The server the key is for.
    pub api_host: String,
    /// The user it belongs to.
    pub created_by: UserId,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// Last successful authentication (coalesced, not exact to the request).
    pub last_used_at: Option<Timestamp>,
}

/// Input for a new access key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccessKey {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Scopes, as permission strings; each must be held by the creating user.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Expiration; must be in the future.
    #[serde(default)]
    pub expiration: Option<Timestamp>,
    /// Another user of the account to own it (needs `users:manage`).
    #[serde(default)]
    pub created_by: Option<UserId>,
}

/// What the caller of [`NewAccessKey::build`] decided outside the input.
#[derive(Debug, Clone)]
pub struct AccessKeyOrigin {
    /// The id (its body is already inside the generated key string).
    pub id: AccessKeyId,
    /// The first 11 characters of the generated key.
    pub key_prefix: String,
    /// Owning account.
    pub account_id: AccountId,
    /// Owning application.
    pub application_id: ApplicationId,
    /// Owning user.
    pub created_by: UserId,
    /// The server's public base URL.
    pub api_host: String,
}

/// Checks a new key's expiration: a key that is born expired is a mistake.
pub(crate) fn check_new_expiration(
    errors: &mut ValidationErrors,
    expiration: Option<Timestamp>,
    now: Timestamp,
) {
    if expiration.is_some_and(|at| at <= now) {
        errors.add("expiration", "must be in the future");
    }
}

impl NewAccessKey {
    /// Validates the input (names, scopes, expiration) and parses the scopes.
    pub fn validate(&self, now: Timestamp) -> Result<PermissionSet, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &self.name);
        errors.check_description("description", &self.description);
        let scopes = parse_permissions("scopes", &self.scopes, &mut errors);
        check_new_expiration(&mut errors, self.expiration, now);
        errors.finish(scopes)
    }

    /// Validates the input and builds the key.
    pub fn build(
        &self,
        origin: AccessKeyOrigin,
        now: Timestamp,
    ) -> Result<AccessKey, ValidationErrors> {
        let scopes = self.validate(now)?;
        Ok(AccessKey {
            id: origin.id,
            account_id: origin.account_id,
            application_id: origin.application_id,
            name: self.name.clone(),
            description: self.description.clone(),
            status: KeyStatus::Active,
            expiration: self.expiration,
            scopes,
            key_prefix: origin.key_prefix,
            api_host: origin.api_host,
            created_by: origin.created_by,
            created_at: now,
            updated_at: now,
            last_used_at: None,
        })
    }
}

super::key_lifecycle!(AccessKey);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::{ChangeError, KeyUpdate};
    use crate::status::{EffectiveKeyStatus, IllegalTransition};

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    fn key(now: Timestamp) -> AccessKey {
        NewAccessKey {
            name: "ci".into(),
            description: String::new(),
            scopes: vec!["keys:view:own".into()],
            expiration: None,
            created_by: None,
        }
        .build(
            AccessKeyOrigin {
                id: AccessKeyId::generate(),
                key_prefix: "ak_12345678".into(),
                account_id: AccountId::generate(),
                application_id: ApplicationId::generate(),
                created_by: UserId::generate(),
                api_host: "http://127.0.0.1:8080".into(),
            },
            now,
        )
        .unwrap()
    }

    #[test]
    fn validation_names_each_bad_field() {
        let input = NewAccessKey {
            name: String::new(),
            description: String::new(),
            scopes: vec!["keys:view:own".into(), "keys:fly:any".into()],
            expiration: Some(at(10)),
            created_by: None,
        };
        let errors = input.validate(at(100)).unwrap_err();
        let names: Vec<_> = errors.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["name", "scopes[1]", "expiration"]);
    }

    #[test]
    fn expiry_in_the_past_and_back() {
        let mut key = key(at(100));
        let past = KeyUpdate {
            expiration: Some(Some(at(50))),
            ..Default::default()
        };
        key.apply(&past, at(100)).unwrap();
        assert_eq!(key.effective_status(at(100)), EffectiveKeyStatus::Expired);
        assert!(!key.counts_toward_limit(at(100)));
        let future = KeyUpdate {
            expiration: Some(Some(at(500))),
            ..Default::default()
        };
        key.apply(&future, at(100)).unwrap();
        assert_eq!(key.effective_status(at(100)), EffectiveKeyStatus::Active);
        let never = KeyUpdate {
            expiration: Some(None),
            ..Default::default()
        };
        key.apply(&never, at(100)).unwrap();
        assert_eq!(key.expiration, None);
    }

    #[test]
    fn revoked_keys_refuse_every_status_and_expiration_change() {
        let mut key = key(at(100));
        key.apply(
            &KeyUpdate {
                status: Some(KeyStatus::Revoked),
                ..Default::default()
            },
            at(100),
        )
        .unwrap();
        let before = key.clone();
        for update in [
            KeyUpdate {
                status: Some(KeyStatus::Active),
                ..Default::default()
            },
            KeyUpdate {
                expiration: Some(Some(at(900))),
                ..Default::default()
            },
        ] {
            assert!(matches!(
                key.apply(&update, at(200)),
                Err(ChangeError::IllegalTransition(IllegalTransition {
                    from: "revoked",
                    ..
                }))
            ));
        }
        assert_eq!(key, before);
        // Renaming a revoked key is harmless and allowed.
        key.apply(
            &KeyUpdate {
                name: Some("old ci".into()),
                ..Default::default()
            },
            at(200),
        )
        .unwrap();
    }
}
