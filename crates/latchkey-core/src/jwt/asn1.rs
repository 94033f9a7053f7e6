//! Classifying and unwrapping key structures (SPKI, PKCS#8, PKCS#1, SEC1 and
//! X.509) with RustCrypto's DER crates (`der`, `spki`, `pkcs8`, `pkcs1`).
//!
//! This module only locates bytes and names algorithms; the backend (aws-lc)
//! parses and validates every key it is handed. Decoding is strict DER:
//! definite, minimal lengths and minimal, non-negative integers.

use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode, Reader, SliceReader, Tag, TagNumber, Tagged};
use pkcs1::{RsaPrivateKeyRef, RsaPublicKeyRef};
use pkcs8::PrivateKeyInfoRef;
use spki::{AlgorithmIdentifierRef, ObjectIdentifier, SubjectPublicKeyInfoRef};

/// The object identifiers this toolkit recognises.
pub(crate) mod oid {
    use const_oid::db::{rfc5912, rfc8410};
    use spki::ObjectIdentifier;

    /// 1.3.101.112
    pub(crate) const ED25519: ObjectIdentifier = rfc8410::ID_ED_25519;
    /// 1.3.101.113
    pub(crate) const ED448: ObjectIdentifier = rfc8410::ID_ED_448;
    /// 1.3.101.110
    pub(crate) const X25519: ObjectIdentifier = rfc8410::ID_X_25519;
    /// 1.3.101.111
    pub(crate) const X448: ObjectIdentifier = rfc8410::ID_X_448;
    /// 1.2.840.10045.2.1
    pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier = rfc5912::ID_EC_PUBLIC_KEY;
    /// 1.2.840.10045.3.1.7
    pub(crate) const P256: ObjectIdentifier = rfc5912::SECP_256_R_1;
    /// 1.3.132.0.34
    pub(crate) const P384: ObjectIdentifier = rfc5912::SECP_384_R_1;
    /// 1.3.132.0.35
    pub(crate) const P521: ObjectIdentifier = rfc5912::SECP_521_R_1;
    /// 1.3.132.0.10 (SEC 2; not in `const-oid`'s database).
    pub(crate) const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
    /// 1.2.840.113549.1.1.1
    pub(crate) const RSA_ENCRYPTION: ObjectIdentifier = rfc5912::RSA_ENCRYPTION;
    /// 1.2.840.113549.1.1.10
    pub(crate) const RSASSA_PSS: ObjectIdentifier = rfc5912::ID_RSASSA_PSS;

    /// A readable name for messages: the usual name of a known OID, else the
    /// dotted form.
    pub(crate) fn name(oid: ObjectIdentifier) -> String {
        let known = [
            (ED25519, "Ed25519"),
            (ED448, "Ed448"),
            (X25519, "X25519"),
            (X448, "X448"),
            (P256, "P-256"),
            (P384, "P-384"),
            (P521, "P-521"),
            (SECP256K1, "secp256k1"),
            (RSASSA_PSS, "RSASSA-PSS"),
        ];
        match known.iter().find(|(known, _)| *known == oid) {
            Some((_, name)) => (*name).to_owned(),
            None => oid.to_string(),
        }
    }
}

/// An `AlgorithmIdentifier`: the algorithm OID and, for EC keys, the curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Algorithm {
    pub(crate) oid: ObjectIdentifier,
    /// The `namedCurve` parameter, when the parameter is an OID.
    pub(crate) curve: Option<ObjectIdentifier>,
}

impl Algorithm {
    fn new(identifier: &AlgorithmIdentifierRef<'_>) -> der::Result<Self> {
        let curve = match identifier.parameters {
            Some(params) if params.tag() == Tag::ObjectIdentifier => Some(params.decode_as()?),
            Some(params) if params.tag() == Tag::Null && !params.is_null() => {
                return Err(Tag::Null.length_error().into());
            }
            // NULL (RSA), absent (Ed25519), or explicit curve and RSASSA-PSS
            // parameters, which are not read: callers refuse such keys.
            _ => None,
        };
        Ok(Self {
            oid: identifier.oid,
            curve,
        })
    }
}

/// A `SubjectPublicKeyInfo`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spki<'a> {
    pub(crate) algorithm: Algorithm,
    /// The `subjectPublicKey` BIT STRING, which must have no unused bits.
    pub(crate) public_key: &'a [u8],
}

impl<'a> Spki<'a> {
    fn new(spki: &SubjectPublicKeyInfoRef<'a>) -> der::Result<Self> {
        Ok(Self {
            algorithm: Algorithm::new(&spki.algorithm)?,
            public_key: spki
                .subject_public_key
                .as_bytes()
                .ok_or_else(|| Tag::BitString.value_error())?,
        })
    }
}

/// Parses a DER `SubjectPublicKeyInfo`; the whole input must be consumed.
pub(crate) fn parse_spki(der: &[u8]) -> der::Result<Spki<'_>> {
    Spki::new(&SubjectPublicKeyInfoRef::from_der(der)?)
}

