//! Generated and copied files, kept honest: `cargo xtask codegen` writes them,
//! `cargo xtask check` fails if any differs from what codegen would write and
//! prints the command that fixes it (rust-analyzer's `ensure_file_contents`).
//!
//! A generator computes the expected bytes of its files and hands each to
//! [`Files::ensure_file_contents`]; the mode decides whether that writes or
//! only compares. To add one, write a module with a `generate` function and
//! register it in [`GENERATORS`].

mod access_keys;
mod lists;
mod models;
mod native;
mod node_models;
mod node_native;
mod node_resources;
mod node_types;
mod openapi;
mod python_async;
mod python_models;
mod python_native;
mod python_resources;
mod python_stubs;
mod sdk_surface;
mod signatures;
mod uniffi;
mod uniffi_client;
mod uniffi_inputs;
mod uniffi_native;
mod vectors;
pub mod versions;
mod workspace_hack;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::step::run_step;

/// The command that regenerates every file a check can find stale.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// One generator: a name for its header and the function that produces (or
/// checks) its files.
struct Generator {
    name: &'static str,
    generate: fn(&mut Files) -> Result<()>,
}

/// Every generator, in the order they run. A later one may read what an
/// earlier one wrote (`sdk-surface` reads what `uniffi` wrote,
/// `python-resources` the models `python-models` wrote, `uniffi-native` what
/// `uniffi-inputs` wrote).
const GENERATORS: &[Generator] = &[
    Generator {
        name: "workspace-hack",
        generate: workspace_hack::generate,
    },
    Generator {
        name: "versions",
        generate: versions::generate,
    },
    Generator {
        name: "vectors",
        generate: vectors::generate,
    },
    Generator {
        name: "access-keys",
        generate: access_keys::generate,
    },
    Generator {
        name: "openapi",
        generate: openapi::generate,
    },
    Generator {
        name: "python-models",
        generate: python_models::generate,
    },
    Generator {
        name: "python-resources",
        generate: python_resources::generate,
    },
    Generator {
        name: "python-async",
        generate: python_async::generate,
    },
    Generator {
        name: "python-native",
        generate: python_native::generate,
    },
    Generator {
        name: "python-stubs",
        generate: python_stubs::generate,
    },
    Generator {
        name: "node-models",
        generate: node_models::generate,
    },
    Generator {
        name: "node-native",
        generate: node_native::generate,
    },
    Generator {
        name: "node-resources",
        generate: node_resources::generate,
    },
    Generator {
        name: "node-types",
        generate: node_types::generate,
    },
    Generator {
        name: "uniffi-inputs",
        generate: uniffi_inputs::generate,
    },
    Generator {
        name: "uniffi-native",
        generate: uniffi_native::generate,
    },
    Generator {
        name: "uniffi-client",
        generate: uniffi_client::generate,
    },
    Generator {
        name: "uniffi",
        generate: uniffi::generate,
    },
    Generator {
        name: "sdk-surface",
        generate: sdk_surface::generate,
    },
];

/// `text` (the file `path`) with the part between each of the first
/// `contents.len()` pairs of `start` and `end` lines written anew, in order:
/// `start`, a line break, the content, `end`. A hand-written file keeps its
/// generated parts between such lines.
pub fn with_regions(
    text: &str,
    path: &str,
    start: &str,
    end: &str,
    contents: &[String],
) -> Result<String> {
    let mut out = String::new();
    let mut rest = text;
    for (index, content) in contents.iter().enumerate() {
        let which = index + 1;
        let (before, inside) = rest
            .split_once(start)
            .with_context(|| format!("{path} has no line `{}` (#{which})", start.trim()))?;
        let (_, after) = inside
            .split_once(end)
            .with_context(|| format!("{path} has no line `{}` (#{which})", end.trim()))?;
        out.push_str(before);
        out.push_str(start);
        out.push('\n');
        out.push_str(content);
        out.push_str(end);
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether generated files are compared or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Compare only; a difference is reported as stale.
    Check,
    /// Write every file that differs.
    Write,
}

/// What [`ensure_file_contents`] found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The file already has the expected contents.
    UpToDate,
    /// Check mode: the file differs from the expected contents.
    Differs,
    /// Check mode: the file does not exist.
    Missing,
    /// Write mode: the file differed or was missing, and has been written.
    Written,
}

/// Makes sure `path` holds exactly `expected` (bytes, no newline
/// normalisation): in [`Mode::Check`] only compares, in [`Mode::Write`]
/// writes the file (creating its folders) when it differs.
pub fn ensure_file_contents(path: &Path, expected: &[u8], mode: Mode) -> Result<Freshness> {
    let current = match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if current.as_deref() == Some(expected) {
        return Ok(Freshness::UpToDate);
    }
    match mode {
        Mode::Check if current.is_none() => Ok(Freshness::Missing),
        Mode::Check => Ok(Freshness::Differs),
        Mode::Write => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            fs::write(path, expected).with_context(|| format!("writing {}", path.display()))?;
            Ok(Freshness::Written)
        }
    }
}

/// The state shared by the generators of one run: the workspace root, the
/// mode, and what was found stale or written.
pub struct Files {
    root: PathBuf,
    mode: Mode,
    stale: Vec<String>,
    written: Vec<String>,
}

