//! The Kotlin and Swift sources uniffi-bindgen writes from the built
//! `latchkey_uniffi` library (library mode: the library's metadata is the
//! whole input). They are committed; here they are generated into a
//! temporary folder and compared with (or copied over) the committed ones,
//! together with the Linux module map of the Swift package and a snapshot of
//! the Swift public surface (every `public` declaration, one per line), so
//! that a change of the Swift API shows in review even though no Swift
//! compiler exists on these machines, and the lazy lists written from the
//! exported pagers ([`super::lists`]).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::Files;
use crate::cmd::cmd;
use crate::kotlin::{LIBRARY_FILE, build_library};
use crate::server_process::target_dir;

/// The generated Kotlin file, relative to the root.
pub const KOTLIN_FILE: &str = "bindings/kotlin/src/main/kotlin/dev/latchkey/latchkey.kt";
/// The generated Kotlin of the client's models (the `latchkey_client`
/// component: the client crate derives their FFI), in a package of its own
/// because each component declares uniffi's helpers at its package's top
/// level.
pub const KOTLIN_MODELS_FILE: &str =
    "bindings/kotlin/src/main/kotlin/dev/latchkey/models/latchkey_client.kt";
/// Type aliases that keep the models' names in `dev.latchkey`, the package
/// SDK.md promises (`dev.latchkey.Account` as before the models moved).
const KOTLIN_MODEL_ALIASES: &str = "bindings/kotlin/src/main/kotlin/dev/latchkey/Models.kt";
/// The package of the models' Kotlin.
const KOTLIN_MODELS_PACKAGE: &str = "dev.latchkey.models";
/// The generated Swift sources and C headers, relative to the root: both
/// components in the one module `Latchkey`, both headers in `latchkeyFFI`.
const SWIFT_FILE: &str = "bindings/swift/Sources/Latchkey/Latchkey.swift";
const SWIFT_MODELS_FILE: &str = "bindings/swift/Sources/Latchkey/LatchkeyClient.swift";
const SWIFT_HEADER: &str = "bindings/swift/Sources/latchkeyFFI/latchkeyFFI.h";
const SWIFT_MODELS_HEADER: &str = "bindings/swift/Sources/latchkeyFFI/latchkey_clientFFI.h";
/// The FFI module's map: uniffi's own carries no `link` line (it expects an
/// Apple framework); on Linux the module links the prebuilt library.
const SWIFT_MODULE_MAP: &str = "bindings/swift/Sources/latchkeyFFI/module.modulemap";
const MODULE_MAP: &str = "module latchkeyFFI {\n    header \"latchkeyFFI.h\"\n    header \"latchkey_clientFFI.h\"\n    link \"latchkey_uniffi\"\n    export *\n}\n";
/// The hand-written Swift sources whose public declarations the snapshot
/// pins with the generated ones (`Lists.swift` is written from the snapshot,
/// so it is left out).
const SWIFT_HAND_WRITTEN: [&str; 4] = [
    "bindings/swift/Sources/Latchkey/Errors.swift",
    "bindings/swift/Sources/Latchkey/Client.swift",
    "bindings/swift/Sources/Latchkey/Jwt.swift",
    "bindings/swift/Sources/Latchkey/Pages.swift",
];
/// The snapshot of the Swift public surface.
const SWIFT_SURFACE: &str = "bindings/swift/public-api.txt";

