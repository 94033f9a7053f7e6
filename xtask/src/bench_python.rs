//! `cargo xtask bench python-jwt`: `latchkey.jwt` against PyJWT, from the
//! release wheel (`maturin build --release`) installed into `.venv`, by
//! `bench/python/jwt_bench.py`. The next `cargo xtask test python`
//! reinstalls the dev wheel.

use std::path::Path;

use anyhow::Result;

use crate::cmd::cmd;
use crate::python::{WheelBuild, install_wheel_built};

/// Builds and installs the release wheel, then runs the script with
/// `script_args`.
pub fn run_jwt(root: &Path, script_args: &[String]) -> Result<()> {
    let venv = install_wheel_built(root, WheelBuild::Release)?;
    cmd(root, venv.join("bin/python"))
        .arg(root.join("bench/python/jwt_bench.py"))
        .args(script_args)
        .run()
}
