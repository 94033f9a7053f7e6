//! [`Store`] for [`RedbStore`]. Writes (which fsync) and lists (which may
//! scan many records) run on tokio's blocking pool, so they never stall the
//! reactor. Point reads — one record and the few it names — run inline: they
//! take a few microseconds from the page cache, less than the hop to the
//! blocking pool would cost, and they are what authentication does per
//! request.
//!
//! Each write names the account it changes, which its commit reports
//! ([`crate::commits`]); the blocking pool finishes a write, report
//! included, whether or not its caller still waits.

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

use super::RedbStore;
use crate::ExposedKey;
use crate::commits::{Changed, CommitObserver};
use crate::export::{ExportRecord, ImportError, ImportSet};
use crate::{
    AccessKeyRoll, AccountBundle, AppScope, AuditFilter, BulkDeleteReport, DeactivatedKey,
    KeyFilter, LimitPolicy, Members, RolledAccessKey, SignInCandidate, Store, StoreError,
    StoreResult, StoredAccessKey,
};

impl RedbStore {
    /// Runs a read on the blocking pool, or a write that reports what it
    /// changes itself ([`RedbStore::write_reporting`]); the pool runs it to
    /// the end whether or not the caller still waits.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&RedbStore) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        on_blocking_pool(self.clone(), work).await?
    }

    /// Runs a write on the blocking pool, reporting its commit as changing
    /// `changes`. The pool runs it to the end (commit and report included)
    /// even when the caller stops waiting.
    async fn writing<T: Send + 'static, E: From<StoreError> + Send + 'static>(
        &self,
        changes: Changed,
        work: impl FnOnce(&RedbStore) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E> {
        on_blocking_pool(self.reporting(Some(changes)), work).await?
    }

    /// Runs a write of what authentication never reads (`last_used_at`) on
    /// the blocking pool: it reports nothing, so cached credentials stay.
    async fn bookkeeping<T: Send + 'static>(
        &self,
        work: impl FnOnce(&RedbStore) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        on_blocking_pool(self.reporting(None), work).await?
    }
}

async fn on_blocking_pool<R: Send + 'static>(
    store: RedbStore,
    work: impl FnOnce(&RedbStore) -> R + Send + 'static,
) -> StoreResult<R> {
    tokio::task::spawn_blocking(move || work(&store))
        .await
        .map_err(|error| StoreError::Backend(format!("store task failed: {error}")))
}

#[async_trait]
impl Store for RedbStore {
    async fn check_ready(&self) -> StoreResult<()> {
        self.schema_version().map(|_| ())
    }

    fn observe_commits(&self, observer: Arc<dyn CommitObserver>) {
        self.commits.add(observer);
    }

    async fn create_account(&self, acting: &Acting, bundle: AccountBundle) -> StoreResult<()> {
        let acting = acting.clone();
        self.writing(Changed::Account(bundle.account.id), move |s| {
            s.create_account_now(&acting, &bundle)
        })
        .await
    }
    async fn operator_account(&self) -> StoreResult<Option<Account>> {
        self.operator_account_now()
    }
    async fn get_account(&self, id: AccountId) -> StoreResult<Account> {
        self.get_account_now(id)
    }
    async fn list_accounts(&self, page: PageRequest<AccountId>) -> StoreResult<Page<Account>> {
        self.blocking(move |s| s.list_accounts_now(&page)).await
    }
    async fn update_account(
        &self,
        acting: &Acting,
        id: AccountId,
        update: AccountUpdate,
        now: Timestamp,
    ) -> StoreResult<Account> {
        let acting = acting.clone();
        self.writing(Changed::Account(id), move |s| {
            s.update_account_now(&acting, id, &update, now)
        })
        .await
    }

    async fn export_all(&self) -> StoreResult<Vec<ExportRecord>> {
        self.blocking(|s| s.export_all_now()).await
    }
    async fn import_all(&self, records: ImportSet) -> Result<(), ImportError> {
        // Many accounts at once.
        self.writing(Changed::Everything, move |s| s.import_all_now(&records))
            .await
    }

    async fn create_user(&self, acting: &Acting, user: User) -> StoreResult<User> {
        let acting = acting.clone();
        self.writing(Changed::Account(user.account_id), move |s| {
            s.create_user_now(&acting, &user)
        })
        .await
    }
    async fn get_user(&self, account_id: AccountId, id: UserId) -> StoreResult<User> {
        self.get_user_now(account_id, id)
    }
    async fn list_users(
        &self,
        account_id: AccountId,
        status: Option<UserStatus>,
        page: PageRequest<UserId>,
    ) -> StoreResult<Page<User>> {
        self.blocking(move |s| s.list_users_now(account_id, status, &page))
            .await
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
        self.writing(Changed::Account(account_id), move |s| {
            s.update_user_now(&acting, account_id, id, &update, now)
        })
        .await
    }
    async fn delete_user(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: UserId,
        now: Timestamp,
    ) -> StoreResult<User> {
        let acting = acting.clone();
        self.writing(Changed::Account(account_id), move |s| {
            s.delete_user_now(&acting, account_id, id, now)
        })
        .await
    }
    async fn user_permissions(
        &self,
        account_id: AccountId,
        id: UserId,
    ) -> StoreResult<PermissionSet> {
        self.user_permissions_now(account_id, id)
    }

