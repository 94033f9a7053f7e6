//! Arguments into the client's types: ids parsed from their strings, times,
//! and the creation/update inputs. A bad argument is
//! `LatchkeyException.InvalidArgument` naming it, before any request.

use std::str::FromStr;
use std::time::SystemTime;

use jiff::Timestamp;
use latchkey_client::jwt::Algorithm;
use latchkey_client::models as client;

use crate::error::{LatchkeyError, invalid_argument};
use crate::models::{
    AccountUpdate, ApplicationUpdate, AuditLogFilter, ExpirationChange, KeyUpdate, NewAccessKey,
    NewApplication, NewJwtKey, NewPolicyGroup, NewTenantAccount, NewUser, PolicyGroupUpdate,
    PublicKeyInput, UserUpdate,
};

/// The typed id in `text`, or `InvalidArgument` naming `name`.
pub(crate) fn id<T>(name: &str, text: &str) -> Result<T, LatchkeyError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    T::from_str(text).map_err(|error| invalid_argument(name, error))
}

/// Every id of `texts`, each checked.
pub(crate) fn ids<T>(name: &str, texts: &[String]) -> Result<Vec<T>, LatchkeyError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| id(&format!("{name}[{index}]"), text))
        .collect()
}

fn optional_id<T>(name: &str, text: Option<&String>) -> Result<Option<T>, LatchkeyError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    text.map(|text| id(name, text)).transpose()
}

pub(crate) fn timestamp(name: &str, at: SystemTime) -> Result<Timestamp, LatchkeyError> {
    Timestamp::try_from(at).map_err(|_| invalid_argument(name, "the time is out of range"))
}

fn optional_timestamp(
    name: &str,
    at: Option<SystemTime>,
) -> Result<Option<Timestamp>, LatchkeyError> {
    at.map(|at| timestamp(name, at)).transpose()
}

impl AuditLogFilter {
    /// The client's filter. The action is the server's to judge
    /// (`Validation` naming `action`); ids and times are checked here, as
    /// every other argument is.
    pub(crate) fn input(&self) -> Result<latchkey_client::AuditLogFilter, LatchkeyError> {
        Ok(latchkey_client::AuditLogFilter {
            action: self.action.clone(),
            target_id: self.target_id.clone(),
            actor_user_id: optional_id("actorUserId", self.actor_user_id.as_ref())?,
            since: optional_timestamp("since", self.since)?,
            until: optional_timestamp("until", self.until)?,
        })
    }
}

impl NewApplication {
    pub(crate) fn input(&self) -> Result<client::NewApplication, LatchkeyError> {
        Ok(client::NewApplication {
            name: self.name.clone(),
            description: self.description.clone(),
            group_ids: ids("groupIds", &self.group_ids)?,
            created_by: optional_id("createdBy", self.created_by.as_ref())?,
        })
    }
}

impl ApplicationUpdate {
    pub(crate) fn input(&self) -> client::ApplicationUpdate {
        client::ApplicationUpdate {
            name: self.name.clone(),
            description: self.description.clone(),
            status: self.status,
        }
    }
}

impl NewAccessKey {
    pub(crate) fn input(&self) -> Result<client::NewAccessKey, LatchkeyError> {
        Ok(client::NewAccessKey {
            name: self.name.clone(),
            description: self.description.clone(),
            scopes: self.scopes.clone(),
            expiration: optional_timestamp("expiration", self.expiration)?,
            created_by: optional_id("createdBy", self.created_by.as_ref())?,
        })
    }
}

impl KeyUpdate {
    pub(crate) fn input(&self) -> Result<client::KeyUpdate, LatchkeyError> {
        let expiration = match self.expiration {
            Some(ExpirationChange::Set { at }) => Some(Some(timestamp("expiration", at)?)),
            Some(ExpirationChange::Remove) => Some(None),
            None => None,
        };
        Ok(client::KeyUpdate {
            name: self.name.clone(),
            description: self.description.clone(),
            status: self.status,
            expiration,
        })
    }
}

impl NewJwtKey {
    pub(crate) fn input(&self) -> Result<client::NewJwtKey, LatchkeyError> {
        let public_key = match &self.public_key {
            PublicKeyInput::Pem { pem } => client::PublicKeyInput::Pem(pem.clone()),
            PublicKeyInput::Jwk { jwk } => client::PublicKeyInput::Jwk(
                jwk.iter()
                    .map(|(name, value)| (name.clone(), value.clone().into()))
                    .collect(),
            ),
        };
        let mut key = client::NewJwtKey::new(self.name.clone(), public_key)
            .description(self.description.clone())
            .scopes(self.scopes.iter().cloned());
        if let Some(name) = &self.algorithm {
            let algorithm = Algorithm::from_name(name).ok_or_else(|| {
                invalid_argument("algorithm", format!("`{name}` is not supported"))
            })?;
            key = key.algorithm(algorithm);
        }
        if let Some(at) = self.expiration {
            key = key.expiration(timestamp("expiration", at)?);
        }
        if let Some(user) = &self.created_by {
            key = key.created_by(id("createdBy", user)?);
        }
        Ok(key)
    }
}

impl NewUser {
    pub(crate) fn input(&self) -> Result<client::NewUser, LatchkeyError> {
        Ok(client::NewUser {
            email: self.email.clone(),
            name: self.name.clone(),
            group_ids: ids("groupIds", &self.group_ids)?,
        })
    }
}

impl UserUpdate {
    pub(crate) fn input(&self) -> Result<client::UserUpdate, LatchkeyError> {
        Ok(client::UserUpdate {
            email: self.email.clone(),
            name: self.name.clone(),
            group_ids: self
                .group_ids
                .as_ref()
                .map(|group_ids| ids("groupIds", group_ids))
                .transpose()?,
        })
    }
}

impl NewPolicyGroup {
    pub(crate) fn input(&self) -> client::NewPolicyGroup {
        client::NewPolicyGroup {
            name: self.name.clone(),
            description: self.description.clone(),
            permissions: self.permissions.clone(),
        }
    }
}

impl PolicyGroupUpdate {
    pub(crate) fn input(&self) -> client::PolicyGroupUpdate {
        client::PolicyGroupUpdate {
            name: self.name.clone(),
            description: self.description.clone(),
            permissions: self.permissions.clone(),
        }
    }
}

impl NewTenantAccount {
    pub(crate) fn input(&self) -> client::NewTenantAccount {
        let mut account = client::NewTenantAccount::new(self.name.clone());
        if let Some(plan) = self.plan {
            account = account.plan(plan);
        }
        if let Some(limits) = self.limits {
            // `limits` sets plan `custom`; an explicit other plan with limits
            // goes to the server as given, which refuses it.
            account = account.limits(limits);
            if let Some(plan) = self.plan {
                account = account.plan(plan);
            }
        }
        if let Some(email) = &self.admin_email {
            account = account.admin_email(email.clone());
        }
        account
    }
}

impl AccountUpdate {
    pub(crate) fn input(&self) -> client::AccountUpdate {
        client::AccountUpdate {
            name: self.name.clone(),
            plan: self.plan,
            limits: self.limits,
            key_policy: None,
        }
    }
}
