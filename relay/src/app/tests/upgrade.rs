//! The probe WebSocket through `axum::serve` over in-memory pipes: the upgrade succeeds, and
//! refusals arrive in-band (one `error` message, then close 1008) as a browser sees them.

use std::future::pending;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rdpcheck_report::wire::ServerMessage;
use tokio::io::DuplexStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::*;
use crate::state::test_state;

/// Every wait in these tests.
const STEP: Duration = Duration::from_secs(10);

/// A listener whose connections are in-memory pipes handed over by the test.
struct MemoryListener(mpsc::UnboundedReceiver<DuplexStream>);

impl axum::serve::Listener for MemoryListener {
    type Io = DuplexStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (DuplexStream, SocketAddr) {
        match self.0.recv().await {
            Some(io) => (io, PEER),
            None => pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(SocketAddr::from(([127, 0, 0, 1], 8080)))
    }
}

/// The relay's router served over in-memory connections, stopped on drop.
struct MemoryRelay {
    connect: mpsc::UnboundedSender<DuplexStream>,
    server: tokio::task::JoinHandle<()>,
}

impl MemoryRelay {
    fn start(state: &Arc<AppState>) -> MemoryRelay {
        let (connect, accepted) = mpsc::unbounded_channel();
        let app = app(state);
        let server = tokio::spawn(async move {
            let _ = axum::serve(MemoryListener(accepted), app).await;
        });
        MemoryRelay { connect, server }
    }

