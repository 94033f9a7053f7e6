//! How the real binary keeps and checks access-key secrets: a new key is
//! stored as the SHA-256 digest of its secret and checked without argon2id;
//! a key an earlier version stored with an argon2id hash keeps working, is
//! checked with argon2id once, and is then stored with the digest — on this
//! run's store, and after an export and an import into the other kind.
//!
//! The earlier version's store is `fixtures/argon2id-store.jsonl`: the
//! export (`latchkey admin export`) of a store written by the binary of
//! commit 4b05cb2, which hashed every key with argon2id, and
//! `fixtures/argon2id-store.keys.json` the keys it printed (test keys of a
//! throwaway store).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use common::{BIN, Server, TestDatabase, id, on_postgres};
use latchkey_core::access_key;
use latchkey_core::secret_hash::SecretHash;
use serde_json::Value;

const LOG_ARGON2ID: &str = "checked with argon2id";
const LOG_REPLACED: &str = "legacy access key hash replaced by its digest";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The keys the earlier version printed, by name.
struct LegacyKeys {
    /// The operator's bootstrap key.
    admin: String,
    /// An active key of application `fleet`.
    workers: String,
    /// An active key of application `slow`.
    target: String,
    /// An inactive key of application `fleet`.
    paused: String,
    /// A tenant account's first key.
    tenant_admin: String,
}

fn legacy_keys() -> LegacyKeys {
    let text = std::fs::read_to_string(fixture("argon2id-store.keys.json")).unwrap();
    let keys: Value = serde_json::from_str(&text).unwrap();
    let key = |name: &str| keys[name].as_str().unwrap().to_owned();
    LegacyKeys {
        admin: key("admin"),
        workers: key("workers"),
        target: key("target"),
        paused: key("paused"),
        tenant_admin: key("tenant_admin"),
    }
}

