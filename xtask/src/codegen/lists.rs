//! Kotlin's and Swift's lazy lists, written from the generated bindings:
//! every pager the uniffi library exports (`pager`, `accountPager`,
//! `applicationsPager`, …, each returning an `XPager` whose `nextPage()`
//! gives a page of `X`) becomes a `list…` with the same parameters — a
//! `Flow<X>` extension in Kotlin (`Lists.kt`), an `AsyncSequence` in Swift
//! (`Lists.swift`) — documented with its operation's doc in
//! `spec/sdk.json`. A list added to the Rust client and described there
//! needs no hand-written Kotlin or Swift (its pager is generated too,
//! [`super::uniffi_native`]).

use serde_json::Value;

/// The Kotlin file, relative to the root.
pub const KOTLIN_LISTS: &str = "bindings/kotlin/src/main/kotlin/dev/latchkey/Lists.kt";
/// The Swift file, relative to the root.
pub const SWIFT_LISTS: &str = "bindings/swift/Sources/Latchkey/Lists.swift";

/// One exported pager: who has it, its name and parameters, what it pages.
#[derive(Debug, PartialEq, Eq)]
struct Pager {
    /// The resource type (`Applications`).
    owner: String,
    /// The pager method (`accountPager`).
    method: String,
    /// Its parameters as declared, defaults included.
    parameters: String,
    /// The item type (`AccessKey` of `AccessKeyPager`).
    item: String,
}

impl Pager {
    /// The list's name: `pager` → `list`, `accountPager` → `listAccount`.
    fn list_name(&self) -> String {
        if self.method == "pager" {
            return "list".to_owned();
        }
        let stem = self.method.strip_suffix("Pager").unwrap_or(&self.method);
        let mut chars = stem.chars();
        match chars.next() {
            Some(first) => format!("list{}{}", first.to_ascii_uppercase(), chars.as_str()),
            None => "list".to_owned(),
        }
    }

    /// The parameter names, in order.
    fn names(&self) -> Vec<String> {
        split_parameters(&self.parameters)
            .iter()
            .filter_map(|parameter| parameter.split_once(':'))
            .map(|(name, _)| name.trim().to_owned())
            .collect()
    }
}

/// Parameters split at top-level commas (a default may hold none here, but
/// generic types could).
fn split_parameters(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts
}

/// What `spec/sdk.json` says the list does (its operation's neutral doc,
/// code spans as Kotlin and Swift name them), for the doc comment.
fn documentation(description: &Value, pager: &Pager) -> String {
    let resource = super::models::snake(&pager.owner);
    let operation = super::models::snake(&pager.list_name());
    let errors = super::uniffi_native::error_names(description).unwrap_or_default();
    match description["resources"][&resource][&operation]["doc"].as_str() {
        Some(text) => super::uniffi_native::kotlin_text(text, &errors),
        None => format!("Every item of the pages of `{}`.", pager.method),
    }
}

/// The pager of a declaration `(method)(parameters): ReturnType`, if the
/// return type is a pager.
fn pager_of(owner: &str, method: &str, parameters: &str, returns: &str) -> Option<Pager> {
    let item = returns.trim().strip_suffix("Pager")?;
    (method == "pager" || method.ends_with("Pager")).then(|| Pager {
        owner: owner.to_owned(),
        method: method.to_owned(),
        parameters: parameters.to_owned(),
        item: item.to_owned(),
    })
}

/// The pagers of the generated Kotlin: `fun \`pager\`(…): XPager` lines of
/// each `public interface YInterface`.
fn kotlin_pagers(kotlin: &str) -> Vec<Pager> {
    let mut pagers = Vec::new();
    let mut owner: Option<&str> = None;
    for line in kotlin.lines() {
        if let Some(rest) = line.strip_prefix("public interface ") {
            owner = rest
                .split_whitespace()
                .next()
                .and_then(|name| name.strip_suffix("Interface"));
            continue;
        }
        if line.starts_with('}') {
            owner = None;
            continue;
        }
        let (Some(owner), Some(rest)) = (owner, line.trim_start().strip_prefix("fun `")) else {
            continue;
        };
        let Some((method, rest)) = rest.split_once("`(") else {
            continue;
        };
        let Some((parameters, returns)) = rest.rsplit_once("):") else {
            continue;
        };
        pagers.extend(pager_of(owner, method, parameters, returns));
    }
    pagers
}

