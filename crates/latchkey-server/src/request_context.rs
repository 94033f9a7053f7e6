//! Per-request context: the request id (in `X-Request-Id` and in every error
//! body), the client's address (as the failure limiter counts it), the
//! request timeout, and one access-log line per request. The log line names
//! the path only: a query string is never logged.
//!
//! The request id and the client's address are what the audit log records
//! of a request: [`acting`] puts them beside the principal of a write.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use latchkey_core::audit::Acting;
use latchkey_core::authorize::Principal;

use crate::auth::client_address::TrustedProxies;
use crate::error::ApiError;

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
    static CLIENT_ADDRESS: IpAddr;
}

/// The id of the request being served (empty outside a request).
pub fn current_request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
}

/// The client's address of the request being served, if any.
pub fn current_client_address() -> Option<IpAddr> {
    CLIENT_ADDRESS.try_with(|address| *address).ok()
}

/// `principal` acting in the request being served: what a store write takes.
pub fn acting(principal: &Principal) -> Acting {
    let request_id = REQUEST_ID.try_with(Clone::clone).ok();
    Acting::credential(principal.clone(), request_id, current_client_address())
}

/// A person in the console acting for themselves before (or without) a
/// session's rights: signing in, setting a password through a link.
pub fn acting_person(
    account_id: latchkey_core::id::AccountId,
    user_id: latchkey_core::id::UserId,
    session: Option<latchkey_core::id::SessionId>,
) -> Acting {
    let request_id = REQUEST_ID.try_with(Clone::clone).ok();
    Acting::person(
        account_id,
        user_id,
        session,
        request_id,
        current_client_address(),
    )
}

/// The server itself acting in the request being served (a session found
/// ended, removed): recorded as the system, with the request's id and
/// address.
pub fn acting_system() -> Acting {
    let mut acting = Acting::system();
    acting.request_id = REQUEST_ID.try_with(Clone::clone).ok();
    acting.ip = current_client_address();
    acting
}

/// What the middleware needs: the request timeout and whose
/// `X-Forwarded-For` to believe.
#[derive(Debug, Clone)]
pub struct ContextConfig {
    /// The request timeout.
    pub timeout: Duration,
    /// Proxies trusted to name the client.
    pub trusted_proxies: TrustedProxies,
}

fn new_request_id() -> String {
    format!("req_{}", uuid::Uuid::now_v7().simple())
}

/// Middleware: gives the request an id, runs it under the timeout, stamps
/// the id on the response and logs one line.
pub async fn request_context(
    State(config): State<ContextConfig>,
    request: Request,
    next: Next,
) -> Response {
    let id = new_request_id();
    let timeout = config.timeout;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let client = config
        .trusted_proxies
        .client_address(peer, request.headers().get_all("x-forwarded-for").iter());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(
            id.clone(),
            CLIENT_ADDRESS.scope(client, async move {
                match tokio::time::timeout(timeout, next.run(request)).await {
                    Ok(response) => response,
                    Err(_) => ApiError::Timeout.into_response(),
                }
            }),
        )
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    tracing::info!(
        request_id = %id,
        %method,
        %path,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}
