//! Verification rules of the JWT toolkit, one test per rule, with tokens
//! from the toolkit and from an independent signer (aws-lc directly, for the
//! tokens the toolkit refuses to make).

use std::time::Duration;

use aws_lc_rs::hmac;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _};
use jiff::Timestamp;
use latchkey_core::jwt::{
    self, Algorithm, Header, Jwks, PolicyError, SigningKey, VerificationPolicy, VerifyError,
    VerifyingKey,
};
use serde_json::{Map, Value, json};

const NOW: i64 = 1_767_225_600;
const AUD: &str = "https://latchkey.test";

fn now() -> Option<Timestamp> {
    Some(Timestamp::from_second(NOW).unwrap())
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn good_claims() -> Value {
    json!({"iss": "app_01", "sub": "app_01", "aud": AUD, "iat": NOW - 300, "exp": NOW + 600, "jti": "j"})
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().unwrap().remove(name);
    claims
}

fn server_policy() -> VerificationPolicy {
    VerificationPolicy::for_access_tokens([Algorithm::EdDSA, Algorithm::ES256], AUD, "app_01")
        .unwrap()
}

struct Fixture {
    key: SigningKey,
    public: VerifyingKey,
}

fn ed25519() -> Fixture {
    let key = SigningKey::generate(Algorithm::EdDSA)
        .unwrap()
        .with_kid("k1");
    let public = key.verifying_key().clone();
    Fixture { key, public }
}

fn token(fixture: &Fixture, claims: &Value) -> String {
    jwt::sign(
        claims,
        &fixture.key,
        &Header::new(fixture.key.algorithm()).with_kid("k1"),
    )
    .unwrap()
}

fn check(
    token: &str,
    key: &VerifyingKey,
    policy: &VerificationPolicy,
) -> Result<Map<String, Value>, VerifyError> {
    jwt::verify(token, key, policy, now()).map(|v| v.claims)
}

/// A compact token with arbitrary header and payload text, signed by an
/// independent Ed25519 signer over the segments as written.
fn raw_ed25519(pair: &Ed25519KeyPair, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let signature = pair.sign(input.as_bytes());
    format!("{input}.{}", b64(signature.as_ref()))
}

fn independent_pair() -> (Ed25519KeyPair, VerifyingKey) {
    let pair = Ed25519KeyPair::generate().unwrap();
    let public = VerifyingKey::from_jwk(&json!({
        "kty": "OKP", "crv": "Ed25519", "x": b64(pair.public_key().as_ref()), "kid": "k1"
    }))
    .unwrap();
    (pair, public)
}

#[test]
fn accepts_a_good_token_and_returns_header_and_claims() {
    let f = ed25519();
    let t = token(&f, &good_claims());
    let verified = jwt::verify(&t, &f.public, &server_policy(), now()).unwrap();
    assert_eq!(Value::Object(verified.claims), good_claims());
    assert_eq!(verified.header.alg, Algorithm::EdDSA);
    assert_eq!(verified.header.kid.as_deref(), Some("k1"));
    assert_eq!(verified.header.typ.as_deref(), Some("JWT"));
}

#[test]
fn policy_needs_at_least_one_algorithm() {
    assert_eq!(VerificationPolicy::new([]), Err(PolicyError::NoAlgorithms));
    assert_eq!(
        VerificationPolicy::for_access_tokens([], AUD, "app").unwrap_err(),
        PolicyError::NoAlgorithms
    );
    let policy = VerificationPolicy::new([Algorithm::EdDSA, Algorithm::EdDSA]).unwrap();
    assert_eq!(policy.algorithms(), &[Algorithm::EdDSA]);
    assert_eq!(policy.leeway(), Duration::ZERO);
    assert_eq!(server_policy().leeway(), Duration::from_secs(60));
    assert_eq!(
        server_policy().max_lifetime(),
        Some(Duration::from_secs(3600))
    );
}

#[test]
fn refuses_tokens_over_8_kib_before_parsing() {
    let f = ed25519();
    let policy = server_policy();
    let sized = |pad: usize| {
        token(
            &f,
            &with(good_claims(), "pad", Value::from("x".repeat(pad))),
        )
    };
    let mut pad = 5000;
    while sized(pad + 3).len() <= jwt::MAX_TOKEN_LEN {
        pad += 3;
    }
    let largest = sized(pad);
    assert!(largest.len() <= jwt::MAX_TOKEN_LEN && largest.len() > jwt::MAX_TOKEN_LEN - 8);
    assert!(check(&largest, &f.public, &policy).is_ok());
    assert!(matches!(
        check(&sized(pad + 3), &f.public, &policy),
        Err(VerifyError::Malformed { reason }) if reason.contains("8 KiB")
    ));
    // Garbage over the bound is refused the same way, unparsed.
    let garbage = "%".repeat(jwt::MAX_TOKEN_LEN + 1);
    assert!(matches!(
        check(&garbage, &f.public, &policy),
        Err(VerifyError::Malformed { reason }) if reason.contains("8 KiB")
    ));
}

#[test]
fn refuses_bad_structure_and_encoding_as_malformed() {
    let f = ed25519();
    let policy = server_policy();
    let t = token(&f, &good_claims());
    let (head, signature) = t.rsplit_once('.').unwrap();
    let cases = [
        String::new(),
        head.to_owned(),
        format!("{t}.extra"),
        format!("{t}\n"),
        format!(" {t}"),
        format!("{head}.{signature}="),
        format!("{}.{signature}", head.replace('-', "+").replace('_', "/")),
        format!("{head}.{}", signature.replace('-', "+").replace('_', "/")),
        "..".to_owned(),
    ];
    for case in cases {
        if case == t {
            continue; // the replacements may not apply to this token
        }
        assert!(
            matches!(
                check(&case, &f.public, &policy),
                Err(VerifyError::Malformed { .. })
            ),
            "{case:?}"
        );
    }
}

#[test]
fn refuses_non_object_header_or_payload_and_missing_alg() {
    let (pair, public) = independent_pair();
    let policy = server_policy();
    let claims = good_claims().to_string();
    let cases = [
        ("[]", claims.as_str()),
        ("not json", claims.as_str()),
        (r#"{"alg":"EdDSA","kid":"k1"}"#, "[1]"),
        (r#"{"alg":"EdDSA","kid":"k1"}"#, "plain text"),
        (r#"{"kid":"k1"}"#, claims.as_str()),
        (r#"{"alg":5,"kid":"k1"}"#, claims.as_str()),
        (r#"{"alg":"EdDSA","kid":7}"#, claims.as_str()),
    ];
    for (header, payload) in cases {
        let t = raw_ed25519(&pair, header, payload);
        assert!(
            matches!(
                check(&t, &public, &policy),
                Err(VerifyError::Malformed { .. })
            ),
            "{header} {payload}"
        );
    }
}

#[test]
fn refuses_any_crit() {
    let (pair, public) = independent_pair();
    let claims = good_claims().to_string();
    for header in [
        r#"{"alg":"EdDSA","kid":"k1","crit":["exp"],"exp":1}"#,
        r#"{"alg":"EdDSA","kid":"k1","crit":[]}"#,
        r#"{"alg":"EdDSA","kid":"k1","crit":["b64"],"b64":false}"#,
    ] {
        let t = raw_ed25519(&pair, header, &claims);
        assert!(
            matches!(
                check(&t, &public, &server_policy()),
                Err(VerifyError::Malformed { .. })
            ),
            "{header}"
        );
    }
}

#[test]
fn never_verifies_none_or_hmac() {
    let f = ed25519();
    let policy = server_policy();
    let claims = b64(good_claims().to_string().as_bytes());
    let none = format!("{}.{claims}.", b64(br#"{"alg":"none","kid":"k1"}"#));
    assert_eq!(
        check(&none, &f.public, &policy),
        Err(VerifyError::DisallowedAlgorithm)
    );

    // HS256 keyed with the public key's PEM and JWK text: key confusion.
    for secret in [
        f.public.to_spki_pem(),
        Value::Object(f.public.to_jwk()).to_string(),
    ] {
        for alg in ["HS256", "HS384", "HS512"] {
            let input = format!(
                "{}.{claims}",
                b64(format!(r#"{{"alg":"{alg}","kid":"k1"}}"#).as_bytes())
            );
            let mac = hmac::sign(
                &hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()),
                input.as_bytes(),
            );
            let forged = format!("{input}.{}", b64(mac.as_ref()));
            assert_eq!(
                check(&forged, &f.public, &policy),
                Err(VerifyError::DisallowedAlgorithm)
            );
        }
    }
}

#[test]
fn algorithm_must_be_allowed_and_fit_the_key() {
    let ed = ed25519();
    let rsa = SigningKey::generate(Algorithm::RS256).unwrap();
    let es = SigningKey::generate(Algorithm::ES256).unwrap();
    let mixed =
        VerificationPolicy::new([Algorithm::EdDSA, Algorithm::ES256, Algorithm::RS256]).unwrap();
    // The allow-list mixes families; each key's type picks its algorithm.
    for key in [&ed.key, &rsa, &es] {
        let t = jwt::sign(&json!({}), key, &Header::new(key.algorithm())).unwrap();
        assert!(
            check(&t, key.verifying_key(), &mixed).is_ok(),
            "{}",
            key.algorithm()
        );
    }
    // Allowed in general, but not by this policy.
    let ps = rsa.clone().with_algorithm(Algorithm::PS256).unwrap();
    let t = jwt::sign(&json!({}), &ps, &Header::new(Algorithm::PS256)).unwrap();
    assert_eq!(
        check(&t, ps.verifying_key(), &mixed),
        Err(VerifyError::DisallowedAlgorithm)
    );
    // Allowed, but does not fit the key: an ES256 token checked with the
    // Ed25519 key.
    let t = jwt::sign(&json!({}), &es, &Header::new(Algorithm::ES256)).unwrap();
    assert_eq!(
        check(&t, &ed.public, &mixed),
        Err(VerifyError::DisallowedAlgorithm)
    );
    // Names are case-sensitive.
    let (pair, public) = independent_pair();
    let t = raw_ed25519(&pair, r#"{"alg":"eddsa"}"#, "{}");
    assert_eq!(
        check(&t, &public, &mixed),
        Err(VerifyError::DisallowedAlgorithm)
    );
}

#[test]
fn eddsa_and_ed25519_are_the_same_algorithm() {
    let f = ed25519();
    let fully_specified = f.key.clone().with_algorithm(Algorithm::Ed25519).unwrap();
    let as_ed25519 = jwt::sign(
        &good_claims(),
        &fully_specified,
        &Header::new(Algorithm::Ed25519).with_kid("k1"),
    )
    .unwrap();
    let as_eddsa = token(&f, &good_claims());
    let only_eddsa =
        VerificationPolicy::for_access_tokens([Algorithm::EdDSA], AUD, "app_01").unwrap();
    let only_ed25519 =
        VerificationPolicy::for_access_tokens([Algorithm::Ed25519], AUD, "app_01").unwrap();
    for t in [&as_ed25519, &as_eddsa] {
        for policy in [&only_eddsa, &only_ed25519] {
            assert!(check(t, &f.public, policy).is_ok());
        }
    }
    let verified = jwt::verify(&as_ed25519, &f.public, &only_eddsa, now()).unwrap();
    assert_eq!(verified.header.alg, Algorithm::Ed25519);
}

#[test]
fn a_jwk_alg_restricts_its_key() {
    let rsa = SigningKey::generate(Algorithm::RS256).unwrap();
    let restricted = rsa
        .verifying_key()
        .clone()
        .with_algorithm(Algorithm::PS256)
        .unwrap();
    let policy = VerificationPolicy::new([Algorithm::RS256, Algorithm::PS256]).unwrap();
    let rs = jwt::sign(&json!({}), &rsa, &Header::new(Algorithm::RS256)).unwrap();
    let ps = jwt::sign(&json!({}), &rsa, &Header::new(Algorithm::PS256)).unwrap();
    assert_eq!(
        check(&rs, &restricted, &policy),
        Err(VerifyError::DisallowedAlgorithm)
    );
    assert!(check(&ps, &restricted, &policy).is_ok());
}

#[test]
fn kid_selects_the_key_from_a_set() {
    let a = SigningKey::generate(Algorithm::EdDSA)
        .unwrap()
        .with_kid("a");
    let b = SigningKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid("b");
    let jwks = Jwks::from_keys(vec![a.verifying_key().clone(), b.verifying_key().clone()]).unwrap();
    let policy = VerificationPolicy::new([Algorithm::EdDSA, Algorithm::ES256]).unwrap();
    let sign = |key: &SigningKey, kid: Option<&str>| {
        let mut header = Header::new(key.algorithm());
        header.kid = kid.map(str::to_owned);
        jwt::sign(&json!({"n": 1}), key, &header).unwrap()
    };
    assert!(jwt::verify(&sign(&a, Some("a")), &jwks, &policy, now()).is_ok());
    assert!(jwt::verify(&sign(&b, Some("b")), &jwks, &policy, now()).is_ok());
    assert_eq!(
        jwt::verify(&sign(&a, Some("c")), &jwks, &policy, now()),
        Err(VerifyError::UnknownKid)
    );
    assert_eq!(
        jwt::verify(&sign(&a, Some("A")), &jwks, &policy, now()),
        Err(VerifyError::UnknownKid)
    );
    assert!(matches!(
        jwt::verify(&sign(&a, None), &jwks, &policy, now()),
        Err(VerifyError::Malformed { .. })
    ));
    // Signed by a, but names b: b is an ES256 key, so EdDSA does not fit.
    assert_eq!(
        jwt::verify(&sign(&a, Some("b")), &jwks, &policy, now()),
        Err(VerifyError::DisallowedAlgorithm)
    );

    // A single key: a token kid must match the key's kid when both exist.
    assert_eq!(
        jwt::verify(&sign(&a, Some("b")), a.verifying_key(), &policy, now()),
        Err(VerifyError::UnknownKid)
    );
    assert!(jwt::verify(&sign(&a, None), a.verifying_key(), &policy, now()).is_ok());
    let anonymous = VerifyingKey::from_pem(a.verifying_key().to_spki_pem()).unwrap();
    assert!(jwt::verify(&sign(&a, Some("anything")), &anonymous, &policy, now()).is_ok());
}

#[test]
fn header_key_hints_are_ignored() {
    let f = ed25519();
    let (attacker, attacker_public) = independent_pair();
    let claims = good_claims().to_string();
    let attacker_jwk = Value::Object(attacker_public.to_jwk());
    let hints = [
        json!({"alg": "EdDSA", "kid": "k1", "jwk": attacker_jwk}),
        json!({"alg": "EdDSA", "kid": "k1", "jku": "https://attacker.test/jwks.json"}),
        json!({"alg": "EdDSA", "kid": "k1", "x5u": "https://attacker.test/cert.pem"}),
        json!({"alg": "EdDSA", "kid": "k1", "x5c": ["MIIB"]}),
    ];
    for header in &hints {
        // Signed by the attacker: the hint does not make it verify.
        let forged = raw_ed25519(&attacker, &header.to_string(), &claims);
        assert_eq!(
            check(&forged, &f.public, &server_policy()),
            Err(VerifyError::BadSignature),
            "{header}"
        );
        // Signed by the right key: the hint does not make it fail either.
        let mut h = Header::new(Algorithm::EdDSA).with_kid("k1");
        for (name, value) in header.as_object().unwrap() {
            if !matches!(name.as_str(), "alg" | "kid") {
                h.extra.insert(name.clone(), value.clone());
            }
        }
        let honest = jwt::sign(&good_claims(), &f.key, &h).unwrap();
        let verified = jwt::verify(&honest, &f.public, &server_policy(), now()).unwrap();
        assert_eq!(verified.header.extra.len(), 1);
    }
}

#[test]
fn bad_signatures_are_refused() {
    let f = ed25519();
    let t = token(&f, &good_claims());
    let (input, signature) = t.rsplit_once('.').unwrap();
    let mut bytes = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .unwrap()
    };
    bytes[10] ^= 1;
    let flipped = format!("{input}.{}", b64(&bytes));
    assert_eq!(
        check(&flipped, &f.public, &server_policy()),
        Err(VerifyError::BadSignature)
    );
    let other = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let wrong = jwt::sign(
        &good_claims(),
        &other,
        &Header::new(Algorithm::EdDSA).with_kid("k1"),
    )
    .unwrap();
    assert_eq!(
        check(&wrong, &f.public, &server_policy()),
        Err(VerifyError::BadSignature)
    );
    let empty = format!("{input}.");
    assert_eq!(
        check(&empty, &f.public, &server_policy()),
        Err(VerifyError::BadSignature)
    );
}

#[test]
fn expiry_boundary_with_and_without_leeway() {
    let f = ed25519();
    let zero = VerificationPolicy::new([Algorithm::EdDSA]).unwrap();
    let sixty = zero.clone().with_leeway(Duration::from_secs(60));
    let at = |exp: i64| token(&f, &json!({"exp": exp}));
    assert_eq!(check(&at(NOW), &f.public, &zero), Err(VerifyError::Expired));
    assert!(check(&at(NOW + 1), &f.public, &zero).is_ok());
    assert_eq!(
        check(&at(NOW - 60), &f.public, &sixty),
        Err(VerifyError::Expired)
    );
    assert!(check(&at(NOW - 59), &f.public, &sixty).is_ok());
    // NumericDate may carry a fraction.
    assert!(
        check(
            &token(&f, &json!({"exp": NOW as f64 + 0.5})),
            &f.public,
            &zero
        )
        .is_ok()
    );
    assert_eq!(
        check(
            &token(&f, &json!({"exp": NOW as f64 - 0.5})),
            &f.public,
            &zero
        ),
        Err(VerifyError::Expired)
    );
}

#[test]
fn nbf_and_iat_may_not_be_in_the_future_beyond_leeway() {
    let f = ed25519();
    let zero = VerificationPolicy::new([Algorithm::EdDSA]).unwrap();
    let sixty = zero.clone().with_leeway(Duration::from_secs(60));
    for claim in ["nbf", "iat"] {
        let at = |t: i64| token(&f, &json!({ claim: t }));
        assert!(check(&at(NOW), &f.public, &zero).is_ok(), "{claim}");
        assert_eq!(
            check(&at(NOW + 1), &f.public, &zero),
            Err(VerifyError::NotYetValid),
            "{claim}"
        );
        assert!(check(&at(NOW + 60), &f.public, &sixty).is_ok(), "{claim}");
        assert_eq!(
            check(&at(NOW + 61), &f.public, &sixty),
            Err(VerifyError::NotYetValid),
            "{claim}"
        );
    }
}

#[test]
fn time_claims_must_be_numbers() {
    let f = ed25519();
    let policy = VerificationPolicy::new([Algorithm::EdDSA]).unwrap();
    for claim in ["exp", "nbf", "iat"] {
        for value in [json!("1767225600"), json!(null), json!(true), json!([1])] {
            let t = token(&f, &json!({ claim: value }));
            assert!(
                matches!(
                    check(&t, &f.public, &policy),
                    Err(VerifyError::Malformed { .. })
                ),
                "{claim} {value}"
            );
        }
    }
}

#[test]
fn lifetime_is_inclusive_and_without_leeway() {
    let f = ed25519();
    let policy = server_policy();
    let lived = |seconds: i64| token(&f, &with(good_claims(), "exp", json!(NOW - 300 + seconds)));
    assert!(check(&lived(3600), &f.public, &policy).is_ok());
    assert_eq!(
        check(&lived(3601), &f.public, &policy),
        Err(VerifyError::LifetimeTooLong)
    );
    // A maximum lifetime makes iat and exp required.
    let no_iat = VerificationPolicy::new([Algorithm::EdDSA])
        .unwrap()
        .with_max_lifetime(Duration::from_secs(60));
    assert_eq!(
        check(&token(&f, &json!({"exp": NOW + 10})), &f.public, &no_iat),
        Err(VerifyError::MissingClaim {
            claim: "iat".into()
        })
    );
}

#[test]
fn required_claims_are_named_when_missing() {
    let f = ed25519();
    let policy = server_policy().with_required_claims(["tenant"]);
    for claim in ["iss", "sub", "aud", "iat", "exp"] {
        assert_eq!(
            check(
                &token(&f, &without(good_claims(), claim)),
                &f.public,
                &policy
            ),
            Err(VerifyError::MissingClaim {
                claim: claim.into()
            }),
        );
    }
    assert_eq!(
        check(&token(&f, &good_claims()), &f.public, &policy),
        Err(VerifyError::MissingClaim {
            claim: "tenant".into()
        })
    );
    assert!(
        check(
            &token(&f, &with(good_claims(), "tenant", json!("t"))),
            &f.public,
            &policy
        )
        .is_ok()
    );
    // Without configuration nothing is required, exp included (PyJWT).
    let bare = VerificationPolicy::new([Algorithm::EdDSA]).unwrap();
    assert!(check(&token(&f, &json!({})), &f.public, &bare).is_ok());
}

#[test]
fn audience_rules() {
    let f = ed25519();
    let none = VerificationPolicy::new([Algorithm::EdDSA]).unwrap();
    let one = none.clone().with_audience(AUD);
    let two = one.clone().with_audience("https://other.test");
    let tok = |aud: Value| token(&f, &json!({ "aud": aud }));
    // A token with aud is refused when no audience is configured.
    assert_eq!(
        check(&tok(json!(AUD)), &f.public, &none),
        Err(VerifyError::BadAudience)
    );
    assert!(check(&token(&f, &json!({})), &f.public, &none).is_ok());
    // Configured: aud is required, a string or an array that contains it.
    assert_eq!(
        check(&token(&f, &json!({})), &f.public, &one),
        Err(VerifyError::MissingClaim {
            claim: "aud".into()
        })
    );
    assert!(check(&tok(json!(AUD)), &f.public, &one).is_ok());
    assert!(check(&tok(json!(["x", AUD])), &f.public, &one).is_ok());
    assert!(check(&tok(json!("https://other.test")), &f.public, &two).is_ok());
    for bad in [
        json!("x"),
        json!([]),
        json!(["x"]),
        json!(format!("{AUD}/")),
        json!(AUD.to_uppercase()),
        json!(5),
        json!({"aud": AUD}),
    ] {
        assert_eq!(
            check(&tok(bad.clone()), &f.public, &one),
            Err(VerifyError::BadAudience),
            "{bad}"
        );
    }
}

#[test]
fn issuer_and_subject_rules() {
    let f = ed25519();
    let policy = server_policy();
    for (claim, err) in [
        ("iss", VerifyError::BadIssuer),
        ("sub", VerifyError::BadSubject),
    ] {
        for bad in [
            json!("app_02"),
            json!("APP_01"),
            json!(1),
            json!(["app_01"]),
        ] {
            let t = token(&f, &with(good_claims(), claim, bad.clone()));
            assert_eq!(
                check(&t, &f.public, &policy),
                Err(err.clone()),
                "{claim} {bad}"
            );
        }
    }
    // Unconfigured, they are not checked.
    let free = VerificationPolicy::new([Algorithm::EdDSA])
        .unwrap()
        .with_audience(AUD);
    assert!(
        check(
            &token(&f, &with(good_claims(), "iss", json!("x"))),
            &f.public,
            &free
        )
        .is_ok()
    );
}

#[test]
fn verification_uses_the_clock_when_no_time_is_given() {
    let f = ed25519();
    let policy = VerificationPolicy::new([Algorithm::EdDSA]).unwrap();
    let past = token(&f, &json!({"exp": NOW}));
    assert!(
        jwt::verify(
            &past,
            &f.public,
            &policy,
            Some(Timestamp::from_second(NOW - 1).unwrap())
        )
        .is_ok()
    );
    assert_eq!(
        jwt::verify(&past, &f.public, &policy, None),
        Err(VerifyError::Expired)
    );
}

#[test]
fn errors_do_not_leak_token_contents() {
    let f = ed25519();
    let t = token(&f, &with(good_claims(), "iss", json!("secret-issuer-name")));
    let err = check(&t, &f.public, &server_policy()).unwrap_err();
    assert_eq!(err, VerifyError::BadIssuer);
    assert!(!err.to_string().contains("secret-issuer-name"));
    assert!(!format!("{err:?}").contains("secret-issuer-name"));
}

#[test]
fn unverified_kid_reads_only_a_well_formed_header() {
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let token =
        jwt::mint_access_token("app_01", "jwk_01", AUD, Duration::from_secs(60), &key).unwrap();
    assert_eq!(jwt::unverified_kid(&token).unwrap(), "jwk_01");
    let unsigned = jwt::sign(&good_claims(), &key, &Header::new(Algorithm::EdDSA)).unwrap();
    let malformed = |token: &str| {
        matches!(
            jwt::unverified_kid(token),
            Err(VerifyError::Malformed { .. })
        )
    };
    assert!(malformed(&unsigned), "no kid");
    assert!(malformed("a.b"));
    assert!(malformed(&format!("{token}.x")));
    let (header, rest) = token.split_once('.').unwrap();
    assert!(malformed(&format!("{header}=.{rest}")), "padded");
    let crit = b64(br#"{"alg":"EdDSA","kid":"jwk_01","crit":["x"],"x":1}"#);
    assert!(malformed(&format!("{crit}.{rest}")));
    let numeric = b64(br#"{"alg":"EdDSA","kid":7}"#);
    assert!(malformed(&format!("{numeric}.{rest}")));
    assert!(malformed(&format!(
        "{token}{}",
        "A".repeat(jwt::MAX_TOKEN_LEN)
    )));
}

#[test]
fn unverified_header_shows_every_member_of_a_well_formed_header() {
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let token =
        jwt::mint_access_token("app_01", "jwk_01", AUD, Duration::from_secs(60), &key).unwrap();
    let header = jwt::unverified_header(&token).unwrap();
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["kid"], "jwk_01");
    assert_eq!(header["typ"], "JWT");
    let (_, rest) = token.split_once('.').unwrap();
    // `alg: none` and unknown members are shown, not judged.
    let none = b64(br#"{"alg":"none","x5u":"https://example.test"}"#);
    let header = jwt::unverified_header(&format!("{none}.{rest}")).unwrap();
    assert_eq!(header["alg"], "none");
    assert_eq!(header["x5u"], "https://example.test");
    let malformed = |token: &str| {
        matches!(
            jwt::unverified_header(token),
            Err(VerifyError::Malformed { .. })
        )
    };
    assert!(malformed("a.b"));
    assert!(malformed(&format!("{token}.x")));
    assert!(
        malformed(&format!("{}.{rest}", b64(b"[1]"))),
        "not an object"
    );
    assert!(malformed(&format!("{none}=.{rest}")), "padded");
    assert!(malformed(&format!(
        "{token}{}",
        "A".repeat(jwt::MAX_TOKEN_LEN)
    )));
}

mod token_window {
    use std::sync::OnceLock;

    use jwt::TokenWindow;
    use proptest::prelude::*;

    use super::*;

    fn fixture() -> &'static Fixture {
        static FIXTURE: OnceLock<Fixture> = OnceLock::new();
        FIXTURE.get_or_init(ed25519)
    }

    fn at(second: i64) -> Option<Timestamp> {
        Some(Timestamp::from_second(second).unwrap())
    }

    /// An optional time claim near [`NOW`], fractional at times.
    fn time_claim() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            (-4000i64..4000).prop_map(|offset| Some((NOW + offset) as f64)),
            (-4000.0f64..4000.0).prop_map(|offset| Some(NOW as f64 + offset)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The window is all that time changes: a token verified at one
        /// instant verifies at another exactly when its window contains it.
        #[test]
        fn a_verified_token_verifies_again_exactly_within_its_window(
            exp in time_claim(),
            nbf in time_claim(),
            iat in time_claim(),
            leeway in prop_oneof![Just(0u64), Just(60), 0u64..120],
            verified_at in -4200i64..4200,
            later in -4200i64..4200,
        ) {
            let mut claims = json!({"iss": "app_01", "sub": "app_01", "aud": AUD, "jti": "j"});
            for (name, value) in [("exp", exp), ("nbf", nbf), ("iat", iat)] {
                if let Some(value) = value {
                    claims[name] = json!(value);
                }
            }
            let policy = VerificationPolicy::new([Algorithm::EdDSA])
                .unwrap()
                .with_audience(AUD)
                .with_leeway(Duration::from_secs(leeway));
            let token = token(fixture(), &claims);
            let Ok(verified) = jwt::verify(&token, &fixture().public, &policy, at(NOW + verified_at)) else {
                return Ok(());
            };
            let window = TokenWindow::of(&verified.claims, &policy).unwrap();
            let again = jwt::verify(&token, &fixture().public, &policy, at(NOW + later));
            prop_assert_eq!(
                window.contains(Timestamp::from_second(NOW + later).unwrap()),
                again.is_ok(),
                "{:?}", again
            );
        }
    }

    #[test]
    fn the_server_policy_window_ends_a_leeway_after_exp() {
        let policy = server_policy();
        let token = token(fixture(), &good_claims());
        let verified = jwt::verify(&token, &fixture().public, &policy, now()).unwrap();
        let window = TokenWindow::of(&verified.claims, &policy).unwrap();
        let second = |offset: i64| Timestamp::from_second(NOW + offset).unwrap();
        assert!(window.contains(second(600 + 59)));
        assert!(!window.contains(second(600 + 60)));
        assert!(window.contains(second(-300 - 60)));
        assert!(!window.contains(second(-300 - 61)));
    }
}
