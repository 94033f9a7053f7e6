//! Policy groups and their members. Reading needs `account:view` or
//! `groups:manage`; every change needs `groups:manage`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use latchkey_core::authorize::{Action, Principal, Target, authorize};
use latchkey_core::id::{
    ApplicationId, ApplicationKind, PolicyGroupId, PolicyGroupKind, UserId, UserKind,
};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Application, NewPolicyGroup, PolicyGroup, PolicyGroupUpdate, User};
use latchkey_core::validation::ValidationErrors;
use latchkey_store::Members;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{ApiJson, ApiPath, ApiQuery, PageQuery, path_id};
use super::views::{ApplicationView, List, PolicyGroupView, UserView};
use super::{Errors, authorize_read};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::request_context::acting;
use crate::state::AppState;

/// Most ids in one membership change.
const MAX_MEMBER_IDS: usize = 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(
            list_group_applications,
            add_group_applications,
            remove_group_applications
        ))
        .routes(routes!(
            list_group_users,
            add_group_users,
            remove_group_users
        ))
}

/// A new policy group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePolicyGroup {
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Permissions granted to members.
    #[serde(default)]
    #[schema(schema_with = super::schema::group_permissions_input)]
    pub permissions: Vec<String>,
}

/// A change to a policy group; absent fields stay as they are. The built-in
/// `Administrators` keeps its name and permissions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePolicyGroup {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New permissions (replace the old ones).
    #[serde(default)]
    #[schema(schema_with = super::schema::new_group_permissions_input)]
    pub permissions: Option<Vec<String>>,
}

/// Ids of members to add or remove.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberIds {
    /// Application ids (`app_…`) or user ids (`usr_…`), by path.
    pub ids: Vec<String>,
}

fn manage(principal: &Principal) -> ApiResult<()> {
    authorize(
        principal,
        Action::ManageGroups,
        Target::Account(principal.account_id),
    )?;
    Ok(())
}

/// Policy groups of the account.
#[utoipa::path(get, path = "/v3/policy-groups", tag = "policy groups", params(PageQuery),
    responses((status = 200, description = "A page of groups.", body = List<PolicyGroupView>), Errors))]
async fn list_groups(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<PolicyGroupView>>> {
    let (found, page) = list(&state, caller.principal(), &query).await?;
    Ok(Json(List::new(
        found,
        &page,
        |g| g.id.to_string(),
        PolicyGroupView::from,
    )))
}

/// A page of the account's groups (shared with the console).
pub(crate) async fn list(
    state: &AppState,
    principal: &Principal,
    query: &PageQuery,
) -> ApiResult<(Page<PolicyGroup>, PageRequest<PolicyGroupId>)> {
    authorize_read(principal, Action::ManageGroups)?;
    let mut errors = ValidationErrors::new();
    let page = query.page::<PolicyGroupKind>(&mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let found = state.store.list_groups(principal.account_id, page).await?;
    Ok((found, page))
}

/// Creates a policy group (`groups:manage`).
#[utoipa::path(post, path = "/v3/policy-groups", tag = "policy groups", request_body = CreatePolicyGroup,
    responses((status = 201, description = "The new group.", body = PolicyGroupView), Errors))]
async fn create_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreatePolicyGroup>,
) -> ApiResult<(StatusCode, Json<PolicyGroupView>)> {
    let group = NewPolicyGroup {
        name: input.name,
        description: input.description,
        permissions: input.permissions,
    };
    let group = create(&state, caller.principal(), group).await?;
    Ok((StatusCode::CREATED, Json(group.into())))
}

/// Creates a group as `principal` (shared with the console).
pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    group: NewPolicyGroup,
) -> ApiResult<PolicyGroup> {
    manage(principal)?;
    let group = group.build(principal.account_id, principal.operator, Timestamp::now())?;
    Ok(state.store.create_group(&acting(principal), group).await?)
}

/// A policy group.
#[utoipa::path(get, path = "/v3/policy-groups/{id}", tag = "policy groups",
    params(("id" = String, Path, description = "Group id (`grp_…`).")),
    responses((status = 200, description = "The group.", body = PolicyGroupView), Errors))]
async fn get_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<PolicyGroupView>> {
    let id = path_id::<PolicyGroupKind>(&id)?;
    Ok(Json(get(&state, caller.principal(), id).await?.into()))
}

