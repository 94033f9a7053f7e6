//! PostgreSQL stopped under traffic: every request that needs the store is
//! a `503 service_unavailable` with `Retry-After` (never a 500, never a
//! cached answer), `/ready` is 503 while `/health` stays 200, and once the
//! database is back requests succeed again within moments and no
//! acknowledged write is lost.
//!
//! The test stops and restarts a PostgreSQL of its own (a throwaway cluster
//! in a temp dir, as `cargo xtask test` makes one), never the shared one.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Resp, Server, TestDatabase};
use serde_json::json;

/// The unprivileged account PostgreSQL runs as when the tests run as root.
const SYSTEM_USER: &str = "postgres";

/// A PostgreSQL cluster of this test's own, removed when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_root: bool,
    port: u16,
}

impl Cluster {
    fn start() -> Cluster {
        let bin = server_bin_dir();
        let as_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
        let dir = tempfile::Builder::new()
            .prefix("latchkey-outage-")
            .tempdir()
            .unwrap();
        if as_root {
            let chown = Command::new("chown")
                .arg(format!("{SYSTEM_USER}:"))
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(chown.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster {
            dir,
            bin,
            as_root,
            port,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "--pgdata",
                data.to_str().unwrap(),
                "--username",
                "latchkey",
                "--auth",
                "trust",
                "--no-sync",
            ],
        );
        cluster.pg_ctl_start();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn url(&self) -> String {
        format!("postgres://latchkey@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let data = self.data();
        let log = self.dir.path().join("server.log");
        self.run(
            "pg_ctl",
            &[
                "start",
                "--wait",
                "--pgdata",
                data.to_str().unwrap(),
                "--log",
                log.to_str().unwrap(),
                "--options",
                &options,
            ],
        );
    }

    /// A fast shutdown: sessions are ended, committed work stays.
    fn pg_ctl_stop(&self) {
        let data = self.data();
        self.run(
            "pg_ctl",
            &[
                "stop",
                "--wait",
                "--mode",
                "fast",
                "--pgdata",
                data.to_str().unwrap(),
            ],
        );
    }

    /// One of PostgreSQL's programs, as the system user when root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = if self.as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", SYSTEM_USER, "--"]).arg(&path);
            command
        } else {
            Command::new(&path)
        };
        command.current_dir(self.dir.path()).stdin(Stdio::null());
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["stop", "--wait", "--mode", "immediate", "--pgdata"])
            .arg(self.data())
            .output();
    }
}

/// Debian's newest `/usr/lib/postgresql/<version>/bin`, else `PATH`'s.
fn server_bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| Path::new(dir).join("initdb").is_file())
        .expect("PostgreSQL's server programs (initdb, pg_ctl) are installed")
}

/// One request of the load: when it was sent, what, and the answer.
#[derive(Debug, Clone)]
struct Sample {
    sent: Instant,
    what: &'static str,
    status: u16,
    retry_after: Option<String>,
    kind: Option<String>,
}

async fn sample(what: &'static str, request: impl std::future::Future<Output = Resp>) -> Sample {
    let sent = Instant::now();
    let response = request.await;
    Sample {
        sent,
        what,
        status: response.status,
        retry_after: response.header("retry-after"),
        kind: response.body["type"].as_str().map(str::to_owned),
    }
}

