//! `cargo xtask dist`: every SDK artifact as users get it (wheels and sdist,
//! npm tarballs, the Maven jar set, the Swift package), built into
//! `target/dist/<language>/`; and the `dist` test step, which installs the host
//! artifacts the way a user would (a clean venv, a clean npm folder, a clean
//! Maven project) and runs each quickstart against a real server.
//!
//! Each language is one module with a `build` and an `install_and_run`, and one
//! row of [`LANGUAGES`]: adding a language touches nothing else here.

mod kotlin;
mod node;
pub mod python;
mod swift;

pub use swift::xcframework;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::flags::DistArgs;
use crate::server_process::target_dir;
use crate::test::TestCounts;

/// The zig toolchain both cross builds link with (maturin's `--zig` for the
/// wheels, cargo-zigbuild for the Node addons), pinned once: the two install
/// it into the same `.venv`, where two pins would replace each other.
pub const ZIGLANG: &str = "ziglang==0.15.2";

/// The target this xtask runs on (the host: see `build.rs`).
pub const HOST_TRIPLE: &str = env!("LATCHKEY_XTASK_HOST");

/// Which platforms a build makes artifacts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only this machine's platform (what the `dist` test step installs).
    Host,
    /// Every platform the project publishes for (cross builds included).
    All,
    /// The host platform as the `dist` test step installs it: like `Host`,
    /// but a language may bundle the dev-profile native library already in
    /// the shared `target/` where a release build would add minutes to CI.
    /// `cargo xtask dist` never builds with it.
    HostTest,
}

/// One file a user installs, for the listing `cargo xtask dist` prints.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Where it was written (under `target/dist/`).
    pub path: PathBuf,
    /// The platform it is for (`any` for source and pure packages).
    pub platform: String,
}

/// A language's part of the distribution.
pub struct Language {
    /// Its name: the folder under `target/dist/` and the header of its steps.
    pub name: &'static str,
    /// Builds its artifacts for `scope` into `out` (a fresh folder).
    pub build: fn(root: &Path, out: &Path, scope: Scope) -> Result<Vec<Artifact>>,
    /// Installs the host artifacts found in `out` as a user would, into a
    /// clean environment under `scratch`, and runs the quickstart against
    /// `server`, adding what it checked to `counts`.
    pub install_and_run: fn(
        root: &Path,
        out: &Path,
        scratch: &Path,
        server: &crate::server_process::Running,
        counts: &mut TestCounts,
    ) -> Result<()>,
}

/// Every language of the distribution, in build order.
pub const LANGUAGES: &[Language] = &[
    Language {
        name: "python",
        build: python::build,
        install_and_run: python::install_and_run,
    },
    Language {
        name: "node",
        build: node::build,
        install_and_run: node::install_and_run,
    },
    Language {
        name: "kotlin",
        build: kotlin::build,
        install_and_run: kotlin::install_and_run,
    },
    Language {
        name: "swift",
        build: swift::build,
        install_and_run: swift::install_and_run,
    },
];

/// The folder every artifact goes under.
pub fn dist_dir(root: &Path) -> PathBuf {
    target_dir(root).join("dist")
}

/// `cargo xtask dist`: builds the chosen languages (all by default) for the
/// chosen scope and prints every artifact with its size.
pub fn run(root: &Path, args: &DistArgs) -> Result<()> {
    let scope = if args.host_only {
        Scope::Host
    } else {
        Scope::All
    };
    let languages = crate::step::select("dist", LANGUAGES, |l| l.name, &args.languages)?;
    let mut built = Vec::new();
    for language in languages {
        let out = fresh_dir(&dist_dir(root).join(language.name))?;
        let artifacts = crate::step::run_step("dist", language.name, || {
            (language.build)(root, &out, scope)
        })?;
        built.extend(artifacts);
    }
    print_listing(root, &built)
}

/// The `dist` test step: builds the host artifacts, starts one server, and
/// installs and runs each language's artifacts against it.
pub fn test(root: &Path, counts: &mut TestCounts) -> Result<()> {
    let scratch = tempfile::Builder::new()
        .prefix("latchkey-dist-")
        .tempdir()
        .context("making the dist step's scratch folder")?;
    let server_binary = crate::server_process::build_dev_server(root)?;
    let (server, _) =
        crate::server_process::start(&server_binary, &scratch.path().join("server.redb"))?;
    for language in LANGUAGES {
        let out = fresh_dir(&dist_dir(root).join(language.name))?;
        (language.build)(root, &out, Scope::HostTest)
            .with_context(|| format!("building the {} artifacts", language.name))?;
        let own_scratch = fresh_dir(&scratch.path().join(language.name))?;
        (language.install_and_run)(root, &out, &own_scratch, &server, counts)
            .with_context(|| format!("installing and running the {} artifacts", language.name))?;
    }
    Ok(())
}

/// Fails, saying what to install, when the Rust standard library for
/// `triple` is missing: a fresh machine has the host's only, and a cross
/// build would otherwise fail deep in cargo's output.
pub fn require_rust_target(triple: &str) -> Result<()> {
    let output = crate::cmd::cmd(Path::new("."), "rustc")
        .args(["--print", "target-libdir", "--target", triple])
        .output()?;
    let libdir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let has_std = output.status.success()
        && std::fs::read_dir(&libdir).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|entry| entry.file_name().to_string_lossy().starts_with("libstd-"))
        });
    if !has_std {
        bail!(
            "the Rust standard library for {triple} is not installed: run \
             `rustup target add {triple}` (or build this machine's artifacts alone \
             with `cargo xtask dist --host-only`)"
        );
    }
    Ok(())
}

/// Copies the file or folder `from` to `to`, folders recursively, leaving
/// out entries named in `skip`.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    if !from.is_dir() {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if skip.iter().any(|skipped| name == *skipped) {
            continue;
        }
        copy_tree(&entry.path(), &to.join(&name), skip)?;
    }
    Ok(())
}

/// Empties (or makes) `dir` and returns it.
fn fresh_dir(dir: &Path) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("making {}", dir.display()))?;
    Ok(dir.to_path_buf())
}

/// Prints one line per artifact: size, platform, path relative to the root.
fn print_listing(root: &Path, artifacts: &[Artifact]) -> Result<()> {
    println!("\nartifacts in {}:", dist_dir(root).display());
    for artifact in artifacts {
        let size = std::fs::metadata(&artifact.path)
            .with_context(|| format!("reading {}", artifact.path.display()))?
            .len();
        let shown = artifact.path.strip_prefix(root).unwrap_or(&artifact.path);
        println!(
            "{:>10}  {:<28} {}",
            human_size(size),
            artifact.platform,
            shown.display()
        );
    }
    Ok(())
}

/// `1536` → `1.5 KiB`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_standard_library_names_the_rustup_command() {
        // A target no machine here installs a standard library for.
        let error = require_rust_target("riscv32imc-unknown-none-elf")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("rustup target add riscv32imc-unknown-none-elf"),
            "{error}"
        );
    }

    #[test]
    fn the_host_standard_library_is_found() {
        require_rust_target(HOST_TRIPLE).unwrap();
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
    }
}
