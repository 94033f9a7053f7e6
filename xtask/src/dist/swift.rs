//! The Swift row of `cargo xtask dist`, and `cargo xtask xcframework`.
//!
//! Users add the package by URL: the repository root's `Package.swift`
//! (sources in `bindings/swift/Sources`), whose FFI module is a
//! `binaryTarget` (the XCFramework) on Apple platforms and a `systemLibrary`
//! found through pkg-config on Linux (no `unsafeFlags`, which SwiftPM refuses
//! in dependencies). This module builds what that package needs:
//!
//! - here (Linux), per platform, `latchkey-swift-<version>-linux-<arch>.tar.gz`:
//!   the package's sources and manifest with `lib/liblatchkey_uniffi.so` and
//!   a relocatable `lib/pkgconfig/latchkey_uniffi.pc` (`${pcfiledir}`);
//! - on a Mac only ([`xcframework`]), `latchkeyFFI.xcframework.zip`, its
//!   checksum written into the root `Package.swift`.
//!
//! No Swift compiler can be installed on the project's machines, so the test
//! checks what can be checked without one (the tarball unpacks, pkg-config
//! resolves the library from it, and the library exports every function the
//! module's header declares) and counts the quickstart it cannot run as
//! skipped.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::kotlin::{Platform, build_library, platforms};
use super::{Artifact, Scope};
use crate::cmd::cmd;
use crate::kotlin::LIBRARY_FILE;
use crate::server_process::Running;
use crate::test::TestCounts;

/// The Swift package's sources, relative to the root.
const SOURCES: &str = "bindings/swift/Sources";
/// The FFI module's folder: its headers (uniffi-bindgen's, one per uniffi
/// component of the library, written by `cargo xtask codegen`) and the Linux
/// module map.
const FFI_MODULE: &str = "bindings/swift/Sources/latchkeyFFI";
/// The headers of the FFI module: the binding's component and the client
/// crate's (its models), both in the one library.
const HEADERS: [&str; 2] = ["latchkeyFFI.h", "latchkey_clientFFI.h"];
/// The manifest users add by URL.
const MANIFEST: &str = "Package.swift";
/// The pkg-config name the manifest's `systemLibrary` asks for.
const PKG_CONFIG_NAME: &str = "latchkey_uniffi";

/// The folder a platform's package is staged in under `out` (also the
/// tarball's top folder; the README's Swift tour points at it).
fn staged_name(platform: &Platform) -> String {
    format!("latchkey-swift-{}", platform.name)
}

/// `cargo xtask dist swift`: the Linux package of each platform of `scope`
/// (on a Mac, run `cargo xtask xcframework` for the Apple one).
pub fn build(root: &Path, out: &Path, scope: Scope) -> Result<Vec<Artifact>> {
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let mut artifacts = Vec::new();
    for platform in platforms(scope)? {
        let library = build_library(root, platform, scope)?;
        let name = staged_name(platform);
        let staged = out.join(&name);
        std::fs::create_dir_all(staged.join("lib/pkgconfig"))?;
        std::fs::copy(root.join(MANIFEST), staged.join(MANIFEST))
            .context("copying Package.swift")?;
        super::copy_tree(&root.join(SOURCES), &staged.join(SOURCES), &[])?;
        std::fs::copy(&library, staged.join("lib").join(LIBRARY_FILE))
            .with_context(|| format!("copying {}", library.display()))?;
        std::fs::write(
            staged
                .join("lib/pkgconfig")
                .join(format!("{PKG_CONFIG_NAME}.pc")),
            pkg_config_file(&version),
        )?;
        let tarball = out.join(format!("latchkey-swift-{version}-{}.tar.gz", platform.name));
        cmd(out, "tar").arg("czf").arg(&tarball).arg(&name).run()?;
        artifacts.push(Artifact {
            path: tarball,
            platform: platform.name.to_owned(),
        });
    }
    if !cfg!(target_os = "macos") {
        println!(
            "dist swift: the Apple XCFramework is built on a Mac (`cargo xtask xcframework`); \
             not here"
        );
    }
    Ok(artifacts)
}

