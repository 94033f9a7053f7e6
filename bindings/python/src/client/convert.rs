//! The client's answers as Python objects: each model becomes the frozen
//! dataclass of the same name in `latchkey._models`, timestamps become
//! UTC-aware `datetime`s, permission sets and id lists become tuples of
//! strings, JSON becomes dicts and lists.

use jiff::Timestamp;
use latchkey_client::jwt::Jwks;
use latchkey_client::models::{
    AccessKey, Account, Application, AuditRecord, BulkDeleteResult, CreatedAccessKey,
    CreatedAccount, CredentialKind, Health, Introspection, JwtKey, KeyPolicy, Me, Page,
    PasswordLink, PolicyGroup, RolledAccessKey, ServerInfo, User,
};
use latchkey_client::types::{Limits, Order, PermissionSet};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyDict, PyList, PyModule, PyTuple, PyTzInfo};
use serde_json::Value;

/// A value the client returns, convertible under the GIL.
pub trait ToPython {
    /// The Python object for this value.
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

/// The `latchkey._models` module, imported once.
fn models(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("latchkey._models")?.unbind())
        })
        .map(|module| module.bind(py))
}

/// `latchkey._models.<class>(**fields)`.
fn model<'py>(
    py: Python<'py>,
    class: &str,
    fields: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    models(py)?.getattr(class)?.call((), Some(fields))
}

/// A UTC-aware `datetime` (microsecond precision, as Python keeps).
pub fn datetime<'py>(py: Python<'py>, at: Timestamp) -> PyResult<Bound<'py, PyAny>> {
    let utc = PyTzInfo::utc(py)?;
    let civil = jiff::tz::Offset::UTC.to_datetime(at);
    // Every field is in range by construction (a civil date and time).
    let small = |value: i8| value as u8;
    PyDateTime::new(
        py,
        i32::from(civil.year()),
        small(civil.month()),
        small(civil.day()),
        small(civil.hour()),
        small(civil.minute()),
        small(civil.second()),
        (civil.subsec_nanosecond() / 1_000) as u32,
        Some(&utc),
    )
    .map(Bound::into_any)
}

fn optional_datetime<'py>(py: Python<'py>, at: Option<Timestamp>) -> PyResult<Bound<'py, PyAny>> {
    match at {
        Some(at) => datetime(py, at),
        None => Ok(py.None().into_bound(py)),
    }
}

/// A tuple of the `Display` forms (ids, permissions).
fn strings<'py, T: std::fmt::Display>(
    py: Python<'py>,
    items: impl IntoIterator<Item = T>,
) -> PyResult<Bound<'py, PyTuple>> {
    let items: Vec<String> = items.into_iter().map(|item| item.to_string()).collect();
    PyTuple::new(py, items)
}

fn permissions<'py>(py: Python<'py>, set: PermissionSet) -> PyResult<Bound<'py, PyTuple>> {
    strings(py, set.iter())
}

/// JSON as Python's `json` module would read it.
pub fn json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => flag.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(number) => {
            if let Some(int) = number.as_i64() {
                int.into_pyobject(py)?.into_any()
            } else if let Some(int) = number.as_u64() {
                int.into_pyobject(py)?.into_any()
            } else {
                number
                    .as_f64()
                    .unwrap_or(f64::NAN)
                    .into_pyobject(py)?
                    .into_any()
            }
        }
        Value::String(text) => text.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => json_object(py, map)?.into_any(),
    })
}

fn json_object<'py>(
    py: Python<'py>,
    map: &serde_json::Map<String, Value>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in map {
        dict.set_item(key, json(py, value)?)?;
    }
    Ok(dict)
}

impl ToPython for () {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(py.None().into_bound(py))
    }
}

impl<T: ToPython> ToPython for Vec<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let list = PyList::empty(py);
        for item in self {
            list.append(item.to_python(py)?)?;
        }
        Ok(list.into_any())
    }
}

