//! The parity check of the SDKs: each SDK's public surface (the client's
//! calls, each resource's operations, the JWT toolkit's functions, the API
//! error classes) is read from its sources, written as a manifest
//! (`spec/sdk-surface/<language>.txt`, one call per line under the names of
//! `spec/sdk.json`) and compared with the one description, `spec/sdk.json`:
//! a call the description has and an SDK lacks, or one an SDK has and the
//! description neither has nor declares as that language's extra, fails
//! `cargo xtask check` and `cargo xtask codegen` alike.
//!
//! The sources are read as text, not built, so that the check runs before
//! any binding is compiled and covers Swift, which cannot be compiled here:
//! Python's `_client.py`, `jwt.py` and `_errors.py`; Node's `lib/`; the
//! generated Kotlin and the Swift public-API snapshot with their
//! hand-written `Pages`/`Jwt` layers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::Files;

/// The one description, relative to the root.
pub const DESCRIPTION: &str = "spec/sdk.json";
/// Where the manifests go.
const MANIFESTS: &str = "spec/sdk-surface";
/// The server's OpenAPI document (written by the `openapi` generator, which
/// runs before this one).
const OPENAPI: &str = "spec/openapi.json";
/// The languages, as named in the description.
const LANGUAGES: [&str; 4] = ["python", "node", "kotlin", "swift"];

/// What the description promises, in its own names.
struct Description {
    client: Vec<String>,
    /// Resource → operations.
    resources: BTreeMap<String, Vec<String>>,
    /// Canonical JWT function → language → name there.
    jwt: BTreeMap<String, BTreeMap<String, String>>,
    /// Canonical API error class → language → name there.
    errors: BTreeMap<String, BTreeMap<String, String>>,
    /// Language → declared extra lines (`client aclose`, `* pager`).
    extras: BTreeMap<String, BTreeSet<String>>,
    /// Every HTTP call an operation makes (`GET /v3/applications/{}`).
    calls: BTreeSet<String>,
    /// Operations of the server no SDK makes, and calls of the SDKs the
    /// OpenAPI document does not list, each with its reason.
    not_in_sdks: BTreeSet<String>,
    outside_openapi: BTreeSet<String>,
}

/// `GET /v3/applications/{id} (…)` → `GET /v3/applications/{}`; `None` for
/// a call that makes no request (`local: …`).
fn http_call(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let method = words.next()?;
    let path = words.next()?;
    if !matches!(method, "GET" | "POST" | "PUT" | "DELETE" | "PATCH") {
        return None;
    }
    Some(format!("{method} {}", normalize_path(path)))
}

/// The HTTP call of an operation: its text, or the `http` of its signature
/// (`{"http": "GET /v3/…", "doc": …}`).
pub fn http_of(operation: &Value) -> Option<&str> {
    operation
        .as_str()
        .or_else(|| operation.get("http").and_then(Value::as_str))
}

/// A path with every parameter written `{}`.
pub fn normalize_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                out.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            _ => out.push(c),
        }
    }
    out
}

fn keys(value: &Value, what: &str) -> Result<Vec<String>> {
    Ok(value
        .as_object()
        .with_context(|| format!("{DESCRIPTION}: {what} is not an object"))?
        .keys()
        .filter(|key| !key.starts_with('$'))
        .cloned()
        .collect())
}

fn names(value: &Value, what: &str) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    let mut all = BTreeMap::new();
    for key in keys(value, what)? {
        let mut per_language = BTreeMap::new();
        for language in LANGUAGES {
            let name = value[&key][language]
                .as_str()
                .with_context(|| format!("{DESCRIPTION}: {what}.{key} has no {language} name"))?;
            per_language.insert(language.to_owned(), name.to_owned());
        }
        all.insert(key, per_language);
    }
    Ok(all)
}

