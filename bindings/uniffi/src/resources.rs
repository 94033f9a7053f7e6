//! The resource groups of a client (`client.applications()`, …), each an
//! object with `suspend`/`async` methods that call the Rust client's method
//! of the same name. `list` reads every page; `listPage` reads one.

use std::sync::Arc;

use latchkey_client::Client;
use latchkey_client::id::{AccessKeyId, AccountId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_client::types::{ApplicationStatus, EffectiveKeyStatus, UserStatus};

use crate::convert::{id, ids};
use crate::error::LatchkeyError;
use crate::keys::Jwks;
use crate::models::{
    AccessKey, AccessKeyPage, Account, AccountPage, AccountUpdate, Application, ApplicationPage,
    ApplicationUpdate, BulkDeleteResult, CreatedAccessKey, CreatedAccount, JwtKey, JwtKeyPage,
    KeyUpdate, ListOptions, NewAccessKey, NewApplication, NewJwtKey, NewPolicyGroup,
    NewTenantAccount, NewUser, PolicyGroup, PolicyGroupPage, PolicyGroupUpdate, User, UserPage,
    UserUpdate, created_access_key, created_account,
};

type Result<T> = std::result::Result<T, LatchkeyError>;

fn converted<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(Into::into).collect()
}

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

fn app(text: &str) -> Result<ApplicationId> {
    id("applicationId", text)
}

/// Applications: the holders of credentials.
#[derive(uniffi::Object)]
pub struct Applications {
    client: Client,
}

