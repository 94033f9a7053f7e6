//! Strict request bodies and queries over real HTTP, on every endpoint that
//! takes them: a body is one JSON object and nothing after it; a wrong type,
//! an unknown or a repeated field is a `400 validation_error` whose `fields`
//! names the field as the API spells it (`status`, `scopes[1]`,
//! `limits.applications`) and says what was expected; malformed JSON names
//! `body`. A refused request changes nothing.

mod common;

use common::{Api, Resp, Server, id, ids};
use latchkey_core::jwt::{Algorithm, SigningKey};
use reqwest::Method;
use serde_json::{Value, json};

/// The one field a 400 names, with its message.
fn refused(response: &Resp) -> (String, String) {
    let names = response.expect_error(400, "validation_error");
    assert_eq!(names.len(), 1, "{:#}", response.body);
    let message = response.body["fields"][0]["message"].as_str().unwrap();
    (names[0].clone(), message.to_owned())
}

/// One object of each kind that takes a body, and the endpoints with theirs.
struct Targets {
    app: String,
    key: String,
    jwt_key: String,
    user: String,
    group: String,
    account: String,
}

async fn targets(admin: &Api) -> Targets {
    let app = id(&admin.app("billing").await);
    let (key, _) = admin.key(&app, "ci").await;
    let signing = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let jwt_key = admin
        .post(
            &format!("/v3/applications/{app}/jwt-keys"),
            json!({ "name": "signer", "public_key": signing.verifying_key().to_spki_pem() }),
        )
        .await;
    let user = admin
        .post("/v3/users", json!({ "email": "ada@example.com" }))
        .await;
    let group = admin
        .post("/v3/policy-groups", json!({ "name": "readers" }))
        .await;
    let account = admin
        .post("/v3/accounts", json!({ "name": "tenant" }))
        .await;
    Targets {
        key: id(&key),
        jwt_key: id(jwt_key.expect(201)),
        user: id(user.expect(201)),
        group: id(group.expect(201)),
        account: id(account.expect(201)),
        app,
    }
}

/// Every endpoint with a JSON body: its method and path, a body with one
/// field of the wrong type, and the field and message the 400 must carry.
fn wrong_types(t: &Targets) -> Vec<(Method, String, Value, &'static str, &'static str)> {
    let Targets {
        app,
        key,
        jwt_key,
        user,
        group,
        account,
    } = t;
    let active_inactive_revoked = "expected one of `active`, `inactive`, `revoked`, found 5";
    vec![
        (
            Method::POST,
            "/v3/applications".to_owned(),
            json!({ "name": 5 }),
            "name",
            "expected a string, found 5",
        ),
        (
            Method::PUT,
            format!("/v3/applications/{app}"),
            json!({ "status": 5 }),
            "status",
            "expected one of `active`, `revoked`, found 5",
        ),
        (
            Method::POST,
            format!("/v3/applications/{app}/access-keys"),
            json!({ "name": "k", "scopes": ["applications:view:own", 7] }),
            "scopes[1]",
            "expected a string, found 7",
        ),
        (
            Method::PUT,
            format!("/v3/applications/{app}/access-keys/{key}"),
            json!({ "status": 5 }),
            "status",
            active_inactive_revoked,
        ),
        (
            Method::POST,
            "/v3/access-keys/bulk-delete".to_owned(),
            json!({ "ids": key }),
            "ids",
            "expected an array, found a string",
        ),
        (
            Method::POST,
            format!("/v3/applications/{app}/jwt-keys"),
            json!({ "name": "j", "public_key": "x", "algorithm": true }),
            "algorithm",
            "expected a string, found true",
        ),
        (
            Method::PUT,
            format!("/v3/applications/{app}/jwt-keys/{jwt_key}"),
            json!({ "status": 5 }),
            "status",
            active_inactive_revoked,
        ),
        (
            Method::POST,
            "/v3/users".to_owned(),
            json!({ "email": "bob@example.com", "group_ids": [5] }),
            "group_ids[0]",
            "expected a string, found 5",
        ),
        (
            Method::PUT,
            format!("/v3/users/{user}"),
            json!({ "name": [] }),
            "name",
            "expected a string, found an array",
        ),
        (
            Method::POST,
            "/v3/policy-groups".to_owned(),
            json!({ "name": "g", "permissions": { "keys:view:any": true } }),
            "permissions",
            "expected an array, found an object",
        ),
        (
            Method::PUT,
            format!("/v3/policy-groups/{group}"),
            json!({ "permissions": ["keys:view:any", null] }),
            "permissions[1]",
            "expected a string, found null",
        ),
        (
            Method::POST,
            format!("/v3/policy-groups/{group}/applications"),
            json!({ "ids": [1] }),
            "ids[0]",
            "expected a string, found 1",
        ),
        (
            Method::DELETE,
            format!("/v3/policy-groups/{group}/users"),
            json!({ "ids": false }),
            "ids",
            "expected an array, found false",
        ),
        (
            Method::PUT,
            "/v3/accounts/me".to_owned(),
            json!({ "name": 5 }),
            "name",
            "expected a string, found 5",
        ),
        (
            Method::POST,
            "/v3/accounts".to_owned(),
            json!({ "name": "t2", "plan": 5 }),
            "plan",
            "expected one of `free`, `commercial`, `custom`, found 5",
        ),
        (
            Method::PUT,
            format!("/v3/accounts/{account}"),
            json!({ "limits": {
                "applications": -1,
                "access_keys_per_application": 2,
                "jwt_keys_per_application": 2,
            } }),
            "limits.applications",
            "expected an integer between 0 and 4294967295, found -1",
        ),
    ]
}

