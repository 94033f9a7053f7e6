//! The JOSE header and signing of arbitrary claims.

use serde_json::{Map, Value};

use super::algorithm::Algorithm;
use super::base64url;
use super::error::SignError;
use super::key::SigningKey;

/// A JOSE header: `alg`, `kid`, `typ`, and any other members.
///
/// On signing it is written in that order (`alg`, `typ`, `kid`, then the
/// other members). On verification the header returned carries every member
/// of the token's header; members such as `jku`, `x5u`, `jwk` and `x5c`
/// appear in [`Header::extra`] but are never used.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The signature algorithm.
    pub alg: Algorithm,
    /// The key id, which selects the key from a key set.
    pub kid: Option<String>,
    /// The media type; `JWT` for tokens this toolkit mints.
    pub typ: Option<String>,
    /// Every other member.
    pub extra: Map<String, Value>,
}

impl Header {
    /// A header with `alg` and `typ: "JWT"`.
    pub fn new(alg: Algorithm) -> Self {
        Self {
            alg,
            kid: None,
            typ: Some("JWT".to_owned()),
            extra: Map::new(),
        }
    }

    /// Sets the key id.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The header's JSON text, members in the order `alg`, `typ`, `kid`,
    /// then the others.
    fn to_json(&self) -> Result<String, SignError> {
        let mut text = String::with_capacity(64);
        text.push_str(r#"{"alg":"#);
        text.push_str(&Value::from(self.alg.as_str()).to_string());
        if let Some(typ) = &self.typ {
            text.push_str(r#","typ":"#);
            text.push_str(&Value::from(typ.as_str()).to_string());
        }
        if let Some(kid) = &self.kid {
            text.push_str(r#","kid":"#);
            text.push_str(&Value::from(kid.as_str()).to_string());
        }
        for (name, value) in &self.extra {
            if matches!(name.as_str(), "alg" | "typ" | "kid") {
                return Err(SignError::ReservedHeaderMember { name: name.clone() });
            }
            text.push(',');
            text.push_str(&Value::from(name.as_str()).to_string());
            text.push(':');
            text.push_str(&value.to_string());
        }
        text.push('}');
        Ok(text)
    }
}

/// Signs `claims` (a JSON object) with `key` under `header` and returns the
/// compact JWS.
///
/// The claims are signed exactly as given: nothing is added or validated
/// (expired claims sign fine). The header's algorithm must fit the key.
pub fn sign(claims: &Value, key: &SigningKey, header: &Header) -> Result<String, SignError> {
    if !claims.is_object() {
        return Err(SignError::ClaimsNotObject);
    }
    if !header.alg.fits(key.key_type()) {
        return Err(SignError::AlgorithmDoesNotFitKey {
            algorithm: header.alg,
        });
    }
    let header_json = header.to_json()?;
    let claims_json = claims.to_string();
    let mut token = String::with_capacity((header_json.len() + claims_json.len()) * 4 / 3 + 700);
    base64url::encode_into(header_json.as_bytes(), &mut token);
    token.push('.');
    base64url::encode_into(claims_json.as_bytes(), &mut token);
    let signature = key.sign_bytes(header.alg, token.as_bytes())?;
    token.push('.');
    base64url::encode_into(&signature, &mut token);
    Ok(token)
}

/// Signs `signing_input` (the first two segments and their dot) with `key`
/// under `algorithm`, returning the raw signature. For JWS test vectors and
/// tools that build the segments themselves.
pub fn sign_raw(
    signing_input: &[u8],
    key: &SigningKey,
    algorithm: Algorithm,
) -> Result<Vec<u8>, SignError> {
    key.sign_bytes(algorithm, signing_input)
}
