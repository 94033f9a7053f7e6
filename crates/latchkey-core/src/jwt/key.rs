//! Parsed, reusable keys: [`VerifyingKey`] (public) and [`SigningKey`]
//! (private, with its public half).
//!
//! Each key holds the backend's parsed key object (aws-lc `EVP_PKEY`), built
//! once at import. Verifying or signing never re-parses key bytes. Keys are
//! cheap to clone (the backend objects sit behind an [`Arc`]) and are `Send +
//! Sync`, so one key can serve many threads.
//!
//! Import and export live in [`pem`](super::pem) (PEM and DER),
//! [`jwk`](super::jwk) (JWK and JWKS) and [`generate`](super::generate).

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::{AsBigEndian, AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RsaKeyPair,
    RsaPublicKeyComponents,
};
use zeroize::Zeroizing;

use super::algorithm::{Algorithm, KeyType};
use super::asn1;
use super::error::{KeyError, SignError, VerifyError};
use super::secret::Secret;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// The largest RSA modulus accepted, in bits (the backend's limit).
pub const MAX_RSA_BITS: usize = 8192;

/// A public key ready to verify signatures.
///
/// Build one from PEM ([`VerifyingKey::from_pem`]), DER, a JWK
/// ([`VerifyingKey::from_jwk`]) or a [`SigningKey`]; then verify any number
/// of tokens with it.
#[derive(Clone)]
pub struct VerifyingKey {
    public: Arc<PublicKey>,
    /// The DER `SubjectPublicKeyInfo`, marshalled once by the backend.
    spki: Arc<[u8]>,
    kid: Option<String>,
    algorithm: Option<Algorithm>,
}

enum PublicKey {
    Ed25519 {
        x: [u8; 32],
        parsed: ParsedPublicKey,
    },
    Ec {
        key_type: KeyType,
        /// Fixed-length coordinates (leading zeros kept).
        x: Vec<u8>,
        y: Vec<u8>,
        parsed: ParsedPublicKey,
    },
    Rsa {
        /// Modulus and exponent without leading zeros.
        n: Vec<u8>,
        e: Vec<u8>,
        bits: usize,
        /// One parsed key per RSA algorithm, in [`RSA_ALGORITHMS`] order:
        /// aws-lc binds a parsed key to one padding and digest.
        parsed: Box<[ParsedPublicKey; 6]>,
    },
}

const RSA_ALGORITHMS: [(Algorithm, &sig::RsaParameters); 6] = [
    (Algorithm::RS256, &sig::RSA_PKCS1_2048_8192_SHA256),
    (Algorithm::RS384, &sig::RSA_PKCS1_2048_8192_SHA384),
    (Algorithm::RS512, &sig::RSA_PKCS1_2048_8192_SHA512),
    (Algorithm::PS256, &sig::RSA_PSS_2048_8192_SHA256),
    (Algorithm::PS384, &sig::RSA_PSS_2048_8192_SHA384),
    (Algorithm::PS512, &sig::RSA_PSS_2048_8192_SHA512),
];

/// The public half of an EC key, from its coordinates.
pub(crate) struct EcPoint<'a> {
    pub(crate) x: &'a [u8],
    pub(crate) y: &'a [u8],
}

/// The coordinate (and scalar) length of a curve, in bytes.
pub(crate) fn ec_field_len(key_type: KeyType) -> usize {
    match key_type {
        KeyType::EcP384 => 48,
        _ => 32,
    }
}

fn ec_verification(key_type: KeyType) -> &'static sig::EcdsaVerificationAlgorithm {
    match key_type {
        KeyType::EcP384 => &sig::ECDSA_P384_SHA384_FIXED,
        _ => &sig::ECDSA_P256_SHA256_FIXED,
    }
}

fn ec_signing(key_type: KeyType) -> &'static sig::EcdsaSigningAlgorithm {
    match key_type {
        KeyType::EcP384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        _ => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
    }
}

