//! JWT keys: registered public keys of an application, and the
//! application's JWKS. Every operation is decided against the key's
//! application's creator (`keys:<verb>:own` or `:any`), as for access keys.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use latchkey_core::authorize::Principal;
use latchkey_core::id::{ApplicationId, ApplicationKind, JwtKeyId, JwtKeyKind, UserId};
use latchkey_core::list::{Order, Page, PageRequest};
use latchkey_core::permission::{Subject, Verb};
use latchkey_core::resource::jwt_key::RegisteredPublicKey;
use latchkey_core::resource::{JwtKey, KeyUpdate, NewJwtKey};
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus};
use latchkey_core::validation::{ValidationErrors, double_option};
use latchkey_store::KeyFilter;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::access_keys::{KEY_STATUSES, update_verbs};
use super::extract::{ApiJson, ApiPath, ApiQuery, StatusPageQuery, path_id, status_filter};
use super::views::{JwkSetView, JwtKeyView, List};
use super::{Errors, reach};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::request_context::acting;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_jwt_keys, create_jwt_key))
        .routes(routes!(get_jwt_key, update_jwt_key, delete_jwt_key))
        .routes(routes!(application_jwks))
}

/// A public key to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJwtKey {
    /// Name, unique among the account's JWT keys that are not revoked.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// The public key: a PEM string (`PUBLIC KEY` SPKI or an X.509
    /// `CERTIFICATE`) or a public JWK object. Ed25519, EC P-256/P-384, or
    /// RSA of 2048 bits or more. Never send a private key: it is refused.
    #[schema(schema_with = super::schema::public_key_input)]
    pub public_key: serde_json::Value,
    /// The one JWS algorithm its tokens will use: `EdDSA` (or `Ed25519`),
    /// `ES256`, `ES384`, `RS256` or `PS256`, fitting the key. Absent: the
    /// JWK's `alg`, else the key type's default (`EdDSA`, `ES256`, `ES384`,
    /// `RS256`).
    #[serde(default)]
    pub algorithm: Option<String>,
    /// When the key stops working (RFC 3339, in the future).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable), as for access keys: its tokens' rights are the
    /// application's groups' permissions intersected with these; each must
    /// be held by the key's owner, and the key can do nothing the calling
    /// credential cannot. Empty: unscoped when the calling credential holds
    /// every permission; otherwise the application's current rights become
    /// the key's scopes.
    #[serde(default)]
    #[schema(schema_with = super::schema::scopes_input)]
    pub scopes: Vec<String>,
    /// Another user of the account to own the key (needs `users:manage`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub created_by: Option<UserId>,
}

/// A change to a JWT key; absent fields stay as they are. The public key
/// and algorithm never change: register a new key to rotate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateJwtKey {
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

/// JWT keys of an application; revoked ones only with `status=revoked`.
#[utoipa::path(get, path = "/v3/applications/{id}/jwt-keys", tag = "jwt keys",
    params(("id" = String, Path, description = "Application id (`app_…`)."), StatusPageQuery),
    responses((status = 200, description = "A page of JWT keys.", body = List<JwtKeyView>), Errors))]
async fn list_jwt_keys(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(application): ApiPath<String>,
    ApiQuery(query): ApiQuery<StatusPageQuery>,
) -> ApiResult<Json<List<JwtKeyView>>> {
    let application = path_id::<ApplicationKind>(&application)?;
    let (found, page, now) = list(&state, caller.principal(), application, &query).await?;
    Ok(Json(List::new(
        found,
        &page,
        |k| k.id.to_string(),
        |k| JwtKeyView::new(k, now),
    )))
}