/// Builds the library and the bindgen, generates both languages, and
/// ensures each committed file.
pub fn generate(files: &mut Files) -> Result<()> {
    let root = files.root().to_path_buf();
    let library = build_library(&root)?.join(LIBRARY_FILE);
    cmd(&root, "cargo")
        .args(["build", "--package", "uniffi-bindgen"])
        .run()?;
    let bindgen = target_dir(&root).join("debug/uniffi-bindgen");
    let out = tempfile::tempdir().context("creating a temporary folder")?;
    for language in ["kotlin", "swift"] {
        cmd(&root, &bindgen)
            .arg("generate")
            .arg(&library)
            .args(["--language", language, "--no-format", "--out-dir"])
            .arg(out.path().join(language))
            .run()?;
    }
    let read = |path: &Path| {
        std::fs::read(path).with_context(|| format!("uniffi-bindgen wrote no {}", path.display()))
    };
    let description: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join(super::sdk_surface::DESCRIPTION))
            .context(super::sdk_surface::DESCRIPTION)?,
    )
    .context(super::sdk_surface::DESCRIPTION)?;
    let kinds: BTreeSet<String> = description["api_errors"]
        .as_object()
        .context("the description has no api_errors")?
        .values()
        .filter_map(|names| names["kotlin"].as_str().map(str::to_owned))
        .collect();
    let kotlin = kotlin_api_exceptions(
        &String::from_utf8_lossy(&read(&out.path().join("kotlin/dev/latchkey/latchkey.kt"))?),
        &kinds,
    )?;
    let kotlin = kotlin.into_bytes();
    files.ensure_file_contents(Path::new(KOTLIN_FILE), &kotlin)?;
    let models = read(
        &out.path()
            .join("kotlin/dev/latchkey/models/latchkey_client.kt"),
    )?;
    files.ensure_file_contents(Path::new(KOTLIN_MODELS_FILE), &models)?;
    let aliases = kotlin_model_aliases(&String::from_utf8_lossy(&models));
    files.ensure_file_contents(Path::new(KOTLIN_MODEL_ALIASES), aliases.as_bytes())?;
    let swift = read(&out.path().join("swift/Latchkey.swift"))?;
    files.ensure_file_contents(Path::new(SWIFT_FILE), &swift)?;
    let swift_models = read(&out.path().join("swift/LatchkeyClient.swift"))?;
    files.ensure_file_contents(Path::new(SWIFT_MODELS_FILE), &swift_models)?;
    let header = read(&out.path().join("swift/latchkeyFFI.h"))?;
    files.ensure_file_contents(Path::new(SWIFT_HEADER), &header)?;
    let models_header = read(&out.path().join("swift/latchkey_clientFFI.h"))?;
    files.ensure_file_contents(Path::new(SWIFT_MODELS_HEADER), &models_header)?;
    files.ensure_file_contents(Path::new(SWIFT_MODULE_MAP), MODULE_MAP.as_bytes())?;
    let mut sources = vec![
        String::from_utf8_lossy(&swift).into_owned(),
        String::from_utf8_lossy(&swift_models).into_owned(),
    ];
    for path in SWIFT_HAND_WRITTEN {
        sources.push(std::fs::read_to_string(root.join(path)).with_context(|| path.to_string())?);
    }
    let surface = public_surface(&sources.join("\n"));
    files.ensure_file_contents(Path::new(SWIFT_SURFACE), surface.as_bytes())?;
    // The lazy lists, from the pagers just generated.
    let kotlin_lists = super::lists::kotlin(&String::from_utf8_lossy(&kotlin), &description);
    files.ensure_file_contents(
        Path::new(super::lists::KOTLIN_LISTS),
        kotlin_lists.as_bytes(),
    )?;
    let swift_lists = super::lists::swift(&surface, &description);
    files.ensure_file_contents(Path::new(super::lists::SWIFT_LISTS), swift_lists.as_bytes())
}

