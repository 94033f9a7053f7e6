//! `spec/openapi.json`: the reference server's OpenAPI 3.1 document, exactly
//! what `latchkey openapi` prints and `/openapi.json` serves. utoipa builds
//! it from the route declarations, so no server needs to run.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::Files;

/// The committed document, relative to the workspace root.
pub const OUTPUT: &str = "spec/openapi.json";

/// Runs `latchkey openapi` (building it if needed) and ensures the file.
pub fn generate(files: &mut Files) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let args = [
        "run",
        "--quiet",
        "--package",
        "latchkey-server",
        "--bin",
        "latchkey",
        "--",
        "openapi",
    ];
    println!("$ cargo {}", args.join(" "));
    let output = Command::new(&cargo)
        .args(args)
        .current_dir(files.root())
        .output()
        .context("could not start cargo")?;
    if !output.status.success() {
        bail!(
            "`cargo {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    files.ensure_file_contents(Path::new(OUTPUT), &output.stdout)
}
