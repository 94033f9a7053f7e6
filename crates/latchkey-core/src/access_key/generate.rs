//! Minting a new access key with a secret from the operating system's CSPRNG.

use std::fmt;

use rand::TryCryptoRng;
use rand::rngs::SysRng;
use zeroize::Zeroizing;

use super::{
    AccessKeyFormatError, CHECKSUM_START, KEY_ID_LEN, KEY_ID_START, KEY_LEN, KEY_PREFIX_LEN,
    PREFIX, ParsedAccessKey, SECRET_LEN, SECRET_START, checksum, is_base62,
};

/// Why no access key could be generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// The key id is not exactly 22 base62 characters. The inner error says
    /// which rule failed: [`Empty`](AccessKeyFormatError::Empty),
    /// [`Whitespace`](AccessKeyFormatError::Whitespace),
    /// [`BadCharacter`](AccessKeyFormatError::BadCharacter) or
    /// [`BadLength`](AccessKeyFormatError::BadLength).
    #[error("the key id is not 22 base62 characters")]
    InvalidKeyId(#[source] AccessKeyFormatError),
    /// The operating system's random number generator failed; no key was made.
    #[error("the operating system's random number generator failed")]
    Entropy,
}

/// A freshly generated access key. The full key is shown to its owner once,
/// then dropped: the server keeps only the key id and a hash of the secret.
///
/// The key lives in a buffer that is zeroed when this value is dropped, and
/// its `Debug` shows the key prefix and key id, never the secret.
pub struct GeneratedAccessKey {
    /// The whole key, 74 ASCII characters, well-formed by construction.
    key: Zeroizing<String>,
}

impl GeneratedAccessKey {
    /// The full key (`ak_` + key id + secret + checksum), to return to the
    /// user exactly once, in the `key` field of the creation response.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The 22-character base62 key id it was generated for.
    pub fn key_id(&self) -> &str {
        &self.key[KEY_ID_START..SECRET_START]
    }

    /// The 43-character base62 secret, stored only as its
    /// [`SecretHash::digest`](crate::secret_hash::SecretHash::digest).
    pub fn secret(&self) -> &str {
        &self.key[SECRET_START..CHECKSUM_START]
    }

    /// The 6-character base62 checksum.
    pub fn checksum(&self) -> &str {
        &self.key[CHECKSUM_START..]
    }

    /// The first 11 characters (`ak_` and 8 of the key id), to store and show.
    pub fn key_prefix(&self) -> &str {
        &self.key[..KEY_PREFIX_LEN]
    }

    /// The same key as a [`ParsedAccessKey`] view.
    pub fn as_parsed(&self) -> ParsedAccessKey<'_> {
        ParsedAccessKey { key: &self.key }
    }
}

impl fmt::Debug for GeneratedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedAccessKey")
            .field("key_prefix", &self.key_prefix())
            .field("key_id", &self.key_id())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Generates a new access key for `key_id`, the 22-character base62 part of
/// the access key's resource id.
///
/// The secret is 43 characters, each drawn uniformly from the 62 base62
/// digits with the operating system's CSPRNG (rejection sampling, no modulo
/// bias): about 256.03 bits.
///
/// # Errors
///
/// [`GenerateError::InvalidKeyId`] if `key_id` is not exactly 22 base62
/// characters; [`GenerateError::Entropy`] if the operating system cannot
/// supply random bytes.
pub fn generate(key_id: &str) -> Result<GeneratedAccessKey, GenerateError> {
    generate_with_rng(key_id, &mut SysRng)
}

/// [`generate`] with the random source passed in, so tests can drive it.
fn generate_with_rng<R>(key_id: &str, rng: &mut R) -> Result<GeneratedAccessKey, GenerateError>
where
    R: TryCryptoRng + ?Sized,
{
    check_key_id(key_id).map_err(GenerateError::InvalidKeyId)?;
    let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
    random_base62(rng, secret.as_mut_slice()).map_err(|_| GenerateError::Entropy)?;

    // Reserve the exact size up front: a reallocation would leave a copy of
    // the secret behind in freed memory.
    let mut key = Zeroizing::new(String::with_capacity(KEY_LEN));
    key.push_str(PREFIX);
    key.push_str(key_id);
    key.extend(secret.iter().copied().map(char::from));
    let sum = checksum(key.as_bytes());
    key.extend(sum.iter().copied().map(char::from));
    debug_assert_eq!(key.len(), KEY_LEN);
    debug_assert_eq!(key.capacity(), KEY_LEN);
    Ok(GeneratedAccessKey { key })
}

