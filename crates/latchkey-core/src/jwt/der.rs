//! A minimal, strict DER reader: just enough ASN.1 to classify and unwrap
//! SPKI, PKCS#8, PKCS#1, SEC1 and X.509 structures.
//!
//! It only locates bytes; the backend (aws-lc) parses and validates every key
//! it is handed. Lengths must be definite and minimal, tags single-byte.

/// ASN.1 universal and context tags used by key structures.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const SEQUENCE: u8 = 0x30;
    /// `[0]` constructed (explicit).
    pub(crate) const CONTEXT_0: u8 = 0xA0;
}

/// DER-encoded object identifiers (contents octets only).
pub(crate) mod oid {
    /// 1.3.101.112
    pub(crate) const ED25519: &[u8] = &[0x2B, 0x65, 0x70];
    /// 1.3.101.113
    pub(crate) const ED448: &[u8] = &[0x2B, 0x65, 0x71];
    /// 1.3.101.110
    pub(crate) const X25519: &[u8] = &[0x2B, 0x65, 0x6E];
    /// 1.3.101.111
    pub(crate) const X448: &[u8] = &[0x2B, 0x65, 0x6F];
    /// 1.2.840.10045.2.1
    pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    /// 1.2.840.10045.3.1.7
    pub(crate) const P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    /// 1.3.132.0.34
    pub(crate) const P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
    /// 1.3.132.0.35
    pub(crate) const P521: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x23];
    /// 1.3.132.0.10
    pub(crate) const SECP256K1: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x0A];
    /// 1.2.840.113549.1.1.1
    pub(crate) const RSA_ENCRYPTION: &[u8] =
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
    /// 1.2.840.113549.1.1.10
    pub(crate) const RSASSA_PSS: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A];

    /// A readable name for messages: the usual name of a known OID, else the
    /// dotted form.
    pub(crate) fn name(oid: &[u8]) -> String {
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
        if let Some((_, name)) = known.iter().find(|(bytes, _)| *bytes == oid) {
            return (*name).to_owned();
        }
        dotted(oid)
    }

    fn dotted(oid: &[u8]) -> String {
        let mut arcs: Vec<u128> = Vec::new();
        let mut value: u128 = 0;
        for &byte in oid {
            value = (value << 7) | u128::from(byte & 0x7F);
            if byte & 0x80 == 0 {
                arcs.push(value);
                value = 0;
            }
            if value > u128::MAX >> 8 {
                return "unreadable OID".to_owned();
            }
        }
        let Some(&first) = arcs.first() else {
            return "empty OID".to_owned();
        };
        let (a, b) = match first {
            0..=39 => (0, first),
            40..=79 => (1, first - 40),
            _ => (2, first - 80),
        };
        let mut out = format!("{a}.{b}");
        for arc in &arcs[1..] {
            out.push('.');
            out.push_str(&arc.to_string());
        }
        out
    }
}

/// The DER is not what was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError;

