#![no_main]
//! The typed-target grammar: any text (lossy UTF-8) must parse or be refused, never panic, and
//! an accepted target must print as something that parses back to itself.

use libfuzzer_sys::fuzz_target;
use rdpcheck_proto::target::{parse_host_port, TargetAddr};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_host_port(&text, None);
    if let Ok(t) = TargetAddr::parse(&text, Some(3389), None) {
        assert_eq!(t.to_string().parse::<TargetAddr>(), Ok(t));
    }
    let _ = TargetAddr::parse(&text, None, None);
});