impl<T: ToPython> ToPython for Option<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_python(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl ToPython for Box<dyn ToPython + Send> {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        (**self).to_python(py)
    }
}

impl ToPython for Value {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json(py, self)
    }
}

impl ToPython for Jwks {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json(py, &self.to_value())
    }
}

fn order_name(order: Order) -> &'static str {
    match order {
        Order::Ascending => "ASC",
        Order::Descending => "DESC",
    }
}

impl<T: ToPython> ToPython for Page<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let data = PyTuple::new(
            py,
            self.data
                .iter()
                .map(|item| item.to_python(py))
                .collect::<PyResult<Vec<_>>>()?,
        )?;
        let fields = PyDict::new(py);
        fields.set_item("data", data)?;
        fields.set_item("has_more", self.has_more)?;
        fields.set_item("after", &self.after)?;
        fields.set_item("limit", self.limit)?;
        fields.set_item("order", order_name(self.order))?;
        fields.set_item("total_count", self.total_count)?;
        model(py, "Page", &fields)
    }
}

fn limits<'py>(py: Python<'py>, limits: &Limits) -> PyResult<Bound<'py, PyAny>> {
    let fields = PyDict::new(py);
    fields.set_item("applications", limits.applications)?;
    fields.set_item(
        "access_keys_per_application",
        limits.access_keys_per_application,
    )?;
    fields.set_item("jwt_keys_per_application", limits.jwt_keys_per_application)?;
    model(py, "Limits", &fields)
}

fn account_fields<'py>(py: Python<'py>, account: &Account) -> PyResult<Bound<'py, PyDict>> {
    let fields = PyDict::new(py);
    fields.set_item("id", account.id.to_string())?;
    fields.set_item("name", &account.name)?;
    fields.set_item("plan", account.plan.as_str())?;
    fields.set_item("limits", limits(py, &account.limits)?)?;
    fields.set_item("operator", account.operator)?;
    fields.set_item("created_at", datetime(py, account.created_at)?)?;
    fields.set_item("updated_at", datetime(py, account.updated_at)?)?;
    Ok(fields)
}

impl ToPython for Account {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        model(py, "Account", &account_fields(py, self)?)
    }
}

impl ToPython for User {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("id", self.id.to_string())?;
        fields.set_item("email", &self.email)?;
        fields.set_item("name", &self.name)?;
        fields.set_item("status", self.status.as_str())?;
        fields.set_item("group_ids", strings(py, &self.group_ids)?)?;
        fields.set_item("has_password", self.has_password)?;
        fields.set_item("created_at", datetime(py, self.created_at)?)?;
        fields.set_item("updated_at", datetime(py, self.updated_at)?)?;
        model(py, "User", &fields)
    }
}

impl ToPython for PasswordLink {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("user_id", self.user_id.to_string())?;
        fields.set_item("expires_at", datetime(py, self.expires_at)?)?;
        fields.set_item("url", self.url())?;
        model(py, "PasswordLink", &fields)
    }
}

impl ToPython for PolicyGroup {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("id", self.id.to_string())?;
        fields.set_item("name", &self.name)?;
        fields.set_item("description", &self.description)?;
        fields.set_item("permissions", permissions(py, self.permissions)?)?;
        fields.set_item("built_in", self.built_in)?;
        fields.set_item("created_at", datetime(py, self.created_at)?)?;
        fields.set_item("updated_at", datetime(py, self.updated_at)?)?;
        model(py, "PolicyGroup", &fields)
    }
}

impl ToPython for Application {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("id", self.id.to_string())?;
        fields.set_item("name", &self.name)?;
        fields.set_item("description", &self.description)?;
        fields.set_item("group_ids", strings(py, &self.group_ids)?)?;
        fields.set_item("status", self.status.as_str())?;
        fields.set_item("created_by", self.created_by.to_string())?;
        fields.set_item("created_at", datetime(py, self.created_at)?)?;
        fields.set_item("updated_at", datetime(py, self.updated_at)?)?;
        model(py, "Application", &fields)
    }
}

