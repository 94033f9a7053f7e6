//! The Kotlin row of `cargo xtask dist`: the Maven artifact `dev.latchkey:latchkey`
//! (jar, sources jar, Dokka's javadoc jar, pom) whose jar carries the native
//! library under JNA's resource prefixes (`linux-x86-64/`, `linux-aarch64/`),
//! so users set no `jna.library.path`.
//!
//! The build also `mvn install`s the artifact into `~/.m2`, as a developer's
//! `mvn install` would: that is how `examples/kotlin` (the README's Kotlin
//! tour) finds it. The test installs the very files listed (install-file)
//! and runs the README's Kotlin command verbatim in a copy of
//! `examples/kotlin` under the scratch folder: a Maven project whose only
//! dependency is the installed artifact.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Artifact, HOST_TRIPLE, Scope};
use crate::cmd::cmd;
use crate::kotlin::{BINDING, EXAMPLE, INSTALL_PLUGIN, LIBRARY_FILE, UNIFFI_PACKAGE};
use crate::server_process::{Running, target_dir};
use crate::test::TestCounts;

/// One native library to bundle: a Rust target and where JNA looks for it.
pub struct Platform {
    /// The Rust target triple.
    pub triple: &'static str,
    /// JNA's resource prefix for it (`Platform.RESOURCE_PREFIX`).
    pub jna_prefix: &'static str,
    /// Its name in listings (Python's wheel tags spell it the same way).
    pub name: &'static str,
    /// The C linker a cross build for it needs (on another machine), and
    /// the Debian package of it.
    pub linker: (&'static str, &'static str),
}

/// Every platform the jar carries a library for: the host's is built
/// natively, the others only under [`Scope::All`] (CI machines may lack the
/// Rust target).
pub const PLATFORMS: [Platform; 2] = [
    Platform {
        triple: "x86_64-unknown-linux-gnu",
        jna_prefix: "linux-x86-64",
        name: "linux-x86_64",
        linker: ("x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu"),
    },
    Platform {
        triple: "aarch64-unknown-linux-gnu",
        jna_prefix: "linux-aarch64",
        name: "linux-aarch64",
        linker: ("aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"),
    },
];

/// This machine's platform, which must be one of [`PLATFORMS`].
pub fn host() -> Result<&'static Platform> {
    PLATFORMS
        .iter()
        .find(|platform| platform.triple == HOST_TRIPLE)
        .with_context(|| {
            format!(
                "the Kotlin and Swift packages carry no library for this machine ({}): see dist::kotlin::PLATFORMS",
                HOST_TRIPLE
            )
        })
}

/// The platforms `scope` builds for, the host's first.
pub fn platforms(scope: Scope) -> Result<Vec<&'static Platform>> {
    let host = host()?;
    let mut platforms = vec![host];
    if scope == Scope::All {
        platforms.extend(PLATFORMS.iter().filter(|p| p.triple != host.triple));
    }
    Ok(platforms)
}

/// Builds `liblatchkey_uniffi.so` for `platform` and returns its path.
///
/// The test step ([`Scope::HostTest`]) takes the dev-profile library the
/// `kotlin` step already built in the shared `target/` (deps at opt-level 2):
/// a release build of the client stack costs minutes of CI on two cores.
/// `cargo xtask dist` builds release (`strip = "debuginfo"`, which keeps
/// uniffi's metadata; `strip = true` would drop it); the host's library
/// without `--target`, into the shared `target/release`.
pub fn build_library(root: &Path, platform: &Platform, scope: Scope) -> Result<PathBuf> {
    if scope == Scope::HostTest {
        return Ok(crate::kotlin::build_library(root)?.join(LIBRARY_FILE));
    }
    let mut build =
        cmd(root, "cargo").args(["build", "--release", "--package", UNIFFI_PACKAGE, "--lib"]);
    let mut dir = target_dir(root);
    if platform.triple != HOST_TRIPLE {
        check_cross_tools(platform)?;
        let (linker, _) = platform.linker;
        let upper = platform.triple.to_uppercase().replace('-', "_");
        // The final link, and the C code of aws-lc-sys (the cc crate).
        build = build
            .args(["--target", platform.triple])
            .env(format!("CARGO_TARGET_{upper}_LINKER"), linker)
            .env(format!("CC_{}", platform.triple.replace('-', "_")), linker);
        dir = dir.join(platform.triple);
    }
    build.run()?;
    Ok(dir.join("release").join(LIBRARY_FILE))
}

/// Fails, naming what to install, when a cross build's Rust target or C
/// linker is missing.
fn check_cross_tools(platform: &Platform) -> Result<()> {
    super::require_rust_target(platform.triple)
        .with_context(|| format!("the {} build of the native library", platform.name))?;
    let (linker, package) = platform.linker;
    if !crate::setup::on_path(linker) {
        bail!(
            "the {} build links with `{linker}`: install Debian's {package} \
             (`apt-get install {package}`; CI builds no cross target, so `setup` leaves it out), or build with --host-only",
            platform.name
        );
    }
    Ok(())
}

