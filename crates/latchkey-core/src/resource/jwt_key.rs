//! JWT keys as resources: registered public keys whose holders sign their
//! own short-lived tokens.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::access_key::check_new_expiration;
use crate::id::{AccountId, ApplicationId, JwtKeyId, UserId};
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

impl NewJwtKey {
    /// Validates the plain fields.
    pub fn validate(&self, now: Timestamp) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &self.name);
        errors.check_description("description", &self.description);
        check_new_expiration(&mut errors, self.expiration, now);
        errors.finish(())
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
        self.validate(now)?;
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
            created_by,
            created_at: now,
            updated_at: now,
            last_used_at: None,
        })
    }
}

super::key_lifecycle!(JwtKey);
