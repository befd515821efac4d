//! The recorded Windows messages the replay server answers with (crates/rdpcheck-proto/tests/data/windows/).

/// A recorded Windows message, by its path under crates/rdpcheck-proto/tests/data/windows/.
macro_rules! recorded {
    ($path:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/rdpcheck-proto/tests/data/windows/",
            $path
        ))
    };
}

/// Recorded Connection Confirms.
pub mod confirms {
    /// nDPI rdp.pcap, Windows 10 VM (2019): RDP_NEG_RSP flags 0x1f, NLA-EX, to CR 0x0b.
    pub const WINDOWS10_NLA_EX: &[u8; 19] = recorded!("x224_cc/ndpi_rdp_52494_cc0.bin");
    /// PCAP-ATTACK LM_rdp_sharprdp, Windows 10 "MSEDGEWIN10" (2020): the same answer to 0x0b.
    pub const MSEDGEWIN10_NLA_EX: &[u8; 19] =
        recorded!("x224_cc/pcapattack_sharprdp_59281_cc0.bin");
    /// rdps2rdp log, GitHub-hosted Azure runner fv-az41-637 (10.0.17763): RDP_NEG_FAILURE 5
    /// HYBRID_REQUIRED_BY_SERVER to CR 0x01.
    pub const HYBRID_REQUIRED: &[u8; 19] =
        recorded!("x224_cc/rdps2rdp_log_hybrid_required_by_server.bin");
    /// redemption dump_w2008 (a host set to RDP security): RDP_NEG_FAILURE 2 to CR 0x01.
    pub const W2008_SSL_NOT_ALLOWED: &[u8; 19] = recorded!("x224_cc/redemption_dump_w2008_cc0.bin");
    /// Same host: RDP_NEG_RSP flags 0x09, standard RDP selected, to CR 0x00.
    pub const W2008_RDP: &[u8; 19] = recorded!("x224_cc/redemption_dump_w2008_cc1.bin");
    /// Same host label (dump_w2008_PatBlt): the 11-byte legacy confirm to a CR without RDP_NEG_REQ.
    pub const W2008_LEGACY: &[u8; 11] = recorded!("x224_cc/redemption_dump_w2008_PatBlt_cc0.bin");
    /// nDPI rdp3.pcap (2006): the 11-byte legacy confirm to a CR without RDP_NEG_REQ.
    pub const LEGACY_2006: &[u8; 11] = recorded!("x224_cc/ndpi_rdp3_1685_cc0.bin");
}

/// Recorded first TLS flights (one handshake record each, TLS 1.2, 0xC030).
pub mod flights {
    /// nDPI rdp.pcap, CN=OFFICE-WIN10-VM, valid 2019-03-19 .. 2019-09-18.
    pub const WINDOWS10: &[u8] = recorded!("tls_server_flight/ndpi_rdp_52494.bin");
    /// PCAP-ATTACK sharprdp, CN=MSEDGEWIN10, valid 2020-05-28 .. 2020-11-27.
    pub const MSEDGEWIN10: &[u8] = recorded!("tls_server_flight/pcapattack_sharprdp_59281.bin");
}

/// The leaf certificate (DER) of a recorded first flight: the first entry of its Certificate
/// message. Panics on a flight that has none (these are fixed recordings).
pub fn leaf_certificate(flight: &[u8]) -> Vec<u8> {
    let u24 = |b: &[u8]| (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]);
    let record_len = usize::from(u16::from_be_bytes([flight[3], flight[4]]));
    let mut messages = &flight[5..5 + record_len];
    while messages.len() >= 4 {
        let (kind, len) = (messages[0], u24(&messages[1..4]));
        let body = &messages[4..4 + len];
        if kind == 11 {
            // certificate_list<0..2^24-1>, each ASN.1Cert<1..2^24-1>
            let first = u24(&body[3..6]);
            return body[6..6 + first].to_vec();
        }
        messages = &messages[4 + len..];
    }
    panic!("the flight has no Certificate message")
}

/// Recorded server TSRequests carrying an NTLM CHALLENGE (both CredSSP version 6, 10.0.17763).
pub mod ts_requests {
    /// rdps2rdp: fv-az41-637, the host that answered CR 0x01 with HYBRID_REQUIRED_BY_SERVER.
    pub const FV_AZ41_637: &[u8] =
        recorded!("credssp/rdps2rdp_tsrequest_ntlm_challenge_fv-az41-637_10.0.17763.bin");
    /// syringe: Windows 10 1809 "DESKTOP-UAGCVKC".
    pub const DESKTOP_UAGCVKC: &[u8] = recorded!(
        "credssp/syringe_credssp_tsrequest_ntlm_challenge_DESKTOP-UAGCVKC_10.0.17763.bin"
    );

    /// `recorded` with its CHALLENGE re-encoded in a TSRequest of `version` (an unpatched host
    /// answers 2 or 3). With version 6 this is `recorded` byte for byte.
    pub fn with_version(recorded: &[u8], version: u32) -> Vec<u8> {
        let token = rdpcheck_proto::credssp::parse_ts_request(recorded)
            .expect("a recorded TSRequest")
            .nego_token
            .expect("a recorded negoToken");
        rdpcheck_proto::credssp::ts_request(version, &token)
    }
}
