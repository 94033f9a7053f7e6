//! The cargo that `napi build` runs when xtask builds the Node addon.
//!
//! `napi build --platform` always passes `--target <host triple>`. With an
//! explicit target cargo keeps a second tree (`target/<triple>/debug`), so
//! every dependency the workspace build already compiled is compiled again:
//! about nine minutes on two cores, the largest single cost of a CI run.
//! xtask therefore points napi's `CARGO` at its own executable with
//! [`REAL_CARGO_VAR`] set; in that mode `main` hands the arguments here. When
//! the requested target is the host, the build runs without `--target` (into
//! the shared `target/debug`, reusing what is built there) and each cdylib it
//! produces is copied to where napi looks for it, `target/<triple>/<profile>`.
//! Any other command, or a cross target, passes through unchanged.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

/// Holds the real cargo while xtask acts as napi's cargo.
pub const REAL_CARGO_VAR: &str = "LATCHKEY_XTASK_REAL_CARGO";

/// The target triple this xtask was compiled for: the host, since xtask is
/// always built for the machine it runs on.
const HOST_TRIPLE: &str = env!("LATCHKEY_XTASK_HOST");

/// Runs `real_cargo` with `args` (everything after the program name),
/// dropping a host `--target` from a `build` and copying its cdylibs.
pub fn run(real_cargo: OsString, args: Vec<OsString>) -> ExitCode {
    match run_inner(real_cargo, args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask (napi's cargo): error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(real_cargo: OsString, args: Vec<OsString>) -> Result<ExitCode> {
    let Some((args, triple)) = without_host_target(args.clone()) else {
        let status = Command::new(&real_cargo)
            .args(&args)
            .status()
            .context("running cargo")?;
        return Ok(exit_code(status.code()));
    };
    // JSON messages name every artifact; diagnostics still render on stderr.
    let mut child = Command::new(&real_cargo)
        .args(&args)
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .spawn()
        .context("running cargo")?;
    let stdout = child.stdout.take().context("cargo's stdout")?;
    let mut cdylibs = Vec::new();
    for line in BufReader::new(stdout).lines() {
        cdylibs.extend(cdylib_files(&line.context("reading cargo's messages")?));
    }
    let status = child.wait().context("waiting for cargo")?;
    if !status.success() {
        return Ok(exit_code(status.code()));
    }
    if cdylibs.is_empty() {
        bail!("cargo built no cdylib: nothing for napi to copy");
    }
    for file in cdylibs {
        let destination = target_path(&file, &triple)?;
        std::fs::create_dir_all(destination.parent().expect("a file path has a parent"))?;
        std::fs::copy(&file, &destination)
            .with_context(|| format!("copying {} to {}", file.display(), destination.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// For `build … --target <host> …`: the arguments without the target, and
/// the triple. `None` for anything else (another subcommand, no target, a
/// cross target), which then runs unchanged.
fn without_host_target(args: Vec<OsString>) -> Option<(Vec<OsString>, String)> {
    if args.first().is_none_or(|first| first != "build") {
        return None;
    }
    let mut kept = Vec::with_capacity(args.len());
    let mut triple = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_str().unwrap_or_default();
        if text == "--target" {
            triple = Some(args.next()?.into_string().ok()?);
        } else if let Some(value) = text.strip_prefix("--target=") {
            triple = Some(value.to_owned());
        } else {
            kept.push(arg);
        }
    }
    let triple = triple?;
    (triple == HOST_TRIPLE).then_some((kept, triple))
}

/// The files of a `compiler-artifact` message whose target is a cdylib.
fn cdylib_files(message: &str) -> Vec<PathBuf> {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(message) else {
        return Vec::new();
    };
    if message["reason"] != "compiler-artifact" {
        return Vec::new();
    }
    let is_cdylib = message["target"]["kind"]
        .as_array()
        .is_some_and(|kinds| kinds.iter().any(|kind| kind == "cdylib"));
    if !is_cdylib {
        return Vec::new();
    }
    message["filenames"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(PathBuf::from))
        .collect()
}

/// `<target dir>/<profile dir>/lib.so` → `<target dir>/<triple>/<profile dir>/lib.so`.
fn target_path(file: &Path, triple: &str) -> Result<PathBuf> {
    let (Some(name), Some(profile_dir)) = (file.file_name(), file.parent()) else {
        bail!("unexpected artifact path {}", file.display());
    };
    let (Some(profile), Some(target_dir)) = (profile_dir.file_name(), profile_dir.parent()) else {
        bail!("unexpected artifact path {}", file.display());
    };
    Ok(target_dir.join(triple).join(profile).join(name))
}

fn exit_code(code: Option<i32>) -> ExitCode {
    // A signal has no code: report a plain failure.
    ExitCode::from(code.and_then(|c| u8::try_from(c).ok()).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_host_build_loses_its_target() {
        let (kept, triple) = without_host_target(args(&[
            "build",
            "--target",
            HOST_TRIPLE,
            "--package",
            "latchkey-node",
        ]))
        .unwrap();
        assert_eq!(kept, args(&["build", "--package", "latchkey-node"]));
        assert_eq!(triple, HOST_TRIPLE);
        let equals = format!("--target={HOST_TRIPLE}");
        assert!(without_host_target(args(&["build", &equals])).is_some());
    }

    #[test]
    fn other_commands_and_cross_targets_pass_through() {
        assert!(without_host_target(args(&["metadata", "--target", HOST_TRIPLE])).is_none());
        assert!(without_host_target(args(&["build", "--release"])).is_none());
        assert!(without_host_target(args(&["build", "--target", "wasm32-wasip1"])).is_none());
        assert!(without_host_target(args(&[])).is_none());
    }

    #[test]
    fn reads_cdylib_artifacts_only() {
        let cdylib = r#"{"reason":"compiler-artifact","target":{"kind":["cdylib"]},"filenames":["/t/debug/liblatchkey.so"]}"#;
        let rlib = r#"{"reason":"compiler-artifact","target":{"kind":["lib"]},"filenames":["/t/debug/deps/libx.rlib"]}"#;
        assert_eq!(
            cdylib_files(cdylib),
            [PathBuf::from("/t/debug/liblatchkey.so")]
        );
        assert!(cdylib_files(rlib).is_empty());
        assert!(cdylib_files(r#"{"reason":"build-finished","success":true}"#).is_empty());
        assert!(cdylib_files("Compiling x").is_empty());
    }

    #[test]
    fn places_the_artifact_where_napi_looks() {
        let path = target_path(
            Path::new("/t/debug/liblatchkey.so"),
            "x86_64-unknown-linux-gnu",
        );
        assert_eq!(
            path.unwrap(),
            PathBuf::from("/t/x86_64-unknown-linux-gnu/debug/liblatchkey.so")
        );
    }
}
