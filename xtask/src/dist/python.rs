//! The Python row of `cargo xtask dist`: the `latchkey` sdist and wheels
//! (`target/dist/python/`), each checked as PyPI would (`twine check`) and
//! each wheel's platform tag checked against what its binary needs
//! (`auditwheel show`; for the musl wheel, its needed libraries read
//! directly); then, in the `dist` test step, the sdist and the host
//! wheel installed into clean venvs and `examples/python/quickstart.py` run
//! with each against the step's server.
//!
//! Profiles. `cargo xtask dist` (all platforms) builds the wheels users get:
//! release, linked with zig against glibc 2.17 (`manylinux2014`) and musl 1.2
//! (`musllinux_1_2`), one per platform of [`PLATFORMS`]. The host scope is what
//! the `dist` test step (and `dist --host-only`) builds: the host wheel and
//! the sdist's build in the dev profile, into the shared `target/`, where the
//! `python` step has already compiled every dependency. Release builds there
//! would compile the binding's whole dependency tree a second time (twice:
//! once for the wheel, once for the sdist's source tree) for nothing the test
//! checks; the packaging (metadata, file layout, the sdist building from its
//! own contents, offline) is the same in both profiles.
//!
//! The sdist is installed as a user without network would: `pip install
//! --no-index --no-build-isolation` (maturin preinstalled in the clean venv,
//! pinned as the project's) with cargo offline (`CARGO_NET_OFFLINE`), so the
//! build uses only the sdist's sources, its `Cargo.lock` and the local crate
//! cache.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};

use super::{Artifact, Scope};
use crate::cmd::cmd;
use crate::python::BINDING;
use crate::server_process::{Running, target_dir};
use crate::test::TestCounts;

/// What building and checking the artifacts needs in `.venv`, pinned.
pub const PACKAGES: &[&str] = &["auditwheel==6.8.2", "twine==7.0.0"];

/// The package's name (the prefix of every artifact's file name).
const PACKAGE: &str = "latchkey";

/// The example every installed package runs.
const QUICKSTART: &str = "examples/python/quickstart.py";

/// A platform the project publishes a wheel for.
struct Platform {
    /// The Rust target it is built for.
    target: &'static str,
    /// maturin's `--compatibility`: the wheel's platform policy.
    compatibility: &'static str,
    /// The platform tag the wheel's file name must carry (among others:
    /// maturin adds the legacy `manylinux2014_*` alias).
    tag: &'static str,
}

/// Every published wheel. manylinux2014 (glibc 2.17) runs on every glibc
/// distribution still supported; musllinux 1.2 on Alpine 3.13 and later.
const PLATFORMS: [Platform; 3] = [
    Platform {
        target: "x86_64-unknown-linux-gnu",
        compatibility: "manylinux2014",
        tag: "manylinux_2_17_x86_64",
    },
    Platform {
        target: "aarch64-unknown-linux-gnu",
        compatibility: "manylinux2014",
        tag: "manylinux_2_17_aarch64",
    },
    Platform {
        target: "x86_64-unknown-linux-musl",
        compatibility: "musllinux_1_2",
        tag: "musllinux_1_2_x86_64",
    },
];

