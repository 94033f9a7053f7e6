//! JWT keys as resources: registered public keys whose holders sign their
//! own short-lived tokens.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::access_key::check_new_expiration;
use crate::id::{AccountId, ApplicationId, JwtKeyId, UserId};
use crate::jwt::{Algorithm, KeyError, VerifyingKey};
use crate::permission::{PermissionSet, parse_permissions};
use crate::status::KeyStatus;
use crate::validation::ValidationErrors;

/// A JWT key. Only the public key is ever stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtKey {
    /// Id, and the `kid` of the tokens it verifies.
    pub id: JwtKeyId,
    /// Owning account.
    pub account_id: AccountId,
    /// Owning application; never changes.
    pub application_id: ApplicationId,
    /// Name, unique among the account's JWT keys that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// The one JWS algorithm tokens must use (`EdDSA`, `ES256`, …).
    pub algorithm: String,
    /// The public key as a JWK (with `kid` and `alg`).
    pub public_jwk: serde_json::Map<String, serde_json::Value>,
    /// RFC 7638 thumbprint of the public key.
    pub thumbprint: String,
    /// Stored status.
    pub status: KeyStatus,
    /// When it stops working, if ever.
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable), as for access keys: the rights of its tokens are
    /// the application's groups' permissions intersected with these; empty
    /// means the application's full rights. (Keys registered before scopes
    /// existed read as unscoped.)
    #[serde(default)]
    pub scopes: PermissionSet,
    /// The user it belongs to.
    pub created_by: UserId,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// Last successful authentication (coalesced).
    pub last_used_at: Option<Timestamp>,
}

/// The plain fields of a new JWT key; the public key itself is parsed and
/// checked by the JWT toolkit before [`NewJwtKey::build`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewJwtKey {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Expiration; must be in the future.
    #[serde(default)]
    pub expiration: Option<Timestamp>,
    /// Scopes, as permission strings (see [`JwtKey::scopes`]).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Another user of the account to own it (needs `users:manage`).
    #[serde(default)]
    pub created_by: Option<UserId>,
}

/// The checked public key of a new JWT key.
#[derive(Debug, Clone)]
pub struct RegisteredPublicKey {
    /// The algorithm, fitting the key.
    pub algorithm: String,
    /// The public JWK.
    pub public_jwk: serde_json::Map<String, serde_json::Value>,
    /// Its RFC 7638 thumbprint.
    pub thumbprint: String,
}

/// The JWS algorithms a JWT key may be registered with (API.md's allow-list;
/// `Ed25519` is the fully specified name of `EdDSA`, RFC 9864).
pub const ALLOWED_ALGORITHMS: [Algorithm; 6] = [
    Algorithm::EdDSA,
    Algorithm::Ed25519,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::PS256,
];

