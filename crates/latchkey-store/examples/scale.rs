//! The store side of `cargo xtask bench scale` (see `xtask/src/bench_scale.rs`):
//! fills a store with many access keys through the store's own API (not
//! HTTP), and measures what does not need the server. Prints `name=value`
//! lines for xtask to read.
//!
//! ```text
//! scale seed    <redb:PATH|postgres:URL> <keys> <accounts> <applications per account> <sample file>
//! scale one-app <redb:PATH|postgres:URL> <keys already in the application> <creations>
//! ```
//!
//! `seed` creates the accounts and applications, then the keys in batches
//! of [`BATCH`] per transaction (the bulk path imports use: the limit count
//! is kept as by every write, the limit is not checked), then times
//! [`CHECKED_CREATIONS`] limit-checked creations (one transaction each, the
//! path of `POST .../access-keys`) and [`LOOKUPS`] lookups of random keys by
//! id (the store read behind a cold `/v3/me`). It writes a uniform random
//! sample of the key strings, one per line, for the load tool.
//!
//! `one-app` measures the cost the limit check adds when one application
//! holds many keys: it loads `keys` keys into one application in bulk, then
//! times `creations` limit-checked creations into that application.

use std::io::Write as _;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use latchkey_core::audit::Acting;
use latchkey_core::id::{AccessKeyId, ApplicationId, UserId};
use latchkey_core::plan::{Limits, Plan};
use latchkey_core::resource::{NewAccessKey, NewAccount, NewApplication};
use latchkey_store::redb::RedbStore;
use latchkey_store::{AccountBundle, AppScope, KeyOwner, LimitPolicy, Store, StoredAccessKey};

/// Keys per bulk transaction.
const BATCH: usize = 10_000;
/// Limit-checked creations timed after seeding.
const CHECKED_CREATIONS: usize = 2_000;
/// Random lookups by id timed after seeding.
const LOOKUPS: usize = 20_000;
/// Key strings written for the load tool at most.
const SAMPLE: usize = 20_000;

/// Either store, with the bulk path each has.
enum Backend {
    Redb(RedbStore),
    Postgres(latchkey_store::postgres::PgStore),
}

impl Backend {
    async fn open(spec: &str) -> Backend {
        if let Some(path) = spec.strip_prefix("redb:") {
            Backend::Redb(RedbStore::open(path).expect("opening the redb file"))
        } else if let Some(url) = spec.strip_prefix("postgres:") {
            Backend::Postgres(
                latchkey_store::postgres::PgStore::connect(url)
                    .await
                    .expect("connecting to PostgreSQL"),
            )
        } else {
            panic!("a store is redb:PATH or postgres:URL, not {spec}");
        }
    }

    fn store(&self) -> &dyn Store {
        match self {
            Backend::Redb(store) => store,
            Backend::Postgres(store) => store,
        }
    }

    async fn import(&self, keys: Vec<StoredAccessKey>) {
        match self {
            Backend::Redb(store) => store.import_access_keys(&keys).expect("importing keys"),
            Backend::Postgres(store) => store
                .import_access_keys(keys)
                .await
                .expect("importing keys"),
        }
    }
}

/// A tenant account with room for `applications` applications of as many
/// keys as a bench makes; its scope and admin user.
async fn tenant(
    store: &dyn Store,
    name: &str,
    applications: u32,
) -> (AppScope, UserId, ApplicationId) {
    let now = Timestamp::now();
    let account = NewAccount {
        name: name.into(),
        plan: Plan::Custom,
        limits: Some(Limits {
            applications,
            access_keys_per_application: u32::MAX,
            jwt_keys_per_application: 2,
        }),
    }
    .build(false, now)
    .unwrap();
    let (bundle, _) = AccountBundle::build(
        account,
        &format!("admin@{name}.example"),
        "http://127.0.0.1",
        now,
    )
    .unwrap();
    let scope = AppScope::account(bundle.account.id);
    let admin = bundle.admin_user.id;
    let admin_app = bundle.admin_application.id;
    store
        .create_account(&Acting::system(), bundle)
        .await
        .expect("creating an account");
    (scope, admin, admin_app)
}

async fn application(
    store: &dyn Store,
    scope: AppScope,
    owner: UserId,
    name: &str,
) -> ApplicationId {
    let app = NewApplication {
        name: name.into(),
        description: String::new(),
        group_ids: vec![],
        created_by: None,
    }
    .build(scope.account_id, owner, Timestamp::now())
    .unwrap();
    store
        .create_application(&Acting::system(), app)
        .await
        .expect("creating an application")
        .id
}

