//! Reports of leaked secrets from a secret-scanning partner program, in the
//! shape GitHub's sends: the partner's public keys (as GitHub publishes
//! them), the check of a report's signature, the report's items, and what
//! each reported string is to us.
//!
//! A report is acted on only when its signature verifies: an ECDSA P-256 /
//! SHA-256 signature (ASN.1 DER, base64) of the raw body, by the key the
//! `Github-Public-Key-Identifier` header names. Each reported string is then
//! sorted offline first ([`classify`]): only a well-formed `ak_` key with a
//! valid checksum is looked up, and only one whose secret matches the stored
//! digest is a leak of ours (a well-formed id alone is not enough, or anyone
//! could have others' keys revoked by guessing ids).

use std::collections::BTreeMap;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::access_key;
use crate::id::AccessKeyId;
use crate::jwt::{KeyType, VerifyingKey};

/// Most strings one report may carry: a partner batches, but a report is
/// one request, and every real key in it costs a lookup.
pub const MAX_REPORTED_TOKENS: usize = 1000;

/// Why the partner keys file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PartnerKeysError {
    /// Not the JSON GitHub publishes.
    #[error("not a secret-scanning public keys document: {0}")]
    Malformed(String),
    /// A key is not an ECDSA P-256 public key in PEM.
    #[error("key `{identifier}` is not an ECDSA P-256 public key: {reason}")]
    BadKey {
        /// Its `key_identifier`.
        identifier: String,
        /// What is wrong.
        reason: String,
    },
    /// The document holds no key.
    #[error("the document holds no public key")]
    Empty,
}

#[derive(Deserialize)]
struct PublishedKeys {
    public_keys: Vec<PublishedKey>,
}

/// One published key. GitHub also marks the key it signs with now
/// (`is_current`); the others stay valid for reports signed before a
/// rotation, so every listed key is accepted and the mark is not read.
#[derive(Deserialize)]
struct PublishedKey {
    key_identifier: String,
    key: String,
}

/// The partner's public keys, by identifier.
#[derive(Clone)]
pub struct PartnerKeys {
    /// `key_identifier` → the key's DER `SubjectPublicKeyInfo`.
    keys: BTreeMap<String, Vec<u8>>,
}

impl std::fmt::Debug for PartnerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartnerKeys")
            .field("identifiers", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Why a report's signature is refused (all alike to the sender).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A header is missing.
    #[error("the report is not signed")]
    Unsigned,
    /// The identifier names no configured key.
    #[error("the report is signed by an unknown key")]
    UnknownKey,
    /// The signature is not base64, or does not verify.
    #[error("the report's signature does not verify")]
    Invalid,
}

impl PartnerKeys {
    /// Reads the keys from the JSON GitHub publishes
    /// (`{"public_keys": [{"key_identifier", "key", "is_current"}]}`),
    /// refusing any key that is not ECDSA P-256.
    pub fn from_github_json(text: &str) -> Result<Self, PartnerKeysError> {
        let published: PublishedKeys = serde_json::from_str(text)
            .map_err(|error| PartnerKeysError::Malformed(error.to_string()))?;
        let mut keys = BTreeMap::new();
        for key in published.public_keys {
            let bad = |reason: String| PartnerKeysError::BadKey {
                identifier: key.key_identifier.clone(),
                reason,
            };
            let parsed = VerifyingKey::from_pem(&key.key).map_err(|e| bad(e.to_string()))?;
            if parsed.key_type() != KeyType::EcP256 {
                return Err(bad(format!("a {:?} key", parsed.key_type())));
            }
            keys.insert(key.key_identifier.clone(), parsed.to_spki_der());
        }
        if keys.is_empty() {
            return Err(PartnerKeysError::Empty);
        }
        Ok(PartnerKeys { keys })
    }

    /// Checks that `signature` (base64 of an ASN.1 DER ECDSA signature) by
    /// the key named `identifier` signs `body`, byte for byte.
    pub fn verify(
        &self,
        identifier: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        let (Some(identifier), Some(signature)) = (identifier, signature) else {
            return Err(SignatureError::Unsigned);
        };
        let key = self
            .keys
            .get(identifier.trim())
            .ok_or(SignatureError::UnknownKey)?;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .map_err(|_| SignatureError::Invalid)?;
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, key)
            .verify(body, &signature)
            .map_err(|_| SignatureError::Invalid)
    }
}

/// One leaked string a partner reports.
#[derive(Clone, Deserialize)]
pub struct ReportedToken {
    /// The string found.
    pub token: String,
    /// The partner's name for the pattern that matched (`latchkey_access_key`).
    #[serde(rename = "type")]
    pub token_type: String,
    /// Where it was found.
    #[serde(default)]
    pub url: String,
    /// What kind of place (`content`, `commit`, `issue`, …).
    #[serde(default)]
    pub source: String,
}

/// The token is a secret (of ours, or someone's): never printed.
impl std::fmt::Debug for ReportedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportedToken")
            .field("token_type", &self.token_type)
            .field("url", &self.url)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// The partner's verdict on one string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// One of our keys, with its very secret.
    TruePositive,
    /// Anything else.
    FalsePositive,
}