/// Reads consecutive TLVs from a byte slice.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads one element: its tag and contents.
    pub(crate) fn read_any(&mut self) -> Result<(u8, &'a [u8]), DerError> {
        let (&tag, rest) = self.rest.split_first().ok_or(DerError)?;
        if tag & 0x1F == 0x1F {
            return Err(DerError); // multi-byte tags never occur in key structures
        }
        let (&first, mut rest) = rest.split_first().ok_or(DerError)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7F);
            if count == 0 || count > 4 || rest.len() < count {
                return Err(DerError); // indefinite, absurd or truncated length
            }
            let (len_bytes, after) = rest.split_at(count);
            rest = after;
            if len_bytes[0] == 0 {
                return Err(DerError); // not minimal
            }
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 {
                return Err(DerError); // short form was required
            }
            len
        };
        if rest.len() < len {
            return Err(DerError);
        }
        let (contents, after) = rest.split_at(len);
        self.rest = after;
        Ok((tag, contents))
    }

    /// Reads one element that must carry `expected` as tag.
    pub(crate) fn read(&mut self, expected: u8) -> Result<&'a [u8], DerError> {
        match self.read_any()? {
            (tag, contents) if tag == expected => Ok(contents),
            _ => Err(DerError),
        }
    }

    /// Reads the next element only if it carries `expected` as tag.
    pub(crate) fn read_optional(&mut self, expected: u8) -> Result<Option<&'a [u8]>, DerError> {
        if self.peek_tag() == Some(expected) {
            self.read(expected).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads a SEQUENCE and returns a reader over its contents.
    pub(crate) fn sequence(&mut self) -> Result<Reader<'a>, DerError> {
        self.read(tag::SEQUENCE).map(Reader::new)
    }

    /// Reads a non-negative INTEGER and returns its magnitude without leading
    /// zero bytes (a zero value yields an empty slice).
    pub(crate) fn unsigned_integer(&mut self) -> Result<&'a [u8], DerError> {
        let bytes = self.read(tag::INTEGER)?;
        match bytes {
            [] => Err(DerError),
            [first, ..] if first & 0x80 != 0 => Err(DerError), // negative
            [0, second, ..] if second & 0x80 == 0 => Err(DerError), // not minimal
            [0, rest @ ..] => Ok(rest),
            _ => Ok(bytes),
        }
    }

    /// Reads a small non-negative INTEGER (a version field).
    pub(crate) fn small_integer(&mut self) -> Result<u8, DerError> {
        match self.unsigned_integer()? {
            [] => Ok(0),
            [value] => Ok(*value),
            _ => Err(DerError),
        }
    }

    /// Reads a BIT STRING with no unused bits and returns its bytes.
    pub(crate) fn bit_string(&mut self) -> Result<&'a [u8], DerError> {
        match self.read(tag::BIT_STRING)? {
            [0, bytes @ ..] => Ok(bytes),
            _ => Err(DerError),
        }
    }

    /// Succeeds only when every byte has been read.
    pub(crate) fn finish(self) -> Result<(), DerError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DerError)
        }
    }
}

/// An `AlgorithmIdentifier`: the algorithm OID and, for EC keys, the curve
/// OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AlgorithmIdentifier<'a> {
    pub(crate) algorithm: &'a [u8],
    /// The `namedCurve` parameter when it is an OID.
    pub(crate) curve: Option<&'a [u8]>,
}

impl<'a> Reader<'a> {
    /// Reads an `AlgorithmIdentifier` SEQUENCE.
    pub(crate) fn algorithm_identifier(&mut self) -> Result<AlgorithmIdentifier<'a>, DerError> {
        let mut seq = self.sequence()?;
        let algorithm = seq.read(tag::OID)?;
        let curve = match seq.peek_tag() {
            None => None,
            Some(tag::OID) => Some(seq.read(tag::OID)?),
            Some(tag::NULL) => {
                if !seq.read(tag::NULL)?.is_empty() {
                    return Err(DerError);
                }
                None
            }
            // Explicit curve parameters and RSASSA-PSS parameters are not
            // read: callers treat such keys as unsupported.
            Some(_) => {
                seq.read_any()?;
                None
            }
        };
        seq.finish()?;
        Ok(AlgorithmIdentifier { algorithm, curve })
    }
}

/// A `SubjectPublicKeyInfo`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spki<'a> {
    pub(crate) algorithm: AlgorithmIdentifier<'a>,
    pub(crate) public_key: &'a [u8],
}

/// Parses a DER `SubjectPublicKeyInfo`; the whole input must be consumed.
pub(crate) fn parse_spki(der: &[u8]) -> Result<Spki<'_>, DerError> {
    let mut outer = Reader::new(der);
    let spki = read_spki(&mut outer)?;
    outer.finish()?;
    Ok(spki)
}

fn read_spki<'a>(reader: &mut Reader<'a>) -> Result<Spki<'a>, DerError> {
    let mut seq = reader.sequence()?;
    let algorithm = seq.algorithm_identifier()?;
    let public_key = seq.bit_string()?;
    seq.finish()?;
    Ok(Spki {
        algorithm,
        public_key,
    })
}

