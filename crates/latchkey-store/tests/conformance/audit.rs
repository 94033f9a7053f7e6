//! The audit log, on every store: each change writes its record in its own
//! transaction, with who, how, what and the fields it changed (never a
//! secret); a refused write writes none; lists filter and page.

use std::net::IpAddr;
use std::sync::Arc;

use latchkey_core::argon2id::HashParams;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord, TargetType, Via};
use latchkey_core::authorize::{Credential, Principal};
use latchkey_core::id::{AccountId, AuditRecordId};
use latchkey_core::list::{Order, Page, PageRequest};
use latchkey_core::password::Password;
use latchkey_core::password_link::PasswordLink;
use latchkey_core::permission::PermissionSet;
use latchkey_core::plan::Plan;
use latchkey_core::resource::{
    ApplicationUpdate, KeyUpdate, NewPolicyGroup, NewUser, PolicyGroupUpdate, UserUpdate,
};
use latchkey_core::session::Session;
use latchkey_core::status::{ApplicationStatus, KeyStatus};
use latchkey_core::token::{Token, TokenUse};
use latchkey_store::{AuditFilter, LimitPolicy, Members, Store, StoreError};
use serde_json::json;

use super::{Tenant, app, cheap_key, now, tenant};

/// The tenant's admin acting through its first access key, from a request.
fn admin(t: &Tenant) -> Acting {
    let principal = Principal {
        account_id: t.account.id,
        operator: t.account.operator,
        application_id: Some(t.admin_app.id),
        user_id: t.admin.id,
        credential: Credential::AccessKey(t.admin_key.id),
        permissions: PermissionSet::tenant_all(),
    };
    let ip: IpAddr = "203.0.113.7".parse().unwrap();
    Acting::credential(principal, Some("req_audit".into()), Some(ip))
}

/// Every record of an account's log, oldest first.
pub async fn log(store: &dyn Store, account: AccountId) -> Vec<AuditRecord> {
    filtered(store, account, AuditFilter::default()).await
}

async fn filtered(store: &dyn Store, account: AccountId, filter: AuditFilter) -> Vec<AuditRecord> {
    let mut all = Vec::new();
    let mut page = PageRequest::<AuditRecordId>::first(1000);
    loop {
        let found: Page<AuditRecord> = store
            .list_audit_records(account, filter.clone(), page)
            .await
            .unwrap();
        let last = found.data.last().map(|r| r.id);
        all.extend(found.data);
        match (found.has_more, last) {
            (true, Some(last)) => page.after = Some(last),
            _ => return all,
        }
    }
}

fn actions(records: &[AuditRecord]) -> Vec<&'static str> {
    records.iter().map(|r| r.action.as_str()).collect()
}