impl Applications {
    pub(crate) fn new(client: Client) -> Self {
        Applications { client }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Applications {
    /// Every application the caller may view, across pages (revoked ones
    /// only with `status = Revoked`).
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list(
        &self,
        status: Option<ApplicationStatus>,
        options: Option<ListOptions>,
    ) -> Result<Vec<Application>> {
        let items = self
            .client
            .applications()
            .list(&params(options, status))
            .collect_all()
            .await?;
        Ok(converted(items))
    }

    /// One page of applications.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list_page(
        &self,
        status: Option<ApplicationStatus>,
        options: Option<ListOptions>,
    ) -> Result<ApplicationPage> {
        let page = self
            .client
            .applications()
            .list_page(&params(options, status))
            .await?;
        Ok(page.into())
    }

    /// Creates an application within the plan's limit.
    pub async fn create(&self, application: NewApplication) -> Result<Application> {
        let input = application.input()?;
        Ok(self.client.applications().create(&input).await?.into())
    }

    /// An application.
    pub async fn get(&self, id: String) -> Result<Application> {
        Ok(self.client.applications().get(app(&id)?).await?.into())
    }

    /// Changes an application's name, description or status.
    pub async fn update(&self, id: String, update: ApplicationUpdate) -> Result<Application> {
        let id = app(&id)?;
        Ok(self
            .client
            .applications()
            .update(id, &update.input())
            .await?
            .into())
    }

    /// Revokes an application (terminal): its credentials stop working.
    pub async fn revoke(&self, id: String) -> Result<Application> {
        Ok(self.client.applications().revoke(app(&id)?).await?.into())
    }

    /// Deletes an application and all its keys.
    pub async fn delete(&self, id: String) -> Result<()> {
        Ok(self.client.applications().delete(app(&id)?).await?)
    }
}

/// Access keys (`ak_…`) of applications.
#[derive(uniffi::Object)]
pub struct AccessKeys {
    client: Client,
}

impl AccessKeys {
    pub(crate) fn new(client: Client) -> Self {
        AccessKeys { client }
    }
}

fn key(text: &str) -> Result<AccessKeyId> {
    id("keyId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl AccessKeys {
    /// Every access key of `application_id`, across pages.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list(
        &self,
        application_id: String,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<Vec<AccessKey>> {
        let application = app(&application_id)?;
        let items = self
            .client
            .access_keys()
            .list(application, &params(options, status))
            .collect_all()
            .await?;
        Ok(converted(items))
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
        let page = self
            .client
            .access_keys()
            .list_page(application, &params(options, status))
            .await?;
        Ok(page.into())
    }

    /// Every access key of the account the caller may view, optionally of
    /// one application only (`GET /v3/access-keys`), across pages.
    #[uniffi::method(default(application_id = None, status = None, options = None))]
    pub async fn list_account(
        &self,
        application_id: Option<String>,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<Vec<AccessKey>> {
        let application = application_id.as_deref().map(app).transpose()?;
        let items = self
            .client
            .access_keys()
            .list_account(application, &params(options, status))
            .collect_all()
            .await?;
        Ok(converted(items))
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
        let created = self
            .client
            .access_keys()
            .create(application, &input)
            .await?;
        Ok(created_access_key(created))
    }

    /// An access key.
    pub async fn get(&self, application_id: String, key_id: String) -> Result<AccessKey> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        Ok(self
            .client
            .access_keys()
            .get(application, key)
            .await?
            .into())
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
        Ok(self
            .client
            .access_keys()
            .update(application, key, &update)
            .await?
            .into())
    }

    /// Revokes an access key (terminal).
    pub async fn revoke(&self, application_id: String, key_id: String) -> Result<AccessKey> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        Ok(self
            .client
            .access_keys()
            .revoke(application, key)
            .await?
            .into())
    }

    /// Deletes an access key.
    pub async fn delete(&self, application_id: String, key_id: String) -> Result<()> {
        let (application, key) = (app(&application_id)?, key(&key_id)?);
        Ok(self.client.access_keys().delete(application, key).await?)
    }

    /// Deletes every listed key, or none: when any id cannot be deleted the
    /// call fails with `Conflict` naming each failing id in its fields.
    pub async fn bulk_delete(&self, key_ids: Vec<String>) -> Result<BulkDeleteResult> {
        let keys: Vec<AccessKeyId> = ids("keyIds", &key_ids)?;
        Ok(self.client.access_keys().bulk_delete(&keys).await?.into())
    }
}

/// JWT keys: registered public keys whose private halves sign access
/// tokens.
#[derive(uniffi::Object)]
pub struct JwtKeys {
    client: Client,
}

impl JwtKeys {
    pub(crate) fn new(client: Client) -> Self {
        JwtKeys { client }
    }
}

fn jwt_key(text: &str) -> Result<JwtKeyId> {
    id("keyId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl JwtKeys {
    /// Every JWT key of `application_id`, across pages.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list(
        &self,
        application_id: String,
        status: Option<EffectiveKeyStatus>,
        options: Option<ListOptions>,
    ) -> Result<Vec<JwtKey>> {
        let application = app(&application_id)?;
        let items = self
            .client
            .jwt_keys()
            .list(application, &params(options, status))
            .collect_all()
            .await?;
        Ok(converted(items))
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
        let page = self
            .client
            .jwt_keys()
            .list_page(application, &params(options, status))
            .await?;
        Ok(page.into())
    }

    /// Registers a public key; its id is the `kid` of the tokens it signs.
    pub async fn create(&self, application_id: String, key: NewJwtKey) -> Result<JwtKey> {
        let application = app(&application_id)?;
        let input = key.input()?;
        Ok(self
            .client
            .jwt_keys()
            .create(application, &input)
            .await?
            .into())
    }

    /// A JWT key.
    pub async fn get(&self, application_id: String, key_id: String) -> Result<JwtKey> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        Ok(self.client.jwt_keys().get(application, key).await?.into())
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
        Ok(self
            .client
            .jwt_keys()
            .update(application, key, &update)
            .await?
            .into())
    }

    /// Revokes a JWT key (terminal).
    pub async fn revoke(&self, application_id: String, key_id: String) -> Result<JwtKey> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        Ok(self
            .client
            .jwt_keys()
            .revoke(application, key)
            .await?
            .into())
    }

    /// Deletes a JWT key.
    pub async fn delete(&self, application_id: String, key_id: String) -> Result<()> {
        let (application, key) = (app(&application_id)?, jwt_key(&key_id)?);
        Ok(self.client.jwt_keys().delete(application, key).await?)
    }

    /// The application's active public keys as a key set, ready for
    /// `Jwt.verify`.
    pub async fn jwks(&self, application_id: String) -> Result<Arc<Jwks>> {
        let application = app(&application_id)?;
        Ok(Jwks::wrap(self.client.jwt_keys().jwks(application).await?))
    }
}

