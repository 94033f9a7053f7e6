//! uniffi's input records (`bindings/uniffi/src/models/inputs.rs`): the
//! records Kotlin and Swift pass to a creation, an update or a list's
//! filters (`NewApplication`, `KeyUpdate`, `AuditLogFilter`), and each
//! one's conversion `input()` into the Rust client's input struct, written
//! from the signatures of `spec/sdk.json` ([`super::signatures`]).
//!
//! A record is declared where the client takes the operation's fields as
//! one struct (`create(application, &NewAccessKey)`), under that struct's
//! name (read from the client's source with `syn`), with the description's
//! fields in its order: their types, requiredness and documentation from
//! the request schema of `spec/openapi.json`. Where the client takes them
//! as arguments (`roll(…, grace_seconds, name)`) there is no record: the
//! method takes them (`uniffi_native.rs`); where the description names the
//! client's own model (`model`, `KeyPolicy`) that model is exported as it is.
//! Where the description's name differs (`NewAccount`), an alias keeps it
//! for `uniffi_native.rs`.
//!
//! A field is the Kotlin/Swift type of the description's type: required
//! ones have no default; an update's (PUT) are optional, defaulting to
//! "keep"; a creation's optional ones default to empty (text, lists, a
//! flag) or absent (anything the schema lets be `null`, or has no empty
//! value); a `clearable` instant is `ExpirationChange` (set or remove, since
//! Kotlin's `null` and Swift's `nil` mean "keep"); `PublicKey` is the
//! binding's `PublicKeyInput`.
//!
//! The conversion parses each id (the description's `ids`), instant and
//! clearable instant with `convert.rs`'s helpers, naming the field in
//! camelCase in an `InvalidArgument`. An input the client builds otherwise
//! than as a struct of exactly the description's fields keeps its
//! hand-written `impl <Record> { pub(crate) fn input(&self) … }` in
//! `convert.rs`, and only its record is generated here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use syn::{FnArg, ImplItem, Item, Type as RustType};

use super::Files;
use super::native::{CLIENT, CORE, ClientCrate, rust_files, rustfmt, status_type, uses};
use super::node_resources::camel;
use super::python_resources::optional;
use super::signatures::{self, Field, Type, fill};
use super::uniffi_native::kotlin_text;

/// The generated module, relative to the root.
pub const GENERATED: &str = "bindings/uniffi/src/models/inputs.rs";
/// The binding's hand-written conversions, relative to the root.
const CONVERT: &str = "bindings/uniffi/src/convert.rs";
/// The client's resource files, relative to the root.
const RESOURCES: &str = "crates/latchkey-client/src/resources";
/// The client's paging parameters, which every list takes beside its filters.
const LIST_PARAMS: &str = "ListParams";

/// One input record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    /// The client's struct's name, which the record takes.
    name: String,
    /// The description's name where it differs (`NewAccount`).
    alias: Option<String>,
    /// Its fields, in the description's order.
    fields: Vec<Field>,
    /// An update's (every field optional, left out keeps the value) or a
    /// list's filters.
    partial: bool,
    /// A list's filters, not an operation's input.
    filters: bool,
    /// The operations that take it, as Kotlin names them (`accessKeys.update`).
    used_by: Vec<String>,
    /// Which object each id field names (`created_by` → `user`).
    ids: BTreeMap<String, String>,
}

