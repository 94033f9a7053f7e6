//! `/v3/users`.

use latchkey_core::id::UserId;
use reqwest::Method;

use crate::client::{Client, json_body};
use crate::error::Result;
use crate::models::{NewUser, Page, PasswordLink, User, UserUpdate};
use crate::pagination::{ItemStream, ListParams, Pager};

/// Users of the caller's account.
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    client: &'a Client,
}

impl<'a> Users<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Users { client }
    }

    /// Every user, across pages (deleted ones only with a `deleted` filter).
    pub fn list(&self, params: &ListParams) -> ItemStream<User> {
        self.pager(params).into_stream()
    }

    /// A pager over the users.
    pub fn pager(&self, params: &ListParams) -> Pager<User> {
        Pager::new(self.client, "/v3/users".into(), params, Vec::new())
    }

    /// One page of users.
    pub async fn list_page(&self, params: &ListParams) -> Result<Page<User>> {
        self.client.get_page("/v3/users", &params.query()).await
    }

    /// Creates a user.
    pub async fn create(&self, user: &NewUser) -> Result<User> {
        self.client
            .call(Method::POST, "/v3/users", json_body(user)?)
            .await
    }

    /// A user.
    pub async fn get(&self, id: UserId) -> Result<User> {
        self.client.get(&format!("/v3/users/{id}"), &[]).await
    }

    /// Changes a user's email, name or groups.
    pub async fn update(&self, id: UserId, update: &UserUpdate) -> Result<User> {
        self.client
            .call(Method::PUT, &format!("/v3/users/{id}"), json_body(update)?)
            .await
    }

    /// Marks a user deleted: everything the user created stops authenticating.
    pub async fn delete(&self, id: UserId) -> Result<()> {
        self.client
            .call_empty(Method::DELETE, &format!("/v3/users/{id}"), None)
            .await
    }

    /// A one-time link that sets the user's console password, valid 24
    /// hours; the user's earlier links stop working. Needs `users:manage`,
    /// and, since whoever holds the link can act as the user, the user's
    /// rights must be the caller's to give: a `forbidden` error naming `id`
    /// otherwise.
    pub async fn password_link(&self, id: UserId) -> Result<PasswordLink> {
        self.client
            .call(Method::POST, &format!("/v3/users/{id}/password-link"), None)
            .await
    }
}
