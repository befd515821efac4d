//! The router: the page, the probe WebSocket, the public key, health and metrics.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rdpcheck_report::wire::PublicKeyInfo;

use crate::access::{self, Access, Caller};
use crate::assets::{self, Asset};
use crate::session;
use crate::state::AppState;

#[cfg(test)]
mod tests;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/v1/probe", get(probe))
        .route("/api/v1/key", get(key))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(get(page))
        .with_state(state)
}

async fn probe(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let max = state.config.limits.max_message_bytes;
    // A small read buffer: tungstenite's default (128 KiB, zero-filled) would be most of an idle
    // session's memory; requests are at most 8 KiB and the buffer grows if a frame needs it.
    let ws = ws
        .max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(4096);
    // Decided before the upgrade; told in-band, since browsers cannot read a refused upgrade's status.
    let access = access::check(
        &Access::from_config(&state.config),
        &Caller::from_request(&headers, &query),
    );
    ws.on_upgrade(move |socket| async move {
        match access {
            Err(r) => session::reject(socket, &state, r).await,
            Ok(()) => session::run(socket, state, peer.ip()).await,
        }
    })
}

async fn key(State(state): State<Arc<AppState>>) -> Json<PublicKeyInfo> {
    Json(PublicKeyInfo {
        key_id: state.key.key_id.clone(),
        algorithm: "Ed25519".into(),
        public_key: state.key.public_key_b64(),
    })
}

async fn healthz(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "key_id": state.key.key_id,
        "page_built": assets::built(),
        "policy": state.policy.describe(),
    }))
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

async fn page(State(state): State<Arc<AppState>>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match assets::get_encoded(path, accept) {
        Some(asset) => asset_response(asset, &state.csp),
        None if assets::is_page_route(path) => {
            asset_response(assets::index_encoded(accept), &state.csp)
        }
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// One file of the page with its type, caching and security headers; HTML also gets the CSP and
/// may not be framed.
fn asset_response(asset: Asset, csp: &str) -> Response {
    let mut resp = (StatusCode::OK, asset.body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(asset.cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = asset.encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    if asset.content_type.starts_with("text/html") {
        if let Ok(v) = HeaderValue::from_str(csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    resp
}