/// Builds the sdist and the wheels of `scope` into `out`, then checks them
/// all: file names carry the workspace's version, `twine check --strict`
/// passes, and each wheel's tag is the one `auditwheel` finds.
pub fn build(root: &Path, out: &Path, scope: Scope) -> Result<Vec<Artifact>> {
    let mut packages: Vec<&str> = crate::python::PACKAGES.to_vec();
    packages.extend(PACKAGES);
    if scope != Scope::HostTest {
        packages.push(super::ZIGLANG);
    }
    let venv = crate::venv::ensure(root, &packages)?;
    let manifest = root.join(BINDING).join("Cargo.toml");

    cmd(root, venv.join("bin/maturin"))
        .args(["sdist", "--manifest-path"])
        .arg(&manifest)
        .arg("--out")
        .arg(out)
        .run()?;
    let platforms = release_platforms(scope);
    if scope == Scope::HostTest {
        // The python step's exact build (same profile, interpreter and
        // target dir), so cargo finds it done.
        cmd(root, venv.join("bin/maturin"))
            .args(["build", "--profile", "dev", "--manifest-path"])
            .arg(&manifest)
            .arg("--interpreter")
            .arg(venv.join("bin/python"))
            .arg("--out")
            .arg(out)
            .run()?;
    }
    for platform in &platforms {
        super::require_rust_target(platform.target)
            .with_context(|| format!("the {} wheel", platform.tag))?;
    }
    for platform in &platforms {
        cmd(root, venv.join("bin/maturin"))
            .args(["build", "--release", "--zig", "--target"])
            .arg(platform.target)
            .args(["--compatibility", platform.compatibility])
            .arg("--manifest-path")
            .arg(&manifest)
            .arg("--out")
            .arg(out)
            // maturin runs `python3 -m ziglang` when no `zig` is
            // on the PATH: the venv's python, which has it.
            .env("PATH", crate::venv::path_first(&venv)?)
            .run()?;
    }

    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let artifacts = collect(out, &version)?;
    {
        for platform in &platforms {
            ensure!(
                artifacts
                    .iter()
                    .any(|a| a.platform.split('.').any(|tag| tag == platform.tag)),
                "no wheel for {} ({}) in {}",
                platform.target,
                platform.tag,
                out.display()
            );
        }
    }
    for artifact in artifacts.iter().filter(|a| is_wheel(&a.path)) {
        if artifact.platform.starts_with("musllinux") {
            check_musl_wheel(root, &venv, artifact)?;
        } else {
            check_with_auditwheel(root, &venv, artifact)?;
        }
    }
    cmd(root, venv.join("bin/twine"))
        .args(["check", "--strict"])
        .args(artifacts.iter().map(|a| a.path.as_os_str()))
        .run()?;
    Ok(artifacts)
}

/// Installs the sdist (built from source, offline) and the host wheel, each
/// into a clean venv, and runs the quickstart with each against `server`.
/// Counts three checks per install: it installs, it imports with the
/// workspace's version from the venv (not the source tree), the quickstart
/// succeeds.
pub fn install_and_run(
    root: &Path,
    out: &Path,
    scratch: &Path,
    server: &Running,
    counts: &mut TestCounts,
) -> Result<()> {
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let artifacts = collect(out, &version)?;
    let sdist = artifacts
        .iter()
        .find(|a| !is_wheel(&a.path))
        .context("no sdist was built")?;
    let wheel = artifacts
        .iter()
        .find(|a| is_host_wheel(&a.platform))
        .with_context(|| format!("no wheel for this machine in {}", out.display()))?;
    let maturin = crate::python::PACKAGES
        .iter()
        .find(|p| p.starts_with("maturin=="))
        .context("the python step pins no maturin")?;

    println!("\n--- the sdist, built from source in a clean venv ---");
    let venv = clean_venv(root, &scratch.join("sdist-venv"))?;
    pip(root, &venv).arg(maturin).run()?;
    counts.record("the sdist installs", || {
        pip(root, &venv)
            .args(["--no-index", "--no-build-isolation", "--no-cache-dir"])
            .arg(&sdist.path)
            // No network for the crates: the sdist's Cargo.lock and the
            // local crate cache only.
            .env("CARGO_NET_OFFLINE", "true")
            // The dev profile, in the shared target dir: see the module's
            // documentation.
            .env("CARGO_TARGET_DIR", target_dir(root))
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            // The backend runs the `maturin` program of the venv, as an
            // activated venv would find it.
            .env("PATH", crate::venv::path_first(&venv)?)
            .run()
    })?;
    import_and_run_quickstart(root, &venv, scratch, &version, server, counts)?;

    println!("\n--- the host wheel in a clean venv ---");
    let venv = clean_venv(root, &scratch.join("wheel-venv"))?;
    counts.record("the wheel installs", || {
        pip(root, &venv)
            .args(["--no-index", "--no-deps"])
            .arg(&wheel.path)
            .run()
    })?;
    import_and_run_quickstart(root, &venv, scratch, &version, server, counts)
}

