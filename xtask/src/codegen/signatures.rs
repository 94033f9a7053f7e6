//! The signatures of the resources' operations, read from the one
//! description (`spec/sdk.json`) and the server's OpenAPI document: the
//! language-neutral input of the generators that write each SDK's resource
//! layer (`python_resources.rs`, `node_resources.rs`).
//!
//! The description says what only it can say — each operation's HTTP call,
//! documentation, the names and order of its arguments, which body fields
//! are positional, which take `null` to clear, the field that holds a
//! one-time secret. The OpenAPI document says the rest: each field's type,
//! whether it is required or nullable (from the request schema), the
//! filters of a list (its query parameters), and the result (the answer's
//! schema). An enum is matched to the description's named type with the
//! same values, so a value added to the server without a name here fails.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::sdk_surface::{DESCRIPTION, normalize_path};

/// The server's OpenAPI document, relative to the root.
pub const OPENAPI: &str = "spec/openapi.json";

/// The query parameters every list has (its paging), as against its filters.
const LIST_PARAMETERS: [&str; 5] = ["limit", "after", "order", "include", "status"];

/// The names of the description's named sets, resources and operations,
/// in the order they are written: `serde_json::Value` sorts an object's
/// keys, and the order of the resources and operations is the order of
/// the generated classes and methods.
#[derive(Deserialize)]
struct WrittenOrder {
    #[serde(default)]
    types: IndexMap<String, IgnoredAny>,
    #[serde(default)]
    schemas: IndexMap<String, IgnoredAny>,
    #[serde(default)]
    client: IndexMap<String, IgnoredAny>,
    #[serde(default)]
    resources: IndexMap<String, IndexMap<String, IgnoredAny>>,
}

