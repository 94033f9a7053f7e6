//! The per-application limit count each store maintains (a count of keys
//! without expiration plus an index of expiring ones, written with every
//! key): over random sequences of writes, at every step and at later
//! instants, it must equal the count recomputed from the keys themselves
//! with the core's rule (`KeyStatus::counts_toward_limit`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use latchkey_core::audit::Acting;
use latchkey_core::id::{AccessKeyId, ApplicationId};
use latchkey_core::list::PageRequest;
use latchkey_core::plan::Plan;
use latchkey_core::resource::access_key::AccessKeyOrigin;
use latchkey_core::resource::{KeyUpdate, NewAccessKey};
use latchkey_core::status::KeyStatus;
use latchkey_store::{AccessKeyRoll, KeyFilter, LimitPolicy, Store, StoredAccessKey};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::{Tenant, app, custom, tenant};

/// The store's maintained count of an application's access keys at an instant.
pub type LimitCount = Arc<
    dyn Fn(ApplicationId, Timestamp) -> Pin<Box<dyn Future<Output = u64> + Send>> + Send + Sync,
>;

/// One write (or the passing of time) in a sequence.
#[derive(Debug, Clone)]
pub enum Op {
    /// A key for application `app` (0 or 1), expiring in that many seconds.
    Create { app: usize, expires_in: Option<i64> },
    /// A status change of the `key`-th key made so far.
    Status { key: usize, to: KeyStatus },
    /// A new expiration (seconds from now, possibly past) or none.
    Expire { key: usize, expires_in: Option<i64> },
    /// A roll with that grace.
    Roll { key: usize, grace: i64 },
    /// A deletion.
    Delete { key: usize },
    /// A bulk deletion.
    BulkDelete { keys: Vec<usize> },
    /// The second application deleted with its keys.
    DeleteApplication,
    /// Time passes.
    Advance { seconds: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    let key = || 0usize..64;
    let expires_in = || proptest::option::of(-5i64..40);
    prop_oneof![
        4 => (0usize..2, proptest::option::of(1i64..40))
            .prop_map(|(app, expires_in)| Op::Create { app, expires_in }),
        2 => (key(), prop_oneof![
            Just(KeyStatus::Active),
            Just(KeyStatus::Inactive),
            Just(KeyStatus::Revoked)
        ])
            .prop_map(|(key, to)| Op::Status { key, to }),
        2 => (key(), expires_in()).prop_map(|(key, expires_in)| Op::Expire { key, expires_in }),
        2 => (key(), 0i64..30).prop_map(|(key, grace)| Op::Roll { key, grace }),
        1 => key().prop_map(|key| Op::Delete { key }),
        1 => proptest::collection::vec(key(), 1..3).prop_map(|keys| Op::BulkDelete { keys }),
        1 => Just(Op::DeleteApplication),
        3 => (0i64..20).prop_map(|seconds| Op::Advance { seconds }),
    ]
}

struct Model {
    store: Arc<dyn Store>,
    tenant: Tenant,
    apps: Vec<Option<ApplicationId>>,
    keys: Vec<(ApplicationId, AccessKeyId)>,
    clock: Timestamp,
    made: usize,
}

impl Model {
    fn acting() -> Acting {
        Acting::system()
    }

    fn key(&self, index: usize) -> Option<(ApplicationId, AccessKeyId)> {
        (!self.keys.is_empty()).then(|| self.keys[index % self.keys.len()])
    }

    fn at(&self, seconds: i64) -> Timestamp {
        self.clock + SignedDuration::from_secs(seconds)
    }

