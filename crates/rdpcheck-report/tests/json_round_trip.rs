//! Whatever parses serialises back to the same value: a report, a stage message or a share link
//! read by the page (or any verifier) and written again keeps its numbers exactly.
//!
//! Regression for the round-trip property of the fuzz targets `wire_server_message` and
//! `share_link`: serde_json's default float parser is off by one ulp for some 17-digit
//! decimals, so `90958037488623577e-9` read as 90958037.48862359 wrote back as that text, which
//! read as 90958037.4886236. The crate now enables serde_json's `float_roundtrip`.

use rdpcheck_report::share;
use rdpcheck_report::wire::ServerMessage;
use rdpcheck_report::Report;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Decimals that the default (best-effort) parser reads one ulp off.
const HARD_NUMBERS: [&str; 4] = [
    "90958037488623577e-9",
    "99634467830471407e1",
    "97618421858289943e2",
    "93352519934700969e11",
];

fn assert_round_trip<T>(json: &str)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_str(json).expect("parses");
    let text = serde_json::to_string(&value).expect("serialises");
    let back: T = serde_json::from_str(&text).expect("parses again");
    assert_eq!(back, value, "{json}\nwritten as {text}");
}

#[test]
fn stage_messages_keep_their_numbers() {
    for n in HARD_NUMBERS {
        assert_round_trip::<ServerMessage>(&format!(
            r#"{{"type":"stage","state":"finished","name":"dns","at_ms":{n},"result":{{"name":"dns","status":"pass","duration_ms":{n},"summary":"s","details":{{"rtt_ms":{n}}}}}}}"#
        ));
    }
}

#[test]
fn reports_keep_their_numbers() {
    let all: serde_json::Value =
        serde_json::from_str(include_str!("data/v1_links.json")).expect("fixture is JSON");
    let link = all["healthy"].as_str().expect("fixture field");
    let report = share::decode(link).expect("the link decodes").report;
    let at = report.find(r#""duration_ms":"#).expect("a duration") + r#""duration_ms":"#.len();
    let end = at + report[at..].find([',', '}']).expect("a number");
    for n in HARD_NUMBERS {
        let edited = format!("{}{n}{}", &report[..at], &report[end..]);
        assert_round_trip::<Report>(&edited);
    }
}

/// A relay stamp from before `request_id` parses (as `None`) and is written back without it; a
/// stamp with one keeps it.
#[test]
fn relay_stamps_with_and_without_a_request_id() {
    use rdpcheck_report::RelayStamp;
    let old: RelayStamp =
        serde_json::from_str(r#"{"key_id":"k1","signed_at":"2026-01-01T00:00:00Z"}"#)
            .expect("an old stamp parses");
    assert_eq!(old.request_id, None);
    let text = serde_json::to_string(&old).expect("serialises");
    assert!(!text.contains("request_id"), "{text}");
    let new =
        r#"{"key_id":"k1","signed_at":"2026-01-01T00:00:00Z","request_id":"4f2a9c0d1e3b5a67"}"#;
    let stamp: RelayStamp = serde_json::from_str(new).expect("a new stamp parses");
    assert_eq!(stamp.request_id.as_deref(), Some("4f2a9c0d1e3b5a67"));
    assert_round_trip::<RelayStamp>(new);
}
