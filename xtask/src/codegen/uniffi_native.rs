//! uniffi's resources (`bindings/uniffi/src/resources/generated.rs`),
//! written from the signatures of `spec/sdk.json` ([`super::signatures`])
//! with the rules the pyo3 and napi generators share ([`super::native`]).
//! First the declarations, in the shapes of the macros of `resources.rs`: a
//! page record (`ApplicationPage`) for every item type listed, a pager
//! (`ApplicationPager`) for every one listed lazily, an object per resource
//! (`Applications`, `$doc` its documentation) and the client's accessor of
//! it (`client.applications()`), so that a new resource or list needs no
//! hand-written Kotlin, Swift or uniffi code. Then the methods:
//! one `#[uniffi::export]` block per resource, one method per operation,
//! each id parsed into the client's typed id before any request, then one
//! call of the Rust client, named by the crate's naming rule (a lazy list's
//! `pager` / `<x>_pager` is exported as such: Kotlin's `Flow` and Swift's
//! `AsyncSequence` are built on it, `Lists.kt`, `Lists.swift`).
//!
//! Kotlin and Swift name the arguments (Swift's labels are part of a call),
//! so the names are the ones these SDKs have always had, by rule: a path
//! argument naming the resource's own object is the URL's placeholder
//! (`applications.get(id)`, `accessKeys.get(applicationId, keyId)`), an `ids`
//! argument is named by what it lists (`keyIds`, `userIds`), and an input is
//! one record named after the resource (`application: NewApplication`) or
//! `update`/the description's `name` — when the binding declares that record
//! (`uniffi_inputs.rs` writes it and its conversion `input()` where the
//! client takes one struct); otherwise the fields are the call's own
//! arguments (`roll`). Answers that carry a secret are the
//! binding's objects (`Arc<CreatedAccessKey>`), converted with `From`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::Files;
use super::native::{ClientCrate, id_type, path_id_type, rustfmt, status_type, uses};
use super::node_resources::camel;
use super::python_resources::optional;
use super::signatures::{self, Answer, Field, Operation, Resource, Type, fill, map_code};

/// The generated module, relative to the root.
pub const GENERATED: &str = "bindings/uniffi/src/resources/generated.rs";
/// The binding's sources, relative to the root.
const SOURCES: &str = "bindings/uniffi/src";

/// What the binding declares, read from its source.
#[derive(Default)]
pub(super) struct Binding {
    /// `#[derive(uniffi::Object)]` structs → their module (`Jwks` → `keys`).
    objects: BTreeMap<String, String>,
    /// What `crate::models` names: its structs, re-exports and aliases
    /// (alias → aliased).
    pub(super) models: BTreeMap<String, String>,
    /// Records with an `input()` conversion → whether it can fail.
    inputs: BTreeMap<String, bool>,
}

impl Binding {
    /// The binding's declarations, read from its sources.
    pub(super) fn read(root: &Path) -> Result<Binding> {
        let mut binding = Binding::default();
        let dir = root.join(SOURCES);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| dir.display().to_string())?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        files.sort();
        for path in files {
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text =
                std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
            binding.read_file(&stem, &text);
        }
        // The input records and their conversions, which `uniffi_inputs.rs`
        // wrote (it runs first) into a module of `models`.
        let inputs = root.join(super::uniffi_inputs::GENERATED);
        let text =
            std::fs::read_to_string(&inputs).with_context(|| inputs.display().to_string())?;
        binding.read_file("models", &text);
        Ok(binding)
    }

    fn read_file(&mut self, stem: &str, text: &str) {
        let mut object = false;
        let mut impl_of: Option<String> = None;
        let mut reexport = false;
        for line in text.lines() {
            if line.starts_with("#[derive(") {
                object = line.contains("uniffi::Object");
            }
            if let Some(rest) = line.strip_prefix("pub struct ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if object {
                    self.objects.insert(name.clone(), stem.to_owned());
                }
                if stem == "models" {
                    self.models.insert(name.clone(), name);
                }
                object = false;
            }
            if stem == "models" {
                if let Some((alias, aliased)) = line
                    .strip_prefix("pub type ")
                    .and_then(|rest| rest.split_once(" = "))
                {
                    let aliased = aliased.trim_end_matches(';').trim();
                    self.models
                        .insert(alias.trim().to_owned(), aliased.to_owned());
                }
                if line.starts_with("pub use latchkey_client::models::{") {
                    reexport = true;
                }
                if reexport {
                    let names = line
                        .trim_start_matches("pub use latchkey_client::models::{")
                        .trim_end_matches("};");
                    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                        self.models.insert(name.to_owned(), name.to_owned());
                    }
                    reexport = !line.ends_with("};");
                }
            }
            if let Some(rest) = line.strip_prefix("impl ") {
                impl_of = rest.strip_suffix(" {").map(str::to_owned);
            }
            if let (Some(rest), Some(ty)) = (
                line.trim_start()
                    .strip_prefix("pub(crate) fn input(&self) -> "),
                &impl_of,
            ) {
                self.inputs.insert(ty.clone(), rest.starts_with("Result<"));
            }
        }
    }
}

