//! The integration-test harness: starts the real `latchkey` binary on an
//! ephemeral loopback port with a temporary data file, and speaks HTTP to it.

#![allow(dead_code, missing_docs)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_latchkey");

/// A running server and what it printed.
pub struct Server {
    child: Option<Child>,
    pub url: String,
    /// The admin key printed at bootstrap (empty on later starts).
    pub admin_key: String,
    /// stdout up to and including the "listening" line.
    pub startup: String,
    pub dir: Arc<tempfile::TempDir>,
    pub envs: Vec<(String, String)>,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    /// The threads copying stdout and stderr, joined by `stop`.
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(&[])
    }

    pub fn start_with(envs: &[(&str, &str)]) -> Server {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let envs = envs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::spawn(dir, envs)
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("latchkey.redb")
    }

    fn spawn(dir: Arc<tempfile::TempDir>, envs: Vec<(String, String)>) -> Server {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path().join("latchkey.redb"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("RUST_LOG");
        for (k, v) in &envs {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("the latchkey binary starts");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (lines, received) = mpsc::channel::<String>();
        let mut readers = Vec::new();
        {
            let out = child.stdout.take().unwrap();
            let log = stdout.clone();
            readers.push(std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                    let _ = lines.send(line);
                }
            }));
        }
        {
            let mut err = child.stderr.take().unwrap();
            let log = stderr.clone();
            readers.push(std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = err.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    log.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buffer[..n]));
                }
            }));
        }
        let mut startup = String::new();
        let url = loop {
            let line = received
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("server did not start: {}", stderr.lock().unwrap()));
            startup.push_str(&line);
            startup.push('\n');
            if let Some(url) = line.strip_prefix("latchkey listening on ") {
                break url.trim().to_owned();
            }
        };
        let admin_key = startup
            .split_whitespace()
            .find(|w| w.starts_with("ak_"))
            .unwrap_or_default()
            .to_owned();
        Server {
            child: Some(child),
            url,
            admin_key,
            startup,
            dir,
            envs,
            stdout,
            stderr,
            readers,
        }
    }

    /// Stops the server with SIGTERM and waits for it and for the last of
    /// its output (the log is written by a thread of its own and flushed at
    /// shutdown: read it after `stop` to see every line).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let status = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
            let exit = child.wait().unwrap();
            assert!(exit.success(), "graceful shutdown exits 0: {exit}");
        }
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }

    /// Stops the server and starts it again on the same data file.
    pub fn restart(mut self) -> Server {
        self.stop();
        Self::spawn(self.dir.clone(), self.envs.clone())
    }

    /// Everything the server wrote on stdout and stderr so far.
    pub fn output(&self) -> String {
        format!(
            "{}{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn api(&self, key: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            url: self.url.clone(),
            key: Some(key.to_owned()),
        }
    }

    pub fn admin(&self) -> Api {
        self.api(&self.admin_key)
    }

    pub fn anonymous(&self) -> Api {
        Api {
            http: reqwest::Client::new(),
            url: self.url.clone(),
            key: None,
        }
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

/// An HTTP client acting with one credential.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub url: String,
    pub key: Option<String>,
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// Asserts the status (showing the body when it differs) and returns the body.
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "{:#}", self.body);
        &self.body
    }

    /// Asserts an error response of `status` and `kind`, with the request id
    /// in body and header alike, and returns the field names.
    pub fn expect_error(&self, status: u16, kind: &str) -> Vec<String> {
        assert_eq!(self.status, status, "{:#}", self.body);
        assert_eq!(self.body["object"], "error");
        assert_eq!(self.body["code"], status);
        assert_eq!(self.body["type"], kind, "{:#}", self.body);
        assert_eq!(
            self.body["request_id"].as_str(),
            self.header("x-request-id").as_deref()
        );
        self.body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    }
}

impl Api {
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Resp {
        let mut request = self.http.request(method, format!("{}{}", self.url, path));
        if let Some(key) = &self.key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        assert!(
            headers.contains_key("x-request-id"),
            "every response has X-Request-Id"
        );
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(reqwest::Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.send(reqwest::Method::DELETE, path, None).await
    }
    pub async fn delete_with(&self, path: &str, body: Value) -> Resp {
        self.send(reqwest::Method::DELETE, path, Some(body)).await
    }

    /// Creates an application and returns it.
    pub async fn app(&self, name: &str) -> Value {
        self.post("/v3/applications", json!({ "name": name }))
            .await
            .expect(201)
            .clone()
    }

    /// Creates an access key on `app` with `body` and returns (key object, key string).
    pub async fn key_with(&self, app: &str, body: Value) -> (Value, String) {
        let created = self
            .post(&format!("/v3/applications/{app}/access-keys"), body)
            .await;
        let created = created.expect(201).clone();
        let key = created["key"].as_str().unwrap().to_owned();
        (created, key)
    }

    pub async fn key(&self, app: &str, name: &str) -> (Value, String) {
        self.key_with(app, json!({ "name": name })).await
    }

    /// The status of `GET /v3/me` with this credential.
    pub async fn me_status(&self) -> u16 {
        self.get("/v3/me").await.status
    }
}

pub fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

pub fn ids(list: &Value) -> Vec<String> {
    list["data"].as_array().unwrap().iter().map(id).collect()
}