/// The `.pc` of the Linux package: relocatable (`${pcfiledir}` is the folder
/// of the file itself, which SwiftPM's own pkg-config reader sets too), and
/// only `-L`/`-l` flags, which SwiftPM accepts from a dependency's `.pc`.
fn pkg_config_file(version: &str) -> String {
    format!(
        "prefix=${{pcfiledir}}/../..\n\
         libdir=${{prefix}}/lib\n\
         \n\
         Name: {PKG_CONFIG_NAME}\n\
         Description: The Latchkey SDKs' native library, for the Swift package's latchkeyFFI module\n\
         Version: {version}\n\
         Libs: -L${{libdir}} -l{}\n\
         Cflags:\n",
        LIBRARY_FILE
            .trim_start_matches("lib")
            .trim_end_matches(".so")
    )
}

/// The dist test for Swift, without a Swift compiler: unpacks the host
/// tarball into `scratch` as a user would, asks pkg-config (with only the
/// unpacked `lib/pkgconfig` on its path) for the flags SwiftPM will link
/// with, and checks that the library they name exports every function the
/// FFI header declares (a missing one would be a link error on a Swift
/// machine). The quickstart itself needs a Swift compiler: counted skipped.
pub fn install_and_run(
    root: &Path,
    out: &Path,
    scratch: &Path,
    _server: &Running,
    counts: &mut TestCounts,
) -> Result<()> {
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let platform = super::kotlin::host()?;
    let tarball = out.join(format!("latchkey-swift-{version}-{}.tar.gz", platform.name));
    cmd(scratch, "tar").arg("xzf").arg(&tarball).run()?;
    let unpacked = scratch.join(staged_name(platform));
    counts.record("the unpacked Swift package links", || {
        check_links(&tarball, &unpacked)
    })?;
    counts.skip(
        "the Swift quickstart (examples/swift)",
        "it needs a Swift compiler, which cannot be installed here; \
         bindings/swift/README.md says what a Mac or Linux Swift run does",
    );
    Ok(())
}

/// Checks the package unpacked from `tarball` into `unpacked`: it carries
/// the manifest, the sources and the FFI headers, pkg-config resolves its
/// library, and that library exports every function the headers declare.
fn check_links(tarball: &Path, unpacked: &Path) -> Result<()> {
    let headers = HEADERS.map(|header| format!("{FFI_MODULE}/{header}"));
    let needed = [
        MANIFEST,
        "bindings/swift/Sources/Latchkey/Latchkey.swift",
        "bindings/swift/Sources/Latchkey/LatchkeyClient.swift",
    ];
    for needed in needed
        .iter()
        .copied()
        .chain(headers.iter().map(String::as_str))
    {
        if !unpacked.join(needed).is_file() {
            bail!("{} carries no {needed}", tarball.display());
        }
    }

    let pkg_config = cmd(unpacked, "pkg-config")
        .args(["--libs", PKG_CONFIG_NAME])
        .env("PKG_CONFIG_PATH", unpacked.join("lib/pkgconfig"))
        .env("PKG_CONFIG_LIBDIR", unpacked.join("lib/pkgconfig"))
        .output()
        .context("pkg-config is Debian's pkgconf")?;
    let flags = String::from_utf8_lossy(&pkg_config.stdout)
        .trim()
        .to_owned();
    println!("pkg-config --libs {PKG_CONFIG_NAME}: {flags}");
    let library_dir = flags
        .split_whitespace()
        .find_map(|flag| flag.strip_prefix("-L"))
        .map(PathBuf::from);
    let Some(library_dir) = library_dir.filter(|_| pkg_config.status.success()) else {
        bail!(
            "pkg-config does not resolve {PKG_CONFIG_NAME} from the unpacked package: {}",
            String::from_utf8_lossy(&pkg_config.stderr)
        );
    };
    let library = library_dir.join(LIBRARY_FILE);
    let mut declared = Vec::new();
    for header in &headers {
        declared.extend(header_functions(&std::fs::read_to_string(
            unpacked.join(header),
        )?));
    }
    let exported = exported_functions(&library)?;
    let missing: Vec<&String> = declared
        .iter()
        .filter(|name| !exported.contains(*name))
        .collect();
    if declared.is_empty() || !missing.is_empty() {
        bail!(
            "{} does not export {} function(s) the FFI headers declare (of {}): {:?}",
            library.display(),
            missing.len(),
            declared.len(),
            missing.iter().take(5).collect::<Vec<_>>()
        );
    }
    println!(
        "the unpacked Swift package links: pkg-config finds {}, which exports all {} functions of the FFI headers",
        library.display(),
        declared.len()
    );
    Ok(())
}

