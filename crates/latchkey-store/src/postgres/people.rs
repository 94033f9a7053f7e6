//! Passwords, password links and console sessions.

use jiff::Timestamp;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord, Audited, Changes};
use latchkey_core::delegation;
use latchkey_core::password::Password;
use latchkey_core::password_link::PasswordLink;
use latchkey_core::resource::User;
use latchkey_core::session::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, Session, SessionContext};
use latchkey_core::token::TokenDigest;

use super::rows::{doc, json, nanos, uid};
use super::tx::{Tx, TxError};
use super::{accounts, users};
use crate::rules::union_of;
use crate::{SignInCandidate, StoreError};

fn key(digest: &TokenDigest) -> &[u8] {
    digest.as_bytes().as_slice()
}

/// Removes the sessions that timed out at `now` (anyone's).
async fn remove_timed_out_sessions(tx: &Tx<'_>, now: Timestamp) -> Result<(), TxError> {
    let idle_since = nanos(now.saturating_sub(IDLE_TIMEOUT).expect("in range"));
    let created_since = nanos(now.saturating_sub(ABSOLUTE_TIMEOUT).expect("in range"));
    tx.execute(
        "DELETE FROM console_sessions WHERE last_seen_ns <= $1 OR created_ns <= $2",
        &[&idle_since, &created_since],
    )
    .await?;
    Ok(())
}

/// The active user of a link that works at `now`.
async fn link_user(
    tx: &Tx<'_>,
    digest: &TokenDigest,
    now: Timestamp,
) -> Result<Option<(PasswordLink, User)>, TxError> {
    let row = tx
        .query_opt(
            "SELECT doc FROM password_links WHERE digest = $1",
            &[&key(digest)],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let link: PasswordLink = doc(&row)?;
    if !link.usable(now) {
        return Ok(None);
    }
    let user = users::load(tx, link.account_id, link.user_id).await?;
    Ok(user.is_active().then_some((link, user)))
}

pub(super) async fn create_password_link(
    tx: &Tx<'_>,
    acting: &Acting,
    link: &PasswordLink,
) -> Result<User, TxError> {
    let user = users::load(tx, link.account_id, link.user_id).await?;
    if !user.is_active() {
        return Err(StoreError::Conflict("the user is deleted".into()).into());
    }
    let rights = union_of(&users::group_docs(tx, &user.group_ids).await?);
    delegation::admit_password_link(acting.actor(), user.id, rights)?;
    tx.execute(
        "DELETE FROM password_links WHERE user_id = $1 OR expires_ns <= $2",
        &[&uid(user.id), &nanos(link.created_at)],
    )
    .await?;
    tx.execute(
        "INSERT INTO password_links (digest, account_id, user_id, expires_ns, doc) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &key(&link.digest),
            &uid(link.account_id),
            &uid(link.user_id),
            &nanos(link.expires_at),
            &json(link)?,
        ],
    )
    .await?;
    let record = AuditRecord::new(
        acting,
        user.account_id,
        AuditAction::UserPasswordLink,
        user.target(),
        Changes::new(),
        link.created_at,
    );
    super::audit::append(tx, &record).await?;
    Ok(user)
}

pub(super) async fn password_link_user(
    tx: &Tx<'_>,
    digest: &TokenDigest,
    now: Timestamp,
) -> Result<Option<User>, TxError> {
    Ok(link_user(tx, digest, now).await?.map(|(_, user)| user))
}

pub(super) async fn redeem_password_link(
    tx: &Tx<'_>,
    acting: &Acting,
    digest: &TokenDigest,
    password: &Password,
    now: Timestamp,
) -> Result<User, TxError> {
    let Some((link, mut user)) = link_user(tx, digest, now).await? else {
        return Err(StoreError::NotFound {
            kind: "password link",
        }
        .into());
    };
    let before = user.clone();
    user.set_password(password.clone())?;
    users::write(tx, &user).await?;
    let action = AuditAction::UserPasswordSet;
    let record = AuditRecord::of(acting, action, Some(&before), Some(&user), now);
    super::audit::append(tx, &record).await?;
    tx.execute(
        "DELETE FROM password_links WHERE user_id = $1 OR expires_ns <= $2",
        &[&uid(link.user_id), &nanos(now)],
    )
    .await?;
    // Its sessions ended with the new password; drop their records.
    tx.execute(
        "DELETE FROM console_sessions WHERE user_id = $1",
        &[&uid(user.id)],
    )
    .await?;
    Ok(user)
}