/// Checks that `key_id` is exactly 22 base62 characters, with the parser's
/// rules and order (minus the prefix).
fn check_key_id(key_id: &str) -> Result<(), AccessKeyFormatError> {
    let bytes = key_id.as_bytes();
    if bytes.is_empty() {
        Err(AccessKeyFormatError::Empty)
    } else if bytes
        .iter()
        .any(|b| matches!(b, b'\t' | b'\n' | b'\r' | b' '))
    {
        Err(AccessKeyFormatError::Whitespace)
    } else if !bytes.iter().all(|&b| is_base62(b)) {
        Err(AccessKeyFormatError::BadCharacter)
    } else if bytes.len() != KEY_ID_LEN {
        Err(AccessKeyFormatError::BadLength)
    } else {
        Ok(())
    }
}

/// Fills `out` with base62 digits drawn uniformly from `rng`.
///
/// Random bytes below 248 = 4 × 62 map onto the 62 digits exactly four times
/// each; bytes 248..=255 are rejected. Which bytes are rejected is the only
/// thing the running time reveals, and they are discarded.
fn random_base62<R>(rng: &mut R, out: &mut [u8]) -> Result<(), R::Error>
where
    R: TryCryptoRng + ?Sized,
{
    const LIMIT: u8 = 4 * 62;
    // One draw is usually enough: 64 bytes give 43 accepted ones unless more
    // than 21 are rejected (each is, with probability 1/32).
    let mut pool = Zeroizing::new([0u8; 64]);
    let mut filled = 0;
    while filled < out.len() {
        rng.try_fill_bytes(pool.as_mut_slice())?;
        for &byte in pool.iter() {
            if filled == out.len() {
                break;
            }
            if byte < LIMIT {
                out[filled] = base62_digit(byte % 62);
                filled += 1;
            }
        }
    }
    Ok(())
}

