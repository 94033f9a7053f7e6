//! Who is signed in: the session cookie turned into a [`Person`] acting as
//! their user, read fresh from the store on every request.
//!
//! Every request reads the session, its user and the user's groups in one
//! snapshot and decides with `latchkey_core::session` whether it still
//! works: no session is cached, so a user deleted, a group left or a new
//! password on any replica ends the session on the very next request
//! anywhere, without relying on change notifications. (One point read of
//! a few records per console request; a console is driven by people.)

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use latchkey_core::authorize::Principal;
use latchkey_core::resource::{Account, User};
use latchkey_core::session::{ABSOLUTE_TIMEOUT, Session};
use latchkey_core::token::{Token, TokenDigest, TokenUse};

use super::web::{Csrf, Fields, SESSION_COOKIE, cookie, set_cookie};
use crate::error::ApiError;
use crate::state::AppState;

/// The header proxies name the client in.
const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// A signed-in person.
#[derive(Debug, Clone)]
pub struct Person {
    /// Who they act as: their user, with their groups' rights.
    pub principal: Principal,
    /// Their user.
    pub user: User,
    /// Their account.
    pub account: Account,
    /// The CSRF token their forms must carry.
    pub csrf: Csrf,
    token: Token,
}

impl Person {
    /// Whether a form's CSRF field is this session's.
    pub fn csrf_matches(&self, fields: &Fields) -> bool {
        fields
            .get("csrf")
            .is_some_and(|presented| self.token.derived_matches(TokenUse::Csrf, presented))
    }

    /// The digest the session is stored under.
    pub fn digest(&self) -> TokenDigest {
        self.token.digest(TokenUse::Session)
    }
}

/// The client's address, as the API's failure limiter counts it.
pub fn client_address(parts_headers: &HeaderMap, peer: Option<IpAddr>, state: &AppState) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    state
        .config
        .trusted_proxies
        .client_address(peer, parts_headers.get_all(X_FORWARDED_FOR).iter())
}

/// The peer of a request.
pub fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The client's address (extractor), as the failure limiter counts it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(ClientIp(client_address(&parts.headers, peer(parts), state)))
    }
}

/// Sends the person to sign in, back to `path` afterwards; `ended` says the
/// session they had has ended. The cookie, if any, is removed.
fn to_sign_in(path: &str, ended: bool, secure: bool) -> Response {
    let mut target = format!("/console/sign-in?next={}", form_urlencoded(path));
    if ended {
        target.push_str("&ended=1");
    }
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, secure),
    );
    response
}

/// Percent-encodes a path for a query value.
pub(super) fn form_urlencoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for Person {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let secure = state.console.secure_cookies;
        let back = if parts.method == Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or("/console/applications", |p| p.as_str())
                .to_owned()
        } else {
            "/console/applications".to_owned()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).and_then(|v| Token::parse(&v))
        else {
            return Err(to_sign_in(&back, false, secure));
        };
        let digest = token.digest(TokenUse::Session);
        let context = match state.store.session_context(digest).await {
            Ok(Some(context)) => context,
            Ok(None) => {
                // An unknown token is a guess (or a session long gone): it
                // costs the client one of its failures, as a wrong key does.
                let client = client_address(&parts.headers, peer(parts), state);
                if let Err(retry_after) = state.auth.failure_limiter().spend(client) {
                    return Err(super::pages::error_page(&ApiError::TooManyRequests {
                        retry_after,
                    }));
                }
                return Err(to_sign_in(&back, true, secure));
            }
            Err(error) => return Err(super::pages::error_page(&error.into())),
        };
        let now = Timestamp::now();
        let principal = match context.authenticate(now) {
            Ok(principal) => principal,
            Err(ended) => {
                tracing::debug!(session = %context.session.id, %ended, "console session ended");
                let acting = crate::request_context::acting_system();
                if let Err(error) = state.store.delete_session(&acting, digest).await {
                    tracing::warn!(%error, "could not remove an ended session");
                }
                return Err(to_sign_in(&back, true, secure));
            }
        };
        if context.session.needs_touch(now)
            && let Err(error) = state.store.touch_session(digest, now).await
        {
            // Only the idle deadline is at stake: serve the request.
            tracing::warn!(%error, "could not note a session's use");
        }
        Ok(Person {
            principal,
            user: context.user,
            account: context.account,
            csrf: Csrf(token.derive(TokenUse::Csrf)),
            token,
        })
    }
}

/// Opens a session for `user` (whose password was just checked or set) and
/// returns the cookie that carries it.
pub async fn open(state: &AppState, user: &User) -> Result<axum::http::HeaderValue, ApiError> {
    let token = Token::generate().map_err(|_| ApiError::Internal)?;
    let now = Timestamp::now();
    let session = Session::begin(user, &token, now);
    let acting = crate::request_context::acting_person(user.account_id, user.id, Some(session.id));
    state.store.create_session(&acting, session, now).await?;
    Ok(set_cookie(
        SESSION_COOKIE,
        token.expose(),
        ABSOLUTE_TIMEOUT.as_secs(),
        state.console.secure_cookies,
    ))
}

/// The cookie that removes the session cookie.
pub fn closed(state: &AppState) -> axum::http::HeaderValue {
    set_cookie(SESSION_COOKIE, "", 0, state.console.secure_cookies)
}
