//! Rolls, key policies and the sweep of unused keys, on every store: a roll
//! is one transaction that makes a new credential only as a new key would be
//! admitted, a policy binds what credentials ask for, and the sweep
//! deactivates only what a policy names. Each of them writes its audit
//! records in its own transaction.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use latchkey_core::access_key;
use latchkey_core::audit::{Acting, AuditAction, TargetType, Via};
use latchkey_core::authorize::{Credential, Principal};
use latchkey_core::delegation::every_permission;
use latchkey_core::id::{AccessKeyId, AccountId};
use latchkey_core::permission::{Permission, PermissionSet, Reach, Subject, Verb};
use latchkey_core::plan::{LimitKind, Plan};
use latchkey_core::resource::{AccessKey, AccountUpdate, KeyPolicy, KeyUpdate};
use latchkey_core::secret_hash::verify_secret;
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus};
use latchkey_store::{AccessKeyRoll, AnyKeyId, Changed, LimitPolicy, Store, StoreError};
use serde_json::{Value, json};

use super::audit::log;
use super::commits::{Recorder, Report};
use super::{Tenant, add_key, app, cheap_key, custom, now, stored_hash, tenant};

const DAY: i64 = 86_400;

/// Where a leaked key was found, as a report says.
const URL: &str = "https://github.com/acme/app/blob/main/.env";

fn after(seconds: i64) -> Timestamp {
    now() + SignedDuration::from_secs(seconds)
}

/// The tenant's admin key acting, with `permissions`, in a request.
fn acting(t: &Tenant, permissions: PermissionSet) -> Acting {
    Acting::credential(
        Principal {
            account_id: t.account.id,
            operator: t.account.operator,
            application_id: Some(t.admin_app.id),
            user_id: t.admin.id,
            credential: Credential::AccessKey(t.admin_key.id),
            permissions,
        },
        Some("req_lifecycle".into()),
        None,
    )
}

fn admin(t: &Tenant) -> Acting {
    acting(t, every_permission(t.account.operator))
}

fn rolling(grace: i64) -> (AccessKeyRoll, String) {
    let (roll, generated) =
        AccessKeyRoll::issue(None, SignedDuration::from_secs(grace), "http://x").unwrap();
    (roll, generated.key().to_owned())
}

async fn stored(store: &dyn Store, t: &Tenant, key: &AccessKey) -> AccessKey {
    store
        .get_access_key(t.scope(), key.application_id, key.id)
        .await
        .unwrap()
}

async fn key_count(store: &dyn Store, t: &Tenant, app: latchkey_core::id::ApplicationId) -> usize {
    store
        .list_access_keys(
            t.scope(),
            latchkey_store::KeyFilter {
                application_id: Some(app),
                status: None,
            },
            latchkey_core::list::PageRequest::first(100),
            now(),
        )
        .await
        .unwrap()
        .data
        .len()
}