fn access_key_fields<'py>(py: Python<'py>, key: &AccessKey) -> PyResult<Bound<'py, PyDict>> {
    let fields = PyDict::new(py);
    fields.set_item("id", key.id.to_string())?;
    fields.set_item("application_id", key.application_id.to_string())?;
    fields.set_item("name", &key.name)?;
    fields.set_item("description", &key.description)?;
    fields.set_item("status", key.status.as_str())?;
    fields.set_item("expiration", optional_datetime(py, key.expiration)?)?;
    fields.set_item("scopes", permissions(py, key.scopes)?)?;
    fields.set_item("key_prefix", &key.key_prefix)?;
    fields.set_item("api_host", &key.api_host)?;
    fields.set_item("created_by", key.created_by.to_string())?;
    fields.set_item("created_at", datetime(py, key.created_at)?)?;
    fields.set_item("updated_at", datetime(py, key.updated_at)?)?;
    fields.set_item("last_used_at", optional_datetime(py, key.last_used_at)?)?;
    Ok(fields)
}

impl ToPython for AccessKey {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        model(py, "AccessKey", &access_key_fields(py, self)?)
    }
}

impl ToPython for CreatedAccessKey {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = access_key_fields(py, &self.access_key)?;
        fields.set_item("key", self.key())?;
        model(py, "CreatedAccessKey", &fields)
    }
}

impl ToPython for RolledAccessKey {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = access_key_fields(py, &self.access_key)?;
        fields.set_item("key", self.key())?;
        fields.set_item("rolled", self.rolled.to_python(py)?)?;
        model(py, "RolledAccessKey", &fields)
    }
}

impl ToPython for KeyPolicy {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("max_key_lifetime_days", self.max_key_lifetime_days)?;
        fields.set_item("require_expiration", self.require_expiration)?;
        fields.set_item(
            "deactivate_unused_after_days",
            self.deactivate_unused_after_days,
        )?;
        fields.set_item("exposed_key_action", self.exposed_key_action.as_str())?;
        model(py, "KeyPolicy", &fields)
    }
}

impl ToPython for Introspection {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("active", self.active)?;
        fields.set_item("token_type", self.token_type.as_deref())?;
        fields.set_item("account_id", self.account_id.map(|id| id.to_string()))?;
        fields.set_item(
            "application_id",
            self.application_id.map(|id| id.to_string()),
        )?;
        fields.set_item("user_id", self.user_id.map(|id| id.to_string()))?;
        fields.set_item("credential_id", self.credential_id.as_deref())?;
        fields.set_item("scope", self.scope.as_deref())?;
        fields.set_item("exp", self.exp)?;
        model(py, "Introspection", &fields)
    }
}

impl ToPython for JwtKey {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("id", self.id.to_string())?;
        fields.set_item("application_id", self.application_id.to_string())?;
        fields.set_item("name", &self.name)?;
        fields.set_item("description", &self.description)?;
        fields.set_item("algorithm", &self.algorithm)?;
        fields.set_item("public_key", json_object(py, &self.public_key)?)?;
        fields.set_item("thumbprint", &self.thumbprint)?;
        fields.set_item("status", self.status.as_str())?;
        fields.set_item("expiration", optional_datetime(py, self.expiration)?)?;
        fields.set_item("scopes", permissions(py, self.scopes)?)?;
        fields.set_item("created_by", self.created_by.to_string())?;
        fields.set_item("created_at", datetime(py, self.created_at)?)?;
        fields.set_item("updated_at", optional_datetime(py, self.updated_at)?)?;
        fields.set_item("last_used_at", optional_datetime(py, self.last_used_at)?)?;
        model(py, "JwtKey", &fields)
    }
}

