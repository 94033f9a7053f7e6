//! `/v3/applications/{id}/access-keys`, `/v3/access-keys`.

use latchkey_core::id::{AccessKeyId, ApplicationId};
use latchkey_core::status::KeyStatus;
use reqwest::Method;

use super::Ids;
use crate::client::{Client, json_body};
use crate::error::Result;
use crate::models::{
    AccessKey, BulkDeleteResult, CreatedAccessKey, KeyUpdate, NewAccessKey, Page, RolledAccessKey,
};
use crate::pagination::{ItemStream, ListParams, Pager};

/// Access keys (`ak_…`) of applications.
#[derive(Debug, Clone, Copy)]
pub struct AccessKeys<'a> {
    client: &'a Client,
}

fn keys_path(application: ApplicationId) -> String {
    format!("/v3/applications/{application}/access-keys")
}

fn key_path(application: ApplicationId, key: AccessKeyId) -> String {
    format!("/v3/applications/{application}/access-keys/{key}")
}

fn account_filter(application: Option<ApplicationId>) -> Vec<(&'static str, String)> {
    application
        .map(|id| vec![("application_id", id.to_string())])
        .unwrap_or_default()
}

impl<'a> AccessKeys<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        AccessKeys { client }
    }

    /// Every access key of `application`, across pages.
    pub fn list(&self, application: ApplicationId, params: &ListParams) -> ItemStream<AccessKey> {
        self.pager(application, params).into_stream()
    }

    /// A pager over the access keys of `application`.
    pub fn pager(&self, application: ApplicationId, params: &ListParams) -> Pager<AccessKey> {
        Pager::new(self.client, keys_path(application), params, Vec::new())
    }

    /// One page of the access keys of `application`.
    pub async fn list_page(
        &self,
        application: ApplicationId,
        params: &ListParams,
    ) -> Result<Page<AccessKey>> {
        self.client
            .get_page(&keys_path(application), &params.query())
            .await
    }

    /// Every access key of the account the caller may view, optionally of
    /// one application only (`GET /v3/access-keys`), across pages.
    pub fn list_account(
        &self,
        application: Option<ApplicationId>,
        params: &ListParams,
    ) -> ItemStream<AccessKey> {
        self.account_pager(application, params).into_stream()
    }

    /// A pager over `GET /v3/access-keys`.
    pub fn account_pager(
        &self,
        application: Option<ApplicationId>,
        params: &ListParams,
    ) -> Pager<AccessKey> {
        Pager::new(
            self.client,
            "/v3/access-keys".into(),
            params,
            account_filter(application),
        )
    }

    /// One page of `GET /v3/access-keys`.
    pub async fn list_account_page(
        &self,
        application: Option<ApplicationId>,
        params: &ListParams,
    ) -> Result<Page<AccessKey>> {
        let mut query = params.query();
        query.extend(account_filter(application));
        self.client.get_page("/v3/access-keys", &query).await
    }

    /// Creates an access key; [`CreatedAccessKey::key`] is the full key,
    /// shown this once.
    pub async fn create(
        &self,
        application: ApplicationId,
        key: &NewAccessKey,
    ) -> Result<CreatedAccessKey> {
        self.client
            .call(Method::POST, &keys_path(application), json_body(key)?)
            .await
    }

    /// An access key.
    pub async fn get(&self, application: ApplicationId, key: AccessKeyId) -> Result<AccessKey> {
        self.client.get(&key_path(application, key), &[]).await
    }

    /// Changes an access key's name, description, status or expiration.
    pub async fn update(
        &self,
        application: ApplicationId,
        key: AccessKeyId,
        update: &KeyUpdate,
    ) -> Result<AccessKey> {
        self.client
            .call(Method::PUT, &key_path(application, key), json_body(update)?)
            .await
    }

    /// Sets the stored status: `active`, `inactive` or `revoked` (terminal).
    pub async fn set_status(
        &self,
        application: ApplicationId,
        key: AccessKeyId,
        status: KeyStatus,
    ) -> Result<AccessKey> {
        let update = KeyUpdate {
            status: Some(status),
            ..KeyUpdate::default()
        };
        self.update(application, key, &update).await
    }

    /// Revokes an access key (terminal).
    pub async fn revoke(&self, application: ApplicationId, key: AccessKeyId) -> Result<AccessKey> {
        self.set_status(application, key, KeyStatus::Revoked).await
    }

    /// Rolls an access key (`POST …/roll`, needs `keys:create` and
    /// `keys:edit`): a new key with its scopes, description, expiration and
    /// owner, named `name` (else the old name with `-rolled-N`), while the
    /// old key keeps working `grace_seconds` more (0 to 604800; never past
    /// its own expiration). [`RolledAccessKey::key`] is the new key, shown
    /// this once.
    pub async fn roll(
        &self,
        application: ApplicationId,
        key: AccessKeyId,
        grace_seconds: u32,
        name: Option<&str>,
    ) -> Result<RolledAccessKey> {
        #[derive(serde::Serialize)]
        struct Roll<'a> {
            grace_seconds: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            name: Option<&'a str>,
        }
        let path = format!("{}/roll", key_path(application, key));
        self.client
            .call(
                Method::POST,
                &path,
                json_body(&Roll {
                    grace_seconds,
                    name,
                })?,
            )
            .await
    }

    /// Deletes an access key.
    pub async fn delete(&self, application: ApplicationId, key: AccessKeyId) -> Result<()> {
        self.client
            .call_empty(Method::DELETE, &key_path(application, key), None)
            .await
    }

    /// Deletes every listed key, or none (`POST /v3/access-keys/bulk-delete`):
    /// when any id cannot be deleted the call fails with a `conflict` naming
    /// each failing id in its fields.
    pub async fn bulk_delete(&self, ids: &[AccessKeyId]) -> Result<BulkDeleteResult> {
        self.client
            .call(
                Method::POST,
                "/v3/access-keys/bulk-delete",
                json_body(&Ids { ids })?,
            )
            .await
    }
}
