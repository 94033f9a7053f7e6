//! One-time links that set a user's password: how a person gets into the
//! console the first time, or back in after losing their password.
//!
//! A link carries a random [`Token`] of which the store keeps only the digest
//! ([`TokenUse::PasswordLink`]). It works once, for [`LINK_LIFETIME`], and
//! only while its user is active; issuing a new link for a user withdraws
//! the earlier ones. Whoever holds a link can act as its user, so handing one
//! out is a grant, admitted by the delegation rule
//! ([`crate::delegation::admit_password_link`]).

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::id::{AccountId, UserId};
use crate::resource::User;
use crate::token::{EntropyError, Token, TokenDigest, TokenUse};

/// How long a link works.
pub const LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(24);

/// A password link as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordLink {
    /// Digest of the link's token: the lookup key.
    pub digest: TokenDigest,
    /// The user's account.
    pub account_id: AccountId,
    /// The user whose password the link sets.
    pub user_id: UserId,
    /// When it was issued.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
}

impl PasswordLink {
    /// A new link for `user`, and the token to put in it (shown once).
    ///
    /// # Errors
    ///
    /// [`EntropyError`] when no random bytes could be drawn.
    pub fn issue(user: &User, now: Timestamp) -> Result<(Self, Token), EntropyError> {
        let token = Token::generate()?;
        let link = PasswordLink {
            digest: token.digest(TokenUse::PasswordLink),
            account_id: user.account_id,
            user_id: user.id,
            created_at: now,
            expires_at: now.saturating_add(LINK_LIFETIME).expect("in range"),
        };
        Ok((link, token))
    }

    /// Whether the link still works at `now` (its user must be active too).
    pub fn usable(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
}

/// The console path a link's token is put in (`?token=…` follows).
pub const CONSOLE_PATH: &str = "/console/password";

/// The whole link for a server reachable at `public_url`.
pub fn url(public_url: &str, token: &Token) -> String {
    format!(
        "{}{CONSOLE_PATH}?token={}",
        public_url.trim_end_matches('/'),
        token.expose()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::NewUser;

    #[test]
    fn a_link_works_for_a_day() {
        let now = Timestamp::from_second(1_000_000).unwrap();
        let user = NewUser {
            email: "ada@example.com".into(),
            name: String::new(),
            group_ids: vec![],
        }
        .build(AccountId::generate(), now)
        .unwrap();
        let (link, token) = PasswordLink::issue(&user, now).unwrap();
        assert_eq!(link.digest, token.digest(TokenUse::PasswordLink));
        assert_eq!(link.user_id, user.id);
        let day = now.saturating_add(LINK_LIFETIME).unwrap();
        assert!(link.usable(day.saturating_sub(SignedDuration::from_secs(1)).unwrap()));
        assert!(!link.usable(day));
        assert_eq!(
            url("http://127.0.0.1:8080/", &token),
            format!(
                "http://127.0.0.1:8080/console/password?token={}",
                token.expose()
            )
        );
    }
}
