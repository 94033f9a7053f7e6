//! `cargo xtask check`: staleness checks. Every generated or copied file must
//! be exactly what `cargo xtask codegen` would write; the failure names each
//! stale file and that command. Later tidy checks (e.g. no `todo!()`, license
//! headers) would be steps here too.

use std::path::Path;

use anyhow::Result;

use crate::codegen::{self, Mode};

/// Runs every generator in check mode.
pub fn run(root: &Path) -> Result<()> {
    codegen::run(root, Mode::Check)
}
