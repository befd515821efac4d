//! Key rotation through the binary: `rdpcheck-relay keys rotate` retires the key, the restarted
//! relay signs with a new one and publishes the old one as retired in `/api/v1/keys`, where a
//! report signed before the rotation still verifies.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::harness::relay::relay_command;
use crate::harness::{public_key, Relay, RelayOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_signed_before_a_rotation_verifies_with_the_published_retired_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let key_file = dir.path().join("relay-signing.key");
    let old = SigningKey::from_bytes(&[5; 32]);
    std::fs::write(&key_file, URL_SAFE_NO_PAD.encode(old.to_bytes())).expect("write key");
    let before = "{\"a report\":\"signed before the rotation\"}";
    let signature = old.sign(before.as_bytes());

    let out = relay_command()
        .args(["keys", "rotate", "--key-file"])
        .arg(&key_file)
        .output()
        .expect("run keys rotate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("retired key"), "{stdout}");

    let relay = Relay::start(RelayOptions {
        key_file: Some(key_file.clone()),
        ..RelayOptions::default()
    })
    .await;
    let (current_id, current_key) = public_key(&relay).await;
    assert_ne!(
        current_key,
        URL_SAFE_NO_PAD.encode(old.verifying_key().to_bytes())
    );
    let set: serde_json::Value =
        serde_json::from_str(&relay.get("/api/v1/keys").await).expect("key set JSON");
    let keys = set["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2, "{set}");
    assert_eq!(keys[0]["key_id"], current_id.as_str(), "{set}");
    assert_eq!(keys[0]["status"], "current", "{set}");
    assert_eq!(keys[1]["status"], "retired", "{set}");
    assert!(keys[1]["retired_at"].is_string(), "{set}");
    let retired = URL_SAFE_NO_PAD
        .decode(keys[1]["public_key"].as_str().expect("public_key"))
        .expect("base64url");
    let retired = VerifyingKey::from_bytes(&<[u8; 32]>::try_from(retired.as_slice()).expect("32"))
        .expect("a key");
    assert!(retired.verify(before.as_bytes(), &signature).is_ok());
    // The current key does not verify it: the link needs the retired one.
    let current = URL_SAFE_NO_PAD.decode(&current_key).expect("base64url");
    let current = VerifyingKey::from_bytes(&<[u8; 32]>::try_from(current.as_slice()).expect("32"))
        .expect("a key");
    assert!(current
        .verify(
            before.as_bytes(),
            &Signature::from_bytes(&signature.to_bytes())
        )
        .is_err());
    let listed = relay_command()
        .args(["keys", "list", "--key-file"])
        .arg(&key_file)
        .output()
        .expect("run keys list");
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.starts_with(&format!("{current_id} current\n")),
        "{listed}"
    );
}
