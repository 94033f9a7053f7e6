//! Every client method against the real `latchkey` server binary: system
//! endpoints, each resource's calls, pagination across pages, and the error
//! kinds the API defines.

mod common;

use std::time::{Duration, Instant};

use common::{Server, unique};
use futures_util::TryStreamExt;
use latchkey_client::id::{AccessKeyId, ApplicationId, UserId};
use latchkey_client::models::{
    AccessKey, AccountUpdate, ApplicationUpdate, CredentialKind, KeyUpdate, NewAccessKey,
    NewApplication, NewPolicyGroup, NewTenantAccount, NewUser, PolicyGroupUpdate, UserUpdate,
};
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, KeyStatus, Limits, Order, Permission, Plan, UserStatus,
};
use latchkey_client::{
    ApiError, ApiErrorKind, Client, Error, ErrorKind, ListParams, RetryPolicy, access_key,
};

fn api(error: Error) -> ApiError {
    match error {
        Error::Api(error) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn perm(text: &str) -> Permission {
    text.parse().unwrap()
}

fn field_names(error: &ApiError) -> Vec<&str> {
    error.fields.iter().map(|f| f.name.as_str()).collect()
}

fn new_app(name: &str) -> NewApplication {
    NewApplication {
        name: name.into(),
        description: format!("{name} description"),
        group_ids: vec![],
        created_by: None,
    }
}

fn new_key(name: &str) -> NewAccessKey {
    NewAccessKey {
        name: name.into(),
        description: String::new(),
        scopes: vec![],
        expiration: None,
        created_by: None,
    }
}

/// A well-formed access key (valid checksum) that the server never issued.
fn unknown_key() -> String {
    access_key::generate(&AccessKeyId::generate().body())
        .unwrap()
        .key()
        .to_owned()
}

#[tokio::test]
async fn health_well_known_me_and_the_current_account() {
    let server = Server::start();
    let admin = server.admin();
    assert_eq!(admin.health().await.unwrap().status, "ok");
    let info = admin.well_known().await.unwrap();
    assert_eq!(info.jwt_audience, server.url);
    assert!(info.jwt_algorithms.iter().any(|a| a == "EdDSA"));
    assert!(!info.version.is_empty());
    let openapi = admin.openapi().await.unwrap();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(openapi["paths"]["/v3/me"].is_object());

    let me = admin.me().await.unwrap();
    assert_eq!(me.credential.kind, CredentialKind::AccessKey);
    assert!(me.credential.id.starts_with("key_"));
    assert!(me.permissions.contains(Permission::AccountsManage));
    assert_eq!(me.jwt_audience, server.url);
    assert!(me.account.operator);

    let account = admin.accounts().current().await.unwrap();
    assert_eq!(account.id, me.account.id);
    assert_eq!(account.plan, Plan::Free);
    let renamed = admin.accounts().rename_current("Operators").await.unwrap();
    assert_eq!(renamed.name, "Operators");

    // No credential: the public endpoints work, the rest is a 401.
    let anonymous = Client::builder().base_url(&server.url).build().unwrap();
    anonymous.health().await.unwrap();
    anonymous.well_known().await.unwrap();
    let error = api(anonymous.me().await.unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Unauthorized);
}

#[tokio::test]
async fn applications_create_get_update_list_revoke_delete_and_their_errors() {
    let server = Server::start();
    let admin = server.admin();
    let apps = admin.applications();

    let app = apps.create(&new_app("billing")).await.unwrap();
    assert_eq!(app.name, "billing");
    assert_eq!(app.status, ApplicationStatus::Active);
    assert_eq!(apps.get(app.id).await.unwrap(), app);

    let update = ApplicationUpdate {
        name: Some("invoicing".into()),
        description: Some("new".into()),
        status: None,
    };
    let updated = apps.update(app.id, &update).await.unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.description.as_str()),
        ("invoicing", "new")
    );

    // 409 conflict on a duplicate name, naming the field.
    let error = api(apps.create(&new_app("invoicing")).await.unwrap_err());
    assert_eq!((error.status, error.kind), (409, ApiErrorKind::Conflict));
    assert_eq!(field_names(&error), ["name"]);
    assert!(error.request_id.as_deref().is_some_and(|id| !id.is_empty()));

    // 400 naming each bad field.
    let error = api(apps.create(&new_app("")).await.unwrap_err());
    assert_eq!((error.status, error.kind), (400, ApiErrorKind::Validation));
    assert_eq!(field_names(&error), ["name"]);

    // 404 for an id that does not exist.
    let error = api(apps.get(ApplicationId::generate()).await.unwrap_err());
    assert_eq!((error.status, error.kind), (404, ApiErrorKind::NotFound));

    let listed: Vec<_> = apps.list(&ListParams::new()).collect_all().await.unwrap();
    assert!(listed.iter().any(|a| a.id == app.id));

    let revoked = apps.revoke(app.id).await.unwrap();
    assert_eq!(revoked.status, ApplicationStatus::Revoked);
    let active: Vec<_> = apps.list(&ListParams::new()).collect_all().await.unwrap();
    assert!(active.iter().all(|a| a.id != app.id));
    let revoked_only = apps
        .list_page(&ListParams::new().status(ApplicationStatus::Revoked))
        .await
        .unwrap();
    assert_eq!(revoked_only.data.len(), 1);
    assert_eq!(revoked_only.data[0].id, app.id);

    // A revoked application cannot come back: 409.
    let error = api(apps
        .update(
            app.id,
            &ApplicationUpdate {
                status: Some(ApplicationStatus::Active),
                ..Default::default()
            },
        )
        .await
        .unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Conflict);

    apps.delete(app.id).await.unwrap();
    let error = api(apps.get(app.id).await.unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::NotFound);
}

