//! People's passwords: the policy for a new one and the argon2id hash the
//! server keeps of it.
//!
//! A password has at least [`MIN_CHARS`] characters (NIST SP 800-63B: length,
//! not composition rules) and at most [`MAX_CHARS`], which bounds what one
//! hash costs. It is hashed with argon2id at OWASP's parameters; hashing and
//! verification cost about 20 ms of CPU and 19 MiB each, so the server runs
//! them on the blocking pool under a bound, never on the async reactor.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::argon2id::{self, Argon2idHash, HashError, HashParams};
use crate::validation::ValidationErrors;

/// Fewest characters in a password.
pub const MIN_CHARS: usize = 12;
/// Most characters in a password.
pub const MAX_CHARS: usize = 1024;

/// A user's password as stored: its argon2id hash and when it was set.
/// Console sessions opened before `set_at` end (see [`crate::session`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Password {
    /// The argon2id PHC string (its `Debug` shows no salt or hash).
    pub hash: Argon2idHash,
    /// When it was set.
    pub set_at: Timestamp,
}

/// Checks a new password against the policy; errors name `field`.
pub fn check_new(field: &str, password: &str) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        errors.add(field, format!("must be at least {MIN_CHARS} characters"));
    } else if chars > MAX_CHARS {
        errors.add(field, format!("must be at most {MAX_CHARS} characters"));
    }
    errors.finish(())
}

impl Password {
    /// Hashes a new password (check it with [`check_new`] first). Slow: call
    /// it off the async reactor.
    ///
    /// # Errors
    ///
    /// [`HashError`] when no salt could be drawn or argon2 failed.
    pub fn hash(password: &str, params: &HashParams, now: Timestamp) -> Result<Self, HashError> {
        Ok(Password {
            hash: argon2id::hash_argon2id(password, params)?,
            set_at: now,
        })
    }

    /// Whether `password` is this one, compared in constant time. Slow:
    /// call it off the async reactor. A password over [`MAX_CHARS`] never
    /// matches (and is not hashed).
    pub fn verify(&self, password: &str) -> bool {
        password.chars().count() <= MAX_CHARS && argon2id::verify_argon2id(password, &self.hash)
    }
}

/// Runs an argon2id verification of `password` against a hash that matches
/// nothing, so that a sign-in for an unknown email costs the same time as
/// one for a known email with a wrong password.
pub fn verify_nothing(password: &str, decoy: &Password) -> bool {
    let _ = decoy.verify(password);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn the_policy_is_about_length_in_characters() {
        assert!(check_new("password", "short").is_err());
        assert!(check_new("password", "elevenchars").is_err());
        assert!(check_new("password", "twelve chars").is_ok());
        // Twelve characters, more bytes.
        assert!(check_new("password", "ééééééééééé").is_err());
        assert!(check_new("password", "éééééééééééé").is_ok());
        let long = "x".repeat(MAX_CHARS + 1);
        let errors = check_new("new_password", &long).unwrap_err();
        assert_eq!(errors.fields[0].name, "new_password");
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored =
            Password::hash("correct horse battery", &HashParams::default(), now()).unwrap();
        assert!(stored.verify("correct horse battery"));
        assert!(!stored.verify("correct horse batterY"));
        assert!(!stored.verify(&"x".repeat(MAX_CHARS + 1)));
        assert!(!format!("{stored:?}").contains(&stored.hash.as_str()[30..]));
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(serde_json::from_str::<Password>(&json).unwrap(), stored);
    }
}
