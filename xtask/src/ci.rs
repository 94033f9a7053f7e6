//! `cargo xtask ci`: everything CI runs, cheapest first, stopping at the first
//! failure. `.ci/run` runs exactly this.

use std::path::Path;

use anyhow::{Context, Result};

use crate::{check, lint, test};

/// Runs check, lint and test in that order. On failure the error names the
/// step that failed; `main` prints it as one line and exits non-zero.
pub fn run(root: &Path) -> Result<()> {
    let steps: [(&str, &dyn Fn() -> Result<()>); 3] = [
        ("check", &|| check::run(root)),
        ("lint", &|| lint::run(root)),
        ("test", &|| test::run(root, &[]).map(|_| ())),
    ];
    for (name, step) in steps {
        println!("\n======== ci: {name} ========");
        step().with_context(|| format!("ci failed at `cargo xtask {name}`"))?;
    }
    println!("\nci: check, lint and test passed");
    Ok(())
}
