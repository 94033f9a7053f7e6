//! Delegation is bounded (API.md): every granting endpoint, against the real
//! server, refuses to give anyone more than the acting credential holds —
//! with a `403 forbidden` naming the request field and each permission
//! lacked, and with nothing changed. The first five tests are the five
//! escalations wave 1 shipped; the rest cover each other granting path.

mod common;

use std::time::Duration;

use common::{Api, Server, id, ids, member};
use latchkey_core::jwt::{self, Algorithm, SigningKey};
use serde_json::{Value, json};

async fn group_named(admin: &Api, name: &str) -> String {
    let groups = admin.get("/v3/policy-groups").await;
    let group = groups.expect(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("no group {name}"))
        .clone();
    id(&group)
}

/// A tenant account with room to spare, and its admin.
async fn tenant(server: &Server) -> Api {
    let created = server
        .admin()
        .post(
            "/v3/accounts",
            json!({ "name": "tenant", "plan": "custom", "limits": { "applications": 30, "access_keys_per_application": 10, "jwt_keys_per_application": 10 } }),
        )
        .await
        .expect(201)
        .clone();
    server.api(created["key"].as_str().unwrap())
}

/// The `(field, message)` pairs of a 403 refusal; asserts its shape.
fn refusal(response: &common::Resp) -> Vec<(String, String)> {
    response.expect_error(403, "forbidden");
    response.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Whether a refusal names `field` as lacking `permission`.
fn lacks(fields: &[(String, String)], field: &str, permission: &str) -> bool {
    fields
        .iter()
        .any(|(name, message)| name == field && message.contains(&format!("`{permission}`")))
}

async fn permissions_of(api: &Api) -> Vec<String> {
    api.get("/v3/me").await.expect(200)["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect()
}

async fn key_count(admin: &Api, app: &str, kind: &str) -> usize {
    ids(admin
        .get(&format!("/v3/applications/{app}/{kind}"))
        .await
        .expect(200))
    .len()
}

async fn audience(server: &Server) -> String {
    server
        .anonymous()
        .get("/.well-known/latchkey")
        .await
        .expect(200)["jwt_audience"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Registers a fresh EdDSA key through `api` and returns the response and
/// a token minted with it.
async fn register_jwt_key(
    audience: &str,
    api: &Api,
    app: &str,
    name: &str,
    scopes: Option<Value>,
) -> (common::Resp, Option<String>) {
    let signing = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let mut body = json!({
        "name": name,
        "public_key": signing.verifying_key().to_spki_pem(),
    });
    if let Some(scopes) = scopes {
        body["scopes"] = scopes;
    }
    let response = api
        .post(&format!("/v3/applications/{app}/jwt-keys"), body)
        .await;
    let token = (response.status == 201).then(|| {
        jwt::mint_access_token(
            app,
            response.body["id"].as_str().unwrap(),
            audience,
            Duration::from_secs(300),
            &signing,
        )
        .unwrap()
    });
    (response, token)
}

#[tokio::test]
async fn a_key_scoped_to_create_keys_cannot_register_a_jwt_key_with_its_applications_rights() {
    let server = Server::start();
    let admin = server.admin();
    let me = admin.get("/v3/me").await.expect(200).clone();
    let admin_app = me["application"]["id"].as_str().unwrap().to_owned();
    // The operator's Administrators application: every permission,
    // `accounts:manage` included.
    let (_, secret) = admin
        .key_with(
            &admin_app,
            json!({ "name": "only-creates-keys", "scopes": ["keys:create:own"] }),
        )
        .await;
    let scoped = server.api(&secret);
    let aud = audience(&server).await;
    let before = key_count(&admin, &admin_app, "jwt-keys").await;
    let (refused, _) = register_jwt_key(&aud, &scoped, &admin_app, "escalate", None).await;
    let fields = refusal(&refused);
    assert!(lacks(&fields, "scopes", "accounts:manage"), "{fields:?}");
    assert!(lacks(&fields, "scopes", "users:manage"), "{fields:?}");
    assert_eq!(key_count(&admin, &admin_app, "jwt-keys").await, before);
    // Asking for more than it holds is refused the same way.
    let (refused, _) = register_jwt_key(
        &aud,
        &scoped,
        &admin_app,
        "escalate",
        Some(json!(["keys:create:own", "accounts:manage"])),
    )
    .await;
    assert!(lacks(&refusal(&refused), "scopes", "accounts:manage"));
    // Within its own rights it works, and the tokens carry those rights only.
    let (created, token) = register_jwt_key(
        &aud,
        &scoped,
        &admin_app,
        "narrow",
        Some(json!(["keys:create:own"])),
    )
    .await;
    assert_eq!(created.expect(201)["scopes"], json!(["keys:create:own"]));
    let tokens = server.api(&token.unwrap());
    assert_eq!(permissions_of(&tokens).await, vec!["keys:create:own"]);
}

#[tokio::test]
async fn creating_applications_does_not_reach_administrators() {
    let server = Server::start();
    let admin = tenant(&server).await;
    let administrators = group_named(&admin, "Administrators").await;
    let creator = member(
        &server,
        &admin,
        "creator",
        json!(["applications:create:own", "keys:create:own"]),
    )
    .await;
    let refused = creator
        .api
        .post(
            "/v3/applications",
            json!({ "name": "admin-twin", "group_ids": [administrators] }),
        )
        .await;
    let fields = refusal(&refused);
    assert!(
        lacks(&fields, "group_ids[0]", "groups:manage"),
        "{fields:?}"
    );
    let listed = admin.get("/v3/applications").await;
    assert!(
        !listed.expect(200)["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "admin-twin"),
        "a refused creation writes nothing"
    );
    // An application without groups is fine, but a key minted for it
    // without scopes could later gain whatever the application is given:
    // refused until scopes are named.
    let bare = creator
        .api
        .post("/v3/applications", json!({ "name": "bare" }))
        .await
        .expect(201)
        .clone();
    let unscoped = creator
        .api
        .post(
            &format!("/v3/applications/{}/access-keys", id(&bare)),
            json!({ "name": "follows-groups" }),
        )
        .await;
    assert_eq!(refusal(&unscoped)[0].0, "scopes");
    let scoped = creator
        .api
        .post(
            &format!("/v3/applications/{}/access-keys", id(&bare)),
            json!({ "name": "pinned", "scopes": ["keys:create:own"] }),
        )
        .await;
    assert_eq!(scoped.expect(201)["scopes"], json!(["keys:create:own"]));
    // Even when the application joins Administrators later, that key stays
    // within what its creator held.
    admin
        .post(
            &format!("/v3/policy-groups/{administrators}/applications"),
            json!({ "ids": [id(&bare)] }),
        )
        .await
        .expect(204);
    let pinned = server.api(scoped.body["key"].as_str().unwrap());
    assert_eq!(permissions_of(&pinned).await, vec!["keys:create:own"]);
}

#[tokio::test]
async fn creating_keys_anywhere_does_not_mint_administrators_keys() {
    let server = Server::start();
    let admin = tenant(&server).await;
    let me = admin.get("/v3/me").await.expect(200).clone();
    let admin_app = me["application"]["id"].as_str().unwrap().to_owned();
    let minter = member(&server, &admin, "minter", json!(["keys:create:any"])).await;
    let before = key_count(&admin, &admin_app, "access-keys").await;
    let refused = minter
        .api
        .post(
            &format!("/v3/applications/{admin_app}/access-keys"),
            json!({ "name": "stolen-admin" }),
        )
        .await;
    let fields = refusal(&refused);
    assert!(lacks(&fields, "scopes", "users:manage"), "{fields:?}");
    assert!(lacks(&fields, "scopes", "groups:manage"), "{fields:?}");
    assert_eq!(key_count(&admin, &admin_app, "access-keys").await, before);
    // What it holds itself it may pass on, on any application.
    let scoped = minter
        .api
        .post(
            &format!("/v3/applications/{admin_app}/access-keys"),
            json!({ "name": "narrow", "scopes": ["keys:create:any"] }),
        )
        .await;
    let key = server.api(scoped.expect(201)["key"].as_str().unwrap());
    assert_eq!(
        permissions_of(&key).await,
        vec!["keys:create:own", "keys:create:any"]
    );
}

#[tokio::test]
async fn created_by_another_user_needs_users_manage_and_the_any_permission() {
    let server = Server::start();
    let admin = tenant(&server).await;
    let victim = member(&server, &admin, "victim", json!(["keys:view:own"])).await;
    let manager = member(
        &server,
        &admin,
        "manager",
        json!(["users:manage", "keys:create:own", "keys:view:own"]),
    )
    .await;
    let refused = manager
        .api
        .post(
            &format!("/v3/applications/{}/access-keys", manager.app),
            json!({ "name": "as-victim", "created_by": victim.user, "scopes": ["keys:view:own"] }),
        )
        .await;
    let fields = refusal(&refused);
    assert!(
        lacks(&fields, "created_by", "keys:create:any"),
        "{fields:?}"
    );
    assert_eq!(key_count(&admin, &manager.app, "access-keys").await, 1);
    // The same for applications: `applications:create:any` is needed.
    let refused = manager
        .api
        .post(
            "/v3/applications",
            json!({ "name": "for-victim", "created_by": victim.user }),
        )
        .await;
    assert_eq!(refused.status, 403, "{:#}", refused.body);
    // With `:any`, an `:own` right handed to another user still needs `:any`:
    // that user's `:own` reaches that user's applications.
    let lead = member(
        &server,
        &admin,
        "lead",
        json!(["users:manage", "keys:create:any", "keys:view:own"]),
    )
    .await;
    let refused = lead
        .api
        .post(
            &format!("/v3/applications/{}/access-keys", victim.app),
            json!({ "name": "reach", "created_by": victim.user, "scopes": ["keys:view:own"] }),
        )
        .await;
    assert!(lacks(&refusal(&refused), "scopes", "keys:view:any"));
}

#[tokio::test]
async fn managing_users_does_not_put_anyone_into_administrators() {
    let server = Server::start();
    let admin = tenant(&server).await;
    let administrators = group_named(&admin, "Administrators").await;
    let manager = member(&server, &admin, "people", json!(["users:manage"])).await;
    let refused = manager
        .api
        .put(
            &format!("/v3/users/{}", manager.user),
            json!({ "group_ids": [administrators] }),
        )
        .await;
    let fields = refusal(&refused);
    assert!(lacks(&fields, "group_ids", "groups:manage"), "{fields:?}");
    let user = admin
        .get(&format!("/v3/users/{}", manager.user))
        .await
        .expect(200)
        .clone();
    assert!(
        !user["group_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(administrators))
    );
    let refused = manager
        .api
        .post(
            "/v3/users",
            json!({ "email": "sock@example.com", "group_ids": [administrators] }),
        )
        .await;
    assert!(lacks(&refusal(&refused), "group_ids", "groups:manage"));
    let refused = manager
        .api
        .post(
            &format!("/v3/policy-groups/{administrators}/users"),
            json!({ "ids": [manager.user] }),
        )
        .await;
    refused.expect_error(403, "forbidden");
    // Users without groups stay within reach of `users:manage` alone.
    manager
        .api
        .post("/v3/users", json!({ "email": "plain@example.com" }))
        .await
        .expect(201);
}

#[tokio::test]
async fn group_managers_grant_only_what_they_hold() {
    let server = Server::start();
    let admin = tenant(&server).await;
    let administrators = group_named(&admin, "Administrators").await;
    let other = member(&server, &admin, "other", json!([])).await;
    let manager = member(
        &server,
        &admin,
        "groupie",
        json!(["groups:manage", "keys:view:own"]),
    )
    .await;
    // Creating a group with what it lacks.
    let refused = manager
        .api
        .post(
            "/v3/policy-groups",
            json!({ "name": "wider", "permissions": ["keys:view:any"] }),
        )
        .await;
    assert!(lacks(&refusal(&refused), "permissions", "keys:view:any"));
    let viewers = manager
        .api
        .post(
            "/v3/policy-groups",
            json!({ "name": "viewers", "permissions": ["keys:view:own"] }),
        )
        .await
        .expect(201)
        .clone();
    let viewers = id(&viewers);
    // Adding what it lacks to a group.
    let refused = manager
        .api
        .put(
            &format!("/v3/policy-groups/{viewers}"),
            json!({ "permissions": ["keys:view:own", "account:edit"] }),
        )
        .await;
    assert!(lacks(&refusal(&refused), "permissions", "account:edit"));
    // Memberships: its own user may join what it holds; another user's
    // `:own` would reach that user's applications.
    manager
        .api
        .post(
            &format!("/v3/policy-groups/{viewers}/users"),
            json!({ "ids": [manager.user] }),
        )
        .await
        .expect(204);
    let refused = manager
        .api
        .post(
            &format!("/v3/policy-groups/{viewers}/users"),
            json!({ "ids": [other.user] }),
        )
        .await;
    assert!(lacks(&refusal(&refused), "ids", "keys:view:any"));
    // The other user's application has the admin's unscoped key, held by
    // that user: joining it to the group hands that user `:own` rights.
    let refused = manager
        .api
        .post(
            &format!("/v3/policy-groups/{viewers}/applications"),
            json!({ "ids": [other.app] }),
        )
        .await;
    assert!(lacks(&refusal(&refused), "ids", "keys:view:any"));
    let refused = manager
        .api
        .post(
            &format!("/v3/policy-groups/{administrators}/applications"),
            json!({ "ids": [manager.app] }),
        )
        .await;
    assert!(lacks(&refusal(&refused), "ids", "users:manage"));
    let group = admin
        .get(&format!("/v3/policy-groups/{administrators}/applications"))
        .await
        .expect(200)
        .clone();
    assert!(!ids(&group).contains(&manager.app), "nothing changed");
    // The admin, who holds everything, may do all of it.
    admin
        .post(
            &format!("/v3/policy-groups/{viewers}/users"),
            json!({ "ids": [other.user] }),
        )
        .await
        .expect(204);
}

#[tokio::test]
async fn reviving_a_stronger_key_is_a_grant() {
    let server = Server::start();
    let admin = tenant(&server).await;
    let me = admin.get("/v3/me").await.expect(200).clone();
    let admin_app = me["application"]["id"].as_str().unwrap().to_owned();
    let (strong, secret) = admin.key(&admin_app, "strong").await;
    let path = format!("/v3/applications/{admin_app}/access-keys/{}", id(&strong));
    admin
        .put(&path, json!({ "status": "inactive" }))
        .await
        .expect(200);
    let editor = member(&server, &admin, "editor", json!(["keys:edit:any"])).await;
    let refused = editor.api.put(&path, json!({ "status": "active" })).await;
    assert!(lacks(&refusal(&refused), "status", "users:manage"));
    assert_eq!(server.api(&secret).me_status().await, 401, "still inactive");
    // Stopping is never a grant: it may still shorten or stop keys.
    editor
        .api
        .put(&path, json!({ "expiration": "2099-01-01T00:00:00Z" }))
        .await
        .expect(200);
    admin
        .put(&path, json!({ "status": "active" }))
        .await
        .expect(200);
    // Making it live longer hands its rights out for longer.
    let refused = editor.api.put(&path, json!({ "expiration": null })).await;
    assert!(lacks(&refusal(&refused), "expiration", "users:manage"));
}
