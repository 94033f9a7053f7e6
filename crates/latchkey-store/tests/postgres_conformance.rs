//! The store conformance suite on PostgreSQL, each test in a database of its
//! own (so tests run in parallel), plus what only PostgreSQL has: migrations.
//!
//! `LATCHKEY_TEST_POSTGRES_URL` names a server where the tests may create
//! databases (`postgres://user@host:port/postgres`); `cargo xtask test`
//! starts a throwaway one and sets it. Without it these tests fail, with a
//! message saying so: they never pass without having run.

mod conformance;

use std::sync::Arc;

use latchkey_store::postgres::{PgStore, SCHEMA_VERSION};
use latchkey_store::{Change, ChangeFeed, Store, StoreError, SyncRequests};

const URL_VAR: &str = "LATCHKEY_TEST_POSTGRES_URL";

/// A database created for one test, dropped (with its connections) at the end.
struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

fn admin_url() -> String {
    std::env::var(URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{URL_VAR} is not set: run these tests with `cargo xtask test rust`, \
             which starts a throwaway PostgreSQL, or point {URL_VAR} at a server \
             where they may create databases"
        )
    })
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

async fn admin_client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|error| panic!("connecting to {URL_VAR}: {error}"));
    tokio::spawn(connection);
    client
}

impl TestDatabase {
    async fn create() -> TestDatabase {
        let admin_url = admin_url();
        let name = format!(
            "latchkey_test_{}",
            latchkey_core::id::AccountId::generate()
                .body()
                .to_lowercase()
        );
        let client = admin_client(&admin_url).await;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let url = with_database(&admin_url, &name);
        TestDatabase {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime: use a runtime of its own.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    admin_client(&admin_url)
                        .await
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: test database {} was not dropped", self.name);
        }
    }
}

async fn fresh() -> (Arc<dyn Store>, TestDatabase) {
    let database = TestDatabase::create().await;
    let store = PgStore::connect(&database.url).await.unwrap();
    (Arc::new(store), database)
}

conformance_tests!(fresh().await);
export_conformance_tests!(fresh().await);
people_conformance_tests!(fresh().await);
secret_upgrade_conformance_tests!(fresh().await);
audit_conformance_tests!(fresh().await);
key_lifecycle_conformance_tests!(fresh().await);

fn fresh_redb() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = latchkey_store::redb::RedbStore::open(dir.path().join("latchkey.redb")).unwrap();
    (Arc::new(store), dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_import_round_trips_postgres_to_redb() {
    let (source, _database) = fresh().await;
    let (target, _dir) = fresh_redb();
    conformance::export::export_import_round_trips(source, target).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_import_round_trips_redb_to_postgres() {
    let (source, _dir) = fresh_redb();
    let (target, _database) = fresh().await;
    conformance::export::export_import_round_trips(source, target).await;
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://u@127.0.0.1:5432/postgres", "t1"),
        "postgres://u@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database("postgres://u@h:1/postgres?sslmode=disable", "t1"),
        "postgres://u@h:1/t1?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://u@h:1", "t1"),
        "postgres://u@h:1/t1"
    );
}

#[tokio::test]
async fn migrations_apply_once_and_everything_survives_a_reconnect() {
    let database = TestDatabase::create().await;
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&database.url).await.unwrap());
    let t = conformance::tenant(&*store, latchkey_core::plan::Plan::Free, None, true).await;
    let app = conformance::app(&*store, &t, "kept").await.unwrap();
    drop(store);
    let store = PgStore::connect(&database.url).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
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

/// A database left at `version` (the later migrations' objects removed,
/// and the built-in groups without the permissions they added), reopened:
/// migrated to the current version, with `Administrators` holding every
/// permission of its account again.
/// Undoes version 5 (the maintained limit counts).
const UNDO_5: &str =
    "DROP TABLE key_limit_counts; DROP INDEX access_keys_expiring; DROP INDEX jwt_keys_expiring;";

