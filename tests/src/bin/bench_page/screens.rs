//! The screens the bench loads, and the signed share link the shared-report screen opens.

/// One screen: name, path and query, the marks that say it is ready, and an element it must
/// show before it counts as loaded.
pub struct Screen {
    pub name: &'static str,
    pub path: String,
    pub marks: &'static [&'static str],
    pub ready: &'static str,
}

pub fn screens(shared_link: &str) -> Vec<Screen> {
    vec![
        Screen {
            name: "home",
            path: "/".into(),
            marks: &["rdpcheck:interactive"],
            ready: "main textarea",
        },
        Screen {
            name: "explain",
            path: "/explain?q=0x904%200x7".into(),
            marks: &["rdpcheck:interactive", "rdpcheck:kb"],
            ready: "ol.causes",
        },
        Screen {
            name: "shared report",
            path: shared_link.into(),
            marks: &["rdpcheck:interactive", "rdpcheck:kb", "rdpcheck:report"],
            ready: ".banner.ok",
        },
    ]
}

/// The recorded report the shared-report screen opens (real CLI output, web/tests/fixtures).
const SHARED_REPORT: &str = include_str!("../../../../web/tests/fixtures/xrdp-negotiate.json");
/// The relays' signing key for the run (a throwaway: the relay reads it from its key file).
pub const SEED: [u8; 32] = [42; 32];

/// `/r#v1.…`: the recorded report signed by the relays' key `key_id`, as the relay signs.
pub fn shared_link(key_id: &str) -> String {
    use ed25519_dalek::{Signer, SigningKey};
    use rdpcheck_report::share;
    let signature = SigningKey::from_bytes(&SEED).sign(SHARED_REPORT.as_bytes());
    let signed = rdpcheck_report::wire::SignedReport {
        report: SHARED_REPORT.to_string(),
        signature: share::base64url(&signature.to_bytes()),
        key_id: key_id.to_string(),
    };
    format!("/r#{}", share::encode(&signed))
}