/// The types of the `&Struct` parameters of each method of the client's
/// resource files: `(resource, method)` → their last path segments.
fn struct_parameters(root: &Path) -> Result<BTreeMap<(String, String), Vec<String>>> {
    let dir = root.join(RESOURCES);
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let resource = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        let file = syn::parse_file(&text)
            .with_context(|| format!("{}: not Rust that syn parses", path.display()))?;
        for item in &file.items {
            let Item::Impl(block) = item else { continue };
            for member in &block.items {
                let ImplItem::Fn(method) = member else {
                    continue;
                };
                let types = method
                    .sig
                    .inputs
                    .iter()
                    .filter_map(|input| match input {
                        FnArg::Typed(typed) => match typed.ty.as_ref() {
                            RustType::Reference(reference) => match reference.elem.as_ref() {
                                RustType::Path(path) => {
                                    Some(path.path.segments.last()?.ident.to_string())
                                }
                                _ => None,
                            },
                            _ => None,
                        },
                        FnArg::Receiver(_) => None,
                    })
                    .collect();
                found.insert((resource.clone(), method.sig.ident.to_string()), types);
            }
        }
    }
    Ok(found)
}

/// The structs of `text` marked `#[non_exhaustive]`, which no other crate
/// can make with a struct literal.
fn non_exhaustive(text: &str, what: &str) -> Result<BTreeSet<String>> {
    let file = syn::parse_file(text).with_context(|| format!("{what}: not Rust syn parses"))?;
    Ok(file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item)
                if item
                    .attrs
                    .iter()
                    .any(|attr| attr.path().is_ident("non_exhaustive")) =>
            {
                Some(item.ident.to_string())
            }
            _ => None,
        })
        .collect())
}

/// The records whose `input()` `convert.rs` writes by hand.
fn hand_written(text: &str) -> Result<BTreeSet<String>> {
    let file = syn::parse_file(text).with_context(|| format!("{CONVERT}: not Rust syn parses"))?;
    let mut found = BTreeSet::new();
    for item in &file.items {
        let Item::Impl(block) = item else { continue };
        let RustType::Path(path) = block.self_ty.as_ref() else {
            continue;
        };
        let converts = block
            .items
            .iter()
            .any(|member| matches!(member, ImplItem::Fn(method) if method.sig.ident == "input"));
        if let (true, Some(segment)) = (converts, path.path.segments.last()) {
            found.insert(segment.ident.to_string());
        }
    }
    Ok(found)
}

/// Every input record of `signatures`, in the order first taken.
fn records(
    signatures: &signatures::Signatures,
    client: &ClientCrate,
    parameters: &BTreeMap<(String, String), Vec<String>>,
) -> Result<Vec<Record>> {
    let mut records: Vec<Record> = Vec::new();
    for resource in &signatures.resources {
        for operation in &resource.operations {
            let what = format!("{}.{}", resource.name, operation.name);
            let (fields, partial, filters, described) =
                match (&operation.input, &operation.filter_type) {
                    (Some(input), _) if input.model.is_none() => (
                        input.fields.clone(),
                        input.partial,
                        false,
                        input.type_name.clone(),
                    ),
                    (None, Some(ty)) if operation.is_list() => (
                        operation
                            .filters
                            .iter()
                            .filter(|field| field.name != "status")
                            .cloned()
                            .collect(),
                        true,
                        true,
                        Some(ty.clone()),
                    ),
                    _ => continue,
                };
            let method = client.call(&resource.name, operation)?;
            let structs: Vec<&String> = parameters
                .get(&(resource.name.clone(), method.clone()))
                .into_iter()
                .flatten()
                .filter(|ty| *ty != LIST_PARAMS && client.structs.contains_key(*ty))
                .collect();
            let name = match structs.as_slice() {
                // The client takes the fields as the call's arguments.
                [] if !filters => continue,
                [] => bail!("{what}: the client's `{method}` takes no struct of its filters"),
                [one] => (*one).clone(),
                many => bail!("{what}: the client's `{method}` takes several structs {many:?}"),
            };
            let mut ids = BTreeMap::new();
            for field in &fields {
                if let Some(kind) = operation.ids.get(&field.name) {
                    ids.insert(field.name.clone(), kind.clone());
                }
            }
            let used_by = format!("{}.{}", camel(&resource.name), camel(&operation.name));
            let record = Record {
                alias: described.filter(|described| *described != name),
                name,
                fields,
                partial,
                filters,
                used_by: vec![used_by.clone()],
                ids,
            };
            match records.iter_mut().find(|known| known.name == record.name) {
                Some(known) => {
                    let same =
                        |r: &Record| (r.alias.clone(), r.fields.clone(), r.partial, r.ids.clone());
                    if same(known) != same(&record) {
                        bail!(
                            "{what}: takes the client's `{}` as {} does, with other fields; \
                             the binding can declare only one record of that name",
                            record.name,
                            known.used_by[0]
                        );
                    }
                    known.used_by.push(used_by);
                }
                None => records.push(record),
            }
        }
    }
    Ok(records)
}

