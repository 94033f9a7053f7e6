//! `tests/vectors/access_keys.json` is written by `gen_access_keys.py` beside
//! it (standard library only, deterministic). Its own `--check` compares; we
//! run it rather than re-implement it. The script finds its output file from
//! its own path, so it runs from the workspace root.

use std::path::Path;

use anyhow::{Result, bail};

use super::{Files, Mode};
use crate::cmd::cmd;

/// The generator script, relative to the workspace root.
const SCRIPT: &str = "tests/vectors/gen_access_keys.py";
/// The file it writes, relative to the workspace root.
const OUTPUT: &str = "tests/vectors/access_keys.json";

/// Check mode: `python3 gen_access_keys.py --check` (exit 1 = stale).
/// Write mode: `python3 gen_access_keys.py`.
pub fn generate(files: &mut Files) -> Result<()> {
    let script = cmd(files.root(), "python3").arg(SCRIPT);
    match files.mode() {
        Mode::Write => script.run(),
        Mode::Check => {
            let check = script.arg("--check");
            let status = check.status()?;
            match status.code() {
                Some(0) => Ok(()),
                Some(1) => {
                    files.mark_stale(format!("{OUTPUT} is not what {SCRIPT} writes"));
                    Ok(())
                }
                _ => bail!(
                    "`{check}` failed ({status}) in {}",
                    Path::new(files.root()).display()
                ),
            }
        }
    }
}