/// The bit length of a big-endian unsigned integer.
pub(crate) fn bit_len(magnitude: &[u8]) -> usize {
    match magnitude.iter().position(|&b| b != 0) {
        None => 0,
        Some(i) => (magnitude.len() - i - 1) * 8 + (8 - magnitude[i].leading_zeros() as usize),
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

impl VerifyingKey {
    /// An Ed25519 public key from its 32 raw bytes.
    pub(crate) fn from_ed25519(x: &[u8]) -> Result<Self, KeyError> {
        let x: [u8; 32] = x
            .try_into()
            .map_err(|_| KeyError::invalid("an Ed25519 public key is 32 bytes"))?;
        let parsed = ParsedPublicKey::new(&sig::ED25519, x)
            .map_err(|_| KeyError::invalid("not an Ed25519 public key"))?;
        Self::new(PublicKey::Ed25519 { x, parsed })
    }

    /// An EC public key from a SEC1 point (uncompressed or compressed).
    pub(crate) fn from_ec_point(key_type: KeyType, point: &[u8]) -> Result<Self, KeyError> {
        let parsed = ParsedPublicKey::new(ec_verification(key_type), point)
            .map_err(|_| KeyError::invalid("not a point on the key's curve"))?;
        // Re-read the point from the backend's own SPKI encoding so that the
        // coordinates are the uncompressed, fixed-length ones.
        let spki = parsed.as_der().map_err(|_| KeyError::Backend)?;
        let spki = asn1::parse_spki(spki.as_ref()).map_err(|_| KeyError::Backend)?;
        let len = ec_field_len(key_type);
        match spki.public_key {
            [0x04, coordinates @ ..] if coordinates.len() == 2 * len => {
                let (x, y) = coordinates.split_at(len);
                Self::new(PublicKey::Ec {
                    key_type,
                    x: x.to_vec(),
                    y: y.to_vec(),
                    parsed,
                })
            }
            _ => Err(KeyError::Backend),
        }
    }

    /// An EC public key from fixed-length coordinates.
    pub(crate) fn from_ec_coordinates(
        key_type: KeyType,
        point: EcPoint<'_>,
    ) -> Result<Self, KeyError> {
        let len = ec_field_len(key_type);
        if point.x.len() != len || point.y.len() != len {
            return Err(KeyError::jwk(
                "EC coordinates must be exactly the curve's length",
            ));
        }
        let mut uncompressed = Vec::with_capacity(1 + 2 * len);
        uncompressed.push(0x04);
        uncompressed.extend_from_slice(point.x);
        uncompressed.extend_from_slice(point.y);
        Self::from_ec_point(key_type, &uncompressed)
    }

    /// An RSA public key from its modulus and exponent (big-endian).
    pub(crate) fn from_rsa(n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let bits = bit_len(n);
        if bits < MIN_RSA_BITS {
            return Err(KeyError::RsaKeyTooSmall { bits });
        }
        if bits > MAX_RSA_BITS {
            return Err(KeyError::RsaKeyTooLarge { bits });
        }
        let e_is_valid = e.len() <= 4 && e.last().is_some_and(|&b| b & 1 == 1) && e != [1];
        if !e_is_valid {
            return Err(KeyError::invalid("bad RSA public exponent"));
        }
        let components = RsaPublicKeyComponents { n, e };
        let parse = |params: &'static sig::RsaParameters| {
            components
                .to_parsed_public_key(params)
                .map_err(|_| KeyError::invalid("not an RSA public key"))
        };
        let parsed = Box::new([
            parse(RSA_ALGORITHMS[0].1)?,
            parse(RSA_ALGORITHMS[1].1)?,
            parse(RSA_ALGORITHMS[2].1)?,
            parse(RSA_ALGORITHMS[3].1)?,
            parse(RSA_ALGORITHMS[4].1)?,
            parse(RSA_ALGORITHMS[5].1)?,
        ]);
        Self::new(PublicKey::Rsa {
            n: n.to_vec(),
            e: e.to_vec(),
            bits,
            parsed,
        })
    }

    fn new(public: PublicKey) -> Result<Self, KeyError> {
        let parsed = match &public {
            PublicKey::Ed25519 { parsed, .. } | PublicKey::Ec { parsed, .. } => parsed,
            PublicKey::Rsa { parsed, .. } => &parsed[0],
        };
        let spki = parsed.as_der().map_err(|_| KeyError::Backend)?;
        Ok(Self {
            spki: Arc::from(spki.as_ref()),
            public: Arc::new(public),
            kid: None,
            algorithm: None,
        })
    }

    /// The key's type, which decides the algorithms that fit it.
    pub fn key_type(&self) -> KeyType {
        match &*self.public {
            PublicKey::Ed25519 { .. } => KeyType::Ed25519,
            PublicKey::Ec { key_type, .. } => *key_type,
            PublicKey::Rsa { .. } => KeyType::Rsa,
        }
    }

    /// The RSA modulus length in bits; `None` for other key types.
    pub fn rsa_bits(&self) -> Option<usize> {
        match &*self.public {
            PublicKey::Rsa { bits, .. } => Some(*bits),
            _ => None,
        }
    }

    /// The key id (`kid`), if the key has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Sets the key id. In a [`Jwks`](super::Jwks) the key id selects the
    /// key; for a single key, a token whose `kid` differs is refused.
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The one algorithm this key is restricted to (a JWK's `alg`), if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.algorithm
    }

    /// Restricts the key to one algorithm, as a JWK's `alg` does: tokens
    /// signed with another algorithm are refused. Fails when the algorithm
    /// does not fit the key.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Result<Self, KeyError> {
        if !algorithm.fits(self.key_type()) {
            return Err(KeyError::AlgorithmDoesNotFitKey { algorithm });
        }
        self.algorithm = Some(algorithm);
        Ok(self)
    }

    /// Whether a token signed with `algorithm` may be checked with this key:
    /// the algorithm fits the key's type and, if the key is restricted to an
    /// algorithm, is that one (`EdDSA` and `Ed25519` count as one).
    pub fn accepts(&self, algorithm: Algorithm) -> bool {
        algorithm.fits(self.key_type()) && self.algorithm.is_none_or(|only| only.same_as(algorithm))
    }

    /// Checks `signature` over `message` with the cached backend key.
    ///
    /// The caller has checked [`VerifyingKey::accepts`]; an algorithm that does
    /// not fit is refused here as well.
    pub(crate) fn verify_signature(
        &self,
        algorithm: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyError> {
        let parsed = match (&*self.public, algorithm) {
            (PublicKey::Ed25519 { parsed, .. }, Algorithm::EdDSA | Algorithm::Ed25519) => parsed,
            (
                PublicKey::Ec {
                    key_type, parsed, ..
                },
                alg,
            ) if alg.fits(*key_type) => parsed,
            (PublicKey::Rsa { parsed, .. }, alg) => {
                let index = RSA_ALGORITHMS
                    .iter()
                    .position(|(rsa_alg, _)| *rsa_alg == alg)
                    .ok_or(VerifyError::DisallowedAlgorithm)?;
                &parsed[index]
            }
            _ => return Err(VerifyError::DisallowedAlgorithm),
        };
        parsed
            .verify_sig(message, signature)
            .map_err(|_| VerifyError::BadSignature)
    }

    /// The DER `SubjectPublicKeyInfo` of this key.
    pub fn to_spki_der(&self) -> Vec<u8> {
        self.spki.to_vec()
    }

    /// The public members of the key's JWK, as raw bytes (for JWK export and
    /// thumbprints).
    pub(crate) fn components(&self) -> PublicComponents<'_> {
        match &*self.public {
            PublicKey::Ed25519 { x, .. } => PublicComponents::Ed25519 { x },
            PublicKey::Ec { key_type, x, y, .. } => PublicComponents::Ec {
                key_type: *key_type,
                x,
                y,
            },
            PublicKey::Rsa { n, e, .. } => PublicComponents::Rsa { n, e },
        }
    }
}