pub async fn a_roll_inherits_and_gives_the_old_key_a_grace(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, custom(10, 3), false).await;
    let app = app(&*store, &t, "workers").await.unwrap().id;
    let mut input = cheap_key(&t, app, "ci", Some(after(10 * DAY)));
    input.key.description = "deploys".into();
    input.key.scopes = [Permission::scoped(Subject::Keys, Verb::View, Reach::Own)]
        .into_iter()
        .collect();
    let old = store
        .create_access_key(&admin(&t), t.scope(), input, LimitPolicy::Enforce, now())
        .await
        .unwrap();
    let at = now();
    let (roll, key_string) = rolling(60);
    let rolled = store
        .roll_access_key(&admin(&t), t.scope(), app, old.id, roll, at)
        .await
        .unwrap();
    assert_eq!(rolled.new.name, "ci-rolled-1");
    assert_eq!(rolled.new.scopes, old.scopes);
    assert_eq!(rolled.new.description, "deploys");
    assert_eq!(rolled.new.expiration, old.expiration);
    assert_eq!(rolled.new.created_by, old.created_by);
    assert_eq!(
        rolled.old.expiration,
        Some(at + SignedDuration::from_secs(60))
    );
    assert_eq!(stored(&*store, &t, &old).await, rolled.old);
    assert_eq!(stored(&*store, &t, &rolled.new).await, rolled.new);
    // Recorded in the roll's transaction: the roll on the old key, then the
    // new key's creation, both by the acting credential in its request.
    let records = log(&*store, t.account.id).await;
    let [.., roll_record, created] = &records[..] else {
        panic!("no records: {records:?}");
    };
    assert_eq!(roll_record.action, AuditAction::AccessKeyRoll);
    assert_eq!(roll_record.target.kind, TargetType::AccessKey);
    assert_eq!(roll_record.target.id, old.id.to_string());
    assert_eq!(
        roll_record.changes["expiration"],
        [json!(old.expiration), json!(rolled.old.expiration)]
    );
    assert_eq!(
        roll_record.changes["new_key_id"],
        [Value::Null, json!(rolled.new.id)]
    );
    assert_eq!(roll_record.actor.via, Via::AccessKey);
    assert_eq!(roll_record.actor.user_id, Some(t.admin.id));
    assert_eq!(roll_record.request_id.as_deref(), Some("req_lifecycle"));
    assert_eq!(created.action, AuditAction::AccessKeyCreate);
    assert_eq!(created.target.id, rolled.new.id.to_string());
    assert_eq!(created.changes["name"], [Value::Null, json!("ci-rolled-1")]);
    // The new key authenticates with the string the roll generated.
    let parsed = access_key::parse(&key_string).unwrap();
    assert_eq!(
        AccessKeyId::from_body(parsed.key_id()).unwrap(),
        rolled.new.id
    );
    let (context, hash) = store
        .access_key_credential(rolled.new.id)
        .await
        .unwrap()
        .unwrap();
    assert!(verify_secret(parsed.secret(), &hash));
    assert!(context.authenticate(at).is_ok());
    // The old key works during the grace, not after.
    let (old_context, _) = store.access_key_credential(old.id).await.unwrap().unwrap();
    assert!(old_context.authenticate(after(59)).is_ok());
    assert!(old_context.authenticate(after(61)).is_err());
    // A later roll counts up; a name in use is refused.
    let (roll, _) = rolling(0);
    let again = store
        .roll_access_key(&admin(&t), t.scope(), app, rolled.new.id, roll, now())
        .await
        .unwrap();
    assert_eq!(again.new.name, "ci-rolled-2");
    let (mut roll, _) = rolling(0);
    roll.name = Some("ci-rolled-2".into());
    assert!(matches!(
        store
            .roll_access_key(&admin(&t), t.scope(), app, again.new.id, roll, now())
            .await,
        Err(StoreError::Duplicate { field: "name", .. })
    ));
}

pub async fn a_roll_needs_room_while_the_old_key_lasts(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, custom(10, 2), false).await;
    let app = app(&*store, &t, "full").await.unwrap().id;
    let first = add_key(&*store, &t, app, "one", None).await.unwrap();
    add_key(&*store, &t, app, "two", None).await.unwrap();
    let (roll, _) = rolling(3600);
    let records_before = log(&*store, t.account.id).await.len();
    let error = store
        .roll_access_key(&admin(&t), t.scope(), app, first.id, roll, now())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::LimitExceeded(e) if e.kind == LimitKind::AccessKeysPerApplication),
        "{error:?}"
    );
    // Nothing changed: the old key kept its expiration, no key was added,
    // nothing was recorded.
    assert_eq!(stored(&*store, &t, &first).await, first);
    assert_eq!(key_count(&*store, &t, app).await, 2);
    assert_eq!(log(&*store, t.account.id).await.len(), records_before);
    // Without a grace the old key stops at once and makes room.
    let (roll, _) = rolling(0);
    let at = now();
    let rolled = store
        .roll_access_key(&admin(&t), t.scope(), app, first.id, roll, at)
        .await
        .unwrap();
    assert_eq!(rolled.old.effective_status(at), EffectiveKeyStatus::Expired);
    // A stopped key cannot be rolled.
    let (roll, _) = rolling(0);
    assert!(matches!(
        store
            .roll_access_key(&admin(&t), t.scope(), app, first.id, roll, now())
            .await,
        Err(StoreError::Change(_))
    ));
}

