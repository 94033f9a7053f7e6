//! The project's Python virtual environment, `<root>/.venv`: created by the
//! steps that need it (schemathesis, the Python SDK), with pinned packages,
//! nothing installed by hand.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cmd::cmd;

/// Creates `<root>/.venv` when missing, installs `packages` (pinned
/// requirement strings) into it, and returns its folder.
pub fn ensure(root: &Path, packages: &[&str]) -> Result<PathBuf> {
    let venv = root.join(".venv");
    if !venv.join("bin/python").exists() {
        cmd(root, "python3").args(["-m", "venv"]).arg(&venv).run()?;
    }
    if !packages.is_empty() {
        cmd(root, venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(packages.iter().copied())
            .run()?;
    }
    Ok(venv)
}