/// `Models.kt`: a type alias in `dev.latchkey` for each public type of the
/// models' package (its data classes, enums and custom types, not uniffi's
/// converters), so that the
/// SDK's one package stays the one a Kotlin user imports.
fn kotlin_model_aliases(models: &str) -> String {
    let mut names = BTreeSet::new();
    for line in models.lines() {
        let rest = ["data class ", "enum class ", "public typealias "]
            .iter()
            .find_map(|prefix| line.strip_prefix(prefix));
        // uniffi's converters are public only for the other component's
        // generated code, which imports them from the models' package.
        if let Some(rest) = rest.filter(|rest| !rest.starts_with("FfiConverter")) {
            names.insert(identifier_at(rest));
        }
    }
    let mut out = String::from(
        "// Written by `cargo xtask codegen` from the generated models (checked by\n// `cargo xtask check`): the client's models, whose FFI the client crate\n// derives, under the package of the rest of the SDK.\n\npackage dev.latchkey\n\n",
    );
    for name in names {
        out.push_str(&format!(
            "/** [{KOTLIN_MODELS_PACKAGE}.{name}] */\npublic typealias {name} = {KOTLIN_MODELS_PACKAGE}.{name}\n"
        ));
    }
    out
}

/// The sealed class every API error kind extends in Kotlin: hand-written in
/// `Errors.kt`, with the properties the kinds share.
const KOTLIN_API_EXCEPTION: &str = "ApiException";

/// uniffi gives each variant of `LatchkeyError` its own class directly under
/// the sealed `LatchkeyException`, and cannot give a group of them a parent
/// of our own, while Kotlin code catches a family by its parent class. So
/// the API kinds (`kinds`: the Kotlin names of SDK.md's error table) are
/// rewritten to extend the sealed `ApiException` of `Errors.kt` (same
/// package and module, as Kotlin requires of a sealed class's subclasses):
/// their properties become `override`s of its abstract ones, and their
/// generated `message` (the fields as `name=value`) gives way to
/// `ApiException.message`, the Rust client's one sentence. Every piece must
/// be where uniffi writes it, each kind found once, or generation fails: a
/// uniffi upgrade that changes the template stops here, not at run time.
fn kotlin_api_exceptions(kotlin: &str, kinds: &BTreeSet<String>) -> Result<String> {
    const SEALED: &str = "sealed class LatchkeyException: kotlin.Exception() {\n";
    const CLASS: &str = "    class ";
    const BASE: &str = "        ) : LatchkeyException() {\n";
    const MESSAGE: &str = "        override val message\n            get() = ";
    let start = kotlin
        .find(SEALED)
        .context("no `sealed class LatchkeyException` in uniffi's Kotlin")?
        + SEALED.len();
    let end = start
        + kotlin[start..]
            .find("\n}\n")
            .context("`sealed class LatchkeyException` does not end")?;
    let mut out = String::with_capacity(kotlin.len() + 1024);
    out.push_str(&kotlin[..start]);
    let mut rest = &kotlin[start..end];
    let mut rewritten = BTreeSet::new();
    while let Some(at) = rest.find(CLASS) {
        let name = identifier_at(&rest[at + CLASS.len()..]);
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if !kinds.contains(name) {
            out.push_str(CLASS);
            rest = &rest[CLASS.len()..];
            continue;
        }
        let close = rest
            .find(BASE)
            .with_context(|| format!("`class {name}` does not extend LatchkeyException"))?;
        let head = rest[..close].replace("        val `", "        override val `");
        if head.matches("override val `").count() != 6 {
            bail!("`class {name}` has not the six properties of an API error");
        }
        out.push_str(&head);
        out.push_str(&format!("        ) : {KOTLIN_API_EXCEPTION}() {{\n"));
        let body = rest[close + BASE.len()..]
            .strip_prefix(MESSAGE)
            .with_context(|| format!("`class {name}` has no generated message"))?;
        let line_end = body.find('\n').context("unterminated message")?;
        rest = &body[line_end + 1..];
        rewritten.insert(name.to_owned());
    }
    if &rewritten != kinds {
        bail!(
            "API error kinds under LatchkeyException: found {rewritten:?}, the description has {kinds:?}"
        );
    }
    out.push_str(rest);
    out.push_str(&kotlin[end..]);
    Ok(out)
}