/// The pagers of the Swift public surface: `open func pager(…)throws  ->
/// XPager` lines under each `open class Y`.
fn swift_pagers(surface: &str) -> Vec<Pager> {
    let mut pagers = Vec::new();
    let mut owner: Option<&str> = None;
    for line in surface.lines() {
        if let Some(rest) = line.strip_prefix("open class ") {
            owner = rest.split([':', ' ']).next();
            continue;
        }
        if !line.starts_with(' ') {
            owner = None;
            continue;
        }
        let (Some(owner), Some(rest)) = (owner, line.trim_start().strip_prefix("open func "))
        else {
            continue;
        };
        let Some((method, rest)) = rest.split_once('(') else {
            continue;
        };
        let Some((parameters, returns)) = rest.rsplit_once(")throws  ->") else {
            continue;
        };
        pagers.extend(pager_of(owner, method, parameters, returns));
    }
    pagers
}

const HEADER: &str =
    "written by `cargo xtask codegen` from the exported pagers and spec/sdk.json; do not edit";

/// `Lists.kt`: a `Flow` extension per pager.
pub fn kotlin(generated: &str, description: &Value) -> String {
    let mut out = format!(
        "// Every lazy list of the Kotlin SDK ({HEADER}).\n\npackage dev.latchkey\n\nimport kotlinx.coroutines.flow.Flow\n"
    );
    for pager in kotlin_pagers(generated) {
        let arguments = pager
            .names()
            .iter()
            .map(|name| name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "\n/** {doc} Fetched page by page as the flow is collected (see [pages]). */\nfun {owner}Interface.{list}({parameters}): Flow<{item}> =\n    pages({{ `{method}`({arguments}) }}) {{ it.nextPage()?.data }}\n",
            doc = documentation(description, &pager),
            owner = pager.owner,
            list = pager.list_name(),
            parameters = pager.parameters,
            item = pager.item,
            method = pager.method,
        ));
    }
    out
}

/// `Lists.swift`: an `AsyncSequence` per pager.
pub fn swift(surface: &str, description: &Value) -> String {
    let mut out = format!("// Every lazy list of the Swift SDK ({HEADER}).\n\nimport Foundation\n");
    for pager in swift_pagers(surface) {
        let arguments = pager
            .names()
            .iter()
            .map(|name| format!("{name}: {name}"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "\nextension {owner}Protocol {{\n    /// {doc} Fetched page by page as iterated (see `Pages`).\n    public func {list}({parameters}) -> Pages<{item}> {{\n        Pages {{ [self] in\n            let pager = try self.{method}({arguments})\n            return {{ try await pager.nextPage()?.data }}\n        }}\n    }}\n}}\n",
            doc = documentation(description, &pager),
            owner = pager.owner,
            list = pager.list_name(),
            parameters = pager.parameters,
            item = pager.item,
            method = pager.method,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kotlin_pagers_become_flows_named_after_them() {
        let generated = "\
public interface PolicyGroupsInterface {
    fun `applicationsPager`(`id`: kotlin.String, `options`: ListOptions? = null): ApplicationPager
    suspend fun `listPage`(`options`: ListOptions? = null): PolicyGroupPage
    fun `pager`(`options`: ListOptions? = null): PolicyGroupPager
}
open class PolicyGroups {
    override fun `pager`(`options`: ListOptions?): PolicyGroupPager {
";
        let description = serde_json::json!({
            "resources": { "policy_groups": { "list_applications": {
                "http": "GET /v3/policy-groups/{id}/applications",
                "doc": "The applications in the group `group_id`."
            } } }
        });
        let out = kotlin(generated, &description);
        assert!(out.contains(
            "fun PolicyGroupsInterface.listApplications(`id`: kotlin.String, `options`: ListOptions? = null): Flow<Application> =\n    pages({ `applicationsPager`(`id`, `options`) }) { it.nextPage()?.data }"
        ), "{out}");
        assert!(
            out.contains("/** The applications in the group `groupId`. Fetched page by page"),
            "the operation's doc, in Kotlin's names: {out}"
        );
        assert!(out.contains(
            "fun PolicyGroupsInterface.list(`options`: ListOptions? = null): Flow<PolicyGroup>"
        ));
        assert_eq!(
            out.matches("\nfun ").count(),
            2,
            "the class's override is not read: {out}"
        );
    }

    #[test]
    fn swift_pagers_become_sequences_with_labelled_calls() {
        let surface = "\
open class AccessKeys: AccessKeysProtocol, @unchecked Sendable
    open func accountPager(applicationId: String? = nil, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil)throws  -> AccessKeyPager
    open func listPage(applicationId: String)async throws  -> AccessKeyPage
public protocol UsersProtocol: AnyObject, Sendable
";
        let out = swift(surface, &Value::Null);
        assert!(out.contains("extension AccessKeysProtocol {"), "{out}");
        assert!(out.contains(
            "public func listAccount(applicationId: String? = nil, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil) -> Pages<AccessKey>"
        ), "{out}");
        assert!(out.contains(
            "let pager = try self.accountPager(applicationId: applicationId, status: status, options: options)"
        ));
        assert_eq!(out.matches("extension ").count(), 1);
    }
}
