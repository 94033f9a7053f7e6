//! Getting in and out: signing in with an email and a password, setting a
//! password through a one-time link, signing out.

use std::net::IpAddr;

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use latchkey_core::id::AccountId;
use latchkey_core::password::{self, Password};
use latchkey_core::token::{Token, TokenUse};
use serde::Deserialize;

use super::pages::error_page;
use super::session::{self, ClientIp, Person};
use super::views::{PasswordPage, SignInPage};
use super::web::{Fields, Problems, form_token, form_token_matches, render_with, safe_next, see};
use crate::error::ApiError;
use crate::state::AppState;

/// The most users one email may have (in different accounts) whose
/// passwords a sign-in checks: each check is an argon2id run.
const MAX_CANDIDATES: usize = 8;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(|| async { see("/console/applications") }))
        .route("/console/", get(|| async { see("/console/applications") }))
        .route("/console/sign-in", get(sign_in_form).post(sign_in))
        .route("/console/sign-out", post(sign_out))
        .route("/console/password", get(password_form).post(set_password))
        .route(
            "/console/assets/console.css",
            get(|| async { asset("text/css", include_str!("assets/console.css")) }),
        )
        .route(
            "/console/assets/console.js",
            get(|| async { asset("text/javascript", include_str!("assets/console.js")) }),
        )
}

/// A static asset, cacheable for an hour.
fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// `?next=…&ended=1`.
#[derive(Debug, Deserialize)]
struct SignInQuery {
    next: Option<String>,
    ended: Option<String>,
}

async fn sign_in_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let (csrf, cookie) = form_token(&headers, state.console.secure_cookies);
    let notice = query
        .ended
        .is_some()
        .then(|| "Your session has ended. Sign in again.".to_owned());
    let page = SignInPage {
        csrf,
        next: safe_next(query.next.as_deref()).to_owned(),
        email: String::new(),
        accounts: Vec::new(),
        notice,
        problems: Problems::none(),
    };
    with_cookie(render_with(StatusCode::OK, &page), cookie)
}

fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The sign-in form again, with problems (and the form token kept).
fn sign_in_again(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    fields: &Fields,
    accounts: Vec<(String, String)>,
    problems: Problems,
) -> Response {
    let (csrf, cookie) = form_token(headers, state.console.secure_cookies);
    let page = SignInPage {
        csrf,
        next: safe_next(fields.get("next")).to_owned(),
        email: fields.text("email"),
        accounts,
        notice: None,
        problems,
    };
    with_cookie(render_with(status, &page), cookie)
}

fn throttled(retry_after: u64) -> Problems {
    Problems::general(format!(
        "Too many failed sign-ins. Wait {retry_after} seconds, then try again."
    ))
}

async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(address): ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields::new(pairs);
    if !form_token_matches(&headers, &fields) {
        return sign_in_again(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            &fields,
            Vec::new(),
            Problems::general("This form expired. Sign in again."),
        );
    }
    let email = fields.text("email").trim().to_owned();
    let typed = fields.text("password");
    let mut problems = Problems::none();
    if email.is_empty() {
        problems.add("email", "Enter your email.");
    }
    if typed.is_empty() {
        problems.add("password", "Enter your password.");
    }
    if problems.any() {
        problems.summary = Some("Enter your email and password.".into());
        return sign_in_again(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            &fields,
            Vec::new(),
            problems,
        );
    }
    let account: Option<AccountId> = fields.get("account").and_then(|id| id.parse().ok());
    let console = &state.console;
    // Both budgets are paid before the work (see `auth::limiter`).
    let by_address = match state.auth.failure_limiter().reserve(address).await {
        Ok(reservation) => reservation,
        Err(retry_after) => {
            return sign_in_again(
                &state,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                &fields,
                Vec::new(),
                throttled(retry_after),
            );
        }
    };
    let by_email = match console.by_email.reserve(console.email_key(&email)).await {
        Ok(reservation) => reservation,
        Err(retry_after) => {
            by_address.refund();
            return sign_in_again(
                &state,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                &fields,
                Vec::new(),
                throttled(retry_after),
            );
        }
    };
    let candidates = match state.store.sign_in_candidates(&email).await {
        Ok(found) => found,
        Err(error) => {
            by_address.refund();
            by_email.refund();
            return error_page(&error.into());
        }
    };
    let candidates: Vec<_> = candidates
        .into_iter()
        .filter(|c| account.is_none_or(|wanted| c.account.id == wanted))
        .take(MAX_CANDIDATES)
        .collect();
    let decoy = match console.decoy().await {
        Ok(decoy) => decoy,
        Err(error) => return error_page(&error),
    };
    let hashes: Vec<Password> = candidates
        .iter()
        .filter_map(|c| c.user.password.clone())
        .collect();
    let checked = console
        .hash(move || {
            if hashes.is_empty() {
                password::verify_nothing(&typed, &decoy);
                return Vec::new();
            }
            hashes
                .iter()
                .map(|hash| hash.verify(&typed))
                .collect::<Vec<bool>>()
        })
        .await;
    let checked = match checked {
        Ok(checked) => checked,
        Err(error) => return error_page(&error),
    };
    let matching: Vec<_> = candidates
        .into_iter()
        .zip(checked)
        .filter_map(|(candidate, ok)| ok.then_some(candidate))
        .collect();
    match matching.as_slice() {
        [] => {
            by_address.spend();
            by_email.spend();
            let mut problems = Problems::general("You are not signed in.");
            problems.add("password", "The email or the password is wrong.");
            sign_in_again(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                &fields,
                Vec::new(),
                problems,
            )
        }
        [one] => {
            by_address.refund();
            by_email.refund();
            match session::open(&state, &one.user).await {
                Ok(cookie) => {
                    let mut response = see(safe_next(fields.get("next")));
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                    response
                }
                Err(error) => error_page(&error),
            }
        }
        several => {
            by_address.refund();
            by_email.refund();
            let accounts = several
                .iter()
                .map(|c| (c.account.id.to_string(), c.account.name.clone()))
                .collect();
            let mut problems = Problems::general(
                "This email and password open several accounts: choose one, and enter the password again.",
            );
            problems.add("account", "Choose the account to sign in to.");
            sign_in_again(
                &state,
                &headers,
                StatusCode::OK,
                &fields,
                accounts,
                problems,
            )
        }
    }
}

