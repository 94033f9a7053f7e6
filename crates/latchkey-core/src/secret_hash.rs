//! How an access key's secret is kept: a SHA-256 digest of the secret,
//! tagged with its scheme (`sha256:` and 64 lowercase hexadecimal digits),
//! compared in constant time.
//!
//! A secret is 256 bits from the operating system's CSPRNG: its digest can
//! be neither reversed nor guessed, so a slow password hash would protect
//! nothing and would cost about 20 ms of CPU and 19 MiB per cold check (and
//! as much per creation). A digest costs about a microsecond, so it is made
//! and checked inline. argon2id ([`crate::argon2id`]) is for what people
//! choose: user passwords.
//!
//! Records written before keep their argon2id PHC string
//! ([`SecretHash::Argon2id`]). Such a hash is checked with argon2id once,
//! and the server then stores the digest in its place.
//!
//! ```
//! use latchkey_core::access_key;
//! use latchkey_core::secret_hash::{SecretHash, verify_secret};
//!
//! let key = access_key::generate("xSZ9I4IcmbDpxoGtsBDgn8")?;
//! let stored = SecretHash::digest(key.secret());
//! // Later, when the key is presented:
//! let presented = access_key::parse(key.key())?;
//! assert!(verify_secret(presented.secret(), &stored));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use aws_lc_rs::digest::{SHA256, SHA256_OUTPUT_LEN, digest};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::argon2id::{Argon2idHash, HashError, verify_argon2id};

/// The tag in front of a stored digest: its scheme.
pub const SHA256_TAG: &str = "sha256:";

/// The SHA-256 digest of an access key's secret.
///
/// Compared in constant time, wiped when dropped, and never shown by
/// `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretDigest([u8; SHA256_OUTPUT_LEN]);

impl SecretDigest {
    /// The digest of `secret`.
    pub fn of(secret: &str) -> Self {
        let mut bytes = [0u8; SHA256_OUTPUT_LEN];
        bytes.copy_from_slice(digest(&SHA256, secret.as_bytes()).as_ref());
        SecretDigest(bytes)
    }

    /// Whether `secret` is the one this digest was made from, compared in
    /// constant time. About a microsecond: call it inline.
    pub fn matches(&self, secret: &str) -> bool {
        *self == Self::of(secret)
    }

    /// Reads the 64 lowercase hexadecimal digits after the tag.
    fn from_hex(hex: &str) -> Result<Self, SecretHashError> {
        let hex = hex.as_bytes();
        if hex.len() != 2 * SHA256_OUTPUT_LEN {
            return Err(SecretHashError::MalformedDigest);
        }
        let mut bytes = [0u8; SHA256_OUTPUT_LEN];
        for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
            let high = hex_value(pair[0]).ok_or(SecretHashError::MalformedDigest)?;
            let low = hex_value(pair[1]).ok_or(SecretHashError::MalformedDigest)?;
            *byte = (high << 4) | low;
        }
        Ok(SecretDigest(bytes))
    }

    /// `sha256:` and the digest in lowercase hexadecimal.
    fn to_tagged(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut tagged = String::with_capacity(SHA256_TAG.len() + 2 * SHA256_OUTPUT_LEN);
        tagged.push_str(SHA256_TAG);
        for byte in &self.0 {
            tagged.push(char::from(DIGITS[usize::from(byte >> 4)]));
            tagged.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        tagged
    }
}

/// The value of a lowercase hexadecimal digit (uppercase is refused, so that
/// a digest has exactly one written form).
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

impl PartialEq for SecretDigest {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SecretDigest {}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(sha256:…)")
    }
}

/// What is stored of an access key's secret.
///
/// Serialized as one string: `sha256:<64 lowercase hex digits>` for a
/// digest, the PHC string (`$argon2id$v=19$…`) for a legacy hash, so that
/// records written before the digest still read. `Debug` shows the scheme,
/// never the digest, salt or output.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretHash {
    /// The SHA-256 digest of the secret: how every key is stored now.
    Sha256(SecretDigest),
    /// An argon2id hash written by an earlier version, replaced by the
    /// digest on the key's first successful use.
    Argon2id(Argon2idHash),
}

