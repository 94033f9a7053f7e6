//! Per-request context: the request id (in `X-Request-Id` and in every error
//! body), the client's address (as the failure limiter counts it), the
//! request timeout, and one access-log line per request. The log line names
//! the path only: a query string is never logged.
//!
//! The request id and the client's address are what the audit log records
//! of a request: [`acting`] puts them beside the principal of a write.

use std::cell::RefCell;
use std::convert::Infallible;
use std::future::Future;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderName, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use latchkey_core::audit::Acting;
use latchkey_core::authorize::Principal;

use crate::auth::client_address::TrustedProxies;
use crate::error::ApiError;
use crate::log_writer::LogWriter;

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// [`REQUEST_ID_HEADER`] as a header name, made once (from a `&str` it was
/// parsed and classified per response).
static REQUEST_ID_NAME: HeaderName = HeaderName::from_static(REQUEST_ID_HEADER);

/// What a request's task knows of it: one task-local (one scope entered
/// per poll), not one per value.
#[derive(Clone, Copy)]
struct Current {
    id: RequestId,
    client: IpAddr,
}

tokio::task_local! {
    static CURRENT: Current;
}

fn current_id() -> Option<String> {
    CURRENT
        .try_with(|current| current.id.as_str().to_owned())
        .ok()
}

/// The id of the request being served (empty outside a request).
pub fn current_request_id() -> String {
    current_id().unwrap_or_default()
}

/// The client's address of the request being served, if any.
pub fn current_client_address() -> Option<IpAddr> {
    CURRENT.try_with(|current| current.client).ok()
}

/// `principal` acting in the request being served: what a store write takes.
pub fn acting(principal: &Principal) -> Acting {
    let request_id = current_id();
    Acting::credential(principal.clone(), request_id, current_client_address())
}

/// A person in the console acting for themselves before (or without) a
/// session's rights: signing in, setting a password through a link.
pub fn acting_person(
    account_id: latchkey_core::id::AccountId,
    user_id: latchkey_core::id::UserId,
    session: Option<latchkey_core::id::SessionId>,
) -> Acting {
    let request_id = current_id();
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
    acting.request_id = current_id();
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

/// A request id: `req_` and 32 lowercase hex digits, the same shape as the
/// UUIDs it replaces. Made without a system call or an allocation: see
/// [`RequestIds`].
#[derive(Clone, Copy)]
pub struct RequestId([u8; 36]);

impl RequestId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("request ids are ASCII")
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where request ids come from. Each id is a 64-bit prefix drawn at random
/// once per process, then a 64-bit counter (one per request) put through a
/// keyed bijection of 64-bit numbers (two rounds of xor with a random key,
/// then SplitMix64's finalizer, itself a bijection). So within a process
/// no two ids are ever equal (the counter does not repeat before 2^64
/// requests, and a bijection keeps distinct numbers distinct), and the ids
/// do not show how many requests came before; between processes, two
/// prefixes are equal with probability 2^-62. Drawing 128 random bits per
/// request (UUIDv4/v7 through `getrandom`) cost a system call per request
/// on the hot path.
struct RequestIds {
    /// `req_` and the prefix in hex: the first 20 bytes of every id.
    prefix: [u8; 20],
    keys: [u64; 2],
    next: AtomicU64,
}

impl RequestIds {
    fn new() -> Self {
        // UUIDv7's last 64 bits are 62 random bits (and the variant's 2).
        let random = || uuid::Uuid::now_v7().as_u64_pair().1;
        let mut prefix = [0u8; 20];
        prefix[..4].copy_from_slice(b"req_");
        hex(random(), &mut prefix[4..]);
        RequestIds {
            prefix,
            keys: [random(), random()],
            next: AtomicU64::new(0),
        }
    }

    fn next(&self) -> RequestId {
        let count = self.next.fetch_add(1, Ordering::Relaxed);
        let mut id = [0u8; 36];
        id[..20].copy_from_slice(&self.prefix);
        hex(self.permute(count), &mut id[20..]);
        RequestId(id)
    }

    /// A bijection of `u64` chosen by the keys.
    fn permute(&self, mut x: u64) -> u64 {
        for key in self.keys {
            x ^= key;
            x = mix(x);
        }
        x
    }
}

/// SplitMix64's finalizer: xor-shifts and multiplications by odd constants,
/// each invertible, so the whole is a bijection.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn hex(value: u64, out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (at, digit) in out.iter_mut().enumerate() {
        let shift = 60 - 4 * at;
        *digit = DIGITS[((value >> shift) & 0xf) as usize];
    }
}