/// The Rust type of a record's field, and whether Kotlin and Swift may
/// leave it out (its default: absent, empty or `false`).
fn member(field: &Field, partial: bool, record: &str) -> Result<(String, bool)> {
    let base = match &field.ty {
        Type::String => "String".to_owned(),
        Type::Strings => "Vec<String>".to_owned(),
        Type::Integer => "u32".to_owned(),
        Type::Boolean => "bool".to_owned(),
        Type::Instant => "SystemTime".to_owned(),
        // PEM text or a JWK: the binding's enum of the two.
        Type::Named(named) if named == "PublicKey" => "PublicKeyInput".to_owned(),
        Type::Named(named) => status_type(named).to_owned(),
    };
    if field.clearable {
        if !partial || field.ty != Type::Instant {
            bail!(
                "{record}.{}: only an update's instant can be cleared in Kotlin and Swift \
                 (`ExpirationChange`)",
                field.name
            );
        }
        return Ok(("Option<ExpirationChange>".to_owned(), true));
    }
    Ok(if partial || optional(field, false) {
        (format!("Option<{base}>"), true)
    } else {
        (base, !field.required)
    })
}

/// The client's value of `field` of `self`, its Rust type `ty`.
fn value(field: &Field, ty: &str, kind: Option<&String>) -> Result<String> {
    let name = &field.name;
    let shown = camel(name);
    let option = ty.starts_with("Option<");
    Ok(match (&field.ty, kind) {
        _ if field.clearable => format!("convert::clearable_timestamp(\"{shown}\", self.{name})?"),
        (Type::String, Some(_)) if option => {
            format!("convert::optional_id(\"{shown}\", self.{name}.as_ref())?")
        }
        (Type::String, Some(_)) => format!("convert::id(\"{shown}\", &self.{name})?"),
        (Type::Strings, Some(_)) if option => {
            format!("convert::optional_ids(\"{shown}\", self.{name}.as_deref())?")
        }
        (Type::Strings, Some(_)) => format!("convert::ids(\"{shown}\", &self.{name})?"),
        (Type::Instant, None) if option => {
            format!("convert::optional_timestamp(\"{shown}\", self.{name})?")
        }
        (Type::Instant, None) => format!("convert::timestamp(\"{shown}\", self.{name})?"),
        (Type::String | Type::Strings, None) => format!("self.{name}.clone()"),
        (Type::Named(named), None) if named == "PublicKey" => format!("self.{name}.clone()"),
        (Type::Integer | Type::Boolean | Type::Named(_), None) => format!("self.{name}"),
        (ty, Some(kind)) => bail!("`{name}` names a {kind} but is a {ty:?}"),
    })
}

/// `text` as `///` lines of at most 100 columns at `indent`, its code
/// spans as Kotlin and Swift name them.
fn doc(text: &str, indent: usize, errors: &BTreeMap<String, String>) -> String {
    fill(&kotlin_text(text, errors), 96 - indent, 0)
        .iter()
        .map(|line| format!("{}/// {line}\n", " ".repeat(indent)))
        .collect()
}

