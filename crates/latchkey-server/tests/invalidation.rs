//! Invalidation follows commits, not handlers: a revocation whose request is
//! abandoned while its write is in flight — the client hangs up, or the
//! request runs past the server's time limit — still commits, and the very
//! next use of the revoked key, verified and cached before, is a 401.
//!
//! To abandon a request while its write is in flight, the write is held just
//! before its commit: on redb by the debug-build hold
//! (`LATCHKEY_DEBUG_HOLD_WRITES`, while a file exists), on PostgreSQL by a
//! lock on the `access_keys` table held from another connection. Once the
//! request is gone, the hold is released and the write commits.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{Server, id, on_postgres, postgres_client};
use latchkey_core::jwt::{self, Algorithm, SigningKey};
use serde_json::json;
use tokio::io::AsyncWriteExt;

/// What the server logs when the debug hold keeps a write (see
/// `crates/latchkey-server/src/hold_writes.rs`).
const HELD: &str = "a store write is held before its commit";

/// Holds the server's writes to access keys before they commit.
enum Hold {
    /// The debug hold's file (redb).
    File(PathBuf),
    /// A transaction holding `LOCK TABLE access_keys` (PostgreSQL).
    Lock(tokio_postgres::Client),
}

/// A server on this run's backend, ready to have its writes held, with a
/// request time limit of `timeout_seconds`.
fn server(hold_dir: &tempfile::TempDir, timeout_seconds: &str) -> Server {
    let file = hold_dir.path().join("hold-writes");
    let timeout = ("LATCHKEY_REQUEST_TIMEOUT_SECONDS", timeout_seconds);
    if on_postgres() {
        Server::start_with(&[timeout])
    } else {
        Server::start_with(&[
            timeout,
            ("LATCHKEY_DEBUG_HOLD_WRITES", file.to_str().unwrap()),
        ])
    }
}

impl Hold {
    /// Starts holding the server's writes to access keys.
    async fn start(server: &Server, hold_dir: &tempfile::TempDir) -> Hold {
        Self::start_on(server, hold_dir, "access_keys").await
    }

    /// Starts holding the server's writes to `table` (on redb: every
    /// write).
    async fn start_on(server: &Server, hold_dir: &tempfile::TempDir, table: &str) -> Hold {
        match &server.database {
            Some(database) => {
                let client = postgres_client(&database.url).await;
                client
                    .batch_execute(&format!("BEGIN; LOCK TABLE {table} IN EXCLUSIVE MODE"))
                    .await
                    .unwrap();
                Hold::Lock(client)
            }
            None => {
                let file = hold_dir.path().join("hold-writes");
                std::fs::write(&file, b"").unwrap();
                Hold::File(file)
            }
        }
    }