async fn upgrade_from(version: i64, undo: &str, missing: &[&str]) {
    use latchkey_core::permission::Permission;
    let database = TestDatabase::create().await;
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&database.url).await.unwrap());
    let t = conformance::tenant(&*store, latchkey_core::plan::Plan::Free, None, false).await;
    drop(store);
    let client = admin_client(&database.url).await;
    client
        .batch_execute(&undo.replace("UNDO_5", UNDO_5))
        .await
        .unwrap();
    for permission in missing {
        client
            .execute(
                "UPDATE policy_groups SET doc = jsonb_set(doc, '{permissions}', \
                 (doc -> 'permissions') - $1::text) WHERE (doc ->> 'built_in')::boolean",
                &[permission],
            )
            .await
            .unwrap();
    }
    client
        .execute(
            "DELETE FROM latchkey_schema_migrations WHERE version > $1",
            &[&version],
        )
        .await
        .unwrap();
    let store = PgStore::connect(&database.url).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    // The limit count is made from the keys there are (the admin key).
    let counted = store
        .access_key_limit_count(t.admin_app.id, jiff::Timestamp::now())
        .await
        .unwrap();
    assert_eq!(counted, 1, "from {version}");
    let group = store
        .get_group(t.account.id, t.administrators)
        .await
        .unwrap();
    for permission in missing {
        let permission: Permission = permission.parse().unwrap();
        assert!(
            group.permissions.contains(permission),
            "from {version}: {permission}"
        );
    }
    assert_eq!(
        group.permissions,
        latchkey_core::delegation::every_permission(false)
    );
}

#[tokio::test]
async fn older_databases_are_migrated_and_their_administrators_given_the_new_permissions() {
    upgrade_from(
        2,
        "DROP INDEX accounts_sweeping_unused_keys; DROP TABLE audit_log; UNDO_5",
        &["audit:view", "credentials:introspect"],
    )
    .await;
    upgrade_from(
        3,
        "DROP INDEX accounts_sweeping_unused_keys; UNDO_5",
        &["credentials:introspect"],
    )
    .await;
    upgrade_from(4, UNDO_5, &[]).await;
}