/// The identifier at the start of `text`.
fn identifier_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The public surface a Swift user compiles against: every `public`/`open`
/// declaration of the generated source, trimmed, in source order, members
/// indented under their type (so that `public var id: String` says whose it
/// is), and the extensions of our types that add public members.
///
/// uniffi's plumbing is left out, because it is `public` only so that the
/// generated code can reach it across files, not for users, and a uniffi
/// upgrade rewrites it without the API changing: its converters
/// (`FfiConverter*` and their `lift`/`lower`/`read`/`write`), its helpers
/// and handles (`uniffi*`, `Uniffi*`, `NoHandle`, `init(unsafeFromHandle:)`,
/// `RustBuffer`, `ForeignBytes`). A declaration that is left out takes its
/// whole body with it; so does a type that is not public, since its members
/// are not reachable either.
fn public_surface(swift: &str) -> String {
    let mut surface = String::from(
        "# The public surface of the Swift module `Latchkey` (generated and hand-written sources), without\n# uniffi's converters and helpers (written by `cargo xtask codegen`; checked by `cargo xtask check`).\n",
    );
    // The depth of the body of the public enum being read: its `case` lines
    // (an error's kinds, an enum's values) are its surface too.
    let mut enum_body: Option<usize> = None;
    // Brace depth of the line being read, and the depth to come back to
    // before lines are read again after a left-out block.
    let mut depth = 0usize;
    let mut skip_to: Option<usize> = None;
    // uniffi writes some modifiers on a line of their own (`public` above
    // `enum JwtError`): such a line is joined to the next.
    let mut pending = String::new();
    for line in swift.lines() {
        let line = line.trim();
        let opens = line.matches('{').count();
        let closes = line.matches('}').count();
        let after = (depth + opens).saturating_sub(closes);
        if let Some(resume) = skip_to {
            depth = after;
            if depth <= resume {
                skip_to = None;
            }
            continue;
        }
        if line == "public" || line == "open" {
            pending = format!("{line} ");
            continue;
        }
        let line = format!("{}{line}", std::mem::take(&mut pending));
        if enum_body.is_some_and(|body| depth < body) {
            enum_body = None;
        }
        if enum_body == Some(depth)
            && let Some(case) = enum_case(&line)
        {
            surface.push_str(&"    ".repeat(depth));
            surface.push_str("case ");
            surface.push_str(case);
            surface.push('\n');
            depth = after;
            continue;
        }
        // The declaration without its body (`public init() {}` → `public init()`).
        let declaration = line
            .split_once('{')
            .map_or(line.as_str(), |(head, _)| head)
            .trim_end();
        let public = line.starts_with("public ") || line.starts_with("open ");
        let extension = line.starts_with("extension ");
        let left_out = if public || extension {
            is_plumbing(declaration)
        } else {
            is_type_declaration(&line)
        };
        if left_out {
            if after > depth {
                skip_to = Some(depth);
            }
        } else if public || extension {
            surface.push_str(&"    ".repeat(depth));
            surface.push_str(declaration);
            surface.push('\n');
            if public && declaration.split_whitespace().any(|word| word == "enum") && after > depth
            {
                enum_body = Some(depth + 1);
            }
        }
        depth = after;
    }
    surface
}

/// The case an enum's `case` line declares (`case NotFound(` → `NotFound`),
/// not a `switch`'s (`case .notFound:`, `case let …`).
fn enum_case(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("case ")?;
    let name = identifier_at(rest);
    let first = name.chars().next()?;
    (first.is_alphabetic() && name != "let" && name != "var").then_some(name)
}

/// uniffi's own machinery, by the names it gives it.
fn is_plumbing(declaration: &str) -> bool {
    [
        "FfiConverter",
        "uniffi",
        "Uniffi",
        "NoHandle",
        "unsafeFromHandle",
        "RustBuffer",
        "ForeignBytes",
    ]
    .iter()
    .any(|name| declaration.contains(name))
}

