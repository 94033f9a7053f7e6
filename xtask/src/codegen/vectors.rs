//! `tests/vectors/` is a byte-for-byte copy of the project's shared
//! cross-language test vectors, `../shared/vectors/` beside the repository
//! (present on developer machines and in CI). Every file there must be here
//! with the same bytes; files only here (none today) are left alone. Without
//! the shared folder there is nothing to compare against, and this is skipped.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Files;

/// Where the copy lives, relative to the workspace root.
const COPY: &str = "tests/vectors";
/// Where the original lives, relative to the workspace root.
const SHARED: &str = "../shared/vectors";

/// Ensures every file of `../shared/vectors` is in `tests/vectors`, unchanged.
pub fn generate(files: &mut Files) -> Result<()> {
    let shared = files.root().join(SHARED);
    if !shared.is_dir() {
        println!("skipped: {SHARED} does not exist here, nothing to compare with");
        return Ok(());
    }
    let relative_paths = list_files(&shared)?;
    for relative in &relative_paths {
        let original = shared.join(relative);
        let bytes =
            fs::read(&original).with_context(|| format!("reading {}", original.display()))?;
        files.ensure_file_contents(&Path::new(COPY).join(relative), &bytes)?;
    }
    println!(
        "compared {} file(s) of {SHARED} with {COPY}",
        relative_paths.len()
    );
    Ok(())
}

/// The files under `dir`, as sorted paths relative to it, recursively;
/// hidden entries and `__pycache__` are left out.
fn list_files(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let entries = fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "__pycache__" {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(base, &path, out)?;
            } else {
                out.push(
                    path.strip_prefix(base)
                        .expect("walk stays under base")
                        .to_path_buf(),
                );
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::Mode;

    /// A workspace `root/repo` with `root/shared/vectors` beside it.
    fn layout() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let shared = dir.path().join("shared/vectors");
        fs::create_dir_all(shared.join("nested")).unwrap();
        fs::create_dir_all(shared.join("__pycache__")).unwrap();
        fs::write(shared.join("a.json"), b"{\"a\": 1}\n").unwrap();
        fs::write(shared.join("nested/b.json"), b"b").unwrap();
        fs::write(shared.join("__pycache__/x.pyc"), b"junk").unwrap();
        fs::create_dir_all(repo.join(COPY)).unwrap();
        (dir, repo)
    }

    #[test]
    fn lists_files_recursively_sorted_without_caches() {
        let (dir, _repo) = layout();
        let found = list_files(&dir.path().join("shared/vectors")).unwrap();
        assert_eq!(
            found,
            [PathBuf::from("a.json"), PathBuf::from("nested/b.json")]
        );
    }

    #[test]
    fn check_reports_each_differing_or_missing_file() {
        let (_dir, repo) = layout();
        fs::write(repo.join(COPY).join("a.json"), b"{\"a\": 2}\n").unwrap();
        let mut files = Files::new(&repo, Mode::Check);
        generate(&mut files).unwrap();
        assert_eq!(
            files.stale,
            [
                "tests/vectors/a.json differs",
                "tests/vectors/nested/b.json is missing"
            ]
        );
    }

    #[test]
    fn write_copies_then_check_passes_and_extra_files_stay() {
        let (_dir, repo) = layout();
        fs::write(repo.join(COPY).join("local-only.txt"), b"mine").unwrap();
        generate(&mut Files::new(&repo, Mode::Write)).unwrap();
        assert_eq!(
            fs::read(repo.join(COPY).join("nested/b.json")).unwrap(),
            b"b"
        );
        assert_eq!(
            fs::read(repo.join(COPY).join("local-only.txt")).unwrap(),
            b"mine"
        );
        let mut files = Files::new(&repo, Mode::Check);
        generate(&mut files).unwrap();
        assert!(files.stale.is_empty(), "{:?}", files.stale);
    }

    #[test]
    fn without_the_shared_folder_it_is_skipped() {
        // A repository one level down, so `../shared` is inside the temp dir
        // and cannot be a real `shared/` that happens to sit beside it.
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir(&repo).unwrap();
        let mut files = Files::new(&repo, Mode::Check);
        generate(&mut files).unwrap();
        assert!(files.stale.is_empty());
    }
}
