//! The pyo3 methods of `NativeClient` for every call of the client and
//! every resource operation (`bindings/python/src/client/generated.rs`),
//! written from the signatures of `spec/sdk.json` ([`super::signatures`]):
//! one method named as each call of the client (`me`, `introspect`), one
//! `<resource>_<operation>` per operation, taking its arguments positionally as `_client.py` passes
//! them (`python_resources.rs`), each id parsed into the client's typed id,
//! each value-set argument into its enum, then one call of the Rust client
//! run with the GIL released (or as an awaitable).
//!
//! The call follows the client crate's naming rule, checked here against
//! its source so that a missing method fails codegen with its name: the
//! operation's own name (`get`, `list_page`, `add_users`), a lazy list's
//! pager `pager` / `<x>_pager` for `list` / `list_<x>`. The request's fields
//! become the client's struct of the description's `model`/`input_type`
//! when the client has one with exactly those fields, else the call's own
//! arguments in order; an input the client builds otherwise (a builder, a
//! tuple of limits, a PEM-or-JWK key) is converted by the hand-written
//! `inputs::<resource>_<operation>` of the binding.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Result, bail};

use super::Files;
use super::native::{ClientCrate, calls, hooks, id_type, path_id_type, rustfmt, status_type, uses};
use super::python_resources::optional;
use super::signatures::{self, Answer, Field, Operation, Type};

/// The generated module, relative to the root.
pub const GENERATED: &str = "bindings/python/src/client/generated.rs";
/// The binding's hand-written input conversions, relative to the root.
const INPUTS: &str = "bindings/python/src/client/inputs.rs";

/// One argument of a generated method: its parameters and the statement
/// that turns them into the client's value (if any).
struct Argument {
    parameters: Vec<String>,
    statement: Option<String>,
    /// How the client's call takes it.
    passed: String,
}

/// The argument for `field`; `lifetime` names the GIL's.
fn argument(field: &Field, optional: bool, id: Option<&str>, lifetime: &str) -> Result<Argument> {
    let name = &field.name;
    let wrap = |ty: &str| {
        if optional {
            format!("Option<{ty}>")
        } else {
            ty.to_owned()
        }
    };
    let convert = |call: &str| {
        if optional {
            format!("{name}.map(|value| {call}(py, \"{name}\", value)).transpose()?")
        } else {
            format!("{call}(py, \"{name}\", {name})?")
        }
    };
    let plain = |ty: &str, passed: String| Argument {
        parameters: vec![format!("{name}: {}", wrap(ty))],
        statement: None,
        passed,
    };
    if field.clearable {
        return Ok(Argument {
            parameters: vec![
                format!("{name}: Option<&Bound<{lifetime}, PyAny>>"),
                format!("remove_{name}: bool"),
            ],
            statement: Some(format!(
                "let {name} = clearable_timestamp(py, \"{name}\", {name}, remove_{name})?;"
            )),
            passed: name.clone(),
        });
    }
    Ok(match (&field.ty, id) {
        (Type::String, Some(kind)) => Argument {
            parameters: vec![format!("{name}: {}", wrap("&str"))],
            statement: Some(format!(
                "let {name}: {} = {};",
                wrap(&id_type(kind)),
                convert("parse")
            )),
            passed: name.clone(),
        },
        (Type::Strings, Some(kind)) => Argument {
            parameters: vec![format!("{name}: {}", wrap("Vec<String>"))],
            statement: Some(format!(
                "let {name}: {} = {};",
                wrap(&format!("Vec<{}>", id_type(kind))),
                if optional {
                    format!("{name}.map(|ids| parse_all(py, \"{name}\", &ids)).transpose()?")
                } else {
                    format!("parse_all(py, \"{name}\", &{name})?")
                }
            )),
            passed: format!("&{name}"),
        },
        (Type::String, None) => plain(
            "String",
            if optional {
                format!("{name}.as_deref()")
            } else {
                format!("&{name}")
            },
        ),
        (Type::Strings, None) => plain("Vec<String>", format!("&{name}")),
        (Type::Integer, None) => plain("u32", name.clone()),
        (Type::Boolean, None) => plain("bool", name.clone()),
        (Type::Instant, None) => Argument {
            parameters: vec![format!(
                "{name}: {}",
                wrap(&format!("&Bound<{lifetime}, PyAny>"))
            )],
            statement: Some(format!(
                "let {name} = {};",
                if optional {
                    format!("optional_timestamp(py, \"{name}\", {name})?")
                } else {
                    format!("timestamp(py, \"{name}\", {name})?")
                }
            )),
            passed: name.clone(),
        },
        (Type::Named(named), None) if named == "Limits" => plain("(u32, u32, u32)", name.clone()),
        (Type::Named(named), None) if named == "PublicKey" => {
            plain(&format!("&Bound<{lifetime}, PyAny>"), name.clone())
        }
        // A value set: its enum, inferred from where the client takes it.
        (Type::Named(_), None) => Argument {
            parameters: vec![format!("{name}: {}", wrap("&str"))],
            statement: Some(format!("let {name} = {};", convert("api_enum"))),
            passed: name.clone(),
        },
        (ty, Some(kind)) => bail!("`{name}` names a {kind} but is a {ty:?}"),
    })
}

