//! `accessKey.parse`: the offline format and checksum check.

use napi::Env;
use napi_derive::napi;

use crate::errors;

/// The parts of a well-formed access key. The wrapper keeps `secret` out of
/// enumeration, `JSON.stringify` and `util.inspect`.
#[napi(object)]
pub struct ParsedAccessKey {
    /// The 22-character key id (the id of the key resource without `key_`).
    pub key_id: String,
    /// The 43-character secret.
    pub secret: String,
    /// The 6-character checksum.
    pub checksum: String,
    /// `ak_` and the first 8 characters of the key id.
    pub key_prefix: String,
}

/// Parses an access key offline; a malformed one is
/// `ERR_LATCHKEY_INVALID_ACCESS_KEY` with its `category`.
#[napi]
pub fn parse_access_key(env: Env, key: String) -> napi::Result<ParsedAccessKey> {
    let parsed =
        latchkey_client::access_key::parse(&key).map_err(|e| errors::access_key(&env, &e))?;
    Ok(ParsedAccessKey {
        key_id: parsed.key_id().to_owned(),
        secret: parsed.secret().to_owned(),
        checksum: parsed.checksum().to_owned(),
        key_prefix: parsed.key_prefix().to_owned(),
    })
}
