//! Liveness, readiness, public server facts, and "who am I".

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use latchkey_core::permission::PermissionSet;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Errors;
use super::views::{AccountView, ApplicationView, UserView};
use crate::auth::{Caller, Identity};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    let readiness = OpenApiRouter::new()
        .routes(routes!(ready))
        .layer(Extension(Arc::new(ReadinessProbe::default())));
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(well_known))
        .routes(routes!(me))
        .merge(readiness)
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
async fn health() -> Response {
    /// The body, serialized once: `/health` is what load balancers and
    /// the benchmark hit hardest, and its answer never changes.
    static BODY: std::sync::LazyLock<Bytes> = std::sync::LazyLock::new(|| {
        serde_json::to_vec(&Health {
            object: "health",
            status: "ok",
        })
        .expect("a constant serializes")
        .into()
    });
    ([(header::CONTENT_TYPE, "application/json")], BODY.clone()).into_response()
}

/// Readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// Always `readiness`.
    #[schema(example = "readiness")]
    pub object: &'static str,
    /// Always `ready`.
    #[schema(example = "ready")]
    pub status: &'static str,
}

/// How long a readiness answer is reused.
const READY_FRESH: Duration = Duration::from_millis(500);
/// How long the store may take to answer a readiness check.
const READY_CHECK_LIMIT: Duration = Duration::from_secs(2);

/// Coalesces readiness probes: one store check at a time and at most one
/// per [`READY_FRESH`], whose answer every probe in between shares. The
/// endpoint needs no credential, so it must not be a way to load the
/// database.
#[derive(Default)]
struct ReadinessProbe {
    last: tokio::sync::Mutex<Option<(Instant, bool)>>,
}

impl ReadinessProbe {
    async fn ready(&self, state: &AppState) -> bool {
        let mut last = self.last.lock().await;
        if let Some((checked, ready)) = *last
            && checked.elapsed() < READY_FRESH
        {
            return ready;
        }
        let ready = match tokio::time::timeout(READY_CHECK_LIMIT, state.store.check_ready()).await {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                tracing::warn!(%error, "not ready: the store does not answer");
                false
            }
            Err(_) => {
                tracing::warn!(
                    seconds = READY_CHECK_LIMIT.as_secs(),
                    "not ready: the store did not answer in time"
                );
                false
            }
        };
        *last = Some((Instant::now(), ready));
        ready
    }
}

/// Readiness: answers 200 while the store answers, 503 while it cannot be
/// reached (take the server out of rotation; it recovers on its own).
/// `/health` stays a liveness check.
#[utoipa::path(get, path = "/ready", tag = "server", security(()),
    responses(
        (status = 200, description = "The store answers: the server can serve.", body = Ready),
        (status = 503, description = "`service_unavailable`: the store cannot be reached now (see `Retry-After`).", body = ErrorBody),
    ))]
async fn ready(
    State(state): State<AppState>,
    Extension(probe): Extension<Arc<ReadinessProbe>>,
) -> Result<Json<Ready>, ApiError> {
    if probe.ready(&state).await {
        Ok(Json(Ready {
            object: "readiness",
            status: "ready",
        }))
    } else {
        Err(ApiError::Unavailable)
    }
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
    #[schema(schema_with = super::schema::scopes)]
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
    #[schema(schema_with = super::schema::effective_permissions)]
    pub permissions: PermissionSet,
    /// The `aud` JWTs must carry.
    pub jwt_audience: String,
}

/// Who this credential is; needs a valid credential and no permission.
#[utoipa::path(get, path = "/v3/me", tag = "me",
    responses((status = 200, description = "The caller.", body = Me), Errors))]
async fn me(caller: Caller) -> Response {
    let identity = &caller.0;
    // Rendered once per cached identity: it cannot change while cached.
    let body = identity.me_body.get_or_init(|| render_me(identity));
    let mut response = Response::new(Body::from(body.clone()));
    // A constant header value: no validation per request.
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn render_me(identity: &Identity) -> Bytes {
    let principal = &identity.principal;
    let (object, id) = match principal.credential {
        latchkey_core::authorize::Credential::AccessKey(id) => ("access_key", id.to_string()),
        latchkey_core::authorize::Credential::JwtKey(id) => ("jwt_key", id.to_string()),
        // `/v3` takes bearer credentials only; a session never gets here.
        latchkey_core::authorize::Credential::Session(id) => ("session", id.to_string()),
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
        jwt_audience: identity.jwt_audience.to_string(),
    };
    serde_json::to_vec(&me)
        .expect("the caller's view always serializes")
        .into()
}
