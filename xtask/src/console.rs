//! The `console` test step: the console's browser tests in `tests/console`
//! (`node --test`), Playwright's driver on Debian's Chromium (installed by
//! `cargo xtask setup`, never downloaded), against the dev server binary.
//! Screenshots of every page go to `target/console-screenshots/`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::cmd::cmd;
use crate::server_process::target_dir;
use crate::test::TestCounts;

/// The tests' folder, relative to the root.
pub const TESTS: &str = "tests/console";

/// Debian's Chromium, which the tests launch.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The step: `npm ci`, the server binary, `node --test`.
pub fn run(root: &Path, counts: &mut TestCounts) -> Result<()> {
    if !Path::new(CHROMIUM).exists() {
        bail!("{CHROMIUM} is missing: run `cargo xtask setup` (it installs Debian's chromium)");
    }
    crate::prefetch::wait(crate::prefetch::Download::ConsoleModules);
    crate::node::npm_ci_in(&root.join(TESTS), None)?;
    let server = crate::server_process::build_dev_server(root)?;
    let mut summary = TestCounts::default();
    let result = cmd(&root.join(TESTS), "node")
        .args(["--test", "--test-reporter=spec"])
        .env("LATCHKEY_SERVER_BIN", &server)
        .env("LATCHKEY_CHROMIUM", CHROMIUM)
        .env(
            "LATCHKEY_CONSOLE_SCREENSHOTS",
            target_dir(root).join("console-screenshots"),
        )
        .run_tee(|line| crate::node::read_summary_line(line, &mut summary));
    *counts += summary;
    result
}