    /// Open `/api/v1/probe{query}` with `headers`, send `request` (if any), and collect the
    /// session: the HTTP status of the upgrade, every text message, the close code.
    async fn session(
        &self,
        query: &str,
        headers: &[(header::HeaderName, &str)],
        request: Option<&str>,
    ) -> Session {
        let (client, server) = tokio::io::duplex(64 * 1024);
        self.connect.send(server).expect("relay running");
        let mut req = format!("ws://127.0.0.1:8080/api/v1/probe{query}")
            .into_client_request()
            .expect("client request");
        for (name, value) in headers {
            req.headers_mut()
                .insert(name.clone(), value.parse().expect("header value"));
        }
        let run = async {
            let (mut ws, resp) = tokio_tungstenite::client_async(req, client)
                .await
                .expect("upgrade");
            if let Some(text) = request {
                ws.send(Message::text(text)).await.expect("send request");
            }
            let mut texts = Vec::new();
            let mut close_code = None;
            while let Some(msg) = ws.next().await {
                match msg {
                    Ok(Message::Text(t)) => texts.push(t.to_string()),
                    Ok(Message::Close(frame)) => close_code = frame.map(|f| u16::from(f.code)),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            Session {
                status: resp.status().as_u16(),
                texts,
                close_code,
            }
        };
        tokio::time::timeout(STEP, run)
            .await
            .expect("session ends in time")
    }
}

impl Drop for MemoryRelay {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[derive(Debug)]
struct Session {
    status: u16,
    texts: Vec<String>,
    close_code: Option<u16>,
}

impl Session {
    /// The session's one message is an error with `code`, then close 1008; its message.
    fn error(&self, code: &str) -> String {
        assert_eq!(self.status, 101, "{self:?}");
        assert_eq!(self.texts.len(), 1, "{self:?}");
        assert_eq!(self.close_code, Some(1008), "{self:?}");
        match serde_json::from_str(&self.texts[0]).expect("a server message") {
            ServerMessage::Error { code: c, message } => {
                assert_eq!(c, code, "{self:?}");
                message
            }
            other => panic!("not an error: {other:?}"),
        }
    }
}

const LOOPBACK_PROBE: &str = r#"{"type":"probe","target":"127.0.0.1"}"#;

#[tokio::test]
async fn a_foreign_origin_is_refused_in_band_after_the_upgrade() {
    let state = test_state(|c| c.origins = vec!["http://helpdesk.example".into()]);
    let relay = MemoryRelay::start(&state);
    let evil = [(header::ORIGIN, "http://evil.example")];
    let message = relay.session("", &evil, None).await.error("origin.denied");
    assert_eq!(
        message,
        "pages from http://evil.example may not use this relay; its operator can allow them with \
         --origin"
    );
    // Refused even when the page sent its request at once.
    let s = relay.session("", &evil, Some(LOOPBACK_PROBE)).await;
    s.error("origin.denied");
    // The relay's own origin and a listed one get as far as the egress policy.
    for origin in ["http://127.0.0.1:8080", "http://helpdesk.example"] {
        let s = relay
            .session("", &[(header::ORIGIN, origin)], Some(LOOPBACK_PROBE))
            .await;
        s.error("policy.denied");
    }
    let metrics = state.metrics.render();
    assert!(
        metrics.contains("rdpcheck_refusals_total{reason=\"origin.denied\"} 2"),
        "{metrics}"
    );
}

#[tokio::test]
async fn token_auth_is_checked_in_band_after_the_upgrade() {
    let state = test_state(token_config);
    let relay = MemoryRelay::start(&state);
    let message = relay
        .session("", &[], Some(LOOPBACK_PROBE))
        .await
        .error("auth.required");
    assert!(message.contains("needs an access token"), "{message}");
    let message = relay
        .session("?token=wrong-token-0123456789", &[], Some(LOOPBACK_PROBE))
        .await
        .error("auth.required");
    assert_eq!(message, "the access token is not valid for this relay");
    let query = format!("?token={TOKEN}");
    relay
        .session(&query, &[], Some(LOOPBACK_PROBE))
        .await
        .error("policy.denied");
    let bearer = format!("Bearer {TOKEN}");
    relay
        .session(
            "",
            &[(header::AUTHORIZATION, &bearer)],
            Some(LOOPBACK_PROBE),
        )
        .await
        .error("policy.denied");
}

#[tokio::test]
async fn requests_refused_by_the_session_close_with_1008() {
    let state = test_state(|_| {});
    let relay = MemoryRelay::start(&state);
    let message = relay
        .session("", &[], Some(LOOPBACK_PROBE))
        .await
        .error("policy.denied");
    assert_eq!(
        message,
        "target: 127.0.0.1 is a loopback address (127.0.0.0/8). This relay's egress policy does \
         not allow it"
    );
    let message = relay
        .session("", &[], Some(r#"{"type":"probe"}"#))
        .await
        .error("input.invalid");
    assert!(
        message.starts_with("the request is not valid: "),
        "{message}"
    );
    let metrics = state.metrics.render();
    assert!(metrics.contains("rdpcheck_sessions 0"), "{metrics}");
}

#[tokio::test]
async fn a_rebound_name_is_refused_in_band_even_with_a_matching_origin() {
    let state = test_state(|_| {});
    let relay = MemoryRelay::start(&state);
    let rebound = [
        (header::HOST, "evil.example:8080"),
        (header::ORIGIN, "http://evil.example:8080"),
    ];
    let message = relay
        .session("", &rebound, Some(LOOPBACK_PROBE))
        .await
        .error("host.denied");
    assert!(
        message.starts_with("\"evil.example:8080\" is not a name this relay is served under"),
        "{message}"
    );
    // The relay's own names get as far as the egress policy.
    for (host, origin) in [
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("localhost:8080", "http://localhost:8080"),
    ] {
        relay
            .session(
                "",
                &[(header::HOST, host), (header::ORIGIN, origin)],
                Some(LOOPBACK_PROBE),
            )
            .await
            .error("policy.denied");
    }
    // The Origin is compared with the relay's names, not with the Host it came with.
    relay
        .session(
            "",
            &[(header::ORIGIN, "http://evil.example:8080")],
            Some(LOOPBACK_PROBE),
        )
        .await
        .error("origin.denied");
}

#[tokio::test]
async fn wrong_tokens_are_throttled_per_client() {
    let state = test_state(|c| {
        token_config(c);
        c.limits.failed_auth_per_minute = 3;
    });
    let relay = MemoryRelay::start(&state);
    for _ in 0..3 {
        let m = relay
            .session("?token=wrong-token-0123456789", &[], Some(LOOPBACK_PROBE))
            .await
            .error("auth.required");
        assert_eq!(m, "the access token is not valid for this relay");
    }
    // Now even the right token is not checked.
    let query = format!("?token={TOKEN}");
    let m = relay
        .session(&query, &[], Some(LOOPBACK_PROBE))
        .await
        .error("limit.rate");
    assert!(
        m.starts_with("too many wrong access tokens from your address; try again in "),
        "{m}"
    );
    // A missing token is not a wrong one: nothing was guessed.
    let state = test_state(|c| {
        token_config(c);
        c.limits.failed_auth_per_minute = 1;
    });
    let relay = MemoryRelay::start(&state);
    for _ in 0..3 {
        relay
            .session("", &[], Some(LOOPBACK_PROBE))
            .await
            .error("auth.required");
    }
    relay
        .session(&query, &[], Some(LOOPBACK_PROBE))
        .await
        .error("policy.denied");
}
