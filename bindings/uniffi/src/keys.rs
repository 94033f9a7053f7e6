//! Keys as exported objects, parsed once and reused for every signature or
//! verification: `SigningKey` (a private key, or a generated key pair),
//! `VerifyingKey` (a public key) and `Jwks` (a key set). Objects, not
//! records, so that a private key is never printed: their `toString` /
//! `description` is the toolkit's redacted `Debug`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use latchkey_client::jwt::{self, RsaKeySize};
use serde_json::Value;

use latchkey_client::jwt::Algorithm;
use latchkey_client::verify_options::ALGORITHM_NAMES;

use crate::jwt_error::KeyError;

fn algorithm_named(name: &str) -> Option<Algorithm> {
    Algorithm::from_name(name)
}

/// A JWK as a map of its members. Every member of the keys this toolkit
/// reads and writes is a string; another value is carried as its JSON text.
pub type JwkMembers = HashMap<String, String>;

pub(crate) use latchkey_client::ffi::jwk_members;

fn jwk_value(members: &JwkMembers) -> Value {
    Value::Object(
        members
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(value.clone())))
            .collect(),
    )
}

fn json(text: &str) -> Result<Value, KeyError> {
    serde_json::from_str(text).map_err(|_| KeyError::InvalidKey {
        reason: "the JWK is not JSON".into(),
    })
}

fn unsupported_algorithm(name: &str) -> KeyError {
    KeyError::UnsupportedAlgorithm {
        reason: format!("`{name}` is not one of {ALGORITHM_NAMES}"),
    }
}

/// A private key: generated (`generate`) or read from PEM (PKCS#8, PKCS#1,
/// SEC1) or a private JWK. It signs with one algorithm (`algorithm`) and
/// carries its public half. Its text form never shows key material.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct SigningKey {
    pub(crate) key: jwt::SigningKey,
}

impl fmt::Display for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.key)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.key, f)
    }
}

#[uniffi::export]
impl SigningKey {
    /// Generates a key pair for `algorithm` (`EdDSA`, `ES256`, `ES384`,
    /// `RS256`, `PS256`, …). RSA keys get `rsaBits` (2048, 3072 or 4096;
    /// 2048 when not given).
    #[uniffi::constructor(default(rsa_bits = None))]
    pub fn generate(algorithm: String, rsa_bits: Option<u32>) -> Result<Arc<Self>, KeyError> {
        let alg = algorithm_named(&algorithm).ok_or_else(|| unsupported_algorithm(&algorithm))?;
        let size = match rsa_bits {
            None => RsaKeySize::default(),
            Some(bits) => RsaKeySize::from_bits(bits as usize).ok_or(KeyError::UnsupportedKey {
                reason: format!("RSA keys are generated with 2048, 3072 or 4096 bits, not {bits}"),
            })?,
        };
        Ok(Arc::new(SigningKey {
            key: jwt::SigningKey::generate_with_rsa_size(alg, size)?,
        }))
    }

    /// Reads a private key from PEM: PKCS#8 (`PRIVATE KEY`), PKCS#1
    /// (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
    #[uniffi::constructor]
    pub fn from_pem(pem: String) -> Result<Arc<Self>, KeyError> {
        Ok(Arc::new(SigningKey {
            key: jwt::SigningKey::from_pem(pem.as_bytes())?,
        }))
    }

    /// Reads a private JWK (with `d`, and the RSA CRT members for RSA).
    #[uniffi::constructor]
    pub fn from_jwk(jwk: JwkMembers) -> Result<Arc<Self>, KeyError> {
        Ok(Arc::new(SigningKey {
            key: jwt::SigningKey::from_jwk(&jwk_value(&jwk))?,
        }))
    }

    /// Reads a private JWK given as JSON text.
    #[uniffi::constructor]
    pub fn from_jwk_json(json_text: String) -> Result<Arc<Self>, KeyError> {
        Ok(Arc::new(SigningKey {
            key: jwt::SigningKey::from_jwk(&json(&json_text)?)?,
        }))
    }

    /// The same key signing with `algorithm` (e.g. `PS256` for an RSA key
    /// read as `RS256`, `Ed25519` for an EdDSA key).
    pub fn with_algorithm(&self, algorithm: String) -> Result<Arc<Self>, KeyError> {
        let alg = algorithm_named(&algorithm).ok_or_else(|| unsupported_algorithm(&algorithm))?;
        Ok(Arc::new(SigningKey {
            key: self.key.clone().with_algorithm(alg)?,
        }))
    }

    /// The algorithm it signs with.
    pub fn algorithm(&self) -> String {
        self.key.algorithm().as_str().to_owned()
    }

    /// The private key as PKCS#8 PEM. A secret: store it as one.
    pub fn private_pem(&self) -> Result<String, KeyError> {
        Ok(self.key.to_pkcs8_pem()?.to_string())
    }

    /// The private key as a JWK. A secret: store it as one.
    pub fn private_jwk(&self) -> Result<JwkMembers, KeyError> {
        Ok(jwk_members(self.key.to_private_jwk()?.as_map()))
    }

