//! The real router, called in memory: `oneshot` for plain HTTP, and `axum::serve` over an
//! in-memory listener for the WebSocket upgrade (so the refusals told in-band are seen as a
//! browser sees them). No socket, no child process; the `ws` suite covers the binary.

use std::future::pending;
use std::net::SocketAddr;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use rdpcheck_report::wire::ServerMessage;
use tokio::io::DuplexStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tower::ServiceExt;

use super::*;
use crate::config::{Auth, Config};
use crate::keys::RelayKey;
use crate::state::test_state;

const PEER: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 40000);
const TOKEN: &str = "router-test-token-0123456789";
/// Every wait in these tests.
const STEP: Duration = Duration::from_secs(10);

fn app(state: &Arc<AppState>) -> Router {
    router(state.clone()).layer(MockConnectInfo(PEER))
}

async fn call(state: &Arc<AppState>, request: Request<Body>) -> Response {
    match app(state).oneshot(request).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    }
}

async fn get(state: &Arc<AppState>, path: &str) -> Response {
    call(
        state,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

async fn body(resp: Response) -> Vec<u8> {
    to_bytes(resp.into_body(), 1 << 26)
        .await
        .expect("body")
        .to_vec()
}

async fn json(resp: Response) -> serde_json::Value {
    serde_json::from_slice(&body(resp).await).expect("JSON body")
}

fn header_text(resp: &Response, name: header::HeaderName) -> &str {
    resp.headers()
        .get(&name)
        .map(|v| v.to_str().expect("text header"))
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn token_config(c: &mut Config) {
    c.auth = Some(Auth::Token);
    c.tokens = vec![TOKEN.to_string()];
}

#[tokio::test]
async fn healthz_names_version_key_page_and_policy() {
    let state = test_state(|_| {});
    let resp = get(&state, "/healthz").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header_text(&resp, header::CONTENT_TYPE), "application/json");
    let v = json(resp).await;
    assert_eq!(v["status"], "ok");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["key_id"], state.key.key_id.as_str());
    assert_eq!(v["page_built"], assets::built());
    assert_eq!(v["policy"], state.policy.describe().as_str());
    assert_eq!(v.as_object().map(|o| o.len()), Some(5), "{v}");
}

#[tokio::test]
async fn the_key_endpoint_publishes_the_signing_key() {
    let state = test_state(|_| {});
    let resp = get(&state, "/api/v1/key").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header_text(&resp, header::CONTENT_TYPE), "application/json");
    let v = json(resp).await;
    let key = RelayKey::from_seed([7; 32]);
    assert_eq!(
        v,
        serde_json::json!({
            "key_id": key.key_id,
            "algorithm": "Ed25519",
            "public_key": key.public_key_b64(),
        })
    );
    let raw = URL_SAFE_NO_PAD
        .decode(v["public_key"].as_str().expect("text"))
        .expect("base64url without padding");
    assert_eq!(raw.len(), 32);
    let id = URL_SAFE_NO_PAD.decode(&key.key_id).expect("key id");
    assert_eq!(id.len(), 9, "the key id is 9 bytes of the key's SHA-256");
}

/// What the page and every file of it carry.
fn assert_common_headers(resp: &Response, path: &str) {
    assert_eq!(
        header_text(resp, header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{path}"
    );
    assert_eq!(
        header_text(resp, header::REFERRER_POLICY),
        "no-referrer",
        "{path}"
    );
    assert_eq!(header_text(resp, header::VARY), "accept-encoding", "{path}");
}

#[tokio::test]
async fn page_routes_serve_the_page_with_its_csp() {
    let state = test_state(|_| {});
    let index = assets::index().body;
    for path in [
        "/",
        "/check",
        "/check?target=rdp.example.com",
        "/explain",
        "/kb",
        "/kb/",
        "/kb/server-certificate",
        "/r",
        "/r/",
        "/r/anything",
    ] {
        let resp = get(&state, path).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_text(&resp, header::CONTENT_TYPE),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(
            header_text(&resp, header::CONTENT_SECURITY_POLICY),
            state.csp,
            "{path}"
        );
        assert_eq!(
            header_text(&resp, header::X_FRAME_OPTIONS),
            "DENY",
            "{path}"
        );
        assert_eq!(
            header_text(&resp, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        assert_common_headers(&resp, path);
        assert!(
            resp.headers().get(header::CONTENT_ENCODING).is_none(),
            "{path}"
        );
        assert_eq!(body(resp).await, index, "{path}");
    }
    for part in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            state.csp.contains(part),
            "{part} missing from {}",
            state.csp
        );
    }
}

#[tokio::test]
async fn unknown_paths_and_assets_are_404() {
    let state = test_state(|_| {});
    for path in [
        "/nope",
        "/kbx",
        "/checks",
        "/api",
        "/api/v1",
        "/api/v1/nope",
        "/api/v1/key/extra",
        "/healthz/",
        "/missing-0123abcd.wasm",
        "/style.css.map",
        "/index.html.br",
        "/index.html.gz",
    ] {
        let resp = get(&state, path).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body(resp).await, b"not found\n", "{path}");
    }
}