/// A group of the account (shared with the console).
pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    id: PolicyGroupId,
) -> ApiResult<PolicyGroup> {
    authorize_read(principal, Action::ManageGroups)?;
    Ok(state.store.get_group(principal.account_id, id).await?)
}

/// Changes a policy group (`groups:manage`).
#[utoipa::path(put, path = "/v3/policy-groups/{id}", tag = "policy groups", request_body = UpdatePolicyGroup,
    params(("id" = String, Path, description = "Group id (`grp_…`).")),
    responses((status = 200, description = "The changed group.", body = PolicyGroupView), Errors))]
async fn update_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<UpdatePolicyGroup>,
) -> ApiResult<Json<PolicyGroupView>> {
    let id = path_id::<PolicyGroupKind>(&id)?;
    let change = PolicyGroupUpdate {
        name: input.name,
        description: input.description,
        permissions: input.permissions,
    };
    Ok(Json(
        update(&state, caller.principal(), id, change).await?.into(),
    ))
}

/// Changes a group as `principal` (shared with the console).
pub(crate) async fn update(
    state: &AppState,
    principal: &Principal,
    id: PolicyGroupId,
    change: PolicyGroupUpdate,
) -> ApiResult<PolicyGroup> {
    manage(principal)?;
    let group = state
        .store
        .update_group(
            &acting(principal),
            principal.account_id,
            id,
            change,
            principal.operator,
            Timestamp::now(),
        )
        .await?;
    Ok(group)
}

/// Deletes a policy group and every membership in it (`groups:manage`);
/// `Administrators` cannot be deleted.
#[utoipa::path(delete, path = "/v3/policy-groups/{id}", tag = "policy groups",
    params(("id" = String, Path, description = "Group id (`grp_…`).")),
    responses((status = 204, description = "Deleted."), Errors))]
async fn delete_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let id = path_id::<PolicyGroupKind>(&id)?;
    delete(&state, caller.principal(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a group as `principal` (shared with the console).
pub(crate) async fn delete(
    state: &AppState,
    principal: &Principal,
    id: PolicyGroupId,
) -> ApiResult<()> {
    manage(principal)?;
    state
        .store
        .delete_group(&acting(principal), principal.account_id, id)
        .await?;
    Ok(())
}

fn parse_ids<K: latchkey_core::id::IdKind>(
    ids: &[String],
) -> ApiResult<Vec<latchkey_core::id::Id<K>>> {
    let mut errors = ValidationErrors::new();
    if ids.len() > MAX_MEMBER_IDS {
        errors.add("ids", format!("at most {MAX_MEMBER_IDS} ids at once"));
    }
    let parsed = ids
        .iter()
        .enumerate()
        .filter_map(|(index, id)| match id.parse() {
            Ok(id) => Some(id),
            Err(error) => {
                errors.add(format!("ids[{index}]"), format!("{error}"));
                None
            }
        })
        .collect();
    Ok(errors.finish(parsed)?)
}

async fn change_members(
    state: &AppState,
    caller: &Caller,
    group: &str,
    members: impl FnOnce() -> ApiResult<Members>,
    join: bool,
) -> ApiResult<StatusCode> {
    manage(caller.principal())?;
    let group = path_id::<PolicyGroupKind>(group)?;
    let members = members()?;
    change_members_as(state, caller.principal(), group, members, join).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds (`join`) or removes members of a group as `principal`, all or
/// nothing (shared with the console).
pub(crate) async fn change_members_as(
    state: &AppState,
    principal: &Principal,
    group: PolicyGroupId,
    members: Members,
    join: bool,
) -> ApiResult<()> {
    manage(principal)?;
    let now = Timestamp::now();
    if join {
        state
            .store
            .add_members(
                &acting(principal),
                principal.account_id,
                group,
                members,
                now,
            )
            .await?;
    } else {
        state
            .store
            .remove_members(
                &acting(principal),
                principal.account_id,
                group,
                members,
                now,
            )
            .await?;
    }
    Ok(())
}

/// A page of a group's users (shared with the console).
pub(crate) async fn list_users_of(
    state: &AppState,
    principal: &Principal,
    id: PolicyGroupId,
    query: &PageQuery,
) -> ApiResult<(Page<User>, PageRequest<UserId>)> {
    authorize_read(principal, Action::ManageGroups)?;
    let mut errors = ValidationErrors::new();
    let page = query.page::<UserKind>(&mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let found = state
        .store
        .list_group_users(principal.account_id, id, page)
        .await?;
    Ok((found, page))
}

/// A page of a group's applications (shared with the console).
pub(crate) async fn list_applications_of(
    state: &AppState,
    principal: &Principal,
    id: PolicyGroupId,
    query: &PageQuery,
) -> ApiResult<(Page<Application>, PageRequest<ApplicationId>)> {
    authorize_read(principal, Action::ManageGroups)?;
    let mut errors = ValidationErrors::new();
    let page = query.page::<ApplicationKind>(&mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let found = state
        .store
        .list_group_applications(principal.account_id, id, page)
        .await?;
    Ok((found, page))
}

/// Applications in a group.
#[utoipa::path(get, path = "/v3/policy-groups/{id}/applications", tag = "policy groups",
    params(("id" = String, Path, description = "Group id (`grp_…`)."), PageQuery),
    responses((status = 200, description = "A page of applications.", body = List<ApplicationView>), Errors))]
async fn list_group_applications(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<ApplicationView>>> {
    let id = path_id::<PolicyGroupKind>(&id)?;
    let (found, page) = list_applications_of(&state, caller.principal(), id, &query).await?;
    Ok(Json(List::new(
        found,
        &page,
        |a| a.id.to_string(),
        ApplicationView::from,
    )))
}

/// Adds applications to a group, all or nothing (`groups:manage`).
#[utoipa::path(post, path = "/v3/policy-groups/{id}/applications", tag = "policy groups", request_body = MemberIds,
    params(("id" = String, Path, description = "Group id (`grp_…`).")),
    responses((status = 204, description = "Added (members already in stay)."), Errors))]
async fn add_group_applications(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MemberIds>,
) -> ApiResult<StatusCode> {
    let members = || Ok(Members::Applications(parse_ids(&input.ids)?));
    change_members(&state, &caller, &id, members, true).await
}

/// Removes applications from a group, all or nothing (`groups:manage`).
#[utoipa::path(delete, path = "/v3/policy-groups/{id}/applications", tag = "policy groups", request_body = MemberIds,
    params(("id" = String, Path, description = "Group id (`grp_…`).")),
    responses((status = 204, description = "Removed (non-members are ignored)."), Errors))]
