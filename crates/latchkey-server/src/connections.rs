//! Accepting connections, and the limits that keep slow and idle clients
//! from holding the server: a cap on connections served at once, a
//! header-read timeout and an idle (keep-alive) timeout.
//!
//! One accept loop takes a free slot, then a connection, and hands the
//! connection to a task of its own (HTTP/1.1 through hyper); the loop does
//! nothing else, so no client can slow it down. At the cap it stops
//! accepting: new connections wait in the kernel's listen backlog (and past
//! the backlog are refused by the kernel) until a connection closes, which
//! the timeouts guarantee happens: a slow client holds its slot for at most
//! the header-read timeout, an idle one for at most the idle timeout.
//!
//! Each connection is watched through its socket and its requests:
//! - head: from the connection's start, or from the first byte after an
//!   idle pause, until the request line and headers are in; past the
//!   header-read timeout the connection is closed (dribbling bytes does not
//!   extend it, so a slowloris client is closed on time);
//! - busy: from the request's head to the end of its response; the
//!   request's own time limit applies there (`ServerConfig::request_timeout`);
//! - idle: from the end of a response to the next request's first byte;
//!   past the idle timeout the connection is closed.
//!
//! hyper's own header-read timeout is not used: it also runs while a
//! keep-alive connection is idle, so the idle timeout could never be the
//! longer one.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::{Service, ServiceExt};

/// The connection limits of `latchkey serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client may take to send a request's line and headers.
    pub header_read_timeout: Duration,
    /// How long a keep-alive connection may stay idle between requests.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: u32,
}

impl ConnectionLimits {
    /// The default header-read timeout: ample for any client on any
    /// network, short enough that a slow client frees its slot soon.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default idle timeout: longer than the usual 60 s of load
    /// balancers in front, so that the proxy, not the server, closes an
    /// idle connection (a server closing first races the proxy's next
    /// request on it).
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(75);
    /// The default cap, unless the open-file limit is lower (see
    /// [`default_max_connections`]).
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 4096;
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            max_connections: default_max_connections(),
        }
    }
}

/// Files the process keeps open besides its connections (the data file or
/// the database pool, the listener, logs) and a margin.
const FILES_BESIDES_CONNECTIONS: u64 = 128;

/// [`ConnectionLimits::DEFAULT_MAX_CONNECTIONS`], lowered to what the
/// process's open-file limit allows: connections past it would fail to be
/// accepted (EMFILE) instead of waiting for a slot.
pub fn default_max_connections() -> u32 {
    let default = u64::from(ConnectionLimits::DEFAULT_MAX_CONNECTIONS);
    let allowed = open_file_limit()
        .map(|limit| limit.saturating_sub(FILES_BESIDES_CONNECTIONS))
        .unwrap_or(default);
    u32::try_from(default.min(allowed).max(16)).unwrap_or(u32::MAX)
}

/// The soft open-file limit (`ulimit -n`), where the system says it.
pub fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files")
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// What a connection serves: an axum `Router`, or the server's whole
/// application ([`crate::api::app`]: the router inside the request context).
pub trait App:
    Service<Request<Body>, Response = Response<Body>, Error = Infallible, Future: Send + 'static>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> App for S where
    S: Service<
            Request<Body>,
            Response = Response<Body>,
            Error = Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

/// Serves `app` on `listener` within `limits` until `shutdown` ends; then
/// stops accepting, lets every connection finish its request, and returns
/// once all are closed. Requests carry the peer's address as
/// `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: impl App,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let max = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS as u32);
    let slots = Arc::new(Semaphore::new(max as usize));
    // Dropped to tell every connection to finish.
    let (stop, stopping) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    let mut warned_at: Option<Instant> = None;
    loop {
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                if warned_at.is_none_or(|at| at.elapsed() > CAP_WARNING_INTERVAL) {
                    warned_at = Some(Instant::now());
                    tracing::warn!(
                        max_connections = max,
                        "connection cap reached: new connections wait until one closes"
                    );
                }
                tokio::select! {
                    slot = slots.clone().acquire_owned() => slot.expect("the slots are never closed"),
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = Connection {
            app: app.clone(),
            limits,
            stopping: stopping.clone(),
        };
        tokio::spawn(async move {
            connection.run(stream, peer).await;
            drop(slot);
        });
    }
    drop(listener);
    drop(stop);
    // Every slot back: every connection is closed.
    let _all = slots.acquire_many(max).await;
    Ok(())
}