impl ToPython for CreatedAccount {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = account_fields(py, &self.account)?;
        fields.set_item("admin_user", self.admin_user.to_python(py)?)?;
        fields.set_item("admin_application", self.admin_application.to_python(py)?)?;
        fields.set_item("access_key", self.access_key.to_python(py)?)?;
        fields.set_item("key", self.key())?;
        model(py, "CreatedAccount", &fields)
    }
}

impl ToPython for Me {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let credential = PyDict::new(py);
        let kind = match self.credential.kind {
            CredentialKind::AccessKey => "access_key",
            CredentialKind::JwtKey => "jwt_key",
            // A kind this binding does not know yet still has a name.
            _ => "unknown",
        };
        credential.set_item("kind", kind)?;
        credential.set_item("id", &self.credential.id)?;
        credential.set_item("scopes", permissions(py, self.credential.scopes)?)?;
        credential.set_item(
            "expiration",
            optional_datetime(py, self.credential.expiration)?,
        )?;
        let fields = PyDict::new(py);
        fields.set_item("account", self.account.to_python(py)?)?;
        fields.set_item("application", self.application.to_python(py)?)?;
        fields.set_item("user", self.user.to_python(py)?)?;
        fields.set_item("credential", model(py, "CredentialSummary", &credential)?)?;
        fields.set_item("permissions", permissions(py, self.permissions)?)?;
        fields.set_item("jwt_audience", &self.jwt_audience)?;
        model(py, "Me", &fields)
    }
}

impl ToPython for ServerInfo {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("jwt_audience", &self.jwt_audience)?;
        fields.set_item("jwt_algorithms", PyTuple::new(py, &self.jwt_algorithms)?)?;
        fields.set_item("version", &self.version)?;
        model(py, "ServerInfo", &fields)
    }
}

impl ToPython for Health {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(py);
        fields.set_item("status", &self.status)?;
        model(py, "Health", &fields)
    }
}

impl ToPython for BulkDeleteResult {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let results = self
            .results
            .iter()
            .map(|item| {
                let fields = PyDict::new(py);
                fields.set_item("id", &item.id)?;
                fields.set_item("status", &item.status)?;
                model(py, "BulkDeleteItem", &fields)
            })
            .collect::<PyResult<Vec<_>>>()?;
        let fields = PyDict::new(py);
        fields.set_item("deleted", self.deleted)?;
        fields.set_item("results", PyTuple::new(py, results)?)?;
        model(py, "BulkDeleteResult", &fields)
    }
}

impl ToPython for AuditRecord {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let actor = PyDict::new(py);
        actor.set_item("user_id", self.actor.user_id.map(|id| id.to_string()))?;
        actor.set_item(
            "application_id",
            self.actor.application_id.map(|id| id.to_string()),
        )?;
        actor.set_item("credential_id", &self.actor.credential_id)?;
        actor.set_item("via", &self.actor.via)?;
        let target = PyDict::new(py);
        target.set_item("type", &self.target.kind)?;
        target.set_item("id", &self.target.id)?;
        // `{field: (before, after)}`: a pair is a tuple, as lists are.
        let changes = PyDict::new(py);
        for (field, [before, after]) in &self.changes {
            let pair = PyTuple::new(py, [json(py, before)?, json(py, after)?])?;
            changes.set_item(field, pair)?;
        }
        let fields = PyDict::new(py);
        fields.set_item("id", &self.id)?;
        fields.set_item("account_id", self.account_id.to_string())?;
        fields.set_item("at", datetime(py, self.at)?)?;
        fields.set_item("actor", model(py, "AuditActor", &actor)?)?;
        fields.set_item("action", &self.action)?;
        fields.set_item("target", model(py, "AuditTarget", &target)?)?;
        fields.set_item("changes", changes)?;
        fields.set_item("request_id", &self.request_id)?;
        fields.set_item("ip", &self.ip)?;
        model(py, "AuditRecord", &fields)
    }
}
