//! The `kotlin` test step and the native build it shares with codegen: the
//! uniffi library built once in the dev profile into the workspace's one
//! `target/`, then one `mvn test` in `bindings/kotlin` (JUnit 5 through
//! Surefire, JNA pointed at the library) against a real server binary, its
//! Surefire summary added to the tally.
//!
//! Maven resolves its plugins and artifacts into `~/.m2` on the first run
//! (CI starts empty); `.ci/run` installs `maven` and a JDK when missing.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cmd::cmd;
use crate::server_process::target_dir;
use crate::test::TestCounts;

/// The Kotlin SDK's folder, relative to the root.
pub const BINDING: &str = "bindings/kotlin";

/// The uniffi crate and the file name of its library.
pub const UNIFFI_PACKAGE: &str = "latchkey-uniffi";
/// `lib<name>.so` of the cdylib (a unique name: see docs/decisions.md).
pub const LIBRARY_FILE: &str = "liblatchkey_uniffi.so";

/// Builds the uniffi library (dev profile) and returns its folder.
pub fn build_library(root: &Path) -> Result<PathBuf> {
    cmd(root, "cargo")
        .args(["build", "--package", UNIFFI_PACKAGE, "--lib"])
        .run()?;
    Ok(target_dir(root).join("debug"))
}

/// The step: library, server binary, `mvn test`.
pub fn run(root: &Path, counts: &mut TestCounts) -> Result<()> {
    let library_dir = build_library(root)?;
    let server = crate::server_process::build_dev_server(root)?;
    let mut summary = TestCounts::default();
    let mut library_property = std::ffi::OsString::from("-Dlatchkey.lib.dir=");
    library_property.push(&library_dir);
    crate::prefetch::wait(crate::prefetch::Download::MavenArtifacts);
    let result = cmd(&root.join(BINDING), "mvn")
        .args(["-B", "--no-transfer-progress", "test"])
        .arg(library_property)
        .env("LATCHKEY_SERVER_BIN", &server)
        .run_tee(|line| {
            if let Some(found) = surefire_summary(line) {
                summary += found;
            }
        });
    *counts += summary;
    result
}

/// The Maven plugin that resolves a project's plugins and dependencies
/// without building it, pinned (Maven would otherwise pick its own default).
const DEPENDENCY_PLUGIN: &str = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline";

/// The install plugin the `dist` step's `install:install-file` runs, pinned
/// (the project's own `install` uses Maven's default one).
pub const INSTALL_PLUGIN: &str = "org.apache.maven.plugins:maven-install-plugin:3.1.4";

/// The README's Kotlin tour, a Maven project of its own (relative to the root).
pub const EXAMPLE: &str = "examples/kotlin";

/// Downloads into `~/.m2`, without compiling anything, what the Kotlin steps
/// run Maven with (the background download of `cargo xtask ci`, see
/// [`crate::prefetch`]); the output goes to `log`. That is the plugins and
/// dependencies of [`BINDING`] (`go-offline`: its build's plugins, Dokka's
/// and Maven's default ones included, which `cargo xtask dist kotlin`'s
/// `mvn install` runs too), and the two plugins only the `dist` step runs
/// outside that project: [`INSTALL_PLUGIN`] and the tour's `exec` plugin (at
/// the version [`EXAMPLE`]'s pom pins). Running a plugin's `help` goal
/// resolves it with all its dependencies, as running any of its goals would.
pub fn resolve_artifacts(root: &Path, log: &Path) -> Result<()> {
    let mvn = |dir: &str| cmd(&root.join(dir), "mvn").args(["-B", "--no-transfer-progress"]);
    mvn(BINDING).arg(DEPENDENCY_PLUGIN).run_logged(log)?;
    mvn(BINDING)
        .arg(format!("{INSTALL_PLUGIN}:help"))
        .run_logged(log)?;
    mvn(EXAMPLE).arg("exec:help").run_logged(log)
}

/// Reads Surefire's closing line of a module, `Tests run: 12, Failures: 1,
/// Errors: 0, Skipped: 2` (after `[INFO]`, `[WARNING]` or `[ERROR]`). The
/// per-class lines carry `Time elapsed` and are not counted again.
fn surefire_summary(line: &str) -> Option<TestCounts> {
    let start = line.find("Tests run: ")?;
    let rest = &line[start..];
    if rest.contains("Time elapsed") {
        return None;
    }
    let mut numbers = [None::<u64>; 4];
    for (index, label) in ["Tests run", "Failures", "Errors", "Skipped"]
        .iter()
        .enumerate()
    {
        let at = rest.find(&format!("{label}: "))? + label.len() + 2;
        let digits: String = rest[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        numbers[index] = digits.parse().ok();
    }
    let [Some(run), Some(failures), Some(errors), Some(skipped)] = numbers else {
        return None;
    };
    let failed = failures + errors;
    Some(TestCounts {
        passed: run.saturating_sub(failed + skipped),
        failed,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_module_summary() {
        let counts =
            surefire_summary("[ERROR] Tests run: 40, Failures: 2, Errors: 1, Skipped: 3").unwrap();
        assert_eq!((counts.passed, counts.failed, counts.skipped), (34, 3, 3));
        let counts =
            surefire_summary("[INFO] Tests run: 5, Failures: 0, Errors: 0, Skipped: 0").unwrap();
        assert_eq!((counts.passed, counts.failed, counts.skipped), (5, 0, 0));
    }

    #[test]
    fn ignores_per_class_lines_and_other_output() {
        assert!(
            surefire_summary(
                "[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.5 s -- in dev.latchkey.JwtTest"
            )
            .is_none()
        );
        assert!(surefire_summary("[INFO] Running dev.latchkey.JwtTest").is_none());
        assert!(surefire_summary("Tests run: many").is_none());
    }
}
