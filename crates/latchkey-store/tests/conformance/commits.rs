//! What a store reports of this process's commits (`Store::observe_commits`):
//! every kind of write reports the account it changed (an import: everything)
//! around its commit and before its call returns; reads, refused writes and
//! `last_used_at` bookkeeping report nothing; and a write whose caller stops
//! waiting for it still commits and reports.

use latchkey_core::audit::Acting;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use latchkey_core::list::PageRequest;
use latchkey_core::plan::Plan;
use latchkey_core::resource::{
    AccountUpdate, ApplicationUpdate, KeyUpdate, NewPolicyGroup, NewUser, PolicyGroupUpdate,
    UserUpdate,
};
use latchkey_core::status::KeyStatus;
use latchkey_store::export::read_export;
use latchkey_store::redb::RedbStore;
use latchkey_store::{Changed, CommitObserver, Members, Store, StoreError};

use super::{add_key, app, custom, export, now, tenant};

/// One call of a [`CommitObserver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Committing(Changed),
    Committed(Changed),
}

/// Records every report, in order.
#[derive(Default)]
pub struct Recorder(Mutex<Vec<Report>>);

impl Recorder {
    /// The reports since the last call.
    pub fn take(&self) -> Vec<Report> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl CommitObserver for Recorder {
    fn committing(&self, changed: Changed) {
        self.0.lock().unwrap().push(Report::Committing(changed));
    }
    fn committed(&self, changed: Changed) {
        self.0.lock().unwrap().push(Report::Committed(changed));
    }
}

/// What one commit reports.
fn one_commit(changed: Changed) -> Vec<Report> {
    vec![Report::Committing(changed), Report::Committed(changed)]
}

pub async fn every_write_reports_its_account_around_its_commit(store: Arc<dyn Store>) {
    let reports = Arc::new(Recorder::default());
    store.observe_commits(reports.clone());
    let reported = |what: &str, changed: Changed| {
        assert_eq!(reports.take(), one_commit(changed), "{what}");
    };

    // An import writes many accounts at once: it may change anything.
    let source_dir = tempfile::tempdir().unwrap();
    let source = RedbStore::open(source_dir.path().join("source.redb")).unwrap();
    export::populate(&source).await;
    let text = export::export_text(&source, now()).await;
    let (_, set) = read_export(text.as_bytes()).unwrap();
    store.import_all(set).await.unwrap();
    reported("import_all", Changed::Everything);

    let t = tenant(&*store, Plan::Custom, custom(10, 10), false).await;
    let account = Changed::Account(t.account.id);
    reported("create_account", account);
    let other = tenant(&*store, Plan::Free, None, false).await;
    reported("create_account", Changed::Account(other.account.id));
    let rename = AccountUpdate {
        name: Some("Acme Two".into()),
        ..Default::default()
    };
    store
        .update_account(&Acting::system(), t.account.id, rename, now())
        .await
        .unwrap();
    reported("update_account", account);

    let ops = NewPolicyGroup {
        name: "ops".into(),
        description: String::new(),
        permissions: vec!["keys:view:any".into()],
    }
    .build(t.account.id, false, now())
    .unwrap();
    store
        .create_group(&Acting::system(), ops.clone())
        .await
        .unwrap();
    reported("create_group", account);
    let described = PolicyGroupUpdate {
        description: Some("Operations".into()),
        ..Default::default()
    };
    store
        .update_group(
            &Acting::system(),
            t.account.id,
            ops.id,
            described,
            false,
            now(),
        )
        .await
        .unwrap();
    reported("update_group", account);

    let ada = NewUser {
        email: "ada@example.com".into(),
        name: "Ada".into(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    store
        .create_user(&Acting::system(), ada.clone())
        .await
        .unwrap();
    reported("create_user", account);
    let renamed = UserUpdate {
        name: Some("Ada L.".into()),
        ..Default::default()
    };
    store
        .update_user(&Acting::system(), t.account.id, ada.id, renamed, now())
        .await
        .unwrap();
    reported("update_user", account);
    let members = || Members::Users(vec![ada.id]);
    store
        .add_members(&Acting::system(), t.account.id, ops.id, members(), now())
        .await
        .unwrap();
    reported("add_members", account);
    store
        .remove_members(&Acting::system(), t.account.id, ops.id, members(), now())
        .await
        .unwrap();
    reported("remove_members", account);

    let billing = app(&*store, &t, "billing").await.unwrap();
    reported("create_application", account);
    let described = ApplicationUpdate {
        description: Some("Invoices".into()),
        ..Default::default()
    };
    store
        .update_application(&Acting::system(), t.scope(), billing.id, described, now())
        .await
        .unwrap();
    reported("update_application", account);

    let key = add_key(&*store, &t, billing.id, "first", None)
        .await
        .unwrap();
    reported("create_access_key", account);
    let pause = KeyUpdate {
        status: Some(KeyStatus::Inactive),
        ..Default::default()
    };
    store
        .update_access_key(
            &Acting::system(),
            t.scope(),
            billing.id,
            key.id,
            pause.clone(),
            now(),
        )
        .await
        .unwrap();
    reported("update_access_key", account);
    store
        .delete_access_key(&Acting::system(), t.scope(), billing.id, key.id)
        .await
        .unwrap();
    reported("delete_access_key", account);
    let key = add_key(&*store, &t, billing.id, "second", None)
        .await
        .unwrap();
    reported("create_access_key", account);
    let report = store
        .bulk_delete_access_keys(&Acting::system(), t.scope(), vec![key.id])
        .await
        .unwrap();
    assert!(report.deleted);
    reported("bulk_delete_access_keys", account);

    let jwt_key = store
        .create_jwt_key(
            &Acting::system(),
            t.scope(),
            export::jwt_key(&t, billing.id, "nightly"),
            now(),
        )
        .await
        .unwrap();
    reported("create_jwt_key", account);
    store
        .update_jwt_key(
            &Acting::system(),
            t.scope(),
            billing.id,
            jwt_key.id,
            pause,
            now(),
        )
        .await
        .unwrap();
    reported("update_jwt_key", account);
    store
        .delete_jwt_key(&Acting::system(), t.scope(), billing.id, jwt_key.id)
        .await
        .unwrap();
    reported("delete_jwt_key", account);

    store
        .delete_application(&Acting::system(), t.scope(), billing.id)
        .await
        .unwrap();
    reported("delete_application", account);
    store
        .delete_user(&Acting::system(), t.account.id, ada.id, now())
        .await
        .unwrap();
    reported("delete_user", account);
    store
        .delete_group(&Acting::system(), t.account.id, ops.id)
        .await
        .unwrap();
    reported("delete_group", account);

    // Bookkeeping that authentication never reads reports nothing: caches
    // stay warm while usage is recorded.
    store
        .record_access_key_use(vec![(t.admin_key.id, now())])
        .await
        .unwrap();
    let signing = store
        .create_jwt_key(
            &Acting::system(),
            t.scope(),
            export::jwt_key(&t, t.admin_app.id, "used"),
            now(),
        )
        .await
        .unwrap();
    reported("create_jwt_key", account);
    store
        .record_jwt_key_use(vec![(signing.id, now())])
        .await
        .unwrap();
    assert_eq!(reports.take(), [], "recording uses reports nothing");

    // Neither do reads, nor writes that were refused (nothing committed).
    store.get_account(t.account.id).await.unwrap();
    store
        .list_users(t.account.id, None, PageRequest::first(10))
        .await
        .unwrap();
    store.access_key_credential(t.admin_key.id).await.unwrap();
    let taken = app(&*store, &t, &t.admin_app.name).await;
    assert!(
        matches!(taken, Err(StoreError::Duplicate { .. })),
        "{taken:?}"
    );
    let unknown = store
        .delete_group(
            &Acting::system(),
            t.account.id,
            latchkey_core::id::PolicyGroupId::generate(),
        )
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound { .. })),
        "{unknown:?}"
    );
    assert_eq!(reports.take(), [], "reads and refusals report nothing");
}

