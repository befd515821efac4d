//! `/api/v1/keys`: the current key and the retired ones, with ids and status.

use super::*;
use axum::http::StatusCode;

use crate::keys::{RelayKey, RetiredKey};
use crate::state::test_state;

#[tokio::test]
async fn the_key_set_lists_the_current_then_the_retired_keys() {
    let mut state = test_state(|_| {});
    let old = RelayKey::from_seed([3; 32]);
    Arc::get_mut(&mut state).expect("unshared").retired = vec![RetiredKey {
        key_id: old.key_id.clone(),
        public_key: old.public_key_b64(),
        retired_at: "2026-01-02T03:04:05Z".into(),
    }];
    let resp = get(&state, "/api/v1/keys").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let key = RelayKey::from_seed([7; 32]);
    assert_eq!(
        json(resp).await,
        serde_json::json!({"keys": [
            {"key_id": key.key_id, "algorithm": "Ed25519", "public_key": key.public_key_b64(),
             "status": "current"},
            {"key_id": old.key_id, "algorithm": "Ed25519", "public_key": old.public_key_b64(),
             "status": "retired", "retired_at": "2026-01-02T03:04:05Z"},
        ]})
    );
    // /api/v1/key still answers the current key alone, as before.
    let v = json(get(&state, "/api/v1/key").await).await;
    assert_eq!(v["key_id"], key.key_id.as_str());
    assert!(v.get("status").is_none(), "{v}");
}
