//! Access keys: per application, account-wide, and in bulk. Every operation
//! is decided against the key's application's creator (`keys:<verb>:own`
//! or `:any`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use latchkey_core::authorize::Principal;
use latchkey_core::id::{AccessKeyId, AccessKeyKind, ApplicationId, ApplicationKind, UserId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::permission::{Subject, Verb};
use latchkey_core::resource::AccessKey;
use latchkey_core::resource::{KeyUpdate, NewAccessKey};
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus};
use latchkey_core::validation::{FieldError, ValidationErrors, double_option};
use latchkey_store::{
    AccessKeyRoll, BulkDeleteReport, BulkDeleteStatus, IssueError, KeyFilter, KeyOwner,
    LimitPolicy, RolledAccessKey, StoredAccessKey,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{
    ApiJson, ApiPath, ApiQuery, KeyPageQuery, PageQuery, StatusPageQuery, path_id, status_filter,
};
use super::views::{AccessKeyView, CreatedAccessKeyView, List, RolledAccessKeyView};
use super::{Errors, reach};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::request_context::acting;
use crate::state::AppState;

/// Most ids in one bulk delete.
const MAX_BULK_IDS: usize = 1000;

pub(super) const KEY_STATUSES: &str = "`active`, `inactive`, `revoked`, `expired`";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_application_keys, create_access_key))
        .routes(routes!(
            get_access_key,
            update_access_key,
            delete_access_key
        ))
        .routes(routes!(roll_access_key))
        .routes(routes!(list_account_keys))
        .routes(routes!(bulk_delete_access_keys))
}

/// A new access key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccessKey {
    /// Name, unique among the account's access keys that are not revoked.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Scopes (immutable): the key's rights are its application's groups'
    /// permissions intersected with these. Each must be held by the key's
    /// owner, and the key can do nothing the calling credential cannot.
    /// Empty: unscoped when the calling credential holds every permission;
    /// otherwise the application's current rights become the key's scopes.
    #[serde(default)]
    #[schema(schema_with = super::schema::scopes_input)]
    pub scopes: Vec<String>,
    /// When the key stops working (RFC 3339, in the future).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expiration: Option<Timestamp>,
    /// Another user of the account to own the key (needs `users:manage`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub created_by: Option<UserId>,
}

/// A change to an access key; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccessKey {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// `active`, `inactive`, or `revoked` (terminal; needs `keys:revoke`).
    #[serde(default)]
    #[schema(schema_with = super::schema::key_status)]
    pub status: Option<KeyStatus>,
    /// New expiration; `null` removes it. A past expiration makes the key
    /// `expired`; a future one brings it back.
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expiration: Option<Option<Timestamp>>,
}

/// A roll: a new key in place of this one, which keeps working for the grace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollAccessKey {
    /// How long the rolled key keeps working, in seconds (0 to 604800, a
    /// week); never past its own expiration. 0 stops it at once.
    #[schema(minimum = 0, maximum = 604800)]
    pub grace_seconds: i64,
    /// The new key's name; absent: the old name with `-rolled-N`.
    #[serde(default)]
    pub name: Option<String>,
}

/// Ids of keys to delete.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkDelete {
    /// Access key ids (`key_…`), at most 1000.
    pub ids: Vec<String>,
}

/// The outcome of a bulk delete that deleted every key.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkDeleteResult {
    /// Always `bulk_delete`.
    #[schema(example = "bulk_delete")]
    pub object: &'static str,
    /// Always true here: when any id fails, nothing is deleted and the
    /// answer is a 409 naming each failing id in `fields`.
    pub deleted: bool,
    /// One line per id, in request order.
    pub results: Vec<BulkDeleteItem>,
}

/// One id of a bulk delete.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkDeleteItem {
    /// The key id.
    pub id: String,
    /// `deleted`.
    pub status: &'static str,
}

pub(crate) fn bulk_status(status: BulkDeleteStatus) -> &'static str {
    match status {
        BulkDeleteStatus::Deleted => "deleted",
        BulkDeleteStatus::NotFound => "not_found",
        BulkDeleteStatus::Forbidden => "forbidden",
        BulkDeleteStatus::Skipped => "skipped",
    }
}

/// Access keys of an application; revoked ones only with `status=revoked`.
#[utoipa::path(get, path = "/v3/applications/{id}/access-keys", tag = "access keys",
    params(("id" = String, Path, description = "Application id (`app_…`)."), StatusPageQuery),
    responses((status = 200, description = "A page of keys.", body = List<AccessKeyView>), Errors))]
