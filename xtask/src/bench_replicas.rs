//! `cargo xtask bench replicas`: the release server on redb next to the same
//! server on PostgreSQL with one and with two replicas (a throwaway cluster
//! started here, as `cargo xtask test` does), under `wrk` on loopback.
//!
//! For each setup it reports rps and p50/p99 of an authenticated
//! `GET /v3/me` (a warm access key: on PostgreSQL each cached answer waits
//! for one sync on the replica's listening connection, the price of never
//! serving a credential another replica changed) and of access-key creation
//! (a serializable transaction, plus one argon2id hash of the new secret),
//! at 32 and 4 connections in all.
//! With two replicas the connections are split between them and the rps
//! summed; the p99 shown is the larger of the two. Every process shares the
//! machine's cores: compare the setups of one run, not runs of two machines.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::bench_server::{Load, json_field, wrk_with};
use crate::server_process::{Running, create_bench_tenant, curl, start_on};

const CONNECTIONS: usize = 32;
const DURATION: &str = "10s";
/// Key creation runs argon2id once per request (about 20 ms of CPU): more
/// connections than cores only queue, past wrk's 2 s timeout.
const CREATE_CONNECTIONS: usize = 4;

/// Creates access keys with names unique per process and thread.
const CREATE_KEYS_LUA: &str = r#"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  prefix = args[1] or "bench"
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"name":"' .. prefix .. '-' .. tid .. '-' .. counter .. '"}')
end
"#;

/// One setup's figures.
struct Figures {
    setup: &'static str,
    me: Load,
    create: Load,
}

/// Runs the benchmark and prints its report.
pub fn run(root: &Path) -> Result<()> {
    let binary = crate::bench_server::prepare(root)?;
    let dir = tempfile::Builder::new()
        .prefix("latchkey-bench-replicas-")
        .tempdir()?;
    let script = dir.path().join("create_keys.lua");
    std::fs::write(&script, CREATE_KEYS_LUA)?;
    let postgres = crate::postgres::Postgres::start()?;

    let mut figures = Vec::new();
    {
        let data = dir.path().join("latchkey.redb");
        let store = vec!["--data".to_owned(), data.display().to_string()];
        let (server, _) = start_on(&binary, &store, &dir.path().join("redb.log"))?;
        figures.push(measure("redb, 1 server", &[&server], &script)?);
    }
    {
        let url = postgres.create_database("bench_one")?;
        let store = vec!["--database".to_owned(), url];
        let (server, _) = start_on(&binary, &store, &dir.path().join("pg1.log"))?;
        figures.push(measure("PostgreSQL, 1 replica", &[&server], &script)?);
    }
    {
        let url = postgres.create_database("bench_two")?;
        let store = vec!["--database".to_owned(), url];
        let (first, _) = start_on(&binary, &store, &dir.path().join("pg2a.log"))?;
        let (second, _) = start_on(&binary, &store, &dir.path().join("pg2b.log"))?;
        figures.push(measure(
            "PostgreSQL, 2 replicas",
            &[&first, &second],
            &script,
        )?);
    }

    println!(
        "\nlatchkey replicas benchmark (wrk, loopback, {DURATION}; connections in all: \
         {CONNECTIONS} for /v3/me, {CREATE_CONNECTIONS} for key creation)"
    );
    println!(
        "  {:<24} {:>28}   {:>28}",
        "setup", "GET /v3/me (access key)", "POST access-keys"
    );
    for Figures { setup, me, create } in &figures {
        println!(
            "  {setup:<24} {:>7.0} rps p50 {:>6.3} p99 {:>6.3} ms   {:>7.0} rps p50 {:>6.1} p99 {:>6.1} ms{}",
            me.rps,
            me.p50_ms,
            me.p99_ms,
            create.rps,
            create.p50_ms,
            create.p99_ms,
            if me.non_2xx + create.non_2xx > 0 {
                format!("  (non-2xx: {} me, {} create)", me.non_2xx, create.non_2xx)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// Sets up a tenant account with room for many keys through the first
/// server, then loads every server at once: `GET /v3/me`, then key creation.
fn measure(setup: &'static str, servers: &[&Running], script: &Path) -> Result<Figures> {
    let first = servers[0];
    let key = create_bench_tenant(&first.url, &first.admin_key, "bench", 10, 1_000_000)?;
    let auth = format!("Authorization: Bearer {key}");
    let app = curl(&[
        "-X",
        "POST",
        "-H",
        &auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"name":"bench-app"}"#,
        &format!("{}/v3/applications", first.url),
    ])?;
    let app_id = json_field(&app, "id").with_context(|| format!("no application: {app}"))?;
    // One use per server first, so the load measures the cached path.
    for server in servers {
        let code = curl(&[
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            &auth,
            &format!("{}/v3/me", server.url),
        ])?;
        if code != "200" {
            bail!("{setup}: GET /v3/me answered {code}");
        }
    }
    let me = load_all(servers, CONNECTIONS, |server, connections, _| {
        wrk_with(
            &format!("{}/v3/me", server.url),
            Some(&key),
            connections,
            DURATION,
            None,
        )
    })?;
    let create = load_all(servers, CREATE_CONNECTIONS, |server, connections, index| {
        wrk_with(
            &format!("{}/v3/applications/{app_id}/access-keys", server.url),
            Some(&key),
            connections,
            DURATION,
            Some((script, &format!("replica{index}"))),
        )
    })?;
    Ok(Figures { setup, me, create })
}

/// Runs `load` against every server at once, splitting `connections`
/// between them; sums the rps and keeps the worst percentiles.
fn load_all(
    servers: &[&Running],
    connections: usize,
    load: impl Fn(&Running, &str, usize) -> Result<Load> + Sync,
) -> Result<Load> {
    let connections = (connections / servers.len()).to_string();
    let loads: Vec<Result<Load>> = std::thread::scope(|scope| {
        let runs: Vec<_> = servers
            .iter()
            .enumerate()
            .map(|(index, server)| {
                let connections = &connections;
                let load = &load;
                scope.spawn(move || load(server, connections, index))
            })
            .collect();
        runs.into_iter()
            .map(|run| {
                run.join()
                    .unwrap_or_else(|_| bail!("a wrk thread panicked"))
            })
            .collect()
    });
    let mut total = Load::default();
    for one in loads {
        let one = one?;
        total.rps += one.rps;
        total.p50_ms = total.p50_ms.max(one.p50_ms);
        total.p99_ms = total.p99_ms.max(one.p99_ms);
        total.non_2xx += one.non_2xx;
    }
    Ok(total)
}
