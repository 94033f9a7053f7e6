//! The models of the answers, read once for every SDK: each schema of the
//! server's OpenAPI document (`spec/openapi.json`) that an operation or a
//! client call answers, and each schema those name, as a language-neutral
//! [`Model`] in the terms of the signatures ([`Type`], a field's name,
//! optionality and documentation). The per-language emitters
//! (`python_models.rs`, `node_models.rs`) write the SDKs' declarations and
//! the conversions from the client's model structs from these.
//!
//! The schema says the fields, in its order (utoipa's `preserve_order`),
//! their types, whether each is required or nullable, its documentation and
//! the `allOf` base. The description (`spec/sdk.json`) says what a schema
//! cannot: which field holds a one-time secret (an operation's `secret`),
//! and in its `models` section the rest (see its `$comment`). An enum is
//! matched to the description's value set with the same values, and an
//! untyped field (a bare `object`) must be named there: codegen fails rather
//! than guess.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::sdk_surface::DESCRIPTION;
use super::signatures::{self, Answer, OPENAPI, OpenApi, Type};

/// The API's type tag: a constant of each model, left out of the SDKs.
const TYPE_TAG: &str = "object";

/// A field's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelType {
    /// A type of the signatures: a scalar, a value set, a model, or a named
    /// special (`Jwk`, `Changes`).
    Plain(Type),
    /// One of these texts (a value set without a name, written in place).
    Values(Vec<String>),
    /// A list of this model.
    Models(String),
}

/// One field of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelField {
    /// As on the wire (snake_case).
    pub wire: String,
    /// The SDKs' name (snake_case; Node camel-cases it).
    pub name: String,
    /// The client model's field (or, for a secret, its accessor method).
    pub rust: String,
    pub ty: ModelType,
    /// The schema allows `null` or does not require it.
    pub optional: bool,
    /// A one-time secret: never in a repr, never enumerable.
    pub secret: bool,
    /// The value it takes when left out, where it has one.
    pub default: Option<Value>,
    /// The server's description of it (empty when it gives none).
    pub doc: String,
}

/// One model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The SDKs' name (`Limits` for the schema `LimitsView`).
    pub name: String,
    /// The server's description of it.
    pub doc: String,
    /// Every field, the base's first.
    pub fields: Vec<ModelField>,
    /// The schema's `allOf` base: the client model holds it flattened, in
    /// the field named after it (`access_key` for `AccessKey`).
    pub base: Option<String>,
    /// How many of `fields` come from `base`.
    pub base_fields: usize,
    /// The SDKs' parent class: `base`, or the description's `extends`.
    pub extends: Option<String>,
    /// How many of `fields` the parent class declares.
    pub inherited: usize,
    /// Its optional fields are left out when absent (RFC 7662's shape), and
    /// `null` by default.
    pub sparse: bool,
}

impl Model {
    /// The fields the model declares itself (beyond its parent class's).
    pub fn own_fields(&self) -> &[ModelField] {
        &self.fields[self.inherited..]
    }

    /// The fields beyond the schema base's (the client model's own fields).
    pub fn fields_beyond_base(&self) -> &[ModelField] {
        &self.fields[self.base_fields..]
    }
}

/// A named value set a model uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSet {
    pub name: String,
    pub values: Vec<String>,
    /// The description's `types.$docs` entry.
    pub doc: String,
}

/// Every model, each after its parent and the models its fields name, and
/// the value sets they use in the description's order.
#[derive(Debug, Clone)]
pub struct Models {
    pub models: Vec<Model>,
    pub value_sets: Vec<ValueSet>,
}

impl Models {
    /// The model named `name`.
    pub fn get(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|model| model.name == name)
    }

    /// Whether `name` is one of the value sets.
    pub fn is_value_set(&self, name: &str) -> bool {
        self.value_sets.iter().any(|set| set.name == name)
    }
}

/// What the description's `models` section says of one model.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// A schema that stays plain JSON, and why.
    json: Option<String>,
    extends: Option<String>,
    /// Its optional fields are left out when absent (and `null` by default).
    #[serde(default)]
    sparse: bool,
    #[serde(default)]
    defaults: BTreeMap<String, Value>,
    #[serde(default)]
    types: BTreeMap<String, TypeName>,
    #[serde(default)]
    names: BTreeMap<String, String>,
    #[serde(default)]
    rust: BTreeMap<String, String>,
}

/// A field's type as the description names it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TypeName {
    Named(String),
    Values(Vec<String>),
}

/// The parts of the description this module reads, in written order.
#[derive(Deserialize)]
struct Description {
    #[serde(default)]
    types: IndexMap<String, Value>,
    #[serde(default)]
    models: IndexMap<String, Value>,
}

