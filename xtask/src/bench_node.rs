//! `cargo xtask bench node`: the Node SDK from a release addon.
//!
//! It builds the addon with `napi build --platform --release` (through the
//! same cargo stand-in as the tests, see [`crate::napi_cargo`]) into
//! `target/release/node-addon/`, so the dev addon in `bindings/node` that the
//! tests load is left as it is, and builds the release server
//! ([`crate::bench_server::prepare`]). Then it runs, with the release addon
//! selected by `NAPI_RS_NATIVE_LIBRARY_PATH` (the scripts refuse to run when
//! the addon they loaded is not that file):
//!
//! - `bench/node/jwt_bench.mjs`: `jwt.verify` / `jwt.sign` against `jose`
//!   and `jsonwebtoken`, per algorithm;
//! - `bench/node/client_bench.mjs`: the client against `fetch` on the release
//!   server, the event-loop delay beside an idle baseline, the main-thread
//!   time of each call and of each result's conversion, and the GC pauses
//!   that overlap the slow ones.
//!
//! Both print their own tables. Figures only mean something on a quiet
//! machine; the scripts print the load average they ran under.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cmd::cmd;
use crate::node::{BINDING, Profile, build_addon_in};
use crate::server_process::target_dir;

/// Where the release addon and its loader are written.
const ADDON_DIR: &str = "release/node-addon";

/// Builds the release addon and server, then runs both Node benchmarks.
pub fn run(root: &Path) -> Result<()> {
    let server = crate::bench_server::prepare(root)?;
    let out = target_dir(root).join(ADDON_DIR);
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    build_addon_in(root, Some(&out), Profile::Release)?;
    let addon = addon_file(&out)?;
    let node = |script: &str| {
        cmd(&root.join(BINDING), "node")
            .arg(root.join("bench/node").join(script))
            .env("NAPI_RS_NATIVE_LIBRARY_PATH", &addon)
    };
    node("jwt_bench.mjs").run()?;
    node("client_bench.mjs").arg("--server").arg(&server).run()
}

/// The one `.node` file `napi build` wrote into `dir`.
fn addon_file(dir: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path
            .extension()
            .is_some_and(|extension| extension == "node")
        {
            found.push(path);
        }
    }
    match found.as_slice() {
        [addon] => Ok(addon.clone()),
        [] => bail!("napi build wrote no .node file into {}", dir.display()),
        _ => bail!(
            "several .node files in {}: {found:?}; remove the stale ones",
            dir.display()
        ),
    }
}
