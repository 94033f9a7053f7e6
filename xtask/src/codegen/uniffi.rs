//! The Kotlin and Swift sources uniffi-bindgen writes from the built
//! `latchkey_uniffi` library (library mode: the library's metadata is the
//! whole input). They are committed; here they are generated into a
//! temporary folder and compared with (or copied over) the committed ones,
//! together with the Linux module map of the Swift package and a snapshot of
//! the Swift public surface (every `public` declaration, one per line), so
//! that a change of the Swift API shows in review even though no Swift
//! compiler exists on these machines.

use std::path::Path;

use anyhow::{Context, Result};

use super::Files;
use crate::cmd::cmd;
use crate::kotlin::{LIBRARY_FILE, build_library};
use crate::server_process::target_dir;

/// The generated Kotlin file, relative to the root.
pub const KOTLIN_FILE: &str = "bindings/kotlin/src/main/kotlin/dev/latchkey/latchkey.kt";
/// The generated Swift sources and C header, relative to the root.
const SWIFT_FILE: &str = "bindings/swift/Sources/Latchkey/Latchkey.swift";
const SWIFT_HEADER: &str = "bindings/swift/Sources/latchkeyFFI/latchkeyFFI.h";
/// The FFI module's map: uniffi's own carries no `link` line (it expects an
/// Apple framework); on Linux the module links the prebuilt library.
const SWIFT_MODULE_MAP: &str = "bindings/swift/Sources/latchkeyFFI/module.modulemap";
const MODULE_MAP: &str = "module latchkeyFFI {\n    header \"latchkeyFFI.h\"\n    link \"latchkey_uniffi\"\n    export *\n}\n";
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
    let kotlin = read(&out.path().join("kotlin/dev/latchkey/latchkey.kt"))?;
    files.ensure_file_contents(Path::new(KOTLIN_FILE), &kotlin)?;
    let swift = read(&out.path().join("swift/Latchkey.swift"))?;
    files.ensure_file_contents(Path::new(SWIFT_FILE), &swift)?;
    let header = read(&out.path().join("swift/latchkeyFFI.h"))?;
    files.ensure_file_contents(Path::new(SWIFT_HEADER), &header)?;
    files.ensure_file_contents(Path::new(SWIFT_MODULE_MAP), MODULE_MAP.as_bytes())?;
    let surface = public_surface(&String::from_utf8_lossy(&swift));
    files.ensure_file_contents(Path::new(SWIFT_SURFACE), surface.as_bytes())
}

/// Every `public`/`open` declaration of the Swift source, trimmed, one per
/// line, in source order: the API a Swift user compiles against.
fn public_surface(swift: &str) -> String {
    let mut surface = String::from(
        "# The public surface of the generated Swift module `Latchkey`\n# (written by `cargo xtask codegen`; checked by `cargo xtask check`).\n",
    );
    // uniffi writes some modifiers on a line of their own (`public` above
    // `enum JwtError`): such a line is joined to the next.
    let mut pending = String::new();
    for line in swift.lines() {
        let line = line.trim();
        if line == "public" || line == "open" {
            pending = format!("{line} ");
            continue;
        }
        let line = format!("{}{line}", std::mem::take(&mut pending));
        if line.starts_with("public ") || line.starts_with("open ") {
            surface.push_str(line.trim_end_matches('{').trim_end());
            surface.push('\n');
        }
    }
    surface
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_surface_keeps_public_declarations_only() {
        let swift = "import Foundation\npublic struct Me {\n    public var id: String\n    var hidden: Int\n}\nfileprivate func x() {}\nopen class C {\n";
        let surface = public_surface(swift);
        let lines: Vec<&str> = surface.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            ["public struct Me", "public var id: String", "open class C"]
        );
    }
}