    async fn create_password_link(&self, acting: &Acting, link: PasswordLink) -> StoreResult<User> {
        // Nothing cached depends on a link: it reports no change.
        let acting = acting.clone();
        self.bookkeeping(move |s| s.create_password_link_now(&acting, &link))
            .await
    }
    async fn password_link_user(
        &self,
        digest: TokenDigest,
        now: Timestamp,
    ) -> StoreResult<Option<User>> {
        self.password_link_user_now(&digest, now)
    }
    async fn redeem_password_link(
        &self,
        acting: &Acting,
        digest: TokenDigest,
        password: Password,
        now: Timestamp,
    ) -> StoreResult<User> {
        let acting = acting.clone();
        // The user's record changes; the link names its account only once
        // read, so the commit is reported as changing everything (rare).
        self.writing(Changed::Everything, move |s| {
            s.redeem_password_link_now(&acting, &digest, password, now)
        })
        .await
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
        self.writing(Changed::Account(account_id), move |s| {
            s.change_password_now(&acting, account_id, user_id, replacing, password)
        })
        .await
    }
    async fn sign_in_candidates(&self, email: &str) -> StoreResult<Vec<SignInCandidate>> {
        let email = email.to_owned();
        self.blocking(move |s| s.sign_in_candidates_now(&email))
            .await
    }
    async fn create_session(
        &self,
        acting: &Acting,
        session: Session,
        now: Timestamp,
    ) -> StoreResult<()> {
        // Sessions are read fresh by the console, never cached: nothing to
        // report (the audit record is written all the same).
        let acting = acting.clone();
        self.bookkeeping(move |s| s.create_session_now(&acting, &session, now))
            .await
    }
    async fn session_context(&self, digest: TokenDigest) -> StoreResult<Option<SessionContext>> {
        self.session_context_now(&digest)
    }
    async fn touch_session(&self, digest: TokenDigest, now: Timestamp) -> StoreResult<()> {
        self.bookkeeping(move |s| s.touch_session_now(&digest, now))
            .await
    }
    async fn delete_session(&self, acting: &Acting, digest: TokenDigest) -> StoreResult<()> {
        let acting = acting.clone();
        self.bookkeeping(move |s| s.delete_session_now(&acting, &digest))
            .await
    }

