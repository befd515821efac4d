#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Use the datagram's own first word as our ISN too, so the SYN+ACK path is reachable.
    let isn = data
        .get(..4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let _ = rdpcheck_proto::rdpudp::parse_reply(data, isn);
    let _ = rdpcheck_proto::rdpudp::parse_reply(data, isn.wrapping_add(1));
});