impl SecretHash {
    /// What to store for a new key's `secret`: its digest.
    pub fn digest(secret: &str) -> Self {
        SecretHash::Sha256(SecretDigest::of(secret))
    }

    /// Reads a stored hash in either form.
    ///
    /// # Errors
    ///
    /// [`SecretHashError::MalformedDigest`] for `sha256:` not followed by 64
    /// lowercase hexadecimal digits; [`SecretHashError::Argon2id`] for any
    /// other string that is not a well-formed argon2id PHC string. No error
    /// quotes the input.
    pub fn parse(stored: &str) -> Result<Self, SecretHashError> {
        match stored.strip_prefix(SHA256_TAG) {
            Some(hex) => SecretDigest::from_hex(hex).map(SecretHash::Sha256),
            None => Ok(SecretHash::Argon2id(Argon2idHash::from_phc(
                stored.to_owned(),
            )?)),
        }
    }

    /// Whether this is an argon2id hash of an earlier version, to be
    /// verified off the reactor and then replaced by the digest.
    pub fn is_legacy(&self) -> bool {
        matches!(self, SecretHash::Argon2id(_))
    }

    /// The stored form (see the type's documentation).
    pub fn to_stored(&self) -> String {
        match self {
            SecretHash::Sha256(digest) => digest.to_tagged(),
            SecretHash::Argon2id(hash) => hash.as_str().to_owned(),
        }
    }
}

impl fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretHash::Sha256(_) => f.write_str("SecretHash(sha256:…)"),
            SecretHash::Argon2id(hash) => f.debug_tuple("SecretHash").field(hash).finish(),
        }
    }
}

impl serde::Serialize for SecretHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_stored())
    }
}

impl<'de> serde::Deserialize<'de> for SecretHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = String::deserialize(deserializer)?;
        Self::parse(&stored).map_err(serde::de::Error::custom)
    }
}

/// Why a stored secret hash was refused. No variant carries the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretHashError {
    /// `sha256:` not followed by exactly 64 lowercase hexadecimal digits.
    #[error("not a secret digest: `sha256:` and 64 lowercase hexadecimal digits are expected")]
    MalformedDigest,
    /// Neither a digest nor a well-formed argon2id PHC string.
    #[error("not a secret hash (`sha256:…` or an argon2id PHC string): {0}")]
    Argon2id(#[from] HashError),
}

