//! Minting the access token the Latchkey server expects (API.md,
//! "Credentials → JWT key").

use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::error::SignError;
use super::key::SigningKey;
use super::sign::{Header, sign};
use super::verify::MAX_ACCESS_TOKEN_LIFETIME;

/// Mints an access token for `application_id`, signed now with `key`.
///
/// Header: `alg` = the key's algorithm (`EdDSA` for Ed25519 keys unless the
/// key was set to another with [`SigningKey::with_algorithm`]), `typ` =
/// `JWT`, `kid` = `kid`. Claims: `iss` = `sub` = `application_id`, `aud` =
/// `audience`, `iat` = now, `exp` = now + `lifetime`, `jti` = a fresh UUIDv7.
/// The lifetime must be 1 second to 1 hour (the server refuses longer ones).
pub fn mint_access_token(
    application_id: &str,
    kid: &str,
    audience: &str,
    lifetime: Duration,
    key: &SigningKey,
) -> Result<String, SignError> {
    mint_access_token_at(
        application_id,
        kid,
        audience,
        lifetime,
        key,
        Timestamp::now(),
    )
}

/// [`mint_access_token`] with `iat` = `now` instead of the current time.
pub fn mint_access_token_at(
    application_id: &str,
    kid: &str,
    audience: &str,
    lifetime: Duration,
    key: &SigningKey,
    now: Timestamp,
) -> Result<String, SignError> {
    if lifetime.as_secs() == 0 || lifetime > MAX_ACCESS_TOKEN_LIFETIME {
        return Err(SignError::InvalidLifetime);
    }
    let iat = now.as_second();
    let exp = iat.saturating_add_unsigned(lifetime.as_secs());
    let mut claims = Map::new();
    claims.insert("iss".to_owned(), Value::from(application_id));
    claims.insert("sub".to_owned(), Value::from(application_id));
    claims.insert("aud".to_owned(), Value::from(audience));
    claims.insert("iat".to_owned(), Value::from(iat));
    claims.insert("exp".to_owned(), Value::from(exp));
    claims.insert(
        "jti".to_owned(),
        Value::from(uuid::Uuid::now_v7().to_string()),
    );
    let header = Header::new(key.algorithm()).with_kid(kid);
    sign(&Value::Object(claims), key, &header)
}
