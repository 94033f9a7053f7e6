//! Passwords, password links and console sessions, on every store.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use latchkey_core::argon2id::HashParams;
use latchkey_core::audit::Acting;
use latchkey_core::password::Password;
use latchkey_core::password_link::{LINK_LIFETIME, PasswordLink};
use latchkey_core::permission::PermissionSet;
use latchkey_core::resource::{NewPolicyGroup, NewUser, User, UserUpdate};
use latchkey_core::session::{Ended, IDLE_TIMEOUT, Session};
use latchkey_core::token::{Token, TokenUse};
use latchkey_store::{Store, StoreError};

use super::{Tenant, now, tenant};

fn password(at: Timestamp) -> Password {
    Password::hash("correct horse battery", &HashParams::default(), at).unwrap()
}

async fn user(
    store: &dyn Store,
    t: &Tenant,
    email: &str,
    group_ids: Vec<latchkey_core::id::PolicyGroupId>,
) -> User {
    let user = NewUser {
        email: email.into(),
        name: String::new(),
        group_ids,
    }
    .build(t.account.id, now())
    .unwrap();
    store.create_user(&Acting::system(), user).await.unwrap()
}

/// Sets `user`'s password through a link, as the console does.
async fn with_password(store: &dyn Store, user: &User, at: Timestamp) -> User {
    let (link, token) = PasswordLink::issue(user, at).unwrap();
    store
        .create_password_link(&Acting::system(), link)
        .await
        .unwrap();
    store
        .redeem_password_link(
            &Acting::system(),
            token.digest(TokenUse::PasswordLink),
            password(at),
            at,
        )
        .await
        .unwrap()
}

