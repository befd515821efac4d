//! Every decoder returns (Ok or Err) on any input: real transcripts, every prefix of them,
//! single-byte mutations at every position, and a deterministic pseudo-random corpus.
//! A panic (index, unwrap, arithmetic overflow in debug builds) fails the test.

use rdpcheck_proto::{credssp, ntlm, tls_hello, tpkt, x224};

const FIXTURES: &[&[u8]] = &[
    include_bytes!("data/xrdp_negotiate_cc_0x0b.bin"),
    include_bytes!("data/xrdp_negotiate_cc_0x02.bin"),
    include_bytes!("data/xrdp_tls10_cc_0x01.bin"),
    include_bytes!("data/shadow_nla_cc_0x0b.bin"),
    include_bytes!("data/shadow_nla_cc_0x01.bin"),
    include_bytes!("data/shadow_nla_ts_request_challenge.bin"),
    include_bytes!("data/xrdp_server_hello.bin"),
    include_bytes!("data/xrdp_tls10_server_hello.bin"),
    include_bytes!("data/xrdp_tls10_alert_to_tls13_hello.bin"),
    include_bytes!("data/client_legacy_hello_localhost.bin"),
    include_bytes!("data/client_ts_request_negotiate.bin"),
    include_bytes!("data/windows/tls_server_flight/ndpi_rdp_52494.bin"),
    include_bytes!("data/windows/tls_server_flight/ndpi_rdp_over_tls_35888.bin"),
];

/// Messages of real Windows hosts (tests/data/windows/README.md): confirms and requests, TLS
/// first flights, CredSSP TSRequests and NTLM CHALLENGEs.
const WINDOWS: &[&[u8]] = &[
    include_bytes!("data/windows/x224_cc/ndpi_rdp3_1685_cc0.bin"),
    include_bytes!("data/windows/x224_cc/ndpi_rdp_52494_cc0.bin"),
    include_bytes!("data/windows/x224_cc/ndpi_rdp_over_tls_35888_cc0.bin"),
    include_bytes!("data/windows/x224_cc/rdps2rdp_log_hybrid_required_by_server.bin"),
    include_bytes!("data/windows/x224_cc/redemption_dump_TLSw2008_cc0.bin"),
    include_bytes!("data/windows/x224_cc/redemption_dump_w2008_cc0.bin"),
    include_bytes!("data/windows/x224_cc/redemption_dump_w2008_cc1.bin"),
    include_bytes!("data/windows/x224_cr/ndpi_rdp3_1685_cr0.bin"),
    include_bytes!("data/windows/x224_cr/ndpi_rdp_52494_cr0.bin"),
    include_bytes!("data/windows/x224_cr/pcapattack_sharprdp_59281_cr0.bin"),
    include_bytes!("data/windows/x224_cr/redemption_dump_w2008_cr1.bin"),
    include_bytes!("data/windows/tls_server_flight/ndpi_rdp_52494.bin"),
    include_bytes!("data/windows/tls_server_flight/ndpi_rdp_over_tls_35888.bin"),
    include_bytes!("data/windows/credssp/rdps2rdp_tsrequest_ntlm_challenge_fv-az41-637_10.0.17763.bin"),
    include_bytes!("data/windows/credssp/rdps2rdp_tsrequest_server_pubkeyauth_fv-az41-637.bin"),
    include_bytes!(
        "data/windows/credssp/syringe_credssp_tsrequest_ntlm_challenge_DESKTOP-UAGCVKC_10.0.17763.bin"
    ),
    include_bytes!("data/windows/credssp/syringe_credssp_tsrequest_ntlm_negotiate_client_10.0.18891.bin"),
    include_bytes!("data/windows/credssp/rdps2rdp_early_user_auth_result_success.bin"),
    include_bytes!("data/windows/ntlm_challenge/rdps2rdp_fv-az41-637_10.0.17763.bin"),
    include_bytes!("data/windows/ntlm_challenge/syringe_DESKTOP-UAGCVKC_10.0.17763_1.bin"),
    include_bytes!("data/windows/ntlm_challenge/syringe_VAGRANT-N89C1F3_10.0.16299_2.bin"),
];

/// Byte offset of the NTLM CHALLENGE inside the shadow TSRequest (after the DER headers), so
/// mutations hit the NTLM parser's fields rather than its signature check.
const NTLM_OFFSET_IN_SHADOW_REPLY: usize = 18;