pub(super) async fn change_password(
    tx: &Tx<'_>,
    acting: &Acting,
    account_id: latchkey_core::id::AccountId,
    user_id: latchkey_core::id::UserId,
    replacing: Timestamp,
    password: &Password,
) -> Result<User, TxError> {
    let mut user = users::load(tx, account_id, user_id).await?;
    let current = user.password.as_ref().map(|p| p.set_at);
    if !user.is_active() || current != Some(replacing) {
        return Err(
            StoreError::Conflict("the password changed meanwhile: sign in again".into()).into(),
        );
    }
    let before = user.clone();
    user.set_password(password.clone())?;
    users::write(tx, &user).await?;
    let action = AuditAction::UserPasswordSet;
    let record = AuditRecord::of(acting, action, Some(&before), Some(&user), password.set_at);
    super::audit::append(tx, &record).await?;
    tx.execute(
        "DELETE FROM console_sessions WHERE user_id = $1",
        &[&uid(user.id)],
    )
    .await?;
    Ok(user)
}

pub(super) async fn sign_in_candidates(
    tx: &Tx<'_>,
    email: &str,
) -> Result<Vec<SignInCandidate>, TxError> {
    let rows = tx
        .query(
            "SELECT doc FROM users WHERE email_key = $1 AND status = 'active' ORDER BY id",
            &[&email.to_lowercase()],
        )
        .await?;
    let mut found = Vec::new();
    for row in rows {
        let user: User = doc(&row)?;
        if user.has_password() {
            let account = accounts::load(tx, user.account_id).await?;
            found.push(SignInCandidate { user, account });
        }
    }
    Ok(found)
}

pub(super) async fn create_session(
    tx: &Tx<'_>,
    acting: &Acting,
    session: &Session,
    now: Timestamp,
) -> Result<(), TxError> {
    let user = users::load(tx, session.account_id, session.user_id).await?;
    let unchanged = user.is_active()
        && user.group_ids == session.group_ids
        && user.password.as_ref().map(|p| p.set_at) == session.password_set_at;
    if !unchanged {
        return Err(StoreError::Conflict(
            "the user changed while signing in: sign in again".into(),
        )
        .into());
    }
    remove_timed_out_sessions(tx, now).await?;
    tx.execute(
        "INSERT INTO console_sessions (digest, account_id, user_id, created_ns, last_seen_ns, doc) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &key(&session.digest),
            &uid(session.account_id),
            &uid(session.user_id),
            &nanos(session.created_at),
            &nanos(session.last_seen_at),
            &json(session)?,
        ],
    )
    .await?;
    let record = crate::audit::session(acting, session.account_id, session.id, true, now);
    super::audit::append(tx, &record).await
}

pub(super) async fn session_context(
    tx: &Tx<'_>,
    digest: &TokenDigest,
) -> Result<Option<SessionContext>, TxError> {
    let row = tx
        .query_opt(
            "SELECT doc FROM console_sessions WHERE digest = $1",
            &[&key(digest)],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let session: Session = doc(&row)?;
    let account = accounts::load(tx, session.account_id).await?;
    let user = users::load(tx, session.account_id, session.user_id).await?;
    let group_permissions = users::group_docs(tx, &user.group_ids)
        .await?
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

pub(super) async fn touch_session(
    tx: &Tx<'_>,
    digest: &TokenDigest,
    now: Timestamp,
) -> Result<(), TxError> {
    let row = tx
        .query_opt(
            "SELECT doc FROM console_sessions WHERE digest = $1 FOR UPDATE",
            &[&key(digest)],
        )
        .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let mut session: Session = doc(&row)?;
    if now > session.last_seen_at {
        session.last_seen_at = now;
        tx.execute(
            "UPDATE console_sessions SET last_seen_ns = $2, doc = $3 WHERE digest = $1",
            &[&key(digest), &nanos(now), &json(&session)?],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn delete_session(
    tx: &Tx<'_>,
    acting: &Acting,
    digest: &TokenDigest,
) -> Result<(), TxError> {
    let removed = tx
        .query_opt(
            "DELETE FROM console_sessions WHERE digest = $1 RETURNING doc",
            &[&key(digest)],
        )
        .await?;
    if let Some(row) = removed {
        let session: Session = doc(&row)?;
        let now = Timestamp::now();
        let record = crate::audit::session(acting, session.account_id, session.id, false, now);
        super::audit::append(tx, &record).await?;
    }
    Ok(())
}