/// The generated module's text, before rustfmt.
struct Writer<'a> {
    client: &'a ClientCrate,
    hooks: BTreeSet<String>,
    imports: BTreeSet<String>,
    out: String,
}

impl Writer<'_> {
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
        let lifetime = if lazy { "'_" } else { "'py" };
        let mut parameters = vec!["&self".to_owned(), format!("py: Python<{lifetime}>")];
        let mut statements = Vec::new();
        let mut passed = Vec::new();
        let id = |name: &str| operation.ids.get(name).map(String::as_str);
        for name in &operation.path {
            let ty = path_id_type(operation, name, &what)?;
            self.imports.insert(format!("latchkey_client::id::{ty}"));
            parameters.push(format!("{name}: &str"));
            statements.push(format!(
                "let {name}: {ty} = parse(py, \"{name}\", {name})?;"
            ));
            passed.push(name.clone());
        }
        for field in &operation.args {
            let argument = argument(field, false, id(&field.name), lifetime)?;
            self.add(&argument, &mut parameters, &mut statements);
            if credentials.contains(&field.name) {
                // A credential: held zeroized, never echoed in an error.
                statements.push(format!(
                    "let {0} = zeroize::Zeroizing::new({0});",
                    field.name
                ));
            }
            passed.push(argument.passed);
        }
        if operation.is_list() {
            let mut filter = Vec::new();
            let mut status = None;
            for field in &operation.filters {
                if field.name == "status" {
                    status = Some(&field.ty);
                    parameters.push("status: Option<&str>".to_owned());
                    continue;
                }
                let argument = argument(field, true, id(&field.name), lifetime)?;
                self.add(&argument, &mut parameters, &mut statements);
                if operation.filter_type.is_some() {
                    filter.push(field.name.clone());
                } else {
                    passed.push(argument.passed);
                }
            }
            parameters.extend([
                "limit: Option<u32>".to_owned(),
                "order: Option<&str>".to_owned(),
                "after: Option<String>".to_owned(),
            ]);
            let total = if lazy {
                "false"
            } else {
                parameters.push("include_total_count: bool".to_owned());
                "include_total_count"
            };
            statements.push(format!(
                "let params = list_params(py, limit, after, order, {total})?;"
            ));
            if let Some(ty) = status {
                let Type::Named(ty) = ty else {
                    bail!("{what}: the status filter has no named type");
                };
                let ty = status_type(ty);
                self.imports.insert(format!("latchkey_client::types::{ty}"));
                statements.push(format!(
                    "let params = with_status::<{ty}>(py, params, status)?;"
                ));
            }
            passed.push("&params".to_owned());
            if let Some(ty) = &operation.filter_type {
                let literal = self.literal(ty, &filter, &what)?;
                statements.push(format!("let filter = {literal};"));
                passed.push("&filter".to_owned());
            }
        }
        if let Some(input) = &operation.input {
            let mut arguments = Vec::new();
            for field in &input.fields {
                // Fields taken as a model are the model's (`KeyPolicy`, whole):
                // absent only where the model holds `None`.
                let optional = match input.model {
                    Some(_) => field.nullable,
                    None => optional(field, input.partial),
                };
                let argument = argument(field, optional, id(&field.name), lifetime)?;
                parameters.extend(argument.parameters.iter().cloned());
                arguments.push(argument);
            }
            let names: Vec<String> = input.fields.iter().map(|f| f.name.clone()).collect();
            let ty = input.model.as_ref().or(input.type_name.as_ref());
            if self.hooks.contains(&what) {
                let given: Vec<String> = input
                    .fields
                    .iter()
                    .zip(&arguments)
                    .flat_map(|(_, argument)| {
                        argument
                            .parameters
                            .iter()
                            .map(|p| p.split(':').next().unwrap_or_default().to_owned())
                    })
                    .collect();
                statements.push(format!(
                    "let {} = inputs::{what}(py, {})?;",
                    input.name,
                    given.join(", ")
                ));
                passed.push(format!("&{}", input.name));
            } else {
                for argument in &arguments {
                    statements.extend(argument.statement.clone());
                }
                match ty.filter(|ty| self.client.structs.contains_key(*ty)) {
                    Some(ty) => {
                        let literal = self.literal(ty, &names, &what)?;
                        statements.push(format!("let {} = {literal};", input.name));
                        passed.push(format!("&{}", input.name));
                    }
                    None => passed.extend(arguments.into_iter().map(|a| a.passed)),
                }
            }
        }
        let call = self.client.call_expression(resource, operation, &passed)?;
        let returns = if lazy {
            "PyResult<NativePager>"
        } else {
            "PyResult<Bound<'py, PyAny>>"
        };
        if parameters.len() > 7 {
            self.out.push_str("#[allow(clippy::too_many_arguments)]\n");
        }
        let generics = if lazy { "" } else { "<'py>" };
        self.out.push_str(&format!(
            "fn {what}{generics}({}) -> {returns} {{\n",
            parameters.join(", ")
        ));
        for statement in statements {
            self.out.push_str(&statement);
            self.out.push('\n');
        }
        if lazy {
            self.out.push_str("let client = self.client(py)?;\n");
            self.out
                .push_str(&format!("Ok(self.pager({call}))\n}}\n\n"));
        } else {
            self.out.push_str("let client = self.client(py)?;\n");
            self.out.push_str(&format!(
                "run(py, self.mode, async move {{ {call}.await }})\n}}\n\n"
            ));
        }
        Ok(())
    }

    fn add(&self, argument: &Argument, parameters: &mut Vec<String>, statements: &mut Vec<String>) {
        parameters.extend(argument.parameters.iter().cloned());
        statements.extend(argument.statement.clone());
    }

    /// `Type { a, b }` after checking that the client's `Type` has exactly
    /// those public fields.
    fn literal(&mut self, ty: &str, fields: &[String], what: &str) -> Result<String> {
        let path = self.client.input_struct(ty, fields, what, INPUTS)?;
        self.imports.insert(path);
        Ok(format!("{ty} {{ {} }}", fields.join(", ")))
    }
}

