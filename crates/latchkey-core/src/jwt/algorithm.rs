//! JWS algorithm names and the key types they fit.

use std::fmt;
use std::str::FromStr;

/// A JWS signature algorithm this toolkit implements (RFC 7518, RFC 8037,
/// RFC 9864).
///
/// `none` and the HMAC algorithms (`HS*`) are deliberately absent: a token
/// carrying them never parses into an [`Algorithm`], so it can never verify.
/// `ES512` is absent because P-521 keys are outside the contract (only P-256
/// and P-384 keys are accepted).
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// EdDSA over Ed25519 (RFC 8037). The default for minted tokens.
    EdDSA,
    /// The fully specified name of EdDSA over Ed25519 (RFC 9864); the same
    /// algorithm as [`Algorithm::EdDSA`].
    Ed25519,
    /// ECDSA on P-256 with SHA-256, signature `R || S`.
    ES256,
    /// ECDSA on P-384 with SHA-384, signature `R || S`.
    ES384,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 SHA-256, 32-byte salt.
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 SHA-384, 48-byte salt.
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 SHA-512, 64-byte salt.
    PS512,
}

impl Algorithm {
    /// Every algorithm, in declaration order.
    pub const ALL: [Algorithm; 10] = [
        Algorithm::EdDSA,
        Algorithm::Ed25519,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
    ];

    /// The contract's minimum allow-list: `EdDSA`, `ES256`, `ES384`, `RS256`,
    /// `PS256`.
    pub const CONTRACT: [Algorithm; 5] = [
        Algorithm::EdDSA,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::RS256,
        Algorithm::PS256,
    ];

    /// The name used in the JOSE header's `alg` and in JWKs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::EdDSA => "EdDSA",
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
        }
    }

    /// Parses a JOSE algorithm name, case-sensitively. `None` for names this
    /// toolkit never verifies (`none`, `HS256`, `eddsa`, ...).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|alg| alg.as_str() == name)
    }

    /// Whether `self` and `other` denote the same algorithm (`EdDSA` and
    /// `Ed25519` do).
    pub fn same_as(self, other: Algorithm) -> bool {
        self.canonical() == other.canonical()
    }

    fn canonical(self) -> Algorithm {
        match self {
            Algorithm::Ed25519 => Algorithm::EdDSA,
            other => other,
        }
    }

    /// Whether this algorithm can be used with a key of type `key_type`.
    pub fn fits(self, key_type: KeyType) -> bool {
        matches!(
            (self, key_type),
            (Algorithm::EdDSA | Algorithm::Ed25519, KeyType::Ed25519)
                | (Algorithm::ES256, KeyType::EcP256)
                | (Algorithm::ES384, KeyType::EcP384)
                | (
                    Algorithm::RS256
                        | Algorithm::RS384
                        | Algorithm::RS512
                        | Algorithm::PS256
                        | Algorithm::PS384
                        | Algorithm::PS512,
                    KeyType::Rsa
                )
        )
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is not one of [`Algorithm`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported algorithm")]
pub struct UnknownAlgorithm;

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Algorithm::from_name(name).ok_or(UnknownAlgorithm)
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <String as serde::Deserialize>::deserialize(deserializer)?;
        Algorithm::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom("unsupported JWS algorithm"))
    }
}

/// The type of an asymmetric key: what decides which algorithms fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// Ed25519 (JWK `kty` `OKP`, `crv` `Ed25519`).
    Ed25519,
    /// ECDSA on P-256 (JWK `kty` `EC`, `crv` `P-256`).
    EcP256,
    /// ECDSA on P-384 (JWK `kty` `EC`, `crv` `P-384`).
    EcP384,
    /// RSA, 2048 to 8192 bits.
    Rsa,
}

impl KeyType {
    /// The algorithm a key of this type signs with unless told otherwise:
    /// `EdDSA`, `ES256`, `ES384`, `RS256`.
    pub const fn default_algorithm(self) -> Algorithm {
        match self {
            KeyType::Ed25519 => Algorithm::EdDSA,
            KeyType::EcP256 => Algorithm::ES256,
            KeyType::EcP384 => Algorithm::ES384,
            KeyType::Rsa => Algorithm::RS256,
        }
    }

    /// The key type an algorithm needs.
    pub const fn for_algorithm(alg: Algorithm) -> KeyType {
        match alg {
            Algorithm::EdDSA | Algorithm::Ed25519 => KeyType::Ed25519,
            Algorithm::ES256 => KeyType::EcP256,
            Algorithm::ES384 => KeyType::EcP384,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyType::Rsa,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.as_str()), Some(alg));
            assert_eq!(alg.as_str().parse::<Algorithm>(), Ok(alg));
        }
        for name in [
            "none", "None", "HS256", "HS384", "HS512", "eddsa", "es256", "ES512", "",
        ] {
            assert_eq!(Algorithm::from_name(name), None, "{name}");
        }
    }

    #[test]
    fn serializes_as_its_jose_name() {
        assert_eq!(serde_json::to_value(Algorithm::PS256).unwrap(), "PS256");
        assert_eq!(
            serde_json::from_value::<Algorithm>("Ed25519".into()).unwrap(),
            Algorithm::Ed25519
        );
        assert!(serde_json::from_value::<Algorithm>("HS256".into()).is_err());
        assert!(serde_json::from_value::<Algorithm>("none".into()).is_err());
    }

    #[test]
    fn eddsa_and_ed25519_are_one_algorithm() {
        assert!(Algorithm::EdDSA.same_as(Algorithm::Ed25519));
        assert!(Algorithm::Ed25519.same_as(Algorithm::EdDSA));
        assert!(!Algorithm::EdDSA.same_as(Algorithm::ES256));
        assert!(Algorithm::Ed25519.fits(KeyType::Ed25519));
    }

    #[test]
    fn each_algorithm_fits_exactly_its_key_type() {
        let types = [
            KeyType::Ed25519,
            KeyType::EcP256,
            KeyType::EcP384,
            KeyType::Rsa,
        ];
        for alg in Algorithm::ALL {
            for key_type in types {
                assert_eq!(
                    alg.fits(key_type),
                    KeyType::for_algorithm(alg) == key_type,
                    "{alg} {key_type:?}"
                );
            }
        }
        for key_type in types {
            assert!(key_type.default_algorithm().fits(key_type));
        }
    }
}
