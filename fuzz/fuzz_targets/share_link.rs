#![no_main]
//! Share links (`share::decode_link`, then `share::report` and `share::verify` as the page does):
//! any fragment decodes or is refused, never panics, and never inflates past its limit (1 MiB
//! for a v1 link, 2 MiB for a v2 two-vantage link).
//!
//! Three readings of each input: as the fragment itself (`v1.<base64url(deflate(json))>` or
//! `v2.…`), and as the JSON inside a v1 and a v2 link, wrapped here (stored DEFLATE blocks), so
//! the fuzzer reaches the JSON without having to find valid DEFLATE streams first.
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
use rdpcheck_report::share::{self, Link, VantageLink};
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
    // The same JSON as a two-vantage (v2) link: {"local": "…", "relay": {…}}.
    let vantage_link = format!(
        "{}{}",
        share::VANTAGE_PREFIX,
        URL_SAFE_NO_PAD.encode(stored(data))
    );
    check(&vantage_link, known);
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
    match share::decode_link(fragment) {
        Ok(Link::Report(signed)) => check_v1(signed, known),
        Ok(Link::Vantage(link)) => check_v2(link, known),
        Err(_) => {}
    }
}

/// A two-vantage link: both halves read, the relay's verifies only as the relay signed it, and
/// it re-encodes to itself.
fn check_v2(link: VantageLink, known: &Known) {
    assert!(link.local.len() + link.relay.report.len() <= share::MAX_VANTAGE_BYTES);
    let _ = link.local_report();
    let _ = share::report(&link.relay);
    if share::verify(&link.relay, &known.public_key) {
        let pair = (link.relay.report.clone(), signature_bytes(&link.relay));
        assert!(
            known.pairs.contains(&pair),
            "a pair the relay never signed verifies: {link:?}"
        );
    }
    let again = share::encode_vantage(&link);
    assert_eq!(
        share::decode_link(&again),
        Ok(Link::Vantage(link)),
        "re-encoded as {again}"
    );
}

fn check_v1(signed: SignedReport, known: &Known) {
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
