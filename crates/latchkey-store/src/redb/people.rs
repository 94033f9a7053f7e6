//! Passwords, password links and console sessions.
//!
//! Sessions and links are keyed by the digest of the token their holder
//! has. Both tables stay small (people, not machines), so the few
//! operations that look past one key (a user's earlier links, sessions that
//! timed out, the users with an email) scan them, or the email claims.

use jiff::Timestamp;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord, Audited, Changes};
use latchkey_core::delegation;
use latchkey_core::password::Password;
use latchkey_core::password_link::PasswordLink;
use latchkey_core::resource::{PolicyGroup, User};
use latchkey_core::session::{Session, SessionContext};
use latchkey_core::token::TokenDigest;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::RedbStore;
use super::tables::{ByDigest, GROUPS, PASSWORD_LINKS, SESSIONS, USER_EMAILS, USERS};
use super::tx::{Read, Write};
use super::{accounts, audit, users};
use crate::rules::union_of;
use crate::{SignInCandidate, StoreError, StoreResult};

fn corrupt(error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

fn get<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    digest: &TokenDigest,
) -> StoreResult<Option<T>> {
    match table.get(digest.as_bytes().as_slice())? {
        Some(bytes) => serde_json::from_slice(bytes.value())
            .map(Some)
            .map_err(corrupt),
        None => Ok(None),
    }
}

fn put<T: Serialize>(
    txn: &WriteTransaction,
    table: ByDigest,
    digest: &TokenDigest,
    value: &T,
) -> StoreResult<()> {
    let bytes = serde_json::to_vec(value).map_err(corrupt)?;
    txn.open_table(table)?
        .insert(digest.as_bytes().as_slice(), bytes.as_slice())?;
    Ok(())
}

/// Every record of a digest table, with its key.
fn all<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
) -> StoreResult<Vec<(Vec<u8>, T)>> {
    let mut found = Vec::new();
    for entry in table.iter()? {
        let (key, value) = entry?;
        let record = serde_json::from_slice(value.value()).map_err(corrupt)?;
        found.push((key.value().to_vec(), record));
    }
    Ok(found)
}

/// Removes every record of `table` that `gone` picks.
fn remove_where<T: DeserializeOwned>(
    txn: &WriteTransaction,
    table: ByDigest,
    gone: impl Fn(&T) -> bool,
) -> StoreResult<()> {
    let mut table = txn.open_table(table)?;
    let doomed: Vec<Vec<u8>> = all::<T>(&table)?
        .into_iter()
        .filter(|(_, record)| gone(record))
        .map(|(key, _)| key)
        .collect();
    for key in doomed {
        table.remove(key.as_slice())?;
    }
    Ok(())
}

fn groups_of(txn: &impl Read, user: &User) -> StoreResult<Vec<PolicyGroup>> {
    user.group_ids
        .iter()
        .map(|group| txn.get_existing(GROUPS, (*group).into()))
        .collect()
}

/// The active user of a link that works at `now`.
fn link_user(
    txn: &impl Read,
    link: Option<PasswordLink>,
    now: Timestamp,
) -> StoreResult<Option<(PasswordLink, User)>> {
    let Some(link) = link.filter(|link| link.usable(now)) else {
        return Ok(None);
    };
    let user = users::load(txn, link.account_id, link.user_id)?;
    Ok(user.is_active().then_some((link, user)))
}

fn session_context(
    txn: &ReadTransaction,
    digest: &TokenDigest,
) -> StoreResult<Option<SessionContext>> {
    let Some(session): Option<Session> = get(&txn.open_table(SESSIONS)?, digest)? else {
        return Ok(None);
    };
    let account = accounts::load(txn, session.account_id)?;
    let user = users::load(txn, session.account_id, session.user_id)?;
    let group_permissions = groups_of(txn, &user)?
        .into_iter()
        .map(|group| group.permissions)
        .collect();
    Ok(Some(SessionContext {
        session,
        account,
        user,
        group_permissions,
    }))
}

impl RedbStore {
    pub(super) fn create_password_link_now(
        &self,
        acting: &Acting,
        link: &PasswordLink,
    ) -> StoreResult<User> {
        self.write(|txn| {
            let user = users::load(txn, link.account_id, link.user_id)?;
            if !user.is_active() {
                return Err(StoreError::Conflict("the user is deleted".into()));
            }
            let rights = union_of(&groups_of(txn, &user)?);
            delegation::admit_password_link(acting.actor(), user.id, rights)?;
            let now = link.created_at;
            remove_where(txn, PASSWORD_LINKS, |old: &PasswordLink| {
                old.user_id == user.id || !old.usable(now)
            })?;
            put(txn, PASSWORD_LINKS, &link.digest, link)?;
            let record = AuditRecord::new(
                acting,
                user.account_id,
                AuditAction::UserPasswordLink,
                user.target(),
                Changes::new(),
                now,
            );
            audit::append(txn, &record)?;
            Ok(user)
        })
    }