/// The functions a uniffi header declares (`uniffi_…(` and `ffi_…(`).
fn header_functions(header: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for line in header.lines() {
        if line.starts_with(' ') || line.starts_with('#') || line.starts_with("typedef") {
            continue;
        }
        let Some(open) = line.find('(') else { continue };
        let name = line[..open]
            .rsplit(|c: char| c.is_whitespace() || c == '*')
            .next()
            .unwrap_or("");
        if name.starts_with("uniffi_") || name.starts_with("ffi_") {
            names.insert(name.to_owned());
        }
    }
    names
}

/// The functions a shared library exports (`nm -D --defined-only`).
fn exported_functions(library: &Path) -> Result<std::collections::BTreeSet<String>> {
    let dir = library.parent().unwrap_or(Path::new("."));
    let output = cmd(dir, "nm")
        .args(["-D", "--defined-only"])
        .arg(library)
        .read()
        .context("nm is binutils'")?;
    Ok(output
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().rev();
            let name = fields.next()?;
            let kind = fields.next()?;
            (kind == "T").then(|| name.to_owned())
        })
        .collect())
}

/// The Rust targets of the XCFramework: macOS (both architectures, one
/// universal library), iOS devices, and the iOS simulator (both).
const APPLE_SLICES: &[(&str, &[&str])] = &[
    ("macos", &["aarch64-apple-darwin", "x86_64-apple-darwin"]),
    ("ios", &["aarch64-apple-ios"]),
    (
        "ios-simulator",
        &["aarch64-apple-ios-sim", "x86_64-apple-ios"],
    ),
];

/// `cargo xtask xcframework`, on a Mac only: builds the static library for
/// every target of [`APPLE_SLICES`] (release), joins each slice's
/// architectures with `lipo`, makes `latchkeyFFI.xcframework` with
/// `xcodebuild -create-xcframework` (the uniffi header and an Apple module
/// map), zips it with `ditto` into `target/dist/swift/`, and writes its URL
/// and `swift package compute-checksum` into the root `Package.swift`. A copy
/// goes to `bindings/swift/latchkeyFFI.xcframework` for the development
/// package (`bindings/swift/Package.swift`).
pub fn xcframework(root: &Path) -> Result<()> {
    if !cfg!(target_os = "macos") {
        bail!(
            "`cargo xtask xcframework` runs on macOS only: it needs Xcode (xcodebuild, lipo) and \
             Apple's linkers, which no Linux machine has. On a Mac with Xcode and rustup, run it \
             from the repository; see bindings/swift/README.md, \"Releasing\""
        );
    }
    let wanted: Vec<&str> = APPLE_SLICES
        .iter()
        .flat_map(|(_, triples)| triples.iter().copied())
        .collect();
    let installed = cmd(root, "rustup")
        .args(["target", "list", "--installed"])
        .read()?;
    let absent: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|triple| !installed.lines().any(|line| line == *triple))
        .collect();
    if !absent.is_empty() {
        bail!(
            "the XCFramework needs Rust's standard library for {0}: run `rustup target add {0}`",
            absent.join(" ")
        );
    }
    let version = crate::codegen::versions::workspace_field(root, "version")?;
    let target = crate::server_process::target_dir(root);
    let work = super::fresh_dir(&target.join("xcframework"))?;
    let headers = work.join("headers");
    std::fs::create_dir_all(&headers)?;
    let mut module_map = String::from("module latchkeyFFI {\n");
    for header in HEADERS {
        std::fs::copy(root.join(FFI_MODULE).join(header), headers.join(header))?;
        module_map.push_str(&format!("    header \"{header}\"\n"));
    }
    // Apple's module map: the static library is linked by the framework,
    // so no `link` line (the Linux one carries it).
    module_map.push_str("    export *\n}\n");
    std::fs::write(headers.join("module.modulemap"), module_map)?;
    let mut create = cmd(&work, "xcodebuild").arg("-create-xcframework");
    for (slice, triples) in APPLE_SLICES {
        let mut parts = Vec::new();
        for triple in *triples {
            cmd(root, "cargo")
                .args([
                    "rustc",
                    "--release",
                    "--package",
                    crate::kotlin::UNIFFI_PACKAGE,
                    "--lib",
                    "--crate-type",
                    "staticlib",
                    "--target",
                    triple,
                ])
                .run()?;
            parts.push(target.join(triple).join("release/liblatchkey_uniffi.a"));
        }
        let joined = work.join(slice).join("liblatchkey_uniffi.a");
        std::fs::create_dir_all(work.join(slice))?;
        cmd(&work, "lipo")
            .arg("-create")
            .args(&parts)
            .arg("-output")
            .arg(&joined)
            .run()?;
        create = create
            .arg("-library")
            .arg(&joined)
            .arg("-headers")
            .arg(&headers);
    }
    let framework = work.join("latchkeyFFI.xcframework");
    create.arg("-output").arg(&framework).run()?;
    let out = target.join("dist/swift");
    std::fs::create_dir_all(&out)?;
    let zip = out.join("latchkeyFFI.xcframework.zip");
    let _ = std::fs::remove_file(&zip);
    cmd(&work, "ditto")
        .args(["-c", "-k", "--sequesterRsrc", "--keepParent"])
        .arg(&framework)
        .arg(&zip)
        .run()?;
    let checksum = cmd(root, "swift")
        .args(["package", "compute-checksum"])
        .arg(&zip)
        .read()?
        .trim()
        .to_owned();
    if checksum.len() != 64 || !checksum.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!("`swift package compute-checksum` gave no checksum: {checksum:?}");
    }
    let manifest = std::fs::read_to_string(root.join(MANIFEST))?;
    let manifest = with_checksum(&manifest, &checksum)?;
    std::fs::write(root.join(MANIFEST), manifest)?;
    let dev_copy = root.join("bindings/swift/latchkeyFFI.xcframework");
    let _ = std::fs::remove_dir_all(&dev_copy);
    cmd(root, "cp")
        .arg("-R")
        .arg(&framework)
        .arg(&dev_copy)
        .run()?;
    println!(
        "{} (version {version}): checksum {checksum} written into Package.swift; upload it \
         to the release URL that Package.swift names, then commit Package.swift",
        zip.display()
    );
    Ok(())
}

