//! Resource ids: a readable type prefix and a UUIDv7 written as 22 base62
//! digits.
//!
//! UUIDv7 starts with the creation time in milliseconds and base62 digits
//! (`0-9A-Za-z`) sort in ASCII order, so ids sort by creation time both as
//! numbers and as strings: `order=ASC` is creation order and an `after`
//! cursor stays valid however the list changes. The access key's id doubles
//! as the key-id part of the secret key string (`ak_<22 digits>…`).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of base62 digits in an id body; `u128::MAX` needs exactly 22.
pub const ID_BODY_LENGTH: usize = 22;

/// The kind of resource an [`Id`] names.
pub trait IdKind: 'static {
    /// Readable prefix, including its trailing underscore (`app_`).
    const PREFIX: &'static str;
    /// The resource name used in error messages (`application`).
    const NAME: &'static str;
}

/// A typed resource id.
pub struct Id<K: IdKind> {
    value: u128,
    kind: PhantomData<fn() -> K>,
}

/// Why a string is not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The prefix names another kind of resource, or is missing.
    #[error("expected an id starting with `{expected}`")]
    WrongPrefix {
        /// The prefix the caller expected.
        expected: &'static str,
    },
    /// The body is not 22 base62 digits within 128 bits.
    #[error("malformed id: expected `{prefix}` followed by 22 base62 characters")]
    Malformed {
        /// The prefix of the expected kind.
        prefix: &'static str,
    },
}

impl<K: IdKind> Id<K> {
    /// A new id for a resource created now (UUIDv7: time-ordered, random tail).
    pub fn generate() -> Self {
        Self::from_u128(uuid::Uuid::now_v7().as_u128())
    }

    /// The id with this numeric value.
    pub const fn from_u128(value: u128) -> Self {
        Self {
            value,
            kind: PhantomData,
        }
    }

    /// The numeric value; big-endian bytes of it sort like the id.
    pub const fn as_u128(&self) -> u128 {
        self.value
    }

    /// The 22 base62 digits after the prefix.
    pub fn body(&self) -> String {
        encode_body(self.value)
    }

    /// Parses the 22-digit body alone (no prefix), as found inside an access key.
    pub fn from_body(body: &str) -> Result<Self, IdError> {
        decode_body(body)
            .map(Self::from_u128)
            .ok_or(IdError::Malformed { prefix: K::PREFIX })
    }
}

fn encode_body(value: u128) -> String {
    let digits = base62::encode(value);
    let mut body = String::with_capacity(ID_BODY_LENGTH);
    for _ in digits.len()..ID_BODY_LENGTH {
        body.push('0');
    }
    body.push_str(&digits);
    body
}

fn decode_body(body: &str) -> Option<u128> {
    if body.len() != ID_BODY_LENGTH || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    base62::decode(body).ok()
}

impl<K: IdKind> FromStr for Id<K> {
    type Err = IdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let body = text.strip_prefix(K::PREFIX).ok_or(IdError::WrongPrefix {
            expected: K::PREFIX,
        })?;
        Self::from_body(body)
    }
}

impl<K: IdKind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(K::PREFIX)?;
        f.write_str(&encode_body(self.value))
    }
}

impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

// Manual impls: derives would demand the same traits of the marker type.
impl<K: IdKind> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: IdKind> Copy for Id<K> {}
impl<K: IdKind> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<K: IdKind> Eq for Id<K> {}
impl<K: IdKind> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: IdKind> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}
impl<K: IdKind> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<K: IdKind> From<Id<K>> for u128 {
    fn from(id: Id<K>) -> u128 {
        id.value
    }
}

impl<K: IdKind> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, K: IdKind> Deserialize<'de> for Id<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

macro_rules! id_kinds {
    ($($(#[$doc:meta])* $alias:ident, $kind:ident, $prefix:literal, $name:literal;)*) => {$(
        #[doc = concat!("Marker for ids of ", $name, "s.")]
        #[derive(Debug)]
        pub enum $kind {}
        impl IdKind for $kind {
            const PREFIX: &'static str = $prefix;
            const NAME: &'static str = $name;
        }
        $(#[$doc])*
        pub type $alias = Id<$kind>;
    )*};
}

id_kinds! {
    /// Id of an account (a team, a tenant).
    AccountId, AccountKind, "acc_", "account";
    /// Id of a user of an account.
    UserId, UserKind, "usr_", "user";
    /// Id of a policy group.
    PolicyGroupId, PolicyGroupKind, "grp_", "policy group";
    /// Id of an application.
    ApplicationId, ApplicationKind, "app_", "application";
    /// Id of an access key; its body is the key-id part of the key string.
    AccessKeyId, AccessKeyKind, "key_", "access key";
    /// Id of a JWT key; it is the `kid` of the tokens the key signs.
    JwtKeyId, JwtKeyKind, "jwk_", "JWT key";
    /// Id of a console session (not its secret: the cookie holds a token).
    SessionId, SessionKind, "ses_", "session";
    /// Id of an audit-log record; its order is the log's.
    AuditRecordId, AuditRecordKind, "aud_", "audit record";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let id = ApplicationId::generate();
        let text = id.to_string();
        assert!(text.starts_with("app_"));
        assert_eq!(text.len(), 4 + ID_BODY_LENGTH);
        assert_eq!(text.parse::<ApplicationId>().unwrap(), id);
    }

    #[test]
    fn extreme_values_round_trip_with_fixed_width() {
        for value in [0, 1, 61, 62, u128::MAX] {
            let id = UserId::from_u128(value);
            assert_eq!(id.body().len(), ID_BODY_LENGTH);
            assert_eq!(id.to_string().parse::<UserId>().unwrap().as_u128(), value);
        }
    }

    #[test]
    fn string_order_is_numeric_order() {
        let mut values = [5u128, 62, 3_843, 1 << 100, u128::MAX, 0, 1 << 64];
        let mut texts: Vec<String> = values
            .iter()
            .map(|v| AccountId::from_u128(*v).to_string())
            .collect();
        values.sort();
        texts.sort();
        let sorted: Vec<String> = values
            .iter()
            .map(|v| AccountId::from_u128(*v).to_string())
            .collect();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn generated_ids_increase() {
        let ids: Vec<AccessKeyId> = (0..1000).map(|_| AccessKeyId::generate()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn wrong_prefix_and_malformed_bodies_are_refused() {
        let app = ApplicationId::generate().to_string();
        assert_eq!(
            app.parse::<UserId>(),
            Err(IdError::WrongPrefix { expected: "usr_" })
        );
        for bad in [
            "app_",
            "app_123",
            "app_zzzzzzzzzzzzzzzzzzzzzz",
            "app_00000000000000000000-0",
        ] {
            assert!(
                matches!(bad.parse::<ApplicationId>(), Err(IdError::Malformed { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn serde_uses_the_display_form() {
        let id = JwtKeyId::generate();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<JwtKeyId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<JwtKeyId>("\"app_0000000000000000000001\"").is_err());
    }
}