/// A component schema, its properties in the document's order.
#[derive(Debug, Deserialize)]
struct Schema {
    #[serde(default)]
    description: String,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    properties: IndexMap<String, Value>,
    #[serde(default, rename = "allOf")]
    all_of: Vec<Schema>,
    #[serde(rename = "$ref")]
    reference: Option<String>,
}

#[derive(Deserialize)]
struct Document {
    components: Components,
}

#[derive(Deserialize)]
struct Components {
    schemas: IndexMap<String, Schema>,
}

/// Reads the models of the workspace at `root`.
pub fn load(root: &std::path::Path) -> Result<Models> {
    read(
        &super::sdk_surface::read(root, DESCRIPTION)?,
        &super::sdk_surface::read(root, OPENAPI)?,
    )
}

/// Reads the models from the description and the OpenAPI document (their
/// texts).
pub fn read(description: &str, openapi: &str) -> Result<Models> {
    let signatures = signatures::read(description, openapi)?;
    let source: Description = serde_json::from_str(description).context(DESCRIPTION)?;
    let document: Value = serde_json::from_str(openapi).context(OPENAPI)?;
    let schemas = serde_json::from_str::<Document>(openapi)
        .context(OPENAPI)?
        .components
        .schemas;
    let (types, renamed) = signatures::names(description)?;
    let openapi = OpenApi {
        document: &document,
        renamed,
        types: &types,
    };
    let mut entries = BTreeMap::new();
    for (name, value) in source.models.iter().filter(|(n, _)| !n.starts_with('$')) {
        let entry: Entry = serde_json::from_value(value.clone())
            .with_context(|| format!("{DESCRIPTION}: models.{name}"))?;
        entries.insert(name.clone(), entry);
    }
    let mut secrets: BTreeSet<(String, String)> = BTreeSet::new();
    let mut roots = Vec::new();
    for call in &signatures.client {
        let operation = &call.operation;
        if openapi.operation(&operation.http).is_err() {
            // A call the document does not list (`outside_openapi`: its
            // answer is plain JSON, no model).
            continue;
        }
        if let Answer::One(Type::Named(name)) = &operation.answer {
            roots.push(name.clone());
        }
    }
    for resource in &signatures.resources {
        for operation in &resource.operations {
            let answered = match &operation.answer {
                Answer::Nothing => continue,
                Answer::One(ty) | Answer::Lazy(ty) | Answer::Page(ty) => ty,
            };
            if let Type::Named(name) = answered {
                roots.push(name.clone());
                if let Some(secret) = &operation.secret {
                    secrets.insert((name.clone(), secret.clone()));
                }
            }
            if let Some(model) = operation.input.as_ref().and_then(|i| i.model.as_ref()) {
                roots.push(model.clone());
            }
        }
    }
    let schema_names: BTreeMap<String, String> = schemas
        .keys()
        .map(|schema| (openapi.model(schema), schema.clone()))
        .collect();
    let mut reader = Reader {
        openapi: &openapi,
        schemas: &schemas,
        schema_names: &schema_names,
        entries: &entries,
        secrets: &secrets,
        value_sets: &types,
        models: Vec::new(),
        visiting: BTreeSet::new(),
        used_sets: BTreeSet::new(),
    };
    for name in &roots {
        reader.visit(name)?;
    }
    let named: BTreeSet<&String> = reader.models.iter().map(|m| &m.name).collect();
    for name in entries.keys() {
        if !named.contains(name) && entries[name].json.is_none() {
            bail!("{DESCRIPTION}: models.{name} is no model any answer has");
        }
    }
    let docs = source.types.get("$docs");
    let value_sets = source
        .types
        .keys()
        .filter(|name| reader.used_sets.contains(*name))
        .map(|name| {
            let doc = docs
                .and_then(|docs| docs.get(name))
                .and_then(Value::as_str)
                .with_context(|| format!("{DESCRIPTION}: types.$docs has no `{name}`"))?;
            Ok(ValueSet {
                name: name.clone(),
                values: types[name].clone(),
                doc: doc.to_owned(),
            })
        })
        .collect::<Result<_>>()?;
    Ok(Models {
        models: reader.models,
        value_sets,
    })
}

/// The walk from the answers to every model they name.
struct Reader<'a> {
    openapi: &'a OpenApi<'a>,
    schemas: &'a IndexMap<String, Schema>,
    /// SDK name → schema name.
    schema_names: &'a BTreeMap<String, String>,
    entries: &'a BTreeMap<String, Entry>,
    /// (model, field) of each one-time secret.
    secrets: &'a BTreeSet<(String, String)>,
    value_sets: &'a BTreeMap<String, Vec<String>>,
    models: Vec<Model>,
    visiting: BTreeSet<String>,
    used_sets: BTreeSet<String>,
}

