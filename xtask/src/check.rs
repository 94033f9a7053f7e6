//! `cargo xtask check`: staleness checks. Every generated or copied file must
//! be exactly what `cargo xtask codegen` would write; the failure names each
//! stale file and that command. The README's first command must start
//! ([`crate::readme`]). The Python SDK's committed type stubs must
//! match the built module (mypy's stubtest), and the Python package and
//! examples must pass `mypy --strict`. Later tidy checks (e.g. no `todo!()`, license
//! headers) would be steps here too.

use std::path::Path;

use anyhow::{Result, bail};

use crate::cmd::cmd;
use crate::codegen::{self, Mode};
use crate::python::{BINDING, install_wheel};
use crate::server_process::target_dir;
use crate::step::run_step;

/// The stubtest allowlist: known false positives, each with its reason.
const STUBTEST_ALLOWLIST: &str = "bindings/python/stubtest-allowlist.txt";
/// The Python examples, type-checked in strict mode.
const PYTHON_EXAMPLES: &str = "examples/python";
/// The Python package's sources, type-checked in strict mode.
const PYTHON_PACKAGE: &str = "bindings/python/python/latchkey";

/// Runs every generator in check mode, the README's first command, then the
/// Python type checks.
pub fn run(root: &Path) -> Result<()> {
    codegen::run(root, Mode::Check)?;
    // After codegen, which has built the same server for the OpenAPI document.
    run_step("check", "the README's first command", || {
        crate::readme::check_first_command(root)
    })?;
    run_step("check", "python package metadata (one version)", || {
        crate::dist::python::check_pyproject(root)
    })?;
    let venv = run_step("check", "python wheel", || install_wheel(root))?;
    let python = venv.join("bin/python");
    run_step("check", "python stubs (stubtest)", || {
        // From the root: the source folder is not on sys.path there, so
        // stubtest imports the installed wheel, not the sources.
        let status = cmd(root, &python)
            .args(["-m", "mypy.stubtest", "latchkey", "--allowlist"])
            .arg(root.join(STUBTEST_ALLOWLIST))
            .status()?;
        if !status.success() {
            bail!(
                "the committed type stubs do not match the built module: update \
                 {BINDING}/python/latchkey/_latchkey.pyi (or the Python sources) \
                 as stubtest says above"
            );
        }
        Ok(())
    })?;
    run_step("check", "python package (mypy --strict)", || {
        // The package's own sources against its stubs: `_client.py` calls
        // the native methods whose stubs codegen writes from the Rust.
        let status = cmd(root, &python)
            .args(["-m", "mypy", "--strict", "--cache-dir"])
            .arg(target_dir(root).join("mypy-cache"))
            .arg(root.join(PYTHON_PACKAGE))
            .status()?;
        if !status.success() {
            bail!(
                "{PYTHON_PACKAGE} does not pass `mypy --strict`: fix the Python sources \
                 or the native methods their stubs are written from"
            );
        }
        Ok(())
    })?;
    run_step("check", "python examples (mypy --strict)", || {
        let status = cmd(root, &python)
            .args(["-m", "mypy", "--strict", "--cache-dir"])
            .arg(target_dir(root).join("mypy-cache"))
            .arg(root.join(PYTHON_EXAMPLES))
            .status()?;
        if !status.success() {
            bail!(
                "{PYTHON_EXAMPLES} does not pass `mypy --strict` against the \
                 installed latchkey package: fix the examples or the package's types"
            );
        }
        Ok(())
    })
}