    pub(super) fn password_link_user_now(
        &self,
        digest: &TokenDigest,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        self.read(|txn| {
            let link = get(&txn.open_table(PASSWORD_LINKS)?, digest)?;
            Ok(link_user(txn, link, now)?.map(|(_, user)| user))
        })
    }

    pub(super) fn redeem_password_link_now(
        &self,
        acting: &Acting,
        digest: &TokenDigest,
        password: Password,
        now: Timestamp,
    ) -> StoreResult<User> {
        self.write(|txn| {
            let link = get(&txn.open_table(PASSWORD_LINKS)?, digest)?;
            let Some((link, mut user)) = link_user(txn, link, now)? else {
                return Err(StoreError::NotFound {
                    kind: "password link",
                });
            };
            let before = user.clone();
            user.set_password(password)?;
            txn.put(USERS, user.id.into(), &user)?;
            let action = AuditAction::UserPasswordSet;
            audit::append(
                txn,
                &AuditRecord::of(acting, action, Some(&before), Some(&user), now),
            )?;
            remove_where(txn, PASSWORD_LINKS, |old: &PasswordLink| {
                old.user_id == link.user_id || !old.usable(now)
            })?;
            // Its sessions ended with the new password; drop their records.
            remove_where(txn, SESSIONS, |session: &Session| {
                session.user_id == user.id || session.timed_out(now).is_some()
            })?;
            Ok(user)
        })
    }

    pub(super) fn change_password_now(
        &self,
        acting: &Acting,
        account_id: latchkey_core::id::AccountId,
        user_id: latchkey_core::id::UserId,
        replacing: Timestamp,
        password: Password,
    ) -> StoreResult<User> {
        self.write(|txn| {
            let mut user = users::load(txn, account_id, user_id)?;
            let current = user.password.as_ref().map(|p| p.set_at);
            if !user.is_active() || current != Some(replacing) {
                return Err(StoreError::Conflict(
                    "the password changed meanwhile: sign in again".into(),
                ));
            }
            let before = user.clone();
            user.set_password(password)?;
            txn.put(USERS, user.id.into(), &user)?;
            let at = user
                .password
                .as_ref()
                .map_or(before.updated_at, |p| p.set_at);
            let action = AuditAction::UserPasswordSet;
            audit::append(
                txn,
                &AuditRecord::of(acting, action, Some(&before), Some(&user), at),
            )?;
            remove_where(txn, SESSIONS, |session: &Session| {
                session.user_id == user.id
            })?;
            Ok(user)
        })
    }

    pub(super) fn sign_in_candidates_now(&self, email: &str) -> StoreResult<Vec<SignInCandidate>> {
        let wanted = email.to_lowercase();
        self.read(|txn| {
            let mut found = Vec::new();
            // The email claims hold the active users' lowercased emails.
            for entry in txn.open_table(USER_EMAILS)?.iter()? {
                let (key, id) = entry?;
                if key.value().1 != wanted {
                    continue;
                }
                let user: User = txn.get_existing(USERS, id.value())?;
                if user.is_active() && user.has_password() {
                    let account = accounts::load(txn, user.account_id)?;
                    found.push(SignInCandidate { user, account });
                }
            }
            Ok(found)
        })
    }

    pub(super) fn create_session_now(
        &self,
        acting: &Acting,
        session: &Session,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let user = users::load(txn, session.account_id, session.user_id)?;
            let unchanged = user.is_active()
                && user.group_ids == session.group_ids
                && user.password.as_ref().map(|p| p.set_at) == session.password_set_at;
            if !unchanged {
                return Err(StoreError::Conflict(
                    "the user changed while signing in: sign in again".into(),
                ));
            }
            remove_where(txn, SESSIONS, |old: &Session| old.timed_out(now).is_some())?;
            put(txn, SESSIONS, &session.digest, session)?;
            let record = crate::audit::session(acting, session.account_id, session.id, true, now);
            audit::append(txn, &record)
        })
    }

    pub(super) fn session_context_now(
        &self,
        digest: &TokenDigest,
    ) -> StoreResult<Option<SessionContext>> {
        self.read(|txn| session_context(txn, digest))
    }

    pub(super) fn touch_session_now(
        &self,
        digest: &TokenDigest,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let table = txn.open_table(SESSIONS)?;
            let found: Option<Session> = get(&table, digest)?;
            drop(table);
            if let Some(mut session) = found
                && now > session.last_seen_at
            {
                session.last_seen_at = now;
                put(txn, SESSIONS, digest, &session)?;
            }
            Ok(())
        })
    }

    pub(super) fn delete_session_now(
        &self,
        acting: &Acting,
        digest: &TokenDigest,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let removed = txn
                .open_table(SESSIONS)?
                .remove(digest.as_bytes().as_slice())?
                .map(|bytes| serde_json::from_slice::<Session>(bytes.value()));
            if let Some(session) = removed {
                let session = session.map_err(corrupt)?;
                let now = Timestamp::now();
                let record =
                    crate::audit::session(acting, session.account_id, session.id, false, now);
                audit::append(txn, &record)?;
            }
            Ok(())
        })
    }
}
