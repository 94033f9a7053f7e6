//! argon2id, the slow hash for secrets people choose (user passwords), in
//! the PHC string format, with constant-time verification.
//!
//! Access-key secrets are not hashed with it any more (they are 256 random
//! bits: see [`crate::secret_hash`]); records written before keep an
//! argon2id hash until their first successful use, so [`verify_argon2id`]
//! also checks those.
//!
//! Hashes are argon2id, version 0x13, with at least the OWASP minimum
//! parameters (m = 19456 KiB, t = 2, p = 1), a 16-byte salt from the
//! operating system's CSPRNG and a 32-byte output. [`verify_argon2id`]
//! accepts nothing weaker, so that a stored hash tampered down to cheap
//! parameters never verifies. One run costs about 20 ms of CPU and 19 MiB:
//! call it off the async reactor, under a concurrency bound.
//!
//! ```
//! use latchkey_core::argon2id::{HashParams, hash_argon2id, verify_argon2id};
//!
//! let stored = hash_argon2id("correct horse battery staple", &HashParams::default())?;
//! // Later, when the password is presented:
//! assert!(verify_argon2id("correct horse battery staple", &stored));
//! assert!(!verify_argon2id("Tr0ub4dor&3", &stored));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, PasswordHasher, Version};
use rand::TryRng;
use rand::rngs::SysRng;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Bytes of salt drawn for each new hash.
pub const SALT_LEN: usize = 16;
/// Bytes of argon2 output in each new hash.
pub const OUTPUT_LEN: usize = 32;

/// Argon2id cost parameters, always at or above the OWASP minimum.
///
/// The upper bounds keep a single verification affordable (a stored hash
/// with absurd costs would otherwise let whoever wrote it stall the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashParams {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

impl HashParams {
    /// Least memory accepted, in KiB (OWASP: 19 MiB).
    pub const MIN_MEMORY_KIB: u32 = 19_456;
    /// Most memory accepted, in KiB (1 GiB).
    pub const MAX_MEMORY_KIB: u32 = 1_048_576;
    /// Fewest iterations (passes over memory) accepted (OWASP: 2).
    pub const MIN_ITERATIONS: u32 = 2;
    /// Most iterations accepted.
    pub const MAX_ITERATIONS: u32 = 64;
    /// Least parallelism (lanes) accepted (OWASP: 1).
    pub const MIN_PARALLELISM: u32 = 1;
    /// Most parallelism (lanes) accepted.
    pub const MAX_PARALLELISM: u32 = 64;

    /// The OWASP minimum: m = 19456 KiB, t = 2, p = 1. Also the default.
    pub const OWASP_MINIMUM: Self = Self {
        memory_kib: Self::MIN_MEMORY_KIB,
        iterations: Self::MIN_ITERATIONS,
        parallelism: Self::MIN_PARALLELISM,
    };

