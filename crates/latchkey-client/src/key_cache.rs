//! Keys as the bindings receive them (PEM text, JWK or JWKS JSON), parsed
//! once and kept in a small process-wide cache, so that code calling
//! `decode(token, pem, …)` in a loop, the way PyJWT and `jsonwebtoken` users
//! do, does not re-parse the key on every call (an RSA public key is parsed
//! into six backend objects; a private key is a full PKCS#8 parse).
//!
//! The cache is keyed by the key's bytes (the PEM or JSON text: a JWK
//! object mutated after use is a new key), holds at most
//! [`CACHE_CAPACITY`] keys per kind, first in first out, and wipes the bytes
//! it keeps when an entry leaves it. Parsed private keys live in aws-lc
//! memory, which aws-lc wipes when the last reference goes.

use std::sync::{Arc, Mutex};

use latchkey_core::jwt::{self, Jwks, KeyError, SigningKey, VerifyingKey};
use serde_json::Value;
use zeroize::Zeroizing;

/// Distinct keys kept per cache. Applications verify with one key or one
/// key set, or a handful during a rotation; more keys than this are parsed
/// on each use rather than growing the cache without bound.
pub const CACHE_CAPACITY: usize = 16;

/// What a token is verified against: one key or a key set.
#[derive(Debug, Clone)]
pub enum VerifyWith {
    /// One key (a token's `kid`, if any, must match the key's, if any).
    One(VerifyingKey),
    /// A key set: the token's `kid` picks the key.
    Set(Arc<Jwks>),
}

impl VerifyWith {
    /// The toolkit's view of these keys, for [`jwt::verify`].
    pub fn keys(&self) -> jwt::Keys<'_> {
        match self {
            VerifyWith::One(key) => jwt::Keys::One(key),
            VerifyWith::Set(set) => jwt::Keys::Set(set),
        }
    }
}

/// A small first-in-first-out cache from key bytes to parsed keys.
struct KeyCache<K> {
    entries: Mutex<Vec<(Zeroizing<Vec<u8>>, K)>>,
}

impl<K: Clone> KeyCache<K> {
    const fn new() -> Self {
        Self {
            entries: Mutex::new(Vec::new()),
        }
    }

    fn get(&self, bytes: &[u8]) -> Option<K> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .find(|(cached, _)| cached.as_slice() == bytes)
            .map(|(_, key)| key.clone())
    }

    fn insert(&self, bytes: &[u8], key: K) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.iter().any(|(cached, _)| cached.as_slice() == bytes) {
            return;
        }
        if entries.len() >= CACHE_CAPACITY {
            entries.remove(0);
        }
        entries.push((Zeroizing::new(bytes.to_vec()), key));
    }

    /// The cached key for `bytes`, or `parse(bytes)`, cached on success.
    fn get_or_parse(
        &self,
        bytes: &[u8],
        parse: impl FnOnce(&[u8]) -> Result<K, KeyError>,
    ) -> Result<K, KeyError> {
        if let Some(key) = self.get(bytes) {
            return Ok(key);
        }
        let key = parse(bytes)?;
        self.insert(bytes, key.clone());
        Ok(key)
    }
}

static VERIFYING: KeyCache<VerifyWith> = KeyCache::new();
static SIGNING: KeyCache<SigningKey> = KeyCache::new();

/// JSON text starts with `{` (after whitespace); PEM starts with `-----`.
fn is_json(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().first() == Some(&b'{')
}

fn parse_json(bytes: &[u8]) -> Result<Value, KeyError> {
    serde_json::from_slice(bytes).map_err(|_| KeyError::InvalidJwk {
        reason: "not valid JSON",
    })
}

/// A public key from PEM: SPKI, PKCS#1 public, an X.509 certificate, or a
/// private key (whose public half is taken, as Node's `crypto` and PyJWT
/// do).
pub fn verifying_from_pem(pem: &[u8]) -> Result<VerifyingKey, KeyError> {
    match VerifyingKey::from_pem(pem) {
        Err(KeyError::PrivateKeyGiven) => Ok(SigningKey::from_pem(pem)?.verifying_key().clone()),
        other => other,
    }
}

