#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rdpcheck_proto::ntlm::parse_challenge(data);
});