/// The generated module's text, before rustfmt.
fn write(
    records: &[Record],
    client: &ClientCrate,
    hand_written: &BTreeSet<String>,
    sealed: &BTreeSet<String>,
    errors: &BTreeMap<String, String>,
) -> Result<String> {
    let mut imports = BTreeSet::new();
    let mut out = String::new();
    for record in records {
        let what = &record.name;
        let used_by: Vec<String> = record.used_by.iter().map(|u| format!("`{u}`")).collect();
        let mut text = if record.filters {
            format!(
                "The filters of {}; every one given must match.",
                used_by.join(" and ")
            )
        } else {
            format!("The input of {}.", used_by.join(" and "))
        };
        if record.partial && !record.filters {
            text.push_str(" Only what is given changes.");
        }
        out.push_str(&doc(&text, 0, errors));
        let mut members = Vec::new();
        for field in &record.fields {
            let (ty, defaulted) = member(field, record.partial, what)?;
            let field_doc = if field.clearable {
                format!(
                    "A new {0} (`Set`), or its removal (`Remove`); left out keeps the {0}.",
                    field.name.replace('_', " ")
                )
            } else if field.doc.is_empty() {
                format!("The request's `{}`.", field.name)
            } else if field.ty == Type::Instant {
                // The schema's words are the wire's (RFC 3339 text).
                format!("{} Here: Kotlin's `Instant`, Swift's `Date`.", field.doc)
            } else {
                field.doc.clone()
            };
            members.push((field, ty, defaulted, field_doc));
        }
        let derives = if members.iter().all(|(_, _, defaulted, _)| *defaulted) {
            "Debug, Clone, Default, PartialEq, Eq, uniffi::Record"
        } else {
            "Debug, Clone, PartialEq, Eq, uniffi::Record"
        };
        out.push_str(&format!("#[derive({derives})]\npub struct {what} {{\n"));
        for (field, ty, defaulted, field_doc) in &members {
            out.push_str(&doc(field_doc, 4, errors));
            if *defaulted {
                out.push_str("    #[uniffi(default)]\n");
            }
            out.push_str(&format!("    pub {}: {ty},\n", field.name));
            for used in ["SystemTime", "ExpirationChange", "PublicKeyInput"] {
                if ty.contains(used) {
                    imports.insert(match used {
                        "SystemTime" => "std::time::SystemTime".to_owned(),
                        other => format!("super::{other}"),
                    });
                }
            }
            if let Type::Named(named) = &field.ty
                && named != "PublicKey"
            {
                imports.insert(format!("latchkey_client::types::{}", status_type(named)));
            }
        }
        out.push_str("}\n\n");
        if let Some(alias) = &record.alias {
            out.push_str(&format!(
                "/// The name `spec/sdk.json` gives `{what}`, which Kotlin and Swift\n\
                 /// name as the Rust client does.\npub type {alias} = {what};\n\n"
            ));
        }
        if hand_written.contains(what) {
            continue;
        }
        let Some((client_fields, at_root)) = client.structs.get(what) else {
            bail!("{what}: the client has no `pub struct {what}`");
        };
        if sealed.contains(what) {
            bail!(
                "{what}: the client's struct is `#[non_exhaustive]`, made only by its builder; \
                 write `impl {what} {{ pub(crate) fn input(&self) … }}` in {CONVERT}"
            );
        }
        let mut expected: Vec<&String> = record.fields.iter().map(|f| &f.name).collect();
        let mut actual: Vec<&String> = client_fields.iter().collect();
        expected.sort();
        actual.sort();
        if expected != actual {
            bail!(
                "{what}: the client's struct has the fields {client_fields:?}, the description \
                 {expected:?}; write `impl {what} {{ pub(crate) fn input(&self) … }}` in {CONVERT}"
            );
        }
        let path = if *at_root {
            format!("latchkey_client::{what}")
        } else {
            format!("client::{what}")
        };
        out.push_str(&format!(
            "impl {what} {{\n\
             /// The client's `{what}`, every id and instant checked.\n\
             pub(crate) fn input(&self) -> Result<{path}, LatchkeyError> {{\nOk({path} {{\n"
        ));
        for (field, ty, _, _) in &members {
            let value = value(field, ty, record.ids.get(&field.name))
                .with_context(|| format!("{what}.{}", field.name))?;
            out.push_str(&format!("{}: {value},\n", field.name));
        }
        out.push_str("})\n}\n}\n\n");
        imports.insert("crate::error::LatchkeyError".to_owned());
        imports.insert("crate::convert".to_owned());
        if !*at_root {
            imports.insert("latchkey_client::models as client".to_owned());
        }
    }
    let mut lines = uses(
        &imports
            .iter()
            .filter(|path| !path.ends_with(" as client") && *path != "crate::convert")
            .cloned()
            .collect(),
    );
    if imports.contains("crate::convert") {
        lines.push_str("use crate::convert;\n");
    }
    if imports.contains("latchkey_client::models as client") {
        lines.push_str("use latchkey_client::models as client;\n");
    }
    Ok(format!(
        "//! Generated by `cargo xtask codegen` (xtask/src/codegen/uniffi_inputs.rs) from\n\
         //! spec/sdk.json and spec/openapi.json: do not edit; `cargo xtask check` fails\n\
         //! when it is stale. The input records of Kotlin and Swift (their defaults the\n\
         //! ones their callers rely on) and each one's conversion into the Rust client's\n\
         //! input, but for those `convert.rs` writes by hand.\n\
         \n\
         {lines}\n\
         {out}"
    ))
}