/// Extracts the `SubjectPublicKeyInfo` of an X.509 certificate (RFC 5280
/// section 4.1). Nothing else of the certificate is checked or trusted.
pub(crate) fn certificate_spki(der: &[u8]) -> Result<Spki<'_>, DerError> {
    let mut outer = Reader::new(der);
    let mut certificate = outer.sequence()?;
    outer.finish()?;
    let mut tbs = certificate.sequence()?;
    tbs.read_optional(tag::CONTEXT_0)?; // version
    tbs.read(tag::INTEGER)?; // serialNumber
    tbs.sequence()?; // signature
    tbs.sequence()?; // issuer
    tbs.sequence()?; // validity
    tbs.sequence()?; // subject
    read_spki(&mut tbs)
}

/// A PKCS#8 `PrivateKeyInfo` (RFC 5208 / RFC 5958 `OneAsymmetricKey`); no
/// `Debug`, it holds the private key.
pub(crate) struct PrivateKeyInfo<'a> {
    pub(crate) algorithm: AlgorithmIdentifier<'a>,
    /// The contents of the `privateKey` OCTET STRING.
    pub(crate) private_key: &'a [u8],
}

/// Parses a DER PKCS#8 `PrivateKeyInfo` (version 0 or 1).
pub(crate) fn parse_pkcs8(der: &[u8]) -> Result<PrivateKeyInfo<'_>, DerError> {
    let mut outer = Reader::new(der);
    let mut seq = outer.sequence()?;
    outer.finish()?;
    if seq.small_integer()? > 1 {
        return Err(DerError);
    }
    let algorithm = seq.algorithm_identifier()?;
    let private_key = seq.read(tag::OCTET_STRING)?;
    Ok(PrivateKeyInfo {
        algorithm,
        private_key,
    })
}

/// A SEC1 `ECPrivateKey` (RFC 5915); no `Debug`, it holds the private key.
pub(crate) struct EcPrivateKey<'a> {
    pub(crate) scalar: &'a [u8],
    /// The `namedCurve` from `[0] parameters`, when present.
    pub(crate) curve: Option<&'a [u8]>,
}

/// Parses a DER SEC1 `ECPrivateKey`.
pub(crate) fn parse_sec1(der: &[u8]) -> Result<EcPrivateKey<'_>, DerError> {
    let mut outer = Reader::new(der);
    let mut seq = outer.sequence()?;
    outer.finish()?;
    if seq.small_integer()? != 1 {
        return Err(DerError);
    }
    let scalar = seq.read(tag::OCTET_STRING)?;
    let curve = match seq.read_optional(tag::CONTEXT_0)? {
        Some(params) => {
            let mut params = Reader::new(params);
            match params.peek_tag() {
                Some(tag::OID) => Some(params.read(tag::OID)?),
                _ => None,
            }
        }
        None => None,
    };
    Ok(EcPrivateKey { scalar, curve })
}

/// The public half of a PKCS#1 `RSAPublicKey` or `RSAPrivateKey`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RsaPublic<'a> {
    pub(crate) n: &'a [u8],
    pub(crate) e: &'a [u8],
}

/// Parses a DER PKCS#1 `RSAPublicKey`.
pub(crate) fn parse_rsa_public(der: &[u8]) -> Result<RsaPublic<'_>, DerError> {
    let mut outer = Reader::new(der);
    let mut seq = outer.sequence()?;
    outer.finish()?;
    let n = seq.unsigned_integer()?;
    let e = seq.unsigned_integer()?;
    seq.finish()?;
    Ok(RsaPublic { n, e })
}

/// The components of a two-prime PKCS#1 `RSAPrivateKey` (no `Debug`: they
/// are secret).
pub(crate) struct RsaPrivate<'a> {
    pub(crate) n: &'a [u8],
    pub(crate) d: &'a [u8],
    pub(crate) p: &'a [u8],
    pub(crate) q: &'a [u8],
    pub(crate) dp: &'a [u8],
    pub(crate) dq: &'a [u8],
    pub(crate) qi: &'a [u8],
}

