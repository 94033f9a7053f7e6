//! The server as a whole: bootstrap, `/health`, `/v3/me`, discovery, the
//! OpenAPI document, authentication failures, error shapes, restart,
//! recovery and logs.

mod common;

use std::time::Duration;

use common::{Server, id};
use serde_json::json;

fn redact_bootstrap(output: &str, server: &Server) -> String {
    let mut redacted = String::new();
    for word in output.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end();
        let rest = &word[trimmed.len()..];
        let replaced = if trimmed.starts_with("ak_") {
            "[KEY]".to_owned()
        } else if let Some((link, _)) = trimmed.split_once("?token=") {
            format!(
                "{}?token=[TOKEN]",
                link.replace(&server.url, "http://[ADDR]")
            )
        } else if let Some((prefix, _)) = trimmed
            .split_once('_')
            .filter(|(p, body)| ["acc", "usr", "app", "key"].contains(p) && body.len() == 22)
        {
            format!("{prefix}_[ID]")
        } else {
            trimmed.replace(&server.url, "http://[ADDR]")
        };
        redacted.push_str(&replaced);
        redacted.push_str(rest);
    }
    redacted
}

#[tokio::test]
async fn first_start_prints_the_admin_key_once_and_it_answers_me() {
    let server = Server::start();
    assert!(server.admin_key.len() == 74, "{}", server.startup);
    insta::assert_snapshot!(
        "bootstrap_output",
        redact_bootstrap(&server.startup, &server)
    );

    let me = server.admin().get("/v3/me").await;
    let body = me.expect(200);
    assert_eq!(body["object"], "me");
    assert_eq!(body["account"]["operator"], true);
    assert_eq!(body["account"]["plan"], "free");
    assert_eq!(body["application"]["name"], "admin");
    assert_eq!(body["credential"]["object"], "access_key");
    assert_eq!(body["jwt_audience"], server.url);
    let permissions = body["permissions"].as_array().unwrap();
    assert!(permissions.contains(&json!("accounts:manage")));

    // A second start prints no secret.
    let server = server.restart();
    assert!(server.admin_key.is_empty(), "{}", server.startup);
    assert!(!server.startup.contains("ak_"));
    assert!(!server.startup.contains("token="));
}

#[tokio::test]
async fn public_endpoints_and_the_openapi_document() {
    let server = Server::start();
    let anonymous = server.anonymous();
    let health = anonymous.get("/health").await;
    assert_eq!(
        health.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        *health.expect(200),
        json!({"object": "health", "status": "ok"})
    );
    let facts = anonymous.get("/.well-known/latchkey").await;
    let facts = facts.expect(200);
    assert_eq!(facts["jwt_audience"], server.url);
    assert!(
        facts["jwt_algorithms"]
            .as_array()
            .unwrap()
            .contains(&json!("EdDSA"))
    );

    let spec = anonymous.get("/openapi.json").await;
    let spec = spec.expect(200);
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for path in [
        "/v3/me",
        "/v3/accounts",
        "/v3/accounts/{id}",
        "/v3/accounts/me",
        "/v3/users/{id}",
        "/v3/policy-groups/{id}/applications",
        "/v3/policy-groups/{id}/users",
        "/v3/applications/{id}/access-keys/{key_id}",
        "/v3/access-keys",
        "/v3/access-keys/bulk-delete",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} is documented");
    }
    // The committed spec is what the server serves.
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/openapi.json"
        ))
        .expect("spec/openapi.json is committed (cargo xtask codegen)"),
    )
    .unwrap();
    assert_eq!(&committed, spec);

    let docs = reqwest::get(format!("{}/docs/", server.url)).await.unwrap();
    assert_eq!(docs.status(), 200);
    let page = docs.text().await.unwrap();
    assert!(page.contains("swagger"), "the docs page is served");
    let unknown = anonymous.get("/nope").await;
    unknown.expect_error(404, "not_found");
    let wrong_method = anonymous
        .send(reqwest::Method::PATCH, "/health", None)
        .await;
    wrong_method.expect_error(405, "method_not_allowed");
}

