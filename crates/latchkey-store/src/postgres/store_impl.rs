//! [`Store`] for [`PgStore`]: each operation is one transaction of the
//! right [`Mode`], retried as [`transaction!`] says, in a task of its own
//! (so what it captures is owned).

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use latchkey_core::audit::{Acting, AuditRecord};
use latchkey_core::credential::CredentialContext;
use latchkey_core::id::{
    AccessKeyId, AccountId, ApplicationId, AuditRecordId, JwtKeyId, PolicyGroupId, UserId,
};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::password::Password;
use latchkey_core::password_link::PasswordLink;
use latchkey_core::permission::PermissionSet;
use latchkey_core::resource::{
    AccessKey, Account, AccountUpdate, Application, ApplicationUpdate, JwtKey, KeyUpdate,
    PolicyGroup, PolicyGroupUpdate, User, UserUpdate,
};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::session::{Session, SessionContext};
use latchkey_core::status::{ApplicationStatus, UserStatus};
use latchkey_core::token::TokenDigest;

use super::tx::Mode;
use super::{
    PgStore, accounts, applications, audit, credentials, export, groups, keys, people, users,
};
use crate::ExposedKey;
use crate::commits::CommitObserver;
use crate::export::{ExportRecord, ImportError, ImportSet};
use crate::{
    AccessKeyRoll, AccountBundle, AppScope, AuditFilter, BulkDeleteReport, ChangeFeed,
    DeactivatedKey, KeyFilter, LimitPolicy, Members, RolledAccessKey, SignInCandidate, Store,
    StoreResult, StoredAccessKey,
};

#[async_trait]
impl Store for PgStore {
    fn observe_commits(&self, observer: Arc<dyn CommitObserver>) {
        self.commits.add(observer);
    }

    fn watch_changes(&self) -> ChangeFeed {
        super::listener::spawn((*self.config).clone())
    }

    async fn check_ready(&self) -> StoreResult<()> {
        self.ping().await
    }

