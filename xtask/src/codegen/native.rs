//! What the generators of the native methods (`python_native.rs`,
//! `node_native.rs`, `uniffi_client.rs`) share: the Rust client's structs
//! and methods read from its source with `syn` (so that a call or an input
//! the client lacks fails codegen by name), its typed ids, the hand-written
//! conversions of a binding, and rustfmt.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use syn::{Fields, ImplItem, Item, Type as RustType, Visibility};

use super::signatures::{Answer, Operation};

/// The Rust client's sources, relative to the root.
pub(super) const CLIENT: &str = "crates/latchkey-client/src";
/// The core's sources, whose request types the client re-exports.
pub(super) const CORE: &str = "crates/latchkey-core/src";
/// The client's type whose methods are the client's own calls.
const CLIENT_TYPE: &str = "Client";
/// The key of [`ClientCrate::methods`] that holds [`CLIENT_TYPE`]'s own
/// methods (no resource file has that name: `read` refuses one).
pub(super) const CLIENT_METHODS: &str = "client";

/// The client's structs (name → public fields, and whether the crate
/// exports it at its root) and methods, read from its source.
pub(super) struct ClientCrate {
    pub(super) structs: BTreeMap<String, (Vec<String>, bool)>,
    /// Each resource file's public functions and methods, by the file's
    /// stem (`applications`), and under [`CLIENT_METHODS`] the public
    /// methods of `impl Client` in the crate's other files.
    pub(super) methods: BTreeMap<String, BTreeSet<String>>,
}

