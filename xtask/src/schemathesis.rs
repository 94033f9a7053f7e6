//! The `schemathesis` test step: property-based tests generated from the
//! server's own `/openapi.json`, run against a real server. A case fails on
//! a 5xx, or on a response whose status, content type or body the document
//! does not describe.
//!
//! Schemathesis is installed by this step into the project's `.venv`
//! (pinned below), nothing by hand. The run is split in three passes, each on
//! a fresh server: Latchkey is an IAM API driven here with its own admin key,
//! and generated changes and deletions find that key's own application, user
//! and key (schemathesis reuses ids it has seen) and lock the rest of the run
//! out. Reads and creations run first on their own; changes and deletions,
//! and the bulk delete, each run on a server of their own.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cmd::cmd;
use crate::server_process::start;
use crate::test::TestCounts;

/// What this step installs into `.venv`: the pinned schemathesis release.
pub const PACKAGES: &[&str] = &["schemathesis==4.32.5"];

/// One schemathesis run: its name and the operations it selects.
struct Pass {
    name: &'static str,
    filters: &'static [&'static str],
}

const PASSES: &[Pass] = &[
    Pass {
        name: "reads and creations",
        filters: &[
            "--exclude-method",
            "PUT",
            "--exclude-method",
            "DELETE",
            "--exclude-path-regex",
            "bulk-delete",
        ],
    },
    Pass {
        name: "changes and deletions",
        filters: &["--exclude-method", "GET", "--exclude-method", "POST"],
    },
    Pass {
        name: "bulk delete",
        filters: &["--include-path-regex", "bulk-delete"],
    },
];

/// Installs schemathesis, builds the server, and runs every pass.
pub fn run(root: &Path, counts: &mut TestCounts) -> Result<()> {
    let venv = crate::venv::ensure(root, PACKAGES)?;
    let binary = crate::server_process::build_dev_server(root)?;
    let work = std::env::temp_dir().join(format!("latchkey-schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let result = PASSES.iter().enumerate().try_for_each(|(index, pass)| {
        println!("--- schemathesis: {}", pass.name);
        let data = work.join(format!("pass-{index}.redb"));
        let (server, _) = start(&binary, &data).with_context(|| format!("starting the server for `{}`", pass.name))?;
        let outcome = cmd(root, venv.join("bin/schemathesis"))
            .args(["run", &format!("{}/openapi.json", server.url)])
            .arg("--header")
            .secret_arg(format!("Authorization: Bearer {}", server.admin_key))
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "20",
                "--seed",
                "7",
                "--workers",
                "2",
                "--generation-database",
                "none",
                "--no-color",
            ])
            .args(pass.filters.iter().copied())
            .run_tee(|line| {
                if let Some(cases) = passed_cases(line) {
                    counts.passed += cases;
                }
            });
        if outcome.is_err() {
            counts.failed += 1;
        }
        outcome
    });
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// Reads schemathesis' summary line, e.g. `1139 generated, 1139 passed`.
fn passed_cases(line: &str) -> Option<u64> {
    let (_, rest) = line.trim().split_once(" generated, ")?;
    rest.split_once(" passed")?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_summary_line() {
        assert_eq!(passed_cases("  1139 generated, 1139 passed"), Some(1139));
        assert_eq!(
            passed_cases("  20 generated, 18 passed, 2 failed"),
            Some(18)
        );
        assert_eq!(passed_cases("Test cases:"), None);
    }
}
