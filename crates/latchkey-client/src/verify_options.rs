//! The verify options every SDK takes (`algorithms`, `audience`, `issuer`,
//! `leeway`, …, each under its language's name), turned into the toolkit's
//! [`VerificationPolicy`] by one rule for all of them.
//!
//! The rule that matters: an algorithm name this toolkit does not implement
//! (`HS256`, `none`, a typo such as `eddsa`) is refused with
//! [`VerifyOptionsError::UnknownAlgorithm`], which every binding raises as
//! its algorithm error (`InvalidAlgorithmError`, `ERR_JWT_ALG_NOT_ALLOWED`,
//! `DisallowedAlgorithm`). Dropping such a name silently would let a
//! misspelt allow-list pass review looking like it allows what it does not.

use std::time::Duration;

use jiff::Timestamp;
use latchkey_core::jwt::{Algorithm, VerificationPolicy};

/// The algorithm names this toolkit implements, for messages.
pub const ALGORITHM_NAMES: &str =
    "EdDSA, Ed25519, ES256, ES384, RS256, RS384, RS512, PS256, PS384, PS512";

/// Why verify options cannot become a policy. Raised before any token is
/// looked at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyOptionsError {
    /// An algorithm name this toolkit does not implement (`HS256`, `none`,
    /// `eddsa`): the bindings' algorithm error.
    #[error("algorithm {name:?} is not supported ({ALGORITHM_NAMES} are)")]
    UnknownAlgorithm {
        /// The name as given.
        name: String,
    },
    /// The allow-list is empty: there is no allow-everything default.
    #[error("the algorithm allow-list must not be empty")]
    NoAlgorithms,
    /// A number of seconds that is negative, not finite, or too large.
    #[error("{option} must be a finite, non-negative number of seconds")]
    BadSeconds {
        /// The option, under the caller's name for it (`leeway`,
        /// `clockTolerance`).
        option: String,
    },
    /// A point in time outside what a timestamp can hold.
    #[error("{option} is out of range")]
    TimeOutOfRange {
        /// The option, under the caller's name for it (`now`,
        /// `clockTimestamp`).
        option: String,
    },
}

/// An algorithm by its JOSE name (case-sensitive); an unknown name is
/// [`VerifyOptionsError::UnknownAlgorithm`].
pub fn algorithm(name: &str) -> Result<Algorithm, VerifyOptionsError> {
    Algorithm::from_name(name).ok_or_else(|| VerifyOptionsError::UnknownAlgorithm {
        name: name.to_owned(),
    })
}

/// A duration from a number of seconds (a float, as Python and JavaScript
/// pass them); `option` names it in the error.
pub fn seconds(option: &str, seconds: f64) -> Result<Duration, VerifyOptionsError> {
    Duration::try_from_secs_f64(seconds).map_err(|_| VerifyOptionsError::BadSeconds {
        option: option.to_owned(),
    })
}

/// A point in time from seconds since the epoch (the fraction is dropped:
/// JWT times are whole seconds); `option` names it in the error.
pub fn epoch_seconds(option: &str, seconds: f64) -> Result<Timestamp, VerifyOptionsError> {
    if !seconds.is_finite() {
        return Err(VerifyOptionsError::BadSeconds {
            option: option.to_owned(),
        });
    }
    // `as` saturates; a saturated value is then out of jiff's range.
    #[allow(clippy::cast_possible_truncation)]
    let whole = seconds.floor() as i64;
    Timestamp::from_second(whole).map_err(|_| VerifyOptionsError::TimeOutOfRange {
        option: option.to_owned(),
    })
}

/// What a token must satisfy, as the SDKs' verify functions take it.
/// Defaults follow each ecosystem's JOSE library: no leeway, no maximum
/// lifetime, and a token with `aud` is refused when no audience is given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// The allow-list, by name; it may mix families (`["EdDSA", "ES256",
    /// "RS256"]`: the key's type picks the one that applies).
    pub algorithms: Vec<String>,
    /// Accepted audiences: `aud` must name one of them.
    pub audiences: Vec<String>,
    /// The required `iss`.
    pub issuer: Option<String>,
    /// The required `sub`.
    pub subject: Option<String>,
    /// Clock skew allowed on `exp`, `nbf` and `iat` (whole seconds count).
    pub leeway: Option<Duration>,
    /// The longest `exp - iat` accepted.
    pub max_lifetime: Option<Duration>,
    /// Claims that must be present.
    pub required_claims: Vec<String>,
}

