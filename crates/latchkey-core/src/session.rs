//! Console sessions: a person signed in with their password, acting as
//! their user.
//!
//! The session's cookie holds a random [`Token`]; the store keeps only its
//! digest ([`TokenUse::Session`]). A session ends at sign-out, after
//! [`IDLE_TIMEOUT`] without a request, [`ABSOLUTE_TIMEOUT`] after sign-in,
//! and at once when its user is deleted, leaves one of the groups it had at
//! sign-in, or gets a new password. Those are decided here, on every
//! request, from the records the store read for it in one snapshot
//! ([`SessionContext`]), so a change made by any replica ends the session
//! on the next request anywhere.
//!
//! A session's rights are its user's rights now: the union of the user's
//! groups' permissions, like an unscoped credential of that user.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::authorize::{Credential, Principal, effective_permissions};
use crate::id::{AccountId, PolicyGroupId, SessionId, UserId};
use crate::permission::PermissionSet;
use crate::resource::{Account, User};
use crate::token::{Token, TokenDigest, TokenUse};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(7 * 24);
/// `last_seen_at` is written at most this often per session: idle expiry
/// is hours, so a minute's precision costs nothing and spares a write per
/// request.
pub const TOUCH_INTERVAL: SignedDuration = SignedDuration::from_secs(60);

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Id (not secret: it names the session in logs and the audit trail).
    pub id: SessionId,
    /// Digest of the cookie's token: the lookup key.
    pub digest: TokenDigest,
    /// The user's account.
    pub account_id: AccountId,
    /// The user the session acts as.
    pub user_id: UserId,
    /// Sign-in time.
    pub created_at: Timestamp,
    /// Last request, to within [`TOUCH_INTERVAL`].
    pub last_seen_at: Timestamp,
    /// The user's groups at sign-in: leaving any of them ends the session.
    pub group_ids: Vec<PolicyGroupId>,
    /// When the user's password was set, at sign-in: a new one ends the
    /// session.
    pub password_set_at: Option<Timestamp>,
}

/// Why a session no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Ended {
    /// No request for [`IDLE_TIMEOUT`].
    #[error("session idle too long")]
    Idle,
    /// Older than [`ABSOLUTE_TIMEOUT`].
    #[error("session too old")]
    Absolute,
    /// Its user was deleted.
    #[error("user deleted")]
    UserDeleted,
    /// Its user left a group it had at sign-in.
    #[error("user left a group")]
    GroupLost,
    /// Its user's password changed since sign-in.
    #[error("password changed")]
    PasswordChanged,
}

impl Session {
    /// A new session for `user`, who just proved their password, keyed by
    /// `token`'s digest.
    pub fn begin(user: &User, token: &Token, now: Timestamp) -> Self {
        Session {
            id: SessionId::generate(),
            digest: token.digest(TokenUse::Session),
            account_id: user.account_id,
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            group_ids: user.group_ids.clone(),
            password_set_at: user.password.as_ref().map(|p| p.set_at),
        }
    }

    /// When the session ends unless used again before.
    pub fn expires_at(&self) -> Timestamp {
        let idle = self
            .last_seen_at
            .saturating_add(IDLE_TIMEOUT)
            .expect("in range");
        let absolute = self
            .created_at
            .saturating_add(ABSOLUTE_TIMEOUT)
            .expect("in range");
        idle.min(absolute)
    }

    /// Whether a request at `now` should write `last_seen_at`.
    pub fn needs_touch(&self, now: Timestamp) -> bool {
        now.duration_since(self.last_seen_at) >= TOUCH_INTERVAL
    }

    /// Whether the clock alone has ended the session at `now`.
    pub fn timed_out(&self, now: Timestamp) -> Option<Ended> {
        if now.duration_since(self.created_at) >= ABSOLUTE_TIMEOUT {
            Some(Ended::Absolute)
        } else if now.duration_since(self.last_seen_at) >= IDLE_TIMEOUT {
            Some(Ended::Idle)
        } else {
            None
        }
    }
}

/// A session with everything it depends on, read in one snapshot.
#[derive(Debug, Clone)]
pub struct SessionContext {
    /// The session.
    pub session: Session,
    /// Its account.
    pub account: Account,
    /// Its user, as stored now.
    pub user: User,
    /// The permissions of each of the user's groups now.
    pub group_permissions: Vec<PermissionSet>,
}