/// Users of the account.
#[derive(uniffi::Object)]
pub struct Users {
    client: Client,
}

impl Users {
    pub(crate) fn new(client: Client) -> Self {
        Users { client }
    }
}

fn user(text: &str) -> Result<UserId> {
    id("userId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl Users {
    /// Every user, across pages (deleted ones only with `status = Deleted`).
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list(
        &self,
        status: Option<UserStatus>,
        options: Option<ListOptions>,
    ) -> Result<Vec<User>> {
        let items = self
            .client
            .users()
            .list(&params(options, status))
            .collect_all()
            .await?;
        Ok(converted(items))
    }

    /// One page of users.
    #[uniffi::method(default(status = None, options = None))]
    pub async fn list_page(
        &self,
        status: Option<UserStatus>,
        options: Option<ListOptions>,
    ) -> Result<UserPage> {
        let page = self
            .client
            .users()
            .list_page(&params(options, status))
            .await?;
        Ok(page.into())
    }

    /// Creates a user (needs `users:manage`).
    pub async fn create(&self, user: NewUser) -> Result<User> {
        let input = user.input()?;
        Ok(self.client.users().create(&input).await?.into())
    }

    /// A user.
    pub async fn get(&self, id: String) -> Result<User> {
        Ok(self.client.users().get(user(&id)?).await?.into())
    }

    /// Changes a user's email, name or groups.
    pub async fn update(&self, id: String, update: UserUpdate) -> Result<User> {
        let id = user(&id)?;
        let update = update.input()?;
        Ok(self.client.users().update(id, &update).await?.into())
    }

    /// Deletes a user: what the user created stops authenticating at once.
    pub async fn delete(&self, id: String) -> Result<()> {
        Ok(self.client.users().delete(user(&id)?).await?)
    }
}

/// Policy groups and their members.
#[derive(uniffi::Object)]
pub struct PolicyGroups {
    client: Client,
}

impl PolicyGroups {
    pub(crate) fn new(client: Client) -> Self {
        PolicyGroups { client }
    }
}

fn group(text: &str) -> Result<PolicyGroupId> {
    id("groupId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl PolicyGroups {
    /// Every policy group, across pages.
    #[uniffi::method(default(options = None))]
    pub async fn list(&self, options: Option<ListOptions>) -> Result<Vec<PolicyGroup>> {
        let params = options.unwrap_or_default().params();
        let items = self
            .client
            .policy_groups()
            .list(&params)
            .collect_all()
            .await?;
        Ok(converted(items))
    }

    /// One page of policy groups.
    #[uniffi::method(default(options = None))]
    pub async fn list_page(&self, options: Option<ListOptions>) -> Result<PolicyGroupPage> {
        let params = options.unwrap_or_default().params();
        Ok(self.client.policy_groups().list_page(&params).await?.into())
    }

    /// Creates a policy group (needs `groups:manage`).
    pub async fn create(&self, group: NewPolicyGroup) -> Result<PolicyGroup> {
        Ok(self
            .client
            .policy_groups()
            .create(&group.input())
            .await?
            .into())
    }

    /// A policy group.
    pub async fn get(&self, id: String) -> Result<PolicyGroup> {
        Ok(self.client.policy_groups().get(group(&id)?).await?.into())
    }

    /// Changes a policy group's name, description or permissions.
    pub async fn update(&self, id: String, update: PolicyGroupUpdate) -> Result<PolicyGroup> {
        let id = group(&id)?;
        Ok(self
            .client
            .policy_groups()
            .update(id, &update.input())
            .await?
            .into())
    }

    /// Deletes a policy group (`Administrators` cannot be deleted).
    pub async fn delete(&self, id: String) -> Result<()> {
        Ok(self.client.policy_groups().delete(group(&id)?).await?)
    }

    /// The applications in group `id`, across pages.
    #[uniffi::method(default(options = None))]
    pub async fn list_applications(
        &self,
        id: String,
        options: Option<ListOptions>,
    ) -> Result<Vec<Application>> {
        let id = group(&id)?;
        let params = options.unwrap_or_default().params();
        let items = self
            .client
            .policy_groups()
            .list_applications(id, &params)
            .collect_all()
            .await?;
        Ok(converted(items))
    }

    /// Adds applications to group `id`.
    pub async fn add_applications(&self, id: String, application_ids: Vec<String>) -> Result<()> {
        let id = group(&id)?;
        let members: Vec<ApplicationId> = ids("applicationIds", &application_ids)?;
        Ok(self
            .client
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
        Ok(self
            .client
            .policy_groups()
            .remove_applications(id, &members)
            .await?)
    }

    /// The users in group `id`, across pages.
    #[uniffi::method(default(options = None))]
    pub async fn list_users(&self, id: String, options: Option<ListOptions>) -> Result<Vec<User>> {
        let id = group(&id)?;
        let params = options.unwrap_or_default().params();
        let items = self
            .client
            .policy_groups()
            .list_users(id, &params)
            .collect_all()
            .await?;
        Ok(converted(items))
    }

    /// Adds users to group `id`.
    pub async fn add_users(&self, id: String, user_ids: Vec<String>) -> Result<()> {
        let id = group(&id)?;
        let members: Vec<UserId> = ids("userIds", &user_ids)?;
        Ok(self.client.policy_groups().add_users(id, &members).await?)
    }

    /// Removes users from group `id`.
    pub async fn remove_users(&self, id: String, user_ids: Vec<String>) -> Result<()> {
        let id = group(&id)?;
        let members: Vec<UserId> = ids("userIds", &user_ids)?;
        Ok(self
            .client
            .policy_groups()
            .remove_users(id, &members)
            .await?)
    }
}

/// The caller's account, and tenant accounts for the operator.
#[derive(uniffi::Object)]
pub struct Accounts {
    client: Client,
}

impl Accounts {
    pub(crate) fn new(client: Client) -> Self {
        Accounts { client }
    }
}

fn account(text: &str) -> Result<AccountId> {
    id("accountId", text)
}

#[uniffi::export(async_runtime = "tokio")]
impl Accounts {
    /// The caller's account (`GET /v3/accounts/me`).
    pub async fn current(&self) -> Result<Account> {
        Ok(self.client.accounts().current().await?.into())
    }

    /// Renames the caller's account (`PUT /v3/accounts/me`).
    pub async fn rename_current(&self, name: String) -> Result<Account> {
        Ok(self.client.accounts().rename_current(&name).await?.into())
    }

    /// Every account (operator only), across pages.
    #[uniffi::method(default(options = None))]
    pub async fn list(&self, options: Option<ListOptions>) -> Result<Vec<Account>> {
        let params = options.unwrap_or_default().params();
        let items = self.client.accounts().list(&params).collect_all().await?;
        Ok(converted(items))
    }

    /// One page of accounts (operator only).
    #[uniffi::method(default(options = None))]
    pub async fn list_page(&self, options: Option<ListOptions>) -> Result<AccountPage> {
        let params = options.unwrap_or_default().params();
        Ok(self.client.accounts().list_page(&params).await?.into())
    }

    /// Creates a tenant account with its admin user, application and first
    /// access key (`key()`, shown this once). Operator only.
    pub async fn create(&self, account: NewTenantAccount) -> Result<Arc<CreatedAccount>> {
        let created = self.client.accounts().create(&account.input()).await?;
        Ok(created_account(created))
    }

    /// An account (operator only).
    pub async fn get(&self, id: String) -> Result<Account> {
        Ok(self.client.accounts().get(account(&id)?).await?.into())
    }

    /// Changes an account's name, plan or limits (operator only).
    pub async fn update(&self, id: String, update: AccountUpdate) -> Result<Account> {
        let id = account(&id)?;
        Ok(self
            .client
            .accounts()
            .update(id, &update.input())
            .await?
            .into())
    }
}