/// Runs `latchkey admin <args…>`, feeding `stdin` when given.
fn run_admin(args: &[String], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(BIN);
    command
        .arg("admin")
        .args(args)
        .env_remove("LATCHKEY_DATABASE_URL")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(bytes) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// An empty store (PostgreSQL when `postgres`, else a redb file) and the
/// arguments that name it.
struct EmptyStore {
    dir: Arc<tempfile::TempDir>,
    database: Option<Arc<TestDatabase>>,
}

impl EmptyStore {
    fn new(postgres: bool) -> Self {
        EmptyStore {
            dir: Arc::new(tempfile::tempdir().unwrap()),
            database: postgres.then(|| Arc::new(TestDatabase::create())),
        }
    }

    fn args(&self) -> Vec<String> {
        match &self.database {
            Some(database) => vec!["--database".into(), database.url.clone()],
            None => vec![
                "--data".into(),
                self.dir.path().join("latchkey.redb").display().to_string(),
            ],
        }
    }

    /// Imports `export` into this store.
    fn import(&self, export: &[u8]) {
        let mut args = vec!["import".to_owned()];
        args.extend(self.args());
        let out = run_admin(&args, Some(export));
        let shown = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{shown}");
        assert!(
            !shown.contains("$argon2") && !shown.contains("sha256:"),
            "{shown}"
        );
    }

    /// This store's export.
    fn export(&self) -> String {
        let mut args = vec!["export".to_owned()];
        args.extend(self.args());
        let out = run_admin(&args, None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A server on this store, logging authentication at debug.
    fn serve(&self) -> Server {
        Server::spawn(
            self.dir.clone(),
            self.database.clone(),
            vec![("RUST_LOG".into(), "latchkey_server::auth=debug".into())],
        )
    }
}

/// The earlier version's store, imported into an empty store of this run's
/// kind.
fn legacy_store() -> EmptyStore {
    let store = EmptyStore::new(on_postgres());
    store.import(&std::fs::read(fixture("argon2id-store.jsonl")).unwrap());
    store
}

/// The stored `secret_hash` of each access key in an export, by key id.
fn stored_hashes(export: &str) -> std::collections::HashMap<String, String> {
    export
        .lines()
        .skip(1)
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["kind"] == "access_key")
        .map(|line| {
            let record = &line["record"];
            (
                record["key"]["id"].as_str().unwrap().to_owned(),
                record["secret_hash"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The key id (`key_…`) of a key string.
fn key_id(key: &str) -> String {
    format!("key_{}", access_key::parse(key).unwrap().key_id())
}

/// What a key's record must hold once upgraded: the tagged SHA-256 of its
/// secret.
fn digest_of(key: &str) -> String {
    SecretHash::digest(access_key::parse(key).unwrap().secret()).to_stored()
}

/// Log lines about a key's argon2id runs and hash replacements.
fn log_count(server: &Server, key: &str, what: &str) -> usize {
    let id = key_id(key);
    server
        .stderr()
        .lines()
        .filter(|line| line.contains(what) && line.contains(&id))
        .count()
}

#[test]
fn the_fixture_is_what_the_earlier_version_wrote() {
    let export = std::fs::read_to_string(fixture("argon2id-store.jsonl")).unwrap();
    assert!(
        export.starts_with("{\"format\":\"latchkey-export\",\"version\":1,\"schema\":1,"),
        "{}",
        export.lines().next().unwrap()
    );
    let keys = legacy_keys();
    let hashes = stored_hashes(&export);
    for key in [
        &keys.admin,
        &keys.workers,
        &keys.target,
        &keys.paused,
        &keys.tenant_admin,
    ] {
        let hash = &hashes[&key_id(key)];
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }
    assert_eq!(hashes.len(), 5);
}

#[tokio::test]
async fn keys_hashed_with_argon2id_keep_working_and_get_the_digest_on_first_use() {
    let keys = legacy_keys();
    let store = legacy_store();
    let mut server = store.serve();
    assert!(
        !server.startup.contains("ADMIN ACCESS KEY"),
        "{}",
        server.startup
    );
    // A wrong secret for a legacy key: refused, and nothing is rewritten.
    let wrong = access_key::generate(&keys.target[3..25]).unwrap();
    assert_eq!(server.api(wrong.key()).me_status().await, 401);
    // The right ones work; an inactive key is still refused.
    assert_eq!(server.api(&keys.workers).me_status().await, 200);
    assert_eq!(server.api(&keys.admin).me_status().await, 200);
    assert_eq!(server.api(&keys.paused).me_status().await, 401);
    // The export predates `credentials:introspect`: the import gave it to
    // `Administrators`, which holds every permission of its account.
    let admin_me = server.api(&keys.admin).get("/v3/me").await;
    let permissions = admin_me.expect(200)["permissions"].clone();
    assert!(
        permissions
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("credentials:introspect")),
        "{permissions}"
    );
    let me = server.api(&keys.workers).get("/v3/me").await;
    assert_eq!(me.expect(200)["credential"]["id"], key_id(&keys.workers));
    server.stop();
    for key in [&keys.workers, &keys.admin, &keys.paused] {
        let shown = key_id(key);
        assert_eq!(log_count(&server, key, LOG_ARGON2ID), 1, "{shown}");
        assert_eq!(log_count(&server, key, LOG_REPLACED), 1, "{shown}");
    }
    assert_eq!(log_count(&server, &keys.target, "verified=false"), 1);
    assert_eq!(log_count(&server, &keys.target, LOG_REPLACED), 0);

    // Used keys now hold their secret's digest; unused ones their old hash.
    let export = store.export();
    let hashes = stored_hashes(&export);
    for key in [&keys.workers, &keys.admin, &keys.paused] {
        assert_eq!(hashes[&key_id(key)], digest_of(key));
    }
    let before = stored_hashes(&std::fs::read_to_string(fixture("argon2id-store.jsonl")).unwrap());
    for key in [&keys.target, &keys.tenant_admin] {
        assert_eq!(hashes[&key_id(key)], before[&key_id(key)]);
    }
    assert!(export.starts_with("{\"format\":\"latchkey-export\",\"version\":1,\"schema\":5,"));

    // After a restart the upgraded keys are checked without argon2id.
    let mut server = store.serve();
    assert_eq!(server.api(&keys.workers).me_status().await, 200);
    assert_eq!(server.api(&keys.admin).me_status().await, 200);
    server.stop();
    assert_eq!(log_count(&server, &keys.workers, LOG_ARGON2ID), 0);
    assert_eq!(log_count(&server, &keys.admin, LOG_ARGON2ID), 0);

    // Into the other kind of store, mixed as it is: digests and the
    // remaining argon2id hashes both carried over, both working, and the
    // legacy ones upgraded there on first use.
    let other = EmptyStore::new(!on_postgres());
    other.import(export.as_bytes());
    assert_eq!(stored_hashes(&other.export()), hashes);
    let mut moved = other.serve();
    for key in [&keys.workers, &keys.admin, &keys.target, &keys.tenant_admin] {
        assert_eq!(moved.api(key).me_status().await, 200, "{}", key_id(key));
    }
    assert_eq!(moved.api(&keys.paused).me_status().await, 401);
    moved.stop();
    assert_eq!(log_count(&moved, &keys.workers, LOG_ARGON2ID), 0);
    assert_eq!(log_count(&moved, &keys.target, LOG_ARGON2ID), 1);
    let after = stored_hashes(&other.export());
    for key in [
        &keys.workers,
        &keys.admin,
        &keys.paused,
        &keys.target,
        &keys.tenant_admin,
    ] {
        assert_eq!(after[&key_id(key)], digest_of(key), "{}", key_id(key));
    }
}

#[tokio::test]
async fn a_burst_of_first_uses_of_one_legacy_key_runs_argon2id_once() {
    let keys = legacy_keys();
    let store = legacy_store();
    let mut server = store.serve();
    let api = Arc::new(server.api(&keys.workers));
    let mut requests = Vec::new();
    for _ in 0..16 {
        let api = api.clone();
        requests.push(tokio::spawn(async move { api.me_status().await }));
    }
    for request in requests {
        assert_eq!(request.await.unwrap(), 200);
    }
    server.stop();
    assert_eq!(
        log_count(&server, &keys.workers, LOG_ARGON2ID),
        1,
        "{}",
        server.stderr()
    );
    assert_eq!(log_count(&server, &keys.workers, LOG_REPLACED), 1);
}

#[tokio::test]
async fn a_new_key_is_stored_as_its_digest_and_never_meets_argon2id() {
    let mut server = Server::start_with(&[("RUST_LOG", "latchkey_server::auth=debug")]);
    let admin = server.admin();
    let app = admin.app("fleet").await;
    let (_, key) = admin.key(&id(&app), "workers").await;
    // A wrong secret for the key before it was ever used (nothing cached):
    // the digests differ.
    let wrong = access_key::generate(&key[3..25]).unwrap();
    assert_eq!(server.api(wrong.key()).me_status().await, 401);
    let api = Arc::new(server.api(&key));
    let mut requests = Vec::new();
    for _ in 0..16 {
        let api = api.clone();
        requests.push(tokio::spawn(async move { api.me_status().await }));
    }
    for request in requests {
        assert_eq!(request.await.unwrap(), 200);
    }
    assert_eq!(server.api(wrong.key()).me_status().await, 401);
    server.stop();
    assert!(
        !server.stderr().contains(LOG_ARGON2ID),
        "{}",
        server.stderr()
    );
    let mut args = vec!["export".to_owned()];
    args.extend(server.store_args());
    let out = run_admin(&args, None);
    assert!(out.status.success());
    let hashes = stored_hashes(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(hashes[&key_id(&key)], digest_of(&key));
    assert_eq!(
        hashes[&key_id(&server.admin_key)],
        digest_of(&server.admin_key),
        "the bootstrap key too"
    );
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_a_503_in_the_error_shape() {
    // A crowd of wrong secrets for one key still stored with argon2id
    // queues for it (one cold verification per key at a time, ~20 ms each,
    // and a wrong secret never replaces the hash), so the last of them wait
    // longer than the one second allowed.
    let keys = legacy_keys();
    let store = legacy_store();
    let server = Server::spawn(
        store.dir.clone(),
        store.database.clone(),
        vec![
            ("LATCHKEY_REQUEST_TIMEOUT_SECONDS".into(), "1".into()),
            ("LATCHKEY_AUTH_FAILURE_BURST".into(), "100000".into()),
        ],
    );
    let mut requests = Vec::new();
    for _ in 0..150 {
        let guess = access_key::generate(&keys.target[3..25]).unwrap();
        let api = server.api(guess.key());
        requests.push(tokio::spawn(async move { api.get("/v3/me").await }));
    }
    let mut timed_out = 0;
    for request in requests {
        let response = request.await.unwrap();
        if response.status == 503 {
            // The shape, and the same request id in header and body.
            response.expect_error(503, "service_unavailable");
            timed_out += 1;
        } else {
            assert_eq!(response.status, 401);
        }
    }
    assert!(timed_out > 0, "no request ran over the limit");
    // The server is still whole: the key works, nothing changed.
    assert_eq!(server.api(&keys.target).me_status().await, 200);
}