    /// Waits until a write is held, failing after 10 s.
    async fn until_held(&self, server: &Server) {
        let started = Instant::now();
        loop {
            let held = match self {
                Hold::File(_) => server.stderr().contains(HELD),
                Hold::Lock(client) => {
                    let waiting: i64 = client
                        .query_one(
                            "SELECT count(*) FROM pg_stat_activity \
                             WHERE datname = current_database() AND wait_event_type = 'Lock'",
                            &[],
                        )
                        .await
                        .unwrap()
                        .get(0);
                    waiting > 0
                }
            };
            if held {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no write was held within 10 s: {}",
                server.output()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Lets the held write commit.
    async fn release(self) {
        match self {
            Hold::File(file) => std::fs::remove_file(file).unwrap(),
            Hold::Lock(client) => client.batch_execute("ROLLBACK").await.unwrap(),
        }
    }
}

/// A key, verified and cached, and the revocation request that will be
/// abandoned.
struct Setup {
    server: Server,
    key: String,
    key_path: String,
    hold_dir: tempfile::TempDir,
}

async fn setup(timeout_seconds: &str) -> Setup {
    let hold_dir = tempfile::tempdir().unwrap();
    let server = server(&hold_dir, timeout_seconds);
    let admin = server.admin();
    let app = admin.app("billing").await;
    let (created, key) = admin.key(&id(&app), "doomed").await;
    let key_path = format!("/v3/applications/{}/access-keys/{}", id(&app), id(&created));
    // Verified once, then served from the cache.
    assert_eq!(server.api(&key).me_status().await, 200);
    assert_eq!(server.api(&key).me_status().await, 200);
    Setup {
        server,
        key,
        key_path,
        hold_dir,
    }
}

impl Setup {
    /// Waits until the revocation is visible to an admin read, failing
    /// after 10 s, then asserts that the very next use of the key is a 401.
    async fn revocation_stops_the_key_at_once(&self) {
        let admin = self.server.admin();
        let started = Instant::now();
        loop {
            let key = admin.get(&self.key_path).await;
            if key.expect(200)["status"] == "revoked" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the abandoned revocation never committed: {}",
                self.server.output()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            self.server.api(&self.key).me_status().await,
            401,
            "the revoked key still works"
        );
    }

    /// Access-log lines of `PUT`s to the key's path.
    fn logged_changes(&self) -> usize {
        let path = format!("path={}", self.key_path);
        self.server
            .stderr()
            .lines()
            .filter(|line| line.contains("method=PUT") && line.contains(&path))
            .count()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_whose_client_hung_up_still_stops_the_key_at_once() {
    let mut s = setup("30").await;
    let hold = Hold::start(&s.server, &s.hold_dir).await;

    // The revocation, sent on a connection of its own that is closed
    // before the answer.
    let address = s.server.url.trim_start_matches("http://").to_owned();
    let mut connection = tokio::net::TcpStream::connect(&address).await.unwrap();
    let body = json!({ "status": "revoked" }).to_string();
    let request = format!(
        "PUT {} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        s.key_path,
        s.server.admin_key,
        body.len()
    );
    connection.write_all(request.as_bytes()).await.unwrap();
    hold.until_held(&s.server).await;
    // Until the write commits, the key works (from the cache).
    assert_eq!(s.server.api(&s.key).me_status().await, 200);
    drop(connection);
    // Give the server the time to see the connection closed and drop the
    // request (its handler and whatever would have run after the write).
    tokio::time::sleep(Duration::from_millis(300)).await;
    hold.release().await;

    s.revocation_stops_the_key_at_once().await;
    // The request was dropped, not answered: it never reached the access
    // log (the log line is written when the answer is).
    s.server.stop();
    assert_eq!(s.logged_changes(), 0, "{}", s.server.stderr());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_over_the_time_limit_still_stops_the_key_at_once() {
    let s = setup("1").await;
    let hold = Hold::start(&s.server, &s.hold_dir).await;

    let revocation = {
        let admin = s.server.admin();
        let path = s.key_path.clone();
        tokio::spawn(async move { admin.put(&path, json!({ "status": "revoked" })).await })
    };
    hold.until_held(&s.server).await;
    // The request runs out of time while its write is held.
    let answer = tokio::time::timeout(Duration::from_secs(30), revocation)
        .await
        .expect("the server answers a request past its time limit")
        .unwrap();
    answer.expect_error(503, "service_unavailable");
    assert_eq!(s.server.api(&s.key).me_status().await, 200);
    hold.release().await;

    s.revocation_stops_the_key_at_once().await;
}

/// The same for a JWT verified and cached: its key's revocation, held
/// before its commit until the request ran out of time, stops the token at
/// once when it commits (the token cache follows the key's account).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jwt_key_revocation_over_the_time_limit_still_stops_its_token_at_once() {
    let hold_dir = tempfile::tempdir().unwrap();
    let server = server(&hold_dir, "1");
    let admin = server.admin();
    let facts = server.anonymous().get("/.well-known/latchkey").await;
    let audience = facts.expect(200)["jwt_audience"]
        .as_str()
        .unwrap()
        .to_owned();
    let app = id(&admin.app("signer").await);
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let registered = admin
        .post(
            &format!("/v3/applications/{app}/jwt-keys"),
            json!({ "name": "doomed", "public_key": key.verifying_key().to_spki_pem() }),
        )
        .await;
    let kid = id(registered.expect(201));
    let token =
        jwt::mint_access_token(&app, &kid, &audience, Duration::from_secs(600), &key).unwrap();
    let api = server.api(&token);
    assert_eq!(api.me_status().await, 200);
    assert_eq!(api.me_status().await, 200);

    let key_path = format!("/v3/applications/{app}/jwt-keys/{kid}");
    let hold = Hold::start_on(&server, &hold_dir, "jwt_keys").await;
    let revocation = {
        let admin = server.admin();
        let path = key_path.clone();
        tokio::spawn(async move { admin.put(&path, json!({ "status": "revoked" })).await })
    };
    hold.until_held(&server).await;
    let answer = tokio::time::timeout(Duration::from_secs(30), revocation)
        .await
        .expect("the server answers a request past its time limit")
        .unwrap();
    answer.expect_error(503, "service_unavailable");
    assert_eq!(api.me_status().await, 200, "not committed yet");
    hold.release().await;

    let started = Instant::now();
    loop {
        if admin.get(&key_path).await.expect(200)["status"] == "revoked" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the abandoned revocation never committed: {}",
            server.output()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        api.me_status().await,
        401,
        "the revoked key's token still works"
    );
}