#[tokio::test]
async fn every_body_refuses_trailing_data_and_names_a_wrong_type() {
    let server = Server::start();
    let admin = server.admin();
    let targets = targets(&admin).await;
    let endpoints = wrong_types(&targets);
    assert_eq!(endpoints.len(), 16, "every endpoint with a body");
    for (method, path, body, field, message) in endpoints {
        let trailing = admin
            .send_text(method.clone(), &path, r#"{"name": "x"} trailing"#)
            .await;
        let (name, said) = refused(&trailing);
        assert_eq!(name, "body", "{method} {path}");
        assert!(
            said.starts_with("is not valid JSON: trailing characters"),
            "{method} {path}: {said}"
        );
        let wrong = admin.send(method.clone(), &path, Some(body)).await;
        assert_eq!(
            refused(&wrong),
            (field.to_owned(), message.to_owned()),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn a_refused_body_changes_nothing() {
    let server = Server::start();
    let admin = server.admin();
    let app = id(&admin.app("billing").await);
    for body in [
        r#"{"name": "sneaky"} trailing"#,
        r#"{"name": "sneaky"}{"name": "other"}"#,
        r#"{"name": "sneaky", "name": "other"}"#,
    ] {
        let created = admin
            .send_text(Method::POST, "/v3/applications", body)
            .await;
        created.expect_error(400, "validation_error");
    }
    let update = admin
        .send_text(
            Method::PUT,
            &format!("/v3/applications/{app}"),
            r#"{"description": "changed"} {"status": "revoked"}"#,
        )
        .await;
    assert_eq!(refused(&update).0, "body");
    let list = admin.get("/v3/applications").await;
    let names: Vec<_> = list.expect(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|app| app["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(!names.contains(&"sneaky".to_owned()), "{names:?}");
    let app = admin.get(&format!("/v3/applications/{app}")).await;
    assert_eq!(app.expect(200)["description"], "");
    assert_eq!(app.body["status"], "active");
}

#[tokio::test]
async fn fields_are_named_as_the_api_spells_them() {
    let server = Server::start();
    let admin = server.admin();
    let cases = [
        // A repeated field: which one counts would be a guess.
        (
            r#"{"name": "a", "name": "b"}"#,
            ("name", "appears more than once"),
        ),
        (
            r#"{"name": "a", "colour": "red"}"#,
            ("colour", "is not a known field"),
        ),
        (r#"{"description": "d"}"#, ("name", "is required")),
        (
            r#"["billing"]"#,
            ("body", "expected an object, found an array"),
        ),
        (r#"null"#, ("body", "expected an object, found null")),
    ];
    for (body, (field, message)) in cases {
        let response = admin
            .send_text(Method::POST, "/v3/applications", body)
            .await;
        assert_eq!(
            refused(&response),
            (field.to_owned(), message.to_owned()),
            "{body}"
        );
    }
    // The wrong string where a status belongs lists the statuses, and does
    // not echo what was sent (it could be a credential in the wrong place).
    let app = id(&admin.app("billing").await);
    let (key, secret) = admin.key(&app, "ci").await;
    let path = format!("/v3/applications/{app}/access-keys/{}", id(&key));
    let response = admin.put(&path, json!({ "status": secret })).await;
    assert_eq!(
        refused(&response),
        (
            "status".to_owned(),
            "expected one of `active`, `inactive`, `revoked`".to_owned()
        )
    );
    assert!(!response.body.to_string().contains(&secret));
}

#[tokio::test]
async fn malformed_json_names_the_body_wherever_the_fault_is() {
    let server = Server::start();
    let admin = server.admin();
    for body in [
        "{not json",
        "",
        r#"{"name": "x""#,
        // The first field has the wrong type, but the document is broken
        // further on: the body is what is wrong.
        r#"{"name": 5, "description": }"#,
        r#"{"status": 5 "name": "x"}"#,
    ] {
        let response = admin
            .send_text(Method::POST, "/v3/applications", body)
            .await;
        let (name, message) = refused(&response);
        assert_eq!(name, "body", "{body}");
        assert!(
            message.starts_with("is not valid JSON: "),
            "{body}: {message}"
        );
    }
    let not_json = admin
        .http
        .post(format!("{}/v3/applications", server.url))
        .header("Authorization", format!("Bearer {}", server.admin_key))
        .body(r#"{"name": "x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400, "JSON needs its content type");
}

#[tokio::test]
async fn queries_name_the_parameter() {
    let server = Server::start();
    let admin = server.admin();
    let app = id(&admin.app("billing").await);
    admin.key(&app, "ci").await;
    for (path, field) in [
        ("/v3/applications?limit=5&limit=6", "limit"),
        ("/v3/access-keys?status=active&status=revoked", "status"),
        (
            &*format!("/v3/applications/{app}/access-keys?order=ASC&order=DESC"),
            "order",
        ),
        ("/v3/users?after=x&after=y", "after"),
        (
            "/v3/policy-groups?include=total_count&include=total_count",
            "include",
        ),
    ] {
        let response = admin.get(path).await;
        assert_eq!(
            refused(&response),
            (field.to_owned(), "appears more than once".to_owned()),
            "{path}"
        );
    }
    // Good queries still read, and unknown parameters are ignored.
    let page = admin
        .get(&format!(
            "/v3/access-keys?application_id={app}&status=active&limit=1&order=DESC&include=total_count&utm_source=x"
        ))
        .await;
    assert_eq!(page.expect(200)["total_count"], 1);
    assert_eq!(ids(&page.body).len(), 1);
}
