//! Offline parsing of an access-key string into its parts.

use std::fmt;

use super::{
    AccessKeyFormatError, CHECKSUM_START, KEY_ID_START, KEY_LEN, KEY_PREFIX_LEN, PREFIX,
    SECRET_START, checksum, is_base62,
};

/// A well-formed access key, borrowed from the string it was parsed from.
///
/// Well-formed means only that the checksum matches: whether the key exists,
/// is active and holds the right secret is for the server to decide.
///
/// Its `Debug` shows the key prefix and key id, never the secret.
#[derive(Clone, Copy)]
pub struct ParsedAccessKey<'a> {
    /// The whole key; `parse` checked that it is 74 ASCII characters.
    pub(super) key: &'a str,
}

impl<'a> ParsedAccessKey<'a> {
    /// The 22-character base62 key id (the key's resource id without its
    /// type prefix): how the server finds the key.
    pub fn key_id(&self) -> &'a str {
        &self.key[KEY_ID_START..SECRET_START]
    }

    /// The 43-character base62 secret. Handle with care: never log it.
    pub fn secret(&self) -> &'a str {
        &self.key[SECRET_START..CHECKSUM_START]
    }

    /// The 6-character base62 checksum.
    pub fn checksum(&self) -> &'a str {
        &self.key[CHECKSUM_START..]
    }

    /// The first 11 characters (`ak_` and 8 of the key id): safe to show and
    /// log, enough to recognise the key in a list.
    pub fn key_prefix(&self) -> &'a str {
        &self.key[..KEY_PREFIX_LEN]
    }
}

impl fmt::Debug for ParsedAccessKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAccessKey")
            .field("key_prefix", &self.key_prefix())
            .field("key_id", &self.key_id())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Checks the format of an access key and splits it into its parts.
