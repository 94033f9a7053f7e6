//! Downloads the later steps need (Python packages into `.venv`, the Node
//! binding's and the console tests' `npm ci`, the Kotlin SDK's Maven
//! artifacts), started in the
//! background when `cargo xtask ci` begins.
//!
//! On a fresh clone these are minutes of waiting on PyPI, npm and Maven
//! Central that would otherwise come one after the other between Rust
//! builds; started first, they overlap the Rust build, which is the long,
//! CPU-bound part of CI. Each download runs the very command its step runs,
//! so a step finds its work done; before a step touches the same `.venv`,
//! `node_modules` or `~/.m2`, it waits for that download ([`wait`]), because
//! neither pip, npm nor Maven guards against a second copy of itself.
//!
//! A download that fails is only reported: its step then runs the command
//! itself, in the open, and fails there with the real error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

use anyhow::Result;

use crate::step::minutes_seconds;

/// One background download, named after what it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Download {
    /// The packages of every Python step (the `dist` step's auditwheel and
    /// twine too), into `.venv`.
    PythonPackages,
    /// `npm ci` in `bindings/node`.
    NodeModules,
    /// `npm ci` in `tests/console` (Playwright's driver, axe-core).
    ConsoleModules,
    /// What the Kotlin steps run Maven with, into `~/.m2`: the plugins and
    /// dependencies of `bindings/kotlin/pom.xml`, and the plugins the `dist`
    /// step runs besides (see [`crate::kotlin::resolve_artifacts`]).
    MavenArtifacts,
}

impl Download {
    const ALL: [Download; 4] = [
        Download::PythonPackages,
        Download::NodeModules,
        Download::ConsoleModules,
        Download::MavenArtifacts,
    ];

    fn name(self) -> &'static str {
        match self {
            Download::PythonPackages => "python-packages",
            Download::NodeModules => "node-modules",
            Download::ConsoleModules => "console-modules",
            Download::MavenArtifacts => "maven-artifacts",
        }
    }

    fn fetch(self, root: &Path, log: &Path) -> Result<()> {
        match self {
            Download::PythonPackages => {
                let packages: Vec<&str> = crate::python::PACKAGES
                    .iter()
                    .chain(crate::schemathesis::PACKAGES)
                    .chain(crate::dist::python::PACKAGES)
                    .copied()
                    .collect();
                crate::venv::install(root, &packages, Some(log)).map(|_| ())
            }
            Download::NodeModules => crate::node::npm_ci_logged(root, Some(log)),
            Download::ConsoleModules => {
                crate::node::npm_ci_in(&root.join(crate::console::TESTS), Some(log))
            }
            Download::MavenArtifacts => crate::kotlin::resolve_artifacts(root, log),
        }
    }
}

/// The downloads still running or not yet waited for.
static PENDING: Mutex<Option<HashMap<Download, JoinHandle<Result<()>>>>> = Mutex::new(None);

/// Starts every download on a thread of its own, its output going to
/// `target/prefetch/<name>.log`.
pub fn start(root: &Path) {
    let logs = crate::server_process::target_dir(root).join("prefetch");
    if let Err(error) = std::fs::create_dir_all(&logs) {
        println!("prefetch: not started ({error}); each step downloads its own");
        return;
    }
    let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
    let handles = pending.get_or_insert_with(HashMap::new);
    for download in Download::ALL {
        let root = root.to_path_buf();
        let log: PathBuf = logs.join(format!("{}.log", download.name()));
        println!(
            "prefetch: {} in the background (log: {})",
            download.name(),
            log.display()
        );
        let handle = std::thread::spawn(move || download.fetch(&root, &log));
        handles.insert(download, handle);
    }
}

/// Waits for `download` when it was started and not yet waited for; reports
/// how long the wait was, or that it failed (the caller then does the work
/// itself). Returns at once when no download was started.
pub fn wait(download: Download) {
    let handle = PENDING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_mut()
        .and_then(|handles| handles.remove(&download));
    let Some(handle) = handle else {
        return;
    };
    let started = Instant::now();
    let outcome = handle.join();
    let waited = minutes_seconds(started.elapsed());
    match outcome {
        Ok(Ok(())) => println!("prefetch: {} ready (waited {waited})", download.name()),
        Ok(Err(error)) => println!(
            "prefetch: {} failed ({error:#}); the step runs it itself",
            download.name()
        ),
        Err(_) => println!(
            "prefetch: {} panicked; the step runs it itself",
            download.name()
        ),
    }
}
