//! The account's audit log (`audit:view`): every change and sign-in, in the
//! order it happened, written by the store in the transaction of the change.

use std::collections::BTreeMap;
use std::net::IpAddr;

use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use latchkey_core::audit::{AuditAction, AuditRecord, TargetType, Via};
use latchkey_core::authorize::{Action, Principal, Target, authorize};
use latchkey_core::id::{AccountId, ApplicationId, AuditRecordId, AuditRecordKind, UserId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::validation::ValidationErrors;
use latchkey_store::AuditFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Errors;
use super::extract::{ApiQuery, PageQuery};
use super::views::List;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_log))
}

/// Paging and the filters of the audit log. An unknown parameter is a 400:
/// a mistyped filter must not answer the whole log as if it had matched.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Items per page, 1–1000 (default 50); outside that range is a 400.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Start after the record with this id (the `after` of the previous page).
    pub after: Option<String>,
    /// `ASC` (oldest first, default) or `DESC`.
    #[param(schema_with = super::schema::order)]
    pub order: Option<String>,
    /// `total_count` to count every matching record.
    #[param(value_type = Option<String>, example = "total_count")]
    pub include: Option<String>,
    /// Only this action (`access_key.create`, `console.sign_in`, …).
    #[param(example = "access_key.update")]
    pub action: Option<String>,
    /// Only records about this object (`app_…`, `key_…`, …).
    pub target_id: Option<String>,
    /// Only what this user did (`usr_…`).
    pub actor_user_id: Option<String>,
    /// Only records at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Option<String>,
    /// Only records at or before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<String>,
}

impl AuditQuery {
    fn paging(&self) -> PageQuery {
        PageQuery {
            limit: self.limit.clone(),
            after: self.after.clone(),
            order: self.order.clone(),
            include: self.include.clone(),
        }
    }

    /// The filter, naming every bad parameter.
    fn filter(&self, errors: &mut ValidationErrors) -> AuditFilter {
        let action = self
            .action
            .as_deref()
            .filter(|a| !a.is_empty())
            .and_then(|text| {
                text.parse::<AuditAction>()
                    .map_err(|error| errors.add("action", error.to_string()))
                    .ok()
            });
        let actor_user_id = self
            .actor_user_id
            .as_deref()
            .filter(|a| !a.is_empty())
            .and_then(|text| {
                text.parse::<UserId>()
                    .map_err(|error| errors.add("actor_user_id", error.to_string()))
                    .ok()
            });
        let mut instant = |field: &str, text: &Option<String>| {
            text.as_deref().filter(|t| !t.is_empty()).and_then(|text| {
                text.parse::<Timestamp>()
                    .map_err(|_| errors.add(field, "must be an RFC 3339 timestamp"))
                    .ok()
            })
        };
        let since = instant("since", &self.since);
        let until = instant("until", &self.until);
        AuditFilter {
            action,
            target_id: self.target_id.clone().filter(|t| !t.is_empty()),
            actor_user_id,
            since,
            until,
        }
    }
}

/// Who acted.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditActor)]
pub struct AuditActorView {
    /// The acting user (`usr_…`); null for the CLI and the system.
    #[schema(value_type = Option<String>)]
    pub user_id: Option<UserId>,
    /// The acting credential's application (`app_…`); null in the console.
    #[schema(value_type = Option<String>)]
    pub application_id: Option<ApplicationId>,
    /// The credential: an access key (`key_…`), a JWT key (`jwk_…`) or a
    /// console session (`ses_…`).
    pub credential_id: Option<String>,
    /// How: `access_key`, `jwt`, `console`, `cli` or `system`.
    #[schema(value_type = String, example = "access_key")]
    pub via: Via,
}

/// What a record is about.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditTarget)]
pub struct AuditTargetView {
    /// `account`, `user`, `policy_group`, `application`, `access_key`,
    /// `jwt_key`, `session` or `credential`.
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "access_key")]
    pub kind: TargetType,
    /// Its id.
    pub id: String,
}

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditRecord)]
pub struct AuditRecordView {
    /// Always `audit_record`.
    #[schema(example = "audit_record")]
    pub object: &'static str,
    /// Id (`aud_…`); records sort by it in the order they were written.
    #[schema(value_type = String)]
    pub id: AuditRecordId,
    /// The account whose log it is in.
    #[schema(value_type = String)]
    pub account_id: AccountId,
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Who.
    pub actor: AuditActorView,
    /// What happened (`access_key.create`, `group.members.add`, …).
    #[schema(value_type = String, example = "access_key.update")]
    pub action: AuditAction,
    /// To what.
    pub target: AuditTargetView,
    /// `{field: [before, after]}` for each field the change touched (null
    /// where the object did not exist); never a secret.
    #[schema(value_type = Object)]
    pub changes: BTreeMap<String, [serde_json::Value; 2]>,
    /// The request that made the change (`X-Request-Id`), if one did.
    pub request_id: Option<String>,
    /// The client's address, if a request made the change.
    #[schema(value_type = Option<String>)]
    pub ip: Option<IpAddr>,
}

impl From<AuditRecord> for AuditRecordView {
    fn from(record: AuditRecord) -> Self {
        AuditRecordView {
            object: "audit_record",
            id: record.id,
            account_id: record.account_id,
            at: record.at,
            actor: AuditActorView {
                user_id: record.actor.user_id,
                application_id: record.actor.application_id,
                credential_id: record.actor.credential_id,
                via: record.actor.via,
            },
            action: record.action,
            target: AuditTargetView {
                kind: record.target.kind,
                id: record.target.id,
            },
            changes: record.changes,
            request_id: record.request_id,
            ip: record.ip,
        }
    }
}

/// The account's audit log, oldest first unless `order=DESC`. Needs
/// `audit:view`.
#[utoipa::path(get, path = "/v3/audit-log", tag = "audit log", params(AuditQuery),
    responses((status = 200, description = "A page of the audit log.", body = List<AuditRecordView>), Errors))]
async fn list_audit_log(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<List<AuditRecordView>>> {
    let (found, page) = list(&state, caller.principal(), &query).await?;
    Ok(Json(List::new(
        found,
        &page,
        |r| r.id.to_string(),
        AuditRecordView::from,
    )))
}

/// A page of the account's audit log (shared with the console).
pub(crate) async fn list(
    state: &AppState,
    principal: &Principal,
    query: &AuditQuery,
) -> ApiResult<(Page<AuditRecord>, PageRequest<AuditRecordId>)> {
    authorize(
        principal,
        Action::ViewAudit,
        Target::Account(principal.account_id),
    )?;
    let mut errors = ValidationErrors::new();
    let page = query.paging().page::<AuditRecordKind>(&mut errors);
    let filter = query.filter(&mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let found = state
        .store
        .list_audit_records(principal.account_id, filter, page)
        .await?;
    Ok((found, page))
}