impl Files {
    /// A run over the workspace at `root`.
    pub fn new(root: &Path, mode: Mode) -> Files {
        Files {
            root: root.to_path_buf(),
            mode,
            stale: Vec::new(),
            written: Vec::new(),
        }
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this run compares or writes.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// [`ensure_file_contents`] for `path` (relative to the root), recording
    /// and printing what it found.
    pub fn ensure_file_contents(&mut self, path: &Path, expected: &[u8]) -> Result<()> {
        let shown = path.display().to_string();
        match ensure_file_contents(&self.root.join(path), expected, self.mode)? {
            Freshness::UpToDate => {}
            Freshness::Differs => self.mark_stale(format!("{shown} differs")),
            Freshness::Missing => self.mark_stale(format!("{shown} is missing")),
            Freshness::Written => {
                println!("wrote {shown}");
                self.written.push(shown);
            }
        }
        Ok(())
    }

    /// Records a staleness found by other means (an external `--check`).
    pub fn mark_stale(&mut self, what: String) {
        println!("stale: {what}");
        self.stale.push(what);
    }

    /// Ok when nothing is stale; else an error that counts the stale files
    /// and names the command that regenerates them.
    fn finish(self) -> Result<()> {
        match (self.mode, self.stale.len()) {
            (Mode::Check, 0) => println!("every generated file is up to date"),
            (Mode::Check, n) => bail!(
                "{n} generated file(s) stale ({}): run `{FIX_COMMAND}` and commit the result",
                self.stale.join("; ")
            ),
            (Mode::Write, _) => println!("codegen: {} file(s) written", self.written.len()),
        }
        Ok(())
    }
}

/// Runs every generator in `mode`. In check mode every generator runs, so
/// that all stale files are reported at once, and then the run fails if any is.
pub fn run(root: &Path, mode: Mode) -> Result<()> {
    let group = match mode {
        Mode::Check => "check",
        Mode::Write => "codegen",
    };
    let mut files = Files::new(root, mode);
    for generator in GENERATORS {
        run_step(group, generator.name, || (generator.generate)(&mut files))?;
    }
    files.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identical_file_is_up_to_date_in_both_modes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        fs::write(&path, b"{}\n").unwrap();
        for mode in [Mode::Check, Mode::Write] {
            assert_eq!(
                ensure_file_contents(&path, b"{}\n", mode).unwrap(),
                Freshness::UpToDate
            );
        }
    }

    #[test]
    fn check_mode_reports_and_never_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        let missing = dir.path().join("sub/b.json");
        fs::write(&path, b"old").unwrap();
        assert_eq!(
            ensure_file_contents(&path, b"new", Mode::Check).unwrap(),
            Freshness::Differs
        );
        assert_eq!(
            ensure_file_contents(&missing, b"new", Mode::Check).unwrap(),
            Freshness::Missing
        );
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert!(!missing.exists());
    }

    #[test]
    fn comparison_is_byte_exact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        fs::write(&path, b"{}\r\n").unwrap();
        assert_eq!(
            ensure_file_contents(&path, b"{}\n", Mode::Check).unwrap(),
            Freshness::Differs
        );
    }

    #[test]
    fn write_mode_writes_differing_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        let missing = dir.path().join("sub/deeper/b.json");
        fs::write(&path, b"old").unwrap();
        assert_eq!(
            ensure_file_contents(&path, b"new", Mode::Write).unwrap(),
            Freshness::Written
        );
        assert_eq!(
            ensure_file_contents(&missing, b"b", Mode::Write).unwrap(),
            Freshness::Written
        );
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read(&missing).unwrap(), b"b");
        assert_eq!(
            ensure_file_contents(&path, b"new", Mode::Check).unwrap(),
            Freshness::UpToDate
        );
    }

    #[test]
    fn a_check_with_stale_files_fails_naming_each_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Files::new(dir.path(), Mode::Check);
        files
            .ensure_file_contents(Path::new("x.json"), b"x")
            .unwrap();
        files
            .ensure_file_contents(Path::new("y.json"), b"y")
            .unwrap();
        let message = files.finish().unwrap_err().to_string();
        assert!(message.contains("2 generated file(s) stale"), "{message}");
        assert!(message.contains("x.json is missing") && message.contains("y.json is missing"));
        assert!(message.contains("run `cargo xtask codegen`"), "{message}");
    }

    #[test]
    fn regions_are_written_anew_in_order_and_a_missing_marker_is_named() {
        let text = "a\n<<\nold\n>>\nb\n<<\nold\n>>\nc\n";
        let both = [String::from("one\n"), String::from("two\n")];
        assert_eq!(
            with_regions(text, "f", "<<", ">>", &both).unwrap(),
            "a\n<<\none\n>>\nb\n<<\ntwo\n>>\nc\n"
        );
        let error = with_regions("a\n<<\nold\n", "f", "<<", ">>", &both[..1])
            .unwrap_err()
            .to_string();
        assert_eq!(error, "f has no line `>>` (#1)");
        let error = with_regions(text, "f", "<<", ">>", &[both.clone(), both].concat()[..3])
            .unwrap_err()
            .to_string();
        assert_eq!(error, "f has no line `<<` (#3)");
    }

    #[test]
    fn every_generator_has_a_unique_name() {
        let mut names: Vec<_> = GENERATORS.iter().map(|g| g.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), GENERATORS.len());
    }
}
