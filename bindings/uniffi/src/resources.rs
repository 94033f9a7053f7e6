//! The resource groups of a client (`client.applications()`, …), each an
//! object with `suspend`/`async` methods that call the Rust client's method
//! of the same name. `listPage` reads one page; the `pager` of a list is the
//! Rust client's pager (one request per `nextPage()`, following the cursor),
//! on which Kotlin's `list` (a `Flow`) and Swift's `list` (an
//! `AsyncSequence`) are built (`Pages.kt`, `Pages.swift`).

use std::sync::Arc;

use latchkey_client::Client;
use latchkey_client::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_client::types::{ApplicationStatus, EffectiveKeyStatus, KeyStatus, UserStatus};

use crate::client::Slot;
use crate::convert::{id, ids};
use crate::error::LatchkeyError;
use crate::keys::Jwks;
use crate::models::{
    AccessKey, AccessKeyPage, Account, AccountPage, AccountUpdate, Application, ApplicationPage,
    ApplicationUpdate, AuditLogFilter, AuditRecordPage, BulkDeleteResult, CreatedAccessKey,
    CreatedAccount, JwtKey, JwtKeyPage, KeyUpdate, ListOptions, NewAccessKey, NewApplication,
    NewJwtKey, NewPolicyGroup, NewTenantAccount, NewUser, PasswordLink, PolicyGroup,
    PolicyGroupPage, PolicyGroupUpdate, RolledAccessKey, User, UserPage, UserUpdate,
    created_access_key, created_account,
};

type Result<T> = std::result::Result<T, LatchkeyError>;

/// The list parameters of `options` and an optional status filter.
fn params(
    options: Option<ListOptions>,
    status: Option<impl latchkey_client::StatusFilter>,
) -> latchkey_client::ListParams {
    let params = options.unwrap_or_default().params();
    match status {
        Some(status) => params.status(status),
        None => params,
    }
}

/// The list parameters of `options` alone (lists without a status filter).
fn plain(options: Option<ListOptions>) -> latchkey_client::ListParams {
    options.unwrap_or_default().params()
}

fn app(text: &str) -> Result<ApplicationId> {
    id("applicationId", text)
}

