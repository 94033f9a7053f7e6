//! `bindings/node/index.d.ts` and `index.js` are written by `napi build`
//! (the addon's type declarations, derived from the `#[napi]` items, and its
//! platform loader). Both are committed; here the addon is built into a
//! temporary folder and the generated files are compared with (or copied
//! over) the committed ones.

use anyhow::{Context, Result};

use super::Files;
use crate::node::{BINDING, GENERATED, build_addon};

/// Builds the addon into a temporary folder and ensures each generated file.
pub fn generate(files: &mut Files) -> Result<()> {
    let root = files.root().to_path_buf();
    let out = tempfile::tempdir().context("creating a temporary folder")?;
    build_addon(&root, Some(out.path()))?;
    for name in GENERATED {
        let generated = out.path().join(name);
        let bytes = std::fs::read(&generated)
            .with_context(|| format!("napi build wrote no {}", generated.display()))?;
        files.ensure_file_contents(&root.join(BINDING).join(name), &bytes)?;
    }
    Ok(())
}
