//! `/v3/applications/{id}/jwt-keys`, `/v3/applications/{id}/jwks`.

use latchkey_core::id::{ApplicationId, JwtKeyId};
use latchkey_core::jwt::Jwks;
use latchkey_core::status::KeyStatus;
use reqwest::Method;

use crate::client::{Client, json_body};
use crate::error::{Error, Result};
use crate::models::{JwtKey, KeyUpdate, NewJwtKey, Page};
use crate::pagination::{ItemStream, ListParams, Pager};

/// JWT keys: registered public keys whose private halves sign access tokens.
#[derive(Debug, Clone, Copy)]
pub struct JwtKeys<'a> {
    client: &'a Client,
}

fn keys_path(application: ApplicationId) -> String {
    format!("/v3/applications/{application}/jwt-keys")
}

fn key_path(application: ApplicationId, key: JwtKeyId) -> String {
    format!("/v3/applications/{application}/jwt-keys/{key}")
}

impl<'a> JwtKeys<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        JwtKeys { client }
    }

    /// Every JWT key of `application`, across pages.
    pub fn list(&self, application: ApplicationId, params: &ListParams) -> ItemStream<JwtKey> {
        self.pager(application, params).into_stream()
    }

    /// A pager over the JWT keys of `application`.
    pub fn pager(&self, application: ApplicationId, params: &ListParams) -> Pager<JwtKey> {
        Pager::new(self.client, keys_path(application), params, Vec::new())
    }

    /// One page of the JWT keys of `application`.
    pub async fn list_page(
        &self,
        application: ApplicationId,
        params: &ListParams,
    ) -> Result<Page<JwtKey>> {
        self.client
            .get_page(&keys_path(application), &params.query())
            .await
    }

    /// Registers a public key; its id is the `kid` of the tokens it signs.
    pub async fn create(&self, application: ApplicationId, key: &NewJwtKey) -> Result<JwtKey> {
        self.client
            .call(Method::POST, &keys_path(application), json_body(key)?)
            .await
    }

    /// A JWT key.
    pub async fn get(&self, application: ApplicationId, key: JwtKeyId) -> Result<JwtKey> {
        self.client.get(&key_path(application, key), &[]).await
    }

    /// Changes a JWT key's name, description, status or expiration.
    pub async fn update(
        &self,
        application: ApplicationId,
        key: JwtKeyId,
        update: &KeyUpdate,
    ) -> Result<JwtKey> {
        self.client
            .call(Method::PUT, &key_path(application, key), json_body(update)?)
            .await
    }

    /// Sets the stored status: `active`, `inactive` or `revoked` (terminal).
    pub async fn set_status(
        &self,
        application: ApplicationId,
        key: JwtKeyId,
        status: KeyStatus,
    ) -> Result<JwtKey> {
        let update = KeyUpdate {
            status: Some(status),
            ..KeyUpdate::default()
        };
        self.update(application, key, &update).await
    }

    /// Revokes a JWT key (terminal).
    pub async fn revoke(&self, application: ApplicationId, key: JwtKeyId) -> Result<JwtKey> {
        self.set_status(application, key, KeyStatus::Revoked).await
    }

    /// Deletes a JWT key.
    pub async fn delete(&self, application: ApplicationId, key: JwtKeyId) -> Result<()> {
        self.client
            .call_empty(Method::DELETE, &key_path(application, key), None)
            .await
    }

    /// The application's active public keys as a JWKS, parsed into the
    /// toolkit's [`Jwks`] (ready for [`jwt::verify`](crate::jwt::verify)).
    pub async fn jwks(&self, application: ApplicationId) -> Result<Jwks> {
        let value = self
            .client
            .get_json(&format!("/v3/applications/{application}/jwks"))
            .await?;
        Jwks::from_value(&value).map_err(Error::from)
    }
}
