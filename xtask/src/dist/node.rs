//! The Node distribution: napi-rs's multi-package layout. `@latchkey/node`
//! carries the JavaScript, the types and napi's generated loader; each
//! platform's addon is its own package, `@latchkey/node-<platform>` (folders
//! `bindings/node/npm/<platform>/`, made by `napi create-npm-dirs`), named in
//! the main package's `optionalDependencies`, so npm installs only the one
//! whose `os`/`cpu`/`libc` match the machine and the loader `require`s it.
//!
//! The committed `package.json` has no `optionalDependencies`: the platform
//! packages are not on any registry while the repository is worked on, and
//! `npm ci` refuses a lock that cannot hold them. They are added to the
//! packed copy here, at the package's own version, as `napi pre-publish`
//! does before a publish (which this does not do).
//!
//! Release builds (`Scope::All`, every platform, the host's too) go through
//! napi's `--cross-compile`, that is `cargo zigbuild` with zig, both pinned
//! from PyPI into the project's `.venv`: no system cross toolchain, one tool
//! for glibc and musl alike, and a glibc floor chosen rather than inherited
//! from the build machine (see [`Target::release_target`]).
//!
//! The host addon of `Scope::HostTest` (the `dist` test step)
//! is the dev-profile build in the shared `target/debug`, stripped of its
//! debug information: the `node` step has built it already, whereas a release
//! build would compile every dependency a second time in another profile (see
//! TOOLCHAIN.md's budget). `Scope::All` builds every platform, host included,
//! in the release profile: those are the files to publish.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use serde_json::Value;

use super::{Artifact, HOST_TRIPLE, Scope};
use crate::cmd::cmd;
use crate::node::{BINDING, Profile, build_addon_in, npm_ci};
use crate::server_process::{Running, target_dir};
use crate::test::TestCounts;

/// The platforms `@latchkey/node` is published for.
pub const TARGETS: &[Target] = &[
    Target {
        triple: "x86_64-unknown-linux-gnu",
        platform: "linux-x64-gnu",
        release_target: "x86_64-unknown-linux-gnu.2.28",
    },
    Target {
        triple: "x86_64-unknown-linux-musl",
        platform: "linux-x64-musl",
        release_target: "x86_64-unknown-linux-musl",
    },
    Target {
        triple: "aarch64-unknown-linux-gnu",
        platform: "linux-arm64-gnu",
        release_target: "aarch64-unknown-linux-gnu.2.28",
    },
];

/// One platform package.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Rust's target triple.
    pub triple: &'static str,
    /// napi's name for it: the package's suffix and its folder under `npm/`.
    pub platform: &'static str,
    /// What the release build passes to `cargo zigbuild --target`: glibc
    /// targets name glibc 2.28, the oldest Node 20 itself runs on (linked
    /// against the build machine's glibc, the addon would ask for whatever
    /// that machine has: 2.29 for `pow` already).
    pub release_target: &'static str,
}

/// The zig toolchain napi's `--cross-compile` runs, pinned (PyPI wheels,
/// into `.venv`): `cargo-zigbuild` links with `zig cc`, found through the
/// venv's `python3 -m ziglang`.
const CROSS_TOOLS: &[&str] = &[super::ZIGLANG, "cargo-zigbuild==0.24.1"];

/// The addon's file name stem (`napi.binaryName`).
const BINARY_NAME: &str = "latchkey";

/// The main package's name.
const PACKAGE: &str = "@latchkey/node";

/// Files the main tarball must carry: both entries, both type entries, the
/// loader and the addon's types.
const MAIN_FILES: &[&str] = &[
    "package.json",
    "README.md",
    "lib/index.cjs",
    "lib/index.mjs",
    "lib/index.d.ts",
    "lib/index.d.mts",
    "index.js",
    "index.d.ts",
];

/// The quickstarts (in `examples/node`) run from the installed packages as
/// they are. `quickstart.ts` is compiled twice, as CommonJS (`.ts`) and as an
/// ES module (`.mts`), so that both type entries are checked.
const QUICKSTARTS: &[&str] = &["quickstart.cjs", "quickstart.mjs", "quickstart.ts"];

