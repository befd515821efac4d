//! A stream wrapper that counts the bytes read, so a stalled TLS handshake can say how far it got.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How many bytes arrived, and the first few of them (to name what answered instead of TLS).
#[derive(Default)]
pub struct Seen {
    pub count: AtomicUsize,
    pub first: Mutex<Vec<u8>>,
}

const KEEP_FIRST: usize = 16;

pub struct Counting<S> {
    inner: S,
    seen: Arc<Seen>,
}

impl<S> Counting<S> {
    pub fn new(inner: S) -> (Self, Arc<Seen>) {
        let seen = Arc::new(Seen::default());
        (
            Counting {
                inner,
                seen: seen.clone(),
            },
            seen,
        )
    }

    /// The wrapped stream (to read its socket's kernel figures).
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl Seen {
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    pub fn first_bytes(&self) -> Vec<u8> {
        self.first.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counting<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        let added = &buf.filled()[before..];
        self.seen.count.fetch_add(added.len(), Ordering::Relaxed);
        if let Ok(mut first) = self.seen.first.lock() {
            let room = KEEP_FIRST.saturating_sub(first.len());
            first.extend(added.iter().take(room));
        }
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counting<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