    /// The public half.
    pub fn verifying_key(&self) -> Arc<VerifyingKey> {
        Arc::new(VerifyingKey {
            key: self.key.verifying_key().clone(),
        })
    }

    /// The public key as SPKI PEM (what the server registers).
    pub fn public_pem(&self) -> String {
        self.key.verifying_key().to_spki_pem()
    }

    /// The public key as a JWK.
    pub fn public_jwk(&self) -> JwkMembers {
        jwk_members(&self.key.verifying_key().to_jwk())
    }

    /// The RFC 7638 thumbprint of the public key (unpadded base64url).
    pub fn thumbprint(&self) -> String {
        self.key.verifying_key().thumbprint()
    }
}

/// A public key: from SPKI PEM, an X.509 certificate PEM, or a public JWK.
/// Parsed once; verifying with it reuses the parsed key.
#[derive(uniffi::Object)]
#[uniffi::export(Display, Eq)]
pub struct VerifyingKey {
    pub(crate) key: jwt::VerifyingKey,
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for VerifyingKey {}

impl fmt::Display for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.key)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.key, f)
    }
}

#[uniffi::export]
impl VerifyingKey {
    /// Reads a public key from PEM: SPKI (`PUBLIC KEY`), PKCS#1
    /// (`RSA PUBLIC KEY`) or an X.509 certificate. A private key is
    /// `KeyException.PrivateKeyGiven`.
    #[uniffi::constructor]
    pub fn from_pem(pem: String) -> Result<Arc<Self>, KeyError> {
        Ok(Arc::new(VerifyingKey {
            key: jwt::VerifyingKey::from_pem(pem.as_bytes())?,
        }))
    }

    /// Reads a public JWK (its `kid` and `alg`, if any, are kept).
    #[uniffi::constructor]
    pub fn from_jwk(jwk: JwkMembers) -> Result<Arc<Self>, KeyError> {
        Ok(Arc::new(VerifyingKey {
            key: jwt::VerifyingKey::from_jwk(&jwk_value(&jwk))?,
        }))
    }

    /// Reads a public JWK given as JSON text.
    #[uniffi::constructor]
    pub fn from_jwk_json(json_text: String) -> Result<Arc<Self>, KeyError> {
        Ok(Arc::new(VerifyingKey {
            key: jwt::VerifyingKey::from_jwk(&json(&json_text)?)?,
        }))
    }

    /// The same key with the key id `kid`: a token with another `kid` is
    /// then `JwtException.UnknownKid`.
    pub fn with_kid(&self, kid: String) -> Arc<Self> {
        Arc::new(VerifyingKey {
            key: self.key.clone().with_kid(kid),
        })
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<String> {
        self.key.kid().map(str::to_owned)
    }

    /// The key as SPKI PEM.
    pub fn to_pem(&self) -> String {
        self.key.to_spki_pem()
    }

    /// The key as a JWK.
    pub fn to_jwk(&self) -> JwkMembers {
        jwk_members(&self.key.to_jwk())
    }

    /// The RFC 7638 thumbprint (unpadded base64url).
    pub fn thumbprint(&self) -> String {
        self.key.thumbprint()
    }
}

/// A JSON Web Key Set: a token's `kid` picks the key that verifies it.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Jwks {
    pub(crate) set: jwt::Jwks,
}

impl fmt::Display for Jwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Jwks({} keys)", self.set.keys().len())
    }
}

impl fmt::Debug for Jwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Jwks {
    pub(crate) fn wrap(set: jwt::Jwks) -> Arc<Self> {
        Arc::new(set.into())
    }
}

impl From<jwt::Jwks> for Jwks {
    fn from(set: jwt::Jwks) -> Self {
        Jwks { set }
    }
}

#[uniffi::export]
impl Jwks {
    /// Reads a key set from its JSON text (`{"keys": [...]}`); every key
    /// needs a distinct `kid`.
    #[uniffi::constructor]
    pub fn from_json(json_text: String) -> Result<Arc<Self>, KeyError> {
        let value: Value = serde_json::from_str(&json_text).map_err(|_| KeyError::InvalidKey {
            reason: "the key set is not JSON".into(),
        })?;
        Ok(Jwks::wrap(jwt::Jwks::from_value(&value)?))
    }

    /// A key set of `keys`, each with a distinct `kid`.
    #[uniffi::constructor]
    pub fn from_keys(keys: Vec<Arc<VerifyingKey>>) -> Result<Arc<Self>, KeyError> {
        let keys = keys.iter().map(|key| key.key.clone()).collect();
        Ok(Jwks::wrap(jwt::Jwks::from_keys(keys)?))
    }

    /// The key ids, in order.
    pub fn kids(&self) -> Vec<String> {
        self.set
            .keys()
            .iter()
            .filter_map(|key| key.kid().map(str::to_owned))
            .collect()
    }

    /// The key with id `kid`, if any.
    pub fn get(&self, kid: String) -> Option<Arc<VerifyingKey>> {
        self.set
            .get(&kid)
            .map(|key| Arc::new(VerifyingKey { key: key.clone() }))
    }

    /// The key set as JSON text.
    pub fn to_json(&self) -> String {
        self.set.to_value().to_string()
    }
}