static REQUEST_IDS: LazyLock<RequestIds> = LazyLock::new(RequestIds::new);

fn new_request_id() -> RequestId {
    REQUEST_IDS.next()
}

/// The request context as a tower layer (what [`crate::api::app`] puts
/// around the whole router): gives the request an id, runs it under the
/// timeout with its id and client's address in the task, answers a panic
/// with a 500, stamps the id on the response and logs one line. A service
/// of its own rather than `axum::middleware::from_fn`: that clones and
/// boxes the rest of the stack into a `Next` per request; this calls the
/// inner service directly, and its future ([`ContextFuture`]) is a plain
/// struct, not a boxed `async` block.
#[derive(Clone)]
pub struct RequestContextLayer {
    config: Arc<ContextConfig>,
}

impl RequestContextLayer {
    /// The layer for `config`.
    pub fn new(config: ContextConfig) -> Self {
        RequestContextLayer {
            config: Arc::new(config),
        }
    }
}

impl<S> Layer<S> for RequestContextLayer {
    type Service = RequestContext<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestContext {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service [`RequestContextLayer`] makes.
#[derive(Clone)]
pub struct RequestContext<S> {
    inner: S,
    config: Arc<ContextConfig>,
}

impl<S> Service<Request> for RequestContext<S>
where
    S: Service<Request, Error = Infallible>,
    S::Response: IntoResponse,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ContextFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = new_request_id();
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        // `X-Forwarded-For` is looked up only when some proxy is trusted
        // to set it (finding a header is a hash of its name).
        let proxies = &self.config.trusted_proxies;
        let client = if proxies.is_empty() {
            peer
        } else {
            proxies.client_address(peer, request.headers().get_all("x-forwarded-for").iter())
        };
        let current = Current { id, client };
        let method = request.method().clone();
        // A clone of the URI shares its bytes (no copy of the path).
        let uri = request.uri().clone();
        let started = Instant::now();
        // The inner future owns what it needs (axum's router is called
        // without borrowing the service), so it is made here; it only runs
        // when polled, inside the task-local scope. A panic, in this call
        // or in the future, is caught here too, where the id is known: it
        // becomes a 500 in the error shape, with the id in its body.
        let stage = match panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(inner) => Stage::Called(inner),
            Err(_panicked) => Stage::Failed(CURRENT.sync_scope(current, panicked)),
        };
        ContextFuture {
            stage,
            current,
            deadline: None,
            timeout: self.config.timeout,
            method,
            uri,
            started,
        }
    }
}

/// Where a [`ContextFuture`] stands.
enum Stage<F> {
    /// The inner service's future, not finished.
    Called(F),
    /// The inner service's call panicked: the 500 to answer.
    Failed(Response),
    /// Answered: nothing left to poll.
    Answered,
}

/// The future of [`RequestContext`]: polls the inner future inside the
/// task-local scope, catching its panics; past the timeout answers 503;
/// then stamps the id and writes the access line.
///
/// Not boxed, and no timer until one is needed: a request answered on its
/// first poll (`/health`, a cached credential) never registers one with
/// the runtime's timer wheel. Only when the inner future first waits is the
/// timer made, for what is left of the timeout since the request began.
pub struct ContextFuture<F> {
    stage: Stage<F>,
    current: Current,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    timeout: Duration,
    method: Method,
    uri: Uri,
    started: Instant,
}

impl<F, R> Future for ContextFuture<F>
where
    F: Future<Output = Result<R, Infallible>> + Unpin,
    R: IntoResponse,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let current = this.current;
        let mut response = match CURRENT.sync_scope(current, || this.poll_inner(cx)) {
            Poll::Ready(response) => response,
            Poll::Pending => return Poll::Pending,
        };
        let id = this.current.id;
        if let Ok(value) = HeaderValue::from_bytes(&id.0) {
            response
                .headers_mut()
                .insert(REQUEST_ID_NAME.clone(), value);
        }
        log_access(
            &id,
            &this.method,
            this.uri.path(),
            response.status().as_u16(),
            this.started.elapsed().as_micros() as u64,
        );
        Poll::Ready(Ok(response))
    }
}

