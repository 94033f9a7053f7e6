//! Crash durability of the redb store: a child process writes in a loop and
//! reports each acknowledged write; the test kills it with SIGKILL at a
//! random moment, reopens the file, and must find every acknowledged write
//! and consistent indexes. Twenty kills in a row, on one file.

use latchkey_core::audit::Acting;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use latchkey_core::id::{AccountId, UserId};
use latchkey_core::list::PageRequest;
use latchkey_core::plan::Plan;
use latchkey_core::resource::{NewAccount, NewUser};
use latchkey_store::redb::RedbStore;
use latchkey_store::{AccountBundle, Store, StoreError};

const CHILD_ENV: &str = "LATCHKEY_CRASH_CHILD_FILE";
const ACCOUNT_ENV: &str = "LATCHKEY_CRASH_CHILD_ACCOUNT";
const KILLS: usize = 20;

/// The writer: run only as the child of `acknowledged_writes_survive_sigkill`.
#[test]
#[ignore = "run by acknowledged_writes_survive_sigkill in a child process"]
fn crash_child_writer() {
    let (Ok(path), Ok(account)) = (std::env::var(CHILD_ENV), std::env::var(ACCOUNT_ENV)) else {
        panic!("the crash writer runs only as a child of the crash test");
    };
    let account: AccountId = account.parse().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = RedbStore::open(&path).unwrap();
        for serial in 0u64.. {
            let email = format!("writer-{}-{serial}@example.com", std::process::id());
            let user = NewUser {
                email,
                name: String::new(),
                group_ids: vec![],
            }
            .build(account, jiff::Timestamp::now())
            .unwrap();
            let id = user.id;
            store.create_user(&Acting::system(), user).await.unwrap();
            // Only now is the write acknowledged.
            println!("ack {id}");
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

#[tokio::test]
async fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.redb");
    let account = {
        let store = RedbStore::open(&path).unwrap();
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
    let mut acknowledged: Vec<UserId> = Vec::new();
    for round in 0..KILLS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
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
                // libtest's "test crash_child_writer ... " may precede the first ack.
                if let Some((_, id)) = line.rsplit_once("ack ") {
                    lines.send(id.parse::<UserId>().unwrap()).unwrap();
                }
            }
        });
        // Wait for the writer to be under way, then kill it mid-stream.
        let first = received
            .recv_timeout(Duration::from_secs(30))
            .expect("the writer acknowledged nothing");
        acknowledged.push(first);
        std::thread::sleep(Duration::from_millis(random_millis(5, 150)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        acknowledged.extend(received.try_iter());

        let store = RedbStore::open(&path).unwrap();
        for id in &acknowledged {
            match store.get_user(account, *id).await {
                Ok(user) => assert!(user.is_active()),
                Err(error) => panic!("round {round}: acknowledged user {id} lost: {error}"),
            }
        }
        // The account's user index names exactly the stored users, each once,
        // and every email claim holds.
        let mut listed = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_users(
                    account,
                    None,
                    PageRequest {
                        limit: 1000,
                        after,
                        order: Default::default(),
                        include_total_count: false,
                    },
                )
                .await
                .unwrap();
            listed.extend(page.data.iter().map(|u| (u.id, u.email.clone())));
            if !page.has_more {
                break;
            }
            after = page.data.last().map(|u| u.id);
        }
        let ids: std::collections::HashSet<UserId> = listed.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids.len(),
            listed.len(),
            "round {round}: a user listed twice"
        );
        assert!(
            acknowledged.iter().all(|id| ids.contains(id)),
            "round {round}: index misses a user"
        );
        let unacknowledged: Vec<_> = listed
            .iter()
            .filter(|(id, _)| !acknowledged.contains(id))
            .map(|(_, email)| email.clone())
            .collect();
        // The admin user, and at most the one write in flight at each kill.
        assert!(
            unacknowledged.len() <= 2 + round,
            "round {round}: unacknowledged {unacknowledged:?}, last acked {:?}",
            acknowledged.last()
        );
        let (_, email) = listed.last().unwrap();
        let twin = NewUser {
            email: email.to_uppercase(),
            name: String::new(),
            group_ids: vec![],
        }
        .build(account, jiff::Timestamp::now())
        .unwrap();
        assert!(matches!(
            store.create_user(&Acting::system(), twin).await,
            Err(StoreError::Duplicate { field: "email", .. })
        ));
    }
    assert!(acknowledged.len() > KILLS, "the writer made progress");
}
