//! `/downloads/`: the listing with SHA-256, one file as an attachment, and nothing else of the
//! folder (no hidden files, no traversal, no unknown names).

use axum::http::StatusCode;

use super::*;
use crate::downloads::Downloads;

fn state_with(dir: &std::path::Path) -> Arc<AppState> {
    let state = crate::state::test_state(|_| {});
    let mut state = Arc::try_unwrap(state).unwrap_or_else(|_| panic!("one owner"));
    state.downloads = Downloads::scan(dir).expect("scan");
    Arc::new(state)
}

#[tokio::test]
async fn lists_and_serves_the_offered_files() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("rdpcheck-windows-x86_64.exe"), b"MZ fake").expect("write");
    std::fs::write(dir.path().join("SHA256SUMS"), b"sums\n").expect("write");
    std::fs::write(dir.path().join(".secret"), b"no").expect("write");
    let state = state_with(dir.path());

    let resp = get(&state, "/downloads/").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header_text(&resp, header::CONTENT_TYPE), "application/json");
    let v = json(resp).await;
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "{v}");
    assert_eq!(files[1]["name"], "rdpcheck-windows-x86_64.exe");
    assert_eq!(files[1]["size"], 7);
    let sha = files[1]["sha256"].as_str().expect("sha256");
    assert_eq!(sha.len(), 64);
    assert!(sha
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(get(&state, "/downloads").await.status(), StatusCode::OK);

    let resp = get(&state, "/downloads/rdpcheck-windows-x86_64.exe").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        header_text(&resp, header::CONTENT_TYPE),
        "application/octet-stream"
    );
    assert_eq!(
        header_text(&resp, header::CONTENT_DISPOSITION),
        "attachment; filename=\"rdpcheck-windows-x86_64.exe\""
    );
    assert_eq!(
        header_text(&resp, header::ETAG),
        format!("\"{}\"", files[1]["sha256"].as_str().unwrap_or_default())
    );
    assert_eq!(body(resp).await, b"MZ fake");

    for path in [
        "/downloads/.secret",
        "/downloads/..%2f..%2fetc%2fpasswd",
        "/downloads/../Cargo.toml",
        "/downloads/missing.exe",
    ] {
        let resp = get(&state, path).await;
        assert_ne!(resp.status(), StatusCode::OK, "{path}");
        assert!(body(resp).await != b"no", "{path}");
    }
}

#[tokio::test]
async fn no_folder_offers_nothing() {
    let state = crate::state::test_state(|_| {});
    let v = json(get(&state, "/downloads/").await).await;
    assert_eq!(v, serde_json::json!({"files": []}));
    assert_eq!(
        get(&state, "/downloads/rdpcheck.exe").await.status(),
        StatusCode::NOT_FOUND
    );
}