impl<F, R> ContextFuture<F>
where
    F: Future<Output = Result<R, Infallible>> + Unpin,
    R: IntoResponse,
{
    /// The inner future's answer, a 500 if it panicked, or a 503 past the
    /// timeout; called in the task-local scope. The inner future is
    /// dropped here once answered, so still in the scope.
    fn poll_inner(&mut self, cx: &mut Context<'_>) -> Poll<Response> {
        let Stage::Called(inner) = &mut self.stage else {
            return match std::mem::replace(&mut self.stage, Stage::Answered) {
                Stage::Failed(response) => Poll::Ready(response),
                _ => panic!("a request's future polled after it answered"),
            };
        };
        let answer = match panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Ready(Ok(response))) => response.into_response(),
            Ok(Poll::Ready(Err(never))) => match never {},
            Err(_panicked) => panicked(),
            Ok(Poll::Pending) => {
                let timeout = self.timeout;
                let started = self.started;
                let deadline = self.deadline.get_or_insert_with(|| {
                    Box::pin(tokio::time::sleep(
                        timeout.saturating_sub(started.elapsed()),
                    ))
                });
                match deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => ApiError::Timeout.into_response(),
                    Poll::Pending => return Poll::Pending,
                }
            }
        };
        self.stage = Stage::Answered;
        Poll::Ready(answer)
    }
}

/// A request given up before it was answered (its connection closed):
/// its inner future is dropped in the task-local scope, as it ran.
impl<F> Drop for ContextFuture<F> {
    fn drop(&mut self) {
        if let Stage::Called(inner) = std::mem::replace(&mut self.stage, Stage::Answered) {
            CURRENT.sync_scope(self.current, || drop(inner));
        }
    }
}

/// The answer to a panicked handler (in the request's scope: its body
/// names the request id).
fn panicked() -> Response {
    tracing::error!("a request handler panicked");
    ApiError::Internal.into_response()
}

/// Where [`log_access`] writes its lines itself; unset, they go through
/// `tracing`'s formatter.
static ACCESS_LOG: OnceLock<LogWriter> = OnceLock::new();

/// Has the access lines written straight into `writer`, the writer of the
/// `tracing` subscriber's plain (not ANSI-coloured) default format, in that
/// format's bytes: what formatting them through `tracing_subscriber::fmt`
/// cost (its field visitors, `dyn` formatting, ANSI styles applied even
/// when off) was a quarter of `/health`'s instructions. Whether a line is
/// logged at all is still `tracing`'s filter's decision (`RUST_LOG`), asked
/// here, once: call this after the subscriber is installed. The filter
/// does not change while the server runs, and asking it per request (its
/// directives matched against the line's target) cost about 100
/// instructions. Only the first call has an effect.
pub fn write_access_lines_to(writer: LogWriter) {
    if tracing::enabled!(tracing::Level::INFO) {
        let _ = ACCESS_LOG.set(writer);
    }
}

/// One access line: straight into [`ACCESS_LOG`] when it is set, otherwise
/// an `info` event (which the filter may drop).
fn log_access(id: &RequestId, method: &Method, path: &str, status: u16, micros: u64) {
    match ACCESS_LOG.get() {
        Some(writer) => {
            thread_local! {
                static LINE: RefCell<AccessLine> = const {
                    RefCell::new(AccessLine {
                        bytes: Vec::new(),
                        second: 0,
                        second_text: Vec::new(),
                    })
                };
            }
            LINE.with_borrow_mut(|line| {
                line.write(SystemTime::now(), id, method, path, status, micros);
                writer.write_line(&line.bytes);
                if line.bytes.capacity() > 64 * 1024 {
                    line.bytes = Vec::new();
                }
            });
        }
        None => tracing::info!(
            request_id = %id,
            %method,
            path,
            status,
            micros,
            "request"
        ),
    }
}

/// A thread's access line, and the text of the second its last line was
/// written in: lines come many to a second, and the date and time of day
/// (a calendar computation and six numbers) are spelt once per second.
#[derive(Default)]
struct AccessLine {
    bytes: Vec<u8>,
    /// `second_text`'s second since the epoch (none yet: empty text).
    second: u64,
    /// `2026-01-02T03:04:05.`, or empty.
    second_text: Vec<u8>,
}

