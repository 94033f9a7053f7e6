//! `AccessKey.parse`: the offline format and checksum check of an access
//! key (`ak_…`), with one `AccessKeyException` per category of the shared
//! vectors.

use std::fmt;
use std::sync::Arc;

use latchkey_client::access_key::{self, AccessKeyFormatError};
use zeroize::Zeroizing;

/// Why a string is not a well-formed access key, decided in this order
/// (the first rule that matches). Messages never contain the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum AccessKeyError {
    /// The string is empty.
    #[error("{}", AccessKeyFormatError::Empty)]
    Empty,
    /// TAB, LF, CR or SPACE somewhere; nothing is trimmed.
    #[error("{}", AccessKeyFormatError::Whitespace)]
    Whitespace,
    /// It does not start with `ak_`.
    #[error("{}", AccessKeyFormatError::BadPrefix)]
    BadPrefix,
    /// A character after `ak_` is not a base62 digit.
    #[error("{}", AccessKeyFormatError::BadCharacter)]
    BadCharacter,
    /// Not 74 characters.
    #[error("{}", AccessKeyFormatError::BadLength)]
    BadLength,
    /// The checksum does not match: mistyped or altered.
    #[error("{}", AccessKeyFormatError::BadChecksum)]
    BadChecksum,
}

impl From<AccessKeyFormatError> for AccessKeyError {
    fn from(error: AccessKeyFormatError) -> Self {
        match error {
            AccessKeyFormatError::Empty => AccessKeyError::Empty,
            AccessKeyFormatError::Whitespace => AccessKeyError::Whitespace,
            AccessKeyFormatError::BadPrefix => AccessKeyError::BadPrefix,
            AccessKeyFormatError::BadCharacter => AccessKeyError::BadCharacter,
            AccessKeyFormatError::BadLength => AccessKeyError::BadLength,
            AccessKeyFormatError::BadChecksum => AccessKeyError::BadChecksum,
        }
    }
}

/// A well-formed access key, split into its parts. Its text form shows the
/// key id and prefix only, never the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct ParsedAccessKey {
    key_id: String,
    secret: Zeroizing<String>,
    checksum: String,
    key_prefix: String,
}

impl fmt::Display for ParsedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ParsedAccessKey(keyId={}, keyPrefix={})",
            self.key_id, self.key_prefix
        )
    }
}

impl fmt::Debug for ParsedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl ParsedAccessKey {
    /// The 22 base62 digits after `ak_` (the body of the key's `key_…` id).
    pub fn key_id(&self) -> String {
        self.key_id.clone()
    }

    /// The 43-digit secret. A secret: never log it.
    pub fn secret(&self) -> String {
        self.secret.to_string()
    }

    /// The 6-digit checksum.
    pub fn checksum(&self) -> String {
        self.checksum.clone()
    }

    /// `ak_` and the first 8 digits of the key id, as the API's `key_prefix`.
    pub fn key_prefix(&self) -> String {
        self.key_prefix.clone()
    }
}

/// Parses an access key offline: format and checksum, no request.
#[uniffi::export]
pub fn access_key_parse(key: String) -> Result<Arc<ParsedAccessKey>, AccessKeyError> {
    let key = Zeroizing::new(key);
    let parsed = access_key::parse(&key)?;
    Ok(Arc::new(ParsedAccessKey {
        key_id: parsed.key_id().to_owned(),
        secret: Zeroizing::new(parsed.secret().to_owned()),
        checksum: parsed.checksum().to_owned(),
        key_prefix: parsed.key_prefix().to_owned(),
    }))
}