/// The description's neutral `text` with its code spans as Kotlin and Swift
/// name them (`group_ids` → `groupIds`, `ConflictError` → `Conflict`).
pub(super) fn kotlin_text(text: &str, errors: &BTreeMap<String, String>) -> String {
    map_code(text, |code| {
        let code = match errors.get(code) {
            Some(kotlin) => kotlin.clone(),
            None if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') => camel(code),
            None => code.to_owned(),
        };
        format!("`{code}`")
    })
}

/// The API error classes of the workspace's description (see
/// [`error_names`]).
pub(super) fn load_error_names(root: &Path) -> Result<BTreeMap<String, String>> {
    let description: Value = serde_json::from_str(&super::sdk_surface::read(
        root,
        super::sdk_surface::DESCRIPTION,
    )?)
    .context(super::sdk_surface::DESCRIPTION)?;
    error_names(&description)
}

/// The API error classes of the description: Python's name (the one its
/// docs use) → Kotlin's and Swift's.
pub(super) fn error_names(description: &Value) -> Result<BTreeMap<String, String>> {
    Ok(description["api_errors"]
        .as_object()
        .context("spec/sdk.json has no api_errors")?
        .values()
        .filter_map(|names| {
            Some((
                names["python"].as_str()?.to_owned(),
                names["kotlin"].as_str()?.to_owned(),
            ))
        })
        .collect())
}

/// `text` as `///` lines of at most 100 columns once indented in a block,
/// its code spans as Kotlin and Swift name them ([`kotlin_text`]).
pub(super) fn doc(text: &str, errors: &BTreeMap<String, String>) -> String {
    fill(&kotlin_text(text, errors), 92, 0)
        .iter()
        .map(|line| format!("/// {line}\n"))
        .collect()
}

/// The last word of a snake_case name, without a plural `s`
/// (`access_keys` → `key`, `policy_group` → `group`).
fn last_word(name: &str) -> &str {
    let word = name.rsplit('_').next().unwrap_or(name);
    word.strip_suffix('s').unwrap_or(word)
}

/// `audit_log` → `AuditLog`.
fn pascal(name: &str) -> String {
    let camel = camel(name);
    let mut chars = camel.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => camel,
    }
}

/// The placeholders of an HTTP call's path, in order (`{id}`, `{key_id}`).
fn placeholders(http: &str) -> Vec<String> {
    http.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect()
}

/// One parameter of a generated method.
struct Parameter {
    name: String,
    ty: String,
}

/// The generated module's text, before rustfmt.
struct Writer<'a> {
    client: &'a ClientCrate,
    binding: &'a Binding,
    errors: &'a BTreeMap<String, String>,
    imports: BTreeSet<String>,
    out: String,
}