/// The base62 digit for `value` (below 62), computed without branches or a
/// table lookup indexed by the secret value.
fn base62_digit(value: u8) -> u8 {
    debug_assert!(value < 62);
    // All-ones when `value >= bound`, else zero (no wrap: value < 62).
    let at_least = |bound: u8| 0u8.wrapping_sub(u8::from(value >= bound));
    // '0' + v for v < 10; 'A' + (v - 10) = '0' + v + 7 for 10 <= v < 36;
    // 'a' + (v - 36) = '0' + v + 13 for v >= 36.
    b'0' + value + (at_least(10) & 7) + (at_least(36) & 6)
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use proptest::prelude::*;

    use super::*;
    use crate::access_key::{ALPHABET, parse};

    const KEY_ID: &str = "xSZ9I4IcmbDpxoGtsBDgn8";

    /// A predictable byte source, for tests only.
    struct Script {
        bytes: Vec<u8>,
        next: usize,
    }

    impl Script {
        fn new(bytes: Vec<u8>) -> Self {
            Self { bytes, next: 0 }
        }
    }

    impl rand::TryRng for Script {
        type Error = Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Infallible> {
            unimplemented!("not used by the generator")
        }

        fn try_next_u64(&mut self) -> Result<u64, Infallible> {
            unimplemented!("not used by the generator")
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
            for byte in dst {
                *byte = self.bytes[self.next % self.bytes.len()];
                self.next += 1;
            }
            Ok(())
        }
    }

    impl rand::TryCryptoRng for Script {}

    /// A byte source that always fails, like an OS without entropy.
    struct Broken;

    impl rand::TryRng for Broken {
        type Error = fmt::Error;

        fn try_next_u32(&mut self) -> Result<u32, fmt::Error> {
            Err(fmt::Error)
        }

        fn try_next_u64(&mut self) -> Result<u64, fmt::Error> {
            Err(fmt::Error)
        }

        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), fmt::Error> {
            Err(fmt::Error)
        }
    }

    impl rand::TryCryptoRng for Broken {}

    #[test]
    fn generated_key_parses_back_to_its_parts() {
        let generated = generate(KEY_ID).unwrap();
        let parsed = parse(generated.key()).unwrap();
        assert_eq!(parsed.key_id(), KEY_ID);
        assert_eq!(generated.key_id(), KEY_ID);
        assert_eq!(parsed.secret(), generated.secret());
        assert_eq!(parsed.checksum(), generated.checksum());
        assert_eq!(parsed.key_prefix(), generated.key_prefix());
        assert_eq!(generated.key_prefix(), "ak_xSZ9I4Ic");
        assert_eq!(generated.as_parsed().secret(), generated.secret());
        assert_eq!(generated.secret().len(), SECRET_LEN);
        assert!(generated.secret().bytes().all(is_base62));
    }

    #[test]
    fn secrets_differ_between_keys() {
        let a = generate(KEY_ID).unwrap();
        let b = generate(KEY_ID).unwrap();
        assert_ne!(a.secret(), b.secret());
    }

    #[test]
    fn debug_redacts_the_secret() {
        let generated = generate(KEY_ID).unwrap();
        for shown in [format!("{generated:?}"), format!("{generated:#?}")] {
            assert!(shown.contains(generated.key_prefix()), "{shown}");
            assert!(shown.contains(KEY_ID), "{shown}");
            assert!(!shown.contains(&generated.secret()[..8]), "{shown}");
            assert!(!shown.contains(&generated.secret()[30..]), "{shown}");
        }
    }

    #[test]
    fn key_id_must_be_22_base62_characters() {
        let cases = [
            ("", AccessKeyFormatError::Empty),
            (" xSZ9I4IcmbDpxoGtsBDgn8", AccessKeyFormatError::Whitespace),
            ("xSZ9I4IcmbDpxoGtsBDgn8\n", AccessKeyFormatError::Whitespace),
            ("xSZ9I4Icmb-pxoGtsBDgn8", AccessKeyFormatError::BadCharacter),
            ("ak_xSZ9I4IcmbDpxoGtsBD", AccessKeyFormatError::BadCharacter),
            (
                "xSZ9I4IcmbDpxoGtsBDgn\u{430}",
                AccessKeyFormatError::BadCharacter,
            ),
            ("xSZ9I4IcmbDpxoGtsBDgn", AccessKeyFormatError::BadLength),
            ("xSZ9I4IcmbDpxoGtsBDgn80", AccessKeyFormatError::BadLength),
        ];
        for (key_id, expected) in cases {
            let err = generate(key_id).unwrap_err();
            assert_eq!(err, GenerateError::InvalidKeyId(expected), "{key_id:?}");
        }
    }

    #[test]
    fn digit_mapping_is_the_alphabet() {
        for value in 0..62u8 {
            assert_eq!(base62_digit(value), ALPHABET[usize::from(value)], "{value}");
        }
    }

    #[test]
    fn every_digit_is_reached_by_exactly_four_accepted_bytes() {
        // Feeding every byte value twice must give each digit the same
        // weight: 248 bytes accepted per round, 4 per digit, 248..=255
        // rejected. A bias towards the first 8 digits would show here.
        let mut out = [0u8; 2 * 248];
        random_base62(&mut Script::new((0..=255).collect()), &mut out).unwrap();
        for &digit in ALPHABET {
            let count = out.iter().filter(|&&d| d == digit).count();
            assert_eq!(count, 8, "{}", char::from(digit));
        }
    }

    #[test]
    fn bytes_from_248_up_are_rejected() {
        // A first draw made only of the bytes 248..=255, then 0, 1, 2, ...
        let mut bytes: Vec<u8> = (248..=255).cycle().take(64).collect();
        bytes.extend(0..64);
        let generated = generate_with_rng(KEY_ID, &mut Script::new(bytes)).unwrap();
        assert_eq!(generated.secret().as_bytes(), &ALPHABET[..SECRET_LEN]);
        assert!(parse(generated.key()).is_ok());
    }

    #[test]
    fn rejected_bytes_inside_a_draw_are_skipped() {
        let bytes: Vec<u8> = (0..128u8)
            .map(|i| if i % 2 == 0 { 250 } else { i / 2 })
            .collect();
        let generated = generate_with_rng(KEY_ID, &mut Script::new(bytes)).unwrap();
        assert_eq!(generated.secret().as_bytes(), &ALPHABET[..SECRET_LEN]);
    }

    #[test]
    fn rng_failure_is_an_error_not_a_weak_key() {
        assert_eq!(
            generate_with_rng(KEY_ID, &mut Broken).unwrap_err(),
            GenerateError::Entropy
        );
    }

    #[test]
    fn error_messages_name_no_input() {
        let err = generate("xSZ9I4Icmb-pxoGtsBDgn8").unwrap_err();
        assert!(!err.to_string().contains("xSZ9"), "{err}");
        assert!(std::error::Error::source(&err).is_some());
    }

    fn key_id() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET.as_slice()), KEY_ID_LEN)
            .prop_map(|digits| String::from_utf8(digits).unwrap())
    }

    proptest! {
        #[test]
        fn generated_keys_always_parse_back(key_id in key_id()) {
            let generated = generate(&key_id).unwrap();
            let parsed = parse(generated.key()).unwrap();
            prop_assert_eq!(parsed.key_id(), key_id.as_str());
            prop_assert_eq!(parsed.secret(), generated.secret());
            prop_assert_eq!(parsed.checksum(), generated.checksum());
            prop_assert_eq!(parsed.key_prefix(), &generated.key()[..KEY_PREFIX_LEN]);
        }

        #[test]
        fn any_single_character_change_is_a_bad_checksum(
            key_id in key_id(),
            index in KEY_ID_START..KEY_LEN,
            shift in 1..62usize,
        ) {
            let generated = generate(&key_id).unwrap();
            let mut bytes = generated.key().as_bytes().to_vec();
            let current = ALPHABET.iter().position(|&d| d == bytes[index]).unwrap();
            bytes[index] = ALPHABET[(current + shift) % 62];
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_ne!(changed.as_str(), generated.key());
            prop_assert_eq!(parse(&changed).unwrap_err(), AccessKeyFormatError::BadChecksum);
        }
    }
}