/// A key set (`{"keys": [...]}`) or one JWK, public or private (a private
/// JWK gives its public half).
pub fn verifying_from_json(value: &Value) -> Result<VerifyWith, KeyError> {
    if value.get("keys").is_some() {
        return Ok(VerifyWith::Set(Arc::new(Jwks::from_value(value)?)));
    }
    match VerifyingKey::from_jwk(value) {
        Err(KeyError::PrivateKeyGiven) => Ok(VerifyWith::One(
            SigningKey::from_jwk(value)?.verifying_key().clone(),
        )),
        other => other.map(VerifyWith::One),
    }
}

/// The key or key set of `bytes` (PEM, or JWK/JWKS JSON text), from the
/// cache when these very bytes were parsed before.
pub fn verifying(bytes: &[u8]) -> Result<VerifyWith, KeyError> {
    VERIFYING.get_or_parse(bytes, |bytes| {
        if is_json(bytes) {
            verifying_from_json(&parse_json(bytes)?)
        } else {
            verifying_from_pem(bytes).map(VerifyWith::One)
        }
    })
}

/// The key or key set of a JWK or JWKS already read as JSON, cached under
/// its JSON text.
pub fn verifying_json(value: &Value) -> Result<VerifyWith, KeyError> {
    let text = Zeroizing::new(value.to_string().into_bytes());
    VERIFYING.get_or_parse(&text, |_| verifying_from_json(value))
}

/// The private key of `bytes` (PEM: PKCS#8, PKCS#1 or SEC1; or a private
/// JWK as JSON text), from the cache when these very bytes were parsed
/// before.
pub fn signing(bytes: &[u8]) -> Result<SigningKey, KeyError> {
    SIGNING.get_or_parse(bytes, |bytes| {
        if is_json(bytes) {
            SigningKey::from_jwk(&parse_json(bytes)?)
        } else {
            SigningKey::from_pem(bytes)
        }
    })
}

/// The private key of a JWK already read as JSON, cached under its JSON
/// text.
pub fn signing_json(value: &Value) -> Result<SigningKey, KeyError> {
    let text = Zeroizing::new(value.to_string().into_bytes());
    SIGNING.get_or_parse(&text, |_| SigningKey::from_jwk(value))
}

#[cfg(test)]
mod tests {
    use latchkey_core::jwt::Algorithm;

    use super::*;

    #[test]
    fn a_key_is_parsed_once_and_every_form_is_read() {
        let key = SigningKey::generate(Algorithm::ES256).unwrap();
        let private_pem = key.to_pkcs8_pem().unwrap();
        let public_pem = key.verifying_key().to_spki_pem();
        let parsed = signing(private_pem.as_str().as_bytes()).unwrap();
        assert_eq!(parsed.verifying_key(), key.verifying_key());
        let VerifyWith::One(from_private) = verifying(private_pem.as_str().as_bytes()).unwrap()
        else {
            panic!("one key expected")
        };
        assert_eq!(&from_private, key.verifying_key());
        let VerifyWith::One(from_public) = verifying(public_pem.as_bytes()).unwrap() else {
            panic!("one key expected")
        };
        assert_eq!(&from_public, key.verifying_key());
        let jwk = Value::Object(key.verifying_key().to_jwk());
        assert!(matches!(verifying_json(&jwk).unwrap(), VerifyWith::One(_)));
        let jwks = serde_json::json!({ "keys": [jwk] });
        assert!(matches!(
            verifying(jwks.to_string().as_bytes()).unwrap(),
            VerifyWith::Set(_)
        ));
        assert!(VERIFYING.get(public_pem.as_bytes()).is_some(), "cached");
        assert!(signing(public_pem.as_bytes()).is_err());
        assert!(verifying(b"not a key").is_err());
    }

    #[test]
    fn the_cache_is_bounded_first_in_first_out() {
        let cache: KeyCache<u32> = KeyCache::new();
        for n in 0..(CACHE_CAPACITY as u32 + 2) {
            cache
                .get_or_parse(format!("key {n}").as_bytes(), |_| Ok(n))
                .unwrap();
        }
        assert_eq!(cache.entries.lock().unwrap().len(), CACHE_CAPACITY);
        assert_eq!(cache.get(b"key 0"), None);
        assert_eq!(cache.get(b"key 1"), None);
        assert_eq!(cache.get(b"key 2"), Some(2));
        // A failed parse is not cached.
        assert!(
            cache
                .get_or_parse(b"bad", |_| Err(KeyError::InvalidPem))
                .is_err()
        );
        assert_eq!(cache.get(b"bad"), None);
    }
}