async fn remove_group_applications(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MemberIds>,
) -> ApiResult<StatusCode> {
    let members = || Ok(Members::Applications(parse_ids(&input.ids)?));
    change_members(&state, &caller, &id, members, false).await
}

/// Users in a group.
#[utoipa::path(get, path = "/v3/policy-groups/{id}/users", tag = "policy groups",
    params(("id" = String, Path, description = "Group id (`grp_…`)."), PageQuery),
    responses((status = 200, description = "A page of users.", body = List<UserView>), Errors))]
async fn list_group_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<UserView>>> {
    let id = path_id::<PolicyGroupKind>(&id)?;
    let (found, page) = list_users_of(&state, caller.principal(), id, &query).await?;
    Ok(Json(List::new(
        found,
        &page,
        |u| u.id.to_string(),
        UserView::from,
    )))
}

/// Adds users to a group, all or nothing (`groups:manage`).
#[utoipa::path(post, path = "/v3/policy-groups/{id}/users", tag = "policy groups", request_body = MemberIds,
    params(("id" = String, Path, description = "Group id (`grp_…`).")),
    responses((status = 204, description = "Added (members already in stay)."), Errors))]
async fn add_group_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MemberIds>,
) -> ApiResult<StatusCode> {
    let members = || Ok(Members::Users(parse_ids(&input.ids)?));
    change_members(&state, &caller, &id, members, true).await
}

/// Removes users from a group, all or nothing (`groups:manage`).
#[utoipa::path(delete, path = "/v3/policy-groups/{id}/users", tag = "policy groups", request_body = MemberIds,
    params(("id" = String, Path, description = "Group id (`grp_…`).")),
    responses((status = 204, description = "Removed (non-members are ignored)."), Errors))]
async fn remove_group_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MemberIds>,
) -> ApiResult<StatusCode> {
    let members = || Ok(Members::Users(parse_ids(&input.ids)?));
    change_members(&state, &caller, &id, members, false).await
}