/// `build` of the Node row of [`super::LANGUAGES`].
pub fn build(root: &Path, out: &Path, scope: Scope) -> Result<Vec<Artifact>> {
    npm_ci(root)?;
    let binding = root.join(BINDING);
    // `cargo xtask check` keeps package.json's version the workspace's.
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let stage = tempfile::Builder::new()
        .prefix(".stage-")
        .tempdir_in(out)
        .context("making the staging folder")?;
    let addons = stage.path().join("addons");
    std::fs::create_dir_all(&addons)?;

    let targets: Vec<Target> = match scope {
        Scope::Host | Scope::HostTest => vec![host_target()?],
        Scope::All => TARGETS.to_vec(),
    };
    for target in &targets {
        build_addon_for(root, *target, scope, &addons)?;
    }

    let mut artifacts = Vec::new();
    let main = pack_main(&binding, &version, stage.path(), out)?;
    cmd(&binding, "npx")
        .args(["attw", "--profile", "strict"])
        .arg(&main)
        .run()
        .context("arethetypeswrong found problems in the main package's types")?;
    artifacts.push(Artifact {
        path: main,
        platform: "any".into(),
    });
    for target in &targets {
        let tarball = pack_platform(&binding, *target, &addons, stage.path(), out)?;
        artifacts.push(Artifact {
            path: tarball,
            platform: target.platform.into(),
        });
    }
    Ok(artifacts)
}

/// `install_and_run` of the Node row: the main and the host platform
/// tarballs installed offline into an empty project (no access to the
/// repository's `node_modules`), then the quickstart run from CommonJS, from
/// an ES module, and from TypeScript compiled both ways, against `server`.
pub fn install_and_run(
    root: &Path,
    out: &Path,
    scratch: &Path,
    server: &Running,
    counts: &mut TestCounts,
) -> Result<()> {
    let binding = root.join(BINDING);
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let host = host_target()?;
    let main = out.join(tarball_name(PACKAGE, &version));
    let platform = out.join(tarball_name(&platform_package(host), &version));

    let project = scratch.join("project");
    std::fs::create_dir_all(&project)?;
    std::fs::write(
        project.join("package.json"),
        "{ \"name\": \"latchkey-dist-probe\", \"private\": true }\n",
    )?;
    // Both tarballs in one install: the main package's optional dependency on
    // the host's package is met by the tarball; the other platforms' are
    // skipped, as npm skips any optional dependency it cannot install.
    cmd(&project, "npm")
        .args(["install", "--offline", "--no-audit", "--no-fund"])
        .arg(&platform)
        .arg(&main)
        .run()?;
    let installed = project.join("node_modules/@latchkey");
    ensure!(
        !has_addon(&installed.join("node"))?,
        "the main package carries an addon: the platform package's must be the one loaded"
    );
    ensure!(
        has_addon(&installed.join(format!("node-{}", host.platform)))?,
        "the platform package has no addon"
    );

    let examples = root.join("examples/node");
    for example in QUICKSTARTS {
        std::fs::copy(examples.join(example), project.join(example))
            .with_context(|| format!("copying examples/node/{example}"))?;
    }
    std::fs::copy(
        examples.join("quickstart.ts"),
        project.join("quickstart.mts"),
    )?;
    compile_typescript(&binding, &project, &scratch.join("typescript"))?;

    let runs = [
        ("CommonJS", "quickstart.cjs"),
        ("ES module", "quickstart.mjs"),
        ("TypeScript (CommonJS)", "out/quickstart.js"),
        ("TypeScript (ES module)", "out/quickstart.mjs"),
    ];
    for (what, file) in runs {
        counts.record(&format!("the Node quickstart from {what} ({file})"), || {
            run_quickstart(&project, file, server)
        })?;
    }
    Ok(())
}

/// napi's platform name for the host, which must be one of [`TARGETS`].
fn host_target() -> Result<Target> {
    TARGETS
        .iter()
        .find(|target| target.triple == HOST_TRIPLE)
        .copied()
        .with_context(|| {
            format!("@latchkey/node is not built for this machine ({HOST_TRIPLE}): see dist::node::TARGETS")
        })
}

/// Builds `target`'s addon as `<addons>/latchkey.<platform>.node`: the dev
/// build for `Scope::HostTest` (see the module's notes), the zig release
/// build otherwise.
fn build_addon_for(root: &Path, target: Target, scope: Scope, addons: &Path) -> Result<()> {
    let file = addons.join(addon_name(target));
    let built = tempfile::tempdir().context("making a folder for the addon")?;
    if scope == Scope::HostTest {
        ensure!(
            target.triple == HOST_TRIPLE,
            "Scope::HostTest builds the host's addon only"
        );
        build_addon_in(root, Some(built.path()), Profile::Dev)?;
        // The dev addon keeps its line tables (~50 MB); a user has no use for
        // them, and the release profile strips them too.
        return cmd(root, "strip")
            .args(["--strip-debug", "-o"])
            .arg(&file)
            .arg(built.path().join(addon_name(target)))
            .run();
    }
    super::require_rust_target(target.triple)?;
    let venv = crate::venv::ensure(root, CROSS_TOOLS)?;
    let path = crate::venv::path_first(&venv)?;
    cmd(&root.join(BINDING), "npx")
        .args([
            "napi",
            "build",
            "--platform",
            "--release",
            "--cross-compile",
        ])
        .args(["--target", target.release_target, "--output-dir"])
        .arg(built.path())
        .env("CARGO_TARGET_DIR", target_dir(root))
        .env("PATH", path)
        .run()
        .with_context(|| format!("building the Node addon for {}", target.release_target))?;
    std::fs::copy(built.path().join(addon_name(target)), &file)
        .with_context(|| format!("napi build wrote no {}", addon_name(target)))?;
    Ok(())
}