impl Writer<'_> {
    /// The parameter and statement of a positional argument.
    fn argument(
        &mut self,
        field: &Field,
        optional: bool,
        operation: &Operation,
        what: &str,
    ) -> Result<(Parameter, Option<String>, String)> {
        let kind = operation.ids.get(&field.name);
        let wrap = |ty: &str| {
            if optional {
                format!("Option<{ty}>")
            } else {
                ty.to_owned()
            }
        };
        Ok(match (&field.ty, kind) {
            (Type::Strings, Some(kind)) => {
                let name = if field.name == "ids" {
                    format!("{}_ids", last_word(kind))
                } else {
                    field.name.clone()
                };
                if optional {
                    bail!("{what}: an optional list of ids");
                }
                let ty = id_type(kind);
                self.imports.insert(format!("latchkey_client::id::{ty}"));
                let statement = format!(
                    "let {name}: Vec<{ty}> = convert::ids(\"{}\", &{name})?;",
                    camel(&name)
                );
                let passed = format!("&{name}");
                (
                    Parameter {
                        name,
                        ty: "Vec<String>".into(),
                    },
                    Some(statement),
                    passed,
                )
            }
            (Type::String, Some(kind)) => {
                let name = field.name.clone();
                let ty = id_type(kind);
                self.imports.insert(format!("latchkey_client::id::{ty}"));
                let error = camel(&name);
                let statement = if optional {
                    format!(
                        "let {name}: Option<{ty}> = convert::optional_id(\"{error}\", {name}.as_ref())?;"
                    )
                } else {
                    format!("let {name}: {ty} = convert::id(\"{error}\", &{name})?;")
                };
                let parameter = Parameter {
                    name: name.clone(),
                    ty: wrap("String"),
                };
                (parameter, Some(statement), name)
            }
            (Type::String, None) => {
                let passed = if optional {
                    format!("{}.as_deref()", field.name)
                } else {
                    format!("&{}", field.name)
                };
                (
                    Parameter {
                        name: field.name.clone(),
                        ty: wrap("String"),
                    },
                    None,
                    passed,
                )
            }
            (Type::Integer, None) => (
                Parameter {
                    name: field.name.clone(),
                    ty: wrap("u32"),
                },
                None,
                field.name.clone(),
            ),
            (Type::Boolean, None) => (
                Parameter {
                    name: field.name.clone(),
                    ty: wrap("bool"),
                },
                None,
                field.name.clone(),
            ),
            (Type::Named(named), None) if self.client.structs.contains_key(named) => bail!(
                "{what}: `{}` is a {named}; take it in a record of the binding (models.rs)",
                field.name
            ),
            // A value set: the client's enum (uniffi exports it).
            (Type::Named(named), None) => {
                let ty = status_type(named).to_owned();
                self.imports.insert(format!("latchkey_client::types::{ty}"));
                (
                    Parameter {
                        name: field.name.clone(),
                        ty: wrap(&ty),
                    },
                    None,
                    field.name.clone(),
                )
            }
            (ty, _) => bail!(
                "{what}: `{}` is a {ty:?}, which uniffi's methods take only in a record",
                field.name
            ),
        })
    }

    /// The binding's record `ty` (or its alias) with an `input()`
    /// conversion, and whether that can fail.
    fn record(&self, ty: &str) -> Option<bool> {
        let aliased = self.binding.models.get(ty)?;
        self.binding.inputs.get(aliased).copied()
    }

    fn method(&mut self, resource: &Resource, operation: &Operation) -> Result<()> {
        let what = format!("{}.{}", resource.name, operation.name);
        let lazy = matches!(operation.answer, Answer::Lazy(_));
        let mut parameters: Vec<Parameter> = Vec::new();
        let mut statements = Vec::new();
        let mut passed = Vec::new();
        let places = placeholders(&operation.http);
        if places.len() != operation.path.len() {
            bail!(
                "{what}: `{}` has the placeholders {places:?}, the description the path arguments {:?}",
                operation.http,
                operation.path
            );
        }
        for (name, place) in operation.path.iter().zip(&places) {
            let ty = path_id_type(operation, name, &what)?;
            self.imports.insert(format!("latchkey_client::id::{ty}"));
            // The resource's own object is named as in its URL (`id`).
            let own = format!("{}s", operation.ids[name]) == resource.name;
            let parameter = if own { place.clone() } else { name.clone() };
            statements.push(format!(
                "let {parameter}: {ty} = convert::id(\"{}\", &{parameter})?;",
                camel(name)
            ));
            passed.push(parameter.clone());
            parameters.push(Parameter {
                name: parameter,
                ty: "String".into(),
            });
        }
        for field in &operation.args {
            let (parameter, statement, given) = self.argument(field, false, operation, &what)?;
            parameters.push(parameter);
            statements.extend(statement);
            passed.push(given);
        }
        if operation.is_list() {
            let mut status = None;
            for field in &operation.filters {
                if field.name == "status" {
                    status = Some(&field.ty);
                    continue;
                }
                if operation.filter_type.is_some() {
                    continue;
                }
                let (parameter, statement, given) = self.argument(field, true, operation, &what)?;
                parameters.push(parameter);
                statements.extend(statement);
                passed.push(given);
            }
            if let Some(ty) = status {
                let Type::Named(ty) = ty else {
                    bail!("{what}: the status filter has no named type");
                };
                let ty = status_type(ty);
                self.imports.insert(format!("latchkey_client::types::{ty}"));
                parameters.push(Parameter {
                    name: "status".into(),
                    ty: format!("Option<{ty}>"),
                });
            }
            self.imports.insert("crate::models::ListOptions".into());
            parameters.push(Parameter {
                name: "options".into(),
                ty: "Option<ListOptions>".into(),
            });
            passed.push(if status.is_some() {
                "&params(options, status)".to_owned()
            } else {
                "&plain(options)".to_owned()
            });
            if let Some(ty) = &operation.filter_type {
                let fallible = self.record(ty).with_context(|| {
                    format!("{what}: the binding declares no record `{ty}` with `input()`")
                })?;
                self.imports.insert(format!("crate::models::{ty}"));
                parameters.insert(
                    parameters.len() - 1 - usize::from(status.is_some()),
                    Parameter {
                        name: "filter".into(),
                        ty: format!("Option<{ty}>"),
                    },
                );
                let question = if fallible { "?" } else { "" };
                statements.push(format!(
                    "let filter = filter.unwrap_or_default().input(){question};"
                ));
                passed.push("&filter".to_owned());
            }
        }
        if let Some(input) = &operation.input {
            let ty = input.model.as_ref().or(input.type_name.as_ref());
            let name = if input.name == "input" {
                last_word(&resource.name).to_owned()
            } else {
                input.name.clone()
            };
            match ty {
                Some(ty) if self.record(ty).is_some() => {
                    let question = if self.record(ty) == Some(true) {
                        "?"
                    } else {
                        ""
                    };
                    self.imports.insert(format!("crate::models::{ty}"));
                    statements.push(format!("let {name} = {name}.input(){question};"));
                    passed.push(format!("&{name}"));
                    parameters.push(Parameter {
                        name,
                        ty: ty.clone(),
                    });
                }
                // The client's own model, exported as it is (`KeyPolicy`).
                Some(ty) if input.model.is_some() && self.client.structs.contains_key(ty) => {
                    self.imports
                        .insert(format!("latchkey_client::models::{ty}"));
                    passed.push(format!("&{name}"));
                    parameters.push(Parameter {
                        name,
                        ty: ty.clone(),
                    });
                }
                _ => {
                    for field in &input.fields {
                        let optional = optional(field, input.partial);
                        let (parameter, statement, given) =
                            self.argument(field, optional, operation, &what)?;
                        parameters.push(parameter);
                        statements.extend(statement);
                        passed.push(given);
                    }
                }
            }
        }
        let method = self.client.call(&resource.name, operation)?;
        let (returns, answer) = self.answer(&operation.answer, &what)?;
        // Trailing optional arguments may be left out.
        let defaults: Vec<String> = parameters
            .iter()
            .rev()
            .take_while(|p| p.ty.starts_with("Option<"))
            .map(|p| format!("{} = None", p.name))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let text = if lazy {
            let list = camel(&operation.name);
            format!(
                "{} Kotlin's and Swift's `{list}` read this pager.",
                operation.doc
            )
        } else {
            operation.doc.clone()
        };
        self.out.push_str(&doc(&text, self.errors));
        if !defaults.is_empty() {
            self.out.push_str(&format!(
                "#[uniffi::method(default({}))]\n",
                defaults.join(", ")
            ));
        }
        let list: Vec<String> = std::iter::once("&self".to_owned())
            .chain(parameters.iter().map(|p| format!("{}: {}", p.name, p.ty)))
            .collect();
        let asynchronous = if lazy { "" } else { "async " };
        self.out.push_str(&format!(
            "pub {asynchronous}fn {method}({}) -> Result<{returns}> {{\n",
            list.join(", ")
        ));
        for statement in statements {
            self.out.push_str(&statement);
            self.out.push('\n');
        }
        let call = self
            .client
            .call_expression(Some(&resource.name), operation, &passed)?;
        self.out.push_str("let client = self.client()?;\n");
        let value = if lazy { call } else { format!("{call}.await?") };
        let value = answer.replace("{}", &value);
        self.out.push_str(&format!("Ok({value})\n}}\n\n"));
        Ok(())
    }

    /// Every declaration of the resources, in the shapes of `resources.rs`'s
    /// macros: the page record of each item type listed (of `listPage` and
    /// of a pager's `nextPage()`), the pager of each listed lazily, each
    /// resource's object and the client's accessor of it
    /// (`client.applications()`), documented with the resource's `$doc`.
    fn declarations(&mut self, resources: &[Resource]) -> Result<()> {
        let mut pages = BTreeSet::new();
        let mut pagers = BTreeSet::new();
        for (resource, operation) in resources
            .iter()
            .flat_map(|resource| resource.operations.iter().map(move |o| (resource, o)))
        {
            let item = match &operation.answer {
                Answer::Lazy(Type::Named(item)) => {
                    pagers.insert(item.clone());
                    item
                }
                Answer::Page(Type::Named(item)) => item,
                _ => continue,
            };
            if !self.client.structs.contains_key(item) {
                bail!(
                    "{}.{}: lists `{item}`, which the client declares no struct of",
                    resource.name,
                    operation.name
                );
            }
            pages.insert(item.clone());
        }
        self.out.push_str(
            "// The page record of every item type listed, and the pager of every\n\
             // item type listed lazily.\n",
        );
        for item in &pages {
            self.invocation(
                "page",
                &format!("One page of a list of `{item}`, with the cursor of the next."),
                &format!("{item}Page of {item}"),
            );
        }
        for item in &pagers {
            self.invocation(
                "pager",
                &format!(
                    "The pages of a list of `{item}`, one request per `nextPage()`: Kotlin's \
                     `Flow` and Swift's `AsyncSequence` read it."
                ),
                &format!("{item}Pager of {item} as {item}Page"),
            );
        }
        self.out
            .push_str("\n// The resource objects, and the client's accessor of each.\n");
        for resource in resources {
            self.invocation("resource", &resource.doc, &pascal(&resource.name));
        }
        self.imports.insert("crate::client::LatchkeyClient".into());
        self.imports.insert("std::sync::Arc".into());
        self.out
            .push_str("\n#[uniffi::export]\nimpl LatchkeyClient {\n");
        for resource in resources {
            let object = pascal(&resource.name);
            self.out.push_str(&format!(
                "{}pub fn {}(&self) -> Arc<{object}> {{\nArc::new({object}::new(self.slot.clone()))\n}}\n\n",
                doc(&resource.doc, self.errors),
                resource.name,
            ));
        }
        self.out.push_str("}\n\n");
        Ok(())
    }

    /// An invocation of the macro `name` of `resources.rs`, documented with
    /// `text`, laid out as rustfmt would (it leaves macros' insides alone).
    fn invocation(&mut self, name: &str, text: &str, arguments: &str) {
        self.out.push_str(&format!("{name}!(\n"));
        for line in doc(text, self.errors).lines() {
            self.out.push_str(&format!("    {line}\n"));
        }
        self.out.push_str(&format!("    {arguments}\n);\n"));
    }

    /// The return type of an answer and how it is made from the client's
    /// (`{}` stands for that).
    fn answer(&mut self, answer: &Answer, what: &str) -> Result<(String, String)> {
        Ok(match answer {
            Answer::Nothing => ("()".into(), "{}".into()),
            // The pager and the page record are declared in this module
            // ([`Writer::declarations`]).
            Answer::Lazy(Type::Named(item)) => {
                let pager = format!("{item}Pager");
                self.imports.insert("std::sync::Arc".into());
                (format!("Arc<{pager}>"), format!("{pager}::wrap({{}})"))
            }
            Answer::Page(Type::Named(item)) => {
                let page = format!("{item}Page");
                let make = format!("{page}::from({{}})");
                (page, make)
            }
            Answer::One(Type::Named(model)) => {
                if let Some(module) = self.binding.objects.get(model) {
                    self.imports.insert("std::sync::Arc".into());
                    self.imports.insert(format!("crate::{module}::{model}"));
                    (
                        format!("Arc<{model}>"),
                        format!("Arc::new({model}::from({{}}))"),
                    )
                } else if self.binding.models.contains_key(model) {
                    self.imports.insert(format!("crate::models::{model}"));
                    (model.clone(), "{}".into())
                } else if self.client.structs.contains_key(model) {
                    self.imports
                        .insert(format!("latchkey_client::models::{model}"));
                    (model.clone(), "{}".into())
                } else {
                    bail!("{what}: neither the binding nor the client declares `{model}`")
                }
            }
            other => bail!("{what}: uniffi's methods cannot answer {other:?}"),
        })
    }
}