/// A page of an application's JWT keys as `principal` may view them
/// (shared with the console), with the request it answers and the instant
/// statuses were decided at.
pub(crate) async fn list(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    query: &StatusPageQuery,
) -> ApiResult<(Page<JwtKey>, PageRequest<JwtKeyId>, Timestamp)> {
    let scope = reach(principal, Subject::Keys, &[Verb::View])?;
    let mut errors = ValidationErrors::new();
    let page = query.paging().page::<JwtKeyKind>(&mut errors);
    let status: Option<EffectiveKeyStatus> =
        status_filter(query.status.as_deref(), KEY_STATUSES, &mut errors);
    let page = errors.finish(page)?.expect("valid when no errors");
    let now = Timestamp::now();
    let filter = KeyFilter {
        application_id: Some(application),
        status,
    };
    let found = state.store.list_jwt_keys(scope, filter, page, now).await?;
    Ok((found, page, now))
}

/// Registers a public key within the application's JWT-key limit. The
/// answer shows it as a JWK whose `kid` is the new key's id: tokens must
/// carry that `kid`.
#[utoipa::path(post, path = "/v3/applications/{id}/jwt-keys", tag = "jwt keys", request_body = CreateJwtKey,
    params(("id" = String, Path, description = "Application id (`app_…`).")),
    responses((status = 201, description = "The registered key.", body = JwtKeyView), Errors))]
async fn create_jwt_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(application): ApiPath<String>,
    ApiJson(input): ApiJson<CreateJwtKey>,
) -> ApiResult<(StatusCode, Json<JwtKeyView>)> {
    let application = path_id::<ApplicationKind>(&application)?;
    let new = NewJwtKey {
        name: input.name,
        description: input.description,
        expiration: input.expiration,
        scopes: input.scopes,
        created_by: input.created_by,
    };
    let (key, now) = create(
        &state,
        caller.principal(),
        application,
        new,
        &input.public_key,
        input.algorithm.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(JwtKeyView::new(key, now))))
}

/// Registers a public key (PEM text as a JSON string, or a JWK object) as
/// `principal` (shared with the console).
pub(crate) async fn create(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    new: NewJwtKey,
    public_key: &serde_json::Value,
    algorithm: Option<&str>,
) -> ApiResult<(JwtKey, Timestamp)> {
    let owner = new.created_by.unwrap_or(principal.user_id);
    let scope = reach(principal, Subject::Keys, &[Verb::Create])?;
    let now = Timestamp::now();
    let id = JwtKeyId::generate();
    let mut errors = ValidationErrors::new();
    if let Err(invalid) = new.validate(now) {
        errors.fields.extend(invalid.fields);
    }
    let registered = match RegisteredPublicKey::parse(public_key, algorithm, id) {
        Ok(registered) => Some(registered),
        Err(invalid) => {
            errors.fields.extend(invalid.fields);
            None
        }
    };
    let registered = errors.finish(registered)?.expect("valid when no errors");
    let key = new.build(
        id,
        principal.account_id,
        application,
        owner,
        registered,
        now,
    )?;
    let key = state
        .store
        .create_jwt_key(&acting(principal), scope, key, now)
        .await?;
    Ok((key, now))
}

/// A JWT key of an application.
#[utoipa::path(get, path = "/v3/applications/{id}/jwt-keys/{key_id}", tag = "jwt keys",
    params(("id" = String, Path, description = "Application id (`app_…`)."),
           ("key_id" = String, Path, description = "JWT key id (`jwk_…`).")),
    responses((status = 200, description = "The key.", body = JwtKeyView), Errors))]
async fn get_jwt_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((application, key)): ApiPath<(String, String)>,
) -> ApiResult<Json<JwtKeyView>> {
    let application = path_id::<ApplicationKind>(&application)?;
    let key = path_id::<JwtKeyKind>(&key)?;
    let key = get(&state, caller.principal(), application, key).await?;
    Ok(Json(JwtKeyView::new(key, Timestamp::now())))
}

/// A JWT key, as `principal` may view it (shared with the console).
pub(crate) async fn get(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    key: JwtKeyId,
) -> ApiResult<JwtKey> {
    let scope = reach(principal, Subject::Keys, &[Verb::View])?;
    Ok(state.store.get_jwt_key(scope, application, key).await?)
}