impl AccessLine {
    /// Replaces the line with what `tracing_subscriber::fmt`'s default
    /// format (ANSI off) writes for the `info!` in [`log_access`], at `now`;
    /// a test holds the two equal.
    fn write(
        &mut self,
        now: SystemTime,
        id: &RequestId,
        method: &Method,
        path: &str,
        status: u16,
        micros: u64,
    ) {
        const TARGET: &str = concat!("  INFO ", module_path!(), ": request request_id=");
        let since = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        if self.second_text.is_empty() || self.second != since.as_secs() {
            self.second = since.as_secs();
            self.second_text.clear();
            date_and_time(&mut self.second_text, self.second);
        }
        let line = &mut self.bytes;
        line.clear();
        line.reserve(160 + path.len());
        line.extend_from_slice(&self.second_text);
        decimal(line, since.subsec_micros().into(), 6);
        line.push(b'Z');
        line.extend_from_slice(TARGET.as_bytes());
        line.extend_from_slice(&id.0);
        line.extend_from_slice(b" method=");
        line.extend_from_slice(method.as_str().as_bytes());
        line.extend_from_slice(b" path=");
        // A string field is written as its `Debug` form: quoted, with `"`,
        // `\` and what is not printable ASCII escaped. A path rarely has any.
        if path
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
        {
            line.push(b'"');
            line.extend_from_slice(path.as_bytes());
            line.push(b'"');
        } else {
            let _ = write!(line, "{path:?}");
        }
        line.extend_from_slice(b" status=");
        decimal(line, u64::from(status), 1);
        line.extend_from_slice(b" micros=");
        decimal(line, micros, 1);
        line.push(b'\n');
    }
}

