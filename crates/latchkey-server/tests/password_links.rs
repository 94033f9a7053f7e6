//! `POST /v3/users/{id}/password-link`, `has_password`, the link printed at
//! first start and `latchkey admin password-link`: handing out a way to act
//! as a user is a grant, bounded by the delegation rule.

mod common;

use common::{BIN, Server, id, member};
use serde_json::json;

#[tokio::test]
async fn an_administrator_gets_a_link_for_a_user_and_the_user_has_no_password_yet() {
    let server = Server::start();
    assert!(
        server
            .password_link
            .starts_with(&format!("{}/console/password?token=", server.url)),
        "{}",
        server.startup
    );
    let admin = server.admin();
    let user = admin
        .post("/v3/users", json!({ "email": "ada@example.com" }))
        .await
        .expect(201)
        .clone();
    assert_eq!(user["has_password"], false);
    let link = admin
        .post(&format!("/v3/users/{}/password-link", id(&user)), json!({}))
        .await;
    let body = link.expect(201);
    assert_eq!(body["object"], "password_link");
    assert_eq!(body["user_id"], user["id"]);
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/console/password?token=", server.url)));
    assert_eq!(url.len() - url.find("token=").unwrap() - 6, 43);
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    // Each call is a new link.
    let again = admin
        .post(&format!("/v3/users/{}/password-link", id(&user)), json!({}))
        .await;
    assert_ne!(again.expect(201)["url"], body["url"]);
}

#[tokio::test]
async fn a_link_needs_users_manage_and_the_users_rights() {
    let server = Server::start_with_args(&["--plan", "commercial"], &[]);
    let admin = server.admin();
    let manager = member(
        &server,
        &admin,
        "manager",
        json!(["users:manage", "applications:view:any"]),
    )
    .await;
    let viewer = member(&server, &admin, "viewer", json!(["applications:view:any"])).await;
    let own_viewer = member(
        &server,
        &admin,
        "ownviewer",
        json!(["applications:view:own"]),
    )
    .await;
    let admins = admin.get("/v3/users").await.expect(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "admin@latchkey.invalid")
        .cloned()
        .unwrap();
    // Without users:manage: 403, nothing made.
    viewer
        .api
        .post(
            &format!("/v3/users/{}/password-link", manager.user),
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
    // A user manager cannot hand itself the administrator's rights.
    let refused = manager
        .api
        .post(
            &format!("/v3/users/{}/password-link", id(&admins)),
            json!({}),
        )
        .await;
    let fields = refused.expect_error(403, "forbidden");
    assert!(fields.iter().all(|f| f == "id"), "{fields:?}");
    assert!(!fields.is_empty());
    // The viewer's rights are within the manager's: allowed.
    manager
        .api
        .post(
            &format!("/v3/users/{}/password-link", viewer.user),
            json!({}),
        )
        .await
        .expect(201);
    // `:own` rights of another user need their `:any` form.
    let own = manager
        .api
        .post(
            &format!("/v3/users/{}/password-link", own_viewer.user),
            json!({}),
        )
        .await;
    assert!(
        own.expect(201)["url"].is_string(),
        "applications:view:any covers :own"
    );
    let narrow = member(
        &server,
        &admin,
        "narrow",
        json!(["users:manage", "applications:view:own"]),
    )
    .await;
    narrow
        .api
        .post(
            &format!("/v3/users/{}/password-link", own_viewer.user),
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
    // Another account's user is not found; a deleted user is a conflict.
    admin
        .post(
            "/v3/users/usr_0000000000000000000000/password-link",
            json!({}),
        )
        .await
        .expect_error(404, "not_found");
    admin.delete(&format!("/v3/users/{}", viewer.user)).await;
    admin
        .post(
            &format!("/v3/users/{}/password-link", viewer.user),
            json!({}),
        )
        .await
        .expect_error(409, "conflict");
}

#[tokio::test]
async fn the_cli_prints_a_new_link() {
    let mut server = Server::start();
    let on_postgres = server.database.is_some();
    if !on_postgres {
        server.stop();
    }
    let output = std::process::Command::new(BIN)
        .args([
            "admin",
            "password-link",
            "--email",
            "ADMIN@latchkey.invalid",
        ])
        .args(server.store_args())
        .args(["--public-url", "https://console.example"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("https://console.example/console/password?token="),
        "{stdout}"
    );
    let missing = std::process::Command::new(BIN)
        .args(["admin", "password-link", "--email", "nobody@example.com"])
        .args(server.store_args())
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no active user"));
}
