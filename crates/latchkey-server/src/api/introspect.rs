//! Introspection (`POST /v3/introspect`, RFC 7662 style): another service,
//! holding `credentials:introspect`, asks whether a credential it was
//! presented is active and whose it is.
//!
//! The answer comes from the very path a request's own credential takes
//! ([`crate::auth::Authenticator::introspect`]): the same cache, and the same
//! failure budget of the asking client's address, so a wrong guess costs the
//! asker what it would cost to present it, and introspection is no oracle
//! around the limit on guesses. Anything not usable — malformed, unknown,
//! wrong secret, inactive, expired, revoked, of a deleted user, or of
//! another account — is `{ "active": false }` alone: the answer never says
//! why. A credential of another account is inactive to the asker, as any
//! object outside the caller's account is not found.

use axum::Json;
use axum::extract::State;
use latchkey_core::authorize::{Action, Credential, Target, authorize};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Errors;
use super::extract::ApiJson;
use crate::auth::{Caller, ClientAddress};
use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(introspect))
}

/// A credential to introspect.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntrospectRequest {
    /// The access key (`ak_…`) or JWT presented to the asking service.
    pub token: String,
}

/// The token is a secret: never shown in logs or errors.
impl std::fmt::Debug for IntrospectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntrospectRequest").finish_non_exhaustive()
    }
}

/// Whether a credential is active, and whose it is when it is.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Introspection)]
pub struct IntrospectionView {
    /// Whether the credential may act now. When false, no other field is
    /// present.
    pub active: bool,
    /// `access_key` or `jwt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "access_key")]
    pub token_type: Option<&'static str>,
    /// The credential's account (`acc_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Its application (`app_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// The user it acts as (`usr_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The access key (`key_…`) or JWT key (`jwk_…`) it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// Its effective permissions, space-separated (RFC 7662's `scope`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// When it stops working, in seconds since the epoch: a JWT's `exp`,
    /// or an access key's expiration; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
}

impl IntrospectionView {
    fn inactive() -> Self {
        IntrospectionView {
            active: false,
            token_type: None,
            account_id: None,
            application_id: None,
            user_id: None,
            credential_id: None,
            scope: None,
            exp: None,
        }
    }
}

/// Introspects an access key or JWT (needs `credentials:introspect`): its
/// owner, application, credential and effective permissions when it is
/// active; `{ "active": false }` alone otherwise, whatever the reason. Each
/// credential that does not verify spends the asking client's failure
/// budget as if it had presented it (`429` once spent).
#[utoipa::path(post, path = "/v3/introspect", tag = "introspection", request_body = IntrospectRequest,
    responses((status = 200, description = "Whether the credential is active, and whose it is.", body = IntrospectionView), Errors))]
async fn introspect(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddress(client): ClientAddress,
    ApiJson(input): ApiJson<IntrospectRequest>,
) -> ApiResult<Json<IntrospectionView>> {
    let asker = caller.principal();
    authorize(
        asker,
        Action::IntrospectCredentials,
        Target::Account(asker.account_id),
    )?;
    let token = zeroize::Zeroizing::new(input.token);
    let Some((identity, exp)) = state.auth.introspect(&token, client).await? else {
        return Ok(Json(IntrospectionView::inactive()));
    };
    let principal = &identity.principal;
    if principal.account_id != asker.account_id {
        return Ok(Json(IntrospectionView::inactive()));
    }
    let (token_type, credential_id) = match principal.credential {
        Credential::AccessKey(id) => ("access_key", id.to_string()),
        Credential::JwtKey(id) => ("jwt", id.to_string()),
        // Sessions are cookies of the console, never bearer credentials.
        Credential::Session(_) => return Ok(Json(IntrospectionView::inactive())),
    };
    let scope = principal
        .permissions
        .iter()
        .map(|permission| permission.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Json(IntrospectionView {
        active: true,
        token_type: Some(token_type),
        account_id: Some(principal.account_id.to_string()),
        application_id: principal.application_id.map(|id| id.to_string()),
        user_id: Some(principal.user_id.to_string()),
        credential_id: Some(credential_id),
        scope: Some(scope),
        exp,
    }))
}
