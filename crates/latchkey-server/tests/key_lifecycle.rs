//! Key rotation and the account's key policy over HTTP, against the real
//! server: a roll with a short grace (both keys work, then only the new
//! one), the permissions and limits a roll needs, and a policy that binds
//! creations, updates and rolls (`400` naming `expiration`) and that only
//! `account:edit` may change.

mod common;

use std::time::Duration;

use common::{Server, id, member};
use serde_json::json;

fn roll_path(app: &str, key: &str) -> String {
    format!("/v3/applications/{app}/access-keys/{key}/roll")
}

#[tokio::test]
async fn a_roll_with_a_grace_keeps_both_keys_working_until_it_ends() {
    let server = Server::start();
    let admin = server.admin();
    let app = id(&admin.app("rotated").await);
    let (old, old_secret) = admin
        .key_with(
            &app,
            json!({ "name": "ci", "description": "deploys", "scopes": ["keys:view:own"] }),
        )
        .await;
    let old_api = server.api(&old_secret);
    assert_eq!(old_api.me_status().await, 200);

    let rolled = admin
        .post(&roll_path(&app, &id(&old)), json!({ "grace_seconds": 2 }))
        .await;
    let rolled = rolled.expect(201).clone();
    assert_eq!(rolled["object"], "access_key");
    assert_eq!(rolled["name"], "ci-rolled-1");
    assert_eq!(rolled["description"], "deploys");
    assert_eq!(rolled["scopes"], json!(["keys:view:own"]));
    assert_eq!(rolled["expiration"], old["expiration"]);
    assert_eq!(rolled["rolled"]["id"], old["id"]);
    assert!(rolled["rolled"]["expiration"].is_string());
    let new_secret = rolled["key"].as_str().unwrap();
    assert!(new_secret.starts_with("ak_"));
    let new_api = server.api(new_secret);

    // Audited: the roll on the old key, then the new key's creation.
    let log = admin
        .get("/v3/audit-log?limit=1000")
        .await
        .expect(200)
        .clone();
    let records = log["data"].as_array().unwrap();
    let [.., roll, created] = &records[..] else {
        panic!("{log}");
    };
    assert_eq!(roll["action"], "access_key.roll");
    assert_eq!(roll["target"]["id"], old["id"]);
    assert_eq!(roll["changes"]["new_key_id"], json!([null, rolled["id"]]));
    assert_eq!(
        roll["changes"]["expiration"],
        json!([old["expiration"], rolled["rolled"]["expiration"]])
    );
    assert_eq!(roll["actor"]["via"], "access_key");
    assert_eq!(created["action"], "access_key.create");
    assert_eq!(created["target"]["id"], rolled["id"]);

    // During the grace both keys work (the old one was verified and cached
    // before the roll: the roll's commit must not leave it stale either way).
    assert_eq!(old_api.me_status().await, 200);
    assert_eq!(new_api.me_status().await, 200);
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    assert_eq!(old_api.me_status().await, 401, "the grace is over");
    assert_eq!(new_api.me_status().await, 200);
    let old_now = admin
        .get(&format!("/v3/applications/{app}/access-keys/{}", id(&old)))
        .await;
    assert_eq!(old_now.expect(200)["status"], "expired");

    // A stopped key cannot be rolled again.
    admin
        .post(&roll_path(&app, &id(&old)), json!({ "grace_seconds": 0 }))
        .await
        .expect_error(409, "conflict");
}

#[tokio::test]
async fn a_roll_without_grace_stops_the_old_key_at_once_and_frees_its_room() {
    let server = Server::start();
    let admin = server.admin();
    let app = id(&admin.app("full").await);
    let (first, first_secret) = admin.key(&app, "one").await;
    admin.key(&app, "two").await;
    let first_api = server.api(&first_secret);
    assert_eq!(first_api.me_status().await, 200);

    // Two keys is the plan's limit: with a grace both would count.
    let full = admin
        .post(
            &roll_path(&app, &id(&first)),
            json!({ "grace_seconds": 60 }),
        )
        .await;
    full.expect_error(409, "limit_exceeded");
    assert_eq!(first_api.me_status().await, 200, "nothing changed");

    let rolled = admin
        .post(
            &roll_path(&app, &id(&first)),
            json!({ "grace_seconds": 0, "name": "one-next" }),
        )
        .await;
    let rolled = rolled.expect(201).clone();
    assert_eq!(rolled["name"], "one-next");
    assert_eq!(first_api.me_status().await, 401);
    assert_eq!(
        server
            .api(rolled["key"].as_str().unwrap())
            .me_status()
            .await,
        200
    );
}

