//! The client's answers as JavaScript values, built on the main thread (the
//! callback of each promise): plain objects with camelCase members, `Date`s
//! for timestamps, `null` for an absent optional value, arrays of strings for
//! ids and permissions, JWKs and JWKS as plain objects. The one-time `key` of
//! a created access key or account is set here as an ordinary member; the
//! wrapper (`lib/client/call.cjs`) makes it non-enumerable. A page's items
//! are left to [`NativeItems`], which converts them a slice at a time.

use jiff::Timestamp;
use latchkey_client::jwt::Jwks;
use latchkey_client::models::{
    AccessKey, Account, Application, AuditRecord, BulkDeleteResult, CreatedAccessKey,
    CreatedAccount, CredentialKind, Health, Introspection, JwtKey, KeyPolicy, Me, Page,
    PasswordLink, PolicyGroup, RolledAccessKey, ServerInfo, User,
};
use latchkey_client::types::{Limits, Order, PermissionSet};
use napi::bindgen_prelude::{JsObjectValue, Null, Object, ToNapiValue, Unknown};
use napi::{Env, JsValue, Result};
use serde_json::Value;

use super::items::{NativeItems, source};

/// A value the client returns, convertible on the main thread.
pub trait ToJs {
    /// The JavaScript value for this value.
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>>;
}

/// What a promise resolves with, converted on the main thread and consumed:
/// every [`ToJs`] value, and a list page, whose items move into a
/// [`NativeItems`] handle rather than being converted all at once.
pub trait IntoJs {
    /// The JavaScript value for this value.
    fn into_js<'env>(self, env: &'env Env) -> Result<Unknown<'env>>;
}

impl<T: ToJs> IntoJs for T {
    fn into_js<'env>(self, env: &'env Env) -> Result<Unknown<'env>> {
        self.to_js(env)
    }
}

/// An object under construction, one member at a time.
struct Members<'env> {
    env: &'env Env,
    object: Object<'env>,
}

impl<'env> Members<'env> {
    fn new(env: &'env Env) -> Result<Self> {
        Ok(Members {
            env,
            object: Object::new(env)?,
        })
    }

    fn set<V: ToNapiValue>(mut self, name: &str, value: V) -> Result<Self> {
        self.object.set_named_property(name, value)?;
        Ok(self)
    }

    fn text(self, name: &str, value: impl AsRef<str>) -> Result<Self> {
        self.set(name, value.as_ref())
    }

    fn date(self, name: &str, at: Timestamp) -> Result<Self> {
        let date = date(self.env, at)?;
        self.set(name, date)
    }

    fn optional_date(self, name: &str, at: Option<Timestamp>) -> Result<Self> {
        match at {
            Some(at) => self.date(name, at),
            None => self.set(name, Null),
        }
    }

    fn strings<T: ToString>(self, name: &str, items: impl IntoIterator<Item = T>) -> Result<Self> {
        let items: Vec<String> = items.into_iter().map(|item| item.to_string()).collect();
        self.set(name, items)
    }

    fn permissions(self, name: &str, set: PermissionSet) -> Result<Self> {
        self.strings(name, set.iter())
    }

    fn value(self, name: &str, value: &impl ToJs) -> Result<Self> {
        let value = value.to_js(self.env)?;
        self.set(name, value)
    }

    fn json(self, name: &str, value: &Value) -> Result<Self> {
        let value = self.env.to_js_value(value)?;
        self.set(name, value)
    }

    fn done(self) -> Result<Unknown<'env>> {
        Ok(self.object.to_unknown())
    }
}

/// A `Date` (millisecond precision, as JavaScript keeps).
fn date(env: &Env, at: Timestamp) -> Result<Unknown<'_>> {
    Ok(env.create_date(at.as_millisecond() as f64)?.to_unknown())
}

impl ToJs for () {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        ().into_unknown(env)
    }
}

impl<T: ToJs> ToJs for Vec<T> {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let items = self
            .iter()
            .map(|item| item.to_js(env))
            .collect::<Result<Vec<_>>>()?;
        items.into_unknown(env)
    }
}

impl<T: ToJs> ToJs for Option<T> {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        match self {
            Some(value) => value.to_js(env),
            None => Null.into_unknown(env),
        }
    }
}

impl ToJs for Value {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        env.to_js_value(self)
    }
}

impl ToJs for Jwks {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        env.to_js_value(&self.to_value())
    }
}

