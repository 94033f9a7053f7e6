//! uniffi's calls of the client itself (`LatchkeyClient.me()`,
//! `introspect(token)`, …: `bindings/uniffi/src/client/calls.rs`), written
//! from the `client` signatures of `spec/sdk.json` ([`super::signatures`]),
//! apart from the resource objects' methods (`uniffi_native.rs`): one
//! `#[uniffi::export]` block of `async` methods, each one call of the Rust
//! client's own method of the same name (checked against its source).
//!
//! Kotlin and Swift answer what the other SDKs answer, in their terms: the
//! model, a record of `crate::models` (its name checked there); a `Json`
//! document as its JSON text (uniffi has no dynamic JSON value); and where
//! the description names a `uniffi_field` (`health`'s `status`), that text
//! field alone, since these SDKs declare no record for that model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use syn::{Item, UseTree};

use super::Files;
use super::native::{ClientCrate, rustfmt, uses};
use super::signatures::{Answer, ClientCall, Signatures, Type};
use super::uniffi_native::doc;

/// The generated module, relative to the root.
pub const GENERATED: &str = "bindings/uniffi/src/client/calls.rs";
/// The binding's models, relative to the root.
const MODELS: &str = "bindings/uniffi/src/models.rs";

/// The names `crate::models` declares: its structs, aliases and re-exports.
fn model_names(source: &str) -> Result<BTreeSet<String>> {
    fn leaves(tree: &UseTree, out: &mut BTreeSet<String>) {
        match tree {
            UseTree::Path(path) => leaves(&path.tree, out),
            UseTree::Name(name) => {
                out.insert(name.ident.to_string());
            }
            UseTree::Rename(rename) => {
                out.insert(rename.rename.to_string());
            }
            UseTree::Group(group) => {
                for tree in &group.items {
                    leaves(tree, out);
                }
            }
            UseTree::Glob(_) => {}
        }
    }
    let file = syn::parse_file(source).with_context(|| format!("{MODELS}: not Rust"))?;
    let mut names = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Struct(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                names.insert(item.ident.to_string());
            }
            Item::Type(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                names.insert(item.ident.to_string());
            }
            Item::Use(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                leaves(&item.tree, &mut names);
            }
            _ => {}
        }
    }
    Ok(names)
}

/// The module's text, before rustfmt.
struct Writer<'a> {
    client: &'a ClientCrate,
    models: &'a BTreeSet<String>,
    /// The API error classes' Python names → Kotlin's and Swift's (docs).
    errors: &'a BTreeMap<String, String>,
    /// The models the methods answer.
    used: BTreeSet<String>,
    zeroized: bool,
    out: String,
}

impl Writer<'_> {
    fn method(&mut self, call: &ClientCall) -> Result<()> {
        let operation = &call.operation;
        let what = format!("client.{}", operation.name);
        let mut parameters = vec!["&self".to_owned()];
        let mut statements = Vec::new();
        let mut passed = Vec::new();
        for field in &operation.args {
            let name = &field.name;
            if field.ty != Type::String || operation.ids.contains_key(name) {
                bail!("{what}: uniffi's client calls take only text (`{name}` is not)");
            }
            parameters.push(format!("{name}: String"));
            if call.credentials.contains(name) {
                self.zeroized = true;
                statements.push(format!(
                    "// A credential: held zeroized, never echoed in an error.\n\
                     let {name} = Zeroizing::new({name});"
                ));
            }
            passed.push(format!("&{name}"));
        }
        let Answer::One(Type::Named(model)) = &operation.answer else {
            bail!("{what}: a call of the client answers one model");
        };
        let (returns, tail) = match (&call.uniffi_field, model.as_str()) {
            (Some(field), _) => ("String".to_owned(), format!(".{field}")),
            (None, "Json") => ("String".to_owned(), ".to_string()".to_owned()),
            (None, model) if self.models.contains(model) => {
                self.used.insert(model.to_owned());
                (model.to_owned(), String::new())
            }
            (None, model) => bail!(
                "{what}: {MODELS} declares no `{model}` (name a `uniffi_field` of it in spec/sdk.json, or declare the record)"
            ),
        };
        let method = self.client.client_call(operation)?;
        self.out.push_str(&doc(&operation.doc, self.errors));
        self.out.push_str(&format!(
            "pub async fn {method}({}) -> Result<{returns}, LatchkeyError> {{\n",
            parameters.join(", ")
        ));
        for statement in statements {
            self.out.push_str(&statement);
            self.out.push('\n');
        }
        self.out.push_str(&format!(
            "Ok(self.slot.client()?.{method}({}).await?{tail})\n}}\n\n",
            passed.join(", ")
        ));
        Ok(())
    }
}