/// Changes a JWT key; `status: revoked` (terminal) needs `keys:revoke`,
/// other changes `keys:edit`. Tokens of a key that stops being active are
/// refused from this answer on.
#[utoipa::path(put, path = "/v3/applications/{id}/jwt-keys/{key_id}", tag = "jwt keys", request_body = UpdateJwtKey,
    params(("id" = String, Path, description = "Application id (`app_…`)."),
           ("key_id" = String, Path, description = "JWT key id (`jwk_…`).")),
    responses((status = 200, description = "The changed key.", body = JwtKeyView), Errors))]
async fn update_jwt_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((application, key)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<UpdateJwtKey>,
) -> ApiResult<Json<JwtKeyView>> {
    let update = KeyUpdate {
        name: input.name,
        description: input.description,
        status: input.status,
        expiration: input.expiration,
    };
    let application = path_id::<ApplicationKind>(&application)?;
    let key = path_id::<JwtKeyKind>(&key)?;
    let (key, now) = update_key(&state, caller.principal(), application, key, update).await?;
    Ok(Json(JwtKeyView::new(key, now)))
}

/// Changes a JWT key as `principal` (shared with the console).
pub(crate) async fn update_key(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    key: JwtKeyId,
    update: KeyUpdate,
) -> ApiResult<(JwtKey, Timestamp)> {
    let scope = reach(principal, Subject::Keys, &update_verbs(&update))?;
    let now = Timestamp::now();
    let key = state
        .store
        .update_jwt_key(&acting(principal), scope, application, key, update, now)
        .await?;
    Ok((key, now))
}

/// Deletes a JWT key.
#[utoipa::path(delete, path = "/v3/applications/{id}/jwt-keys/{key_id}", tag = "jwt keys",
    params(("id" = String, Path, description = "Application id (`app_…`)."),
           ("key_id" = String, Path, description = "JWT key id (`jwk_…`).")),
    responses((status = 204, description = "Deleted."), Errors))]
async fn delete_jwt_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((application, key)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let application = path_id::<ApplicationKind>(&application)?;
    let key = path_id::<JwtKeyKind>(&key)?;
    delete(&state, caller.principal(), application, key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a JWT key as `principal` (shared with the console).
pub(crate) async fn delete(
    state: &AppState,
    principal: &Principal,
    application: ApplicationId,
    key: JwtKeyId,
) -> ApiResult<()> {
    let scope = reach(principal, Subject::Keys, &[Verb::Delete])?;
    state
        .store
        .delete_jwt_key(&acting(principal), scope, application, key)
        .await?;
    Ok(())
}

/// The application's active public keys as a JWKS (RFC 7517): what a
/// verifier of its tokens needs. Inactive, revoked and expired keys are
/// left out. Needs `keys:view` (`:own` or `:any`), like listing the keys.
#[utoipa::path(get, path = "/v3/applications/{id}/jwks", tag = "jwt keys",
    params(("id" = String, Path, description = "Application id (`app_…`).")),
    responses((status = 200, description = "The key set.", body = JwkSetView), Errors))]
async fn application_jwks(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(application): ApiPath<String>,
) -> ApiResult<Json<JwkSetView>> {
    let scope = reach(caller.principal(), Subject::Keys, &[Verb::View])?;
    let application = path_id::<ApplicationKind>(&application)?;
    let now = Timestamp::now();
    let filter = KeyFilter {
        application_id: Some(application),
        status: Some(EffectiveKeyStatus::Active),
    };
    let mut keys = Vec::new();
    let mut after = None;
    loop {
        let page = PageRequest {
            limit: 1000,
            after,
            order: Order::Ascending,
            include_total_count: false,
        };
        let found = state.store.list_jwt_keys(scope, filter, page, now).await?;
        after = found.data.last().map(|key| key.id);
        keys.extend(found.data.into_iter().map(|key| key.public_jwk));
        if !found.has_more {
            break;
        }
    }
    Ok(Json(JwkSetView { keys }))
}