impl Reader<'_> {
    /// Whether `name` is a model (not a value set, a special or plain JSON).
    fn is_model(&self, name: &str) -> bool {
        self.schema_names.contains_key(name)
            && !self.value_sets.contains_key(name)
            && self.entries.get(name).is_none_or(|e| e.json.is_none())
    }

    /// Reads `name` and, first, every model it depends on.
    fn visit(&mut self, name: &str) -> Result<()> {
        if self.models.iter().any(|m| m.name == name) || !self.is_model(name) {
            return Ok(());
        }
        if !self.visiting.insert(name.to_owned()) {
            bail!("{OPENAPI}: the model {name} contains itself");
        }
        let mut model = self.model(name)?;
        for dependency in model.extends.iter().chain(&model.base) {
            self.visit(dependency)?;
        }
        for field in &model.fields {
            match &field.ty {
                ModelType::Plain(Type::Named(named)) | ModelType::Models(named) => {
                    self.visit(named)?;
                    if self.value_sets.contains_key(named) {
                        self.used_sets.insert(named.clone());
                    }
                }
                _ => {}
            }
        }
        if let Some(parent) = &model.extends {
            let parent = self
                .models
                .iter()
                .find(|m| &m.name == parent)
                .with_context(|| {
                    format!("{DESCRIPTION}: models.{name}.extends: {parent} is no model")
                })?;
            let names =
                |fields: &[ModelField]| fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
            let theirs = names(&parent.fields);
            if names(&model.fields[..theirs.len().min(model.fields.len())]) != theirs {
                bail!(
                    "{name} extends {}: its fields do not begin with the parent's ({})",
                    parent.name,
                    theirs.join(", ")
                );
            }
            model.inherited = theirs.len();
        }
        self.visiting.remove(name);
        self.models.push(model);
        Ok(())
    }

    fn model(&self, name: &str) -> Result<Model> {
        let schema_name = &self.schema_names[name];
        let schema = &self.schemas[schema_name];
        let entry = self.entries.get(name);
        let empty = Entry::default();
        let entry = entry.unwrap_or(&empty);
        let what = format!("{OPENAPI}: schema {schema_name}");
        let (base, own): (Option<String>, &Schema) = match schema.all_of.as_slice() {
            [] => (None, schema),
            [base, own] => {
                let reference = base
                    .reference
                    .as_deref()
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    .with_context(|| format!("{what}: its `allOf` does not begin with a `$ref`"))?;
                (Some(self.openapi.model(reference)), own)
            }
            _ => bail!("{what}: an `allOf` of other than a base and the fields it adds"),
        };
        let mut fields = Vec::new();
        if let Some(base) = &base {
            let base_schema = &self.schemas[&self.schema_names[base]];
            if !base_schema.all_of.is_empty() {
                bail!("{what}: its base {base} has a base itself");
            }
            let base_entry = self.entries.get(base).unwrap_or(&empty);
            fields.extend(self.fields(base, base_schema, base_entry, &what)?);
        }
        let base_fields = fields.len();
        fields.extend(self.fields(name, own, entry, &what)?);
        for (kind, names) in [
            ("defaults", entry.defaults.keys().collect::<Vec<_>>()),
            ("types", entry.types.keys().collect()),
            ("names", entry.names.keys().collect()),
            ("rust", entry.rust.keys().collect()),
        ] {
            for field in names {
                if !fields.iter().any(|f| &f.wire == field) {
                    bail!(
                        "{DESCRIPTION}: models.{name}.{kind} names `{field}`, which {schema_name} has not"
                    );
                }
            }
        }
        let mut defaulted = false;
        for field in &fields {
            if field.default.is_some() {
                defaulted = true;
            } else if defaulted {
                bail!(
                    "{DESCRIPTION}: models.{name}: `{}` has no default but follows a field that has one",
                    field.wire
                );
            }
        }
        let extends = entry.extends.clone().or_else(|| base.clone());
        // The parent's own count when it is not the base (set once it is read).
        let inherited = base_fields;
        Ok(Model {
            name: name.to_owned(),
            doc: one_line(&schema.description),
            fields,
            base,
            base_fields,
            extends,
            inherited,
            sparse: entry.sparse,
        })
    }

    /// The fields of one schema (without its `allOf` base).
    fn fields(
        &self,
        model: &str,
        schema: &Schema,
        entry: &Entry,
        what: &str,
    ) -> Result<Vec<ModelField>> {
        let mut fields = Vec::new();
        for (wire, property) in &schema.properties {
            if wire == TYPE_TAG && !entry.names.contains_key(wire) {
                continue;
            }
            let field_what = format!("{what}.{wire}");
            let (ty, nullable) = match entry.types.get(wire) {
                Some(TypeName::Named(named)) => {
                    (ModelType::Plain(Type::Named(named.clone())), false)
                }
                Some(TypeName::Values(values)) => (ModelType::Values(values.clone()), false),
                None => self.type_of(property, &field_what).with_context(|| {
                    format!("{field_what}: name its type in {DESCRIPTION}'s models.{model}.types")
                })?,
            };
            let doc = one_line(signatures::description(property));
            if doc.is_empty() {
                // Every SDK documents each field of its models with this text.
                bail!(
                    "{OPENAPI}: {field_what} has no description: document the server's field \
                     (its doc comment, or the description its `schema_with` function gives)"
                );
            }
            let optional = nullable || !schema.required.contains(wire);
            let default = (entry.defaults.get(wire).cloned())
                .or_else(|| property.get("default").cloned())
                .or_else(|| (entry.sparse && optional).then_some(Value::Null));
            fields.push(ModelField {
                wire: wire.clone(),
                name: entry
                    .names
                    .get(wire)
                    .cloned()
                    .unwrap_or_else(|| wire.clone()),
                rust: entry
                    .rust
                    .get(wire)
                    .cloned()
                    .unwrap_or_else(|| wire.clone()),
                ty,
                optional,
                secret: self.secrets.contains(&(model.to_owned(), wire.clone())),
                default,
                doc,
            });
        }
        Ok(fields)
    }

    /// The type of a property: the signatures' types, and lists of models.
    fn type_of(&self, property: &Value, what: &str) -> Result<(ModelType, bool)> {
        if property["type"] == "array"
            && let Some(item) = OpenApi::reference(&property["items"])
        {
            return Ok((ModelType::Models(self.openapi.model(item)), false));
        }
        let (ty, nullable) = self.openapi.type_of(property, what)?;
        if let Type::Named(name) = &ty
            && !self.schema_names.contains_key(name)
            && !self.value_sets.contains_key(name)
        {
            bail!("{what}: {name} is neither a schema nor a value set");
        }
        Ok((ModelType::Plain(ty), nullable))
    }
}

