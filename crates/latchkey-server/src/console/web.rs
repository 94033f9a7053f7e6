//! The console's HTTP plumbing: cookies, forms, CSRF tokens, redirects and
//! rendering, and the API's errors turned into messages next to fields.

use std::collections::BTreeMap;

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use latchkey_core::token::Token;
use latchkey_core::validation::FieldError;
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "latchkey_session";
/// The cookie of the forms shown before sign-in (double-submit CSRF).
pub const FORM_COOKIE: &str = "latchkey_form";
/// Where console cookies are sent.
const COOKIE_PATH: &str = "/console";

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, path `/console`,
/// `Secure` when the server is reached over https; `max_age` 0 removes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie values are ASCII tokens")
}

/// A form's fields in order (repeated names kept: check boxes).
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Wraps decoded pairs.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Fields(pairs)
    }

    /// The first value of `name`, trimmed of nothing.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of `name`, or empty.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }
}

/// The CSRF token of a session's forms, derived from its token.
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

/// Whether a pre-session form's CSRF field matches its cookie.
pub fn form_token_matches(headers: &HeaderMap, fields: &Fields) -> bool {
    match (cookie(headers, FORM_COOKIE), fields.get("csrf")) {
        (Some(cookie), Some(field)) if !cookie.is_empty() => {
            cookie.as_bytes().ct_eq(field.as_bytes()).into()
        }
        _ => false,
    }
}

/// The pre-session form token: the one the browser holds, or a new one to
/// set (returned with its `Set-Cookie`).
pub fn form_token(headers: &HeaderMap, secure: bool) -> (String, Option<HeaderValue>) {
    if let Some(existing) = cookie(headers, FORM_COOKIE).filter(|v| Token::parse(v).is_some()) {
        return (existing, None);
    }
    let fresh = Token::generate().expect("the OS has randomness");
    let value = fresh.expose().to_owned();
    let set = set_cookie(FORM_COOKIE, &value, 3600, secure);
    (value, Some(set))
}

/// Messages about a form: one per field, and one for the whole form.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    /// What went wrong, for the whole form.
    pub summary: Option<String>,
    fields: BTreeMap<String, Vec<String>>,
}

impl Problems {
    /// No problem.
    pub fn none() -> Self {
        Problems::default()
    }

    /// One message for the whole form.
    pub fn general(message: impl Into<String>) -> Self {
        Problems {
            summary: Some(message.into()),
            fields: BTreeMap::new(),
        }
    }

    /// Adds a message under a field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// The messages about `field` (and its items, `field[2]`), joined.
    pub fn field(&self, field: &str) -> Option<String> {
        let prefix = format!("{field}[");
        let found: Vec<String> = self
            .fields
            .iter()
            .filter(|(name, _)| *name == field || name.starts_with(&prefix))
            .flat_map(|(_, messages)| messages.iter().cloned())
            .collect();
        (!found.is_empty()).then(|| found.join("; "))
    }

    /// Whether there is anything to say.
    pub fn any(&self) -> bool {
        self.summary.is_some() || !self.fields.is_empty()
    }

    /// The fields named, each with the id of its control (the name without
    /// an item index) and its messages, for the summary's links.
    pub fn listed(&self) -> Vec<(String, String, String)> {
        self.fields
            .iter()
            .map(|(name, messages)| {
                let anchor = name.split('[').next().unwrap_or(name).to_owned();
                (anchor, name.clone(), messages.join("; "))
            })
            .collect()
    }

    /// An API error as form problems: the named fields get their messages
    /// (renamed to the form's names by `rename`), the rest the summary.
    /// `None` for errors that are no form's business (not found, 500…).
    pub fn from_error(error: &ApiError, rename: impl Fn(&str) -> String) -> Option<Self> {
        let (status, message, fields) = error.describe();
        if !matches!(
            status,
            StatusCode::BAD_REQUEST | StatusCode::FORBIDDEN | StatusCode::CONFLICT
        ) {
            return None;
        }
        let mut problems = Problems::general(message);
        for FieldError { name, message } in fields {
            problems.add(&rename(&name), message);
        }
        Some(problems)
    }
}

/// Renders a page, or a 500 when its template fails.
pub fn render(template: &impl Template) -> Response {
    render_with(StatusCode::OK, template)
}

/// Renders a page with a status.
pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a console template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal server error").into_response()
        }
    }
}

/// After a successful change: see the result (POST, redirect, GET).
pub fn see(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// A path inside the console to go back to after signing in; anything
/// else (another site, a scheme-relative URL) is refused.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with("/console/")
                && !path.starts_with("//")
                && !path.contains("://")
                && !path.contains('\\')
                && !path.contains("/console/sign-") =>
        {
            path
        }
        _ => "/console/applications",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_from_every_header() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; latchkey_session=abc"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn session_cookies_are_http_only_and_strict() {
        let plain = set_cookie(SESSION_COOKIE, "v", 60, false);
        let text = plain.to_str().unwrap();
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Strict"));
        assert!(!text.contains("Secure"));
        assert!(
            set_cookie(SESSION_COOKIE, "v", 60, true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
    }

    #[test]
    fn next_stays_inside_the_console() {
        assert_eq!(
            safe_next(Some("/console/access-keys?status=active")),
            "/console/access-keys?status=active"
        );
        for outside in [
            "https://evil.example/",
            "//evil.example/console/",
            "/v3/me",
            "/console/sign-out",
            "/console/\\evil",
        ] {
            assert_eq!(
                safe_next(Some(outside)),
                "/console/applications",
                "{outside}"
            );
        }
        assert_eq!(safe_next(None), "/console/applications");
    }

    #[test]
    fn problems_gather_items_under_their_field() {
        let mut problems = Problems::none();
        problems.add("scopes[1]", "not held");
        problems.add("scopes", "too wide");
        assert_eq!(problems.field("scopes").unwrap(), "too wide; not held");
        assert_eq!(problems.field("name"), None);
    }
}