macro_rules! pager {
    ($(#[$doc:meta])* $pager:ident of $item:ident as $page:ident) => {
        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $pager {
            // A tokio mutex: the lock is held across the page's request, so
            // two concurrent `nextPage()` calls fetch two successive pages.
            pager: tokio::sync::Mutex<latchkey_client::Pager<latchkey_client::models::$item>>,
        }

        impl $pager {
            fn wrap(pager: latchkey_client::Pager<latchkey_client::models::$item>) -> Arc<Self> {
                Arc::new($pager {
                    pager: tokio::sync::Mutex::new(pager),
                })
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $pager {
            /// The next page, or none after the last one (one request each).
            pub async fn next_page(&self) -> Result<Option<$page>> {
                let mut pager = self.pager.lock().await;
                Ok(pager.next_page().await?.map(Into::into))
            }
        }
    };
}

pager!(/// The pages of a list of applications.
    ApplicationPager of Application as ApplicationPage);
pager!(/// The pages of a list of access keys.
    AccessKeyPager of AccessKey as AccessKeyPage);
pager!(/// The pages of a list of JWT keys.
    JwtKeyPager of JwtKey as JwtKeyPage);
pager!(/// The pages of a list of users.
    UserPager of User as UserPage);
pager!(/// The pages of a list of policy groups.
    PolicyGroupPager of PolicyGroup as PolicyGroupPage);
pager!(/// The pages of a list of accounts.
    AccountPager of Account as AccountPage);
pager!(/// The pages of the audit log.
    AuditRecordPager of AuditRecord as AuditRecordPage);

/// Applications: the holders of credentials.
#[derive(uniffi::Object)]
pub struct Applications {
    slot: Arc<Slot>,
}

impl Applications {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        Applications { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Applications {
    /// The pages of every application the caller may view (revoked ones
    /// only with `status = Revoked`): Kotlin's and Swift's `list`.
    #[uniffi::method(default(status = None, options = None))]
    pub fn pager(
        &self,
        status: Option<ApplicationStatus>,
        options: Option<ListOptions>,
    ) -> Result<Arc<ApplicationPager>> {
        let pager = self
            .client()?
            .applications()
            .pager(&params(options, status));
        Ok(ApplicationPager::wrap(pager))
    }

    /// One page of applications.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list_page(
        &self,
        status: Option<ApplicationStatus>,
        options: Option<ListOptions>,
    ) -> Result<ApplicationPage> {
        let client = self.client()?;
        let page = client
            .applications()
            .list_page(&params(options, status))
            .await?;
        Ok(page.into())
    }

    /// Creates an application within the plan's limit.
    pub async fn create(&self, application: NewApplication) -> Result<Application> {
        let input = application.input()?;
        Ok(self.client()?.applications().create(&input).await?)
    }

    /// An application.
    pub async fn get(&self, id: String) -> Result<Application> {
        Ok(self.client()?.applications().get(app(&id)?).await?)
    }

    /// Changes an application's name, description or status.
    pub async fn update(&self, id: String, update: ApplicationUpdate) -> Result<Application> {
        let id = app(&id)?;
        let client = self.client()?;
        Ok(client.applications().update(id, &update.input()).await?)
    }

    /// Revokes an application (terminal): its credentials stop working.
    pub async fn revoke(&self, id: String) -> Result<Application> {
        Ok(self.client()?.applications().revoke(app(&id)?).await?)
    }

    /// Deletes an application and all its keys.
    pub async fn delete(&self, id: String) -> Result<()> {
        Ok(self.client()?.applications().delete(app(&id)?).await?)
    }
}

/// Access keys (`ak_…`) of applications.
#[derive(uniffi::Object)]
pub struct AccessKeys {
    slot: Arc<Slot>,
}

impl AccessKeys {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        AccessKeys { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

fn key(text: &str) -> Result<AccessKeyId> {
    id("keyId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl AccessKeys {
    /// The pages of the access keys of `application_id`: Kotlin's and
    /// Swift's `list`.
    #[uniffi::method(default(status = None, options = None))]
    pub fn pager(
        &self,
        application_id: String,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<Arc<AccessKeyPager>> {
        let application = app(&application_id)?;
        let pager = self
            .client()?
            .access_keys()
            .pager(application, &params(options, status));
        Ok(AccessKeyPager::wrap(pager))
    }

    /// One page of the access keys of `application_id`.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list_page(
        &self,
        application_id: String,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<AccessKeyPage> {
        let application = app(&application_id)?;
        let client = self.client()?;
        let page = client
            .access_keys()
            .list_page(application, &params(options, status))
            .await?;
        Ok(page.into())
    }

    /// The pages of every access key of the account the caller may view,
    /// optionally of one application only (`GET /v3/access-keys`): Kotlin's
    /// and Swift's `listAccount`.
    #[uniffi::method(default(application_id = None, status = None, options = None))]
    pub fn account_pager(
        &self,
        application_id: Option<String>,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<Arc<AccessKeyPager>> {
        let application = application_id.as_deref().map(app).transpose()?;
        let pager = self
            .client()?
            .access_keys()
            .account_pager(application, &params(options, status));
        Ok(AccessKeyPager::wrap(pager))
    }

    /// One page of `GET /v3/access-keys`.
    #[uniffi::method(default(application_id = None, status = None, options = None))]
    pub async fn list_account_page(
        &self,
        application_id: Option<String>,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<AccessKeyPage> {
        let application = application_id.as_deref().map(app).transpose()?;
        let client = self.client()?;
        let page = client
            .access_keys()
            .list_account_page(application, &params(options, status))
            .await?;
        Ok(page.into())
    }

    /// Creates an access key; `key()` of the answer is the full key, shown
    /// this once.
    pub async fn create(
        &self,
        application_id: String,
        key: NewAccessKey,
    ) -> Result<Arc<CreatedAccessKey>> {
        let application = app(&application_id)?;
        let input = key.input()?;
        let client = self.client()?;
        let created = client.access_keys().create(application, &input).await?;
        Ok(created_access_key(created))
    }

    /// An access key.
    pub async fn get(&self, application_id: String, key_id: String) -> Result<AccessKey> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        let client = self.client()?;
        Ok(client.access_keys().get(application, key).await?)
    }

    /// Changes an access key's name, description, status or expiration.
    pub async fn update(
        &self,
        application_id: String,
        key_id: String,
        update: KeyUpdate,
    ) -> Result<AccessKey> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        let update = update.input()?;
        let client = self.client()?;
        Ok(client
            .access_keys()
            .update(application, key, &update)
            .await?)
    }

    /// Sets the stored status: `Active`, `Inactive` or `Revoked` (terminal).
    pub async fn set_status(
        &self,
        application_id: String,
        key_id: String,
        status: KeyStatus,
    ) -> Result<AccessKey> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        let client = self.client()?;
        Ok(client
            .access_keys()
            .set_status(application, key, status)
            .await?)
    }

    /// Revokes an access key (terminal).
    pub async fn revoke(&self, application_id: String, key_id: String) -> Result<AccessKey> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        let client = self.client()?;
        Ok(client.access_keys().revoke(application, key).await?)
    }

    /// Rolls an access key: a new key with the old one's scopes,
    /// description and expiration (named `name`, else the old name with a
    /// `-rolled-N` suffix), while the old key keeps working for
    /// `grace_seconds` (0 to 604800) and then expires. `LimitExceeded` when
    /// the application has no room for another key.
    #[uniffi::method(default(name = None))]
    pub async fn roll(
        &self,
        application_id: String,
        key_id: String,
        grace_seconds: u32,
        name: Option<String>,
    ) -> Result<Arc<RolledAccessKey>> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        let client = self.client()?;
        let rolled = client
            .access_keys()
            .roll(application, key, grace_seconds, name.as_deref())
            .await?;
        Ok(Arc::new(rolled.into()))
    }

    /// Deletes an access key.
    pub async fn delete(&self, application_id: String, key_id: String) -> Result<()> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        Ok(self
            .client()?
            .access_keys()
            .delete(application, key)
            .await?)
    }

    /// Deletes every listed key, or none: when any id cannot be deleted the
    /// call fails with `Conflict` naming each failing id in its fields.
    pub async fn bulk_delete(&self, key_ids: Vec<String>) -> Result<BulkDeleteResult> {
        let keys: Vec<AccessKeyId> = ids("keyIds", &key_ids)?;
        Ok(self.client()?.access_keys().bulk_delete(&keys).await?)
    }
}

/// JWT keys: registered public keys whose private halves sign access
/// tokens.
#[derive(uniffi::Object)]
pub struct JwtKeys {
    slot: Arc<Slot>,
}

impl JwtKeys {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        JwtKeys { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

fn jwt_key(text: &str) -> Result<JwtKeyId> {
    id("keyId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl JwtKeys {
    /// The pages of the JWT keys of `application_id`: Kotlin's and Swift's
    /// `list`.
    #[uniffi::method(default(status = None, options = None))]
    pub fn pager(
        &self,
        application_id: String,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<Arc<JwtKeyPager>> {
        let application = app(&application_id)?;
        let pager = self
            .client()?
            .jwt_keys()
            .pager(application, &params(options, status));
        Ok(JwtKeyPager::wrap(pager))
    }

    /// One page of the JWT keys of `application_id`.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list_page(
        &self,
        application_id: String,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<JwtKeyPage> {
        let application = app(&application_id)?;
        let client = self.client()?;
        let page = client
            .jwt_keys()
            .list_page(application, &params(options, status))
            .await?;
        Ok(page.into())
    }

    /// Registers a public key; its id is the `kid` of the tokens it signs.
    pub async fn create(&self, application_id: String, key: NewJwtKey) -> Result<JwtKey> {
        let application = app(&application_id)?;
        let input = key.input()?;
        let client = self.client()?;
        Ok(client.jwt_keys().create(application, &input).await?)
    }

    /// A JWT key.
    pub async fn get(&self, application_id: String, key_id: String) -> Result<JwtKey> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        Ok(self.client()?.jwt_keys().get(application, key).await?)
    }

    /// Changes a JWT key's name, description, status or expiration.
    pub async fn update(
        &self,
        application_id: String,
        key_id: String,
        update: KeyUpdate,
    ) -> Result<JwtKey> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        let update = update.input()?;
        let client = self.client()?;
        Ok(client.jwt_keys().update(application, key, &update).await?)
    }

    /// Sets the stored status: `Active`, `Inactive` or `Revoked` (terminal).
    pub async fn set_status(
        &self,
        application_id: String,
        key_id: String,
        status: KeyStatus,
    ) -> Result<JwtKey> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        let client = self.client()?;
        Ok(client
            .jwt_keys()
            .set_status(application, key, status)
            .await?)
    }

    /// Revokes a JWT key (terminal).
    pub async fn revoke(&self, application_id: String, key_id: String) -> Result<JwtKey> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        Ok(self.client()?.jwt_keys().revoke(application, key).await?)
    }

    /// Deletes a JWT key.
    pub async fn delete(&self, application_id: String, key_id: String) -> Result<()> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        Ok(self.client()?.jwt_keys().delete(application, key).await?)
    }

    /// The application's active public keys as a key set, ready for
    /// `Jwt.verify`.
    pub async fn jwks(&self, application_id: String) -> Result<Arc<Jwks>> {
        let application = app(&application_id)?;
        Ok(Jwks::wrap(
            self.client()?.jwt_keys().jwks(application).await?,
        ))
    }
}

/// Users of the account.
#[derive(uniffi::Object)]
pub struct Users {
    slot: Arc<Slot>,
}

impl Users {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        Users { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

fn user(text: &str) -> Result<UserId> {
    id("userId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl Users {
    /// The pages of every user (deleted ones only with `status = Deleted`):
    /// Kotlin's and Swift's `list`.
    #[uniffi::method(default(status = None, options = None))]
    pub fn pager(
        &self,
        status: Option<UserStatus>,
        options: Option<ListOptions>,
    ) -> Result<Arc<UserPager>> {
        let pager = self.client()?.users().pager(&params(options, status));
        Ok(UserPager::wrap(pager))
    }

    /// One page of users.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list_page(
        &self,
        status: Option<UserStatus>,
        options: Option<ListOptions>,
    ) -> Result<UserPage> {
        let client = self.client()?;
        let page = client.users().list_page(&params(options, status)).await?;
        Ok(page.into())
    }

    /// Creates a user (needs `users:manage`).
    pub async fn create(&self, user: NewUser) -> Result<User> {
        let input = user.input()?;
        Ok(self.client()?.users().create(&input).await?)
    }

    /// A user.
    pub async fn get(&self, id: String) -> Result<User> {
        Ok(self.client()?.users().get(user(&id)?).await?)
    }

    /// Changes a user's email, name or groups.
    pub async fn update(&self, id: String, update: UserUpdate) -> Result<User> {
        let id = user(&id)?;
        let update = update.input()?;
        Ok(self.client()?.users().update(id, &update).await?)
    }

    /// Deletes a user: what the user created stops authenticating at once.
    pub async fn delete(&self, id: String) -> Result<()> {
        Ok(self.client()?.users().delete(user(&id)?).await?)
    }

    /// A one-time link that sets the user's console password, valid 24
    /// hours; the user's earlier links stop working. Needs `users:manage`,
    /// and the user's rights must be the caller's to give (whoever holds
    /// the link acts as the user): `Forbidden` naming `id` otherwise.
    pub async fn password_link(&self, id: String) -> Result<Arc<PasswordLink>> {
        let link = self.client()?.users().password_link(user(&id)?).await?;
        Ok(Arc::new(link.into()))
    }
}

/// Policy groups and their members.
#[derive(uniffi::Object)]
pub struct PolicyGroups {
    slot: Arc<Slot>,
}

impl PolicyGroups {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        PolicyGroups { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

fn group(text: &str) -> Result<PolicyGroupId> {
    id("groupId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl PolicyGroups {
    /// The pages of every policy group: Kotlin's and Swift's `list`.
    #[uniffi::method(default(options = None))]
    pub fn pager(&self, options: Option<ListOptions>) -> Result<Arc<PolicyGroupPager>> {
        let pager = self.client()?.policy_groups().pager(&plain(options));
        Ok(PolicyGroupPager::wrap(pager))
    }

    /// One page of policy groups.
    #[uniffi::method(default(options = None))]
    pub async fn list_page(&self, options: Option<ListOptions>) -> Result<PolicyGroupPage> {
        let client = self.client()?;
        Ok(client
            .policy_groups()
            .list_page(&plain(options))
            .await?
            .into())
    }

    /// Creates a policy group (needs `groups:manage`).
    pub async fn create(&self, group: NewPolicyGroup) -> Result<PolicyGroup> {
        let client = self.client()?;
        Ok(client.policy_groups().create(&group.input()).await?)
    }

    /// A policy group.
    pub async fn get(&self, id: String) -> Result<PolicyGroup> {
        Ok(self.client()?.policy_groups().get(group(&id)?).await?)
    }

    /// Changes a policy group's name, description or permissions.
    pub async fn update(&self, id: String, update: PolicyGroupUpdate) -> Result<PolicyGroup> {
        let id = group(&id)?;
        let client = self.client()?;
        Ok(client.policy_groups().update(id, &update.input()).await?)
    }

    /// Deletes a policy group (`Administrators` cannot be deleted).
    pub async fn delete(&self, id: String) -> Result<()> {
        Ok(self.client()?.policy_groups().delete(group(&id)?).await?)
    }

    /// The pages of the applications in group `id`: Kotlin's and Swift's
    /// `listApplications`.
    #[uniffi::method(default(options = None))]
    pub fn applications_pager(
        &self,
        id: String,
        options: Option<ListOptions>,
    ) -> Result<Arc<ApplicationPager>> {
        let id = group(&id)?;
        let pager = self
            .client()?
            .policy_groups()
            .applications_pager(id, &plain(options));
        Ok(ApplicationPager::wrap(pager))
    }

    /// One page of the applications in group `id`.
    #[uniffi::method(default(options = None))]
    pub async fn list_applications_page(
        &self,
        id: String,
        options: Option<ListOptions>,
    ) -> Result<ApplicationPage> {
        let id = group(&id)?;
        let client = self.client()?;
        Ok(client
            .policy_groups()
            .list_applications_page(id, &plain(options))
            .await?
            .into())
    }

    /// Adds applications to group `id`.
    pub async fn add_applications(&self, id: String, application_ids: Vec<String>) -> Result<()> {
        let id = group(&id)?;
        let members: Vec<ApplicationId> = ids("applicationIds", &application_ids)?;
        let client = self.client()?;
        Ok(client
            .policy_groups()
            .add_applications(id, &members)
            .await?)
    }

    /// Removes applications from group `id`.
    pub async fn remove_applications(
        &self,
        id: String,
        application_ids: Vec<String>,
    ) -> Result<()> {
        let id = group(&id)?;
        let members: Vec<ApplicationId> = ids("applicationIds", &application_ids)?;
        let client = self.client()?;
        Ok(client
            .policy_groups()
            .remove_applications(id, &members)
            .await?)
    }

    /// The pages of the users in group `id`: Kotlin's and Swift's
    /// `listUsers`.
    #[uniffi::method(default(options = None))]
    pub fn users_pager(&self, id: String, options: Option<ListOptions>) -> Result<Arc<UserPager>> {
        let id = group(&id)?;
        let pager = self
            .client()?
            .policy_groups()
            .users_pager(id, &plain(options));
        Ok(UserPager::wrap(pager))
    }

    /// One page of the users in group `id`.
    #[uniffi::method(default(options = None))]
    pub async fn list_users_page(
        &self,
        id: String,
        options: Option<ListOptions>,
    ) -> Result<UserPage> {
        let id = group(&id)?;
        let client = self.client()?;
        Ok(client
            .policy_groups()
            .list_users_page(id, &plain(options))
            .await?
            .into())
    }

    /// Adds users to group `id`.
    pub async fn add_users(&self, id: String, user_ids: Vec<String>) -> Result<()> {
        let id = group(&id)?;
        let members: Vec<UserId> = ids("userIds", &user_ids)?;
        Ok(self
            .client()?
            .policy_groups()
            .add_users(id, &members)
            .await?)
    }

    /// Removes users from group `id`.
    pub async fn remove_users(&self, id: String, user_ids: Vec<String>) -> Result<()> {
        let id = group(&id)?;
        let members: Vec<UserId> = ids("userIds", &user_ids)?;
        let client = self.client()?;
        Ok(client.policy_groups().remove_users(id, &members).await?)
    }
}

/// The caller's account, and tenant accounts for the operator.
#[derive(uniffi::Object)]
pub struct Accounts {
    slot: Arc<Slot>,
}

impl Accounts {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        Accounts { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

fn account(text: &str) -> Result<AccountId> {
    id("accountId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl Accounts {
    /// The caller's account (`GET /v3/accounts/me`).
    pub async fn current(&self) -> Result<Account> {
        Ok(self.client()?.accounts().current().await?)
    }

    /// The caller's account's key policy (`GET /v3/accounts/me/policy`,
    /// needs `account:view`).
    pub async fn key_policy(&self) -> Result<latchkey_client::models::KeyPolicy> {
        Ok(self.client()?.accounts().key_policy().await?)
    }

    /// Replaces the caller's account's key policy (`PUT
    /// /v3/accounts/me/policy`, needs `account:edit`); returns the policy
    /// now in force. New keys are held to it (`Validation` naming
    /// `expiration` otherwise); keys made before it are left as they are.
    pub async fn update_key_policy(
        &self,
        policy: latchkey_client::models::KeyPolicy,
    ) -> Result<latchkey_client::models::KeyPolicy> {
        Ok(self.client()?.accounts().update_key_policy(&policy).await?)
    }

    /// Renames the caller's account (`PUT /v3/accounts/me`).
    pub async fn rename_current(&self, name: String) -> Result<Account> {
        Ok(self.client()?.accounts().rename_current(&name).await?)
    }

    /// The pages of every account (operator only): Kotlin's and Swift's
    /// `list`.
    #[uniffi::method(default(options = None))]
    pub fn pager(&self, options: Option<ListOptions>) -> Result<Arc<AccountPager>> {
        let pager = self.client()?.accounts().pager(&plain(options));
        Ok(AccountPager::wrap(pager))
    }

    /// One page of accounts (operator only).
    #[uniffi::method(default(options = None))]
    pub async fn list_page(&self, options: Option<ListOptions>) -> Result<AccountPage> {
        let client = self.client()?;
        Ok(client.accounts().list_page(&plain(options)).await?.into())
    }

    /// Creates a tenant account with its admin user, application and first
    /// access key (`key()`, shown this once). Operator only.
    pub async fn create(&self, account: NewTenantAccount) -> Result<Arc<CreatedAccount>> {
        let client = self.client()?;
        let created = client.accounts().create(&account.input()).await?;
        Ok(created_account(created))
    }

    /// An account (operator only).
    pub async fn get(&self, id: String) -> Result<Account> {
        Ok(self.client()?.accounts().get(account(&id)?).await?)
    }

    /// Changes an account's name, plan or limits (operator only).
    pub async fn update(&self, id: String, update: AccountUpdate) -> Result<Account> {
        let id = account(&id)?;
        let client = self.client()?;
        Ok(client.accounts().update(id, &update.input()).await?)
    }
}

/// The account's audit log (`/v3/audit-log`, needs `audit:view`): every
/// change and sign-in, in the order written.
#[derive(uniffi::Object)]
pub struct AuditLog {
    slot: Arc<Slot>,
}

impl AuditLog {
    pub(crate) fn new(slot: Arc<Slot>) -> Self {
        AuditLog { slot }
    }

    fn client(&self) -> Result<Client> {
        self.slot.client()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AuditLog {
    /// The pages of the records passing `filter` (every one given must
    /// match): Kotlin's and Swift's `list`.
    #[uniffi::method(default(filter = None, options = None))]
    pub fn pager(
        &self,
        filter: Option<AuditLogFilter>,
        options: Option<ListOptions>,
    ) -> Result<Arc<AuditRecordPager>> {
        let filter = filter.unwrap_or_default().input()?;
        let pager = self.client()?.audit_log().pager(&plain(options), &filter);
        Ok(AuditRecordPager::wrap(pager))
    }

    /// One page of the records passing `filter`. An action the server does
    /// not know is `Validation` naming `action`.
    #[uniffi::method(default(filter = None, options = None))]
    pub async fn list_page(
        &self,
        filter: Option<AuditLogFilter>,
        options: Option<ListOptions>,
    ) -> Result<AuditRecordPage> {
        let filter = filter.unwrap_or_default().input()?;
        let client = self.client()?;
        let page = client
            .audit_log()
            .list_page(&plain(options), &filter)
            .await?;
        Ok(page.into())
    }
}
