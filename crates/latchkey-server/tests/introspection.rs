//! `POST /v3/introspect` against the real server: active credentials of
//! both kinds with whose they are, `{ "active": false }` alone for anything
//! not usable (never why), `credentials:introspect` required, credentials
//! of other accounts inactive, and wrong guesses paid from the asking
//! client's failure budget, as if it had presented them.

mod common;

use std::time::Duration;

use common::{Server, id, member};
use latchkey_core::jwt::{self, Algorithm, SigningKey};
use serde_json::{Value, json};

async fn introspect(api: &common::Api, token: &str) -> Value {
    api.post("/v3/introspect", json!({ "token": token }))
        .await
        .expect(200)
        .clone()
}

fn inactive() -> Value {
    json!({ "active": false })
}

#[tokio::test]
async fn active_credentials_are_described_and_the_rest_are_only_inactive() {
    let server = Server::start();
    let admin = server.admin();
    let me = admin.get("/v3/me").await.expect(200).clone();

    // The admin's own key.
    let own = introspect(&admin, &server.admin_key).await;
    assert_eq!(own["active"], true);
    assert_eq!(own["token_type"], "access_key");
    assert_eq!(own["account_id"], me["account"]["id"]);
    assert_eq!(own["application_id"], me["application"]["id"]);
    assert_eq!(own["user_id"], me["user"]["id"]);
    assert_eq!(own["credential_id"], me["credential"]["id"]);
    assert!(own.get("exp").is_none(), "the admin key never expires");
    let scope: Vec<&str> = own["scope"].as_str().unwrap().split(' ').collect();
    assert!(scope.contains(&"credentials:introspect"), "{scope:?}");

    // A narrower key of an application in `Administrators` (its effective
    // rights are its scopes), with an expiration.
    let administrators = admin.get("/v3/policy-groups").await.expect(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Administrators")
        .map(id)
        .unwrap();
    let app = id(admin
        .post(
            "/v3/applications",
            json!({ "name": "service", "group_ids": [administrators] }),
        )
        .await
        .expect(201));
    let expiration = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600);
    let (key, secret) = admin
        .key_with(
            &app,
            json!({ "name": "reader", "scopes": ["keys:view:own"], "expiration": expiration.to_string() }),
        )
        .await;
    let described = introspect(&admin, &secret).await;
    assert_eq!(described["active"], true);
    assert_eq!(described["credential_id"], key["id"]);
    assert_eq!(described["scope"], "keys:view:own");
    assert_eq!(described["exp"], expiration.as_second());

    // A JWT.
    let aud = server
        .anonymous()
        .get("/.well-known/latchkey")
        .await
        .expect(200)["jwt_audience"]
        .as_str()
        .unwrap()
        .to_owned();
    let signing = SigningKey::generate(Algorithm::ES256).unwrap();
    let registered = admin
        .post(
            &format!("/v3/applications/{app}/jwt-keys"),
            json!({ "name": "signer", "public_key": signing.verifying_key().to_spki_pem(), "algorithm": "ES256", "scopes": ["keys:view:own"] }),
        )
        .await
        .expect(201)
        .clone();
    let token = jwt::mint_access_token(
        &app,
        &id(&registered),
        &aud,
        Duration::from_secs(300),
        &signing,
    )
    .unwrap();
    let described = introspect(&admin, &token).await;
    assert_eq!(described["active"], true);
    assert_eq!(described["token_type"], "jwt");
    assert_eq!(described["credential_id"], registered["id"]);
    assert_eq!(described["application_id"], app.as_str());
    let exp = described["exp"].as_i64().unwrap();
    assert!(
        (exp - jiff::Timestamp::now().as_second() - 300).abs() <= 5,
        "{exp}"
    );

    // Anything not usable: the same answer, nothing else.
    let mut wrong_secret = secret.clone();
    let last = wrong_secret.pop().unwrap();
    wrong_secret.push(if last == 'A' { 'B' } else { 'A' });
    for token in [
        "",
        "nonsense",
        "ak_123",
        wrong_secret.as_str(),
        "eyJhbGciOiJub25lIn0.e30.",
    ] {
        assert_eq!(introspect(&admin, token).await, inactive(), "{token:?}");
    }
    // Deactivated, then revoked: inactive at once (the cache follows commits).
    let key_path = format!("/v3/applications/{app}/access-keys/{}", id(&key));
    admin
        .put(&key_path, json!({ "status": "inactive" }))
        .await
        .expect(200);
    assert_eq!(introspect(&admin, &secret).await, inactive());
    admin
        .put(&key_path, json!({ "status": "revoked" }))
        .await
        .expect(200);
    assert_eq!(introspect(&admin, &secret).await, inactive());

    // The asker needs `credentials:introspect`; its own key's rights do not.
    let plain = member(&server, &admin, "plain", json!(["keys:view:any"])).await;
    plain
        .api
        .post("/v3/introspect", json!({ "token": server.admin_key }))
        .await
        .expect_error(403, "forbidden");
    let introspector = member(
        &server,
        &admin,
        "introspector",
        json!(["credentials:introspect"]),
    )
    .await;
    let described = introspect(&introspector.api, &server.admin_key).await;
    assert_eq!(described["active"], true);
    // The body is strict.
    let fields = admin
        .post("/v3/introspect", json!({ "token": "x", "hint": "y" }))
        .await
        .expect_error(400, "validation_error");
    assert_eq!(fields, ["hint"]);
}

#[tokio::test]
async fn another_accounts_credentials_are_inactive() {
    let server = Server::start();
    let admin = server.admin();
    let tenant = admin
        .post("/v3/accounts", json!({ "name": "Tenant" }))
        .await
        .expect(201)
        .clone();
    let tenant_key = tenant["key"].as_str().unwrap().to_owned();
    let tenant_api = server.api(&tenant_key);
    assert_eq!(tenant_api.me_status().await, 200);
    assert_eq!(introspect(&admin, &tenant_key).await, inactive());
    assert_eq!(introspect(&tenant_api, &server.admin_key).await, inactive());
    assert_eq!(introspect(&tenant_api, &tenant_key).await["active"], true);
}

#[tokio::test]
async fn wrong_guesses_spend_the_askers_failure_budget() {
    let server = Server::start_with(&[
        ("LATCHKEY_AUTH_FAILURE_BURST", "3"),
        ("LATCHKEY_AUTH_FAILURES_PER_SECOND", "0.01"),
        ("LATCHKEY_AUTH_THROTTLE_DELAY_MS", "1"),
    ]);
    let admin = server.admin();
    let app = id(&admin.app("service").await);
    let (_, secret) = admin.key(&app, "fresh").await;
    let mut wrong = secret.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == 'A' { 'B' } else { 'A' });
    // Well-formed keys that do not verify: each is a store read and a
    // comparison the asker pays for.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            admin
                .post("/v3/introspect", json!({ "token": wrong }))
                .await
                .status,
        );
    }
    assert_eq!(&statuses[..3], [200, 200, 200], "{statuses:?}");
    assert_eq!(statuses[3..], [429, 429], "{statuses:?}");
    // Spent: even a right key it has not verified before is refused, not
    // answered, so the limit cannot be walked around by introspecting.
    let (_, other) = admin.key(&app, "other").await;
    admin
        .post("/v3/introspect", json!({ "token": other }))
        .await
        .expect_error(429, "too_many_requests");
}
