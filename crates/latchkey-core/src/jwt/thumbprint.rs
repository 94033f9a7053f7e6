//! RFC 7638 JWK thumbprints: SHA-256 over the key's required members in
//! lexicographic order, as unpadded base64url.

use aws_lc_rs::digest;
use serde_json::Value;

use super::base64url;
use super::error::KeyError;
use super::key::VerifyingKey;

/// The required members of each key type, in lexicographic order.
fn required_members(kty: &str) -> Option<&'static [&'static str]> {
    match kty {
        "EC" => Some(&["crv", "kty", "x", "y"]),
        "OKP" => Some(&["crv", "kty", "x"]),
        "RSA" => Some(&["e", "kty", "n"]),
        _ => None,
    }
}

/// The exact JSON text RFC 7638 hashes for `jwk`: its required members, in
/// lexicographic order, without whitespace. Other members (`kid`, `alg`,
/// `d`, ...) do not count.
pub fn canonical_jwk(jwk: &Value) -> Result<String, KeyError> {
    let object = jwk
        .as_object()
        .ok_or(KeyError::jwk("a JWK must be a JSON object"))?;
    let kty = object
        .get("kty")
        .and_then(Value::as_str)
        .ok_or(KeyError::jwk("a JWK needs a string `kty`"))?;
    let members = required_members(kty).ok_or_else(|| KeyError::UnsupportedKeyType {
        key_type: kty.to_owned(),
    })?;
    let mut text = String::from("{");
    for (index, name) in members.iter().enumerate() {
        let value = object
            .get(*name)
            .and_then(Value::as_str)
            .ok_or(KeyError::jwk("a required JWK member is missing"))?;
        if index > 0 {
            text.push(',');
        }
        // serde_json writes a JSON string literal with the escapes RFC 7638
        // requires (none occur in base64url or the registered names).
        text.push_str(&Value::from(*name).to_string());
        text.push(':');
        text.push_str(&Value::from(value).to_string());
    }
    text.push('}');
    Ok(text)
}

/// The RFC 7638 SHA-256 thumbprint of a JWK, as unpadded base64url.
pub fn jwk_thumbprint(jwk: &Value) -> Result<String, KeyError> {
    let canonical = canonical_jwk(jwk)?;
    Ok(base64url::encode(
        digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref(),
    ))
}

impl VerifyingKey {
    /// The RFC 7638 SHA-256 thumbprint of this key (unpadded base64url).
    pub fn thumbprint(&self) -> String {
        jwk_thumbprint(&Value::Object(self.to_jwk()))
            .expect("an exported JWK has every required member")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc7638_example() {
        // RFC 7638 section 3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            jwk_thumbprint(&jwk).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn only_required_members_count() {
        let bare = json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        let decorated = json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            "kid": "k", "alg": "EdDSA", "use": "sig", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"});
        assert_eq!(
            canonical_jwk(&bare).unwrap(),
            r#"{"crv":"Ed25519","kty":"OKP","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#
        );
        assert_eq!(jwk_thumbprint(&bare), jwk_thumbprint(&decorated));
    }

    #[test]
    fn refuses_incomplete_or_unknown_keys() {
        assert!(matches!(
            jwk_thumbprint(&json!({"kty": "EC", "crv": "P-256", "x": "AA"})),
            Err(KeyError::InvalidJwk { .. })
        ));
        assert!(matches!(
            jwk_thumbprint(&json!({"kty": "oct", "k": "AA"})),
            Err(KeyError::UnsupportedKeyType { .. })
        ));
        assert!(jwk_thumbprint(&json!("not an object")).is_err());
    }
}