#[tokio::test]
async fn every_bad_credential_is_a_401_with_www_authenticate() {
    let server = Server::start();
    let missing = server.anonymous().get("/v3/me").await;
    missing.expect_error(401, "unauthorized");
    assert!(
        missing
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );

    let admin = &server.admin_key;
    let id_body = &admin[3..25];
    let other = latchkey_core::access_key::generate(id_body).unwrap();
    let unknown = latchkey_core::access_key::generate("0000000000000000000042").unwrap();
    let mut bad_checksum = admin.clone();
    bad_checksum.pop();
    bad_checksum.push(if admin.ends_with('A') { 'B' } else { 'A' });
    for (what, credential) in [
        ("malformed", "ak_short".to_owned()),
        ("bad checksum", bad_checksum),
        ("unknown id", unknown.key().to_owned()),
        ("wrong secret", other.key().to_owned()),
        ("not an access key", "eyJhbGciOi.x.y".to_owned()),
    ] {
        let response = server.api(&credential).get("/v3/me").await;
        response.expect_error(401, "unauthorized");
        assert_eq!(
            response.header("www-authenticate").as_deref(),
            Some("Bearer realm=\"latchkey\", error=\"invalid_token\""),
            "{what}"
        );
    }
    // Not the Bearer scheme.
    let basic = server
        .anonymous()
        .http
        .get(format!("{}/v3/me", server.url))
        .header("Authorization", format!("Basic {admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    // The scheme is case-insensitive.
    let lower = server
        .anonymous()
        .http
        .get(format!("{}/v3/me", server.url))
        .header("Authorization", format!("bearer {admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), 200);
    // Never from the query string.
    let query = server
        .anonymous()
        .get(&format!("/v3/me?access_key={admin}&key={admin}"))
        .await;
    query.expect_error(401, "unauthorized");
    // And the real key still works after the wrong one.
    assert_eq!(server.admin().me_status().await, 200);
}

#[tokio::test]
async fn error_bodies_have_one_shape() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin.app("billing").await;
    let app_id = id(&app);

    let mut bodies = Vec::new();
    let invalid = admin
        .post(
            "/v3/applications",
            json!({ "name": " padded", "description": "x".repeat(1001), "group_ids": ["grp_nope"] }),
        )
        .await;
    assert_eq!(
        invalid.expect_error(400, "validation_error"),
        ["group_ids[0]"]
    );
    bodies.push(("invalid_id", invalid.body));
    let invalid = admin
        .post(
            "/v3/applications",
            json!({ "name": " padded", "description": "x".repeat(1001) }),
        )
        .await;
    assert_eq!(
        invalid.expect_error(400, "validation_error"),
        ["name", "description"]
    );
    bodies.push(("validation_error", invalid.body));
    let unknown_field = admin
        .post("/v3/applications", json!({ "name": "x", "colour": "red" }))
        .await;
    assert_eq!(
        unknown_field.expect_error(400, "validation_error"),
        ["colour"]
    );
    bodies.push(("unknown_field", unknown_field.body));
    let missing = admin.post("/v3/applications", json!({})).await;
    assert_eq!(missing.expect_error(400, "validation_error"), ["name"]);
    let limit = admin.get("/v3/applications?limit=0").await;
    assert_eq!(limit.expect_error(400, "validation_error"), ["limit"]);
    bodies.push(("bad_limit", limit.body));
    let duplicate = admin
        .post("/v3/applications", json!({ "name": "billing" }))
        .await;
    duplicate.expect_error(409, "conflict");
    bodies.push(("duplicate", duplicate.body));
    let not_found = admin
        .get("/v3/applications/app_0000000000000000000001")
        .await;
    not_found.expect_error(404, "not_found");
    bodies.push(("not_found", not_found.body));
    let unauthorized = server.anonymous().get("/v3/applications").await;
    unauthorized.expect_error(401, "unauthorized");
    bodies.push(("unauthorized", unauthorized.body));
    let huge = admin
        .put(
            &format!("/v3/applications/{app_id}"),
            json!({ "description": "x".repeat(1024 * 1024 + 1) }),
        )
        .await;
    huge.expect_error(413, "payload_too_large");
    bodies.push(("payload_too_large", huge.body));
    let not_json = admin
        .http
        .post(format!("{}/v3/applications", server.url))
        .header("Authorization", format!("Bearer {}", server.admin_key))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);

    for (name, mut body) in bodies {
        body["request_id"] = json!("[REQUEST_ID]");
        insta::assert_json_snapshot!(format!("error_{name}"), body);
    }
    // Nothing changed.
    let list = admin.get("/v3/applications").await;
    assert_eq!(list.expect(200)["data"].as_array().unwrap().len(), 2);
    let app_now = admin.get(&format!("/v3/applications/{app_id}")).await;
    assert_eq!(app_now.expect(200)["description"], "");
}

#[tokio::test]
async fn restart_keeps_everything_and_writes_last_use() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin.app("billing").await;
    let app_id = id(&app);
    let (key, secret) = admin.key(&app_id, "ci").await;
    let key_id = id(&key);
    assert!(key["last_used_at"].is_null());
    assert_eq!(server.api(&secret).me_status().await, 200);
    let user = admin
        .post("/v3/users", json!({ "email": "ada@example.com" }))
        .await
        .expect(201)
        .clone();

    let admin_key = server.admin_key.clone();
    let server = server.restart();
    assert_eq!(server.api(&secret).me_status().await, 200);
    let admin = server.api(&admin_key);
    assert_eq!(admin.me_status().await, 200);
    let key_path = format!("/v3/applications/{app_id}/access-keys/{key_id}");
    let key = admin.get(&key_path).await;
    assert!(
        key.expect(200)["last_used_at"].is_string(),
        "flushed at shutdown"
    );
    assert_eq!(
        admin
            .get(&format!("/v3/users/{}", id(&user)))
            .await
            .expect(200)["email"],
        "ada@example.com"
    );
}

/// The contract: `last_used_at` shows a key's first use within 5 s (later
/// uses may be a minute late).
#[tokio::test]
async fn a_keys_first_use_shows_within_5_seconds() {
    let server = Server::start();
    let admin = server.admin();
    let app_id = id(&admin.app("billing").await);
    let (key, secret) = admin.key(&app_id, "ci").await;
    let path = format!("/v3/applications/{app_id}/access-keys/{}", id(&key));
    assert!(admin.get(&path).await.expect(200)["last_used_at"].is_null());
    let before = jiff::Timestamp::now();
    assert_eq!(server.api(&secret).me_status().await, 200);
    let (key, waited) = admin
        .get_until_set(&path, "last_used_at", Duration::from_secs(5))
        .await;
    let used: jiff::Timestamp = key["last_used_at"]
        .as_str()
        .unwrap_or_else(|| panic!("the first use is not shown after {waited:?}: {key:#}"))
        .parse()
        .unwrap();
    let second = jiff::SignedDuration::from_secs(1);
    assert!(
        used >= before - second && used <= jiff::Timestamp::now() + second,
        "{used} is not the time of the use ({before})"
    );
}

#[tokio::test]
async fn a_used_secret_never_reaches_the_log() {
    let mut server = Server::start_with(&[("RUST_LOG", "debug")]);
    let admin = server.admin();
    let app = admin.app("billing").await;
    let (_, secret) = admin.key(&id(&app), "ci").await;
    let api = server.api(&secret);
    for _ in 0..3 {
        assert_eq!(api.me_status().await, 200);
    }
    let wrong = latchkey_core::access_key::generate(&secret[3..25]).unwrap();
    assert_eq!(server.api(wrong.key()).me_status().await, 401);
    let _ = server
        .anonymous()
        .get(&format!("/v3/me?key={secret}"))
        .await;
    server.stop();
    let log = server.output();
    assert!(log.contains("request"), "the log has request lines: {log}");
    for needle in [
        &secret[..],
        &secret[25..68],
        wrong.key(),
        &wrong.key()[25..68],
    ] {
        assert!(!log.contains(needle), "a secret is in the log");
    }
    let stderr = server.stderr();
    assert!(
        !stderr.contains(&server.admin_key[25..68]),
        "the admin secret is only on stdout, once"
    );
}

#[tokio::test]
async fn failed_authentications_are_rate_limited_per_address() {
    let server = Server::start_with(&[
        ("LATCHKEY_AUTH_FAILURE_BURST", "5"),
        ("LATCHKEY_AUTH_FAILURES_PER_SECOND", "0.2"),
        ("LATCHKEY_AUTH_THROTTLE_DELAY_MS", "300"),
    ]);
    let admin = server.admin();
    assert_eq!(admin.me_status().await, 200);
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let guess = latchkey_core::access_key::generate(&server.admin_key[3..25]).unwrap();
        let unknown =
            latchkey_core::access_key::generate(&latchkey_core::id::AccessKeyId::generate().body())
                .unwrap();
        statuses.push(server.api(guess.key()).me_status().await);
        let response = server.api(unknown.key()).get("/v3/me").await;
        if response.status == 429 {
            response.expect_error(429, "too_many_requests");
            assert!(
                response
                    .header("retry-after")
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
                    >= 1
            );
        }
        statuses.push(response.status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429));
    // Once the budget is spent, every kind of guess is a 429, answered
    // after the throttle delay: a wrong secret of a known key, an unknown
    // key, a key whose checksum fails.
    let guess = latchkey_core::access_key::generate(&server.admin_key[3..25]).unwrap();
    let mut mistyped = server.admin_key.clone().into_bytes();
    mistyped[30] = if mistyped[30] == b'a' { b'b' } else { b'a' };
    let mistyped = String::from_utf8(mistyped).unwrap();
    for credential in [guess.key(), &mistyped] {
        let started = std::time::Instant::now();
        let response = server.api(credential).get("/v3/me").await;
        response.expect_error(429, "too_many_requests");
        assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    }
    // The verified key keeps working during the flood, without delay.
    assert_eq!(admin.me_status().await, 200);
}