/// `cargo xtask dist kotlin`: the native libraries staged under their JNA
/// prefixes, `mvn install` (jar, sources, javadoc; tests skipped: the `kotlin`
/// step runs them), and the files copied to `out`.
pub fn build(root: &Path, out: &Path, scope: Scope) -> Result<Vec<Artifact>> {
    let stage = tempfile::Builder::new()
        .prefix("latchkey-kotlin-native-")
        .tempdir()
        .context("making the native libraries' staging folder")?;
    let mut bundled = Vec::new();
    let platforms = platforms(scope)?;
    for platform in &platforms {
        let library = build_library(root, platform, scope)?;
        let dir = stage.path().join(platform.jna_prefix);
        std::fs::create_dir_all(&dir)?;
        std::fs::copy(&library, dir.join(LIBRARY_FILE))
            .with_context(|| format!("copying {}", library.display()))?;
        bundled.push(format!("{}/{LIBRARY_FILE}", platform.jna_prefix));
    }
    let mut native_dir = std::ffi::OsString::from("-Dlatchkey.native.dir=");
    native_dir.push(stage.path());
    // A jar must not keep a library an earlier run staged and this scope does
    // not build (no `mvn clean`: the `kotlin` step's classes stay).
    for platform in &PLATFORMS {
        let _ = std::fs::remove_dir_all(
            root.join(BINDING)
                .join("target/classes")
                .join(platform.jna_prefix),
        );
    }
    let built = root.join(BINDING).join("target");
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let javadoc = format!("latchkey-{version}-javadoc.jar");
    let _ = std::fs::remove_file(built.join(&javadoc));
    crate::prefetch::wait(crate::prefetch::Download::MavenArtifacts);
    let mut install = cmd(&root.join(BINDING), "mvn")
        .args(["-B", "--no-transfer-progress", "-Dmaven.test.skip=true"])
        // In Maven's JVM: the machine-wide Kotlin daemon, shared with every
        // other build, once died under this step ("Internal Kotlin
        // compilation error", EOF from the daemon).
        .arg("-Dkotlin.compiler.daemon=false")
        .arg(native_dir);
    if scope == Scope::HostTest {
        // Dokka takes minutes on the generated sources (2.5 of them on two
        // busy cores), and installing needs no javadoc jar: the test step
        // builds and installs the jar, its sources and its pom.
        install = install.arg("-Dlatchkey.dokka.phase=none");
    }
    install.arg("install").run()?;

    let natives = platforms
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(",");
    let mut artifacts = Vec::new();
    let mut names = vec![
        (format!("latchkey-{version}.jar"), format!("jvm+{natives}")),
        (format!("latchkey-{version}-sources.jar"), "any".to_owned()),
    ];
    if scope != Scope::HostTest {
        names.push((javadoc, "any".to_owned()));
    }
    for (name, platform) in names {
        let to = out.join(&name);
        std::fs::copy(built.join(&name), &to).with_context(|| format!("copying {name}"))?;
        artifacts.push(Artifact { path: to, platform });
    }
    let pom = out.join(format!("latchkey-{version}.pom"));
    std::fs::copy(root.join(BINDING).join("pom.xml"), &pom).context("copying pom.xml")?;
    artifacts.push(Artifact {
        path: pom,
        platform: "any".to_owned(),
    });
    check_jar_carries(&artifacts[0].path, &bundled)?;
    check_jar_lacks_libraries(&artifacts[1].path)?;
    Ok(artifacts)
}

/// Fails unless the jar holds each of `entries` (a resource folder that did
/// not exist would be skipped by Maven without a word).
fn check_jar_carries(jar: &Path, entries: &[String]) -> Result<()> {
    let listing = jar_listing(jar)?;
    for entry in entries {
        if !listing.lines().any(|line| line == entry) {
            bail!("{} does not carry {entry}", jar.display());
        }
    }
    Ok(())
}

/// Fails if the sources jar carries a native library (Maven's source plugin
/// adds resources unless told not to).
fn check_jar_lacks_libraries(jar: &Path) -> Result<()> {
    if let Some(library) = jar_listing(jar)?.lines().find(|line| line.ends_with(".so")) {
        bail!("{} carries {library}", jar.display());
    }
    Ok(())
}

/// The entries of a jar (`jar tf`).
fn jar_listing(jar: &Path) -> Result<String> {
    let dir = jar.parent().unwrap_or(Path::new("."));
    cmd(dir, "jar").arg("tf").arg(jar).read()
}

/// The README's Kotlin tour command (the one line running `examples/kotlin`).
pub const README_NEEDLE: &str = "mvn -q -f examples/kotlin/pom.xml";

