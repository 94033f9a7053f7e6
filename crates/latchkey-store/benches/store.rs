//! Store benchmarks on a real redb file: looking a key up for
//! authentication and fetching it by id at 1k, 10k and 100k keys (the time
//! should stay flat), and creating a key (one fsynced write transaction)
//! with 100k keys in the file.

use latchkey_core::audit::Acting;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use latchkey_core::id::{AccessKeyId, ApplicationId};
use latchkey_core::plan::{Limits, Plan};
use latchkey_core::resource::access_key::AccessKeyOrigin;
use latchkey_core::resource::{NewAccessKey, NewAccount, NewApplication};
use latchkey_core::secret_hash::SecretHash;
use latchkey_store::redb::RedbStore;
use latchkey_store::{AccountBundle, AppScope, LimitPolicy, Store, StoredAccessKey};

const KEYS_PER_APPLICATION: usize = 100;

struct Loaded {
    store: Arc<RedbStore>,
    scope: AppScope,
    owner: latchkey_core::id::UserId,
    probe: Vec<(ApplicationId, AccessKeyId)>,
    _dir: tempfile::TempDir,
}

fn key(
    scope: AppScope,
    app: ApplicationId,
    owner: latchkey_core::id::UserId,
    hash: &SecretHash,
    n: usize,
) -> StoredAccessKey {
    let id = AccessKeyId::generate();
    let key = NewAccessKey {
        name: format!("key-{n}"),
        description: String::new(),
        scopes: vec![],
        expiration: None,
        created_by: None,
    }
    .build(
        AccessKeyOrigin {
            id,
            key_prefix: format!("ak_{}", &id.body()[..8]),
            account_id: scope.account_id,
            application_id: app,
            created_by: owner,
            api_host: "http://127.0.0.1:8080".into(),
        },
        Timestamp::now(),
    )
    .unwrap();
    StoredAccessKey {
        key,
        secret_hash: hash.clone(),
    }
}

fn load(runtime: &tokio::runtime::Runtime, keys: usize) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(RedbStore::open(dir.path().join("bench.redb")).unwrap());
    let limits = Limits {
        applications: 1_000_000,
        access_keys_per_application: 1_000_000,
        jwt_keys_per_application: 2,
    };
    let account = NewAccount {
        name: "Bench".into(),
        plan: Plan::Custom,
        limits: Some(limits),
    }
    .build(true, Timestamp::now())
    .unwrap();
    let (bundle, _) =
        AccountBundle::build(account, "a@example.com", "http://x", Timestamp::now()).unwrap();
    let scope = AppScope::account(bundle.account.id);
    let owner = bundle.admin_user.id;
    runtime
        .block_on(store.create_account(&Acting::system(), bundle))
        .unwrap();
    let hash = SecretHash::digest("bench");
    let mut probe = Vec::new();
    let mut n = 0;
    for a in 0..keys.div_ceil(KEYS_PER_APPLICATION) {
        let app = NewApplication {
            name: format!("app-{a}"),
            description: String::new(),
            group_ids: vec![],
            created_by: None,
        }
        .build(scope.account_id, owner, Timestamp::now())
        .unwrap();
        let app = runtime
            .block_on(store.create_application(&Acting::system(), app))
            .unwrap();
        let batch: Vec<_> = (0..KEYS_PER_APPLICATION)
            .map(|_| {
                n += 1;
                key(scope, app.id, owner, &hash, n)
            })
            .collect();
        if a % 97 == 0 {
            probe.push((app.id, batch[KEYS_PER_APPLICATION / 2].key.id));
        }
        store.import_access_keys(&batch).unwrap();
    }
    Loaded {
        store,
        scope,
        owner,
        probe,
        _dir: dir,
    }
}

fn lookups(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("store");
    for keys in [1_000, 10_000, 100_000] {
        let loaded = load(&runtime, keys);
        let mut i = 0;
        group.bench_with_input(
            BenchmarkId::new("access_key_credential", keys),
            &keys,
            |b, _| {
                b.iter(|| {
                    i = (i + 1) % loaded.probe.len();
                    let (_, id) = loaded.probe[i];
                    black_box(
                        runtime
                            .block_on(loaded.store.access_key_credential(id))
                            .unwrap()
                            .unwrap(),
                    );
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("get_access_key", keys), &keys, |b, _| {
            b.iter(|| {
                i = (i + 1) % loaded.probe.len();
                let (app, id) = loaded.probe[i];
                black_box(
                    runtime
                        .block_on(loaded.store.get_access_key(loaded.scope, app, id))
                        .unwrap(),
                );
            })
        });
        if keys == 100_000 {
            let hash = SecretHash::digest("bench");
            let app = NewApplication {
                name: "creations".into(),
                description: String::new(),
                group_ids: vec![],
                created_by: None,
            }
            .build(loaded.scope.account_id, loaded.owner, Timestamp::now())
            .unwrap();
            let app = runtime
                .block_on(loaded.store.create_application(&Acting::system(), app))
                .unwrap();
            let mut n = 10_000_000;
            group.sample_size(30);
            group.bench_function(BenchmarkId::new("create_access_key", keys), |b| {
                b.iter(|| {
                    n += 1;
                    let key = key(loaded.scope, app.id, loaded.owner, &hash, n);
                    black_box(
                        runtime
                            .block_on(loaded.store.create_access_key(
                                &Acting::system(),
                                loaded.scope,
                                key,
                                LimitPolicy::Enforce,
                                Timestamp::now(),
                            ))
                            .unwrap(),
                    );
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