#[tokio::test]
async fn only_get_is_answered() {
    let state = test_state(|_| {});
    for path in [
        "/",
        "/healthz",
        "/api/v1/key",
        "/api/v1/probe",
        "/metrics",
        "/nope",
    ] {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .body(Body::empty())
            .expect("request");
        let resp = call(&state, request).await;
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED, "POST {path}");
    }
}

/// Every embedded file as the router serves it. Without a built page (web/dist) there are no
/// files, and `asset_headers_by_kind` below covers the headers.
#[tokio::test]
async fn every_embedded_file_is_served_with_its_headers() {
    let state = test_state(|_| {});
    for (rel, bytes) in assets::ASSETS {
        if rel.ends_with(".br") || rel.ends_with(".gz") {
            continue;
        }
        let path = format!("/{rel}");
        let resp = get(&state, &path).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_common_headers(&resp, &path);
        let html = header_text(&resp, header::CONTENT_TYPE).starts_with("text/html");
        assert_eq!(
            resp.headers().contains_key(header::CONTENT_SECURITY_POLICY),
            html,
            "{path}"
        );
        assert_eq!(
            resp.headers().contains_key(header::X_FRAME_OPTIONS),
            html,
            "{path}"
        );
        assert_eq!(body(resp).await, *bytes, "{path}");
    }
}

#[tokio::test]
async fn compressed_copies_are_served_by_negotiation() {
    let state = test_state(|_| {});
    for (rel, _) in assets::ASSETS {
        let Some(plain) = rel.strip_suffix(".br") else {
            continue;
        };
        let path = format!("/{plain}");
        let request = Request::get(&path)
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .body(Body::empty())
            .expect("request");
        let resp = call(&state, request).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(header_text(&resp, header::CONTENT_ENCODING), "br", "{path}");
        assert_common_headers(&resp, &path);
    }
}

#[test]
fn asset_headers_by_kind() {
    let script = Asset {
        body: b"console.log(1)",
        content_type: "text/javascript; charset=utf-8",
        cache: "public, max-age=31536000, immutable",
        encoding: Some("br"),
    };
    let resp = asset_response(script, "default-src 'none'");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        header_text(&resp, header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        header_text(&resp, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header_text(&resp, header::CONTENT_ENCODING), "br");
    assert_common_headers(&resp, "script");
    assert!(!resp.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    assert!(!resp.headers().contains_key(header::X_FRAME_OPTIONS));

    let html = Asset {
        body: b"<!doctype html>",
        content_type: "text/html; charset=utf-8",
        cache: "no-cache",
        encoding: None,
    };
    let resp = asset_response(html, "default-src 'none'");
    assert_eq!(
        header_text(&resp, header::CONTENT_SECURITY_POLICY),
        "default-src 'none'"
    );
    assert_eq!(header_text(&resp, header::X_FRAME_OPTIONS), "DENY");
    assert!(!resp.headers().contains_key(header::CONTENT_ENCODING));
    assert_common_headers(&resp, "html");
}

#[tokio::test]
async fn metrics_are_prometheus_text_and_need_no_token() {
    // Token auth guards the probe WebSocket only; /metrics, /healthz and the key stay open.
    for state in [test_state(|_| {}), test_state(token_config)] {
        let resp = get(&state, "/metrics").await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            header_text(&resp, header::CONTENT_TYPE),
            "text/plain; version=0.0.4"
        );
        let text = String::from_utf8(body(resp).await).expect("text");
        for line in [
            "# TYPE rdpcheck_sessions gauge",
            "rdpcheck_sessions 0",
            "# TYPE rdpcheck_probes_total counter",
            "# TYPE rdpcheck_refusals_total counter",
            "# TYPE rdpcheck_stage_duration_seconds summary",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line:?} missing from {text}"
            );
        }
        for path in ["/healthz", "/api/v1/key"] {
            assert_eq!(get(&state, path).await.status(), StatusCode::OK, "{path}");
        }
    }
}

fn websocket_headers(path: &str) -> axum::http::request::Builder {
    Request::get(path)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
}

#[tokio::test]
async fn the_probe_endpoint_needs_a_websocket_upgrade() {
    let state = test_state(|_| {});
    let resp = get(&state, "/api/v1/probe").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // Origin and token are told in-band after an upgrade; without one the answer is the same.
    let request = Request::get("/api/v1/probe")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        call(&state, request).await.status(),
        StatusCode::BAD_REQUEST
    );
    let request = Request::get("/api/v1/probe")
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "h2c")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        call(&state, request).await.status(),
        StatusCode::BAD_REQUEST
    );
    // A complete upgrade request over a connection that cannot be upgraded (as `oneshot` is).
    let request = websocket_headers("/api/v1/probe")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        call(&state, request).await.status(),
        StatusCode::UPGRADE_REQUIRED
    );
}

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