/// A new key (a real key string, its secret digested) and its string.
fn issue(
    scope: AppScope,
    app: ApplicationId,
    owner: UserId,
    name: String,
) -> (StoredAccessKey, String) {
    let input = NewAccessKey {
        name,
        description: String::new(),
        scopes: vec![],
        expiration: None,
        created_by: None,
    };
    let owner = KeyOwner {
        account_id: scope.account_id,
        application_id: app,
        created_by: owner,
        api_host: "http://127.0.0.1".into(),
    };
    let (stored, generated) = StoredAccessKey::issue(&input, owner, Timestamp::now()).unwrap();
    (stored, generated.key().to_owned())
}

/// A small xorshift generator: the sample and the lookups need spread, not secrecy.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1e6
}

async fn seed(
    backend: &Backend,
    keys: usize,
    accounts: usize,
    per_account: usize,
    sample_path: &str,
) {
    let store = backend.store();
    let started = Instant::now();
    let mut apps = Vec::new();
    for a in 0..accounts {
        let (scope, owner, _) = tenant(store, &format!("scale{a}"), per_account as u32 + 1).await;
        for p in 0..per_account {
            apps.push((
                scope,
                owner,
                application(store, scope, owner, &format!("app{p}")).await,
            ));
        }
    }
    println!("setup_seconds={:.1}", started.elapsed().as_secs_f64());
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut sample: Vec<String> = Vec::with_capacity(SAMPLE);
    let mut ids: Vec<AccessKeyId> = Vec::with_capacity(keys);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for n in 0..keys {
        let (scope, owner, app) = apps[n % apps.len()];
        let (stored, string) = issue(scope, app, owner, format!("k{n}"));
        ids.push(stored.key.id);
        // Reservoir sampling: every key equally likely to be in the sample.
        if sample.len() < SAMPLE {
            sample.push(string);
        } else {
            let slot = random.below(n + 1);
            if slot < SAMPLE {
                sample[slot] = string;
            }
        }
        batch.push(stored);
        if batch.len() == BATCH || n + 1 == keys {
            backend.import(std::mem::take(&mut batch)).await;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("bulk_seconds={seconds:.1}");
    println!("bulk_keys_per_second={:.0}", keys as f64 / seconds);
    let started = Instant::now();
    for n in 0..CHECKED_CREATIONS {
        let (scope, owner, app) = apps[random.below(apps.len())];
        let (stored, _) = issue(scope, app, owner, format!("checked{n}"));
        store
            .create_access_key(
                &Acting::system(),
                scope,
                stored,
                LimitPolicy::Enforce,
                Timestamp::now(),
            )
            .await
            .expect("a limit-checked creation");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "checked_keys_per_second={:.0}",
        CHECKED_CREATIONS as f64 / seconds
    );
    let mut times = Vec::with_capacity(LOOKUPS);
    for _ in 0..LOOKUPS {
        let id = ids[random.below(ids.len())];
        let started = Instant::now();
        let found = store.access_key_credential(id).await.expect("a lookup");
        times.push(started.elapsed());
        assert!(found.is_some());
    }
    times.sort();
    println!("store_lookup_p50_us={:.1}", percentile(&times, 0.5));
    println!("store_lookup_p99_us={:.1}", percentile(&times, 0.99));
    let mut out = std::io::BufWriter::new(std::fs::File::create(sample_path).unwrap());
    for key in &sample {
        writeln!(out, "{key}").unwrap();
    }
    out.flush().unwrap();
    println!("sampled={}", sample.len());
}

async fn one_app(backend: &Backend, keys: usize, creations: usize) {
    let store = backend.store();
    let (scope, owner, _) = tenant(store, "oneapp", 2).await;
    let app = application(store, scope, owner, "crowded").await;
    let mut batch = Vec::with_capacity(BATCH);
    for n in 0..keys {
        batch.push(issue(scope, app, owner, format!("k{n}")).0);
        if batch.len() == BATCH || n + 1 == keys {
            backend.import(std::mem::take(&mut batch)).await;
        }
    }
    let started = Instant::now();
    for n in 0..creations {
        let (stored, _) = issue(scope, app, owner, format!("checked{n}"));
        store
            .create_access_key(
                &Acting::system(),
                scope,
                stored,
                LimitPolicy::Enforce,
                Timestamp::now(),
            )
            .await
            .expect("a limit-checked creation");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("one_app_keys={keys}");
    println!("one_app_keys_per_second={:.1}", creations as f64 / seconds);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> usize { args[i].parse().expect("a number") };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        match args.first().map(String::as_str) {
            Some("seed") => {
                let backend = Backend::open(&args[1]).await;
                seed(&backend, number(2), number(3), number(4), &args[5]).await;
            }
            Some("one-app") => {
                let backend = Backend::open(&args[1]).await;
                one_app(&backend, number(2), number(3)).await;
            }
            _ => panic!("usage: scale seed|one-app ... (see the file's comment)"),
        }
    });
}
