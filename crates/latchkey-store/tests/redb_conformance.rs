//! The store conformance suite on the embedded redb store, each test on a
//! fresh file in a temp dir.

mod conformance;

use std::sync::Arc;

use latchkey_store::Store;
use latchkey_store::redb::RedbStore;

fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("latchkey.redb")).unwrap();
    (Arc::new(store), dir)
}

conformance_tests!(fresh());
people_conformance_tests!(fresh());
export_conformance_tests!(fresh());
secret_upgrade_conformance_tests!(fresh());
audit_conformance_tests!(fresh());
key_lifecycle_conformance_tests!(fresh());

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_import_round_trips_redb_to_redb() {
    let (source, _source_dir) = fresh();
    let (target, _target_dir) = fresh();
    conformance::export::export_import_round_trips(source, target).await;
}

#[tokio::test]
async fn everything_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latchkey.redb");
    let store: Arc<dyn Store> = Arc::new(RedbStore::open(&path).unwrap());
    let t = conformance::tenant(&*store, latchkey_core::plan::Plan::Free, None, true).await;
    let app = conformance::app(&*store, &t, "kept").await.unwrap();
    drop(store);
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.get_application(t.scope(), app.id).await.unwrap(), app);
    assert_eq!(
        store.operator_account().await.unwrap().unwrap().id,
        t.account.id
    );
    assert!(
        store
            .access_key_credential(t.admin_key.id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_fresh_file_reads_jwt_keys_before_any_is_written() {
    let (store, _dir) = fresh();
    let t = conformance::tenant(&*store, latchkey_core::plan::Plan::Free, None, true).await;
    let page = store
        .list_jwt_keys(
            t.scope(),
            latchkey_store::KeyFilter {
                application_id: Some(t.admin_app.id),
                status: Some(latchkey_core::status::EffectiveKeyStatus::Active),
            },
            latchkey_core::list::PageRequest::first(50),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    assert!(page.data.is_empty());
    let unknown = latchkey_core::id::JwtKeyId::generate();
    assert!(store.jwt_key_credential(unknown).await.unwrap().is_none());
}

#[test]
fn the_maintained_limit_count_equals_the_recomputed_count() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("latchkey.redb")).unwrap();
    let counted = store.clone();
    let count: conformance::limit_count::LimitCount = Arc::new(move |app, at| {
        let store = counted.clone();
        Box::pin(async move { store.access_key_limit_count(app, at).unwrap() })
    });
    conformance::limit_count::the_maintained_count_equals_the_recomputed_count(
        &runtime,
        Arc::new(store),
        count,
        48,
    );
}

/// The embedded store reports the accounts the sweep of unused keys changed,
/// found in its own transaction (PostgreSQL names a sweep's accounts before
/// reading, so it announces everything): the one account swept, everything
/// for several, nothing when nothing is swept.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sweep_reports_the_accounts_it_changed() {
    use conformance::commits::{Recorder, Report};
    use conformance::key_lifecycle::set_policy;
    use jiff::SignedDuration;
    use latchkey_core::audit::Acting;
    use latchkey_core::plan::Plan;
    use latchkey_core::resource::KeyPolicy;
    use latchkey_store::Changed;

    let one_commit = |changed| vec![Report::Committing(changed), Report::Committed(changed)];
    let (store, _dir) = fresh();
    let t = conformance::tenant(&*store, Plan::Custom, conformance::custom(10, 10), true).await;
    let other = conformance::tenant(&*store, Plan::Free, None, false).await;
    let app = conformance::app(&*store, &t, "workers").await.unwrap().id;
    let idle = KeyPolicy {
        deactivate_unused_after_days: Some(30),
        ..KeyPolicy::default()
    };
    set_policy(&*store, &t, idle).await;
    set_policy(&*store, &other, idle).await;
    let reports = Arc::new(Recorder::default());
    store.observe_commits(reports.clone());
    let day = |days: i64| conformance::now() + SignedDuration::from_secs(days * 86_400);
    let swept = store
        .deactivate_unused_keys(&Acting::system(), day(31))
        .await
        .unwrap();
    assert_eq!(swept.len(), 2, "{swept:?}");
    assert_eq!(reports.take(), one_commit(Changed::Everything));
    conformance::add_key(&*store, &t, app, "later", None)
        .await
        .unwrap();
    reports.take();
    let swept = store
        .deactivate_unused_keys(&Acting::system(), day(62))
        .await
        .unwrap();
    assert_eq!(swept.len(), 1, "{swept:?}");
    assert_eq!(reports.take(), one_commit(Changed::Account(t.account.id)));
    let swept = store
        .deactivate_unused_keys(&Acting::system(), day(63))
        .await
        .unwrap();
    assert!(swept.is_empty());
    assert_eq!(reports.take(), []);
}
