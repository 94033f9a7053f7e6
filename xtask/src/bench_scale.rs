//! `cargo xtask bench scale [-- KEYS]`: a million access keys (or `KEYS`),
//! on redb and on PostgreSQL, against a thousand.
//!
//! For each store and each size (1k, then `KEYS`, 1M by default), the
//! store's own example `crates/latchkey-store/examples/scale.rs` creates the
//! keys through the store (not HTTP: accounts and applications one by one,
//! keys in bulk transactions of 10k, then 2k limit-checked creations one
//! transaction each, and 20k random lookups by id), about a thousand keys
//! per application over up to ten accounts, and writes a uniform sample of
//! the key strings. Then the release server runs on that store and wrk
//! (2 threads, 32 connections) sends `GET /v3/me` with sampled keys:
//!
//! - cold: each key of half the sample once (the first use of a key: a
//!   store read and a digest), until that half is spent, after 2 s of
//!   warm-up with one other key (connections, the database pool);
//! - warm: the same keys again for 10 s (served from the verified cache);
//!
//! with the server's RSS before and after, and the time from starting the
//! server again to its first 200 on `/v3/me` with a key never used.
//!
//! Lookup must stay flat: the 1M/1k ratio of each p50 is printed with
//! "met" when it is at most 2. PostgreSQL is a throwaway cluster of its own
//! (fsync off, as every bench here), so its figures are the database's
//! work, not the disk's.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench_server::{Load, load_average, rss_kib, wrk_with};
use crate::cmd::cmd;
use crate::server_process::{Running, curl, start_with, target_dir};

/// Keys at the full size, unless the bench is given another number.
const FULL: usize = 1_000_000;
/// The small size the full one is compared with.
const SMALL: usize = 1_000;
/// Keys per application, about.
const PER_APPLICATION: usize = 1_000;
/// Accounts at most.
const ACCOUNTS: usize = 10;
const CONNECTIONS: &str = "32";
/// Long enough for wrk to spend the cold half of the sample.
const COLD_DURATION: &str = "8s";
const WARM_DURATION: &str = "10s";
/// How flat lookup must stay from the small size to the full one.
const FLAT: f64 = 2.0;

/// Presents each key of its thread's share of `args[1]` once, then stops.
const COLD_LUA: &str = r#"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  keys = {}
  local index = 0
  for line in io.lines(args[1]) do
    index = index + 1
    if index % 2 == tid % 2 then
      keys[#keys + 1] = line
    end
  end
  at = 0
end
function request()
  at = at + 1
  if at > #keys then
    wrk.thread:stop()
    at = 1
  end
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. keys[at] })
end
"#;

/// What one store at one size measured.
#[derive(Debug, Default)]
struct Figures {
    store: &'static str,
    keys: usize,
    bytes: u64,
    bulk_keys_per_second: f64,
    checked_keys_per_second: f64,
    store_lookup_p50_us: f64,
    store_lookup_p99_us: f64,
    cold: Load,
    warm: Load,
    rss_idle_kib: u64,
    rss_warm_kib: u64,
    first_200: Duration,
    load: String,
}

/// The store's example, built in release.
fn seeder(root: &Path) -> Result<PathBuf> {
    cmd(root, "cargo")
        .args([
            "build",
            "--release",
            "--package",
            "latchkey-store",
            "--features",
            "postgres,bench-seeding",
            "--example",
            "scale",
        ])
        .run()?;
    Ok(target_dir(root).join("release/examples/scale"))
}