/// The generated module for `signatures`.
fn module(root: &Path, signatures: &signatures::Signatures) -> Result<String> {
    let client = ClientCrate::read(root)?;
    let binding = Binding::read(root)?;
    let errors = load_error_names(root)?;
    let mut writer = Writer {
        client: &client,
        binding: &binding,
        errors: &errors,
        imports: BTreeSet::new(),
        out: String::new(),
    };
    writer.declarations(&signatures.resources)?;
    for resource in &signatures.resources {
        let name = pascal(&resource.name);
        writer.out.push_str(&format!(
            "#[uniffi::export(async_runtime = \"tokio\")]\nimpl {name} {{\n"
        ));
        for operation in &resource.operations {
            writer.method(resource, operation)?;
        }
        writer.out.push_str("}\n\n");
    }
    let body = writer.out.clone();
    if body.contains("convert::") {
        writer.imports.insert("crate::convert".to_owned());
    }
    for (helper, path) in [("params", "super::params"), ("plain", "super::plain")] {
        if super::native::calls(&body, helper, "(") {
            writer.imports.insert(path.to_owned());
        }
    }
    writer.imports.insert("super::Result".to_owned());
    let imports = uses(&writer.imports);
    let source = format!(
        "//! Generated by `cargo xtask codegen` (xtask/src/codegen/uniffi_native.rs) from\n\
         //! spec/sdk.json and spec/openapi.json: do not edit; `cargo xtask check` fails\n\
         //! when it is stale. The resource objects, their pagers and page records,\n\
         //! the client's accessors, and the methods of the resource objects, one per\n\
         //! resource operation; Kotlin and Swift are generated from them by\n\
         //! uniffi-bindgen.\n\
         \n\
         {imports}\n\
         {body}"
    );
    rustfmt(root, &source)
}