///
/// The string is taken exactly as given: nothing is trimmed. The first rule
/// that matches, in this order, gives the error: [`Empty`], [`Whitespace`]
/// (TAB, LF, CR or SPACE anywhere), [`BadPrefix`] (does not start with `ak_`),
/// [`BadCharacter`] (a character after the prefix outside `0-9A-Za-z`),
/// [`BadLength`] (not 71 characters after the prefix) and [`BadChecksum`]
/// (the last 6 characters are not the base62 CRC-32 of the first 68, compared
/// as 6 characters). Characters are checked before the length so that the
/// length is only ever measured on ASCII.
///
/// Runs in time linear in the input and never panics.
///
/// ```
/// use latchkey_core::access_key::{AccessKeyFormatError, parse};
///
/// let key = parse("ak_xSZ9I4IcmbDpxoGtsBDgn8afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg3UsVZV")?;
/// assert_eq!(key.key_id(), "xSZ9I4IcmbDpxoGtsBDgn8");
/// assert_eq!(key.key_prefix(), "ak_xSZ9I4Ic");
///
/// let typo = parse("ak_xSZ9I4IcmbDpxoGtsBDgn8afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg3UsVZW");
/// assert_eq!(typo.unwrap_err().category(), "bad_checksum");
/// # Ok::<(), AccessKeyFormatError>(())
/// ```
///
/// [`Empty`]: AccessKeyFormatError::Empty
/// [`Whitespace`]: AccessKeyFormatError::Whitespace
/// [`BadPrefix`]: AccessKeyFormatError::BadPrefix
/// [`BadCharacter`]: AccessKeyFormatError::BadCharacter
/// [`BadLength`]: AccessKeyFormatError::BadLength
/// [`BadChecksum`]: AccessKeyFormatError::BadChecksum
pub fn parse(input: &str) -> Result<ParsedAccessKey<'_>, AccessKeyFormatError> {
    let bytes = input.as_bytes();
    if bytes.is_empty() {
        return Err(AccessKeyFormatError::Empty);
    }
    // The four whitespace characters are ASCII, and in UTF-8 an ASCII byte
    // never occurs inside a multi-byte character: a byte scan is exact.
    if bytes
        .iter()
        .any(|b| matches!(b, b'\t' | b'\n' | b'\r' | b' '))
    {
        return Err(AccessKeyFormatError::Whitespace);
    }
    let Some(body) = bytes.strip_prefix(PREFIX.as_bytes()) else {
        return Err(AccessKeyFormatError::BadPrefix);
    };
    // Every byte of a non-ASCII character is >= 0x80, so not base62.
    if !body.iter().all(|&b| is_base62(b)) {
        return Err(AccessKeyFormatError::BadCharacter);
    }
    if bytes.len() != KEY_LEN {
        return Err(AccessKeyFormatError::BadLength);
    }
    let (checked, given) = bytes.split_at(CHECKSUM_START);
    if checksum(checked) != given {
        return Err(AccessKeyFormatError::BadChecksum);
    }
    Ok(ParsedAccessKey { key: input })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::access_key::{ALPHABET, CHECKSUM_LEN, KEY_ID_LEN, SECRET_LEN};

    const VALID: &str =
        "ak_xSZ9I4IcmbDpxoGtsBDgn8afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg3UsVZV";
    const KEY_ID: &str = "xSZ9I4IcmbDpxoGtsBDgn8";
    const SECRET: &str = "afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg";

    fn category(input: &str) -> &'static str {
        match parse(input) {
            Ok(_) => "ok",
            Err(e) => e.category(),
        }
    }

    /// `VALID` with the byte at `index` replaced by `with`.
    fn replaced(index: usize, with: &str) -> String {
        format!("{}{with}{}", &VALID[..index], &VALID[index + 1..])
    }

    #[test]
    fn valid_key_splits_into_its_parts() {
        let parsed = parse(VALID).unwrap();
        assert_eq!(parsed.key_id(), KEY_ID);
        assert_eq!(parsed.secret(), SECRET);
        assert_eq!(parsed.checksum(), "3UsVZV");
        assert_eq!(parsed.key_prefix(), "ak_xSZ9I4Ic");
        assert_eq!(parsed.key_id().len(), KEY_ID_LEN);
        assert_eq!(parsed.secret().len(), SECRET_LEN);
        assert_eq!(parsed.checksum().len(), CHECKSUM_LEN);
    }

    #[test]
    fn debug_shows_prefix_and_id_but_not_the_secret() {
        let shown = format!("{:?}", parse(VALID).unwrap());
        assert!(shown.contains("ak_xSZ9I4Ic"), "{shown}");
        assert!(shown.contains(KEY_ID), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(&SECRET[..8]), "{shown}");
        let pretty = format!("{:#?}", parse(VALID).unwrap());
        assert!(!pretty.contains(&SECRET[..8]), "{pretty}");
    }

    #[test]
    fn empty_string_is_empty() {
        assert_eq!(category(""), "empty");
    }

    #[test]
    fn whitespace_anywhere_is_whitespace_and_nothing_is_trimmed() {
        for ws in ["\t", "\n", "\r", " ", "\r\n"] {
            assert_eq!(
                category(&format!("{ws}{VALID}")),
                "whitespace",
                "{ws:?} before"
            );
            assert_eq!(
                category(&format!("{VALID}{ws}")),
                "whitespace",
                "{ws:?} after"
            );
            assert_eq!(category(&replaced(30, ws)), "whitespace", "{ws:?} inside");
            assert_eq!(category(ws), "whitespace", "{ws:?} alone");
        }
        // Whitespace wins over a bad prefix, a bad character and a bad length.
        assert_eq!(category(" sk_-"), "whitespace");
    }

    #[test]
    fn other_spaces_are_bad_characters_not_whitespace() {
        for other in ["\u{a0}", "\u{200b}", "\u{3000}", "\u{b}", "\u{c}", "\0"] {
            assert_eq!(category(&replaced(30, other)), "bad_character", "{other:?}");
        }
    }

    #[test]
    fn prefix_must_be_exactly_ak_underscore() {
        for bad in ["AK_", "Ak_", "aK_", "ak-", "sk_", "\u{430}k_", "ak\u{ff3f}"] {
            let key = format!("{bad}{}", &VALID[3..]);
            assert_eq!(category(&key), "bad_prefix", "{bad:?}");
        }
        for short in ["a", "ak", "_", "k_"] {
            assert_eq!(category(short), "bad_prefix", "{short:?}");
        }
        assert_eq!(category(&VALID[3..]), "bad_prefix");
        // A bad prefix wins over bad characters and a bad length.
        assert_eq!(category("sk_-"), "bad_prefix");
    }

    #[test]
    fn non_base62_after_the_prefix_is_a_bad_character() {
        for (index, bad) in [
            (3, "_"),
            (10, "-"),
            (40, "+"),
            (50, "/"),
            (70, "="),
            (73, "."),
        ] {
            assert_eq!(
                category(&replaced(index, bad)),
                "bad_character",
                "{bad} at {index}"
            );
        }
        assert_eq!(category(&format!("{VALID}{VALID}")), "bad_character");
        assert_eq!(category("ak__"), "bad_character");
    }

    #[test]
    fn characters_are_checked_before_length() {
        // Multi-byte characters change the byte length: they are still
        // character errors, whatever their encoded size.
        for wide in ["\u{430}", "\u{ff19}", "\u{1d7d1}"] {
            assert_eq!(category(&replaced(6, wide)), "bad_character", "{wide:?}");
        }
        assert_eq!(category("ak_-"), "bad_character");
        assert_eq!(
            category(&format!("{}\u{e9}", &VALID[..73])),
            "bad_character"
        );
    }

    #[test]
    fn wrong_length_after_good_characters_is_bad_length() {
        assert_eq!(category("ak_"), "bad_length");
        assert_eq!(category(&VALID[..73]), "bad_length");
        assert_eq!(category(&VALID[..68]), "bad_length");
        assert_eq!(category(&format!("{VALID}0")), "bad_length");
        assert_eq!(category(&format!("ak_{}", "0".repeat(1000))), "bad_length");
    }

    #[test]
    fn checksum_is_compared_as_six_characters() {
        // "8BXklZ" is base62 of CRC + 2^32: equal to the CRC modulo 2^32.
        let crc = u64::from(crc32fast::hash(&VALID.as_bytes()[..68]));
        assert_eq!(
            base62::decode("8BXklZ").unwrap(),
            u128::from(crc + (1 << 32))
        );
        assert_eq!(category(&format!("{}8BXklZ", &VALID[..68])), "bad_checksum");
        assert_eq!(category(&format!("{}zzzzzz", &VALID[..68])), "bad_checksum");
        // Digits in another order or with another padding do not pass.
        assert_eq!(category(&format!("{}ZVsU3", &VALID[..68])), "bad_length");
        assert_eq!(category(&format!("{}VZVsU3", &VALID[..68])), "bad_checksum");
    }

    #[test]
    fn typos_and_case_changes_are_bad_checksum() {
        assert_eq!(category(&replaced(12, "c")), "bad_checksum");
        assert_eq!(category(&replaced(25, "A")), "bad_checksum");
        let upper = format!("ak_{}", VALID[3..].to_ascii_uppercase());
        assert_eq!(category(&upper), "bad_checksum");
    }

    #[test]
    fn every_single_character_substitution_is_detected() {
        // Exhaustive over one key: 71 positions x 61 other digits.
        for index in KEY_ID_START..KEY_LEN {
            for &digit in ALPHABET.iter().filter(|&&d| d != VALID.as_bytes()[index]) {
                let key = replaced(index, &char::from(digit).to_string());
                assert_eq!(
                    category(&key),
                    "bad_checksum",
                    "{} at {index}",
                    char::from(digit)
                );
            }
        }
    }

    #[test]
    fn errors_never_repeat_the_input() {
        let inputs = [
            format!(" {VALID}"),
            format!("sk_{SECRET}"),
            replaced(40, "-"),
            VALID[..73].to_owned(),
            replaced(40, "Z"),
        ];
        for input in inputs {
            let err = parse(&input).unwrap_err();
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains(&SECRET[..10]), "{shown}");
                assert!(!shown.contains(&SECRET[20..30]), "{shown}");
            }
        }
    }

    fn base62_string(len: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET.as_slice()), len)
            .prop_map(|digits| String::from_utf8(digits).unwrap())
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(input in any::<String>()) {
            let _ = parse(&input);
        }

        #[test]
        fn near_keys_never_panic_and_classify_consistently(
            body in "[0-9A-Za-z_ \t\u{a0}\u{430}\u{1d7d1}-]{0,80}",
        ) {
            let input = format!("ak_{body}");
            match parse(&input) {
                Ok(parsed) => {
                    prop_assert_eq!(input.len(), KEY_LEN);
                    prop_assert_eq!(parsed.key_prefix(), &input[..KEY_PREFIX_LEN]);
                }
                Err(AccessKeyFormatError::Whitespace) => {
                    prop_assert!(body.contains([' ', '\t']));
                }
                Err(AccessKeyFormatError::BadCharacter) => {
                    prop_assert!(!body.bytes().all(is_base62));
                }
                Err(AccessKeyFormatError::BadLength) => {
                    prop_assert!(body.bytes().all(is_base62) && body.len() != KEY_LEN - 3);
                }
                Err(AccessKeyFormatError::BadChecksum) => {
                    prop_assert_eq!(input.len(), KEY_LEN);
                }
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }

        #[test]
        fn base62_bodies_of_the_right_length_are_ok_or_bad_checksum(
            body in base62_string(KEY_LEN - 3 - CHECKSUM_LEN),
        ) {
            let unchecked = format!("ak_{body}");
            let sum = String::from_utf8(checksum(unchecked.as_bytes()).to_vec()).unwrap();
            let key = format!("{unchecked}{sum}");
            let parsed = parse(&key).unwrap();
            prop_assert_eq!(parsed.key_id(), &body[..KEY_ID_LEN]);
            prop_assert_eq!(parsed.secret(), &body[KEY_ID_LEN..]);
            prop_assert_eq!(parsed.checksum(), sum.as_str());
            // Swapping two different adjacent characters within the checked
            // part (a burst of at most 16 bits, which CRC-32 always detects)
            // or within the checksum is always detected.
            let bytes = key.as_bytes();
            for i in (KEY_ID_START..KEY_LEN - 1).filter(|&i| i != CHECKSUM_START - 1) {
                if bytes[i] != bytes[i + 1] {
                    let mut swapped = bytes.to_vec();
                    swapped.swap(i, i + 1);
                    let swapped = String::from_utf8(swapped).unwrap();
                    prop_assert_eq!(parse(&swapped).unwrap_err(), AccessKeyFormatError::BadChecksum);
                }
            }
        }
    }
}
