//! The I/O object one connection is served through: it holds the connection's slot and gauge for
//! as long as the socket lives (through a WebSocket upgrade), and notes when bytes last moved
//! either way, which the idle deadline reads.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::ConnGuard;
use crate::state::AppState;

/// What a connection's I/O and the code serving it share: when bytes last moved, and whether to
/// reset the socket rather than close it (a client that stopped reading: its unsent data would
/// otherwise stay queued in the kernel).
pub(super) struct ConnShared {
    started: Instant,
    last_io_ms: AtomicU64,
    reset: AtomicBool,
}

impl ConnShared {
    pub(super) fn new() -> ConnShared {
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

    pub(super) fn last_io(&self) -> Instant {
        self.started + Duration::from_millis(self.last_io_ms.load(Ordering::Relaxed))
    }
}

/// A handle on the connection a request came in on (a request extension).
#[derive(Clone)]
pub struct ConnHandle(pub(super) Arc<ConnShared>);

impl ConnHandle {
    /// Reset the TCP connection (RST, unsent data dropped) when it closes.
    pub fn reset_on_close(&self) {
        self.0.reset.store(true, Ordering::Relaxed);
    }
}

/// The TCP stream of one connection: notes when bytes move, holds the connection's slot.
pub(super) struct Tracked {
    pub(super) stream: TcpStream,
    pub(super) shared: Arc<ConnShared>,
    pub(super) _guard: ConnGuard,
    pub(super) _gauge: Gauge,
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
pub(super) struct Gauge(Arc<AppState>);

impl Gauge {
    pub(super) fn new(state: &Arc<AppState>) -> Gauge {
        state.metrics.connection_opened();
        Gauge(Arc::clone(state))
    }
}

impl Drop for Gauge {
    fn drop(&mut self) {
        self.0.metrics.connection_closed();
    }
}