/// Writes (or checks) the generated module.
pub fn generate(files: &mut Files) -> Result<()> {
    super::native::generate(files, GENERATED, module)
}

#[cfg(test)]
mod tests {
    use super::super::native::field;
    use super::super::signatures::Input;
    use super::*;

    /// An operation of `things` on `/v3/things/{id}` (a thing's own id).
    fn operation(name: &str, answer: Answer) -> Operation {
        Operation {
            name: name.into(),
            doc: "Does it.".into(),
            http: "POST /v3/things/{id}".into(),
            path: vec!["thing_id".into()],
            args: Vec::new(),
            input: None,
            filters: Vec::new(),
            filter_type: None,
            answer,
            secret: None,
            ids: [("thing_id".to_owned(), "thing".to_owned())].into(),
        }
    }

    fn write(binding: &Binding, operation: Operation) -> Result<String> {
        let client = ClientCrate {
            structs: [("Thing".to_owned(), (Vec::new(), false))].into(),
            methods: [(
                "things".to_owned(),
                ["create", "parts_pager", "tag"].map(str::to_owned).into(),
            )]
            .into(),
        };
        let errors = BTreeMap::new();
        let mut writer = Writer {
            client: &client,
            binding,
            errors: &errors,
            imports: BTreeSet::new(),
            out: String::new(),
        };
        let resource = Resource {
            name: "things".into(),
            doc: String::new(),
            operations: vec![operation],
        };
        writer.method(&resource, &resource.operations[0])?;
        Ok(writer.out)
    }

