//! JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037): import and export
//! of single keys, and key sets ([`Jwks`]) that pick a key by `kid`.
//!
//! JWKs travel as `serde_json` values, never as JSON text: callers parse and
//! print JSON themselves.

use std::fmt;

use aws_lc_rs::signature::{Ed25519KeyPair, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Map, Value};
use zeroize::{Zeroize, Zeroizing};

use super::algorithm::{Algorithm, KeyType};
use super::asn1;
use super::base64url;
use super::error::KeyError;
use super::key::{EcPoint, PrivateKey, PublicComponents, SigningKey, VerifyingKey};

/// Members that only a private JWK carries.
const PRIVATE_MEMBERS: [&str; 6] = ["d", "p", "q", "dp", "dq", "qi"];

fn as_object(jwk: &Value) -> Result<&Map<String, Value>, KeyError> {
    jwk.as_object()
        .ok_or(KeyError::jwk("a JWK must be a JSON object"))
}

/// An optional string member.
fn optional_str<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, KeyError> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(KeyError::jwk("a JWK member is not a string")),
    }
}

fn required_str<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, KeyError> {
    optional_str(jwk, name)?.ok_or(KeyError::jwk("a required JWK member is missing"))
}

/// A required base64url member, decoded (zeroized on drop: it may be secret).
fn required_bytes(jwk: &Map<String, Value>, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    base64url::decode(required_str(jwk, name)?)
        .map(Zeroizing::new)
        .ok_or(KeyError::jwk("a JWK member is not unpadded base64url"))
}

/// What every JWK says besides its key material.
struct Common<'a> {
    kty: &'a str,
    crv: Option<&'a str>,
    kid: Option<&'a str>,
    alg: Option<Algorithm>,
}

fn common(jwk: &Map<String, Value>) -> Result<Common<'_>, KeyError> {
    let kty = required_str(jwk, "kty")?;
    if let Some(key_use) = optional_str(jwk, "use")?
        && key_use != "sig"
    {
        return Err(KeyError::UnsupportedUse {
            key_use: key_use.to_owned(),
        });
    }
    let alg = match optional_str(jwk, "alg")? {
        None => None,
        Some(name) => {
            Some(
                Algorithm::from_name(name).ok_or_else(|| KeyError::UnsupportedAlgorithm {
                    algorithm: name.to_owned(),
                })?,
            )
        }
    };
    Ok(Common {
        kty,
        crv: optional_str(jwk, "crv")?,
        kid: optional_str(jwk, "kid")?,
        alg,
    })
}

/// The key type named by `kty` and `crv`.
fn key_type(common: &Common<'_>) -> Result<KeyType, KeyError> {
    let unsupported_curve = |crv: Option<&str>| KeyError::UnsupportedCurve {
        curve: crv.unwrap_or("(none)").to_owned(),
    };
    match (common.kty, common.crv) {
        ("OKP", Some("Ed25519")) => Ok(KeyType::Ed25519),
        ("EC", Some("P-256")) => Ok(KeyType::EcP256),
        ("EC", Some("P-384")) => Ok(KeyType::EcP384),
        ("RSA", _) => Ok(KeyType::Rsa),
        ("OKP" | "EC", crv) => Err(unsupported_curve(crv)),
        (kty, _) => Err(KeyError::UnsupportedKeyType {
            key_type: kty.to_owned(),
        }),
    }
}

fn crv_name(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::Ed25519 => "Ed25519",
        KeyType::EcP256 => "P-256",
        KeyType::EcP384 => "P-384",
        KeyType::Rsa => "",
    }
}

impl VerifyingKey {
    /// Imports a public JWK (`kty` `OKP`/`Ed25519`, `EC`/`P-256` or `P-384`,
    /// `RSA`). `kid` and `alg` are kept: `alg` restricts the key to that
    /// algorithm. A JWK with private members is refused with
    /// [`KeyError::PrivateKeyGiven`]; a `use` other than `sig` with
    /// [`KeyError::UnsupportedUse`].
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        let jwk = as_object(jwk)?;
        if PRIVATE_MEMBERS
            .iter()
            .any(|member| jwk.contains_key(*member))
        {
            return Err(KeyError::PrivateKeyGiven);
        }
        let common = common(jwk)?;
        let key_type = key_type(&common)?;
        let key = match key_type {
            KeyType::Ed25519 => Self::from_ed25519(&required_bytes(jwk, "x")?)?,
            KeyType::EcP256 | KeyType::EcP384 => {
                let (x, y) = (required_bytes(jwk, "x")?, required_bytes(jwk, "y")?);
                Self::from_ec_coordinates(key_type, EcPoint { x: &x, y: &y })?
            }
            KeyType::Rsa => Self::from_rsa(&required_bytes(jwk, "n")?, &required_bytes(jwk, "e")?)?,
        };
        finish_public(key, &common)
    }

    /// The key as a public JWK: the required members (`kty`, `crv`, `x`,
    /// `y` / `n`, `e`), plus `kid` and `alg` when set. EC coordinates keep
    /// their full length (leading zero bytes included).
    pub fn to_jwk(&self) -> Map<String, Value> {
        let mut jwk = Map::new();
        let mut put = |name: &str, value: String| {
            jwk.insert(name.to_owned(), Value::String(value));
        };
        match self.components() {
            PublicComponents::Ed25519 { x } => {
                put("kty", "OKP".to_owned());
                put("crv", "Ed25519".to_owned());
                put("x", base64url::encode(x));
            }
            PublicComponents::Ec { key_type, x, y } => {
                put("kty", "EC".to_owned());
                put("crv", crv_name(key_type).to_owned());
                put("x", base64url::encode(x));
                put("y", base64url::encode(y));
            }
            PublicComponents::Rsa { n, e } => {
                put("kty", "RSA".to_owned());
                put("n", base64url::encode(n));
                put("e", base64url::encode(e));
            }
        }
        if let Some(kid) = self.kid() {
            put("kid", kid.to_owned());
        }
        if let Some(alg) = self.algorithm() {
            put("alg", alg.as_str().to_owned());
        }
        jwk
    }
}

