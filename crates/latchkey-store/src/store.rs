//! The [`Store`] trait and the values its operations exchange.

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};
use latchkey_core::credential::CredentialContext;
use latchkey_core::id::{
    AccessKeyId, AccountId, ApplicationId, AuditRecordId, JwtKeyId, PolicyGroupId, UserId,
};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::password::Password;
use latchkey_core::password_link::PasswordLink;
use latchkey_core::resource::{
    AccessKey, Account, AccountUpdate, Application, ApplicationUpdate, JwtKey, KeyUpdate,
    PolicyGroup, PolicyGroupUpdate, User, UserUpdate,
};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::session::{Session, SessionContext};
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, UserStatus};
use latchkey_core::token::TokenDigest;
use serde::{Deserialize, Serialize};

use crate::StoreResult;
use crate::changes::ChangeFeed;
use crate::commits::CommitObserver;
use crate::export::{ExportRecord, ImportError, ImportSet};

/// Which applications (and their keys) an operation reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppScope {
    /// The caller's account.
    pub account_id: AccountId,
    /// `Some(user)`: only applications that user created (`:own`);
    /// `None`: every application of the account (`:any`).
    pub owned_by: Option<UserId>,
}

impl AppScope {
    /// Every application of the account.
    pub fn account(account_id: AccountId) -> Self {
        AppScope {
            account_id,
            owned_by: None,
        }
    }
}

/// An access key with the digest of its secret, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAccessKey {
    /// The key.
    pub key: AccessKey,
    /// The SHA-256 digest of its secret, or the argon2id hash an earlier
    /// version wrote (until the key's first successful use).
    pub secret_hash: SecretHash,
}

/// A new account with everything it starts with, written at once: the
/// `Administrators` group, an admin user in it, an admin application in it,
/// and that application's first access key.
#[derive(Debug, Clone)]
pub struct AccountBundle {
    /// The account.
    pub account: Account,
    /// Its built-in `Administrators` group.
    pub administrators: PolicyGroup,
    /// The admin user.
    pub admin_user: User,
    /// The admin application.
    pub admin_application: Application,
    /// The admin application's first access key.
    pub admin_key: StoredAccessKey,
}

/// A status filter for key lists; `None` lists every key but revoked ones.
pub type KeyStatusFilter = Option<EffectiveKeyStatus>;

/// Filters of the account-wide and per-application key lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyFilter {
    /// Only keys of this application.
    pub application_id: Option<ApplicationId>,
    /// Only keys with this status; revoked keys are hidden unless asked for.
    pub status: KeyStatusFilter,
}

/// Members of a policy group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Members {
    /// Applications.
    Applications(Vec<ApplicationId>),
    /// Users.
    Users(Vec<UserId>),
}

/// The outcome of a bulk delete: all or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDeleteReport {
    /// Whether the keys were deleted (every id was deletable) or none was.
    pub deleted: bool,
    /// One line per requested id, in request order.
    pub results: Vec<BulkDeleteItem>,
}

/// What happened (or would have happened) to one id of a bulk delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDeleteItem {
    /// The id as given.
    pub id: AccessKeyId,
    /// `deleted`, `not_found`, `forbidden`, or `skipped` (deletable, but
    /// another id failed so nothing was deleted).
    pub status: BulkDeleteStatus,
}

/// Per-id outcome of a bulk delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkDeleteStatus {
    /// Deleted.
    Deleted,
    /// No such key in the account.
    NotFound,
    /// The key belongs to an application outside the caller's reach.
    Forbidden,
    /// Deletable, but not deleted because another id failed.
    Skipped,
}

/// A user who may sign in with an email, and their account.
#[derive(Debug, Clone)]
pub struct SignInCandidate {
    /// An active user with a password.
    pub user: User,
    /// Its account.
    pub account: Account,
}

/// Whether a creation must respect the plan limit. Only the recovery path
/// (`latchkey admin mint-key`) ignores it: an operator locked out of a full
/// admin application must still get in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitPolicy {
    /// Refuse when the limit is reached.
    Enforce,
    /// Create regardless.
    Ignore,
}

/// Filters of the audit log (API.md's `action`, `target_id`,
/// `actor_user_id`, `since` and `until`); every one given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only records about this object (its id as the API writes it).
    pub target_id: Option<String>,
    /// Only what this user did.
    pub actor_user_id: Option<UserId>,
    /// Only records at or after this instant.
    pub since: Option<Timestamp>,
    /// Only records at or before this instant.
    pub until: Option<Timestamp>,
}