/// The generated module for `signatures`, given the client crate and the
/// names of the binding's models.
fn text(
    client: &ClientCrate,
    models: &BTreeSet<String>,
    errors: &BTreeMap<String, String>,
    signatures: &Signatures,
) -> Result<String> {
    let mut writer = Writer {
        client,
        models,
        errors,
        used: BTreeSet::new(),
        zeroized: false,
        out: String::new(),
    };
    for call in &signatures.client {
        writer.method(call)?;
    }
    let mut imports = String::new();
    if writer.zeroized {
        imports.push_str("use zeroize::Zeroizing;\n\n");
    }
    let mut paths: BTreeSet<String> = ["super::LatchkeyClient", "crate::error::LatchkeyError"]
        .map(str::to_owned)
        .into();
    paths.extend(
        writer
            .used
            .iter()
            .map(|model| format!("crate::models::{model}")),
    );
    imports.push_str(&uses(&paths));
    Ok(format!(
        "//! Generated by `cargo xtask codegen` (xtask/src/codegen/uniffi_client.rs) from\n\
         //! spec/sdk.json and spec/openapi.json: do not edit; `cargo xtask check` fails\n\
         //! when it is stale. The calls of the client itself (`me`, `introspect`, …),\n\
         //! each `suspend` in Kotlin and `async` in Swift.\n\
         \n\
         {imports}\n\
         #[uniffi::export(async_runtime = \"tokio\")]\nimpl LatchkeyClient {{\n{}}}\n",
        writer.out
    ))
}

/// The generated module.
fn module(root: &Path, signatures: &Signatures) -> Result<String> {
    let client = ClientCrate::read(root)?;
    let models = model_names(&super::sdk_surface::read(root, MODELS)?)?;
    let errors = super::uniffi_native::load_error_names(root)?;
    rustfmt(root, &text(&client, &models, &errors, signatures)?)
}

/// Writes (or checks) the generated module.
pub fn generate(files: &mut Files) -> Result<()> {
    super::native::generate(files, GENERATED, module)
}

#[cfg(test)]
mod tests {
    use super::super::native::field;
    use super::super::signatures::Operation;
    use super::*;

    fn call(name: &str, answer: &str, args: &[&str]) -> ClientCall {
        ClientCall {
            operation: Operation {
                name: name.into(),
                doc: format!("The `{name}` of `well_known`."),
                http: String::new(),
                path: Vec::new(),
                args: args.iter().map(|a| field(a, Type::String, true)).collect(),
                input: None,
                filters: Vec::new(),
                filter_type: None,
                answer: Answer::One(Type::Named(answer.into())),
                secret: None,
                ids: Default::default(),
            },
            credentials: Vec::new(),
            uniffi_field: None,
        }
    }

    fn client(methods: &[&str]) -> ClientCrate {
        ClientCrate {
            structs: Default::default(),
            methods: [(
                super::super::native::CLIENT_METHODS.to_owned(),
                methods.iter().map(|m| (*m).to_owned()).collect(),
            )]
            .into(),
        }
    }

    fn write(calls: Vec<ClientCall>, methods: &[&str]) -> Result<String> {
        let models =
            model_names("pub use latchkey_client::models::{Me, Other};\npub struct Own {}\n")?;
        text(
            &client(methods),
            &models,
            &BTreeMap::new(),
            &Signatures {
                client: calls,
                resources: Vec::new(),
            },
        )
    }

    #[test]
    fn answers_are_the_model_its_text_field_or_the_json_text() {
        let mut health = call("health", "Health", &[]);
        health.uniffi_field = Some("status".into());
        let out = write(
            vec![call("me", "Me", &[]), health, call("openapi", "Json", &[])],
            &["me", "health", "openapi"],
        )
        .unwrap();
        assert!(
            out.contains("pub async fn me(&self) -> Result<Me, LatchkeyError>"),
            "{out}"
        );
        assert!(out.contains("use crate::models::Me;"), "{out}");
        assert!(out.contains("health().await?.status)"), "{out}");
        assert!(out.contains("openapi().await?.to_string())"), "{out}");
        assert!(out.contains("/// The `me` of `wellKnown`."), "{out}");
        assert!(!out.contains("Zeroizing"), "{out}");
    }

    #[test]
    fn a_credential_is_zeroized_and_a_missing_model_or_method_is_named() {
        let mut introspect = call("introspect", "Own", &["token"]);
        introspect.credentials = vec!["token".into()];
        let out = write(vec![introspect.clone()], &["introspect"]).unwrap();
        assert!(out.contains("let token = Zeroizing::new(token);"), "{out}");
        assert!(out.contains("introspect(&token).await?)"), "{out}");
        let error = write(vec![call("health", "Health", &[])], &["health"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("declares no `Health`"), "{error}");
        let error = write(vec![introspect], &["me"]).unwrap_err().to_string();
        assert!(error.contains("no `pub fn introspect`"), "{error}");
    }
}