#[tokio::test]
async fn a_roll_is_checked_like_a_new_key() {
    let server = Server::start();
    let admin = server.admin();
    let app = id(&admin.app("workers").await);
    let (key, _) = admin.key(&app, "worker").await;
    let path = roll_path(&app, &id(&key));

    // Bodies are strict; the grace is bounded.
    let fields = admin
        .post(&path, json!({ "grace_seconds": 604_801 }))
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["grace_seconds"]);
    let fields = admin
        .post(&path, json!({ "grace_seconds": 1, "scopes": [] }))
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["scopes"]);

    // Creating keys without editing them is not enough.
    let creator = member(
        &server,
        &admin,
        "creator",
        json!(["keys:create:any", "keys:view:any"]),
    )
    .await;
    creator
        .api
        .post(&path, json!({ "grace_seconds": 1 }))
        .await
        .expect_error(403, "forbidden");
    // A credential that may create and edit keys, but holds less than the
    // admin's unscoped key, cannot roll that key into a new one.
    let editor = member(
        &server,
        &admin,
        "editor",
        json!(["keys:create:any", "keys:edit:any", "keys:view:any"]),
    )
    .await;
    editor
        .api
        .post(&path, json!({ "grace_seconds": 1 }))
        .await
        .expect_error(403, "forbidden");
    // Nothing changed.
    let after = admin
        .get(&format!("/v3/applications/{app}/access-keys/{}", id(&key)))
        .await;
    assert_eq!(after.expect(200)["expiration"], key["expiration"]);
}

#[tokio::test]
async fn the_key_policy_binds_new_keys_updates_and_rolls() {
    let server = Server::start();
    let admin = server.admin();
    let policy = admin.get("/v3/accounts/me/policy").await;
    assert_eq!(
        *policy.expect(200),
        json!({
            "object": "key_policy",
            "max_key_lifetime_days": null,
            "require_expiration": false,
            "deactivate_unused_after_days": null,
            "exposed_key_action": "revoke",
        })
    );
    let app = id(&admin.app("workers").await);
    let (unbounded, _) = admin.key(&app, "unbounded").await;

    // Only `account:edit` changes the policy.
    let viewer = member(&server, &admin, "viewer", json!(["account:view"])).await;
    viewer.api.get("/v3/accounts/me/policy").await.expect(200);
    viewer
        .api
        .put(
            "/v3/accounts/me/policy",
            json!({ "require_expiration": false }),
        )
        .await
        .expect_error(403, "forbidden");

    let fields = admin
        .put(
            "/v3/accounts/me/policy",
            json!({ "max_key_lifetime_days": 0, "exposed_key_action": "shout" }),
        )
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["exposed_key_action"]);
    let fields = admin
        .put(
            "/v3/accounts/me/policy",
            json!({ "max_key_lifetime_days": 0 }),
        )
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["max_key_lifetime_days"]);
    let set = admin
        .put(
            "/v3/accounts/me/policy",
            json!({ "max_key_lifetime_days": 30, "exposed_key_action": "deactivate" }),
        )
        .await;
    assert_eq!(set.expect(200)["max_key_lifetime_days"], 30);
    assert_eq!(
        admin.get("/v3/accounts/me/policy").await.expect(200)["exposed_key_action"],
        "deactivate"
    );

    let in_days = |days: i64| {
        (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(days * 86_400)).to_string()
    };
    let keys = format!("/v3/applications/{app}/access-keys");
    for body in [
        json!({ "name": "forever" }),
        json!({ "name": "long", "expiration": in_days(31) }),
    ] {
        let fields = admin
            .post(&keys, body)
            .await
            .expect_error(400, "validation_error");
        assert_eq!(fields, ["expiration"]);
    }
    let (month, _) = admin
        .key_with(&app, json!({ "name": "month", "expiration": in_days(20) }))
        .await;
    let fields = admin
        .put(
            &format!("{keys}/{}", id(&month)),
            json!({ "expiration": null }),
        )
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["expiration"]);
    // The key made before the policy has no expiration: its roll would
    // inherit that, which the policy refuses.
    let fields = admin
        .post(
            &roll_path(&app, &id(&unbounded)),
            json!({ "grace_seconds": 0 }),
        )
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["expiration"]);
    admin
        .post(&roll_path(&app, &id(&month)), json!({ "grace_seconds": 0 }))
        .await
        .expect(201);
    // JWT keys are bound alike.
    let signing =
        latchkey_core::jwt::SigningKey::generate(latchkey_core::jwt::Algorithm::EdDSA).unwrap();
    let jwt_keys = format!("/v3/applications/{app}/jwt-keys");
    let public_key = signing.verifying_key().to_spki_pem();
    let fields = admin
        .post(
            &jwt_keys,
            json!({ "name": "signer", "public_key": public_key }),
        )
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["expiration"]);
    admin
        .post(
            &jwt_keys,
            json!({ "name": "signer", "public_key": public_key, "expiration": in_days(10) }),
        )
        .await
        .expect(201);
}