impl VerifyOptions {
    /// Options allowing `algorithms`, with nothing else set.
    pub fn new<I, S>(algorithms: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        VerifyOptions {
            algorithms: algorithms.into_iter().map(Into::into).collect(),
            ..VerifyOptions::default()
        }
    }

    /// The policy these options describe. Every algorithm name must be one
    /// this toolkit implements, and there must be at least one.
    pub fn policy(&self) -> Result<VerificationPolicy, VerifyOptionsError> {
        let algorithms = self
            .algorithms
            .iter()
            .map(|name| algorithm(name))
            .collect::<Result<Vec<_>, _>>()?;
        let mut policy =
            VerificationPolicy::new(algorithms).map_err(|_| VerifyOptionsError::NoAlgorithms)?;
        for audience in &self.audiences {
            policy = policy.with_audience(audience.clone());
        }
        if let Some(issuer) = &self.issuer {
            policy = policy.with_issuer(issuer.clone());
        }
        if let Some(subject) = &self.subject {
            policy = policy.with_subject(subject.clone());
        }
        if let Some(leeway) = self.leeway {
            policy = policy.with_leeway(leeway);
        }
        if let Some(max_lifetime) = self.max_lifetime {
            policy = policy.with_max_lifetime(max_lifetime);
        }
        Ok(policy.with_required_claims(self.required_claims.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_name_is_refused_even_beside_known_ones() {
        for listed in [
            &["HS256", "EdDSA"][..],
            &["EdDSA", "none"],
            &["eddsa"],
            &["ES512"],
        ] {
            let error = VerifyOptions::new(listed.iter().copied())
                .policy()
                .unwrap_err();
            let unknown = listed
                .iter()
                .find(|name| Algorithm::from_name(name).is_none())
                .unwrap();
            assert_eq!(
                error,
                VerifyOptionsError::UnknownAlgorithm {
                    name: (*unknown).to_owned()
                }
            );
            assert!(error.to_string().contains(unknown), "{error}");
        }
    }

    #[test]
    fn an_empty_list_is_refused() {
        assert_eq!(
            VerifyOptions::new(Vec::<String>::new()).policy(),
            Err(VerifyOptionsError::NoAlgorithms)
        );
    }

    #[test]
    fn every_option_reaches_the_policy() {
        let options = VerifyOptions {
            algorithms: vec!["EdDSA".into(), "ES256".into(), "EdDSA".into()],
            audiences: vec!["a".into(), "b".into()],
            issuer: Some("iss".into()),
            subject: Some("sub".into()),
            leeway: Some(Duration::from_secs(60)),
            max_lifetime: Some(Duration::from_secs(3600)),
            required_claims: vec!["jti".into()],
        };
        let policy = options.policy().unwrap();
        assert_eq!(policy.algorithms(), [Algorithm::EdDSA, Algorithm::ES256]);
        assert_eq!(policy.audiences(), ["a", "b"]);
        assert_eq!(policy.issuer(), Some("iss"));
        assert_eq!(policy.subject(), Some("sub"));
        assert_eq!(policy.leeway(), Duration::from_secs(60));
        assert_eq!(policy.max_lifetime(), Some(Duration::from_secs(3600)));
        assert_eq!(policy.required_claims(), ["jti"]);
        let defaults = VerifyOptions::new(["RS256"]).policy().unwrap();
        assert_eq!(defaults.leeway(), Duration::ZERO);
        assert_eq!(defaults.max_lifetime(), None);
        assert!(defaults.audiences().is_empty());
    }

    #[test]
    fn seconds_and_times_are_checked() {
        assert_eq!(seconds("leeway", 1.5), Ok(Duration::from_millis(1500)));
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                seconds("clockTolerance", bad),
                Err(VerifyOptionsError::BadSeconds {
                    option: "clockTolerance".into()
                })
            );
        }
        assert_eq!(
            epoch_seconds("now", 1_700_000_000.9).unwrap(),
            Timestamp::from_second(1_700_000_000).unwrap()
        );
        assert!(matches!(
            epoch_seconds("now", 1e300),
            Err(VerifyOptionsError::TimeOutOfRange { .. })
        ));
        assert!(matches!(
            epoch_seconds("now", f64::NAN),
            Err(VerifyOptionsError::BadSeconds { .. })
        ));
    }
}
