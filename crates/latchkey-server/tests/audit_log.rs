//! `GET /v3/audit-log` against the real server: each change is in the log
//! with its request id, client address and credential; `audit:view` is
//! needed, and can only be passed on by someone holding it; the log is the
//! caller's account's only; filters and cursors work; a bad filter is a 400
//! naming it; no key secret is ever in it.

mod common;

use common::{Member, Server, id, ids, member};
use serde_json::{Value, json};

async fn log(api: &common::Api, query: &str) -> Vec<Value> {
    let page = api.get(&format!("/v3/audit-log{query}")).await;
    page.expect(200)["data"].as_array().unwrap().clone()
}

fn actions(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_change_is_recorded_with_its_request_and_credential() {
    let server = Server::start();
    let admin = server.admin();
    let me = admin.get("/v3/me").await.expect(200).clone();
    let app = admin.app("billing").await;
    let (key, secret) = admin.key(&id(&app), "ci").await;
    let update = admin
        .put(
            &format!("/v3/applications/{}/access-keys/{}", id(&app), id(&key)),
            json!({ "status": "inactive" }),
        )
        .await;
    update.expect(200);
    let request_id = update.header("x-request-id").unwrap();

    let records = log(&admin, "?action=access_key.update").await;
    assert_eq!(records.len(), 1, "{records:#?}");
    let record = &records[0];
    assert_eq!(record["object"], "audit_record");
    assert!(record["id"].as_str().unwrap().starts_with("aud_"));
    assert_eq!(record["request_id"], request_id);
    assert_eq!(record["ip"], "127.0.0.1");
    assert_eq!(
        record["target"],
        json!({ "type": "access_key", "id": id(&key) })
    );
    assert_eq!(
        record["changes"],
        json!({ "status": ["active", "inactive"] })
    );
    assert_eq!(record["actor"]["via"], "access_key");
    assert_eq!(record["actor"]["user_id"], me["user"]["id"]);
    assert_eq!(record["actor"]["application_id"], me["application"]["id"]);
    assert_eq!(record["actor"]["credential_id"], me["credential"]["id"]);
    let all = admin.get("/v3/audit-log?limit=1000").await;
    let text = all.expect(200).to_string();
    assert!(text.contains(&id(&key)));
    assert!(!text.contains(&secret), "a key is in the log");
    assert!(
        !text.contains(&server.admin_key),
        "the admin key is in the log"
    );
    assert!(!text.contains("sha256:"), "a digest is in the log");
    let created = log(&admin, &format!("?target_id={}", id(&key))).await;
    assert_eq!(
        actions(&created),
        ["access_key.create", "access_key.update"]
    );
    assert_eq!(
        created[0]["changes"]["key_prefix"],
        json!([null, key["key_prefix"]])
    );
}

#[tokio::test]
async fn reading_the_log_needs_audit_view_and_shows_one_account() {
    let server = Server::start();
    let operator = server.admin();
    let tenant = operator
        .post("/v3/accounts", json!({ "name": "T", "plan": "commercial" }))
        .await
        .expect(201)
        .clone();
    let admin = server.api(tenant["key"].as_str().unwrap());
    let Member { api: reader, .. } = member(&server, &admin, "reader", json!(["audit:view"])).await;
    let Member { api: viewer, .. } = member(
        &server,
        &admin,
        "viewer",
        json!(["account:view", "keys:view:any"]),
    )
    .await;
    let refused = viewer.get("/v3/audit-log").await;
    refused.expect_error(403, "forbidden");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("audit:view"),
        "{:#}",
        refused.body
    );

    let tenant_log = log(&reader, "?limit=1000").await;
    let account = tenant["id"].as_str().unwrap();
    assert!(!tenant_log.is_empty());
    assert!(tenant_log.iter().all(|r| r["account_id"] == account));
    // The operator's own changes stay in the operator's log.
    operator.app("operator-only").await;
    let operator_log = log(&operator, "?action=application.create&limit=1000").await;
    assert!(operator_log.iter().any(|r| r["target"]["id"].is_string()));
    let tenant_apps = log(&reader, "?action=application.create&limit=1000").await;
    let operator_apps: Vec<_> = operator_log
        .iter()
        .map(|r| r["target"]["id"].clone())
        .collect();
    assert!(
        tenant_apps
            .iter()
            .all(|r| !operator_apps.contains(&r["target"]["id"]))
    );
    // The tenant's creation is in the tenant's log, made by the operator,
    // who is shown by how it came in only: no id of the operator's account
    // shows in a tenant's log.
    let made = log(&reader, "?action=account.create").await;
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["actor"]["via"], "access_key");
    assert!(made[0]["actor"]["user_id"].is_null());
    assert!(made[0]["actor"]["credential_id"].is_null());
    let operator_me = operator.get("/v3/me").await.expect(200).clone();
    let tenant_text = serde_json::to_string(&log(&reader, "?limit=1000").await).unwrap();
    for id in [
        &operator_me["user"]["id"],
        &operator_me["application"]["id"],
        &operator_me["credential"]["id"],
        &operator_me["account"]["id"],
    ] {
        assert!(
            !tenant_text.contains(id.as_str().unwrap()),
            "{id} in a tenant's log"
        );
    }
    // The operator's own log keeps the creation with the operator in full.
    let own = log(
        &operator,
        &format!("?action=account.create&target_id={account}"),
    )
    .await;
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["account_id"], operator_me["account"]["id"]);
    assert_eq!(own[0]["actor"]["user_id"], operator_me["user"]["id"]);
    // So does a change of the tenant's plan.
    operator
        .put(
            &format!("/v3/accounts/{account}"),
            json!({ "plan": "free" }),
        )
        .await
        .expect(200);
    let changed = log(
        &operator,
        &format!("?action=account.update&target_id={account}"),
    )
    .await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["changes"]["plan"], json!(["commercial", "free"]));
    let seen = log(&reader, "?action=account.update").await;
    assert_eq!(seen.len(), 1);
    assert!(seen[0]["actor"]["user_id"].is_null());
}

