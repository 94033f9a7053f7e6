//! Python objects ↔ `serde_json` values, for claims, headers and JWKs.
//!
//! Walks the objects directly instead of going through Python's `json`
//! module: one pass, no intermediate text. Exact type checks come first
//! (`dict`, `str`, `int`…) because they are a pointer comparison; subclasses
//! and other mappings and sequences fall back to the slower protocol checks.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString, PyTuple,
};
use serde_json::{Map, Number, Value};

/// Nesting deeper than this is refused: it protects the Rust stack from a
/// self-referencing list or dict (which would otherwise recurse forever).
const MAX_DEPTH: usize = 128;

/// Converts a JSON-compatible Python object (dict, list, tuple, str, int,
/// float, bool, None, and other mappings and sequences) into a JSON value.
pub fn to_value(object: &Bound<'_, PyAny>) -> PyResult<Value> {
    convert(object, 0)
}

/// Converts a Python mapping into a JSON object.
pub fn to_map(object: &Bound<'_, PyAny>) -> PyResult<Map<String, Value>> {
    match convert(object, 0)? {
        Value::Object(map) => Ok(map),
        _ => Err(PyTypeError::new_err("expected a dict")),
    }
}

fn convert(object: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(
            "a JSON value nested over 128 levels deep (or a circular reference)",
        ));
    }
    if let Ok(dict) = object.cast_exact::<PyDict>() {
        return dict_to_map(dict, depth).map(Value::Object);
    }
    if let Ok(text) = object.cast_exact::<PyString>() {
        return Ok(Value::String(text.to_cow()?.into_owned()));
    }
    // `bool` before `int`: `True` is an `int` too.
    if let Ok(flag) = object.cast_exact::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if object.is_exact_instance_of::<PyInt>() {
        return int_to_value(object);
    }
    if let Ok(number) = object.cast_exact::<PyFloat>() {
        return float_to_value(number.value());
    }
    if object.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(list) = object.cast_exact::<PyList>() {
        return list
            .iter()
            .map(|item| convert(&item, depth + 1))
            .collect::<PyResult<_>>()
            .map(Value::Array);
    }
    if let Ok(tuple) = object.cast_exact::<PyTuple>() {
        return tuple
            .iter()
            .map(|item| convert(&item, depth + 1))
            .collect::<PyResult<_>>()
            .map(Value::Array);
    }
    convert_slow(object, depth)
}

/// Subclasses and abstract mappings and sequences (an `OrderedDict`, a
/// `str` enum, an `int` enum…), as `json.dumps` accepts them.
fn convert_slow(object: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if let Ok(flag) = object.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if let Ok(text) = object.cast::<PyString>() {
        return Ok(Value::String(text.to_cow()?.into_owned()));
    }
    if object.is_instance_of::<PyInt>() {
        return int_to_value(object);
    }
    if let Ok(number) = object.cast::<PyFloat>() {
        return float_to_value(number.value());
    }
    if let Ok(dict) = object.cast::<PyDict>() {
        return dict_to_map(dict, depth).map(Value::Object);
    }
    if let Ok(mapping) = object.cast::<PyMapping>() {
        let mut map = Map::new();
        for item in mapping.items()?.iter() {
            let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            map.insert(key_to_string(&key)?, convert(&value, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    // `bytes` is a sequence of ints, but `json.dumps` refuses it: so do we.
    if !object.is_instance_of::<pyo3::types::PyBytes>()
        && let Ok(sequence) = object.cast::<PySequence>()
    {
        let mut items = Vec::with_capacity(sequence.len().unwrap_or(0));
        for item in sequence.try_iter()? {
            items.push(convert(&item?, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "an object of type {} is not JSON serializable",
        object.get_type().name()?
    )))
}

fn dict_to_map(dict: &Bound<'_, PyDict>, depth: usize) -> PyResult<Map<String, Value>> {
    let mut map = Map::new();
    for (key, value) in dict.iter() {
        map.insert(key_to_string(&key)?, convert(&value, depth + 1)?);
    }
    Ok(map)
}

/// JSON member names are strings; other keys are refused rather than
/// silently turned into text.
fn key_to_string(key: &Bound<'_, PyAny>) -> PyResult<String> {
    match key.cast::<PyString>() {
        Ok(text) => Ok(text.to_cow()?.into_owned()),
        Err(_) => Err(PyTypeError::new_err(format!(
            "JSON object keys must be str, not {}",
            key.get_type().name()?
        ))),
    }
}

fn int_to_value(object: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(number) = object.extract::<i64>() {
        return Ok(Value::Number(number.into()));
    }
    if let Ok(number) = object.extract::<u64>() {
        return Ok(Value::Number(number.into()));
    }
    Err(PyValueError::new_err(
        "an integer outside the 64-bit range cannot be encoded",
    ))
}

fn float_to_value(number: f64) -> PyResult<Value> {
    Number::from_f64(number)
        .map(Value::Number)
        .ok_or_else(|| PyValueError::new_err("NaN and infinities are not valid JSON"))
}

/// Converts a JSON value into the Python object `json.loads` would give.
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(number) => {
            if let Some(int) = number.as_i64() {
                int.into_pyobject(py)?.into_any()
            } else if let Some(int) = number.as_u64() {
                int.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, number.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_dict(py, map)?.into_any(),
    })
}

/// Converts a JSON object into a `dict`.
pub fn map_to_dict<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in map {
        dict.set_item(PyString::new(py, name), to_python(py, value)?)?;
    }
    Ok(dict)
}
