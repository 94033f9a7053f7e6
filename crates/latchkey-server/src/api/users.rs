//! Users of the caller's account. Reading needs `account:view` or
//! `users:manage`; every change needs `users:manage`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use latchkey_core::authorize::{Action, Target, authorize};
use latchkey_core::id::{PolicyGroupId, UserKind};
use latchkey_core::resource::{NewUser, UserUpdate};
use latchkey_core::status::UserStatus;
use latchkey_core::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{ApiJson, ApiPath, ApiQuery, StatusPageQuery, path_id, status_filter};
use super::views::{List, UserView};
use super::{Errors, authorize_read};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name (optional).
    #[serde(default)]
    pub name: String,
    /// Policy groups to join.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub group_ids: Vec<PolicyGroupId>,
}

/// A change to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// New email.
    #[serde(default)]
    pub email: Option<String>,
    /// New display name.
    #[serde(default)]
    pub name: Option<String>,
    /// New set of groups (replaces the old one).
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub group_ids: Option<Vec<PolicyGroupId>>,
}

/// Users of the account; deleted ones only with `status=deleted`.
#[utoipa::path(get, path = "/v3/users", tag = "users", params(StatusPageQuery),
    responses((status = 200, description = "A page of users.", body = List<UserView>), Errors))]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<StatusPageQuery>,
) -> ApiResult<Json<List<UserView>>> {
    let principal = caller.principal();
    authorize_read(principal, Action::ManageUsers)?;
    let mut errors = ValidationErrors::new();
    let page = query.paging().page::<UserKind>(&mut errors);
    let status: Option<UserStatus> =
        status_filter(query.status.as_deref(), "`active`, `deleted`", &mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let found = state
        .store
        .list_users(principal.account_id, status, page)
        .await?;
    Ok(Json(List::new(
        found,
        &page,
        |u| u.id.to_string(),
        UserView::from,
    )))
}

/// Creates a user (`users:manage`).
#[utoipa::path(post, path = "/v3/users", tag = "users", request_body = CreateUser,
    responses((status = 201, description = "The new user.", body = UserView), Errors))]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let principal = caller.principal();
    authorize(
        principal,
        Action::ManageUsers,
        Target::Account(principal.account_id),
    )?;
    let user = NewUser {
        email: input.email,
        name: input.name,
        group_ids: input.group_ids,
    }
    .build(principal.account_id, Timestamp::now())?;
    let user = state.store.create_user(&caller.actor(), user).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// A user.
#[utoipa::path(get, path = "/v3/users/{id}", tag = "users",
    params(("id" = String, Path, description = "User id (`usr_…`).")),
    responses((status = 200, description = "The user.", body = UserView), Errors))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<UserView>> {
    let principal = caller.principal();
    authorize_read(principal, Action::ManageUsers)?;
    let id = path_id::<UserKind>(&id)?;
    Ok(Json(
        state.store.get_user(principal.account_id, id).await?.into(),
    ))
}

/// Changes a user (`users:manage`).
#[utoipa::path(put, path = "/v3/users/{id}", tag = "users", request_body = UpdateUser,
    params(("id" = String, Path, description = "User id (`usr_…`).")),
    responses((status = 200, description = "The changed user.", body = UserView), Errors))]
async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<UpdateUser>,
) -> ApiResult<Json<UserView>> {
    let principal = caller.principal();
    authorize(
        principal,
        Action::ManageUsers,
        Target::Account(principal.account_id),
    )?;
    let id = path_id::<UserKind>(&id)?;
    let update = UserUpdate {
        email: input.email,
        name: input.name,
        group_ids: input.group_ids,
    };
    let user = state
        .store
        .update_user(
            &caller.actor(),
            principal.account_id,
            id,
            update,
            Timestamp::now(),
        )
        .await?;
    Ok(Json(user.into()))
}

/// Deletes a user (`users:manage`): the record stays, marked `deleted`, and
/// every application and key the user created stops authenticating at once.
#[utoipa::path(delete, path = "/v3/users/{id}", tag = "users",
    params(("id" = String, Path, description = "User id (`usr_…`).")),
    responses((status = 204, description = "Deleted."), Errors))]
async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let principal = caller.principal();
    authorize(
        principal,
        Action::ManageUsers,
        Target::Account(principal.account_id),
    )?;
    let id = path_id::<UserKind>(&id)?;
    state
        .store
        .delete_user(principal.account_id, id, Timestamp::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
