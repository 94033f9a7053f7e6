//! The audit log survives crashes with the changes it records: a child
//! process creates, renames and deletes users in a loop; the test kills it
//! with SIGKILL at random moments and, after each kill, reads the store
//! back and checks that every user's current state is exactly what its
//! records say, in order (every committed change has its record), and
//! that every record's "before" is the state the previous one left and its
//! target exists (no record without its change). On redb, and on
//! PostgreSQL when `LATCHKEY_TEST_POSTGRES_URL` is set and the `postgres`
//! feature is on.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use latchkey_core::audit::{Acting, AuditAction, AuditRecord, Audited};
use latchkey_core::id::{AccountId, AuditRecordId, UserId};
use latchkey_core::list::PageRequest;
use latchkey_core::plan::Plan;
use latchkey_core::resource::{NewAccount, NewUser, User, UserUpdate};
use latchkey_core::status::UserStatus;
use latchkey_store::redb::RedbStore;
use latchkey_store::{AccountBundle, AuditFilter, Store};
use serde_json::Value;

const STORE_ENV: &str = "LATCHKEY_AUDIT_CRASH_STORE";
const ACCOUNT_ENV: &str = "LATCHKEY_AUDIT_CRASH_ACCOUNT";
const KILLS: usize = 12;

async fn open(spec: &str) -> Box<dyn Store> {
    match spec.strip_prefix("redb:") {
        Some(path) => Box::new(RedbStore::open(path).unwrap()),
        None => open_postgres(spec).await,
    }
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str) -> Box<dyn Store> {
    Box::new(
        latchkey_store::postgres::PgStore::connect(url)
            .await
            .unwrap(),
    )
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(_url: &str) -> Box<dyn Store> {
    panic!("built without the postgres feature")
}

/// The writer: run only as the child of the crash tests.
#[test]
#[ignore = "run by the audit crash tests in a child process"]
fn audit_crash_child_writer() {
    let (Ok(spec), Ok(account)) = (std::env::var(STORE_ENV), std::env::var(ACCOUNT_ENV)) else {
        panic!("the writer runs only as a child of the audit crash tests");
    };
    let account: AccountId = account.parse().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = open(&spec).await;
        let acting = Acting::system();
        let mut alive: Vec<UserId> = Vec::new();
        for serial in 0u64.. {
            let now = jiff::Timestamp::now();
            let user = NewUser {
                email: format!("w{}-{serial}@example.com", std::process::id()),
                name: format!("n{serial}"),
                group_ids: vec![],
            }
            .build(account, now)
            .unwrap();
            let id = store.create_user(&acting, user).await.unwrap().id;
            alive.push(id);
            let rename = UserUpdate {
                name: Some(format!("renamed {serial}")),
                ..Default::default()
            };
            store
                .update_user(&acting, account, id, rename, now)
                .await
                .unwrap();
            if serial % 3 == 2 {
                let gone = alive.remove(0);
                store
                    .delete_user(&acting, account, gone, now)
                    .await
                    .unwrap();
            }
            println!("ack {serial}");
        }
    });
}

fn random_millis(low: u64, high: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    low + nanos % (high - low)
}

async fn users(store: &dyn Store, account: AccountId) -> Vec<User> {
    let mut all = Vec::new();
    for status in [UserStatus::Active, UserStatus::Deleted] {
        let mut page = PageRequest::<UserId>::first(1000);
        loop {
            let found = store.list_users(account, Some(status), page).await.unwrap();
            let last = found.data.last().map(|u| u.id);
            all.extend(found.data);
            match (found.has_more, last) {
                (true, Some(last)) => page.after = Some(last),
                _ => break,
            }
        }
    }
    all
}

async fn records(store: &dyn Store, account: AccountId) -> Vec<AuditRecord> {
    let mut all = Vec::new();
    let mut page = PageRequest::<AuditRecordId>::first(1000);
    loop {
        let found = store
            .list_audit_records(account, AuditFilter::default(), page)
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

/// Every user is what its records, replayed in order, say; every record
/// starts from where the previous one left its user; every record is about
/// a user that exists. Returns how many records were checked.
async fn check(store: &dyn Store, account: AccountId, round: usize) -> usize {
    let users = users(store, account).await;
    let records = records(store, account).await;
    let mut replayed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut checked = 0;
    for record in &records {
        if !matches!(
            record.action,
            AuditAction::UserCreate | AuditAction::UserUpdate | AuditAction::UserDelete
        ) {
            continue;
        }
        let state = replayed.entry(record.target.id.clone()).or_default();
        if record.action == AuditAction::UserCreate {
            assert!(
                state.is_empty(),
                "round {round}: {} created twice",
                record.target.id
            );
        } else {
            assert!(
                !state.is_empty(),
                "round {round}: {:?} before its creation",
                record.action
            );
        }
        for (field, [before, after]) in &record.changes {
            let current = state.get(field).cloned().unwrap_or(Value::Null);
            assert_eq!(
                &current, before,
                "round {round}: {} {field}: the record starts from a state no change left",
                record.target.id
            );
            state.insert(field.clone(), after.clone());
        }
        checked += 1;
    }
    for user in &users {
        let state = replayed
            .remove(&user.id.to_string())
            .unwrap_or_else(|| panic!("round {round}: user {} has no record", user.id));
        for (field, value) in user.audited_fields() {
            let recorded = state.get(&field).cloned().unwrap_or(Value::Null);
            assert_eq!(
                recorded, value,
                "round {round}: user {} {field} changed without its record",
                user.id
            );
        }
    }
    assert!(
        replayed.is_empty(),
        "round {round}: records about users that do not exist: {:?}",
        replayed.keys().collect::<Vec<_>>()
    );
    checked
}

async fn crash_repeatedly(spec: String) {
    let account = {
        let store = open(&spec).await;
        let account = NewAccount {
            name: "Crash".into(),
            plan: Plan::Free,
            limits: None,
        }
        .build(true, jiff::Timestamp::now())
        .unwrap();
        let (bundle, _) = AccountBundle::build(
            account,
            "admin@example.com",
            "http://x",
            jiff::Timestamp::now(),
        )
        .unwrap();
        let id = bundle.account.id;
        store
            .create_account(&Acting::system(), bundle)
            .await
            .unwrap();
        id
    };
    let mut acknowledged = 0usize;
    let mut checked = 0;
    for round in 0..KILLS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "audit_crash_child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(STORE_ENV, &spec)
            .env(ACCOUNT_ENV, account.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("ack ") {
                    let _ = lines.send(());
                }
            }
        });
        received
            .recv_timeout(Duration::from_secs(60))
            .expect("the writer acknowledged nothing");
        std::thread::sleep(Duration::from_millis(random_millis(5, 200)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        acknowledged += 1 + received.try_iter().count();

        let store = open(&spec).await;
        checked = check(&*store, account, round).await;
    }
    // Each acknowledged step wrote two or three records.
    assert!(
        checked >= 2 * acknowledged,
        "{checked} records for {acknowledged} acknowledged steps"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redb_changes_and_records_survive_sigkill_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit-crash.redb");
    crash_repeatedly(format!("redb:{}", path.display())).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_changes_and_records_survive_sigkill_together() {
    let Ok(admin_url) = std::env::var("LATCHKEY_TEST_POSTGRES_URL") else {
        panic!("LATCHKEY_TEST_POSTGRES_URL is not set: these tests never pass without having run");
    };
    let name = format!(
        "latchkey_audit_crash_{}",
        AccountId::generate().body().to_lowercase()
    );
    let (client, connection) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("no database in {admin_url}"),
    };
    crash_repeatedly(url).await;
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
}
