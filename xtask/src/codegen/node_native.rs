//! The napi methods of `NativeClient` for every call of the client (`me`,
//! `introspect`, named as the call) and every resource operation, and the
//! `#[napi(object)]` types of their inputs and filters
//! (`bindings/node/src/client/generated.rs`), written from the signatures of
//! `spec/sdk.json` ([`super::signatures`]) by the rules of the pyo3 ones
//! (`python_native.rs`: ids parsed into the client's typed ids, value sets
//! into enums, the client's call by its naming rule, an input as the
//! client's struct or the call's arguments, else the binding's hand-written
//! `inputs::<resource>_<operation>`), in Node's terms: `resources.cjs`
//! passes path and positional arguments as they are, an input as one object
//! (`<InputType>Args`, its optional members `Option`s), a list's filters as
//! one object beside its `ListOptions`, instants as milliseconds; an error
//! names the argument in camelCase. Each call returns a promise run on napi's
//! tokio runtime; a lazy list returns the native pager.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};

use super::Files;
use super::native::{ClientCrate, calls, hooks, id_type, path_id_type, rustfmt, status_type, uses};
use super::node_resources::camel;
use super::python_resources::{class_name, optional};
use super::signatures::{self, Answer, Field, Operation, Type, fill, map_code};

/// The generated module, relative to the root.
pub const GENERATED: &str = "bindings/node/src/client/generated.rs";
/// The binding's hand-written input conversions, relative to the root.
const INPUTS: &str = "bindings/node/src/client/inputs.rs";

/// `text` as `///` lines of at most 100 columns once indented in a block.
fn doc(text: &str) -> String {
    fill(text, 92, 0)
        .iter()
        .map(|line| format!("/// {line}\n"))
        .collect()
}

/// The description's `text` (names snake_case) as Node names them.
fn camel_doc(text: &str) -> String {
    doc(&map_code(text, |code| format!("`{}`", camel(code))))
}

/// A member's documentation: the server's, else its name's.
fn member_doc(field: &Field, more: &str) -> String {
    let text = if field.doc.is_empty() {
        format!("The request's `{}`.", field.name)
    } else {
        field.doc.clone()
    };
    doc(&format!("{text}{more}"))
}

/// What an instant is in JavaScript's objects.
const MILLIS: &str = " Here: a `Date`'s milliseconds since the epoch.";

/// The Rust type of a field in an object from JavaScript.
fn member_type(field: &Field) -> &'static str {
    match &field.ty {
        Type::String | Type::Named(_) => "String",
        Type::Strings => "Vec<String>",
        Type::Integer => "u32",
        Type::Boolean => "bool",
        Type::Instant => "f64",
    }
}

/// An object type from JavaScript: its name and members.
struct Object {
    name: String,
    doc: String,
    members: Vec<String>,
}

/// The generated module's text, before rustfmt.
struct Writer<'a> {
    client: &'a ClientCrate,
    hooks: BTreeSet<String>,
    imports: BTreeSet<String>,
    objects: BTreeMap<String, Object>,
    out: String,
}

