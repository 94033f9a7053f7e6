//! The project's Python virtual environment, `<root>/.venv`: created by the
//! steps that need it (schemathesis, the Python SDK), with pinned packages,
//! nothing installed by hand.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cmd::{Cmd, cmd};
use crate::prefetch::Download;

/// Creates `<root>/.venv` when missing, installs `packages` (pinned
/// requirement strings) into it, and returns its folder. Waits first for
/// the background download of `cargo xtask ci` (see [`crate::prefetch`]),
/// which fills the same `.venv`.
pub fn ensure(root: &Path, packages: &[&str]) -> Result<PathBuf> {
    crate::prefetch::wait(Download::PythonPackages);
    install(root, packages, None)
}

/// [`ensure`] without the wait, its output going to `log` when given.
pub fn install(root: &Path, packages: &[&str], log: Option<&Path>) -> Result<PathBuf> {
    let venv = root.join(".venv");
    if !venv.join("bin/python").exists() {
        run(cmd(root, "python3").args(["-m", "venv"]).arg(&venv), log)?;
    }
    if !packages.is_empty() {
        run(
            cmd(root, venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(packages.iter().copied()),
            log,
        )?;
    }
    Ok(venv)
}

/// The `PATH` with `venv`'s `bin` first: what an activated venv gives the
/// programs that look there (maturin's `python3 -m ziglang`, napi's
/// `cargo zigbuild`).
pub fn path_first(venv: &Path) -> Result<OsString> {
    let mut paths = vec![venv.join("bin")];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).context("building PATH with the venv first")
}

fn run(command: Cmd, log: Option<&Path>) -> Result<()> {
    match log {
        Some(log) => command.run_logged(log),
        None => command.run(),
    }
}