/// `text` with its line breaks (the server's doc comments wrap) as spaces:
/// each SDK fills its comments to its own width.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// snake_case of a model's name (`AccessKey` → `access_key`): the client
/// model's field that holds its flattened base.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENAPI_TEXT: &str = r##"{
      "paths": {
        "/v3/things": {
          "get": {
            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/List_Thing"}}}}}
          },
          "post": {
            "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreatedThing"}}}}}
          }
        },
        "/v3/me": {
          "get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}}}}
        }
      },
      "components": {"schemas": {
        "Thing": {"description": "A thing.", "required": ["object", "id", "status", "size", "parts"], "properties": {
          "object": {"type": "string"},
          "id": {"type": "string", "description": "Its `id`."},
          "status": {"type": "string", "enum": ["on", "off"], "description": "Its status."},
          "until": {"type": ["string", "null"], "format": "date-time", "description": "Until when."},
          "size": {"$ref": "#/components/schemas/SizeView", "description": "Its size."},
          "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}, "description": "Its parts."},
          "extra": {"type": "object", "description": "More."}
        }},
        "CreatedThing": {"description": "A new thing.", "allOf": [
          {"$ref": "#/components/schemas/Thing"},
          {"type": "object", "required": ["key"], "properties": {"key": {"type": "string", "description": "Its key."}}}
        ]},
        "SizeView": {"description": "A size.", "required": ["width"], "properties": {"width": {"type": "integer", "description": "Width."}}},
        "Part": {"description": "A part.", "required": ["type"], "properties": {"type": {"type": "string", "description": "Kind."}}},
        "Me": {"description": "Me.", "required": ["name"], "properties": {"name": {"type": "string", "description": "Name."}}},
        "List_Thing": {"properties": {}}
      }}
    }"##;

    const DESCRIPTION_TEXT: &str = r#"{
      "client": {"me": {"http": "GET /v3/me", "doc": "Who calls."}, "close": "local: ends it"},
      "types": {"ThingStatus": ["off", "on"], "Unused": ["x"], "$docs": {"ThingStatus": "A thing's status."}},
      "schemas": {"SizeView": "Size"},
      "models": {
        "Thing": {"types": {"extra": "Json"}},
        "Me": {"defaults": {"name": "me"}},
        "Part": {"rust": {"type": "kind"}}
      },
      "resources": {
        "things": {
          "$doc": "Things.",
          "list": {"http": "GET /v3/things (lazily)", "doc": "Every thing."},
          "create": {"http": "POST /v3/things", "doc": "Makes one.", "secret": "key"}
        }
      }
    }"#;

    #[test]
    fn models_come_from_the_answers_schemas_dependencies_first() {
        let models = read(DESCRIPTION_TEXT, OPENAPI_TEXT).unwrap();
        let names: Vec<&str> = models.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Me", "Size", "Part", "Thing", "CreatedThing"]);
        let thing = models.get("Thing").unwrap();
        assert_eq!(thing.doc, "A thing.");
        let fields: Vec<&str> = thing.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            fields,
            ["id", "status", "until", "size", "parts", "extra"],
            "the type tag is left out"
        );
        assert_eq!(thing.fields[0].doc, "Its `id`.");
        assert_eq!(
            thing.fields[1].ty,
            ModelType::Plain(Type::Named("ThingStatus".into()))
        );
        assert!(thing.fields[2].optional && !thing.fields[1].optional);
        assert_eq!(thing.fields[2].ty, ModelType::Plain(Type::Instant));
        assert_eq!(
            thing.fields[3].ty,
            ModelType::Plain(Type::Named("Size".into()))
        );
        assert_eq!(thing.fields[4].ty, ModelType::Models("Part".into()));
        assert_eq!(thing.fields[5].default, None);
        let me = &models.get("Me").unwrap().fields[0];
        assert_eq!(me.default, Some(Value::String("me".into())));
        let created = models.get("CreatedThing").unwrap();
        assert_eq!(created.base.as_deref(), Some("Thing"));
        assert_eq!(created.extends.as_deref(), Some("Thing"));
        assert_eq!((created.base_fields, created.inherited), (6, 6));
        let key = &created.own_fields()[0];
        assert!(
            key.secret && !thing.fields[0].secret,
            "the operation's secret"
        );
        assert_eq!(models.get("Part").unwrap().fields[0].rust, "kind");
        let sets: Vec<&str> = models.value_sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(sets, ["ThingStatus"], "only the value sets a model uses");
    }

    #[test]
    fn what_the_description_cannot_type_fails_naming_the_field() {
        let untyped = DESCRIPTION_TEXT.replace(r#""types": {"extra": "Json"}"#, "");
        let error = format!("{:#}", read(&untyped, OPENAPI_TEXT).unwrap_err());
        assert!(error.contains("schema Thing.extra"), "{error}");
        assert!(error.contains("models.Thing.types"), "{error}");
        let unnamed = DESCRIPTION_TEXT.replace(r#""ThingStatus": ["off", "on"], "#, "");
        let error = format!("{:#}", read(&unnamed, OPENAPI_TEXT).unwrap_err());
        assert!(error.contains("has no name"), "{error}");
        let unknown = DESCRIPTION_TEXT.replace(r#"{"type": "kind"}"#, r#"{"kind": "type"}"#);
        let error = format!("{:#}", read(&unknown, OPENAPI_TEXT).unwrap_err());
        assert!(
            error.contains("names `kind`, which Part has not"),
            "{error}"
        );
    }

    #[test]
    fn an_undocumented_field_is_refused_naming_it() {
        let undocumented = OPENAPI_TEXT.replace(r#", "description": "Width.""#, "");
        let error = format!("{:#}", read(DESCRIPTION_TEXT, &undocumented).unwrap_err());
        assert!(
            error.contains("SizeView.width has no description"),
            "{error}"
        );
    }

    #[test]
    fn a_parent_class_must_begin_the_models_fields() {
        let wrong = DESCRIPTION_TEXT.replace(
            r#""Part": {"rust""#,
            r#""CreatedThing": {"extends": "Size"}, "Part": {"rust""#,
        );
        let error = format!("{:#}", read(&wrong, OPENAPI_TEXT).unwrap_err());
        assert!(error.contains("CreatedThing extends Size"), "{error}");
        let defaults = DESCRIPTION_TEXT.replace(
            r#"{"types": {"extra": "Json"}}"#,
            r#"{"types": {"extra": "Json"}, "defaults": {"size": null}}"#,
        );
        let error = format!("{:#}", read(&defaults, OPENAPI_TEXT).unwrap_err());
        assert!(error.contains("`parts` has no default"), "{error}");
    }

    #[test]
    fn a_base_is_held_in_the_field_of_its_snake_case_name() {
        assert_eq!(snake("AccessKey"), "access_key");
        assert_eq!(snake("Account"), "account");
    }
}