    /// Parameters with `memory_kib` KiB of memory, `iterations` passes and
    /// `parallelism` lanes.
    ///
    /// # Errors
    ///
    /// A [`HashParamsError`] naming the first value outside its bounds. OWASP's
    /// "equivalent" trade-offs with less memory (such as m = 12288, t = 3) are
    /// refused too: memory is never below 19456 KiB.
    pub const fn new(
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    ) -> Result<Self, HashParamsError> {
        if memory_kib < Self::MIN_MEMORY_KIB || memory_kib > Self::MAX_MEMORY_KIB {
            return Err(HashParamsError::Memory { given: memory_kib });
        }
        if iterations < Self::MIN_ITERATIONS || iterations > Self::MAX_ITERATIONS {
            return Err(HashParamsError::Iterations { given: iterations });
        }
        if parallelism < Self::MIN_PARALLELISM || parallelism > Self::MAX_PARALLELISM {
            return Err(HashParamsError::Parallelism { given: parallelism });
        }
        Ok(Self {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    /// Memory cost, in KiB.
    pub const fn memory_kib(&self) -> u32 {
        self.memory_kib
    }

    /// Time cost: passes over memory.
    pub const fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Lanes.
    pub const fn parallelism(&self) -> u32 {
        self.parallelism
    }

    /// The argon2id hasher for these parameters and `output_len` bytes.
    fn hasher(&self, output_len: usize) -> Result<Argon2<'static>, HashError> {
        // Within our bounds, argon2's own checks (m >= 8p, ...) always pass.
        let params = argon2::Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(output_len),
        )
        .map_err(|_| HashError::Hashing)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for HashParams {
    fn default() -> Self {
        Self::OWASP_MINIMUM
    }
}

/// Why [`HashParams::new`] refused its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HashParamsError {
    /// Memory outside 19456..=1048576 KiB.
    #[error("argon2id memory must be between 19456 and 1048576 KiB, not {given}")]
    Memory {
        /// The refused value.
        given: u32,
    },
    /// Iterations outside 2..=64.
    #[error("argon2id iterations must be between 2 and 64, not {given}")]
    Iterations {
        /// The refused value.
        given: u32,
    },
    /// Parallelism outside 1..=64.
    #[error("argon2id parallelism must be between 1 and 64, not {given}")]
    Parallelism {
        /// The refused value.
        given: u32,
    },
}

/// Why a secret could not be hashed or a stored hash was refused.
///
/// No variant carries the secret or the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// The string is not in the PHC string format, or lacks a salt or hash.
    #[error("not a PHC hash string")]
    MalformedPhc,
    /// The PHC string is well formed but not an argon2id hash.
    #[error("not an argon2id hash")]
    NotArgon2id,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Entropy,
    /// Argon2 refused to compute the hash.
    #[error("argon2id hashing failed")]
    Hashing,
}

/// An argon2id hash of a secret, as a PHC string such as
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
///
/// Serialized as that string. Construction checks that it is a well-formed
/// argon2id PHC string; whether its parameters are strong enough is checked
/// at each [`verify_argon2id`]. Its `Debug` shows the algorithm and parameters,
/// not the salt or the hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Argon2idHash(String);

impl Argon2idHash {
    /// Takes a stored PHC string, checking that it is a well-formed argon2id
    /// hash with a salt and an output.
    ///
    /// # Errors
    ///
    /// [`HashError::MalformedPhc`] or [`HashError::NotArgon2id`].
    pub fn from_phc(phc: String) -> Result<Self, HashError> {
        let parsed = PasswordHash::new(&phc).map_err(|_| HashError::MalformedPhc)?;
        if parsed.algorithm != ARGON2ID_IDENT {
            return Err(HashError::NotArgon2id);
        }
        if parsed.salt.is_none() || parsed.hash.is_none() {
            return Err(HashError::MalformedPhc);
        }
        Ok(Self(phc))
    }

    /// The PHC string, to store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PHC string, to store.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether this hash should be replaced by a new one made with `wanted`:
    /// it would not pass [`verify_argon2id`]'s policy, or its costs differ.
    /// Check after a successful verification, while the secret is at hand.
    pub fn needs_rehash(&self, wanted: &HashParams) -> bool {
        PasswordHash::new(&self.0)
            .ok()
            .and_then(|phc| Checked::new(&phc).map(|checked| checked.params != *wanted))
            .unwrap_or(true)
    }
}

impl fmt::Debug for Argon2idHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "$argon2id$v=19$m=19456,t=2,p=1$salt$hash": keep the first four
        // fields (empty, algorithm, version, parameters).
        let end = self
            .0
            .match_indices('$')
            .nth(3)
            .map_or(self.0.len(), |(index, _)| index);
        f.debug_tuple("Argon2idHash")
            .field(&format_args!("{}$…", &self.0[..end]))
            .finish()
    }
}

impl serde::Serialize for Argon2idHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Argon2idHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let phc = String::deserialize(deserializer)?;
        Self::from_phc(phc).map_err(serde::de::Error::custom)
    }
}

