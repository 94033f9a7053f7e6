//! `cargo xtask ci`: everything CI runs, cheapest first, stopping at the first
//! failure. `.ci/run` runs exactly this.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::step::minutes_seconds;
use crate::{check, lint, test};

/// Starts the downloads of the later steps in the background
/// ([`crate::prefetch`]), then runs check, lint and test in that order. On failure the error names the
/// step that failed; `main` prints it as one line and exits non-zero.
pub fn run(root: &Path) -> Result<()> {
    let steps: [(&str, &dyn Fn() -> Result<()>); 3] = [
        ("check", &|| check::run(root)),
        ("lint", &|| lint::run(root)),
        ("test", &|| test::run(root, &[]).map(|_| ())),
    ];
    let started = Instant::now();
    crate::prefetch::start(root);
    for (name, step) in steps {
        println!("\n======== ci: {name} ========");
        let step_started = Instant::now();
        step().with_context(|| format!("ci failed at `cargo xtask {name}`"))?;
        println!(
            "======== ci: {name} took {}",
            minutes_seconds(step_started.elapsed())
        );
    }
    println!(
        "\nci: check, lint and test passed in {}",
        minutes_seconds(started.elapsed())
    );
    Ok(())
}
