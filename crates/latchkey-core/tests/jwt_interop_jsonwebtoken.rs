//! Interoperability with the `jsonwebtoken` crate (same aws-lc backend),
//! both ways, for every algorithm of the contract: its tokens verify with
//! the toolkit, and the toolkit's tokens verify with it, keys exchanged as
//! PEM.

use std::time::Duration;

use jiff::Timestamp;
use jsonwebtoken::{DecodingKey, EncodingKey, Validation};
use latchkey_core::jwt::{self, Algorithm, SigningKey, VerificationPolicy};
use serde_json::{Map, Value, json};

const AUDIENCE: &str = "https://latchkey.test";

fn theirs(alg: Algorithm) -> jsonwebtoken::Algorithm {
    match alg {
        Algorithm::EdDSA => jsonwebtoken::Algorithm::EdDSA,
        Algorithm::ES256 => jsonwebtoken::Algorithm::ES256,
        Algorithm::ES384 => jsonwebtoken::Algorithm::ES384,
        Algorithm::RS256 => jsonwebtoken::Algorithm::RS256,
        Algorithm::PS256 => jsonwebtoken::Algorithm::PS256,
        other => panic!("not in the contract list: {other:?}"),
    }
}

fn their_keys(alg: Algorithm, key: &SigningKey) -> (EncodingKey, DecodingKey) {
    let private = key.to_pkcs8_pem().unwrap();
    let private = private.as_bytes();
    let public = key.verifying_key().to_spki_pem();
    let public = public.as_bytes();
    match alg {
        Algorithm::EdDSA => (
            EncodingKey::from_ed_pem(private).unwrap(),
            DecodingKey::from_ed_pem(public).unwrap(),
        ),
        Algorithm::ES256 | Algorithm::ES384 => (
            EncodingKey::from_ec_pem(private).unwrap(),
            DecodingKey::from_ec_pem(public).unwrap(),
        ),
        _ => (
            EncodingKey::from_rsa_pem(private).unwrap(),
            DecodingKey::from_rsa_pem(public).unwrap(),
        ),
    }
}

const CONTRACT: [Algorithm; 5] = [
    Algorithm::EdDSA,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::PS256,
];

#[test]
fn their_tokens_verify_with_the_toolkit() {
    for alg in CONTRACT {
        let key = SigningKey::generate(alg).unwrap();
        let (encoding, _) = their_keys(alg, &key);
        let now = Timestamp::now().as_second();
        let mut header = jsonwebtoken::Header::new(theirs(alg));
        header.kid = Some("k1".into());
        let claims = json!({"iss": "app_1", "sub": "app_1", "aud": AUDIENCE, "iat": now, "exp": now + 600, "jti": "j1"});
        let token = jsonwebtoken::encode(&header, &claims, &encoding).unwrap();
        let verifying = key.verifying_key().clone().with_kid("k1");
        let policy = VerificationPolicy::for_access_tokens([alg], AUDIENCE, "app_1").unwrap();
        let verified = jwt::verify(&token, &verifying, &policy, None)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(verified.claims.get("jti"), Some(&json!("j1")));
        // A flipped signature byte is refused.
        let mut forged = token.clone().into_bytes();
        let last = forged.len() - 2;
        forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        assert!(
            jwt::verify(&forged, &verifying, &policy, None).is_err(),
            "{alg:?}"
        );
    }
}

#[test]
fn toolkit_tokens_verify_with_theirs() {
    for alg in CONTRACT {
        let key = SigningKey::generate(alg).unwrap();
        let (_, decoding) = their_keys(alg, &key);
        let token = jwt::mint_access_token("app_1", "k1", AUDIENCE, Duration::from_secs(600), &key)
            .unwrap();
        let mut validation = Validation::new(theirs(alg));
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&["app_1"]);
        validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        let decoded = jsonwebtoken::decode::<Map<String, Value>>(&token, &decoding, &validation)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(decoded.header.kid.as_deref(), Some("k1"));
        assert_eq!(decoded.claims.get("sub"), Some(&json!("app_1")));
    }
}