/// Run every decoder; results are ignored, only panics matter.
fn decode_all(input: &[u8]) {
    let _ = x224::decode_reply(input);
    let _ = x224::decode_request(input);
    let _ = tpkt::frame_len(input);
    let _ = tls_hello::parse_server_reply(input);
    let _ = tls_hello::parse_server_flight(input);
    let _ = ntlm::parse_challenge(input);
    let _ = credssp::frame_len(input);
    let _ = credssp::parse_ts_request(input);
}

fn corpus() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = FIXTURES.iter().map(|f| f.to_vec()).collect();
    let shadow = FIXTURES[5];
    seeds.push(shadow[NTLM_OFFSET_IN_SHADOW_REPLY..].to_vec());
    // The first TLS record of each captured xrdp flight (the ServerHello alone); the whole
    // flights, with their Certificate messages, are fixtures themselves.
    for flight in [FIXTURES[6], FIXTURES[7]] {
        let len = 5 + usize::from(u16::from_be_bytes([flight[3], flight[4]]));
        seeds.push(flight[..len].to_vec());
    }
    seeds.extend(WINDOWS.iter().map(|w| w.to_vec()));
    // A ServerHello record followed by a Certificate message cut short, for the flight reader.
    let mut cert_after_hello = SERVER_HELLO_RECORD.to_vec();
    cert_after_hello.extend_from_slice(&[0x16, 0x03, 0x03, 0x00, 0x10, 0x0B, 0x00, 0x00, 0x0C]);
    cert_after_hello.extend_from_slice(&[0x00, 0x00, 0x09, 0x00, 0x00, 0x06, 0x30, 0x04]);
    seeds.push(cert_after_hello);
    seeds
}

#[test]
fn every_prefix_of_every_fixture() {
    for seed in corpus() {
        for n in 0..=seed.len() {
            decode_all(&seed[..n]);
        }
    }
}

#[test]
fn every_single_byte_mutation() {
    for seed in corpus() {
        let mut buf = seed.clone();
        for i in 0..seed.len() {
            let original = seed[i];
            for value in [0x00, 0xFF, 0x80, 0x7F, original ^ 0x01] {
                buf[i] = value;
                decode_all(&buf);
            }
            buf[i] = original;
        }
    }
}

/// xorshift64* (Vigna): small, deterministic, good enough to spray bytes.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap_or(u64::MAX)).unwrap_or(0)
    }
}

/// A minimal TLS 1.2 ServerHello record (suite C030, no session id, no extensions).
const SERVER_HELLO_RECORD: &[u8] = &[
    0x16, 0x03, 0x03, 0x00, 0x2A, 0x02, 0x00, 0x00, 0x26, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xC0, 0x30, 0x00,
];

/// Plausible starts, so random inputs get past the first checks of each decoder.
const PREFIXES: &[&[u8]] = &[
    &[],
    &[0x03, 0x00],                                     // TPKT
    &[0x03, 0x00, 0x00, 0x13, 0x0E, 0xD0],             // TPKT + X.224 CC
    &[0x16, 0x03, 0x03],                               // TLS handshake record
    &[0x16, 0x03, 0x01, 0x00, 0x40, 0x02],             // ServerHello record
    &[0x15, 0x03, 0x03, 0x00, 0x02],                   // alert record
    SERVER_HELLO_RECORD,                               // then random records (flight reader)
    b"NTLMSSP\0\x02\x00\x00\x00",                      // NTLM CHALLENGE
    &[0x30, 0x81],                                     // DER SEQUENCE, long length
    &[0x30, 0x20, 0xA0, 0x03, 0x02, 0x01, 0x06, 0xA1], // TSRequest with negoTokens
    &[0x30, 0x10, 0xA0, 0x03, 0x02, 0x01, 0x06, 0xA4], // TSRequest with errorCode
];

#[test]
fn pseudo_random_corpus() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut buf = Vec::with_capacity(300);
    for _ in 0..20_000 {
        buf.clear();
        let len = rng.below(300);
        let prefix = PREFIXES[rng.below(PREFIXES.len())];
        buf.extend_from_slice(&prefix[..prefix.len().min(len)]);
        while buf.len() < len {
            // Bias towards small values and length-like bytes now and then.
            let r = rng.next();
            let byte = match r % 8 {
                0 => 0x00,
                1 => 0xFF,
                2 => 0x80 | ((r >> 8) as u8 & 0x07),
                _ => (r >> 16) as u8,
            };
            buf.push(byte);
        }
        decode_all(&buf);
    }
}