    #[test]
    fn arguments_keep_the_kotlin_and_swift_names() {
        let mut tag = operation("tag", Answer::Nothing);
        tag.args = vec![field("ids", Type::Strings, true)];
        tag.ids.insert("ids".into(), "access_key".into());
        let out = write(&Binding::default(), tag).unwrap();
        assert!(
            out.contains("pub async fn tag(&self, id: String, key_ids: Vec<String>)"),
            "{out}"
        );
        assert!(
            out.contains("let id: ThingId = convert::id(\"thingId\", &id)?;"),
            "{out}"
        );
        assert!(out.contains("convert::ids(\"keyIds\", &key_ids)?"), "{out}");
        assert!(
            out.contains("Ok(client.things().tag(id, &key_ids).await?)"),
            "{out}"
        );
        let mut list = operation("list_parts", Answer::Lazy(Type::Named("Part".into())));
        list.ids = [("thing_id".to_owned(), "owner".to_owned())].into();
        let out = write(&Binding::default(), list).unwrap();
        assert!(
            out.contains("#[uniffi::method(default(options = None))]"),
            "{out}"
        );
        assert!(
            out.contains("pub fn parts_pager(&self, thing_id: String"),
            "{out}"
        );
        assert!(
            out.contains("PartPager::wrap(client.things().parts_pager(thing_id, &plain(options)))"),
            "{out}"
        );
    }

