//! Share links: `<relay>/r#v1.<payload>`, payload = base64url (no padding) of the raw DEFLATE of
//! the UTF-8 JSON of a [`SignedReport`]. The fragment never reaches a server.
//!
//! Two vantage points (`rdpcheck probe HOST --relay URL`): `<relay>/r#v2.<payload>`, the same
//! encoding of a [`VantageLink`] — the relay's signed report and the report from the user's
//! computer, which nobody signed. v1 links read exactly as before; [`decode_link`] reads both.
//!
//! Redaction happens before signing: the relay signs a redacted copy of every report too
//! ([`crate::redact`]), so a redacted link verifies like any other. Editing a link's report
//! afterwards breaks the signature, and the page says so.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::wire::SignedReport;
use crate::Report;

pub const PREFIX: &str = "v1.";
/// The prefix of a two-vantage link.
pub const VANTAGE_PREFIX: &str = "v2.";
/// A decoded link may not inflate beyond this (a hostile link must not eat the page's memory).
pub const MAX_REPORT_BYTES: usize = 1 << 20;
/// The same for a two-vantage link, which holds two reports.
pub const MAX_VANTAGE_BYTES: usize = 2 << 20;

/// What a `v2.` link holds: one check seen from two places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VantageLink {
    /// The report from the user's computer, as the CLI printed it (JSON text). Not signed: show
    /// it as "from the user's computer, not signed".
    pub local: String,
    /// The relay's report of the same check, signed as the relay sent it.
    pub relay: SignedReport,
}

impl VantageLink {
    /// The local report, parsed.
    pub fn local_report(&self) -> Result<Report, ShareError> {
        serde_json::from_str(&self.local).map_err(|e| ShareError::NotJson(e.to_string()))
    }
}

/// Any share link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// `v1.`: one report, signed by a relay (or, with key id `unsigned` and no signature, a
    /// report the CLI made).
    Report(SignedReport),
    /// `v2.`: the user's computer and a relay side by side.
    Vantage(VantageLink),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    UnknownVersion,
    NotBase64,
    NotDeflate,
    TooLarge,
    NotJson(String),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::UnknownVersion => f.write_str("the link does not start with v1. or v2."),
            ShareError::NotBase64 => f.write_str("the link is damaged (not base64url)"),
            ShareError::NotDeflate => f.write_str("the link is damaged (not compressed data)"),
            ShareError::TooLarge => f.write_str("the link holds more report than a page reads"),
            ShareError::NotJson(e) => write!(f, "the link does not hold a report: {e}"),
        }
    }
}

impl std::error::Error for ShareError {}

/// The fragment (without `#`) for a signed report.
pub fn encode(signed: &SignedReport) -> String {
    pack(PREFIX, &serde_json::to_vec(signed).unwrap_or_default())
}

/// The fragment (without `#`) for two vantage points.
pub fn encode_vantage(link: &VantageLink) -> String {
    pack(
        VANTAGE_PREFIX,
        &serde_json::to_vec(link).unwrap_or_default(),
    )
}

fn pack(prefix: &str, json: &[u8]) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(json, 9);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// Parse a v1 fragment (with or without a leading `#`).
pub fn decode(fragment: &str) -> Result<SignedReport, ShareError> {
    let body = fragment
        .trim_start_matches('#')
        .strip_prefix(PREFIX)
        .ok_or(ShareError::UnknownVersion)?;
    parse(&unpack(body, MAX_REPORT_BYTES)?)
}

/// Parse a v2 (two-vantage) fragment (with or without a leading `#`).
pub fn decode_vantage(fragment: &str) -> Result<VantageLink, ShareError> {
    let body = fragment
        .trim_start_matches('#')
        .strip_prefix(VANTAGE_PREFIX)
        .ok_or(ShareError::UnknownVersion)?;
    parse(&unpack(body, MAX_VANTAGE_BYTES)?)
}

/// Parse any fragment: v1 (one report) or v2 (two vantage points).
pub fn decode_link(fragment: &str) -> Result<Link, ShareError> {
    let trimmed = fragment.trim_start_matches('#');
    if trimmed.starts_with(VANTAGE_PREFIX) {
        decode_vantage(trimmed).map(Link::Vantage)
    } else {
        decode(trimmed).map(Link::Report)
    }
}

/// base64url → raw DEFLATE → UTF-8 text, at most `limit` bytes of it.
fn unpack(body: &str, limit: usize) -> Result<String, ShareError> {
    let deflated = URL_SAFE_NO_PAD
        .decode(body.trim())
        .map_err(|_| ShareError::NotBase64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, limit).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::NotDeflate,
        },
    )?;
    String::from_utf8(json).map_err(|e| ShareError::NotJson(e.to_string()))
}

/// As text: one JSON reader (serde_json's StrRead) for everything the page parses.
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ShareError> {
    serde_json::from_str(text).map_err(|e| ShareError::NotJson(e.to_string()))
}

/// Whether `signature` is a valid Ed25519 signature by `public_key` (32 bytes, base64url) over
/// the exact report text (strict: non-canonical and small-order keys and signatures fail).
#[cfg(feature = "verify")]
pub fn verify(signed: &SignedReport, public_key_b64: &str) -> bool {
    use ed25519_dalek::{Signature, VerifyingKey};
    let Ok(key) = URL_SAFE_NO_PAD.decode(public_key_b64) else {
        return false;
    };
    let Ok(key) = <[u8; 32]>::try_from(key.as_slice()) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&key) else {
        return false;
    };
    let Ok(sig) = URL_SAFE_NO_PAD.decode(&signed.signature) else {
        return false;
    };
    let Ok(sig) = <[u8; 64]>::try_from(sig.as_slice()) else {
        return false;
    };
    key.verify_strict(signed.report.as_bytes(), &Signature::from_bytes(&sig))
        .is_ok()
}