#[tokio::test]
async fn a_stopped_database_answers_503_with_retry_after_and_recovers() {
    // Declared first, dropped last: the database is dropped on it.
    let cluster = Cluster::start();
    let database = Arc::new(TestDatabase::create_on(cluster.url()));
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let server = Server::spawn(dir, Some(database.clone()), Vec::new());
    let admin = server.admin();
    let anonymous = server.anonymous();
    assert_eq!(admin.me_status().await, 200);
    assert_eq!(anonymous.get("/ready").await.expect(200)["status"], "ready");

    // Readers of a cached credential, a writer, and the probes.
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (api, stop) = (admin.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                samples.push(sample("me", api.get("/v3/me")).await);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (samples, Vec::new())
        }));
    }
    {
        let (api, stop) = (admin.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut acknowledged = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = json!({ "email": format!("writer-{n}@example.com") });
                let sent = Instant::now();
                let response = api.post("/v3/users", body).await;
                if response.status == 201 {
                    acknowledged.push(common::id(&response.body));
                }
                samples.push(sample("write", async { response }).await);
                samples.last_mut().unwrap().sent = sent;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            (samples, acknowledged)
        }));
    }
    for what in ["ready", "health"] {
        let (api, stop) = (anonymous.clone(), stop.clone());
        let path = if what == "ready" { "/ready" } else { "/health" };
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                samples.push(sample(what, api.get(path)).await);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (samples, Vec::new())
        }));
    }

    tokio::time::sleep(Duration::from_millis(500)).await;
    cluster.pg_ctl_stop();
    let stopped = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let restarting = Instant::now();
    cluster.pg_ctl_start();
    let restarted = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);

    let mut samples = Vec::new();
    let mut acknowledged = Vec::new();
    for worker in workers {
        let (more, acks) = worker.await.unwrap();
        samples.extend(more);
        acknowledged.extend(acks);
    }

    // Never a 500: a 503 of the contract's shape, with Retry-After.
    for s in &samples {
        match s.status {
            200 | 201 => {}
            503 => {
                assert_eq!(s.kind.as_deref(), Some("service_unavailable"), "{s:?}");
                assert_eq!(s.retry_after.as_deref(), Some("1"), "{s:?}");
            }
            _ => panic!("unexpected answer during the outage: {s:?}"),
        }
    }
    // While the database is down (from a moment after the stop), nothing
    // that needs the store succeeds, not even from the credential cache;
    // liveness stays up.
    let down = |s: &&Sample| {
        s.sent > stopped + Duration::from_millis(300)
            && s.sent + Duration::from_millis(50) < restarting
    };
    let during: Vec<&Sample> = samples.iter().filter(down).collect();
    for what in ["me", "write", "ready"] {
        let of_kind: Vec<_> = during.iter().filter(|s| s.what == what).collect();
        assert!(!of_kind.is_empty(), "{what} was tried during the outage");
        let served: Vec<_> = of_kind.iter().filter(|s| s.status != 503).collect();
        assert!(
            served.is_empty(),
            "{what} during the outage: {} of {} not 503, e.g. {:?}",
            served.len(),
            of_kind.len(),
            served.first()
        );
    }
    assert!(
        during
            .iter()
            .filter(|s| s.what == "health")
            .all(|s| s.status == 200),
        "/health is liveness only"
    );
    // Back within moments of the restart.
    let first_success = |what: &str| {
        samples
            .iter()
            .filter(|s| {
                s.what == what && s.sent >= restarted && (s.status == 200 || s.status == 201)
            })
            .map(|s| s.sent - restarted)
            .min()
    };
    let me_back = first_success("me").expect("/v3/me succeeds again");
    let write_back = first_success("write").expect("writes succeed again");
    let ready_back = first_success("ready").expect("/ready is 200 again");
    let refused = during.iter().filter(|s| s.status == 503).count();
    eprintln!(
        "outage of {:?}: {refused} requests answered 503 meanwhile; after the restart \
         (pg_ctl start took {:?}) /v3/me was back after {me_back:?}, writes after \
         {write_back:?}, /ready after {ready_back:?}; {} writes acknowledged",
        restarting - stopped,
        restarted - restarting,
        acknowledged.len()
    );
    for wait in [me_back, write_back, ready_back] {
        assert!(wait < Duration::from_secs(2), "{wait:?}");
    }
    // Every acknowledged write is there.
    assert!(!acknowledged.is_empty());
    for user in &acknowledged {
        admin.get(&format!("/v3/users/{user}")).await.expect(200);
    }
}