fn finish_public(key: VerifyingKey, common: &Common<'_>) -> Result<VerifyingKey, KeyError> {
    let key = match common.kid {
        Some(kid) => key.with_kid(kid),
        None => key,
    };
    match common.alg {
        Some(alg) => key.with_algorithm(alg),
        None => Ok(key),
    }
}

impl SigningKey {
    /// Imports a private JWK (with `d`; RSA keys need all CRT members `p`,
    /// `q`, `dp`, `dq`, `qi`). The private and public members must match.
    /// `kid` and `alg` are kept; `alg` becomes the signing algorithm. A
    /// public JWK is refused with [`KeyError::PublicKeyGiven`].
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        let jwk = as_object(jwk)?;
        if !jwk.contains_key("d") {
            return Err(KeyError::PublicKeyGiven);
        }
        let common = common(jwk)?;
        let key_type = key_type(&common)?;
        let d = required_bytes(jwk, "d")?;
        let key = match key_type {
            KeyType::Ed25519 => {
                let x = required_bytes(jwk, "x")?;
                if d.len() != 32 {
                    return Err(KeyError::jwk("an Ed25519 private key is 32 bytes"));
                }
                let pair = Ed25519KeyPair::from_seed_and_public_key(&d, &x).map_err(|_| {
                    KeyError::invalid("the Ed25519 private key does not match its public key")
                })?;
                Self::from_private(PrivateKey::Ed25519(pair))?
            }
            KeyType::EcP256 | KeyType::EcP384 => {
                let (x, y) = (required_bytes(jwk, "x")?, required_bytes(jwk, "y")?);
                Self::ec_from_components(key_type, &d, EcPoint { x: &x, y: &y })?
            }
            KeyType::Rsa => rsa_from_jwk(jwk, &d)?,
        };
        let key = match common.kid {
            Some(kid) => key.with_kid(kid),
            None => key,
        };
        match common.alg {
            Some(alg) => key.with_algorithm(alg),
            None => Ok(key),
        }
    }

    /// The key as a private JWK: the public members plus `d` (and, for RSA,
    /// `p`, `q`, `dp`, `dq`, `qi`), with `kid` when set. Its string members
    /// are zeroized when it is dropped.
    pub fn to_private_jwk(&self) -> Result<PrivateJwk, KeyError> {
        let mut jwk = self.verifying_key().to_jwk();
        jwk.remove("alg");
        let mut put = |name: &str, bytes: &[u8]| {
            jwk.insert(name.to_owned(), Value::String(base64url::encode(bytes)));
        };
        match self.private() {
            PrivateKey::Ed25519(_) | PrivateKey::Ec(..) => put("d", &self.secret_scalar()?),
            PrivateKey::Rsa(_) => {
                let pkcs8 = self.to_pkcs8_der()?;
                let rsa = asn1::parse_pkcs8(&pkcs8)
                    .and_then(|info| asn1::parse_rsa_private(info.private_key))
                    .map_err(|_| KeyError::Backend)?;
                put("d", rsa.private_exponent.as_bytes());
                put("p", rsa.prime1.as_bytes());
                put("q", rsa.prime2.as_bytes());
                put("dp", rsa.exponent1.as_bytes());
                put("dq", rsa.exponent2.as_bytes());
                put("qi", rsa.coefficient.as_bytes());
            }
        }
        Ok(PrivateJwk(jwk))
    }
}

