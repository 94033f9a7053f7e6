//! `cargo xtask bench memory`: what the release server holds in memory, from
//! outside (`/proc/<pid>/status`: VmRSS now, VmHWM the peak), at idle, after
//! many distinct keys were created and each used, and under floods of
//! distinct forged keys that no cache or limiter may grow with:
//!
//! - keys: a tenant account with room for them creates access keys through
//!   `POST /v3/applications/{id}/access-keys` (wrk, each key written to a
//!   file by the script), over [`APPLICATIONS`] applications, until [`KEYS`]
//!   exist; then wrk presents each of them
//!   once (a round-robin over the file), so the verified-credential cache
//!   holds them all (its bound is above [`KEYS`]);
//! - forged, well-formed: random key ids and secrets with a valid checksum
//!   (made in the wrk script: CRC-32 and base62), so each passes the offline
//!   check and costs a store read; every request comes from another client
//!   address (`X-Forwarded-For`, the loopback a trusted proxy), so the
//!   failure limiter meets a new client each time;
//! - forged, bad checksum: refused offline before any lookup.
//!
//! Each flood runs until [`FLOOD`] requests were sent (wrk runs for a time:
//! the count is reported). The server runs with a failure budget large
//! enough that the floods reach the store (a budget of 20 per client would
//! turn most of them into cheap 429s, which measure nothing) and earned back
//! too slowly for a bucket to be forgotten as full (so the limiter holds its
//! bound of clients), and with the cache bounds of the environment
//! (`LATCHKEY_CACHE_*`, `LATCHKEY_LIMITER_CLIENTS`; defaults when unset):
//! `LATCHKEY_CACHE_ACCESS_KEYS=1000 cargo xtask bench memory` shows what
//! the cached identities cost by difference.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench_server::{json_field, load_average, rss_kib};
use crate::server_process::{create_bench_tenant, curl, start_with};

/// Distinct access keys created and used.
const KEYS: usize = 10_000;
/// The applications they are spread over.
const APPLICATIONS: usize = 10;
/// Distinct forged keys per flood.
const FLOOD: u64 = 1_000_000;
const CONNECTIONS: &str = "32";

/// Creates access keys (names unique per thread) and appends each key the
/// server answers with to `<dir>/keys-<thread>.txt`.
const CREATE_KEYS_LUA: &str = r#"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  counter = 0
  -- Names unique across runs too (a name taken is a 409).
  math.randomseed(os.time() * 1000 + tid)
  run = os.time() .. "-" .. math.random(1, 1000000000)
  out = io.open(args[1] .. "/keys-" .. tid .. ".txt", "a")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"name":"k-' .. run .. '-' .. tid .. '-' .. counter .. '"}')
end
function response(status, headers, body)
  local key = string.match(body, '"key":"(ak_[0-9A-Za-z]+)"')
  if key then
    out:write(key, "\n")
    out:flush()
  end
end
"#;

/// Presents the keys of `args[1]`, one per request, each thread its share.
pub const USE_KEYS_LUA: &str = r#"
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
  at = at % #keys + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. keys[at] })
end
"#;

/// Sends forged access keys, each new: `args[1]` is `good` (a valid
/// checksum) or `bad` (a wrong one); each request from another client
/// address. Counts what it sent (reported by `done`).
const FORGED_LUA: &str = r#"
local bit = require("bit")
local alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
local crc_table = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do
    if bit.band(c, 1) == 1 then
      c = bit.bxor(bit.rshift(c, 1), 0xEDB88320)
    else
      c = bit.rshift(c, 1)
    end
  end
  crc_table[i] = c
end
local function crc32(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do
    c = bit.bxor(crc_table[bit.band(bit.bxor(c, s:byte(i)), 0xFF)], bit.rshift(c, 8))
  end
  c = bit.bxor(c, 0xFFFFFFFF)
  if c < 0 then c = c + 4294967296 end
  return c
end
local function base62(n, width)
  local digits = {}
  for i = width, 1, -1 do
    local d = n % 62
    digits[i] = alphabet:sub(d + 1, d + 1)
    n = math.floor(n / 62)
  end
  return table.concat(digits)
end
local function random_base62(length)
  local chars = {}
  for i = 1, length do
    local d = math.random(0, 61)
    chars[i] = alphabet:sub(d + 1, d + 1)
  end
  return table.concat(chars)
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  good = args[1] == "good"
  math.randomseed(os.time() * 1000 + tid)
  sent = 0
end
function request()
  sent = sent + 1
  local body = "ak_" .. random_base62(22) .. random_base62(43)
  local checksum = crc32(body)
  if not good then checksum = (checksum + 1) % 4294967296 end
  local n = sent * 8 + tid
  local client = "10." .. (math.floor(n / 65536) % 256) .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)
  return wrk.format("GET", nil, {
    ["Authorization"] = "Bearer " .. body .. base62(checksum, 6),
    ["X-Forwarded-For"] = client,
  })
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write("forged keys sent: " .. total .. "\n")
end
"#;