impl Description {
    fn parse(text: &str) -> Result<Description> {
        let value: Value = serde_json::from_str(text).context(DESCRIPTION)?;
        let mut resources = BTreeMap::new();
        for resource in keys(&value["resources"], "resources")? {
            let operations = keys(&value["resources"][&resource], &resource)?;
            resources.insert(resource, operations);
        }
        let mut extras = BTreeMap::new();
        for language in LANGUAGES {
            let declared = match value["extras"].get(language) {
                Some(declared) => keys(declared, "extras")?.into_iter().collect(),
                None => BTreeSet::new(),
            };
            extras.insert(language.to_owned(), declared);
        }
        let mut calls = BTreeSet::new();
        for call in value["client"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            calls.extend(http_of(call).and_then(http_call));
        }
        for operations in value["resources"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            for operation in operations.as_object().into_iter().flat_map(|o| o.values()) {
                calls.extend(http_of(operation).and_then(http_call));
            }
        }
        let declared = |section: &str| -> Result<BTreeSet<String>> {
            Ok(match value.get(section) {
                Some(declared) => keys(declared, section)?
                    .iter()
                    .filter_map(|call| http_call(call))
                    .collect(),
                None => BTreeSet::new(),
            })
        };
        Ok(Description {
            calls,
            not_in_sdks: declared("not_in_sdks")?,
            outside_openapi: declared("outside_openapi")?,
            client: keys(&value["client"], "client")?,
            resources,
            jwt: names(&value["jwt"], "jwt")?,
            errors: names(&value["api_errors"], "api_errors")?,
            extras,
        })
    }

    /// Every line an SDK's manifest must have.
    fn expected(&self) -> BTreeSet<String> {
        let mut lines = BTreeSet::new();
        for call in &self.client {
            lines.insert(format!("client {call}"));
        }
        for (resource, operations) in &self.resources {
            for operation in operations {
                lines.insert(format!("{resource} {operation}"));
            }
        }
        for function in self.jwt.keys() {
            lines.insert(format!("jwt {function}"));
        }
        for class in self.errors.keys() {
            lines.insert(format!("error {class}"));
        }
        lines
    }

    /// The canonical name of `name`, a JWT function of `language`.
    fn jwt_function(&self, language: &str, name: &str) -> String {
        self.jwt
            .iter()
            .find(|(_, names)| names[language] == name)
            .map_or_else(|| snake(name), |(canonical, _)| canonical.clone())
    }

    /// The canonical name of `name`, an API error class of `language`.
    fn error_class(&self, language: &str, name: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(_, names)| names[language] == name)
            .map(|(canonical, _)| canonical.clone())
    }

    /// The resource of a class or interface named `type_name`
    /// (`AsyncAccessKeys` → `access_keys`), if it is one.
    fn resource_of(&self, type_name: &str) -> Option<String> {
        let name = snake(type_name.strip_prefix("Async").unwrap_or(type_name));
        self.resources.contains_key(&name).then_some(name)
    }
}

