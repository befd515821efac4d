#![no_main]
//! Share links (`share::decode`, then `share::report` and `share::verify` as the page does):
//! any fragment decodes or is refused, never panics, and never inflates past the 1 MiB limit.
//!
//! Two readings of each input: as the fragment itself (`v1.<base64url(deflate(json))>`), and as
//! the JSON inside one, wrapped into a link here (stored DEFLATE blocks), so the fuzzer reaches
//! the JSON without having to find valid DEFLATE streams first.
//!
//! Properties, besides not panicking:
//! - a link that decodes re-encodes (`share::encode`) to a link that decodes to the same value;
//! - `verify` with the key of the v1 fixtures (crates/rdpcheck-report/tests/data/v1_links.json)
//!   accepts only a report text and signature that relay actually signed: one of the fixtures'
//!   pairs. Any other accepted pair would be a forgery, i.e. a broken verifier.

use std::sync::LazyLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use rdpcheck_report::share;
use rdpcheck_report::wire::SignedReport;

const FIXTURES: &str = include_str!("../../crates/rdpcheck-report/tests/data/v1_links.json");

struct Known {
    public_key: String,
    /// (report text, signature bytes) of every fixture link.
    pairs: Vec<(String, Vec<u8>)>,
}

static KNOWN: LazyLock<Known> = LazyLock::new(|| {
    let fixtures: serde_json::Value = serde_json::from_str(FIXTURES).expect("v1_links.json");
    let text = |key: &str| fixtures[key].as_str().expect(key).to_string();
    let pairs = ["healthy", "healthy_redacted", "refused"]
        .iter()
        .map(|key| {
            let signed = share::decode(&text(key)).expect("a fixture link decodes");
            assert!(
                share::verify(&signed, &text("public_key")),
                "{key} verifies"
            );
            (signed.report.clone(), signature_bytes(&signed))
        })
        .collect();
    Known {
        public_key: text("public_key"),
        pairs,
    }
});

fn signature_bytes(signed: &SignedReport) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(&signed.signature)
        .unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let known = &*KNOWN;
    check(&String::from_utf8_lossy(data), known);
    let json_link = format!("{}{}", share::PREFIX, URL_SAFE_NO_PAD.encode(stored(data)));
    check(&json_link, known);
});

/// `data` as raw DEFLATE in stored (uncompressed) blocks: what `share::decode` inflates back to
/// `data`, without the cost of compressing on every run.
fn stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5 * (data.len() / 0xFFFF + 1));
    let mut blocks = data.chunks(0xFFFF).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        let len = block.len() as u16;
        out.push(u8::from(blocks.peek().is_none()));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out
}

fn check(fragment: &str, known: &Known) {
    let Ok(signed) = share::decode(fragment) else {
        return;
    };
    assert!(signed.report.len() <= share::MAX_REPORT_BYTES);
    let _ = share::report(&signed);
    if share::verify(&signed, &known.public_key) {
        let pair = (signed.report.clone(), signature_bytes(&signed));
        assert!(
            known.pairs.contains(&pair),
            "a pair the relay never signed verifies: {signed:?}"
        );
    }
    let link = share::encode(&signed);
    assert_eq!(
        share::decode(&link).as_ref(),
        Ok(&signed),
        "re-encoded as {link}"
    );
}