#[tokio::test]
async fn replicas_starting_together_migrate_once() {
    let database = TestDatabase::create().await;
    let mut starts = Vec::new();
    for _ in 0..4 {
        let url = database.url.clone();
        starts.push(tokio::spawn(async move { PgStore::connect(&url).await }));
    }
    for start in starts {
        let store = start.await.unwrap().unwrap();
        assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    }
    let client = admin_client(&database.url).await;
    let applied: i64 = client
        .query_one("SELECT count(*) FROM latchkey_schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(applied, SCHEMA_VERSION as i64);
}

#[tokio::test]
async fn a_newer_schema_is_refused_and_left_alone() {
    let database = TestDatabase::create().await;
    PgStore::connect(&database.url).await.unwrap();
    let client = admin_client(&database.url).await;
    let newer = SCHEMA_VERSION as i64 + 1;
    client
        .execute(
            "INSERT INTO latchkey_schema_migrations (version) VALUES ($1)",
            &[&newer],
        )
        .await
        .unwrap();
    for _ in 0..2 {
        let error = PgStore::connect(&database.url).await.unwrap_err();
        assert!(
            matches!(error, StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION } if found == SCHEMA_VERSION + 1),
            "{error:?}"
        );
    }
    let versions: i64 = client
        .query_one("SELECT count(*) FROM latchkey_schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(versions, SCHEMA_VERSION as i64 + 1, "nothing was rewritten");
}

#[tokio::test]
async fn a_bad_url_is_a_clear_error_without_the_password() {
    let error = PgStore::connect("postgres://user:hunter2@127.0.0.1:1/db?sslmode=bogus")
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(matches!(error, StoreError::Backend(_)), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let error = PgStore::connect("postgres://user:hunter2@127.0.0.1:1/db")
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

/// Events of a shared feed up to (and including) the next `Synced` at or
/// past `ticket`, failing after 10 s.
async fn events_until_synced(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<Change>,
    ticket: u64,
) -> Vec<Change> {
    let mut seen = Vec::new();
    loop {
        let change = tokio::time::timeout(std::time::Duration::from_secs(10), events.recv())
            .await
            .unwrap_or_else(|_| panic!("no sync for ticket {ticket}; saw {seen:?}"))
            .expect("the feed runs");
        let done = matches!(change, Change::Synced(synced) if synced >= ticket);
        seen.push(change);
        if done {
            return seen;
        }
    }
}

/// The next event that is not a sync answer, failing after 10 s.
async fn next_event(events: &mut tokio::sync::mpsc::UnboundedReceiver<Change>) -> Change {
    loop {
        let change = tokio::time::timeout(std::time::Duration::from_secs(10), events.recv())
            .await
            .expect("an event within 10 s")
            .expect("the feed runs");
        if !matches!(change, Change::Synced(_)) {
            return change;
        }
    }
}

/// A shared feed's parts.
fn shared(feed: ChangeFeed) -> (tokio::sync::mpsc::UnboundedReceiver<Change>, SyncRequests) {
    match feed {
        ChangeFeed::Shared { events, sync } => (events, sync),
        ChangeFeed::Local => panic!("a PostgreSQL store is shared"),
    }
}

#[tokio::test]
async fn writes_are_announced_to_other_processes_before_a_later_sync() {
    let database = TestDatabase::create().await;
    let writer = PgStore::connect(&database.url).await.unwrap();
    let watcher = PgStore::connect(&database.url).await.unwrap();
    let (mut events, sync) = shared(watcher.watch_changes());
    assert_eq!(next_event(&mut events).await, Change::Connected);

    let t = conformance::tenant(&writer, latchkey_core::plan::Plan::Free, None, true).await;
    conformance::app(&writer, &t, "announced").await.unwrap();
    // Requested after the writes returned: the answer comes after them.
    assert!(sync.request(1));
    let seen = events_until_synced(&mut events, 1).await;
    let announced = seen
        .iter()
        .filter(|change| **change == Change::Account(t.account.id))
        .count();
    // Duplicates within one transaction are folded; the bundle and the
    // application are two transactions.
    assert_eq!(announced, 2, "{seen:?}");

    // Recording uses announces nothing: caches stay warm.
    writer
        .record_access_key_use(vec![(t.admin_key.id, conformance::now())])
        .await
        .unwrap();
    assert!(sync.request(2));
    let seen = events_until_synced(&mut events, 2).await;
    assert_eq!(seen, vec![Change::Synced(2)]);
}

#[tokio::test]
async fn a_dropped_listener_is_reported_and_listens_again() {
    let database = TestDatabase::create().await;
    let store = PgStore::connect(&database.url).await.unwrap();
    let (mut events, sync) = shared(store.watch_changes());
    assert_eq!(next_event(&mut events).await, Change::Connected);

    let client = admin_client(&database.url).await;
    let terminated: i64 = client
        .query_one(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = $1 AND datname = current_database()",
            &[&latchkey_store::postgres::listener::APPLICATION_NAME],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(terminated, 1);
    assert_eq!(next_event(&mut events).await, Change::Disconnected);
    assert_eq!(next_event(&mut events).await, Change::Connected);

    // Listening again: a write made now is announced.
    let t = conformance::tenant(&store, latchkey_core::plan::Plan::Free, None, true).await;
    assert!(sync.request(1));
    let seen = events_until_synced(&mut events, 1).await;
    assert!(seen.contains(&Change::Account(t.account.id)), "{seen:?}");
}

#[test]
fn the_maintained_limit_count_equals_the_recomputed_count() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (store, database) = runtime.block_on(async {
        let database = TestDatabase::create().await;
        let store = PgStore::connect(&database.url).await.unwrap();
        (store, database)
    });
    let counted = store.clone();
    let count: conformance::limit_count::LimitCount = Arc::new(move |app, at| {
        let store = counted.clone();
        Box::pin(async move { store.access_key_limit_count(app, at).await.unwrap() })
    });
    conformance::limit_count::the_maintained_count_equals_the_recomputed_count(
        &runtime,
        Arc::new(store),
        count,
        16,
    );
    drop(database);
}