/// Packs the main package from a staged copy of its published files, with
/// `optionalDependencies` naming every platform package at its version.
fn pack_main(binding: &Path, version: &str, stage: &Path, out: &Path) -> Result<PathBuf> {
    let main = stage.join("main");
    std::fs::create_dir_all(&main)?;
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(binding.join("package.json")).context("reading package.json")?,
    )?;
    let files = manifest["files"]
        .as_array()
        .context("package.json has no `files`")?;
    for entry in files.iter().filter_map(Value::as_str).chain(["README.md"]) {
        super::copy_tree(&binding.join(entry), &main.join(entry), &[])?;
    }
    let text = std::fs::read_to_string(binding.join("package.json"))?;
    std::fs::write(
        main.join("package.json"),
        with_optional_dependencies(&text, version)?,
    )?;

    let packed = pack(&main, out)?;
    let paths = packed.files;
    for expected in MAIN_FILES {
        ensure!(
            paths.iter().any(|path| path == expected),
            "{expected} is missing from the main tarball"
        );
    }
    for path in &paths {
        ensure!(
            !path.ends_with(".node") && !path.starts_with("test") && !path.starts_with("src/"),
            "the main tarball carries {path}: no addons, tests or sources belong there"
        );
    }
    Ok(packed.tarball)
}

/// Packs `target`'s platform package: its committed `npm/<platform>` folder
/// with the addon put in (what `napi artifacts` does, which refuses folders
/// outside the package).
fn pack_platform(
    binding: &Path,
    target: Target,
    addons: &Path,
    stage: &Path,
    out: &Path,
) -> Result<PathBuf> {
    let folder = stage.join(target.platform);
    super::copy_tree(&binding.join("npm").join(target.platform), &folder, &[])?;
    std::fs::copy(
        addons.join(addon_name(target)),
        folder.join(addon_name(target)),
    )?;
    let packed = pack(&folder, out)?;
    let mut paths = packed.files;
    paths.sort();
    let addon = addon_name(target);
    ensure!(
        paths == ["README.md", addon.as_str(), "package.json"],
        "the {} tarball holds {paths:?}",
        target.platform
    );
    Ok(packed.tarball)
}

/// What `npm pack` wrote.
struct Packed {
    tarball: PathBuf,
    files: Vec<String>,
}

/// `npm pack` of `folder` into `out`, reading its JSON report.
fn pack(folder: &Path, out: &Path) -> Result<Packed> {
    let output = cmd(folder, "npm")
        .args(["pack", "--json", "--pack-destination"])
        .arg(out)
        .read()?;
    let report: Value = serde_json::from_str(&output).context("reading npm pack's JSON report")?;
    let first = &report[0];
    let tarball = out.join(
        first["filename"]
            .as_str()
            .context("npm pack named no file")?,
    );
    let files = first["files"]
        .as_array()
        .context("npm pack listed no files")?
        .iter()
        .filter_map(|file| file["path"].as_str().map(str::to_owned))
        .collect();
    Ok(Packed { tarball, files })
}

/// `package.json`'s text with an `optionalDependencies` member, naming every
/// platform package at `version`, inserted before `devDependencies` (the
/// text is edited rather than re-serialised so that member order stays).
fn with_optional_dependencies(text: &str, version: &str) -> Result<String> {
    const ANCHOR: &str = "\n  \"devDependencies\": {";
    let at = text
        .find(ANCHOR)
        .context("package.json has no top-level devDependencies to insert before")?;
    let members: Vec<String> = TARGETS
        .iter()
        .map(|target| format!("    \"{}\": \"{version}\"", platform_package(*target)))
        .collect();
    let block = format!(
        "\n  \"optionalDependencies\": {{\n{}\n  }},",
        members.join(",\n")
    );
    let edited = format!("{}{block}{}", &text[..at], &text[at..]);
    let parsed: Value = serde_json::from_str(&edited).context("the edited package.json")?;
    ensure!(
        parsed["optionalDependencies"]
            .as_object()
            .map(|deps| deps.len())
            == Some(TARGETS.len()),
        "optionalDependencies did not land at the top level"
    );
    Ok(edited)
}

