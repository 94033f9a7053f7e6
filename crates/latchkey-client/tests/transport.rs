//! What the client sends and how it copes with a misbehaving server, against
//! a scripted HTTP peer: headers, retries (only idempotent requests; 429,
//! 503 and dropped connections; bounded; `Retry-After`), timeouts, bodies
//! that do not fit, and the JWT signer's token reuse.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Peer, Reply, Seen};
use latchkey_client::id::{ApplicationId, JwtKeyId};
use latchkey_client::jwt::{self, Algorithm, SigningKey, VerificationPolicy};
use latchkey_client::models::NewApplication;
use latchkey_client::{
    ApiErrorKind, Client, Error, ErrorKind, JwtSigner, RetryPolicy, USER_AGENT_PRODUCT, access_key,
};
use serde_json::json;

const KEY_ID: &str = "0123456789ABCDEFGHIJab";

fn key() -> String {
    access_key::generate(KEY_ID).unwrap().key().to_owned()
}

fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    }
}

fn client(peer: &Peer, retries: u32) -> Client {
    Client::builder()
        .base_url(&peer.url)
        .access_key(key())
        .retry_policy(fast_retries(retries))
        .build()
        .unwrap()
}

fn health() -> Reply {
    Reply::json(200, json!({"object": "health", "status": "ok"}))
}

fn unavailable(retry_after: Option<&str>) -> Reply {
    let headers = retry_after
        .map(|v| vec![("retry-after".to_owned(), v.to_owned())])
        .unwrap_or_default();
    Reply::Answer(
        503,
        headers,
        json!({"object": "error", "code": 503, "type": "service_unavailable",
               "message": "busy", "request_id": "req_x", "fields": []})
        .to_string(),
    )
}

fn application_json() -> serde_json::Value {
    json!({
        "object": "application", "id": ApplicationId::generate().to_string(),
        "name": "a", "description": "", "group_ids": [], "status": "active",
        "created_by": "usr_0000000000000000000001",
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
    })
}

#[tokio::test]
async fn user_agent_names_the_sdk_and_the_binding_and_secrets_stay_out_of_debug() {
    let peer = Peer::start(|_, _| health()).await;
    let key = key();
    let client = Client::builder()
        .base_url(&peer.url)
        .access_key(&key)
        .user_agent_suffix("latchkey-python/0.1.0")
        .build()
        .unwrap();
    client.me().await.unwrap_err(); // a health body is not a `me`
    client.health().await.unwrap();
    let seen = peer.seen();
    let agent = seen[0].header("user-agent").unwrap();
    assert_eq!(agent, format!("{USER_AGENT_PRODUCT} latchkey-python/0.1.0"));
    assert!(agent.starts_with("latchkey-rust/"));
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {key}").as_str())
    );
    assert_eq!(
        seen[1].header("authorization"),
        None,
        "health needs no credential"
    );
    let debug = format!("{client:?}");
    assert!(!debug.contains(&key[20..]), "{debug}");
    assert!(
        debug.contains(&key[..11]),
        "the key prefix is shown: {debug}"
    );
}

#[tokio::test]
async fn an_unexpected_body_is_a_decode_error() {
    let peer = Peer::start(|n, _| match n {
        0 => Reply::json(200, json!({"object": "user"})),
        1 => Reply::Answer(200, vec![], "not json".into()),
        _ => Reply::json(
            200,
            json!({"object": "list", "data": [{"object": "user"}],
            "has_more": false, "after": null, "limit": 50, "order": "ASC"}),
        ),
    })
    .await;
    let client = client(&peer, 0);
    let errors = [
        client.me().await.unwrap_err(),
        client.me().await.unwrap_err(),
        client
            .applications()
            .list_page(&Default::default())
            .await
            .unwrap_err(),
    ];
    for error in errors {
        assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
        assert_eq!(error.status(), Some(200));
    }
}

#[tokio::test]
async fn idempotent_requests_retry_503_and_honour_retry_after() {
    let peer = Peer::start(|n, _| match n {
        0 => unavailable(Some("1")),
        1 => unavailable(None),
        _ => Reply::json(200, application_json()),
    })
    .await;
    let started = Instant::now();
    client(&peer, 3)
        .applications()
        .get(ApplicationId::generate())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(peer.seen().len(), 3);
}

#[tokio::test]
async fn retries_are_bounded() {
    let peer = Peer::start(|_, _| unavailable(Some("0"))).await;
    let error = client(&peer, 2)
        .applications()
        .delete(ApplicationId::generate())
        .await
        .unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(
        (api.status, api.kind),
        (503, ApiErrorKind::ServiceUnavailable)
    );
    assert_eq!(api.request_id.as_deref(), Some("req_x"));
    assert_eq!(peer.seen().len(), 3, "one attempt and two retries");
}

#[tokio::test]
async fn a_retry_after_beyond_the_maximum_is_returned_not_waited_for() {
    let peer = Peer::start(|_, _| unavailable(Some("120"))).await;
    let error = client(&peer, 3).me().await.unwrap_err();
    assert_eq!(
        error.api().unwrap().retry_after,
        Some(Duration::from_secs(120))
    );
    assert_eq!(peer.seen().len(), 1);
}

