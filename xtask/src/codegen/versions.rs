//! One version: `[workspace.package] version` in the root `Cargo.toml` is the
//! only place a version is written by hand. The packages whose manifests
//! cannot inherit it (npm's `package.json`, its lock and its per-platform
//! packages, Maven's `pom.xml`s, the Swift package's manifest: the version in
//! its usage comment and in its XCFramework's release URL) get it written in
//! here, so `cargo xtask check` fails when any disagrees. The npm manifests'
//! `repository.url` is the workspace's `repository` the same way.
//! The Rust crates inherit it (`version.workspace = true`), the Python
//! package reads it from its crate (`dynamic = ["version"]`), and the
//! OpenAPI document takes it from the server crate.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::Files;

/// Where each non-Cargo manifest keeps its own version: the file, and the
/// exact line shape (indentation included, so that a dependency's version,
/// nested deeper, is never the one matched) that holds it.
const MANIFESTS: &[(&str, &[(&str, &str)])] = &[
    (
        "bindings/node/package.json",
        &[("  \"version\": \"", "\",")],
    ),
    (
        "bindings/node/package-lock.json",
        // The lock's own version, then its root package's (`packages[""]`).
        &[
            ("  \"version\": \"", "\","),
            ("      \"version\": \"", "\","),
        ],
    ),
    // napi's per-platform packages (`napi create-npm-dirs`; see
    // xtask/src/dist/node.rs). The main package's `optionalDependencies`
    // on them are written at packing time from its own version.
    (
        "bindings/node/npm/linux-x64-gnu/package.json",
        &[("  \"version\": \"", "\",")],
    ),
    (
        "bindings/node/npm/linux-x64-musl/package.json",
        &[("  \"version\": \"", "\",")],
    ),
    (
        "bindings/node/npm/linux-arm64-gnu/package.json",
        &[("  \"version\": \"", "\",")],
    ),
    ("bindings/kotlin/pom.xml", &[("  <version>", "</version>")]),
    ("bench/kotlin/pom.xml", &[("  <version>", "</version>")]),
    (
        "examples/kotlin/pom.xml",
        // The example's own version, then the SDK version it depends on.
        &[
            ("  <version>", "</version>"),
            ("    <latchkey.version>", "</latchkey.version>"),
        ],
    ),
    (
        "Package.swift",
        // The version users write in their dependency (a comment), and the
        // release the Apple XCFramework is downloaded from.
        &[
            (
                "//     .package(url: \"https://example.invalid/latchkey\", from: \"",
                "\")",
            ),
            (
                "    url: \"https://example.invalid/latchkey/releases/download/v",
                "/latchkeyFFI.xcframework.zip\",",
            ),
        ],
    ),
];

/// The npm manifests that carry the workspace's `repository` as their
/// `repository.url`: the line `    "url": "…",` (the only member named `url`
/// at that depth in these manifests).
const REPOSITORY_URLS: &[&str] = &[
    "bindings/node/package.json",
    "bindings/node/npm/linux-x64-gnu/package.json",
    "bindings/node/npm/linux-x64-musl/package.json",
    "bindings/node/npm/linux-arm64-gnu/package.json",
];

/// Writes (or checks) the workspace version into every manifest above, and
/// the workspace's repository into the npm manifests.
pub fn generate(files: &mut Files) -> Result<()> {
    let version = workspace_field(files.root(), "version")?;
    let repository = workspace_field(files.root(), "repository")?;
    for (path, shapes) in MANIFESTS {
        let text = fs::read_to_string(files.root().join(path))
            .with_context(|| format!("reading {path}"))?;
        let mut expected = text;
        for (prefix, suffix) in *shapes {
            expected = with_version(&expected, prefix, suffix, &version)
                .with_context(|| format!("{path}: no line `{prefix}…{suffix}` holds a version"))?;
        }
        if REPOSITORY_URLS.contains(path) {
            expected = with_version(&expected, "    \"url\": \"", "\",", &repository)
                .with_context(|| {
                    format!("{path}: no line `    \"url\": \"…\",` holds the repository")
                })?;
        }
        files.ensure_file_contents(Path::new(path), expected.as_bytes())?;
    }
    Ok(())
}