pub async fn a_roll_cannot_make_what_the_actor_could_not(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, custom(10, 5), false).await;
    let app = app(&*store, &t, "workers").await.unwrap().id;
    // An unscoped key (the system made it) and a key scoped to users:manage.
    let unscoped = add_key(&*store, &t, app, "unscoped", None).await.unwrap();
    let mut input = cheap_key(&t, app, "managers", None);
    input.key.scopes = [Permission::UsersManage].into_iter().collect();
    let scoped = store
        .create_access_key(
            &Acting::system(),
            t.scope(),
            input,
            LimitPolicy::Enforce,
            now(),
        )
        .await
        .unwrap();
    // A credential that may create and edit keys, and nothing else.
    let narrow = acting(
        &t,
        [
            Permission::scoped(Subject::Keys, Verb::Create, Reach::Any),
            Permission::scoped(Subject::Keys, Verb::Edit, Reach::Any),
            Permission::scoped(Subject::Keys, Verb::View, Reach::Any),
        ]
        .into_iter()
        .collect(),
    );
    for key in [&unscoped, &scoped] {
        let (roll, _) = rolling(60);
        let error = store
            .roll_access_key(&narrow, t.scope(), app, key.id, roll, now())
            .await
            .unwrap_err();
        assert!(matches!(error, StoreError::Refused(_)), "{error:?}");
        assert_eq!(stored(&*store, &t, key).await, *key, "nothing changed");
    }
    assert_eq!(key_count(&*store, &t, app).await, 2);
}

pub async fn set_policy(store: &dyn Store, t: &Tenant, policy: KeyPolicy) {
    store
        .update_account(
            &admin(t),
            t.account.id,
            AccountUpdate {
                key_policy: Some(policy),
                ..AccountUpdate::default()
            },
            now(),
        )
        .await
        .unwrap();
}

fn names_expiration(result: Result<impl std::fmt::Debug, StoreError>) {
    match result {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors.fields[0].name, "expiration"),
        other => panic!("expected a 400 on expiration, got {other:?}"),
    }
}

