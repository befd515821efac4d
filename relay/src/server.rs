//! The listener: one accept loop for plain HTTP and HTTPS (tokio-rustls), serving each
//! connection with hyper's HTTP/1.1 server, so every connection has the same caps and deadlines.
//!
//! - Caps: a connection is admitted only with a slot from [`ConnLimits`] (overall, and per client
//!   address: IPv4, or an IPv6 /64). The slot is held by the connection's I/O object, so it lasts
//!   as long as the socket, through a WebSocket upgrade. A connection over a cap is accepted and
//!   closed at once (plain HTTP: after a one-line 503), never left in the backlog: other clients
//!   keep being served, and the relay never runs out of file descriptors (at start the soft
//!   open-file limit is raised to the hard one and the overall cap lowered to fit under it).
//! - Deadlines: the TLS handshake and every request head (the first one, and each next one on a
//!   keep-alive connection) must arrive within `header_timeout_s`; an HTTP connection on which no
//!   byte moves either way for `idle_timeout_s` is closed (a client that stops reading a response
//!   or stalls in a body). After an upgrade the WebSocket session's own deadlines apply
//!   (`session.rs`: request, probe, every send).
//! - Shutdown: connections finish what they are doing and close; the loop waits for the slots to
//!   come back, at most [`DRAIN`].

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::limits::client_key;
use crate::state::AppState;

/// How long shutdown waits for open connections to close.
pub const DRAIN: Duration = Duration::from_secs(5);
/// A connection's read and write buffers grow at most to this (hyper's default is ~400 KiB).
const MAX_BUF: usize = 64 * 1024;
/// The largest request head (431 beyond it); browsers send a few KiB.
const MAX_HEAD: usize = 32 * 1024;
/// File descriptors kept free for what is not a client connection: probes (a TCP and a UDP
/// socket, DNS) per concurrent probe, plus this many for the rest.
const SPARE_FDS: u64 = 64;

/// Why a connection was turned away at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The client address has `max_connections_per_client` open.
    PerClient,
    /// The relay has `max_connections` open.
    Total,
}

impl Full {
    pub fn label(self) -> &'static str {
        match self {
            Full::PerClient => "per_client",
            Full::Total => "total",
        }
    }
}

/// Open connections, overall and per client.
pub struct ConnLimits {
    total: Arc<Semaphore>,
    max: usize,
    per_client: Mutex<HashMap<IpAddr, usize>>,
    max_per_client: usize,
}

/// One connection's slot; released on drop.
pub struct ConnGuard {
    limits: Arc<ConnLimits>,
    client: IpAddr,
    _permit: OwnedSemaphorePermit,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        if let Ok(mut map) = self.limits.per_client.lock() {
            if let Some(n) = map.get_mut(&self.client) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(&self.client);
                }
            }
        }
    }
}

impl ConnLimits {
    pub fn new(max: usize, max_per_client: usize) -> Arc<ConnLimits> {
        let max = max.clamp(1, Semaphore::MAX_PERMITS);
        Arc::new(ConnLimits {
            total: Arc::new(Semaphore::new(max)),
            max,
            per_client: Mutex::new(HashMap::new()),
            max_per_client: max_per_client.max(1),
        })
    }

    /// A slot for a connection from `peer`, or which cap is full.
    pub fn try_acquire(self: &Arc<Self>, peer: IpAddr) -> Result<ConnGuard, Full> {
        let client = client_key(peer);
        let mut map = self.per_client.lock().map_err(|_| Full::Total)?;
        let n = map.entry(client).or_default();
        if *n >= self.max_per_client {
            return Err(Full::PerClient);
        }
        let permit = self
            .total
            .clone()
            .try_acquire_owned()
            .map_err(|_| Full::Total)?;
        *n += 1;
        drop(map);
        Ok(ConnGuard {
            limits: Arc::clone(self),
            client,
            _permit: permit,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.max - self.total.available_permits()
    }

    /// Wait until every slot is back, at most `limit`; whether they all came back.
    pub async fn wait_all_closed(&self, limit: Duration) -> bool {
        let all = u32::try_from(self.max).unwrap_or(u32::MAX);
        tokio::time::timeout(limit, self.total.acquire_many(all))
            .await
            .is_ok_and(|p| p.is_ok())
    }
}

/// The overall cap that fits under the open-file limit `nofile`: what probes need is kept free.
pub fn fit_connections(configured: usize, nofile: u64, max_concurrent_probes: usize) -> usize {
    let probes = u64::try_from(max_concurrent_probes).unwrap_or(u64::MAX);
    let spare = SPARE_FDS.saturating_add(probes.saturating_mul(4));
    let fits = usize::try_from(nofile.saturating_sub(spare)).unwrap_or(usize::MAX);
    configured.min(fits).max(1)
}

/// Raise the soft open-file limit to the hard one (or as close as the system allows: a hard
/// limit of "unlimited" is not a value the soft one may take); the soft limit afterwards.
pub fn raise_nofile() -> Result<u64, String> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).map_err(|e| e.to_string())?;
    for want in [hard, hard.min(1 << 20), hard.min(65_536)] {
        if want <= soft || setrlimit(Resource::RLIMIT_NOFILE, want, hard).is_ok() {
            break;
        }
    }
    getrlimit(Resource::RLIMIT_NOFILE)
        .map(|(soft, _)| soft)
        .map_err(|e| e.to_string())
}

