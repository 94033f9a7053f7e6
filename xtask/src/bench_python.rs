//! `cargo xtask bench python-jwt`: `latchkey.jwt` against PyJWT, from the
//! release wheel (`maturin build --release`) installed into `.venv`, by
//! `bench/python/jwt_bench.py`. The next `cargo xtask test python`
//! reinstalls the dev wheel.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cmd::cmd;
use crate::python::{BINDING, PACKAGES};
use crate::server_process::target_dir;

/// Builds and installs the release wheel, then runs the script with
/// `script_args`.
pub fn run_jwt(root: &Path, script_args: &[String]) -> Result<()> {
    let venv = crate::venv::ensure(root, PACKAGES)?;
    let wheels = target_dir(root).join("wheels-release");
    // An older wheel would make the search below ambiguous.
    let _ = std::fs::remove_dir_all(&wheels);
    cmd(root, venv.join("bin/maturin"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(root.join(BINDING).join("Cargo.toml"))
        .arg("--out")
        .arg(&wheels)
        .arg("--interpreter")
        .arg(venv.join("bin/python"))
        .run()?;
    let wheel = std::fs::read_dir(&wheels)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .context("maturin wrote no wheel")?;
    cmd(root, venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--force-reinstall",
            "--no-deps",
        ])
        .arg(&wheel)
        .run()?;
    cmd(root, venv.join("bin/python"))
        .arg(root.join("bench/python/jwt_bench.py"))
        .args(script_args)
        .run()
}