/// The string `field` of the root manifest's `[workspace.package]` table.
pub fn workspace_field(root: &Path, field: &str) -> Result<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    match table_field(&manifest, "workspace.package", field) {
        Some(value) => Ok(value),
        None => bail!("Cargo.toml has no `{field} = \"…\"` in [workspace.package]"),
    }
}

/// The string value of `key` in TOML table `[table]`, for the plain
/// `key = "value"` lines (a trailing comment allowed) the project's
/// manifests use.
pub fn table_field(text: &str, table: &str, key: &str) -> Option<String> {
    let header = format!("[{table}]");
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == header;
            continue;
        }
        if !inside {
            continue;
        }
        if let Some((name, value)) = line.split_once('=')
            && name.trim() == key
        {
            let value = value.trim();
            return value
                .strip_prefix('"')
                .and_then(|v| v.split_once('"'))
                .map(|(v, _)| v.to_owned());
        }
    }
    None
}

/// `text` with its first line shaped `{prefix}<anything>{suffix}` holding
/// `version`. The prefixes carry their exact indentation, so the first such
/// line is the manifest's own (a dependency's version is nested deeper, and
/// the npm lock's root package, at six spaces, comes before its others).
fn with_version(text: &str, prefix: &str, suffix: &str, version: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut done = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let shaped = body.len() >= prefix.len() + suffix.len()
            && body.starts_with(prefix)
            && body.ends_with(suffix);
        if !done && shaped {
            out.push_str(prefix);
            out.push_str(version);
            out.push_str(suffix);
            out.push_str(&line[body.len()..]);
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if !done {
        bail!("no such line");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_field_of_one_table_only() {
        let text = "[package]\nversion = \"9.9.9\"\n\n[workspace.package]\nversion = \"0.1.0\" # the one\nrepository = \"https://x/y\"\n[other]\nversion = \"1\"\n";
        assert_eq!(
            table_field(text, "workspace.package", "version").as_deref(),
            Some("0.1.0")
        );
        assert_eq!(
            table_field(text, "workspace.package", "repository").as_deref(),
            Some("https://x/y")
        );
        assert_eq!(table_field(text, "workspace.package", "edition"), None);
    }

    #[test]
    fn only_the_manifests_own_version_changes() {
        let pom = "<project>\n  <version>0.1.0</version>\n  <dependencies>\n    <dependency>\n      <version>5.19.1</version>\n";
        let written = with_version(pom, "  <version>", "</version>", "0.2.0").unwrap();
        assert_eq!(
            written,
            "<project>\n  <version>0.2.0</version>\n  <dependencies>\n    <dependency>\n      <version>5.19.1</version>\n"
        );
    }

    #[test]
    fn the_lock_keeps_its_dependencies_versions() {
        let lock = "{\n  \"version\": \"0.1.0\",\n  \"packages\": {\n    \"\": {\n      \"version\": \"0.1.0\",\n    },\n    \"node_modules/jose\": {\n      \"version\": \"6.2.17\",\n";
        let once = with_version(lock, "  \"version\": \"", "\",", "1.0.0").unwrap();
        let twice = with_version(&once, "      \"version\": \"", "\",", "1.0.0").unwrap();
        assert_eq!(twice.matches("1.0.0").count(), 2);
        assert!(twice.contains("\"version\": \"6.2.17\""));
    }

    #[test]
    fn a_manifest_without_its_version_line_is_an_error() {
        assert!(with_version("{}\n", "  \"version\": \"", "\",", "1.0.0").is_err());
    }

    #[test]
    fn the_workspace_version_is_read_from_its_table() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace]\n[workspace.package]\nedition = \"2024\"\nversion = \"3.4.5\"\n[workspace.dependencies]\nx = { version = \"1\" }\n",
        )
        .unwrap();
        assert_eq!(workspace_field(dir.path(), "version").unwrap(), "3.4.5");
        assert!(workspace_field(dir.path(), "repository").is_err());
    }
}