/// Hashes `secret` with argon2id under `params` and a fresh 16-byte salt from
/// the operating system's CSPRNG.
///
/// # Errors
///
/// [`HashError::Entropy`] if no salt could be drawn; [`HashError::Hashing`]
/// if argon2 fails (not expected with valid [`HashParams`]).
pub fn hash_argon2id(secret: &str, params: &HashParams) -> Result<Argon2idHash, HashError> {
    let mut salt = [0u8; SALT_LEN];
    SysRng
        .try_fill_bytes(&mut salt)
        .map_err(|_| HashError::Entropy)?;
    let phc = params
        .hasher(OUTPUT_LEN)?
        .hash_password_with_salt(secret.as_bytes(), &salt)
        .map_err(|_| HashError::Hashing)?;
    Ok(Argon2idHash(phc.to_string()))
}

/// Whether `secret` is the one `hash` was made from.
///
/// The computed and stored outputs are compared in constant time. Returns
/// `false`, without hashing, for any hash outside the policy: not argon2id
/// version 0x13, parameters outside [`HashParams`]' bounds (below OWASP's
/// m = 19456, t = 2, p = 1, or absurdly high), other parameters (`keyid`,
/// `data`), a salt under 16 bytes or an output under 32 bytes.
pub fn verify_argon2id(secret: &str, hash: &Argon2idHash) -> bool {
    let Ok(phc) = PasswordHash::new(&hash.0) else {
        return false;
    };
    let Some(checked) = Checked::new(&phc) else {
        return false;
    };
    let Ok(hasher) = checked.params.hasher(checked.expected.len()) else {
        return false;
    };
    let mut computed = Zeroizing::new([0u8; Output::MAX_LENGTH]);
    let computed = &mut computed[..checked.expected.len()];
    if hasher
        .hash_password_into(secret.as_bytes(), checked.salt, computed)
        .is_err()
    {
        return false;
    }
    computed.ct_eq(checked.expected).into()
}

/// The parts of a stored hash that passed the policy.
struct Checked<'a> {
    params: HashParams,
    salt: &'a [u8],
    expected: &'a [u8],
}

