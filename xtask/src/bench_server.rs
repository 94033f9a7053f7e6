//! `cargo xtask bench server`: the reference server measured from outside,
//! with `wrk` (closed loop) and `oha` (open loop, fixed rate), both installed
//! by `scripts/install-bench-tools.sh`, on loopback.
//!
//! It builds the release binary and the bare-axum floor
//! (`latchkey-bench-floor`: same runtime, same `axum::serve`, a constant 200
//! and nothing else), starts the server on a fresh data file and reports:
//! start to first 200, idle RSS, rps and p50/p99 of the floor, of `/health`
//! and of an authenticated `GET /v3/me` at 32 connections with an access key
//! and with a JWT of each of EdDSA and ES256 (keys registered on the fly,
//! one-hour tokens minted with the core's toolkit), the first-use cost of a
//! never-used key and of a never-used JWT key, p50/p90 of the first uses of
//! 20 new keys, RSS (and its peak) after 50 keys are created and used at
//! once, the same `/health` and `/v3/me` loads again with the
//! loader and the server on separate CPUs (their percentiles without the
//! scheduler's share), p50/p99/p99.9 of the floor, `/health` and `/v3/me` at
//! fixed rates below saturation (50 % and 80 % of `/health`'s wrk rps: the
//! latency of a request that does not queue behind 31 others), requests that
//! still succeed after a revoke under load,
//! and legitimate throughput while a flood of wrong secrets runs. Loops are
//! bounded; the server is stopped at the end. It ends with issue 17's table:
//! every row beside the floor where it has one, the goal, and whether this
//! run met it, with the load average before and after (the machine is
//! shared: rerun on a quiet one with `cargo xtask bench server`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cmd::cmd;
use crate::server_process::{Running, create_bench_tenant, curl, start, target_dir};

const CONNECTIONS: &str = "32";
const DURATION: &str = "10s";
/// The fixed rates of the open-loop runs, as fractions of `/health`'s wrk rps.
const OPEN_LOOP_LOADS: [f64; 2] = [0.5, 0.8];
const OPEN_LOOP_DURATION: &str = "8s";
/// oha, as `scripts/install-bench-tools.sh` installs it.
const OHA: &str = "bench-tools/bin/oha";
/// `POST /v3/introspect` of the token given as the script's argument.
const INTROSPECT_LUA: &str = r#"
init = function(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"token":"' .. args[1] .. '"}'
end
"#;
/// The floor binary, built beside the server by [`prepare`].
const FLOOR: &str = "latchkey-bench-floor";
/// New keys whose first use is timed.
const FIRST_USES: usize = 20;

/// One wrk run: requests per second and latency percentiles in ms.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Load {
    pub(crate) rps: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) non_2xx: u64,
}

pub(crate) fn json_field(body: &str, field: &str) -> Option<String> {
    let pattern = format!("\"{field}\":\"");
    let start = body.find(&pattern)? + pattern.len();
    Some(body[start..].split('"').next()?.to_owned())
}

fn parse_ms(text: &str) -> f64 {
    let text = text.trim();
    if let Some(us) = text.strip_suffix("us") {
        us.parse::<f64>().unwrap_or(0.0) / 1000.0
    } else if let Some(ms) = text.strip_suffix("ms") {
        ms.parse().unwrap_or(0.0)
    } else if let Some(s) = text.strip_suffix('s') {
        s.parse::<f64>().unwrap_or(0.0) * 1000.0
    } else {
        0.0
    }
}

fn wrk(url: &str, key: Option<&str>, connections: &str, duration: &str) -> Result<Load> {
    wrk_with(url, key, connections, duration, None)
}

/// A wrk run, with a Lua `script` and its arguments when given.
pub(crate) fn wrk_with(
    url: &str,
    key: Option<&str>,
    connections: &str,
    duration: &str,
    script: Option<(&Path, &str)>,
) -> Result<Load> {
    let mut command = Command::new("wrk");
    command.arg("-t2");
    run_wrk(command, url, key, connections, duration, script)
}