/// Checks that `venv` imports `latchkey` from itself with the workspace's
/// version, then runs the quickstart there against `server`.
fn import_and_run_quickstart(
    root: &Path,
    venv: &Path,
    scratch: &Path,
    version: &str,
    server: &Running,
    counts: &mut TestCounts,
) -> Result<()> {
    let python = venv.join("bin/python");
    // From the scratch folder: the binding's sources must not be importable.
    let probe = format!(
        "import latchkey, sys\n\
         assert latchkey.__file__.startswith(sys.prefix), latchkey.__file__\n\
         assert latchkey.__version__ == {version:?}, latchkey.__version__\n\
         print('latchkey', latchkey.__version__, 'from', latchkey.__file__)"
    );
    counts.record(
        "it imports from the venv with the workspace's version",
        || cmd(scratch, &python).args(["-c", &probe]).run(),
    )?;
    counts.record("the quickstart runs", || {
        cmd(scratch, &python)
            .arg(root.join(QUICKSTART))
            .env("LATCHKEY_URL", &server.url)
            .env("LATCHKEY_ACCESS_KEY", &server.admin_key)
            .run()
    })
}

/// Makes a venv at `dir` with the machine's python3 and nothing installed.
fn clean_venv(root: &Path, dir: &Path) -> Result<PathBuf> {
    cmd(root, "python3").args(["-m", "venv"]).arg(dir).run()?;
    Ok(dir.to_path_buf())
}

/// `pip install` of `venv`, quiet.
fn pip(root: &Path, venv: &Path) -> crate::cmd::Cmd {
    cmd(root, venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check"])
}

/// Runs `auditwheel show` on a wheel and fails unless the platform tag it
/// finds the binary consistent with is the wheel's own: a wheel claiming
/// more than its binary gives would fail to load where pip installs it.
fn check_with_auditwheel(root: &Path, venv: &Path, wheel: &Artifact) -> Result<()> {
    let command = cmd(root, venv.join("bin/auditwheel"))
        .arg("show")
        .arg(&wheel.path);
    let output = command.output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}{}", String::from_utf8_lossy(&output.stderr));
    ensure!(output.status.success(), "`{command}` failed");
    let found =
        auditwheel_tag(&text).with_context(|| format!("`{command}` named no platform tag"))?;
    // The file name may carry several tags (`manylinux_2_17_x86_64.manylinux2014_x86_64`);
    // auditwheel names the first.
    ensure!(
        wheel.platform.split('.').any(|tag| tag == found),
        "{} is tagged {} but auditwheel finds its binary consistent with {found} only",
        wheel.path.display(),
        wheel.platform
    );
    Ok(())
}

/// What `auditwheel show` checks of a musllinux wheel, done without it:
/// on a glibc machine auditwheel cannot find musl's libc under the name it
/// expects (`libc.musl-x86_64.so.1`) and reports every musl wheel as plain
/// `linux`. The wheel's binaries may need musl's libc alone (`libc.so`,
/// which musl's loader resolves to itself) and no versioned symbol.
fn check_musl_wheel(root: &Path, venv: &Path, wheel: &Artifact) -> Result<()> {
    const SCRIPT: &str = r#"
import sys, zipfile, io
from elftools.elf.elffile import ELFFile
from elftools.elf.dynamic import DynamicSection
from elftools.elf.gnuversions import GNUVerNeedSection
bad, seen = [], 0
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        if not name.endswith(".so"):
            continue
        seen += 1
        elf = ELFFile(io.BytesIO(wheel.read(name)))
        for section in elf.iter_sections():
            if isinstance(section, DynamicSection):
                for tag in section.iter_tags("DT_NEEDED"):
                    print(name, "needs", tag.needed)
                    if tag.needed != "libc.so":
                        bad.append(f"{name} needs {tag.needed}")
            if isinstance(section, GNUVerNeedSection):
                for verneed, aux in section.iter_versions():
                    for version in aux:
                        bad.append(f"{name} needs the versioned symbol {version.name} of {verneed.name}")
if not seen:
    bad.append("no native module in the wheel")
for line in bad:
    print(line)
sys.exit(1 if bad else 0)
"#;
    cmd(root, venv.join("bin/python"))
        .args(["-c", SCRIPT])
        .arg(&wheel.path)
        .run()
        .with_context(|| {
            format!(
                "{} needs more than musl's libc (see above)",
                wheel.path.display()
            )
        })
}

