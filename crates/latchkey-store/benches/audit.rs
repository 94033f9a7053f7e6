//! What the audit log costs per change: the same write transaction with no
//! record, with one row that is not a record, and with one record (the
//! differences are the record's cost: building, serializing, the row and
//! its index entry), and a whole
//! recorded change (renaming an application, its record included). On an
//! in-memory redb store, where no fsync hides the work, and on PostgreSQL
//! when `LATCHKEY_BENCH_POSTGRES_URL` names a database the bench may use
//! (with the `postgres` feature).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};
use latchkey_core::plan::Plan;
use latchkey_core::resource::{Application, ApplicationUpdate, NewAccount, NewApplication};
use latchkey_store::redb::RedbStore;
use latchkey_store::{AccountBundle, AppScope, Store};

struct Fixture {
    store: Arc<dyn Store>,
    scope: AppScope,
    app: Application,
    key: latchkey_core::id::AccessKeyId,
}

fn fixture(runtime: &tokio::runtime::Runtime, store: Arc<dyn Store>) -> Fixture {
    let account = NewAccount {
        name: "Bench".into(),
        plan: Plan::Free,
        limits: None,
    }
    .build(false, Timestamp::now())
    .unwrap();
    let (bundle, _) =
        AccountBundle::build(account, "a@example.com", "http://x", Timestamp::now()).unwrap();
    let scope = AppScope::account(bundle.account.id);
    let owner = bundle.admin_user.id;
    let key = bundle.admin_key.key.id;
    runtime
        .block_on(store.create_account(&Acting::system(), bundle))
        .unwrap();
    let app = NewApplication {
        name: "renamed-0".into(),
        description: String::new(),
        group_ids: vec![],
        created_by: None,
    }
    .build(scope.account_id, owner, Timestamp::now())
    .unwrap();
    let app = runtime
        .block_on(store.create_application(&Acting::system(), app))
        .unwrap();
    Fixture {
        store,
        scope,
        app,
        key,
    }
}

/// A record as a change writes it (the application's rename).
fn record(fixture: &Fixture) -> AuditRecord {
    let mut after = fixture.app.clone();
    after.name = "renamed-x".into();
    AuditRecord::of(
        &Acting::system(),
        AuditAction::ApplicationUpdate,
        Some(&fixture.app),
        Some(&after),
        Timestamp::now(),
    )
}

fn measure(c: &mut Criterion, backend: &str, runtime: &tokio::runtime::Runtime, fixture: Fixture) {
    let mut group = c.benchmark_group(format!("audit/{backend}"));
    group.bench_function("write transaction, no record", |b| {
        b.iter(|| {
            runtime
                .block_on(fixture.store.record_authentication_failures(Vec::new()))
                .unwrap()
        })
    });
    // A write of one row that records nothing (a key's last use): on
    // PostgreSQL an empty transaction flushes no WAL, this one does, as
    // the record's own transaction does.
    group.bench_function("write transaction, one row, no record", |b| {
        b.iter(|| {
            let uses = vec![(fixture.key, Timestamp::now())];
            runtime
                .block_on(fixture.store.record_access_key_use(black_box(uses)))
                .unwrap()
        })
    });
    group.bench_function("write transaction, one record", |b| {
        b.iter(|| {
            let one = vec![record(&fixture)];
            runtime
                .block_on(fixture.store.record_authentication_failures(black_box(one)))
                .unwrap()
        })
    });
    let mut n = 0u64;
    group.bench_function("rename an application (with its record)", |b| {
        b.iter(|| {
            n += 1;
            let update = ApplicationUpdate {
                name: Some(format!("renamed-{n}")),
                ..Default::default()
            };
            runtime
                .block_on(fixture.store.update_application(
                    &Acting::system(),
                    fixture.scope,
                    fixture.app.id,
                    update,
                    Timestamp::now(),
                ))
                .unwrap()
        })
    });
    group.finish();
}

fn redb(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store: Arc<dyn Store> = Arc::new(RedbStore::in_memory().unwrap());
    let fixture = fixture(&runtime, store);
    measure(c, "redb-in-memory", &runtime, fixture);
}

#[cfg(feature = "postgres")]
fn postgres(c: &mut Criterion) {
    let Ok(url) = std::env::var("LATCHKEY_BENCH_POSTGRES_URL") else {
        eprintln!("LATCHKEY_BENCH_POSTGRES_URL is not set: the PostgreSQL half is skipped");
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        runtime
            .block_on(latchkey_store::postgres::PgStore::connect(&url))
            .unwrap(),
    );
    let fixture = fixture(&runtime, store);
    measure(c, "postgres", &runtime, fixture);
}

#[cfg(not(feature = "postgres"))]
fn postgres(_: &mut Criterion) {}

criterion_group!(benches, redb, postgres);
criterion_main!(benches);
