//! `cargo xtask bench [SUITE...] [-- HARNESS ARGS]`: the criterion benchmarks,
//! built in the `bench` profile (release settings). Not part of `ci`: the
//! numbers only mean something on a quiet machine. `server` runs the
//! reference server under `wrk` (see `bench_server`), `replicas` the
//! same on PostgreSQL with one and two replicas (see `bench_replicas`); `memory` the
//! server's memory under many keys and floods of forged ones (see `bench_memory`);
//! `python-jwt` runs
//! `bench/python/jwt_bench.py` on the release wheel (see `bench_python`); `node`
//! runs `bench/node/` on the release addon (see `bench_node`); `kotlin-jwt` the
//! Kotlin SDK against nimbus-jose-jwt under JMH (see `bench_kotlin`).

use std::path::Path;

use anyhow::Result;
use clap::ValueEnum;

use crate::cmd::cmd;
use crate::flags::{BenchArgs, BenchSuite};
use crate::step::run_step;

/// Runs the chosen suites (all when none is named), one `cargo bench` each.
pub fn run(root: &Path, args: &BenchArgs) -> Result<()> {
    let suites: &[BenchSuite] = if args.suites.is_empty() {
        BenchSuite::value_variants()
    } else {
        &args.suites
    };
    for suite in suites {
        let name = suite.to_possible_value().expect("no suite is skipped");
        run_step("bench", name.get_name(), || {
            if *suite == BenchSuite::Server {
                return crate::bench_server::run(root);
            }
            if *suite == BenchSuite::Replicas {
                return crate::bench_replicas::run(root);
            }
            if *suite == BenchSuite::Memory {
                return crate::bench_memory::run(root);
            }
            if *suite == BenchSuite::Scale {
                return crate::bench_scale::run(root, &args.harness_args);
            }
            if *suite == BenchSuite::KotlinJwt {
                return crate::bench_kotlin::run(root, &args.harness_args);
            }
            if *suite == BenchSuite::Node {
                return crate::bench_node::run(root);
            }
            if *suite == BenchSuite::PythonJwt {
                return crate::bench_python::run_jwt(root, &args.harness_args);
            }
            let mut bench = cmd(root, "cargo")
                .args(["bench", "-p", suite.package()])
                .args(suite.features());
            if !args.harness_args.is_empty() {
                bench = bench.arg("--").args(&args.harness_args);
            }
            bench.run()
        })?;
    }
    Ok(())
}
