//! Plain HTTP through `oneshot`: the page and its files, the JSON endpoints, metrics, 404s, and
//! what the probe endpoint answers without an upgrade.

use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::*;
use crate::app::asset_response;
use crate::assets::{self, Asset};
use crate::keys::RelayKey;
use crate::state::test_state;

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
    for file in assets::ASSETS {
        let (rel, bytes) = (file.path, file.raw);
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
        assert_eq!(body(resp).await, bytes, "{path}");
    }
}

#[tokio::test]
async fn compressed_copies_are_served_by_negotiation() {
    let state = test_state(|_| {});
    for file in assets::ASSETS.iter().filter(|f| f.br.is_some()) {
        let path = format!("/{}", file.path);
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
            "# TYPE rdpcheck_probe_verdicts_total counter",
            "# TYPE rdpcheck_limiter_hits_total counter",
            "# TYPE rdpcheck_stage_duration_seconds histogram",
            "# TYPE rdpcheck_probe_duration_seconds histogram",
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

async fn status_with_host(state: &Arc<AppState>, path: &str, host: &str) -> (StatusCode, String) {
    let request = Request::get(path)
        .header(header::HOST, host)
        .body(Body::empty())
        .expect("request");
    let resp = call(state, request).await;
    let status = resp.status();
    (
        status,
        String::from_utf8_lossy(&body(resp).await).into_owned(),
    )
}

#[tokio::test]
async fn a_loopback_relay_answers_only_to_its_own_names() {
    let state = test_state(|_| {});
    for path in ["/", "/healthz", "/api/v1/key", "/metrics", "/check"] {
        for host in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"] {
            let (status, _) = status_with_host(&state, path, host).await;
            assert_ne!(status, StatusCode::MISDIRECTED_REQUEST, "{path} {host}");
        }
        // A page whose own name was rebound to 127.0.0.1 sends that name.
        for host in ["evil.example:8080", "evil.example", "127.0.0.1:9999"] {
            let (status, text) = status_with_host(&state, path, host).await;
            assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{path} {host}");
            assert!(
                text.contains("is not a name this relay is served under"),
                "{text}"
            );
        }
    }
    // An absolute-form target names the host too.
    let request = Request::get("http://evil.example:8080/api/v1/key")
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        call(&state, request).await.status(),
        StatusCode::MISDIRECTED_REQUEST
    );
    let metrics = state.metrics.render();
    assert!(
        metrics.contains("rdpcheck_refusals_total{reason=\"host.denied\"} 16"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_relay_beyond_loopback_checks_the_host_for_the_api_only() {
    let state = test_state(|c| {
        c.listen = "0.0.0.0:8080".parse().expect("addr");
        c.public_urls =
            vec![
                crate::access::OwnName::from_public_url("https://rdpcheck.example.com")
                    .expect("url"),
            ];
    });
    for path in ["/", "/healthz", "/check"] {
        let (status, _) = status_with_host(&state, path, "other.example").await;
        assert_ne!(status, StatusCode::MISDIRECTED_REQUEST, "{path}");
    }
    for path in ["/api/v1/key", "/metrics"] {
        let (status, _) = status_with_host(&state, path, "other.example:8080").await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{path}");
        let (status, _) = status_with_host(&state, path, "rdpcheck.example.com").await;
        assert_eq!(status, StatusCode::OK, "{path} under the public URL");
        let (status, _) = status_with_host(&state, path, "localhost:8080").await;
        assert_eq!(status, StatusCode::OK, "{path} under localhost");
    }
}
