//! `cargo xtask lint`: formatting and lints, warnings denied.

use std::path::Path;

use anyhow::Result;

use crate::cmd::cmd;
use crate::step::run_step;

/// One lint step. Later: ruff/mypy for Python, eslint/tsc for Node, ktlint.
struct LintStep {
    name: &'static str,
    run: fn(&Path) -> Result<()>,
}

/// Every lint step, in the order they run (cheapest first).
const STEPS: &[LintStep] = &[
    LintStep {
        name: "rustfmt",
        run: rustfmt,
    },
    LintStep {
        name: "clippy",
        run: clippy,
    },
];

/// Runs every lint step, stopping at the first that fails.
pub fn run(root: &Path) -> Result<()> {
    for step in STEPS {
        run_step("lint", step.name, || (step.run)(root))?;
    }
    Ok(())
}

/// Formatting of every workspace member; the fix is `cargo fmt --all`.
fn rustfmt(root: &Path) -> Result<()> {
    cmd(root, "cargo")
        .args(["fmt", "--all", "--", "--check"])
        .run()
        .map_err(|e| e.context("code is not formatted: run `cargo fmt --all`"))
}

/// Clippy on every target of every member (tests, benches, examples, xtask).
/// The store's bench-only feature is on, or `--all-targets` would skip the
/// benches and examples that require it without a word.
fn clippy(root: &Path) -> Result<()> {
    cmd(root, "cargo")
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            "latchkey-store/bench-seeding",
            "--",
            "-D",
            "warnings",
        ])
        .run()
}
