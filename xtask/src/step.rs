//! Named steps: each prints a header before it runs and its duration after
//! (so a CI log shows where the time goes) and, when it fails, says which step
//! failed.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Runs `f` as step `group`/`name`: prints `==> group: name` first and
/// `<== group: name: ok|failed in 1m 05s` last, and adds the step's name to
/// any error.
pub fn run_step<T>(group: &str, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("\n==> {group}: {name}");
    let started = Instant::now();
    let result = f();
    let outcome = if result.is_ok() { "ok" } else { "failed" };
    println!(
        "<== {group}: {name}: {outcome} in {}",
        minutes_seconds(started.elapsed())
    );
    result.with_context(|| format!("step `{group} {name}` failed"))
}

/// `65.4 s` → `1m 05s`; under a minute, `7.2s`.
pub fn minutes_seconds(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    if seconds < 60 {
        format!("{:.1}s", elapsed.as_secs_f64())
    } else {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    }
}

/// Chooses steps by name: all of them when `wanted` is empty, else those
/// named, in the order they are declared; an unknown name is an error that
/// lists the known ones.
pub fn select<'a, S>(
    group: &str,
    steps: &'a [S],
    name_of: impl Fn(&S) -> &'static str,
    wanted: &[String],
) -> Result<Vec<&'a S>> {
    for want in wanted {
        if !steps.iter().any(|s| name_of(s) == want) {
            let known: Vec<_> = steps.iter().map(&name_of).collect();
            anyhow::bail!(
                "`{group}` has no step `{want}` (steps: {})",
                known.join(", ")
            );
        }
    }
    Ok(steps
        .iter()
        .filter(|s| wanted.is_empty() || wanted.iter().any(|w| w == name_of(s)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[&str] = &["rust", "python", "node"];

    fn names(wanted: &[&str]) -> Result<Vec<&'static str>> {
        let wanted: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
        Ok(select("test", STEPS, |s| s, &wanted)?
            .into_iter()
            .copied()
            .collect())
    }

    #[test]
    fn no_names_select_every_step_in_order() {
        assert_eq!(names(&[]).unwrap(), STEPS);
    }

    #[test]
    fn names_select_in_declaration_order() {
        assert_eq!(names(&["node", "rust"]).unwrap(), ["rust", "node"]);
    }

    #[test]
    fn an_unknown_name_lists_the_known_ones() {
        let error = names(&["swift"]).unwrap_err().to_string();
        assert_eq!(
            error,
            "`test` has no step `swift` (steps: rust, python, node)"
        );
    }

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(minutes_seconds(Duration::from_millis(7_240)), "7.2s");
        assert_eq!(minutes_seconds(Duration::from_secs(65)), "1m 05s");
        assert_eq!(minutes_seconds(Duration::from_secs(3_600)), "60m 00s");
    }

    #[test]
    fn a_failing_step_is_named() {
        let error = run_step("lint", "clippy", || -> Result<()> { anyhow::bail!("boom") });
        assert_eq!(
            format!("{:#}", error.unwrap_err()),
            "step `lint clippy` failed: boom"
        );
    }
}