/// `listAccountPage` → `list_account_page`; `PolicyGroups` →
/// `policy_groups`; an acronym is one word (`toJSON` → `to_json`).
fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            let after_lower = !chars[index - 1].is_ascii_uppercase();
            let before_lower = chars
                .get(index + 1)
                .is_some_and(|next| next.is_ascii_lowercase());
            if after_lower || before_lower {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The identifier at the start of `text` (letters, digits, `_`).
fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The text of `path` (relative to `root`), its name in the error.
pub fn read(root: &Path, path: &str) -> Result<String> {
    std::fs::read_to_string(root.join(path)).with_context(|| format!("reading {path}"))
}

/// One SDK's surface as manifest lines, in the description's names.
type Manifest = BTreeSet<String>;

/// Reads one SDK's manifest from its sources.
type Reader = fn(&Path, &Description) -> Result<Manifest>;

fn python(root: &Path, description: &Description) -> Result<Manifest> {
    let mut manifest = Manifest::new();
    let client = read(root, "bindings/python/python/latchkey/_client.py")?;
    let mut class: Option<String> = None;
    let mut property = false;
    for line in client.lines() {
        if let Some(rest) = line.strip_prefix("class ") {
            class = Some(identifier(rest).to_owned());
            continue;
        }
        let trimmed = line.trim_start();
        if line.starts_with("    @property") {
            property = true;
            continue;
        }
        let Some(rest) = line
            .strip_prefix("    def ")
            .or_else(|| line.strip_prefix("    async def "))
        else {
            if !trimmed.starts_with('@') {
                property = false;
            }
            continue;
        };
        let name = identifier(rest);
        let was_property = std::mem::take(&mut property);
        if name.starts_with('_') || was_property {
            continue;
        }
        match class.as_deref() {
            Some("Client" | "AsyncClient") => {
                manifest.insert(format!("client {name}"));
            }
            Some(other) => {
                if let Some(resource) = description.resource_of(other) {
                    manifest.insert(format!("{resource} {name}"));
                }
            }
            None => {}
        }
    }
    // The toolkit: the lowercase names `latchkey.jwt` exports.
    let jwt = read(root, "bindings/python/python/latchkey/jwt.py")?;
    let all = jwt
        .split_once("__all__ = [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .context("jwt.py has no __all__")?
        .0;
    for name in all.split(',').map(|item| item.trim().trim_matches('"')) {
        if name.starts_with(|c: char| c.is_ascii_lowercase()) {
            manifest.insert(format!("jwt {}", description.jwt_function("python", name)));
        }
    }
    let errors = read(root, "bindings/python/python/latchkey/_errors.py")?;
    api_errors(
        &mut manifest,
        description,
        "python",
        errors.lines().filter_map(|line| {
            let rest = line.strip_prefix("class ")?;
            let (name, bases) = rest.split_once('(')?;
            let base = identifier(bases.trim());
            Some((name.to_owned(), base.to_owned()))
        }),
    )?;
    Ok(manifest)
}

/// Adds `error <class>` for every class descending from the language's
/// `other` class (its `ApiError`), given each class's first base.
fn api_errors(
    manifest: &mut Manifest,
    description: &Description,
    language: &str,
    classes: impl Iterator<Item = (String, String)>,
) -> Result<()> {
    let root_class = &description
        .errors
        .get("other")
        .context("api_errors has no `other`")?[language];
    let bases: BTreeMap<String, String> = classes.collect();
    for name in bases.keys() {
        let mut at = name.as_str();
        let descends = loop {
            if at == root_class {
                break true;
            }
            match bases.get(at) {
                Some(base) => at = base,
                None => break false,
            }
        };
        if descends {
            let class = description
                .error_class(language, name)
                .unwrap_or_else(|| format!("?{name}"));
            manifest.insert(format!("error {class}"));
        }
    }
    Ok(())
}

fn node(root: &Path, description: &Description) -> Result<Manifest> {
    let mut manifest = Manifest::new();
    for path in [
        "bindings/node/lib/client/index.cjs",
        "bindings/node/lib/client/resources.cjs",
    ] {
        let source = read(root, path)?;
        let mut class: Option<String> = None;
        for line in source.lines() {
            if let Some(rest) = line.strip_prefix("class ") {
                class = Some(identifier(rest).to_owned());
                continue;
            }
            if line.starts_with('}') {
                class = None;
                continue;
            }
            let Some(rest) = line.strip_prefix("  ") else {
                continue;
            };
            let rest = rest.strip_prefix("async ").unwrap_or(rest);
            let name = identifier(rest);
            // Getters (`get baseUrl() {`) are not followed by `(`.
            if name.is_empty() || !rest[name.len()..].starts_with('(') || name == "constructor" {
                continue;
            }
            match class.as_deref() {
                // `Client` extends the generated `ClientCalls` (resources.cjs).
                Some("Client" | "ClientCalls") => {
                    manifest.insert(format!("client {}", snake(name)));
                }
                Some(other) => {
                    if let Some(resource) = description.resource_of(other) {
                        manifest.insert(format!("{resource} {}", snake(name)));
                    }
                }
                None => {}
            }
        }
    }
    let jwt = read(root, "bindings/node/lib/jwt.cjs")?;
    let exports = jwt
        .rsplit_once("module.exports = {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .context("jwt.cjs has no module.exports")?
        .0;
    for name in exports.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        manifest.insert(format!("jwt {}", description.jwt_function("node", name)));
    }
    let errors = read(root, "bindings/node/lib/errors.cjs")?;
    api_errors(
        &mut manifest,
        description,
        "node",
        errors.lines().filter_map(|line| {
            let rest = line.strip_prefix("class ")?;
            let (name, base) = rest.split_once(" extends ")?;
            Some((name.to_owned(), identifier(base).to_owned()))
        }),
    )?;
    Ok(manifest)
}

/// Records `name` of the client or of a resource type (`Applications`,
/// `LatchkeyClient`), skipping the client's resource accessors.
fn member(manifest: &mut Manifest, description: &Description, owner: &str, name: &str) {
    let name = snake(name);
    if owner == "LatchkeyClient" {
        if !description.resources.contains_key(&name) {
            manifest.insert(format!("client {name}"));
        }
    } else if let Some(resource) = description.resource_of(owner) {
        manifest.insert(format!("{resource} {name}"));
    }
}

/// The variants of an exported error enum: lines `prefix Name(` between
/// `start` and the next line that is `}`.
fn variants<'a>(source: &'a str, start: &str, prefix: &str) -> Result<Vec<&'a str>> {
    let at = source
        .find(start)
        .with_context(|| format!("no `{start}` in the generated source"))?;
    Ok(source[at..]
        .lines()
        .skip(1)
        .take_while(|line| *line != "}")
        .filter_map(|line| line.strip_prefix(prefix).map(identifier))
        .collect())
}