/// The generated module for `signatures`.
fn module(root: &Path, signatures: &signatures::Signatures) -> Result<String> {
    let client = ClientCrate::read(root)?;
    let parameters = struct_parameters(root)?;
    let hand_written = hand_written(&super::sdk_surface::read(root, CONVERT)?)?;
    let errors = super::uniffi_native::load_error_names(root)?;
    let mut sealed = BTreeSet::new();
    for path in rust_files(&root.join(CLIENT), true)?
        .into_iter()
        .chain(rust_files(&root.join(CORE), true)?)
    {
        let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
        sealed.extend(non_exhaustive(&text, &path.display().to_string())?);
    }
    let records = records(signatures, &client, &parameters)?;
    rustfmt(
        root,
        &write(&records, &client, &hand_written, &sealed, &errors)?,
    )
}

/// Writes (or checks) the generated module.
pub fn generate(files: &mut Files) -> Result<()> {
    super::native::generate(files, GENERATED, module)
}

#[cfg(test)]
mod tests {
    use super::super::native::field;
    use super::super::signatures::{Answer, Input, Operation, Resource, Signatures};
    use super::*;

    /// An operation of `things` on `/v3/things/{id}` taking `fields`.
    fn operation(name: &str, fields: Vec<Field>, partial: bool, type_name: &str) -> Operation {
        Operation {
            name: name.into(),
            doc: "Does it.".into(),
            http: "POST /v3/things/{id}".into(),
            path: vec!["thing_id".into()],
            args: Vec::new(),
            input: Some(Input {
                fields,
                partial,
                model: None,
                name: "input".into(),
                type_name: Some(type_name.into()),
            }),
            filters: Vec::new(),
            filter_type: None,
            answer: Answer::One(Type::Named("Thing".into())),
            secret: None,
            ids: [
                ("thing_id".to_owned(), "thing".to_owned()),
                ("owner_id".to_owned(), "user".to_owned()),
            ]
            .into(),
        }
    }

