//! What the generators of the native methods (`python_native.rs`,
//! `node_native.rs`) share: the Rust client's structs and methods read from
//! its source (so that a call or an input the client lacks fails codegen by
//! name), its typed ids, the hand-written conversions of a binding, and
//! rustfmt.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::signatures::{Answer, Operation};

/// The Rust client's sources, relative to the root.
const CLIENT: &str = "crates/latchkey-client/src";
/// The core's sources, whose request types the client re-exports.
const CORE: &str = "crates/latchkey-core/src";

/// The client's structs (name → public fields) and each resource file's
/// methods, read from its source.
pub(super) struct ClientCrate {
    pub(super) structs: BTreeMap<String, (Vec<String>, bool)>,
    pub(super) methods: BTreeMap<String, BTreeSet<String>>,
}

impl ClientCrate {
    pub(super) fn read(root: &Path) -> Result<ClientCrate> {
        let mut structs = BTreeMap::new();
        let mut methods = BTreeMap::new();
        let mut files = Vec::new();
        for folder in ["", "resources"] {
            let dir = root.join(CLIENT).join(folder);
            for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
                let path = entry?.path();
                if path.extension().is_some_and(|ext| ext == "rs") {
                    files.push((folder.is_empty(), path));
                }
            }
        }
        // The inputs the client re-exports from the core (`NewApplication`).
        let mut folders = vec![root.join(CORE)];
        while let Some(dir) = folders.pop() {
            for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
                let path = entry?.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    files.push((true, path));
                }
            }
        }
        files.sort();
        for (top, path) in files {
            let text =
                std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
            if !top && path.starts_with(root.join(CLIENT)) {
                let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                let found = text
                    .lines()
                    .filter_map(|line| {
                        let line = line.trim_start();
                        let rest = line
                            .strip_prefix("pub async fn ")
                            .or_else(|| line.strip_prefix("pub fn "))?;
                        Some(rest.split(['(', '<']).next()?.to_owned())
                    })
                    .collect();
                methods.insert(stem.into_owned(), found);
            }
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                let Some(rest) = line.strip_prefix("pub struct ") else {
                    continue;
                };
                let Some(name) = rest.strip_suffix(" {") else {
                    continue;
                };
                let mut fields = Vec::new();
                for line in lines.by_ref() {
                    if line == "}" {
                        break;
                    }
                    if let Some(field) = line.trim_start().strip_prefix("pub ") {
                        fields.push(field.split(':').next().unwrap_or_default().to_owned());
                    }
                }
                // A struct of a resource file is exported at the crate's root.
                structs.entry(name.to_owned()).or_insert((fields, !top));
            }
        }
        Ok(ClientCrate { structs, methods })
    }

    /// The client's method `name` of `resource`, or why it is missing.
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

/// The client's name of a status filter's type where the description's differs.
pub(super) fn status_type(name: &str) -> &str {
    match name {
        // Listing filters on the status a key shows (expired included).
        "AccessKeyStatus" => "EffectiveKeyStatus",
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