/// Extracts the `SubjectPublicKeyInfo` of an X.509 certificate (RFC 5280
/// section 4.1). Nothing else of the certificate is checked or trusted: the
/// fields before the key are only skipped, and those after it are not read.
///
/// `x509-cert` is not used on purpose: it decodes the whole certificate
/// (names, validity times, extensions) and would refuse certificates whose
/// key this toolkit takes today.
pub(crate) fn certificate_spki(der: &[u8]) -> der::Result<Spki<'_>> {
    let mut reader = SliceReader::new(der)?;
    let spki = reader.sequence(|certificate| {
        let spki = certificate.sequence(|tbs| {
            let version = Tag::ContextSpecific {
                constructed: true,
                number: TagNumber(0),
            };
            if next_is(tbs, version)? {
                AnyRef::decode(tbs)?;
            }
            for expected in [
                Tag::Integer,  // serialNumber
                Tag::Sequence, // signature
                Tag::Sequence, // issuer
                Tag::Sequence, // validity
                Tag::Sequence, // subject
            ] {
                AnyRef::decode(tbs)?.tag().assert_eq(expected)?;
            }
            let spki = SubjectPublicKeyInfoRef::decode(tbs)?;
            skip_rest(tbs)?;
            Ok::<_, der::Error>(spki)
        })?;
        skip_rest(certificate)?;
        Ok::<_, der::Error>(spki)
    })?;
    reader.finish()?;
    Spki::new(&spki)
}

/// Whether the next element carries `tag`.
fn next_is<'a>(reader: &impl Reader<'a>, tag: Tag) -> der::Result<bool> {
    Ok(!reader.is_finished() && Tag::peek(reader)? == tag)
}

/// Skips what is left of a structure, unread.
fn skip_rest<'a>(reader: &mut impl Reader<'a>) -> der::Result<()> {
    reader.read_slice(reader.remaining_len()).map(drop)
}

/// A PKCS#8 `PrivateKeyInfo` (RFC 5208 / RFC 5958 `OneAsymmetricKey`, v1 or
/// v2); no `Debug`, it holds the private key.
pub(crate) struct PrivateKeyInfo<'a> {
    pub(crate) algorithm: Algorithm,
    /// The contents of the `privateKey` OCTET STRING.
    pub(crate) private_key: &'a [u8],
}

/// Parses a DER PKCS#8 `PrivateKeyInfo`.
pub(crate) fn parse_pkcs8(der: &[u8]) -> der::Result<PrivateKeyInfo<'_>> {
    let info = PrivateKeyInfoRef::from_der(der)?;
    Ok(PrivateKeyInfo {
        algorithm: Algorithm::new(&info.algorithm)?,
        private_key: info.private_key.as_bytes(),
    })
}

/// A SEC1 `ECPrivateKey` (RFC 5915); no `Debug`, it holds the private key.
pub(crate) struct EcPrivateKey<'a> {
    pub(crate) scalar: &'a [u8],
    /// The `namedCurve` from `[0] parameters`, when present.
    pub(crate) curve: Option<ObjectIdentifier>,
}

/// Parses a DER SEC1 `ECPrivateKey`.
///
/// `sec1::EcPrivateKey` is not used: it refuses any `[0] parameters` other
/// than a named curve, while OpenSSL writes explicit curve parameters
/// (`-param_enc explicit`) that aws-lc accepts for the curves it knows. The
/// parameters are read as ANY, and the optional `[1] publicKey` is left to
/// aws-lc.
pub(crate) fn parse_sec1(der: &[u8]) -> der::Result<EcPrivateKey<'_>> {
    let mut reader = SliceReader::new(der)?;
    let key = reader.sequence(|seq| {
        if u8::decode(seq)? != 1 {
            return Err(Tag::Integer.value_error().into());
        }
        let scalar = <&OctetStringRef>::decode(seq)?.as_bytes();
        let parameters = Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(0),
        };
        let mut curve = None;
        if next_is(seq, parameters)? {
            let mut params = SliceReader::new(AnyRef::decode(seq)?.value())?;
            if next_is(&params, Tag::ObjectIdentifier)? {
                curve = Some(ObjectIdentifier::decode(&mut params)?);
            }
        }
        skip_rest(seq)?;
        Ok::<_, der::Error>(EcPrivateKey { scalar, curve })
    })?;
    reader.finish()?;
    Ok(key)
}

/// The public half of a PKCS#1 `RSAPublicKey` or `RSAPrivateKey`: big-endian
/// magnitudes without leading zero bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RsaPublic<'a> {
    pub(crate) n: &'a [u8],
    pub(crate) e: &'a [u8],
}

