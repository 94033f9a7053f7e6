//! Users of the caller's account. Reading needs `account:view` or
//! `users:manage`; every change needs `users:manage`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use latchkey_core::authorize::{Action, Principal, Target, authorize};
use latchkey_core::id::{PolicyGroupId, UserId, UserKind};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{NewUser, User, UserUpdate};
use latchkey_core::status::UserStatus;
use latchkey_core::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{ApiJson, ApiPath, ApiQuery, StatusPageQuery, path_id, status_filter};
use super::views::{List, UserView};
use super::{Errors, authorize_read};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::request_context::acting;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
        .routes(routes!(create_password_link))
}

/// A one-time link that sets a user's console password.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PasswordLink)]
pub struct PasswordLinkView {
    /// Always `password_link`.
    #[schema(example = "password_link")]
    pub object: &'static str,
    /// The user whose password it sets (`usr_…`).
    #[schema(value_type = String)]
    pub user_id: UserId,
    /// The link, shown this once: whoever opens it can set the user's
    /// password and act as the user. It works once.
    pub url: String,
    /// When it stops working (24 hours after it was made).
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
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
    let (found, page) = list(&state, caller.principal(), &query).await?;
    Ok(Json(List::new(
        found,
        &page,
        |u| u.id.to_string(),
        UserView::from,
    )))
}

/// A page of the account's users (shared with the console).
pub(crate) async fn list(
    state: &AppState,
    principal: &Principal,
    query: &StatusPageQuery,
) -> ApiResult<(Page<User>, PageRequest<UserId>)> {
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
    Ok((found, page))
}

/// Creates a user (`users:manage`).
#[utoipa::path(post, path = "/v3/users", tag = "users", request_body = CreateUser,
    responses((status = 201, description = "The new user.", body = UserView), Errors))]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let user = NewUser {
        email: input.email,
        name: input.name,
        group_ids: input.group_ids,
    };
    let user = create(&state, caller.principal(), user).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// Creates a user as `principal` (shared with the console).
pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    user: NewUser,
) -> ApiResult<User> {
    authorize(
        principal,
        Action::ManageUsers,
        Target::Account(principal.account_id),
    )?;
    let user = user.build(principal.account_id, Timestamp::now())?;
    Ok(state.store.create_user(&acting(principal), user).await?)
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
    let id = path_id::<UserKind>(&id)?;
    Ok(Json(get(&state, caller.principal(), id).await?.into()))
}

/// A user of the account (shared with the console).
pub(crate) async fn get(state: &AppState, principal: &Principal, id: UserId) -> ApiResult<User> {
    authorize_read(principal, Action::ManageUsers)?;
    Ok(state.store.get_user(principal.account_id, id).await?)
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
    let id = path_id::<UserKind>(&id)?;
    let change = UserUpdate {
        email: input.email,
        name: input.name,
        group_ids: input.group_ids,
    };
    Ok(Json(
        update(&state, caller.principal(), id, change).await?.into(),
    ))
}

/// Changes a user as `principal` (shared with the console).
pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    id: UserId,
    change: UserUpdate,
) -> ApiResult<User> {
    authorize(
        principal,
        Action::ManageUsers,
        Target::Account(principal.account_id),
    )?;
    let user = state
        .store
        .update_user(
            &acting(principal),
            principal.account_id,
            id,
            change,
            Timestamp::now(),
        )
        .await?;
    Ok(user)
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
    let id = path_id::<UserKind>(&id)?;
    delete(&state, caller.principal(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a user as `principal` (shared with the console).
pub(crate) async fn delete(state: &AppState, principal: &Principal, id: UserId) -> ApiResult<()> {
    authorize(
        principal,
        Action::ManageUsers,
        Target::Account(principal.account_id),
    )?;
    state
        .store
        .delete_user(
            &acting(principal),
            principal.account_id,
            id,
            Timestamp::now(),
        )
        .await?;
    Ok(())
}

/// Makes a one-time link that sets a user's console password, valid 24
/// hours; the user's earlier links stop working. Needs `users:manage`, and,
/// since whoever holds the link can act as the user, the user's rights must
/// be the caller's to give (the delegation rule: a 403 naming `id`
/// otherwise). Setting a password through it ends the user's console
/// sessions.
#[utoipa::path(post, path = "/v3/users/{id}/password-link", tag = "users",
    params(("id" = String, Path, description = "User id (`usr_…`).")),
    responses((status = 201, description = "The link, shown this once.", body = PasswordLinkView), Errors))]
async fn create_password_link(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<PasswordLinkView>)> {
    let id = path_id::<UserKind>(&id)?;
    let issued = password_link(&state, caller.principal(), id).await?;
    Ok((
        StatusCode::CREATED,
        Json(PasswordLinkView {
            object: "password_link",
            user_id: issued.user.id,
            url: issued.url,
            expires_at: issued.expires_at,
        }),
    ))
}

/// Makes a password link for a user as `principal` (shared with the
/// console's invitations).
pub(crate) async fn password_link(
    state: &AppState,
    principal: &Principal,
    id: UserId,
) -> ApiResult<crate::password_links::IssuedLink> {
    authorize(
        principal,
        Action::ManageUsers,
        Target::Account(principal.account_id),
    )?;
    Ok(crate::password_links::issue(
        state.store.as_ref(),
        &acting(principal),
        principal.account_id,
        id,
        &state.config.public_url,
        Timestamp::now(),
    )
    .await?)
}
