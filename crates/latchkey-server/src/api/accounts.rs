//! The caller's account, and the operator's tenant accounts.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use latchkey_core::authorize::{Action, Principal, Target, authorize};
use latchkey_core::id::AccountKind;
use latchkey_core::plan::Plan;
use latchkey_core::resource::{Account, AccountUpdate, ExposedKeyAction, KeyPolicy, NewAccount};
use latchkey_core::validation::ValidationErrors;
use latchkey_store::AccountBundle;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Errors;
use super::extract::{ApiJson, ApiPath, ApiQuery, PageQuery, path_id};
use super::views::{
    AccessKeyView, AccountView, ApplicationView, KeyPolicyView, LimitsView, List, UserView,
};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::request_context::acting;
use crate::state::AppState;

/// The admin user's email in a new account when none is given.
pub const DEFAULT_ADMIN_EMAIL: &str = "admin@latchkey.invalid";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_my_account, update_my_account))
        .routes(routes!(get_key_policy, update_key_policy))
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, update_account))
}

/// A change to the caller's own account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMyAccount {
    /// New name. (The plan is the operator's to change.)
    pub name: Option<String>,
}

/// The caller's account (`account:view`).
#[utoipa::path(get, path = "/v3/accounts/me", tag = "accounts",
    responses((status = 200, description = "The account.", body = AccountView), Errors))]
async fn get_my_account(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(my_account(&state, caller.principal()).await?.into()))
}

/// The caller's account (shared with the console).
pub(crate) async fn my_account(state: &AppState, principal: &Principal) -> ApiResult<Account> {
    authorize(
        principal,
        Action::ViewAccount,
        Target::Account(principal.account_id),
    )?;
    Ok(state.store.get_account(principal.account_id).await?)
}

/// Renames the caller's account (`account:edit`).
#[utoipa::path(put, path = "/v3/accounts/me", tag = "accounts", request_body = UpdateMyAccount,
    responses((status = 200, description = "The changed account.", body = AccountView), Errors))]
async fn update_my_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<UpdateMyAccount>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(
        rename_my_account(&state, caller.principal(), input.name)
            .await?
            .into(),
    ))
}

/// Renames the caller's account (shared with the console).
pub(crate) async fn rename_my_account(
    state: &AppState,
    principal: &Principal,
    name: Option<String>,
) -> ApiResult<Account> {
    authorize(
        principal,
        Action::EditAccount,
        Target::Account(principal.account_id),
    )?;
    let update = AccountUpdate {
        name,
        ..AccountUpdate::default()
    };
    let account = state
        .store
        .update_account(
            &acting(principal),
            principal.account_id,
            update,
            Timestamp::now(),
        )
        .await?;
    Ok(account)
}

/// The caller's account's key policy, in full (`PUT` replaces it: an absent
/// field takes its default).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKeyPolicy {
    /// Longest a key may live, from creation to expiration, in days (1 to
    /// 3650); keys must then have an expiration. Absent or `null`: no limit.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub max_key_lifetime_days: Option<u32>,
    /// Whether every new key must have an expiration (default false).
    #[serde(default)]
    pub require_expiration: bool,
    /// Keys (access keys and JWT keys) unused for this many days (1 to
    /// 3650) are deactivated by a background sweep. Absent or `null`: never.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub deactivate_unused_after_days: Option<u32>,
    /// What happens to a key a secret-scanning partner reports leaked:
    /// `revoke` (default), `deactivate`, or `notify` (recorded only).
    #[serde(default)]
    #[schema(schema_with = super::schema::exposed_key_action)]
    pub exposed_key_action: ExposedKeyAction,
}

/// The caller's account's key policy (`account:view`).
#[utoipa::path(get, path = "/v3/accounts/me/policy", tag = "accounts",
    responses((status = 200, description = "The key policy.", body = KeyPolicyView), Errors))]
async fn get_key_policy(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<KeyPolicyView>> {
    Ok(Json(
        my_account(&state, caller.principal())
            .await?
            .key_policy
            .into(),
    ))
}

/// Replaces the caller's account's key policy (`account:edit`). It binds
/// keys created, updated (a later expiration, or none) and rolled from then
/// on: breaking it is a `400` naming `expiration`. Existing keys are left
/// as they are, except that the sweep deactivates unused ones.
#[utoipa::path(put, path = "/v3/accounts/me/policy", tag = "accounts", request_body = UpdateKeyPolicy,
    responses((status = 200, description = "The key policy now in force.", body = KeyPolicyView), Errors))]
async fn update_key_policy(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<UpdateKeyPolicy>,
) -> ApiResult<Json<KeyPolicyView>> {
    let policy = KeyPolicy {
        max_key_lifetime_days: input.max_key_lifetime_days,
        require_expiration: input.require_expiration,
        deactivate_unused_after_days: input.deactivate_unused_after_days,
        exposed_key_action: input.exposed_key_action,
    };
    Ok(Json(
        set_key_policy(&state, caller.principal(), policy)
            .await?
            .key_policy
            .into(),
    ))
}

