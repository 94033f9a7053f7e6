//! The store conformance suite: every [`Store`] implementation must pass it
//! unchanged. Each test takes a fresh, empty store.

#![allow(missing_docs)]

pub mod audit;
pub mod commits;
pub mod export;
pub mod key_lifecycle;
pub mod limit_count;
pub mod people;
pub mod secret_upgrade;

pub use commits::{
    a_write_whose_caller_stops_waiting_still_commits_and_reports,
    every_write_reports_its_account_around_its_commit,
};
use latchkey_core::audit::Acting;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use latchkey_core::access_key;
use latchkey_core::authorize::Credential;
use latchkey_core::id::{AccessKeyId, AccountId, ApplicationId};
use latchkey_core::list::{Order, PageRequest};
use latchkey_core::plan::{LimitKind, Limits, Plan};
use latchkey_core::resource::{
    AccessKey, Account, AccountUpdate, Application, ApplicationUpdate, KeyUpdate, NewAccessKey,
    NewAccount, NewApplication, NewPolicyGroup, NewUser, PolicyGroupUpdate, User, UserUpdate,
};
use latchkey_core::secret_hash::{SecretHash, verify_secret};
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, KeyStatus, UserStatus};
use latchkey_store::{
    AccountBundle, AppScope, BulkDeleteStatus, KeyFilter, LimitPolicy, Members, Store, StoreError,
    StoredAccessKey,
};

pub fn now() -> Timestamp {
    Timestamp::now()
}

/// A bootstrapped account and what it started with.
pub struct Tenant {
    pub account: Account,
    pub admin: User,
    pub admin_app: Application,
    pub admin_key: AccessKey,
    pub key_string: String,
    pub administrators: latchkey_core::id::PolicyGroupId,
}

impl Tenant {
    pub fn scope(&self) -> AppScope {
        AppScope::account(self.account.id)
    }
}

pub async fn tenant(
    store: &dyn Store,
    plan: Plan,
    limits: Option<Limits>,
    operator: bool,
) -> Tenant {
    let account = NewAccount {
        name: "Acme".into(),
        plan,
        limits,
    }
    .build(operator, now())
    .unwrap();
    let (bundle, generated) =
        AccountBundle::build(account, "admin@example.com", "http://127.0.0.1:8080", now()).unwrap();
    let tenant = Tenant {
        account: bundle.account.clone(),
        admin: bundle.admin_user.clone(),
        admin_app: bundle.admin_application.clone(),
        admin_key: bundle.admin_key.key.clone(),
        key_string: generated.key().to_owned(),
        administrators: bundle.administrators.id,
    };
    store
        .create_account(&Acting::system(), bundle)
        .await
        .unwrap();
    tenant
}

pub fn custom(applications: u32, keys: u32) -> Option<Limits> {
    Some(Limits {
        applications,
        access_keys_per_application: keys,
        jwt_keys_per_application: keys,
    })
}

pub async fn app(
    store: &dyn Store,
    tenant: &Tenant,
    name: &str,
) -> Result<Application, StoreError> {
    let app = NewApplication {
        name: name.into(),
        description: String::new(),
        group_ids: vec![],
        created_by: None,
    }
    .build(tenant.account.id, tenant.admin.id, now())
    .unwrap();
    store.create_application(&Acting::system(), app).await
}

/// A stored access key with a fixed hash: these tests are about storage,
/// not hashing.
pub fn cheap_key(
    tenant: &Tenant,
    app: ApplicationId,
    name: &str,
    expiration: Option<Timestamp>,
) -> StoredAccessKey {
    let input = NewAccessKey {
        name: name.into(),
        description: String::new(),
        scopes: vec![],
        expiration,
        created_by: None,
    };
    let id = AccessKeyId::generate();
    let key = input
        .build(
            latchkey_core::resource::access_key::AccessKeyOrigin {
                id,
                key_prefix: format!("ak_{}", &id.body()[..8]),
                account_id: tenant.account.id,
                application_id: app,
                created_by: tenant.admin.id,
                api_host: "http://127.0.0.1:8080".into(),
            },
            now() - SignedDuration::from_secs(10),
        )
        .unwrap();
    StoredAccessKey {
        key,
        secret_hash: tenant_hash(),
    }
}

