#![no_main]
//! What a client sends the relay (`wire::ClientMessage`, JSON text, read by the relay's
//! `session::read_request`): any bytes parse or are refused, never panic, and an accepted message
//! serialises to JSON that parses back to the same message.

use libfuzzer_sys::fuzz_target;
use rdpcheck_report::wire::ClientMessage;

fuzz_target!(|data: &[u8]| {
    let Ok(message) = serde_json::from_slice::<ClientMessage>(data) else {
        return;
    };
    let text = serde_json::to_string(&message).expect("a parsed message serialises");
    let back = serde_json::from_str::<ClientMessage>(&text);
    assert_eq!(
        back.ok().as_ref(),
        Some(&message),
        "re-serialised as {text}"
    );
});
