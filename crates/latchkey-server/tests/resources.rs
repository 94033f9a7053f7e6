//! Every resource endpoint over real HTTP: accounts, users, policy groups
//! and membership, applications, access keys, lists and bulk delete.

mod common;

use common::{Server, id, ids};
use serde_json::json;

#[tokio::test]
async fn accounts_mine_and_the_operators_tenants() {
    let server = Server::start();
    let operator = server.admin();
    let mine = operator.get("/v3/accounts/me").await;
    assert_eq!(mine.expect(200)["object"], "account");
    let renamed = operator
        .put("/v3/accounts/me", json!({ "name": "Ops" }))
        .await;
    assert_eq!(renamed.expect(200)["name"], "Ops");
    let plan = operator
        .put("/v3/accounts/me", json!({ "plan": "custom" }))
        .await;
    assert_eq!(plan.expect_error(400, "validation_error"), ["plan"]);

    let created = operator
        .post(
            "/v3/accounts",
            json!({ "name": "Tenant", "plan": "commercial", "admin_email": "boss@tenant.example" }),
        )
        .await;
    let created = created.expect(201).clone();
    assert_eq!(created["object"], "account");
    assert_eq!(created["limits"]["applications"], 25);
    assert_eq!(created["operator"], false);
    assert_eq!(created["admin_user"]["email"], "boss@tenant.example");
    let tenant_id = id(&created);
    let tenant = server.api(created["key"].as_str().unwrap());
    let me = tenant.get("/v3/me").await;
    let me = me.expect(200);
    assert_eq!(me["account"]["id"], tenant_id.as_str());
    assert!(
        !me["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("accounts:manage"))
    );

    // Tenants manage no accounts; other accounts do not exist for them.
    tenant
        .get("/v3/accounts")
        .await
        .expect_error(403, "forbidden");
    let operator_app = operator.get("/v3/me").await.body["application"]["id"].clone();
    let operator_app = operator_app.as_str().unwrap();
    tenant
        .get(&format!("/v3/applications/{operator_app}"))
        .await
        .expect_error(404, "not_found");
    tenant
        .get(&format!("/v3/applications/{operator_app}/access-keys"))
        .await
        .expect_error(404, "not_found");
    let group = tenant
        .post(
            "/v3/policy-groups",
            json!({ "name": "ops", "permissions": ["accounts:manage"] }),
        )
        .await;
    assert_eq!(group.expect_error(400, "validation_error"), ["permissions"]);

    // The operator lists, reads and changes tenants.
    let list = operator.get("/v3/accounts?include=total_count").await;
    let list = list.expect(200);
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["object"], "list");
    let fetched = operator.get(&format!("/v3/accounts/{tenant_id}")).await;
    assert_eq!(fetched.expect(200)["plan"], "commercial");
    let custom = operator
        .put(
            &format!("/v3/accounts/{tenant_id}"),
            json!({ "plan": "custom", "limits": { "applications": 7, "access_keys_per_application": 3, "jwt_keys_per_application": 1 } }),
        )
        .await;
    assert_eq!(custom.expect(200)["limits"]["applications"], 7);
    let missing_limits = operator
        .post("/v3/accounts", json!({ "name": "X", "plan": "custom" }))
        .await;
    assert_eq!(
        missing_limits.expect_error(400, "validation_error"),
        ["limits"]
    );
    operator
        .get("/v3/accounts/acc_0000000000000000000001")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn users_crud_and_deletion_stops_their_credentials() {
    let server = Server::start();
    let admin = server.admin();
    let groups = admin.get("/v3/policy-groups").await;
    let administrators = id(&groups.expect(200)["data"][0]);
    let user = admin
        .post(
            "/v3/users",
            json!({ "email": "ada@example.com", "name": "Ada", "group_ids": [administrators] }),
        )
        .await;
    let user = user.expect(201).clone();
    assert_eq!(user["object"], "user");
    let user_id = id(&user);
    let duplicate = admin
        .post("/v3/users", json!({ "email": "ada@example.com" }))
        .await;
    duplicate.expect_error(409, "conflict");
    let bad = admin
        .post(
            "/v3/users",
            json!({ "email": "nope", "group_ids": ["grp_0000000000000000000001"] }),
        )
        .await;
    let fields = bad.expect_error(400, "validation_error");
    assert!(fields.contains(&"email".to_owned()), "{fields:?}");

    let changed = admin
        .put(&format!("/v3/users/{user_id}"), json!({ "name": "Ada L." }))
        .await;
    assert_eq!(changed.expect(200)["name"], "Ada L.");

    // Ada's application and key (created for her by the admin).
    let app = admin
        .post(
            "/v3/applications",
            json!({ "name": "ada-app", "group_ids": [administrators], "created_by": user_id }),
        )
        .await;
    let app = app.expect(201).clone();
    assert_eq!(app["created_by"], user_id.as_str());
    let (key, secret) = admin
        .key_with(
            &id(&app),
            json!({ "name": "ada-key", "created_by": user_id }),
        )
        .await;
    assert_eq!(key["created_by"], user_id.as_str());
    let ada = server.api(&secret);
    assert_eq!(ada.me_status().await, 200);

    admin
        .delete(&format!("/v3/users/{user_id}"))
        .await
        .expect(204);
    assert_eq!(
        ada.me_status().await,
        401,
        "deleting a user stops their keys at once"
    );
    let listed = admin.get("/v3/users").await;
    assert!(!ids(listed.expect(200)).contains(&user_id));
    let deleted = admin.get("/v3/users?status=deleted").await;
    assert_eq!(ids(deleted.expect(200)), std::slice::from_ref(&user_id));
    admin
        .get("/v3/users?status=gone")
        .await
        .expect_error(400, "validation_error");
}

#[tokio::test]
async fn policy_groups_and_membership() {
    let server = Server::start();
    let admin = server.admin();
    let group = admin
        .post(
            "/v3/policy-groups",
            json!({ "name": "readers", "permissions": ["applications:view:any", "keys:view:any"] }),
        )
        .await;
    let group = group.expect(201).clone();
    assert_eq!(group["object"], "policy_group");
    assert_eq!(group["built_in"], false);
    let group_id = id(&group);
    let bad = admin
        .post(
            "/v3/policy-groups",
            json!({ "name": "bad", "permissions": ["keys:view:any", "keys:fly:any"] }),
        )
        .await;
    assert_eq!(
        bad.expect_error(400, "validation_error"),
        ["permissions[1]"]
    );

    let app = admin.app("reader-app").await;
    let app_id = id(&app);
    let (_, secret) = admin.key(&app_id, "reader").await;
    let reader = server.api(&secret);
    reader
        .get("/v3/applications")
        .await
        .expect_error(403, "forbidden");

    let members = format!("/v3/policy-groups/{group_id}/applications");
    admin
        .post(&members, json!({ "ids": [app_id] }))
        .await
        .expect(204);
    assert_eq!(
        ids(admin.get(&members).await.expect(200)),
        std::slice::from_ref(&app_id)
    );
    assert_eq!(
        reader.get("/v3/applications").await.status,
        200,
        "joining takes effect at once"
    );
    let bad_ids = admin
        .post(
            &members,
            json!({ "ids": ["app_0000000000000000000001", "nope"] }),
        )
        .await;
    assert_eq!(bad_ids.expect_error(400, "validation_error"), ["ids[1]"]);

    // Narrowing the group's permissions takes effect at once too.
    let narrowed = admin
        .put(
            &format!("/v3/policy-groups/{group_id}"),
            json!({ "permissions": ["keys:view:any"] }),
        )
        .await;
    assert_eq!(
        narrowed.expect(200)["permissions"],
        json!(["keys:view:any"])
    );
    reader
        .get("/v3/applications")
        .await
        .expect_error(403, "forbidden");

    admin
        .delete_with(&members, json!({ "ids": [app_id] }))
        .await
        .expect(204);
    assert!(ids(admin.get(&members).await.expect(200)).is_empty());

    let user = admin
        .post("/v3/users", json!({ "email": "bo@example.com" }))
        .await
        .expect(201)
        .clone();
    let users = format!("/v3/policy-groups/{group_id}/users");
    admin
        .post(&users, json!({ "ids": [id(&user)] }))
        .await
        .expect(204);
    assert_eq!(ids(admin.get(&users).await.expect(200)), [id(&user)]);
    let fetched = admin.get(&format!("/v3/users/{}", id(&user))).await;
    assert_eq!(fetched.expect(200)["group_ids"], json!([group_id]));

    // Administrators is fixed.
    let groups = admin.get("/v3/policy-groups").await;
    let administrators = groups.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["built_in"] == true)
        .unwrap()
        .clone();
    let admin_group = id(&administrators);
    admin
        .delete(&format!("/v3/policy-groups/{admin_group}"))
        .await
        .expect_error(409, "conflict");
    admin
        .put(
            &format!("/v3/policy-groups/{admin_group}"),
            json!({ "name": "Admins" }),
        )
        .await
        .expect_error(409, "conflict");

    admin
        .delete(&format!("/v3/policy-groups/{group_id}"))
        .await
        .expect(204);
    admin
        .get(&format!("/v3/policy-groups/{group_id}"))
        .await
        .expect_error(404, "not_found");
    let fetched = admin.get(&format!("/v3/users/{}", id(&user))).await;
    assert_eq!(fetched.expect(200)["group_ids"], json!([]));
}

