//! Random bearer tokens handed to people: console session ids and
//! password-link tokens.
//!
//! A token is 256 bits from the operating system's CSPRNG, written as 43
//! base64url characters. The server keeps only its [`TokenDigest`] (SHA-256,
//! with a label per use so that a digest of one kind can never be taken for
//! another): a copy of the store cannot be turned back into a working
//! session or link. As with access-key secrets, 256 random bits need no slow
//! hash. The token itself is zeroized when dropped and never printed by
//! `Debug`.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRng;
use rand::rngs::SysRng;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;
/// Characters of a token's text (base64url, no padding).
pub const TOKEN_LEN: usize = 43;

/// What a token is for; the digest of a token is labelled with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// A console session (the cookie's value).
    Session,
    /// A one-time link that sets a user's password.
    PasswordLink,
    /// The CSRF token of a session's forms (derived from the session token).
    Csrf,
}

impl TokenUse {
    fn label(self) -> &'static [u8] {
        match self {
            TokenUse::Session => b"latchkey session v1\0",
            TokenUse::PasswordLink => b"latchkey password link v1\0",
            TokenUse::Csrf => b"latchkey csrf v1\0",
        }
    }
}

/// A token's text. `Debug` never shows it; dropped, it is wiped.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Zeroizing<String>);

/// The operating system could not supply random bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct EntropyError;

impl Token {
    /// A new token.
    ///
    /// # Errors
    ///
    /// [`EntropyError`] when the operating system has no randomness to give.
    pub fn generate() -> Result<Self, EntropyError> {
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        SysRng
            .try_fill_bytes(bytes.as_mut_slice())
            .map_err(|_| EntropyError)?;
        let mut text = Zeroizing::new(String::with_capacity(TOKEN_LEN));
        URL_SAFE_NO_PAD.encode_string(bytes.as_slice(), &mut text);
        Ok(Token(text))
    }

    /// Reads a token presented by a client: `None` unless it has a token's
    /// form (43 base64url characters), so that junk is refused before any
    /// lookup.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == TOKEN_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Token(Zeroizing::new(text.to_owned())))
    }

    /// The text, to hand to the person (a cookie, a link).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the server stores and looks up for this token.
    pub fn digest(&self, purpose: TokenUse) -> TokenDigest {
        TokenDigest::of(purpose, self.0.as_bytes())
    }

    /// A value derived from this token for another use (a session's CSRF
    /// token), as text: knowing it tells nothing about the token.
    pub fn derive(&self, purpose: TokenUse) -> String {
        URL_SAFE_NO_PAD.encode(self.digest(purpose).0)
    }

    /// Whether `presented` is what [`Token::derive`] gives for `purpose`,
    /// compared in constant time.
    pub fn derived_matches(&self, purpose: TokenUse, presented: &str) -> bool {
        let expected = self.derive(purpose);
        expected.as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// SHA-256 of a token, labelled with its use: the only form in which the
/// server keeps a token. Serialized as 64 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    fn of(purpose: TokenUse, token: &[u8]) -> Self {
        let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        context.update(purpose.label());
        context.update(token);
        let digest = context.finish();
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(digest.as_ref());
        TokenDigest(bytes)
    }

    /// The digest's bytes (a store's key).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A digest read back from a store.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TokenDigest(bytes)
    }

    /// As 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A digest is not a secret, but it is a lookup key: show a prefix only.
impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenDigest({}…)", &self.to_hex()[..8])
    }
}

impl Serialize for TokenDigest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for TokenDigest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bad = || serde::de::Error::custom("expected 64 lowercase hex digits");
        if text.len() != 64 {
            return Err(bad());
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let pair = std::str::from_utf8(pair).map_err(|_| bad())?;
            if pair.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(bad());
            }
            bytes[i] = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(TokenDigest(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_well_formed_and_redacted() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), TOKEN_LEN);
        assert_eq!(Token::parse(a.expose()), Some(a.clone()));
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn junk_is_not_a_token() {
        for junk in [
            "",
            "abc",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &"é".repeat(21),
        ] {
            assert_eq!(Token::parse(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn digests_are_labelled_by_use() {
        let token = Token::generate().unwrap();
        let session = token.digest(TokenUse::Session);
        assert_eq!(
            session,
            Token::parse(token.expose())
                .unwrap()
                .digest(TokenUse::Session)
        );
        assert_ne!(session, token.digest(TokenUse::PasswordLink));
        let json = serde_json::to_string(&session).unwrap();
        assert_eq!(serde_json::from_str::<TokenDigest>(&json).unwrap(), session);
        assert!(serde_json::from_str::<TokenDigest>("\"00\"").is_err());
    }

    #[test]
    fn derived_values_match_only_their_token() {
        let token = Token::generate().unwrap();
        let other = Token::generate().unwrap();
        let csrf = token.derive(TokenUse::Csrf);
        assert!(token.derived_matches(TokenUse::Csrf, &csrf));
        assert!(!other.derived_matches(TokenUse::Csrf, &csrf));
        assert!(!token.derived_matches(TokenUse::Csrf, ""));
        assert_ne!(csrf, token.expose());
    }
}
