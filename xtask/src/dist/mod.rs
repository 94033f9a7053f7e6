//! `cargo xtask dist`: every SDK artifact as users get it (wheels and sdist,
//! npm tarballs, the Maven jar set, the Swift package), built into
//! `target/dist/<language>/`; and the `dist` test step, which installs the host
//! artifacts the way a user would (a clean venv, a clean npm folder, a clean
//! Maven project) and runs each quickstart against a real server.
//!
//! Each language is one module with a `build` and an `install_and_run`, and one
//! row of [`LANGUAGES`]: adding a language touches nothing else here.

mod kotlin;
mod swift;

pub use swift::xcframework;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::flags::DistArgs;
use crate::server_process::target_dir;
use crate::test::TestCounts;

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
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
    }
}
