//! `LoopbackServer`: the accept loop the in-process fakes share (the fault server, the closing
//! TLS front door). It binds 127.0.0.1 on a free port, counts the connections it accepts, serves
//! each one on its own task with the caller's handler, and stops, dropping every connection, on
//! drop.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A TCP server on 127.0.0.1:<port> that runs `handler(stream)` for every connection.
#[derive(Debug)]
pub struct LoopbackServer {
    pub port: u16,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl LoopbackServer {
    /// Bind 127.0.0.1:0 and serve on the current tokio runtime. `what` names the server in the
    /// panic when it cannot bind.
    pub async fn spawn<H, F>(what: &str, handler: H) -> LoopbackServer
    where
        H: Fn(TcpStream) -> F + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap_or_else(|e| panic!("bind {what}: {e}"));
        LoopbackServer::serve(listener, handler)
    }

    /// Serve on a listener the caller bound (e.g. on an address inside a network namespace,
    /// [`crate::netns::NetNs::enter`]), on the current tokio runtime.
    pub fn spawn_on<H, F>(what: &str, listener: std::net::TcpListener, handler: H) -> LoopbackServer
    where
        H: Fn(TcpStream) -> F + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        listener
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("{what}: non-blocking listener: {e}"));
        let listener =
            TcpListener::from_std(listener).unwrap_or_else(|e| panic!("{what}: listener: {e}"));
        LoopbackServer::serve(listener, handler)
    }

    fn serve<H, F>(listener: TcpListener, handler: H) -> LoopbackServer
    where
        H: Fn(TcpStream) -> F + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let port = listener.local_addr().expect("local_addr").port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            // Connection tasks live in the set: aborting this task drops the set, which aborts them.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    res = listener.accept() => match res {
                        Ok((stream, _)) => {
                            counter.fetch_add(1, Ordering::SeqCst);
                            connections.spawn(handler(stream));
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                    },
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        LoopbackServer {
            port,
            accepted,
            task,
        }
    }

    /// How many TCP connections were accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
