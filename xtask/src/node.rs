//! The `node` test step and the Node build shared with `cargo xtask check`:
//! `npm ci` in `bindings/node` (only when `node_modules` is missing or the
//! lock file changed), the addon built by `napi build --platform` in the dev
//! profile into the workspace's one `target/`, then `node --test` against a
//! real server binary, its summary added to the tally.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cmd::cmd;
use crate::server_process::target_dir;
use crate::test::TestCounts;

/// The binding's folder, relative to the root.
pub const BINDING: &str = "bindings/node";

/// The files `napi build` generates that are committed: the platform loader
/// and the addon's type declarations.
pub const GENERATED: &[&str] = &["index.js", "index.d.ts"];

/// Where `npm ci` records the lock file it installed, so that an unchanged
/// lock skips the install.
const INSTALLED_LOCK: &str = "node_modules/.latchkey-installed-lock.json";

/// Runs `npm ci` unless `node_modules` was installed from this very lock,
/// after waiting for the background download of `cargo xtask ci` (see
/// [`crate::prefetch`]), which runs the same install.
pub fn npm_ci(root: &Path) -> Result<()> {
    crate::prefetch::wait(crate::prefetch::Download::NodeModules);
    npm_ci_logged(root, None)
}

/// [`npm_ci`] without the wait, its output going to `log` when given.
pub fn npm_ci_logged(root: &Path, log: Option<&Path>) -> Result<()> {
    npm_ci_in(&root.join(BINDING), log)
}

/// `npm ci` in `dir` unless its `node_modules` was installed from this very
/// lock, its output going to `log` when given.
pub fn npm_ci_in(dir: &Path, log: Option<&Path>) -> Result<()> {
    let dir = dir.to_path_buf();
    let lock = std::fs::read(dir.join("package-lock.json")).context("reading package-lock.json")?;
    if std::fs::read(dir.join(INSTALLED_LOCK)).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    let install = cmd(&dir, "npm").args(["ci", "--no-audit", "--no-fund"]);
    match log {
        Some(log) => install.run_logged(log)?,
        None => install.run()?,
    }
    std::fs::write(dir.join(INSTALLED_LOCK), &lock).context("recording the installed lock")?;
    Ok(())
}

/// The cargo profile the addon is built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The dev profile, in the shared `target/debug`: what the tests and
    /// `cargo xtask check` use.
    Dev,
    /// The release profile, in `target/release`: for the benchmarks only.
    Release,
}

/// Builds the addon (dev profile, the shared `target/debug`, see
/// [`crate::napi_cargo`]) with `napi build --platform`, writing the `.node` file and the generated [`GENERATED`]
/// files into `out` (the binding's folder when `None`).
pub fn build_addon(root: &Path, out: Option<&Path>) -> Result<()> {
    build_addon_in(root, out, Profile::Dev)
}

/// [`build_addon`] in `profile`. A release build goes to `target/release`
/// (napi's `--release`), so it never replaces the dev build the tests load
/// when `out` is another folder than the binding's.
pub fn build_addon_in(root: &Path, out: Option<&Path>, profile: Profile) -> Result<()> {
    npm_ci(root)?;
    let dir = root.join(BINDING);
    let mut build = cmd(&dir, "npx").args(["napi", "build", "--platform"]);
    if profile == Profile::Release {
        build = build.arg("--release");
    }
    if let Some(out) = out {
        build = build.arg("--output-dir").arg(out);
    }
    // napi's `--target` would build every dependency a second time: xtask
    // stands in for cargo and builds into the shared tree instead.
    let real_cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let xtask = std::env::current_exe().context("locating xtask's executable")?;
    build
        .env("CARGO_TARGET_DIR", target_dir(root))
        .env(crate::napi_cargo::REAL_CARGO_VAR, real_cargo)
        .env("CARGO", xtask)
        .run()
}

/// The step: addon, server binary, `node --test`.
pub fn run(root: &Path, counts: &mut TestCounts) -> Result<()> {
    build_addon(root, None)?;
    let server = crate::server_process::build_dev_server(root)?;
    let mut summary = TestCounts::default();
    let result = cmd(&root.join(BINDING), "node")
        .args(["--test", "--test-reporter=spec"])
        .env("LATCHKEY_SERVER_BIN", &server)
        .run_tee(|line| read_summary_line(line, &mut summary));
    *counts += summary;
    result
}

/// Reads one line of `node --test`'s closing summary (spec reporter:
/// `ℹ pass 12`; TAP: `# pass 12`) into `counts`.
pub fn read_summary_line(line: &str, counts: &mut TestCounts) {
    let Some(rest) = line.strip_prefix("ℹ ").or_else(|| line.strip_prefix("# ")) else {
        return;
    };
    let Some((what, number)) = rest.trim().split_once(' ') else {
        return;
    };
    let Ok(number) = number.trim().parse::<u64>() else {
        return;
    };
    match what {
        "pass" => counts.passed += number,
        "fail" | "cancelled" => counts.failed += number,
        "skipped" | "todo" => counts.skipped += number,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &[&str]) -> TestCounts {
        let mut counts = TestCounts::default();
        for line in lines {
            read_summary_line(line, &mut counts);
        }
        counts
    }

    #[test]
    fn reads_the_spec_summary() {
        let counts = read(&[
            "✔ verifies (1.2ms)",
            "ℹ tests 45",
            "ℹ suites 3",
            "ℹ pass 40",
            "ℹ fail 2",
            "ℹ cancelled 1",
            "ℹ skipped 1",
            "ℹ todo 1",
            "ℹ duration_ms 812.5",
        ]);
        assert_eq!((counts.passed, counts.failed, counts.skipped), (40, 3, 2));
    }

    #[test]
    fn reads_the_tap_summary() {
        let counts = read(&["# tests 3", "# pass 3", "# fail 0", "# skipped 0"]);
        assert_eq!((counts.passed, counts.failed, counts.skipped), (3, 0, 0));
    }

    #[test]
    fn ignores_test_output() {
        let counts = read(&["# Subtest: pass 3", "ℹ pass three", "pass 4", "  ℹ note"]);
        assert_eq!(counts, TestCounts::default());
    }
}
