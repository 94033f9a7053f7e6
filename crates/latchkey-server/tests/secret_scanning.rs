//! `POST /v3/secret-scanning/reports` against the real server, with reports
//! signed by a key pair the test generates and gives the server as GitHub
//! publishes its keys: a leaked key is handled by its account's action and
//! stops at once; strings that are not our keys with their very secrets are
//! false positives and change nothing; unsigned or wrongly signed reports
//! are refused and change nothing.

mod common;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine as _;
use common::{Server, id};
use serde_json::{Value, json};

const PATH: &str = "/v3/secret-scanning/reports";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The public key as a PEM `SubjectPublicKeyInfo` (id-ecPublicKey, P-256).
fn spki_pem(pair: &EcdsaKeyPair) -> String {
    let prefix: [u8; 26] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    let der = [&prefix[..], pair.public_key().as_ref()].concat();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        b64(&der)
    )
}

struct Partner {
    pair: EcdsaKeyPair,
    identifier: &'static str,
}

impl Partner {
    fn new(identifier: &'static str) -> Partner {
        Partner {
            pair: EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).unwrap(),
            identifier,
        }
    }

    fn sign(&self, body: &[u8]) -> String {
        b64(self.pair.sign(&SystemRandom::new(), body).unwrap().as_ref())
    }
}

/// A server that trusts `partner`'s key.
fn server(partner: &Partner) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.json");
    let document = json!({ "public_keys": [
        { "key_identifier": partner.identifier, "key": spki_pem(&partner.pair), "is_current": true }
    ]});
    std::fs::write(&file, document.to_string()).unwrap();
    let server = Server::start_with_args(&["--secret-scanning-keys", file.to_str().unwrap()], &[]);
    (server, dir)
}

fn item(token: &str) -> Value {
    json!({ "token": token, "type": "latchkey_access_key", "url": "https://github.com/o/r/blob/abc/.env", "source": "content" })
}

async fn send(server: &Server, body: &[u8], headers: &[(&str, String)]) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{PATH}", server.url))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn signed(server: &Server, partner: &Partner, body: &[u8]) -> (u16, Value) {
    send(
        server,
        body,
        &[
            (
                "Github-Public-Key-Identifier",
                partner.identifier.to_owned(),
            ),
            ("Github-Public-Key-Signature", partner.sign(body)),
        ],
    )
    .await
}

fn sha256_hex(text: &str) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A well-formed key (checksum and all) with `key`'s id and another secret.
fn another_secret(key: &str) -> String {
    let id = latchkey_core::id::AccessKeyId::from_body(
        latchkey_core::access_key::parse(key).unwrap().key_id(),
    )
    .unwrap();
    // What someone who knows (or guesses) an id could report.
    latchkey_core::access_key::generate(&id.body())
        .unwrap()
        .key()
        .to_owned()
}

#[tokio::test]
async fn a_signed_report_revokes_the_leaked_key_at_once_and_only_it() {
    let partner = Partner::new("github-key-1");
    let (server, _dir) = server(&partner);
    let admin = server.admin();
    let app = id(&admin.app("leaky").await);
    let (leaked, leaked_secret) = admin.key(&app, "leaked").await;
    let (_, kept_secret) = admin.key(&app, "kept").await;
    let leaked_api = server.api(&leaked_secret);
    let kept_api = server.api(&kept_secret);
    assert_eq!(leaked_api.me_status().await, 200, "verified and cached");

    let guessed = another_secret(&kept_secret);
    assert!(latchkey_core::access_key::parse(&guessed).is_ok());
    let mut broken = kept_secret.clone();
    broken.pop();
    broken.push('!');
    let tokens = [
        leaked_secret.as_str(),
        guessed.as_str(),
        broken.as_str(),
        "ghp_not_ours",
    ];
    let body = serde_json::to_vec(&tokens.iter().map(|t| item(t)).collect::<Vec<_>>()).unwrap();
    let (status, answer) = signed(&server, &partner, &body).await;
    assert_eq!(status, 200, "{answer}");
    let labels: Vec<&str> = answer
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "true_positive",
            "false_positive",
            "false_positive",
            "false_positive"
        ]
    );
    for (answer, token) in answer.as_array().unwrap().iter().zip(tokens) {
        assert_eq!(answer["token_hash"], sha256_hex(token));
        assert_eq!(answer["token_type"], "latchkey_access_key");
    }
    assert_eq!(leaked_api.me_status().await, 401, "revoked at once");
    let status = admin
        .get(&format!(
            "/v3/applications/{app}/access-keys/{}",
            id(&leaked)
        ))
        .await;
    assert_eq!(status.expect(200)["status"], "revoked");
    // A right id with another secret changed nothing.
    assert_eq!(kept_api.me_status().await, 200);
}