/// What a reported string is, decided offline.
#[derive(Clone, PartialEq, Eq)]
pub enum Candidate<'a> {
    /// A well-formed access key (its checksum holds): the key to look up,
    /// and the secret to compare with its stored digest.
    AccessKey {
        /// Its id.
        id: AccessKeyId,
        /// Its secret part.
        secret: &'a str,
    },
    /// Not one of ours.
    NotOurs,
}

/// The secret is a live key's (someone leaked it, but our logs must not
/// repeat it): only the id is printed.
impl std::fmt::Debug for Candidate<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Candidate::AccessKey { id, .. } => f
                .debug_struct("AccessKey")
                .field("id", id)
                .field("secret", &"<redacted>")
                .finish(),
            Candidate::NotOurs => f.write_str("NotOurs"),
        }
    }
}

/// Sorts a reported string: checksum first, so that a string that is not a
/// key costs no lookup.
pub fn classify(token: &str) -> Candidate<'_> {
    let Ok(parsed) = access_key::parse(token) else {
        return Candidate::NotOurs;
    };
    match AccessKeyId::from_body(parsed.key_id()) {
        Ok(id) => Candidate::AccessKey {
            id,
            secret: parsed.secret(),
        },
        Err(_) => Candidate::NotOurs,
    }
}

/// `token_hash` of the answer: the SHA-256 of the string, in lowercase hex.
pub fn token_hash(token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

    fn key_pair() -> EcdsaKeyPair {
        EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).unwrap()
    }

    fn spki_pem(pair: &EcdsaKeyPair) -> String {
        let point = pair.public_key().as_ref().to_vec();
        // SubjectPublicKeyInfo for id-ecPublicKey / prime256v1 around the point.
        let prefix: [u8; 26] = [
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ];
        let der = [&prefix[..], &point].concat();
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
    }

    fn document(keys: &[(&str, &EcdsaKeyPair)]) -> String {
        let keys: Vec<_> = keys
            .iter()
            .map(|(id, pair)| {
                serde_json::json!({ "key_identifier": id, "key": spki_pem(pair), "is_current": true })
            })
            .collect();
        serde_json::json!({ "public_keys": keys }).to_string()
    }

    fn sign(pair: &EcdsaKeyPair, body: &[u8]) -> String {
        let signature = pair.sign(&SystemRandom::new(), body).unwrap();
        base64::engine::general_purpose::STANDARD.encode(signature.as_ref())
    }

    #[test]
    fn a_signature_verifies_only_over_the_exact_body_by_the_named_key() {
        let (first, second) = (key_pair(), key_pair());
        let keys =
            PartnerKeys::from_github_json(&document(&[("one", &first), ("two", &second)])).unwrap();
        let body = br#"[{"token":"x","type":"t","url":"u","source":"content"}]"#;
        let signature = sign(&first, body);
        assert_eq!(keys.verify(Some("one"), Some(&signature), body), Ok(()));
        assert_eq!(
            keys.verify(Some("two"), Some(&signature), body),
            Err(SignatureError::Invalid)
        );
        let mut changed = body.to_vec();
        changed.push(b' ');
        assert_eq!(
            keys.verify(Some("one"), Some(&signature), &changed),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            keys.verify(Some("three"), Some(&signature), body),
            Err(SignatureError::UnknownKey)
        );
        assert_eq!(
            keys.verify(None, Some(&signature), body),
            Err(SignatureError::Unsigned)
        );
        assert_eq!(
            keys.verify(Some("one"), Some("not base64!"), body),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn the_keys_document_must_hold_p256_keys() {
        assert!(matches!(
            PartnerKeys::from_github_json(r#"{"public_keys": []}"#),
            Err(PartnerKeysError::Empty)
        ));
        assert!(matches!(
            PartnerKeys::from_github_json("[]"),
            Err(PartnerKeysError::Malformed(_))
        ));
        let ed25519 = crate::jwt::SigningKey::generate(crate::jwt::Algorithm::EdDSA).unwrap();
        let text = serde_json::json!({ "public_keys": [{
            "key_identifier": "ed", "key": ed25519.verifying_key().to_spki_pem(), "is_current": true
        }]})
        .to_string();
        assert!(matches!(
            PartnerKeys::from_github_json(&text),
            Err(PartnerKeysError::BadKey { .. })
        ));
    }

    #[test]
    fn only_well_formed_keys_are_candidates() {
        let id = AccessKeyId::generate();
        let generated = access_key::generate(&id.body()).unwrap();
        assert_eq!(
            classify(generated.key()),
            Candidate::AccessKey {
                id,
                secret: generated.secret()
            }
        );
        let mut broken = generated.key().to_owned();
        let last = broken.pop().unwrap();
        broken.push(if last == '0' { '1' } else { '0' });
        assert_eq!(classify(&broken), Candidate::NotOurs, "checksum first");
        assert_eq!(classify("ghp_abc"), Candidate::NotOurs);
    }

    #[test]
    fn a_candidate_never_prints_its_secret() {
        let id = AccessKeyId::generate();
        let generated = access_key::generate(&id.body()).unwrap();
        let shown = format!("{:?}", classify(generated.key()));
        assert!(!shown.contains(generated.secret()), "{shown}");
        assert!(shown.contains(&id.to_string()), "{shown}");
    }

    #[test]
    fn token_hashes_are_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
