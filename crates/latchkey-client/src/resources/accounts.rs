//! `/v3/accounts/me` and the operator's `/v3/accounts`.

use latchkey_core::id::AccountId;
use reqwest::Method;

use crate::client::{Client, json_body};
use crate::error::Result;
use crate::models::{
    Account, AccountUpdate, CreatedAccount, KeyPolicy, KeyPolicyAnswer, NewTenantAccount, Page,
};
use crate::pagination::{ItemStream, ListParams, Pager};

/// The caller's account; tenant accounts for the operator
/// (`accounts:manage`).
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'a> {
    client: &'a Client,
}

#[derive(serde::Serialize)]
struct Rename<'a> {
    name: &'a str,
}

impl<'a> Accounts<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Accounts { client }
    }

    /// The caller's account (`GET /v3/accounts/me`).
    pub async fn current(&self) -> Result<Account> {
        self.client.get("/v3/accounts/me", &[]).await
    }

    /// Renames the caller's account (`PUT /v3/accounts/me`; the plan is the
    /// operator's to change).
    pub async fn rename_current(&self, name: &str) -> Result<Account> {
        self.client
            .call(Method::PUT, "/v3/accounts/me", json_body(&Rename { name })?)
            .await
    }

    /// The caller's account's key policy (`GET /v3/accounts/me/policy`,
    /// `account:view`).
    pub async fn key_policy(&self) -> Result<KeyPolicy> {
        let answer: KeyPolicyAnswer = self.client.get("/v3/accounts/me/policy", &[]).await?;
        Ok(answer.into())
    }

    /// Replaces the caller's account's key policy (`PUT
    /// /v3/accounts/me/policy`, `account:edit`); returns the policy now in force.
    pub async fn update_key_policy(&self, policy: &KeyPolicy) -> Result<KeyPolicy> {
        let answer: KeyPolicyAnswer = self
            .client
            .call(Method::PUT, "/v3/accounts/me/policy", json_body(policy)?)
            .await?;
        Ok(answer.into())
    }

    /// Every account, across pages (operator only).
    pub fn list(&self, params: &ListParams) -> ItemStream<Account> {
        self.pager(params).into_stream()
    }

    /// A pager over the accounts (operator only).
    pub fn pager(&self, params: &ListParams) -> Pager<Account> {
        Pager::new(self.client, "/v3/accounts".into(), params, Vec::new())
    }

    /// One page of accounts (operator only).
    pub async fn list_page(&self, params: &ListParams) -> Result<Page<Account>> {
        self.client.get_page("/v3/accounts", &params.query()).await
    }

    /// Creates a tenant account with its `Administrators` group, admin user,
    /// admin application and first access key, returned once as
    /// [`CreatedAccount::key`] (operator only).
    pub async fn create(&self, account: &NewTenantAccount) -> Result<CreatedAccount> {
        self.client
            .call(Method::POST, "/v3/accounts", json_body(account)?)
            .await
    }

    /// An account (operator only).
    pub async fn get(&self, id: AccountId) -> Result<Account> {
        self.client.get(&format!("/v3/accounts/{id}"), &[]).await
    }

    /// Changes an account's name, plan or limits (operator only).
    pub async fn update(&self, id: AccountId, update: &AccountUpdate) -> Result<Account> {
        self.client
            .call(
                Method::PUT,
                &format!("/v3/accounts/{id}"),
                json_body(update)?,
            )
            .await
    }
}