fn uniffi_errors(
    manifest: &mut Manifest,
    description: &Description,
    language: &str,
    variants: &[&str],
) {
    for (class, names) in &description.errors {
        if variants.contains(&names[language].as_str()) {
            manifest.insert(format!("error {class}"));
        }
    }
}

/// The classes under the generated `LatchkeyException` that extend
/// `ApiException` (`class NotFound(` … `) : ApiException() {`).
fn kotlin_api_kinds(source: &str) -> Result<Vec<&str>> {
    let at = source
        .find("sealed class LatchkeyException")
        .context("no `sealed class LatchkeyException` in the generated source")?;
    let mut kinds = Vec::new();
    let mut class = None;
    for line in source[at..].lines().skip(1).take_while(|line| *line != "}") {
        if let Some(rest) = line.strip_prefix("    class ") {
            class = Some(identifier(rest));
        } else if line.starts_with("        ) : ApiException()")
            && let Some(name) = class.take()
        {
            kinds.push(name);
        }
    }
    Ok(kinds)
}

fn kotlin(root: &Path, description: &Description) -> Result<Manifest> {
    let mut manifest = Manifest::new();
    let generated = read(root, super::uniffi::KOTLIN_FILE)?;
    let mut owner: Option<&str> = None;
    for line in generated.lines() {
        if let Some(rest) = line.strip_prefix("public interface ") {
            owner = identifier(rest).strip_suffix("Interface");
            continue;
        }
        if line.starts_with('}') {
            owner = None;
            continue;
        }
        if let (Some(owner), Some(at)) = (owner, line.find("fun `")) {
            member(
                &mut manifest,
                description,
                owner,
                identifier(&line[at + 5..]),
            );
        }
    }
    // Every generated object is `AutoCloseable`: the client's `close()`.
    if generated.contains("open class LatchkeyClient: Disposable, AutoCloseable") {
        manifest.insert("client close".to_owned());
    }
    let pages = read(root, super::lists::KOTLIN_LISTS)?;
    for line in pages.lines() {
        if let Some(rest) = line.strip_prefix("fun ")
            && let Some((owner, name)) = rest.split_once('.')
        {
            let owner = owner.strip_suffix("Interface").unwrap_or(owner);
            member(&mut manifest, description, owner, identifier(name));
        }
    }
    let jwt = read(root, "bindings/kotlin/src/main/kotlin/dev/latchkey/Jwt.kt")?;
    let body = jwt
        .split_once("object Jwt {")
        .context("Jwt.kt has no object Jwt")?
        .1;
    for line in body.lines().take_while(|line| *line != "}") {
        if let Some(rest) = line.strip_prefix("    fun ") {
            let name = identifier(rest);
            manifest.insert(format!("jwt {}", description.jwt_function("kotlin", name)));
        }
    }
    // API error kinds count only as subclasses of the sealed `ApiException`
    // (Errors.kt), the common parent SDK.md asks for.
    let errors = read(
        root,
        "bindings/kotlin/src/main/kotlin/dev/latchkey/Errors.kt",
    )?;
    if !errors.contains("sealed class ApiException : LatchkeyException()") {
        bail!("Errors.kt has no `sealed class ApiException : LatchkeyException()`");
    }
    let found = kotlin_api_kinds(&generated)?;
    uniffi_errors(&mut manifest, description, "kotlin", &found);
    Ok(manifest)
}