#[tokio::test]
async fn applications_crud_and_list_envelope() {
    let server = Server::start();
    let operator = server.admin();
    // A tenant on a custom plan with room for many applications.
    let tenant = operator
        .post(
            "/v3/accounts",
            json!({ "name": "Big", "plan": "custom", "limits": { "applications": 50, "access_keys_per_application": 2, "jwt_keys_per_application": 2 } }),
        )
        .await
        .expect(201)
        .clone();
    let admin = server.api(tenant["key"].as_str().unwrap());
    let mut created = vec![id(&tenant["admin_application"])];
    for n in 0..6 {
        created.push(id(&admin.app(&format!("app-{n}")).await));
    }
    let page = admin
        .get("/v3/applications?limit=3&include=total_count")
        .await;
    let page = page.expect(200).clone();
    assert_eq!(page["object"], "list");
    assert_eq!(page["limit"], 3);
    assert_eq!(page["order"], "ASC");
    assert_eq!(page["has_more"], true);
    assert_eq!(page["total_count"], 7);
    assert_eq!(ids(&page), created[..3]);
    assert_eq!(page["after"], created[2].as_str());
    let next = admin
        .get(&format!("/v3/applications?limit=3&after={}", created[2]))
        .await;
    assert_eq!(ids(next.expect(200)), created[3..6]);
    assert!(next.body.get("total_count").is_none());
    let desc = admin.get("/v3/applications?order=DESC&limit=1000").await;
    let mut reversed = created.clone();
    reversed.reverse();
    assert_eq!(ids(desc.expect(200)), reversed);
    assert_eq!(desc.body["has_more"], false);
    for bad in [
        "limit=1001",
        "limit=0",
        "limit=x",
        "order=UP",
        "after=nope",
        "include=all",
    ] {
        let response = admin.get(&format!("/v3/applications?{bad}")).await;
        response.expect_error(400, "validation_error");
    }
    let empty = admin.get("/v3/applications?status=revoked").await;
    assert_eq!(empty.expect(200)["after"], serde_json::Value::Null);

    let app_path = format!("/v3/applications/{}", created[1]);
    let changed = admin
        .put(
            &app_path,
            json!({ "name": "renamed", "description": "billing" }),
        )
        .await;
    let changed = changed.expect(200);
    assert_eq!(changed["name"], "renamed");
    assert_eq!(changed["description"], "billing");
    let revoked = admin.put(&app_path, json!({ "status": "revoked" })).await;
    assert_eq!(revoked.expect(200)["status"], "revoked");
    admin
        .put(&app_path, json!({ "status": "active" }))
        .await
        .expect_error(409, "conflict");
    let listed = admin.get("/v3/applications").await;
    assert!(!ids(listed.expect(200)).contains(&created[1]));
    let revoked_list = admin.get("/v3/applications?status=revoked").await;
    assert_eq!(
        ids(revoked_list.expect(200)),
        std::slice::from_ref(&created[1])
    );
    // A revoked application's name is free again.
    admin.app("renamed").await;
    admin.delete(&app_path).await.expect(204);
    admin.get(&app_path).await.expect_error(404, "not_found");
    admin
        .delete("/v3/applications/not-an-id")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn access_keys_crud_lists_and_bulk_delete() {
    let server = Server::start();
    let admin = server.admin();
    let groups = admin.get("/v3/policy-groups").await;
    let administrators = id(&groups.expect(200)["data"][0]);
    let one = id(&admin
        .post(
            "/v3/applications",
            json!({ "name": "one", "group_ids": [administrators] }),
        )
        .await
        .expect(201)
        .clone());
    let two = id(&admin.app("two").await);
    let (k1, s1) = admin
        .key_with(
            &one,
            json!({ "name": "k1", "description": "ci", "scopes": ["keys:view:any"], "expiration": "2999-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(k1["object"], "access_key");
    assert_eq!(k1["status"], "active");
    assert_eq!(k1["scopes"], json!(["keys:view:any"]));
    assert_eq!(k1["key_prefix"], &s1[..11]);
    assert_eq!(k1["api_host"], server.url);
    assert!(s1.starts_with("ak_") && s1.len() == 74);
    let (k2, _) = admin.key(&one, "k2").await;
    let (k3, _) = admin.key(&two, "k3").await;
    let k1_path = format!("/v3/applications/{one}/access-keys/{}", id(&k1));
    let fetched = admin.get(&k1_path).await;
    let fetched = fetched.expect(200);
    assert!(
        fetched.get("key").is_none(),
        "the key string is shown only once"
    );
    assert_eq!(fetched["description"], "ci");

    // The scoped key: keys:view only.
    let scoped = server.api(&s1);
    assert_eq!(scoped.get("/v3/access-keys").await.status, 200);
    scoped
        .get("/v3/applications")
        .await
        .expect_error(403, "forbidden");
    let me = scoped.get("/v3/me").await;
    assert_eq!(
        me.expect(200)["permissions"],
        json!(["keys:view:own", "keys:view:any"])
    );

    let all = admin.get("/v3/access-keys").await;
    let all_ids = ids(all.expect(200));
    for key in [&k1, &k2, &k3] {
        assert!(all_ids.contains(&id(key)));
    }
    let of_two = admin
        .get(&format!("/v3/access-keys?application_id={two}"))
        .await;
    assert_eq!(ids(of_two.expect(200)), [id(&k3)]);
    let per_app = admin
        .get(&format!("/v3/applications/{one}/access-keys"))
        .await;
    assert_eq!(ids(per_app.expect(200)), [id(&k1), id(&k2)]);
    admin
        .get("/v3/access-keys?application_id=bad")
        .await
        .expect_error(400, "validation_error");
    admin
        .get("/v3/access-keys?status=nope")
        .await
        .expect_error(400, "validation_error");

    let renamed = admin
        .put(&k1_path, json!({ "name": "k1-renamed", "description": "" }))
        .await;
    assert_eq!(renamed.expect(200)["name"], "k1-renamed");
    admin
        .put(&k1_path, json!({ "scopes": [] }))
        .await
        .expect_error(400, "validation_error");
    // A key is reached only through its own application.
    admin
        .get(&format!("/v3/applications/{two}/access-keys/{}", id(&k1)))
        .await
        .expect_error(404, "not_found");

    // Bulk delete: all or nothing.
    let missing = "key_0000000000000000000001";
    let refused = admin
        .post(
            "/v3/access-keys/bulk-delete",
            json!({ "ids": [id(&k2), missing, id(&k3)] }),
        )
        .await;
    assert_eq!(refused.expect_error(409, "conflict"), ["ids[1]"]);
    assert_eq!(
        admin
            .get(&format!("/v3/applications/{two}/access-keys/{}", id(&k3)))
            .await
            .status,
        200
    );
    let malformed = admin
        .post(
            "/v3/access-keys/bulk-delete",
            json!({ "ids": ["nope", id(&k2), id(&k2)] }),
        )
        .await;
    assert_eq!(
        malformed.expect_error(400, "validation_error"),
        ["ids[0]", "ids[2]"]
    );
    let done = admin
        .post(
            "/v3/access-keys/bulk-delete",
            json!({ "ids": [id(&k2), id(&k3)] }),
        )
        .await;
    let done = done.expect(200);
    assert_eq!(done["deleted"], true);
    assert_eq!(done["results"][1]["status"], "deleted");
    assert_eq!(
        ids(admin
            .get(&format!("/v3/applications/{one}/access-keys"))
            .await
            .expect(200)),
        [id(&k1)]
    );

    admin.delete(&k1_path).await.expect(204);
    assert_eq!(scoped.me_status().await, 401, "a deleted key stops at once");
    admin.get(&k1_path).await.expect_error(404, "not_found");

    // Deleting an application deletes its keys.
    let (k4, s4) = admin.key(&one, "k4").await;
    admin
        .delete(&format!("/v3/applications/{one}"))
        .await
        .expect(204);
    assert_eq!(server.api(&s4).me_status().await, 401);
    admin
        .get(&format!("/v3/applications/{one}/access-keys/{}", id(&k4)))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn bad_input_names_every_field_and_changes_nothing() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin.app("billing").await;
    let app_id = id(&app);
    let (key, _) = admin.key(&app_id, "ci").await;
    let key_path = format!("/v3/applications/{app_id}/access-keys/{}", id(&key));

    let bad_key = admin
        .post(
            &format!("/v3/applications/{app_id}/access-keys"),
            json!({ "name": "", "scopes": ["keys:view:any", "nope"], "expiration": "2001-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        bad_key.expect_error(400, "validation_error"),
        ["name", "scopes[1]", "expiration"]
    );
    let bad_time = admin
        .post(
            &format!("/v3/applications/{app_id}/access-keys"),
            json!({ "name": "x", "expiration": "tomorrow" }),
        )
        .await;
    assert_eq!(
        bad_time.expect_error(400, "validation_error"),
        ["expiration"]
    );
    let bad_status = admin.put(&key_path, json!({ "status": "paused" })).await;
    assert_eq!(bad_status.expect_error(400, "validation_error"), ["status"]);
    let bad_name = admin.put(&key_path, json!({ "name": "a\u{7}b" })).await;
    assert_eq!(bad_name.expect_error(400, "validation_error"), ["name"]);
    let bad_app = admin
        .put(
            &format!("/v3/applications/{app_id}"),
            json!({ "name": "", "description": 5 }),
        )
        .await;
    assert_eq!(
        bad_app.expect_error(400, "validation_error"),
        ["description"]
    );
    let bad_app = admin
        .put(&format!("/v3/applications/{app_id}"), json!({ "name": "" }))
        .await;
    assert_eq!(bad_app.expect_error(400, "validation_error"), ["name"]);
    let bad_group = admin
        .post(
            "/v3/applications",
            json!({ "name": "x", "group_ids": ["grp_0000000000000000000001"] }),
        )
        .await;
    assert!(bad_group.status == 400, "{:#}", bad_group.body);

    let now_key = admin.get(&key_path).await;
    let now_key = now_key.expect(200);
    assert_eq!(now_key["name"], "ci");
    assert_eq!(now_key["status"], "active");
    assert_eq!(now_key["updated_at"], key["updated_at"]);
    let now_app = admin.get(&format!("/v3/applications/{app_id}")).await;
    assert_eq!(now_app.expect(200)["updated_at"], app["updated_at"]);
    let apps = admin.get("/v3/applications").await;
    assert_eq!(apps.expect(200)["data"].as_array().unwrap().len(), 2);
}