impl SessionContext {
    /// Decides whether the session may act at `now`, and as whom.
    pub fn authenticate(&self, now: Timestamp) -> Result<Principal, Ended> {
        if let Some(ended) = self.session.timed_out(now) {
            return Err(ended);
        }
        if !self.user.is_active() || self.user.id != self.session.user_id {
            return Err(Ended::UserDeleted);
        }
        if self
            .session
            .group_ids
            .iter()
            .any(|group| !self.user.group_ids.contains(group))
        {
            return Err(Ended::GroupLost);
        }
        if self.user.password.as_ref().map(|p| p.set_at) != self.session.password_set_at {
            return Err(Ended::PasswordChanged);
        }
        let operator = self.account.operator;
        Ok(Principal {
            account_id: self.account.id,
            operator,
            application_id: None,
            user_id: self.user.id,
            credential: Credential::Session(self.session.id),
            permissions: effective_permissions(
                self.group_permissions.iter().copied(),
                PermissionSet::EMPTY,
                operator,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::argon2id::HashParams;
    use crate::password::Password;
    use crate::plan::Plan;
    use crate::resource::{NewAccount, NewUser};

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    fn context(now: Timestamp) -> (SessionContext, Token) {
        let account = NewAccount {
            name: "Acme".into(),
            plan: Plan::Free,
            limits: None,
        }
        .build(false, now)
        .unwrap();
        let group = PolicyGroupId::generate();
        let mut user = NewUser {
            email: "ada@example.com".into(),
            name: String::new(),
            group_ids: vec![group],
        }
        .build(account.id, now)
        .unwrap();
        user.password = Some(Password {
            hash: crate::argon2id::hash_argon2id("correct horse battery", &HashParams::default())
                .unwrap(),
            set_at: now,
        });
        let token = Token::generate().unwrap();
        let session = Session::begin(&user, &token, now);
        (
            SessionContext {
                session,
                account,
                user,
                group_permissions: vec![PermissionSet::tenant_all()],
            },
            token,
        )
    }

    #[test]
    fn a_fresh_session_acts_as_its_user_with_the_groups_rights() {
        let (context, token) = context(at(1_000));
        assert_eq!(context.session.digest, token.digest(TokenUse::Session));
        let principal = context.authenticate(at(1_500)).unwrap();
        assert_eq!(principal.user_id, context.user.id);
        assert_eq!(principal.application_id, None);
        assert_eq!(
            principal.credential,
            Credential::Session(context.session.id)
        );
        assert_eq!(principal.permissions, PermissionSet::tenant_all());
    }

    #[test]
    fn idle_and_absolute_timeouts() {
        let start = at(1_000_000);
        let (mut context, _) = context(start);
        let idle_end = start.saturating_add(IDLE_TIMEOUT).unwrap();
        assert!(
            context
                .authenticate(
                    idle_end
                        .saturating_sub(SignedDuration::from_secs(1))
                        .unwrap()
                )
                .is_ok()
        );
        assert_eq!(context.authenticate(idle_end), Err(Ended::Idle));
        assert_eq!(context.session.expires_at(), idle_end);
        // Kept busy, it still ends after seven days.
        let end = start.saturating_add(ABSOLUTE_TIMEOUT).unwrap();
        context.session.last_seen_at = end.saturating_sub(SignedDuration::from_secs(5)).unwrap();
        assert_eq!(context.session.expires_at(), end);
        assert_eq!(context.authenticate(end), Err(Ended::Absolute));
    }

    #[test]
    fn touches_are_coalesced() {
        let (context, _) = context(at(1_000));
        assert!(!context.session.needs_touch(at(1_059)));
        assert!(context.session.needs_touch(at(1_060)));
    }

    #[test]
    fn user_deletion_group_loss_and_a_new_password_end_it() {
        let now = at(2_000);
        let (context, _) = context(at(1_000));
        let mut deleted = context.clone();
        deleted.user.delete(now);
        assert_eq!(deleted.authenticate(now), Err(Ended::UserDeleted));
        let mut left = context.clone();
        left.user.group_ids.clear();
        assert_eq!(left.authenticate(now), Err(Ended::GroupLost));
        // A group added since sign-in changes nothing but the rights.
        let mut joined = context.clone();
        joined.user.group_ids.push(PolicyGroupId::generate());
        assert!(joined.authenticate(now).is_ok());
        let mut changed = context.clone();
        changed.user.password.as_mut().unwrap().set_at = at(1_500);
        assert_eq!(changed.authenticate(now), Err(Ended::PasswordChanged));
        let mut removed = context;
        removed.user.password = None;
        assert_eq!(removed.authenticate(now), Err(Ended::PasswordChanged));
    }

    #[test]
    fn rights_are_read_fresh() {
        let (mut context, _) = context(at(1_000));
        context.group_permissions = vec![PermissionSet::EMPTY];
        assert_eq!(
            context.authenticate(at(1_001)).unwrap().permissions,
            PermissionSet::EMPTY
        );
    }
}