pub async fn the_key_policy_binds_creations_updates_and_rolls(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    let app = app(&*store, &t, "workers").await.unwrap().id;
    let before_policy = add_key(&*store, &t, app, "old", None).await.unwrap();
    set_policy(
        &*store,
        &t,
        KeyPolicy {
            max_key_lifetime_days: Some(30),
            require_expiration: true,
            ..KeyPolicy::default()
        },
    )
    .await;
    assert_eq!(
        store
            .get_account(t.account.id)
            .await
            .unwrap()
            .key_policy
            .max_key_lifetime_days,
        Some(30)
    );
    // Recorded as a policy change alone, with the fields that changed.
    let records = log(&*store, t.account.id).await;
    let policy = records.last().unwrap();
    assert_eq!(policy.action, AuditAction::AccountPolicyUpdate);
    assert_eq!(policy.target.kind, TargetType::Account);
    assert_eq!(policy.target.id, t.account.id.to_string());
    assert_eq!(
        policy.changes,
        [
            ("max_key_lifetime_days".to_owned(), [Value::Null, json!(30)]),
            ("require_expiration".to_owned(), [json!(false), json!(true)]),
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(policy.actor.via, Via::AccessKey);
    assert!(
        !records
            .iter()
            .any(|r| r.action == AuditAction::AccountUpdate),
        "a policy change is not an account.update"
    );
    let create = |name: &str, expiration| {
        let key = cheap_key(&t, app, name, expiration);
        let store = store.clone();
        let actor = admin(&t);
        let scope = t.scope();
        async move {
            store
                .create_access_key(&actor, scope, key, LimitPolicy::Enforce, now())
                .await
        }
    };
    names_expiration(create("forever", None).await);
    names_expiration(create("too long", Some(after(31 * DAY))).await);
    let ok = create("month", Some(after(20 * DAY))).await.unwrap();
    // The system (recovery) is not bound.
    add_key(&*store, &t, app, "recovery", None).await.unwrap();

    let update = |expiration| KeyUpdate {
        expiration: Some(expiration),
        ..KeyUpdate::default()
    };
    for expiration in [None, Some(after(40 * DAY))] {
        names_expiration(
            store
                .update_access_key(&admin(&t), t.scope(), app, ok.id, update(expiration), now())
                .await,
        );
    }
    assert_eq!(stored(&*store, &t, &ok).await, ok, "nothing changed");
    // Bringing an expiration forward is always allowed, even for a key that
    // predates the policy and is still beyond it.
    store
        .update_access_key(
            &admin(&t),
            t.scope(),
            app,
            before_policy.id,
            update(Some(after(100 * DAY))),
            now(),
        )
        .await
        .unwrap();
    // A roll inherits the expiration, which must meet the policy.
    let (roll, _) = rolling(60);
    names_expiration(
        store
            .roll_access_key(&admin(&t), t.scope(), app, before_policy.id, roll, now())
            .await,
    );
    let (roll, _) = rolling(60);
    store
        .roll_access_key(&admin(&t), t.scope(), app, ok.id, roll, now())
        .await
        .unwrap();
    // An invalid policy is refused whole.
    let error = store
        .update_account(
            &admin(&t),
            t.account.id,
            AccountUpdate {
                key_policy: Some(KeyPolicy {
                    deactivate_unused_after_days: Some(0),
                    ..KeyPolicy::default()
                }),
                ..AccountUpdate::default()
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Change(_)), "{error:?}");
}

pub async fn the_sweep_deactivates_only_what_a_policy_names(store: Arc<dyn Store>) {
    let swept = tenant(&*store, Plan::Custom, custom(10, 10), true).await;
    let other = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    set_policy(
        &*store,
        &swept,
        KeyPolicy {
            deactivate_unused_after_days: Some(30),
            ..KeyPolicy::default()
        },
    )
    .await;
    let app = app(&*store, &swept, "workers").await.unwrap().id;
    let idle = add_key(&*store, &swept, app, "idle", None).await.unwrap();
    let used = add_key(&*store, &swept, app, "used", None).await.unwrap();
    let expired = add_key(&*store, &swept, app, "expired", Some(after(DAY)))
        .await
        .unwrap();
    let other_app = super::app(&*store, &other, "workers").await.unwrap().id;
    let elsewhere = add_key(&*store, &other, other_app, "idle", None)
        .await
        .unwrap();
    store
        .record_access_key_use(vec![(used.id, after(20 * DAY))])
        .await
        .unwrap();

    // Not yet; and a sweep that finds nothing writes nothing, so it reports
    // no change (which would empty every cache of verified credentials).
    let commits = Arc::new(Recorder::default());
    store.observe_commits(commits.clone());
    assert!(
        store
            .deactivate_unused_keys(&Acting::system(), after(29 * DAY))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(commits.take(), []);
    let deactivated = store
        .deactivate_unused_keys(&Acting::system(), after(31 * DAY))
        .await
        .unwrap();
    assert_one_commit_covering(commits.take(), swept.account.id);
    let mut ids: Vec<AnyKeyId> = deactivated.iter().map(|k| k.key).collect();
    ids.sort_by_key(|k| format!("{k:?}"));
    let mut expected = vec![
        AnyKeyId::Access(idle.id),
        AnyKeyId::Access(swept.admin_key.id),
    ];
    expected.sort_by_key(|k| format!("{k:?}"));
    assert_eq!(ids, expected);
    assert!(deactivated.iter().all(|k| k.account_id == swept.account.id));
    // One record per key deactivated, by the system, in its account's log.
    let swept_records: Vec<_> = log(&*store, swept.account.id)
        .await
        .into_iter()
        .filter(|r| r.action == AuditAction::AccessKeyUpdate)
        .collect();
    let mut targets: Vec<String> = swept_records.iter().map(|r| r.target.id.clone()).collect();
    targets.sort();
    let mut expected_targets = vec![idle.id.to_string(), swept.admin_key.id.to_string()];
    expected_targets.sort();
    assert_eq!(targets, expected_targets);
    for record in &swept_records {
        assert_eq!(record.actor.via, Via::System);
        assert_eq!(record.actor.user_id, None);
        assert_eq!(
            record.changes["status"],
            [json!("active"), json!("inactive")]
        );
    }
    assert!(
        !log(&*store, other.account.id)
            .await
            .iter()
            .any(|r| r.action == AuditAction::AccessKeyUpdate)
    );
    assert_eq!(
        stored(&*store, &swept, &idle).await.status,
        KeyStatus::Inactive
    );
    assert_eq!(
        stored(&*store, &swept, &used).await.status,
        KeyStatus::Active
    );
    assert_eq!(
        stored(&*store, &swept, &expired).await.status,
        KeyStatus::Active
    );
    assert_eq!(
        stored(&*store, &other, &elsewhere).await.status,
        KeyStatus::Active
    );
    // A second sweep finds nothing new until the used key idles too.
    assert!(
        store
            .deactivate_unused_keys(&Acting::system(), after(32 * DAY))
            .await
            .unwrap()
            .is_empty()
    );
    let later = store
        .deactivate_unused_keys(&Acting::system(), after(51 * DAY))
        .await
        .unwrap();
    assert_eq!(
        later.iter().map(|k| k.key).collect::<Vec<_>>(),
        [AnyKeyId::Access(used.id)]
    );
    assert!(later[0].last_used_at.is_some());
}

pub async fn an_exposed_key_meets_its_accounts_action_only_with_its_own_hash(
    store: Arc<dyn Store>,
) {
    use latchkey_core::resource::ExposedKeyAction;
    use latchkey_core::secret_hash::SecretHash;
    let t = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    let app = app(&*store, &t, "workers").await.unwrap().id;
    let leaked = add_key(&*store, &t, app, "leaked", None).await.unwrap();
    let hash = stored_hash(&*store, leaked.id).await;
    // Another secret's hash: nothing happens.
    assert_eq!(
        store
            .expose_access_key(
                &Acting::system(),
                leaked.id,
                SecretHash::digest("another secret"),
                URL.into(),
                now()
            )
            .await
            .unwrap(),
        None
    );
    assert_eq!(stored(&*store, &t, &leaked).await, leaked);
    let exposures = |records: Vec<latchkey_core::audit::AuditRecord>| {
        records
            .into_iter()
            .filter(|r| r.action == AuditAction::AccessKeyExposed)
            .collect::<Vec<_>>()
    };
    assert!(exposures(log(&*store, t.account.id).await).is_empty());
    assert_eq!(
        store
            .expose_access_key(
                &Acting::system(),
                AccessKeyId::generate(),
                hash.clone(),
                URL.into(),
                now()
            )
            .await
            .unwrap(),
        None
    );
    // The default action revokes, and gives the name back.
    let exposed = store
        .expose_access_key(
            &Acting::system(),
            leaked.id,
            hash.clone(),
            URL.into(),
            now(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(exposed.action, ExposedKeyAction::Revoke);
    assert_eq!(exposed.status_before, KeyStatus::Active);
    assert_eq!(exposed.key.status, KeyStatus::Revoked);
    let [record] = &exposures(log(&*store, t.account.id).await)[..] else {
        panic!("one exposure record");
    };
    assert_eq!(record.target.id, leaked.id.to_string());
    assert_eq!(record.actor.via, Via::System);
    assert_eq!(
        record.changes["status"],
        [json!("active"), json!("revoked")]
    );
    assert_eq!(record.changes["url"], [Value::Null, json!(URL)]);
    assert_eq!(
        record.changes["exposed_key_action"],
        [Value::Null, json!("revoke")]
    );
    let (context, _) = store
        .access_key_credential(leaked.id)
        .await
        .unwrap()
        .unwrap();
    assert!(context.authenticate(now()).is_err());
    add_key(&*store, &t, app, "leaked", None).await.unwrap();
    // Deactivate, then notify.
    for (action, expected) in [
        (ExposedKeyAction::Deactivate, KeyStatus::Inactive),
        (ExposedKeyAction::Notify, KeyStatus::Active),
    ] {
        set_policy(
            &*store,
            &t,
            KeyPolicy {
                exposed_key_action: action,
                ..KeyPolicy::default()
            },
        )
        .await;
        let key = add_key(&*store, &t, app, action.as_str(), None)
            .await
            .unwrap();
        let hash = stored_hash(&*store, key.id).await;
        let commits = Arc::new(Recorder::default());
        store.observe_commits(commits.clone());
        let exposed = store
            .expose_access_key(&Acting::system(), key.id, hash, URL.into(), now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(exposed.action, action);
        // Only a change is reported (emptying caches of the account).
        if action == ExposedKeyAction::Notify {
            assert_eq!(commits.take(), []);
        } else {
            assert_one_commit_covering(commits.take(), t.account.id);
        }
        assert_eq!(exposed.key.status, expected);
        assert_eq!(stored(&*store, &t, &key).await.status, expected);
        // Recorded all the same, `notify` too (its record reports no change).
        let records = exposures(log(&*store, t.account.id).await);
        let record = records.last().unwrap();
        assert_eq!(record.target.id, key.id.to_string());
        assert_eq!(
            record.changes["exposed_key_action"],
            [Value::Null, json!(action.as_str())]
        );
        assert_eq!(record.changes["url"], [Value::Null, json!(URL)]);
        assert_eq!(
            record.changes.get("status").cloned(),
            (action != ExposedKeyAction::Notify).then(|| [json!("active"), json!("inactive")])
        );
    }
}

pub async fn a_leaked_key_report_reports_its_account_or_nothing(store: Arc<dyn Store>) {
    use latchkey_core::secret_hash::SecretHash;
    let t = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    let app = app(&*store, &t, "workers").await.unwrap().id;
    let key = add_key(&*store, &t, app, "leaked", None).await.unwrap();
    let hash = stored_hash(&*store, key.id).await;
    let reports = Arc::new(Recorder::default());
    store.observe_commits(reports.clone());
    let expose = |hash: SecretHash| {
        let store = store.clone();
        async move {
            store
                .expose_access_key(&Acting::system(), key.id, hash, URL.into(), now())
                .await
                .unwrap()
        }
    };
    // Revoked (the default action): the key's account changed, no other.
    let revoked = expose(hash.clone()).await.unwrap();
    assert_eq!(revoked.key.status, KeyStatus::Revoked);
    let account = Changed::Account(t.account.id);
    assert_eq!(
        reports.take(),
        [Report::Committing(account), Report::Committed(account)]
    );
    // Already revoked: the report is recorded, and no change is reported.
    let again = expose(hash).await.unwrap();
    assert_eq!(again.status_before, KeyStatus::Revoked);
    assert_eq!(reports.take(), []);
    assert_eq!(expose(SecretHash::digest("other")).await, None);
    assert_eq!(reports.take(), []);
}

/// `reports` are those of one commit whose change covers `account`: the
/// account itself or everything (a store may not narrow it).
fn assert_one_commit_covering(reports: Vec<Report>, account: AccountId) {
    let [Report::Committing(changed), Report::Committed(done)] = reports[..] else {
        panic!("one commit, not {reports:?}");
    };
    assert_eq!(changed, done);
    assert!(
        matches!(changed, Changed::Everything) || changed == Changed::Account(account),
        "{changed:?} does not cover {account}"
    );
}

#[macro_export]
macro_rules! key_lifecycle_conformance_tests {
    ($make:expr) => {
        key_lifecycle_conformance_tests!(@each $make;
            a_roll_inherits_and_gives_the_old_key_a_grace,
            a_roll_needs_room_while_the_old_key_lasts,
            a_roll_cannot_make_what_the_actor_could_not,
            the_key_policy_binds_creations_updates_and_rolls,
            the_sweep_deactivates_only_what_a_policy_names,
            an_exposed_key_meets_its_accounts_action_only_with_its_own_hash,
            a_leaked_key_report_reports_its_account_or_nothing,
        );
    };
    (@each $make:expr; $($test:ident,)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            let (store, _guard) = $make;
            conformance::key_lifecycle::$test(store).await;
        }
    )*};
}