/// A type declaration (any access level but `public`/`open`, which the
/// caller has handled): a non-public type hides its members.
fn is_type_declaration(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().take(4).collect();
    words.iter().any(|word| {
        matches!(
            *word,
            "struct" | "class" | "enum" | "protocol" | "actor" | "extension"
        )
    }) && !line.starts_with("extension ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface_lines(swift: &str) -> Vec<String> {
        public_surface(swift)
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn uniffi_plumbing_and_private_types_are_left_out_with_their_bodies() {
        let swift = "\
public struct FfiConverterTypeMe: FfiConverter {
    public static func lift(_ buf: RustBuffer) throws -> Me { fatalError() }
}
public func FfiConverterTypeMe_lift(_ buf: RustBuffer) throws -> Me {
    return try FfiConverterTypeMe.lift(buf)
}
fileprivate struct Hidden {
    public var secret: Int
}
open class Client: ClientProtocol {
    public struct NoHandle {
        public init() {}
    }
    public init(noHandle: NoHandle) { self.handle = 0 }
    public func uniffiCloneHandle() -> UInt64 { return handle }
    open func me() async throws -> Me {
        return try await call { $0 }
    }
}
extension Me: Equatable, Hashable {
    public static func ==(lhs: Me, rhs: Me) -> Bool { true }
}
";
        assert_eq!(
            surface_lines(swift),
            [
                "open class Client: ClientProtocol",
                "    open func me() async throws -> Me",
                "extension Me: Equatable, Hashable",
                "    public static func ==(lhs: Me, rhs: Me) -> Bool",
            ]
        );
    }

    #[test]
    fn api_kinds_extend_api_exception_and_other_failures_stay() {
        let kotlin = "\
sealed class LatchkeyException: kotlin.Exception() {
    class NotFound(
        val `status`: kotlin.UShort, 
        val `errorType`: kotlin.String, 
        val `reason`: kotlin.String, 
        val `requestId`: kotlin.String?, 
        val `fields`: List<FieldError>, 
        val `retryAfter`: java.time.Duration?
        ) : LatchkeyException() {
        override val message
            get() = \"status=${ `status` }\"
    }
    class Transport(
        val `reason`: kotlin.String
        ) : LatchkeyException() {
        override val message
            get() = \"reason=${ `reason` }\"
    }
}
";
        let kinds: BTreeSet<String> = ["NotFound".to_owned()].into();
        let out = kotlin_api_exceptions(kotlin, &kinds).unwrap();
        assert!(out.contains("        override val `status`: kotlin.UShort, \n"));
        assert!(out.contains("        ) : ApiException() {\n    }\n    class Transport("));
        assert_eq!(out.matches("override val message").count(), 1, "{out}");
        assert!(
            out.contains("        val `reason`: kotlin.String\n        ) : LatchkeyException() {")
        );
        // A kind the generated code lacks fails the generation.
        let more: BTreeSet<String> = ["NotFound".to_owned(), "Gone".to_owned()].into();
        assert!(kotlin_api_exceptions(kotlin, &more).is_err());
    }

    #[test]
    fn an_enums_cases_are_its_surface_a_switchs_are_not() {
        let swift = "public enum LatchkeyError: Swift.Error {\n    case NotFound(\n        status: Int32\n    )\n    case transport\n    public var description: String {\n        switch self {\n        case .transport: return \"t\"\n        case let .NotFound(s): return \"\\(s)\"\n        }\n    }\n}\n";
        assert_eq!(
            surface_lines(swift),
            [
                "public enum LatchkeyError: Swift.Error",
                "    case NotFound",
                "    case transport",
                "    public var description: String",
            ]
        );
    }

    #[test]
    fn the_surface_keeps_public_declarations_only() {
        let swift = "import Foundation\npublic struct Me {\n    public var id: String\n    var hidden: Int\n}\nfileprivate func x() {}\nopen class C {\n";
        assert_eq!(
            surface_lines(swift),
            [
                "public struct Me",
                "    public var id: String",
                "open class C"
            ]
        );
    }
}
