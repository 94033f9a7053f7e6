//! Access keys as resources (the key string's format lives in
//! [`crate::access_key`]).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::id::{AccessKeyId, AccountId, ApplicationId, UserId};
use crate::permission::{PermissionSet, parse_permissions};
use crate::resource::ChangeError;
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

/// Longest grace a roll may give the key it replaces: a week, as the
/// contract's `grace_seconds` range.
pub const MAX_ROLL_GRACE_SECONDS: u32 = 604_800;

/// What a roll makes of the key it replaces and the key it creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roll {
    /// The rolled key, with its expiration brought forward to the grace's end.
    pub old: AccessKey,
    /// The new key: the old one's scopes, description, expiration and owner.
    pub new: AccessKey,
}

/// The new key of a roll, as far as the caller made it (its id and prefix
/// come from the key string it generated).
#[derive(Debug, Clone)]
pub struct RollOrigin {
    /// The new key's id.
    pub id: AccessKeyId,
    /// The first 11 characters of the new key string.
    pub key_prefix: String,
    /// The server's public base URL.
    pub api_host: String,
}

/// Checks a roll's grace, in seconds: from 0 to [`MAX_ROLL_GRACE_SECONDS`].
pub fn validate_grace(seconds: i64) -> Result<jiff::SignedDuration, ValidationErrors> {
    if (0..=i64::from(MAX_ROLL_GRACE_SECONDS)).contains(&seconds) {
        Ok(jiff::SignedDuration::from_secs(seconds))
    } else {
        Err(ValidationErrors::single(
            "grace_seconds",
            format!("must be from 0 to {MAX_ROLL_GRACE_SECONDS}"),
        ))
    }
}

const ROLLED: &str = "-rolled-";

