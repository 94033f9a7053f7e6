//! The access-key string: its format, offline parsing and generation.
//!
//! An access key is `ak_` + a 22-character base62 key id + a 43-character
//! base62 secret + a 6-character base62 CRC-32 checksum, 74 ASCII characters
//! in all (see the contract, "Credentials → Access key"):
//!
//! ```text
//! ak_xSZ9I4IcmbDpxoGtsBDgn8afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg3UsVZV
//! └┬┘└────────┬─────────┘└────────────────────┬────────────────────┘└─┬──┘
//! prefix    key id                          secret                checksum
//! ```
//!
//! Base62 digits are `0-9A-Za-z`, in that order. The checksum is the CRC-32
//! (IEEE, as zlib's `crc32`) of everything before it, `ak_` included, written
//! in base62, most significant digit first, left-padded with `0` to 6
//! characters. It lets SDKs and secret scanners reject a mistyped key offline;
//! it proves nothing about the key's validity, which only the server decides.
//!
//! [`parse`] classifies every malformed string into exactly one
//! [`AccessKeyFormatError`], with the rules and order pinned by the shared
//! test vectors (`tests/vectors/access_keys.json`). [`generate`] mints a new
//! key for a key id with a secret drawn from the operating system's CSPRNG.

mod error;
mod generate;
mod parse;

pub use error::AccessKeyFormatError;
pub use generate::{GenerateError, GeneratedAccessKey, generate};
pub use parse::{ParsedAccessKey, parse};

/// The prefix every access key starts with.
pub const PREFIX: &str = "ak_";
/// Number of base62 characters in the key id.
pub const KEY_ID_LEN: usize = 22;
/// Number of base62 characters in the secret (43 × log2(62) ≈ 256.03 bits).
pub const SECRET_LEN: usize = 43;
/// Number of base62 characters in the checksum.
pub const CHECKSUM_LEN: usize = 6;
/// Total length of an access key, in characters (all ASCII, so also bytes).
pub const KEY_LEN: usize = PREFIX.len() + KEY_ID_LEN + SECRET_LEN + CHECKSUM_LEN;
/// Length of the `key_prefix`: `ak_` and the first 8 characters of the key
/// id, enough to recognise a key in a list and useless to an attacker.
pub const KEY_PREFIX_LEN: usize = PREFIX.len() + 8;
/// The base62 alphabet, in digit order.
pub const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const KEY_ID_START: usize = PREFIX.len();
const SECRET_START: usize = KEY_ID_START + KEY_ID_LEN;
const CHECKSUM_START: usize = SECRET_START + SECRET_LEN;

/// Whether `byte` is one of the 62 base62 digits.
const fn is_base62(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
}

/// The checksum of `body` (prefix + key id + secret): its CRC-32 in base62,
/// most significant digit first, left-padded with `0` to 6 digits.
///
/// 62^6 > 2^32, so every CRC-32 fits in 6 digits.
fn checksum(body: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut crc = u64::from(crc32fast::hash(body));
    let mut digits = [b'0'; CHECKSUM_LEN];
    for digit in digits.iter_mut().rev() {
        // `crc % 62` is below 62, so the index is in bounds and the cast exact.
        *digit = ALPHABET[(crc % 62) as usize];
        crc /= 62;
    }
    debug_assert_eq!(crc, 0);
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_add_up_to_the_contract() {
        assert_eq!(KEY_LEN, 74);
        assert_eq!(KEY_PREFIX_LEN, 11);
        assert_eq!((KEY_ID_START, SECRET_START, CHECKSUM_START), (3, 25, 68));
    }

    #[test]
    fn alphabet_is_base62_in_digit_order() {
        let expected: Vec<u8> = (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .collect();
        assert_eq!(ALPHABET.as_slice(), expected.as_slice());
        for byte in 0..=u8::MAX {
            assert_eq!(is_base62(byte), ALPHABET.contains(&byte), "byte {byte}");
        }
    }

    #[test]
    fn secret_carries_at_least_256_bits() {
        let bits = SECRET_LEN as f64 * 62f64.log2();
        assert!(bits >= 256.0, "{bits}");
    }

    #[test]
    fn checksum_pads_and_orders_digits() {
        // CRC values from the shared vectors: 0, 61, 62, 2^32 - 1.
        let cases: [(&str, &str); 4] = [
            (
                "ak_6vWjpu33a0Piq4ONrjGlDXDPZ7YE4qKwlfzleUxcBXZCoiguw7FP8E1Gj10W8eRqH",
                "000000",
            ),
            (
                "ak_imR2ayUWlTcEtCodLWkra2h7hvldHPg8QUYzSQVgVmAc2o1FU3CaQflvu5eX71jLw",
                "00000z",
            ),
            (
                "ak_iM97J1uoMl6D7bDJcmeQHKbQAkWxOhdADc3DSsbJPv6IeH6UbuxoEbKnEXOpgX2Da",
                "000010",
            ),
            (
                "ak_rTRSMz84MuHHeiOEKoXSKn8ENkdByQf76q7YtYvRpe3bmkaAkxDsz0fNAa9BQ7gMj",
                "4gfFC3",
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(checksum(body.as_bytes()), expected.as_bytes(), "{body}");
        }
    }

    #[test]
    fn checksum_agrees_with_the_base62_crate() {
        let body = b"ak_xSZ9I4IcmbDpxoGtsBDgn8afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg";
        let crc = crc32fast::hash(body);
        let expected = format!("{:0>6}", base62::encode(crc));
        assert_eq!(checksum(body), expected.as_bytes());
        assert_eq!(expected, "3UsVZV");
    }
}