#[tokio::test]
async fn unsigned_or_wrongly_signed_reports_change_nothing() {
    let partner = Partner::new("github-key-1");
    let impostor = Partner::new("github-key-1");
    let (server, _dir) = server(&partner);
    let admin = server.admin();
    let app = id(&admin.app("leaky").await);
    let (_, secret) = admin.key(&app, "leaked").await;
    let api = server.api(&secret);
    let body = serde_json::to_vec(&json!([item(&secret)])).unwrap();

    let mut tampered = body.clone();
    tampered.push(b'\n');
    let attempts = [
        send(&server, &body, &[]).await,
        send(
            &server,
            &body,
            &[(
                "Github-Public-Key-Identifier",
                partner.identifier.to_owned(),
            )],
        )
        .await,
        signed(&server, &impostor, &body).await,
        send(
            &server,
            &body,
            &[
                ("Github-Public-Key-Identifier", "another-key".to_owned()),
                ("Github-Public-Key-Signature", partner.sign(&body)),
            ],
        )
        .await,
        send(
            &server,
            &tampered,
            &[
                (
                    "Github-Public-Key-Identifier",
                    partner.identifier.to_owned(),
                ),
                ("Github-Public-Key-Signature", partner.sign(&body)),
            ],
        )
        .await,
    ];
    for (status, answer) in attempts {
        assert_eq!(status, 401, "{answer}");
        assert_eq!(answer["type"], "unauthorized");
    }
    assert_eq!(api.me_status().await, 200, "nothing changed");
    // A signed body that is not a report is a 400, and changes nothing.
    let (status, _) = signed(&server, &partner, br#"{"token": "x"}"#).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_accounts_exposed_key_action_decides() {
    let partner = Partner::new("k");
    let (server, _dir) = server(&partner);
    let admin = server.admin();
    admin
        .put(
            "/v3/accounts/me/policy",
            json!({ "exposed_key_action": "deactivate" }),
        )
        .await
        .expect(200);
    let app = id(&admin.app("leaky").await);
    let (key, secret) = admin.key(&app, "leaked").await;
    let body = serde_json::to_vec(&json!([item(&secret)])).unwrap();
    let (status, answer) = signed(&server, &partner, &body).await;
    assert_eq!(status, 200);
    assert_eq!(answer[0]["label"], "true_positive");
    let path = format!("/v3/applications/{app}/access-keys/{}", id(&key));
    assert_eq!(admin.get(&path).await.expect(200)["status"], "inactive");
    assert_eq!(server.api(&secret).me_status().await, 401);

    admin
        .put(
            "/v3/accounts/me/policy",
            json!({ "exposed_key_action": "notify" }),
        )
        .await
        .expect(200);
    let (other, other_secret) = admin.key(&app, "noticed").await;
    let body = serde_json::to_vec(&json!([item(&other_secret)])).unwrap();
    let (_, answer) = signed(&server, &partner, &body).await;
    assert_eq!(answer[0]["label"], "true_positive");
    let path = format!("/v3/applications/{app}/access-keys/{}", id(&other));
    assert_eq!(admin.get(&path).await.expect(200)["status"], "active");

    // Both reports are in the account's audit log, by the system, with
    // where the key was found and what was done; the policy changes too.
    let log = admin
        .get("/v3/audit-log?action=access_key.exposed")
        .await
        .expect(200)
        .clone();
    let records = log["data"].as_array().unwrap();
    assert_eq!(records.len(), 2, "{log}");
    for (record, (key, action, status)) in records.iter().zip([
        (&key, "deactivate", Some(json!(["active", "inactive"]))),
        (&other, "notify", None),
    ]) {
        assert_eq!(record["target"]["id"], id(key));
        assert_eq!(record["actor"]["via"], "system");
        assert_eq!(record["actor"]["user_id"], Value::Null);
        assert!(record["request_id"].as_str().unwrap().starts_with("req_"));
        assert_eq!(
            record["changes"]["url"],
            json!([null, "https://github.com/o/r/blob/abc/.env"])
        );
        assert_eq!(
            record["changes"]["exposed_key_action"],
            json!([null, action])
        );
        assert_eq!(record["changes"].get("status").cloned(), status);
    }
    let policies = admin
        .get("/v3/audit-log?action=account.policy.update")
        .await
        .expect(200)
        .clone();
    let policies = policies["data"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(
        policies[1]["changes"]["exposed_key_action"],
        json!(["deactivate", "notify"])
    );
}

#[tokio::test]
async fn without_configured_keys_every_report_is_refused() {
    let server = Server::start();
    let partner = Partner::new("k");
    let body = serde_json::to_vec(&json!([item("ghp_x")])).unwrap();
    let (status, _) = signed(&server, &partner, &body).await;
    assert_eq!(status, 401);
}
