//! Latchkey's project commands, run as `cargo xtask <command>` (the alias lives
//! in `.cargo/config.toml`), following the cargo-xtask convention: every task
//! beyond plain `cargo build` is Rust code here, so it runs the same on every
//! machine and in CI with nothing but a Rust toolchain.
//!
//! - `test`    runs every test of the project, one named step per language;
//! - `lint`    rustfmt check and clippy with warnings denied;
//! - `check`   fails when a generated or copied file is stale;
//! - `codegen` rewrites those files;
//! - `ci`      setup, check, lint and test, cheapest first: what `.ci/run` runs;
//! - `setup`   installs what the tests need from the machine when it is missing;
//! - `bench`   the criterion benchmarks, in the bench (release) profile;
//! - `dist`    every SDK artifact users install, into `target/dist/`.

mod bench;
mod bench_kotlin;
mod bench_memory;
mod bench_node;
mod bench_python;
mod bench_replicas;
mod bench_scale;
mod bench_server;
mod check;
mod ci;
mod cmd;
mod codegen;
mod console;
mod dist;
mod flags;
mod kotlin;
mod lint;
mod napi_cargo;
mod node;
mod postgres;
mod prefetch;
mod python;
mod readme;
mod schemathesis;
mod server_process;
mod setup;
mod step;
mod test;
mod venv;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use crate::flags::{Cli, Command};

fn main() -> ExitCode {
    if let Some(real_cargo) = std::env::var_os(napi_cargo::REAL_CARGO_VAR) {
        return napi_cargo::run(real_cargo, std::env::args_os().skip(1).collect());
    }
    let cli = Cli::parse();
    let root = project_root();
    let result = match cli.command {
        Command::Test(args) => test::run(&root, &args.steps).map(|_| ()),
        Command::Lint => lint::run(&root),
        Command::Check => check::run(&root),
        Command::Codegen => codegen::run(&root, codegen::Mode::Write),
        Command::Ci => ci::run(&root),
        Command::Setup => setup::run(&root),
        Command::Bench(args) => bench::run(&root, &args),
        Command::Dist(args) => dist::run(&root, &args),
        Command::Xcframework => dist::xcframework(&root),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's folder, fixed at compile
/// time, so that every command works from any current directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
