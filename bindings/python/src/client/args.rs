//! Arguments from Python, checked before any request: ids, statuses,
//! timestamps, list options and JSON. A bad one is an
//! `InvalidArgumentError` naming the argument.

use std::str::FromStr;

use jiff::Timestamp;
use latchkey_client::types::Order;
use latchkey_client::{ApiEnum, ListParams};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

use super::error::invalid_argument;

/// A value with a `FromStr` (an id: `app_…`, `key_…`, an algorithm).
pub fn parse<T>(py: Python<'_>, name: &str, text: &str) -> PyResult<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|error| invalid_argument(py, name, error))
}

/// Every id of a list, each named by its index (`ids[2]`).
pub fn parse_all<T>(py: Python<'_>, name: &str, texts: &[String]) -> PyResult<Vec<T>>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| parse(py, &format!("{name}[{index}]"), text))
        .collect()
}

/// A status or plan, spelled as the API spells it (`inactive`); an error
/// names the allowed values, from the client's one list of them.
pub fn api_enum<T: ApiEnum>(py: Python<'_>, name: &str, text: &str) -> PyResult<T> {
    T::from_api_name(text).ok_or_else(|| {
        let allowed = T::allowed();
        invalid_argument(py, name, format!("must be one of {allowed}, not {text:?}"))
    })
}

/// An aware `datetime` as a timestamp; a naive one is refused (its zone
/// would be a guess).
pub fn timestamp(py: Python<'_>, name: &str, value: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    if !value.is_instance_of::<PyDateTime>() {
        return Err(invalid_argument(py, name, "must be a datetime"));
    }
    if value.getattr("tzinfo")?.is_none() || value.call_method0("utcoffset")?.is_none() {
        return Err(invalid_argument(
            py,
            name,
            "must be a timezone-aware datetime (e.g. tzinfo=timezone.utc)",
        ));
    }
    let text: String = value.call_method0("isoformat")?.extract()?;
    text.parse()
        .map_err(|error| invalid_argument(py, name, error))
}

/// An optional aware `datetime`.
pub fn optional_timestamp(
    py: Python<'_>,
    name: &str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Timestamp>> {
    value.map(|value| timestamp(py, name, value)).transpose()
}

/// A change of an optional instant: `Some(Some(at))` sets it, `Some(None)`
/// (`remove`) removes it (`null` on the wire), `None` keeps it.
pub fn clearable_timestamp(
    py: Python<'_>,
    name: &str,
    value: Option<&Bound<'_, PyAny>>,
    remove: bool,
) -> PyResult<Option<Option<Timestamp>>> {
    let change = latchkey_client::optional_change(name, value, remove)
        .map_err(|conflict| invalid_argument(py, name, conflict.to_string()))?;
    change
        .map(|new| new.map(|at| timestamp(py, name, at)).transpose())
        .transpose()
}

/// The query of a list. `status` is already the API's spelling, checked by
/// the caller against the resource's statuses.
pub fn list_params(
    py: Python<'_>,
    limit: Option<u32>,
    after: Option<String>,
    order: Option<&str>,
    include_total_count: bool,
) -> PyResult<ListParams> {
    let mut params = ListParams::new();
    if let Some(limit) = limit {
        params = params.limit(limit);
    }
    if let Some(after) = after {
        params = params.after(after);
    }
    if let Some(order) = order {
        params = params.order(match order.to_ascii_uppercase().as_str() {
            "ASC" => Order::Ascending,
            "DESC" => Order::Descending,
            _ => return Err(invalid_argument(py, "order", "must be \"ASC\" or \"DESC\"")),
        });
    }
    if include_total_count {
        params = params.include_total_count();
    }
    Ok(params)
}

/// A Python JSON value (dict, list, str, int, float, bool, None) as JSON.
pub fn json(py: Python<'_>, name: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if value.is_none() {
        Ok(Value::Null)
    } else if let Ok(flag) = value.cast::<PyBool>() {
        Ok(Value::Bool(flag.is_true()))
    } else if value.is_instance_of::<PyInt>() {
        let int: i64 = value
            .extract()
            .map_err(|_| invalid_argument(py, name, "integers must fit in 64 bits"))?;
        Ok(Value::from(int))
    } else if value.is_instance_of::<PyFloat>() {
        let float: f64 = value.extract()?;
        serde_json::Number::from_f64(float)
            .map(Value::Number)
            .ok_or_else(|| invalid_argument(py, name, "NaN and infinity are not JSON"))
    } else if let Ok(text) = value.cast::<PyString>() {
        Ok(Value::String(text.to_cow()?.into_owned()))
    } else if let Ok(dict) = value.cast::<PyDict>() {
        json_object(py, name, dict).map(Value::Object)
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        value
            .try_iter()?
            .map(|item| json(py, name, &item?))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array)
    } else {
        Err(invalid_argument(
            py,
            name,
            format!("{} is not JSON", value.get_type().name()?),
        ))
    }
}

/// A Python dict with string keys as a JSON object.
pub fn json_object(
    py: Python<'_>,
    name: &str,
    dict: &Bound<'_, PyDict>,
) -> PyResult<Map<String, Value>> {
    let mut map = Map::new();
    for (key, value) in dict.iter() {
        let key: String = key
            .extract()
            .map_err(|_| invalid_argument(py, name, "JSON object keys must be strings"))?;
        map.insert(key, json(py, name, &value)?);
    }
    Ok(map)
}
