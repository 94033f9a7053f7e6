//! The command line of `cargo xtask`, declared with clap's derive API.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Latchkey's project commands.
#[derive(Debug, Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, one module each.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every test of the project (all steps, or the named ones).
    Test(TestArgs),
    /// Check formatting (rustfmt) and lints (clippy, warnings denied).
    Lint,
    /// Fail if a generated or copied file is stale (fix: `cargo xtask codegen`).
    Check,
    /// Regenerate the generated and copied files.
    Codegen,
    /// Everything CI runs: setup, check, lint, test, stopping at the first failure.
    Ci,
    /// Install what the checks and tests need from the machine when it is missing
    /// (PostgreSQL, Node, Maven, a JDK… with apt-get; rustfmt and clippy with rustup).
    Setup,
    /// Run the benchmarks (release `bench` profile).
    Bench(BenchArgs),
    /// Build every SDK artifact users install (wheels, sdist, npm tarballs,
    /// Maven jars, the Swift package) into `target/dist/`.
    Dist(DistArgs),
    /// On a Mac only: build the Swift package's `latchkeyFFI.xcframework.zip`
    /// into `target/dist/swift/` and write its checksum into `Package.swift`.
    Xcframework,
}

/// Arguments of `cargo xtask dist`.
#[derive(Debug, Args)]
pub struct DistArgs {
    /// Languages to build, by name (default: all).
    pub languages: Vec<String>,
    /// Build for this machine's platform only (no cross builds).
    #[arg(long)]
    pub host_only: bool,
}

/// Arguments of `cargo xtask test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Steps to run, by name (default: all). `cargo xtask test rust` runs only
    /// the Rust tests.
    pub steps: Vec<String>,
}

/// Arguments of `cargo xtask bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark suites to run (default: all).
    #[arg(value_enum)]
    pub suites: Vec<BenchSuite>,
    /// Passed to the benchmark harness, e.g. a criterion filter:
    /// `cargo xtask bench core -- parse`.
    #[arg(last = true)]
    pub harness_args: Vec<String>,
}

/// A benchmark suite: one crate's `benches/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchSuite {
    /// `latchkey-core`: key parsing, argon2id hashing, `authorize`, JWT sign/verify.
    Core,
    /// `latchkey-store`: key lookups at 1k–100k keys and key creation on a redb file.
    Store,
    /// The reference server under `wrk` (not a criterion suite).
    Server,
    /// The server on redb next to PostgreSQL with one and two replicas, under `wrk`.
    Replicas,
    /// The server's memory: idle, after 10k keys used, under floods of 1M forged keys.
    Memory,
    /// A million access keys (or the number after `--`) on redb and PostgreSQL against a
    /// thousand: size, creation, cold and warm `/v3/me`, memory, restart.
    Scale,
    /// `latchkey.jwt` vs PyJWT from the release wheel (`bench/python/jwt_bench.py`).
    PythonJwt,
    /// The Kotlin SDK's JWT toolkit vs nimbus-jose-jwt under JMH (`bench/kotlin`).
    KotlinJwt,
    /// The Node SDK from the release addon: JWT vs jose/jsonwebtoken, the client vs fetch
    /// and its event-loop figures (`bench/node/`).
    Node,
}

impl BenchSuite {
    /// The cargo package whose benches make up this suite.
    pub fn package(self) -> &'static str {
        match self {
            BenchSuite::Core => "latchkey-core",
            BenchSuite::Store => "latchkey-store",
            BenchSuite::Server | BenchSuite::Replicas | BenchSuite::Memory | BenchSuite::Scale => {
                "latchkey-server"
            }
            BenchSuite::PythonJwt => "latchkey-python",
            BenchSuite::KotlinJwt => "latchkey-uniffi",
            BenchSuite::Node => "latchkey-node",
        }
    }

    /// The cargo features its benches need (the store's load their keys
    /// through `bench-seeding`, which nothing serving requests enables).
    pub fn features(self) -> &'static [&'static str] {
        match self {
            BenchSuite::Store => &["--features", "bench-seeding"],
            _ => &[],
        }
    }
}