/// Replaces the caller's account's key policy (shared with the console).
pub(crate) async fn set_key_policy(
    state: &AppState,
    principal: &Principal,
    policy: KeyPolicy,
) -> ApiResult<Account> {
    authorize(
        principal,
        Action::EditAccount,
        Target::Account(principal.account_id),
    )?;
    let update = AccountUpdate {
        key_policy: Some(policy),
        ..AccountUpdate::default()
    };
    Ok(state
        .store
        .update_account(
            &acting(principal),
            principal.account_id,
            update,
            Timestamp::now(),
        )
        .await?)
}

/// Every account (operator only, `accounts:manage`).
#[utoipa::path(get, path = "/v3/accounts", tag = "accounts", params(PageQuery),
    responses((status = 200, description = "A page of accounts.", body = List<AccountView>), Errors))]
async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<AccountView>>> {
    authorize(caller.principal(), Action::ManageAccounts, Target::Accounts)?;
    let mut errors = ValidationErrors::new();
    let page = query.page::<AccountKind>(&mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let found = state.store.list_accounts(page).await?;
    Ok(Json(List::new(
        found,
        &page,
        |a| a.id.to_string(),
        AccountView::from,
    )))
}

/// A new tenant account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    /// Name.
    pub name: String,
    /// Plan (default `free`).
    #[schema(schema_with = super::schema::plan)]
    #[serde(default)]
    pub plan: Option<Plan>,
    /// Limits: required with plan `custom`, refused otherwise.
    #[serde(default)]
    pub limits: Option<LimitsView>,
    /// Email of the account's admin user (default `admin@latchkey.invalid`).
    #[serde(default)]
    pub admin_email: Option<String>,
}

/// A new account with what it starts with; `key` is shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedAccount {
    /// The account.
    #[serde(flatten)]
    pub account: AccountView,
    /// Its admin user (in `Administrators`).
    pub admin_user: UserView,
    /// Its admin application (in `Administrators`).
    pub admin_application: ApplicationView,
    /// The admin application's first access key.
    pub access_key: AccessKeyView,
    /// The full access key (`ak_…`). Store it now: it is never shown again.
    pub key: String,
}

/// Creates a tenant account with its `Administrators` group, admin user,
/// admin application and first access key (operator only).
#[utoipa::path(post, path = "/v3/accounts", tag = "accounts", request_body = CreateAccount,
    responses((status = 201, description = "The new account; `key` is shown this once.", body = CreatedAccount), Errors))]
async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateAccount>,
) -> ApiResult<(StatusCode, Json<CreatedAccount>)> {
    authorize(caller.principal(), Action::ManageAccounts, Target::Accounts)?;
    let now = Timestamp::now();
    let account = NewAccount {
        name: input.name,
        plan: input.plan.unwrap_or(Plan::Free),
        limits: input.limits.map(Into::into),
    }
    .build(false, now)?;
    let email = input
        .admin_email
        .unwrap_or_else(|| DEFAULT_ADMIN_EMAIL.to_owned());
    let api_host = state.config.public_url.clone();
    let (bundle, generated) =
        AccountBundle::build(account, &email, &api_host, now).map_err(|error| match error {
            latchkey_store::IssueError::Invalid(errors) => ApiError::Validation(errors),
            other => {
                tracing::error!(error = %other, "could not issue an account's first key");
                ApiError::Internal
            }
        })?;
    let created = CreatedAccount {
        account: bundle.account.clone().into(),
        admin_user: bundle.admin_user.clone().into(),
        admin_application: bundle.admin_application.clone().into(),
        access_key: AccessKeyView::new(bundle.admin_key.key.clone(), now),
        key: generated.key().to_owned(),
    };
    state
        .store
        .create_account(&acting(caller.principal()), bundle)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// An account (operator only).
#[utoipa::path(get, path = "/v3/accounts/{id}", tag = "accounts",
    params(("id" = String, Path, description = "Account id (`acc_…`).")),
    responses((status = 200, description = "The account.", body = AccountView), Errors))]
async fn get_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<AccountView>> {
    authorize(caller.principal(), Action::ManageAccounts, Target::Accounts)?;
    let id = path_id::<AccountKind>(&id)?;
    Ok(Json(state.store.get_account(id).await?.into()))
}

/// A change to an account by the operator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New plan.
    #[schema(schema_with = super::schema::plan)]
    #[serde(default)]
    pub plan: Option<Plan>,
    /// New limits (plan `custom` only).
    #[serde(default)]
    pub limits: Option<LimitsView>,
}

/// Changes an account's name, plan or limits (operator only). Lowering a
/// limit below current use removes nothing; new creations are refused.
#[utoipa::path(put, path = "/v3/accounts/{id}", tag = "accounts", request_body = UpdateAccount,
    params(("id" = String, Path, description = "Account id (`acc_…`).")),
    responses((status = 200, description = "The changed account.", body = AccountView), Errors))]
async fn update_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<UpdateAccount>,
) -> ApiResult<Json<AccountView>> {
    authorize(caller.principal(), Action::ManageAccounts, Target::Accounts)?;
    let id = path_id::<AccountKind>(&id)?;
    let update = AccountUpdate {
        name: input.name,
        plan: input.plan,
        limits: input.limits.map(Into::into),
        key_policy: None,
    };
    let account = state
        .store
        .update_account(&acting(caller.principal()), id, update, Timestamp::now())
        .await?;
    Ok(Json(account.into()))
}