async fn sign_out(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields::new(pairs);
    if !person.csrf_matches(&fields) {
        return error_page(&ApiError::forbidden(
            "this form did not come from your console session: reload the page and try again",
        ));
    }
    let acting = crate::request_context::acting(&person.principal);
    if let Err(error) = state.store.delete_session(&acting, person.digest()).await {
        return error_page(&error.into());
    }
    let mut response = see("/console/sign-in");
    response
        .headers_mut()
        .append(header::SET_COOKIE, session::closed(&state));
    response
}

/// `?token=…`.
#[derive(Debug, Deserialize)]
struct LinkQuery {
    token: Option<String>,
}

async fn password_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(address): ClientIp,
    Query(query): Query<LinkQuery>,
) -> Response {
    let (csrf, cookie) = form_token(&headers, state.console.secure_cookies);
    let token = query.token.unwrap_or_default();
    let user = match link_user(&state, address, &token).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let page = PasswordPage {
        csrf,
        token: if user.is_some() { token } else { String::new() },
        email: user.map(|u| u.email),
        problems: Problems::none(),
        min_chars: password::MIN_CHARS,
    };
    let status = if page.email.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    with_cookie(render_with(status, &page), cookie)
}

/// The user of a link's token; an unknown token spends one of the client's
/// failures (it is a guess, or a link used up).
async fn link_user(
    state: &AppState,
    address: IpAddr,
    token: &str,
) -> Result<Option<latchkey_core::resource::User>, Response> {
    let limiter = state.auth.failure_limiter();
    let Some(token) = Token::parse(token) else {
        return match limiter.spend(address) {
            Ok(()) => Ok(None),
            Err(retry_after) => Err(error_page(&ApiError::TooManyRequests { retry_after })),
        };
    };
    let budget = limiter
        .reserve(address)
        .await
        .map_err(|retry_after| error_page(&ApiError::TooManyRequests { retry_after }))?;
    match state
        .store
        .password_link_user(token.digest(TokenUse::PasswordLink), Timestamp::now())
        .await
    {
        Ok(Some(user)) => {
            budget.refund();
            Ok(Some(user))
        }
        Ok(None) => {
            budget.spend();
            Ok(None)
        }
        Err(error) => {
            budget.refund();
            Err(error_page(&error.into()))
        }
    }
}

async fn set_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(address): ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields::new(pairs);
    let token_text = fields.text("token");
    let again = |status: StatusCode, email: Option<String>, problems: Problems| {
        let (csrf, cookie) = form_token(&headers, state.console.secure_cookies);
        let page = PasswordPage {
            csrf,
            token: if email.is_some() {
                token_text.clone()
            } else {
                String::new()
            },
            email,
            problems,
            min_chars: password::MIN_CHARS,
        };
        with_cookie(render_with(status, &page), cookie)
    };
    let user = match link_user(&state, address, &token_text).await {
        Ok(Some(user)) => user,
        Ok(None) => return again(StatusCode::NOT_FOUND, None, Problems::none()),
        Err(response) => return response,
    };
    if !form_token_matches(&headers, &fields) {
        return again(
            StatusCode::FORBIDDEN,
            Some(user.email),
            Problems::general("This form expired. Enter the password again."),
        );
    }
    let new = fields.text("password");
    let mut problems = match password::check_new("password", &new) {
        Ok(()) => Problems::none(),
        Err(errors) => {
            let mut problems = Problems::none();
            for field in errors.fields {
                problems.add(&field.name, format!("The password {}.", field.message));
            }
            problems
        }
    };
    if fields.get("confirm") != Some(new.as_str()) {
        problems.add("confirm", "The two passwords differ.");
    }
    if problems.any() {
        problems.summary = Some("Choose another password.".into());
        return again(StatusCode::BAD_REQUEST, Some(user.email), problems);
    }
    let acting = crate::request_context::acting_person(user.account_id, user.id, None);
    let params = state.console.params;
    let now = Timestamp::now();
    let hashed = state
        .console
        .hash(move || Password::hash(&new, &params, now))
        .await;
    let hashed = match hashed {
        Ok(Ok(hashed)) => hashed,
        _ => return error_page(&ApiError::Internal),
    };
    let token = Token::parse(&token_text).expect("checked by link_user");
    let user = match state
        .store
        .redeem_password_link(&acting, token.digest(TokenUse::PasswordLink), hashed, now)
        .await
    {
        Ok(user) => user,
        Err(latchkey_store::StoreError::NotFound { .. }) => {
            return again(StatusCode::NOT_FOUND, None, Problems::none());
        }
        Err(error) => return error_page(&error.into()),
    };
    match session::open(&state, &user).await {
        Ok(cookie) => {
            let mut response = see("/console/applications");
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(error) => error_page(&error),
    }
}
