//! Who may do what, limits, statuses, and how fast a change takes effect:
//! the permission matrix (`:own` vs `:any`, scopes ∩ groups, Administrators
//! membership), plan limits under racing creations, every status path, and
//! revocation under concurrent use.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::{Api, Member, Server, id, ids, member};
use serde_json::{Value, json};

async fn administrators(admin: &Api) -> String {
    let groups = admin.get("/v3/policy-groups").await;
    let group = groups.expect(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["built_in"] == true)
        .unwrap()
        .clone();
    id(&group)
}

#[tokio::test]
async fn own_versus_any_and_scopes_within_groups() {
    let server = Server::start_with(&[]);
    let operator = server.admin();
    let tenant = operator
        .post(
            "/v3/accounts",
            json!({ "name": "T", "plan": "custom", "limits": { "applications": 20, "access_keys_per_application": 5, "jwt_keys_per_application": 2 } }),
        )
        .await
        .expect(201)
        .clone();
    let admin = server.api(tenant["key"].as_str().unwrap());
    let admin_app = id(&tenant["admin_application"]);
    let own: Vec<String> = ["view", "create", "edit", "revoke", "delete"]
        .iter()
        .flat_map(|verb| {
            [
                format!("applications:{verb}:own"),
                format!("keys:{verb}:own"),
            ]
        })
        .collect();
    let Member {
        app: ada_app,
        api: ada,
        ..
    } = member(&server, &admin, "ada", json!(own)).await;

    // :own sees and acts on its own applications only.
    assert_eq!(
        ids(ada.get("/v3/applications").await.expect(200)),
        std::slice::from_ref(&ada_app)
    );
    ada.get(&format!("/v3/applications/{admin_app}"))
        .await
        .expect_error(403, "forbidden");
    ada.get(&format!("/v3/applications/{admin_app}/access-keys"))
        .await
        .expect_error(403, "forbidden");
    ada.post(
        &format!("/v3/applications/{admin_app}/access-keys"),
        json!({ "name": "x" }),
    )
    .await
    .expect_error(403, "forbidden");
    ada.put(
        &format!("/v3/applications/{admin_app}"),
        json!({ "status": "revoked" }),
    )
    .await
    .expect_error(403, "forbidden");
    let account_keys = ada.get("/v3/access-keys").await;
    let visible = ids(account_keys.expect(200));
    assert_eq!(visible.len(), 1, "only the key of ada's own application");
    let created = ada.app("ada-second").await;
    let me = ada.get("/v3/me").await.body["user"]["id"].clone();
    assert_eq!(created["created_by"], me);
    let (scoped, scoped_secret) = ada
        .key_with(
            &ada_app,
            json!({ "name": "ada-scoped", "scopes": ["keys:view:own"] }),
        )
        .await;
    assert_eq!(scoped["scopes"], json!(["keys:view:own"]));
    // Scopes beyond the owner's permissions, or for another owner: refused.
    let beyond = ada
        .post(
            &format!("/v3/applications/{ada_app}/access-keys"),
            json!({ "name": "wide", "scopes": ["keys:view:any"] }),
        )
        .await;
    assert_eq!(beyond.expect_error(400, "validation_error"), ["scopes"]);
    let for_admin = ada
        .post(
            "/v3/applications",
            json!({ "name": "for-admin", "created_by": tenant["admin_user"]["id"] }),
        )
        .await;
    for_admin.expect_error(403, "forbidden");
    ada.get("/v3/users").await.expect_error(403, "forbidden");
    ada.post("/v3/policy-groups", json!({ "name": "mine" }))
        .await
        .expect_error(403, "forbidden");

    // A scoped key is its groups ∩ its scopes, and mints only scoped keys.
    let narrow = server.api(&scoped_secret);
    assert_eq!(
        narrow.get("/v3/me").await.expect(200)["permissions"],
        json!(["keys:view:own"])
    );
    narrow
        .get("/v3/applications")
        .await
        .expect_error(403, "forbidden");
    assert_eq!(
        narrow
            .get(&format!("/v3/applications/{ada_app}/access-keys"))
            .await
            .status,
        200
    );

    // :any reaches every application of the account.
    let viewer = member(&server, &admin, "viewer", json!(["applications:view:any"]))
        .await
        .api;
    let all = viewer.get("/v3/applications").await;
    assert!(ids(all.expect(200)).contains(&admin_app));

    // Joining Administrators grants everything at once; leaving takes it back at once.
    let administrators = administrators(&admin).await;
    let members = format!("/v3/policy-groups/{administrators}/applications");
    admin
        .post(&members, json!({ "ids": [ada_app] }))
        .await
        .expect(204);
    assert_eq!(
        ada.get(&format!("/v3/applications/{admin_app}"))
            .await
            .status,
        200
    );
    assert_eq!(ada.get("/v3/users").await.status, 200);
    admin
        .delete_with(&members, json!({ "ids": [ada_app] }))
        .await
        .expect(204);
    ada.get(&format!("/v3/applications/{admin_app}"))
        .await
        .expect_error(403, "forbidden");
}

