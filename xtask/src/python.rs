//! The `python` test step: builds the `latchkey` wheel with maturin (dev
//! profile, the same `target/` as every other step), installs it into the
//! project's `.venv`, and runs pytest against a real server binary.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cmd::cmd;
use crate::server_process::target_dir;
use crate::test::TestCounts;

/// What the Python step installs into `.venv`, pinned.
pub const PACKAGES: &[&str] = &[
    "maturin==1.16.0",
    "pytest==9.2.0",
    "pytest-asyncio==1.5.0",
    "pyjwt[crypto]==2.15.1",
    "cryptography==50.0.2",
    "mypy==2.4.1",
    // The baseline of the client benchmark (bench/python/client_bench.py).
    "httpx==0.28.1",
];

/// The binding's folder, relative to the root.
pub const BINDING: &str = "bindings/python";

/// Which build of the wheel: the tests' (dev profile, the `target/` every
/// other step shares) or the benchmarks' (release).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WheelBuild {
    /// `--profile dev`, into `target/wheels`.
    Dev,
    /// `--release`, into `target/wheels-release`.
    Release,
}

/// Builds and installs the dev wheel; returns the `.venv` folder.
pub fn install_wheel(root: &Path) -> Result<PathBuf> {
    install_wheel_built(root, WheelBuild::Dev)
}

/// Builds the wheel as asked and installs it into `.venv` (replacing any
/// other build); returns the `.venv` folder.
pub fn install_wheel_built(root: &Path, build: WheelBuild) -> Result<PathBuf> {
    let venv = crate::venv::ensure(root, PACKAGES)?;
    let (profile, folder): (&[&str], &str) = match build {
        WheelBuild::Dev => (&["--profile", "dev"], "wheels"),
        WheelBuild::Release => (&["--release"], "wheels-release"),
    };
    let wheels = target_dir(root).join(folder);
    // Old wheels of other versions would make the search below ambiguous.
    let _ = std::fs::remove_dir_all(&wheels);
    cmd(root, venv.join("bin/maturin"))
        .arg("build")
        .args(profile)
        .args(["--quiet", "--manifest-path"])
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
    Ok(venv)
}

/// The step: wheel, server binary, pytest.
pub fn run(root: &Path, counts: &mut TestCounts) -> Result<()> {
    let venv = install_wheel(root)?;
    let server = crate::server_process::build_dev_server(root)?;
    cmd(&root.join(BINDING), venv.join("bin/python"))
        .args(["-m", "pytest", "-p", "no:cacheprovider", "-q", "-ra"])
        .env("LATCHKEY_SERVER_BIN", &server)
        .run_tee(|line| {
            if let Some(found) = pytest_summary(line) {
                *counts += found;
            }
        })
}

/// Reads pytest's last line, e.g. `==== 3 failed, 40 passed, 2 skipped in 1.2s ====`
/// or, with `-q`, `40 passed in 1.20s`.
fn pytest_summary(line: &str) -> Option<TestCounts> {
    let line = line.trim().trim_matches('=').trim();
    let (counts_part, _time) = line.rsplit_once(" in ")?;
    let mut counts = TestCounts::default();
    let mut any = false;
    for part in counts_part.split(", ") {
        let (number, what) = part.split_once(' ')?;
        let number: u64 = number.parse().ok()?;
        match what {
            "passed" => counts.passed += number,
            "failed" | "error" | "errors" => counts.failed += number,
            "skipped" | "xfailed" | "deselected" => counts.skipped += number,
            _ => {}
        }
        any = true;
    }
    any.then_some(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pytest_summaries() {
        let found = pytest_summary("==== 3 failed, 40 passed, 2 skipped in 1.23s ====").unwrap();
        assert_eq!((found.passed, found.failed, found.skipped), (40, 3, 2));
        let found = pytest_summary("40 passed in 1.20s").unwrap();
        assert_eq!((found.passed, found.failed, found.skipped), (40, 0, 0));
        let found = pytest_summary("1 passed, 2 errors in 0.50s").unwrap();
        assert_eq!((found.passed, found.failed), (1, 2));
        assert!(pytest_summary("tests/test_jwt.py ....").is_none());
        assert!(pytest_summary("collected 3 items in group").is_none());
    }
}