/// Borrowed public members of a key.
pub(crate) enum PublicComponents<'a> {
    Ed25519 {
        x: &'a [u8],
    },
    Ec {
        key_type: KeyType,
        x: &'a [u8],
        y: &'a [u8],
    },
    Rsa {
        n: &'a [u8],
        e: &'a [u8],
    },
}

impl PartialEq for VerifyingKey {
    /// Two keys are equal when their public key material, key id and
    /// algorithm restriction are.
    fn eq(&self, other: &Self) -> bool {
        let same_material = match (self.components(), other.components()) {
            (PublicComponents::Ed25519 { x: a }, PublicComponents::Ed25519 { x: b }) => a == b,
            (
                PublicComponents::Ec {
                    key_type: ta,
                    x: xa,
                    y: ya,
                },
                PublicComponents::Ec {
                    key_type: tb,
                    x: xb,
                    y: yb,
                },
            ) => ta == tb && xa == xb && ya == yb,
            (PublicComponents::Rsa { n: na, e: ea }, PublicComponents::Rsa { n: nb, e: eb }) => {
                na == nb && ea == eb
            }
            _ => false,
        };
        same_material && self.kid == other.kid && self.algorithm == other.algorithm
    }
}

impl Eq for VerifyingKey {}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("key_type", &self.key_type())
            .field("rsa_bits", &self.rsa_bits())
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("thumbprint", &self.thumbprint())
            .finish()
    }
}