#[tokio::test]
async fn audit_view_is_passed_on_only_by_who_holds_it() {
    let server = Server::start();
    let admin = server.admin();
    // A group manager without audit:view cannot make a group that has it,
    // nor give it to a group, nor scope a key to it.
    let Member {
        api: manager,
        app: manager_app,
        ..
    } = member(
        &server,
        &admin,
        "manager",
        json!(["groups:manage", "keys:create:own", "applications:view:own"]),
    )
    .await;
    let refused = manager
        .post(
            "/v3/policy-groups",
            json!({ "name": "spies", "permissions": ["audit:view"] }),
        )
        .await;
    assert_eq!(refused.expect_error(403, "forbidden"), ["permissions"]);
    let scoped = manager
        .post(
            &format!("/v3/applications/{manager_app}/access-keys"),
            json!({ "name": "peek", "scopes": ["audit:view"] }),
        )
        .await;
    assert!(
        scoped.status == 400 || scoped.status == 403,
        "{:#}",
        scoped.body
    );
    manager
        .get("/v3/audit-log")
        .await
        .expect_error(403, "forbidden");
    // The refusals changed nothing, so they wrote nothing.
    let groups = log(&admin, "?action=group.create&limit=1000").await;
    assert!(groups.iter().all(|r| r["changes"]["name"][1] != "spies"));
}

