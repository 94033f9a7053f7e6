//! Key generation, import and export of the JWT toolkit: every format, every
//! refusal the server relies on to validate registered keys, and secrets
//! kept out of `Debug` and error messages.

use std::time::Duration;

use latchkey_core::jwt::{
    self, Algorithm, Jwks, KeyError, KeyType, RsaKeySize, SigningKey, VerificationPolicy,
    VerifyingKey,
};
use serde_json::{Value, json};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("jwt_fixtures/", $name))
    };
}

/// Signs a token with `key` and verifies it with `public`.
fn round_trip(key: &SigningKey, public: &VerifyingKey) -> Result<(), String> {
    let token = jwt::mint_access_token("app_01", "k1", "aud", Duration::from_secs(60), key)
        .map_err(|e| e.to_string())?;
    let policy = VerificationPolicy::for_access_tokens([key.algorithm()], "aud", "app_01")
        .map_err(|e| e.to_string())?;
    jwt::verify(&token, public, &policy, None)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn generated_pairs_export_and_reimport_in_every_form() {
    let specs = [
        (Algorithm::EdDSA, RsaKeySize::Bits2048, KeyType::Ed25519),
        (Algorithm::ES256, RsaKeySize::Bits2048, KeyType::EcP256),
        (Algorithm::ES384, RsaKeySize::Bits2048, KeyType::EcP384),
        (Algorithm::RS256, RsaKeySize::Bits2048, KeyType::Rsa),
        (Algorithm::PS256, RsaKeySize::Bits2048, KeyType::Rsa),
        (Algorithm::RS256, RsaKeySize::Bits3072, KeyType::Rsa),
        (Algorithm::PS256, RsaKeySize::Bits4096, KeyType::Rsa),
    ];
    for (alg, size, key_type) in specs {
        let what = format!("{alg} {}", size.bits());
        let key = SigningKey::generate_with_rsa_size(alg, size).unwrap();
        assert_eq!(key.algorithm(), alg, "{what}");
        assert_eq!(key.key_type(), key_type, "{what}");
        if key_type == KeyType::Rsa {
            assert_eq!(key.verifying_key().rsa_bits(), Some(size.bits()), "{what}");
        }

        let private_pem = key.to_pkcs8_pem().unwrap();
        assert!(
            private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
            "{what}"
        );
        assert!(!private_pem.contains('\r'), "{what}: LF line endings");
        let public_pem = key.verifying_key().to_spki_pem();
        assert!(
            public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"),
            "{what}"
        );
        let public_jwk = Value::Object(key.verifying_key().to_jwk());
        let private_jwk = key.to_private_jwk().unwrap();
        assert!(private_jwk.as_map().contains_key("d"), "{what}");
        let thumbprint = key.verifying_key().thumbprint();
        assert_eq!(thumbprint.len(), 43, "{what}: unpadded base64url SHA-256");
        assert_eq!(
            jwt::jwk_thumbprint(&public_jwk).unwrap(),
            thumbprint,
            "{what}"
        );
        assert_eq!(
            jwt::jwk_thumbprint(&private_jwk.to_value()).unwrap(),
            thumbprint,
            "{what}"
        );

        let from_pem = SigningKey::from_pem(private_pem.as_bytes())
            .unwrap()
            .with_algorithm(alg)
            .unwrap();
        let from_jwk = SigningKey::from_jwk(&private_jwk.to_value())
            .unwrap()
            .with_algorithm(alg)
            .unwrap();
        let public_from_pem = VerifyingKey::from_pem(&public_pem).unwrap();
        let public_from_jwk = VerifyingKey::from_jwk(&public_jwk).unwrap();
        assert_eq!(&public_from_pem, key.verifying_key(), "{what}");
        assert_eq!(&public_from_jwk, key.verifying_key(), "{what}");
        assert_eq!(from_pem.verifying_key(), key.verifying_key(), "{what}");
        assert_eq!(from_jwk.verifying_key(), key.verifying_key(), "{what}");
        for signer in [&key, &from_pem, &from_jwk] {
            for verifier in [&public_from_pem, &public_from_jwk] {
                round_trip(signer, verifier).unwrap_or_else(|e| panic!("{what}: {e}"));
            }
        }
    }
}

#[test]
fn generated_keys_are_distinct() {
    let a = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let b = SigningKey::generate(Algorithm::EdDSA).unwrap();
    assert_ne!(
        a.verifying_key().thumbprint(),
        b.verifying_key().thumbprint()
    );
}

#[test]
fn imports_sec1_pkcs8_spki_and_certificate_of_one_ec_key() {
    let sec1 = SigningKey::from_pem(fixture!("p256.sec1.pem")).unwrap();
    let pkcs8 = SigningKey::from_pem(fixture!("p256.pk8.pem")).unwrap();
    let spki = VerifyingKey::from_pem(fixture!("p256.pub.pem")).unwrap();
    let certificate = VerifyingKey::from_pem(fixture!("p256.cert.pem")).unwrap();
    assert_eq!(sec1.key_type(), KeyType::EcP256);
    assert_eq!(sec1.algorithm(), Algorithm::ES256);
    assert_eq!(sec1.verifying_key(), &spki);
    assert_eq!(pkcs8.verifying_key(), &spki);
    assert_eq!(certificate, spki);
    round_trip(&sec1, &certificate).unwrap();
    round_trip(&pkcs8, &spki).unwrap();
}

#[test]
fn imports_pkcs1_rsa_private_keys() {
    let key = SigningKey::from_pem(fixture!("rsa2048.pkcs1.pem")).unwrap();
    let public = VerifyingKey::from_pem(fixture!("rsa2048.pub.pem")).unwrap();
    assert_eq!(key.verifying_key(), &public);
    assert_eq!(public.rsa_bits(), Some(2048));
    assert_eq!(key.algorithm(), Algorithm::RS256);
    round_trip(&key, &public).unwrap();
    let pss = key.with_algorithm(Algorithm::PS256).unwrap();
    round_trip(&pss, &public).unwrap();
}

#[test]
fn pem_input_may_be_text_or_bytes_with_crlf() {
    let text = fixture!("p256.pub.pem");
    let crlf = text.replace('\n', "\r\n");
    let a = VerifyingKey::from_pem(text).unwrap();
    let b = VerifyingKey::from_pem(crlf.as_bytes()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn refuses_unsupported_keys_with_typed_errors() {
    assert_eq!(
        VerifyingKey::from_pem(fixture!("rsa1024.pub.pem")),
        Err(KeyError::RsaKeyTooSmall { bits: 1024 })
    );
    assert_eq!(
        VerifyingKey::from_pem(fixture!("k1.pub.pem")),
        Err(KeyError::UnsupportedCurve {
            curve: "secp256k1".into()
        })
    );
    assert_eq!(
        VerifyingKey::from_pem(fixture!("ed448.pub.pem")),
        Err(KeyError::UnsupportedCurve {
            curve: "Ed448".into()
        })
    );
    assert_eq!(
        SigningKey::from_pem(fixture!("p256.enc.pem")).err(),
        Some(KeyError::UnsupportedPemLabel {
            label: "ENCRYPTED PRIVATE KEY".into()
        })
    );
    assert_eq!(
        VerifyingKey::from_pem("not a key"),
        Err(KeyError::InvalidPem)
    );
    assert_eq!(
        VerifyingKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        Err(KeyError::InvalidKey {
            reason: "malformed SPKI"
        })
    );

    // JWKs.
    let p521 = json!({"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"});
    assert_eq!(
        VerifyingKey::from_jwk(&p521),
        Err(KeyError::UnsupportedCurve {
            curve: "P-521".into()
        })
    );
    assert_eq!(
        VerifyingKey::from_jwk(&json!({"kty": "oct", "k": "AAAA"})),
        Err(KeyError::UnsupportedKeyType {
            key_type: "oct".into()
        })
    );
    assert_eq!(
        VerifyingKey::from_jwk(&json!({"kty": "OKP", "crv": "X25519", "x": "AA"})),
        Err(KeyError::UnsupportedCurve {
            curve: "X25519".into()
        })
    );
    let small_rsa = json!({"kty": "RSA", "n": jwt_b64(&[0xC5; 128]), "e": "AQAB"});
    assert_eq!(
        VerifyingKey::from_jwk(&small_rsa),
        Err(KeyError::RsaKeyTooSmall { bits: 1024 })
    );
    let rsa_2047 = {
        let mut n = vec![0x7F];
        n.extend([0xC5; 255]);
        json!({"kty": "RSA", "n": jwt_b64(&n), "e": "AQAB"})
    };
    assert_eq!(
        VerifyingKey::from_jwk(&rsa_2047),
        Err(KeyError::RsaKeyTooSmall { bits: 2047 })
    );
    let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let mut enc = ed.verifying_key().to_jwk();
    enc.insert("use".into(), "enc".into());
    assert_eq!(
        VerifyingKey::from_jwk(&Value::Object(enc)),
        Err(KeyError::UnsupportedUse {
            key_use: "enc".into()
        })
    );
    let mut hs = ed.verifying_key().to_jwk();
    hs.insert("alg".into(), "HS256".into());
    assert_eq!(
        VerifyingKey::from_jwk(&Value::Object(hs)),
        Err(KeyError::UnsupportedAlgorithm {
            algorithm: "HS256".into()
        })
    );
    let mut wrong_alg = ed.verifying_key().to_jwk();
    wrong_alg.insert("alg".into(), "ES256".into());
    assert_eq!(
        VerifyingKey::from_jwk(&Value::Object(wrong_alg)),
        Err(KeyError::AlgorithmDoesNotFitKey {
            algorithm: Algorithm::ES256
        })
    );
    let mut padded = ed.verifying_key().to_jwk();
    let x = padded["x"].as_str().unwrap().to_owned();
    padded.insert("x".into(), format!("{x}=").into());
    assert!(matches!(
        VerifyingKey::from_jwk(&Value::Object(padded)),
        Err(KeyError::InvalidJwk { .. })
    ));
    assert!(matches!(
        VerifyingKey::from_jwk(&json!({"kty": "EC", "crv": "P-256", "x": 5, "y": "AA"})),
        Err(KeyError::InvalidJwk { .. })
    ));
    assert!(matches!(
        VerifyingKey::from_jwk(&json!("text")),
        Err(KeyError::InvalidJwk { .. })
    ));
}

fn jwt_b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn tells_private_keys_apart_from_public_ones() {
    assert_eq!(
        VerifyingKey::from_pem(fixture!("p256.sec1.pem")),
        Err(KeyError::PrivateKeyGiven)
    );
    assert_eq!(
        VerifyingKey::from_pem(fixture!("rsa2048.pkcs1.pem")),
        Err(KeyError::PrivateKeyGiven)
    );
    assert_eq!(
        VerifyingKey::from_pem(fixture!("p256.enc.pem")),
        Err(KeyError::PrivateKeyGiven)
    );
    assert_eq!(
        SigningKey::from_pem(fixture!("p256.cert.pem")).err(),
        Some(KeyError::PublicKeyGiven)
    );
    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let private_jwk = key.to_private_jwk().unwrap().to_value();
    assert_eq!(
        VerifyingKey::from_jwk(&private_jwk),
        Err(KeyError::PrivateKeyGiven)
    );
    let public_jwk = Value::Object(key.verifying_key().to_jwk());
    assert_eq!(
        SigningKey::from_jwk(&public_jwk).err(),
        Some(KeyError::PublicKeyGiven)
    );
}

#[test]
fn private_jwk_members_must_match() {
    let a = SigningKey::generate(Algorithm::ES256).unwrap();
    let b = SigningKey::generate(Algorithm::ES256).unwrap();
    let mut mixed = a.to_private_jwk().unwrap().as_map().clone();
    let b_jwk = b.to_private_jwk().unwrap();
    mixed.insert("d".into(), b_jwk.as_map()["d"].clone());
    let err = SigningKey::from_jwk(&Value::Object(mixed)).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKey { .. }), "{err:?}");
    // The message names the fault, never the key.
    let d = b_jwk.as_map()["d"].as_str().unwrap();
    assert!(!err.to_string().contains(d));

    let rsa = SigningKey::generate(Algorithm::RS256).unwrap();
    let mut no_crt = rsa.to_private_jwk().unwrap().as_map().clone();
    no_crt.remove("qi");
    assert!(matches!(
        SigningKey::from_jwk(&Value::Object(no_crt)),
        Err(KeyError::InvalidJwk { .. })
    ));
}

#[test]
fn jwk_alg_and_kid_are_kept_and_restrict_the_key() {
    let key = SigningKey::generate(Algorithm::RS256).unwrap();
    let mut jwk = key.verifying_key().to_jwk();
    jwk.insert("alg".into(), "PS256".into());
    jwk.insert("kid".into(), "rsa-1".into());
    let public = VerifyingKey::from_jwk(&Value::Object(jwk.clone())).unwrap();
    assert_eq!(public.kid(), Some("rsa-1"));
    assert_eq!(public.algorithm(), Some(Algorithm::PS256));
    assert!(public.accepts(Algorithm::PS256));
    assert!(!public.accepts(Algorithm::RS256));
    assert_eq!(public.to_jwk(), jwk);

    let mut private = key.to_private_jwk().unwrap().as_map().clone();
    private.insert("alg".into(), "PS256".into());
    let signer = SigningKey::from_jwk(&Value::Object(private)).unwrap();
    assert_eq!(signer.algorithm(), Algorithm::PS256);
}

#[test]
fn ec_export_keeps_leading_zero_coordinates() {
    // Generate until a coordinate starts with a zero byte (1 in 128 per key).
    for _ in 0..2000 {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let jwk = key.verifying_key().to_jwk();
        let x = jwt_decode(jwk["x"].as_str().unwrap());
        let y = jwt_decode(jwk["y"].as_str().unwrap());
        assert_eq!((x.len(), y.len()), (32, 32));
        if x[0] == 0 || y[0] == 0 {
            let reimported = VerifyingKey::from_jwk(&Value::Object(jwk)).unwrap();
            assert_eq!(&reimported, key.verifying_key());
            let private = key.to_private_jwk().unwrap();
            assert_eq!(
                jwt_decode(private.as_map()["d"].as_str().unwrap()).len(),
                32
            );
            return;
        }
    }
    panic!("no leading-zero coordinate in 2000 keys");
}

fn jwt_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

#[test]
fn jwks_selects_by_kid_skips_unusable_keys_and_refuses_ambiguity() {
    let a = SigningKey::generate(Algorithm::EdDSA)
        .unwrap()
        .with_kid("a");
    let b = SigningKey::generate(Algorithm::ES384)
        .unwrap()
        .with_kid("b");
    let set = json!({"keys": [
        a.verifying_key().to_jwk(),
        {"kty": "oct", "k": "AAAA", "kid": "hmac"},
        {"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA", "kid": "p521"},
        b.verifying_key().to_jwk(),
    ]});
    let jwks = Jwks::from_value(&set).unwrap();
    assert_eq!(jwks.keys().len(), 2);
    assert_eq!(jwks.get("a"), Some(a.verifying_key()));
    assert_eq!(jwks.get("b"), Some(b.verifying_key()));
    assert_eq!(jwks.get("A"), None);
    assert_eq!(jwks.get("hmac"), None);
    assert_eq!(Jwks::from_value(&jwks.to_value()).unwrap(), jwks);

    let duplicate = json!({"keys": [a.verifying_key().to_jwk(), b.verifying_key().clone().with_kid("a").to_jwk()]});
    assert_eq!(
        Jwks::from_value(&duplicate),
        Err(KeyError::DuplicateKid { kid: "a".into() })
    );
    let leaked = json!({"keys": [a.to_private_jwk().unwrap().to_value()]});
    assert_eq!(Jwks::from_value(&leaked), Err(KeyError::PrivateKeyGiven));
    assert!(matches!(
        Jwks::from_value(&json!([])),
        Err(KeyError::InvalidJwks { .. })
    ));
    assert!(
        Jwks::from_value(&json!({"keys": []}))
            .unwrap()
            .keys()
            .is_empty()
    );
}

#[test]
fn debug_output_never_shows_private_material() {
    for alg in [Algorithm::EdDSA, Algorithm::ES256, Algorithm::RS256] {
        let key = SigningKey::generate(alg).unwrap();
        let private = key.to_private_jwk().unwrap();
        let secrets: Vec<String> = ["d", "p", "q", "dp", "dq", "qi"]
            .iter()
            .filter_map(|m| private.as_map().get(*m))
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert!(!secrets.is_empty());
        let pem = key.to_pkcs8_pem().unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for shown in [
            format!("{key:?}"),
            format!("{private:?}"),
            format!("{pem:?}"),
        ] {
            for secret in &secrets {
                assert!(
                    !shown.contains(secret.as_str()),
                    "{alg}: Debug shows a secret"
                );
            }
            assert!(!shown.contains(&body[..40]), "{alg}: Debug shows the PEM");
        }
        assert!(format!("{private:?}").contains("kty"));
    }
}

#[test]
fn keys_are_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<VerifyingKey>();
    assert_send_sync::<SigningKey>();
    assert_send_sync::<Jwks>();

    let key = SigningKey::generate(Algorithm::ES256).unwrap();
    let public = key.verifying_key().clone();
    let token = jwt::mint_access_token("app", "k", "aud", Duration::from_secs(60), &key).unwrap();
    let policy = VerificationPolicy::for_access_tokens([Algorithm::ES256], "aud", "app").unwrap();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..50 {
                    jwt::verify(&token, &public, &policy, None).unwrap();
                }
            });
        }
    });
}