/// Words of `text` filled into lines of at most `width` columns, the first
/// one `first` columns shorter.
pub fn fill(text: &str, width: usize, first: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let limit = if lines.is_empty() {
            width - first
        } else {
            width
        };
        if !line.is_empty() && line.len() + 1 + word.chars().count() > limit {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `doc` with each `code` span (the text between backticks) written as
/// `code(span)` returns.
pub fn map_code(doc: &str, code: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (index, part) in doc.split('`').enumerate() {
        if index % 2 == 1 {
            out.push_str(&code(part));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The literals each language spells its own way (Python's `None`, `True`,
/// `False`; JavaScript's and Kotlin's `null`, Swift's `nil`, …), which a
/// code span cannot carry into every SDK's documentation. An absent value
/// even means different things: a Kotlin or Swift `null`/`nil` argument
/// keeps a value where Python's `None` and Node's `null` remove it.
const LANGUAGE_LITERALS: [&str; 8] = [
    "None",
    "True",
    "False",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
];

/// Checks that `doc`, a documentation text of the description, is
/// language-neutral: names snake_case and `code` in backticks, which each
/// generator renders as its language names them ([`map_code`]), and no
/// syntax of one language, which the others would show verbatim (a Python
/// keyword argument `status="revoked"` in Kotlin's docs). What such syntax
/// says is said in words instead: "when the `status` filter is `revoked`".
pub fn check_neutral(doc: &str, what: &str) -> Result<()> {
    if doc.matches('`').count() % 2 == 1 {
        bail!("{DESCRIPTION}: {what}: a code span is not closed: {doc}");
    }
    let lone_equals = |text: &str| {
        let bytes = text.as_bytes();
        (0..bytes.len()).find(|&at| {
            bytes[at] == b'='
                && !matches!(
                    at.checked_sub(1).map(|b| bytes[b]),
                    Some(b'=' | b'!' | b'<' | b'>')
                )
                && !matches!(bytes.get(at + 1), Some(b'=' | b'>'))
        })
    };
    for (index, part) in doc.split('`').enumerate() {
        if index % 2 == 0 {
            // Prose may say `a` = `b`; `name=value` is one language's call.
            let bytes = part.as_bytes();
            if let Some(at) = lone_equals(part).filter(|&at| {
                at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_')
            }) {
                bail!(
                    "{DESCRIPTION}: {what}: `{}` is a keyword argument of one language; \
                     say it in words (when the `status` filter is `revoked`)",
                    &part[part[..at].rfind(' ').map_or(0, |space| space + 1)..]
                );
            }
            continue;
        }
        if lone_equals(part).is_some() {
            bail!(
                "{DESCRIPTION}: {what}: `{part}` is an assignment or a keyword argument, which \
                 each language writes its own way; say it in words (when the `status` filter \
                 is `revoked`)"
            );
        }
        if let Some(literal) = part
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|word| LANGUAGE_LITERALS.contains(word))
        {
            bail!(
                "{DESCRIPTION}: {what}: `{literal}` is one language's literal (Python's `None`, \
                 Kotlin's `null`, Swift's `nil` …); say it in words (left out, removed, yes)"
            );
        }
    }
    Ok(())
}

/// A property's description: its own, else, for a nullable reference
/// (`oneOf` the model and `null`, where utoipa puts the field's doc
/// comment), its alternatives' first.
pub fn description(property: &Value) -> &str {
    property["description"]
        .as_str()
        .or_else(|| {
            property["oneOf"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|alternative| alternative["description"].as_str())
        })
        .unwrap_or_default()
}

/// A language-neutral type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// Text (ids, names).
    String,
    /// A list of texts.
    Strings,
    /// A whole number.
    Integer,
    /// A boolean.
    Boolean,
    /// An instant (RFC 3339 on the wire).
    Instant,
    /// A type the description names: a value set of its `types`, a model of
    /// the client, or `PublicKey` / `Jwks` / `Limits`.
    Named(String),
}

/// One argument or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// snake_case, as on the wire.
    pub name: String,
    pub ty: Type,
    /// The schema requires it.
    pub required: bool,
    /// The schema allows `null`.
    pub nullable: bool,
    /// `null` removes the stored value (a PUT's `expiration`); left out keeps it.
    pub clearable: bool,
    /// The server's description of it (empty when it gives none).
    pub doc: String,
}

/// What an operation answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Nothing (204).
    Nothing,
    /// One value of this type.
    One(Type),
    /// Every item of every page, fetched as it is read.
    Lazy(Type),
    /// One page of items.
    Page(Type),
}

/// The request-body fields taken as keyword arguments / one options object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// In the order of the native call.
    pub fields: Vec<Field>,
    /// A PUT: every field is optional, and left out keeps the value.
    pub partial: bool,
    /// Python takes the fields as this model (`KeyPolicy`).
    pub model: Option<String>,
    /// The argument's name where it is one object (`input`, `update`, `policy`).
    pub name: String,
    /// The name of the object's type where a language declares one
    /// (`NewApplication`, `KeyUpdate`).
    pub type_name: Option<String>,
}

/// One operation of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub name: String,
    pub doc: String,
    /// `GET /v3/applications/{id}` (the description's text up to the path).
    pub http: String,
    /// Path arguments, in order (always text).
    pub path: Vec<String>,
    /// Request-body fields taken as further positional arguments.
    pub args: Vec<Field>,
    pub input: Option<Input>,
    /// A list's filters (non-paging query parameters), then its status filter.
    pub filters: Vec<Field>,
    /// The name of the filters' type where a language declares one
    /// (`AuditLogFilter`).
    pub filter_type: Option<String>,
    pub answer: Answer,
    /// The answer's field that holds a one-time secret (hidden from logs).
    pub secret: Option<String>,
    /// Which object each id among the path arguments, arguments, fields
    /// and filters names (`key_id` → `access_key`), by its name: the
    /// description's `ids`, the resource's `$ids`, the operation's `ids`.
    pub ids: BTreeMap<String, String>,
}

impl Operation {
    /// Whether this is a list (lazy or one page).
    pub fn is_list(&self) -> bool {
        matches!(self.answer, Answer::Lazy(_) | Answer::Page(_))
    }
}

/// One resource (`client.applications`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// snake_case (`access_keys`).
    pub name: String,
    pub doc: String,
    pub operations: Vec<Operation>,
}

/// One call of the client itself (`client.me()`, `client.introspect(token)`):
/// an operation of no resource, and what only these calls say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCall {
    pub operation: Operation,
    /// Arguments that are credentials (`introspect`'s `token`): the native
    /// layers hold them zeroized, and no error echoes them.
    pub credentials: Vec<String>,
    /// uniffi answers only this text field of the answer's model (`health`
    /// answers its `status`: Kotlin and Swift have no `Health` record).
    pub uniffi_field: Option<String>,
}

/// The client's own calls and every resource, in the description's order.
#[derive(Debug, Clone)]
pub struct Signatures {
    /// The client's calls that make a request (a `local:` one, `close`,
    /// is each binding's own: it only drops the connections).
    pub client: Vec<ClientCall>,
    pub resources: Vec<Resource>,
}