impl Writer<'_> {
    /// Declares the object type `name` for `fields` (once; the same name
    /// must mean the same members).
    fn object(
        &mut self,
        name: &str,
        doc_text: &str,
        fields: &[Field],
        all_optional: bool,
    ) -> Result<()> {
        let mut members = Vec::new();
        for field in fields {
            let optional = all_optional || !field.required;
            let wrap = |ty: &str| {
                if optional {
                    format!("Option<{ty}>")
                } else {
                    ty.to_owned()
                }
            };
            let member = &field.name;
            match &field.ty {
                Type::Named(named) if named == "PublicKey" => {
                    members.push(format!(
                        "{}pub {member}_pem: Option<String>,",
                        doc("The public key as PEM (SPKI or X.509 certificate).")
                    ));
                    members.push(format!(
                        "{}pub {member}_jwk: Option<String>,",
                        doc("The public key as a JWK (JSON text).")
                    ));
                }
                Type::Named(named) if named == "Limits" => {
                    members.push(format!(
                        "{}pub {member}: {},",
                        member_doc(field, ""),
                        wrap("inputs::LimitsArgs")
                    ));
                }
                _ if field.clearable => {
                    members.push(format!(
                        "{}pub {member}: Option<f64>,",
                        member_doc(field, MILLIS)
                    ));
                    members.push(format!(
                        "{}pub remove_{member}: Option<bool>,",
                        doc(&format!("Remove the {member} (the caller passed `null`)."))
                    ));
                }
                Type::Instant => members.push(format!(
                    "{}pub {member}: {},",
                    member_doc(field, MILLIS),
                    wrap("f64")
                )),
                _ => members.push(format!(
                    "{}pub {member}: {},",
                    member_doc(field, ""),
                    wrap(member_type(field))
                )),
            }
        }
        let object = Object {
            name: name.to_owned(),
            doc: doc_text.to_owned(),
            members,
        };
        if let Some(known) = self.objects.get(name) {
            if known.members != object.members {
                bail!("the object type {name} is declared twice with different members");
            }
            return Ok(());
        }
        self.objects.insert(name.to_owned(), object);
        Ok(())
    }

    /// The client's value of `field` of the object `from`.
    fn value(
        &mut self,
        field: &Field,
        from: &str,
        partial: bool,
        id: Option<&str>,
    ) -> Result<String> {
        let member = format!("{from}.{}", field.name);
        let shown = camel(&field.name);
        let node_optional = partial || !field.required;
        // The client takes a plain value where a left-out member has a default.
        let defaulted = node_optional && !optional(field, partial);
        if field.clearable {
            return Ok(format!(
                "clearable_timestamp(env, \"{shown}\", {member}, {from}.remove_{} == Some(true))?",
                field.name
            ));
        }
        Ok(match (&field.ty, id) {
            (Type::String, Some(kind)) if node_optional => {
                format!(
                    "parse_optional::<{}>(env, \"{shown}\", {member}.as_deref())?",
                    id_type(kind)
                )
            }
            (Type::String, Some(_)) => format!("parse(env, \"{shown}\", &{member})?"),
            (Type::Strings, Some(_)) if defaulted => {
                format!("parse_all(env, \"{shown}\", &{member}.unwrap_or_default())?")
            }
            (Type::Strings, Some(_)) if node_optional => {
                format!("{member}.map(|ids| parse_all(env, \"{shown}\", &ids)).transpose()?")
            }
            (Type::Strings, Some(_)) => format!("parse_all(env, \"{shown}\", &{member})?"),
            (Type::Instant, None) if node_optional => {
                format!("optional_timestamp(env, \"{shown}\", {member})?")
            }
            (Type::Instant, None) => format!("timestamp(env, \"{shown}\", {member})?"),
            (Type::Named(_), None) if node_optional => {
                format!("optional_enum(env, \"{shown}\", {member}.as_deref())?")
            }
            (Type::Named(_), None) => format!("api_enum(env, \"{shown}\", &{member})?"),
            (_, None) if defaulted => format!("{member}.unwrap_or_default()"),
            (_, None) => member,
            (ty, Some(kind)) => bail!("`{}` names a {kind} but is a {ty:?}", field.name),
        })
    }

    /// The method of `operation` of `resource`, or of the client itself
    /// (`None`: named as the call), whose `credentials` are held zeroized.
    fn method(
        &mut self,
        resource: Option<&str>,
        operation: &Operation,
        credentials: &[String],
    ) -> Result<()> {
        let what = match resource {
            Some(resource) => format!("{resource}_{}", operation.name),
            None => operation.name.clone(),
        };
        let lazy = matches!(operation.answer, Answer::Lazy(_));
        let mut parameters = vec![
            "&self".to_owned(),
            if lazy { "env: &Env" } else { "env: &'env Env" }.to_owned(),
        ];
        let mut statements = Vec::new();
        let mut passed = Vec::new();
        let id = |name: &str| operation.ids.get(name).map(String::as_str);
        for name in &operation.path {
            let ty = path_id_type(operation, name, &what)?;
            self.imports.insert(format!("latchkey_client::id::{ty}"));
            parameters.push(format!("{name}: String"));
            statements.push(format!(
                "let {name}: {ty} = parse(env, \"{}\", &{name})?;",
                camel(name)
            ));
            passed.push(name.clone());
        }
        for field in &operation.args {
            let name = &field.name;
            parameters.push(format!("{name}: {}", member_type(field)));
            match (&field.ty, id(name)) {
                (Type::Strings, Some(kind)) => {
                    statements.push(format!(
                        "let {name}: Vec<{}> = parse_all(env, \"{}\", &{name})?;",
                        id_type(kind),
                        camel(name)
                    ));
                    passed.push(format!("&{name}"));
                }
                (Type::Named(_), None) => {
                    statements.push(format!(
                        "let {name} = api_enum(env, \"{}\", &{name})?;",
                        camel(name)
                    ));
                    passed.push(name.clone());
                }
                (Type::String, None) => {
                    if credentials.contains(name) {
                        // A credential: held zeroized, never echoed in an error.
                        statements.push(format!("let {name} = zeroize::Zeroizing::new({name});"));
                    }
                    passed.push(format!("&{name}"));
                }
                (Type::Integer | Type::Boolean, None) => passed.push(name.clone()),
                (ty, _) => bail!("{what}: no Node argument for `{name}` ({ty:?})"),
            }
        }
        if operation.is_list() {
            let filters: Vec<Field> = operation
                .filters
                .iter()
                .filter(|f| f.name != "status")
                .cloned()
                .collect();
            let status = operation.filters.iter().find(|f| f.name == "status");
            let mut filter_literal = None;
            if !filters.is_empty() {
                let base = operation.name.trim_end_matches("_page");
                let name = match &operation.filter_type {
                    Some(ty) => format!("{ty}Args"),
                    None => format!(
                        "{}{}FilterArgs",
                        class_name(resource.unwrap_or_default()),
                        class_name(base)
                    ),
                };
                self.object(
                    &name,
                    "A list's filters; every one given must match.",
                    &filters,
                    true,
                )?;
                parameters.push(format!("filter: {name}"));
                let mut values = Vec::new();
                for field in &filters {
                    values.push((
                        field.name.clone(),
                        self.value(field, "filter", true, id(&field.name))?,
                    ));
                }
                parameters.push("options: ListOptions".to_owned());
                match &operation.filter_type {
                    Some(ty) => {
                        let literal = self.literal(ty, &values, &what)?;
                        filter_literal = Some(format!("let filter = {literal};"));
                    }
                    None => {
                        for (name, value) in values {
                            statements.push(format!("let {name} = {value};"));
                            passed.push(name);
                        }
                    }
                }
            } else {
                parameters.push("options: ListOptions".to_owned());
            }
            statements.push(match status {
                Some(Field {
                    ty: Type::Named(ty),
                    ..
                }) => {
                    let ty = status_type(ty);
                    self.imports.insert(format!("latchkey_client::types::{ty}"));
                    format!("let params = list_params_with_status::<{ty}>(env, &options)?;")
                }
                Some(_) => bail!("{what}: the status filter has no named type"),
                None => "let params = list_params(env, &options)?;".to_owned(),
            });
            passed.push("&params".to_owned());
            if let Some(literal) = filter_literal {
                statements.push(literal);
                passed.push("&filter".to_owned());
            }
        }
        if let Some(input) = &operation.input {
            let ty = input.model.as_ref().or(input.type_name.as_ref());
            let object = format!(
                "{}Args",
                input.type_name.as_deref().unwrap_or(&class_name(&what))
            );
            let all_optional = input.partial || input.model.is_some();
            self.object(
                &object,
                &format!("The input of `{what}`."),
                &input.fields,
                all_optional,
            )?;
            let name = &input.name;
            parameters.push(format!("{name}: {object}"));
            if self.hooks.contains(&what) {
                statements.push(format!("let {name} = inputs::{what}(env, {name})?;"));
                passed.push(format!("&{name}"));
            } else {
                let mut values = Vec::new();
                for field in &input.fields {
                    values.push((
                        field.name.clone(),
                        self.value(field, name, input.partial, id(&field.name))?,
                    ));
                }
                match ty.filter(|ty| self.client.structs.contains_key(*ty)) {
                    Some(ty) => {
                        let literal = self.literal(ty, &values, &what)?;
                        statements.push(format!("let {name} = {literal};"));
                        passed.push(format!("&{name}"));
                    }
                    None => {
                        for (field, (member, value)) in input.fields.iter().zip(values) {
                            let shown = if matches!(field.ty, Type::String) && !field.required {
                                format!("{member}.as_deref()")
                            } else {
                                member.clone()
                            };
                            statements.push(format!("let {member} = {value};"));
                            passed.push(shown);
                        }
                    }
                }
            }
        }
        let call = self.client.call_expression(resource, operation, &passed)?;
        self.out.push_str(&camel_doc(&operation.doc));
        self.out.push_str("#[napi]\n");
        if lazy {
            self.out.push_str(&format!(
                "pub fn {what}({}) -> napi::Result<NativePager> {{\n",
                parameters.join(", ")
            ));
        } else {
            self.out.push_str(&format!(
                "pub fn {what}<'env>({}) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {{\n",
                parameters.join(", ")
            ));
        }
        for statement in statements {
            self.out.push_str(&statement);
            self.out.push('\n');
        }
        self.out.push_str("let client = self.client(env)?;\n");
        if lazy {
            self.out
                .push_str(&format!("Ok(NativePager::new({call}))\n}}\n\n"));
        } else {
            self.out.push_str(&format!(
                "spawn(env, async move {{ {call}.await }})\n}}\n\n"
            ));
        }
        Ok(())
    }

    /// `Type { a: value, … }` after checking that the client's `Type` has
    /// exactly those public fields.
    fn literal(&mut self, ty: &str, values: &[(String, String)], what: &str) -> Result<String> {
        let names: Vec<String> = values.iter().map(|(name, _)| name.clone()).collect();
        let path = self.client.input_struct(ty, &names, what, INPUTS)?;
        self.imports.insert(path);
        let fields: Vec<String> = values
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        Ok(format!("{ty} {{ {} }}", fields.join(", ")))
    }
}