impl AccessKey {
    /// The name a rolled key gets when none is asked for: the old name with
    /// `-rolled-N`, where `N` counts the rolls of the original name
    /// (`ci` → `ci-rolled-1` → `ci-rolled-2`), shortened at the front end of
    /// the name when the result would be longer than a name may be.
    pub fn rolled_name(&self) -> String {
        let (base, next) = match self.name.rsplit_once(ROLLED) {
            Some((base, n))
                if !base.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) =>
            {
                match n.parse::<u64>() {
                    Ok(n) => (base, n.saturating_add(1)),
                    Err(_) => (self.name.as_str(), 1),
                }
            }
            _ => (self.name.as_str(), 1),
        };
        let suffix = format!("{ROLLED}{next}");
        let room = crate::validation::MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
        let base: String = base.chars().take(room).collect();
        format!("{}{suffix}", base.trim_end())
    }

    /// Rolls this key at `now`: a new key with this one's scopes,
    /// description, expiration and owner, named `name` (else
    /// [`AccessKey::rolled_name`]), and this key set to expire at
    /// `now + grace`, or when it would have if that is sooner. Only a key
    /// that works now can be rolled: rolling is how a credential in use is
    /// replaced, and a stopped key's replacement would be a new grant that
    /// an update of the stopped key would have to admit.
    pub fn roll(
        &self,
        origin: RollOrigin,
        name: Option<String>,
        grace: jiff::SignedDuration,
        now: Timestamp,
    ) -> Result<Roll, ChangeError> {
        let status = self.effective_status(now);
        if status != crate::status::EffectiveKeyStatus::Active {
            return Err(crate::status::IllegalTransition {
                from: status.as_str(),
                to: "rolled",
            }
            .into());
        }
        let name = name.unwrap_or_else(|| self.rolled_name());
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &name);
        if !(jiff::SignedDuration::ZERO
            ..=jiff::SignedDuration::from_secs(i64::from(MAX_ROLL_GRACE_SECONDS)))
            .contains(&grace)
        {
            errors.add(
                "grace_seconds",
                format!("must be from 0 to {MAX_ROLL_GRACE_SECONDS}"),
            );
        }
        errors.finish(())?;
        let grace_end = now
            .checked_add(grace)
            .map_err(|_| ValidationErrors::single("grace_seconds", "is out of range"))?;
        let mut old = self.clone();
        old.expiration = Some(match self.expiration {
            Some(at) => at.min(grace_end),
            None => grace_end,
        });
        old.updated_at = now;
        let new = AccessKey {
            id: origin.id,
            account_id: self.account_id,
            application_id: self.application_id,
            name,
            description: self.description.clone(),
            status: KeyStatus::Active,
            expiration: self.expiration,
            scopes: self.scopes,
            key_prefix: origin.key_prefix,
            api_host: origin.api_host,
            created_by: self.created_by,
            created_at: now,
            updated_at: now,
            last_used_at: None,
        };
        Ok(Roll { old, new })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::KeyUpdate;
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

    fn origin() -> RollOrigin {
        RollOrigin {
            id: AccessKeyId::generate(),
            key_prefix: "ak_abcdefgh".into(),
            api_host: "https://keys.example".into(),
        }
    }

    #[test]
    fn a_roll_inherits_and_the_grace_shortens_the_old_key() {
        let mut old = key(at(100));
        old.description = "deploys".into();
        old.expiration = Some(at(10_000));
        let roll = old
            .roll(origin(), None, jiff::SignedDuration::from_secs(60), at(200))
            .unwrap();
        assert_eq!(roll.new.name, "ci-rolled-1");
        assert_eq!(roll.new.scopes, old.scopes);
        assert_eq!(roll.new.description, "deploys");
        assert_eq!(roll.new.expiration, Some(at(10_000)));
        assert_eq!(roll.new.created_by, old.created_by);
        assert_eq!(roll.new.application_id, old.application_id);
        assert_eq!(roll.new.created_at, at(200));
        assert_eq!(roll.new.last_used_at, None);
        assert_eq!(roll.old.expiration, Some(at(260)));
        // Both work within the grace, only the new one after it.
        for (now, old_works) in [(at(259), true), (at(260), false)] {
            assert_eq!(
                roll.old.effective_status(now) == EffectiveKeyStatus::Active,
                old_works
            );
            assert_eq!(roll.new.effective_status(now), EffectiveKeyStatus::Active);
        }
    }

    #[test]
    fn the_grace_never_extends_the_old_key() {
        let mut old = key(at(100));
        old.expiration = Some(at(150));
        let roll = old
            .roll(
                origin(),
                Some("next".into()),
                jiff::SignedDuration::from_secs(3600),
                at(120),
            )
            .unwrap();
        assert_eq!(roll.old.expiration, Some(at(150)));
        assert_eq!(roll.new.name, "next");
        // A zero grace stops the old key at once.
        let roll = key(at(100))
            .roll(origin(), None, jiff::SignedDuration::ZERO, at(120))
            .unwrap();
        assert_eq!(
            roll.old.effective_status(at(120)),
            EffectiveKeyStatus::Expired
        );
        assert!(!roll.old.counts_toward_limit(at(120)));
    }

    #[test]
    fn only_a_working_key_rolls_and_the_grace_is_bounded() {
        let mut old = key(at(100));
        old.status = KeyStatus::Inactive;
        assert!(matches!(
            old.roll(origin(), None, jiff::SignedDuration::ZERO, at(120)),
            Err(ChangeError::IllegalTransition(IllegalTransition {
                from: "inactive",
                ..
            }))
        ));
        let old = key(at(100));
        let too_long = jiff::SignedDuration::from_secs(i64::from(MAX_ROLL_GRACE_SECONDS) + 1);
        let Err(ChangeError::Invalid(errors)) = old.roll(origin(), None, too_long, at(120)) else {
            panic!("a grace over a week must be refused");
        };
        assert_eq!(errors.fields[0].name, "grace_seconds");
        assert!(validate_grace(-1).is_err());
        assert!(validate_grace(i64::from(MAX_ROLL_GRACE_SECONDS)).is_ok());
    }

    #[test]
    fn rolled_names_count_up_and_stay_valid() {
        let mut old = key(at(100));
        for (name, rolled) in [
            ("ci", "ci-rolled-1"),
            ("ci-rolled-1", "ci-rolled-2"),
            ("ci-rolled-41", "ci-rolled-42"),
            ("ci-rolled-x", "ci-rolled-x-rolled-1"),
            ("-rolled-3", "-rolled-3-rolled-1"),
        ] {
            old.name = name.into();
            assert_eq!(old.rolled_name(), rolled);
        }
        old.name = "n".repeat(crate::validation::MAX_NAME_CHARS);
        let rolled = old.rolled_name();
        assert_eq!(rolled.chars().count(), crate::validation::MAX_NAME_CHARS);
        assert!(rolled.ends_with("-rolled-1"));
    }

    proptest::proptest! {
        /// Whatever the key's expiration and the grace: the old key never
        /// lives longer than it would have, nor past the grace; the new key
        /// inherits the expiration and scopes; at every instant after the
        /// roll the new key works while the old key is no later than it.
        #[test]
        fn a_roll_never_lengthens_the_old_key(
            expires_in in proptest::option::of(1i64..2_000_000),
            grace in 0i64..=i64::from(MAX_ROLL_GRACE_SECONDS),
            probe in 0i64..3_000_000,
        ) {
            let now = at(1_000_000);
            let mut old = key(at(100));
            old.expiration = expires_in.map(|s| now + jiff::SignedDuration::from_secs(s));
            let roll = old
                .roll(origin(), None, jiff::SignedDuration::from_secs(grace), now)
                .unwrap();
            let end = roll.old.expiration.unwrap();
            proptest::prop_assert!(end <= now + jiff::SignedDuration::from_secs(grace));
            if let Some(before) = old.expiration {
                proptest::prop_assert!(end <= before);
            }
            proptest::prop_assert_eq!(roll.new.expiration, old.expiration);
            proptest::prop_assert_eq!(roll.new.scopes, old.scopes);
            let t = now + jiff::SignedDuration::from_secs(probe);
            let works = |key: &AccessKey| key.effective_status(t) == EffectiveKeyStatus::Active;
            proptest::prop_assert_eq!(works(&roll.new), works(&old));
            if works(&roll.old) {
                proptest::prop_assert!(works(&roll.new));
            }
        }
    }
}