async fn list_application_keys(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(application): ApiPath<String>,
    ApiQuery(query): ApiQuery<StatusPageQuery>,
) -> ApiResult<Json<List<AccessKeyView>>> {
    let scope = reach(caller.principal(), Subject::Keys, &[Verb::View])?;
    let application = path_id::<ApplicationKind>(&application)?;
    list_keys(
        &state,
        scope,
        Some(application),
        query.status.as_deref(),
        query.paging(),
    )
    .await
}

/// Every access key of the account the caller may view, filtered by
/// `application_id` and `status`.
#[utoipa::path(get, path = "/v3/access-keys", tag = "access keys", params(KeyPageQuery),
    responses((status = 200, description = "A page of keys.", body = List<AccessKeyView>), Errors))]
async fn list_account_keys(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<KeyPageQuery>,
) -> ApiResult<Json<List<AccessKeyView>>> {
    let scope = reach(caller.principal(), Subject::Keys, &[Verb::View])?;
    let application = match query.application_id.as_deref() {
        None | Some("") => None,
        Some(text) => Some(text.parse().map_err(|error: latchkey_core::id::IdError| {
            ApiError::field("application_id", error.to_string())
        })?),
    };
    list_keys(
        &state,
        scope,
        application,
        query.status.as_deref(),
        query.paging(),
    )
    .await
}

async fn list_keys(
    state: &AppState,
    scope: latchkey_store::AppScope,
    application_id: Option<latchkey_core::id::ApplicationId>,
    status: Option<&str>,
    paging: PageQuery,
) -> ApiResult<Json<List<AccessKeyView>>> {
    let (found, page, now) = list(state, scope, application_id, status, paging).await?;
    Ok(Json(List::new(
        found,
        &page,
        |k| k.id.to_string(),
        |k| AccessKeyView::new(k, now),
    )))
}

/// A page of access keys within `scope` (shared with the console), with
/// the request it answers and the instant statuses were decided at.
pub(crate) async fn list(
    state: &AppState,
    scope: latchkey_store::AppScope,
    application_id: Option<latchkey_core::id::ApplicationId>,
    status: Option<&str>,
    paging: PageQuery,
) -> ApiResult<(Page<AccessKey>, PageRequest<AccessKeyId>, Timestamp)> {
    let mut errors = ValidationErrors::new();
    let page = paging.page::<AccessKeyKind>(&mut errors);
    let status: Option<EffectiveKeyStatus> = status_filter(status, KEY_STATUSES, &mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let now = Timestamp::now();
    let filter = KeyFilter {
        application_id,
        status,
    };
    let found = state
        .store
        .list_access_keys(scope, filter, page, now)
        .await?;
    Ok((found, page, now))
}

/// Creates an access key within the application's limit. The answer holds
/// the full key in `key`, shown this once.
#[utoipa::path(post, path = "/v3/applications/{id}/access-keys", tag = "access keys", request_body = CreateAccessKey,
    params(("id" = String, Path, description = "Application id (`app_…`).")),
    responses((status = 201, description = "The new key; `key` is shown this once.", body = CreatedAccessKeyView), Errors))]
async fn create_access_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(application): ApiPath<String>,
    ApiJson(input): ApiJson<CreateAccessKey>,
) -> ApiResult<(StatusCode, Json<CreatedAccessKeyView>)> {
    let application = path_id::<ApplicationKind>(&application)?;
    let input = NewAccessKey {
        name: input.name,
        description: input.description,
        scopes: input.scopes,
        expiration: input.expiration,
        created_by: input.created_by,
    };
    let (key, secret, now) = create(&state, caller.principal(), application, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccessKeyView {
            key: AccessKeyView::new(key, now),
            secret,
        }),
    ))
}

/// Creates an access key as `principal` (shared with the console): the
/// stored key, its full key string (shown once) and the creation instant.
pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    input: NewAccessKey,
) -> ApiResult<(AccessKey, String, Timestamp)> {
    let owner = input.created_by.unwrap_or(principal.user_id);
    let scope = reach(principal, Subject::Keys, &[Verb::Create])?;
    let now = Timestamp::now();
    input.validate(now)?;
    let key_owner = KeyOwner {
        account_id: principal.account_id,
        application_id: application,
        created_by: owner,
        api_host: state.config.public_url.clone(),
    };
    // The secret's digest is a microsecond: made inline, after the checks.
    let (stored, generated) =
        StoredAccessKey::issue(&input, key_owner, now).map_err(|error| match error {
            IssueError::Invalid(errors) => ApiError::Validation(errors),
            other => {
                tracing::error!(error = %other, "could not issue an access key");
                ApiError::Internal
            }
        })?;
    let key = state
        .store
        .create_access_key(&acting(principal), scope, stored, LimitPolicy::Enforce, now)
        .await?;
    Ok((key, generated.key().to_owned(), now))
}

