//! The listener: one accept loop for plain HTTP and HTTPS (tokio-rustls), serving each
//! connection with hyper's HTTP/1.1 server, so every connection has the same caps and deadlines.
//!
//! - Caps: a connection is admitted only with a slot from [`ConnLimits`] (overall, and per client
//!   address: IPv4, or an IPv6 /64). The slot is held by the connection's I/O object, so it lasts
//!   as long as the socket, through a WebSocket upgrade. A connection over a cap is accepted and
//!   closed at once (plain HTTP: after a one-line 503), never left in the backlog: other clients
//!   keep being served, and the relay never runs out of file descriptors (at start the soft
//!   open-file limit is raised to the hard one and the overall cap lowered to fit under it).
//!   A trusted reverse proxy's connections (`trusted_proxies`) count only toward the overall cap.
//! - Deadlines: the TLS handshake and every request head (the first one, and each next one on a
//!   keep-alive connection) must arrive within `header_timeout_s`; an HTTP connection on which no
//!   byte moves either way for `idle_timeout_s` is closed (a client that stops reading a response
//!   or stalls in a body). After an upgrade the WebSocket session's own deadlines apply
//!   (`session.rs`: request, probe, every send).
//! - Shutdown: connections finish what they are doing and close; the loop waits for the slots to
//!   come back, at most [`DRAIN`].
//!
//! `caps.rs` holds the connection caps, `conn.rs` the I/O object each connection is served
//! through (its slot, the time bytes last moved), `http.rs` the HTTP/1.1 serving under the
//! header and idle deadlines, `tls.rs` the HTTPS configuration; this file is the accept loop.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

mod caps;
mod conn;
mod http;
mod tls;

#[cfg(test)]
mod tests;

pub use caps::{fit_connections, raise_nofile, ConnGuard, ConnLimits, Full};
pub use conn::ConnHandle;
pub use tls::tls_acceptor;

use conn::{ConnShared, Gauge, Tracked};
use http::http;

/// How long shutdown waits for open connections to close.
pub const DRAIN: Duration = Duration::from_secs(5);

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
        let proxied = crate::access::is_trusted(peer.ip(), &state.config.trusted_proxies);
        let acquired = if proxied {
            conns.try_acquire_proxied()
        } else {
            conns.try_acquire(peer.ip())
        };
        let guard = match acquired {
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