/// The tag of auditwheel's `… is consistent with the following platform
/// tag: "manylinux_2_17_x86_64".`
fn auditwheel_tag(report: &str) -> Option<&str> {
    // auditwheel wraps its lines; the tag is the first quoted word after the
    // phrase.
    let (_, rest) = report.split_once("platform tag:")?;
    let rest = rest.trim_start().strip_prefix('"')?;
    let (tag, _) = rest.split_once('"')?;
    Some(tag)
}

/// The sdist and wheels in `out`, each with its platform; an error if a file
/// name does not carry the workspace's `version`.
fn collect(out: &Path, version: &str) -> Result<Vec<Artifact>> {
    let mut artifacts = Vec::new();
    for entry in std::fs::read_dir(out).with_context(|| format!("reading {}", out.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(platform) = artifact_platform(&name) else {
            continue;
        };
        let prefix = format!("{PACKAGE}-{version}");
        ensure!(
            name.starts_with(&format!("{prefix}-")) || name == format!("{prefix}.tar.gz"),
            "{name} does not carry the workspace's version {version}"
        );
        artifacts.push(Artifact {
            path,
            platform: platform.to_owned(),
        });
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    ensure!(!artifacts.is_empty(), "no artifacts in {}", out.display());
    Ok(artifacts)
}

/// A distribution's platform from its file name: the wheel's platform tag
/// (`latchkey-0.1.0-cp39-abi3-musllinux_1_2_x86_64.whl`), `any` for the
/// sdist, `None` for other files.
fn artifact_platform(name: &str) -> Option<&str> {
    if let Some(stem) = name.strip_suffix(".whl") {
        return stem.rsplit('-').next();
    }
    name.ends_with(".tar.gz").then_some("any")
}

fn is_wheel(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "whl")
}

/// The platforms `scope` builds a release wheel for: the host's is its
/// manylinux one; every other platform is a cross build; the test step's
/// wheel is the dev build instead.
fn release_platforms(scope: Scope) -> Vec<&'static Platform> {
    match scope {
        Scope::All => PLATFORMS.iter().collect(),
        Scope::Host => PLATFORMS
            .iter()
            .filter(|platform| is_host_wheel(platform.tag))
            .collect(),
        Scope::HostTest => Vec::new(),
    }
}

/// Whether a wheel's platform tag is for this machine (a glibc Linux).
fn is_host_wheel(platform: &str) -> bool {
    platform.starts_with("manylinux") && platform.ends_with(&format!("_{}", std::env::consts::ARCH))
}