fn order_name(order: Order) -> &'static str {
    match order {
        Order::Ascending => "ASC",
        Order::Descending => "DESC",
    }
}

impl<T: ToJs + Send + 'static> IntoJs for Page<T> {
    fn into_js<'env>(self, env: &'env Env) -> Result<Unknown<'env>> {
        // The same members as every SDK's page: `data`, `hasMore`, `after`.
        Members::new(env)?
            .set("data", NativeItems::new(source(self.data)))?
            .set("hasMore", self.has_more)?
            .set("after", self.after.as_deref())?
            .set("limit", self.limit)?
            .text("order", order_name(self.order))?
            .set("totalCount", self.total_count.map(|count| count as f64))?
            .done()
    }
}

fn limits<'env>(env: &'env Env, limits: &Limits) -> Result<Unknown<'env>> {
    Members::new(env)?
        .set("applications", limits.applications)?
        .set(
            "accessKeysPerApplication",
            limits.access_keys_per_application,
        )?
        .set("jwtKeysPerApplication", limits.jwt_keys_per_application)?
        .done()
}

fn account_members<'env>(env: &'env Env, account: &Account) -> Result<Members<'env>> {
    Members::new(env)?
        .text("id", account.id.to_string())?
        .text("name", &account.name)?
        .text("plan", account.plan.as_str())?
        .set("limits", limits(env, &account.limits)?)?
        .set("operator", account.operator)?
        .date("createdAt", account.created_at)?
        .date("updatedAt", account.updated_at)
}

impl ToJs for Account {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        account_members(env, self)?.done()
    }
}

impl ToJs for User {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?
            .text("id", self.id.to_string())?
            .text("email", &self.email)?
            .text("name", &self.name)?
            .text("status", self.status.as_str())?
            .strings("groupIds", &self.group_ids)?
            .set("hasPassword", self.has_password)?
            .date("createdAt", self.created_at)?
            .date("updatedAt", self.updated_at)?
            .done()
    }
}

impl ToJs for PasswordLink {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?
            .text("userId", self.user_id.to_string())?
            .date("expiresAt", self.expires_at)?
            .text("url", self.url())?
            .done()
    }
}

impl ToJs for AuditRecord {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let actor = Members::new(env)?
            .set("userId", self.actor.user_id.map(|id| id.to_string()))?
            .set(
                "applicationId",
                self.actor.application_id.map(|id| id.to_string()),
            )?
            .set("credentialId", self.actor.credential_id.clone())?
            .text("via", &self.actor.via)?
            .done()?;
        let target = Members::new(env)?
            .text("type", &self.target.kind)?
            .text("id", &self.target.id)?
            .done()?;
        // `{field: [before, after]}`, field names as the API spells them.
        let changes = serde_json::to_value(&self.changes)
            .map_err(|error| napi::Error::from_reason(error.to_string()))?;
        Members::new(env)?
            .text("id", &self.id)?
            .text("accountId", self.account_id.to_string())?
            .date("at", self.at)?
            .set("actor", actor)?
            .text("action", &self.action)?
            .set("target", target)?
            .json("changes", &changes)?
            .set("requestId", self.request_id.clone())?
            .set("ip", self.ip.clone())?
            .done()
    }
}

impl ToJs for PolicyGroup {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?
            .text("id", self.id.to_string())?
            .text("name", &self.name)?
            .text("description", &self.description)?
            .permissions("permissions", self.permissions)?
            .set("builtIn", self.built_in)?
            .date("createdAt", self.created_at)?
            .date("updatedAt", self.updated_at)?
            .done()
    }
}

impl ToJs for Application {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?
            .text("id", self.id.to_string())?
            .text("name", &self.name)?
            .text("description", &self.description)?
            .strings("groupIds", &self.group_ids)?
            .text("status", self.status.as_str())?
            .text("createdBy", self.created_by.to_string())?
            .date("createdAt", self.created_at)?
            .date("updatedAt", self.updated_at)?
            .done()
    }
}

fn access_key_members<'env>(env: &'env Env, key: &AccessKey) -> Result<Members<'env>> {
    Members::new(env)?
        .text("id", key.id.to_string())?
        .text("applicationId", key.application_id.to_string())?
        .text("name", &key.name)?
        .text("description", &key.description)?
        .text("status", key.status.as_str())?
        .optional_date("expiration", key.expiration)?
        .permissions("scopes", key.scopes)?
        .text("keyPrefix", &key.key_prefix)?
        .text("apiHost", &key.api_host)?
        .text("createdBy", key.created_by.to_string())?
        .date("createdAt", key.created_at)?
        .date("updatedAt", key.updated_at)?
        .optional_date("lastUsedAt", key.last_used_at)
}

