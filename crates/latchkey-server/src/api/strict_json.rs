//! Reading a request's JSON into its type strictly, with errors that name the
//! field.
//!
//! A body is read in two passes. First into a JSON document: one value and
//! nothing after it, no object naming a key twice (which one counts would be
//! a guess, and a proxy may guess differently); malformed JSON and trailing
//! data name `body`. Then from the document into the type, through
//! [`Strict`], which takes a struct only from an object (serde would also
//! take `["billing"]` for `{"name": "billing"}`) and an enum only from one
//! of its names. A wrong type, an unknown, missing or repeated field names
//! the field as the API spells it (`status`, `scopes[2]`) and says what was
//! expected.
//!
//! serde's messages are written for Rust programmers (`invalid type: integer
//! `5`, expected struct CreateAccessKey`, `expected u32`); this module puts
//! them in the API's words, with what was found described by its JSON kind:
//! a string sent is not repeated, as it may be a credential in the wrong
//! field. (A type's own message, such as a timestamp's parse error, is
//! passed on as it is.)

use std::fmt;

use latchkey_core::validation::FieldError;
use serde::de::value::{MapAccessDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error as _, Expected, IntoDeserializer,
    MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};
use serde_path_to_error::{Path, Segment};

/// The name of a fault of the document as a whole.
const BODY: &str = "body";

/// Reads `bytes` as one JSON value, nothing after it, into `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FieldError> {
    let document = document(bytes)?;
    read(&document)
}

/// Reads a query string's parameters into `T`, whose fields are strings (a
/// handler parses them further and names what it refuses). A parameter given
/// twice is refused, as a repeated key of a body is.
pub fn from_pairs<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Result<T, FieldError> {
    let mut object = Map::new();
    for (name, value) in pairs {
        if object.contains_key(&name) {
            return Err(field(name, "appears more than once"));
        }
        object.insert(name, Value::String(value));
    }
    read(&Value::Object(object))
}

/// The first pass: the body as a JSON document.
fn document(bytes: &[u8]) -> Result<Value, FieldError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let document = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(Document(document)) => document,
        Err(error) if error.inner().is_data() => {
            // The one data error of a document: a repeated key.
            let path = error.path().clone();
            let message = error.into_inner().to_string();
            let repeated = quoted_after(&message, DUPLICATE).unwrap_or_default();
            return Err(field(child(&path, repeated), "appears more than once"));
        }
        Err(error) => return Err(invalid_json(&error.into_inner())),
    };
    deserializer.end().map_err(|error| invalid_json(&error))?;
    Ok(document)
}

fn invalid_json(error: &serde_json::Error) -> FieldError {
    // serde_json's own words, with the position: "trailing characters at
    // line 1 column 15", "EOF while parsing an object at line 1 column 9".
    field(BODY, format!("is not valid JSON: {error}"))
}

/// The second pass: the document as a `T`.
fn read<T: DeserializeOwned>(document: &Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(Strict(document)).map_err(|error| describe(document, error))
}

fn field(name: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        name: name.into(),
        message: message.into(),
    }
}

/// serde's words for a repeated key, which [`Document`] uses too.
const DUPLICATE: &str = "duplicate field `";

/// The field error for a document that is not a `T`.
fn describe(document: &Value, error: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = error.path().clone();
    let message = without_position(&error.into_inner().to_string());
    if message.starts_with("unknown field `") {
        // The path already ends at the unknown field.
        return field(name(&path), "is not a known field");
    }
    if let Some(missing) = quoted_after(&message, "missing field `") {
        return field(child(&path, missing), "is required");
    }
    if message.starts_with("unknown variant `") {
        // From the right: the variant that was sent comes first, and it is
        // the caller's text.
        return match message.rsplit_once(", expected ") {
            Some((_, variants)) => field(name(&path), format!("expected {variants}")),
            None => field(name(&path), "is not an allowed value"),
        };
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((_, expected)) = rest.rsplit_once(", expected ")
        {
            return field(
                name(&path),
                format!(
                    "expected {}{}",
                    in_api_words(expected),
                    found(document, &path)
                ),
            );
        }
    }
    // A type's own message (a timestamp that does not parse, a malformed id).
    field(name(&path), message)
}