#[tokio::test]
async fn post_is_never_retried() {
    let peer = Peer::start(|_, _| unavailable(Some("0"))).await;
    let app = NewApplication {
        name: "x".into(),
        description: String::new(),
        group_ids: vec![],
        created_by: None,
    };
    let error = client(&peer, 3)
        .applications()
        .create(&app)
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::Api(ApiErrorKind::ServiceUnavailable)
    );
    assert_eq!(peer.seen().len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&peer.seen()[0].body).unwrap();
    assert_eq!(body["name"], "x");
    assert_eq!(
        peer.seen()[0].header("content-type"),
        Some("application/json")
    );

    let hangup = Peer::start(|_, _| Reply::Hangup).await;
    let error = client(&hangup, 3)
        .applications()
        .create(&app)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert_eq!(hangup.seen().len(), 1);
}

#[tokio::test]
async fn dropped_connections_are_retried_for_idempotent_requests() {
    let peer = Peer::start(|n, _| if n < 2 { Reply::Hangup } else { health() }).await;
    let error = client(&peer, 3).me().await.unwrap_err();
    // The third attempt got the (wrong-shaped) answer: the drops were retried.
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(peer.seen().len(), 3);

    // Nothing listens: a connect error, retried, then a transport error.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client = Client::builder()
        .base_url(format!("http://{closed}"))
        .access_key(key())
        .retry_policy(fast_retries(2))
        .build()
        .unwrap();
    let Error::Transport(error) = client.me().await.unwrap_err() else {
        panic!("expected a transport error");
    };
    assert!(error.is_connect());
}

#[tokio::test]
async fn the_request_timeout_applies_and_is_its_own_kind() {
    let peer = Peer::start(|_, _| Reply::Stall(Duration::from_secs(5))).await;
    let client = Client::builder()
        .base_url(&peer.url)
        .access_key(key())
        .timeout(Duration::from_millis(300))
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.me().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(peer.seen().len(), 1, "a timeout is not retried");
}

#[tokio::test]
async fn configuration_errors() {
    let error = Client::builder().access_key(key()).build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    let error = Client::builder().base_url("not a url").build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    let signer = JwtSigner::new(
        ApplicationId::generate(),
        JwtKeyId::generate(),
        SigningKey::generate(Algorithm::EdDSA).unwrap(),
    )
    .lifetime(Duration::from_secs(3601));
    let error = Client::builder()
        .base_url("http://127.0.0.1:1")
        .jwt_signer(signer)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
}

fn me_or_info(n_info: Arc<AtomicUsize>) -> impl Fn(usize, &Seen) -> Reply + Send + Sync {
    move |_, request| {
        if request.path == "/.well-known/latchkey" {
            n_info.fetch_add(1, Ordering::SeqCst);
            Reply::json(
                200,
                json!({"object": "server", "jwt_audience": "https://aud.example",
                "jwt_algorithms": ["EdDSA"], "version": "0"}),
            )
        } else {
            health()
        }
    }
}

#[tokio::test]
async fn the_jwt_signer_discovers_the_audience_once_and_shares_one_token() {
    let infos = Arc::new(AtomicUsize::new(0));
    let peer = Peer::start(me_or_info(infos.clone())).await;
    let app = ApplicationId::generate();
    let kid = JwtKeyId::generate();
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let public = key.verifying_key().clone();
    let signer = JwtSigner::new(app, kid, key);
    assert!(!format!("{signer:?}").contains("PRIVATE"));
    let client = Client::builder()
        .base_url(&peer.url)
        .jwt_signer(signer)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client.health().await.unwrap();
            client.me().await
        })
    });
    for call in calls {
        let _ = call.await.unwrap();
    }
    assert_eq!(infos.load(Ordering::SeqCst), 1, "the audience is read once");
    let tokens: Vec<String> = peer
        .seen()
        .iter()
        .filter(|s| s.path == "/v3/me")
        .map(|s| s.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 20);
    assert!(tokens.iter().all(|t| t == &tokens[0]), "one mint for all");

    // The token is the one the server expects.
    let token = tokens[0].strip_prefix("Bearer ").unwrap();
    let policy = VerificationPolicy::for_access_tokens(
        [Algorithm::EdDSA],
        "https://aud.example",
        app.to_string(),
    )
    .unwrap();
    let verified = jwt::verify(token, &public.with_kid(kid.to_string()), &policy, None).unwrap();
    assert_eq!(
        verified.header.kid.as_deref(),
        Some(kid.to_string().as_str())
    );
    assert_eq!(verified.claims["sub"], app.to_string());
    let lifetime =
        verified.claims["exp"].as_i64().unwrap() - verified.claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 15 * 60);
}

#[tokio::test]
async fn the_jwt_signer_mints_anew_shortly_before_expiry() {
    let peer = Peer::start(|_, _| health()).await;
    let signer = JwtSigner::new(
        ApplicationId::generate(),
        JwtKeyId::generate(),
        SigningKey::generate(Algorithm::ES256).unwrap(),
    )
    .audience("https://given.example")
    .lifetime(Duration::from_secs(3))
    .refresh_margin(Duration::from_secs(1));
    let client = Client::builder()
        .base_url(&peer.url)
        .jwt_signer(signer)
        .build()
        .unwrap();
    let _ = client.me().await;
    let _ = client.me().await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let _ = client.me().await;
    let seen = peer.seen();
    assert!(
        seen.iter().all(|s| s.path == "/v3/me"),
        "a given audience is not looked up"
    );
    let auth: Vec<_> = seen
        .iter()
        .map(|s| s.header("authorization").unwrap())
        .collect();
    assert_eq!(auth[0], auth[1], "reused while fresh");
    assert_ne!(auth[1], auth[2], "replaced within the margin of expiry");
}