impl AuditFilter {
    /// Whether `record` passes every filter given.
    pub fn matches(&self, record: &AuditRecord) -> bool {
        self.action.is_none_or(|action| record.action == action)
            && self
                .target_id
                .as_ref()
                .is_none_or(|id| *id == record.target.id)
            && self
                .actor_user_id
                .is_none_or(|user| record.actor.user_id == Some(user))
            && self.since.is_none_or(|since| record.at >= since)
            && self.until.is_none_or(|until| record.at <= until)
    }
}

/// A roll of an access key (`POST …/access-keys/{key_id}/roll`), as far as
/// the caller made it: the new key's id, prefix and secret digest (from the
/// key string it generated), its name if one was asked for, and the grace.
/// The rest of the new key is the old one's, read in the roll's transaction.
#[derive(Debug, Clone)]
pub struct AccessKeyRoll {
    /// The new key's id, prefix and server.
    pub origin: latchkey_core::resource::access_key::RollOrigin,
    /// The SHA-256 digest of the new key's secret.
    pub secret_hash: SecretHash,
    /// The new key's name; `None`: the old one's with `-rolled-N`.
    pub name: Option<String>,
    /// How long the old key keeps working (at most until it would have expired).
    pub grace: jiff::SignedDuration,
}

/// A roll's outcome: the old key as it now is, and the new key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolledAccessKey {
    /// The rolled key, expiring at the end of the grace.
    pub old: AccessKey,
    /// The new key.
    pub new: AccessKey,
}

/// A key of either kind, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnyKeyId {
    /// An access key.
    Access(AccessKeyId),
    /// A JWT key.
    Jwt(JwtKeyId),
}

/// A key the sweep of unused keys deactivated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeactivatedKey {
    /// Its account.
    pub account_id: AccountId,
    /// Its application.
    pub application_id: ApplicationId,
    /// The key.
    pub key: AnyKeyId,
    /// Its last use (`None`: never used).
    pub last_used_at: Option<Timestamp>,
}

/// An access key reported leaked, and what its account's key policy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposedKey {
    /// The key as it now is.
    pub key: AccessKey,
    /// Its status before.
    pub status_before: latchkey_core::status::KeyStatus,
    /// The account's `exposed_key_action`, as read in the transaction.
    pub action: latchkey_core::resource::ExposedKeyAction,
}