/// The generated module for `signatures`.
fn module(root: &Path, signatures: &signatures::Signatures) -> Result<String> {
    let client = ClientCrate::read(root)?;
    let hooks = hooks(root, INPUTS)?;
    let mut writer = Writer {
        client: &client,
        hooks,
        imports: BTreeSet::new(),
        objects: BTreeMap::new(),
        out: String::new(),
    };
    for call in &signatures.client {
        writer.method(None, &call.operation, &call.credentials)?;
    }
    for resource in &signatures.resources {
        for operation in &resource.operations {
            writer.method(Some(&resource.name), operation, &[])?;
        }
    }
    let body = &writer.out;
    let helpers: Vec<&str> = [
        "api_enum",
        "clearable_timestamp",
        "list_params",
        "list_params_with_status",
        "optional_enum",
        "optional_timestamp",
        "parse",
        "parse_all",
        "parse_optional",
        "timestamp",
    ]
    .into_iter()
    .filter(|helper| calls(body, helper, "(env"))
    .collect();
    let mut binding = vec![format!(
        "use super::args::{{ListOptions, {}}};",
        helpers.join(", ")
    )];
    if body.contains("inputs::")
        || writer
            .objects
            .values()
            .any(|o| o.members.iter().any(|m| m.contains("inputs::")))
    {
        binding.push("use super::inputs;".to_owned());
    }
    binding.extend([
        "use super::NativeClient;".to_owned(),
        "use super::pager::NativePager;".to_owned(),
        "use super::runtime::spawn;".to_owned(),
    ]);
    let objects: String = writer
        .objects
        .values()
        .map(|object| {
            format!(
                "{}#[napi(object)]\npub struct {} {{\n{}\n}}\n\n",
                camel_doc(&object.doc),
                object.name,
                object.members.join("\n")
            )
        })
        .collect();
    let source = format!(
        "//! Generated by `cargo xtask codegen` (xtask/src/codegen/node_native.rs) from\n\
         //! spec/sdk.json and spec/openapi.json: do not edit; `cargo xtask check` fails\n\
         //! when it is stale. One native method per call of the client, named as it,\n\
         //! and one per resource operation, named `<resourceOperation>`, called by\n\
         //! `lib/client/resources.cjs`, and the objects they take.\n\
         \n\
         {}use napi::Env;\n\
         use napi::bindgen_prelude::{{PromiseRaw, Unknown}};\n\
         use napi_derive::napi;\n\
         \n\
         {}\n\
         \n\
         {objects}#[napi]\nimpl NativeClient {{\n{}}}\n",
        uses(&writer.imports),
        binding.join("\n"),
        writer.out
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
    use super::super::signatures::{Input, Resource};
    use super::*;

    fn write(client: &ClientCrate, operation: Operation) -> Result<Writer<'_>> {
        let mut writer = Writer {
            client,
            hooks: BTreeSet::new(),
            imports: BTreeSet::new(),
            objects: BTreeMap::new(),
            out: String::new(),
        };
        let resource = Resource {
            name: "things".into(),
            doc: "Things.".into(),
            operations: vec![operation],
        };
        writer.method(Some(&resource.name), &resource.operations[0], &[])?;
        Ok(writer)
    }

    #[test]
    fn an_input_is_one_object_its_left_out_members_defaulted_and_named_in_camel_case() {
        let client = ClientCrate {
            structs: [(
                "NewThing".to_owned(),
                (vec!["name".to_owned(), "owner_ids".to_owned()], false),
            )]
            .into(),
            methods: [("things".to_owned(), ["create".to_owned()].into())].into(),
        };
        let create = Operation {
            name: "create".into(),
            doc: "Makes one for `owner_ids`.".into(),
            http: String::new(),
            path: Vec::new(),
            args: Vec::new(),
            input: Some(Input {
                fields: vec![
                    field("name", Type::String, true),
                    field("owner_ids", Type::Strings, false),
                ],
                partial: false,
                model: None,
                name: "input".into(),
                type_name: Some("NewThing".into()),
            }),
            filters: Vec::new(),
            filter_type: None,
            answer: Answer::One(Type::Named("Thing".into())),
            secret: None,
            ids: [("owner_ids".to_owned(), "user".to_owned())].into(),
        };
        let writer = write(&client, create).unwrap();
        let out = &writer.out;
        assert!(
            out.starts_with("/// Makes one for `ownerIds`.\n#[napi]\n"),
            "{out}"
        );
        assert!(out.contains("input: NewThingArgs"), "{out}");
        assert!(
            out.contains(
                "owner_ids: parse_all(env, \"ownerIds\", &input.owner_ids.unwrap_or_default())?"
            ),
            "{out}"
        );
        let object = &writer.objects["NewThingArgs"];
        assert_eq!(object.members.len(), 2);
        assert!(object.members[0].ends_with("pub name: String,"));
        assert!(object.members[1].ends_with("pub owner_ids: Option<Vec<String>>,"));
    }
}