/// The generated module for `signatures`.
pub(super) fn module(root: &Path, signatures: &signatures::Signatures) -> Result<String> {
    let client = ClientCrate::read(root)?;
    let hooks = hooks(root, INPUTS)?;
    let mut writer = Writer {
        client: &client,
        hooks,
        imports: BTreeSet::new(),
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
    let imports = uses(&writer.imports);
    let body = &writer.out;
    let helpers: Vec<&str> = [
        "api_enum",
        "clearable_timestamp",
        "list_params",
        "optional_timestamp",
        "parse",
        "parse_all",
        "timestamp",
    ]
    .into_iter()
    .filter(|helper| calls(body, helper, "(py"))
    .collect();
    let mut binding = vec!["use super::args::{".to_owned() + &helpers.join(", ") + "};"];
    if body.contains("inputs::") {
        binding.push("use super::inputs;".to_owned());
    }
    binding.push("use super::pager::NativePager;".to_owned());
    binding.push("use super::runtime::run;".to_owned());
    binding.push("use super::{NativeClient, with_status};".to_owned());
    let binding = binding.join("\n");
    let source = format!(
        "//! Generated by `cargo xtask codegen` (xtask/src/codegen/python_native.rs) from\n\
         //! spec/sdk.json and spec/openapi.json: do not edit; `cargo xtask check` fails\n\
         //! when it is stale. One native method per call of the client, named as it,\n\
         //! called by `Client` and `AsyncClient` of `_client.py`, and one per resource\n\
         //! operation, named `<resource>_<operation>`, called by its resource classes.\n\
         \n\
         {imports}use pyo3::prelude::*;\n\
         \n\
         {binding}\n\
         \n\
         #[pymethods]\nimpl NativeClient {{\n{}}}\n",
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

    fn things(operation: Operation) -> Resource {
        Resource {
            name: "things".into(),
            doc: "Things.".into(),
            operations: vec![operation],
        }
    }

    fn client(methods: &[&str], structs: &[(&str, &[&str])]) -> ClientCrate {
        ClientCrate {
            structs: structs
                .iter()
                .map(|(name, fields)| {
                    let fields = fields.iter().map(|f| (*f).to_owned()).collect();
                    ((*name).to_owned(), (fields, false))
                })
                .collect(),
            methods: [(
                "things".to_owned(),
                methods.iter().map(|m| (*m).to_owned()).collect(),
            )]
            .into(),
        }
    }

    fn write(client: &ClientCrate, hooks: &[&str], operation: Operation) -> Result<String> {
        let mut writer = Writer {
            client,
            hooks: hooks.iter().map(|h| (*h).to_owned()).collect(),
            imports: BTreeSet::new(),
            out: String::new(),
        };
        let resource = things(operation);
        writer.method(Some(&resource.name), &resource.operations[0], &[])?;
        Ok(writer.out)
    }

    fn operation(name: &str, answer: Answer) -> Operation {
        Operation {
            name: name.into(),
            doc: String::new(),
            http: String::new(),
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

    #[test]
    fn a_call_of_the_client_is_its_own_method_with_its_credential_zeroized() {
        let mut check = operation("check", Answer::One(Type::Named("Report".into())));
        check.path = Vec::new();
        check.args = vec![field("token", Type::String, true)];
        let methods = [(
            super::super::native::CLIENT_METHODS.to_owned(),
            ["check".to_owned()].into(),
        )];
        let client = ClientCrate {
            structs: Default::default(),
            methods: methods.into(),
        };
        let mut writer = Writer {
            client: &client,
            hooks: BTreeSet::new(),
            imports: BTreeSet::new(),
            out: String::new(),
        };
        writer.method(None, &check, &["token".to_owned()]).unwrap();
        let out = std::mem::take(&mut writer.out);
        assert!(
            out.contains("fn check<'py>(&self, py: Python<'py>, token: String)"),
            "{out}"
        );
        assert!(
            out.contains("let token = zeroize::Zeroizing::new(token);"),
            "{out}"
        );
        assert!(out.contains("client.check(&token).await"), "{out}");
        let lacking = ClientCrate {
            structs: Default::default(),
            methods: Default::default(),
        };
        writer.client = &lacking;
        let error = writer.method(None, &check, &[]).unwrap_err().to_string();
        assert!(
            error.contains("no `pub fn check` in `impl Client`"),
            "{error}"
        );
    }

    #[test]
    fn an_id_kind_names_the_clients_typed_id() {
        assert_eq!(id_type("access_key"), "AccessKeyId");
        assert_eq!(id_type("user"), "UserId");
    }

    #[test]
    fn a_lazy_list_calls_its_pager_and_a_missing_method_is_named() {
        let list = operation("list_parts", Answer::Lazy(Type::Named("Part".into())));
        let out = write(&client(&["parts_pager"], &[]), &[], list.clone()).unwrap();
        assert!(out.contains("let thing_id: ThingId = parse(py, \"thing_id\", thing_id)?;"));
        assert!(
            out.contains("client.things().parts_pager(thing_id, &params)"),
            "{out}"
        );
        assert!(!out.contains("include_total_count"), "{out}");
        let error = write(&client(&["list_parts"], &[]), &[], list)
            .unwrap_err()
            .to_string();
        assert!(error.contains("no `pub fn parts_pager`"), "{error}");
    }

    #[test]
    fn fields_become_the_clients_struct_only_when_they_match_it() {
        let mut create = operation("create", Answer::One(Type::Named("Thing".into())));
        create.input = Some(Input {
            fields: vec![
                field("name", Type::String, true),
                field("size", Type::Integer, false),
            ],
            partial: false,
            model: None,
            name: "input".into(),
            type_name: Some("NewThing".into()),
        });
        let matching = client(&["create"], &[("NewThing", &["size", "name"])]);
        let out = write(&matching, &[], create.clone()).unwrap();
        assert!(out.contains("name: String, size: Option<u32>"), "{out}");
        assert!(
            out.contains("let input = NewThing { name, size };"),
            "{out}"
        );
        assert!(out.contains("create(thing_id, &input)"), "{out}");
        let other = client(&["create"], &[("NewThing", &["name", "colour"])]);
        let error = write(&other, &[], create.clone()).unwrap_err().to_string();
        assert!(error.contains("write `inputs::things_create`"), "{error}");
        let out = write(&other, &["things_create"], create.clone()).unwrap();
        assert!(
            out.contains("let input = inputs::things_create(py, name, size)?;"),
            "{out}"
        );
        // No struct of that name: the call takes the fields themselves.
        let out = write(&client(&["create"], &[]), &[], create).unwrap();
        assert!(out.contains("create(thing_id, &name, size)"), "{out}");
    }
}
