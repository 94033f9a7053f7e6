//! Strict unpadded base64url (RFC 7515 section 2): no `=`, no `+` or `/`, no
//! whitespace, no non-zero trailing bits.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes without padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends the encoding of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decodes strictly; `None` on any deviation from canonical unpadded
/// base64url.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for len in 0..data.len() {
            let text = encode(&data[..len]);
            assert!(!text.contains('='));
            assert_eq!(decode(&text).as_deref(), Some(&data[..len]));
        }
    }

    #[test]
    fn refuses_padding_standard_alphabet_whitespace_and_trailing_bits() {
        assert_eq!(decode("YQ"), Some(b"a".to_vec()));
        assert_eq!(decode("YQ=="), None);
        assert_eq!(decode("YQ="), None);
        assert_eq!(decode("+/8"), None);
        assert_eq!(decode("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decode("YQ\n"), None);
        assert_eq!(decode(" YQ"), None);
        // "YR" decodes to 'a' with non-zero trailing bits: not canonical.
        assert_eq!(decode("YR"), None);
        // A length of 1 mod 4 is never valid.
        assert_eq!(decode("YWJjZ"), None);
    }
}