/// `manifest` with its `binaryTarget`'s checksum line holding `checksum`.
fn with_checksum(manifest: &str, checksum: &str) -> Result<String> {
    const PREFIX: &str = "    checksum: \"";
    let mut done = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        if !done && line.starts_with(PREFIX) {
            out.push_str(PREFIX);
            out.push_str(checksum);
            out.push_str("\"\n");
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if !done {
        bail!("Package.swift has no line `{PREFIX}…\"`");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_functions_are_the_ffi_declarations() {
        let header = "typedef void (*UniffiCallback)(uint64_t\n);\n#ifndef X\nuint64_t uniffi_latchkey_uniffi_fn_clone_x(uint64_t handle, RustCallStatus *_Nonnull out_status\n);\nRustBuffer ffi_latchkey_uniffi_rustbuffer_alloc(uint64_t size, RustCallStatus *_Nonnull out_status\n    );\nvoid*_Nonnull uniffi_p(int a);\n";
        let names: Vec<String> = header_functions(header).into_iter().collect();
        assert_eq!(
            names,
            [
                "ffi_latchkey_uniffi_rustbuffer_alloc",
                "uniffi_latchkey_uniffi_fn_clone_x",
                "uniffi_p"
            ]
        );
    }

    #[test]
    fn the_checksum_line_is_rewritten() {
        let manifest = "let ffi = .binaryTarget(\n    url: \"u\",\n    checksum: \"00\"\n)\n";
        let written = with_checksum(manifest, "ab12").unwrap();
        assert_eq!(
            written,
            "let ffi = .binaryTarget(\n    url: \"u\",\n    checksum: \"ab12\"\n)\n"
        );
        assert!(with_checksum("nothing\n", "ab").is_err());
    }

    #[test]
    fn the_pc_file_links_the_library_by_name() {
        let pc = pkg_config_file("1.2.3");
        assert!(pc.contains("Libs: -L${libdir} -llatchkey_uniffi\n"), "{pc}");
        assert!(pc.contains("Version: 1.2.3\n"));
        assert!(pc.starts_with("prefix=${pcfiledir}/../..\n"));
    }
}
