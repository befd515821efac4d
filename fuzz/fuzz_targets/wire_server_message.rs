#![no_main]
//! What the relay streams to the page (`wire::ServerMessage`, JSON text, read by the page's
//! `logic::session`), and the report inside a `report` message (`Report`, schema 1).
//!
//! The input is tried as a server message and, separately, as a report document, so the corpus
//! can hold real reports as they are (mutating a report escaped inside a JSON string is slow
//! going). Either must parse or be refused, never panic; whatever parses serialises to JSON that
//! parses back to the same value. For a `report` message the report text and the redacted copy's
//! are parsed as reports too, as the page does before showing one.

use libfuzzer_sys::fuzz_target;
use rdpcheck_report::wire::ServerMessage;
use rdpcheck_report::Report;
use serde::de::DeserializeOwned;
use serde::Serialize;

fuzz_target!(|data: &[u8]| {
    if let Some(message) = round_trip::<ServerMessage>(data) {
        if let ServerMessage::Report {
            report, redacted, ..
        } = &message
        {
            let _ = round_trip::<Report>(report.as_bytes());
            if let Some(redacted) = redacted {
                let _ = round_trip::<Report>(redacted.report.as_bytes());
            }
        }
    }
    let _ = round_trip::<Report>(data);
});

/// `T` from `json`, after checking that it survives serialising and parsing again.
fn round_trip<T>(json: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value = serde_json::from_slice::<T>(json).ok()?;
    let text = serde_json::to_string(&value).expect("a parsed value serialises");
    let back = serde_json::from_str::<T>(&text);
    assert_eq!(back.ok().as_ref(), Some(&value), "re-serialised as {text}");
    Some(value)
}