impl RegisteredPublicKey {
    /// Checks a public key offered for registration as `kid`: `public_key`
    /// is a PEM string (SPKI or X.509 certificate) or a JWK object;
    /// `algorithm` must be in [`ALLOWED_ALGORITHMS`] and fit the key (and
    /// the JWK's own `alg`, if any). Without `algorithm`, the JWK's `alg` or
    /// else the key type's default (`EdDSA`, `ES256`, `ES384`, `RS256`) is
    /// taken. Each fault names its field (`public_key` or `algorithm`).
    pub fn parse(
        public_key: &serde_json::Value,
        algorithm: Option<&str>,
        kid: JwtKeyId,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let requested = match algorithm {
            None => None,
            Some(name) => match Algorithm::from_name(name) {
                Some(alg) if ALLOWED_ALGORITHMS.contains(&alg) => Some(alg),
                _ => {
                    errors.add("algorithm", format!("must be one of {}", allowed_names()));
                    None
                }
            },
        };
        let key = match public_key {
            serde_json::Value::String(pem) => VerifyingKey::from_pem(pem),
            serde_json::Value::Object(_) => VerifyingKey::from_jwk(public_key),
            _ => {
                errors.add(
                    "public_key",
                    "must be a PEM string (public key or certificate) or a JWK object",
                );
                return Err(errors);
            }
        };
        let key = match key {
            Ok(key) => key,
            Err(error) => {
                errors.add("public_key", key_problem(&error));
                return Err(errors);
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let algorithm = match (requested, key.algorithm()) {
            (Some(alg), _) => alg,
            (None, Some(jwk_alg)) => jwk_alg,
            (None, None) => key.key_type().default_algorithm(),
        };
        if !ALLOWED_ALGORITHMS.contains(&algorithm) {
            errors.add("algorithm", format!("must be one of {}", allowed_names()));
            return Err(errors);
        }
        if !algorithm.fits(key.key_type()) {
            errors.add(
                "algorithm",
                format!("{algorithm} does not fit this {:?} key", key.key_type()),
            );
            return Err(errors);
        }
        if !key.accepts(algorithm) {
            errors.add("algorithm", "differs from the JWK's `alg`");
            return Err(errors);
        }
        let key = key
            .with_algorithm(algorithm)
            .map_err(|error| ValidationErrors::single("algorithm", error.to_string()))?
            .with_kid(kid.to_string());
        Ok(RegisteredPublicKey {
            algorithm: algorithm.as_str().to_owned(),
            thumbprint: key.thumbprint(),
            public_jwk: key.to_jwk(),
        })
    }
}

fn allowed_names() -> String {
    ALLOWED_ALGORITHMS.map(Algorithm::as_str).join(", ")
}

/// What is wrong with an offered public key, for the `public_key` field.
fn key_problem(error: &KeyError) -> String {
    match error {
        KeyError::PrivateKeyGiven => {
            "is a private key: register only the public key (never send a private key)".into()
        }
        KeyError::RsaKeyTooSmall { bits } => {
            format!("RSA key of {bits} bits is too small (minimum 2048)")
        }
        KeyError::UnsupportedCurve { curve } => {
            format!("curve {curve} is not supported (Ed25519, P-256 or P-384)")
        }
        other => other.to_string(),
    }
}

impl JwtKey {
    /// The registered key, parsed for verification: restricted to its
    /// algorithm, with `kid` = its id.
    pub fn verifying_key(&self) -> Result<(VerifyingKey, Algorithm), KeyError> {
        let algorithm = Algorithm::from_name(&self.algorithm).ok_or_else(|| {
            KeyError::UnsupportedAlgorithm {
                algorithm: self.algorithm.clone(),
            }
        })?;
        let key = VerifyingKey::from_jwk(&serde_json::Value::Object(self.public_jwk.clone()))?
            .with_algorithm(algorithm)?
            .with_kid(self.id.to_string());
        Ok((key, algorithm))
    }
}

impl NewJwtKey {
    /// Validates the plain fields and parses the scopes.
    pub fn validate(&self, now: Timestamp) -> Result<PermissionSet, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &self.name);
        errors.check_description("description", &self.description);
        let scopes = parse_permissions("scopes", &self.scopes, &mut errors);
        check_new_expiration(&mut errors, self.expiration, now);
        errors.finish(scopes)
    }

    /// Validates and builds the key.
    pub fn build(
        &self,
        id: JwtKeyId,
        account_id: AccountId,
        application_id: ApplicationId,
        created_by: UserId,
        key: RegisteredPublicKey,
        now: Timestamp,
    ) -> Result<JwtKey, ValidationErrors> {
        let scopes = self.validate(now)?;
        Ok(JwtKey {
            id,
            account_id,
            application_id,
            name: self.name.clone(),
            description: self.description.clone(),
            algorithm: key.algorithm,
            public_jwk: key.public_jwk,
            thumbprint: key.thumbprint,
            status: KeyStatus::Active,
            expiration: self.expiration,
            scopes,
            created_by,
            created_at: now,
            updated_at: now,
            last_used_at: None,
        })
    }
}

