//! The client's answers as Python objects: each model becomes the frozen
//! dataclass of the same name in `latchkey._models` (its fields are listed in
//! `generated_models.rs`, written by `cargo xtask codegen`); here, once, how
//! each type of a field converts ([`ToField`]): timestamps become UTC-aware
//! `datetime`s, ids and statuses their API strings, permission sets and lists
//! tuples, JSON dicts and lists.

use std::collections::BTreeMap;

use jiff::Timestamp;
use latchkey_client::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_client::jwt::Jwks;
use latchkey_client::models::{CredentialKind, ExposedKeyAction, Page};
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, Order, PermissionSet, Plan, UserStatus,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyDict, PyList, PyModule, PyTuple, PyTzInfo};
use serde_json::{Map, Value};

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
fn construct<'py>(
    py: Python<'py>,
    class: &str,
    fields: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    models(py)?.getattr(class)?.call((), Some(fields))
}

/// A client model: the fields of its dataclass (generated per model).
pub trait ModelFields {
    /// Sets each field of the dataclass in `fields`, under its name.
    fn fields<'py>(&self, py: Python<'py>, fields: &Bound<'py, PyDict>) -> PyResult<()>;
}

/// `latchkey._models.<class>` built from `value`'s fields.
pub fn model<'py>(
    py: Python<'py>,
    class: &str,
    value: &impl ModelFields,
) -> PyResult<Bound<'py, PyAny>> {
    let fields = PyDict::new(py);
    value.fields(py, &fields)?;
    construct(py, class, &fields)
}

/// The value of a dataclass field: as [`ToPython`], but a list is a tuple
/// (the dataclasses are immutable all through).
pub trait ToField {
    /// The Python value of this field.
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
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
        construct(py, "Page", &fields)
    }
}

impl ToField for str {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.into_pyobject(py)?.into_any())
    }
}

impl ToField for String {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.as_str().to_field(py)
    }
}

/// Numbers and flags, as pyo3 converts them.
macro_rules! plain_fields {
    ($($type:ty),*) => {$(
        impl ToField for $type {
            fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(self.into_pyobject(py)?.to_owned().into_any())
            }
        }
    )*};
}

plain_fields!(bool, u32, u64, i64);

/// Ids as their strings (`app_…`).
macro_rules! id_fields {
    ($($type:ty),*) => {$(
        impl ToField for $type {
            fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.to_string().to_field(py)
            }
        }
    )*};
}

id_fields!(
    AccessKeyId,
    AccountId,
    ApplicationId,
    JwtKeyId,
    PolicyGroupId,
    UserId
);

/// Value sets as the API spells them (the `Literal` aliases of `_models.py`).
macro_rules! enum_fields {
    ($($type:ty),*) => {$(
        impl ToField for $type {
            fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.as_str().to_field(py)
            }
        }
    )*};
}

enum_fields!(
    Plan,
    UserStatus,
    ApplicationStatus,
    EffectiveKeyStatus,
    ExposedKeyAction,
    CredentialKind
);

impl ToField for Timestamp {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        datetime(py, *self)
    }
}

impl ToField for PermissionSet {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let names: Vec<String> = self
            .iter()
            .map(|permission| permission.to_string())
            .collect();
        Ok(PyTuple::new(py, names)?.into_any())
    }
}

impl ToField for Value {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json(py, self)
    }
}

impl ToField for Map<String, Value> {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(json_object(py, self)?.into_any())
    }
}

/// The value of an optional dataclass field: `None` when absent. Only an
/// `Option` is one, and an `Option` is nothing else ([`ToField`] is not
/// implemented for it), so the generated conversions fail to compile when a
/// client field's optionality differs from the schema's.
pub trait ToNullableField {
    /// The Python value of this field, `None` when absent.
    fn to_nullable_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl<T: ToField> ToNullableField for Option<T> {
    fn to_nullable_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_field(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToField> ToField for [T] {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|item| item.to_field(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyTuple::new(py, items)?.into_any())
    }
}

impl<T: ToField> ToField for Vec<T> {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.as_slice().to_field(py)
    }
}

/// A pair (an audit record's `(before, after)`) is a tuple, as lists are.
impl<T: ToField, const N: usize> ToField for [T; N] {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.as_slice().to_field(py)
    }
}

impl<T: ToField> ToField for BTreeMap<String, T> {
    fn to_field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(py);
        for (key, value) in self {
            dict.set_item(key, value.to_field(py)?)?;
        }
        Ok(dict.into_any())
    }
}