pub async fn every_change_is_recorded_with_its_actor_and_fields(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Free, None, false).await;
    let bootstrap = log(&*store, t.account.id).await;
    assert_eq!(
        actions(&bootstrap),
        [
            "account.create",
            "group.create",
            "user.create",
            "application.create",
            "access_key.create"
        ]
    );
    assert!(bootstrap.iter().all(|r| r.actor.via == Via::System));

    let acting = admin(&t);
    let billing = latchkey_core::resource::NewApplication {
        name: "billing".into(),
        description: String::new(),
        group_ids: vec![],
        created_by: None,
    }
    .build(t.account.id, t.admin.id, now())
    .unwrap();
    let billing = store.create_application(&acting, billing).await.unwrap();
    let rename = ApplicationUpdate {
        name: Some("invoices".into()),
        ..Default::default()
    };
    store
        .update_application(&acting, t.scope(), billing.id, rename, now())
        .await
        .unwrap();
    let key = store
        .create_access_key(
            &acting,
            t.scope(),
            cheap_key(&t, billing.id, "ci", None),
            LimitPolicy::Enforce,
            now(),
        )
        .await
        .unwrap();
    let deactivate = KeyUpdate {
        status: Some(KeyStatus::Inactive),
        ..Default::default()
    };
    store
        .update_access_key(&acting, t.scope(), billing.id, key.id, deactivate, now())
        .await
        .unwrap();
    let revoke = KeyUpdate {
        status: Some(KeyStatus::Revoked),
        ..Default::default()
    };
    store
        .update_access_key(&acting, t.scope(), billing.id, key.id, revoke, now())
        .await
        .unwrap();
    store
        .delete_access_key(&acting, t.scope(), billing.id, key.id)
        .await
        .unwrap();
    let group = NewPolicyGroup {
        name: "viewers".into(),
        description: String::new(),
        permissions: vec!["keys:view:any".into()],
    }
    .build(t.account.id, false, now())
    .unwrap();
    let group = store.create_group(&acting, group).await.unwrap();
    let widen = PolicyGroupUpdate {
        permissions: Some(vec!["keys:view:any".into(), "applications:view:any".into()]),
        ..Default::default()
    };
    store
        .update_group(&acting, t.account.id, group.id, widen, false, now())
        .await
        .unwrap();
    let members = Members::Applications(vec![billing.id]);
    store
        .add_members(&acting, t.account.id, group.id, members.clone(), now())
        .await
        .unwrap();
    // Adding again moves no one: no record.
    store
        .add_members(&acting, t.account.id, group.id, members.clone(), now())
        .await
        .unwrap();
    store
        .remove_members(&acting, t.account.id, group.id, members, now())
        .await
        .unwrap();
    let ada = NewUser {
        email: "ada@example.com".into(),
        name: "Ada".into(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    let ada = store.create_user(&acting, ada).await.unwrap();
    let renamed = UserUpdate {
        name: Some("Ada L.".into()),
        ..Default::default()
    };
    store
        .update_user(&acting, t.account.id, ada.id, renamed, now())
        .await
        .unwrap();
    store
        .delete_user(&acting, t.account.id, ada.id, now())
        .await
        .unwrap();
    store
        .delete_group(&acting, t.account.id, group.id)
        .await
        .unwrap();
    let revoke_app = ApplicationUpdate {
        status: Some(ApplicationStatus::Revoked),
        ..Default::default()
    };
    store
        .update_application(&acting, t.scope(), billing.id, revoke_app, now())
        .await
        .unwrap();
    store
        .delete_application(&acting, t.scope(), billing.id)
        .await
        .unwrap();

    let records = log(&*store, t.account.id).await;
    let mine = &records[bootstrap.len()..];
    assert_eq!(
        actions(mine),
        [
            "application.create",
            "application.update",
            "access_key.create",
            "access_key.update",
            "access_key.revoke",
            "access_key.delete",
            "group.create",
            "group.update",
            "group.members.add",
            "group.members.remove",
            "user.create",
            "user.update",
            "user.delete",
            "group.delete",
            "application.revoke",
            "application.delete",
        ]
    );
    for record in mine {
        assert_eq!(record.account_id, t.account.id);
        assert_eq!(record.actor.user_id, Some(t.admin.id));
        assert_eq!(record.actor.application_id, Some(t.admin_app.id));
        assert_eq!(record.actor.credential_id, Some(t.admin_key.id.to_string()));
        assert_eq!(record.actor.via, Via::AccessKey);
        assert_eq!(record.request_id.as_deref(), Some("req_audit"));
        assert_eq!(record.ip, Some("203.0.113.7".parse().unwrap()));
    }
    let ids: Vec<_> = records.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the log is in id order");

    let by_action = |action: &str| mine.iter().find(|r| r.action.as_str() == action).unwrap();
    let renamed = by_action("application.update");
    assert_eq!(renamed.target.kind, TargetType::Application);
    assert_eq!(renamed.target.id, billing.id.to_string());
    assert_eq!(renamed.changes.len(), 1, "{:?}", renamed.changes);
    assert_eq!(
        renamed.changes["name"],
        [json!("billing"), json!("invoices")]
    );
    let deactivated = by_action("access_key.update");
    assert_eq!(deactivated.target.id, key.id.to_string());
    assert_eq!(
        deactivated.changes["status"],
        [json!("active"), json!("inactive")]
    );
    let widened = by_action("group.update");
    assert_eq!(
        widened.changes["permissions"],
        [
            json!(["keys:view:any"]),
            json!(["applications:view:any", "keys:view:any"])
        ]
    );
    let joined = by_action("group.members.add");
    assert_eq!(joined.target.id, group.id.to_string());
    assert_eq!(
        joined.changes["application_ids"],
        [json!(null), json!([billing.id.to_string()])]
    );
    let deleted = by_action("access_key.delete");
    assert_eq!(deleted.changes["name"], [json!("ci"), json!(null)]);
    let gone = by_action("user.delete");
    assert_eq!(gone.changes["status"], [json!("active"), json!("deleted")]);
}

pub async fn a_refused_write_leaves_no_record(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, super::custom(2, 1), false).await;
    let before = log(&*store, t.account.id).await.len();
    // A duplicate name, a full application, an unknown object: refused.
    let duplicate = app(&*store, &t, &t.admin_app.name.clone()).await;
    assert!(
        matches!(duplicate, Err(StoreError::Duplicate { .. })),
        "{duplicate:?}"
    );
    let full = store
        .create_access_key(
            &admin(&t),
            t.scope(),
            cheap_key(&t, t.admin_app.id, "second", None),
            LimitPolicy::Enforce,
            now(),
        )
        .await;
    assert!(full.is_err(), "{full:?}");
    let missing = store
        .delete_application(
            &admin(&t),
            t.scope(),
            latchkey_core::id::ApplicationId::generate(),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })));
    // A grant the actor cannot make: a group with more than it holds.
    let weak = Acting::credential(
        Principal {
            permissions: "groups:manage"
                .parse::<latchkey_core::permission::Permission>()
                .map(|p| PermissionSet::EMPTY.with(p))
                .unwrap(),
            ..admin(&t).principal().unwrap().clone()
        },
        None,
        None,
    );
    let group = NewPolicyGroup {
        name: "admins-too".into(),
        description: String::new(),
        permissions: vec!["users:manage".into()],
    }
    .build(t.account.id, false, now())
    .unwrap();
    assert!(store.create_group(&weak, group).await.is_err());
    assert_eq!(log(&*store, t.account.id).await.len(), before);
}