/// The dist test: installs the listed files into the local Maven repository
/// (install-file, as a user installs a downloaded artifact), copies
/// `examples/kotlin` into `scratch`, and runs there the README's Kotlin
/// command, exactly as written but for the server's address, with no
/// `jna.library.path` and no library folder on `LD_LIBRARY_PATH`.
pub fn install_and_run(
    root: &Path,
    out: &Path,
    scratch: &Path,
    server: &Running,
    counts: &mut TestCounts,
) -> Result<()> {
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let path_arg = |name: &str, path: PathBuf| {
        let mut arg = std::ffi::OsString::from(format!("-D{name}="));
        arg.push(path);
        arg
    };
    let mut install = cmd(scratch, "mvn")
        .args(["-B", "--no-transfer-progress"])
        .arg(format!("{INSTALL_PLUGIN}:install-file"))
        .arg(path_arg(
            "file",
            out.join(format!("latchkey-{version}.jar")),
        ))
        .arg(path_arg(
            "pomFile",
            out.join(format!("latchkey-{version}.pom")),
        ))
        .arg(path_arg(
            "sources",
            out.join(format!("latchkey-{version}-sources.jar")),
        ));
    // Built by `cargo xtask dist`, not by the test step (see `build`).
    let javadoc = out.join(format!("latchkey-{version}-javadoc.jar"));
    if javadoc.exists() {
        install = install.arg(path_arg("javadoc", javadoc));
    }
    install.run()?;

    let project = scratch.join(EXAMPLE);
    // Without the example's own build output, if someone built it here.
    super::copy_tree(&root.join(EXAMPLE), &project, &["target"])?;
    let readme = std::fs::read_to_string(root.join("README.md")).context("reading README.md")?;
    let line =
        readme_command(&readme, README_NEEDLE)?.replace("http://127.0.0.1:8080", &server.url);
    counts.record("the README's Kotlin tour", || {
        run_tour(scratch, &line, server)
    })
}

/// Runs the tour command `line` in `scratch` against `server`, and checks it
/// printed what the tour prints and no whole access key.
fn run_tour(scratch: &Path, line: &str, server: &Running) -> Result<()> {
    let mut output = Vec::new();
    cmd(scratch, "sh")
        .args(["-c", line])
        .env("ADMIN", &server.admin_key)
        .env("LD_LIBRARY_PATH", "")
        .run_tee(|line| output.push(line.to_owned()))?;
    let expected = [
        "application app_",
        "application(s)",
        "authenticates as JWT_KEY",
        "revoked key refused (401)",
    ];
    for want in expected {
        if !output.iter().any(|line| line.contains(want)) {
            bail!("the Kotlin tour printed no line with `{want}`");
        }
    }
    // The admin key the tour was given, or any whole key it made (a key's
    // prefix, which the tour prints, is far shorter than the key).
    let whole_key = |word: &str| word.starts_with("ak_") && word.len() >= 40;
    if output.iter().any(|line| {
        line.contains(&server.admin_key)
            || line
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .any(whole_key)
    }) {
        bail!("the Kotlin tour printed what looks like a whole access key");
    }
    Ok(())
}

/// The one README line that runs `needle` (a line quoting it in backticks is
/// prose, not the command), without its trailing `# comment`.
pub fn readme_command(readme: &str, needle: &str) -> Result<String> {
    let lines: Vec<&str> = readme
        .lines()
        .filter(|line| line.contains(needle) && !line.contains(&format!("`{needle}")))
        .collect();
    let [line] = lines.as_slice() else {
        bail!(
            "README.md should have exactly one command line with `{needle}`, it has {}",
            lines.len()
        );
    };
    Ok(match line.find(" #") {
        Some(comment) => line[..comment].trim_end().to_owned(),
        None => line.trim_end().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(
        target_os = "linux",
        target_env = "gnu",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    fn the_host_platform_is_this_machines_and_comes_first() {
        let arch = std::env::consts::ARCH;
        let host = host().unwrap();
        assert!(host.triple.starts_with(arch), "{}", host.triple);
        assert!(host.name.ends_with(arch), "{}", host.name);
        assert_eq!(platforms(Scope::HostTest).unwrap().len(), 1);
        let all = platforms(Scope::All).unwrap();
        assert_eq!(all[0].triple, host.triple);
        assert_eq!(all.len(), PLATFORMS.len());
    }

    #[test]
    fn the_readme_command_is_the_one_line_that_runs_it() {
        let readme = "Run `mvn -q -f examples/kotlin/pom.xml` later.\n```sh\nX=1 mvn -q -f examples/kotlin/pom.xml compile   # the tour\n```\n";
        assert_eq!(
            readme_command(readme, README_NEEDLE).unwrap(),
            "X=1 mvn -q -f examples/kotlin/pom.xml compile"
        );
        let twice = format!("{readme}{readme}");
        assert!(readme_command(&twice, README_NEEDLE).is_err());
        assert!(readme_command("nothing", README_NEEDLE).is_err());
    }
}
