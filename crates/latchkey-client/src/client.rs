//! The client, its builder, and the one way every request goes: credential,
//! send, retry, decode.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;

use crate::credential::{AccessKeyCredential, Credential, JwtSigner};
use crate::error::{ApiError, ApiErrorKind, Error, FieldError, Result, TransportError};
use crate::models::{ApiObject, Health, Me, Page, ServerInfo};
use crate::resources::{
    AccessKeys, Accounts, Applications, AuditLog, JwtKeys, PolicyGroups, Users,
};
use crate::retry::{RetryPolicy, is_idempotent, is_retryable_status, retry_after};

/// The environment variable read for the base URL.
pub const ENV_URL: &str = "LATCHKEY_URL";
/// The environment variable read for the access key.
pub const ENV_ACCESS_KEY: &str = "LATCHKEY_ACCESS_KEY";
/// The SDK's part of the `User-Agent`: `latchkey-rust/<version>`.
pub const USER_AGENT_PRODUCT: &str = concat!("latchkey-rust/", env!("CARGO_PKG_VERSION"));
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for a whole request (each attempt).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A Latchkey API client. Cheap to clone: clones share the connection pool
/// and the credential (and so the JWT signer's current token).
///
/// ```no_run
/// # async fn run() -> latchkey_client::Result<()> {
/// use latchkey_client::{Client, models::NewApplication};
///
/// let client = Client::new("http://127.0.0.1:8080", "ak_…")?; // or Client::from_env()?
/// let me = client.me().await?;
/// println!("{} in {}", me.application.name, me.account.name);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base_url: String,
    credential: Credential,
    retry: RetryPolicy,
}

/// Configures a [`Client`]: arguments override the environment.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    access_key: Option<String>,
    signer: Option<JwtSigner>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent_suffix: Vec<String>,
    from_env: bool,
}

impl ClientBuilder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// Falls back on `LATCHKEY_URL` and `LATCHKEY_ACCESS_KEY` for what is
    /// not set explicitly (the access key only when no JWT signer is set).
    pub fn from_env(mut self) -> Self {
        self.from_env = true;
        self
    }

    /// The server's base URL (`https://latchkey.example.com`); the API
    /// lives under `/v3` of it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticate with an access key (checked offline at [`build`](Self::build)).
    pub fn access_key(mut self, key: impl Into<String>) -> Self {
        self.access_key = Some(key.into());
        self.signer = None;
        self
    }

    /// Authenticate with JWTs minted by `signer`.
    pub fn jwt_signer(mut self, signer: JwtSigner) -> Self {
        self.signer = Some(signer);
        self.access_key = None;
        self
    }

    /// Time to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time for each attempt of a request, answer included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy (default: 3 retries, 200 ms doubling to 5 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Retries after the first attempt (0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry
            .get_or_insert_with(RetryPolicy::default)
            .max_retries = retries;
        self
    }

    /// Appends a product to the `User-Agent` (`latchkey-python/0.1.0`), after
    /// `latchkey-rust/<version>`.
    pub fn user_agent_suffix(mut self, product: impl Into<String>) -> Self {
        self.user_agent_suffix.push(product.into());
        self
    }

    /// The client. Fails with [`Error::InvalidAccessKey`] for a malformed
    /// access key (no request is made) and [`Error::Config`] for a missing or
    /// bad URL or JWT settings.
    pub fn build(self) -> Result<Client> {
        let env = |name: &str| {
            self.from_env
                .then(|| std::env::var(name).ok())
                .flatten()
                .filter(|value| !value.is_empty())
        };
        let base_url = self
            .base_url
            .clone()
            .or_else(|| env(ENV_URL))
            .ok_or_else(|| Error::Config(format!("no base URL: pass one or set {ENV_URL}")))?;
        let base_url = normalize_base_url(&base_url)?;
        let credential = match (self.signer, self.access_key.clone()) {
            (Some(signer), _) => {
                signer.check()?;
                Credential::Jwt(Box::new(signer))
            }
            (None, Some(key)) => Credential::AccessKey(AccessKeyCredential::new(key)?),
            (None, None) => match env(ENV_ACCESS_KEY) {
                Some(key) => Credential::AccessKey(AccessKeyCredential::new(key)?),
                None => Credential::None,
            },
        };
        let mut user_agent = USER_AGENT_PRODUCT.to_owned();
        for product in &self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(product);
        }
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .build()
            .map_err(|error| Error::Config(format!("HTTP client: {error}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credential,
                retry: self.retry.unwrap_or_default(),
            }),
        })
    }
}

