//! Arguments into the client's types: ids parsed from their strings, times,
//! and the inputs the client builds otherwise than as a struct of the
//! description's fields (`NewJwtKey`, `NewTenantAccount`, `AccountUpdate`);
//! the other inputs' conversions are generated with their records
//! (`models/inputs.rs`) from these helpers. A bad argument is
//! `LatchkeyException.InvalidArgument` naming it, before any request.

use std::str::FromStr;
use std::time::SystemTime;

use jiff::Timestamp;
use latchkey_client::jwt::Algorithm;
use latchkey_client::models as client;

use crate::error::{LatchkeyError, invalid_argument};
use crate::models::{AccountUpdate, ExpirationChange, NewJwtKey, NewTenantAccount, PublicKeyInput};

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

/// The typed id in `text` when given.
pub(crate) fn optional_id<T>(name: &str, text: Option<&String>) -> Result<Option<T>, LatchkeyError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    text.map(|text| id(name, text)).transpose()
}

/// The instant `at`, or `InvalidArgument` naming `name` when out of range.
pub(crate) fn timestamp(name: &str, at: SystemTime) -> Result<Timestamp, LatchkeyError> {
    Timestamp::try_from(at).map_err(|_| invalid_argument(name, "the time is out of range"))
}

/// The instant `at` when given.
pub(crate) fn optional_timestamp(
    name: &str,
    at: Option<SystemTime>,
) -> Result<Option<Timestamp>, LatchkeyError> {
    at.map(|at| timestamp(name, at)).transpose()
}

/// Every id of `texts` when given (a new list that replaces the old).
pub(crate) fn optional_ids<T>(
    name: &str,
    texts: Option<&[String]>,
) -> Result<Option<Vec<T>>, LatchkeyError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    texts.map(|texts| ids(name, texts)).transpose()
}

/// A clearable instant of an update: left out (`None`) keeps it, `Remove`
/// removes it (the client's `Some(None)`), `Set` sets it.
pub(crate) fn clearable_timestamp(
    name: &str,
    change: Option<ExpirationChange>,
) -> Result<Option<Option<Timestamp>>, LatchkeyError> {
    Ok(match change {
        Some(ExpirationChange::Set { at }) => Some(Some(timestamp(name, at)?)),
        Some(ExpirationChange::Remove) => Some(None),
        None => None,
    })
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

impl NewTenantAccount {
    pub(crate) fn input(&self) -> client::NewTenantAccount {
        let mut account = client::NewTenantAccount::new(self.name.clone());
        if let Some(plan) = self.plan {
            account = account.plan(plan);
        }
        if let Some(limits) = self.limits {
            account = account.limits(limits);
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