    /// The client: `things.create(&NewThing)`, `things.update(&ThingChange)`,
    /// `things.roll(grace_seconds)`; `struct_fields` the public fields of
    /// its `NewThing`.
    fn client(struct_fields: &[&str]) -> (ClientCrate, BTreeMap<(String, String), Vec<String>>) {
        let client = ClientCrate {
            structs: [
                (
                    "NewThing".to_owned(),
                    (struct_fields.iter().map(|f| f.to_string()).collect(), false),
                ),
                (
                    "ThingChange".to_owned(),
                    (vec!["until".to_owned(), "status".to_owned()], false),
                ),
            ]
            .into(),
            methods: [(
                "things".to_owned(),
                ["create", "update", "roll"].map(str::to_owned).into(),
            )]
            .into(),
        };
        let parameters = [
            (("things", "create"), vec!["NewThing"]),
            (("things", "update"), vec!["ThingChange"]),
            (("things", "roll"), vec![]),
        ]
        .into_iter()
        .map(|((resource, method), types)| {
            (
                (resource.to_owned(), method.to_owned()),
                types.into_iter().map(str::to_owned).collect(),
            )
        })
        .collect();
        (client, parameters)
    }

    fn signatures() -> Signatures {
        let mut owner = field("owner_id", Type::String, false);
        owner.nullable = true;
        let mut until = field("until", Type::Instant, false);
        until.clearable = true;
        until.doc = "New end; `null` removes it.".into();
        let mut name = field("name", Type::String, true);
        name.doc = "Name of the `owner_id`'s thing.".into();
        Signatures {
            client: Vec::new(),
            resources: vec![Resource {
                name: "things".into(),
                doc: "Things.".into(),
                operations: vec![
                    operation(
                        "create",
                        vec![
                            name,
                            field("tags", Type::Strings, false),
                            owner,
                            field("size", Type::Integer, false),
                        ],
                        false,
                        "NewThingInput",
                    ),
                    operation(
                        "update",
                        vec![
                            until,
                            field("status", Type::Named("ThingStatus".into()), false),
                        ],
                        true,
                        "ThingChange",
                    ),
                    operation(
                        "roll",
                        vec![field("grace_seconds", Type::Integer, true)],
                        false,
                        "RollOptions",
                    ),
                ],
            }],
        }
    }

