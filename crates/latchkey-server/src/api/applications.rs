//! Applications. Every operation is decided against the application's
//! creator: `applications:<verb>:own` reaches the caller's own, `:any` all.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use latchkey_core::authorize::{Action, Principal, Target, authorize};
use latchkey_core::id::{ApplicationId, ApplicationKind, PolicyGroupId, UserId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::permission::{Subject, Verb};
use latchkey_core::resource::{Application, ApplicationUpdate, NewApplication};
use latchkey_core::status::ApplicationStatus;
use latchkey_core::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{ApiJson, ApiPath, ApiQuery, StatusPageQuery, path_id, status_filter};
use super::views::{ApplicationView, List};
use super::{Errors, reach};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::request_context::acting;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications, create_application))
        .routes(routes!(
            get_application,
            update_application,
            delete_application
        ))
}

/// A new application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApplication {
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Policy groups to join.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub group_ids: Vec<PolicyGroupId>,
    /// Another user of the account to own it (needs `users:manage`); the
    /// caller's user when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub created_by: Option<UserId>,
}

/// A change to an application; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateApplication {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// `revoked` (terminal; needs `applications:revoke`).
    #[serde(default)]
    #[schema(schema_with = super::schema::application_status)]
    pub status: Option<ApplicationStatus>,
}

/// Applications the caller may view; revoked ones only with `status=revoked`.
#[utoipa::path(get, path = "/v3/applications", tag = "applications", params(StatusPageQuery),
    responses((status = 200, description = "A page of applications.", body = List<ApplicationView>), Errors))]
async fn list_applications(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<StatusPageQuery>,
) -> ApiResult<Json<List<ApplicationView>>> {
    let (found, page) = list(&state, caller.principal(), &query).await?;
    Ok(Json(List::new(
        found,
        &page,
        |a| a.id.to_string(),
        ApplicationView::from,
    )))
}

/// A page of the applications `principal` may view (shared with the
/// console), with the request it answers.
pub(crate) async fn list(
    state: &AppState,
    principal: &Principal,
    query: &StatusPageQuery,
) -> ApiResult<(Page<Application>, PageRequest<ApplicationId>)> {
    let scope = reach(principal, Subject::Applications, &[Verb::View])?;
    let mut errors = ValidationErrors::new();
    let page = query.paging().page::<ApplicationKind>(&mut errors);
    let status: Option<ApplicationStatus> =
        status_filter(query.status.as_deref(), "`active`, `revoked`", &mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let found = state.store.list_applications(scope, status, page).await?;
    Ok((found, page))
}

/// Creates an application within the plan's limit.
#[utoipa::path(post, path = "/v3/applications", tag = "applications", request_body = CreateApplication,
    responses((status = 201, description = "The new application.", body = ApplicationView), Errors))]
async fn create_application(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateApplication>,
) -> ApiResult<(StatusCode, Json<ApplicationView>)> {
    let application = create(
        &state,
        caller.principal(),
        NewApplication {
            name: input.name,
            description: input.description,
            group_ids: input.group_ids,
            created_by: input.created_by,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(application.into())))
}

/// Creates an application as `principal` (shared with the console).
pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    input: NewApplication,
) -> ApiResult<Application> {
    let owner = input.created_by.unwrap_or(principal.user_id);
    authorize(
        principal,
        Action::Applications(Verb::Create),
        Target::Application {
            account_id: principal.account_id,
            created_by: owner,
        },
    )?;
    let application = input.build(principal.account_id, owner, Timestamp::now())?;
    Ok(state
        .store
        .create_application(&acting(principal), application)
        .await?)
}

/// An application.
#[utoipa::path(get, path = "/v3/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "Application id (`app_…`).")),
    responses((status = 200, description = "The application.", body = ApplicationView), Errors))]
async fn get_application(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ApplicationView>> {
    let id = path_id::<ApplicationKind>(&id)?;
    Ok(Json(get(&state, caller.principal(), id).await?.into()))
}

/// An application `principal` may view (shared with the console).
pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    id: ApplicationId,
) -> ApiResult<Application> {
    let scope = reach(principal, Subject::Applications, &[Verb::View])?;
    Ok(state.store.get_application(scope, id).await?)
}

/// Changes an application; `status: revoked` (terminal) needs
/// `applications:revoke`, other changes `applications:edit`.
#[utoipa::path(put, path = "/v3/applications/{id}", tag = "applications", request_body = UpdateApplication,
    params(("id" = String, Path, description = "Application id (`app_…`).")),
    responses((status = 200, description = "The changed application.", body = ApplicationView), Errors))]
async fn update_application(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<UpdateApplication>,
) -> ApiResult<Json<ApplicationView>> {
    let id = path_id::<ApplicationKind>(&id)?;
    let update = ApplicationUpdate {
        name: input.name,
        description: input.description,
        status: input.status,
    };
    Ok(Json(
        update_application_as(&state, caller.principal(), id, update)
            .await?
            .into(),
    ))
}

/// Changes an application as `principal` (shared with the console):
/// `status: revoked` needs `applications:revoke`, anything else
/// `applications:edit`.
pub(crate) async fn update_application_as(
    state: &AppState,
    principal: &Principal,
    id: ApplicationId,
    update: ApplicationUpdate,
) -> ApiResult<Application> {
    let revokes = update.status == Some(ApplicationStatus::Revoked);
    let edits = update.name.is_some()
        || update.description.is_some()
        || update.status == Some(ApplicationStatus::Active)
        || !revokes;
    let verbs: Vec<Verb> = [(edits, Verb::Edit), (revokes, Verb::Revoke)]
        .into_iter()
        .filter_map(|(needed, verb)| needed.then_some(verb))
        .collect();
    let scope = reach(principal, Subject::Applications, &verbs)?;
    let application = state
        .store
        .update_application(&acting(principal), scope, id, update, Timestamp::now())
        .await?;
    Ok(application)
}

/// Deletes an application and all its keys.
#[utoipa::path(delete, path = "/v3/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "Application id (`app_…`).")),
    responses((status = 204, description = "Deleted, with its keys."), Errors))]
async fn delete_application(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let id = path_id::<ApplicationKind>(&id)?;
    delete(&state, caller.principal(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes an application with its keys as `principal` (shared with the
/// console).
pub(crate) async fn delete(
    state: &AppState,
    principal: &Principal,
    id: ApplicationId,
) -> ApiResult<()> {
    let scope = reach(principal, Subject::Applications, &[Verb::Delete])?;
    state
        .store
        .delete_application(&acting(principal), scope, id)
        .await?;
    Ok(())
}
