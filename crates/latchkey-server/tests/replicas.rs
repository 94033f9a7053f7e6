//! Two server processes on one PostgreSQL database: a change answered by
//! replica A is in force on replica B for every request sent to B after A's
//! response, including while B's change listener is down.
//!
//! These tests always run on PostgreSQL (the redb file has one process by
//! construction): they need `LATCHKEY_TEST_POSTGRES_URL`, which
//! `cargo xtask test rust` provides.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Api, Server, id, postgres_client};
use latchkey_core::jwt::{self, Algorithm, SigningKey};
use serde_json::json;

/// Concurrent clients loading replica B.
const CLIENTS: usize = 8;

/// What the load on B saw: each request's send instant and status.
struct Load {
    samples: Vec<(Instant, u16)>,
}

impl Load {
    /// Requests sent after `instant`, and how many of them succeeded.
    fn after(&self, instant: Instant) -> (usize, usize) {
        let later: Vec<_> = self
            .samples
            .iter()
            .filter(|(sent, _)| *sent > instant)
            .collect();
        let successes = later.iter().filter(|(_, status)| *status == 200).count();
        (later.len(), successes)
    }

    /// How long after `instant` the last successful request was sent.
    fn last_success_after(&self, instant: Instant) -> Option<Duration> {
        self.samples
            .iter()
            .filter(|(sent, status)| *sent > instant && *status == 200)
            .map(|(sent, _)| *sent - instant)
            .max()
    }

    /// Successful requests sent before `instant`.
    fn successes_before(&self, instant: Instant) -> usize {
        self.samples
            .iter()
            .filter(|(sent, status)| *sent < instant && *status == 200)
            .count()
    }
}

/// Runs `CLIENTS` clients against `GET /v3/me` on `on_b` while `change`
/// runs (after a warm-up) on the other replica; returns the load and the
/// instant `change`'s response was in.
async fn load_while<F>(on_b: &Api, change: F) -> (Load, Instant)
where
    F: std::future::Future<Output = ()>,
{
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let api = on_b.clone();
        let stop = stop.clone();
        clients.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                let status = api.me_status().await;
                samples.push((sent, status));
            }
            samples
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    change.await;
    let answered = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut samples = Vec::new();
    for client in clients {
        samples.extend(client.await.unwrap());
    }
    (Load { samples }, answered)
}

/// Asserts that B answered 200 under load before the change and never
/// after A's response, and prints the figures.
fn assert_cut_at(load: &Load, answered: Instant, what: &str) {
    let before = load.successes_before(answered);
    let (after, successes_after) = load.after(answered);
    println!(
        "{what}: {before} successes on B before A's response; {successes_after} of {after} \
         requests sent to B after it succeeded"
    );
    assert!(
        before >= 20,
        "{what}: the load ran before the change ({before})"
    );
    assert!(
        after >= 20,
        "{what}: the load ran after the change ({after})"
    );
    assert_eq!(
        successes_after,
        0,
        "{what}: B served a changed key after A's response, the last {:?} after it",
        load.last_success_after(answered)
    );
}

#[tokio::test]
async fn a_key_changed_on_one_replica_stops_at_once_on_the_other_under_load() {
    let a = Server::start_on_postgres();
    let b = a.replica();
    let on_a = a.admin();
    let app = id(&on_a.app("loaded").await);
    let (key, secret) = on_a.key(&app, "loaded-key").await;
    let path = format!("/v3/applications/{app}/access-keys/{}", id(&key));
    let on_b = b.api(&secret);
    assert_eq!(on_b.me_status().await, 200, "B verified the key once");

    let (load, answered) = load_while(&on_b, async {
        on_a.put(&path, json!({ "status": "inactive" }))
            .await
            .expect(200);
    })
    .await;
    assert_cut_at(&load, answered, "deactivated on A");

    // The other way round: reactivated on A, B accepts it at once.
    on_a.put(&path, json!({ "status": "active" }))
        .await
        .expect(200);
    assert_eq!(on_b.me_status().await, 200, "reactivated on A, B accepts");

    let (load, answered) = load_while(&on_b, async {
        on_a.put(&path, json!({ "status": "revoked" }))
            .await
            .expect(200);
    })
    .await;
    assert_cut_at(&load, answered, "revoked on A");
}

#[tokio::test]
async fn group_and_user_changes_on_one_replica_hold_at_once_on_the_other() {
    let a = Server::start_on_postgres();
    let b = a.replica();
    let on_a = a.admin();
    let group = on_a
        .post(
            "/v3/policy-groups",
            json!({ "name": "viewers", "permissions": ["applications:view:any"] }),
        )
        .await
        .expect(201)
        .clone();
    let group = id(&group);
    let user = on_a
        .post(
            "/v3/users",
            json!({ "email": "ada@example.com", "group_ids": [group] }),
        )
        .await
        .expect(201)
        .clone();
    let user = id(&user);
    let app = on_a
        .post(
            "/v3/applications",
            json!({ "name": "ada-app", "group_ids": [group], "created_by": user }),
        )
        .await
        .expect(201)
        .clone();
    let (_, secret) = on_a
        .key_with(&id(&app), json!({ "name": "ada-key", "created_by": user }))
        .await;
    let ada_on_b = b.api(&secret);
    ada_on_b.get("/v3/applications").await.expect(200);

    // The group loses the permission on A: B refuses at once.
    on_a.put(
        &format!("/v3/policy-groups/{group}"),
        json!({ "permissions": ["account:view"] }),
    )
    .await
    .expect(200);
    ada_on_b
        .get("/v3/applications")
        .await
        .expect_error(403, "forbidden");
    assert_eq!(
        ada_on_b.me_status().await,
        200,
        "the key itself still works"
    );

    // The user is deleted on A: their key is refused on B at once.
    on_a.delete(&format!("/v3/users/{user}")).await.expect(204);
    assert_eq!(ada_on_b.me_status().await, 401);
}