fn swift(root: &Path, description: &Description) -> Result<Manifest> {
    let mut manifest = Manifest::new();
    let surface = read(root, "bindings/swift/public-api.txt")?;
    let mut owner: Option<&str> = None;
    for line in surface.lines() {
        if let Some(rest) = line.strip_prefix("open class ") {
            owner = Some(identifier(rest));
            continue;
        }
        if !line.starts_with(' ') {
            owner = None;
            continue;
        }
        if let (Some(owner), Some(rest)) = (owner, line.strip_prefix("    open func ")) {
            member(&mut manifest, description, owner, identifier(rest));
        }
    }
    // The hand-written layer: extensions of the generated types.
    for path in [
        super::lists::SWIFT_LISTS,
        "bindings/swift/Sources/Latchkey/Client.swift",
    ] {
        let source = read(root, path)?;
        let mut owner: Option<&str> = None;
        for line in source.lines() {
            if let Some(rest) = line.strip_prefix("extension ") {
                let name = identifier(rest);
                owner = Some(name.strip_suffix("Protocol").unwrap_or(name));
                continue;
            }
            if line.starts_with('}') {
                owner = None;
                continue;
            }
            if let (Some(owner), Some(rest)) = (owner, line.strip_prefix("    public func ")) {
                member(&mut manifest, description, owner, identifier(rest));
            }
        }
    }
    let jwt = read(root, "bindings/swift/Sources/Latchkey/Jwt.swift")?;
    let body = jwt
        .split_once("public enum Jwt {")
        .context("Jwt.swift has no enum Jwt")?
        .1;
    for line in body.lines().take_while(|line| *line != "}") {
        if let Some(rest) = line.strip_prefix("    public static func ") {
            let name = identifier(rest);
            manifest.insert(format!("jwt {}", description.jwt_function("swift", name)));
        }
    }
    let generated = read(root, "bindings/swift/Sources/Latchkey/Latchkey.swift")?;
    // uniffi writes `public` on a line of its own above this one.
    let found = variants(&generated, "enum LatchkeyError", "    case ")?;
    uniffi_errors(&mut manifest, description, "swift", &found);
    Ok(manifest)
}

/// What `manifest` lacks of the description, and what it has beyond it and
/// the language's declared extras (`* name` allows `name` on any resource).
fn differences(
    description: &Description,
    language: &str,
    manifest: &Manifest,
) -> (Vec<String>, Vec<String>) {
    let expected = description.expected();
    let extras = &description.extras[language];
    let missing = expected.difference(manifest).cloned().collect();
    let extra = manifest
        .difference(&expected)
        .filter(|line| {
            let operation = line.split_once(' ').map_or("", |(_, op)| op);
            !extras.contains(*line) && !extras.contains(&format!("* {operation}"))
        })
        .cloned()
        .collect();
    (missing, extra)
}

/// The operations of the OpenAPI document, as `METHOD /path/{}`.
fn openapi_calls(text: &str) -> Result<BTreeSet<String>> {
    let document: Value = serde_json::from_str(text).context(OPENAPI)?;
    let paths = document["paths"]
        .as_object()
        .with_context(|| format!("{OPENAPI} has no paths"))?;
    let mut calls = BTreeSet::new();
    for (path, operations) in paths {
        for method in operations.as_object().into_iter().flat_map(|o| o.keys()) {
            let method = method.to_ascii_uppercase();
            if matches!(method.as_str(), "GET" | "POST" | "PUT" | "DELETE" | "PATCH") {
                calls.insert(format!("{method} {}", normalize_path(path)));
            }
        }
    }
    Ok(calls)
}

/// What the server has that the description lacks, and what the description
/// calls that the server does not document, declared exceptions aside.
fn server_differences(
    description: &Description,
    openapi: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let unused = openapi
        .iter()
        .filter(|call| {
            !description.calls.contains(*call) && !description.not_in_sdks.contains(*call)
        })
        .cloned()
        .collect();
    let unknown = description
        .calls
        .iter()
        .filter(|call| !openapi.contains(*call) && !description.outside_openapi.contains(*call))
        .cloned()
        .collect();
    (unused, unknown)
}

