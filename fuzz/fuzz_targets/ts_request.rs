#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rdpcheck_proto::credssp::frame_len(data);
    let _ = rdpcheck_proto::credssp::parse_ts_request(data);
});