fn rsa_from_jwk(jwk: &Map<String, Value>, d: &[u8]) -> Result<SigningKey, KeyError> {
    if jwk.contains_key("oth") {
        return Err(KeyError::jwk("multi-prime RSA keys are not supported"));
    }
    let n = required_bytes(jwk, "n")?;
    let e = required_bytes(jwk, "e")?;
    // Size and exponent checks, with the same errors as public keys.
    let public = VerifyingKey::from_rsa(&n, &e)?;
    let crt = ["p", "q", "dp", "dq", "qi"];
    if crt.iter().any(|member| !jwk.contains_key(*member)) {
        return Err(KeyError::jwk(
            "an RSA private JWK needs p, q, dp, dq and qi",
        ));
    }
    let [p, q, dp, dq, qi] = crt.map(|member| required_bytes(jwk, member));
    let (p, q, dp, dq, qi) = (p?, q?, dp?, dq?, qi?);
    let PublicComponents::Rsa { n, e } = public.components() else {
        return Err(KeyError::Backend);
    };
    let components = aws_lc_rs::rsa::KeyPairComponents {
        public_key: RsaPublicKeyComponents { n, e },
        d,
        p: p.as_slice(),
        q: q.as_slice(),
        dP: dp.as_slice(),
        dQ: dq.as_slice(),
        qInv: qi.as_slice(),
    };
    let pair = RsaKeyPair::from_components(&components)
        .map_err(|_| KeyError::invalid("the RSA private key members are inconsistent"))?;
    SigningKey::from_private(PrivateKey::Rsa(pair))
}

/// A private JWK. Its string members are zeroized on drop, and `Debug` shows
/// only the public members.
pub struct PrivateJwk(Map<String, Value>);

impl PrivateJwk {
    /// The JWK's members.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// A copy of the members as a JSON value (the copy is not zeroized:
    /// the caller owns it).
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

impl Drop for PrivateJwk {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            if let Value::String(text) = value {
                text.zeroize();
            }
        }
    }
}

impl fmt::Debug for PrivateJwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let public: Map<String, Value> = self
            .0
            .iter()
            .filter(|(name, _)| !PRIVATE_MEMBERS.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        f.debug_tuple("PrivateJwk")
            .field(&public)
            .finish_non_exhaustive()
    }
}

/// A JSON Web Key Set of public keys, from which verification picks the key
/// named by a token's `kid`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwks {
    keys: Vec<VerifyingKey>,
}

impl Jwks {
    /// A key set from parsed keys. Two keys with the same `kid` are refused
    /// ([`KeyError::DuplicateKid`]).
    pub fn from_keys(keys: Vec<VerifyingKey>) -> Result<Self, KeyError> {
        for (index, key) in keys.iter().enumerate() {
            if let Some(kid) = key.kid()
                && keys[..index]
                    .iter()
                    .any(|earlier| earlier.kid() == Some(kid))
            {
                return Err(KeyError::DuplicateKid {
                    kid: kid.to_owned(),
                });
            }
        }
        Ok(Self { keys })
    }

    /// Imports a JWKS object (`{"keys": [...]}`).
    ///
    /// Keys this toolkit cannot use (another `kty` or curve, a `use` other
    /// than `sig`, an unknown `alg`, an RSA size outside 2048..=8192 bits)
    /// are skipped, as PyJWT's `PyJWKSet` does; a malformed key, a private
    /// key, or a repeated `kid` fails the whole set. A key without `kid` is
    /// kept but can never be selected: verification against a set needs the
    /// token's `kid`.
    pub fn from_value(jwks: &Value) -> Result<Self, KeyError> {
        let keys = jwks
            .as_object()
            .and_then(|set| set.get("keys"))
            .and_then(Value::as_array)
            .ok_or(KeyError::InvalidJwks {
                reason: "a JWKS is an object with a `keys` array",
            })?;
        let mut parsed = Vec::with_capacity(keys.len());
        for jwk in keys {
            match VerifyingKey::from_jwk(jwk) {
                Ok(key) => parsed.push(key),
                Err(
                    KeyError::UnsupportedKeyType { .. }
                    | KeyError::UnsupportedCurve { .. }
                    | KeyError::UnsupportedUse { .. }
                    | KeyError::UnsupportedAlgorithm { .. }
                    | KeyError::RsaKeyTooSmall { .. }
                    | KeyError::RsaKeyTooLarge { .. },
                ) => {}
                Err(other) => return Err(other),
            }
        }
        Self::from_keys(parsed)
    }

    /// The key whose `kid` is `kid` (case-sensitive).
    pub fn get(&self, kid: &str) -> Option<&VerifyingKey> {
        self.keys.iter().find(|key| key.kid() == Some(kid))
    }

    /// Every key, in order.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// The set as a JWKS object (`{"keys": [...]}`), each key as
    /// [`VerifyingKey::to_jwk`] gives it.
    pub fn to_value(&self) -> Value {
        let keys = self
            .keys
            .iter()
            .map(|key| Value::Object(key.to_jwk()))
            .collect();
        let mut set = Map::new();
        set.insert("keys".to_owned(), Value::Array(keys));
        Value::Object(set)
    }
}