fn normalize_base_url(text: &str) -> Result<String> {
    let url = reqwest::Url::parse(text)
        .map_err(|error| Error::Config(format!("bad base URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config("the base URL must be http or https".into()));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(Error::Config(
            "the base URL must not carry a query, fragment or user info".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A request body, serialized once so that a retry sends the same bytes.
pub(crate) type Body = Option<Vec<u8>>;

pub(crate) fn json_body(value: &impl Serialize) -> Result<Body> {
    serde_json::to_vec(value)
        .map(Some)
        .map_err(|error| Error::Config(format!("request body: {error}")))
}

impl Client {
    /// A client for `base_url` with `access_key` (checked offline).
    pub fn new(base_url: impl Into<String>, access_key: impl Into<String>) -> Result<Client> {
        ClientBuilder::new()
            .base_url(base_url)
            .access_key(access_key)
            .build()
    }

    /// A client configured by `LATCHKEY_URL` and `LATCHKEY_ACCESS_KEY`.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::new().from_env().build()
    }

    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Applications (`/v3/applications`).
    pub fn applications(&self) -> Applications<'_> {
        Applications::new(self)
    }

    /// Access keys (`/v3/applications/{id}/access-keys`, `/v3/access-keys`).
    pub fn access_keys(&self) -> AccessKeys<'_> {
        AccessKeys::new(self)
    }

    /// JWT keys (`/v3/applications/{id}/jwt-keys`, `/jwks`).
    pub fn jwt_keys(&self) -> JwtKeys<'_> {
        JwtKeys::new(self)
    }

    /// Users (`/v3/users`).
    pub fn users(&self) -> Users<'_> {
        Users::new(self)
    }

    /// Policy groups and their members (`/v3/policy-groups`).
    pub fn policy_groups(&self) -> PolicyGroups<'_> {
        PolicyGroups::new(self)
    }

    /// The account's audit log (`/v3/audit-log`, needs `audit:view`).
    pub fn audit_log(&self) -> AuditLog<'_> {
        AuditLog::new(self)
    }

    /// The caller's account, and tenant accounts for the operator
    /// (`/v3/accounts`).
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::new(self)
    }

    /// Who this credential is (`GET /v3/me`).
    pub async fn me(&self) -> Result<Me> {
        self.get("/v3/me", &[]).await
    }

    /// Asks whether a credential another service was presented is active,
    /// and whose it is (`POST /v3/introspect`, needs
    /// `credentials:introspect`). Each credential that does not verify
    /// spends this client's address's failure budget on the server.
    pub async fn introspect(&self, token: &str) -> Result<crate::models::Introspection> {
        #[derive(serde::Serialize)]
        struct Introspect<'a> {
            token: &'a str,
        }
        // RFC 7662's shape: no `object` member (`{ "active": false }` alone).
        let answer = self
            .send(
                Method::POST,
                "/v3/introspect",
                &[],
                json_body(&Introspect { token })?,
                true,
            )
            .await?;
        let status = answer.status;
        from_value(status, decode_value(&answer)?)
    }

    /// Public server facts (`GET /.well-known/latchkey`); no credential needed.
    pub async fn well_known(&self) -> Result<ServerInfo> {
        let response = self
            .send(Method::GET, "/.well-known/latchkey", &[], None, false)
            .await?;
        decode_object(response)
    }

    /// Liveness (`GET /health`); no credential needed.
    pub async fn health(&self) -> Result<Health> {
        let response = self.send(Method::GET, "/health", &[], None, false).await?;
        decode_object(response)
    }

    /// The JWT audience, for a signer given none (boxed: it is a request
    /// made while preparing a request).
    fn discover_audience(
        &self,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<String>> + Send + '_>> {
        Box::pin(async move { self.well_known().await.map(|info| info.jwt_audience) })
    }

    /// The server's OpenAPI 3.1 document (`GET /openapi.json`); no
    /// credential needed.
    pub async fn openapi(&self) -> Result<Value> {
        decode_value(
            &self
                .send(Method::GET, "/openapi.json", &[], None, false)
                .await?,
        )
    }

    pub(crate) async fn get<T: ApiObject>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T> {
        decode_object(self.send(Method::GET, path, query, None, true).await?)
    }

    /// A JSON document that is not an API object (the JWKS).
    pub(crate) async fn get_json(&self, path: &str) -> Result<Value> {
        decode_value(&self.send(Method::GET, path, &[], None, true).await?)
    }

    pub(crate) async fn get_page<T: ApiObject>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Page<T>> {
        decode_page(self.send(Method::GET, path, query, None, true).await?)
    }

    pub(crate) async fn call<T: ApiObject>(
        &self,
        method: Method,
        path: &str,
        body: Body,
    ) -> Result<T> {
        decode_object(self.send(method, path, &[], body, true).await?)
    }

    /// A call answered with `204 No Content`.
    pub(crate) async fn call_empty(&self, method: Method, path: &str, body: Body) -> Result<()> {
        self.send(method, path, &[], body, true).await.map(drop)
    }

    /// Sends one request with retries; an error answer becomes [`Error::Api`].
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Body,
        authenticate: bool,
    ) -> Result<Answer> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base_url, path);
        let retry = inner.retry;
        let idempotent = is_idempotent(&method);
        let mut attempt = 0u32;
        loop {
            let mut request = inner.http.request(method.clone(), &url);
            if !query.is_empty() {
                request = request.query(query);
            }
            if authenticate
                && let Some(header) = inner.credential.header(|| self.discover_audience()).await?
            {
                request = request.header(AUTHORIZATION, header);
            }
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let may_retry = idempotent && attempt < retry.max_retries;
            let result = request.send().await;
            let response = match result {
                Ok(response) => response,
                Err(error) if may_retry && !error.is_timeout() && is_connection_error(&error) => {
                    tokio::time::sleep(retry.backoff(attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(error) => return Err(TransportError::new(error).into()),
            };
            let status = response.status();
            if may_retry && is_retryable_status(status.as_u16()) {
                let wait = match retry_after(response.headers()) {
                    Some(wait) if wait > retry.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(retry.backoff(attempt)),
                };
                if let Some(wait) = wait {
                    drop(response);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            let headers = response.headers().clone();
            let bytes = response
                .bytes()
                .await
                .map_err(|error| Error::from(TransportError::new(error)))?
                .to_vec();
            if status.is_success() {
                return Ok(Answer { status, bytes });
            }
            return Err(api_error(status, &headers, &bytes).into());
        }
    }
}

fn is_connection_error(error: &reqwest::Error) -> bool {
    // A connect failure, or a connection closed before the answer's head.
    error.is_connect() || error.is_request()
}

/// A successful answer, read whole.
pub(crate) struct Answer {
    status: StatusCode,
    bytes: Vec<u8>,
}

fn decode_value(answer: &Answer) -> Result<Value> {
    serde_json::from_slice(&answer.bytes).map_err(|error| Error::Decode {
        status: answer.status.as_u16(),
        message: format!("the body is not JSON: {error}"),
    })
}

fn check_object(status: StatusCode, value: &Value, expected: &str) -> Result<()> {
    match value.get("object").and_then(Value::as_str) {
        Some(object) if object == expected => Ok(()),
        other => Err(Error::Decode {
            status: status.as_u16(),
            message: format!("expected an object `{expected}`, got {other:?}"),
        }),
    }
}

fn from_value<T: serde::de::DeserializeOwned>(status: StatusCode, value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|error| Error::Decode {
        status: status.as_u16(),
        message: error.to_string(),
    })
}

pub(crate) fn decode_object<T: ApiObject>(answer: Answer) -> Result<T> {
    let value = decode_value(&answer)?;
    check_object(answer.status, &value, T::OBJECT)?;
    from_value(answer.status, value)
}

fn decode_page<T: ApiObject>(answer: Answer) -> Result<Page<T>> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        data: Vec<Value>,
        has_more: bool,
        after: Option<String>,
        limit: u32,
        order: latchkey_core::list::Order,
        #[serde(default)]
        total_count: Option<u64>,
    }
    let value = decode_value(&answer)?;
    check_object(answer.status, &value, "list")?;
    let envelope: Envelope = from_value(answer.status, value)?;
    let data = envelope
        .data
        .into_iter()
        .map(|item| {
            check_object(answer.status, &item, T::OBJECT)?;
            from_value(answer.status, item)
        })
        .collect::<Result<Vec<T>>>()?;
    Ok(Page {
        data,
        has_more: envelope.has_more,
        after: envelope.after,
        limit: envelope.limit,
        order: envelope.order,
        total_count: envelope.total_count,
    })
}