/// Changes `key`'s stored status behind the servers' backs: a write that
/// announces nothing, as if its notification had been lost.
async fn revoke_silently(database_url: &str, key_id: &str) {
    let client = postgres_client(database_url).await;
    let updated = client
        .execute(
            "UPDATE access_keys SET status = 'revoked', \
             doc = jsonb_set(doc, '{key,status}', '\"revoked\"') \
             WHERE doc -> 'key' ->> 'id' = $1",
            &[&key_id],
        )
        .await
        .unwrap();
    assert_eq!(updated, 1, "the key's row was changed");
}

/// The backend pids of the change listeners on `database_url`'s database.
async fn listeners(database_url: &str) -> Vec<i32> {
    let client = postgres_client(database_url).await;
    client
        .query(
            "SELECT pid FROM pg_stat_activity \
             WHERE application_name = 'latchkey-listener' AND datname = current_database()",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test]
async fn a_killed_listener_reconnects_and_the_replica_never_serves_stale() {
    let a = Server::start_on_postgres();
    let mut b = a.replica();
    let database = a.database.clone().unwrap();
    let on_a = a.admin();
    // Two applications: the free plan allows two keys per application.
    let app = id(&on_a.app("watched").await);
    let other_app = id(&on_a.app("kept").await);
    let (missed, missed_secret) = on_a.key(&app, "missed").await;
    let (revoked, revoked_secret) = on_a.key(&app, "revoked-during-outage").await;
    let (kept, kept_secret) = on_a.key(&other_app, "kept").await;
    let (missed_on_b, revoked_on_b, kept_on_b) = (
        b.api(&missed_secret),
        b.api(&revoked_secret),
        b.api(&kept_secret),
    );
    // Twice each: the second use waits for B to apply the announcements of
    // the writes above, which may arrive after the first use cached the key
    // (and would make B forget it: the control below needs it cached).
    for api in [&missed_on_b, &revoked_on_b, &kept_on_b] {
        assert_eq!(api.me_status().await, 200, "B verified the key");
        assert_eq!(api.me_status().await, 200, "B caught up with A");
    }

    // Control: a change that announces nothing is not seen by B's cache, so
    // only forgetting everything on a reconnection can stop this key.
    revoke_silently(&database.url, &id(&missed)).await;
    assert_eq!(missed_on_b.me_status().await, 200, "served from B's cache");

    let killed = listeners(&database.url).await;
    assert_eq!(killed.len(), 2, "one listener per replica: {killed:?}");
    let client = postgres_client(&database.url).await;
    for pid in &killed {
        let terminated: bool = client
            .query_one("SELECT pg_terminate_backend($1)", &[pid])
            .await
            .unwrap()
            .get(0);
        assert!(terminated);
    }
    // A revocation answered by A while the listeners are down: B must never
    // accept the key for a request sent after this response.
    let revoked_path = format!("/v3/applications/{app}/access-keys/{}", id(&revoked));
    on_a.put(&revoked_path, json!({ "status": "revoked" }))
        .await
        .expect(200);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut requests = 0;
    loop {
        assert_eq!(
            revoked_on_b.me_status().await,
            401,
            "B served a key revoked on A (request {requests} after the revocation)"
        );
        requests += 1;
        let now_listening = listeners(&database.url).await;
        if now_listening.len() == 2 && now_listening.iter().all(|pid| !killed.contains(pid)) {
            break;
        }
        assert!(Instant::now() < deadline, "the listeners did not come back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Reconnected: everything cached before was forgotten, the key whose
    // change was never announced included; valid keys keep working.
    assert_eq!(revoked_on_b.me_status().await, 401);
    assert_eq!(missed_on_b.me_status().await, 401, "B forgot its cache");
    assert_eq!(kept_on_b.me_status().await, 200);
    // And changes are followed again after the reconnection.
    let kept_path = format!("/v3/applications/{other_app}/access-keys/{}", id(&kept));
    on_a.put(&kept_path, json!({ "status": "inactive" }))
        .await
        .expect(200);
    assert_eq!(kept_on_b.me_status().await, 401);
    b.stop();
    assert!(
        b.output()
            .contains("not following the other replicas' changes"),
        "B said it stopped trusting its cache: {}",
        b.output()
    );
}

#[tokio::test]
async fn a_jwt_key_revoked_on_one_replica_stops_at_once_on_the_other_under_load() {
    let a = Server::start_on_postgres();
    let b = a.replica();
    let on_a = a.admin();
    let app = on_a.get("/v3/me").await.expect(200)["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let signing = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let registered = on_a
        .post(
            &format!("/v3/applications/{app}/jwt-keys"),
            json!({ "name": "signer", "public_key": signing.verifying_key().to_spki_pem() }),
        )
        .await
        .expect(201)
        .clone();
    let kid = id(&registered);
    // Each replica's audience is its own public URL: the token is for B.
    let b_audience = b.anonymous().get("/.well-known/latchkey").await.expect(200)["jwt_audience"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = jwt::mint_access_token(&app, &kid, &b_audience, Duration::from_secs(300), &signing)
        .unwrap();
    let on_b = b.api(&token);
    assert_eq!(on_b.me_status().await, 200, "B registered the JWT key");

    let (load, answered) = load_while(&on_b, async {
        on_a.put(
            &format!("/v3/applications/{app}/jwt-keys/{kid}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    })
    .await;
    assert_cut_at(&load, answered, "JWT key revoked on A");
}