/// Whether `secret` is the one `hash` was made from, compared in constant
/// time.
///
/// A digest takes about a microsecond. A legacy argon2id hash takes one
/// argon2id run (about 20 ms of CPU and 19 MiB): a server matches on
/// [`SecretHash`] and runs that one on its blocking pool, under a bound.
pub fn verify_secret(secret: &str, hash: &SecretHash) -> bool {
    match hash {
        SecretHash::Sha256(digest) => digest.matches(secret),
        SecretHash::Argon2id(hash) => verify_argon2id(secret, hash),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::argon2id::{HashParams, hash_argon2id};

    const SECRET: &str = "afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg";
    /// `sha256sum` of SECRET's bytes, computed outside Rust.
    const SECRET_SHA256: &str = "203dbc16f0a5cc85b54c5c8e4a1b38dc0ade8640e23df53658fb0a62e0c78200";

    #[test]
    fn the_digest_is_plain_sha256_of_the_secret_tagged_with_its_scheme() {
        let stored = SecretHash::digest(SECRET);
        assert_eq!(stored.to_stored(), format!("sha256:{SECRET_SHA256}"));
        assert!(!stored.is_legacy());
        assert!(!stored.to_stored().contains(SECRET));
    }

    #[test]
    fn right_secret_matches_and_wrong_ones_do_not() {
        let stored = SecretHash::digest(SECRET);
        assert!(verify_secret(SECRET, &stored));
        assert!(!verify_secret("", &stored));
        assert!(!verify_secret(&SECRET[..42], &stored));
        assert!(!verify_secret(&format!("{SECRET}0"), &stored));
        assert!(!verify_secret(&SECRET.to_ascii_uppercase(), &stored));
    }

    #[test]
    fn both_forms_read_back_as_written() {
        let digest = SecretHash::digest(SECRET);
        let legacy = SecretHash::Argon2id(hash_argon2id(SECRET, &HashParams::default()).unwrap());
        for stored in [digest, legacy] {
            let json = serde_json::to_string(&stored).unwrap();
            assert_eq!(json, serde_json::to_string(&stored.to_stored()).unwrap());
            let back: SecretHash = serde_json::from_str(&json).unwrap();
            assert_eq!(back, stored);
            assert_eq!(back.to_stored(), stored.to_stored());
            assert!(verify_secret(SECRET, &back));
        }
    }

    #[test]
    fn an_argon2id_phc_string_as_written_before_reads_as_legacy_and_verifies() {
        // The exact form earlier versions stored (their `hash_secret`).
        let phc = hash_argon2id(SECRET, &HashParams::default())
            .unwrap()
            .into_string();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let stored: SecretHash = serde_json::from_value(serde_json::json!(phc)).unwrap();
        assert!(stored.is_legacy());
        assert!(verify_secret(SECRET, &stored));
        assert!(!verify_secret("wrong", &stored));
        assert_eq!(stored.to_stored(), phc);
    }

    #[test]
    fn malformed_digests_and_other_schemes_are_refused_without_quoting_them() {
        let good = format!("sha256:{SECRET_SHA256}");
        assert!(SecretHash::parse(&good).is_ok());
        let cases = [
            format!("sha256:{}", SECRET_SHA256.to_ascii_uppercase()),
            format!("sha256:{}", &SECRET_SHA256[..63]),
            format!("sha256:{SECRET_SHA256}0"),
            format!("sha256:{}g", &SECRET_SHA256[..63]),
            format!("sha256: {}", &SECRET_SHA256[..63]),
            format!("SHA256:{SECRET_SHA256}"),
            format!("sha512:{SECRET_SHA256}"),
            SECRET_SHA256.to_owned(),
            "sha256:".to_owned(),
            String::new(),
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g".to_owned(),
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".to_owned(),
        ];
        for bad in &cases {
            let error = SecretHash::parse(bad).unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains(&SECRET_SHA256[..16]), "{shown}");
            let from_json = serde_json::from_value::<SecretHash>(serde_json::json!(bad));
            assert!(from_json.is_err(), "{bad}");
        }
        assert_eq!(
            SecretHash::parse(&cases[0]),
            Err(SecretHashError::MalformedDigest)
        );
        assert!(serde_json::from_str::<SecretHash>("42").is_err());
    }

    #[test]
    fn debug_never_shows_the_digest() {
        let stored = SecretHash::digest(SECRET);
        assert_eq!(format!("{stored:?}"), "SecretHash(sha256:…)");
        let SecretHash::Sha256(digest) = &stored else {
            unreachable!()
        };
        assert_eq!(format!("{digest:?}"), "SecretDigest(sha256:…)");
        assert!(!format!("{stored:#?}").contains(&SECRET_SHA256[..8]));
        let legacy = SecretHash::Argon2id(hash_argon2id(SECRET, &HashParams::default()).unwrap());
        assert_eq!(
            format!("{legacy:?}"),
            "SecretHash(Argon2idHash($argon2id$v=19$m=19456,t=2,p=1$…))"
        );
    }

    #[test]
    fn equality_is_by_value_and_the_forms_differ() {
        assert_eq!(SecretHash::digest(SECRET), SecretHash::digest(SECRET));
        assert_ne!(SecretHash::digest(SECRET), SecretHash::digest("other"));
        let legacy = SecretHash::Argon2id(hash_argon2id(SECRET, &HashParams::default()).unwrap());
        assert_ne!(legacy, SecretHash::digest(SECRET));
        assert_eq!(legacy, legacy.clone());
    }
}