/// A private key ready to sign, with its public half.
///
/// The backend keeps the private key in its own memory and wipes it when the
/// key is freed; byte copies this toolkit makes while importing or exporting
/// are zeroized on drop. `Debug` shows only public facts.
#[derive(Clone)]
pub struct SigningKey {
    private: Arc<PrivateKey>,
    public: VerifyingKey,
    algorithm: Algorithm,
}

pub(crate) enum PrivateKey {
    Ed25519(Ed25519KeyPair),
    Ec(KeyType, EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

impl SigningKey {
    /// Wraps a backend key pair, deriving its public half.
    pub(crate) fn from_private(private: PrivateKey) -> Result<Self, KeyError> {
        let public = match &private {
            PrivateKey::Ed25519(pair) => VerifyingKey::from_ed25519(pair.public_key().as_ref())?,
            PrivateKey::Ec(key_type, pair) => {
                VerifyingKey::from_ec_point(*key_type, pair.public_key().as_ref())?
            }
            PrivateKey::Rsa(pair) => {
                let public = pair.public_key();
                VerifyingKey::from_rsa(
                    public.modulus().big_endian_without_leading_zero(),
                    public.exponent().big_endian_without_leading_zero(),
                )?
            }
        };
        let algorithm = public.key_type().default_algorithm();
        Ok(Self {
            private: Arc::new(private),
            public,
            algorithm,
        })
    }

    /// Builds the backend key pair for an EC key type from PKCS#8 or SEC1 DER.
    pub(crate) fn ec_from_der(
        key_type: KeyType,
        der: &[u8],
        pkcs8: bool,
    ) -> Result<Self, KeyError> {
        let alg = ec_signing(key_type);
        let pair = if pkcs8 {
            EcdsaKeyPair::from_pkcs8(alg, der)
        } else {
            EcdsaKeyPair::from_private_key_der(alg, der)
        }
        .map_err(|_| KeyError::invalid("the EC private key was rejected"))?;
        Self::from_private(PrivateKey::Ec(key_type, pair))
    }

    /// Builds an EC key pair from its scalar and public coordinates.
    pub(crate) fn ec_from_components(
        key_type: KeyType,
        d: &[u8],
        point: EcPoint<'_>,
    ) -> Result<Self, KeyError> {
        let len = ec_field_len(key_type);
        if d.len() != len || point.x.len() != len || point.y.len() != len {
            return Err(KeyError::jwk(
                "EC members must be exactly the curve's length",
            ));
        }
        let mut uncompressed = Vec::with_capacity(1 + 2 * len);
        uncompressed.push(0x04);
        uncompressed.extend_from_slice(point.x);
        uncompressed.extend_from_slice(point.y);
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            ec_signing(key_type),
            d,
            &uncompressed,
        )
        .map_err(|_| KeyError::invalid("the EC private key does not match its public key"))?;
        Self::from_private(PrivateKey::Ec(key_type, pair))
    }

    /// The public half, for verification and export.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        self.public.key_type()
    }

