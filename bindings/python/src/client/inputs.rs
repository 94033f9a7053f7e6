//! The inputs the client builds otherwise than as a struct of the
//! description's fields: the generated method `<resource>_<operation>`
//! (`generated.rs`) calls the function of its name here with the Python
//! arguments, in the description's order, when there is one.

use latchkey_client::models::{AccountUpdate, NewJwtKey, NewTenantAccount, PublicKeyInput};
use latchkey_client::types::{Limits, Plan};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use super::args::{api_enum, json_object, optional_timestamp, parse};
use super::error::invalid_argument;

/// A JWT key: its public key is a PEM string or a JWK dict, its algorithm
/// one of the toolkit's names.
#[allow(clippy::too_many_arguments)]
pub(super) fn jwt_keys_create(
    py: Python<'_>,
    name: String,
    public_key: &Bound<'_, PyAny>,
    description: String,
    algorithm: Option<String>,
    expiration: Option<&Bound<'_, PyAny>>,
    scopes: Vec<String>,
    created_by: Option<&str>,
) -> PyResult<NewJwtKey> {
    let public_key = if let Ok(pem) = public_key.cast::<PyString>() {
        PublicKeyInput::Pem(pem.to_cow()?.into_owned())
    } else if let Ok(jwk) = public_key.cast::<PyDict>() {
        PublicKeyInput::Jwk(json_object(py, "public_key", jwk)?)
    } else {
        return Err(invalid_argument(
            py,
            "public_key",
            "must be a PEM string or a JWK dict",
        ));
    };
    let mut key = NewJwtKey::new(name, public_key)
        .description(description)
        .scopes(scopes);
    if let Some(algorithm) = algorithm {
        key = key.algorithm(parse(py, "algorithm", &algorithm)?);
    }
    if let Some(expiration) = optional_timestamp(py, "expiration", expiration)? {
        key = key.expiration(expiration);
    }
    if let Some(user) = created_by {
        key = key.created_by(parse(py, "created_by", user)?);
    }
    Ok(key)
}

/// A tenant account; its limits arrive as a tuple (`_client.py`'s `_limits`).
pub(super) fn accounts_create(
    py: Python<'_>,
    name: String,
    plan: Option<&str>,
    limits: Option<(u32, u32, u32)>,
    admin_email: Option<String>,
) -> PyResult<NewTenantAccount> {
    let mut account = NewTenantAccount::new(name);
    if let Some(plan) = plan {
        account = account.plan(api_enum::<Plan>(py, "plan", plan)?);
    }
    if let Some(limits) = limits {
        account = account.limits(to_limits(limits));
    }
    if let Some(email) = admin_email {
        account = account.admin_email(email);
    }
    Ok(account)
}

/// An account's change; the key policy has its own call
/// (`accounts_update_key_policy`).
pub(super) fn accounts_update(
    py: Python<'_>,
    name: Option<String>,
    plan: Option<&str>,
    limits: Option<(u32, u32, u32)>,
) -> PyResult<AccountUpdate> {
    Ok(AccountUpdate {
        name,
        plan: plan
            .map(|plan| api_enum::<Plan>(py, "plan", plan))
            .transpose()?,
        limits: limits.map(to_limits),
        key_policy: None,
    })
}

fn to_limits(
    (applications, access_keys_per_application, jwt_keys_per_application): (u32, u32, u32),
) -> Limits {
    Limits {
        applications,
        access_keys_per_application,
        jwt_keys_per_application,
    }
}
