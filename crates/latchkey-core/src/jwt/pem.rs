//! PEM and DER import/export: SPKI and X.509 certificates for public keys;
//! PKCS#8, PKCS#1 (RSA) and SEC1 (EC) for private keys. Keys are exported as
//! SPKI and PKCS#8 v1.

use aws_lc_rs::signature::{Ed25519KeyPair, RsaKeyPair};
use spki::ObjectIdentifier;
use zeroize::Zeroizing;

use super::algorithm::KeyType;
use super::asn1::{self, oid};
use super::error::KeyError;
use super::key::{PrivateKey, SigningKey, VerifyingKey, bit_len, ec_field_len};
use super::secret::Secret;

const PUBLIC_LABELS: [&str; 3] = ["PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY"];
const PRIVATE_LABELS: [&str; 5] = [
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
];

/// The first PEM block of `input`, skipping `EC PARAMETERS` (which OpenSSL
/// writes before an `EC PRIVATE KEY`). Its contents are zeroized on drop.
fn first_block(input: &[u8]) -> Result<(String, Zeroizing<Vec<u8>>), KeyError> {
    let blocks = ::pem::parse_many(input).map_err(|_| KeyError::InvalidPem)?;
    let mut found = None;
    for block in blocks {
        if found.is_none() && block.tag() != "EC PARAMETERS" {
            found = Some((
                block.tag().to_owned(),
                Zeroizing::new(block.into_contents()),
            ));
        } else {
            drop(Zeroizing::new(block.into_contents()));
        }
    }
    found.ok_or(KeyError::InvalidPem)
}

fn encode(label: &str, der: &[u8]) -> String {
    let block = ::pem::Pem::new(label, der.to_vec());
    let text = ::pem::encode_config(
        &block,
        ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF),
    );
    // The block may hold a private key: wipe its copy.
    drop(Zeroizing::new(block.into_contents()));
    text
}

fn ec_key_type(curve: Option<ObjectIdentifier>) -> Result<KeyType, KeyError> {
    match curve {
        Some(oid::P256) => Ok(KeyType::EcP256),
        Some(oid::P384) => Ok(KeyType::EcP384),
        Some(other) => Err(KeyError::UnsupportedCurve {
            curve: oid::name(other),
        }),
        None => Err(KeyError::UnsupportedCurve {
            curve: "explicit curve parameters".to_owned(),
        }),
    }
}

fn unsupported_algorithm(algorithm: ObjectIdentifier) -> KeyError {
    match algorithm {
        oid::ED448 | oid::X25519 | oid::X448 => KeyError::UnsupportedCurve {
            curve: oid::name(algorithm),
        },
        other => KeyError::UnsupportedKeyType {
            key_type: oid::name(other),
        },
    }
}

impl VerifyingKey {
    /// Imports a public key from PEM: `PUBLIC KEY` (SPKI), `CERTIFICATE`
    /// (X.509; the key is taken from it and nothing else of the certificate
    /// is checked) or `RSA PUBLIC KEY` (PKCS#1). A private-key PEM is
    /// refused with [`KeyError::PrivateKeyGiven`].
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        let (label, der) = first_block(pem.as_ref())?;
        match label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&der),
            "CERTIFICATE" => Self::from_certificate_der(&der),
            "RSA PUBLIC KEY" => {
                let rsa = asn1::parse_rsa_public(&der)
                    .map_err(|_| KeyError::invalid("malformed PKCS#1 RSA public key"))?;
                Self::from_rsa(rsa.n, rsa.e)
            }
            label if PRIVATE_LABELS.contains(&label) => Err(KeyError::PrivateKeyGiven),
            _ => Err(KeyError::UnsupportedPemLabel { label }),
        }
    }

    /// Imports a DER `SubjectPublicKeyInfo`.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = asn1::parse_spki(der).map_err(|_| KeyError::invalid("malformed SPKI"))?;
        Self::from_spki(spki)
    }

    /// Imports the public key of a DER X.509 certificate. The certificate's
    /// validity, issuer and signature are not checked: it only carries the
    /// key.
    pub fn from_certificate_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = asn1::certificate_spki(der)
            .map_err(|_| KeyError::invalid("malformed X.509 certificate"))?;
        Self::from_spki(spki)
    }

    fn from_spki(spki: asn1::Spki<'_>) -> Result<Self, KeyError> {
        match spki.algorithm.oid {
            oid::ED25519 => Self::from_ed25519(spki.public_key),
            oid::EC_PUBLIC_KEY => {
                Self::from_ec_point(ec_key_type(spki.algorithm.curve)?, spki.public_key)
            }
            oid::RSA_ENCRYPTION => {
                let rsa = asn1::parse_rsa_public(spki.public_key)
                    .map_err(|_| KeyError::invalid("malformed RSA public key"))?;
                Self::from_rsa(rsa.n, rsa.e)
            }
            other => Err(unsupported_algorithm(other)),
        }
    }

    /// The key as a PEM `PUBLIC KEY` (SPKI), with LF line endings.
    pub fn to_spki_pem(&self) -> String {
        encode("PUBLIC KEY", &self.to_spki_der())
    }
}

