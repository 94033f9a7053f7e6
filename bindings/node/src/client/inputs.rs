//! The inputs the client builds otherwise than as a struct of the
//! description's fields: the generated method `<resource>_<operation>`
//! (`generated.rs`) calls the function of its name here with the object
//! JavaScript passed, when there is one.

use latchkey_client::models::{
    AccountUpdate, KeyPolicy, NewJwtKey, NewTenantAccount, PublicKeyInput,
};
use latchkey_client::types::{Limits, Plan};
use napi::Env;
use napi_derive::napi;

use super::args::{invalid, optional_enum, optional_timestamp, parse, parse_optional};
use super::generated::{AccountUpdateArgs, KeyPolicyInputArgs, NewAccountArgs, NewJwtKeyArgs};
use latchkey_client::id::UserId;

/// Plan limits.
#[napi(object)]
pub struct LimitsArgs {
    /// Active applications.
    pub applications: u32,
    /// Active access keys per application.
    pub access_keys_per_application: u32,
    /// Active JWT keys per application.
    pub jwt_keys_per_application: u32,
}

impl From<&LimitsArgs> for Limits {
    fn from(limits: &LimitsArgs) -> Self {
        Limits {
            applications: limits.applications,
            access_keys_per_application: limits.access_keys_per_application,
            jwt_keys_per_application: limits.jwt_keys_per_application,
        }
    }
}

/// A JWT key: its public key came as PEM or as a JWK's JSON text
/// (`args.publicKey` of the wrapper), its algorithm one of the toolkit's names.
pub(super) fn jwt_keys_create(env: &Env, input: NewJwtKeyArgs) -> napi::Result<NewJwtKey> {
    let public_key = match (input.public_key_pem, input.public_key_jwk) {
        (Some(pem), None) => PublicKeyInput::Pem(pem),
        (None, Some(jwk)) => match serde_json::from_str(&jwk) {
            Ok(serde_json::Value::Object(jwk)) => PublicKeyInput::Jwk(jwk),
            _ => return Err(invalid(env, "publicKey", "the JWK must be a JSON object")),
        },
        _ => {
            return Err(invalid(
                env,
                "publicKey",
                "give one public key: a PEM string, a JWK or a KeyObject",
            ));
        }
    };
    let mut key = NewJwtKey::new(input.name, public_key)
        .description(input.description.unwrap_or_default())
        .scopes(input.scopes.unwrap_or_default());
    if let Some(algorithm) = &input.algorithm {
        key = key.algorithm(parse(env, "algorithm", algorithm)?);
    }
    if let Some(expiration) = optional_timestamp(env, "expiration", input.expiration)? {
        key = key.expiration(expiration);
    }
    if let Some(user) = parse_optional::<UserId>(env, "createdBy", input.created_by.as_deref())? {
        key = key.created_by(user);
    }
    Ok(key)
}

/// The caller's account's key policy, whole: what is left out asks nothing
/// (`exposedKeyAction`: `revoke`).
pub(super) fn accounts_update_key_policy(
    env: &Env,
    policy: KeyPolicyInputArgs,
) -> napi::Result<KeyPolicy> {
    Ok(KeyPolicy {
        max_key_lifetime_days: policy.max_key_lifetime_days,
        require_expiration: policy.require_expiration.unwrap_or(false),
        deactivate_unused_after_days: policy.deactivate_unused_after_days,
        exposed_key_action: optional_enum(
            env,
            "policy.exposedKeyAction",
            policy.exposed_key_action.as_deref(),
        )?
        .unwrap_or_default(),
    })
}

/// A tenant account (operator only).
pub(super) fn accounts_create(env: &Env, input: NewAccountArgs) -> napi::Result<NewTenantAccount> {
    let mut account = NewTenantAccount::new(input.name);
    if let Some(plan) = optional_enum::<Plan>(env, "plan", input.plan.as_deref())? {
        account = account.plan(plan);
    }
    if let Some(limits) = &input.limits {
        account = account.limits(limits.into());
    }
    if let Some(email) = input.admin_email {
        account = account.admin_email(email);
    }
    Ok(account)
}

/// An account's change (operator only); the key policy has its own call.
pub(super) fn accounts_update(env: &Env, update: AccountUpdateArgs) -> napi::Result<AccountUpdate> {
    Ok(AccountUpdate {
        name: update.name,
        plan: optional_enum::<Plan>(env, "plan", update.plan.as_deref())?,
        limits: update.limits.as_ref().map(Limits::from),
        key_policy: None,
    })
}