    #[test]
    fn fields_are_the_bindings_record_else_the_calls_arguments() {
        let mut create = operation("create", Answer::One(Type::Named("Thing".into())));
        create.input = Some(Input {
            fields: vec![field("size", Type::Integer, true), {
                // Left out or `null`: the client's `None`.
                let mut name = field("name", Type::String, false);
                name.nullable = true;
                name
            }],
            partial: false,
            model: None,
            name: "input".into(),
            type_name: Some("NewThing".into()),
        });
        let out = write(&Binding::default(), create.clone()).unwrap();
        assert!(
            out.contains("id: String, size: u32, name: Option<String>"),
            "{out}"
        );
        assert!(
            out.contains("#[uniffi::method(default(name = None))]"),
            "{out}"
        );
        assert!(out.contains("create(id, size, name.as_deref())"), "{out}");
        let mut binding = Binding::default();
        binding.models.insert("NewThing".into(), "NewThing".into());
        binding.inputs.insert("NewThing".into(), true);
        binding.objects.insert("Thing".into(), "models".into());
        let out = write(&binding, create).unwrap();
        assert!(
            out.contains("id: String, thing: NewThing) -> Result<Arc<Thing>>"),
            "{out}"
        );
        assert!(out.contains("let thing = thing.input()?;"), "{out}");
        assert!(out.contains("Ok(Arc::new(Thing::from("), "{out}");
    }

