//! The session's side of the WebSocket, so that no send, wait or close can outlast its deadline.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use rdpcheck_report::wire::ServerMessage;
use tokio::time::Instant;

use crate::config;
use crate::reject::Reject;
use crate::server::ConnHandle;
use crate::state::AppState;

/// How long to wait for the client's close frame after ours.
const CLOSE_DRAIN: Duration = Duration::from_secs(2);

/// The session's side of the WebSocket: every send has a deadline (`write_timeout_s`, and never
/// past the session's end), so a client that stops reading cannot hold its probe slot. A send
/// that misses its deadline marks the client stalled; nothing more is sent to it.
pub struct Client {
    socket: WebSocket,
    pub(super) write_timeout: Duration,
    /// Set at admission: the probe's deadline plus one write timeout. No send or wait goes past it.
    pub(super) end: Option<Instant>,
    stalled: bool,
    conn: Option<ConnHandle>,
}

impl Client {
    pub fn new(socket: WebSocket, limits: &config::Limits, conn: Option<ConnHandle>) -> Client {
        Client {
            socket,
            write_timeout: Duration::from_secs(limits.write_timeout_s),
            end: None,
            stalled: false,
            conn,
        }
    }

    /// How long the next send (or wait) may take.
    fn budget(&self, at_most: Duration) -> Duration {
        match self.end {
            Some(end) => at_most.min(end.saturating_duration_since(Instant::now())),
            None => at_most,
        }
    }

    /// Send one frame within the budget; `false` if the client is gone or did not read in time.
    pub(super) async fn send_frame(&mut self, msg: Message) -> bool {
        if self.stalled {
            return false;
        }
        let budget = self.budget(self.write_timeout);
        match tokio::time::timeout(budget, self.socket.send(msg)).await {
            Ok(sent) => sent.is_ok(),
            Err(_) => {
                self.stalled = true;
                false
            }
        }
    }

    pub(super) async fn send(&mut self, msg: &ServerMessage) -> bool {
        match serde_json::to_string(msg) {
            Ok(text) => self.send_frame(Message::Text(text.into())).await,
            Err(_) => false,
        }
    }

    pub(super) async fn recv(&mut self) -> Option<Result<Message, axum::Error>> {
        self.socket.recv().await
    }

    /// Send a close frame, then read until the client's close arrives: dropping a socket with
    /// unread data makes the kernel reset it, and the reset can destroy the frames just sent.
    pub(super) async fn close(&mut self, code: u16, reason: &str) {
        let frame = Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from(reason.to_string()),
        }));
        if !self.send_frame(frame).await {
            return;
        }
        let budget = self.budget(CLOSE_DRAIN);
        let socket = &mut self.socket;
        let drain = async {
            while let Some(Ok(msg)) = socket.recv().await {
                if matches!(msg, Message::Close(_)) {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(budget, drain).await;
    }

    /// Tell the client why in one `error` message, then close (1008; 1001 when shutting down).
    pub(super) async fn refuse(&mut self, reject: &Reject) {
        if self.send(&reject.to_message()).await {
            self.close(reject.close_code(), reject.code).await;
        }
    }

    /// Count and log a client that stopped reading, and have its connection reset rather than
    /// left to the kernel with unsent data.
    pub(super) fn finish(&self, state: &AppState, client: IpAddr) {
        if !self.stalled {
            return;
        }
        state.metrics.write_timeout();
        if let Some(conn) = &self.conn {
            conn.reset_on_close();
        }
        tracing::warn!(
            client = %client,
            write_timeout_s = self.write_timeout.as_secs(),
            "the client stopped reading (a send missed its deadline): session closed, slot freed"
        );
    }
}