/// Installs the pinned TypeScript and Node types (the binding's own
/// devDependency pins) into `tools`, from npm's cache when it has them, and
/// compiles the project's quickstarts into `out/` under `--strict`, types
/// resolved from the installed package only.
fn compile_typescript(binding: &Path, project: &Path, tools: &Path) -> Result<()> {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(binding.join("package.json"))?)?;
    let pinned = |name: &str| -> Result<String> {
        let version = manifest["devDependencies"][name]
            .as_str()
            .with_context(|| format!("package.json pins no {name}"))?;
        Ok(format!("{name}@{version}"))
    };
    std::fs::create_dir_all(tools)?;
    std::fs::write(
        tools.join("package.json"),
        "{ \"name\": \"latchkey-dist-typescript\", \"private\": true }\n",
    )?;
    cmd(tools, "npm")
        .args(["install", "--prefer-offline", "--no-audit", "--no-fund"])
        .arg(pinned("typescript")?)
        .arg(pinned("@types/node")?)
        .run()?;
    let config = serde_json::json!({
        "compilerOptions": {
            "strict": true,
            "target": "es2022",
            "module": "nodenext",
            "moduleResolution": "nodenext",
            "outDir": "out",
            "types": ["node"],
            "typeRoots": [tools.join("node_modules/@types")],
        },
        "files": ["quickstart.ts", "quickstart.mts"],
    });
    std::fs::write(
        project.join("tsconfig.json"),
        serde_json::to_string_pretty(&config)?,
    )?;
    cmd(project, tools.join("node_modules/.bin/tsc"))
        .args(["-p", "tsconfig.json"])
        .run()
        .context("tsc refused the quickstart against the installed package's types")
}

/// Runs one quickstart with the server's address and admin key, and checks
/// that it finished and said what the quickstart says when it works.
fn run_quickstart(project: &Path, file: &str, server: &Running) -> Result<()> {
    let output = cmd(project, "node")
        .arg(file)
        .env("LATCHKEY_URL", &server.url)
        .env("LATCHKEY_ACCESS_KEY", &server.admin_key)
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    ensure!(output.status.success(), "node {file} failed");
    let expected: &[&str] = if file.starts_with("quickstart.") {
        &[
            "the old key is refused: true",
            "its key is refused: true",
            "revoked keys listed: 1",
        ]
    } else {
        // The TypeScript tour ends by provoking a validation error on the
        // empty name, which it prints as the field list.
        &["[ 'name' ]"]
    };
    for line in expected {
        ensure!(stdout.contains(line), "node {file} did not print `{line}`");
    }
    Ok(())
}

/// Whether `dir` holds a `.node` file.
fn has_addon(dir: &Path) -> Result<bool> {
    Ok(std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .flatten()
        .any(|entry| entry.file_name().to_string_lossy().ends_with(".node")))
}

/// `@latchkey/node-<platform>`.
fn platform_package(target: Target) -> String {
    format!("{PACKAGE}-{}", target.platform)
}

/// `latchkey.<platform>.node`.
fn addon_name(target: Target) -> String {
    format!("{BINARY_NAME}.{}.node", target.platform)
}

/// npm's tarball name: `@scope/name` at `1.2.3` is `scope-name-1.2.3.tgz`.
fn tarball_name(package: &str, version: &str) -> String {
    format!(
        "{}-{version}.tgz",
        package.trim_start_matches('@').replace('/', "-")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tarballs_are_named_as_npm_names_them() {
        assert_eq!(
            tarball_name("@latchkey/node-linux-x64-gnu", "0.1.0"),
            "latchkey-node-linux-x64-gnu-0.1.0.tgz"
        );
    }

    #[test]
    fn optional_dependencies_name_every_platform_at_the_version() {
        let text = "{\n  \"name\": \"@latchkey/node\",\n  \"version\": \"1.2.3\",\n  \"devDependencies\": {\n    \"x\": \"1\"\n  }\n}\n";
        let edited: Value =
            serde_json::from_str(&with_optional_dependencies(text, "1.2.3").unwrap()).unwrap();
        let deps = edited["optionalDependencies"].as_object().unwrap();
        assert_eq!(deps.len(), TARGETS.len());
        assert_eq!(deps["@latchkey/node-linux-arm64-gnu"], "1.2.3");
        assert_eq!(edited["devDependencies"]["x"], "1");
    }

    #[test]
    fn a_manifest_without_dev_dependencies_is_refused() {
        assert!(with_optional_dependencies("{\n  \"name\": \"x\"\n}\n", "1.0.0").is_err());
    }

    #[test]
    fn every_target_has_its_committed_package_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for target in TARGETS {
            let manifest: Value = serde_json::from_str(
                &std::fs::read_to_string(
                    root.join(BINDING)
                        .join("npm")
                        .join(target.platform)
                        .join("package.json"),
                )
                .unwrap(),
            )
            .unwrap();
            assert_eq!(manifest["name"], platform_package(*target));
            assert_eq!(manifest["main"], addon_name(*target));
        }
    }
}
