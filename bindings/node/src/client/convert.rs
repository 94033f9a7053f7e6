//! The client's answers as JavaScript values, built on the main thread (the
//! callback of each promise): plain objects with camelCase members (each
//! model's are listed in `generated_models.rs`, written by `cargo xtask
//! codegen`); here, once, how each type of a member converts: `Date`s for
//! timestamps, `null` for an absent optional value, strings for ids and
//! statuses, arrays of strings for permissions, JWKs and JWKS as plain objects. The one-time `key` of
//! a created access key or account is set here as an ordinary member; the
//! wrapper (`lib/client/call.cjs`) makes it non-enumerable. A page's items
//! are left to [`NativeItems`], which converts them a slice at a time.

use std::collections::BTreeMap;

use jiff::Timestamp;
use latchkey_client::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_client::jwt::Jwks;
use latchkey_client::models::{CredentialKind, ExposedKeyAction, Page};
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, Order, PermissionSet, Plan, UserStatus,
};
use napi::bindgen_prelude::{JsObjectValue, Null, Object, ToNapiValue, Unknown};
use napi::{Env, JsValue, Result};
use serde_json::{Map, Value};

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
pub struct Members<'env> {
    env: &'env Env,
    object: Object<'env>,
}

impl<'env> Members<'env> {
    /// An empty object.
    pub fn new(env: &'env Env) -> Result<Self> {
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

    /// Sets the member `name` to `value`.
    pub fn member<T: ToJs + ?Sized>(self, name: &str, value: &T) -> Result<Self> {
        let value = value.to_js(self.env)?;
        self.set(name, value)
    }

    /// Sets the member `name` to `value`, or to `null` when it is absent.
    pub fn nullable<T: ToJs>(self, name: &str, value: &Option<T>) -> Result<Self> {
        match value {
            Some(value) => self.member(name, value),
            None => self.set(name, Null),
        }
    }

    /// Sets the member `name` when `value` is present; else leaves it out.
    pub fn present<T: ToJs>(self, name: &str, value: &Option<T>) -> Result<Self> {
        match value {
            Some(value) => self.member(name, value),
            None => Ok(self),
        }
    }

    /// The object.
    pub fn done(self) -> Result<Unknown<'env>> {
        Ok(self.object.to_unknown())
    }
}

/// A client model: the members of its interface (generated per model).
pub trait ModelMembers {
    /// `members` with each member of the interface set.
    fn members<'env>(&self, members: Members<'env>) -> Result<Members<'env>>;
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

impl ToJs for str {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        self.into_unknown(env)
    }
}

impl ToJs for String {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        self.as_str().to_js(env)
    }
}

/// Numbers and flags, as napi converts them.
macro_rules! plain_members {
    ($($type:ty),*) => {$(
        impl ToJs for $type {
            fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
                (*self).into_unknown(env)
            }
        }
    )*};
}

plain_members!(bool, u32, i64);

/// Ids as their strings (`app_…`).
macro_rules! id_members {
    ($($type:ty),*) => {$(
        impl ToJs for $type {
            fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
                self.to_string().to_js(env)
            }
        }
    )*};
}

id_members!(
    AccessKeyId,
    AccountId,
    ApplicationId,
    JwtKeyId,
    PolicyGroupId,
    UserId
);

/// Value sets as the API spells them (the string unions of `index.d.ts`).
macro_rules! enum_members {
    ($($type:ty),*) => {$(
        impl ToJs for $type {
            fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
                self.as_str().to_js(env)
            }
        }
    )*};
}

enum_members!(
    Plan,
    UserStatus,
    ApplicationStatus,
    EffectiveKeyStatus,
    ExposedKeyAction,
    CredentialKind
);

impl ToJs for Timestamp {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        date(env, *self)
    }
}

impl ToJs for PermissionSet {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let names: Vec<String> = self
            .iter()
            .map(|permission| permission.to_string())
            .collect();
        names.into_unknown(env)
    }
}

impl ToJs for Map<String, Value> {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        env.to_js_value(self)
    }
}

/// `{field: [before, after]}`, field names as the API spells them.
impl ToJs for BTreeMap<String, [Value; 2]> {
    fn to_js<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        env.to_js_value(self)
    }
}
