//! A container for exported private key material.

use std::fmt;
use std::ops::Deref;

use zeroize::{Zeroize, Zeroizing};

/// Exported private key material (a PEM string or DER bytes): zeroized when
/// dropped, and redacted in `Debug`. Read it through `Deref` (`&*secret`,
/// `secret.as_str()`, `secret.as_slice()`).
pub struct Secret<T: Zeroize>(Zeroizing<T>);

impl<T: Zeroize> Secret<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(Zeroizing::new(value))
    }
}

impl<T: Zeroize> Deref for Secret<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new(String::from("private material"));
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(secret.as_str(), "private material");
    }
}
