//! `cargo xtask test`: every test of the project, one named step per
//! language. Adding a language is one function and one line in [`STEPS`].
//!
//! The Rust step copies cargo's output (stdout and stderr in the order written)
//! to stdout line by line, so every `test result:` line stays under its test
//! binary's header, and adds up the counts. The command ends with one plain
//! line, `tests: N passed, N failed, N skipped`, because cargo's own last line
//! is often a doc-test run of `0 passed`.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cmd::cmd;
use crate::step::{run_step, select};

/// One test step: a name for the header and for `cargo xtask test NAME`, and
/// the function that runs it, adding what it counted to the tally.
struct TestStep {
    name: &'static str,
    run: fn(&Path, &mut TestCounts) -> Result<()>,
}

/// Every test step, in the order they run.
const STEPS: &[TestStep] = &[
    TestStep {
        name: "rust",
        run: rust,
    },
    TestStep {
        name: "python",
        run: crate::python::run,
    },
    TestStep {
        name: "node",
        run: crate::node::run,
    },
    TestStep {
        name: "kotlin",
        run: crate::kotlin::run,
    },
    TestStep {
        name: "console",
        run: crate::console::run,
    },
    TestStep {
        name: "schemathesis",
        run: crate::schemathesis::run,
    },
    TestStep {
        name: "dist",
        run: crate::dist::test,
    },
];

/// Runs the chosen steps (all when `wanted` is empty), stopping at the first
/// that fails, and prints the tally of all of them last, failed or not.
pub fn run(root: &Path, wanted: &[String]) -> Result<TestCounts> {
    let steps = select("test", STEPS, |s| s.name, wanted)?;
    let mut total = TestCounts::default();
    let mut result = Ok(());
    for step in steps {
        result = run_step("test", step.name, || (step.run)(root, &mut total));
        if result.is_err() {
            break;
        }
    }
    println!("\ntests: {total}");
    result.map(|()| total)
}

/// The variable that gives the store and server tests their PostgreSQL (a
/// superuser URL; each test creates its own database there). Without it those
/// tests fail rather than skip.
pub const POSTGRES_URL_VAR: &str = "LATCHKEY_TEST_POSTGRES_URL";

/// Binding crates are tested from their own language (see their steps):
/// `cargo test` cannot link them.
const BINDING_EXCLUDES: [&str; 8] = [
    "--exclude",
    "latchkey-python",
    "--exclude",
    "latchkey-node",
    // Tested from Kotlin; the bindgen is built only by codegen (it is the
    // largest build of the workspace).
    "--exclude",
    "latchkey-uniffi",
    "--exclude",
    "uniffi-bindgen",
];

/// Makes the server's integration tests put every server on PostgreSQL.
const SERVER_BACKEND_VAR: &str = "LATCHKEY_TEST_SERVER_BACKEND";

/// The Rust workspace: unit, integration and doc tests of every member
/// (xtask included), reporting every failing test binary, not just the first.
/// A throwaway PostgreSQL runs for the duration, so the store conformance
/// suite runs on both backends; then the server's integration tests run a
/// second time with every server on PostgreSQL (already built: only the
/// run is repeated).
fn rust(root: &Path, counts: &mut TestCounts) -> Result<()> {
    let postgres = crate::postgres::Postgres::start()?;
    let workspace = rust_workspace(root, &postgres.url(), counts);
    println!("\n--- the server's integration tests on PostgreSQL ---");
    // Same package selection as the workspace run, so cargo reuses its test
    // binaries (`-p latchkey-server` alone unifies features differently and
    // would rebuild them); the targets are the server's `tests/*.rs`.
    let mut on_postgres = cmd(root, "cargo")
        .env(POSTGRES_URL_VAR, postgres.url())
        .env(SERVER_BACKEND_VAR, "postgres")
        .args(["test", "--workspace"])
        .args(BINDING_EXCLUDES);
    for target in server_test_targets(root)? {
        on_postgres = on_postgres.args(["--test", target.as_str()]);
    }
    let on_postgres = on_postgres.arg("--no-fail-fast").run_tee(|line| {
        if let Some(found) = TestCounts::from_libtest_line(line) {
            *counts += found;
        }
    });
    workspace.and(on_postgres)
}

/// Server test targets that put their servers on PostgreSQL themselves
/// (several replicas on one database): the workspace run already ran them.
const POSTGRES_ONLY_TARGETS: [&str; 1] = ["replicas"];

/// The server's integration-test targets: its `tests/*.rs` files, but for
/// [`POSTGRES_ONLY_TARGETS`].
fn server_test_targets(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("crates/latchkey-server/tests");
    let mut targets = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "rs")
            && let Some(stem) = path.file_stem().and_then(|stem| stem.to_str())
            && !POSTGRES_ONLY_TARGETS.contains(&stem)
        {
            targets.push(stem.to_owned());
        }
    }
    targets.sort();
    anyhow::ensure!(!targets.is_empty(), "no test targets in {}", dir.display());
    Ok(targets)
}