/// Parses a DER PKCS#1 `RSAPublicKey`.
pub(crate) fn parse_rsa_public(der: &[u8]) -> der::Result<RsaPublic<'_>> {
    let key = RsaPublicKeyRef::from_der(der)?;
    Ok(RsaPublic {
        n: key.modulus.as_bytes(),
        e: key.public_exponent.as_bytes(),
    })
}

/// Parses a DER PKCS#1 `RSAPrivateKey` (two-prime, version 0; multi-prime
/// keys are refused). The components are secret; `pkcs1`'s `Debug` for the
/// type shows only the modulus and public exponent.
pub(crate) fn parse_rsa_private(der: &[u8]) -> der::Result<RsaPrivateKeyRef<'_>> {
    RsaPrivateKeyRef::from_der(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SEQUENCE around `contents`.
    fn seq(contents: &[u8]) -> Vec<u8> {
        let mut out = vec![0x30, u8::try_from(contents.len()).unwrap()];
        out.extend_from_slice(contents);
        out
    }

    fn rsa_public(n: &[u8], e: &[u8]) -> der::Result<(Vec<u8>, Vec<u8>)> {
        let mut contents = Vec::new();
        for int in [n, e] {
            contents.extend([0x02, u8::try_from(int.len()).unwrap()]);
            contents.extend_from_slice(int);
        }
        parse_rsa_public(&seq(&contents)).map(|key| (key.n.to_vec(), key.e.to_vec()))
    }

    #[test]
    fn refuses_non_minimal_indefinite_and_truncated_lengths() {
        let ok = [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03];
        assert!(parse_rsa_public(&ok).is_ok());
        // long form for a short length
        assert!(parse_rsa_public(&[0x30, 0x81, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03]).is_err());
        // leading zero in a long-form length
        assert!(
            parse_rsa_public(&[0x30, 0x82, 0x00, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03])
                .is_err()
        );
        // indefinite length
        assert!(
            parse_rsa_public(&[0x30, 0x80, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03, 0x00, 0x00])
                .is_err()
        );
        // truncated contents, trailing data
        assert!(parse_rsa_public(&ok[..7]).is_err());
        assert!(parse_rsa_public(&[&ok[..], &[0x00]].concat()).is_err());
    }

    #[test]
    fn integers_are_unsigned_and_minimal() {
        assert_eq!(rsa_public(&[5], &[3]), Ok((vec![5], vec![3])));
        assert_eq!(rsa_public(&[0x00, 0x80], &[3]), Ok((vec![0x80], vec![3])));
        assert!(rsa_public(&[0x80], &[3]).is_err()); // negative
        assert!(rsa_public(&[0x00, 0x05], &[3]).is_err()); // not minimal
        assert!(rsa_public(&[], &[3]).is_err()); // empty
    }

    #[test]
    fn bit_strings_must_have_no_unused_bits() {
        // AlgorithmIdentifier { Ed25519 }, then the key as a BIT STRING.
        let algorithm = [0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70];
        let spki = |bits: &[u8]| seq(&[&algorithm[..], &[0x03, 0x02], bits].concat());
        let der = spki(&[0x00, 0xFF]);
        let parsed = parse_spki(&der).unwrap();
        assert_eq!(parsed.algorithm.oid, oid::ED25519);
        assert_eq!(parsed.algorithm.curve, None);
        assert_eq!(parsed.public_key, [0xFF]);
        assert!(parse_spki(&spki(&[0x01, 0xFE])).is_err());
    }

    #[test]
    fn reads_the_named_curve_and_refuses_a_non_empty_null() {
        // AlgorithmIdentifier { ecPublicKey, P-384 }
        let ec = [
            0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x05, 0x2B,
            0x81, 0x04, 0x00, 0x22,
        ];
        let der = seq(&[&ec[..], &[0x03, 0x02, 0x00, 0x04]].concat());
        let parsed = parse_spki(&der).unwrap();
        assert_eq!(parsed.algorithm.oid, oid::EC_PUBLIC_KEY);
        assert_eq!(parsed.algorithm.curve, Some(oid::P384));

        // AlgorithmIdentifier { rsaEncryption, NULL }, the NULL with contents
        let rsa = |null: &[u8]| {
            let mut id = vec![
                0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01,
            ];
            id.extend_from_slice(null);
            seq(&[&seq(&id)[..], &[0x03, 0x02, 0x00, 0x00]].concat())
        };
        assert!(parse_spki(&rsa(&[0x05, 0x00])).is_ok());
        assert!(parse_spki(&rsa(&[0x05, 0x01, 0x00])).is_err());
    }

    #[test]
    fn names_oids() {
        assert_eq!(oid::name(oid::P521), "P-521");
        assert_eq!(oid::name(oid::SECP256K1), "secp256k1");
        assert_eq!(oid::name(oid::RSA_ENCRYPTION), "1.2.840.113549.1.1.1");
        assert_eq!(oid::name(oid::EC_PUBLIC_KEY), "1.2.840.10045.2.1");
    }
}
