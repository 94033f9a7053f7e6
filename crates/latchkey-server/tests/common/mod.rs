//! The integration-test harness: starts the real `latchkey` binary on an
//! ephemeral loopback port with a temporary data file, and speaks HTTP to it.
//!
//! With `LATCHKEY_TEST_SERVER_BACKEND=postgres` every server runs on a fresh
//! database of the PostgreSQL at `LATCHKEY_TEST_POSTGRES_URL` instead
//! (`cargo xtask test rust` runs the whole suite both ways).

#![allow(dead_code, missing_docs)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_latchkey");

const BACKEND_VAR: &str = "LATCHKEY_TEST_SERVER_BACKEND";
const POSTGRES_URL_VAR: &str = "LATCHKEY_TEST_POSTGRES_URL";

/// Runs `work` on a runtime of its own, on a thread of its own: the harness is
/// called from inside tests' runtimes, where blocking on another is refused.
fn on_own_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(work)
    })
    .join()
    .unwrap()
}

async fn postgres_admin(url: String) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|error| panic!("connecting to {POSTGRES_URL_VAR}: {error}"));
    tokio::spawn(connection);
    client
}

/// A database made for one server (and its restarts), dropped at the end.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    /// The database's URL.
    pub url: String,
}

impl TestDatabase {
    /// A fresh database on the test PostgreSQL.
    pub fn create() -> TestDatabase {
        let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
            panic!(
                "{POSTGRES_URL_VAR} is not set: run with `cargo xtask test rust`, which starts a \
                 throwaway PostgreSQL"
            )
        });
        Self::create_on(admin_url)
    }

    /// A fresh database on the PostgreSQL at `admin_url` (whose database
    /// part is replaced), dropped there at the end.
    pub fn create_on(admin_url: String) -> TestDatabase {
        let name = format!(
            "latchkey_server_{}",
            latchkey_core::id::AccountId::generate()
                .body()
                .to_lowercase()
        );
        let create = format!("CREATE DATABASE {name}");
        let admin = admin_url.clone();
        on_own_runtime(async move {
            postgres_admin(admin)
                .await
                .batch_execute(&create)
                .await
                .unwrap();
        });
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("a URL ending in /<database>");
        let url = format!("{base}/{name}");
        TestDatabase {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let drop_sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let admin = self.admin_url.clone();
        on_own_runtime(async move {
            let _ = postgres_admin(admin).await.batch_execute(&drop_sql).await;
        });
    }
}

/// A connection to `url` (driven by a task of the calling runtime).
pub async fn postgres_client(url: &str) -> tokio_postgres::Client {
    postgres_admin(url.to_owned()).await
}

/// Whether this run puts servers on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var(BACKEND_VAR).is_ok_and(|backend| backend == "postgres")
}