pub async fn a_record_never_shows_a_secret(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Free, None, false).await;
    let mut stored = cheap_key(&t, t.admin_app.id, "digested", None);
    stored.secret_hash = latchkey_core::secret_hash::SecretHash::digest("a-secret-never-logged");
    let digest = stored.secret_hash.to_stored();
    let hex = digest.trim_start_matches("sha256:").to_owned();
    let acting = admin(&t);
    let key = store
        .create_access_key(&acting, t.scope(), stored, LimitPolicy::Enforce, now())
        .await
        .unwrap();
    store
        .delete_access_key(&acting, t.scope(), t.admin_app.id, key.id)
        .await
        .unwrap();
    // A password set through a link: its hash stays out too.
    let ada = NewUser {
        email: "ada@example.com".into(),
        name: String::new(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    let ada = store.create_user(&acting, ada).await.unwrap();
    let (link, token) = PasswordLink::issue(&ada, now()).unwrap();
    store.create_password_link(&acting, link).await.unwrap();
    let password = Password::hash("correct horse battery", &HashParams::default(), now()).unwrap();
    let phc = password.hash.as_str().to_owned();
    let person = Acting::person(t.account.id, ada.id, None, None, None);
    store
        .redeem_password_link(
            &person,
            token.digest(TokenUse::PasswordLink),
            password,
            now(),
        )
        .await
        .unwrap();
    let text = serde_json::to_string(&log(&*store, t.account.id).await).unwrap();
    assert!(text.contains(&key.id.to_string()));
    assert!(!text.contains(&hex), "a key's digest is in the log");
    assert!(!text.contains(&phc), "a password hash is in the log");
    assert!(!text.contains("argon2id"));
    assert!(!text.contains(token.expose()));
}

pub async fn people_are_recorded_signing_in_and_out(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Free, None, false).await;
    let acting = admin(&t);
    let (link, token) = PasswordLink::issue(&t.admin, now()).unwrap();
    store.create_password_link(&acting, link).await.unwrap();
    let person = Acting::person(
        t.account.id,
        t.admin.id,
        None,
        Some("req_link".into()),
        None,
    );
    let password = Password::hash("correct horse battery", &HashParams::default(), now()).unwrap();
    let admin_user = store
        .redeem_password_link(
            &person,
            token.digest(TokenUse::PasswordLink),
            password,
            now(),
        )
        .await
        .unwrap();
    let cookie = Token::generate().unwrap();
    let session = Session::begin(&admin_user, &cookie, now());
    let session_id = session.id;
    let signing_in = Acting::person(t.account.id, t.admin.id, Some(session_id), None, None);
    store
        .create_session(&signing_in, session, now())
        .await
        .unwrap();
    store
        .delete_session(&signing_in, cookie.digest(TokenUse::Session))
        .await
        .unwrap();
    // Gone already: nothing more to record.
    store
        .delete_session(&signing_in, cookie.digest(TokenUse::Session))
        .await
        .unwrap();
    let records = log(&*store, t.account.id).await;
    let tail: Vec<_> = records.iter().rev().take(4).rev().collect();
    let names: Vec<_> = tail.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        names,
        [
            "user.password_link",
            "user.password_set",
            "console.sign_in",
            "console.sign_out"
        ]
    );
    assert_eq!(tail[0].target.id, t.admin.id.to_string());
    assert_eq!(tail[1].actor.via, Via::Console);
    assert_eq!(tail[1].request_id.as_deref(), Some("req_link"));
    assert_eq!(tail[1].changes["has_password"], [json!(false), json!(true)]);
    assert_eq!(tail[2].target.kind, TargetType::Session);
    assert_eq!(tail[2].target.id, session_id.to_string());
    assert_eq!(tail[3].actor.credential_id, Some(session_id.to_string()));
}