/// The field's name as the API spells it: `status`, `scopes[2]`, `body`.
fn name(path: &Path) -> String {
    if path.iter().next().is_none() {
        BODY.to_owned()
    } else {
        path.to_string()
    }
}

/// The name of field `key` of the object at `path`.
fn child(path: &Path, key: &str) -> String {
    if path.iter().next().is_none() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// `name` in "missing field `name`" and the like.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// serde_json appends " at line L column C" to an error read from text;
/// the field name says more.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// What serde expected, in JSON's terms.
fn in_api_words(expected: &str) -> String {
    macro_rules! integers {
        ($($int:ident)*) => {
            match expected {
                $(stringify!($int) => {
                    return format!("an integer between {} and {}", $int::MIN, $int::MAX)
                })*
                _ => {}
            }
        };
    }
    integers!(u8 u16 u32 u64 usize i8 i16 i32 i64 isize);
    match expected {
        "a sequence" => "an array".to_owned(),
        "a map" => "an object".to_owned(),
        "a borrowed string" | "a character" => "a string".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        _ if expected.starts_with("struct ") => "an object".to_owned(),
        _ => expected.to_owned(),
    }
}

/// ", found 5": what stood at `path`, by kind (numbers and literals as
/// written; never a string's content).
fn found(document: &Value, path: &Path) -> String {
    let at = path
        .iter()
        .try_fold(document, |value, segment| match segment {
            Segment::Seq { index } => value.get(*index),
            Segment::Map { key } | Segment::Enum { variant: key } => value.get(key.as_str()),
            Segment::Unknown => None,
        });
    let found = match at {
        None => return String::new(),
        Some(Value::Null) => "null".to_owned(),
        Some(Value::Bool(value)) => value.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::String(_)) => "a string".to_owned(),
        Some(Value::Array(_)) => "an array".to_owned(),
        Some(Value::Object(_)) => "an object".to_owned(),
    };
    format!(", found {found}")
}

/// A JSON document in which no object names a key twice.
struct Document(Value);

impl<'de> serde::Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        NoRepeatedKeys.deserialize(deserializer).map(Document)
    }
}

/// Builds a [`Value`] as serde_json does, refusing a repeated key.
#[derive(Clone, Copy)]
struct NoRepeatedKeys;