impl SigningKey {
    /// Imports a private key from PEM: `PRIVATE KEY` (PKCS#8, v1 or v2),
    /// `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1). A public key
    /// or certificate is refused with [`KeyError::PublicKeyGiven`];
    /// encrypted keys with [`KeyError::UnsupportedPemLabel`].
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        let (label, der) = first_block(pem.as_ref())?;
        match label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "RSA PRIVATE KEY" => Self::from_pkcs1_der(&der),
            "EC PRIVATE KEY" => Self::from_sec1_der(&der),
            label if PUBLIC_LABELS.contains(&label) => Err(KeyError::PublicKeyGiven),
            _ => Err(KeyError::UnsupportedPemLabel { label }),
        }
    }

    /// Imports an unencrypted DER PKCS#8 private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = asn1::parse_pkcs8(der).map_err(|_| KeyError::invalid("malformed PKCS#8"))?;
        match info.algorithm.oid {
            oid::ED25519 => {
                let pair = Ed25519KeyPair::from_pkcs8(der)
                    .map_err(|_| KeyError::invalid("the Ed25519 private key was rejected"))?;
                Self::from_private(PrivateKey::Ed25519(pair))
            }
            oid::EC_PUBLIC_KEY => Self::ec_from_der(ec_key_type(info.algorithm.curve)?, der, true),
            oid::RSA_ENCRYPTION => {
                let rsa = asn1::parse_rsa_private(info.private_key)
                    .map_err(|_| KeyError::invalid("malformed RSA private key"))?;
                check_rsa_size(rsa.modulus.as_bytes())?;
                let pair = RsaKeyPair::from_pkcs8(der)
                    .map_err(|_| KeyError::invalid("the RSA private key was rejected"))?;
                Self::from_private(PrivateKey::Rsa(pair))
            }
            other => Err(unsupported_algorithm(other)),
        }
    }

    /// Imports a DER PKCS#1 `RSAPrivateKey`.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        let rsa = asn1::parse_rsa_private(der)
            .map_err(|_| KeyError::invalid("malformed PKCS#1 RSA private key"))?;
        check_rsa_size(rsa.modulus.as_bytes())?;
        let pair = RsaKeyPair::from_der(der)
            .map_err(|_| KeyError::invalid("the RSA private key was rejected"))?;
        Self::from_private(PrivateKey::Rsa(pair))
    }

    /// Imports a DER SEC1 `ECPrivateKey`. Without a curve parameter the curve
    /// is inferred from the scalar's length.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, KeyError> {
        let sec1 = asn1::parse_sec1(der).map_err(|_| KeyError::invalid("malformed SEC1 EC key"))?;
        let key_type = match sec1.curve {
            Some(curve) => ec_key_type(Some(curve))?,
            None if sec1.scalar.len() == ec_field_len(KeyType::EcP256) => KeyType::EcP256,
            None if sec1.scalar.len() == ec_field_len(KeyType::EcP384) => KeyType::EcP384,
            None => return Err(KeyError::invalid("cannot tell the EC key's curve")),
        };
        Self::ec_from_der(key_type, der, false)
    }

    /// The private key as a PEM `PRIVATE KEY` (PKCS#8 v1), with LF line
    /// endings; zeroized on drop, redacted in `Debug`.
    pub fn to_pkcs8_pem(&self) -> Result<Secret<String>, KeyError> {
        let der = self.to_pkcs8_der()?;
        Ok(Secret::new(encode("PRIVATE KEY", &der)))
    }
}

fn check_rsa_size(n: &[u8]) -> Result<(), KeyError> {
    let bits = bit_len(n);
    if bits < super::key::MIN_RSA_BITS {
        return Err(KeyError::RsaKeyTooSmall { bits });
    }
    if bits > super::key::MAX_RSA_BITS {
        return Err(KeyError::RsaKeyTooLarge { bits });
    }
    Ok(())
}