/// wrk with one thread on CPU 0, for a run where the server is pinned to the
/// other CPUs ([`pin`]): the loader and the server no longer take turns on
/// the same cores, so the percentiles are the server's, not the scheduler's.
fn wrk_on_cpu0(url: &str, key: Option<&str>) -> Result<Load> {
    let mut command = Command::new("taskset");
    command.args(["-c", "0", "wrk", "-t1"]);
    run_wrk(command, url, key, CONNECTIONS, DURATION, None)
}

/// Moves every thread of `pid` (and the threads they start later) to `cpus`
/// (taskset's list syntax, e.g. `1` or `0-1`).
fn pin(pid: u32, cpus: &str) -> Result<()> {
    let status = Command::new("taskset")
        .args(["-a", "-p", "-c", cpus, &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .context("running taskset")?;
    if !status.success() {
        bail!("taskset could not pin the server to CPUs {cpus}");
    }
    Ok(())
}

fn run_wrk(
    mut command: Command,
    url: &str,
    key: Option<&str>,
    connections: &str,
    duration: &str,
    script: Option<(&Path, &str)>,
) -> Result<Load> {
    command.args(["-c", connections, "-d", duration, "--latency"]);
    if let Some(key) = key {
        command.args(["-H", &format!("Authorization: Bearer {key}")]);
    }
    if let Some((script, _)) = script {
        command.arg("-s").arg(script);
    }
    command.arg(url);
    if let Some((_, argument)) = script {
        command.args(["--", argument]);
    }
    let output = command.output().context("running wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut load = Load::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rps] => load.rps = rps.parse().unwrap_or(0.0),
            ["50%", value] => load.p50_ms = parse_ms(value),
            ["99%", value] => load.p99_ms = parse_ms(value),
            ["Non-2xx", "or", "3xx", "responses:", n] => load.non_2xx = n.parse().unwrap_or(0),
            _ => {}
        }
    }
    Ok(load)
}

/// One fixed-rate oha run: the rate it achieved and its latency percentiles
/// in ms, each measured from the moment the request was due to be sent
/// (`--latency-correction`), so a request delayed behind another counts its
/// wait.
#[derive(Debug, Default, Clone, Copy)]
struct OpenLoop {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    non_2xx: u64,
}

impl std::fmt::Display for OpenLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>7.0} rps  p50 {:.3}  p99 {:.3}  p99.9 {:.3} ms",
            self.rps, self.p50_ms, self.p99_ms, self.p999_ms
        )?;
        if self.non_2xx > 0 {
            write!(f, "  ({} non-2xx)", self.non_2xx)?;
        }
        Ok(())
    }
}