impl<'de> DeserializeSeed<'de> for NoRepeatedKeys {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoRepeatedKeys {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut array = Vec::new();
        while let Some(item) = items.next_element_seed(self)? {
            array.push(item);
        }
        Ok(Value::Array(array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(format_args!("{DUPLICATE}{key}`")));
            }
            let value = entries.next_value_seed(self)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A deserializer over a JSON document that gives a struct only an object
/// and an enum only one of its names (or, for a variant with data, an
/// object of one key); everything else as serde_json's own.
#[derive(Clone, Copy)]
struct Strict<'a>(&'a Value);

impl<'de> Deserializer<'de> for Strict<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(*value),
            Value::Number(number) => {
                if let Some(value) = number.as_u64() {
                    visitor.visit_u64(value)
                } else if let Some(value) = number.as_i64() {
                    visitor.visit_i64(value)
                } else {
                    visitor.visit_f64(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(text) => visitor.visit_borrowed_str(text),
            Value::Array(items) => {
                let mut items = SeqDeserializer::new(items.iter().map(Strict));
                let value = visitor.visit_seq(&mut items)?;
                items.end()?;
                Ok(value)
            }
            Value::Object(entries) => visitor.visit_map(entries_of(entries)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(Self::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::String(text) => visitor.visit_enum(text.as_str().into_deserializer()),
            Value::Object(entries) if entries.len() == 1 => {
                visitor.visit_enum(MapAccessDeserializer::new(entries_of(entries)))
            }
            other => Err(Self::Error::invalid_type(
                unexpected(other),
                &OneOf(variants),
            )),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
        ignored_any
    }
}

impl<'de> IntoDeserializer<'de, serde_json::Error> for Strict<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// An object's entries for a visitor, each value [`Strict`] too.
fn entries_of<'de>(
    entries: &'de Map<String, Value>,
) -> MapDeserializer<'de, impl Iterator<Item = (&'de str, Strict<'de>)>, serde_json::Error> {
    MapDeserializer::new(
        entries
            .iter()
            .map(|(key, value)| (key.as_str(), Strict(value))),
    )
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(value) => Unexpected::Bool(*value),
        Value::Number(number) => match (number.as_u64(), number.as_i64()) {
            (Some(value), _) => Unexpected::Unsigned(value),
            (None, Some(value)) => Unexpected::Signed(value),
            (None, None) => Unexpected::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => Unexpected::Str(text),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// "one of `active`, `inactive`, `revoked`": an enum's names.
struct OneOf(&'static [&'static str]);

impl Expected for OneOf {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("one of ")?;
        for (index, variant) in self.0.iter().enumerate() {
            if index > 0 {
                formatter.write_str(", ")?;
            }
            write!(formatter, "`{variant}`")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use latchkey_core::status::KeyStatus;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        #[serde(default)]
        status: Option<KeyStatus>,
        #[serde(default)]
        scopes: Vec<String>,
        #[serde(default)]
        statuses: Vec<KeyStatus>,
        #[serde(default)]
        limit: Option<u32>,
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        expiration: Option<jiff::Timestamp>,
        #[serde(default)]
        public_key: Option<Value>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u8,
    }

    fn refused(body: &str) -> (String, String) {
        let error = from_slice::<Body>(body.as_bytes()).unwrap_err();
        (error.name, error.message)
    }

    fn pair(name: &str, message: &str) -> (String, String) {
        (name.to_owned(), message.to_owned())
    }

    #[test]
    fn a_good_body_reads() {
        let body: Body =
            from_slice(br#" {"name": "x", "status": "revoked", "scopes": ["a"]} "#).unwrap();
        assert_eq!(body.name, "x");
        assert_eq!(body.status, Some(KeyStatus::Revoked));
    }

    #[test]
    fn malformed_json_and_trailing_data_name_the_body() {
        for body in [
            r#"{"name": "x"} trailing"#,
            r#"{"name": "x"}{}"#,
            r#"{"name": "x"} 5"#,
            r#"{"name": 5, "#,
            r#"{"status": 5 "name": "x"}"#,
            "",
            "{not json",
        ] {
            let (name, message) = refused(body);
            assert_eq!(name, "body", "{body}");
            assert!(
                message.starts_with("is not valid JSON: "),
                "{body}: {message}"
            );
        }
        assert_eq!(
            refused(r#"{"name": "x"} trailing"#).1,
            "is not valid JSON: trailing characters at line 1 column 15"
        );
    }

    #[test]
    fn a_wrong_type_names_the_field_and_what_was_expected() {
        let cases = [
            (
                r#"{"name": "x", "status": 5}"#,
                pair(
                    "status",
                    "expected one of `active`, `inactive`, `revoked`, found 5",
                ),
            ),
            (
                r#"{"name": "x", "status": "gone"}"#,
                pair("status", "expected one of `active`, `inactive`, `revoked`"),
            ),
            (
                r#"{"name": "x", "statuses": ["active", true]}"#,
                pair(
                    "statuses[1]",
                    "expected one of `active`, `inactive`, `revoked`, found true",
                ),
            ),
            (r#"{"name": 5}"#, pair("name", "expected a string, found 5")),
            (
                r#"{"name": null}"#,
                pair("name", "expected a string, found null"),
            ),
            (
                r#"{"name": "x", "scopes": ["a", "b", 7]}"#,
                pair("scopes[2]", "expected a string, found 7"),
            ),
            (
                r#"{"name": "x", "scopes": "a"}"#,
                pair("scopes", "expected an array, found a string"),
            ),
            (
                r#"{"name": "x", "limit": -1}"#,
                pair(
                    "limit",
                    "expected an integer between 0 and 4294967295, found -1",
                ),
            ),
            (
                r#"{"name": "x", "limit": 1.5}"#,
                pair(
                    "limit",
                    "expected an integer between 0 and 4294967295, found 1.5",
                ),
            ),
            (
                r#"{"name": "x", "inner": {"count": 300}}"#,
                pair(
                    "inner.count",
                    "expected an integer between 0 and 255, found 300",
                ),
            ),
            (
                r#"{"name": "x", "inner": []}"#,
                pair("inner", "expected an object, found an array"),
            ),
            // serde alone would read `[5]` as `{"count": 5}`.
            (
                r#"{"name": "x", "inner": [5]}"#,
                pair("inner", "expected an object, found an array"),
            ),
            (
                r#"{"name": "x", "expiration": 5}"#,
                pair("expiration", "expected a timestamp string, found 5"),
            ),
            (
                r#"["x"]"#,
                pair("body", "expected an object, found an array"),
            ),
            (
                r#""ak_secret""#,
                pair("body", "expected an object, found a string"),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(refused(body), expected, "{body}");
        }
    }

    #[test]
    fn unknown_missing_and_repeated_fields_are_named() {
        assert_eq!(
            refused(r#"{"name": "x", "colour": "red"}"#),
            pair("colour", "is not a known field")
        );
        assert_eq!(refused(r#"{}"#), pair("name", "is required"));
        assert_eq!(
            refused(r#"{"name": "x", "inner": {}}"#),
            pair("inner.count", "is required")
        );
        assert_eq!(
            refused(r#"{"name": "x", "inner": {"count": 1, "extra": 2}}"#),
            pair("inner.extra", "is not a known field")
        );
        assert_eq!(
            refused(r#"{"name": "x", "name": "y"}"#),
            pair("name", "appears more than once")
        );
        assert_eq!(
            refused(r#"{"name": "x", "inner": {"count": 1, "count": 2}}"#),
            pair("inner.count", "appears more than once")
        );
        // Everywhere in the document, also where any JSON is taken.
        assert_eq!(
            refused(r#"{"name": "x", "public_key": {"kty": "OKP", "x": "a", "x": "b"}}"#),
            pair("public_key.x", "appears more than once")
        );
    }

    #[test]
    fn a_string_is_never_echoed() {
        let (_, message) = refused(r#"{"name": "x", "limit": "ak_secret"}"#);
        assert!(!message.contains("ak_secret"), "{message}");
        let (_, message) = refused(r#"{"name": "x", "status": "ak_secret"}"#);
        assert!(!message.contains("ak_secret"), "{message}");
        // A type's own message (jiff's here) names the fault, not the text.
        let (name, message) = refused(r#"{"name": "x", "expiration": "ak_secret"}"#);
        assert_eq!(name, "expiration");
        assert!(!message.contains("ak_secret"), "{message}");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Query {
        limit: Option<String>,
        status: Option<String>,
    }

    #[test]
    fn query_parameters_read_and_a_repeated_one_is_named() {
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let query: Query = from_pairs(pairs(&[("limit", "5"), ("unknown", "ignored")])).unwrap();
        assert_eq!(query.limit.as_deref(), Some("5"));
        let error =
            from_pairs::<Query>(pairs(&[("status", "active"), ("status", "revoked")])).unwrap_err();
        assert_eq!(
            (error.name, error.message),
            pair("status", "appears more than once")
        );
    }
}