/// Creates a key (cheaply hashed) within the limit.
pub async fn add_key(
    store: &dyn Store,
    tenant: &Tenant,
    app: ApplicationId,
    name: &str,
    expiration: Option<Timestamp>,
) -> Result<AccessKey, StoreError> {
    let key = cheap_key(tenant, app, name, expiration);
    store
        .create_access_key(
            &Acting::system(),
            tenant.scope(),
            key,
            LimitPolicy::Enforce,
            now(),
        )
        .await
}

/// The secret hash stored for an access key that exists.
pub async fn stored_hash(store: &dyn Store, id: AccessKeyId) -> SecretHash {
    let (_, hash) = store.access_key_credential(id).await.unwrap().unwrap();
    hash
}

fn tenant_hash() -> SecretHash {
    SecretHash::digest("fixed")
}

pub async fn bootstrap_is_complete_and_authenticates(store: Arc<dyn Store>) {
    assert!(store.operator_account().await.unwrap().is_none());
    let t = tenant(&*store, Plan::Free, None, true).await;
    let operator = store.operator_account().await.unwrap().unwrap();
    assert_eq!(operator.id, t.account.id);
    // A second operator account is refused, whole.
    let other = NewAccount {
        name: "Other".into(),
        plan: Plan::Free,
        limits: None,
    }
    .build(true, now())
    .unwrap();
    let (bundle, _) = AccountBundle::build(other, "a@b.co", "http://x", now()).unwrap();
    let other_id = bundle.account.id;
    assert!(matches!(
        store.create_account(&Acting::system(), bundle).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.get_account(other_id).await,
        Err(StoreError::NotFound { .. })
    ));

    let parsed = access_key::parse(&t.key_string).unwrap();
    let id = AccessKeyId::from_body(parsed.key_id()).unwrap();
    assert_eq!(id, t.admin_key.id);
    let (context, hash) = store.access_key_credential(id).await.unwrap().unwrap();
    assert!(verify_secret(parsed.secret(), &hash));
    assert!(!verify_secret("not the secret", &hash));
    let principal = context.authenticate(now()).unwrap().principal;
    assert_eq!(principal.credential, Credential::AccessKey(id));
    assert_eq!(principal.user_id, t.admin.id);
    assert!(principal.operator);
    assert!(
        principal
            .permissions
            .contains(latchkey_core::permission::Permission::AccountsManage)
    );
    assert!(
        store
            .access_key_credential(AccessKeyId::generate())
            .await
            .unwrap()
            .is_none()
    );

    let groups = store
        .list_groups(t.account.id, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(groups.data.len(), 1);
    assert!(groups.data[0].built_in);
    let members = store
        .list_group_applications(t.account.id, groups.data[0].id, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(members.data, vec![t.admin_app.clone()]);
}

pub async fn names_are_unique_per_account_until_revoked(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Commercial, None, false).await;
    let u = tenant(&*store, Plan::Commercial, None, false).await;
    let billing = app(&*store, &t, "billing").await.unwrap();
    assert!(matches!(
        app(&*store, &t, "billing").await,
        Err(StoreError::Duplicate { field: "name", .. })
    ));
    app(&*store, &u, "billing")
        .await
        .expect("names are per account");
    store
        .update_application(
            &Acting::system(),
            t.scope(),
            billing.id,
            ApplicationUpdate {
                status: Some(ApplicationStatus::Revoked),
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    app(&*store, &t, "billing")
        .await
        .expect("a revoked application gives its name back");

    // Renaming onto a taken name is refused and changes nothing.
    let other = app(&*store, &t, "other").await.unwrap();
    let rename = ApplicationUpdate {
        name: Some("billing".into()),
        ..Default::default()
    };
    assert!(matches!(
        store
            .update_application(&Acting::system(), t.scope(), other.id, rename, now())
            .await,
        Err(StoreError::Duplicate { .. })
    ));
    assert_eq!(
        store
            .get_application(t.scope(), other.id)
            .await
            .unwrap()
            .name,
        "other"
    );

    // Emails: unique regardless of case, freed by deletion.
    let user = NewUser {
        email: "Ada@Example.com".into(),
        name: String::new(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    store
        .create_user(&Acting::system(), user.clone())
        .await
        .unwrap();
    let twin = NewUser {
        email: "ada@example.com".into(),
        name: String::new(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    assert!(matches!(
        store.create_user(&Acting::system(), twin.clone()).await,
        Err(StoreError::Duplicate { field: "email", .. })
    ));
    store
        .delete_user(&Acting::system(), t.account.id, user.id, now())
        .await
        .unwrap();
    store.create_user(&Acting::system(), twin).await.unwrap();

    // Groups.
    let group = NewPolicyGroup {
        name: "ops".into(),
        description: String::new(),
        permissions: vec!["keys:view:any".into()],
    }
    .build(t.account.id, false, now())
    .unwrap();
    store.create_group(&Acting::system(), group).await.unwrap();
    let again = NewPolicyGroup {
        name: "ops".into(),
        description: String::new(),
        permissions: vec![],
    }
    .build(t.account.id, false, now())
    .unwrap();
    assert!(matches!(
        store.create_group(&Acting::system(), again).await,
        Err(StoreError::Duplicate { .. })
    ));

    // Access-key names are unique across the account's applications.
    let a = app(&*store, &t, "a").await.unwrap();
    let b = app(&*store, &t, "b").await.unwrap();
    add_key(&*store, &t, a.id, "ci", None).await.unwrap();
    let clash = add_key(&*store, &t, b.id, "ci", None).await;
    assert!(matches!(clash, Err(StoreError::Duplicate { .. })));
}

pub async fn plan_limits_count_what_the_contract_says(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Free, None, false).await;
    // The admin application is one of the four.
    let mut apps = vec![];
    for name in ["a", "b", "c"] {
        apps.push(app(&*store, &t, name).await.unwrap());
    }
    let refused = app(&*store, &t, "d").await.unwrap_err();
    assert!(
        matches!(refused, StoreError::LimitExceeded(ref e) if e.kind == LimitKind::Applications && e.maximum == 4)
    );
    assert!(matches!(
        store
            .get_application(t.scope(), ApplicationId::generate())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    store
        .update_application(
            &Acting::system(),
            t.scope(),
            apps[0].id,
            ApplicationUpdate {
                status: Some(ApplicationStatus::Revoked),
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    app(&*store, &t, "d")
        .await
        .expect("revoked applications do not count");

    // Keys: two per application; inactive counts, expired and revoked do not.
    let target = apps[1].id;
    let first = add_key(&*store, &t, target, "k1", None).await.unwrap();
    let second = store
        .create_access_key(
            &Acting::system(),
            t.scope(),
            cheap_key(
                &t,
                target,
                "k2",
                Some(now() + SignedDuration::from_secs(3600)),
            ),
            LimitPolicy::Enforce,
            now(),
        )
        .await
        .unwrap();
    let over = add_key(&*store, &t, target, "k3", None).await;
    assert!(
        matches!(over, Err(StoreError::LimitExceeded(ref e)) if e.kind == LimitKind::AccessKeysPerApplication)
    );
    let deactivate = KeyUpdate {
        status: Some(KeyStatus::Inactive),
        ..Default::default()
    };
    store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            target,
            first.id,
            deactivate,
            now(),
        )
        .await
        .unwrap();
    assert!(add_key(&*store, &t, target, "k3", None).await.is_err());
    let expire = KeyUpdate {
        expiration: Some(Some(now() - SignedDuration::from_secs(1))),
        ..Default::default()
    };
    let expired = store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            target,
            second.id,
            expire,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(expired.effective_status(now()), EffectiveKeyStatus::Expired);
    let third = add_key(&*store, &t, target, "k3", None).await.unwrap();
    // Bringing the expired key back would overshoot: refused, and the key
    // stays as it was (API.md: `limit_exceeded` when the application has no
    // room left for it).
    let revive = KeyUpdate {
        expiration: Some(None),
        ..Default::default()
    };
    let refused = store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            target,
            second.id,
            revive,
            now(),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::LimitExceeded(ref e)) if e.kind == LimitKind::AccessKeysPerApplication),
        "{refused:?}"
    );
    let unchanged = store
        .get_access_key(t.scope(), target, second.id)
        .await
        .unwrap();
    assert_eq!(
        unchanged.effective_status(now()),
        EffectiveKeyStatus::Expired
    );
    assert!(add_key(&*store, &t, target, "k4", None).await.is_err());
    // Once a slot is free, the expired key may come back.
    let revoke_third = KeyUpdate {
        status: Some(KeyStatus::Revoked),
        ..Default::default()
    };
    store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            target,
            third.id,
            revoke_third,
            now(),
        )
        .await
        .unwrap();
    let revive = KeyUpdate {
        expiration: Some(None),
        ..Default::default()
    };
    let revived = store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            target,
            second.id,
            revive,
            now(),
        )
        .await
        .unwrap();
    assert_eq!(revived.effective_status(now()), EffectiveKeyStatus::Active);
    // Revoking frees a slot.
    for id in [first.id, second.id] {
        let revoke = KeyUpdate {
            status: Some(KeyStatus::Revoked),
            ..Default::default()
        };
        store
            .update_access_key(&Acting::system(), t.scope(), target, id, revoke, now())
            .await
            .unwrap();
    }
    add_key(&*store, &t, target, "k4", None).await.unwrap();
    // Recovery ignores the limit.
    store
        .create_access_key(
            &Acting::system(),
            t.scope(),
            cheap_key(&t, target, "k5", None),
            LimitPolicy::Ignore,
            now(),
        )
        .await
        .unwrap();
    let _ = third;
    // No key for a revoked application.
    let on_revoked = add_key(&*store, &t, apps[0].id, "x", None).await;
    assert!(matches!(on_revoked, Err(StoreError::Conflict(_))));
}

pub async fn scopes_hide_other_accounts_and_other_users(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Commercial, None, false).await;
    let u = tenant(&*store, Plan::Commercial, None, false).await;
    let mine = app(&*store, &t, "mine").await.unwrap();
    let key = add_key(&*store, &t, mine.id, "k", None).await.unwrap();
    // Another account sees nothing.
    assert!(matches!(
        store.get_application(u.scope(), mine.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.get_access_key(u.scope(), mine.id, key.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.get_user(u.account.id, t.admin.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store
            .delete_application(&Acting::system(), u.scope(), mine.id)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    // A key fetched through the wrong application is not found either.
    assert!(matches!(
        store
            .get_access_key(t.scope(), t.admin_app.id, key.id)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    // `:own` reach: another user's applications are outside it.
    let stranger = NewUser {
        email: "s@example.com".into(),
        name: String::new(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    store
        .create_user(&Acting::system(), stranger.clone())
        .await
        .unwrap();
    let own = AppScope {
        account_id: t.account.id,
        owned_by: Some(stranger.id),
    };
    assert!(matches!(
        store.get_application(own, mine.id).await,
        Err(StoreError::OutsideScope { .. })
    ));
    assert!(matches!(
        store.get_access_key(own, mine.id, key.id).await,
        Err(StoreError::OutsideScope { .. })
    ));
    let listed = store
        .list_applications(own, None, PageRequest::first(100))
        .await
        .unwrap();
    assert!(listed.data.is_empty());
    let keys = store
        .list_access_keys(own, KeyFilter::default(), PageRequest::first(100), now())
        .await
        .unwrap();
    assert!(keys.data.is_empty());
    let all = store
        .list_access_keys(
            t.scope(),
            KeyFilter::default(),
            PageRequest::first(100),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(all.data.len(), 2, "the admin key and the new one");
}

pub async fn deletes_cascade(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Commercial, None, false).await;
    let group = NewPolicyGroup {
        name: "readers".into(),
        description: String::new(),
        permissions: vec!["keys:view:any".into()],
    }
    .build(t.account.id, false, now())
    .unwrap();
    let group = store.create_group(&Acting::system(), group).await.unwrap();
    let doomed = app(&*store, &t, "doomed").await.unwrap();
    store
        .add_members(
            &Acting::system(),
            t.account.id,
            group.id,
            Members::Applications(vec![doomed.id]),
            now(),
        )
        .await
        .unwrap();
    store
        .add_members(
            &Acting::system(),
            t.account.id,
            group.id,
            Members::Users(vec![t.admin.id]),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .get_application(t.scope(), doomed.id)
            .await
            .unwrap()
            .group_ids,
        vec![group.id]
    );
    let key = add_key(&*store, &t, doomed.id, "k", None).await.unwrap();

    let (context, _) = store.access_key_credential(key.id).await.unwrap().unwrap();
    assert_eq!(context.group_permissions.len(), 1);

    store
        .delete_application(&Acting::system(), t.scope(), doomed.id)
        .await
        .unwrap();
    assert!(matches!(
        store.get_application(t.scope(), doomed.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.access_key_credential(key.id).await.unwrap().is_none());
    let filter = KeyFilter {
        status: Some(EffectiveKeyStatus::Active),
        ..Default::default()
    };
    let left = store
        .list_access_keys(t.scope(), filter, PageRequest::first(100), now())
        .await
        .unwrap();
    assert_eq!(
        left.data.iter().map(|k| k.id).collect::<Vec<_>>(),
        vec![t.admin_key.id]
    );
    assert!(
        store
            .list_group_applications(t.account.id, group.id, PageRequest::first(10))
            .await
            .unwrap()
            .data
            .is_empty()
    );
    app(&*store, &t, "doomed")
        .await
        .expect("the name is free again");

    // Deleting a group removes every membership in it.
    assert!(
        store
            .user_permissions(t.account.id, t.admin.id)
            .await
            .unwrap()
            .contains("keys:view:any".parse().unwrap())
    );
    store
        .delete_group(&Acting::system(), t.account.id, group.id)
        .await
        .unwrap();
    let admin = store.get_user(t.account.id, t.admin.id).await.unwrap();
    assert!(!admin.group_ids.contains(&group.id));
    // The built-in group stays.
    let admins = admin.group_ids[0];
    assert!(matches!(
        store
            .delete_group(&Acting::system(), t.account.id, admins)
            .await,
        Err(StoreError::Change(_))
    ));
    let rename = PolicyGroupUpdate {
        name: Some("x".into()),
        ..Default::default()
    };
    assert!(matches!(
        store
            .update_group(
                &Acting::system(),
                t.account.id,
                admins,
                rename,
                false,
                now()
            )
            .await,
        Err(StoreError::Change(_))
    ));

    // Membership changes are all or nothing.
    let group = NewPolicyGroup {
        name: "g".into(),
        description: String::new(),
        permissions: vec![],
    }
    .build(t.account.id, false, now())
    .unwrap();
    let group = store.create_group(&Acting::system(), group).await.unwrap();
    let mixed = Members::Applications(vec![t.admin_app.id, ApplicationId::generate()]);
    let Err(StoreError::Invalid(errors)) = store
        .add_members(&Acting::system(), t.account.id, group.id, mixed, now())
        .await
    else {
        panic!("an unknown id must be refused");
    };
    assert_eq!(errors.fields[0].name, "ids[1]");
    assert!(
        store
            .list_group_applications(t.account.id, group.id, PageRequest::first(10))
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

pub async fn users_and_their_deletion(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Commercial, None, false).await;
    let bob = NewUser {
        email: "bob@example.com".into(),
        name: "Bob".into(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    store
        .create_user(&Acting::system(), bob.clone())
        .await
        .unwrap();
    let with_bad_group = NewUser {
        email: "c@example.com".into(),
        name: String::new(),
        group_ids: vec![latchkey_core::id::PolicyGroupId::generate()],
    }
    .build(t.account.id, now())
    .unwrap();
    assert!(matches!(
        store.create_user(&Acting::system(), with_bad_group).await,
        Err(StoreError::Invalid(_))
    ));
    let bobs_app = NewApplication {
        name: "bobs".into(),
        description: String::new(),
        group_ids: vec![],
        created_by: None,
    }
    .build(t.account.id, bob.id, now())
    .unwrap();
    store
        .create_application(&Acting::system(), bobs_app.clone())
        .await
        .unwrap();
    let key = add_key(&*store, &t, bobs_app.id, "k", None).await.unwrap();
    let renamed = store
        .update_user(
            &Acting::system(),
            t.account.id,
            bob.id,
            UserUpdate {
                name: Some("Robert".into()),
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "Robert");

    store
        .delete_user(&Acting::system(), t.account.id, bob.id, now())
        .await
        .unwrap();
    let (context, _) = store.access_key_credential(key.id).await.unwrap().unwrap();
    assert!(
        context.authenticate(now()).is_err(),
        "what a deleted user created stops authenticating"
    );
    let active = store
        .list_users(t.account.id, None, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(active.data.len(), 1);
    let deleted = store
        .list_users(
            t.account.id,
            Some(UserStatus::Deleted),
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(deleted.data[0].id, bob.id);
    // Applications must belong to an active user.
    let orphan = NewApplication {
        name: "orphan".into(),
        description: String::new(),
        group_ids: vec![],
        created_by: None,
    }
    .build(t.account.id, bob.id, now())
    .unwrap();
    assert!(matches!(
        store.create_application(&Acting::system(), orphan).await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn pagination_returns_each_item_once_in_both_orders(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, custom(100, 100), false).await;
    let mut ids = vec![t.admin_app.id];
    for index in 0..24 {
        ids.push(
            app(&*store, &t, &format!("app-{index:02}"))
                .await
                .unwrap()
                .id,
        );
    }
    for order in [Order::Ascending, Order::Descending] {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let request = PageRequest {
                limit: 7,
                after,
                order,
                include_total_count: true,
            };
            let page = store
                .list_applications(t.scope(), None, request)
                .await
                .unwrap();
            assert_eq!(page.total_count, Some(25));
            seen.extend(page.data.iter().map(|a| a.id));
            if !page.has_more {
                assert!(page.data.len() <= 7);
                break;
            }
            assert_eq!(page.data.len(), 7);
            after = page.data.last().map(|a| a.id);
        }
        let mut expected = ids.clone();
        if order == Order::Descending {
            expected.reverse();
        }
        assert_eq!(seen, expected, "{order:?}");
    }
    // A cursor past the end gives an empty page.
    let last = *ids.last().unwrap();
    let page = store
        .list_applications(
            t.scope(),
            None,
            PageRequest {
                limit: 5,
                after: Some(last),
                order: Order::Ascending,
                include_total_count: false,
            },
        )
        .await
        .unwrap();
    assert!(page.data.is_empty() && !page.has_more);
}

pub async fn key_lists_filter_by_status_and_application(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    let a = app(&*store, &t, "a").await.unwrap();
    let mut keys = vec![];
    for name in ["k1", "k2", "k3", "k4"] {
        keys.push(add_key(&*store, &t, a.id, name, None).await.unwrap());
    }
    let set = |status| KeyUpdate {
        status: Some(status),
        ..Default::default()
    };
    store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            a.id,
            keys[1].id,
            set(KeyStatus::Inactive),
            now(),
        )
        .await
        .unwrap();
    store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            a.id,
            keys[2].id,
            set(KeyStatus::Revoked),
            now(),
        )
        .await
        .unwrap();
    let past = KeyUpdate {
        expiration: Some(Some(now() - SignedDuration::from_secs(5))),
        ..Default::default()
    };
    store
        .update_access_key(&Acting::system(), t.scope(), a.id, keys[3].id, past, now())
        .await
        .unwrap();
    async fn ids(
        store: &dyn Store,
        scope: AppScope,
        app: ApplicationId,
        status: Option<EffectiveKeyStatus>,
    ) -> Vec<AccessKeyId> {
        let filter = KeyFilter {
            application_id: Some(app),
            status,
        };
        let page = store
            .list_access_keys(scope, filter, PageRequest::first(50), now())
            .await
            .unwrap();
        page.data.into_iter().map(|k| k.id).collect()
    }
    assert_eq!(
        ids(&*store, t.scope(), a.id, None).await,
        vec![keys[0].id, keys[1].id, keys[3].id],
        "revoked hidden by default"
    );
    assert_eq!(
        ids(&*store, t.scope(), a.id, Some(EffectiveKeyStatus::Revoked)).await,
        vec![keys[2].id]
    );
    assert_eq!(
        ids(&*store, t.scope(), a.id, Some(EffectiveKeyStatus::Expired)).await,
        vec![keys[3].id]
    );
    assert_eq!(
        ids(&*store, t.scope(), a.id, Some(EffectiveKeyStatus::Inactive)).await,
        vec![keys[1].id]
    );
    let account_wide = KeyFilter {
        application_id: None,
        status: Some(EffectiveKeyStatus::Active),
    };
    let active = store
        .list_access_keys(t.scope(), account_wide, PageRequest::first(50), now())
        .await
        .unwrap();
    assert_eq!(
        active.data.iter().map(|k| k.id).collect::<Vec<_>>(),
        vec![t.admin_key.id, keys[0].id]
    );
    // Revoked is terminal, in the store as in the domain.
    let revive = store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            a.id,
            keys[2].id,
            set(KeyStatus::Active),
            now(),
        )
        .await;
    assert!(matches!(revive, Err(StoreError::Change(_))));
    // last_used_at only moves forward.
    let later = now() + SignedDuration::from_secs(60);
    store
        .record_access_key_use(vec![(keys[0].id, later), (AccessKeyId::generate(), later)])
        .await
        .unwrap();
    store
        .record_access_key_use(vec![(keys[0].id, now())])
        .await
        .unwrap();
    assert_eq!(
        store
            .get_access_key(t.scope(), a.id, keys[0].id)
            .await
            .unwrap()
            .last_used_at,
        Some(later)
    );
}

pub async fn bulk_delete_is_all_or_nothing(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    let u = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    let a = app(&*store, &t, "a").await.unwrap();
    let k1 = add_key(&*store, &t, a.id, "k1", None).await.unwrap();
    let k2 = add_key(&*store, &t, a.id, "k2", None).await.unwrap();
    let report = store
        .bulk_delete_access_keys(
            &Acting::system(),
            t.scope(),
            vec![k1.id, u.admin_key.id, k2.id],
        )
        .await
        .unwrap();
    assert!(!report.deleted);
    let statuses: Vec<_> = report.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            BulkDeleteStatus::Skipped,
            BulkDeleteStatus::NotFound,
            BulkDeleteStatus::Skipped
        ]
    );
    store
        .get_access_key(t.scope(), a.id, k1.id)
        .await
        .expect("nothing was deleted");
    let report = store
        .bulk_delete_access_keys(&Acting::system(), t.scope(), vec![k1.id, k2.id])
        .await
        .unwrap();
    assert!(report.deleted);
    assert!(
        report
            .results
            .iter()
            .all(|r| r.status == BulkDeleteStatus::Deleted)
    );
    assert!(matches!(
        store.get_access_key(t.scope(), a.id, k2.id).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn accounts_are_listed_and_changed(store: Arc<dyn Store>) {
    let operator = tenant(&*store, Plan::Free, None, true).await;
    let tenant = tenant(&*store, Plan::Free, None, false).await;
    let accounts = store.list_accounts(PageRequest::first(10)).await.unwrap();
    assert_eq!(
        accounts
            .data
            .iter()
            .map(|a| a.id)
            .collect::<Vec<AccountId>>(),
        vec![operator.account.id, tenant.account.id]
    );
    let upgrade = AccountUpdate {
        plan: Some(Plan::Commercial),
        ..Default::default()
    };
    let changed = store
        .update_account(&Acting::system(), tenant.account.id, upgrade, now())
        .await
        .unwrap();
    assert_eq!(changed.limits.applications, 25);
    let invalid = AccountUpdate {
        name: Some(String::new()),
        ..Default::default()
    };
    assert!(matches!(
        store
            .update_account(&Acting::system(), tenant.account.id, invalid, now())
            .await,
        Err(StoreError::Change(_))
    ));
    assert_eq!(
        store.get_account(tenant.account.id).await.unwrap().name,
        "Acme"
    );
}

/// Many creations race for the last slots: exactly the limit succeeds.
pub async fn racing_creations_never_overshoot(store: Arc<dyn Store>) {
    let t = Arc::new(tenant(&*store, Plan::Custom, custom(10, 3), false).await);
    let mut tasks = Vec::new();
    for index in 0..32 {
        let store = store.clone();
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            app(&*store, &t, &format!("racer-{index}")).await
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(app) => created.push(app),
            Err(StoreError::LimitExceeded(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(created.len(), 9, "ten applications with the admin one");
    let target = created[0].id;
    let mut tasks = Vec::new();
    for index in 0..32 {
        let store = store.clone();
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            add_key(&*store, &t, target, &format!("key-{index}"), None).await
        }));
    }
    let mut keys = 0;
    for task in tasks {
        if task.await.unwrap().is_ok() {
            keys += 1;
        }
    }
    assert_eq!(keys, 3);
    let filter = KeyFilter {
        application_id: Some(target),
        status: None,
    };
    let listed = store
        .list_access_keys(t.scope(), filter, PageRequest::first(100), now())
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 3);
}

/// Expired keys brought back while others are created: whatever the
/// interleaving, an application never holds more live keys than its limit.
pub async fn racing_revivals_never_overshoot(store: Arc<dyn Store>) {
    let t = Arc::new(tenant(&*store, Plan::Custom, custom(10, 2), false).await);
    let target = app(&*store, &t, "revivals").await.unwrap().id;
    let mut expired = Vec::new();
    for index in 0..2 {
        let key = add_key(&*store, &t, target, &format!("old-{index}"), None)
            .await
            .unwrap();
        let expire = KeyUpdate {
            expiration: Some(Some(now() - SignedDuration::from_secs(1))),
            ..Default::default()
        };
        store
            .update_access_key(&Acting::system(), t.scope(), target, key.id, expire, now())
            .await
            .unwrap();
        expired.push(key.id);
    }
    let mut tasks = Vec::new();
    for index in 0..8 {
        let store = store.clone();
        let t = t.clone();
        let revived = expired[index % 2];
        tasks.push(tokio::spawn(async move {
            if index % 2 == 0 {
                let revive = KeyUpdate {
                    expiration: Some(None),
                    ..Default::default()
                };
                store
                    .update_access_key(&Acting::system(), t.scope(), target, revived, revive, now())
                    .await
                    .map(|_| ())
            } else {
                add_key(&*store, &t, target, &format!("new-{index}"), None)
                    .await
                    .map(|_| ())
            }
        }));
    }
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) | Err(StoreError::LimitExceeded(_)) | Err(StoreError::Change(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    let filter = KeyFilter {
        application_id: Some(target),
        status: Some(EffectiveKeyStatus::Active),
    };
    let live = store
        .list_access_keys(t.scope(), filter, PageRequest::first(100), now())
        .await
        .unwrap();
    assert_eq!(live.data.len(), 2, "{:?}", live.data);
}

/// Registers each conformance test for a store constructor.
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        conformance_tests!(@each $make;
            bootstrap_is_complete_and_authenticates,
            names_are_unique_per_account_until_revoked,
            plan_limits_count_what_the_contract_says,
            scopes_hide_other_accounts_and_other_users,
            deletes_cascade,
            users_and_their_deletion,
            pagination_returns_each_item_once_in_both_orders,
            key_lists_filter_by_status_and_application,
            bulk_delete_is_all_or_nothing,
            accounts_are_listed_and_changed,
            racing_creations_never_overshoot,
            racing_revivals_never_overshoot,
            every_write_reports_its_account_around_its_commit,
            a_write_whose_caller_stops_waiting_still_commits_and_reports,
        );
    };
    (@each $make:expr; $($test:ident,)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            let (store, _guard) = $make;
            conformance::$test(store).await;
        }
    )*};
}