#[tokio::test]
async fn mint_key_recovers_access_on_a_stopped_server() {
    let mut server = Server::start();
    let old = server.admin_key.clone();
    server.stop();
    let output = std::process::Command::new(common::BIN)
        .args(["admin", "mint-key"])
        .args(server.store_args())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    let minted = printed
        .split_whitespace()
        .find(|w| w.starts_with("ak_"))
        .unwrap()
        .to_owned();
    let server = server.restart();
    assert_eq!(server.api(&minted).me_status().await, 200);
    assert_eq!(server.api(&old).me_status().await, 200);
    // Beyond the plan's key limit too: mint again.
    let mut server = server;
    server.stop();
    let again = std::process::Command::new(common::BIN)
        .args(["admin", "mint-key"])
        .args(server.store_args())
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[tokio::test]
async fn a_store_failure_is_a_500_that_tells_nothing() {
    let mut server = Server::start();
    let admin = server.admin();
    let app = admin.app("billing").await;
    server.stop();
    // Damage every stored application record behind the server's back.
    match &server.database {
        Some(database) => {
            let (client, connection) =
                tokio_postgres::connect(&database.url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
            tokio::spawn(connection);
            let damaged = client
                .execute(
                    "UPDATE applications SET doc = '{\"not\": \"an application\"}'",
                    &[],
                )
                .await
                .unwrap();
            assert!(damaged > 0);
        }
        None => damage_redb_applications(&server.data()),
    }
    let admin_key = server.admin_key.clone();
    let mut server = server.restart();
    let response = server
        .api(&admin_key)
        .get(&format!("/v3/applications/{}", id(&app)))
        .await;
    response.expect_error(500, "internal_server_error");
    assert_eq!(response.body["message"], "internal server error");
    let body = response.body.to_string();
    assert!(!body.contains("json") && !body.contains("line"), "{body}");
    // The operator's log has what the client was not told.
    server.stop();
    assert!(
        server.stderr().contains("store failure"),
        "{}",
        server.stderr()
    );
}

/// Overwrites every record of the redb file's `applications` table.
fn damage_redb_applications(data: &std::path::Path) {
    use redb::{ReadableDatabase as _, ReadableTable as _, TableDefinition};
    const APPLICATIONS: TableDefinition<'static, u128, &'static [u8]> =
        TableDefinition::new("applications");
    let db = redb::Database::open(data).unwrap();
    let ids: Vec<u128> = {
        let read = db.begin_read().unwrap();
        let table = read.open_table(APPLICATIONS).unwrap();
        table
            .iter()
            .unwrap()
            .map(|e| e.unwrap().0.value())
            .collect()
    };
    assert!(!ids.is_empty());
    let write = db.begin_write().unwrap();
    {
        let mut table = write.open_table(APPLICATIONS).unwrap();
        for id in ids {
            table.insert(id, &b"{not json"[..]).unwrap();
        }
    }
    write.commit().unwrap();
}

/// Every response carries a request id of the documented shape, distinct
/// from every other request's (concurrent ones too), and an error's body
/// names the same id; one access-log line per request names it as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_are_unique_and_logged_once_each() {
    let mut server = Server::start();
    let mut tasks = Vec::new();
    for n in 0..8 {
        let api = server.anonymous();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..250 {
                let answer = api
                    .get(if n % 2 == 0 {
                        "/health"
                    } else {
                        "/no-such-path"
                    })
                    .await;
                let id = answer
                    .header("x-request-id")
                    .expect("every response has an id");
                if answer.status != 200 {
                    assert_eq!(answer.body["request_id"], json!(id));
                }
                ids.push(id);
            }
            ids
        }));
    }
    let mut seen = std::collections::HashSet::new();
    for task in tasks {
        for id in task.await.unwrap() {
            assert_eq!(id.len(), 36, "{id}");
            assert!(id.starts_with("req_"), "{id}");
            assert!(seen.insert(id.clone()), "{id} answered twice");
        }
    }
    assert_eq!(seen.len(), 2000);
    server.stop();
    let logged: Vec<String> = server
        .stderr()
        .lines()
        .filter_map(|line| {
            let at = line.find("request_id=")? + "request_id=".len();
            Some(line[at..at + 36].to_owned())
        })
        .filter(|id| seen.contains(id))
        .collect();
    assert_eq!(logged.len(), 2000, "one access line per request");
    assert_eq!(
        logged
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        2000
    );
}

/// The access line follows `RUST_LOG` like any other `info` line: a filter
/// that drops `info` for the request context drops every access line, and
/// keeps the other lines it lets through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_lines_follow_the_log_filter() {
    let mut server =
        Server::start_with(&[("RUST_LOG", "info,latchkey_server::request_context=warn")]);
    let api = server.anonymous();
    for _ in 0..20 {
        api.get("/health").await.expect(200);
    }
    server.stop();
    let log = server.stderr();
    assert!(!log.contains("request_id="), "{log}");
    assert!(
        log.contains("shutting down"),
        "other info lines stay: {log}"
    );
}
