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
use rdpcheck_report::wire::{error_code, PublicKeyInfo};
use tokio_util::sync::CancellationToken;

use crate::assets;
use crate::config::{Auth, Config};
use crate::keys::RelayKey;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::session::{self, Reject};

pub struct AppState {
    pub config: Config,
    pub policy: Policy,
    pub key: RelayKey,
    pub limits: Limits,
    pub metrics: Metrics,
    pub shutdown: CancellationToken,
    pub csp: String,
}

impl AppState {
    pub fn new(config: Config, key: RelayKey) -> AppState {
        let policy = Policy::new(
            config.preset,
            config.allow.clone(),
            config.deny.clone(),
            config.allow_ports.clone(),
        );
        AppState {
            limits: Limits::new(&config.limits),
            policy,
            key,
            metrics: Metrics::default(),
            shutdown: CancellationToken::new(),
            csp: assets::content_security_policy(),
            config,
        }
    }
}

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
    let refusal = check_origin(&state, &headers).or_else(|| check_token(&state, &headers, &query));
    ws.on_upgrade(move |socket| async move {
        match refusal {
            Some(r) => session::reject(socket, &state, r).await,
            None => session::run(socket, state, peer.ip()).await,
        }
    })
}

/// Same origin as the Host header, or listed with --origin. No Origin header: not a browser.
fn check_origin(state: &AppState, headers: &HeaderMap) -> Option<Reject> {
    let origin = headers
        .get(header::ORIGIN)?
        .to_str()
        .unwrap_or("")
        .trim_end_matches('/');
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let authority = origin.split_once("://").map(|(_, a)| a).unwrap_or("");
    if (!host.is_empty() && authority.eq_ignore_ascii_case(host))
        || state
            .config
            .origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
    {
        return None;
    }
    Some(Reject {
        code: error_code::ORIGIN_DENIED,
        message: format!(
            "pages from {origin} may not use this relay; its operator can allow them with --origin"
        ),
    })
}

fn check_token(
    state: &AppState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Option<Reject> {
    if state.config.auth != Some(Auth::Token) {
        return None;
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    let given = bearer.or(query.get("token").map(String::as_str));
    let ok = given.is_some_and(|g| {
        state
            .config
            .tokens
            .iter()
            .any(|t| constant_time_eq(t.as_bytes(), g.trim().as_bytes()))
    });
    if ok {
        return None;
    }
    Some(Reject {
        code: error_code::AUTH_REQUIRED,
        message: if given.is_some() {
            "the access token is not valid for this relay".into()
        } else {
            "this relay needs an access token (ask its operator); the page sends it as ?token="
                .into()
        },
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    let asset = match assets::get_encoded(path, accept) {
        Some(a) => a,
        None if assets::is_page_route(path) => assets::index_encoded(accept),
        None => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
    };
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
        if let Ok(v) = HeaderValue::from_str(&state.csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    resp
}
