//! `cargo xtask ci`: everything CI runs, cheapest first, stopping at the first
//! failure. `.ci/run` runs exactly this, and so can anyone on a fresh machine:
//! its first step installs what is missing ([`crate::setup`]).

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::step::minutes_seconds;
use crate::{check, lint, setup, test};

/// Installs what is missing from the machine, starts the downloads of the
/// later steps in the background ([`crate::prefetch`]; they need the
/// installed tools), then runs check, lint and test in that order. On
/// failure the error names the step that failed; `main` prints it as one
/// line and exits non-zero.
pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    ci_step("setup", || setup::run(root))?;
    crate::prefetch::start(root);
    let steps: [(&str, &dyn Fn() -> Result<()>); 3] = [
        ("check", &|| check::run(root)),
        ("lint", &|| lint::run(root)),
        ("test", &|| test::run(root, &[]).map(|_| ())),
    ];
    for (name, step) in steps {
        ci_step(name, step)?;
    }
    println!(
        "\nci: setup, check, lint and test passed in {}",
        minutes_seconds(started.elapsed())
    );
    Ok(())
}

/// Runs `cargo xtask <name>`'s work under a header, with its duration.
fn ci_step(name: &str, step: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("\n======== ci: {name} ========");
    let step_started = Instant::now();
    step().with_context(|| format!("ci failed at `cargo xtask {name}`"))?;
    println!(
        "======== ci: {name} took {}",
        minutes_seconds(step_started.elapsed())
    );
    Ok(())
}