/// `value` in decimal, zero-padded to `width` digits (`core::fmt`'s
/// machinery costs several times as much per number).
fn decimal(line: &mut Vec<u8>, mut value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    while value > 0 || digits.len() - at < width {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    line.extend_from_slice(&digits[at..]);
}

/// `now` as RFC 3339 in UTC with microseconds, as `tracing_subscriber`'s
/// default timer writes it: `2026-01-02T03:04:05.678901Z`.
#[cfg(test)]
fn timestamp(line: &mut Vec<u8>, now: SystemTime) {
    let since = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    date_and_time(line, since.as_secs());
    decimal(line, since.subsec_micros().into(), 6);
    line.push(b'Z');
}

/// The second `seconds` after the epoch, up to its fraction:
/// `2026-01-02T03:04:05.`.
fn date_and_time(line: &mut Vec<u8>, seconds: u64) {
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let of_day = seconds % 86_400;
    decimal(line, year.max(0) as u64, 4);
    line.push(b'-');
    decimal(line, month.into(), 2);
    line.push(b'-');
    decimal(line, day.into(), 2);
    line.push(b'T');
    decimal(line, of_day / 3600, 2);
    line.push(b':');
    decimal(line, of_day / 60 % 60, 2);
    line.push(b':');
    decimal(line, of_day % 60, 2);
    line.push(b'.');
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn layer(timeout: Duration) -> RequestContextLayer {
        RequestContextLayer::new(ContextConfig {
            timeout,
            trusted_proxies: TrustedProxies::default(),
        })
    }

    /// A few routes under the layer, as `api::app` puts it: around the
    /// whole router.
    fn under_the_layer(timeout: Duration) -> RequestContext<axum::Router> {
        use axum::routing::get;
        let router = axum::Router::new()
            .route("/fine", get(|| async { "fine" }))
            .route(
                "/id",
                get(|| async {
                    current_request_id() + " " + &format!("{:?}", current_client_address())
                }),
            )
            .route("/boom", get(boom))
            .route("/late-boom", get(late_boom))
            .route(
                "/later",
                get(|| async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    current_request_id()
                }),
            )
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    "late"
                }),
            );
        layer(timeout).layer(router)
    }

    async fn boom() -> &'static str {
        panic!("a handler's bug")
    }

    async fn late_boom() -> &'static str {
        tokio::task::yield_now().await;
        panic!("a handler's bug, after a wait")
    }

    async fn get(path: &str, timeout: Duration) -> (u16, String, String) {
        answer(under_the_layer(timeout), path).await
    }

    /// `service`'s answer to `GET path`: status, request id, body.
    async fn answer<S>(service: RequestContext<S>, path: &str) -> (u16, String, String)
    where
        S: Service<Request, Error = Infallible>,
        S::Response: IntoResponse,
        S::Future: Unpin,
    {
        use tower::ServiceExt as _;
        let response = service
            .oneshot(Request::get(path).body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let id = response.headers()[REQUEST_ID_HEADER]
            .to_str()
            .unwrap()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, id, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn the_handler_sees_the_id_it_is_answered_with() {
        let (status, id, body) = get("/id", Duration::from_secs(5)).await;
        assert_eq!(status, 200);
        assert_eq!(body, format!("{id} Some(0.0.0.0)"));
        let (_, other, _) = get("/fine", Duration::from_secs(5)).await;
        assert_ne!(id, other);
    }

    #[tokio::test]
    async fn a_panic_is_a_500_in_the_error_shape_with_the_request_id() {
        let (status, id, body) = get("/boom", Duration::from_secs(5)).await;
        assert_eq!(status, 500);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["type"], "internal_server_error", "{body}");
        assert_eq!(body["request_id"], id.as_str(), "{body}");
        // The service goes on answering.
        assert_eq!(get("/fine", Duration::from_secs(5)).await.0, 200);
    }

    #[tokio::test]
    async fn a_request_over_the_timeout_is_a_503_with_the_request_id() {
        let (status, id, body) = get("/slow", Duration::from_millis(50)).await;
        assert_eq!(status, 503);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["type"], "service_unavailable", "{body}");
        assert_eq!(body["request_id"], id.as_str(), "{body}");
    }

    #[tokio::test]
    async fn a_handler_that_waits_is_answered_within_the_timeout() {
        // The timer is made only once the handler waits: this one waits,
        // and answers before the timeout.
        let (status, id, body) = get("/later", Duration::from_secs(5)).await;
        assert_eq!(status, 200);
        assert_eq!(body, id, "the handler saw its id after waiting");
    }

    #[tokio::test]
    async fn a_panic_after_the_handler_waited_is_a_500_with_the_request_id() {
        let (status, id, body) = get("/late-boom", Duration::from_secs(5)).await;
        assert_eq!(status, 500);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["request_id"], id.as_str(), "{body}");
    }

    #[tokio::test]
    async fn a_panic_in_the_inner_services_call_is_a_500_with_the_request_id() {
        let panics_when_called = tower::service_fn(
            |_: Request| -> std::future::Ready<Result<Response, Infallible>> {
                panic!("a bug before any future")
            },
        );
        let service = layer(Duration::from_secs(5)).layer(panics_when_called);
        let (status, id, body) = answer(service, "/").await;
        assert_eq!(status, 500);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["request_id"], id.as_str(), "{body}");
    }

    /// A request given up while its handler waits (the client went away):
    /// the handler's future is dropped in the request's scope, so what its
    /// drop does (a guard writing its outcome) still knows the request id.
    #[tokio::test]
    async fn an_abandoned_handler_is_dropped_in_the_requests_scope() {
        struct Guard(Arc<std::sync::Mutex<Option<String>>>);
        impl Drop for Guard {
            fn drop(&mut self) {
                *self.0.lock().unwrap() = Some(current_request_id());
            }
        }
        let seen = Arc::new(std::sync::Mutex::new(None));
        let handler = {
            let seen = seen.clone();
            move || async move {
                let _guard = Guard(seen);
                std::future::pending::<()>().await;
                "never"
            }
        };
        let mut service = layer(Duration::from_secs(5))
            .layer(axum::Router::new().route("/hang", axum::routing::get(handler)));
        let mut future = service.call(
            Request::get("/hang")
                .body(axum::body::Body::empty())
                .unwrap(),
        );
        let id = future.current.id.as_str().to_owned();
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(Pin::new(&mut future).poll(&mut cx).is_pending());
        assert!(seen.lock().unwrap().is_none());
        drop(future);
        assert_eq!(seen.lock().unwrap().as_deref(), Some(id.as_str()));
    }

    /// A `MakeWriter` keeping what `tracing`'s formatter writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    /// The line written directly is the one `tracing`'s default format
    /// (ANSI off, as `latchkey serve` sets it when its log is not a
    /// terminal) writes for the same request, up to the timestamp; the
    /// timestamps are compared on fixed times below.
    #[test]
    fn access_lines_are_the_formatters_lines() {
        let id = RequestIds::new().next();
        let paths = [
            "/health",
            "/v3/applications/app_01/access-keys",
            "/a%20b/\"quoted\"/back\\slash/\u{1b}[31m/caf\u{e9}",
            "",
        ];
        let mut ours = AccessLine::default();
        for (path, method, status, micros) in [
            (paths[0], Method::GET, 200, 0),
            (paths[1], Method::POST, 201, 1_234_567),
            (paths[2], Method::DELETE, 404, 9),
            (
                paths[3],
                Method::from_bytes(b"PURGE").unwrap(),
                503,
                u64::MAX,
            ),
        ] {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(captured.clone())
                .finish();
            tracing::subscriber::with_default(subscriber, || {
                tracing::info!(request_id = %id, %method, path, status, micros, "request");
            });
            let theirs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
            // One line reused, as a thread reuses its own.
            ours.write(SystemTime::now(), &id, &method, path, status, micros);
            // The timestamp is 27 bytes; the info! above was in a test
            // module, so its target has `::tests` after ours.
            let theirs = theirs[27..].replacen("request_context::tests:", "request_context:", 1);
            assert_eq!(
                String::from_utf8(ours.bytes.clone()).unwrap()[27..],
                theirs,
                "{path}"
            );
        }
    }

    /// A line's timestamp is its own time's, whatever second the line
    /// before it was written in (the same, the next, an earlier one after
    /// the clock was set back, the epoch).
    #[test]
    fn a_lines_timestamp_is_its_own_times_across_seconds() {
        let id = RequestIds::new().next();
        let mut line = AccessLine::default();
        let epoch = SystemTime::UNIX_EPOCH;
        for (seconds, micros) in [
            (1_798_761_599, 1),
            (1_798_761_599, 999_999),
            (1_798_761_600, 0),
            (1_798_761_600, 500_000),
            (1_709_251_199, 7),
            (0, 0),
            (0, 3),
            (4_107_542_400, 0),
            (1_798_761_599, 2),
        ] {
            let now = epoch + Duration::from_secs(seconds) + Duration::from_micros(micros);
            line.write(now, &id, &Method::GET, "/health", 200, 5);
            let mut alone = Vec::new();
            timestamp(&mut alone, now);
            assert_eq!(line.bytes[..27], alone[..], "{seconds}.{micros:06}");
            assert!(line.bytes.ends_with(b" status=200 micros=5\n"));
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_microseconds() {
        let at = |seconds: u64, micros: u32| {
            let mut line = Vec::new();
            timestamp(
                &mut line,
                SystemTime::UNIX_EPOCH
                    + Duration::from_secs(seconds)
                    + Duration::from_micros(micros.into()),
            );
            String::from_utf8(line).unwrap()
        };
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(951_782_400, 7), "2000-02-29T00:00:00.000007Z");
        assert_eq!(at(951_868_799, 999_999), "2000-02-29T23:59:59.999999Z");
        assert_eq!(at(1_709_251_199, 500_000), "2024-02-29T23:59:59.500000Z");
        assert_eq!(at(1_798_761_599, 1), "2026-12-31T23:59:59.000001Z");
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
        // Every day of four years, against a day count kept by hand.
        let mut days = 0u64;
        for year in 2023..2027u64 {
            let leap = year % 4 == 0;
            for (month, length) in [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ]
            .into_iter()
            .enumerate()
            {
                for day in 1..=length {
                    let seconds = 1_672_531_200 + days * 86_400 + 3_723;
                    assert_eq!(
                        at(seconds, 42),
                        format!("{year}-{:02}-{day:02}T01:02:03.000042Z", month + 1)
                    );
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn ids_are_unique_and_shaped_like_before() {
        let ids = RequestIds::new();
        let mut seen = HashSet::new();
        for _ in 0..200_000 {
            let id = ids.next();
            let text = id.as_str();
            assert_eq!(text.len(), 36);
            assert!(text.starts_with("req_"));
            assert!(
                text[4..]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert!(seen.insert(text.to_owned()), "{text} twice");
        }
    }

    #[test]
    fn ids_are_unique_across_threads() {
        let ids = std::sync::Arc::new(RequestIds::new());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let ids = ids.clone();
                std::thread::spawn(move || {
                    (0..50_000)
                        .map(|_| ids.next().as_str().to_owned())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for thread in threads {
            for id in thread.join().unwrap() {
                assert!(seen.insert(id));
            }
        }
        assert_eq!(seen.len(), 200_000);
    }

    #[test]
    fn the_permutation_is_a_bijection_on_a_sample() {
        // Distinct inputs, distinct outputs, including near 0 and u64::MAX
        // and the counter's first values.
        let ids = RequestIds::new();
        let inputs: HashSet<u64> = (0..100_000u64)
            .chain((0..1000).map(|n| u64::MAX - n))
            .chain((0..1000).map(|n| n << 40))
            .collect();
        let outputs: HashSet<u64> = inputs.iter().map(|&n| ids.permute(n)).collect();
        assert_eq!(outputs.len(), inputs.len());
    }
}