#[test]
fn extreme_lengths() {
    // Length fields at their maxima, with little or nothing behind them.
    for input in [
        &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF][..],
        &[
            0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0xA0, 0x84, 0xFF, 0xFF, 0xFF, 0xF0,
        ],
        &[
            0x30, 0x0A, 0xA0, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x01, 0x06, 0x00,
        ],
        &[0x16, 0x03, 0x03, 0xFF, 0xFF, 0x02, 0xFF, 0xFF, 0xFF],
        &[0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x01, 0x00, 0x00],
        &[0x03, 0x00, 0xFF, 0xFF, 0xFF, 0xD0],
    ] {
        decode_all(input);
    }
    let mut ntlm = b"NTLMSSP\0\x02\x00\x00\x00".to_vec();
    ntlm.extend_from_slice(&[0xFF; 48]);
    decode_all(&ntlm);
}

/// `.rdp` files and RDP-UDP replies: prefixes, single-byte mutations and random bytes behind
/// plausible starts, through `parse` + `target()` and `parse_reply`.
#[test]
fn rdp_file_and_rdpudp_reply() {
    use rdpcheck_proto::{rdpfile, rdpudp};

    fn decode(input: &[u8]) {
        if let Ok(file) = rdpfile::parse(input) {
            let _ = file.target();
            let _ = file.security();
        }
        let _ = rdpudp::parse_reply(input, 0x1234_5678);
        let _ = rdpudp::parse_reply(input, u32::from_be_bytes([0xFF; 4]));
        // Against the ISN the datagram acknowledges, so recorded SYN+ACKs reach their body.
        if let Some(head) = input.first_chunk::<4>() {
            let _ = rdpudp::parse_reply(input, u32::from_be_bytes(*head));
        }
    }

    // UTF-16 fixtures mutate at every byte; the SYN+ACK only over its meaningful head.
    let mut syn_ack = rdpudp::syn_datagram(0xCAFE_BABE, 64);
    syn_ack[..8].copy_from_slice(&[0x12, 0x34, 0x56, 0x78, 0x00, 0x40, 0x18, 0x05]);
    let seeds: Vec<Vec<u8>> = vec![
        include_bytes!("data/rdp/direct.rdp").to_vec(),
        include_bytes!("data/rdp/gateway.rdp").to_vec(),
        include_bytes!("data/rdp/gateway_unused.rdp").to_vec(),
        include_bytes!("data/rdp/utf8.rdp").to_vec(),
        include_bytes!("data/rdp/broken.rdp").to_vec(),
        b"full address:s:[::1]:3390\ngatewayhostname:s:[gw:443\ngatewayusagemethod:i:2\n".to_vec(),
        syn_ack[..64].to_vec(),
        // Windows SYN+ACKs (v3 and v2) and a client SYN with a correlation id, over their heads.
        include_bytes!("data/windows/rdpudp_synack/ndpi_rdp2_udp54759.bin")[..64].to_vec(),
        include_bytes!("data/windows/rdpudp_synack/pcapattack_sharprdp_udp52825.bin")[..64]
            .to_vec(),
        include_bytes!("data/windows/rdpudp_synack/ndpi_rdp2_udp60355.client_syn.bin")[..64]
            .to_vec(),
    ];
    for seed in &seeds {
        for n in 0..=seed.len() {
            decode(&seed[..n]);
        }
        let mut buf = seed.clone();
        for i in 0..seed.len() {
            let original = seed[i];
            for value in [0x00, 0xFF, 0x3A, 0x0A, 0x5B, 0xD8, original ^ 0x01] {
                buf[i] = value;
                decode(&buf);
            }
            buf[i] = original;
        }
    }
    decode(&syn_ack);

    let prefixes: &[&[u8]] = &[
        &[0xFF, 0xFE],
        &[0xEF, 0xBB, 0xBF],
        b"full address:s:",
        b"gatewayhostname:s:",
        &[0x12, 0x34, 0x56, 0x78, 0x00, 0x40, 0x18, 0x05],
    ];
    let alphabet = b"::[]0123456789abcdefsib \r\n\0\xff\xfe\xd8\xdc";
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut buf = Vec::with_capacity(200);
    for _ in 0..20_000 {
        buf.clear();
        let len = rng.below(200);
        let prefix = prefixes[rng.below(prefixes.len())];
        buf.extend_from_slice(&prefix[..prefix.len().min(len)]);
        while buf.len() < len {
            buf.push(alphabet[rng.below(alphabet.len())]);
        }
        decode(&buf);
    }
}

#[test]
fn the_server_hello_seed_is_a_server_hello() {
    assert_eq!(
        tls_hello::parse_server_reply(SERVER_HELLO_RECORD),
        Ok(Some(tls_hello::ServerReply::Hello {
            version: 0x0303,
            cipher_suite: 0xC030
        }))
    );
    assert_eq!(
        tls_hello::parse_server_flight(SERVER_HELLO_RECORD),
        Ok(None)
    );
}