    async fn create_group(&self, acting: &Acting, group: PolicyGroup) -> StoreResult<PolicyGroup> {
        let acting = acting.clone();
        self.writing(Changed::Account(group.account_id), move |s| {
            s.create_group_now(&acting, &group)
        })
        .await
    }
    async fn get_group(
        &self,
        account_id: AccountId,
        id: PolicyGroupId,
    ) -> StoreResult<PolicyGroup> {
        self.get_group_now(account_id, id)
    }
    async fn list_groups(
        &self,
        account_id: AccountId,
        page: PageRequest<PolicyGroupId>,
    ) -> StoreResult<Page<PolicyGroup>> {
        self.blocking(move |s| s.list_groups_now(account_id, &page))
            .await
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
        self.writing(Changed::Account(account_id), move |s| {
            s.update_group_now(&acting, account_id, id, &update, operator, now)
        })
        .await
    }
    async fn delete_group(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: PolicyGroupId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        self.writing(Changed::Account(account_id), move |s| {
            s.delete_group_now(&acting, account_id, id)
        })
        .await
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
        self.writing(Changed::Account(account_id), move |s| {
            s.join_now(&acting, account_id, group, &members, now)
        })
        .await
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
        self.writing(Changed::Account(account_id), move |s| {
            s.leave_now(&acting, account_id, group, &members, now)
        })
        .await
    }
    async fn list_group_applications(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>> {
        self.blocking(move |s| s.list_group_applications_now(account_id, group, &page))
            .await
    }
    async fn list_group_users(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: PageRequest<UserId>,
    ) -> StoreResult<Page<User>> {
        self.blocking(move |s| s.list_group_users_now(account_id, group, &page))
            .await
    }

    async fn create_application(
        &self,
        acting: &Acting,
        application: Application,
    ) -> StoreResult<Application> {
        let acting = acting.clone();
        self.writing(Changed::Account(application.account_id), move |s| {
            s.create_application_now(&acting, &application)
        })
        .await
    }
    async fn get_application(
        &self,
        scope: AppScope,
        id: ApplicationId,
    ) -> StoreResult<Application> {
        self.get_application_now(scope, id)
    }
    async fn list_applications(
        &self,
        scope: AppScope,
        status: Option<ApplicationStatus>,
        page: PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>> {
        self.blocking(move |s| s.list_applications_now(scope, status, &page))
            .await
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
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.update_application_now(&acting, scope, id, &update, now)
        })
        .await
    }
    async fn delete_application(
        &self,
        acting: &Acting,
        scope: AppScope,
        id: ApplicationId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.delete_application_now(&acting, scope, id)
        })
        .await
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
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.create_access_key_now(&acting, scope, key, limits, now)
        })
        .await
    }
    async fn get_access_key(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<AccessKey> {
        self.get_access_key_now(scope, application_id, id)
    }
    async fn list_access_keys(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: PageRequest<AccessKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<AccessKey>> {
        self.blocking(move |s| s.list_access_keys_now(scope, filter, &page, now))
            .await
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
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.update_access_key_now(&acting, scope, application_id, id, &update, now)
        })
        .await
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
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.roll_access_key_now(&acting, scope, application_id, id, roll, now)
        })
        .await
    }
    async fn delete_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.delete_access_key_now(&acting, scope, application_id, id)
        })
        .await
    }
    async fn bulk_delete_access_keys(
        &self,
        acting: &Acting,
        scope: AppScope,
        ids: Vec<AccessKeyId>,
    ) -> StoreResult<BulkDeleteReport> {
        let acting = acting.clone();
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.bulk_delete_access_keys_now(&acting, scope, &ids)
        })
        .await
    }
    async fn access_key_credential(
        &self,
        id: AccessKeyId,
    ) -> StoreResult<Option<(CredentialContext, SecretHash)>> {
        self.access_key_credential_now(id)
    }
    async fn deactivate_unused_keys(
        &self,
        acting: &Acting,
        now: Timestamp,
    ) -> StoreResult<Vec<DeactivatedKey>> {
        let acting = acting.clone();
        // The sweep reports the accounts it changed itself.
        self.blocking(move |s| s.deactivate_unused_keys_now(&acting, now))
            .await
    }
    async fn expose_access_key(
        &self,
        acting: &Acting,
        id: AccessKeyId,
        expected: SecretHash,
        url: String,
        now: Timestamp,
    ) -> StoreResult<Option<ExposedKey>> {
        let acting = acting.clone();
        // The key's account is read in the write, which reports it itself.
        self.blocking(move |s| s.expose_access_key_now(&acting, id, &expected, &url, now))
            .await
    }
    async fn record_access_key_use(&self, uses: Vec<(AccessKeyId, Timestamp)>) -> StoreResult<()> {
        self.bookkeeping(move |s| s.record_access_key_use_now(&uses))
            .await
    }

    async fn upgrade_access_key_secret(
        &self,
        id: AccessKeyId,
        expected: SecretHash,
        new: SecretHash,
    ) -> StoreResult<bool> {
        // The secret stays the same: every cached verification stays true,
        // so the rewrite is bookkeeping and reports nothing.
        self.bookkeeping(move |s| s.upgrade_access_key_secret_now(id, &expected, &new))
            .await
    }

    async fn create_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        key: JwtKey,
        now: Timestamp,
    ) -> StoreResult<JwtKey> {
        let acting = acting.clone();
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.create_jwt_key_now(&acting, scope, key, now)
        })
        .await
    }
    async fn get_jwt_key(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<JwtKey> {
        self.get_jwt_key_now(scope, application_id, id)
    }
    async fn list_jwt_keys(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: PageRequest<JwtKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<JwtKey>> {
        self.blocking(move |s| s.list_jwt_keys_now(scope, filter, &page, now))
            .await
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
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.update_jwt_key_now(&acting, scope, application_id, id, &update, now)
        })
        .await
    }
    async fn delete_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<()> {
        let acting = acting.clone();
        self.writing(Changed::Account(scope.account_id), move |s| {
            s.delete_jwt_key_now(&acting, scope, application_id, id)
        })
        .await
    }
    async fn jwt_key_credential(
        &self,
        id: JwtKeyId,
    ) -> StoreResult<Option<(CredentialContext, JwtKey)>> {
        self.jwt_key_credential_now(id)
    }
    async fn record_jwt_key_use(&self, uses: Vec<(JwtKeyId, Timestamp)>) -> StoreResult<()> {
        self.bookkeeping(move |s| s.record_jwt_key_use_now(&uses))
            .await
    }

    async fn list_audit_records(
        &self,
        account_id: AccountId,
        filter: AuditFilter,
        page: PageRequest<AuditRecordId>,
    ) -> StoreResult<Page<AuditRecord>> {
        self.blocking(move |s| s.list_audit_records_now(account_id, &filter, &page))
            .await
    }
    async fn record_authentication_failures(&self, records: Vec<AuditRecord>) -> StoreResult<()> {
        self.bookkeeping(move |s| s.append_audit_records_now(records))
            .await
    }
    async fn sweep_audit_records(&self, before: Timestamp, batch: u32) -> StoreResult<u64> {
        self.bookkeeping(move |s| s.sweep_audit_records_now(before, batch))
            .await
    }
}
