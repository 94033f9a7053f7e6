//! The offline JWT toolkit: key pairs, PEM/JWK import and export, RFC 7638
//! thumbprints, signing, Latchkey access tokens, and verification with
//! typed failures. No I/O: nothing is ever fetched.
//!
//! ```
//! use std::time::Duration;
//! use latchkey_core::jwt::{self, Algorithm, SigningKey, VerificationPolicy, VerifyingKey};
//!
//! // The application generates a key pair and registers the public half.
//! let key = SigningKey::generate(Algorithm::EdDSA)?;
//! let public_pem = key.verifying_key().to_spki_pem();
//! let public_jwk = key.verifying_key().to_jwk(); // a JSON object, not text
//! assert_eq!(key.verifying_key().thumbprint().len(), 43);
//!
//! // It mints short-lived access tokens offline.
//! let token = jwt::mint_access_token(
//!     "app_01", "key_01", "https://latchkey.example", Duration::from_secs(300), &key,
//! )?;
//!
//! // The server parses the registered key once and verifies many tokens.
//! let registered = VerifyingKey::from_pem(&public_pem)?.with_kid("key_01");
//! assert_eq!(registered, VerifyingKey::from_jwk(&public_jwk.into())?.with_kid("key_01"));
//! let policy = VerificationPolicy::for_access_tokens(
//!     [Algorithm::EdDSA, Algorithm::ES256], "https://latchkey.example", "app_01",
//! )?;
//! let verified = jwt::verify(&token, &registered, &policy, None)?;
//! assert_eq!(verified.claims["sub"], "app_01");
//! assert_eq!(verified.header.kid.as_deref(), Some("key_01"));
//!
//! // Every failure is typed.
//! let other_app = VerificationPolicy::for_access_tokens(
//!     [Algorithm::EdDSA], "https://latchkey.example", "app_02",
//! )?;
//! assert_eq!(jwt::verify(&token, &registered, &other_app, None), Err(jwt::VerifyError::BadIssuer));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Backend and key reuse
//!
//! Cryptography is aws-lc (the `aws-lc-rs` crate), the same backend the
//! workspace's `jsonwebtoken` dependency is configured with. This module
//! calls aws-lc directly instead of going through `jsonwebtoken`, because
//! `jsonwebtoken` 11 rebuilds the backend key on every call: its
//! `DecodingKey` keeps key bytes and hands them to aws-lc's one-shot
//! `verify_sig`/`UnparsedPublicKey` for each token (a full SPKI or point
//! parse and, for EC, an on-curve check each time), and its RSA and EdDSA
//! signers re-parse the PKCS#8/PKCS#1 DER (`RsaKeyPair::from_der`,
//! `Ed25519KeyPair::from_pkcs8`) for every signature.
//!
//! Here a [`VerifyingKey`] holds aws-lc `ParsedPublicKey` objects built once
//! at import (for RSA one per RSA algorithm, since aws-lc binds a parsed key
//! to its padding and digest), and a [`SigningKey`] holds the parsed
//! `Ed25519KeyPair`/`EcdsaKeyPair`/`RsaKeyPair`. Keys sit behind an `Arc`:
//! cloning is cheap and a key is shared across threads. Going direct also
//! gives this module sole control of the RFC 8725 rules (strict base64url,
//! `crit`, the size bound, which header members are read).
//!
//! # Keys accepted
//!
//! Ed25519, ECDSA P-256 and P-384, RSA 2048 to 8192 bits. Other curves
//! (P-521, secp256k1, Ed448) are [`KeyError::UnsupportedCurve`]; RSA under
//! 2048 bits is [`KeyError::RsaKeyTooSmall`]; a private key where a public
//! one is expected is [`KeyError::PrivateKeyGiven`].
//!
//! # Secrets
//!
//! Private keys live in aws-lc memory, which aws-lc wipes when it frees it.
//! Copies this module makes (decoded PEM bodies, JWK members) are wiped on
//! drop, and exported private keys come as [`Secret`] (PEM, DER) or
//! [`PrivateJwk`], both wiped on drop and redacted in `Debug`.
//! `Debug` never prints private material, and error messages never contain
//! key material or token contents.

mod algorithm;
mod asn1;
mod base64url;
mod error;
mod generate;
mod jwk;
mod key;
mod pem;
mod secret;
mod sign;
mod thumbprint;
mod token;
mod verify;

pub use algorithm::{Algorithm, KeyType, UnknownAlgorithm};
pub use error::{KeyError, PolicyError, SignError, VerifyError};
pub use generate::RsaKeySize;
pub use jwk::{Jwks, PrivateJwk};
pub use key::{MAX_RSA_BITS, MIN_RSA_BITS, SigningKey, VerifyingKey};
pub use secret::Secret;
pub use sign::{Header, sign, sign_raw};
pub use thumbprint::{canonical_jwk, jwk_thumbprint};
pub use token::{mint_access_token, mint_access_token_at};
pub use verify::{
    Keys, MAX_ACCESS_TOKEN_LIFETIME, MAX_TOKEN_LEN, SERVER_LEEWAY, TokenWindow, VerificationPolicy,
    VerifiedToken, unverified_header, unverified_kid, verify, verify_raw,
};