impl ToJs for AccessKey {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        access_key_members(env, self)?.done()
    }
}

impl ToJs for CreatedAccessKey {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        access_key_members(env, &self.access_key)?
            .text("key", self.key())?
            .done()
    }
}

impl ToJs for RolledAccessKey {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        access_key_members(env, &self.access_key)?
            .text("key", self.key())?
            .set("rolled", self.rolled.to_js(env)?)?
            .done()
    }
}

impl ToJs for KeyPolicy {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?
            .set("maxKeyLifetimeDays", self.max_key_lifetime_days)?
            .set("requireExpiration", self.require_expiration)?
            .set(
                "deactivateUnusedAfterDays",
                self.deactivate_unused_after_days,
            )?
            .text("exposedKeyAction", self.exposed_key_action.as_str())?
            .done()
    }
}

impl ToJs for Introspection {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        // RFC 7662's shape: an inactive credential is `{ active: false }`
        // alone, so the members of an active one are set only when present.
        let mut members = Members::new(env)?.set("active", self.active)?;
        let texts = [
            ("tokenType", self.token_type.clone()),
            ("accountId", self.account_id.map(|id| id.to_string())),
            (
                "applicationId",
                self.application_id.map(|id| id.to_string()),
            ),
            ("userId", self.user_id.map(|id| id.to_string())),
            ("credentialId", self.credential_id.clone()),
            ("scope", self.scope.clone()),
        ];
        for (name, value) in texts {
            if let Some(value) = value {
                members = members.text(name, value)?;
            }
        }
        if let Some(exp) = self.exp {
            members = members.set("exp", exp)?;
        }
        members.done()
    }
}

impl ToJs for JwtKey {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?
            .text("id", self.id.to_string())?
            .text("applicationId", self.application_id.to_string())?
            .text("name", &self.name)?
            .text("description", &self.description)?
            .text("algorithm", &self.algorithm)?
            .json("publicKey", &Value::Object(self.public_key.clone()))?
            .text("thumbprint", &self.thumbprint)?
            .text("status", self.status.as_str())?
            .optional_date("expiration", self.expiration)?
            .permissions("scopes", self.scopes)?
            .text("createdBy", self.created_by.to_string())?
            .date("createdAt", self.created_at)?
            .optional_date("updatedAt", self.updated_at)?
            .optional_date("lastUsedAt", self.last_used_at)?
            .done()
    }
}

impl ToJs for CreatedAccount {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        account_members(env, &self.account)?
            .value("adminUser", &self.admin_user)?
            .value("adminApplication", &self.admin_application)?
            .value("accessKey", &self.access_key)?
            .text("key", self.key())?
            .done()
    }
}

impl ToJs for Me {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let kind = match self.credential.kind {
            CredentialKind::AccessKey => "access_key",
            CredentialKind::JwtKey => "jwt_key",
            // A kind this binding does not know yet still has a name.
            _ => "unknown",
        };
        let credential = Members::new(env)?
            .text("kind", kind)?
            .text("id", &self.credential.id)?
            .permissions("scopes", self.credential.scopes)?
            .optional_date("expiration", self.credential.expiration)?
            .done()?;
        Members::new(env)?
            .value("account", &self.account)?
            .value("application", &self.application)?
            .value("user", &self.user)?
            .set("credential", credential)?
            .permissions("permissions", self.permissions)?
            .text("jwtAudience", &self.jwt_audience)?
            .done()
    }
}

impl ToJs for ServerInfo {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?
            .text("jwtAudience", &self.jwt_audience)?
            .strings("jwtAlgorithms", &self.jwt_algorithms)?
            .text("version", &self.version)?
            .done()
    }
}

impl ToJs for Health {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        Members::new(env)?.text("status", &self.status)?.done()
    }
}

impl ToJs for BulkDeleteResult {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let results = self
            .results
            .iter()
            .map(|item| {
                Members::new(env)?
                    .text("id", &item.id)?
                    .text("status", &item.status)?
                    .done()
            })
            .collect::<Result<Vec<_>>>()?;
        Members::new(env)?
            .set("deleted", self.deleted)?
            .set("results", results)?
            .done()
    }
}