/// `rate` requests per second for [`OPEN_LOOP_DURATION`] on
/// [`CONNECTIONS`] connections, with oha.
fn oha(root: &Path, url: &str, key: Option<&str>, rate: f64) -> Result<OpenLoop> {
    let mut command = Command::new(target_dir(root).join(OHA));
    command.args([
        "--no-tui",
        "--output-format",
        "json",
        "--latency-correction",
        "-c",
        CONNECTIONS,
        "-z",
        OPEN_LOOP_DURATION,
        "-q",
        &format!("{rate:.0}"),
    ]);
    if let Some(key) = key {
        command.args(["-H", &format!("Authorization: Bearer {key}")]);
    }
    let output = command.arg(url).output().context("running oha")?;
    if !output.status.success() {
        bail!("oha failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    parse_oha(&String::from_utf8_lossy(&output.stdout))
}

/// Reads oha's JSON report (its percentiles are in seconds).
fn parse_oha(json: &str) -> Result<OpenLoop> {
    let report: serde_json::Value = serde_json::from_str(json).context("reading oha's report")?;
    let seconds = |name: &str| -> Result<f64> {
        report["latencyPercentiles"][name]
            .as_f64()
            .with_context(|| format!("oha's report has no {name}"))
    };
    let codes = report["statusCodeDistribution"]
        .as_object()
        .context("oha's report has no status codes")?;
    let non_2xx = codes
        .iter()
        .filter(|(code, _)| !code.starts_with('2'))
        .map(|(_, n)| n.as_u64().unwrap_or(0))
        .sum();
    Ok(OpenLoop {
        rps: report["summary"]["requestsPerSec"]
            .as_f64()
            .context("oha's report has no requestsPerSec")?,
        p50_ms: seconds("p50")? * 1000.0,
        p99_ms: seconds("p99")? * 1000.0,
        p999_ms: seconds("p99.9")? * 1000.0,
        non_2xx,
    })
}

/// Starts the bare-axum floor on a free loopback port.
fn start_floor(binary: &Path) -> Result<Running> {
    let mut child = Command::new(binary)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the floor server")?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut url = String::new();
    for line in BufReader::new(stdout).lines() {
        if let Some(found) = line?.strip_prefix("latchkey listening on ") {
            url = found.trim().to_owned();
            break;
        }
    }
    let running = Running {
        child,
        url,
        admin_key: String::new(),
    };
    if running.url.is_empty() {
        bail!("the floor server did not say where it listens");
    }
    Ok(running)
}

/// The load averages (1, 5, 15 minutes) as `/proc/loadavg` says them: the
/// machine is shared, and every figure means something only beside them.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// The most the process has held (VmHWM).
pub(crate) fn peak_rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM:")
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The time of one `GET /v3/me` with `credential`, in ms (curl included).
fn time_me(url: &str, credential: &str) -> Result<f64> {
    let out = curl(&[
        "-o",
        "/dev/null",
        "-w",
        "%{time_total}",
        "-H",
        &format!("Authorization: Bearer {credential}"),
        &format!("{url}/v3/me"),
    ])?;
    Ok(out.trim().parse::<f64>().unwrap_or(0.0) * 1000.0)
}

/// Installs the load tools and builds the release server (and, in the same
/// build, the floor [`FLOOR`] beside it): the path of the server's binary.
/// Every server benchmark starts here.
pub(crate) fn prepare(root: &Path) -> Result<PathBuf> {
    cmd(root, "bash")
        .arg("scripts/install-bench-tools.sh")
        .run()?;
    cmd(root, "cargo")
        .args([
            "build",
            "--release",
            "--package",
            "latchkey-server",
            "--features",
            "bench-floor",
            "--bins",
        ])
        .run()?;
    Ok(target_dir(root).join("release/latchkey"))
}

/// Runs the server benchmark and prints its report.
pub fn run(root: &Path) -> Result<()> {
    let binary = prepare(root)?;
    let load_before = load_average();
    let dir = std::env::temp_dir().join(format!("latchkey-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let data = dir.join("latchkey.redb");
    let _ = std::fs::remove_file(&data);

    let (server, first_200) = start(&binary, &data)?;
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = rss_kib(server.child.id()).unwrap_or(0);
    let url = server.url.clone();
    let admin = server.admin_key.clone();
    let auth = format!("Authorization: Bearer {admin}");

    let floor_server = start_floor(&binary.with_file_name(FLOOR))?;
    let floor_url = format!("{}/health", floor_server.url);

    // One request first, so the load measures the verified-credential path.
    curl(&["-o", "/dev/null", "-H", &auth, &format!("{url}/v3/me")])?;
    let floor = wrk(&floor_url, None, CONNECTIONS, DURATION)?;
    let health = wrk(&format!("{url}/health"), None, CONNECTIONS, DURATION)?;
    let me = wrk(&format!("{url}/v3/me"), Some(&admin), CONNECTIONS, DURATION)?;
    // Introspection of a verified key: the same cache as `/v3/me`, twice
    // (the asker's own credential, then the token), plus a JSON body.
    let introspect_script = dir.join("introspect.lua");
    std::fs::write(&introspect_script, INTROSPECT_LUA)?;
    let introspect = wrk_with(
        &format!("{url}/v3/introspect"),
        Some(&admin),
        CONNECTIONS,
        DURATION,
        Some((&introspect_script, &admin)),
    )?;

    // Below saturation, at fixed rates: the floor, /health and /v3/me one
    // after the other at each rate.
    let mut open_loop = Vec::new();
    for fraction in OPEN_LOOP_LOADS {
        let rate = (health.rps * fraction).max(1.0);
        let floor = oha(root, &floor_url, None, rate)?;
        let health = oha(root, &format!("{url}/health"), None, rate)?;
        let me = oha(root, &format!("{url}/v3/me"), Some(&admin), rate)?;
        open_loop.push((fraction, rate, floor, health, me));
    }
    drop(floor_server);
    // The same two, with the loader on CPU 0 and the server on the rest.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pinned = if cpus >= 2 {
        let pid = server.child.id();
        pin(pid, &format!("1-{}", cpus - 1))?;
        let health = wrk_on_cpu0(&format!("{url}/health"), None)?;
        let me = wrk_on_cpu0(&format!("{url}/v3/me"), Some(&admin))?;
        pin(pid, &format!("0-{}", cpus - 1))?;
        Some((health, me))
    } else {
        None
    };

    // A fresh key: its first use costs one argon2id verification.
    let app = curl(&[
        "-X",
        "POST",
        "-H",
        &auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"name":"bench"}"#,
        &format!("{url}/v3/applications"),
    ])?;
    let app_id = json_field(&app, "id").context("creating the bench application")?;
    let create_key = |name: &str| -> Result<(String, String)> {
        let body = curl(&[
            "-X",
            "POST",
            "-H",
            &auth,
            "-H",
            "Content-Type: application/json",
            "-d",
            &format!(r#"{{"name":"{name}"}}"#),
            &format!("{url}/v3/applications/{app_id}/access-keys"),
        ])?;
        Ok((
            json_field(&body, "id").with_context(|| format!("creating a bench key: {body}"))?,
            json_field(&body, "key").context("creating a bench key")?,
        ))
    };
    // A JWT key of each algorithm on the bench application, and a
    // one-hour token each.
    let audience = curl(&[&format!("{url}/.well-known/latchkey")])?;
    let audience = json_field(&audience, "jwt_audience").context("reading jwt_audience")?;
    let jwt_load =
        |algorithm: latchkey_core::jwt::Algorithm, name: &str| -> Result<(Load, f64, f64)> {
            use latchkey_core::jwt::{self, SigningKey};
            let key = SigningKey::generate(algorithm)?;
            let pem = key.verifying_key().to_spki_pem().replace('\n', "\\n");
            let body = curl(&[
                "-X",
                "POST",
                "-H",
                &auth,
                "-H",
                "Content-Type: application/json",
                "-d",
                &format!(r#"{{"name":"{name}","public_key":"{pem}"}}"#),
                &format!("{url}/v3/applications/{app_id}/jwt-keys"),
            ])?;
            let kid = json_field(&body, "id").with_context(|| format!("registering: {body}"))?;
            let token =
                jwt::mint_access_token(&app_id, &kid, &audience, Duration::from_secs(3600), &key)?;
            let first = time_me(&url, &token)?;
            let second = time_me(&url, &token)?;
            let load = wrk(&format!("{url}/v3/me"), Some(&token), CONNECTIONS, DURATION)?;
            if load.non_2xx > 0 {
                bail!(
                    "the {name} JWT was refused under load ({} non-2xx)",
                    load.non_2xx
                );
            }
            Ok((load, first, second))
        };
    let (jwt_me, jwt_first_ms, jwt_second_ms) =
        jwt_load(latchkey_core::jwt::Algorithm::EdDSA, "bench-eddsa")?;
    let (es256_me, _, _) = jwt_load(latchkey_core::jwt::Algorithm::ES256, "bench-es256")?;

    // First uses of new keys (p50/p90 of FIRST_USES), and the memory after
    // 50 keys created and used at once, on a tenant with room for them.
    let (first_uses, fifty) = {
        let tenant_key = create_bench_tenant(&url, &admin, "bench-keys", 10, 1000)?;
        let tenant_auth = format!("Authorization: Bearer {tenant_key}");
        let app = curl(&[
            "-X",
            "POST",
            "-H",
            &tenant_auth,
            "-H",
            "Content-Type: application/json",
            "-d",
            r#"{"name":"first-uses"}"#,
            &format!("{url}/v3/applications"),
        ])?;
        let app = json_field(&app, "id").with_context(|| format!("no application: {app}"))?;
        let new_key = |name: String| -> Result<String> {
            let body = curl(&[
                "-X",
                "POST",
                "-H",
                &tenant_auth,
                "-H",
                "Content-Type: application/json",
                "-d",
                &format!(r#"{{"name":"{name}"}}"#),
                &format!("{url}/v3/applications/{app}/access-keys"),
            ])?;
            json_field(&body, "key").with_context(|| format!("creating a key: {body}"))
        };
        let mut first_uses = Vec::new();
        for n in 0..FIRST_USES {
            let key = new_key(format!("first-{n}"))?;
            first_uses.push(time_me(&url, &key)?);
        }
        first_uses.sort_by(f64::total_cmp);
        let keys: Vec<String> = (0..50)
            .map(|n| new_key(format!("fifty-{n}")))
            .collect::<Result<_>>()?;
        let statuses: Vec<String> = std::thread::scope(|scope| {
            let uses: Vec<_> = keys
                .iter()
                .map(|key| {
                    let url = &url;
                    scope.spawn(move || {
                        curl(&[
                            "-o",
                            "/dev/null",
                            "-w",
                            "%{http_code}",
                            "-H",
                            &format!("Authorization: Bearer {key}"),
                            &format!("{url}/v3/me"),
                        ])
                        .unwrap_or_default()
                    })
                })
                .collect();
            uses.into_iter()
                .map(|used| used.join().unwrap_or_default())
                .collect()
        });
        if let Some(refused) = statuses.iter().find(|code| *code != "200") {
            bail!("a key used at once with 49 others answered {refused}");
        }
        let pid = server.child.id();
        let fifty = (rss_kib(pid).unwrap_or(0), peak_rss_kib(pid).unwrap_or(0));
        (first_uses, fifty)
    };

    let (fresh_id, fresh) = create_key("fresh")?;
    let time = |key: &str| time_me(&url, key);
    let first_use_ms = time(&fresh)?;
    let second_use_ms = time(&fresh)?;

    // Revoke under load: wrk hammers the key; the revoke's answer is followed
    // by probes that must all be refused.
    let load = {
        let url = format!("{url}/v3/me");
        let key = fresh.clone();
        std::thread::spawn(move || wrk(&url, Some(&key), CONNECTIONS, "4s"))
    };
    std::thread::sleep(Duration::from_secs(2));
    let revoke = curl(&[
        "-X",
        "PUT",
        "-H",
        &auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"status":"revoked"}"#,
        "-w",
        "%{http_code}",
        &format!("{url}/v3/applications/{app_id}/access-keys/{fresh_id}"),
    ])?;
    if !revoke.ends_with("200") {
        bail!("revoking failed: {revoke}");
    }
    let mut after_revoke_ok = 0;
    for _ in 0..200 {
        let code = curl(&[
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            &format!("Authorization: Bearer {fresh}"),
            &format!("{url}/v3/me"),
        ])?;
        if code == "200" {
            after_revoke_ok += 1;
        }
    }
    let _ = load.join();

    // A flood of wrong secrets beside legitimate traffic.
    let (_, legit) = create_key("legit")?;
    time(&legit)?;
    let baseline = wrk(&format!("{url}/v3/me"), Some(&legit), "16", "5s")?;
    // The legit key's id with another secret and a valid checksum: the
    // guess that gets furthest (past the offline check, to the secret).
    let wrong = latchkey_core::access_key::generate(&legit[3..25])?
        .key()
        .to_owned();
    let flood = {
        let url = format!("{url}/v3/me");
        std::thread::spawn(move || wrk(&url, Some(&wrong), "16", "5s"))
    };
    let under_flood = wrk(&format!("{url}/v3/me"), Some(&legit), "16", "5s")?;
    let flood = flood
        .join()
        .map_err(|_| anyhow::anyhow!("flood thread"))??;

    drop(server);
    let _ = std::fs::remove_dir_all(&dir);

    let load_after = load_average();
    println!(
        "\nlatchkey server benchmark (wrk, loopback, {CONNECTIONS} connections, {DURATION}; \
         load average {load_before} before, {load_after} after)"
    );
    println!(
        "  start to first 200       {:>9.1} ms",
        first_200.as_secs_f64() * 1000.0
    );
    println!(
        "  idle RSS                 {:>9.1} MiB",
        idle_rss as f64 / 1024.0
    );
    println!(
        "  floor (bare axum)        {:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms",
        floor.rps, floor.p50_ms, floor.p99_ms
    );
    println!(
        "  GET /health              {:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms  ({:.2}x floor)",
        health.rps,
        health.p50_ms,
        health.p99_ms,
        health.rps / floor.rps.max(1.0)
    );
    println!(
        "  GET /v3/me (access key)  {:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms  ({:.2}x /health)",
        me.rps,
        me.p50_ms,
        me.p99_ms,
        me.rps / health.rps.max(1.0)
    );
    println!(
        "  POST /v3/introspect      {:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms  ({:.2}x /v3/me, {} non-2xx)",
        introspect.rps,
        introspect.p50_ms,
        introspect.p99_ms,
        introspect.rps / me.rps.max(1.0),
        introspect.non_2xx
    );
    if let Some((health, me)) = &pinned {
        println!("  loader (wrk -t1) on CPU 0, server on the other CPUs:");
        println!(
            "    GET /health            {:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms",
            health.rps, health.p50_ms, health.p99_ms
        );
        println!(
            "    GET /v3/me (access key){:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms  ({:.2}x /health)",
            me.rps,
            me.p50_ms,
            me.p99_ms,
            me.rps / health.rps.max(1.0)
        );
    }
    println!(
        "  open loop (oha -q, latency corrected, {CONNECTIONS} connections, {OPEN_LOOP_DURATION}):"
    );
    for (fraction, rate, floor, health, me) in &open_loop {
        println!(
            "    at {:.0} % of /health ({rate:.0} rps):",
            fraction * 100.0
        );
        println!("      floor                {floor}");
        println!("      GET /health          {health}");
        println!("      GET /v3/me           {me}");
    }
    println!(
        "  GET /v3/me (JWT, EdDSA)  {:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms  ({:.2}x access key)",
        jwt_me.rps,
        jwt_me.p50_ms,
        jwt_me.p99_ms,
        jwt_me.rps / me.rps.max(1.0)
    );
    println!(
        "  GET /v3/me (JWT, ES256)  {:>9.0} rps  p50 {:.3} ms  p99 {:.3} ms  ({:.2}x access key)",
        es256_me.rps,
        es256_me.p50_ms,
        es256_me.p99_ms,
        es256_me.rps / me.rps.max(1.0)
    );
    println!(
        "  first use of a new key   {:>9.1} ms  (second use {:.1} ms, curl included)",
        first_use_ms, second_use_ms
    );
    println!(
        "  first use of a JWT key   {:>9.1} ms  (second use {:.1} ms, curl included)",
        jwt_first_ms, jwt_second_ms
    );
    println!(
        "  after revoke (200 probes) {:>8} succeeded",
        after_revoke_ok
    );
    println!(
        "  legit /v3/me, 16 conns   {:>9.0} rps alone, {:.0} rps under a flood of {:.0} wrong-secret rps ({:.0}% kept; flood non-2xx {})",
        baseline.rps,
        under_flood.rps,
        flood.rps,
        100.0 * under_flood.rps / baseline.rps.max(1.0),
        flood.non_2xx
    );

    // Issue 17's table: each row beside the floor where it has one, the
    // goal, and whether this run met it.
    let percentile = |sorted: &[f64], p: f64| -> f64 {
        let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[at]
    };
    let (first_p50, first_p90) = (percentile(&first_uses, 0.5), percentile(&first_uses, 0.9));
    let met = |ok: bool| if ok { "yes" } else { "NO" };
    let health_ratio = health.rps / floor.rps.max(1.0);
    let me_ratio = me.rps / health.rps.max(1.0);
    let eddsa_ratio = jwt_me.rps / health.rps.max(1.0);
    let es256_ratio = es256_me.rps / health.rps.max(1.0);
    let p99_ratio = me.p99_ms / floor.p99_ms.max(0.001);
    let rows = [
        (
            "GET /v3/me, access key vs /health (rps)".to_owned(),
            format!("{:.0} rps", floor.rps),
            format!("{me_ratio:.2}x ({:.0} rps)", me.rps),
            ">= 0.9x",
            me_ratio >= 0.9,
        ),
        (
            "GET /v3/me, EdDSA JWT vs /health".to_owned(),
            String::new(),
            format!("{eddsa_ratio:.2}x ({:.0} rps)", jwt_me.rps),
            ">= 0.85x",
            eddsa_ratio >= 0.85,
        ),
        (
            "GET /v3/me, ES256 JWT vs /health".to_owned(),
            String::new(),
            format!("{es256_ratio:.2}x ({:.0} rps)", es256_me.rps),
            ">= 0.85x",
            es256_ratio >= 0.85,
        ),
        (
            format!("first use of a new key, p50 / p90 (n={FIRST_USES}, curl)"),
            String::new(),
            format!("{first_p50:.2} / {first_p90:.2} ms"),
            "<= 1 / 2 ms",
            first_p50 <= 1.0 && first_p90 <= 2.0,
        ),
        (
            "RSS after 50 keys created and used at once".to_owned(),
            String::new(),
            format!(
                "{:.1} MiB (peak {:.1})",
                fifty.0 as f64 / 1024.0,
                fifty.1 as f64 / 1024.0
            ),
            "<= 100 MiB peak",
            fifty.1 <= 100 * 1024,
        ),
        (
            "GET /health vs bare axum (rps)".to_owned(),
            format!("{:.0} rps", floor.rps),
            format!("{health_ratio:.2}x ({:.0} rps)", health.rps),
            ">= 0.85x",
            health_ratio >= 0.85,
        ),
        (
            "GET /v3/me p99 vs the floor's p99".to_owned(),
            format!("{:.2} ms", floor.p99_ms),
            format!("{:.2} ms ({p99_ratio:.2}x)", me.p99_ms),
            "<= 1.15x",
            p99_ratio <= 1.15,
        ),
    ];
    println!("\n  issue 17 (one run; load average {load_before} before, {load_after} after):");
    println!(
        "  {:<52} {:>14}  {:>24}  {:>16}  met",
        "measure", "floor", "latchkey", "goal"
    );
    for (measure, floor, now, goal, ok) in rows {
        println!(
            "  {measure:<52} {floor:>14}  {now:>24}  {goal:>16}  {}",
            met(ok)
        );
    }
    Ok(())
}