/// A running server and what it printed.
pub struct Server {
    child: Option<Child>,
    pub url: String,
    /// The admin key printed at bootstrap (empty on later starts).
    pub admin_key: String,
    /// The admin user's password link printed at bootstrap (empty on later starts).
    pub password_link: String,
    /// stdout up to and including the "listening" line.
    pub startup: String,
    pub dir: Arc<tempfile::TempDir>,
    /// The database, when the servers of this run use PostgreSQL.
    pub database: Option<Arc<TestDatabase>>,
    pub envs: Vec<(String, String)>,
    /// Further arguments of `serve`.
    pub args: Vec<String>,
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
        let database = on_postgres().then(|| Arc::new(TestDatabase::create()));
        Self::spawn(dir, database, envs)
    }

    /// Starts a server with further `serve` arguments (and environment).
    pub fn start_with_args(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let envs = envs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let args = args.iter().map(|a| a.to_string()).collect();
        let database = on_postgres().then(|| Arc::new(TestDatabase::create()));
        Self::spawn_with_args(dir, database, envs, args)
    }

    /// Starts a server on a fresh PostgreSQL database, whatever the backend
    /// of this run (for tests of several replicas on one database).
    pub fn start_on_postgres() -> Server {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        Self::spawn(dir, Some(Arc::new(TestDatabase::create())), Vec::new())
    }

    /// Starts a server on the same store as this one (a second replica on
    /// the same database, with PostgreSQL).
    pub fn replica(&self) -> Server {
        Self::spawn_with_args(
            self.dir.clone(),
            self.database.clone(),
            self.envs.clone(),
            self.args.clone(),
        )
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("latchkey.redb")
    }

    /// The arguments that name this server's store (`--data FILE` or
    /// `--database URL`), for `serve` and `admin` commands.
    pub fn store_args(&self) -> Vec<String> {
        Self::store_args_of(&self.dir, self.database.as_deref())
    }

    fn store_args_of(dir: &tempfile::TempDir, database: Option<&TestDatabase>) -> Vec<String> {
        match database {
            Some(database) => vec!["--database".into(), database.url.clone()],
            None => vec![
                "--data".into(),
                dir.path().join("latchkey.redb").display().to_string(),
            ],
        }
    }

    /// Starts a server on a given store: the redb file in `dir`, or
    /// `database` when given.
    pub fn spawn(
        dir: Arc<tempfile::TempDir>,
        database: Option<Arc<TestDatabase>>,
        envs: Vec<(String, String)>,
    ) -> Server {
        Self::spawn_with_args(dir, database, envs, Vec::new())
    }

    /// [`Server::spawn`] with further `serve` arguments.
    pub fn spawn_with_args(
        dir: Arc<tempfile::TempDir>,
        database: Option<Arc<TestDatabase>>,
        envs: Vec<(String, String)>,
        args: Vec<String>,
    ) -> Server {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(Self::store_args_of(&dir, database.as_deref()))
            .args(&args)
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
        let password_link = startup
            .split_whitespace()
            .find(|w| w.contains("/console/password?token="))
            .unwrap_or_default()
            .to_owned();
        Server {
            child: Some(child),
            url,
            admin_key,
            password_link,
            startup,
            dir,
            database,
            envs,
            args,
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
    /// Kills the server at once (SIGKILL): no shutdown, nothing flushed.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            let _ = child.wait();
        }
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }

    pub fn restart(mut self) -> Server {
        self.stop();
        Self::spawn_with_args(
            self.dir.clone(),
            self.database.clone(),
            self.envs.clone(),
            self.args.clone(),
        )
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
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        Self::read(request).await
    }

    /// Sends `body` as it is, as `application/json` (for bodies that are
    /// not JSON, or not only JSON).
    pub async fn send_text(&self, method: reqwest::Method, path: &str, body: &str) -> Resp {
        let request = self
            .request(method, path)
            .header("Content-Type", "application/json")
            .body(body.to_owned());
        Self::read(request).await
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, format!("{}{}", self.url, path));
        match &self.key {
            Some(key) => request.header("Authorization", format!("Bearer {key}")),
            None => request,
        }
    }

    async fn read(request: reqwest::RequestBuilder) -> Resp {
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

    /// GETs `path` until the body's `field` is set (not null), for at most
    /// `within`; returns the last body read, and how long it took.
    pub async fn get_until_set(
        &self,
        path: &str,
        field: &str,
        within: Duration,
    ) -> (Value, Duration) {
        let started = std::time::Instant::now();
        loop {
            let body = self.get(path).await.expect(200).clone();
            if !body[field].is_null() || started.elapsed() >= within {
                return (body, started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

pub fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

pub fn ids(list: &Value) -> Vec<String> {
    list["data"].as_array().unwrap().iter().map(id).collect()
}

/// A user whose group holds `permissions`, with an application of their
/// own in that group and an unscoped key of it made by the admin: the key
/// acts as that user with exactly `permissions`.
pub struct Member {
    pub user: String,
    pub app: String,
    pub api: Api,
}

pub async fn member(server: &Server, admin: &Api, name: &str, permissions: Value) -> Member {
    let group = admin
        .post(
            "/v3/policy-groups",
            json!({ "name": name, "permissions": permissions }),
        )
        .await
        .expect(201)
        .clone();
    let user = admin
        .post(
            "/v3/users",
            json!({ "email": format!("{name}@example.com"), "group_ids": [id(&group)] }),
        )
        .await
        .expect(201)
        .clone();
    let app = admin
        .post(
            "/v3/applications",
            json!({ "name": format!("{name}-app"), "group_ids": [id(&group)], "created_by": id(&user) }),
        )
        .await
        .expect(201)
        .clone();
    let (key, secret) = admin
        .key_with(
            &id(&app),
            json!({ "name": format!("{name}-key"), "created_by": id(&user) }),
        )
        .await;
    assert_eq!(key["scopes"], json!([]), "the admin's key is unscoped");
    Member {
        user: id(&user),
        app: id(&app),
        api: server.api(&secret),
    }
}