/// What `cargo xtask check` finds wrong in `bindings/python/pyproject.toml`
/// (item 5 of issue 20: one version): a static version, or project URLs
/// that are not under the workspace's `repository`.
pub fn check_pyproject(root: &Path) -> Result<()> {
    let path = root.join(BINDING).join("pyproject.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let repository = crate::codegen::versions::workspace_field(root, "repository")?;
    let problems = pyproject_problems(&text, &repository);
    if !problems.is_empty() {
        bail!("{}:\n  {}", path.display(), problems.join("\n  "));
    }
    Ok(())
}

fn pyproject_problems(text: &str, repository: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(version) = crate::codegen::versions::table_field(text, "project", "version") {
        problems.push(format!(
            "[project] writes version {version:?}: remove it (the version is the workspace's, \
             `dynamic = [\"version\"]`)"
        ));
    }
    let dynamic_version = text.lines().any(|line| {
        let line = line.trim();
        line.starts_with("dynamic") && line.contains("\"version\"")
    });
    if !dynamic_version {
        problems.push("[project] must declare `dynamic = [\"version\"]`".to_owned());
    }
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[project.urls]";
            continue;
        }
        if inside && let Some((name, value)) = line.split_once('=') {
            let url = value.trim().trim_matches('"');
            if !url.starts_with(repository) {
                problems.push(format!(
                    "[project.urls] {} = {url:?} is not under the workspace's repository {repository:?}",
                    name.trim()
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_platforms_from_file_names() {
        assert_eq!(
            artifact_platform(
                "latchkey-0.1.0-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
            ),
            Some("manylinux_2_17_x86_64.manylinux2014_x86_64")
        );
        assert_eq!(artifact_platform("latchkey-0.1.0.tar.gz"), Some("any"));
        assert_eq!(artifact_platform("notes.txt"), None);
    }

    #[test]
    fn artifacts_must_carry_the_workspace_version() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("latchkey-0.1.0.tar.gz"), "").unwrap();
        assert_eq!(collect(dir.path(), "0.1.0").unwrap().len(), 1);
        std::fs::write(
            dir.path()
                .join("latchkey-0.2.0-cp39-abi3-musllinux_1_2_x86_64.whl"),
            "",
        )
        .unwrap();
        let error = collect(dir.path(), "0.1.0").unwrap_err();
        assert!(format!("{error}").contains("0.2.0"), "{error}");
    }

    #[test]
    fn reads_auditwheels_tag() {
        let report = "\nlatchkey-0.1.0-cp39-abi3-manylinux_2_17_x86_64.whl is consistent\nwith the following platform tag: \"manylinux_2_17_x86_64\".\n\nThe wheel references external versioned symbols…";
        assert_eq!(auditwheel_tag(report), Some("manylinux_2_17_x86_64"));
        assert_eq!(auditwheel_tag("is not consistent with any platform"), None);
    }

    #[test]
    fn a_static_version_or_a_foreign_url_in_pyproject_is_refused() {
        let good = "[project]\nname = \"latchkey\"\ndynamic = [\"version\"]\n\n[project.urls]\nRepository = \"https://x/latchkey\"\nIssues = \"https://x/latchkey/issues\"\n\n[tool.maturin]\nfeatures = []\n";
        assert!(pyproject_problems(good, "https://x/latchkey").is_empty());
        let pinned = good.replace("dynamic = [\"version\"]", "version = \"0.2.0\"");
        let problems = pyproject_problems(&pinned, "https://x/latchkey");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("0.2.0"));
        let moved = pyproject_problems(good, "https://y/latchkey");
        assert_eq!(moved.len(), 2, "{moved:?}");
    }

    #[test]
    fn host_only_builds_the_one_release_wheel_of_this_machine() {
        let host = release_platforms(Scope::Host);
        if cfg!(all(
            target_os = "linux",
            target_env = "gnu",
            target_arch = "x86_64"
        )) {
            assert_eq!(host.len(), 1);
            assert_eq!(host[0].target, "x86_64-unknown-linux-gnu");
        }
        assert_eq!(release_platforms(Scope::All).len(), PLATFORMS.len());
        assert!(release_platforms(Scope::HostTest).is_empty());
    }

    #[test]
    fn the_host_wheel_is_the_glibc_one_of_this_architecture() {
        let arch = std::env::consts::ARCH;
        assert!(is_host_wheel(&format!(
            "manylinux_2_17_{arch}.manylinux2014_{arch}"
        )));
        assert!(!is_host_wheel(&format!("musllinux_1_2_{arch}")));
        assert!(!is_host_wheel("any"));
    }
}