fn rust_workspace(root: &Path, postgres_url: &str, counts: &mut TestCounts) -> Result<()> {
    cmd(root, "cargo")
        .env(POSTGRES_URL_VAR, postgres_url)
        // Binding crates are tested from their own language (see their steps).
        .args(["test", "--workspace"])
        .args(BINDING_EXCLUDES)
        .arg("--no-fail-fast")
        .run_tee(|line| {
            if let Some(found) = TestCounts::from_libtest_line(line) {
                *counts += found;
            }
        })
}

/// Numbers of tests passed, failed and skipped (ignored).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TestCounts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests that were skipped (`#[ignore]` in Rust).
    pub skipped: u64,
}

impl TestCounts {
    /// Reads the summary line of Rust's test harness, e.g.
    /// `test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s`.
    pub fn from_libtest_line(line: &str) -> Option<TestCounts> {
        let rest = line.trim().strip_prefix("test result: ")?;
        let (_verdict, fields) = rest.split_once(". ")?;
        let mut counts = TestCounts::default();
        for field in fields.split("; ") {
            let Some((number, what)) = field.split_once(' ') else {
                continue;
            };
            let Ok(number) = number.parse::<u64>() else {
                continue;
            };
            match what {
                "passed" => counts.passed = number,
                "failed" => counts.failed = number,
                "ignored" => counts.skipped = number,
                _ => {}
            }
        }
        Some(counts)
    }
}

impl TestCounts {
    /// Runs `check` as one check named `what`, the one way a step counts
    /// the checks it runs itself: adds its outcome (passed or failed) and
    /// prints it with its duration.
    pub fn record(&mut self, what: &str, check: impl FnOnce() -> Result<()>) -> Result<()> {
        let started = std::time::Instant::now();
        let outcome = check();
        let took = crate::step::minutes_seconds(started.elapsed());
        match &outcome {
            Ok(()) => {
                self.passed += 1;
                println!("ok: {what} ({took})");
            }
            Err(_) => {
                self.failed += 1;
                println!("FAILED: {what} ({took})");
            }
        }
        outcome.with_context(|| format!("{what}: failed"))
    }

    /// Counts a check that cannot run here, saying why.
    pub fn skip(&mut self, what: &str, why: &str) {
        self.skipped += 1;
        println!("skipped: {what}: {why}");
    }
}

impl std::ops::AddAssign for TestCounts {
    fn add_assign(&mut self, other: TestCounts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// The plain summary form: `N passed, N failed, N skipped`.
impl fmt::Display for TestCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_check_counts_its_outcome_and_keeps_its_error() {
        let mut counts = TestCounts::default();
        counts.record("fine", || Ok(())).unwrap();
        let error = counts
            .record("broken", || anyhow::bail!("because"))
            .unwrap_err();
        assert_eq!(format!("{error:#}"), "broken: failed: because");
        counts.skip("elsewhere", "no compiler");
        assert_eq!((counts.passed, counts.failed, counts.skipped), (1, 1, 1));
    }

    #[test]
    fn reads_a_passing_summary() {
        let line = "test result: ok. 12 passed; 0 failed; 2 ignored; 0 measured; 3 filtered out; finished in 0.41s";
        let counts = TestCounts::from_libtest_line(line).unwrap();
        assert_eq!(
            counts,
            TestCounts {
                passed: 12,
                failed: 0,
                skipped: 2
            }
        );
    }

    #[test]
    fn reads_a_failing_summary() {
        let line = "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s";
        let counts = TestCounts::from_libtest_line(line).unwrap();
        assert_eq!(
            counts,
            TestCounts {
                passed: 3,
                failed: 1,
                skipped: 0
            }
        );
    }

    #[test]
    fn ignores_other_lines() {
        for line in [
            "test access_key::parses ... ok",
            "running 3 tests",
            "",
            "test result",
        ] {
            assert_eq!(TestCounts::from_libtest_line(line), None, "{line:?}");
        }
    }

    #[test]
    fn adds_up_and_prints_the_plain_form() {
        let mut total = TestCounts {
            passed: 1,
            failed: 0,
            skipped: 1,
        };
        total += TestCounts {
            passed: 2,
            failed: 1,
            skipped: 0,
        };
        assert_eq!(total.to_string(), "3 passed, 1 failed, 1 skipped");
    }

    #[test]
    fn every_step_has_a_unique_name() {
        let mut names: Vec<_> = STEPS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), STEPS.len());
    }
}