fn text<'a>(value: &'a Value, what: &str) -> Result<&'a str> {
    value
        .as_str()
        .with_context(|| format!("{DESCRIPTION}: {what} is not a string"))
}

fn strings(value: &Value, what: &str) -> Result<Vec<String>> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| text(item, what).map(str::to_owned))
            .collect(),
        _ => bail!("{DESCRIPTION}: {what} is not a list of strings"),
    }
}

/// The server's document, with `$ref`s resolved against its schemas.
pub(super) struct OpenApi<'a> {
    pub(super) document: &'a Value,
    /// OpenAPI schema name → the SDKs' name (`LimitsView` → `Limits`).
    pub(super) renamed: BTreeMap<String, String>,
    /// Value set name → values.
    pub(super) types: &'a BTreeMap<String, Vec<String>>,
}

impl OpenApi<'_> {
    /// The operation object of `METHOD /path` (`{}` for any parameter).
    pub(super) fn operation(&self, call: &str) -> Result<&Value> {
        let (method, path) = call
            .split_once(' ')
            .with_context(|| format!("{DESCRIPTION}: `{call}` is not `METHOD /path`"))?;
        let paths = self.document["paths"]
            .as_object()
            .with_context(|| format!("{OPENAPI} has no paths"))?;
        let wanted = normalize_path(path);
        paths
            .iter()
            .find(|(candidate, _)| normalize_path(candidate) == wanted)
            .and_then(|(_, item)| item.get(method.to_ascii_lowercase()))
            .with_context(|| format!("{OPENAPI} has no operation `{call}`"))
    }

    fn schema(&self, name: &str) -> Result<&Value> {
        self.document["components"]["schemas"]
            .get(name)
            .with_context(|| format!("{OPENAPI} has no schema {name}"))
    }

    /// The schema name of a `$ref`.
    pub(super) fn reference(schema: &Value) -> Option<&str> {
        schema
            .get("$ref")?
            .as_str()?
            .strip_prefix("#/components/schemas/")
    }

    /// The SDKs' name of an OpenAPI schema.
    pub(super) fn model(&self, schema: &str) -> String {
        self.renamed
            .get(schema)
            .cloned()
            .unwrap_or_else(|| schema.to_owned())
    }

    /// The named value set with exactly `values`.
    fn value_set(&self, values: &[Value], what: &str) -> Result<Type> {
        let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        self.types
            .iter()
            .find(|(_, known)| {
                known.len() == values.len() && known.iter().all(|v| values.contains(&v.as_str()))
            })
            .map(|(name, _)| Type::Named(name.clone()))
            .with_context(|| {
                format!(
                    "{what}: the enum {values:?} of {OPENAPI} has no name in {DESCRIPTION}'s `types`"
                )
            })
    }

    /// The type of a property or parameter schema, and whether it is nullable.
    pub(super) fn type_of(&self, schema: &Value, what: &str) -> Result<(Type, bool)> {
        if let Some(name) = Self::reference(schema) {
            return Ok((Type::Named(self.model(name)), false));
        }
        if let Some(choices) = schema.get("oneOf").and_then(Value::as_array) {
            let (nulls, others): (Vec<&Value>, Vec<&Value>) =
                choices.iter().partition(|choice| choice["type"] == "null");
            if let [only] = others.as_slice() {
                let (ty, nullable) = self.type_of(only, what)?;
                return Ok((ty, nullable || !nulls.is_empty()));
            }
            bail!(
                "{what}: {OPENAPI} gives a choice of types; name it in the operation's `types` ({DESCRIPTION})"
            );
        }
        let (kind, nullable) = match &schema["type"] {
            Value::String(kind) => (kind.as_str(), false),
            Value::Array(kinds) => {
                let kinds: Vec<&str> = kinds.iter().filter_map(Value::as_str).collect();
                let nullable = kinds.contains(&"null");
                let others: Vec<&str> = kinds.into_iter().filter(|k| *k != "null").collect();
                match others.as_slice() {
                    [kind] => (*kind, nullable),
                    _ => bail!("{what}: {OPENAPI} gives several types"),
                }
            }
            _ => bail!("{what}: {OPENAPI} gives it no type"),
        };
        let ty = match kind {
            "string" if schema.get("enum").is_some() => {
                self.value_set(schema["enum"].as_array().map_or(&[], |v| v), what)?
            }
            "string" if schema["format"] == "date-time" => Type::Instant,
            "string" => Type::String,
            "integer" => Type::Integer,
            "boolean" => Type::Boolean,
            "array" if schema["items"]["type"] == "string" => Type::Strings,
            other => bail!("{what}: {OPENAPI} type `{other}` has no SDK type"),
        };
        Ok((ty, nullable))
    }

    /// The body fields `names` of the request schema of `operation`.
    fn body_fields(
        &self,
        operation: &Value,
        names: &[String],
        overrides: &BTreeMap<String, String>,
        clearable: &[String],
        what: &str,
    ) -> Result<Vec<Field>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let body = &operation["requestBody"]["content"]["application/json"]["schema"];
        let schema_name = Self::reference(body)
            .with_context(|| format!("{what}: {OPENAPI} gives its request body no schema"))?;
        let schema = self.schema(schema_name)?;
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        names
            .iter()
            .map(|name| {
                let property = schema["properties"].get(name).with_context(|| {
                    format!("{what}: the request schema {schema_name} has no field `{name}`")
                })?;
                let field_what = format!("{what}.{name}");
                let (ty, nullable) = match overrides.get(name) {
                    Some(named) => (Type::Named(named.clone()), false),
                    None => self.type_of(property, &field_what)?,
                };
                Ok(Field {
                    name: name.clone(),
                    ty,
                    required: required.contains(&name.as_str()),
                    nullable,
                    clearable: clearable.contains(name),
                    doc: description(property).to_owned(),
                })
            })
            .collect()
    }

    /// The filters of a list: its query parameters beyond the paging ones.
    fn filters(&self, operation: &Value, what: &str) -> Result<(Vec<Field>, bool)> {
        let mut filters = Vec::new();
        let mut has_status = false;
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] != "query" {
                continue;
            }
            let name = text(&parameter["name"], what)?;
            if name == "status" {
                has_status = true;
            }
            if LIST_PARAMETERS.contains(&name) {
                continue;
            }
            let (ty, _) = self.type_of(&parameter["schema"], &format!("{what}?{name}"))?;
            filters.push(Field {
                name: name.to_owned(),
                ty,
                required: false,
                nullable: false,
                clearable: false,
                doc: parameter["description"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        Ok((filters, has_status))
    }

    /// What `operation` answers: the schema of its first 2xx answer.
    pub(super) fn answer(&self, operation: &Value, name: &str, what: &str) -> Result<Answer> {
        let responses = operation["responses"]
            .as_object()
            .with_context(|| format!("{what}: {OPENAPI} lists no responses"))?;
        let Some((_, response)) = responses.iter().find(|(code, _)| code.starts_with('2')) else {
            bail!("{what}: {OPENAPI} lists no success");
        };
        let schema = &response["content"]["application/json"]["schema"];
        if schema.is_null() {
            return Ok(Answer::Nothing);
        }
        let schema_name = Self::reference(schema)
            .with_context(|| format!("{what}: {OPENAPI} gives its answer no schema name"))?;
        Ok(match schema_name.strip_prefix("List_") {
            Some(item) if name.ends_with("_page") => Answer::Page(Type::Named(self.model(item))),
            Some(item) => Answer::Lazy(Type::Named(self.model(item))),
            None => Answer::One(Type::Named(self.model(schema_name))),
        })
    }
}

/// Reads every resource's signatures from the description and the OpenAPI
/// document of the workspace at `root`.
pub fn load(root: &std::path::Path) -> Result<Signatures> {
    read(
        &super::sdk_surface::read(root, DESCRIPTION)?,
        &super::sdk_surface::read(root, OPENAPI)?,
    )
}

/// The description's named value sets (name → values, in written order)
/// and its schema renames (OpenAPI name → the SDKs' name).
pub(super) type Names = (BTreeMap<String, Vec<String>>, BTreeMap<String, String>);

/// The value sets and schema renames of the description (its text).
pub(super) fn names(description: &str) -> Result<Names> {
    let source: Value = serde_json::from_str(description).context(DESCRIPTION)?;
    let order: WrittenOrder = serde_json::from_str(description).context(DESCRIPTION)?;
    let mut types = BTreeMap::new();
    for name in order.types.keys().filter(|n| !n.starts_with('$')) {
        types.insert(
            name.clone(),
            strings(&source["types"][name], &format!("types.{name}"))?,
        );
    }
    let mut renamed = BTreeMap::new();
    for name in order.schemas.keys().filter(|n| !n.starts_with('$')) {
        renamed.insert(
            name.clone(),
            text(&source["schemas"][name], "schemas")?.to_owned(),
        );
    }
    Ok((types, renamed))
}

/// Reads every resource's signatures from the description and the OpenAPI
/// document (their texts).
pub fn read(description: &str, openapi: &str) -> Result<Signatures> {
    let source: Value = serde_json::from_str(description).context(DESCRIPTION)?;
    let document: Value = serde_json::from_str(openapi).context(OPENAPI)?;
    let order: WrittenOrder = serde_json::from_str(description).context(DESCRIPTION)?;
    let (types, renamed) = names(description)?;
    let mut ids = BTreeMap::new();
    for (name, kind) in source["ids"].as_object().into_iter().flatten() {
        if !name.starts_with('$') {
            ids.insert(name.clone(), text(kind, "ids")?.to_owned());
        }
    }
    let openapi = OpenApi {
        document: &document,
        renamed,
        types: &types,
    };
    let mut resources = Vec::new();
    for (resource, operation_names) in &order.resources {
        let value = &source["resources"][&resource];
        let doc = text(&value["$doc"], &format!("resources.{resource}.$doc"))?.to_owned();
        let mut path_names = BTreeMap::new();
        for (parameter, argument) in value["$path"].as_object().into_iter().flatten() {
            path_names.insert(parameter.clone(), text(argument, "$path")?.to_owned());
        }
        let mut resource_ids = ids.clone();
        for (name, kind) in value["$ids"].as_object().into_iter().flatten() {
            resource_ids.insert(name.clone(), text(kind, "$ids")?.to_owned());
        }
        let mut operations = Vec::new();
        for name in operation_names.keys() {
            if name.starts_with('$') {
                continue;
            }
            let what = format!("resources.{resource}.{name}");
            let signature = &value[&name];
            let mut operation = operation(&openapi, &path_names, name.clone(), signature, &what)?;
            let mut known = resource_ids.clone();
            for (name, kind) in signature["ids"].as_object().into_iter().flatten() {
                known.insert(name.clone(), text(kind, &format!("{what}.ids"))?.to_owned());
            }
            let names = operation.path.iter().cloned().chain(
                (operation.args.iter())
                    .chain(operation.input.iter().flat_map(|input| &input.fields))
                    .chain(&operation.filters)
                    .map(|field| field.name.clone()),
            );
            for name in names.collect::<Vec<_>>() {
                if let Some(kind) = known.get(&name) {
                    operation.ids.insert(name, kind.clone());
                }
            }
            operations.push(operation);
        }
        if doc.is_empty() {
            bail!("{DESCRIPTION}: resources.{resource} has no `$doc`");
        }
        check_neutral(&doc, &format!("resources.{resource}.$doc"))?;
        resources.push(Resource {
            name: resource.clone(),
            doc,
            operations,
        });
    }
    let mut client = Vec::new();
    for name in order.client.keys().filter(|n| !n.starts_with('$')) {
        let value = &source["client"][name];
        if value
            .as_str()
            .is_some_and(|text| text.starts_with("local:"))
        {
            continue;
        }
        client.push(client_call(&openapi, &ids, name, value)?);
    }
    Ok(Signatures { client, resources })
}

/// One call of the client: a resource operation's signature (`http`, `doc`,
/// `args`) whose answer, when the server's document does not list the call
/// (`GET /openapi.json`), is the description's `answer` type.
fn client_call(
    openapi: &OpenApi<'_>,
    ids: &BTreeMap<String, String>,
    name: &str,
    value: &Value,
) -> Result<ClientCall> {
    let what = format!("client.{name}");
    if !value.is_object() {
        bail!("{DESCRIPTION}: {what} is neither a signature nor `local: …`");
    }
    let mut operation = match value["answer"].as_str() {
        Some(answer) => {
            let http = text(&value["http"], &format!("{what}.http"))?;
            if !value["args"].is_null() || !value["fields"].is_null() {
                bail!("{DESCRIPTION}: {what} names its `answer`, so it can take no arguments");
            }
            Operation {
                name: name.to_owned(),
                doc: text(&value["doc"], &format!("{what}.doc"))?.to_owned(),
                http: http
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" "),
                path: Vec::new(),
                args: Vec::new(),
                input: None,
                filters: Vec::new(),
                filter_type: None,
                answer: Answer::One(Type::Named(answer.to_owned())),
                secret: None,
                ids: BTreeMap::new(),
            }
        }
        None => operation(openapi, &BTreeMap::new(), name.to_owned(), value, &what)?,
    };
    if !operation.path.is_empty() || operation.input.is_some() || operation.is_list() {
        bail!(
            "{DESCRIPTION}: {what}: a call of the client takes only `args` and answers one value"
        );
    }
    for field in &operation.args {
        if let Some(kind) = ids.get(&field.name) {
            operation.ids.insert(field.name.clone(), kind.clone());
        }
    }
    let credentials = strings(&value["credentials"], &format!("{what}.credentials"))?;
    for credential in &credentials {
        if !operation.args.iter().any(|field| &field.name == credential) {
            bail!("{DESCRIPTION}: {what}.credentials names `{credential}`, not one of its `args`");
        }
    }
    let uniffi_field = value["uniffi_field"].as_str().map(str::to_owned);
    if let Some(field) = &uniffi_field {
        let Answer::One(Type::Named(model)) = &operation.answer else {
            bail!("{DESCRIPTION}: {what}.uniffi_field: the call answers no model");
        };
        let schema = openapi.schema(model)?;
        if schema["properties"][field]["type"] != "string" {
            bail!("{DESCRIPTION}: {what}.uniffi_field: {model}.{field} is not text in {OPENAPI}");
        }
    }
    Ok(ClientCall {
        operation,
        credentials,
        uniffi_field,
    })
}