/// The `.rs` files of `dir`, and of its subfolders when `deep`.
pub(super) fn rust_files(dir: &Path, deep: bool) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
            let path = entry?.path();
            if path.is_dir() {
                if deep {
                    folders.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// The name of the type an `impl` block is for (`Client` of `impl Client`,
/// `Applications` of `impl<'a> Applications<'a>`).
fn impl_type(item: &syn::ItemImpl) -> Option<String> {
    match item.self_ty.as_ref() {
        RustType::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// The public functions of `items`, and the public methods of their
/// `impl` blocks (of the type `of`, or of any).
fn public_functions(items: &[Item], of: Option<&str>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for item in items {
        match item {
            Item::Fn(function) if of.is_none() && matches!(function.vis, Visibility::Public(_)) => {
                found.insert(function.sig.ident.to_string());
            }
            Item::Impl(block) if of.is_none_or(|of| impl_type(block).as_deref() == Some(of)) => {
                for member in &block.items {
                    if let ImplItem::Fn(method) = member
                        && matches!(method.vis, Visibility::Public(_))
                    {
                        found.insert(method.sig.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    found
}

impl ClientCrate {
    pub(super) fn read(root: &Path) -> Result<ClientCrate> {
        let client = root.join(CLIENT);
        let resources = client.join("resources");
        // (whether in a resource file, path): the resource files first, so
        // that their structs win (`sort` puts `false` first).
        let mut files: Vec<(bool, PathBuf)> = Vec::new();
        for path in rust_files(&resources, false)? {
            files.push((false, path));
        }
        // The client's own files, and the inputs it re-exports from the
        // core (`NewApplication`).
        for path in rust_files(&client, false)?
            .into_iter()
            .chain(rust_files(&root.join(CORE), true)?)
        {
            files.push((true, path));
        }
        files.sort();
        let mut crate_ = ClientCrate {
            structs: BTreeMap::new(),
            methods: BTreeMap::new(),
        };
        for (top, path) in files {
            let text =
                std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
            let file = syn::parse_file(&text)
                .with_context(|| format!("{}: not Rust that syn parses", path.display()))?;
            if !top {
                let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                if stem == CLIENT_METHODS {
                    bail!(
                        "{}: a resource file cannot be named `{CLIENT_METHODS}`",
                        path.display()
                    );
                }
                crate_
                    .methods
                    .insert(stem.into_owned(), public_functions(&file.items, None));
            } else if path.starts_with(&client) {
                crate_
                    .methods
                    .entry(CLIENT_METHODS.to_owned())
                    .or_default()
                    .extend(public_functions(&file.items, Some(CLIENT_TYPE)));
            }
            for item in &file.items {
                let Item::Struct(item) = item else { continue };
                let (Visibility::Public(_), Fields::Named(fields)) = (&item.vis, &item.fields)
                else {
                    continue;
                };
                let fields = fields
                    .named
                    .iter()
                    .filter(|field| matches!(field.vis, Visibility::Public(_)))
                    .filter_map(|field| Some(field.ident.as_ref()?.to_string()))
                    .collect();
                // A struct of a resource file is exported at the crate's root.
                crate_
                    .structs
                    .entry(item.ident.to_string())
                    .or_insert((fields, !top));
            }
        }
        Ok(crate_)
    }

    /// The client's own method a call of the client (`me`) makes, or why it
    /// is missing.
    pub(super) fn client_call(&self, operation: &Operation) -> Result<String> {
        if self
            .methods
            .get(CLIENT_METHODS)
            .is_some_and(|found| found.contains(&operation.name))
        {
            return Ok(operation.name.clone());
        }
        bail!(
            "{CLIENT} has no `pub fn {}` in `impl {CLIENT_TYPE}` (spec/sdk.json's client calls it)",
            operation.name
        )
    }

    /// The client's method an operation calls: its own name, a lazy list's
    /// pager `pager` / `<x>_pager` for `list` / `list_<x>`.
    pub(super) fn call(&self, resource: &str, operation: &Operation) -> Result<String> {
        let lazy = matches!(operation.answer, Answer::Lazy(_));
        let name = match operation.name.as_str() {
            name if lazy && name == "list" => "pager".to_owned(),
            name if lazy => match name.strip_prefix("list_") {
                Some(rest) => format!("{rest}_pager"),
                None => bail!("{resource}.{name}: a lazy list is named `list` or `list_<x>`"),
            },
            name => name.to_owned(),
        };
        self.method(resource, name)
    }

    /// The Rust expression calling the client's method of `operation` with
    /// `passed`: on `client.<resource>()` for a resource's operation, on
    /// `client` for the client's own call (`resource` none).
    pub(super) fn call_expression(
        &self,
        resource: Option<&str>,
        operation: &Operation,
        passed: &[String],
    ) -> Result<String> {
        Ok(match resource {
            Some(resource) => format!(
                "client.{resource}().{}({})",
                self.call(resource, operation)?,
                passed.join(", ")
            ),
            None => format!(
                "client.{}({})",
                self.client_call(operation)?,
                passed.join(", ")
            ),
        })
    }

    /// The path of the client's struct `ty`, after checking that it has
    /// exactly the public fields `fields` (else `what` needs the binding's
    /// conversion in `inputs`).
    pub(super) fn input_struct(
        &self,
        ty: &str,
        fields: &[String],
        what: &str,
        inputs: &str,
    ) -> Result<String> {
        let Some((found, at_root)) = self.structs.get(ty) else {
            bail!("{what}: the client has no `pub struct {ty}`");
        };
        let mut expected = fields.to_vec();
        let mut actual = found.clone();
        expected.sort();
        actual.sort();
        if expected != actual {
            bail!(
                "{what}: the client's `{ty}` has the fields {found:?}, the description {fields:?}; \
                 write `inputs::{what}` in {inputs} to convert them"
            );
        }
        Ok(if *at_root {
            format!("latchkey_client::{ty}")
        } else {
            format!("latchkey_client::models::{ty}")
        })
    }

    fn method(&self, resource: &str, name: String) -> Result<String> {
        if self
            .methods
            .get(resource)
            .is_some_and(|found| found.contains(&name))
        {
            return Ok(name);
        }
        bail!(
            "{CLIENT}/resources/{resource}.rs has no `pub fn {name}` (spec/sdk.json's \
             {resource} operation calls it)"
        )
    }
}

/// The Rust type of an id naming a `kind` of object (`access_key` → `AccessKeyId`).
pub(super) fn id_type(kind: &str) -> String {
    let mut out = String::new();
    for word in kind.split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out.push_str("Id");
    out
}

/// The client's name of a value set's type where the description's differs.
pub(super) fn status_type(name: &str) -> &str {
    match name {
        // Listing filters on the status a key shows (expired included).
        "AccessKeyStatus" => "EffectiveKeyStatus",
        // The plan's name: the client's enum of the plans.
        "PlanName" => "Plan",
        other => other,
    }
}

/// `use` lines for `paths`, grouped by module.
pub(super) fn uses(paths: &BTreeSet<String>) -> String {
    let mut modules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in paths {
        let (module, name) = path.rsplit_once("::").unwrap_or(("", path));
        modules.entry(module).or_default().push(name);
    }
    modules
        .iter()
        .map(|(module, names)| match names.as_slice() {
            [one] => format!("use {module}::{one};\n"),
            many => format!("use {module}::{{{}}};\n", many.join(", ")),
        })
        .collect()
}

/// Formats Rust source with the workspace's rustfmt.
pub(super) fn rustfmt(root: &Path, source: &str) -> Result<String> {
    use std::io::Write;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running rustfmt")?;
    child
        .stdin
        .take()
        .context("rustfmt's stdin")?
        .write_all(source.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!("rustfmt refused generated code");
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// The client's typed id of the path argument `name` of `operation`.
pub(super) fn path_id_type(operation: &Operation, name: &str, what: &str) -> Result<String> {
    let kind = operation.ids.get(name).with_context(|| {
        format!("spec/sdk.json: {what}: the path argument `{name}` names no kind of id (`ids`)")
    })?;
    Ok(id_type(kind))
}

/// Writes (or checks) the module at `path` (relative to the root) that
/// `module` writes from the signatures.
pub(super) fn generate(
    files: &mut super::Files,
    path: &str,
    module: fn(&Path, &super::signatures::Signatures) -> Result<String>,
) -> Result<()> {
    let root = files.root().to_path_buf();
    let text = module(&root, &super::signatures::load(&root)?)?;
    files.ensure_file_contents(Path::new(path), text.as_bytes())
}

/// The binding's hand-written conversions in `path` (relative to the
/// root): the names of its `pub(super) fn`s.
pub(super) fn hooks(root: &Path, path: &str) -> Result<BTreeSet<String>> {
    Ok(super::sdk_surface::read(root, path)?
        .lines()
        .filter_map(|line| line.strip_prefix("pub(super) fn "))
        .filter_map(|rest| rest.split(['(', '<']).next())
        .map(str::to_owned)
        .collect())
}

/// Whether `body` calls `helper` itself (`helper` then `open`), not one
/// whose name ends in its (`optional_timestamp` for `timestamp`).
pub(super) fn calls(body: &str, helper: &str, open: &str) -> bool {
    [format!("{helper}{open}"), format!("{helper}::<")]
        .iter()
        .any(|call| {
            body.match_indices(call.as_str())
                .any(|(at, _)| !body[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        })
}

/// A field of the given name, type and requiredness, neither nullable nor
/// clearable nor documented (the generators' tests).
#[cfg(test)]
pub(super) fn field(
    name: &str,
    ty: super::signatures::Type,
    required: bool,
) -> super::signatures::Field {
    super::signatures::Field {
        name: name.into(),
        ty,
        required,
        nullable: false,
        clearable: false,
        doc: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client crate and core at `root`, each file given as (path, text).
    fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for folder in [CORE, CLIENT, &format!("{CLIENT}/resources")] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        }
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        dir
    }

    #[test]
    fn structs_and_methods_are_read_from_the_items_of_the_source() {
        let dir = workspace(&[
            (
                "crates/latchkey-client/src/client.rs",
                "pub struct Client { inner: u8 }\n\
                 impl Client {\n    pub async fn me(&self) -> u8 { 1 }\n    \
                 pub(crate) fn send(&self) {}\n    fn hidden(&self) {}\n}\n\
                 impl Other {\n    pub fn not_the_client(&self) {}\n}\n",
            ),
            (
                "crates/latchkey-client/src/resources/things.rs",
                "pub struct Things<'a> { client: &'a Client }\n\
                 pub struct NewThing {\n    pub name: String,\n    \
                 pub size: Option<u32>,\n    secret: u8,\n}\n\
                 impl<'a> Things<'a> {\n    pub async fn create(\n        &self,\n        \
                 input: &NewThing,\n    ) -> Result<Thing> { todo!() }\n    \
                 pub fn parts_pager<T>(&self) {}\n    fn helper(&self) {}\n}\n\
                 #[cfg(test)]\nmod tests {\n    pub struct Fixture { pub x: u8 }\n}\n",
            ),
            (
                "crates/latchkey-core/src/input.rs",
                "pub struct NewThing { pub other: u8 }\npub struct NewUser { pub email: String }\n",
            ),
        ]);
        let client = ClientCrate::read(dir.path()).unwrap();
        assert_eq!(
            client.methods["things"].iter().collect::<Vec<_>>(),
            ["create", "parts_pager"]
        );
        assert_eq!(
            client.methods[CLIENT_METHODS].iter().collect::<Vec<_>>(),
            ["me"]
        );
        // The resource file's struct wins over the core's of the same name.
        assert_eq!(
            client.structs["NewThing"],
            (vec!["name".to_owned(), "size".to_owned()], true)
        );
        assert_eq!(client.structs["NewUser"], (vec!["email".to_owned()], false));
        assert!(!client.structs.contains_key("Fixture"));
    }

    #[test]
    fn source_syn_cannot_parse_is_an_error_naming_the_file() {
        let dir = workspace(&[("crates/latchkey-client/src/client.rs", "pub fn (")]);
        let error = format!("{:#}", ClientCrate::read(dir.path()).err().unwrap());
        assert!(
            error.contains("client.rs: not Rust that syn parses"),
            "{error}"
        );
    }
}