    #[test]
    fn records_take_the_clients_names_defaults_and_conversions() {
        let (client, parameters) = client(&["name", "tags", "owner_id", "size"]);
        let records = records(&signatures(), &client, &parameters).unwrap();
        // `roll`: the client takes its fields as arguments, so no record.
        let names: Vec<&str> = records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["NewThing", "ThingChange"]);
        let errors = BTreeMap::new();
        let out = write(
            &records,
            &client,
            &BTreeSet::new(),
            &BTreeSet::new(),
            &errors,
        )
        .unwrap();
        assert!(
            out.contains(
                "#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]\npub struct NewThing {"
            ),
            "a required field: no Default: {out}"
        );
        assert!(
            out.contains("    /// Name of the `ownerId`'s thing.\n    pub name: String,\n"),
            "required, no default, documented in Kotlin's names: {out}"
        );
        assert!(
            out.contains("    #[uniffi(default)]\n    pub tags: Vec<String>,\n"),
            "{out}"
        );
        assert!(
            out.contains("    #[uniffi(default)]\n    pub owner_id: Option<String>,\n"),
            "{out}"
        );
        assert!(
            out.contains("    #[uniffi(default)]\n    pub size: Option<u32>,\n"),
            "{out}"
        );
        assert!(out.contains("pub type NewThingInput = NewThing;"), "{out}");
        assert!(
            out.contains("owner_id: convert::optional_id(\"ownerId\", self.owner_id.as_ref())?,"),
            "{out}"
        );
        assert!(out.contains("size: self.size,") && out.contains("tags: self.tags.clone(),"));
        // An update: all optional, `Default`; the clearable instant is the
        // sealed change, whatever its name, and the schema's `null` is not
        // Kotlin's.
        assert!(
            out.contains("#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]\npub struct ThingChange {"),
            "{out}"
        );
        assert!(
            out.contains("pub until: Option<ExpirationChange>,"),
            "{out}"
        );
        assert!(!out.contains("`null` removes"), "{out}");
        assert!(out.contains("pub status: Option<ThingStatus>,"), "{out}");
        assert!(
            out.contains("until: convert::clearable_timestamp(\"until\", self.until)?,"),
            "{out}"
        );
        assert!(
            !out.contains("pub type ThingChange"),
            "the same name: no alias: {out}"
        );
        // A hand-written conversion: the record only.
        let hand = hand_written(
            "impl NewThing {\n    pub(crate) fn input(&self) -> u8 { 1 }\n}\n\
             impl Other {\n    fn unrelated(&self) {}\n}\n",
        )
        .unwrap();
        assert_eq!(hand.iter().collect::<Vec<_>>(), ["NewThing"]);
        let out = write(&records, &client, &hand, &BTreeSet::new(), &errors).unwrap();
        assert!(out.contains("pub struct NewThing {") && !out.contains("impl NewThing {"));
        assert!(out.contains("impl ThingChange {"), "{out}");
    }

    #[test]
    fn other_fields_a_non_exhaustive_struct_and_a_clearable_non_instant_fail() {
        // The client's struct has a field the description does not: its
        // conversion must be written by hand, and codegen says where.
        let (wide, parameters) = client(&["name", "tags", "owner_id", "size", "colour"]);
        let found = records(&signatures(), &wide, &parameters).unwrap();
        let error = write(
            &found,
            &wide,
            &BTreeSet::new(),
            &BTreeSet::new(),
            &BTreeMap::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("NewThing: the client's struct has the fields")
                && error.contains("impl NewThing { pub(crate) fn input(&self) … }"),
            "{error}"
        );
        // A struct only the client's builder makes, likewise.
        let (fitting, parameters) = client(&["name", "tags", "owner_id", "size"]);
        let found = records(&signatures(), &fitting, &parameters).unwrap();
        let sealed = non_exhaustive(
            "#[derive(Debug)]\n#[non_exhaustive]\npub struct NewThing { pub name: String }\n\
             pub struct ThingChange { pub until: u8 }\n",
            "things.rs",
        )
        .unwrap();
        assert_eq!(sealed.iter().collect::<Vec<_>>(), ["NewThing"]);
        let error = write(
            &found,
            &fitting,
            &BTreeSet::new(),
            &sealed,
            &BTreeMap::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("NewThing: the client's struct is `#[non_exhaustive]`"),
            "{error}"
        );
        // A clearable text has no Kotlin/Swift shape.
        let mut text = field("note", Type::String, false);
        text.clearable = true;
        let error = member(&text, true, "ThingChange").unwrap_err().to_string();
        assert!(
            error.contains("ThingChange.note: only an update's instant"),
            "{error}"
        );
        // Two operations taking one client struct with other fields.
        let mut twice = signatures();
        let mut other = twice.resources[0].operations[1].clone();
        other.input.as_mut().unwrap().fields.pop();
        twice.resources[0].operations[0] = other;
        let (narrow, parameters) = client(&["name"]);
        let error = records(&twice, &narrow, &parameters)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("the binding can declare only one record"),
            "{error}"
        );
    }

    #[test]
    fn the_struct_parameters_are_read_from_the_clients_resources() {
        let dir = tempfile::tempdir().unwrap();
        let resources = dir.path().join(RESOURCES);
        std::fs::create_dir_all(&resources).unwrap();
        std::fs::write(
            resources.join("things.rs"),
            "impl<'a> Things<'a> {\n    pub async fn create(&self, id: ThingId, input: &NewThing) {}\n    \
             pub fn pager(&self, params: &ListParams, filter: &crate::ThingFilter) {}\n    \
             pub async fn roll(&self, grace_seconds: u32, name: Option<&str>) {}\n}\n",
        )
        .unwrap();
        let found = struct_parameters(dir.path()).unwrap();
        let of = |method: &str| found[&("things".to_owned(), method.to_owned())].clone();
        assert_eq!(of("create"), ["NewThing"]);
        assert_eq!(of("pager"), ["ListParams", "ThingFilter"]);
        assert!(of("roll").is_empty());
    }
}