/// The error of an answer: the API's error body when there is one, else
/// what the status says (a proxy's HTML page, an empty body).
fn api_error(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> ApiError {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(rename = "type")]
        type_name: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        request_id: Option<String>,
        #[serde(default)]
        fields: Vec<FieldError>,
    }
    let header_request_id = headers
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let retry_after = retry_after(headers);
    let code = status.as_u16();
    match serde_json::from_slice::<Body>(bytes) {
        Ok(body) => ApiError {
            status: code,
            kind: ApiErrorKind::from_type(&body.type_name, code),
            type_name: body.type_name,
            message: body.message,
            request_id: body.request_id.or(header_request_id),
            fields: body.fields,
            retry_after,
        },
        Err(_) => {
            let kind = ApiErrorKind::from_status(code);
            let text = String::from_utf8_lossy(bytes);
            let text: String = text.trim().chars().take(200).collect();
            ApiError {
                status: code,
                kind,
                type_name: kind.as_str().to_owned(),
                message: if text.is_empty() {
                    status.canonical_reason().unwrap_or("error").to_owned()
                } else {
                    text
                },
                request_id: header_request_id,
                fields: Vec::new(),
                retry_after,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalized() {
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalize_base_url("https://example.com/latchkey/").unwrap(),
            "https://example.com/latchkey"
        );
        assert!(normalize_base_url("ftp://example.com").is_err());
        assert!(normalize_base_url("example.com").is_err());
        assert!(normalize_base_url("http://example.com/?a=b").is_err());
    }

    #[test]
    fn a_mistyped_access_key_is_refused_offline() {
        let error = Client::new("http://127.0.0.1:9", "ak_nope").unwrap_err();
        assert!(matches!(error, Error::InvalidAccessKey(_)), "{error:?}");
        assert_eq!(error.kind().as_str(), "invalid_access_key");
    }

    #[test]
    fn error_bodies_and_foreign_answers_become_api_errors() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req_1".parse().unwrap());
        let body = br#"{"object":"error","code":400,"type":"validation_error","message":"m","request_id":"req_1","fields":[{"name":"name","message":"is required"}]}"#;
        let error = api_error(StatusCode::BAD_REQUEST, &headers, body);
        assert_eq!(error.kind, ApiErrorKind::Validation);
        assert_eq!(error.fields[0].name, "name");
        assert_eq!(error.request_id.as_deref(), Some("req_1"));
        let error = api_error(
            StatusCode::BAD_GATEWAY,
            &headers,
            b"<html>bad gateway</html>",
        );
        assert_eq!(error.kind, ApiErrorKind::Unknown);
        assert_eq!(error.status, 502);
        assert_eq!(error.request_id.as_deref(), Some("req_1"));
        let error = api_error(StatusCode::NOT_FOUND, &HeaderMap::new(), b"");
        assert_eq!(error.kind, ApiErrorKind::NotFound);
        assert_eq!(error.message, "Not Found");
    }
}
