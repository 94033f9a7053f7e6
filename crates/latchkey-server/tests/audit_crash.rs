//! The real server killed mid-write, again and again: writers create,
//! rename and delete users over HTTP while the server gets SIGKILL at a
//! random moment; after each restart every user is exactly what its audit
//! records, replayed in order, say (every committed change has its record),
//! every record starts where the previous one left its user, and every
//! record's user exists (no record without its change). On this run's
//! store (redb, or PostgreSQL with `LATCHKEY_TEST_SERVER_BACKEND=postgres`).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use common::Server;
use serde_json::{Value, json};

const ROUNDS: usize = 6;
const WRITERS: usize = 3;

fn random_millis(low: u64, high: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    low + nanos % (high - low)
}

/// Writes until the server stops answering; returns how many steps were
/// acknowledged.
async fn writer(url: String, key: String, writer: usize, round: usize) -> usize {
    let http = reqwest::Client::new();
    let send = |method: reqwest::Method, path: String, body: Value| {
        http.request(method, format!("{url}{path}"))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let mut done = 0;
    for n in 0.. {
        let email = format!("w{writer}-r{round}-{n}@example.com");
        // Any answer but the expected one (the server dying) ends the writer.
        let created = send(
            reqwest::Method::POST,
            "/v3/users".into(),
            json!({ "email": email }),
        )
        .await;
        let Ok(created) = created else { return done };
        if created.status() != 201 {
            return done;
        }
        let Ok(created) = created.json::<Value>().await else {
            return done;
        };
        let id = created["id"].as_str().unwrap().to_owned();
        let renamed = send(
            reqwest::Method::PUT,
            format!("/v3/users/{id}"),
            json!({ "name": format!("renamed {n}") }),
        )
        .await;
        if !renamed.is_ok_and(|r| r.status() == 200) {
            return done;
        }
        if n % 3 == 2 {
            let deleted = http
                .delete(format!("{url}/v3/users/{id}"))
                .bearer_auth(&key)
                .send()
                .await;
            if !deleted.is_ok_and(|r| r.status() == 204) {
                return done;
            }
        }
        done += 1;
    }
    done
}

async fn every(api: &common::Api, path: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = String::new();
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let page = api
            .get(&format!("{path}{separator}limit=1000{after}"))
            .await;
        let body = page.expect(200).clone();
        all.extend(body["data"].as_array().unwrap().iter().cloned());
        if body["has_more"] != true {
            return all;
        }
        after = format!("&after={}", body["after"].as_str().unwrap());
    }
}

async fn check(api: &common::Api, round: usize) -> usize {
    let mut users = every(api, "/v3/users").await;
    users.extend(every(api, "/v3/users?status=deleted").await);
    let records = every(api, "/v3/audit-log").await;
    let mut replayed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut checked = 0;
    for record in &records {
        let action = record["action"].as_str().unwrap();
        if !["user.create", "user.update", "user.delete"].contains(&action) {
            continue;
        }
        let target = record["target"]["id"].as_str().unwrap().to_owned();
        let state = replayed.entry(target.clone()).or_default();
        assert_eq!(
            state.is_empty(),
            action == "user.create",
            "round {round}: {action} of {target} out of order"
        );
        for (field, sides) in record["changes"].as_object().unwrap() {
            let current = state.get(field).cloned().unwrap_or(Value::Null);
            assert_eq!(
                current, sides[0],
                "round {round}: {target} {field}: a record starts from a state no change left"
            );
            state.insert(field.clone(), sides[1].clone());
        }
        checked += 1;
    }
    for user in &users {
        let id = user["id"].as_str().unwrap();
        let state = replayed
            .remove(id)
            .unwrap_or_else(|| panic!("round {round}: user {id} has no record"));
        for field in ["email", "name", "status", "group_ids", "has_password"] {
            assert_eq!(
                state.get(field).cloned().unwrap_or(Value::Null),
                user[field],
                "round {round}: user {id} {field} changed without its record"
            );
        }
    }
    assert!(
        replayed.is_empty(),
        "round {round}: records of users that do not exist: {:?}",
        replayed.keys().collect::<Vec<_>>()
    );
    checked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_committed_change_has_its_record_after_sigkill() {
    let mut server = Server::start();
    let key = server.admin_key.clone();
    let (dir, database) = (server.dir.clone(), server.database.clone());
    let mut acknowledged = 0;
    let mut checked = 0;
    for round in 0..ROUNDS {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| tokio::spawn(writer(server.url.clone(), key.clone(), w, round)))
            .collect();
        tokio::time::sleep(Duration::from_millis(random_millis(150, 600))).await;
        server.kill();
        for handle in writers {
            acknowledged += handle.await.unwrap();
        }
        server = Server::spawn(dir.clone(), database.clone(), Vec::new());
        checked = check(&server.api(&key), round).await;
    }
    assert!(
        acknowledged > ROUNDS,
        "the writers made progress: {acknowledged}"
    );
    // Each acknowledged step wrote two or three records.
    assert!(
        checked >= 2 * acknowledged,
        "{checked} records, {acknowledged} steps"
    );
}