    async fn create_account(&self, acting: &Acting, bundle: AccountBundle) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes bundle.account.id, |tx| accounts::create(
            &tx, &acting, &bundle
        )
        .await?)
    }
    async fn operator_account(&self) -> StoreResult<Option<Account>> {
        transaction!(self, Mode::Read, |tx| accounts::operator(&tx).await?)
    }
    async fn get_account(&self, id: AccountId) -> StoreResult<Account> {
        transaction!(self, Mode::Read, |tx| accounts::load(&tx, id).await?)
    }
    async fn list_accounts(&self, page: PageRequest<AccountId>) -> StoreResult<Page<Account>> {
        transaction!(self, Mode::Read, |tx| accounts::list(&tx, &page).await?)
    }
    async fn update_account(
        &self,
        acting: &Acting,
        id: AccountId,
        update: AccountUpdate,
        now: Timestamp,
    ) -> StoreResult<Account> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes id, |tx| accounts::update(
            &tx, &acting, id, &update, now
        )
        .await?)
    }

    async fn export_all(&self) -> StoreResult<Vec<ExportRecord>> {
        transaction!(self, Mode::Read, |tx| export::export(&tx).await?)
    }
    async fn import_all(&self, records: ImportSet) -> Result<(), ImportError> {
        // `Create`: queue on `creation_lock`, so no creation slips in
        // between the emptiness check and the import.
        let held = transaction!(self, Mode::Create, |tx| export::import(&tx, &records)
            .await?)?;
        match held {
            Some(kind) => Err(ImportError::NotEmpty { kind }),
            None => Ok(()),
        }
    }

    async fn create_user(&self, acting: &Acting, user: User) -> StoreResult<User> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes user.account_id, |tx| users::create(&tx, &acting, &user).await?)
    }
    async fn get_user(&self, account_id: AccountId, id: UserId) -> StoreResult<User> {
        transaction!(self, Mode::Read, |tx| users::load(&tx, account_id, id)
            .await?)
    }
    async fn list_users(
        &self,
        account_id: AccountId,
        status: Option<UserStatus>,
        page: PageRequest<UserId>,
    ) -> StoreResult<Page<User>> {
        transaction!(self, Mode::Read, |tx| users::list(
            &tx, account_id, status, &page
        )
        .await?)
    }
    async fn update_user(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: UserId,
        update: UserUpdate,
        now: Timestamp,
    ) -> StoreResult<User> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes account_id, |tx| {
            users::update(&tx, &acting, account_id, id, &update, now).await?
        })
    }
    async fn delete_user(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: UserId,
        now: Timestamp,
    ) -> StoreResult<User> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes account_id, |tx| users::delete(
            &tx, &acting, account_id, id, now
        )
        .await?)
    }
    async fn user_permissions(
        &self,
        account_id: AccountId,
        id: UserId,
    ) -> StoreResult<PermissionSet> {
        transaction!(self, Mode::Read, |tx| users::permissions(
            &tx, account_id, id
        )
        .await?)
    }

    async fn create_password_link(&self, acting: &Acting, link: PasswordLink) -> StoreResult<User> {
        // Nothing cached depends on a link: it announces nothing.
        let acting = acting.clone();
        transaction!(self, Mode::Bookkeeping, |tx| people::create_password_link(
            &tx, &acting, &link
        )
        .await?)
    }
    async fn password_link_user(
        &self,
        digest: TokenDigest,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        transaction!(self, Mode::Read, |tx| people::password_link_user(
            &tx, &digest, now
        )
        .await?)
    }
    async fn redeem_password_link(
        &self,
        acting: &Acting,
        digest: TokenDigest,
        password: Password,
        now: Timestamp,
    ) -> StoreResult<User> {
        let acting = acting.clone();
        // The user's record changes (`has_password`): announced as a change
        // of every account, since the link names none before it is read.
        transaction!(self, Mode::Write, |tx| people::redeem_password_link(
            &tx, &acting, &digest, &password, now
        )
        .await?)
    }
    async fn change_password(
        &self,
        acting: &Acting,
        account_id: AccountId,
        user_id: UserId,
        replacing: Timestamp,
        password: Password,
    ) -> StoreResult<User> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes account_id, |tx| {
            people::change_password(&tx, &acting, account_id, user_id, replacing, &password).await?
        })
    }
    async fn sign_in_candidates(&self, email: &str) -> StoreResult<Vec<SignInCandidate>> {
        let email = email.to_owned();
        transaction!(self, Mode::Read, |tx| people::sign_in_candidates(
            &tx, &email
        )
        .await?)
    }
    async fn create_session(
        &self,
        acting: &Acting,
        session: Session,
        now: Timestamp,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Bookkeeping, |tx| people::create_session(
            &tx, &acting, &session, now
        )
        .await?)
    }
    async fn session_context(&self, digest: TokenDigest) -> StoreResult<Option<SessionContext>> {
        transaction!(self, Mode::Read, |tx| people::session_context(&tx, &digest)
            .await?)
    }
    async fn touch_session(&self, digest: TokenDigest, now: Timestamp) -> StoreResult<()> {
        transaction!(self, Mode::Bookkeeping, |tx| people::touch_session(
            &tx, &digest, now
        )
        .await?)
    }
    async fn delete_session(&self, acting: &Acting, digest: TokenDigest) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Bookkeeping, |tx| people::delete_session(
            &tx, &acting, &digest
        )
        .await?)
    }

    async fn create_group(&self, acting: &Acting, group: PolicyGroup) -> StoreResult<PolicyGroup> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes group.account_id, |tx| groups::create(&tx, &acting, &group).await?)
    }
    async fn get_group(
        &self,
        account_id: AccountId,
        id: PolicyGroupId,
    ) -> StoreResult<PolicyGroup> {
        transaction!(self, Mode::Read, |tx| groups::load(&tx, account_id, id)
            .await?)
    }
    async fn list_groups(
        &self,
        account_id: AccountId,
        page: PageRequest<PolicyGroupId>,
    ) -> StoreResult<Page<PolicyGroup>> {
        transaction!(self, Mode::Read, |tx| groups::list(&tx, account_id, &page)
            .await?)
    }
    async fn update_group(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: PolicyGroupId,
        update: PolicyGroupUpdate,
        operator: bool,
        now: Timestamp,
    ) -> StoreResult<PolicyGroup> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes account_id, |tx| {
            groups::update(&tx, &acting, account_id, id, &update, operator, now).await?
        })
    }
    async fn delete_group(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: PolicyGroupId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes account_id, |tx| groups::delete(
            &tx, &acting, account_id, id
        )
        .await?)
    }
    async fn add_members(
        &self,
        acting: &Acting,
        account_id: AccountId,
        group: PolicyGroupId,
        members: Members,
        now: Timestamp,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes account_id, |tx| {
            groups::change_membership(&tx, &acting, account_id, group, &members, true, now).await?
        })
    }
    async fn remove_members(
        &self,
        acting: &Acting,
        account_id: AccountId,
        group: PolicyGroupId,
        members: Members,
        now: Timestamp,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes account_id, |tx| {
            groups::change_membership(&tx, &acting, account_id, group, &members, false, now)
                .await?
        })
    }
    async fn list_group_applications(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>> {
        transaction!(self, Mode::Read, |tx| {
            groups::list_applications(&tx, account_id, group, &page).await?
        })
    }
    async fn list_group_users(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: PageRequest<UserId>,
    ) -> StoreResult<Page<User>> {
        transaction!(self, Mode::Read, |tx| {
            groups::list_users(&tx, account_id, group, &page).await?
        })
    }

    async fn create_application(
        &self,
        acting: &Acting,
        application: Application,
    ) -> StoreResult<Application> {
        let acting = acting.clone();
        transaction!(self, Mode::Create, changes application.account_id, |tx| {
            applications::create(&tx, &acting, &application).await?
        })
    }
    async fn get_application(
        &self,
        scope: AppScope,
        id: ApplicationId,
    ) -> StoreResult<Application> {
        transaction!(self, Mode::Read, |tx| applications::load(&tx, scope, id)
            .await?)
    }
    async fn list_applications(
        &self,
        scope: AppScope,
        status: Option<ApplicationStatus>,
        page: PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>> {
        transaction!(self, Mode::Read, |tx| {
            applications::list(&tx, scope, status, &page).await?
        })
    }
    async fn update_application(
        &self,
        acting: &Acting,
        scope: AppScope,
        id: ApplicationId,
        update: ApplicationUpdate,
        now: Timestamp,
    ) -> StoreResult<Application> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes scope.account_id, |tx| {
            applications::update(&tx, &acting, scope, id, &update, now).await?
        })
    }
    async fn delete_application(
        &self,
        acting: &Acting,
        scope: AppScope,
        id: ApplicationId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes scope.account_id, |tx| {
            applications::delete(&tx, &acting, scope, id).await?
        })
    }

    async fn create_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        key: StoredAccessKey,
        limits: LimitPolicy,
        now: Timestamp,
    ) -> StoreResult<AccessKey> {
        let acting = acting.clone();
        let stored = transaction!(self, Mode::Create, changes scope.account_id, |tx| {
            let mut key = key.clone();
            keys::create(&tx, &acting, scope, &mut key, limits, now).await?;
            key
        })?;
        Ok(stored.key)
    }
    async fn roll_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
        roll: AccessKeyRoll,
        now: Timestamp,
    ) -> StoreResult<RolledAccessKey> {
        let acting = acting.clone();
        transaction!(self, Mode::Create, changes scope.account_id, |tx| {
            keys::roll(&tx, &acting, scope, application_id, id, roll.clone(), now).await?
        })
    }
    async fn expose_access_key(
        &self,
        acting: &Acting,
        id: AccessKeyId,
        expected: SecretHash,
        url: String,
        now: Timestamp,
    ) -> StoreResult<Option<ExposedKey>> {
        // An action that changes nothing (`notify`, or a key already
        // stopped) writes its record only, announcing no change: every
        // change announced empties the credential caches.
        let acting = acting.clone();
        let (first, hash, link) = (acting.clone(), expected.clone(), url.clone());
        let found = transaction!(self, Mode::Bookkeeping, |tx| {
            keys::record_unchanged_exposure(&tx, &first, id, &hash, &link, now).await?
        })?;
        match found {
            keys::FirstLook::Gone => Ok(None),
            keys::FirstLook::Recorded(exposed) => Ok(Some(*exposed)),
            // The commit announces the key's account, found by the first look.
            keys::FirstLook::Changes(account) => {
                transaction!(self, Mode::Write, changes account, |tx| keys::expose(
                    &tx, &acting, account, id, &expected, &url, now
                )
                .await?)
            }
        }
    }
    async fn deactivate_unused_keys(
        &self,
        acting: &Acting,
        now: Timestamp,
    ) -> StoreResult<Vec<DeactivatedKey>> {
        // Most sweeps find nothing: they must not write, since every write
        // announces a change and would empty every replica's cache.
        let any = transaction!(self, Mode::Read, |tx| accounts::any_unused_keys(&tx, now)
            .await?)?;
        if !any {
            return Ok(Vec::new());
        }
        // Any account may be swept: the commit reports everything.
        let acting = acting.clone();
        transaction!(self, Mode::Write, |tx| accounts::deactivate_unused_keys(
            &tx, &acting, now
        )
        .await?)
    }
    async fn get_access_key(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<AccessKey> {
        let stored: StoredAccessKey = transaction!(self, Mode::Read, |tx| {
            keys::load(&tx, scope, application_id, id.into()).await?
        })?;
        Ok(stored.key)
    }
    async fn list_access_keys(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: PageRequest<AccessKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<AccessKey>> {
        let page: Page<StoredAccessKey> = transaction!(self, Mode::Read, |tx| {
            keys::list(&tx, scope, filter, &page, now).await?
        })?;
        Ok(page.map(|stored| stored.key))
    }
    async fn update_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
        update: KeyUpdate,
        now: Timestamp,
    ) -> StoreResult<AccessKey> {
        let acting = acting.clone();
        let mode = key_update_mode(&update);
        let stored: StoredAccessKey = transaction!(self, mode, changes scope.account_id, |tx| {
            keys::update(&tx, &acting, scope, application_id, id.into(), &update, now).await?
        })?;
        Ok(stored.key)
    }
    async fn delete_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes scope.account_id, |tx| {
            let key =
                keys::load::<StoredAccessKey>(&tx, scope, application_id, id.into()).await?;
            keys::delete(&tx, &acting, &key).await?
        })
    }
    async fn bulk_delete_access_keys(
        &self,
        acting: &Acting,
        scope: AppScope,
        ids: Vec<AccessKeyId>,
    ) -> StoreResult<BulkDeleteReport> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes scope.account_id, |tx| {
            keys::bulk_delete(&tx, &acting, scope, &ids).await?
        })
    }
    async fn access_key_credential(
        &self,
        id: AccessKeyId,
    ) -> StoreResult<Option<(CredentialContext, SecretHash)>> {
        transaction!(self, Mode::Read, |tx| credentials::access_key(&tx, id)
            .await?)
    }
    async fn record_access_key_use(&self, uses: Vec<(AccessKeyId, Timestamp)>) -> StoreResult<()> {
        let uses: Vec<(u128, Timestamp)> =
            uses.into_iter().map(|(id, at)| (id.into(), at)).collect();
        transaction!(self, Mode::Bookkeeping, |tx| {
            keys::record_use::<StoredAccessKey>(&tx, &uses).await?
        })
    }

    async fn upgrade_access_key_secret(
        &self,
        id: AccessKeyId,
        expected: SecretHash,
        new: SecretHash,
    ) -> StoreResult<bool> {
        // Bookkeeping: serializable (a concurrent change to the key makes
        // one of the two retry, so neither is lost) and announced to no
        // one (every cached verification stays true).
        transaction!(self, Mode::Bookkeeping, |tx| {
            keys::upgrade_secret(&tx, id.into(), &expected, &new).await?
        })
    }

    async fn create_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        key: JwtKey,
        now: Timestamp,
    ) -> StoreResult<JwtKey> {
        let acting = acting.clone();
        transaction!(self, Mode::Create, changes scope.account_id, |tx| {
            let mut key = key.clone();
            keys::create(&tx, &acting, scope, &mut key, LimitPolicy::Enforce, now).await?;
            key
        })
    }
    async fn get_jwt_key(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<JwtKey> {
        transaction!(self, Mode::Read, |tx| {
            keys::load(&tx, scope, application_id, id.into()).await?
        })
    }
    async fn list_jwt_keys(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: PageRequest<JwtKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<JwtKey>> {
        transaction!(self, Mode::Read, |tx| {
            keys::list(&tx, scope, filter, &page, now).await?
        })
    }
    async fn update_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
        update: KeyUpdate,
        now: Timestamp,
    ) -> StoreResult<JwtKey> {
        let acting = acting.clone();
        let mode = key_update_mode(&update);
        transaction!(self, mode, changes scope.account_id, |tx| {
            keys::update(&tx, &acting, scope, application_id, id.into(), &update, now).await?
        })
    }
    async fn delete_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        transaction!(self, Mode::Write, changes scope.account_id, |tx| {
            let key = keys::load::<JwtKey>(&tx, scope, application_id, id.into()).await?;
            keys::delete(&tx, &acting, &key).await?
        })
    }
    async fn jwt_key_credential(
        &self,
        id: JwtKeyId,
    ) -> StoreResult<Option<(CredentialContext, JwtKey)>> {
        transaction!(self, Mode::Read, |tx| credentials::jwt_key(&tx, id).await?)
    }
    async fn record_jwt_key_use(&self, uses: Vec<(JwtKeyId, Timestamp)>) -> StoreResult<()> {
        let uses: Vec<(u128, Timestamp)> =
            uses.into_iter().map(|(id, at)| (id.into(), at)).collect();
        transaction!(self, Mode::Bookkeeping, |tx| keys::record_use::<JwtKey>(
            &tx, &uses
        )
        .await?)
    }

    async fn list_audit_records(
        &self,
        account_id: AccountId,
        filter: AuditFilter,
        page: PageRequest<AuditRecordId>,
    ) -> StoreResult<Page<AuditRecord>> {
        transaction!(self, Mode::Read, |tx| audit::list(
            &tx, account_id, &filter, &page
        )
        .await?)
    }
    async fn record_authentication_failures(&self, records: Vec<AuditRecord>) -> StoreResult<()> {
        transaction!(self, Mode::Bookkeeping, |tx| audit::append_all(
            &tx,
            records.iter().cloned()
        )
        .await?)
    }
    async fn sweep_audit_records(&self, before: Timestamp, batch: u32) -> StoreResult<u64> {
        transaction!(self, Mode::Bookkeeping, |tx| audit::sweep(
            &tx, before, batch
        )
        .await?)
    }
}

/// A key change that may make a key count toward its application's limit
/// again (a new expiration or status) queues with creations, as they do, so
/// that its count and theirs never interleave.
fn key_update_mode(update: &KeyUpdate) -> Mode {
    if update.affects_authentication() {
        Mode::Create
    } else {
        Mode::Write
    }
}
