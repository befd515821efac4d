#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = rdpcheck_proto::rdpfile::parse(data) {
        let _ = file.target();
        let _ = file.security();
    }
});
