//! `crates/workspace-hack` (cargo-hakari's "workspace hack") turns on, for
//! every member, the union of the features the members ask of each shared
//! dependency. Without it, each cargo invocation of a CI run (the server,
//! napi's build of the Node addon, maturin's wheel, the uniffi library, the
//! test build) unifies features on its own, and a crate asked with other
//! features, and everything above it, is compiled again: before the hack, 34
//! crates (aws-lc-sys, tokio, hyper, rustls…) were built with two or three
//! feature sets in one run.
//!
//! The hack is written by `cargo hakari generate` and `manage-deps`. Building
//! cargo-hakari costs minutes, so CI does not run it. Instead this generator
//! records a digest of what the hack is computed from — every member's
//! declared dependencies and features, the lock file, hakari's settings —
//! in [`DIGEST_FILE`]: a check fails as soon as a dependency changes without
//! the hack being regenerated. (It cannot tell whether the change actually
//! moved a feature; regenerating is then a no-op that records the digest.)
//! In write mode, a changed digest runs cargo-hakari, which must then be
//! installed.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Files, Mode};
use crate::cmd::cmd;

/// The hack's package name (hakari's `hakari-package`).
const PACKAGE: &str = "workspace-hack";
/// Where the digest of the hack's inputs is recorded, relative to the root.
const DIGEST_FILE: &str = "crates/workspace-hack/dependency-inputs.sha256";
/// hakari's settings, relative to the root.
const SETTINGS: &str = ".config/hakari.toml";
/// How a developer gets cargo-hakari.
const INSTALL_HAKARI: &str = "cargo install cargo-hakari --locked";

/// Check mode: compares the recorded digest with the current one. Write
/// mode: when they differ, regenerates the hack with cargo-hakari and
/// records the new digest.
pub fn generate(files: &mut Files) -> Result<()> {
    let root = files.root().to_path_buf();
    let digest = inputs_digest(&root)?;
    let recorded = std::fs::read_to_string(root.join(DIGEST_FILE)).unwrap_or_default();
    if recorded.trim() == digest {
        return Ok(());
    }
    match files.mode() {
        Mode::Check => {
            files.mark_stale(format!(
                "{DIGEST_FILE}: the dependencies changed since {PACKAGE} was generated \
                 (`cargo xtask codegen` regenerates it with cargo-hakari: `{INSTALL_HAKARI}`)"
            ));
            Ok(())
        }
        Mode::Write => {
            regenerate(&root)?;
            let digest = inputs_digest(&root)?;
            files.ensure_file_contents(Path::new(DIGEST_FILE), format!("{digest}\n").as_bytes())
        }
    }
}

/// `cargo hakari generate` then `manage-deps`, or a clear error when
/// cargo-hakari is not installed.
fn regenerate(root: &Path) -> Result<()> {
    let installed = cmd(root, "cargo")
        .args(["hakari", "--version"])
        .status()
        .is_ok_and(|status| status.success());
    if !installed {
        bail!(
            "the dependencies changed, so {PACKAGE} must be regenerated, which needs \
             cargo-hakari: run `{INSTALL_HAKARI}`, then `cargo xtask codegen` again"
        );
    }
    cmd(root, "cargo").args(["hakari", "generate"]).run()?;
    cmd(root, "cargo")
        .args(["hakari", "manage-deps", "--yes"])
        .run()
}

/// SHA-256 (hex) of everything the hack is computed from, leaving out what
/// hakari itself writes (the hack's manifest, the members' lines naming it,
/// its entry in the lock file), so that regenerating does not change it.
fn inputs_digest(root: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(declared_dependencies(root)?.to_string().as_bytes());
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    hasher.update(lock_without_hack(&lock).as_bytes());
    let settings =
        std::fs::read(root.join(SETTINGS)).with_context(|| format!("reading {SETTINGS}"))?;
    hasher.update(&settings);
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// Each member's declared dependencies and features, from `cargo metadata`
/// (without paths, which differ between checkouts), sorted by package name.
fn declared_dependencies(root: &Path) -> Result<Value> {
    let output = std::process::Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .context("running `cargo metadata`")?;
    if !output.status.success() {
        bail!(
            "`cargo metadata` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Value =
        serde_json::from_slice(&output.stdout).context("reading `cargo metadata`'s output")?;
    let mut members: Vec<(String, Value)> = metadata["packages"]
        .as_array()
        .context("`cargo metadata` lists no packages")?
        .iter()
        .filter(|package| package["name"] != PACKAGE)
        .map(|package| {
            let dependencies: Vec<Value> = package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|dependency| dependency["name"] != PACKAGE)
                .map(|dependency| {
                    json!([
                        dependency["name"],
                        dependency["rename"],
                        dependency["req"],
                        dependency["kind"],
                        dependency["target"],
                        dependency["optional"],
                        dependency["uses_default_features"],
                        dependency["features"],
                    ])
                })
                .collect();
            let name = package["name"].as_str().unwrap_or_default().to_owned();
            (name, json!([package["features"], dependencies]))
        })
        .collect();
    members.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Value::Array(
        members
            .into_iter()
            .map(|(name, declared)| json!([name, declared]))
            .collect(),
    ))
}

/// The lock file without the hack's own entry and without the lines that
/// list it among a member's dependencies.
fn lock_without_hack(lock: &str) -> String {
    let named_line = format!("name = \"{PACKAGE}\"");
    let listed_line = format!("\"{PACKAGE}\",");
    lock.split("\n[[package]]\n")
        .filter(|entry| !entry.lines().any(|line| line == named_line))
        .flat_map(|entry| {
            entry
                .lines()
                .filter(|line| line.trim() != listed_line)
                .chain(["[[package]]"])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\n \"serde\",\n \"workspace-hack\",\n]\n\n[[package]]\nname = \"workspace-hack\"\nversion = \"0.1.0\"\ndependencies = [\n \"tokio\",\n]\n";

    #[test]
    fn the_lock_digest_ignores_what_hakari_writes() {
        let trimmed = lock_without_hack(LOCK);
        assert!(!trimmed.contains("workspace-hack"), "{trimmed}");
        assert!(trimmed.contains("\"serde\","), "{trimmed}");
        let regenerated = LOCK.replace(" \"tokio\",\n", " \"tokio\",\n \"hyper\",\n");
        assert_eq!(lock_without_hack(&regenerated), trimmed);
    }

    #[test]
    fn the_lock_digest_sees_a_changed_dependency() {
        let bumped = LOCK.replace("version = \"1.0.0\"", "version = \"1.0.1\"");
        assert_ne!(lock_without_hack(&bumped), lock_without_hack(LOCK));
        let added = LOCK.replace(" \"serde\",\n", " \"serde\",\n \"rand\",\n");
        assert_ne!(lock_without_hack(&added), lock_without_hack(LOCK));
    }
}
