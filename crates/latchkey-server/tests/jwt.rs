//! JWT keys and JWT bearer authentication over real HTTP: registration in
//! every accepted form, refusals naming the field, forged tokens refused
//! alike, the JWKS, limits, revocation under load, and `last_used_at`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{Api, Resp, Server, id, ids};
use latchkey_core::jwt::{self, Algorithm, Header, SigningKey};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../latchkey-core/tests/jwt_fixtures/"
);

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{name}")).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A self-signed X.509 certificate (PEM) for `key`, made by rcgen.
fn certificate(key: &SigningKey) -> String {
    let pkcs8 = key.to_pkcs8_pem().unwrap();
    let sign_algo = match key.key_type() {
        jwt::KeyType::Ed25519 => &rcgen::PKCS_ED25519,
        jwt::KeyType::EcP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        jwt::KeyType::EcP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        jwt::KeyType::Rsa => &rcgen::PKCS_RSA_SHA256,
    };
    let pair = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(&pkcs8, sign_algo).unwrap();
    rcgen::CertificateParams::new(vec!["app.example".to_owned()])
        .unwrap()
        .self_signed(&pair)
        .unwrap()
        .pem()
}

async fn audience(server: &Server) -> String {
    let info = server.anonymous().get("/.well-known/latchkey").await;
    info.expect(200)["jwt_audience"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn my_app(api: &Api) -> String {
    api.get("/v3/me").await.expect(200)["application"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn register(api: &Api, app: &str, name: &str, public_key: Value, alg: Option<&str>) -> Resp {
    let mut body = json!({ "name": name, "public_key": public_key });
    if let Some(alg) = alg {
        body["algorithm"] = json!(alg);
    }
    api.post(&format!("/v3/applications/{app}/jwt-keys"), body)
        .await
}

/// An application in `Administrators`, for tokens that reach every endpoint.
async fn admin_app(admin: &Api, name: &str) -> String {
    let groups = admin.get("/v3/policy-groups").await;
    let administrators = groups.expect(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Administrators")
        .map(id)
        .unwrap();
    id(&admin
        .post(
            "/v3/applications",
            json!({ "name": name, "group_ids": [administrators] }),
        )
        .await
        .expect(201)
        .clone())
}

#[tokio::test]
async fn every_algorithm_registers_in_every_form_and_its_tokens_authenticate() {
    let server = Server::start();
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = my_app(&admin).await;
    let algorithms = [
        Algorithm::EdDSA,
        Algorithm::Ed25519,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::RS256,
        Algorithm::PS256,
    ];
    for alg in algorithms {
        let key = SigningKey::generate(alg).unwrap();
        let public = key.verifying_key();
        let forms = [
            ("spki", Value::from(public.to_spki_pem())),
            ("certificate", Value::from(certificate(&key))),
            ("jwk", Value::Object(public.to_jwk())),
        ];
        for (form, public_key) in forms {
            let name = format!("{alg}-{form}");
            let created = register(&admin, &app, &name, public_key, Some(alg.as_str())).await;
            let created = created.expect(201).clone();
            let kid = id(&created);
            assert!(kid.starts_with("jwk_"), "{kid}");
            assert_eq!(created["object"], "jwt_key");
            assert_eq!(created["application_id"], app.as_str());
            assert_eq!(created["algorithm"], alg.as_str());
            assert_eq!(created["status"], "active");
            assert_eq!(created["public_key"]["kid"], kid.as_str());
            assert_eq!(created["public_key"]["alg"], alg.as_str());
            assert_eq!(created["thumbprint"], public.thumbprint(), "{name}");
            assert!(created["public_key"].get("d").is_none());

            let token =
                jwt::mint_access_token(&app, &kid, &aud, Duration::from_secs(300), &key).unwrap();
            let api = server.api(&token);
            let me = api.get("/v3/me").await;
            let me = me.expect(200);
            assert_eq!(me["credential"]["object"], "jwt_key", "{name}");
            assert_eq!(me["credential"]["id"], kid.as_str());
            assert_eq!(me["application"]["id"], app.as_str());
            assert_eq!(me["jwt_audience"], aud.as_str());
            // A permission-checked endpoint, through the same `authorize`.
            api.get("/v3/applications").await.expect(200);
            api.get(&format!("/v3/applications/{app}/jwt-keys/{kid}"))
                .await
                .expect(200);

            admin
                .delete(&format!("/v3/applications/{app}/jwt-keys/{kid}"))
                .await
                .expect(204);
            assert_eq!(api.me_status().await, 401, "deleted key: {name}");
        }
    }
    // Without `algorithm`: the JWK's `alg`, else the key type's default.
    let key = SigningKey::generate(Algorithm::ES384).unwrap();
    let created = register(
        &admin,
        &app,
        "default",
        Value::from(key.verifying_key().to_spki_pem()),
        None,
    )
    .await;
    assert_eq!(created.expect(201)["algorithm"], "ES384");
}

#[tokio::test]
async fn bad_registrations_are_400s_naming_the_field() {
    let server = Server::start();
    let admin = server.admin();
    let app = my_app(&admin).await;
    let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let ed_pem = Value::from(ed.verifying_key().to_spki_pem());
    let rsa = SigningKey::generate(Algorithm::RS256).unwrap();
    let p521 = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let cases: Vec<(&str, Value, Option<&str>, Vec<&str>)> = vec![
        (
            "private PKCS#8 PEM",
            Value::from(ed.to_pkcs8_pem().unwrap().to_string()),
            Some("EdDSA"),
            vec!["public_key"],
        ),
        (
            "private PKCS#1 PEM",
            Value::from(fixture("rsa2048.pkcs1.pem")),
            Some("RS256"),
            vec!["public_key"],
        ),
        (
            "private JWK",
            ed.to_private_jwk().unwrap().to_value(),
            None,
            vec!["public_key"],
        ),
        (
            "RSA 1024",
            Value::from(fixture("rsa1024.pub.pem")),
            Some("RS256"),
            vec!["public_key"],
        ),
        (
            "secp256k1",
            Value::from(fixture("k1.pub.pem")),
            None,
            vec!["public_key"],
        ),
        (
            "Ed448",
            Value::from(fixture("ed448.pub.pem")),
            None,
            vec!["public_key"],
        ),
        (
            "P-521",
            Value::from(p521.public_key_pem()),
            None,
            vec!["public_key"],
        ),
        ("not PEM", Value::from("hello"), None, vec!["public_key"]),
        ("a number", json!(7), None, vec!["public_key"]),
        ("none", ed_pem.clone(), Some("none"), vec!["algorithm"]),
        ("HS256", ed_pem.clone(), Some("HS256"), vec!["algorithm"]),
        ("RS384", ed_pem.clone(), Some("RS384"), vec!["algorithm"]),
        ("ES512", ed_pem.clone(), Some("ES512"), vec!["algorithm"]),
        (
            "wrong case",
            ed_pem.clone(),
            Some("eddsa"),
            vec!["algorithm"],
        ),
        (
            "ES256 on Ed25519",
            ed_pem.clone(),
            Some("ES256"),
            vec!["algorithm"],
        ),
        (
            "EdDSA on RSA",
            Value::from(rsa.verifying_key().to_spki_pem()),
            Some("EdDSA"),
            vec!["algorithm"],
        ),
        (
            "JWK alg differs",
            {
                let mut jwk = rsa.verifying_key().to_jwk();
                jwk.insert("alg".into(), "RS256".into());
                Value::Object(jwk)
            },
            Some("PS256"),
            vec!["algorithm"],
        ),
    ];
    for (case, public_key, alg, fields) in cases {
        let refused = register(&admin, &app, "k", public_key, alg).await;
        assert_eq!(
            refused.expect_error(400, "validation_error"),
            fields,
            "{case}"
        );
    }
    let small = register(
        &admin,
        &app,
        "k",
        Value::from(fixture("rsa1024.pub.pem")),
        None,
    )
    .await;
    let message = small.body["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("2048"), "{message}");
    let missing = admin
        .post(
            &format!("/v3/applications/{app}/jwt-keys"),
            json!({ "name": "k" }),
        )
        .await;
    assert_eq!(
        missing.expect_error(400, "validation_error"),
        ["public_key"]
    );
    let both = register(&admin, &app, " bad", json!(1), Some("HS256")).await;
    assert_eq!(
        both.expect_error(400, "validation_error"),
        ["name", "algorithm", "public_key"]
    );
    let listed = admin
        .get(&format!("/v3/applications/{app}/jwt-keys?status=revoked"))
        .await;
    assert!(ids(listed.expect(200)).is_empty());
    let listed = admin.get(&format!("/v3/applications/{app}/jwt-keys")).await;
    assert!(ids(listed.expect(200)).is_empty(), "nothing was registered");
}

/// A compact JWS from raw header and claims JSON, signed by aws-lc directly
/// with an Ed25519 key; `encode` turns each segment's bytes into text.
fn ed25519_token(
    key: &SigningKey,
    header: &Value,
    claims: &Value,
    encode: impl Fn(&[u8]) -> String,
) -> String {
    use aws_lc_rs::signature::Ed25519KeyPair;
    let pair = Ed25519KeyPair::from_pkcs8(&key.to_pkcs8_der().unwrap()).unwrap();
    let input = format!(
        "{}.{}",
        encode(header.to_string().as_bytes()),
        encode(claims.to_string().as_bytes())
    );
    let signature = pair.sign(input.as_bytes());
    format!("{input}.{}", encode(signature.as_ref()))
}

#[tokio::test]
async fn forged_and_faulty_tokens_are_refused_alike() {
    let server = Server::start_with(&[("LATCHKEY_AUTH_FAILURE_BURST", "10000")]);
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = admin_app(&admin, "signer").await;
    let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let kid = id(register(
        &admin,
        &app,
        "ed",
        Value::from(ed.verifying_key().to_spki_pem()),
        None,
    )
    .await
    .expect(201));
    let rsa = SigningKey::generate(Algorithm::RS256).unwrap();
    let rsa_pem = rsa.verifying_key().to_spki_pem();
    let rsa_kid = id(
        register(&admin, &app, "rsa", Value::from(rsa_pem.clone()), None)
            .await
            .expect(201),
    );
    let attacker = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let t = now();
    let claims =
        json!({ "iss": app, "sub": app, "aud": aud, "iat": t, "exp": t + 300, "jti": "j" });
    let with = |name: &str, value: Value| {
        let mut claims = claims.clone();
        claims[name] = value;
        claims
    };
    let sign =
        |key: &SigningKey, header: Header, claims: &Value| jwt::sign(claims, key, &header).unwrap();
    let header = |kid: &str| Header::new(Algorithm::EdDSA).with_kid(kid);
    let embedded = |name: &str, value: Value| {
        let mut header = header(&kid);
        header.extra.insert(name.to_owned(), value);
        sign(&attacker, header, &claims)
    };

    // The control: a well-made token passes.
    let good = sign(&ed, header(&kid), &claims);
    assert_eq!(server.api(&good).me_status().await, 200);

    let hs256 = {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(rsa_kid.clone());
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(rsa_pem.as_bytes()),
        )
        .unwrap()
    };
    let padded = ed25519_token(&ed, &json!({ "alg": "EdDSA", "kid": kid }), &claims, |b| {
        base64::engine::general_purpose::URL_SAFE.encode(b)
    });
    assert!(padded.contains('='), "the test token is padded");
    let std_alphabet = ed25519_token(
        &ed,
        &json!({ "alg": "EdDSA", "kid": kid, "x": "??>>" }),
        &claims,
        |b| base64::engine::general_purpose::STANDARD_NO_PAD.encode(b),
    );
    let (_, std_rest) = std_alphabet.split_once('.').unwrap();
    let std_header = std_alphabet.split('.').next().unwrap();
    assert!(
        std_header.contains('+')
            || std_header.contains('/')
            || std_rest.contains('+')
            || std_rest.contains('/'),
        "the test token uses the standard alphabet"
    );
    let attacker_cert = certificate(&attacker);
    let attacker_der = pem_body(&attacker_cert);
    let mut crit = header(&kid);
    crit.extra.insert("crit".into(), json!(["urn:x"]));
    crit.extra.insert("urn:x".into(), json!(1));

    let cases: Vec<(&str, String)> = vec![
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(json!({ "alg": "none", "kid": kid }).to_string().as_bytes()),
                b64(claims.to_string().as_bytes())
            ),
        ),
        ("alg none with the real signature", {
            let (_, rest) = good.split_once('.').unwrap();
            format!(
                "{}.{rest}",
                b64(json!({ "alg": "none", "kid": kid }).to_string().as_bytes())
            )
        }),
        ("HS256 keyed with the public key PEM", hs256),
        ("padded base64", padded),
        ("non-url base64 alphabet", std_alphabet),
        (
            "unknown kid",
            sign(&ed, header("jwk_0000000000000000000000"), &claims),
        ),
        (
            "kid that is no JWT-key id",
            sign(&ed, header("k1"), &claims),
        ),
        ("no kid", sign(&ed, Header::new(Algorithm::EdDSA), &claims)),
        ("kid of another key", sign(&ed, header(&rsa_kid), &claims)),
        (
            "signed by another key",
            sign(&attacker, header(&kid), &claims),
        ),
        (
            "embedded jwk",
            embedded("jwk", Value::Object(attacker.verifying_key().to_jwk())),
        ),
        (
            "jku",
            embedded("jku", json!("https://attacker.example/jwks.json")),
        ),
        (
            "x5u",
            embedded("x5u", json!("https://attacker.example/cert.pem")),
        ),
        (
            "x5c",
            embedded(
                "x5c",
                json!([base64::engine::general_purpose::STANDARD.encode(attacker_der)]),
            ),
        ),
        ("unknown crit", sign(&ed, crit, &claims)),
        (
            "expired",
            sign(&ed, header(&kid), &with("exp", json!(t - 120))),
        ),
        (
            "expired long ago",
            sign(
                &ed,
                header(&kid),
                &with_claim(with("iat", json!(t - 7200)), "exp", json!(t - 3600)),
            ),
        ),
        (
            "lifetime over an hour",
            sign(&ed, header(&kid), &with("exp", json!(t + 3601))),
        ),
        (
            "not yet valid",
            sign(&ed, header(&kid), &with("nbf", json!(t + 600))),
        ),
        (
            "wrong aud",
            sign(
                &ed,
                header(&kid),
                &with("aud", json!("https://other.example")),
            ),
        ),
        (
            "wrong iss",
            sign(
                &ed,
                header(&kid),
                &with("iss", json!("app_0000000000000000000000")),
            ),
        ),
        (
            "wrong sub",
            sign(
                &ed,
                header(&kid),
                &with("sub", json!("app_0000000000000000000000")),
            ),
        ),
        ("no exp", sign(&ed, header(&kid), &without(&claims, "exp"))),
        ("no aud", sign(&ed, header(&kid), &without(&claims, "aud"))),
        (
            "over 8 KiB",
            sign(&ed, header(&kid), &with("pad", json!("a".repeat(8 * 1024)))),
        ),
        ("garbage", "not.a.token".to_owned()),
        ("two segments", "eyJhbGciOiJFZERTQSJ9.e30".to_owned()),
    ];
    let mut first_body: Option<Value> = None;
    for (case, token) in cases {
        let response = server.api(&token).get("/v3/me").await;
        response.expect_error(401, "unauthorized");
        assert_eq!(
            response.header("www-authenticate").as_deref(),
            Some("Bearer realm=\"latchkey\", error=\"invalid_token\""),
            "{case}"
        );
        let mut body = response.body.clone();
        body["request_id"] = Value::Null;
        match &first_body {
            None => first_body = Some(body),
            Some(first) => assert_eq!(&body, first, "one answer for every fault: {case}"),
        }
    }
    assert_eq!(server.api(&good).me_status().await, 200);
}

fn without(claims: &Value, name: &str) -> Value {
    let mut claims = claims.clone();
    claims.as_object_mut().unwrap().remove(name);
    claims
}

fn with_claim(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

fn pem_body(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

#[tokio::test]
async fn failed_jwts_spend_the_failure_budget() {
    let server = Server::start_with(&[
        ("LATCHKEY_AUTH_FAILURE_BURST", "5"),
        ("LATCHKEY_AUTH_FAILURES_PER_SECOND", "0.2"),
    ]);
    let admin = server.admin();
    assert_eq!(admin.me_status().await, 200);
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let unknown = latchkey_core::id::JwtKeyId::generate().to_string();
        let token = jwt::mint_access_token(
            "app_0000000000000000000000",
            &unknown,
            "x",
            Duration::from_secs(60),
            &key,
        )
        .unwrap();
        statuses.push(server.api(&token).me_status().await);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429));
    assert_eq!(admin.me_status().await, 200, "a verified key keeps working");
}

#[tokio::test]
async fn the_jwks_holds_the_active_keys_only() {
    let server = Server::start();
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = admin_app(&admin, "published").await;
    let jwks_path = format!("/v3/applications/{app}/jwks");
    let empty = admin.get(&jwks_path).await;
    assert_eq!(empty.expect(200), &json!({ "keys": [] }));

    let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let es = SigningKey::generate(Algorithm::ES256).unwrap();
    let ed_kid = id(register(
        &admin,
        &app,
        "ed",
        Value::Object(ed.verifying_key().to_jwk()),
        None,
    )
    .await
    .expect(201));
    let es_kid = id(register(
        &admin,
        &app,
        "es",
        Value::from(es.verifying_key().to_spki_pem()),
        None,
    )
    .await
    .expect(201));
    let kids = |jwks: &Value| -> Vec<String> {
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect()
    };
    let jwks = admin.get(&jwks_path).await.expect(200).clone();
    assert_eq!(kids(&jwks), [ed_kid.clone(), es_kid.clone()]);
    // A verifier can use it as is.
    let set = jwt::Jwks::from_value(&jwks).unwrap();
    let token = jwt::mint_access_token(&app, &es_kid, &aud, Duration::from_secs(60), &es).unwrap();
    let policy =
        jwt::VerificationPolicy::for_access_tokens([Algorithm::ES256], &aud, &app).unwrap();
    jwt::verify(&token, &set, &policy, None).unwrap();
    let es_api = server.api(&token);
    assert_eq!(es_api.me_status().await, 200);

    let es_path = format!("/v3/applications/{app}/jwt-keys/{es_kid}");
    admin
        .put(&es_path, json!({ "status": "inactive" }))
        .await
        .expect(200);
    assert_eq!(
        kids(admin.get(&jwks_path).await.expect(200)),
        [ed_kid.as_str()]
    );
    assert_eq!(es_api.me_status().await, 401, "inactive");
    admin
        .put(&es_path, json!({ "status": "active" }))
        .await
        .expect(200);
    assert_eq!(
        kids(admin.get(&jwks_path).await.expect(200)),
        [ed_kid.clone(), es_kid.clone()]
    );
    assert_eq!(es_api.me_status().await, 200, "reactivated");
    let expired = admin
        .put(&es_path, json!({ "expiration": "2001-01-01T00:00:00Z" }))
        .await;
    assert_eq!(expired.expect(200)["status"], "expired");
    assert_eq!(
        kids(admin.get(&jwks_path).await.expect(200)),
        [ed_kid.as_str()]
    );
    assert_eq!(es_api.me_status().await, 401, "expired");
    admin
        .put(&es_path, json!({ "expiration": null }))
        .await
        .expect(200);
    assert_eq!(es_api.me_status().await, 200);
    let ed_path = format!("/v3/applications/{app}/jwt-keys/{ed_kid}");
    admin
        .put(&ed_path, json!({ "status": "revoked" }))
        .await
        .expect(200);
    assert_eq!(
        kids(admin.get(&jwks_path).await.expect(200)),
        [es_kid.as_str()]
    );
    admin
        .put(&ed_path, json!({ "status": "active" }))
        .await
        .expect_error(409, "conflict");
    let listed = admin.get(&format!("/v3/applications/{app}/jwt-keys")).await;
    assert_eq!(
        ids(listed.expect(200)),
        [es_kid.as_str()],
        "revoked are hidden"
    );

    // Revoking the application stops its tokens.
    admin
        .put(
            &format!("/v3/applications/{app}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    assert_eq!(es_api.me_status().await, 401, "application revoked");

    server
        .anonymous()
        .get(&jwks_path)
        .await
        .expect_error(401, "unauthorized");
    admin
        .get("/v3/applications/app_0000000000000000000000/jwks")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn permissions_are_the_keys_ones() {
    let server = Server::start();
    let admin = server.admin();
    let app = my_app(&admin).await;
    let group = admin
        .post(
            "/v3/policy-groups",
            json!({ "name": "viewers", "permissions": ["keys:view:any"] }),
        )
        .await
        .expect(201)
        .clone();
    let viewer_app = admin
        .post(
            "/v3/applications",
            json!({ "name": "viewer", "group_ids": [id(&group)] }),
        )
        .await
        .expect(201)
        .clone();
    let (_, secret) = admin.key(&id(&viewer_app), "viewer-key").await;
    let viewer = server.api(&secret);
    let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let pem = Value::from(ed.verifying_key().to_spki_pem());
    let kid = id(register(&admin, &app, "k", pem.clone(), None)
        .await
        .expect(201));
    viewer
        .get(&format!("/v3/applications/{app}/jwt-keys"))
        .await
        .expect(200);
    viewer
        .get(&format!("/v3/applications/{app}/jwks"))
        .await
        .expect(200);
    register(&viewer, &app, "k2", pem, None)
        .await
        .expect_error(403, "forbidden");
    viewer
        .put(
            &format!("/v3/applications/{app}/jwt-keys/{kid}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect_error(403, "forbidden");
    viewer
        .delete(&format!("/v3/applications/{app}/jwt-keys/{kid}"))
        .await
        .expect_error(403, "forbidden");
    // Another account sees none of it.
    let tenant = admin
        .post("/v3/accounts", json!({ "name": "Tenant", "plan": "free" }))
        .await
        .expect(201)
        .clone();
    let tenant = server.api(tenant["key"].as_str().unwrap());
    tenant
        .get(&format!("/v3/applications/{app}/jwks"))
        .await
        .expect_error(404, "not_found");
    tenant
        .get(&format!("/v3/applications/{app}/jwt-keys/{kid}"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn jwt_key_limit_holds_under_racing_registrations() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin.app("racy").await;
    let app = id(&app);
    let mut tasks = Vec::new();
    for n in 0..20 {
        let admin = admin.clone();
        let app = app.clone();
        let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
        let pem = key.verifying_key().to_spki_pem();
        tasks.push(tokio::spawn(async move {
            register(&admin, &app, &format!("k{n}"), Value::from(pem), None).await
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    assert_eq!(results.iter().filter(|r| r.status == 201).count(), 2);
    for refused in results.iter().filter(|r| r.status != 201) {
        refused.expect_error(409, "limit_exceeded");
    }
    let listed = admin
        .get(&format!(
            "/v3/applications/{app}/jwt-keys?include=total_count"
        ))
        .await;
    assert_eq!(listed.expect(200)["total_count"], 2);
    // Access keys have their own limit.
    admin.key(&app, "ak-1").await;
    admin.key(&app, "ak-2").await;
    // A revoked key frees its slot.
    let first = id(&results.iter().find(|r| r.status == 201).unwrap().body);
    admin
        .put(
            &format!("/v3/applications/{app}/jwt-keys/{first}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    register(
        &admin,
        &app,
        "k-again",
        Value::from(key.verifying_key().to_spki_pem()),
        None,
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn revocation_stops_jwts_at_once_under_concurrent_use() {
    let server = Server::start();
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = id(&admin.app("hot").await);
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let kid = id(register(
        &admin,
        &app,
        "hot",
        Value::from(key.verifying_key().to_spki_pem()),
        None,
    )
    .await
    .expect(201));
    let token = jwt::mint_access_token(&app, &kid, &aud, Duration::from_secs(600), &key).unwrap();
    let api = server.api(&token);
    assert_eq!(api.me_status().await, 200);

    let revoked_at: Arc<std::sync::Mutex<Option<Instant>>> = Arc::default();
    let mut workers = Vec::new();
    for _ in 0..8 {
        let api = api.clone();
        let revoked_at = revoked_at.clone();
        workers.push(tokio::spawn(async move {
            let (mut successes, mut late) = (0, 0);
            for _ in 0..400 {
                let started = Instant::now();
                let status = api.me_status().await;
                let after = revoked_at.lock().unwrap().is_some_and(|at| started > at);
                if status == 200 {
                    successes += 1;
                    if after {
                        late += 1;
                    }
                } else if after {
                    break;
                }
            }
            (successes, late)
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    admin
        .put(
            &format!("/v3/applications/{app}/jwt-keys/{kid}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    *revoked_at.lock().unwrap() = Some(Instant::now());
    let mut total = 0;
    for worker in workers {
        let (successes, late) = worker.await.unwrap();
        total += successes;
        assert_eq!(
            late, 0,
            "no request started after the revoke's answer succeeds"
        );
    }
    assert!(total > 0, "the key was in use before the revoke");
    assert_eq!(api.me_status().await, 401);
}

#[tokio::test]
async fn server_facts_and_last_use() {
    let server = Server::start();
    let facts = server.anonymous().get("/.well-known/latchkey").await;
    assert_eq!(
        facts.expect(200)["jwt_algorithms"],
        json!(["EdDSA", "Ed25519", "ES256", "ES384", "RS256", "PS256"])
    );
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = my_app(&admin).await;
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let kid = id(register(
        &admin,
        &app,
        "used",
        Value::from(key.verifying_key().to_spki_pem()),
        None,
    )
    .await
    .expect(201));
    let path = format!("/v3/applications/{app}/jwt-keys/{kid}");
    assert_eq!(
        admin.get(&path).await.expect(200)["last_used_at"],
        Value::Null
    );
    let token = jwt::mint_access_token(&app, &kid, &aud, Duration::from_secs(60), &key).unwrap();
    assert_eq!(server.api(&token).me_status().await, 200);
    let admin_key = server.admin_key.clone();
    let server = server.restart();
    let after = server.api(&admin_key).get(&path).await;
    assert!(after.expect(200)["last_used_at"].is_string(), "{after:?}");
}

/// The contract: `last_used_at` shows a JWT key's first use within 5 s.
#[tokio::test]
async fn a_jwt_keys_first_use_shows_within_5_seconds() {
    let server = Server::start();
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = my_app(&admin).await;
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let public_key = Value::from(key.verifying_key().to_spki_pem());
    let kid = id(register(&admin, &app, "prompt", public_key, None)
        .await
        .expect(201));
    let path = format!("/v3/applications/{app}/jwt-keys/{kid}");
    let token = jwt::mint_access_token(&app, &kid, &aud, Duration::from_secs(60), &key).unwrap();
    assert_eq!(server.api(&token).me_status().await, 200);
    let (key, waited) = admin
        .get_until_set(&path, "last_used_at", Duration::from_secs(5))
        .await;
    assert!(
        key["last_used_at"].is_string(),
        "the first use is not shown after {waited:?}: {key:#}"
    );
}

/// A verified token is served from the server's token cache afterwards;
/// every change that stops or changes it acts on the very next request:
/// the key made inactive (and active again), the application removed from
/// its group, the key revoked, the application revoked.
#[tokio::test]
async fn cached_tokens_follow_every_change_at_once() {
    let server = Server::start();
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = admin_app(&admin, "cached").await;
    let register_key = |name: &'static str| {
        let admin = admin.clone();
        let app = app.clone();
        async move {
            let key = SigningKey::generate(Algorithm::ES256).unwrap();
            let kid = id(register(
                &admin,
                &app,
                name,
                Value::from(key.verifying_key().to_spki_pem()),
                None,
            )
            .await
            .expect(201));
            (key, kid)
        }
    };
    let (first, first_kid) = register_key("first").await;
    let (second, second_kid) = register_key("second").await;
    let token = |key: &SigningKey, kid: &str| {
        jwt::mint_access_token(&app, kid, &aud, Duration::from_secs(600), key).unwrap()
    };
    let first_api = server.api(&token(&first, &first_kid));
    let second_api = server.api(&token(&second, &second_kid));
    for _ in 0..3 {
        assert_eq!(first_api.me_status().await, 200);
        assert_eq!(second_api.get("/v3/applications").await.status, 200);
    }

    let first_path = format!("/v3/applications/{app}/jwt-keys/{first_kid}");
    admin
        .put(&first_path, json!({ "status": "inactive" }))
        .await
        .expect(200);
    assert_eq!(first_api.me_status().await, 401, "an inactive key's token");
    assert_eq!(second_api.me_status().await, 200, "another key's token");
    admin
        .put(&first_path, json!({ "status": "active" }))
        .await
        .expect(200);
    assert_eq!(first_api.me_status().await, 200, "active again");

    // Out of Administrators: the same token, cached with the group's
    // rights, has none of them now.
    let groups = admin.get("/v3/policy-groups").await;
    let administrators = groups.expect(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Administrators")
        .map(id)
        .unwrap();
    let members = format!("/v3/policy-groups/{administrators}/applications");
    let removed = admin.delete_with(&members, json!({ "ids": [app] })).await;
    assert_eq!(removed.status, 204, "{:?}", removed.body);
    assert_eq!(second_api.get("/v3/applications").await.status, 403);
    assert_eq!(second_api.me_status().await, 200);

    admin
        .put(&first_path, json!({ "status": "revoked" }))
        .await
        .expect(200);
    assert_eq!(first_api.me_status().await, 401, "a revoked key's token");
    assert_eq!(second_api.me_status().await, 200);
    admin
        .put(
            &format!("/v3/applications/{app}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    assert_eq!(second_api.me_status().await, 401, "a revoked application's");
    assert_eq!(first_api.me_status().await, 401);
}

/// A token verified once no longer needs the client's failure budget (as
/// a verified access key does not): a client whose failures are spent is
/// refused every new guess, and still served with its verified token, at
/// once. A forged token replayed is refused from the cache as a guess.
#[tokio::test]
async fn a_verified_token_keeps_working_once_the_failures_are_spent() {
    let server = Server::start_with(&[
        ("LATCHKEY_AUTH_FAILURE_BURST", "3"),
        ("LATCHKEY_AUTH_FAILURES_PER_SECOND", "0.01"),
        ("LATCHKEY_AUTH_THROTTLE_DELAY_MS", "1"),
    ]);
    let admin = server.admin();
    let aud = audience(&server).await;
    let app = my_app(&admin).await;
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let kid = id(register(
        &admin,
        &app,
        "spent",
        Value::from(key.verifying_key().to_spki_pem()),
        None,
    )
    .await
    .expect(201));
    let token = jwt::mint_access_token(&app, &kid, &aud, Duration::from_secs(600), &key).unwrap();
    let api = server.api(&token);
    // Twice: on PostgreSQL the key's registration also comes back through
    // the change feed, and may make the first verification stale (the
    // second use waits for the feed, and verifies again if so).
    assert_eq!(api.me_status().await, 200);
    assert_eq!(api.me_status().await, 200);
    // The same claims signed by another key: a bad signature, replayed.
    let other = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let forged =
        jwt::mint_access_token(&app, &kid, &aud, Duration::from_secs(600), &other).unwrap();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(server.api(&forged).me_status().await);
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429, 429]);
    let started = Instant::now();
    assert_eq!(api.me_status().await, 200);
    assert!(started.elapsed() < Duration::from_millis(500));
}
