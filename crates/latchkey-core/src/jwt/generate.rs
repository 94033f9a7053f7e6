//! Key-pair generation with the backend's CSPRNG.

use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};

use super::algorithm::{Algorithm, KeyType};
use super::error::KeyError;
use super::key::{PrivateKey, SigningKey};

/// The modulus size of a generated RSA key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RsaKeySize {
    /// 2048 bits, the default.
    #[default]
    Bits2048,
    /// 3072 bits.
    Bits3072,
    /// 4096 bits.
    Bits4096,
}

impl RsaKeySize {
    /// The size in bits.
    pub const fn bits(self) -> usize {
        match self {
            RsaKeySize::Bits2048 => 2048,
            RsaKeySize::Bits3072 => 3072,
            RsaKeySize::Bits4096 => 4096,
        }
    }

    /// The size for a bit count, if it is one of 2048, 3072, 4096.
    pub const fn from_bits(bits: usize) -> Option<RsaKeySize> {
        match bits {
            2048 => Some(RsaKeySize::Bits2048),
            3072 => Some(RsaKeySize::Bits3072),
            4096 => Some(RsaKeySize::Bits4096),
            _ => None,
        }
    }
}

impl SigningKey {
    /// Generates a key pair for `algorithm` (RSA keys get 2048 bits); the key
    /// signs with `algorithm`.
    pub fn generate(algorithm: Algorithm) -> Result<Self, KeyError> {
        Self::generate_with_rsa_size(algorithm, RsaKeySize::default())
    }

    /// Generates a key pair for `algorithm`; `rsa_size` applies to the RSA
    /// algorithms and is ignored for the others.
    pub fn generate_with_rsa_size(
        algorithm: Algorithm,
        rsa_size: RsaKeySize,
    ) -> Result<Self, KeyError> {
        let key_type = KeyType::for_algorithm(algorithm);
        let private = match key_type {
            KeyType::Ed25519 => {
                PrivateKey::Ed25519(Ed25519KeyPair::generate().map_err(|_| KeyError::Backend)?)
            }
            KeyType::EcP256 => PrivateKey::Ec(
                key_type,
                EcdsaKeyPair::generate(&sig::ECDSA_P256_SHA256_FIXED_SIGNING)
                    .map_err(|_| KeyError::Backend)?,
            ),
            KeyType::EcP384 => PrivateKey::Ec(
                key_type,
                EcdsaKeyPair::generate(&sig::ECDSA_P384_SHA384_FIXED_SIGNING)
                    .map_err(|_| KeyError::Backend)?,
            ),
            KeyType::Rsa => {
                let size = match rsa_size {
                    RsaKeySize::Bits2048 => KeySize::Rsa2048,
                    RsaKeySize::Bits3072 => KeySize::Rsa3072,
                    RsaKeySize::Bits4096 => KeySize::Rsa4096,
                };
                PrivateKey::Rsa(RsaKeyPair::generate(size).map_err(|_| KeyError::Backend)?)
            }
        };
        Self::from_private(private)?.with_algorithm(algorithm)
    }
}