/// Writes (or checks) each manifest, then fails when any SDK differs from
/// the description, or the description from the server's OpenAPI document.
pub fn generate(files: &mut Files) -> Result<()> {
    let root = files.root().to_path_buf();
    let description = Description::parse(&read(&root, DESCRIPTION)?)?;
    let (unused, unknown) =
        server_differences(&description, &openapi_calls(&read(&root, OPENAPI)?)?);
    let mut problems = Vec::new();
    if !unused.is_empty() {
        problems.push(format!(
            "the server has operations no SDK makes ({DESCRIPTION} has no operation calling them, nor lists them in not_in_sdks): {}",
            unused.join(", ")
        ));
    }
    if !unknown.is_empty() {
        problems.push(format!(
            "{DESCRIPTION} calls what {OPENAPI} does not have: {}",
            unknown.join(", ")
        ));
    }
    let readers: [(&str, Reader); 4] = [
        ("python", python),
        ("node", node),
        ("kotlin", kotlin),
        ("swift", swift),
    ];
    for (language, reader) in readers {
        let manifest = reader(&root, &description)?;
        let mut text = format!(
            "# The public surface of the {language} SDK under the names of {DESCRIPTION}\n# (written by `cargo xtask codegen`; checked by `cargo xtask check` against {DESCRIPTION}).\n"
        );
        for line in &manifest {
            text.push_str(line);
            text.push('\n');
        }
        files.ensure_file_contents(
            &Path::new(MANIFESTS).join(format!("{language}.txt")),
            text.as_bytes(),
        )?;
        let (missing, extra) = differences(&description, language, &manifest);
        if !missing.is_empty() {
            problems.push(format!("{language} lacks: {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            problems.push(format!(
                "{language} has, beyond {DESCRIPTION} and its declared extras: {}",
                extra.join(", ")
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "the SDKs, the one description and the server differ:\n  {}\nadd the call to the server, the client, {DESCRIPTION} and every SDK",
            problems.join("\n  ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description() -> Description {
        Description::parse(
            r#"{
              "client": { "me": "GET /v3/me" },
              "resources": { "access_keys": { "list_page": "GET", "set_status": "PUT" } },
              "jwt": { "sign": { "python": "encode", "node": "sign", "kotlin": "sign", "swift": "sign" } },
              "api_errors": {
                "not_found": { "python": "NotFoundError", "node": "NotFoundError", "kotlin": "NotFound", "swift": "NotFound" },
                "other": { "python": "ApiError", "node": "ApiError", "kotlin": "Api", "swift": "Api" }
              },
              "extras": { "kotlin": { "* pager": "why" } }
            }"#,
        )
        .unwrap()
    }

    #[test]
    fn the_description_and_the_server_must_agree() {
        let description = Description::parse(
            r#"{
              "client": { "me": "GET /v3/me", "close": "local: no request" },
              "resources": { "things": { "get": "GET /v3/things/{thing_id} (one)" } },
              "jwt": {}, "api_errors": {},
              "not_in_sdks": { "GET /ready": "a probe" },
              "outside_openapi": { "GET /openapi.json": "the document itself" }
            }"#,
        )
        .unwrap();
        let openapi: BTreeSet<String> = [
            "GET /v3/me",
            "GET /v3/things/{}",
            "GET /ready",
            "POST /v3/things",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let (unused, unknown) = server_differences(&description, &openapi);
        assert_eq!(unused, ["POST /v3/things"]);
        assert!(unknown.is_empty());
        let (_, unknown) = server_differences(&description, &BTreeSet::new());
        assert_eq!(unknown, ["GET /v3/me", "GET /v3/things/{}"]);
        assert_eq!(
            http_call("PUT /v3/a/{id}/b/{key_id} {status: revoked}").unwrap(),
            "PUT /v3/a/{}/b/{}"
        );
        assert_eq!(http_call("local: drops the connections"), None);
    }

    #[test]
    fn names_become_snake_case() {
        assert_eq!(snake("listAccountPage"), "list_account_page");
        assert_eq!(snake("PolicyGroups"), "policy_groups");
        assert_eq!(snake("me"), "me");
        assert_eq!(snake("toJSON"), "to_json");
        assert_eq!(snake("JSONValue"), "json_value");
    }

    #[test]
    fn a_missing_call_and_an_undeclared_extra_are_both_found() {
        let description = description();
        assert_eq!(
            description.resource_of("AsyncAccessKeys").as_deref(),
            Some("access_keys")
        );
        assert_eq!(description.jwt_function("python", "encode"), "sign");
        let manifest: Manifest = [
            "client me",
            "access_keys list_page",
            "access_keys pager",
            "access_keys roll",
            "jwt sign",
            "error not_found",
            "error other",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let (missing, extra) = differences(&description, "kotlin", &manifest);
        assert_eq!(missing, ["access_keys set_status"]);
        assert_eq!(extra, ["access_keys roll"], "`* pager` is declared");
        let (_, extra) = differences(&description, "python", &manifest);
        assert_eq!(extra, ["access_keys pager", "access_keys roll"]);
    }

    #[test]
    fn api_error_classes_are_found_through_their_bases() {
        let description = description();
        let mut manifest = Manifest::new();
        let classes = [
            ("ApiError", "LatchkeyError"),
            ("NotFoundError", "ApiError"),
            ("Teapot", "NotFoundError"),
            ("DecodeError", "LatchkeyError"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()));
        api_errors(&mut manifest, &description, "python", classes.into_iter()).unwrap();
        assert_eq!(
            manifest.into_iter().collect::<Vec<_>>(),
            ["error ?Teapot", "error not_found", "error other"]
        );
    }
}
