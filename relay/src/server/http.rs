//! HTTP/1.1 on one connection (hyper), upgrades included, under the header and idle deadlines:
//! every request head within `header_timeout_s`, and no connection on which no byte moves for
//! `idle_timeout_s`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tower::ServiceExt;

use super::conn::{ConnHandle, ConnShared};
use crate::state::AppState;

/// A connection's read and write buffers grow at most to this (hyper's default is ~400 KiB).
const MAX_BUF: usize = 64 * 1024;
/// The largest request head (431 beyond it); browsers send a few KiB.
const MAX_HEAD: usize = 32 * 1024;

/// HTTP/1.1 on one connection, upgrades included, under the header and idle deadlines.
pub(super) async fn http<I>(
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
