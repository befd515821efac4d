//! The real router, called in memory: `oneshot` for plain HTTP (`http.rs`), and `axum::serve`
//! over an in-memory listener for the WebSocket upgrade (`upgrade.rs`), so the refusals told
//! in-band are seen as a browser sees them. No socket, no child process; the `ws` suite covers
//! the binary.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Request};
use axum::response::Response;
use axum::Router;
use tower::ServiceExt;

use super::router;
use crate::config::{Auth, Config};
use crate::state::AppState;

mod downloads;
mod http;
mod keys;
mod upgrade;

const PEER: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 40000);
const TOKEN: &str = "router-test-token-0123456789";
/// The `Host` of a request to the test relay (the default configuration listens there).
const OWN_HOST: &str = "127.0.0.1:8080";

fn app(state: &Arc<AppState>) -> Router {
    router(state.clone()).layer(MockConnectInfo(PEER))
}

/// Call the router with `request`, which gets `Host: 127.0.0.1:8080` if it names no host.
async fn call(state: &Arc<AppState>, mut request: Request<Body>) -> Response {
    request
        .headers_mut()
        .entry(header::HOST)
        .or_insert(header::HeaderValue::from_static(OWN_HOST));
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