pub async fn password_links_work_once_for_a_day_and_newer_ones_replace_them(store: Arc<dyn Store>) {
    let t = tenant(&*store, latchkey_core::plan::Plan::Free, None, false).await;
    let ada = user(&*store, &t, "ada@example.com", vec![]).await;
    assert!(!ada.has_password());
    let start = now();
    let (first, first_token) = PasswordLink::issue(&ada, start).unwrap();
    store
        .create_password_link(&Acting::system(), first)
        .await
        .unwrap();
    let first_digest = first_token.digest(TokenUse::PasswordLink);
    assert_eq!(
        store
            .password_link_user(first_digest, start)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(ada.id)
    );
    // Past a day it no longer works.
    let later = start.saturating_add(LINK_LIFETIME).unwrap();
    assert_eq!(
        store.password_link_user(first_digest, later).await.unwrap(),
        None
    );
    // A newer link withdraws the first one.
    let (second, second_token) = PasswordLink::issue(&ada, start).unwrap();
    store
        .create_password_link(&Acting::system(), second)
        .await
        .unwrap();
    assert_eq!(
        store.password_link_user(first_digest, start).await.unwrap(),
        None
    );
    let second_digest = second_token.digest(TokenUse::PasswordLink);
    let set = store
        .redeem_password_link(&Acting::system(), second_digest, password(start), start)
        .await
        .unwrap();
    assert!(set.has_password());
    assert!(
        store
            .get_user(t.account.id, ada.id)
            .await
            .unwrap()
            .has_password()
    );
    // Used up.
    assert!(matches!(
        store
            .redeem_password_link(&Acting::system(), second_digest, password(start), start)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    // A deleted user's link does nothing.
    let bob = user(&*store, &t, "bob@example.com", vec![]).await;
    let (link, token) = PasswordLink::issue(&bob, start).unwrap();
    store
        .create_password_link(&Acting::system(), link)
        .await
        .unwrap();
    store
        .delete_user(&Acting::system(), t.account.id, bob.id, start)
        .await
        .unwrap();
    assert!(matches!(
        store
            .redeem_password_link(
                &Acting::system(),
                token.digest(TokenUse::PasswordLink),
                password(start),
                start
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let (link, _) = PasswordLink::issue(&bob, start).unwrap();
    assert!(matches!(
        store.create_password_link(&Acting::system(), link).await,
        Err(StoreError::Conflict(_))
    ));
    // The password is carried by the user's record: an update keeps it.
    let renamed = store
        .update_user(
            &Acting::system(),
            t.account.id,
            ada.id,
            UserUpdate {
                name: Some("Ada".into()),
                ..Default::default()
            },
            start,
        )
        .await
        .unwrap();
    assert!(renamed.has_password());
}

pub async fn password_links_follow_the_delegation_rule(store: Arc<dyn Store>) {
    let t = tenant(&*store, latchkey_core::plan::Plan::Free, None, false).await;
    let viewers = NewPolicyGroup {
        name: "viewers".into(),
        description: String::new(),
        permissions: vec!["applications:view:any".into()],
    }
    .build(t.account.id, false, now())
    .unwrap();
    let viewers = store
        .create_group(&Acting::system(), viewers)
        .await
        .unwrap();
    let ada = user(&*store, &t, "ada@example.com", vec![t.administrators]).await;
    let bob = user(&*store, &t, "bob@example.com", vec![viewers.id]).await;
    let manager = latchkey_core::authorize::Principal {
        account_id: t.account.id,
        operator: false,
        application_id: Some(t.admin_app.id),
        user_id: t.admin.id,
        credential: latchkey_core::authorize::Credential::AccessKey(t.admin_key.id),
        permissions: ["users:manage", "applications:view:any"]
            .iter()
            .map(|p| p.parse().unwrap())
            .collect::<PermissionSet>(),
    };
    let actor = Acting::credential(manager, None, None);
    let (link, _) = PasswordLink::issue(&ada, now()).unwrap();
    match store.create_password_link(&actor, link).await {
        Err(StoreError::Refused(refused)) => assert_eq!(refused.field(), "id"),
        other => panic!("an administrator's link by a user manager: {other:?}"),
    }
    let (link, token) = PasswordLink::issue(&bob, now()).unwrap();
    store.create_password_link(&actor, link).await.unwrap();
    assert!(
        store
            .password_link_user(token.digest(TokenUse::PasswordLink), now())
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn sessions_read_their_user_fresh_and_end_when_it_changes(store: Arc<dyn Store>) {
    let t = tenant(&*store, latchkey_core::plan::Plan::Free, None, false).await;
    let admins = t.administrators;
    let ada = user(&*store, &t, "Ada@Example.com", vec![admins]).await;
    let start = now();
    let ada = with_password(&*store, &ada, start).await;
    // Found by email in any case, with its account.
    let found = store.sign_in_candidates("ada@EXAMPLE.com").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].user.id, ada.id);
    assert_eq!(found[0].account.id, t.account.id);
    // Users without a password are not candidates.
    assert!(
        store
            .sign_in_candidates("admin@example.com")
            .await
            .unwrap()
            .is_empty()
    );

    let token = Token::generate().unwrap();
    let digest = token.digest(TokenUse::Session);
    store
        .create_session(
            &Acting::system(),
            Session::begin(&ada, &token, start),
            start,
        )
        .await
        .unwrap();
    let context = store.session_context(digest).await.unwrap().unwrap();
    let principal = context.authenticate(start).unwrap();
    assert_eq!(principal.user_id, ada.id);
    assert_eq!(principal.permissions, PermissionSet::tenant_all());
    assert_eq!(
        store
            .session_context(Token::generate().unwrap().digest(TokenUse::Session))
            .await
            .unwrap()
            .map(|c| c.session.id),
        None
    );

    // Touches move the idle deadline.
    let later = start
        .saturating_add(SignedDuration::from_hours(11))
        .unwrap();
    store.touch_session(digest, later).await.unwrap();
    let context = store.session_context(digest).await.unwrap().unwrap();
    assert_eq!(context.session.last_seen_at, later);
    assert!(
        context
            .authenticate(start.saturating_add(IDLE_TIMEOUT).unwrap())
            .is_ok()
    );

    // Leaving a group ends it on the next read.
    store
        .update_user(
            &Acting::system(),
            t.account.id,
            ada.id,
            UserUpdate {
                group_ids: Some(vec![]),
                ..Default::default()
            },
            later,
        )
        .await
        .unwrap();
    let context = store.session_context(digest).await.unwrap().unwrap();
    assert_eq!(context.authenticate(later), Err(Ended::GroupLost));
    store
        .delete_session(&Acting::system(), digest)
        .await
        .unwrap();
    assert!(store.session_context(digest).await.unwrap().is_none());

    // A session begun before a change of the user is refused at creation.
    let stale = Session::begin(&ada, &Token::generate().unwrap(), later);
    assert!(matches!(
        store.create_session(&Acting::system(), stale, later).await,
        Err(StoreError::Conflict(_))
    ));

    // Deleting the user ends a fresh session; a new password too.
    let ada = store.get_user(t.account.id, ada.id).await.unwrap();
    let token = Token::generate().unwrap();
    store
        .create_session(
            &Acting::system(),
            Session::begin(&ada, &token, later),
            later,
        )
        .await
        .unwrap();
    let digest = token.digest(TokenUse::Session);
    let newer = later.saturating_add(SignedDuration::from_secs(1)).unwrap();
    with_password(&*store, &ada, newer).await;
    // The new password removed the user's sessions.
    assert!(store.session_context(digest).await.unwrap().is_none());
    let ada = store.get_user(t.account.id, ada.id).await.unwrap();
    let token = Token::generate().unwrap();
    store
        .create_session(
            &Acting::system(),
            Session::begin(&ada, &token, newer),
            newer,
        )
        .await
        .unwrap();
    store
        .delete_user(&Acting::system(), t.account.id, ada.id, newer)
        .await
        .unwrap();
    let context = store
        .session_context(token.digest(TokenUse::Session))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(context.authenticate(newer), Err(Ended::UserDeleted));
    assert!(
        store
            .sign_in_candidates("ada@example.com")
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn sign_in_finds_the_email_in_every_account(store: Arc<dyn Store>) {
    let a = tenant(&*store, latchkey_core::plan::Plan::Free, None, true).await;
    let b = tenant(&*store, latchkey_core::plan::Plan::Free, None, false).await;
    let in_a = with_password(&*store, &a.admin, now()).await;
    let in_b = with_password(&*store, &b.admin, now()).await;
    let mut found: Vec<_> = store
        .sign_in_candidates(&a.admin.email)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.account.id, c.user.id))
        .collect();
    found.sort();
    let mut expected = vec![(a.account.id, in_a.id), (b.account.id, in_b.id)];
    expected.sort();
    assert_eq!(found, expected);
}

pub async fn timed_out_sessions_are_removed_at_the_next_sign_in(store: Arc<dyn Store>) {
    let t = tenant(&*store, latchkey_core::plan::Plan::Free, None, false).await;
    let start = Timestamp::now();
    let admin = with_password(&*store, &t.admin, start).await;
    let old = Token::generate().unwrap();
    store
        .create_session(
            &Acting::system(),
            Session::begin(&admin, &old, start),
            start,
        )
        .await
        .unwrap();
    let much_later = start.saturating_add(IDLE_TIMEOUT).unwrap();
    let new = Token::generate().unwrap();
    store
        .create_session(
            &Acting::system(),
            Session::begin(&admin, &new, much_later),
            much_later,
        )
        .await
        .unwrap();
    assert!(
        store
            .session_context(old.digest(TokenUse::Session))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_context(new.digest(TokenUse::Session))
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn a_changed_password_ends_every_session_and_needs_the_one_it_replaces(
    store: Arc<dyn Store>,
) {
    let t = tenant(&*store, latchkey_core::plan::Plan::Free, None, false).await;
    let start = now();
    let admin = with_password(&*store, &t.admin, start).await;
    let set_at = admin.password.as_ref().unwrap().set_at;
    let token = Token::generate().unwrap();
    store
        .create_session(
            &Acting::system(),
            Session::begin(&admin, &token, start),
            start,
        )
        .await
        .unwrap();
    let later = start.saturating_add(SignedDuration::from_secs(5)).unwrap();
    let new = Password::hash("another long password", &HashParams::default(), later).unwrap();
    // Replacing a password that is no longer the one stored: refused.
    let stale = set_at.saturating_sub(SignedDuration::from_secs(1)).unwrap();
    assert!(matches!(
        store
            .change_password(
                &Acting::system(),
                t.account.id,
                admin.id,
                stale,
                new.clone()
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .session_context(token.digest(TokenUse::Session))
            .await
            .unwrap()
            .is_some()
    );
    let changed = store
        .change_password(&Acting::system(), t.account.id, admin.id, set_at, new)
        .await
        .unwrap();
    assert!(
        changed
            .password
            .as_ref()
            .unwrap()
            .verify("another long password")
    );
    assert!(
        store
            .session_context(token.digest(TokenUse::Session))
            .await
            .unwrap()
            .is_none()
    );
}

#[macro_export]
macro_rules! people_conformance_tests {
    ($make:expr) => {
        people_conformance_tests!(@each $make;
            password_links_work_once_for_a_day_and_newer_ones_replace_them,
            password_links_follow_the_delegation_rule,
            sessions_read_their_user_fresh_and_end_when_it_changes,
            sign_in_finds_the_email_in_every_account,
            timed_out_sessions_are_removed_at_the_next_sign_in,
            a_changed_password_ends_every_session_and_needs_the_one_it_replaces,
        );
    };
    (@each $make:expr; $($test:ident,)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            let (store, _guard) = $make;
            conformance::people::$test(store).await;
        }
    )*};
}