impl<'a> Checked<'a> {
    /// The hash's parameters, salt and output, if it meets the policy.
    fn new(phc: &'a PasswordHash) -> Option<Self> {
        if phc.algorithm != ARGON2ID_IDENT || phc.version != Some(Version::V0x13.into()) {
            return None;
        }
        if phc
            .params
            .iter()
            .any(|(name, _)| !matches!(name.as_str(), "m" | "t" | "p"))
        {
            return None;
        }
        let params = HashParams::new(
            phc.params.get_decimal("m")?,
            phc.params.get_decimal("t")?,
            phc.params.get_decimal("p")?,
        )
        .ok()?;
        let salt: &[u8] = phc.salt.as_ref()?;
        let expected = phc.hash.as_ref()?.as_bytes();
        if salt.len() < SALT_LEN || expected.len() < OUTPUT_LEN {
            return None;
        }
        Some(Self {
            params,
            salt,
            expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg";

    /// A PHC string made directly with argon2, bypassing our policy.
    fn raw_hash(
        algorithm: Algorithm,
        version: Version,
        params: argon2::Params,
        salt: &[u8],
    ) -> String {
        Argon2::new(algorithm, version, params)
            .hash_password_with_salt(SECRET.as_bytes(), salt)
            .unwrap()
            .to_string()
    }

    fn params(m: u32, t: u32, p: u32, out: usize) -> argon2::Params {
        argon2::Params::new(m, t, p, Some(out)).unwrap()
    }

    /// `phc` taken as stored, then verified against the right secret.
    fn verifies_with_right_secret(phc: String) -> bool {
        Argon2idHash::from_phc(phc).is_ok_and(|hash| verify_argon2id(SECRET, &hash))
    }

    #[test]
    fn default_is_the_owasp_minimum() {
        let params = HashParams::default();
        assert_eq!(
            (
                params.memory_kib(),
                params.iterations(),
                params.parallelism()
            ),
            (19_456, 2, 1)
        );
        assert_eq!(params, HashParams::OWASP_MINIMUM);
        assert_eq!(HashParams::new(19_456, 2, 1), Ok(params));
    }

    #[test]
    fn params_below_owasp_or_absurd_are_refused() {
        use HashParamsError::*;
        assert_eq!(HashParams::new(19_455, 2, 1), Err(Memory { given: 19_455 }));
        assert_eq!(HashParams::new(12_288, 3, 1), Err(Memory { given: 12_288 }));
        assert_eq!(HashParams::new(19_456, 1, 1), Err(Iterations { given: 1 }));
        assert_eq!(HashParams::new(19_456, 2, 0), Err(Parallelism { given: 0 }));
        assert_eq!(HashParams::new(0, 0, 0), Err(Memory { given: 0 }));
        assert_eq!(
            HashParams::new(1_048_577, 2, 1),
            Err(Memory { given: 1_048_577 })
        );
        assert_eq!(
            HashParams::new(19_456, 65, 1),
            Err(Iterations { given: 65 })
        );
        assert_eq!(
            HashParams::new(19_456, 2, 65),
            Err(Parallelism { given: 65 })
        );
        assert!(HashParams::new(1_048_576, 64, 64).is_ok());
        assert!(HashParams::new(65_536, 3, 4).is_ok());
    }

    #[test]
    fn hash_is_an_argon2id_phc_string_with_the_given_costs() {
        let hash = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        assert!(
            hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash:?}"
        );
        let phc = PasswordHash::new(hash.as_str()).unwrap();
        assert_eq!(phc.salt.unwrap().len(), SALT_LEN);
        assert_eq!(phc.hash.unwrap().len(), OUTPUT_LEN);
        assert!(!hash.as_str().contains(SECRET));
    }

    #[test]
    fn right_secret_verifies_and_wrong_ones_do_not() {
        let hash = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        assert!(verify_argon2id(SECRET, &hash));
        assert!(!verify_argon2id("", &hash));
        assert!(!verify_argon2id(&SECRET[..42], &hash));
        assert!(!verify_argon2id(&format!("{SECRET}0"), &hash));
        assert!(!verify_argon2id(&SECRET.to_ascii_uppercase(), &hash));
    }

    #[test]
    fn salts_differ_between_hashes_of_the_same_secret() {
        let a = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        let b = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        assert_ne!(a, b);
        assert!(verify_argon2id(SECRET, &a) && verify_argon2id(SECRET, &b));
    }

    #[test]
    fn stronger_params_hash_and_verify() {
        let strong = HashParams::new(24_576, 3, 2).unwrap();
        let hash = hash_argon2id(SECRET, &strong).unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=24576,t=3,p=2$"));
        assert!(verify_argon2id(SECRET, &hash));
    }

    #[test]
    fn raw_hash_at_owasp_params_verifies() {
        // The control for the refusals below: the same construction verifies
        // when it meets the policy.
        let phc = raw_hash(
            Algorithm::Argon2id,
            Version::V0x13,
            params(19_456, 2, 1, 32),
            &[7; 16],
        );
        assert!(verifies_with_right_secret(phc));
    }

    #[test]
    fn weak_params_never_verify_even_with_the_right_secret() {
        for (m, t, p) in [
            (8, 1, 1),
            (19_455, 2, 1),
            (19_456, 1, 1),
            (12_288, 3, 1),
            (7_168, 5, 1),
        ] {
            let phc = raw_hash(
                Algorithm::Argon2id,
                Version::V0x13,
                params(m, t, p, 32),
                &[7; 16],
            );
            assert!(!verifies_with_right_secret(phc), "m={m} t={t} p={p}");
        }
    }

    #[test]
    fn tampering_with_a_stored_hash_fails() {
        let hash = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        let weakened = hash.as_str().replace("m=19456,t=2", "m=8,t=1");
        assert!(!verifies_with_right_secret(weakened));
        let raised = hash.as_str().replace("m=19456", "m=19457");
        assert!(!verifies_with_right_secret(raised));
        // Flip the last character of the output (base64, no padding).
        let mut flipped = hash.as_str().to_owned();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'Q' } else { 'A' });
        assert!(!verifies_with_right_secret(flipped));
    }

