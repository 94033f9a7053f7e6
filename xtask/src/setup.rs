//! `cargo xtask setup`: installs what the checks and tests need from the
//! machine and do not install themselves, when it is missing. `cargo xtask
//! ci` runs it first, so the README's test command works on a fresh
//! Debian machine with nothing but a Rust toolchain; on a machine that has
//! everything it only looks, and says so.
//!
//! Every need is one line of [`NEEDS`]: what it is, which step uses it, how
//! to tell it is there, and what provides it (a Debian package installed
//! with apt-get, as root or through sudo, or a rustup component). What the
//! steps download for themselves (pip packages into `.venv`, `npm ci`,
//! Maven's artifacts) is not here: `cargo xtask ci` prefetches those
//! ([`crate::prefetch`]), after this has run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Result, bail};

use crate::cmd::cmd;

/// Where a need comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A Debian package, installed with apt-get.
    Apt(&'static str),
    /// A component of the Rust toolchain, installed with rustup.
    Rustup(&'static str),
}

/// One thing a step needs from the machine.
struct Need {
    /// What it is, for people.
    what: &'static str,
    /// The steps that use it.
    used_by: &'static str,
    /// Whether it is there.
    present: fn() -> bool,
    /// What installs it.
    source: Source,
}

/// Everything the checks and test steps need from the machine.
const NEEDS: &[Need] = &[
    Need {
        what: "rustfmt",
        used_by: "lint",
        present: || cargo_subcommand_works("fmt"),
        source: Source::Rustup("rustfmt"),
    },
    Need {
        what: "clippy",
        used_by: "lint",
        present: || cargo_subcommand_works("clippy"),
        source: Source::Rustup("clippy"),
    },
    Need {
        what: "curl",
        used_by: "test schemathesis (probes the server)",
        present: || on_path("curl"),
        source: Source::Apt("curl"),
    },
    Need {
        what: "python3",
        used_by: "check, test python, test schemathesis",
        present: || on_path("python3"),
        source: Source::Apt("python3"),
    },
    Need {
        what: "python3's venv and ensurepip",
        used_by: "check, test python, test schemathesis (their `.venv`)",
        present: python_can_make_venvs,
        source: Source::Apt("python3-venv"),
    },
    Need {
        what: "PostgreSQL's server programs (initdb, pg_ctl)",
        used_by: "test rust (a throwaway cluster)",
        present: || crate::postgres::server_bin_dir().is_ok(),
        source: Source::Apt("postgresql"),
    },
    Need {
        what: "Node",
        used_by: "check (the addon's types), test node",
        present: || on_path("node"),
        source: Source::Apt("nodejs"),
    },
    Need {
        what: "npm",
        used_by: "check (the addon's types), test node",
        present: || on_path("npm"),
        source: Source::Apt("npm"),
    },
    Need {
        what: "Chromium (Debian's; Playwright drives it, never a downloaded browser)",
        used_by: "test console",
        present: || Path::new(crate::console::CHROMIUM).exists(),
        source: Source::Apt("chromium"),
    },
    Need {
        what: "Maven",
        used_by: "test kotlin",
        present: || on_path("mvn"),
        source: Source::Apt("maven"),
    },
    Need {
        what: "pkg-config",
        used_by: "test dist (resolves the Swift package's latchkey_uniffi.pc)",
        present: || on_path("pkg-config"),
        source: Source::Apt("pkgconf"),
    },
    Need {
        what: "a JDK 17 (javac)",
        used_by: "test kotlin",
        present: || on_path("javac"),
        source: Source::Apt("openjdk-17-jdk-headless"),
    },
];

/// Installs what [`NEEDS`] finds missing, then checks again: an error names
/// whatever is still missing and how to install it.
pub fn run(root: &Path) -> Result<()> {
    let absent = missing(NEEDS);
    if absent.is_empty() {
        println!(
            "setup: nothing to install ({} are all here)",
            NEEDS
                .iter()
                .map(|need| need.what)
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(());
    }
    println!("setup: missing:");
    for need in &absent {
        println!("  - {} (for {}): {}", need.what, need.used_by, need.source);
    }
    let components = sources(&absent, |source| match source {
        Source::Rustup(component) => Some(component),
        Source::Apt(_) => None,
    });
    let packages = sources(&absent, |source| match source {
        Source::Apt(package) => Some(package),
        Source::Rustup(_) => None,
    });
    if !components.is_empty() {
        if !on_path("rustup") {
            bail!(
                "rustup is not installed: add the Rust components {} to your toolchain yourself",
                components.join(" ")
            );
        }
        println!(
            "setup: installing the Rust components {}",
            components.join(" ")
        );
        cmd(root, "rustup")
            .args(["component", "add"])
            .args(components.iter().copied())
            .run()?;
    }
    if !packages.is_empty() {
        install_packages(root, &packages)?;
    }
    let still = missing(absent.iter().copied());
    if !still.is_empty() {
        let names: Vec<_> = still.iter().map(|need| need.what).collect();
        bail!(
            "still missing after installing: {} (install them yourself, then run this again)",
            names.join(", ")
        );
    }
    println!("setup: installed everything that was missing");
    Ok(())
}

/// Installs Debian packages with apt-get: directly as root, else through
/// sudo.
fn install_packages(root: &Path, packages: &[&'static str]) -> Result<()> {
    if !on_path("apt-get") {
        bail!(
            "apt-get is not available: install the equivalent of the Debian packages {} \
             with your system's package manager",
            packages.join(" ")
        );
    }
    let as_root = crate::postgres::running_as_root()?;
    if !as_root && !on_path("sudo") {
        bail!(
            "installing the Debian packages {} needs root, and sudo is not installed: \
             run `apt-get install {}` as root",
            packages.join(" "),
            packages.join(" ")
        );
    }
    println!(
        "setup: installing the Debian packages {} with apt-get{}",
        packages.join(" "),
        if as_root { "" } else { " through sudo" }
    );
    // `env` carries the variable through sudo, which resets the environment.
    let apt = |args: &[&str]| {
        let line = if as_root {
            cmd(root, "env")
        } else {
            cmd(root, "sudo").arg("env")
        };
        line.args(["DEBIAN_FRONTEND=noninteractive", "apt-get"])
            .args(args.iter().copied())
    };
    apt(&["update"]).run()?;
    apt(&["install", "--yes", "--no-install-recommends"])
        .args(packages.iter().copied())
        .run()
}

/// Those of `needs` that are missing now.
fn missing(needs: impl IntoIterator<Item = &'static Need>) -> Vec<&'static Need> {
    needs.into_iter().filter(|need| !(need.present)()).collect()
}

/// The distinct names `pick` takes from the needs' sources, in order.
fn sources(needs: &[&Need], pick: impl Fn(Source) -> Option<&'static str>) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for name in needs.iter().filter_map(|need| pick(need.source)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Apt(package) => write!(f, "Debian package `{package}`"),
            Source::Rustup(component) => write!(f, "rustup component `{component}`"),
        }
    }
}

/// The file `program` names on `PATH`, as a shell would find it.
fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|file| is_executable(file))
}