/// Runs the seeder; its `name=value` lines.
fn seed(seeder: &Path, spec: &str, keys: usize, sample: &Path) -> Result<Vec<(String, String)>> {
    let applications = keys.div_ceil(PER_APPLICATION).max(1);
    let accounts = applications.min(ACCOUNTS);
    let per_account = applications.div_ceil(accounts);
    let output = std::process::Command::new(seeder)
        .arg("seed")
        .arg(spec)
        .args([
            keys.to_string(),
            accounts.to_string(),
            per_account.to_string(),
        ])
        .arg(sample)
        .output()
        .context("running the scale seeder")?;
    if !output.status.success() {
        bail!(
            "the seeder failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    Ok(text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect())
}

fn value(lines: &[(String, String)], name: &str) -> f64 {
    lines
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0.0)
}

/// Splits the sample: the first half for cold and warm runs, the second
/// for the keys used after restarts.
fn split_sample(sample: &Path, dir: &Path) -> Result<(PathBuf, Vec<String>)> {
    let text = std::fs::read_to_string(sample)?;
    let keys: Vec<&str> = text.lines().collect();
    let (used, fresh) = keys.split_at(keys.len() / 2);
    let path = dir.join("used.txt");
    std::fs::write(&path, used.join("\n") + "\n")?;
    Ok((path, fresh.iter().map(|k| (*k).to_owned()).collect()))
}

fn me_status(url: &str, key: &str) -> Result<String> {
    curl(&[
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-H",
        &format!("Authorization: Bearer {key}"),
        &format!("{url}/v3/me"),
    ])
}

/// Starts the server on `args`; the time from its start to the first 200
/// on `/v3/me` with `key`.
fn start_until_me(
    binary: &Path,
    args: &[String],
    key: &str,
    log: &Path,
) -> Result<(Running, Duration)> {
    let started = Instant::now();
    let (running, _) = start_with(binary, args, &[], log)?;
    for _ in 0..20_000 {
        if me_status(&running.url, key)? == "200" {
            return Ok((running, started.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    bail!("no 200 from /v3/me with a seeded key")
}

#[allow(clippy::too_many_arguments)]
fn measure(
    store: &'static str,
    keys: usize,
    spec: &str,
    server_args: &[String],
    bytes: impl Fn() -> Result<u64>,
    binary: &Path,
    seeder: &Path,
    dir: &Path,
) -> Result<Figures> {
    println!("\n{store}, {keys} keys (load average {})", load_average());
    let sample = dir.join(format!("{store}-{keys}-sample.txt"));
    let lines = seed(seeder, spec, keys, &sample)?;
    let (used, fresh) = split_sample(&sample, dir)?;
    let cold_script = dir.join("cold.lua");
    std::fs::write(&cold_script, COLD_LUA)?;
    let warm_script = dir.join("warm.lua");
    // The memory bench's script: the keys round-robin, each thread its share.
    std::fs::write(&warm_script, crate::bench_memory::USE_KEYS_LUA)?;
    let log = dir.join(format!("{store}-{keys}.log"));
    let (server, _) = start_until_me(binary, server_args, &fresh[0], &log)?;
    let rss_idle_kib = rss_kib(server.child.id()).unwrap_or(0);
    let me = format!("{}/v3/me", server.url);
    let used_arg = used.display().to_string();
    // Connections, the database pool and the code paths warmed with one key
    // outside the cold half, so that "cold" means a key's first use only.
    wrk_with(&me, Some(&fresh[2]), CONNECTIONS, "2s", None)?;
    let cold = wrk_with(
        &me,
        None,
        CONNECTIONS,
        COLD_DURATION,
        Some((&cold_script, &used_arg)),
    )?;
    let warm = wrk_with(
        &me,
        None,
        CONNECTIONS,
        WARM_DURATION,
        Some((&warm_script, &used_arg)),
    )?;
    let rss_warm_kib = rss_kib(server.child.id()).unwrap_or(0);
    drop(server);
    let (server, first_200) = start_until_me(binary, server_args, &fresh[1], &log)?;
    drop(server);
    Ok(Figures {
        store,
        keys,
        bytes: bytes()?,
        bulk_keys_per_second: value(&lines, "bulk_keys_per_second"),
        checked_keys_per_second: value(&lines, "checked_keys_per_second"),
        store_lookup_p50_us: value(&lines, "store_lookup_p50_us"),
        store_lookup_p99_us: value(&lines, "store_lookup_p99_us"),
        cold,
        warm,
        rss_idle_kib,
        rss_warm_kib,
        first_200,
        load: load_average(),
    })
}

/// The size of a PostgreSQL database, in bytes.
fn database_bytes(url: &str) -> Result<u64> {
    let psql = crate::postgres::server_bin_dir()?.join("psql");
    let output = std::process::Command::new(psql)
        .args([url, "-Atc", "SELECT pg_database_size(current_database())"])
        .output()
        .context("running psql")?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .context("reading the database size")
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn ratio(small: f64, full: f64) -> String {
    let ratio = if small > 0.0 { full / small } else { f64::NAN };
    let verdict = if ratio <= FLAT { "met" } else { "not met" };
    format!("{ratio:.2}x ({verdict}, goal <= {FLAT}x)")
}

/// Runs the bench: `args[0]`, when given, is the full size.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let full: usize = match args.first() {
        Some(keys) => keys.parse().context("the size is a number of keys")?,
        None => FULL,
    };
    let binary = crate::bench_server::prepare(root)?;
    let seeder = seeder(root)?;
    let dir = tempfile::Builder::new()
        .prefix("latchkey-bench-scale-")
        .tempdir()?;
    let postgres = crate::postgres::Postgres::start()?;
    let mut figures = Vec::new();
    for keys in [SMALL, full] {
        let path = dir.path().join(format!("scale-{keys}.redb"));
        let spec = format!("redb:{}", path.display());
        let server_args = vec!["--data".to_owned(), path.display().to_string()];
        let bytes = || Ok(std::fs::metadata(&path)?.len());
        figures.push(measure(
            "redb",
            keys,
            &spec,
            &server_args,
            bytes,
            &binary,
            &seeder,
            dir.path(),
        )?);
        std::fs::remove_file(&path)?;
    }
    for keys in [SMALL, full] {
        let url = postgres.create_database(&format!("scale_{keys}"))?;
        let spec = format!("postgres:{url}");
        let server_args = vec!["--database".to_owned(), url.clone()];
        let bytes = || database_bytes(&url);
        figures.push(measure(
            "PostgreSQL",
            keys,
            &spec,
            &server_args,
            bytes,
            &binary,
            &seeder,
            dir.path(),
        )?);
    }

    println!(
        "\nlatchkey scale benchmark (keys through the store; GET /v3/me with wrk, 2 threads, \
         {CONNECTIONS} connections, keys drawn at random from all)"
    );
    for f in &figures {
        println!(
            "  {} with {} keys (load average {}):",
            f.store, f.keys, f.load
        );
        println!("    size on disk           {:>9.1} MiB", mib(f.bytes));
        println!(
            "    creation               {:>9.0} keys/s in bulk (10k per transaction), {:.0} keys/s limit-checked (one per transaction)",
            f.bulk_keys_per_second, f.checked_keys_per_second
        );
        println!(
            "    store lookup by id     p50 {:.1} us  p99 {:.1} us",
            f.store_lookup_p50_us, f.store_lookup_p99_us
        );
        println!(
            "    /v3/me cold (1st use)  p50 {:.3} ms  p99 {:.3} ms{}",
            f.cold.p50_ms,
            f.cold.p99_ms,
            non_2xx(&f.cold)
        );
        println!(
            "    /v3/me warm            {:.0} rps  p50 {:.3} ms  p99 {:.3} ms{}",
            f.warm.rps,
            f.warm.p50_ms,
            f.warm.p99_ms,
            non_2xx(&f.warm)
        );
        println!(
            "    server RSS             {:.1} MiB idle, {:.1} MiB after the warm run",
            f.rss_idle_kib as f64 / 1024.0,
            f.rss_warm_kib as f64 / 1024.0
        );
        println!(
            "    restart to first 200   {:.0} ms (/v3/me with a key never used)",
            f.first_200.as_secs_f64() * 1000.0
        );
    }
    println!("  lookup from {SMALL} to {full} keys (p50, full / small):");
    for pair in figures.chunks(2) {
        let [small, large] = pair else { continue };
        println!(
            "    {:<10} store read {}   cold /v3/me {}   warm /v3/me {}",
            small.store,
            ratio(small.store_lookup_p50_us, large.store_lookup_p50_us),
            ratio(small.cold.p50_ms, large.cold.p50_ms),
            ratio(small.warm.p50_ms, large.warm.p50_ms),
        );
    }
    Ok(())
}

fn non_2xx(load: &Load) -> String {
    if load.non_2xx > 0 {
        format!("  ({} non-2xx)", load.non_2xx)
    } else {
        String::new()
    }
}