    #[test]
    fn other_algorithms_and_versions_never_verify() {
        let owasp = params(19_456, 2, 1, 32);
        for algorithm in [Algorithm::Argon2i, Algorithm::Argon2d] {
            let phc = raw_hash(algorithm, Version::V0x13, owasp.clone(), &[7; 16]);
            assert_eq!(
                Argon2idHash::from_phc(phc.clone()),
                Err(HashError::NotArgon2id)
            );
            let forced = Argon2idHash(phc);
            assert!(!verify_argon2id(SECRET, &forced), "{algorithm}");
        }
        let old = raw_hash(Algorithm::Argon2id, Version::V0x10, owasp, &[7; 16]);
        assert!(old.starts_with("$argon2id$v=16$"), "{old}");
        assert!(!verifies_with_right_secret(old));
    }

    #[test]
    fn short_salts_short_outputs_and_extra_params_never_verify() {
        let short_salt = raw_hash(
            Algorithm::Argon2id,
            Version::V0x13,
            params(19_456, 2, 1, 32),
            &[7; 8],
        );
        assert!(!verifies_with_right_secret(short_salt));
        let short_output = raw_hash(
            Algorithm::Argon2id,
            Version::V0x13,
            params(19_456, 2, 1, 16),
            &[7; 16],
        );
        assert!(!verifies_with_right_secret(short_output));
        let with_data = argon2::ParamsBuilder::new()
            .m_cost(19_456)
            .t_cost(2)
            .p_cost(1)
            .data(argon2::AssociatedData::new(b"context").unwrap())
            .build()
            .unwrap();
        let phc = raw_hash(Algorithm::Argon2id, Version::V0x13, with_data, &[7; 16]);
        assert!(phc.contains(",data="), "{phc}");
        assert!(!verifies_with_right_secret(phc));
    }

    #[test]
    fn from_phc_refuses_what_is_not_argon2id() {
        let own = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        assert_eq!(
            Argon2idHash::from_phc(own.as_str().to_owned()),
            Ok(own.clone())
        );
        for bad in [
            "",
            "argon2id",
            "$argon2id$v=19$m=19456,t=2,p=1",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "$pbkdf2-sha256$i=600000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
        ] {
            assert!(Argon2idHash::from_phc(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn serde_uses_the_phc_string() {
        let hash = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(json, serde_json::to_string(hash.as_str()).unwrap());
        let back: Argon2idHash = serde_json::from_str(&json).unwrap();
        assert_eq!(back, hash);
        assert!(verify_argon2id(SECRET, &back));
        assert!(
            serde_json::from_str::<Argon2idHash>(
                "\"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g\""
            )
            .is_err()
        );
        assert!(serde_json::from_str::<Argon2idHash>("42").is_err());
    }

    #[test]
    fn debug_shows_params_but_not_salt_or_output() {
        let hash = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        let shown = format!("{hash:?}");
        assert_eq!(shown, "Argon2idHash($argon2id$v=19$m=19456,t=2,p=1$…)");
        let salt_and_output = hash.as_str().rsplit('$').take(2).collect::<Vec<_>>();
        for part in salt_and_output {
            assert!(!shown.contains(part), "{shown}");
        }
    }

    #[test]
    fn needs_rehash_when_costs_change_or_policy_fails() {
        let hash = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        assert!(!hash.needs_rehash(&HashParams::default()));
        assert!(hash.needs_rehash(&HashParams::new(65_536, 2, 1).unwrap()));
        let weak = raw_hash(
            Algorithm::Argon2id,
            Version::V0x13,
            params(8, 1, 1, 32),
            &[7; 16],
        );
        assert!(
            Argon2idHash::from_phc(weak)
                .unwrap()
                .needs_rehash(&HashParams::default())
        );
    }

    #[test]
    fn errors_name_neither_secret_nor_hash() {
        let hash = hash_argon2id(SECRET, &HashParams::default()).unwrap();
        let tail = hash.as_str().rsplit('$').next().unwrap().to_owned();
        let err = Argon2idHash::from_phc(format!(
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0${tail}"
        ))
        .unwrap_err();
        assert!(!err.to_string().contains(&tail));
        assert!(!format!("{err:?}").contains(&tail));
    }
}