pub fn on_path(program: &str) -> bool {
    find_on_path(program).is_some()
}

fn is_executable(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    file.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// Whether `cargo <subcommand> --version` works (rustfmt and clippy are
/// reached through cargo, whichever toolchain manager installed them).
fn cargo_subcommand_works(subcommand: &str) -> bool {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    quietly_succeeds(Command::new(cargo).args([subcommand, "--version"]))
}

/// Whether python3 can make the virtual environments the Python steps use
/// (Debian splits venv and ensurepip into `python3-venv`).
fn python_can_make_venvs() -> bool {
    on_path("python3")
        && quietly_succeeds(Command::new("python3").args(["-c", "import venv, ensurepip"]))
}

fn quietly_succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_named_once_each_in_order() {
        let need = |source| Need {
            what: "x",
            used_by: "y",
            present: || false,
            source,
        };
        let needs = [
            need(Source::Apt("nodejs")),
            need(Source::Rustup("clippy")),
            need(Source::Apt("npm")),
            need(Source::Apt("nodejs")),
        ];
        let needs: Vec<&Need> = needs.iter().collect();
        let packages = sources(&needs, |source| match source {
            Source::Apt(package) => Some(package),
            Source::Rustup(_) => None,
        });
        assert_eq!(packages, ["nodejs", "npm"]);
    }

    #[test]
    fn a_need_that_is_there_is_not_missing() {
        const TWO: &[Need] = &[
            Need {
                what: "here",
                used_by: "y",
                present: || true,
                source: Source::Apt("here"),
            },
            Need {
                what: "gone",
                used_by: "y",
                present: || false,
                source: Source::Apt("gone"),
            },
        ];
        let missing: Vec<_> = missing(TWO).iter().map(|need| need.what).collect();
        assert_eq!(missing, ["gone"]);
    }

    #[test]
    fn programs_are_found_on_path_like_a_shell_would() {
        assert!(on_path("sh"));
        assert!(!on_path("latchkey-no-such-program"));
    }
}