super::key_lifecycle!(JwtKey);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::SigningKey;
    use serde_json::{Value, json};

    fn fields(errors: ValidationErrors) -> Vec<String> {
        errors.fields.into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn registers_pem_and_jwk_with_kid_alg_and_thumbprint() {
        let kid = JwtKeyId::generate();
        for alg in [Algorithm::EdDSA, Algorithm::ES256, Algorithm::ES384] {
            let key = SigningKey::generate(alg).unwrap();
            let public = key.verifying_key();
            let from_pem = RegisteredPublicKey::parse(
                &Value::from(public.to_spki_pem()),
                Some(alg.as_str()),
                kid,
            )
            .unwrap();
            let from_jwk =
                RegisteredPublicKey::parse(&Value::Object(public.to_jwk()), None, kid).unwrap();
            assert_eq!(from_pem.public_jwk, from_jwk.public_jwk);
            assert_eq!(from_pem.public_jwk["kid"], kid.to_string());
            assert_eq!(from_pem.public_jwk["alg"], alg.as_str());
            assert_eq!(from_pem.thumbprint, public.thumbprint());
            assert_eq!(from_jwk.algorithm, alg.as_str());
        }
    }

    #[test]
    fn refusals_name_their_field() {
        let kid = JwtKeyId::generate();
        let ed = SigningKey::generate(Algorithm::EdDSA).unwrap();
        let pem = Value::from(ed.verifying_key().to_spki_pem());
        let private = Value::from(ed.to_pkcs8_pem().unwrap().to_string());
        let private_jwk = ed.to_private_jwk().unwrap().to_value();
        let parse = |key: &Value, alg: Option<&str>| {
            fields(RegisteredPublicKey::parse(key, alg, kid).unwrap_err())
        };
        assert_eq!(parse(&private, Some("EdDSA")), ["public_key"]);
        assert_eq!(parse(&private_jwk, None), ["public_key"]);
        assert_eq!(parse(&json!(42), None), ["public_key"]);
        assert_eq!(parse(&Value::from("not pem"), None), ["public_key"]);
        for alg in ["none", "HS256", "RS384", "ES512", "eddsa", "ES256"] {
            assert_eq!(parse(&pem, Some(alg)), ["algorithm"], "{alg}");
        }
        assert_eq!(parse(&private, Some("HS256")), ["algorithm", "public_key"]);
        let mut es_jwk = SigningKey::generate(Algorithm::ES256)
            .unwrap()
            .verifying_key()
            .to_jwk();
        es_jwk.insert("alg".into(), "ES384".into());
        assert_eq!(parse(&Value::Object(es_jwk), None), ["public_key"]);
        let rsa = SigningKey::generate(Algorithm::RS256).unwrap();
        let mut rsa_jwk = rsa.verifying_key().to_jwk();
        rsa_jwk.insert("alg".into(), "RS256".into());
        assert_eq!(
            parse(&Value::Object(rsa_jwk.clone()), Some("PS256")),
            ["algorithm"]
        );
        assert!(RegisteredPublicKey::parse(&Value::Object(rsa_jwk), Some("RS256"), kid).is_ok());
    }

    #[test]
    fn a_stored_key_parses_back_for_verification() {
        let key = SigningKey::generate(Algorithm::ES384).unwrap();
        let id = JwtKeyId::generate();
        let registered =
            RegisteredPublicKey::parse(&Value::Object(key.verifying_key().to_jwk()), None, id)
                .unwrap();
        let stored = NewJwtKey {
            name: "k".into(),
            description: String::new(),
            expiration: None,
            scopes: vec!["keys:view:own".into()],
            created_by: None,
        }
        .build(
            id,
            AccountId::generate(),
            crate::id::ApplicationId::generate(),
            UserId::generate(),
            registered,
            Timestamp::now(),
        )
        .unwrap();
        let (parsed, alg) = stored.verifying_key().unwrap();
        assert_eq!(alg, Algorithm::ES384);
        assert_eq!(parsed.kid(), Some(id.to_string().as_str()));
        assert!(parsed.accepts(Algorithm::ES384));
    }
}