/// Parses a DER PKCS#1 `RSAPrivateKey` (two-prime, version 0).
pub(crate) fn parse_rsa_private(der: &[u8]) -> Result<RsaPrivate<'_>, DerError> {
    let mut outer = Reader::new(der);
    let mut seq = outer.sequence()?;
    outer.finish()?;
    if seq.small_integer()? != 0 {
        return Err(DerError); // multi-prime keys are not supported
    }
    let n = seq.unsigned_integer()?;
    seq.unsigned_integer()?; // e
    Ok(RsaPrivate {
        n,
        d: seq.unsigned_integer()?,
        p: seq.unsigned_integer()?,
        q: seq.unsigned_integer()?,
        dp: seq.unsigned_integer()?,
        dq: seq.unsigned_integer()?,
        qi: seq.unsigned_integer()?,
    })
}

/// The bit length of a big-endian unsigned integer without leading zeros.
pub(crate) fn bit_len(magnitude: &[u8]) -> usize {
    match magnitude.iter().position(|&b| b != 0) {
        None => 0,
        Some(i) => (magnitude.len() - i - 1) * 8 + (8 - magnitude[i].leading_zeros() as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let mut r = Reader::new(&[0x04, 0x02, 0xAA, 0xBB, 0x05, 0x00]);
        assert_eq!(r.read(tag::OCTET_STRING), Ok(&[0xAA, 0xBB][..]));
        assert_eq!(r.read(tag::NULL), Ok(&[][..]));
        assert_eq!(r.finish(), Ok(()));

        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        let mut r = Reader::new(&long);
        assert_eq!(r.read(tag::OCTET_STRING).map(<[u8]>::len), Ok(0x80));
    }

    #[test]
    fn refuses_non_minimal_indefinite_and_truncated_lengths() {
        // long form for a short length
        assert_eq!(
            Reader::new(&[0x04, 0x81, 0x01, 0xAA]).read_any(),
            Err(DerError)
        );
        // leading zero in the length
        assert_eq!(
            Reader::new(&[0x04, 0x82, 0x00, 0x81]).read_any(),
            Err(DerError)
        );
        // indefinite length
        assert_eq!(
            Reader::new(&[0x30, 0x80, 0x00, 0x00]).read_any(),
            Err(DerError)
        );
        // truncated contents
        assert_eq!(Reader::new(&[0x04, 0x03, 0xAA]).read_any(), Err(DerError));
        // multi-byte tag
        assert_eq!(Reader::new(&[0x1F, 0x01, 0x00]).read_any(), Err(DerError));
    }

    #[test]
    fn integers_are_unsigned_and_minimal() {
        let read = |bytes: &[u8]| Reader::new(bytes).unsigned_integer().map(<[u8]>::to_vec);
        assert_eq!(read(&[0x02, 0x01, 0x05]), Ok(vec![5]));
        assert_eq!(read(&[0x02, 0x02, 0x00, 0x80]), Ok(vec![0x80]));
        assert_eq!(read(&[0x02, 0x01, 0x00]), Ok(vec![]));
        assert_eq!(read(&[0x02, 0x01, 0x80]), Err(DerError));
        assert_eq!(read(&[0x02, 0x02, 0x00, 0x05]), Err(DerError));
        assert_eq!(read(&[0x02, 0x00]), Err(DerError));
    }

    #[test]
    fn bit_strings_must_have_no_unused_bits() {
        assert_eq!(
            Reader::new(&[0x03, 0x02, 0x00, 0xFF]).bit_string(),
            Ok(&[0xFF][..])
        );
        assert_eq!(
            Reader::new(&[0x03, 0x02, 0x01, 0xFE]).bit_string(),
            Err(DerError)
        );
    }

    #[test]
    fn names_oids() {
        assert_eq!(oid::name(oid::P521), "P-521");
        assert_eq!(oid::name(oid::RSA_ENCRYPTION), "1.2.840.113549.1.1.1");
        assert_eq!(oid::name(oid::EC_PUBLIC_KEY), "1.2.840.10045.2.1");
    }

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
