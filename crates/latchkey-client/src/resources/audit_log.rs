//! `/v3/audit-log`.

use jiff::Timestamp;
use latchkey_core::id::UserId;

use crate::client::Client;
use crate::error::Result;
use crate::models::{AuditRecord, Page};
use crate::pagination::{ItemStream, ListParams, Pager};

/// The filters of the audit log; every one given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLogFilter {
    /// Only this action (`access_key.update`, …).
    pub action: Option<String>,
    /// Only records about this object (`app_…`, `key_…`, …).
    pub target_id: Option<String>,
    /// Only what this user did.
    pub actor_user_id: Option<UserId>,
    /// Only records at or after this instant.
    pub since: Option<Timestamp>,
    /// Only records at or before this instant.
    pub until: Option<Timestamp>,
}

impl AuditLogFilter {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(action) = &self.action {
            query.push(("action", action.clone()));
        }
        if let Some(target) = &self.target_id {
            query.push(("target_id", target.clone()));
        }
        if let Some(user) = self.actor_user_id {
            query.push(("actor_user_id", user.to_string()));
        }
        if let Some(since) = self.since {
            query.push(("since", since.to_string()));
        }
        if let Some(until) = self.until {
            query.push(("until", until.to_string()));
        }
        query
    }
}

/// The caller's account's audit log (needs `audit:view`).
#[derive(Debug, Clone, Copy)]
pub struct AuditLog<'a> {
    client: &'a Client,
}

impl<'a> AuditLog<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        AuditLog { client }
    }

    /// Every record passing `filter`, across pages.
    pub fn list(&self, params: &ListParams, filter: &AuditLogFilter) -> ItemStream<AuditRecord> {
        self.pager(params, filter).into_stream()
    }

    /// A pager over the records passing `filter`.
    pub fn pager(&self, params: &ListParams, filter: &AuditLogFilter) -> Pager<AuditRecord> {
        Pager::new(self.client, "/v3/audit-log".into(), params, filter.query())
    }

    /// One page of the records passing `filter`.
    pub async fn list_page(
        &self,
        params: &ListParams,
        filter: &AuditLogFilter,
    ) -> Result<Page<AuditRecord>> {
        let mut query = params.query();
        query.extend(filter.query());
        self.client.get_page("/v3/audit-log", &query).await
    }
}