/// The report inside a signed message.
pub fn report(signed: &SignedReport) -> Result<Report, ShareError> {
    serde_json::from_str(&signed.report).map_err(|e| ShareError::NotJson(e.to_string()))
}

/// base64url without padding, the encoding of keys and signatures here.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The bytes of base64url without padding; `None` when it is not.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn signed(text: &str, key: &SigningKey) -> SignedReport {
        SignedReport {
            report: text.to_string(),
            signature: URL_SAFE_NO_PAD.encode(key.sign(text.as_bytes()).to_bytes()),
            key_id: "test".into(),
        }
    }

    #[cfg(feature = "verify")]
    #[test]
    fn round_trip_and_verify() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
        let s = signed("{\"schema\":1}", &key);
        let link = encode(&s);
        assert!(link.starts_with("v1."));
        let back = decode(&format!("#{link}")).expect("decodes");
        assert_eq!(back, s);
        assert!(verify(&back, &public));
        let mut tampered = back.clone();
        tampered.report = tampered.report.replace('1', "2");
        assert!(!verify(&tampered, &public));
        let other = URL_SAFE_NO_PAD.encode(
            SigningKey::from_bytes(&[8u8; 32])
                .verifying_key()
                .to_bytes(),
        );
        assert!(!verify(&back, &other));
    }

    /// A link the relay made (protocol v1, tests/data/share-v1.json) keeps verifying natively.
    #[cfg(feature = "verify")]
    #[test]
    fn a_v1_link_from_the_relay_verifies() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../tests/data/share-v1.json")).expect("fixture");
        let link = fixture["link"].as_str().expect("link");
        let public_key = fixture["key"]["public_key"].as_str().expect("key");
        let signed = decode(link.split_once('#').map_or(link, |x| x.1)).expect("decodes");
        assert!(verify(&signed, public_key));
        assert_eq!(report(&signed).expect("a report").schema, 1);
        let mut tampered = signed.clone();
        tampered.report.push(' ');
        assert!(!verify(&tampered, public_key));
    }

    #[cfg(feature = "verify")]
    #[test]
    fn a_vantage_link_round_trips_and_its_relay_half_verifies() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let public = URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes());
        let relay = signed("{\"schema\":1,\"relay\":{}}", &key);
        let link = VantageLink {
            local: "{\"schema\":1}".into(),
            relay: relay.clone(),
        };
        let fragment = encode_vantage(&link);
        assert!(fragment.starts_with("v2."), "{fragment}");
        assert_eq!(decode_vantage(&format!("#{fragment}")), Ok(link.clone()));
        assert_eq!(decode_link(&fragment), Ok(Link::Vantage(link.clone())));
        let Ok(Link::Vantage(back)) = decode_link(&format!("#{fragment}")) else {
            panic!("a vantage link");
        };
        assert!(verify(&back.relay, &public));
        // A v1 reader refuses it by its prefix, and a v2 reader refuses a v1 link.
        assert_eq!(decode(&fragment), Err(ShareError::UnknownVersion));
        let v1 = encode(&relay);
        assert_eq!(decode_vantage(&v1), Err(ShareError::UnknownVersion));
        assert_eq!(decode_link(&v1), Ok(Link::Report(relay)));
        // Both halves are needed.
        let half = format!(
            "v2.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
                b"{\"local\":\"{}\"}",
                6
            ))
        );
        assert!(matches!(decode_link(&half), Err(ShareError::NotJson(_))));
    }

    #[test]
    fn a_vantage_link_may_hold_two_reports_of_a_mebibyte_but_not_more() {
        let big = "x".repeat(MAX_REPORT_BYTES - 1000);
        let link = VantageLink {
            local: big.clone(),
            relay: SignedReport {
                report: big,
                signature: String::new(),
                key_id: "k".into(),
            },
        };
        assert_eq!(decode_vantage(&encode_vantage(&link)), Ok(link));
        let bomb = format!(
            "v2.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
                &vec![b' '; 3 << 20],
                9
            ))
        );
        assert_eq!(decode_link(&bomb), Err(ShareError::TooLarge));
    }

    #[test]
    fn damaged_links_are_named() {
        assert_eq!(decode("v3.abc"), Err(ShareError::UnknownVersion));
        assert_eq!(decode_link("v3.abc"), Err(ShareError::UnknownVersion));
        assert_eq!(decode_link("v2.***"), Err(ShareError::NotBase64));
        assert_eq!(decode("v1.***"), Err(ShareError::NotBase64));
        assert_eq!(decode("v1.AAAA"), Err(ShareError::NotDeflate));
        let not_json = format!(
            "v1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"hello", 6))
        );
        assert!(matches!(decode(&not_json), Err(ShareError::NotJson(_))));
        let bomb = format!(
            "v1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
                &vec![b' '; 2 << 20],
                9
            ))
        );
        assert_eq!(decode(&bomb), Err(ShareError::TooLarge));
    }
}