    #[test]
    fn every_resource_and_listed_item_type_is_declared() {
        let client = ClientCrate {
            structs: [("Part".to_owned(), (Vec::new(), false))].into(),
            methods: BTreeMap::new(),
        };
        let errors = [("ConflictError".to_owned(), "Conflict".to_owned())].into();
        let binding = Binding::default();
        let mut writer = Writer {
            client: &client,
            binding: &binding,
            errors: &errors,
            imports: BTreeSet::new(),
            out: String::new(),
        };
        let list = operation("list_parts", Answer::Lazy(Type::Named("Part".into())));
        let page = operation("list_parts_page", Answer::Page(Type::Named("Part".into())));
        let resources = [Resource {
            name: "spare_parts".into(),
            doc: "Spare parts; a `ConflictError` when `part_id` is taken.".into(),
            operations: vec![list, page],
        }];
        writer.declarations(&resources).unwrap();
        let out = std::mem::take(&mut writer.out);
        assert_eq!(
            out.matches("page!(").count(),
            1,
            "one record per item: {out}"
        );
        assert!(out.contains("    PartPage of Part\n);"), "{out}");
        assert!(
            out.contains("    PartPager of Part as PartPage\n);"),
            "{out}"
        );
        assert!(
            out.contains(
                "resource!(\n    /// Spare parts; a `Conflict` when `partId` is taken.\n    SpareParts\n);"
            ),
            "the object, documented in Kotlin's names: {out}"
        );
        assert!(out.contains("impl LatchkeyClient {"), "{out}");
        assert!(
            out.contains(
                "pub fn spare_parts(&self) -> Arc<SpareParts> {\nArc::new(SpareParts::new(self.slot.clone()))"
            ),
            "{out}"
        );
        // A list of something the client does not declare fails by name.
        let unknown = Resource {
            name: "things".into(),
            doc: "Things.".into(),
            operations: vec![operation("list", Answer::Lazy(Type::Named("Gear".into())))],
        };
        let error = writer.declarations(&[unknown]).unwrap_err().to_string();
        assert!(error.contains("things.list: lists `Gear`"), "{error}");
    }

    #[test]
    fn names_follow_the_kotlin_and_swift_rules() {
        assert_eq!(last_word("access_keys"), "key");
        assert_eq!(last_word("policy_group"), "group");
        assert_eq!(last_word("application"), "application");
        assert_eq!(pascal("audit_log"), "AuditLog");
        assert_eq!(
            placeholders("PUT /v3/applications/{id}/access-keys/{key_id} {status}"),
            ["id", "key_id", "status"]
        );
    }

    #[test]
    fn the_binding_is_read_from_its_source() {
        let mut binding = Binding::default();
        binding.read_file(
            "models",
            "pub use latchkey_client::models::{\n    AccessKey, Account,\n};\n\
             #[derive(uniffi::Object)]\n#[uniffi::export(Display)]\npub struct Created {\n}\n\
             #[derive(uniffi::Record)]\npub struct NewThing {\n}\npub type NewAlias = NewThing;\n",
        );
        binding.read_file(
            "convert",
            "impl NewThing {\n    pub(crate) fn input(&self) -> Result<X, E> {\n    }\n}\n\
             impl Other {\n    pub(crate) fn input(&self) -> Y {\n    }\n}\n",
        );
        assert_eq!(binding.objects["Created"], "models");
        assert!(binding.models.contains_key("AccessKey") && binding.models.contains_key("Account"));
        assert_eq!(binding.models["NewAlias"], "NewThing");
        assert!(binding.inputs["NewThing"]);
        assert!(!binding.inputs["Other"]);
    }

    #[test]
    fn documentation_names_as_kotlin_does() {
        let errors = [("ConflictError".to_owned(), "Conflict".to_owned())].into();
        assert_eq!(
            doc(
                "A `ConflictError` naming `ids[i]` and `group_ids`.",
                &errors
            ),
            "/// A `Conflict` naming `ids[i]` and `groupIds`.\n"
        );
    }
}