    /// Applies one step; whether the store accepted it.
    async fn apply(&mut self, op: &Op) -> bool {
        let scope = self.tenant.scope();
        let acting = Self::acting();
        let now = self.clock;
        match op {
            Op::Create { app, expires_in } => {
                let Some(app) = self.apps[*app] else {
                    return false;
                };
                self.made += 1;
                let id = AccessKeyId::generate();
                let key = NewAccessKey {
                    name: format!("k{}", self.made),
                    description: String::new(),
                    scopes: vec![],
                    expiration: expires_in.map(|s| self.at(s)),
                    created_by: None,
                }
                .build(
                    AccessKeyOrigin {
                        id,
                        key_prefix: format!("ak_{}", &id.body()[..8]),
                        account_id: self.tenant.account.id,
                        application_id: app,
                        created_by: self.tenant.admin.id,
                        api_host: "http://x".into(),
                    },
                    now,
                )
                .unwrap();
                let stored = StoredAccessKey {
                    key,
                    secret_hash: latchkey_core::secret_hash::SecretHash::digest("fixed"),
                };
                let created = self
                    .store
                    .create_access_key(&acting, scope, stored, LimitPolicy::Enforce, now)
                    .await;
                if created.is_ok() {
                    self.keys.push((app, id));
                }
                created.is_ok()
            }
            Op::Status { key, to } => {
                let Some((app, id)) = self.key(*key) else {
                    return false;
                };
                let update = KeyUpdate {
                    status: Some(*to),
                    ..KeyUpdate::default()
                };
                self.store
                    .update_access_key(&acting, scope, app, id, update, now)
                    .await
                    .is_ok()
            }
            Op::Expire { key, expires_in } => {
                let Some((app, id)) = self.key(*key) else {
                    return false;
                };
                let update = KeyUpdate {
                    expiration: Some(expires_in.map(|s| self.at(s))),
                    ..KeyUpdate::default()
                };
                self.store
                    .update_access_key(&acting, scope, app, id, update, now)
                    .await
                    .is_ok()
            }
            Op::Roll { key, grace } => {
                let Some((app, id)) = self.key(*key) else {
                    return false;
                };
                let (roll, _) =
                    AccessKeyRoll::issue(None, SignedDuration::from_secs(*grace), "http://x")
                        .unwrap();
                match self
                    .store
                    .roll_access_key(&acting, scope, app, id, roll, now)
                    .await
                {
                    Ok(rolled) => {
                        self.keys.push((app, rolled.new.id));
                        true
                    }
                    Err(_) => false,
                }
            }
            Op::Delete { key } => {
                let Some((app, id)) = self.key(*key) else {
                    return false;
                };
                self.store
                    .delete_access_key(&acting, scope, app, id)
                    .await
                    .is_ok()
            }
            Op::BulkDelete { keys } => {
                let ids: Vec<AccessKeyId> = keys
                    .iter()
                    .filter_map(|key| self.key(*key).map(|(_, id)| id))
                    .collect();
                if ids.is_empty() {
                    return false;
                }
                self.store
                    .bulk_delete_access_keys(&acting, scope, ids)
                    .await
                    .is_ok_and(|report| report.deleted)
            }
            Op::DeleteApplication => {
                let Some(app) = self.apps[1].take() else {
                    return false;
                };
                self.store
                    .delete_application(&acting, scope, app)
                    .await
                    .expect("deleting an application with its keys");
                self.keys.retain(|(of, _)| *of != app);
                true
            }
            Op::Advance { seconds } => {
                self.clock = self.at(*seconds);
                false
            }
        }
    }

    /// The keys of `app` counting at `at`, by the core's rule over every key.
    async fn recomputed(&self, app: ApplicationId, at: Timestamp) -> u64 {
        let page = self
            .store
            .list_access_keys(
                self.tenant.scope(),
                KeyFilter {
                    application_id: Some(app),
                    status: None,
                },
                PageRequest::first(1000),
                at,
            )
            .await
            .unwrap();
        assert!(!page.has_more);
        page.data
            .iter()
            .filter(|key| key.counts_toward_limit(at))
            .count() as u64
    }

    async fn check(&self, count: &LimitCount, op: &Op) -> Result<(), TestCaseError> {
        for app in self.apps.iter().flatten() {
            for later in [0, 1, 7, 25, 60] {
                let at = self.at(later);
                let maintained = count(*app, at).await;
                let recomputed = self.recomputed(*app, at).await;
                prop_assert_eq!(
                    maintained,
                    recomputed,
                    "after {:?}, {}s later, application {}",
                    op,
                    later,
                    app
                );
            }
        }
        Ok(())
    }
}

/// Runs `cases` random sequences, each on a fresh tenant of `store` (two
/// applications, at most 3 access keys each, so that refusals happen too).
pub fn the_maintained_count_equals_the_recomputed_count(
    runtime: &tokio::runtime::Runtime,
    store: Arc<dyn Store>,
    count: LimitCount,
    cases: u32,
) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let accepted = std::cell::Cell::new(0usize);
    let result = runner.run(&proptest::collection::vec(op(), 1..40), |ops| {
        runtime.block_on(async {
            let tenant = tenant(&*store, Plan::Custom, custom(10, 3), false).await;
            let first = tenant.admin_app.id;
            let second = app(&*store, &tenant, "second").await.unwrap().id;
            let mut model = Model {
                store: store.clone(),
                tenant,
                apps: vec![Some(first), Some(second)],
                keys: Vec::new(),
                clock: Timestamp::now(),
                made: 0,
            };
            model.check(&count, &Op::Advance { seconds: 0 }).await?;
            for op in &ops {
                if model.apply(op).await {
                    accepted.set(accepted.get() + 1);
                }
                model.check(&count, op).await?;
            }
            Ok(())
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // The sequences must reach accepted writes, or the test proves nothing.
    assert!(
        accepted.get() > 3 * cases as usize,
        "only {} accepted writes in {cases} cases",
        accepted.get()
    );
}