/// One operation's signature.
fn operation(
    openapi: &OpenApi<'_>,
    path_names: &BTreeMap<String, String>,
    name: String,
    value: &Value,
    what: &str,
) -> Result<Operation> {
    let description = text(&value["http"], &format!("{what}.http"))?;
    let mut words = description.split_whitespace();
    let http = match (words.next(), words.next()) {
        (Some(method), Some(path)) => format!("{method} {path}"),
        _ => bail!("{DESCRIPTION}: {what}.http is not `METHOD /path …`"),
    };
    let server = openapi.operation(&http)?;
    let path = http
        .split('{')
        .skip(1)
        .map(|rest| {
            let parameter = rest.split('}').next().unwrap_or_default();
            path_names
                .get(parameter)
                .cloned()
                .unwrap_or_else(|| parameter.to_owned())
        })
        .collect();
    let mut overrides = BTreeMap::new();
    for (field, named) in value["types"].as_object().into_iter().flatten() {
        overrides.insert(
            field.clone(),
            text(named, &format!("{what}.types"))?.to_owned(),
        );
    }
    let clearable = strings(&value["clearable"], &format!("{what}.clearable"))?;
    let args = openapi.body_fields(
        server,
        &strings(&value["args"], &format!("{what}.args"))?,
        &overrides,
        &[],
        what,
    )?;
    let field_names = strings(&value["fields"], &format!("{what}.fields"))?;
    let input = if field_names.is_empty() {
        None
    } else {
        let partial = http.starts_with("PUT ");
        Some(Input {
            fields: openapi.body_fields(server, &field_names, &overrides, &clearable, what)?,
            partial,
            model: value["model"].as_str().map(str::to_owned),
            name: match value["name"].as_str() {
                Some(given) => given.to_owned(),
                None if partial => "update".to_owned(),
                None => "input".to_owned(),
            },
            type_name: value["input_type"].as_str().map(str::to_owned),
        })
    };
    let answer = openapi.answer(server, &name, what)?;
    let mut filters = Vec::new();
    if matches!(answer, Answer::Lazy(_) | Answer::Page(_)) {
        let (found, has_status) = openapi.filters(server, what)?;
        filters = found;
        match (value["status"].as_str(), has_status) {
            (Some(status), true) => filters.push(Field {
                name: "status".to_owned(),
                ty: Type::Named(status.to_owned()),
                required: false,
                nullable: true,
                clearable: false,
                doc: "Only items with this status.".to_owned(),
            }),
            (None, false) => {}
            (Some(_), false) => {
                bail!("{DESCRIPTION}: {what} names a `status` type; {OPENAPI} has no status filter")
            }
            (None, true) => bail!(
                "{DESCRIPTION}: {what}: {OPENAPI} has a status filter; name its type in `status`"
            ),
        }
    }
    let doc = text(&value["doc"], &format!("{what}.doc"))?;
    check_neutral(doc, &format!("{what}.doc"))?;
    Ok(Operation {
        name,
        doc: doc.to_owned(),
        http,
        path,
        args,
        input,
        filters,
        filter_type: value["filter_type"].as_str().map(str::to_owned),
        answer,
        secret: value["secret"].as_str().map(str::to_owned),
        ids: BTreeMap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENAPI_TEXT: &str = r##"{
      "paths": {
        "/v3/things": {
          "get": {
            "parameters": [
              {"name": "limit", "in": "query", "schema": {"type": "integer"}},
              {"name": "status", "in": "query", "schema": {"type": "string"}},
              {"name": "owner_id", "in": "query", "schema": {"type": "string"}}
            ],
            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/List_Thing"}}}}}
          },
          "post": {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateThing"}}}},
            "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
          }
        },
        "/v3/things/{id}": {
          "put": {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdateThing"}}}},
            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
          },
          "delete": {"responses": {"204": {"description": "gone"}}}
        }
      },
      "components": {"schemas": {
        "CreateThing": {"required": ["name"], "properties": {
          "name": {"type": "string"},
          "tags": {"type": "array", "items": {"type": "string"}},
          "size": {"oneOf": [{"$ref": "#/components/schemas/SizeView"}, {"type": "null"}]}
        }},
        "UpdateThing": {"properties": {
          "status": {"type": "string", "enum": ["on", "off"]},
          "until": {"type": ["string", "null"], "format": "date-time"}
        }}
      }}
    }"##;

    const DESCRIPTION_TEXT: &str = r#"{
      "types": {"ThingStatus": ["off", "on"]},
      "schemas": {"SizeView": "Size"},
      "resources": {
        "things": {
          "$doc": "Things.",
          "$path": {"id": "thing_id"},
          "list": {"http": "GET /v3/things (lazily)", "doc": "Every thing.", "status": "ThingStatus"},
          "create": {"http": "POST /v3/things", "doc": "Makes one.", "fields": ["name", "tags", "size"], "secret": "key"},
          "update": {"http": "PUT /v3/things/{id}", "doc": "Changes one.", "fields": ["until", "status"], "clearable": ["until"]},
          "delete": {"http": "DELETE /v3/things/{id}", "doc": "Deletes one."}
        }
      }
    }"#;

    #[test]
    fn resources_and_operations_keep_their_written_order() {
        let order: WrittenOrder = serde_json::from_str(
            r#"{"resources": {"b": {"z": 1, "a": [{"q": "x:"}], "m": "\\\"}"}, "a": {}},
                "types": {"y": [], "x": []}}"#,
        )
        .expect("a description");
        assert_eq!(order.resources.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(
            order.resources["b"].keys().collect::<Vec<_>>(),
            ["z", "a", "m"]
        );
        assert_eq!(order.types.keys().collect::<Vec<_>>(), ["y", "x"]);
        assert!(order.schemas.is_empty());
    }

    #[test]
    fn types_come_from_the_server_and_order_from_the_description() {
        let signatures = read(DESCRIPTION_TEXT, OPENAPI_TEXT).unwrap();
        let things = &signatures.resources[0];
        let names: Vec<&str> = things.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["list", "create", "update", "delete"]);
        let list = &things.operations[0];
        assert_eq!(list.answer, Answer::Lazy(Type::Named("Thing".into())));
        let filters: Vec<(&str, &Type)> = list
            .filters
            .iter()
            .map(|f| (f.name.as_str(), &f.ty))
            .collect();
        assert_eq!(
            filters,
            [
                ("owner_id", &Type::String),
                ("status", &Type::Named("ThingStatus".into()))
            ]
        );
        let create = things.operations[1].input.as_ref().unwrap();
        assert!(!create.partial);
        assert_eq!(create.name, "input");
        assert!(create.fields[0].required && !create.fields[1].required);
        assert_eq!(create.fields[1].ty, Type::Strings);
        assert_eq!(create.fields[2].ty, Type::Named("Size".into()));
        assert!(create.fields[2].nullable);
        let update = &things.operations[2];
        assert_eq!(update.path, ["thing_id"]);
        let input = update.input.as_ref().unwrap();
        assert!(input.partial && input.fields[0].clearable && !input.fields[1].clearable);
        assert_eq!(input.fields[0].ty, Type::Instant);
        assert_eq!(input.fields[1].ty, Type::Named("ThingStatus".into()));
        assert_eq!(things.operations[3].answer, Answer::Nothing);
    }

    #[test]
    fn a_nullable_references_description_is_its_alternatives() {
        let own = serde_json::json!({"type": "string", "description": "Own."});
        assert_eq!(description(&own), "Own.");
        let nullable = serde_json::json!({"oneOf": [
            {"$ref": "#/components/schemas/LimitsView", "description": "Limits."},
            {"type": "null"}
        ]});
        assert_eq!(description(&nullable), "Limits.");
        assert_eq!(description(&serde_json::json!({"type": "integer"})), "");
    }

    #[test]
    fn a_doc_in_one_languages_syntax_is_refused() {
        let python = DESCRIPTION_TEXT.replace(
            "Every thing.",
            r#"Every thing (off ones only with `status=\"off\"`)."#,
        );
        let error = read(&python, OPENAPI_TEXT).unwrap_err().to_string();
        assert!(
            error.contains("resources.things.list.doc") && error.contains("`status=\"off\"`"),
            "{error}"
        );
        let resource = DESCRIPTION_TEXT.replace("Things.", "Things (`None` when absent).");
        let error = read(&resource, OPENAPI_TEXT).unwrap_err().to_string();
        assert!(
            error.contains("resources.things.$doc") && error.contains("`None`"),
            "{error}"
        );
        for doc in [
            "Only with status=\"off\".",
            "Removed with `until = null`.",
            "Set `flag` to `True`.",
            "Swift's `x ?? nil`.",
            "An unclosed `span.",
        ] {
            assert!(check_neutral(doc, "d").is_err(), "{doc} passed");
        }
        for doc in [
            "Off ones only when the `status` filter is `off`.",
            "A `ConflictError` naming each failing `ids[i]`.",
            "Header `kid` = its id; `a == b`, `a <= b`, `a => b`.",
            "None of them; True to form; `nullable_field`, `nil_count`.",
        ] {
            check_neutral(doc, "d").unwrap();
        }
    }

    #[test]
    fn the_clients_calls_are_signatures_and_a_local_one_is_left_to_the_bindings() {
        let openapi = OPENAPI_TEXT.replace(
            r#""/v3/things": {"#,
            r##""/v3/check": {
              "post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateThing"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdateThing"}}}}}
              }
            },
            "/v3/things": {"##,
        );
        let description = DESCRIPTION_TEXT.replace(
            r#""resources": {"#,
            r#""client": {
              "$comment": "ignored",
              "check": {"http": "POST /v3/check", "doc": "Checks.", "args": ["name"], "credentials": ["name"], "uniffi_field": "status"},
              "document": {"http": "GET /document.json", "doc": "The document.", "answer": "Json"},
              "close": "local: no request"
            },
            "resources": {"#,
        );
        let signatures = read(&description, &openapi).unwrap();
        let names: Vec<&str> = signatures
            .client
            .iter()
            .map(|call| call.operation.name.as_str())
            .collect();
        assert_eq!(names, ["check", "document"]);
        let check = &signatures.client[0];
        assert_eq!(check.operation.http, "POST /v3/check");
        assert_eq!(check.operation.args[0].name, "name");
        assert_eq!(
            check.operation.answer,
            Answer::One(Type::Named("UpdateThing".into()))
        );
        assert_eq!(check.credentials, ["name"]);
        assert_eq!(check.uniffi_field.as_deref(), Some("status"));
        let document = &signatures.client[1].operation;
        assert_eq!(document.answer, Answer::One(Type::Named("Json".into())));
        // A credential that is no argument, and a field that is not text.
        let stray =
            description.replace(r#""credentials": ["name"]"#, r#""credentials": ["token"]"#);
        let error = read(&stray, &openapi).unwrap_err().to_string();
        assert!(error.contains("not one of its `args`"), "{error}");
        let until =
            description.replace(r#""uniffi_field": "status""#, r#""uniffi_field": "until""#);
        let error = read(&until, &openapi).unwrap_err().to_string();
        assert!(error.contains("is not text"), "{error}");
    }

    #[test]
    fn an_enum_without_a_name_and_an_unknown_field_are_refused() {
        let unnamed = DESCRIPTION_TEXT.replace(r#""ThingStatus": ["off", "on"]"#, r#""X": ["a"]"#);
        let error = read(&unnamed, OPENAPI_TEXT).unwrap_err().to_string();
        assert!(error.contains("has no name"), "{error}");
        let unknown = DESCRIPTION_TEXT.replace(r#"["name", "tags", "size"]"#, r#"["colour"]"#);
        let error = read(&unknown, OPENAPI_TEXT).unwrap_err().to_string();
        assert!(error.contains("no field `colour`"), "{error}");
    }
}