/// Latchkey's storage, one transaction per operation.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // --- this process's commits --------------------------------------------

    /// Reports every write this process commits through this store (or any
    /// of its clones) to `observer`, from now on: [`CommitObserver::committing`]
    /// just before the commit and [`CommitObserver::committed`] just after,
    /// with the account the write changed (or everything), on the write's own
    /// path, so that a caller that stops waiting for the write cannot skip
    /// the report, and before the call that made the write returns. Reads and
    /// `last_used_at` bookkeeping report nothing. Observers add up; none is
    /// ever removed.
    fn observe_commits(&self, observer: Arc<dyn CommitObserver>);

    // --- other processes' changes -----------------------------------------

    /// Starts following the changes other processes make to this store (see
    /// [`ChangeFeed`]). A store only this process writes has none to report.
    /// Call it once, from inside the runtime.
    fn watch_changes(&self) -> ChangeFeed {
        ChangeFeed::Local
    }

    // --- readiness ----------------------------------------------------------

    /// Whether the store can serve now (`GET /ready`): a trivial read.
    /// [`StoreError::Unavailable`] while it cannot be reached.
    async fn check_ready(&self) -> StoreResult<()>;

    // --- accounts ---------------------------------------------------------

    /// Creates an account with its administrators, admin user, admin
    /// application and first key, all or nothing.
    async fn create_account(&self, acting: &Acting, bundle: AccountBundle) -> StoreResult<()>;
    /// The operator account (the first one), if the store was bootstrapped.
    async fn operator_account(&self) -> StoreResult<Option<Account>>;
    /// An account.
    async fn get_account(&self, id: AccountId) -> StoreResult<Account>;
    /// Every account.
    async fn list_accounts(&self, page: PageRequest<AccountId>) -> StoreResult<Page<Account>>;
    /// Changes an account: recorded as `account.update` (name, plan,
    /// limits) and, when the update names a key policy, as
    /// `account.policy.update` with the policy's fields before and after.
    async fn update_account(
        &self,
        acting: &Acting,
        id: AccountId,
        update: AccountUpdate,
        now: Timestamp,
    ) -> StoreResult<Account>;

    // --- the whole store: export and import ---------------------------------

    /// Every record of the store, read in one snapshot, in export order
    /// (kind, then id): what `latchkey admin export` writes. Access keys come
    /// with their secrets' hashes.
    async fn export_all(&self) -> StoreResult<Vec<ExportRecord>>;
    /// Writes a checked export into this store, which must be empty
    /// ([`ImportError::NotEmpty`] otherwise, with nothing written): all or
    /// nothing, in one transaction, rebuilding what the store derives
    /// (indexes, name and email claims, memberships, the operator marker).
    /// Plan limits are not checked: the records were admitted when made.
    async fn import_all(&self, records: ImportSet) -> Result<(), ImportError>;

    // --- users ------------------------------------------------------------

    /// Creates a user; the email must be free among active users and the
    /// groups must exist in the account.
    async fn create_user(&self, acting: &Acting, user: User) -> StoreResult<User>;
    /// A user.
    async fn get_user(&self, account_id: AccountId, id: UserId) -> StoreResult<User>;
    /// Users; deleted ones only when asked for by status.
    async fn list_users(
        &self,
        account_id: AccountId,
        status: Option<UserStatus>,
        page: PageRequest<UserId>,
    ) -> StoreResult<Page<User>>;
    /// Changes a user; a change of its groups is admitted by the delegation rule.
    async fn update_user(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: UserId,
        update: UserUpdate,
        now: Timestamp,
    ) -> StoreResult<User>;
    /// Marks a user deleted: what it created stops authenticating.
    async fn delete_user(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: UserId,
        now: Timestamp,
    ) -> StoreResult<User>;
    /// The union of the permissions of a user's groups.
    async fn user_permissions(
        &self,
        account_id: AccountId,
        id: UserId,
    ) -> StoreResult<latchkey_core::permission::PermissionSet>;

    // --- people: passwords, password links, console sessions ---------------

    /// Stores a new password link for its user, withdrawing the user's
    /// earlier links. The user must be an active user of the link's account,
    /// and the delegation rule must admit handing out the user's rights
    /// ([`latchkey_core::delegation::admit_password_link`]). Returns the user.
    async fn create_password_link(&self, acting: &Acting, link: PasswordLink) -> StoreResult<User>;
    /// The active user a password link that still works at `now` is for.
    async fn password_link_user(
        &self,
        digest: TokenDigest,
        now: Timestamp,
    ) -> StoreResult<Option<User>>;
    /// Sets the password of a link's user and uses the link up, at once:
    /// `NotFound` when there is no such link, or it expired, or its user is
    /// no longer active. Every link of the user is withdrawn; sessions opened
    /// before end (their password changed). Returns the user.
    async fn redeem_password_link(
        &self,
        acting: &Acting,
        digest: TokenDigest,
        password: Password,
        now: Timestamp,
    ) -> StoreResult<User>;
    /// Replaces a user's password, as long as the one it replaces is still
    /// the one set at `replacing` (the one the person just proved):
    /// `Conflict` otherwise, or when the user is not active. Every session
    /// of the user ends (their records are removed). Returns the user.
    async fn change_password(
        &self,
        acting: &Acting,
        account_id: AccountId,
        user_id: UserId,
        replacing: Timestamp,
        password: Password,
    ) -> StoreResult<User>;
    /// The active users with this email (compared case-insensitively) that
    /// have a password, in every account, with their accounts.
    async fn sign_in_candidates(&self, email: &str) -> StoreResult<Vec<SignInCandidate>>;
    /// Stores a session just signed in; `Conflict` when its user changed
    /// since the password was checked (deleted, a group left, a new
    /// password). Sessions that timed out (anyone's) are removed meanwhile.
    async fn create_session(
        &self,
        acting: &Acting,
        session: Session,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// A session with its account, its user and the user's groups'
    /// permissions, read in one snapshot; `None` when there is no such session.
    async fn session_context(&self, digest: TokenDigest) -> StoreResult<Option<SessionContext>>;
    /// Notes a session's last request. Bookkeeping: nothing cached depends
    /// on it, so it announces no change.
    async fn touch_session(&self, digest: TokenDigest, now: Timestamp) -> StoreResult<()>;
    /// Removes a session (signed out, or found ended); no error when absent.
    async fn delete_session(&self, acting: &Acting, digest: TokenDigest) -> StoreResult<()>;

    // --- policy groups ----------------------------------------------------

    /// Creates a group; its name must be free in the account.
    async fn create_group(&self, acting: &Acting, group: PolicyGroup) -> StoreResult<PolicyGroup>;
    /// A group.
    async fn get_group(&self, account_id: AccountId, id: PolicyGroupId)
    -> StoreResult<PolicyGroup>;
    /// Groups.
    async fn list_groups(
        &self,
        account_id: AccountId,
        page: PageRequest<PolicyGroupId>,
    ) -> StoreResult<Page<PolicyGroup>>;
    /// Changes a group (`operator` tells whether `accounts:manage` may be granted).
    async fn update_group(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: PolicyGroupId,
        update: PolicyGroupUpdate,
        operator: bool,
        now: Timestamp,
    ) -> StoreResult<PolicyGroup>;
    /// Deletes a group and every membership in it (not `Administrators`).
    async fn delete_group(
        &self,
        acting: &Acting,
        account_id: AccountId,
        id: PolicyGroupId,
    ) -> StoreResult<()>;
    /// Adds members, all or nothing, as the delegation rule admits;
    /// already-members are left as they are.
    async fn add_members(
        &self,
        acting: &Acting,
        account_id: AccountId,
        group: PolicyGroupId,
        members: Members,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Removes members, all or nothing; non-members are left as they are.
    async fn remove_members(
        &self,
        acting: &Acting,
        account_id: AccountId,
        group: PolicyGroupId,
        members: Members,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Applications in a group.
    async fn list_group_applications(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>>;
    /// Users in a group.
    async fn list_group_users(
        &self,
        account_id: AccountId,
        group: PolicyGroupId,
        page: PageRequest<UserId>,
    ) -> StoreResult<Page<User>>;

    // --- applications -----------------------------------------------------

    /// Creates an application within the plan limit; its name must be free,
    /// its groups must exist and its owner must be an active user.
    async fn create_application(
        &self,
        acting: &Acting,
        application: Application,
    ) -> StoreResult<Application>;
    /// An application.
    async fn get_application(&self, scope: AppScope, id: ApplicationId)
    -> StoreResult<Application>;
    /// Applications; revoked ones only when asked for by status.
    async fn list_applications(
        &self,
        scope: AppScope,
        status: Option<ApplicationStatus>,
        page: PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>>;
    /// Changes an application.
    async fn update_application(
        &self,
        acting: &Acting,
        scope: AppScope,
        id: ApplicationId,
        update: ApplicationUpdate,
        now: Timestamp,
    ) -> StoreResult<Application>;
    /// Deletes an application with all its keys.
    async fn delete_application(
        &self,
        acting: &Acting,
        scope: AppScope,
        id: ApplicationId,
    ) -> StoreResult<()>;

    // --- access keys ------------------------------------------------------

    /// Creates an access key within its application's limit; the application
    /// must be active, the name free, and the key within the delegation rule,
    /// which may fix its scopes (the stored key is returned).
    async fn create_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        key: StoredAccessKey,
        limits: LimitPolicy,
        now: Timestamp,
    ) -> StoreResult<AccessKey>;
    /// An access key of an application.
    async fn get_access_key(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<AccessKey>;
    /// Access keys of the account or of one application.
    async fn list_access_keys(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: PageRequest<AccessKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<AccessKey>>;
    /// Changes an access key; making it work again or longer is admitted by
    /// the delegation rule and the limit.
    async fn update_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
        update: KeyUpdate,
        now: Timestamp,
    ) -> StoreResult<AccessKey>;
    /// Rolls an access key of an application in reach: in one transaction,
    /// the key (which must work now) is set to expire at the grace's end
    /// (never later than it would have), and a new key with its scopes,
    /// description, expiration and owner is created, admitted as every new
    /// key is (reach, an active application, an active owner, the delegation
    /// rule, the key policy, the plan limit, counted with the old key as it
    /// is after the roll); a rolled key whose scopes the delegation rule
    /// would change is refused. Recorded as `access_key.roll` of the old key
    /// (its `expiration` before and after, and `new_key_id`) followed by
    /// `access_key.create` of the new key, as any new key is recorded.
    async fn roll_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
        roll: AccessKeyRoll,
        now: Timestamp,
    ) -> StoreResult<RolledAccessKey>;
    /// Deletes an access key.
    async fn delete_access_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: AccessKeyId,
    ) -> StoreResult<()>;
    /// Deletes every listed key of the account, or none.
    async fn bulk_delete_access_keys(
        &self,
        acting: &Acting,
        scope: AppScope,
        ids: Vec<AccessKeyId>,
    ) -> StoreResult<BulkDeleteReport>;
    /// Handles an access key a secret-scanning partner reported leaked, as
    /// long as its stored hash is still `expected` (the hash the reported
    /// secret was checked against): its account's `exposed_key_action` is
    /// applied in the same transaction (`revoke`, `deactivate` a working
    /// key, or `notify`: nothing changes), and recorded as
    /// `access_key.exposed` with the report's `url` and the action taken.
    /// `acting` is the system (nothing is granted), with the report's
    /// request. `None` when the key is gone or its hash changed since (and
    /// nothing is recorded). A report that changes nothing writes its record
    /// without reporting a change, so that no credential cache is emptied.
    async fn expose_access_key(
        &self,
        acting: &Acting,
        id: AccessKeyId,
        expected: SecretHash,
        url: String,
        now: Timestamp,
    ) -> StoreResult<Option<ExposedKey>>;
    /// What authentication needs to know about an access key, with its
    /// secret's hash; `None` when there is no such key.
    async fn access_key_credential(
        &self,
        id: AccessKeyId,
    ) -> StoreResult<Option<(CredentialContext, SecretHash)>>;
    /// Records last use times, coalesced by the caller.
    async fn record_access_key_use(&self, uses: Vec<(AccessKeyId, Timestamp)>) -> StoreResult<()>;
    /// Replaces an access key's stored secret hash with `new` if it is
    /// still `expected`, and answers whether it did (`false`: the key is
    /// gone, or its hash changed since it was read). For the server to put
    /// the digest in place of a legacy argon2id hash once the secret has
    /// verified against it, so `new` must be a hash of the same secret.
    /// Nothing else changes, and no change is announced: what
    /// authentication decides is the same before and after.
    async fn upgrade_access_key_secret(
        &self,
        id: AccessKeyId,
        expected: SecretHash,
        new: SecretHash,
    ) -> StoreResult<bool>;

    /// The sweep of the key policies' `deactivate_unused_after_days`: in
    /// every account whose policy names it, each access key and JWT key
    /// that works at `now` and was not used for that long (since its
    /// creation when never used) is made `inactive`, in one transaction.
    /// `acting` is the system: nothing is granted. Each key deactivated is
    /// recorded (`access_key.update` or `jwt_key.update`, status `active` to
    /// `inactive`); a sweep that finds nothing writes nothing. Returns the
    /// keys deactivated.
    async fn deactivate_unused_keys(
        &self,
        acting: &Acting,
        now: Timestamp,
    ) -> StoreResult<Vec<DeactivatedKey>>;

    // --- JWT keys ---------------------------------------------------------

    /// Registers a JWT key within its application's limit and the
    /// delegation rule, as [`Store::create_access_key`].
    async fn create_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        key: JwtKey,
        now: Timestamp,
    ) -> StoreResult<JwtKey>;
    /// A JWT key of an application.
    async fn get_jwt_key(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<JwtKey>;
    /// JWT keys of the account or of one application.
    async fn list_jwt_keys(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: PageRequest<JwtKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<JwtKey>>;
    /// Changes a JWT key, as [`Store::update_access_key`].
    async fn update_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
        update: KeyUpdate,
        now: Timestamp,
    ) -> StoreResult<JwtKey>;
    /// Deletes a JWT key.
    async fn delete_jwt_key(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<()>;
    /// What authentication needs to know about a JWT key, with the key.
    async fn jwt_key_credential(
        &self,
        id: JwtKeyId,
    ) -> StoreResult<Option<(CredentialContext, JwtKey)>>;
    /// Records last use times, coalesced by the caller.
    async fn record_jwt_key_use(&self, uses: Vec<(JwtKeyId, Timestamp)>) -> StoreResult<()>;

    // --- the audit log ------------------------------------------------------

    /// A page of an account's audit log, in id (time) order, with only the
    /// records that pass `filter`. Records are written by the writes they
    /// record, in the same transaction; none is ever changed.
    async fn list_audit_records(
        &self,
        account_id: AccountId,
        filter: AuditFilter,
        page: PageRequest<AuditRecordId>,
    ) -> StoreResult<Page<AuditRecord>>;
    /// Removes the records of every account written before `before` (the
    /// retention sweep), at most `batch` of them in this call, oldest first;
    /// answers how many it removed (fewer than `batch`: none older is left).
    /// Bookkeeping: nothing cached depends on the log.
    async fn sweep_audit_records(&self, before: Timestamp, batch: u32) -> StoreResult<u64>;
    /// Appends records of failed authentications (already aggregated by the
    /// caller: one per credential, address and minute), in one transaction.
    /// Bookkeeping: nothing changed, nothing cached depends on them.
    async fn record_authentication_failures(&self, records: Vec<AuditRecord>) -> StoreResult<()>;
}