#[tokio::test]
async fn limits_hold_under_racing_creations() {
    let server = Server::start();
    let admin = server.admin();
    // Free plan: 4 applications, the admin application included.
    let mut results = Vec::new();
    let mut tasks = Vec::new();
    for n in 0..20 {
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            admin
                .post("/v3/applications", json!({ "name": format!("race-{n}") }))
                .await
        }));
    }
    for task in tasks {
        results.push(task.await.unwrap());
    }
    let created = results.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 3, "exactly the room left");
    for refused in results.iter().filter(|r| r.status != 201) {
        refused.expect_error(409, "limit_exceeded");
    }
    let listed = admin.get("/v3/applications?include=total_count").await;
    assert_eq!(listed.expect(200)["total_count"], 4);

    // 2 access keys per application, raced.
    let app = id(&results.iter().find(|r| r.status == 201).unwrap().body);
    let mut tasks = Vec::new();
    for n in 0..20 {
        let admin = admin.clone();
        let path = format!("/v3/applications/{app}/access-keys");
        tasks.push(tokio::spawn(async move {
            admin
                .post(&path, json!({ "name": format!("key-{n}") }))
                .await
        }));
    }
    let mut keys = Vec::new();
    for task in tasks {
        keys.push(task.await.unwrap());
    }
    let made: Vec<&common::Resp> = keys.iter().filter(|r| r.status == 201).collect();
    assert_eq!(made.len(), 2);
    for refused in keys.iter().filter(|r| r.status != 201) {
        refused.expect_error(409, "limit_exceeded");
    }
    // Inactive keys count; revoked and expired ones do not.
    let first = format!("/v3/applications/{app}/access-keys/{}", id(&made[0].body));
    let second = format!("/v3/applications/{app}/access-keys/{}", id(&made[1].body));
    admin
        .put(&first, json!({ "status": "inactive" }))
        .await
        .expect(200);
    admin
        .post(
            &format!("/v3/applications/{app}/access-keys"),
            json!({ "name": "more" }),
        )
        .await
        .expect_error(409, "limit_exceeded");
    admin
        .put(&first, json!({ "status": "revoked" }))
        .await
        .expect(200);
    admin
        .put(&second, json!({ "expiration": "2001-01-01T00:00:00Z" }))
        .await
        .expect(200);
    admin.key(&app, "more-1").await;
    admin.key(&app, "more-2").await;
    // Bringing the expired key back would overshoot? It is allowed to come
    // back (the limit governs creations), as documented.
    admin
        .post(
            &format!("/v3/applications/{app}/access-keys"),
            json!({ "name": "more-3" }),
        )
        .await
        .expect_error(409, "limit_exceeded");
}