pub async fn the_log_filters_and_pages(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, super::custom(20, 2), false).await;
    let other = tenant(&*store, Plan::Free, None, false).await;
    let acting = admin(&t);
    let start = now();
    let mut apps = Vec::new();
    for name in ["a", "b", "c", "d", "e"] {
        let app = latchkey_core::resource::NewApplication {
            name: name.into(),
            description: String::new(),
            group_ids: vec![],
            created_by: None,
        }
        .build(t.account.id, t.admin.id, now())
        .unwrap();
        apps.push(store.create_application(&acting, app).await.unwrap());
    }
    let middle = now();
    let rename = ApplicationUpdate {
        description: Some("renamed".into()),
        ..Default::default()
    };
    store
        .update_application(&acting, t.scope(), apps[2].id, rename, now())
        .await
        .unwrap();
    let all = log(&*store, t.account.id).await;
    assert!(
        all.iter().all(|r| r.account_id == t.account.id),
        "another account's records leak"
    );
    assert_eq!(log(&*store, other.account.id).await.len(), 5);

    let created = filtered(
        &*store,
        t.account.id,
        AuditFilter {
            action: Some(AuditAction::ApplicationCreate),
            ..Default::default()
        },
    )
    .await;
    // The bootstrap's admin application, then the five.
    assert_eq!(created.len(), 6);
    let about_c = filtered(
        &*store,
        t.account.id,
        AuditFilter {
            target_id: Some(apps[2].id.to_string()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        actions(&about_c),
        ["application.create", "application.update"]
    );
    let by_admin = filtered(
        &*store,
        t.account.id,
        AuditFilter {
            actor_user_id: Some(t.admin.id),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        by_admin.len(),
        6,
        "the bootstrap's records have no acting user"
    );
    let since = filtered(
        &*store,
        t.account.id,
        AuditFilter {
            since: Some(start),
            until: Some(middle),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(since.len(), 5);
    let nothing = filtered(
        &*store,
        t.account.id,
        AuditFilter {
            since: Some(now()),
            ..Default::default()
        },
    )
    .await;
    assert!(nothing.is_empty());

    // Pages of two, both ways, make up the whole log.
    for order in [Order::Ascending, Order::Descending] {
        let mut page = PageRequest::<AuditRecordId> {
            limit: 2,
            after: None,
            order,
            include_total_count: true,
        };
        let mut seen = Vec::new();
        loop {
            let found = store
                .list_audit_records(t.account.id, AuditFilter::default(), page)
                .await
                .unwrap();
            assert_eq!(found.total_count, Some(all.len() as u64));
            assert!(found.data.len() <= 2);
            seen.extend(found.data.iter().map(|r| r.id));
            match (found.has_more, found.data.last()) {
                (true, Some(last)) => page.after = Some(last.id),
                _ => break,
            }
        }
        let mut expected: Vec<_> = all.iter().map(|r| r.id).collect();
        if order == Order::Descending {
            expected.reverse();
        }
        assert_eq!(seen, expected);
    }
}

#[macro_export]
macro_rules! audit_conformance_tests {
    ($make:expr) => {
        audit_conformance_tests!(@each $make;
            every_change_is_recorded_with_its_actor_and_fields,
            a_refused_write_leaves_no_record,
            a_record_never_shows_a_secret,
            people_are_recorded_signing_in_and_out,
            the_log_filters_and_pages,
        );
    };
    (@each $make:expr; $($test:ident,)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            let (store, _guard) = $make;
            conformance::audit::$test(store).await;
        }
    )*};
}