/// What a connection's I/O and the code serving it share: when bytes last moved, and whether to
/// reset the socket rather than close it (a client that stopped reading: its unsent data would
/// otherwise stay queued in the kernel).
struct ConnShared {
    started: Instant,
    last_io_ms: AtomicU64,
    reset: AtomicBool,
}

impl ConnShared {
    fn new() -> ConnShared {
        ConnShared {
            started: Instant::now(),
            last_io_ms: AtomicU64::new(0),
            reset: AtomicBool::new(false),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_io_ms.store(ms, Ordering::Relaxed);
    }

    fn last_io(&self) -> Instant {
        self.started + Duration::from_millis(self.last_io_ms.load(Ordering::Relaxed))
    }
}

/// A handle on the connection a request came in on (a request extension).
#[derive(Clone)]
pub struct ConnHandle(Arc<ConnShared>);

impl ConnHandle {
    /// Reset the TCP connection (RST, unsent data dropped) when it closes.
    pub fn reset_on_close(&self) {
        self.0.reset.store(true, Ordering::Relaxed);
    }
}

/// The TCP stream of one connection: notes when bytes move, holds the connection's slot.
struct Tracked {
    stream: TcpStream,
    shared: Arc<ConnShared>,
    _guard: ConnGuard,
    _gauge: Gauge,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if self.shared.reset.load(Ordering::Relaxed) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.shared.touch();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.shared.touch();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.shared.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Counts the connection in the `rdpcheck_connections` gauge while it lives.
struct Gauge(Arc<AppState>);

impl Gauge {
    fn new(state: &Arc<AppState>) -> Gauge {
        state.metrics.connection_opened();
        Gauge(Arc::clone(state))
    }
}

impl Drop for Gauge {
    fn drop(&mut self) {
        self.0.metrics.connection_closed();
    }
}

/// The HTTPS configuration from PEM files: the certificate chain and its key, HTTP/1.1 by ALPN.
pub fn tls_acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let named = |e: &dyn std::fmt::Display| {
        format!(
            "TLS certificate {} / key {}: {e}",
            cert.display(),
            key.display()
        )
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| named(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| named(&e))?;
    if chain.is_empty() {
        return Err(named(&"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| named(&e))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| named(&e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Logs one line per `EVERY` for an event that can come in floods, with how many were left out.
struct Throttled {
    last: Mutex<Option<(Instant, u64)>>,
}

const EVERY: Duration = Duration::from_secs(10);

impl Throttled {
    const fn new() -> Throttled {
        Throttled {
            last: Mutex::new(None),
        }
    }

    /// `Some(left out since the last line)` when a line is due.
    fn due(&self) -> Option<u64> {
        let mut last = self.last.lock().ok()?;
        let now = Instant::now();
        match &mut *last {
            Some((at, skipped)) if now.duration_since(*at) < EVERY => {
                *skipped += 1;
                None
            }
            slot => {
                let skipped = slot.map_or(0, |(_, s)| s);
                *slot = Some((now, 0));
                Some(skipped)
            }
        }
    }
}

/// Serve `app` on `listener` (TLS with `tls`) until `stop` is cancelled, then wait for open
/// connections, at most [`DRAIN`]. In-flight HTTP connections are told to finish when the
/// state's shutdown token is cancelled.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    state: Arc<AppState>,
    stop: CancellationToken,
) {
    let limits = &state.config.limits;
    let conns = ConnLimits::new(limits.max_connections, limits.max_connections_per_client);
    let accept_failed = Throttled::new();
    let turned_away = Throttled::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.cancelled() => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                state.metrics.accept_error();
                if let Some(skipped) = accept_failed.due() {
                    tracing::warn!(error = %e, more = skipped, "accept failed");
                }
                // Out of descriptors, the connection stays queued: give others time to close.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let guard = match conns.try_acquire(peer.ip()) {
            Ok(g) => g,
            Err(full) => {
                state.metrics.connection_refused(full.label());
                if let Some(skipped) = turned_away.due() {
                    tracing::warn!(
                        client = %peer.ip(),
                        cap = full.label(),
                        open = conns.open(),
                        more = skipped,
                        "connection turned away: the cap is full"
                    );
                }
                turn_away(stream, tls.is_none(), full);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::new(ConnShared::new());
        let io = Tracked {
            stream,
            shared: Arc::clone(&shared),
            _guard: guard,
            _gauge: Gauge::new(&state),
        };
        tokio::spawn(connection(
            io,
            peer,
            shared,
            tls.clone(),
            app.clone(),
            Arc::clone(&state),
        ));
    }
    drop(listener);
    if !conns.wait_all_closed(DRAIN).await {
        tracing::info!(open = conns.open(), "stopping with connections still open");
    }
}

/// A connection over a cap: a one-line answer if it can be written at once, then close.
fn turn_away(stream: TcpStream, plain_http: bool, full: Full) {
    if plain_http {
        let body = match full {
            Full::PerClient => "too many connections from your address; close some and retry\n",
            Full::Total => "the relay has as many connections as it allows; retry shortly\n",
        };
        let response = format!(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
             content-length: {}\r\nretry-after: 5\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.try_write(response.as_bytes());
    }
}

async fn connection(
    io: Tracked,
    peer: SocketAddr,
    shared: Arc<ConnShared>,
    tls: Option<TlsAcceptor>,
    app: Router,
    state: Arc<AppState>,
) {
    let header = Duration::from_secs(state.config.limits.header_timeout_s);
    match tls {
        None => http(io, peer, shared, app, state).await,
        Some(acceptor) => match tokio::time::timeout(header, acceptor.accept(io)).await {
            Ok(Ok(stream)) => http(stream, peer, shared, app, state).await,
            Ok(Err(e)) => tracing::debug!(client = %peer.ip(), error = %e, "TLS handshake failed"),
            Err(_) => state.metrics.connection_timed_out("tls_handshake"),
        },
    }
}

/// HTTP/1.1 on one connection, upgrades included, under the header and idle deadlines.
async fn http<I>(
    io: I,
    peer: SocketAddr,
    shared: Arc<ConnShared>,
    app: Router,
    state: Arc<AppState>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = &state.config.limits;
    let header = Duration::from_secs(limits.header_timeout_s);
    let idle = Duration::from_secs(limits.idle_timeout_s);
    let handle = ConnHandle(Arc::clone(&shared));
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        req.extensions_mut().insert(handle.clone());
        app.clone().oneshot(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header)
        .keep_alive(true)
        .max_buf_size(MAX_BUF)
        .max_header_size(MAX_HEAD);
    let conn = builder
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut finishing = false;
    loop {
        tokio::select! {
            done = conn.as_mut() => {
                if let Err(e) = done {
                    if e.is_timeout() {
                        state.metrics.connection_timed_out("header_timeout");
                    }
                    tracing::debug!(client = %peer.ip(), error = %e, "connection ended");
                }
                return;
            }
            _ = tokio::time::sleep_until(shared.last_io() + idle) => {
                if shared.last_io() + idle <= Instant::now() {
                    state.metrics.connection_timed_out("idle_timeout");
                    return;
                }
            }
            _ = state.shutdown.cancelled(), if !finishing => {
                conn.as_mut().graceful_shutdown();
                finishing = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn per_client_and_total_caps() {
        let limits = ConnLimits::new(3, 2);
        let a1 = limits.try_acquire(ip("192.0.2.1")).expect("a1");
        let _a2 = limits.try_acquire(ip("::ffff:192.0.2.1")).expect("a2");
        assert_eq!(
            limits.try_acquire(ip("192.0.2.1")).err(),
            Some(Full::PerClient)
        );
        let _b1 = limits.try_acquire(ip("2001:db8::1")).expect("b1");
        assert_eq!(limits.open(), 3);
        assert_eq!(limits.try_acquire(ip("192.0.2.9")).err(), Some(Full::Total));
        drop(a1);
        assert_eq!(limits.open(), 2);
        // The same /64 is the same client.
        let _b2 = limits.try_acquire(ip("2001:db8::2")).expect("b2");
        assert_eq!(
            limits.try_acquire(ip("2001:db8::3")).err(),
            Some(Full::PerClient)
        );
    }

    #[tokio::test]
    async fn waiting_for_the_slots_to_come_back() {
        let limits = ConnLimits::new(2, 2);
        let held = limits.try_acquire(ip("192.0.2.1")).expect("held");
        assert!(!limits.wait_all_closed(Duration::from_millis(20)).await);
        drop(held);
        assert!(limits.wait_all_closed(Duration::from_millis(20)).await);
    }

    #[test]
    fn the_total_cap_fits_under_the_open_file_limit() {
        assert_eq!(fit_connections(4096, 1024, 32), 1024 - 64 - 128);
        assert_eq!(fit_connections(100, 1_048_576, 32), 100);
        assert_eq!(fit_connections(4096, 100, 32), 1);
    }

    #[test]
    fn flood_logging_is_throttled() {
        let t = Throttled::new();
        assert_eq!(t.due(), Some(0));
        assert_eq!(t.due(), None);
        assert_eq!(t.due(), None);
    }
}
