//! The probe WebSocket: connect with headers, send, and collect what the relay sends until the
//! close.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{SESSION, STEP};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Open the probe WebSocket with extra request headers.
pub async fn connect(url: &str, headers: &[(&str, &str)]) -> Ws {
    let mut request = url.into_client_request().expect("ws request");
    for (name, value) in headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName =
            name.parse().expect("header name");
        request
            .headers_mut()
            .insert(name, HeaderValue::from_str(value).expect("header value"));
    }
    let (ws, _) = tokio::time::timeout(STEP, tokio_tungstenite::connect_async(request))
        .await
        .unwrap_or_else(|_| panic!("WebSocket upgrade to {url} timed out"))
        .unwrap_or_else(|e| panic!("WebSocket upgrade to {url}: {e}"));
    ws
}

/// Everything the relay sent on one connection.
#[derive(Debug)]
pub struct Session {
    /// Text messages, raw, in order.
    pub texts: Vec<String>,
    /// The close frame's code, if a close frame arrived.
    pub close_code: Option<u16>,
    /// A read error that ended the session instead of a close frame.
    pub error: Option<String>,
}

impl Session {
    pub fn json(&self) -> Vec<serde_json::Value> {
        self.texts
            .iter()
            .map(|t| serde_json::from_str(t).unwrap_or_else(|e| panic!("not JSON ({e}): {t}")))
            .collect()
    }

    /// Assert the session was exactly one error message with `code` and then close `close`;
    /// returns the message text.
    pub fn expect_error_with_close(&self, code: &str, close: u16) -> String {
        let msgs = self.json();
        assert_eq!(
            msgs.len(),
            1,
            "expected one {code} error, got {:#?}",
            self.texts
        );
        let m = &msgs[0];
        assert_eq!(m["type"], "error", "{m}");
        assert_eq!(m["code"], code, "{m}");
        assert_eq!(
            self.close_code,
            Some(close),
            "close code after {code}: {self:?}"
        );
        let message = m["message"].as_str().expect("message is a string");
        assert!(!message.trim().is_empty(), "empty message: {m}");
        message.to_string()
    }

    /// One error message with `code`, then close 1008; returns the message text.
    pub fn expect_error(&self, code: &str) -> String {
        self.expect_error_with_close(code, 1008)
    }
}

/// Read until the close frame (or the end of the stream), each read bounded.
/// Any stream: also a WebSocket over TLS the test opened itself (`proxy.rs`).
pub async fn collect<S>(ws: &mut WebSocketStream<S>) -> Session
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let deadline = Instant::now() + SESSION;
    let mut session = Session {
        texts: Vec::new(),
        close_code: None,
        error: None,
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let next = match tokio::time::timeout(left.min(STEP), ws.next()).await {
            Ok(next) => next,
            Err(_) => panic!("no message or close within the time limit; so far: {session:#?}"),
        };
        match next {
            None => break,
            Some(Err(e)) => {
                session.error = Some(e.to_string());
                break;
            }
            Some(Ok(Message::Text(text))) => session.texts.push(text.to_string()),
            Some(Ok(Message::Close(frame))) => {
                session.close_code = frame.map(|f| u16::from(f.code));
                // Let tungstenite answer the close; the stream then ends.
                let _ = tokio::time::timeout(Duration::from_secs(2), async {
                    while let Some(Ok(_)) = ws.next().await {}
                })
                .await;
                break;
            }
            Some(Ok(_)) => {}
        }
    }
    session
}

/// Send one text message.
pub async fn send_text<S>(ws: &mut WebSocketStream<S>, text: &str)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tokio::time::timeout(STEP, ws.send(Message::text(text.to_string())))
        .await
        .expect("send timed out")
        .expect("send");
}

/// Connect (with `headers`), send `request`, collect the whole session.
pub async fn session(url: &str, headers: &[(&str, &str)], request: &str) -> Session {
    let mut ws = connect(url, headers).await;
    send_text(&mut ws, request).await;
    collect(&mut ws).await
}

/// A probe request for `target` as JSON text.
pub fn probe_request(target: &str) -> String {
    serde_json::json!({"type": "probe", "target": target}).to_string()
}

/// A probe of 127.0.0.1:`port` without stability samples or UDP: against a closed port it
/// finishes at once with `tcp.refused` (a test spends rate budgets quickly), against a silent
/// or stalling server it holds its slot.
pub fn quick_probe(port: u16) -> String {
    serde_json::json!({
        "type": "probe",
        "target": format!("127.0.0.1:{port}"),
        "samples": 0,
        "udp": false,
    })
    .to_string()
}

/// Wait for the next text message (bounded) and parse it.
pub async fn next_json(ws: &mut Ws) -> serde_json::Value {
    loop {
        match tokio::time::timeout(STEP, ws.next()).await {
            Err(_) => panic!("no message within {STEP:?}"),
            Ok(Some(Ok(Message::Text(text)))) => {
                return serde_json::from_str(&text).expect("message is JSON")
            }
            Ok(Some(Ok(Message::Close(frame)))) => panic!("closed early: {frame:?}"),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => panic!("read: {e}"),
            Ok(None) => panic!("the stream ended"),
        }
    }
}
