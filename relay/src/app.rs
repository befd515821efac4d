//! The router: the page, the probe WebSocket, the public key (and the key set), health and metrics; and the `Host`
//! check in front of them (see `access.rs`): the API (`/api/…`, `/metrics`) always answers only
//! to the relay's own names (`421 Misdirected Request` otherwise; the WebSocket upgrade is
//! refused in-band, `host.denied`); the page and `/healthz` do too when the relay listens on
//! loopback. A relay listening beyond loopback serves the page under any name: it is public,
//! static content, and an operator who reaches it under a name the relay was not told about
//! (an address it does not know, a proxy's name) then reads why the check is refused instead of
//! a blank error; DNS rebinding gains nothing from reading it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use rdpcheck_report::wire::{error_code, KeySet, PublicKeyInfo, KEY_CURRENT, KEY_RETIRED};
use tracing::Instrument;

use crate::access::{self, Caller};
use crate::assets::{self, Asset};
use crate::reject::Reject;
use crate::server::ConnHandle;
use crate::session;
use crate::state::AppState;

#[cfg(test)]
mod tests;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/v1/probe", get(probe))
        .route("/api/v1/key", get(key))
        .route("/api/v1/keys", get(keys))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/downloads", get(downloads))
        .route("/downloads/", get(downloads))
        .route("/downloads/{name}", get(download))
        .fallback(get(page))
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .with_state(state)
}

/// `GET /downloads/`: the files offered (name, size, SHA-256), `{"files": []}` when none are.
async fn downloads(State(state): State<Arc<AppState>>) -> Response {
    let body = serde_json::json!({ "files": state.downloads.files });
    (
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        Json(body),
    )
        .into_response()
}

/// `GET /downloads/<name>`: one offered file, as an attachment; any other name is 404 (only
/// names from the listing are looked up, so no request path reaches the file system).
async fn download(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    let Some(entry) = state.downloads.get(&name) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "no such download\n",
        )
            .into_response();
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", entry.name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let etag = HeaderValue::from_str(&format!("\"{}\"", entry.sha256))
        .unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::ETAG, etag),
        ],
        entry.bytes.clone(),
    )
        .into_response()
}

/// Refuse a request whose `Host` (or absolute-form target) is not one of the relay's names, for
/// the routes that check it. The WebSocket upgrade passes: `probe` tells that refusal in-band.
async fn check_host(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/") || path == "/metrics";
    if !(api || state.check_page_host) {
        return next.run(request).await;
    }
    if path == "/api/v1/probe" && request.headers().contains_key(header::UPGRADE) {
        return next.run(request).await;
    }
    let none = HashMap::new();
    let caller = Caller::from_request(request.headers(), request.uri(), &none);
    match access::check_request_host(&state.access(), &caller) {
        Ok(()) => next.run(request).await,
        Err(r) => {
            state.metrics.refusal(r.code);
            (
                StatusCode::MISDIRECTED_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{}\n", r.message),
            )
                .into_response()
        }
    }
}

async fn probe(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    conn: Option<Extension<ConnHandle>>,
    headers: HeaderMap,
    uri: Uri,
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
    // Behind a trusted reverse proxy the client is the address it names: limits and logs see it.
    let client = access::client_address(peer.ip(), &headers, &state.config.trusted_proxies);
    if client != peer.ip().to_canonical() {
        tracing::debug!(client = %client, proxy = %peer.ip(), "client named by a trusted proxy");
    }
    let decision = decide(
        &state,
        client,
        &Caller::from_request(&headers, &uri, &query),
    );
    let conn = conn.map(|Extension(c)| c);
    let request_id = session::request_id();
    let span = tracing::info_span!("session", request_id = %request_id);
    ws.on_upgrade(move |socket| {
        async move {
            match decision {
                Err(r) => session::reject(socket, &state, client, conn, r).await,
                Ok(()) => session::run(socket, state, client, conn, request_id).await,
            }
        }
        .instrument(span)
    })
}

/// The access checks in order (host, origin, token), with the token check throttled per client:
/// a client whose wrong tokens used up its `failed_auth_per_minute` is refused without a check.
fn decide(state: &AppState, client: IpAddr, caller: &Caller<'_>) -> Result<(), Reject> {
    let access = state.access();
    access::check_request_host(&access, caller)?;
    access::check_origin(&access, caller.origin)?;
    if access.auth != Some(crate::config::Auth::Token) {
        return Ok(());
    }
    let now = Instant::now();
    if let Some(wait) = state.limits.auth_throttled(client, now) {
        state.metrics.limiter_hit("failed_auth");
        tracing::warn!(client = %client, "token not checked: too many wrong tokens from this address");
        return Err(Reject::new(
            error_code::LIMIT_RATE,
            format!(
                "too many wrong access tokens from your address; try again in {} s",
                wait.as_secs().max(1)
            ),
        ));
    }
    let checked = access::check_token(&access, caller.authorization, caller.query_token);
    if let Err(r) = &checked {
        if access::is_wrong_token(r) {
            state.limits.auth_failed(client, now);
            tracing::warn!(client = %client, "wrong access token");
        }
    }
    checked
}

/// `GET /api/v1/key`: the current key, as before key sets existed (no `status`).
async fn key(State(state): State<Arc<AppState>>) -> Json<PublicKeyInfo> {
    Json(PublicKeyInfo {
        key_id: state.key.key_id.clone(),
        algorithm: "Ed25519".into(),
        public_key: state.key.public_key_b64(),
        status: None,
        retired_at: None,
    })
}

/// `GET /api/v1/keys`: the current key, then the retired ones (they verify older links).
async fn keys(State(state): State<Arc<AppState>>) -> Json<KeySet> {
    let current = PublicKeyInfo {
        key_id: state.key.key_id.clone(),
        algorithm: "Ed25519".into(),
        public_key: state.key.public_key_b64(),
        status: Some(KEY_CURRENT.into()),
        retired_at: None,
    };
    let retired = state.retired.iter().map(|r| PublicKeyInfo {
        key_id: r.key_id.clone(),
        algorithm: "Ed25519".into(),
        public_key: r.public_key.clone(),
        status: Some(KEY_RETIRED.into()),
        retired_at: Some(r.retired_at.clone()),
    });
    Json(KeySet {
        keys: std::iter::once(current).chain(retired).collect(),
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