/// One reading of the server's memory.
struct Memory {
    rss_kib: u64,
    peak_kib: u64,
}

fn memory(pid: u32) -> Memory {
    let field = |name: &str| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|l| l.starts_with(name))?.to_owned();
                line.split_whitespace().nth(1)?.parse().ok()
            })
            .unwrap_or(0)
    };
    Memory {
        rss_kib: rss_kib(pid).unwrap_or(0),
        peak_kib: field("VmHWM:"),
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// wrk with a script and its argument for `duration`; its stdout.
fn wrk_script(
    url: &str,
    script: &Path,
    argument: &str,
    duration: &str,
    key: Option<&str>,
) -> Result<String> {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c", CONNECTIONS, "-d", duration]);
    if let Some(key) = key {
        command.args(["-H", &format!("Authorization: Bearer {key}")]);
    }
    let output = command
        .arg("-s")
        .arg(script)
        .arg(url)
        .args(["--", argument])
        .output()
        .context("running wrk")?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn requests_of(wrk_output: &str) -> u64 {
    wrk_output
        .lines()
        .find_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [n, "requests", "in", ..] => n.parse().ok(),
                _ => None,
            }
        })
        .unwrap_or(0)
}

fn forged_of(wrk_output: &str) -> u64 {
    wrk_output
        .lines()
        .find_map(|line| line.strip_prefix("forged keys sent: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Floods with forged keys (`good` or `bad` checksums) until [`FLOOD`] were
/// sent; the count sent and the peak memory seen meanwhile.
fn flood(url: &str, script: &Path, kind: &str, pid: u32) -> Result<(u64, Duration, Memory)> {
    let started = Instant::now();
    let mut sent = 0;
    let mut peak = Memory {
        rss_kib: 0,
        peak_kib: 0,
    };
    while sent < FLOOD {
        let out = wrk_script(&format!("{url}/v3/me"), script, kind, "10s", None)?;
        let this = forged_of(&out).max(requests_of(&out));
        if this == 0 {
            bail!("the {kind} flood sent nothing: {out}");
        }
        sent += this;
        let now = memory(pid);
        peak.rss_kib = peak.rss_kib.max(now.rss_kib);
        peak.peak_kib = now.peak_kib;
    }
    Ok((sent, started.elapsed(), peak))
}

/// Runs the memory benchmark and prints its report.
pub fn run(root: &Path) -> Result<()> {
    let binary = crate::bench_server::prepare(root)?;
    let dir = tempfile::Builder::new()
        .prefix("latchkey-bench-memory-")
        .tempdir()?;
    let scripts = dir.path();
    let create = scripts.join("create_keys.lua");
    let use_keys = scripts.join("use_keys.lua");
    let forged = scripts.join("forged.lua");
    std::fs::write(&create, CREATE_KEYS_LUA)?;
    std::fs::write(&use_keys, USE_KEYS_LUA)?;
    std::fs::write(&forged, FORGED_LUA)?;
    let load_before = load_average();
    let bounds = [
        "LATCHKEY_CACHE_ACCESS_KEYS",
        "LATCHKEY_CACHE_JWT_KEYS",
        "LATCHKEY_CACHE_TOKENS",
        "LATCHKEY_CACHE_REFUSED_TOKENS",
        "LATCHKEY_LIMITER_CLIENTS",
    ]
    .iter()
    .filter_map(|name| Some(format!("{name}={}", std::env::var(name).ok()?)))
    .collect::<Vec<_>>();
    let bounds = if bounds.is_empty() {
        "defaults".to_owned()
    } else {
        bounds.join(" ")
    };

    let data = dir.path().join("latchkey.redb");
    let (server, _) = start_with(
        &binary,
        &[
            "--data".into(),
            data.display().to_string(),
            "--trusted-proxy".into(),
            "127.0.0.1".into(),
        ],
        &[
            // A budget no flood spends, earned back so slowly that no
            // client's bucket is ever full again: the limiter must keep
            // every client it sees, up to its bound.
            ("LATCHKEY_AUTH_FAILURE_BURST", "1000000000"),
            ("LATCHKEY_AUTH_FAILURES_PER_SECOND", "0.001"),
        ],
        &dir.path().join("server.log"),
    )?;
    let pid = server.child.id();
    std::thread::sleep(Duration::from_millis(500));
    let idle = memory(pid);

    // A tenant with room for the keys, and its application.
    let tenant_key = create_bench_tenant(&server.url, &server.admin_key, "memory", 20, 1_000_000)?;
    let auth = format!("Authorization: Bearer {tenant_key}");
    // The keys are spread over applications: creating a key counts its
    // application's keys (the plan's limit), so one application of 10k
    // keys would make creation quadratic.
    let keys_dir = dir.path().join("keys");
    let created_started = Instant::now();
    let mut keys: Vec<String> = Vec::new();
    for app_index in 0..APPLICATIONS {
        let app = curl(&[
            "-X",
            "POST",
            "-H",
            &auth,
            "-H",
            "Content-Type: application/json",
            "-d",
            &format!(r#"{{"name":"keys-{app_index}"}}"#),
            &format!("{}/v3/applications", server.url),
        ])?;
        let app_id = json_field(&app, "id").with_context(|| format!("no application: {app}"))?;
        let app_dir = keys_dir.join(&app_id);
        std::fs::create_dir_all(&app_dir)?;
        let wanted = KEYS * (app_index + 1) / APPLICATIONS;
        while keys.len() < wanted {
            wrk_script(
                &format!("{}/v3/applications/{app_id}/access-keys", server.url),
                &create,
                &app_dir.display().to_string(),
                "2s",
                Some(&tenant_key),
            )?;
            keys.clear();
            for app_dir in std::fs::read_dir(&keys_dir)? {
                for file in std::fs::read_dir(app_dir?.path())? {
                    keys.extend(
                        std::fs::read_to_string(file?.path())?
                            .lines()
                            .map(str::to_owned),
                    );
                }
            }
            if keys.is_empty() {
                bail!("no key was created");
            }
        }
    }
    let created_in = created_started.elapsed();
    let created = keys.len();
    let all_keys = dir.path().join("all-keys.txt");
    std::fs::write(&all_keys, keys.join("\n") + "\n")?;
    let after_creating = memory(pid);
    // Each key presented at least once: more requests than keys.
    let mut presented = 0;
    while presented < 2 * created as u64 {
        let out = wrk_script(
            &format!("{}/v3/me", server.url),
            &use_keys,
            &all_keys.display().to_string(),
            "3s",
            None,
        )?;
        presented += requests_of(&out);
    }
    let after_using = memory(pid);

    let (good_sent, good_time, good) = flood(&server.url, &forged, "good", pid)?;
    let after_good = memory(pid);
    let (bad_sent, bad_time, bad) = flood(&server.url, &forged, "bad", pid)?;
    let after_bad = memory(pid);
    // The keys still work after the floods.
    let code = curl(&[
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-H",
        &format!("Authorization: Bearer {}", keys[0]),
        &format!("{}/v3/me", server.url),
    ])?;
    drop(server);
    let load_after = load_average();

    println!(
        "\nlatchkey memory benchmark (release server on redb; cache bounds: {bounds}; load average {load_before} before, {load_after} after)"
    );
    println!(
        "  idle                                   RSS {:>7.1} MiB  (peak {:.1})",
        mib(idle.rss_kib),
        mib(idle.peak_kib)
    );
    println!(
        "  after creating {created} keys ({:.0}/s)    RSS {:>7.1} MiB  (peak {:.1})",
        created as f64 / created_in.as_secs_f64(),
        mib(after_creating.rss_kib),
        mib(after_creating.peak_kib)
    );
    println!(
        "  after using each once ({presented} requests) RSS {:>7.1} MiB  (peak {:.1})",
        mib(after_using.rss_kib),
        mib(after_using.peak_kib)
    );
    println!(
        "  {good_sent} forged well-formed keys, each from a new client, in {:.0} s: RSS at most {:.1} MiB during, {:.1} MiB after (peak {:.1})",
        good_time.as_secs_f64(),
        mib(good.rss_kib),
        mib(after_good.rss_kib),
        mib(after_good.peak_kib)
    );
    println!(
        "  {bad_sent} forged keys with a bad checksum, in {:.0} s: RSS at most {:.1} MiB during, {:.1} MiB after (peak {:.1})",
        bad_time.as_secs_f64(),
        mib(bad.rss_kib),
        mib(after_bad.rss_kib),
        mib(after_bad.peak_kib)
    );
    println!("  a created key after the floods: {code}");
    Ok(())
}
