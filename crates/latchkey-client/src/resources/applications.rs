//! `/v3/applications`.

use latchkey_core::id::ApplicationId;
use latchkey_core::status::ApplicationStatus;
use reqwest::Method;

use crate::client::{Client, json_body};
use crate::error::Result;
use crate::models::{Application, ApplicationUpdate, NewApplication, Page};
use crate::pagination::{ItemStream, ListParams, Pager};

/// Applications: the holders of credentials.
#[derive(Debug, Clone, Copy)]
pub struct Applications<'a> {
    client: &'a Client,
}

impl<'a> Applications<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Applications { client }
    }

    /// Every application the caller may view, across pages (revoked ones
    /// only with a `revoked` status filter).
    pub fn list(&self, params: &ListParams) -> ItemStream<Application> {
        self.pager(params).into_stream()
    }

    /// A pager over the applications.
    pub fn pager(&self, params: &ListParams) -> Pager<Application> {
        Pager::new(self.client, "/v3/applications".into(), params, Vec::new())
    }

    /// One page of applications.
    pub async fn list_page(&self, params: &ListParams) -> Result<Page<Application>> {
        self.client
            .get_page("/v3/applications", &params.query())
            .await
    }

    /// Creates an application within the plan's limit.
    pub async fn create(&self, application: &NewApplication) -> Result<Application> {
        self.client
            .call(Method::POST, "/v3/applications", json_body(application)?)
            .await
    }

    /// An application.
    pub async fn get(&self, id: ApplicationId) -> Result<Application> {
        self.client
            .get(&format!("/v3/applications/{id}"), &[])
            .await
    }

    /// Changes an application's name, description or status.
    pub async fn update(
        &self,
        id: ApplicationId,
        update: &ApplicationUpdate,
    ) -> Result<Application> {
        self.client
            .call(
                Method::PUT,
                &format!("/v3/applications/{id}"),
                json_body(update)?,
            )
            .await
    }

    /// Revokes an application (terminal): its credentials stop working.
    pub async fn revoke(&self, id: ApplicationId) -> Result<Application> {
        let update = ApplicationUpdate {
            status: Some(ApplicationStatus::Revoked),
            ..ApplicationUpdate::default()
        };
        self.update(id, &update).await
    }

    /// Deletes an application and all its keys.
    pub async fn delete(&self, id: ApplicationId) -> Result<()> {
        self.client
            .call_empty(Method::DELETE, &format!("/v3/applications/{id}"), None)
            .await
    }
}