#[tokio::test]
async fn filters_and_cursors() {
    let server = Server::start();
    let admin = server.admin();
    let before = log(&admin, "?limit=1000").await.len();
    let start = jiff::Timestamp::now();
    for name in ["a", "b", "c"] {
        admin.app(name).await;
    }
    let all = log(&admin, "?limit=1000").await;
    assert_eq!(all.len(), before + 3);
    let since = log(&admin, &format!("?since={start}")).await;
    assert_eq!(actions(&since), ["application.create"; 3]);
    let until = log(&admin, &format!("?until={start}&limit=1000")).await;
    assert_eq!(until.len(), before);
    let me = admin.get("/v3/me").await.expect(200).clone();
    let mine = log(
        &admin,
        &format!(
            "?actor_user_id={}&limit=1000",
            me["user"]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(mine.len(), 3, "the bootstrap was the system's");

    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = admin
            .get(&format!(
                "/v3/audit-log?limit=2&order=DESC&include=total_count{after}"
            ))
            .await;
        let body = page.expect(200).clone();
        assert_eq!(body["total_count"], all.len());
        seen.extend(ids(&body));
        if body["has_more"] != true {
            break;
        }
        after = format!("&after={}", body["after"].as_str().unwrap());
    }
    let mut expected: Vec<String> = all.iter().map(id).collect();
    expected.reverse();
    assert_eq!(seen, expected);

    for (query, field) in [
        ("action=access_key.steal", "action"),
        ("actor_user_id=app_nope", "actor_user_id"),
        ("since=yesterday", "since"),
        ("until=2026-13-01", "until"),
        ("limit=0", "limit"),
        ("after=key_0000000000000000000000", "after"),
        ("colour=red", "colour"),
    ] {
        let refused = admin.get(&format!("/v3/audit-log?{query}")).await;
        assert_eq!(refused.status, 400, "{query}");
        let fields = refused.expect_error(400, "validation_error");
        assert_eq!(fields, [field], "{query}");
    }
}

#[tokio::test]
async fn failed_authentications_are_counted_not_logged_one_by_one() {
    let server = Server::start_with(&[("LATCHKEY_AUTH_FAILURE_BURST", "1000")]);
    let admin_key = server.admin_key.clone();
    let admin = server.admin();
    let app = admin.app("target").await;
    let (key, secret) = admin.key(&id(&app), "attacked").await;
    assert_eq!(server.api(&secret).me_status().await, 200);
    let key_id = id(&key);
    let body = key_id.strip_prefix("key_").unwrap();
    let attempts = 25;
    for _ in 0..attempts {
        let wrong = latchkey_core::access_key::generate(body).unwrap();
        assert_eq!(server.api(wrong.key()).me_status().await, 401);
    }
    // Shutting down writes the current minute's counts.
    let server = server.restart();
    let admin = server.api(&admin_key);
    let records = log(
        &admin,
        &format!("?action=authentication.failed&target_id={key_id}"),
    )
    .await;
    assert!(
        (1..=2).contains(&records.len()),
        "one record per minute, not one per attempt: {records:#?}"
    );
    let counted: u64 = records
        .iter()
        .map(|r| r["changes"]["failures"][1].as_u64().unwrap())
        .sum();
    assert_eq!(counted, attempts);
    for record in &records {
        assert_eq!(record["ip"], "127.0.0.1");
        assert_eq!(record["actor"]["via"], "access_key");
        assert_eq!(record["actor"]["credential_id"], key_id);
        assert_eq!(record["target"]["type"], "credential");
    }
    let text = admin
        .get("/v3/audit-log?limit=1000")
        .await
        .expect(200)
        .to_string();
    assert!(!text.contains(&secret));
}

fn run_admin(args: &[String]) -> std::process::Output {
    std::process::Command::new(common::BIN)
        .arg("admin")
        .args(args)
        .env_remove("LATCHKEY_DATABASE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_log_is_exported_and_swept_past_its_retention() {
    let mut source = Server::start();
    let admin_key = source.admin_key.clone();
    source.admin().app("kept").await;
    source.stop();
    let mut export = vec!["export".to_owned()];
    export.extend(source.store_args());
    let out = run_admin(&export);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("audit record"));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let records: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i]["kind"] == "audit_record")
        .collect();
    assert!(records.len() >= 6, "bootstrap and the application: {text}");
    // Make the first record two years old (its id is time-ordered too).
    let old = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2 * 365 * 24);
    let old_id = latchkey_core::id::AuditRecordId::from_u128(
        (u128::try_from(old.as_millisecond()).unwrap() << 80) | 7,
    );
    let first = records[0];
    lines[first]["record"]["at"] = json!(old.to_string());
    lines[first]["record"]["id"] = json!(old_id.to_string());
    let kept_id = lines[records[1]]["record"]["id"].clone();
    let edited: String = lines.iter().map(|l| format!("{l}\n")).collect();

    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let database =
        common::on_postgres().then(|| std::sync::Arc::new(common::TestDatabase::create()));
    let file = dir.path().join("edited.jsonl");
    std::fs::write(&file, edited).unwrap();
    let mut import = vec![
        "import".to_owned(),
        "--in".into(),
        file.display().to_string(),
    ];
    match &database {
        Some(database) => import.extend(["--database".into(), database.url.clone()]),
        None => import.extend([
            "--data".into(),
            dir.path().join("latchkey.redb").display().to_string(),
        ]),
    }
    let out = run_admin(&import);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let restored = Server::spawn(
        dir,
        database,
        vec![("LATCHKEY_AUDIT_SWEEP_SECONDS".into(), "1".into())],
    );
    let admin = restored.api(&admin_key);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let ids: Vec<String> = log(&admin, "?limit=1000").await.iter().map(id).collect();
        assert!(
            ids.contains(&kept_id.as_str().unwrap().to_owned()),
            "a recent record was swept"
        );
        if !ids.contains(&old_id.to_string()) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the old record is still there"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