#[tokio::test]
async fn every_key_status_path() {
    let server = Server::start();
    let admin = server.admin();
    let administrators = administrators(&admin).await;
    let app = admin
        .post(
            "/v3/applications",
            json!({ "name": "svc", "group_ids": [administrators] }),
        )
        .await
        .expect(201)
        .clone();
    let app_id = id(&app);
    let (key, secret) = admin.key(&app_id, "k").await;
    let path = format!("/v3/applications/{app_id}/access-keys/{}", id(&key));
    let api = server.api(&secret);
    assert_eq!(api.me_status().await, 200);

    let step = |body: Value| {
        let admin = admin.clone();
        let path = path.clone();
        async move { admin.put(&path, body).await }
    };
    assert_eq!(
        step(json!({ "status": "inactive" })).await.expect(200)["status"],
        "inactive"
    );
    assert_eq!(api.me_status().await, 401);
    assert_eq!(
        step(json!({ "status": "active" })).await.expect(200)["status"],
        "active"
    );
    assert_eq!(api.me_status().await, 200);
    let past = step(json!({ "expiration": "2001-01-01T00:00:00Z" })).await;
    assert_eq!(past.expect(200)["status"], "expired");
    assert_eq!(api.me_status().await, 401);
    let expired = admin.get("/v3/access-keys?status=expired").await;
    assert_eq!(ids(expired.expect(200)), [id(&key)]);
    let future = step(json!({ "expiration": "2999-01-01T00:00:00Z" })).await;
    assert_eq!(future.expect(200)["status"], "active");
    assert_eq!(api.me_status().await, 200);
    // An expiration a moment away: the cached verification ends with it.
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_millis(1500);
    step(json!({ "expiration": soon.to_string() }))
        .await
        .expect(200);
    assert_eq!(api.me_status().await, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    assert_eq!(api.me_status().await, 401, "expired while cached");
    let never = step(json!({ "expiration": null })).await;
    assert_eq!(never.expect(200)["expiration"], Value::Null);
    assert_eq!(api.me_status().await, 200);
    assert_eq!(
        step(json!({ "status": "revoked" })).await.expect(200)["status"],
        "revoked"
    );
    assert_eq!(api.me_status().await, 401);
    step(json!({ "status": "active" }))
        .await
        .expect_error(409, "conflict");
    step(json!({ "expiration": "2999-01-01T00:00:00Z" }))
        .await
        .expect_error(409, "conflict");
    let listed = admin
        .get(&format!("/v3/applications/{app_id}/access-keys"))
        .await;
    assert!(
        ids(listed.expect(200)).is_empty(),
        "revoked keys are hidden by default"
    );
    let revoked = admin
        .get(&format!(
            "/v3/applications/{app_id}/access-keys?status=revoked"
        ))
        .await;
    assert_eq!(ids(revoked.expect(200)), [id(&key)]);
    admin.delete(&path).await.expect(204);

    // Revoking the application stops its keys; revoked is terminal.
    let (_, other) = admin.key(&app_id, "k2").await;
    assert_eq!(server.api(&other).me_status().await, 200);
    admin
        .put(
            &format!("/v3/applications/{app_id}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    assert_eq!(server.api(&other).me_status().await, 401);
    admin
        .post(
            &format!("/v3/applications/{app_id}/access-keys"),
            json!({ "name": "k3" }),
        )
        .await
        .expect_error(409, "conflict");
}

#[tokio::test]
async fn revocation_takes_effect_at_once_under_concurrent_use() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin.app("hot").await;
    let app_id = id(&app);
    let (key, secret) = admin.key(&app_id, "hot-key").await;
    let api = server.api(&secret);
    assert_eq!(api.me_status().await, 200);

    let revoked_at: Arc<std::sync::Mutex<Option<Instant>>> = Arc::default();
    let mut workers = Vec::new();
    for _ in 0..8 {
        let api = api.clone();
        let revoked_at = revoked_at.clone();
        workers.push(tokio::spawn(async move {
            let mut late_successes = 0;
            let mut successes = 0;
            for _ in 0..400 {
                let started = Instant::now();
                let status = api.me_status().await;
                let after_revoke = revoked_at.lock().unwrap().is_some_and(|at| started > at);
                if status == 200 {
                    successes += 1;
                    if after_revoke {
                        late_successes += 1;
                    }
                } else if after_revoke {
                    break;
                }
            }
            (successes, late_successes)
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let path = format!("/v3/applications/{app_id}/access-keys/{}", id(&key));
    admin
        .put(&path, json!({ "status": "revoked" }))
        .await
        .expect(200);
    *revoked_at.lock().unwrap() = Some(Instant::now());
    let mut total = 0;
    for worker in workers {
        let (successes, late) = worker.await.unwrap();
        total += successes;
        assert_eq!(
            late, 0,
            "no request started after the revoke's answer succeeds"
        );
    }
    assert!(total > 0, "the key was in use before the revoke");
    assert_eq!(api.me_status().await, 401);
}
