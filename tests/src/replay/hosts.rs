//! The recorded Windows hosts: how each chose its answer, and the recorded bytes it answered with.

use rdpcheck_proto::x224::protocol;

use super::recordings::confirms;

/// What a host answers to one Connection Request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// RDP_NEG_RSP selecting this protocol.
    Select(u32),
    /// RDP_NEG_FAILURE with this failureCode.
    Fail(u32),
    /// The 11-byte confirm without negotiation data.
    Legacy,
    /// Nothing recorded for this request: close the connection.
    Close,
}

/// A recorded Windows host: how it chose, and the bytes it answered with.
#[derive(Debug, Clone, Copy)]
pub struct RecordedHost {
    pub name: &'static str,
    /// What its RDP_NEG_RSP looked like (flags, source reference); selectedProtocol is patched.
    pub response: Option<&'static [u8; 19]>,
    /// Its RDP_NEG_FAILURE, for the failureCode it sent.
    pub failure: Option<&'static [u8; 19]>,
    pub legacy: Option<&'static [u8; 11]>,
    /// requestedProtocols (None: no RDP_NEG_REQ) → answer.
    pub choose: fn(Option<u32>) -> Choice,
}

/// Windows with NLA required (the Windows 10 default): NLA-EX when offered, else NLA when
/// offered, else HYBRID_REQUIRED_BY_SERVER. Recorded: 0x0b → NLA-EX (nDPI, PCAP-ATTACK,
/// rdps2rdp), 0x03 → NLA (nDPI rdp_over_tls, an internet host with the same flags), 0x01 →
/// failure 5 (rdps2rdp). Not recorded, chosen by the same rule: 0x00, 0x04, 0x10 → failure 5;
/// a request without RDP_NEG_REQ → closed.
fn nla_required(requested: Option<u32>) -> Choice {
    match requested {
        Some(r) if r & protocol::HYBRID_EX != 0 => Choice::Select(protocol::HYBRID_EX),
        Some(r) if r & protocol::HYBRID != 0 => Choice::Select(protocol::HYBRID),
        Some(_) => Choice::Fail(5),
        None => Choice::Close,
    }
}

/// The "W2008" host set to RDP security. Recorded: 0x01 → SSL_NOT_ALLOWED_BY_SERVER, 0x00 → RDP
/// (flags 0x09), no RDP_NEG_REQ → legacy confirm. Not recorded: any other non-zero request gets
/// the same failure 2, which MS-RDPBCGR 2.2.1.2.2 defines as "the server only supports Standard
/// RDP Security".
fn rdp_security_only(requested: Option<u32>) -> Choice {
    match requested {
        Some(0) => Choice::Select(protocol::RDP),
        Some(_) => Choice::Fail(2),
        None => Choice::Legacy,
    }
}

/// A server from before RDP 5.2: recorded, the legacy confirm to a request without
/// RDP_NEG_REQ. Assumed (not recorded): such a stack ignores an RDP_NEG_REQ, so every request
/// gets the same confirm.
fn before_negotiation(_: Option<u32>) -> Choice {
    Choice::Legacy
}

/// The Windows 10 VM of nDPI's rdp.pcap (NLA required, flags 0x1f).
pub const WINDOWS10_NLA: RecordedHost = RecordedHost {
    name: "Windows 10 (nDPI rdp.pcap)",
    response: Some(confirms::WINDOWS10_NLA_EX),
    // Its own capture has no refusal; the failure 5 of the rdps2rdp Windows host (same layout,
    // source reference 0x1234).
    failure: Some(confirms::HYBRID_REQUIRED),
    legacy: None,
    choose: nla_required,
};

/// Windows 10 "MSEDGEWIN10" of PCAP-ATTACK's sharprdp capture (NLA required, flags 0x1f).
pub const MSEDGEWIN10: RecordedHost = RecordedHost {
    name: "Windows 10 MSEDGEWIN10 (PCAP-ATTACK)",
    response: Some(confirms::MSEDGEWIN10_NLA_EX),
    failure: Some(confirms::HYBRID_REQUIRED),
    legacy: None,
    choose: nla_required,
};

/// The rdps2rdp Azure runner fv-az41-637 (10.0.17763): HYBRID_REQUIRED_BY_SERVER to TLS alone,
/// NLA-EX with flags 0x1f to 0x0b (the log prints the response; its bytes are the 0x1f response
/// layout of the Windows 10 recordings).
pub const HYBRID_REQUIRED_HOST: RecordedHost = RecordedHost {
    name: "fv-az41-637 (rdps2rdp)",
    response: Some(confirms::WINDOWS10_NLA_EX),
    failure: Some(confirms::HYBRID_REQUIRED),
    legacy: None,
    choose: nla_required,
};

/// The host wallix/redemption labels "W2008", set to RDP security (flags 0x09).
pub const W2008_RDP_ONLY: RecordedHost = RecordedHost {
    name: "W2008 (redemption)",
    response: Some(confirms::W2008_RDP),
    failure: Some(confirms::W2008_SSL_NOT_ALLOWED),
    legacy: Some(confirms::W2008_LEGACY),
    choose: rdp_security_only,
};

/// The 2006 host of nDPI's rdp3.pcap: a legacy confirm to everything.
pub const LEGACY_HOST: RecordedHost = RecordedHost {
    name: "legacy (nDPI rdp3.pcap)",
    response: None,
    failure: None,
    legacy: Some(confirms::LEGACY_2006),
    choose: before_negotiation,
};

impl RecordedHost {
    /// The bytes this host answers `requested` with (`None`: close).
    pub fn answer(&self, requested: Option<u32>) -> Option<Vec<u8>> {
        match (self.choose)(requested) {
            Choice::Select(p) => {
                let response = self
                    .response
                    .unwrap_or_else(|| panic!("{}: no recorded RDP_NEG_RSP", self.name));
                let mut cc = response.to_vec();
                assert_eq!(
                    cc[11], 0x02,
                    "{}: the response template is an RDP_NEG_RSP",
                    self.name
                );
                cc[15..19].copy_from_slice(&p.to_le_bytes());
                Some(cc)
            }
            Choice::Fail(code) => {
                let failure = self.failure.unwrap_or_else(|| {
                    panic!(
                        "{}: chose failure {code} but has no recorded failure",
                        self.name
                    )
                });
                let recorded =
                    u32::from_le_bytes([failure[15], failure[16], failure[17], failure[18]]);
                assert_eq!(
                    recorded, code,
                    "{}: only the recorded failure code",
                    self.name
                );
                Some(failure.to_vec())
            }
            Choice::Legacy => Some(
                self.legacy
                    .unwrap_or_else(|| panic!("{}: no recorded legacy confirm", self.name))
                    .to_vec(),
            ),
            Choice::Close => None,
        }
    }
}
