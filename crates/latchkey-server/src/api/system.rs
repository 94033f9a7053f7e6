//! Liveness, public server facts, and "who am I".

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use latchkey_core::permission::PermissionSet;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Errors;
use super::views::{AccountView, ApplicationView, UserView};
use crate::auth::{Caller, Identity};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(well_known))
        .routes(routes!(me))
}

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `health`.
    #[schema(example = "health")]
    pub object: &'static str,
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: answers as long as the server runs.
#[utoipa::path(get, path = "/health", tag = "server", security(()),
    responses((status = 200, description = "The server is up.", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        object: "health",
        status: "ok",
    })
}

/// Public facts about the server.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerInfo {
    /// Always `server`.
    #[schema(example = "server")]
    pub object: &'static str,
    /// The `aud` every JWT must carry.
    pub jwt_audience: String,
    /// The JWS algorithms JWT keys may use.
    pub jwt_algorithms: Vec<&'static str>,
    /// The server's version.
    pub version: &'static str,
}

/// Public server facts: the JWT audience, the accepted algorithms, the version.
#[utoipa::path(get, path = "/.well-known/latchkey", tag = "server", security(()),
    responses((status = 200, description = "Server facts.", body = ServerInfo)))]
async fn well_known(State(state): State<AppState>) -> Json<ServerInfo> {
    Json(ServerInfo {
        object: "server",
        jwt_audience: state.config.audience.clone(),
        jwt_algorithms: latchkey_core::resource::jwt_key::ALLOWED_ALGORITHMS
            .map(latchkey_core::jwt::Algorithm::as_str)
            .to_vec(),
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The credential a request authenticated with.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialSummary {
    /// `access_key` (or `jwt_key`).
    #[schema(example = "access_key")]
    pub object: &'static str,
    /// The key's id.
    pub id: String,
    /// The key's scopes (empty: unscoped).
    #[schema(schema_with = super::schema::permissions)]
    pub scopes: PermissionSet,
    /// When the key expires, if ever.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expiration: Option<jiff::Timestamp>,
}

/// Who the calling credential is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Always `me`.
    #[schema(example = "me")]
    pub object: &'static str,
    /// The credential's account.
    pub account: AccountView,
    /// The credential's application.
    pub application: ApplicationView,
    /// The user the credential belongs to.
    pub user: UserView,
    /// The credential.
    pub credential: CredentialSummary,
    /// Effective permissions: the application's groups ∩ the key's scopes.
    #[schema(schema_with = super::schema::permissions)]
    pub permissions: PermissionSet,
    /// The `aud` JWTs must carry.
    pub jwt_audience: String,
}

/// Who this credential is; needs a valid credential and no permission.
#[utoipa::path(get, path = "/v3/me", tag = "me",
    responses((status = 200, description = "The caller.", body = Me), Errors))]
async fn me(State(state): State<AppState>, caller: Caller) -> Response {
    let identity = &caller.0;
    // Rendered once per cached identity: it cannot change while cached.
    let body = identity
        .me_body
        .get_or_init(|| render_me(identity, &state.config.audience));
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

fn render_me(identity: &Identity, audience: &str) -> Bytes {
    let principal = &identity.principal;
    let (object, id) = match principal.credential {
        latchkey_core::authorize::Credential::AccessKey(id) => ("access_key", id.to_string()),
        latchkey_core::authorize::Credential::JwtKey(id) => ("jwt_key", id.to_string()),
    };
    let me = Me {
        object: "me",
        account: identity.account.clone().into(),
        application: identity.application.clone().into(),
        user: identity.user.clone().into(),
        credential: CredentialSummary {
            object,
            id,
            scopes: identity.scopes,
            expiration: identity.valid_until,
        },
        permissions: principal.permissions,
        jwt_audience: audience.to_owned(),
    };
    serde_json::to_vec(&me)
        .expect("the caller's view always serializes")
        .into()
}