/// Holds the first commit it is armed for until released, and records
/// every report.
struct Gate {
    armed: AtomicBool,
    held: tokio::sync::mpsc::UnboundedSender<Changed>,
    release: Mutex<std::sync::mpsc::Receiver<()>>,
    reports: Recorder,
}

impl CommitObserver for Gate {
    fn committing(&self, changed: Changed) {
        self.reports.committing(changed);
        if self.armed.swap(false, Ordering::SeqCst) {
            self.held.send(changed).unwrap();
            // Bounded: this may block a runtime thread (PostgreSQL), and a
            // store that ran the write on its caller's task would otherwise
            // hang the test instead of failing it.
            let _ = self
                .release
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(10));
        }
    }
    fn committed(&self, changed: Changed) {
        self.reports.committed(changed);
    }
}

pub async fn a_write_whose_caller_stops_waiting_still_commits_and_reports(store: Arc<dyn Store>) {
    let t = tenant(&*store, Plan::Free, None, true).await;
    let billing = app(&*store, &t, "billing").await.unwrap();
    let key = add_key(&*store, &t, billing.id, "doomed", None)
        .await
        .unwrap();
    let (held, mut holding) = tokio::sync::mpsc::unbounded_channel();
    let (release, released) = std::sync::mpsc::channel();
    let gate = Arc::new(Gate {
        armed: AtomicBool::new(true),
        held,
        release: Mutex::new(released),
        reports: Recorder::default(),
    });
    store.observe_commits(gate.clone());

    let revoke = KeyUpdate {
        status: Some(KeyStatus::Revoked),
        ..Default::default()
    };
    let caller = {
        let store = store.clone();
        let scope = t.scope();
        tokio::spawn(async move {
            store
                .update_access_key(&Acting::system(), scope, billing.id, key.id, revoke, now())
                .await
        })
    };
    let holding_for = within("the write reaches its commit", holding.recv()).await;
    assert_eq!(holding_for, Some(Changed::Account(t.account.id)));
    // Held before the commit, not after: nobody sees the write yet.
    let before = store
        .get_access_key(t.scope(), billing.id, key.id)
        .await
        .unwrap();
    assert_eq!(before.status, KeyStatus::Active);
    // The caller gives up just before the commit (a client gone, a request
    // past its time limit): its future is dropped.
    caller.abort();
    let stopped = within("the caller to stop waiting", caller).await;
    assert!(stopped.unwrap_err().is_cancelled());
    assert_eq!(
        gate.reports.take(),
        [Report::Committing(Changed::Account(t.account.id))]
    );
    release.send(()).unwrap();

    // The store finishes the write and reports it all the same.
    let reports = within("the commit's report", async {
        loop {
            let reports = gate.reports.take();
            if !reports.is_empty() {
                return reports;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert_eq!(reports, [Report::Committed(Changed::Account(t.account.id))]);
    let stored = store
        .get_access_key(t.scope(), billing.id, key.id)
        .await
        .unwrap();
    assert_eq!(stored.status, KeyStatus::Revoked);
}

/// `work`'s output, failing after 10 s.
async fn within<T>(what: &str, work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), work)
        .await
        .unwrap_or_else(|_| panic!("{what} within 10 s"))
}