/// An access key of an application.
#[utoipa::path(get, path = "/v3/applications/{id}/access-keys/{key_id}", tag = "access keys",
    params(("id" = String, Path, description = "Application id (`app_…`)."),
           ("key_id" = String, Path, description = "Access key id (`key_…`).")),
    responses((status = 200, description = "The key.", body = AccessKeyView), Errors))]
async fn get_access_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((application, key)): ApiPath<(String, String)>,
) -> ApiResult<Json<AccessKeyView>> {
    let application = path_id::<ApplicationKind>(&application)?;
    let key = path_id::<AccessKeyKind>(&key)?;
    let key = get(&state, caller.principal(), application, key).await?;
    Ok(Json(AccessKeyView::new(key, Timestamp::now())))
}

/// An access key, as `principal` may view it (shared with the console).
pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    key: AccessKeyId,
) -> ApiResult<AccessKey> {
    let scope = reach(principal, Subject::Keys, &[Verb::View])?;
    Ok(state.store.get_access_key(scope, application, key).await?)
}

/// Changes an access key; `status: revoked` (terminal) needs `keys:revoke`,
/// other changes `keys:edit`. Scopes cannot change.
#[utoipa::path(put, path = "/v3/applications/{id}/access-keys/{key_id}", tag = "access keys", request_body = UpdateAccessKey,
    params(("id" = String, Path, description = "Application id (`app_…`)."),
           ("key_id" = String, Path, description = "Access key id (`key_…`).")),
    responses((status = 200, description = "The changed key.", body = AccessKeyView), Errors))]
async fn update_access_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((application, key)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<UpdateAccessKey>,
) -> ApiResult<Json<AccessKeyView>> {
    let update = KeyUpdate {
        name: input.name,
        description: input.description,
        status: input.status,
        expiration: input.expiration,
    };
    let application = path_id::<ApplicationKind>(&application)?;
    let key = path_id::<AccessKeyKind>(&key)?;
    let (key, now) = update_key(&state, caller.principal(), application, key, update).await?;
    Ok(Json(AccessKeyView::new(key, now)))
}

/// Changes an access key as `principal` (shared with the console).
pub(crate) async fn update_key(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    key: AccessKeyId,
    update: KeyUpdate,
) -> ApiResult<(AccessKey, Timestamp)> {
    let scope = reach(principal, Subject::Keys, &update_verbs(&update))?;
    let now = Timestamp::now();
    let key = state
        .store
        .update_access_key(&acting(principal), scope, application, key, update, now)
        .await?;
    Ok((key, now))
}

/// The permissions a key change needs (access keys and JWT keys alike):
/// `keys:revoke` to revoke, `keys:edit` for anything else.
pub(super) fn update_verbs(update: &KeyUpdate) -> Vec<Verb> {
    let revokes = update.status == Some(KeyStatus::Revoked);
    let edits = !revokes
        || update.name.is_some()
        || update.description.is_some()
        || update.expiration.is_some();
    [(edits, Verb::Edit), (revokes, Verb::Revoke)]
        .into_iter()
        .filter_map(|(needed, verb)| needed.then_some(verb))
        .collect()
}

/// Rolls an access key (needs `keys:create` and `keys:edit`): a new key
/// with the old one's scopes, description, expiration and owner, admitted as
/// any new key (the delegation rule, the account's key policy, and the
/// application's limit, counting the old key while its grace lasts: with a
/// grace, a full application has no room; with `grace_seconds: 0` the old
/// key stops at once and makes room). The old key keeps working until
/// `now + grace_seconds`, or its own expiration if sooner. Only a key that
/// works now can be rolled. The answer holds the new key in `key`, shown
/// this once, and the rolled key in `rolled`.
#[utoipa::path(post, path = "/v3/applications/{id}/access-keys/{key_id}/roll", tag = "access keys", request_body = RollAccessKey,
    params(("id" = String, Path, description = "Application id (`app_…`)."),
           ("key_id" = String, Path, description = "Access key id (`key_…`) of the key to roll.")),
    responses((status = 201, description = "The new key (`key` is shown this once), and the rolled key in `rolled`.", body = RolledAccessKeyView), Errors))]
async fn roll_access_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((application, key)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<RollAccessKey>,
) -> ApiResult<(StatusCode, Json<RolledAccessKeyView>)> {
    let application = path_id::<ApplicationKind>(&application)?;
    let key = path_id::<AccessKeyKind>(&key)?;
    let (rolled, secret, now) = roll(
        &state,
        caller.principal(),
        application,
        key,
        input.name,
        input.grace_seconds,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(RolledAccessKeyView {
            key: AccessKeyView::new(rolled.new, now),
            secret,
            rolled: AccessKeyView::new(rolled.old, now),
        }),
    ))
}

