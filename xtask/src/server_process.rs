//! A `latchkey serve` process for xtask steps that measure or probe the
//! server from outside: started on a fresh data file and a free loopback
//! port, stopped with SIGTERM when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Cargo's target directory (honouring `CARGO_TARGET_DIR`).
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Builds the server binary in the dev profile (the `target/` the tests
/// share) and returns its path.
pub fn build_dev_server(root: &Path) -> Result<PathBuf> {
    crate::cmd::cmd(root, "cargo")
        .args(["build", "--package", "latchkey-server", "--bin", "latchkey"])
        .run()?;
    Ok(target_dir(root).join("debug/latchkey"))
}

/// A running server: its base URL and the admin key it printed at bootstrap.
pub struct Running {
    pub child: Child,
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    /// The bootstrap admin key.
    pub admin_key: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Runs curl and returns its stdout.
pub fn curl(args: &[&str]) -> Result<String> {
    let output = Command::new("curl")
        .args(["-s", "--max-time", "10"])
        .args(args)
        .output()
        .context("running curl")?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Creates a tenant account on the `custom` plan with room for
/// `applications` applications of `keys_per_application` keys each, through
/// the operator's `admin_key`; returns the tenant's admin key.
pub fn create_bench_tenant(
    url: &str,
    admin_key: &str,
    name: &str,
    applications: usize,
    keys_per_application: usize,
) -> Result<String> {
    let body = format!(
        r#"{{"name":"{name}","plan":"custom","limits":{{"applications":{applications},"access_keys_per_application":{keys_per_application},"jwt_keys_per_application":2}}}}"#
    );
    let tenant = curl(&[
        "-X",
        "POST",
        "-H",
        &format!("Authorization: Bearer {admin_key}"),
        "-H",
        "Content-Type: application/json",
        "-d",
        &body,
        &format!("{url}/v3/accounts"),
    ])?;
    crate::bench_server::json_field(&tenant, "key")
        .with_context(|| format!("no tenant key: {tenant}"))
}

/// Starts the server on a fresh `data` file; returns once `/health` answers
/// 200, with the time that took. It logs at its default level (`info`: one
/// access line per request) into `<data>.log`, as a deployed server would.
pub fn start(binary: &Path, data: &Path) -> Result<(Running, Duration)> {
    start_on(
        binary,
        &["--data".into(), data.display().to_string()],
        &data.with_extension("log"),
    )
}

/// Starts the server on the store `store_args` name (`--data FILE` or
/// `--database URL`), logging into `log`; as [`start`] otherwise. On a
/// database another replica already bootstrapped, `admin_key` is empty.
pub fn start_on(binary: &Path, store_args: &[String], log: &Path) -> Result<(Running, Duration)> {
    start_with(binary, store_args, &[], log)
}

/// [`start_on`] with further `serve` arguments in `args` (the store's
/// among them) and environment variables `envs`.
pub fn start_with(
    binary: &Path,
    args: &[String],
    envs: &[(&str, &str)],
    log: &Path,
) -> Result<(Running, Duration)> {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .envs(envs.iter().copied())
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log)?)
        .spawn()
        .context("starting latchkey")?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut admin_key = String::new();
    let mut url = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(found) = line.split_whitespace().find(|w| w.starts_with("ak_")) {
            admin_key = found.to_owned();
        }
        if let Some(found) = line.strip_prefix("latchkey listening on ") {
            url = found.trim().to_owned();
            break;
        }
    }
    if url.is_empty() {
        bail!("the server did not say where it listens");
    }
    let running = Running {
        child,
        url,
        admin_key,
    };
    for _ in 0..2000 {
        if curl(&[
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            &format!("{}/health", running.url),
        ])? == "200"
        {
            return Ok((running, started.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    bail!("no 200 from /health")
}
