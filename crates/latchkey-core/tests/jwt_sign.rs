//! Signing arbitrary claims and minting the server's access token.

use std::time::Duration;

use jiff::Timestamp;
use latchkey_core::jwt::{
    self, Algorithm, Header, SignError, SigningKey, VerificationPolicy, VerifyError,
};
use serde_json::{Value, json};

fn decode_segment(segment: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .unwrap()
}

fn segments(token: &str) -> (String, Value) {
    let mut parts = token.split('.');
    let header = String::from_utf8(decode_segment(parts.next().unwrap())).unwrap();
    let claims = serde_json::from_slice(&decode_segment(parts.next().unwrap())).unwrap();
    assert!(parts.next().is_some() && parts.next().is_none());
    (header, claims)
}

#[test]
fn mints_exactly_the_contract_token() {
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let now = Timestamp::from_second(1_767_225_600).unwrap();
    let token = jwt::mint_access_token_at(
        "app_01",
        "key_01",
        "https://latchkey.test",
        Duration::from_secs(900),
        &key,
        now,
    )
    .unwrap();
    let (header, claims) = segments(&token);
    assert_eq!(header, r#"{"alg":"EdDSA","typ":"JWT","kid":"key_01"}"#);
    let claims = claims.as_object().unwrap();
    let mut names: Vec<&str> = claims.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["aud", "exp", "iat", "iss", "jti", "sub"]);
    assert_eq!(claims["iss"], "app_01");
    assert_eq!(claims["sub"], "app_01");
    assert_eq!(claims["aud"], "https://latchkey.test");
    assert_eq!(claims["iat"], 1_767_225_600);
    assert_eq!(claims["exp"], 1_767_225_600 + 900);
    let jti = uuid::Uuid::parse_str(claims["jti"].as_str().unwrap()).unwrap();
    assert_eq!(jti.get_version_num(), 7);

    let policy = VerificationPolicy::for_access_tokens(
        Algorithm::CONTRACT,
        "https://latchkey.test",
        "app_01",
    )
    .unwrap();
    assert!(jwt::verify(&token, key.verifying_key(), &policy, Some(now)).is_ok());
}

#[test]
fn every_minted_jti_is_fresh() {
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let mint = || jwt::mint_access_token("a", "k", "aud", Duration::from_secs(60), &key).unwrap();
    assert_ne!(segments(&mint()).1["jti"], segments(&mint()).1["jti"]);
}

#[test]
fn minted_algorithm_follows_the_key() {
    let cases = [
        (Algorithm::EdDSA, "EdDSA"),
        (Algorithm::Ed25519, "Ed25519"),
        (Algorithm::ES256, "ES256"),
        (Algorithm::ES384, "ES384"),
        (Algorithm::RS256, "RS256"),
        (Algorithm::PS256, "PS256"),
    ];
    for (alg, name) in cases {
        let key = SigningKey::generate(alg).unwrap();
        let token =
            jwt::mint_access_token("app", "k", "aud", Duration::from_secs(60), &key).unwrap();
        let (header, _) = segments(&token);
        assert_eq!(
            header,
            format!(r#"{{"alg":"{name}","typ":"JWT","kid":"k"}}"#)
        );
        let policy = VerificationPolicy::for_access_tokens([alg], "aud", "app").unwrap();
        assert!(
            jwt::verify(&token, key.verifying_key(), &policy, None).is_ok(),
            "{name}"
        );
    }
}

#[test]
fn lifetime_must_be_within_one_hour() {
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    for seconds in [0, 3601, 86_400] {
        assert_eq!(
            jwt::mint_access_token("a", "k", "aud", Duration::from_secs(seconds), &key),
            Err(SignError::InvalidLifetime),
            "{seconds}"
        );
    }
    assert!(jwt::mint_access_token("a", "k", "aud", Duration::from_secs(3600), &key).is_ok());
}

#[test]
fn signs_claims_as_given_without_validating() {
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let claims = json!({"exp": 1, "custom": {"nested": [1, 2]}, "aud": ["a", "b"]});
    let token = jwt::sign(&claims, &key, &Header::new(Algorithm::ES256)).unwrap();
    assert_eq!(segments(&token).1, claims);
    let policy = VerificationPolicy::new([Algorithm::ES256])
        .unwrap()
        .with_audience("a");
    assert_eq!(
        jwt::verify(&token, key.verifying_key(), &policy, None),
        Err(VerifyError::Expired)
    );
}

#[test]
fn header_members_are_written_in_order_with_extras() {
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let mut header = Header::new(Algorithm::EdDSA).with_kid("k");
    header.typ = None;
    header.extra.insert("cty".into(), json!("JWT"));
    let token = jwt::sign(&json!({}), &key, &header).unwrap();
    assert_eq!(
        segments(&token).0,
        r#"{"alg":"EdDSA","kid":"k","cty":"JWT"}"#
    );
}

#[test]
fn refuses_what_cannot_be_signed() {
    let key = SigningKey::generate(Algorithm::EdDSA).unwrap();
    for claims in [json!([]), json!("text"), json!(null)] {
        assert_eq!(
            jwt::sign(&claims, &key, &Header::new(Algorithm::EdDSA)),
            Err(SignError::ClaimsNotObject)
        );
    }
    assert_eq!(
        jwt::sign(&json!({}), &key, &Header::new(Algorithm::RS256)),
        Err(SignError::AlgorithmDoesNotFitKey {
            algorithm: Algorithm::RS256
        })
    );
    for reserved in ["alg", "kid", "typ"] {
        let mut header = Header::new(Algorithm::EdDSA);
        header.extra.insert(reserved.into(), json!("x"));
        assert_eq!(
            jwt::sign(&json!({}), &key, &header),
            Err(SignError::ReservedHeaderMember {
                name: reserved.into()
            })
        );
    }
    assert!(key.clone().with_algorithm(Algorithm::ES256).is_err());
}

#[test]
fn deterministic_algorithms_sign_identically() {
    let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let rsa = SigningKey::generate(Algorithm::RS256).unwrap();
    for key in [&ed, &rsa] {
        let a = jwt::sign(&json!({"n": 1}), key, &Header::new(key.algorithm())).unwrap();
        let b = jwt::sign(&json!({"n": 1}), key, &Header::new(key.algorithm())).unwrap();
        assert_eq!(a, b, "{}", key.algorithm());
    }
}