/// Rolls an access key as `principal` (shared with the console): both keys
/// as they are after the roll, the new key string (shown once) and the
/// instant of the roll.
pub(crate) async fn roll(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    key: AccessKeyId,
    name: Option<String>,
    grace_seconds: i64,
) -> ApiResult<(RolledAccessKey, String, Timestamp)> {
    let scope = reach(principal, Subject::Keys, &[Verb::Create, Verb::Edit])?;
    let grace = latchkey_core::resource::access_key::validate_grace(grace_seconds)?;
    let now = Timestamp::now();
    let (request, generated) = AccessKeyRoll::issue(name, grace, &state.config.public_url)
        .map_err(|error| match error {
            IssueError::Invalid(errors) => ApiError::Validation(errors),
            other => {
                tracing::error!(error = %other, "could not issue an access key");
                ApiError::Internal
            }
        })?;
    let rolled = state
        .store
        .roll_access_key(&acting(principal), scope, application, key, request, now)
        .await?;
    Ok((rolled, generated.key().to_owned(), now))
}

/// Deletes an access key.
#[utoipa::path(delete, path = "/v3/applications/{id}/access-keys/{key_id}", tag = "access keys",
    params(("id" = String, Path, description = "Application id (`app_…`)."),
           ("key_id" = String, Path, description = "Access key id (`key_…`).")),
    responses((status = 204, description = "Deleted."), Errors))]
async fn delete_access_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((application, key)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let application = path_id::<ApplicationKind>(&application)?;
    let key = path_id::<AccessKeyKind>(&key)?;
    delete(&state, caller.principal(), application, key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes an access key as `principal` (shared with the console).
pub(crate) async fn delete(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    key: AccessKeyId,
) -> ApiResult<()> {
    let scope = reach(principal, Subject::Keys, &[Verb::Delete])?;
    state
        .store
        .delete_access_key(&acting(principal), scope, application, key)
        .await?;
    Ok(())
}

/// Deletes every listed key, or none: when any id cannot be deleted (no such
/// key in the account, or out of the caller's reach) nothing is deleted and
/// the answer is a 409 naming each failing id (`ids[i]`) in `fields`.
#[utoipa::path(post, path = "/v3/access-keys/bulk-delete", tag = "access keys", request_body = BulkDelete,
    responses((status = 200, description = "Every key was deleted.", body = BulkDeleteResult), Errors))]
async fn bulk_delete_access_keys(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<BulkDelete>,
) -> ApiResult<Json<BulkDeleteResult>> {
    let report = bulk_delete(&state, caller.principal(), &input.ids).await?;
    Ok(Json(BulkDeleteResult {
        object: "bulk_delete",
        deleted: true,
        results: report
            .results
            .iter()
            .map(|item| BulkDeleteItem {
                id: item.id.to_string(),
                status: bulk_status(item.status),
            })
            .collect(),
    }))
}

/// Deletes every listed key or none, as `principal` (shared with the
/// console): the report when every key was deleted, else a 409 naming each
/// failing id.
pub(crate) async fn bulk_delete(
    state: &AppState,
    principal: &Principal,
    ids: &[String],
) -> ApiResult<BulkDeleteReport> {
    let scope = reach(principal, Subject::Keys, &[Verb::Delete])?;
    let mut errors = ValidationErrors::new();
    if ids.len() > MAX_BULK_IDS {
        errors.add("ids", format!("at most {MAX_BULK_IDS} ids at once"));
    }
    let mut parsed: Vec<AccessKeyId> = Vec::with_capacity(ids.len());
    for (index, text) in ids.iter().enumerate() {
        match text.parse::<AccessKeyId>() {
            Ok(id) => parsed.push(id),
            Err(error) => errors.add(format!("ids[{index}]"), error.to_string()),
        }
    }
    errors.check_unique("ids", ids);
    errors.finish(())?;
    let report = state
        .store
        .bulk_delete_access_keys(&acting(principal), scope, parsed)
        .await?;
    if !report.deleted {
        let failing: Vec<FieldError> = report
            .results
            .iter()
            .enumerate()
            .filter(|(_, item)| {
                matches!(
                    item.status,
                    BulkDeleteStatus::NotFound | BulkDeleteStatus::Forbidden
                )
            })
            .map(|(index, item)| FieldError {
                name: format!("ids[{index}]"),
                message: bulk_status(item.status).to_owned(),
            })
            .collect();
        return Err(ApiError::Conflict {
            message: format!(
                "nothing was deleted: {} of {} ids cannot be deleted",
                failing.len(),
                report.results.len()
            ),
            fields: failing,
        });
    }
    Ok(report)
}