    /// The algorithm tokens are signed with: `EdDSA`, `ES256`, `ES384` or
    /// `RS256` unless changed with [`SigningKey::with_algorithm`].
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Chooses the signing algorithm (e.g. `PS256` for an RSA key, or the
    /// fully specified `Ed25519` for an Ed25519 key).
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Result<Self, KeyError> {
        if !algorithm.fits(self.key_type()) {
            return Err(KeyError::AlgorithmDoesNotFitKey { algorithm });
        }
        self.algorithm = algorithm;
        Ok(self)
    }

    /// The key id, if set.
    pub fn kid(&self) -> Option<&str> {
        self.public.kid()
    }

    /// Sets the key id (carried to the public key and its JWK).
    #[must_use]
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.public = self.public.with_kid(kid);
        self
    }

    pub(crate) fn private(&self) -> &PrivateKey {
        &self.private
    }

    /// Signs `message` with `algorithm` (which must fit the key).
    pub(crate) fn sign_bytes(
        &self,
        algorithm: Algorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, SignError> {
        if !algorithm.fits(self.key_type()) {
            return Err(SignError::AlgorithmDoesNotFitKey { algorithm });
        }
        let rng = SystemRandom::new();
        match &*self.private {
            PrivateKey::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
            PrivateKey::Ec(_, pair) => pair
                .sign(&rng, message)
                .map(|signature| signature.as_ref().to_vec())
                .map_err(|_| SignError::Backend),
            PrivateKey::Rsa(pair) => {
                let encoding: &'static dyn sig::RsaEncoding = match algorithm {
                    Algorithm::RS256 => &sig::RSA_PKCS1_SHA256,
                    Algorithm::RS384 => &sig::RSA_PKCS1_SHA384,
                    Algorithm::RS512 => &sig::RSA_PKCS1_SHA512,
                    Algorithm::PS256 => &sig::RSA_PSS_SHA256,
                    Algorithm::PS384 => &sig::RSA_PSS_SHA384,
                    _ => &sig::RSA_PSS_SHA512,
                };
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(encoding, &rng, message, &mut signature)
                    .map_err(|_| SignError::Backend)?;
                Ok(signature)
            }
        }
    }

    /// The unencrypted PKCS#8 v1 DER of the private key (zeroized on drop,
    /// redacted in `Debug`).
    pub fn to_pkcs8_der(&self) -> Result<Secret<Vec<u8>>, KeyError> {
        let der = match &*self.private {
            PrivateKey::Ed25519(pair) => pair.to_pkcs8v1().map(|doc| doc.as_ref().to_vec()),
            PrivateKey::Ec(_, pair) => pair.to_pkcs8v1().map(|doc| doc.as_ref().to_vec()),
            PrivateKey::Rsa(pair) => {
                AsDer::<Pkcs8V1Der<'_>>::as_der(pair).map(|doc| doc.as_ref().to_vec())
            }
        };
        der.map(Secret::new).map_err(|_| KeyError::Backend)
    }

    /// The private scalar (EC) or seed (Ed25519), zeroized on drop.
    pub(crate) fn secret_scalar(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        match &*self.private {
            PrivateKey::Ed25519(pair) => pair
                .seed()
                .and_then(|seed| seed.as_be_bytes())
                .map(|bytes| Zeroizing::new(bytes.as_ref().to_vec()))
                .map_err(|_| KeyError::Backend),
            PrivateKey::Ec(_, pair) => pair
                .private_key()
                .as_be_bytes()
                .map(|bytes| Zeroizing::new(bytes.as_ref().to_vec()))
                .map_err(|_| KeyError::Backend),
            PrivateKey::Rsa(_) => Err(KeyError::Backend),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::bit_len;

    #[test]
    fn measures_bit_lengths() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[0x01]), 1);
        assert_eq!(bit_len(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_len(&[0xFF; 256]), 2048);
        let mut short = vec![0x7F];
        short.extend([0xFF; 255]);
        assert_eq!(bit_len(&short), 2047);
    }
}