#[tokio::test]
async fn access_keys_full_lifecycle_limits_account_list_and_bulk_delete() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin
        .applications()
        .create(&new_app("worker"))
        .await
        .unwrap();
    let keys = admin.access_keys();

    let expiration = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24);
    let created = keys
        .create(
            app.id,
            &NewAccessKey {
                name: "ci".into(),
                description: "for CI".into(),
                scopes: vec!["keys:view:own".into()],
                expiration: Some(expiration),
                created_by: None,
            },
        )
        .await
        .unwrap();
    access_key::parse(created.key()).unwrap();
    assert!(created.key().starts_with(&created.key_prefix));
    assert!(!format!("{created:?}").contains(created.key()));
    assert_eq!(created.application_id, app.id);
    assert_eq!(created.status, EffectiveKeyStatus::Active);
    assert!(created.scopes.contains(perm("keys:view:own")));
    assert_eq!(
        created.expiration.map(|e| e.as_second()),
        Some(expiration.as_second())
    );

    // The new key authenticates as the application.
    let as_app = server.client(created.key());
    let me = as_app.me().await.unwrap();
    assert_eq!(me.application.id, app.id);
    assert_eq!(me.credential.id, created.id.to_string());

    let fetched: AccessKey = keys.get(app.id, created.id).await.unwrap();
    assert_eq!(fetched.id, created.id);
    let renamed = keys
        .update(
            app.id,
            created.id,
            &KeyUpdate {
                name: Some("ci-main".into()),
                description: Some("main CI".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "ci-main");

    // Inactive keys are refused; reactivated ones work again.
    let inactive = keys
        .set_status(app.id, created.id, KeyStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(inactive.status, EffectiveKeyStatus::Inactive);
    let error = api(as_app.me().await.unwrap_err());
    assert_eq!(
        (error.status, error.kind),
        (401, ApiErrorKind::Unauthorized)
    );
    keys.set_status(app.id, created.id, KeyStatus::Active)
        .await
        .unwrap();
    as_app.me().await.unwrap();

    // Expiration: into the past shows `expired`; `null` removes it.
    let past = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let expired = keys
        .update(
            app.id,
            created.id,
            &KeyUpdate {
                expiration: Some(Some(past)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(expired.status, EffectiveKeyStatus::Expired);
    let unexpiring = keys
        .update(
            app.id,
            created.id,
            &KeyUpdate {
                expiration: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (unexpiring.status, unexpiring.expiration),
        (EffectiveKeyStatus::Active, None)
    );

    // The plan allows 2 active keys per application: the third is 409 limit_exceeded.
    let second = keys.create(app.id, &new_key("second")).await.unwrap();
    let error = api(keys.create(app.id, &new_key("third")).await.unwrap_err());
    assert_eq!(
        (error.status, error.kind),
        (409, ApiErrorKind::LimitExceeded)
    );
    assert_eq!(error.type_name, "limit_exceeded");
    assert_eq!(
        Error::Api(error).kind(),
        ErrorKind::Api(ApiErrorKind::LimitExceeded)
    );

    // Per application and account-wide lists.
    let of_app = keys
        .list(app.id, &ListParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(of_app.len(), 2);
    let of_account = keys
        .list_account(Some(app.id), &ListParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(of_account.len(), 2);
    let everything = keys
        .list_account_page(None, &ListParams::new())
        .await
        .unwrap();
    assert_eq!(everything.data.len(), 3, "the admin key too");

    // Revoking frees the slot and hides the key from default lists.
    let revoked = keys.revoke(app.id, second.id).await.unwrap();
    assert_eq!(revoked.status, EffectiveKeyStatus::Revoked);
    let third = keys.create(app.id, &new_key("third")).await.unwrap();
    let revoked_only = keys
        .list_page(app.id, &ListParams::new().status(KeyStatus::Revoked))
        .await
        .unwrap();
    assert_eq!(revoked_only.data.len(), 1);

    // Bulk delete: all or nothing, with the failing ids named.
    let error = api(keys
        .bulk_delete(&[third.id, AccessKeyId::generate()])
        .await
        .unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Conflict);
    assert_eq!(field_names(&error), ["ids[1]"]);
    keys.get(app.id, third.id).await.unwrap();
    let result = keys.bulk_delete(&[third.id, second.id]).await.unwrap();
    assert!(result.deleted);
    assert_eq!(result.results.len(), 2);
    assert!(result.results.iter().all(|r| r.status == "deleted"));

    keys.delete(app.id, created.id).await.unwrap();
    let error = api(keys.get(app.id, created.id).await.unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::NotFound);
    let error = api(as_app.me().await.unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Unauthorized);
}

#[tokio::test]
async fn users_and_policy_groups_with_their_members() {
    let server = Server::start();
    let admin = server.admin();
    let users = admin.users();
    let groups = admin.policy_groups();

    let user = users
        .create(&NewUser {
            email: "ada@example.com".into(),
            name: "Ada".into(),
            group_ids: vec![],
        })
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::Active);
    assert_eq!(users.get(user.id).await.unwrap(), user);
    let error = api(users
        .create(&NewUser {
            email: "ADA@example.com".into(),
            name: String::new(),
            group_ids: vec![],
        })
        .await
        .unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Conflict);
    let updated = users
        .update(
            user.id,
            &UserUpdate {
                name: Some("Ada L.".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "Ada L.");

    let group = groups
        .create(&NewPolicyGroup {
            name: "readers".into(),
            description: "read only".into(),
            permissions: vec!["applications:view:any".into()],
        })
        .await
        .unwrap();
    assert!(!group.built_in);
    assert!(group.permissions.contains(perm("applications:view:any")));
    assert_eq!(groups.get(group.id).await.unwrap(), group);
    let error = api(groups
        .create(&NewPolicyGroup {
            name: "bad".into(),
            description: String::new(),
            permissions: vec!["nope".into()],
        })
        .await
        .unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Validation);
    assert!(
        field_names(&error)
            .iter()
            .all(|f| f.starts_with("permissions"))
    );
    let updated = groups
        .update(
            group.id,
            &PolicyGroupUpdate {
                permissions: Some(vec!["applications:view:any".into(), "keys:view:any".into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(updated.permissions.contains(perm("keys:view:any")));
    let all = groups.list(&ListParams::new()).collect_all().await.unwrap();
    assert_eq!(all.len(), 2, "Administrators and readers");
    let administrators = all.iter().find(|g| g.built_in).unwrap();
    let error = api(groups.delete(administrators.id).await.unwrap_err());
    assert!(
        matches!(error.kind, ApiErrorKind::Conflict | ApiErrorKind::Forbidden),
        "{error}"
    );

    // Members: applications and users, added and removed.
    let app = admin
        .applications()
        .create(&new_app("reader-app"))
        .await
        .unwrap();
    groups.add_applications(group.id, &[app.id]).await.unwrap();
    groups.add_users(group.id, &[user.id]).await.unwrap();
    let member_apps = groups
        .list_applications(group.id, &ListParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        member_apps.iter().map(|a| a.id).collect::<Vec<_>>(),
        [app.id]
    );
    assert_eq!(
        admin.applications().get(app.id).await.unwrap().group_ids,
        [group.id]
    );
    let member_users = groups
        .list_users_page(group.id, &ListParams::new())
        .await
        .unwrap();
    assert_eq!(member_users.data[0].id, user.id);
    let page = groups
        .list_applications_page(group.id, &ListParams::new())
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(
        groups
            .list_users(group.id, &ListParams::new())
            .collect_all()
            .await
            .unwrap()
            .len(),
        1
    );
    let error = api(groups
        .add_users(group.id, &[UserId::generate()])
        .await
        .unwrap_err());
    assert!(
        matches!(
            error.kind,
            ApiErrorKind::NotFound | ApiErrorKind::Validation
        ),
        "{error}"
    );
    groups
        .remove_applications(group.id, &[app.id])
        .await
        .unwrap();
    groups.remove_users(group.id, &[user.id]).await.unwrap();
    assert!(
        groups
            .list_applications_page(group.id, &ListParams::new())
            .await
            .unwrap()
            .data
            .is_empty()
    );

    groups.delete(group.id).await.unwrap();
    assert_eq!(
        api(groups.get(group.id).await.unwrap_err()).kind,
        ApiErrorKind::NotFound
    );
    users.delete(user.id).await.unwrap();
    assert_eq!(
        users.get(user.id).await.unwrap().status,
        UserStatus::Deleted
    );
    let deleted = users
        .list_page(&ListParams::new().status(UserStatus::Deleted))
        .await
        .unwrap();
    assert_eq!(deleted.data.len(), 1);
}

#[tokio::test]
async fn operator_accounts_and_a_tenant_key() {
    let server = Server::start();
    let admin = server.admin();
    let accounts = admin.accounts();

    let created = accounts
        .create(&NewTenantAccount::new("Acme").admin_email("root@acme.example"))
        .await
        .unwrap();
    assert_eq!(created.account.plan, Plan::Free);
    assert_eq!(created.admin_user.email, "root@acme.example");
    assert!(!format!("{created:?}").contains(created.key()));
    let tenant = server.client(created.key());
    let me = tenant.me().await.unwrap();
    assert_eq!(me.account.id, created.account.id);
    assert_eq!(me.application.id, created.admin_application.id);
    assert_eq!(me.credential.id, created.access_key.id.to_string());

    assert_eq!(accounts.get(created.account.id).await.unwrap().name, "Acme");
    let listed = accounts
        .list(&ListParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);

    let custom = Limits {
        applications: 7,
        access_keys_per_application: 3,
        jwt_keys_per_application: 1,
    };
    let updated = accounts
        .update(
            created.account.id,
            &AccountUpdate {
                name: None,
                plan: Some(Plan::Custom),
                limits: Some(custom),
                key_policy: None,
            },
        )
        .await
        .unwrap();
    assert_eq!((updated.plan, updated.limits), (Plan::Custom, custom));
    let page = accounts
        .list_page(&ListParams::new().limit(1))
        .await
        .unwrap();
    assert!(page.has_more);

    let custom_account = accounts
        .create(&NewTenantAccount::new("Custom").limits(custom))
        .await
        .unwrap();
    assert_eq!(custom_account.account.limits, custom);

    // A tenant cannot manage accounts: 403.
    let error = api(tenant
        .accounts()
        .list_page(&ListParams::new())
        .await
        .unwrap_err());
    assert_eq!((error.status, error.kind), (403, ApiErrorKind::Forbidden));
    let error = api(accounts
        .create(&NewTenantAccount::new("Bad").plan(Plan::Custom))
        .await
        .unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Validation);
}

#[tokio::test]
async fn pagination_follows_after_across_pages() {
    let server = Server::start();
    let admin = server.admin();
    for n in 0..7 {
        admin
            .users()
            .create(&NewUser {
                email: format!("user{n}-{}@example.com", unique()),
                name: String::new(),
                group_ids: vec![],
            })
            .await
            .unwrap();
    }
    // 8 users with the admin user: pages of 3, 3 and 2.
    let mut pager = admin
        .users()
        .pager(&ListParams::new().limit(3).include_total_count());
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        assert_eq!(page.total_count, Some(8));
        assert_eq!(page.limit, 3);
        sizes.push((page.data.len(), page.has_more));
        ids.extend(page.data.iter().map(|u| u.id));
    }
    assert_eq!(sizes, [(3, true), (3, true), (2, false)]);
    assert!(pager.next_page().await.unwrap().is_none());
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, ids, "ascending creation order, no repeats");

    let streamed: Vec<_> = admin
        .users()
        .list(&ListParams::new().limit(2))
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, ids);
    let descending: Vec<_> = admin
        .users()
        .list(&ListParams::new().limit(3).order(Order::Descending))
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(descending, ids.iter().rev().copied().collect::<Vec<_>>());

    // The bindings' form: the item type erased, each page mapped.
    let mut boxed = admin
        .users()
        .pager(&ListParams::new().limit(3))
        .boxed(|users| users.into_iter().map(|u| u.id).collect::<Vec<_>>());
    let mut paged = Vec::new();
    while let Some(page) = boxed.next_page().await.unwrap() {
        paged.push(page);
    }
    assert_eq!(paged.concat(), ids);
    assert_eq!(paged.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 2]);
    assert!(boxed.next_page().await.unwrap().is_none());

    // The cursor can be given by hand.
    let rest = admin
        .users()
        .list_page(&ListParams::new().after(ids[5].to_string()))
        .await
        .unwrap();
    assert_eq!(rest.data.iter().map(|u| u.id).collect::<Vec<_>>(), ids[6..]);

    // Out of range limits are a 400 naming `limit`, also inside a stream.
    let error = api(admin
        .users()
        .list_page(&ListParams::new().limit(0))
        .await
        .unwrap_err());
    assert_eq!(field_names(&error), ["limit"]);
    let error = admin
        .users()
        .list(&ListParams::new().limit(1001))
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorKind::Validation));
}

#[tokio::test]
async fn unknown_and_mistyped_keys() {
    let server = Server::start();
    // Mistyped: refused offline, before any request.
    let mut typo = server.admin_key.clone();
    typo.replace_range(10..11, if &typo[10..11] == "a" { "b" } else { "a" });
    let error = Client::new(&server.url, &typo).unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidAccessKey(access_key::AccessKeyFormatError::BadChecksum)
    ));
    // Well formed but unknown: the server's 401.
    let error = api(server.client(&unknown_key()).me().await.unwrap_err());
    assert_eq!(
        (error.status, error.kind),
        (401, ApiErrorKind::Unauthorized)
    );
    assert!(error.request_id.is_some());
}

#[tokio::test]
async fn retries_honour_retry_after_from_the_failed_auth_limiter() {
    // One failure allowed in a burst, one earned back per second.
    let server = Server::start_with(
        &[],
        &[
            ("LATCHKEY_AUTH_FAILURE_BURST", "1"),
            ("LATCHKEY_AUTH_FAILURES_PER_SECOND", "1"),
        ],
    );
    let no_retries = Client::builder()
        .base_url(&server.url)
        .access_key(unknown_key())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let retrying = Client::builder()
        .base_url(&server.url)
        .access_key(unknown_key())
        .build()
        .unwrap();

    // The first failure spends the burst.
    let error = api(no_retries.me().await.unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Unauthorized);
    // Without retries the 429 comes back, with its Retry-After.
    let error = api(no_retries.me().await.unwrap_err());
    assert_eq!(
        (error.status, error.kind),
        (429, ApiErrorKind::TooManyRequests)
    );
    assert_eq!(error.retry_after, Some(Duration::from_secs(1)));
    // A POST is never retried: the 429 comes back at once.
    let started = Instant::now();
    let error = api(retrying
        .applications()
        .create(&new_app("never"))
        .await
        .unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::TooManyRequests);
    assert!(started.elapsed() < Duration::from_millis(900));
    // A GET waits as told, then gets the server's real answer.
    let started = Instant::now();
    let error = api(retrying.me().await.unwrap_err());
    assert_eq!(error.kind, ApiErrorKind::Unauthorized, "{error}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn password_links_and_has_password() {
    let server = Server::start();
    let admin = server.admin();
    let user = admin
        .users()
        .create(&NewUser {
            email: "grace@example.com".into(),
            name: "Grace".into(),
            group_ids: vec![],
        })
        .await
        .unwrap();
    assert!(!user.has_password, "nobody has a password at first");

    let link = admin.users().password_link(user.id).await.unwrap();
    assert_eq!(link.user_id, user.id);
    assert!(
        link.url()
            .starts_with(&format!("{}/console/password?token=", server.url)),
        "{}",
        link.url()
    );
    assert!(link.expires_at > jiff::Timestamp::now());
    let debug = format!("{link:?}");
    assert!(
        !debug.contains(link.url()) && debug.contains("REDACTED"),
        "{debug}"
    );
    let again = admin.users().password_link(user.id).await.unwrap();
    assert_ne!(again.url(), link.url(), "each call is a new link");

    // A link is a grant: a key scoped to `users:manage` cannot hand out its
    // own (administrator) user, whose rights it does not hold.
    let me = admin.me().await.unwrap();
    let narrow = admin
        .access_keys()
        .create(
            me.application.id,
            &NewAccessKey {
                scopes: vec!["users:manage".into()],
                ..new_key("users-only")
            },
        )
        .await
        .unwrap();
    let narrow = server.client(narrow.key());
    let refused = api(narrow.users().password_link(me.user.id).await.unwrap_err());
    assert_eq!(refused.kind, ApiErrorKind::Forbidden);
    assert_eq!(refused.status, 403);
    assert!(!field_names(&refused).is_empty());
    assert!(
        field_names(&refused).iter().all(|name| *name == "id"),
        "{refused}"
    );
    assert!(refused.request_id.is_some());
    // A user with no rights at all is within any manager's rights.
    narrow.users().password_link(user.id).await.unwrap();
    assert_eq!(
        api(admin
            .users()
            .password_link(UserId::generate())
            .await
            .unwrap_err())
        .kind,
        ApiErrorKind::NotFound
    );
}

#[tokio::test]
async fn the_audit_log_lists_filters_and_pages() {
    use latchkey_client::AuditLogFilter;

    let server = Server::start();
    let admin = server.admin();
    let me = admin.me().await.unwrap();
    let start = jiff::Timestamp::now();
    let apps = admin.applications();
    let app = apps.create(&new_app("audited")).await.unwrap();
    let rename = ApplicationUpdate {
        name: Some("audited-renamed".into()),
        description: None,
        status: None,
    };
    apps.update(app.id, &rename).await.unwrap();

    let log = admin.audit_log();
    let about = AuditLogFilter {
        target_id: Some(app.id.to_string()),
        ..Default::default()
    };
    let records = log
        .list(&ListParams::new().limit(1), &about)
        .collect_all()
        .await
        .unwrap();
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["application.create", "application.update"]);
    let renamed = &records[1];
    assert_eq!(renamed.target.kind, "application");
    assert_eq!(renamed.actor.via, "access_key");
    assert_eq!(renamed.actor.user_id, Some(me.user.id));
    assert_eq!(renamed.changes["name"][1], "audited-renamed");
    assert!(renamed.request_id.is_some());
    assert_eq!(renamed.ip.as_deref(), Some("127.0.0.1"));

    let since = AuditLogFilter {
        action: Some("application.create".into()),
        since: Some(start),
        ..Default::default()
    };
    let page = log
        .list_page(&ListParams::new().order(Order::Descending), &since)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].target.id, app.id.to_string());

    let bad = AuditLogFilter {
        action: Some("application.steal".into()),
        ..Default::default()
    };
    let error = api(log.list_page(&ListParams::new(), &bad).await.unwrap_err());
    assert_eq!((error.status, error.kind), (400, ApiErrorKind::Validation));
    assert_eq!(field_names(&error), ["action"]);
}
