//! The test harness: the real `latchkey` server binary on an ephemeral
//! loopback port with a temporary data file (as the server's own tests do),
//! and a small scripted HTTP peer for what a healthy server never does
//! (dropped connections, 503s).

#![allow(dead_code, missing_docs)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use latchkey_client::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The `latchkey` binary, built for this test run.
///
/// A dev-dependency on `latchkey-server` would build only its library, not
/// its binary (artifact dependencies are unstable), so the harness runs
/// `cargo build -p latchkey-server --bin latchkey` once per test binary, in
/// the same target directory and profile as this test: a no-op when the
/// binary is fresh, and never a stale server. `LATCHKEY_SERVER_BIN`
/// overrides it.
pub fn server_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("LATCHKEY_SERVER_BIN") {
            return PathBuf::from(path);
        }
        // target/<profile>/deps/<test executable>
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap().to_owned();
        let target_dir = profile_dir.parent().unwrap();
        let profile = profile_dir.file_name().unwrap().to_str().unwrap();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args([
                "build",
                "--quiet",
                "-p",
                "latchkey-server",
                "--bin",
                "latchkey",
            ])
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        match profile {
            "debug" => {}
            "release" => {
                command.arg("--release");
            }
            other => {
                command.args(["--profile", other]);
            }
        }
        let status = command.status().expect("cargo runs");
        assert!(status.success(), "building the latchkey binary failed");
        let binary = profile_dir.join(format!("latchkey{}", std::env::consts::EXE_SUFFIX));
        assert!(binary.exists(), "no server binary at {}", binary.display());
        binary
    })
}

/// A running server and what it printed.
pub struct Server {
    child: Option<Child>,
    pub url: String,
    /// The admin key printed at bootstrap.
    pub admin_key: String,
    _dir: tempfile::TempDir,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(&[], &[])
    }

    /// With extra `serve` arguments and environment.
    pub fn start_with(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(server_binary());
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path().join("latchkey.redb"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("RUST_LOG");
        for (name, value) in envs {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the latchkey binary starts");
        let (lines, received) = mpsc::channel::<String>();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let _ = lines.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut err = child.stderr.take().unwrap();
            let log = stderr.clone();
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = err.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    log.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buffer[..n]));
                }
            });
        }
        let mut admin_key = String::new();
        let url = loop {
            let line = received
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("server did not start: {}", stderr.lock().unwrap()));
            if let Some(key) = line.split_whitespace().find(|w| w.starts_with("ak_")) {
                admin_key = key.to_owned();
            }
            if let Some(url) = line.strip_prefix("latchkey listening on ") {
                break url.trim().to_owned();
            }
        };
        assert_eq!(admin_key.len(), 74, "the bootstrap prints the admin key");
        Server {
            child: Some(child),
            url,
            admin_key,
            _dir: dir,
            stderr,
        }
    }

    /// A client with the admin key.
    pub fn admin(&self) -> Client {
        Client::new(&self.url, &self.admin_key).unwrap()
    }

    /// A client with `key`.
    pub fn client(&self, key: &str) -> Client {
        Client::new(&self.url, key).unwrap()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A request as the scripted peer saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the scripted peer does with a request.
pub enum Reply {
    /// Answer with a status, extra headers and a body.
    Answer(u16, Vec<(String, String)>, String),
    /// Close the connection without answering.
    Hangup,
    /// Wait this long, then answer 200 `{}`.
    Stall(Duration),
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::Answer(status, Vec::new(), body.to_string())
    }
}

/// A tiny HTTP/1.1 peer answering each request with `script(n, request)`
/// (n counts from 0), one request per connection.
pub struct Peer {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Peer {
    pub async fn start<F>(script: F) -> Peer
    where
        F: Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    break;
                };
                let script = script.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else {
                        return;
                    };
                    let n = {
                        let mut log = log.lock().unwrap();
                        log.push(request.clone());
                        log.len() - 1
                    };
                    match script(n, &request) {
                        Reply::Hangup => drop(stream),
                        Reply::Stall(wait) => {
                            tokio::time::sleep(wait).await;
                            let _ = stream
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                                .await;
                        }
                        Reply::Answer(status, headers, body) => {
                            let mut head = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                                body.len()
                            );
                            for (name, value) in headers {
                                head.push_str(&format!("{name}: {value}\r\n"));
                            }
                            head.push_str("\r\n");
                            let _ = stream.write_all(head.as_bytes()).await;
                            let _ = stream.write_all(body.as_bytes()).await;
                            let _ = stream.shutdown().await;
                        }
                    }
                });
            }
        });
        Peer { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

/// A unique suffix for names.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