/// How often the cap's warning may be logged.
const CAP_WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// A failed `accept`: a connection that died in the backlog is nothing; a
/// shortage (open files, memory) is logged and waited out a little, so
/// that the loop does not spin.
async fn accept_failed(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// What a connection task needs.
struct Connection<A> {
    app: A,
    limits: ConnectionLimits,
    stopping: watch::Receiver<()>,
}

impl<A: App> Connection<A> {
    async fn run(mut self, stream: TcpStream, peer: SocketAddr) {
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(WatchedIo {
            stream,
            activity: activity.clone(),
        });
        let service = {
            let begun = activity.clone();
            let ended = activity.clone();
            self.app
                .map_request(move |request: Request<Incoming>| {
                    begun.request_begins();
                    let mut request = request.map(Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request
                })
                .map_response(move |response: Response<Body>| {
                    let done = RequestDone(ended.clone());
                    response.map(|body| Body::new(WatchedBody { body, _done: done }))
                })
        };
        let builder = hyper::server::conn::http1::Builder::new();
        let mut conn = pin!(builder.serve_connection(io, TowerToHyperService::new(service)));
        let mut stop = pin!(self.stopping.changed());
        let mut stopping = false;
        let mut timer = pin!(tokio::time::sleep(self.limits.idle_timeout));
        let limits = self.limits;
        let ended = std::future::poll_fn(|cx: &mut Context<'_>| {
            if !stopping && stop.as_mut().poll(cx).is_ready() {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
            if let Poll::Ready(result) = conn.as_mut().poll(cx) {
                return Poll::Ready(result.err().map(Ended::Failed));
            }
            // The deadline of where the connection stands now (its I/O and
            // its service moved it while it was polled above).
            let Some((deadline, phase)) = activity.deadline(&limits) else {
                return Poll::Pending;
            };
            let deadline = tokio::time::Instant::from_std(deadline);
            if timer.deadline() != deadline {
                timer.as_mut().reset(deadline);
            }
            match timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Ended::TimedOut(phase))),
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        match ended {
            None => {}
            Some(Ended::TimedOut(phase)) => {
                tracing::debug!(%peer, phase, "closed a connection past its time limit");
            }
            Some(Ended::Failed(error)) => {
                tracing::debug!(%peer, %error, "a connection failed");
            }
        }
    }
}

/// Why a connection ended before its client closed it.
enum Ended {
    /// Past the header-read or the idle timeout.
    TimedOut(&'static str),
    /// An I/O or protocol error.
    Failed(hyper::Error),
}

/// Where a connection stands: shared by its socket (which sees bytes come
/// in), its service (which sees requests begin and end) and its task (which
/// closes it past its deadline). All three run in the connection's task.
struct Activity {
    opened: Instant,
    /// Requests begun whose responses are not finished.
    in_flight: AtomicU32,
    /// With none in flight: idle (true) or receiving a head (false)…
    idle: AtomicBool,
    /// … since this many nanoseconds after `opened`.
    since: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        // A new connection owes its first request's head at once.
        Activity {
            opened: Instant::now(),
            in_flight: AtomicU32::new(0),
            idle: AtomicBool::new(false),
            since: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Bytes came in: after an idle pause, the next head has begun.
    fn received(&self) {
        if self.in_flight.load(Ordering::Relaxed) == 0 && self.idle.load(Ordering::Relaxed) {
            self.since.store(self.now(), Ordering::Relaxed);
            self.idle.store(false, Ordering::Relaxed);
        }
    }

    fn request_begins(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    fn request_ends(&self) {
        if self.in_flight.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.since.store(self.now(), Ordering::Relaxed);
            self.idle.store(true, Ordering::Relaxed);
        }
    }

    /// When the connection must be closed if nothing changes, and what it
    /// is waiting for; `None` while a request is in flight.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<(Instant, &'static str)> {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return None;
        }
        let since = self.opened + Duration::from_nanos(self.since.load(Ordering::Relaxed));
        Some(if self.idle.load(Ordering::Relaxed) {
            (since + limits.idle_timeout, "idle")
        } else {
            (since + limits.header_read_timeout, "head")
        })
    }
}

/// Ends its request when dropped (hyper drops the response body once it is
/// written, or when the connection goes).
struct RequestDone(Arc<Activity>);

impl Drop for RequestDone {
    fn drop(&mut self) {
        self.0.request_ends();
    }
}

/// A response body that ends its request when dropped.
struct WatchedBody {
    body: Body,
    _done: RequestDone,
}

impl HttpBody for WatchedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A socket that tells its connection's [`Activity`] when bytes come in.
struct WatchedIo {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for WatchedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.received();
        }
        read
    }
}

impl AsyncWrite for WatchedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_owes_a_head_then_idles_between_requests() {
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(75),
            max_connections: 8,
        };
        let activity = Activity::new();
        let (deadline, phase) = activity.deadline(&limits).unwrap();
        assert_eq!(phase, "head");
        assert_eq!(deadline, activity.opened + limits.header_read_timeout);
        // Bytes of the first head do not move its deadline (dribbling).
        activity.received();
        assert_eq!(activity.deadline(&limits).unwrap().0, deadline);
        activity.request_begins();
        assert!(activity.deadline(&limits).is_none(), "busy: no deadline");
        activity.request_ends();
        let (idle_deadline, phase) = activity.deadline(&limits).unwrap();
        assert_eq!(phase, "idle");
        assert!(idle_deadline >= activity.opened + limits.idle_timeout);
        // The next request's first byte starts its head's clock.
        activity.received();
        let (head_deadline, phase) = activity.deadline(&limits).unwrap();
        assert_eq!(phase, "head");
        assert!(head_deadline < idle_deadline);
        activity.received();
        assert_eq!(activity.deadline(&limits).unwrap().0, head_deadline);
    }

    #[test]
    fn the_default_cap_fits_the_open_file_limit() {
        let cap = u64::from(default_max_connections());
        assert!(cap <= u64::from(ConnectionLimits::DEFAULT_MAX_CONNECTIONS));
        if let Some(limit) = open_file_limit() {
            assert!(cap <= limit.saturating_sub(FILES_BESIDES_CONNECTIONS).max(16));
        }
    }
}
