//! `/v3/policy-groups` and their members.

use latchkey_core::id::{ApplicationId, PolicyGroupId, UserId};
use reqwest::Method;

use super::Ids;
use crate::client::{Client, json_body};
use crate::error::Result;
use crate::models::{Application, NewPolicyGroup, Page, PolicyGroup, PolicyGroupUpdate, User};
use crate::pagination::{ItemStream, ListParams, Pager};

/// Policy groups: named permission sets, and their members.
#[derive(Debug, Clone, Copy)]
pub struct PolicyGroups<'a> {
    client: &'a Client,
}

fn group_path(id: PolicyGroupId) -> String {
    format!("/v3/policy-groups/{id}")
}

impl<'a> PolicyGroups<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        PolicyGroups { client }
    }

    /// Every group, across pages.
    pub fn list(&self, params: &ListParams) -> ItemStream<PolicyGroup> {
        self.pager(params).into_stream()
    }

    /// A pager over the groups.
    pub fn pager(&self, params: &ListParams) -> Pager<PolicyGroup> {
        Pager::new(self.client, "/v3/policy-groups".into(), params, Vec::new())
    }

    /// One page of groups.
    pub async fn list_page(&self, params: &ListParams) -> Result<Page<PolicyGroup>> {
        self.client
            .get_page("/v3/policy-groups", &params.query())
            .await
    }

    /// Creates a group.
    pub async fn create(&self, group: &NewPolicyGroup) -> Result<PolicyGroup> {
        self.client
            .call(Method::POST, "/v3/policy-groups", json_body(group)?)
            .await
    }

    /// A group.
    pub async fn get(&self, id: PolicyGroupId) -> Result<PolicyGroup> {
        self.client.get(&group_path(id), &[]).await
    }

    /// Changes a group's name, description or permissions.
    pub async fn update(
        &self,
        id: PolicyGroupId,
        update: &PolicyGroupUpdate,
    ) -> Result<PolicyGroup> {
        self.client
            .call(Method::PUT, &group_path(id), json_body(update)?)
            .await
    }

    /// Deletes a group (`Administrators` cannot be deleted).
    pub async fn delete(&self, id: PolicyGroupId) -> Result<()> {
        self.client
            .call_empty(Method::DELETE, &group_path(id), None)
            .await
    }

    /// The applications in a group, across pages.
    pub fn list_applications(
        &self,
        id: PolicyGroupId,
        params: &ListParams,
    ) -> ItemStream<Application> {
        self.applications_pager(id, params).into_stream()
    }

    /// A pager over the applications in a group.
    pub fn applications_pager(&self, id: PolicyGroupId, params: &ListParams) -> Pager<Application> {
        Pager::new(
            self.client,
            format!("{}/applications", group_path(id)),
            params,
            Vec::new(),
        )
    }

    /// One page of the applications in a group.
    pub async fn list_applications_page(
        &self,
        id: PolicyGroupId,
        params: &ListParams,
    ) -> Result<Page<Application>> {
        self.client
            .get_page(&format!("{}/applications", group_path(id)), &params.query())
            .await
    }

    /// Adds applications to a group, all or nothing.
    pub async fn add_applications(&self, id: PolicyGroupId, ids: &[ApplicationId]) -> Result<()> {
        self.members(Method::POST, id, "applications", ids).await
    }

    /// Removes applications from a group, all or nothing.
    pub async fn remove_applications(
        &self,
        id: PolicyGroupId,
        ids: &[ApplicationId],
    ) -> Result<()> {
        self.members(Method::DELETE, id, "applications", ids).await
    }

    /// The users in a group, across pages.
    pub fn list_users(&self, id: PolicyGroupId, params: &ListParams) -> ItemStream<User> {
        self.users_pager(id, params).into_stream()
    }

    /// A pager over the users in a group.
    pub fn users_pager(&self, id: PolicyGroupId, params: &ListParams) -> Pager<User> {
        Pager::new(
            self.client,
            format!("{}/users", group_path(id)),
            params,
            Vec::new(),
        )
    }

    /// One page of the users in a group.
    pub async fn list_users_page(
        &self,
        id: PolicyGroupId,
        params: &ListParams,
    ) -> Result<Page<User>> {
        self.client
            .get_page(&format!("{}/users", group_path(id)), &params.query())
            .await
    }

    /// Adds users to a group, all or nothing.
    pub async fn add_users(&self, id: PolicyGroupId, ids: &[UserId]) -> Result<()> {
        self.members(Method::POST, id, "users", ids).await
    }

    /// Removes users from a group, all or nothing.
    pub async fn remove_users(&self, id: PolicyGroupId, ids: &[UserId]) -> Result<()> {
        self.members(Method::DELETE, id, "users", ids).await
    }

    async fn members<T: serde::Serialize>(
        &self,
        method: Method,
        id: PolicyGroupId,
        members: &str,
        ids: &[T],
    ) -> Result<()> {
        self.client
            .call_empty(
                method,
                &format!("{}/{members}", group_path(id)),
                json_body(&Ids { ids })?,
            )
            .await
    }
}
