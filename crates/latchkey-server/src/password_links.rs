//! Handing out password links: the one function that the API
//! (`POST /v3/users/{id}/password-link`), the console's invitations, the
//! first start and `latchkey admin password-link` all call.

use std::fmt;

use jiff::Timestamp;
use latchkey_core::audit::Acting;
use latchkey_core::id::{AccountId, UserId};
use latchkey_core::password_link::{self, PasswordLink};
use latchkey_core::resource::User;
use latchkey_store::{Store, StoreError};

/// A link just stored. `Debug` never shows the URL (it holds the token).
pub struct IssuedLink {
    /// The user whose password it sets.
    pub user: User,
    /// The whole link, shown once.
    pub url: String,
    /// When it stops working.
    pub expires_at: Timestamp,
}

impl fmt::Debug for IssuedLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedLink")
            .field("user", &self.user.id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Stores a new password link for a user of `account_id` (withdrawing the
/// user's earlier ones), as `acting` (the delegation rule decides, inside
/// the store's transaction, which records it), and returns it with its URL
/// on `public_url`.
pub async fn issue(
    store: &dyn Store,
    acting: &Acting,
    account_id: AccountId,
    user_id: UserId,
    public_url: &str,
    now: Timestamp,
) -> Result<IssuedLink, StoreError> {
    // The link is built for the user as stored: the store checks it again
    // (active, in the account) in the transaction that writes the link.
    let user = store.get_user(account_id, user_id).await?;
    let (link, token) =
        PasswordLink::issue(&user, now).map_err(|error| StoreError::Backend(error.to_string()))?;
    let expires_at = link.expires_at;
    let user = store.create_password_link(acting, link).await?;
    Ok(IssuedLink {
        user,
        url: password_link::url(public_url, &token),
        expires_at,
    })
}
