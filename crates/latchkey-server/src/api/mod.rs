//! The HTTP surface: one module per resource, each with a `router()` whose
//! routes carry their OpenAPI docs (utoipa-axum), joined here into the axum
//! router and the OpenAPI 3.1 document.

pub mod extract;
pub mod schema;
pub mod views;

pub(crate) mod access_keys;
pub(crate) mod accounts;
pub(crate) mod applications;
pub(crate) mod audit_log;
pub(crate) mod groups;
mod introspect;
pub(crate) mod jwt_keys;
mod secret_scanning;
mod strict_json;
mod system;
pub(crate) mod users;

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use latchkey_core::authorize::{Action, Principal, Visibility, visibility};
use latchkey_core::permission::{Subject, Verb};
use latchkey_store::AppScope;
use tower::ServiceBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::BODY_LIMIT;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::request_context::{ContextConfig, RequestContextLayer};
use crate::state::AppState;

pub use accounts::DEFAULT_ADMIN_EMAIL;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Latchkey",
        description = "Access management for applications: accounts, users, policy groups, applications, their access keys and JWT keys.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&BearerSecurity),
    security(("bearer" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "server", description = "Liveness, readiness and public facts."),
        (name = "me", description = "Who the calling credential is."),
        (name = "accounts", description = "The caller's account; tenant accounts (operator)."),
        (name = "users", description = "Users of the account."),
        (name = "policy groups", description = "Named permission sets, and their members."),
        (name = "applications", description = "The holders of credentials."),
        (name = "access keys", description = "`ak_…` keys of applications."),
        (name = "jwt keys", description = "Registered public keys whose holders sign their own short-lived JWTs; an application's JWKS."),
        (name = "audit log", description = "Every change and sign-in of the account, written with the change."),
        (name = "secret scanning", description = "Signed reports of leaked keys from a secret-scanning partner (GitHub's program)."),
        (name = "introspection", description = "Whether a credential presented to another service is active, and whose it is (RFC 7662 style)."),
    )
)]
struct ApiDoc;

struct BearerSecurity;

impl Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access key (`ak_…`), or a JWT signed by a registered JWT key (header `kid` = its id; `iss` = `sub` = the application id; `aud` = the server's `jwt_audience`; lifetime at most 1 hour), in `Authorization: Bearer <credential>`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The error responses every authenticated operation may give.
pub struct Errors;

impl utoipa::IntoResponses for Errors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        [
            ("400", "`validation_error`: the named fields are invalid."),
            ("401", "`unauthorized`: no valid credential."),
            ("403", "`forbidden`: a permission is missing."),
            (
                "404",
                "`not_found`: no such object in the caller's account.",
            ),
            (
                "409",
                "`conflict` (duplicate name, illegal status change) or `limit_exceeded`.",
            ),
            ("413", "`payload_too_large`: the body is over 1 MiB."),
            (
                "429",
                "`too_many_requests`: too many failed authentications (see `Retry-After`).",
            ),
            ("500", "`internal_server_error`."),
            (
                "503",
                "`service_unavailable`: the request took too long, or the store cannot be reached now (then with `Retry-After`).",
            ),
        ]
        .into_iter()
        .map(|(code, description)| {
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            (code.to_owned(), RefOr::T(response))
        })
        .collect()
    }
}

/// Which applications the caller reaches for every one of `verbs`: the
/// account's (`:any`) or only its user's (`:own`).
pub fn reach(principal: &Principal, subject: Subject, verbs: &[Verb]) -> ApiResult<AppScope> {
    let mut scope = AppScope::account(principal.account_id);
    for verb in verbs {
        if let Visibility::OwnedBy(user) = visibility(principal, subject, *verb)? {
            scope.owned_by = Some(user);
        }
    }
    Ok(scope)
}

/// Reading users or groups (see [`latchkey_core::authorize::authorize_read`]).
pub fn authorize_read(principal: &Principal, manage: Action) -> ApiResult<()> {
    Ok(latchkey_core::authorize::authorize_read(principal, manage)?)
}

fn router_and_spec() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(system::router())
        .merge(accounts::router())
        .merge(users::router())
        .merge(groups::router())
        .merge(applications::router())
        .merge(access_keys::router())
        .merge(jwt_keys::router())
        .merge(audit_log::router())
        .merge(introspect::router())
        .merge(secret_scanning::router())
        .split_for_parts()
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    router_and_spec().1
}

/// The OpenAPI document as committed in `spec/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes");
    json.push('\n');
    json
}

async fn no_route() -> Response {
    ApiError::NotFound("no such path".into()).into_response()
}

async fn no_method() -> Response {
    ApiError::MethodNotAllowed.into_response()
}

/// The whole application: every route, `/openapi.json`, `/docs`, the error
/// fallbacks, the body limit, and the request context (panics caught).
///
/// The request context and the body limit wrap the router once, from
/// outside, rather than through `Router::layer`: that wraps every route
/// (and each fallback) in one more boxed `Route`, cloned and dropped per
/// request, and boxes the context's future behind it. From outside, the
/// router is called directly and its future is held unboxed.
pub fn app(state: AppState, request_timeout: Duration) -> impl crate::connections::App {
    let context = ContextConfig {
        timeout: request_timeout,
        trusted_proxies: state.config.trusted_proxies.clone(),
    };
    let (router, spec) = router_and_spec();
    let router = router
        .merge(SwaggerUi::new("/docs").url("/openapi.json", spec))
        .merge(crate::console::router())
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
        .with_state(state);
    // Outermost first: the request context (which also catches panics:
    // tower-http's `CatchPanic` boxed every response body twice), then the
    // body limit.
    ServiceBuilder::new()
        .layer(RequestContextLayer::new(context))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .service(router)
}
