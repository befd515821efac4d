//! RDP-UDP (MS-RDPEUDP) connection start: the client SYN and a check of the server's SYN+ACK.
//!
//! Every field is big-endian (MS-RDPEUDP 2.2.2, unlike the rest of RDP). A SYN is
//! (MS-RDPEUDP 3.1.5.1.1):
//!
//! ```text
//! off size field
//!   0   4  RDPUDP_FEC_HEADER.snSourceAck      0xFFFFFFFF in a SYN; the client's ISN in a SYN+ACK
//!   4   2  RDPUDP_FEC_HEADER.uReceiveWindowSize
//!   6   2  RDPUDP_FEC_HEADER.uFlags           SYN 0x0001, ACK 0x0004, CORRELATION_ID 0x0800, SYNEX 0x1000
//!   8   4  RDPUDP_SYNDATA_PAYLOAD.snInitialSequenceNumber
//!  12   2  RDPUDP_SYNDATA_PAYLOAD.uUpStreamMtu    1132..=1232
//!  14   2  RDPUDP_SYNDATA_PAYLOAD.uDownStreamMtu  1132..=1232
//!  16  32  [CORRELATION_ID] uCorrelationId[16] + reserved[16]
//!  +0   4  [SYNEX] RDPUDP_SYNDATAEX_PAYLOAD: uSynExFlags, uUdpVer
//!          zero padding up to 1232 bytes (3.1.5.1.1 and 3.1.5.1.3 require padded SYN and SYN+ACK)
//! ```
//!
//! The handshake proves only that an RDP-UDP listener answers: the binding to a TCP session
//! happens later, in the Tunnel Create Request over TLS/DTLS (MS-RDPEMT 3.2.5.1).

use crate::reader::Reader;
use crate::DecodeError;

/// Length of a padded SYN: the largest MTU RDP-UDP allows.
pub const SYN_DATAGRAM_LEN: usize = 1232;

/// Smallest and largest MTU a peer may announce (MS-RDPEUDP 2.2.2.5).
pub const MTU_MIN: u16 = 1132;
pub const MTU_MAX: u16 = 1232;

/// The SYNDATA header every SYN and SYN+ACK carries: FEC header (8) + SYNDATA (8).
const FIXED_LEN: usize = 16;
const CORRELATION_ID_LEN: usize = 32;
const SYNDATAEX_LEN: usize = 4;

/// uFlags bits of RDPUDP_FEC_HEADER (MS-RDPEUDP 2.2.2.1).
pub mod flags {
    pub const SYN: u16 = 0x0001;
    pub const FIN: u16 = 0x0002;
    pub const ACK: u16 = 0x0004;
    pub const DATA: u16 = 0x0008;
    pub const FEC: u16 = 0x0010;
    pub const CN: u16 = 0x0020;
    pub const CWR: u16 = 0x0040;
    pub const ACK_OF_ACKS: u16 = 0x0100;
    pub const SYNLOSSY: u16 = 0x0200;
    pub const ACKDELAYED: u16 = 0x0400;
    pub const CORRELATION_ID: u16 = 0x0800;
    pub const SYNEX: u16 = 0x1000;
}

/// uUdpVer values of RDPUDP_SYNDATAEX_PAYLOAD (MS-RDPEUDP 2.2.2.9).
pub mod version {
    pub const V1: u16 = 0x0001;
    pub const V2: u16 = 0x0002;
    /// Version 3 also appends a 32-byte SHA-256 cookie hash to the SYNDATAEX.
    pub const V3: u16 = 0x0101;
}

/// uSynExFlags bit saying uUdpVer holds a value.
const SYNEX_VERSION_INFO_VALID: u16 = 0x0001;

/// Short name of a uUdpVer value as the report writes it.
pub fn version_name(value: u16) -> String {
    match value {
        version::V1 => "v1".into(),
        version::V2 => "v2".into(),
        version::V3 => "v3".into(),
        other => format!("unknown({other:#06x})"),
    }
}

/// Build a reliable-transport SYN offering versions 1 and 2, padded to [`SYN_DATAGRAM_LEN`].
///
/// No CORRELATION_ID and no v3: both tie the SYN to a multitransport request (requestId,
/// securityCookie hash) that a probe without a TCP session does not have.
pub fn syn_datagram(initial_sequence_number: u32, receive_window: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(SYN_DATAGRAM_LEN);
    // snSourceAck is -1: nothing received yet.
    out.extend_from_slice(&u32::MAX.to_be_bytes());
    out.extend_from_slice(&receive_window.to_be_bytes());
    out.extend_from_slice(&(flags::SYN | flags::SYNEX).to_be_bytes());
    out.extend_from_slice(&initial_sequence_number.to_be_bytes());
    out.extend_from_slice(&MTU_MAX.to_be_bytes());
    out.extend_from_slice(&MTU_MAX.to_be_bytes());
    out.extend_from_slice(&SYNEX_VERSION_INFO_VALID.to_be_bytes());
    // The client offers its highest version; the server answers with the highest common one.
    out.extend_from_slice(&version::V2.to_be_bytes());
    out.resize(SYN_DATAGRAM_LEN, 0);
    out
}

/// What a datagram received after our SYN turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpReply {
    /// A SYN+ACK answering our SYN: an RDP-UDP listener is live.
    SynAck {
        server_isn: u32,
        flags: u16,
        /// As announced; the caller judges them against [`MTU_MIN`]..=[`MTU_MAX`].
        up_mtu: u16,
        down_mtu: u16,
        /// uUdpVer when the server sent a SYNDATAEX with VERSION_INFO_VALID; `None` means v1
        /// semantics (a server that does not know SYNEX).
        version: Option<u16>,
    },
    /// Anything else at least 16 bytes long: no SYN+ACK flags, or a SYN+ACK whose snSourceAck
    /// is not our ISN. The latter answers someone else's SYN (or is stale or forged), so it says
    /// nothing about our attempt.
    Other { flags: u16 },
}

/// Check a datagram against the SYN we sent with `our_isn` (MS-RDPEUDP 3.1.5.1.3).
///
/// Errors only when the bytes cannot be a RDP-UDP SYN+ACK at all (shorter than the 16-byte
/// header, or a SYNEX/correlation part cut short).
pub fn parse_reply(datagram: &[u8], our_isn: u32) -> Result<UdpReply, DecodeError> {
    let mut r = Reader::new(datagram);
    let mut fixed = r.sub(FIXED_LEN, "rdp-udp syn+ack")?;
    let source_ack = fixed.u32_be("rdp-udp snSourceAck")?;
    fixed.skip(2, "rdp-udp uReceiveWindowSize")?;
    let flags = fixed.u16_be("rdp-udp uFlags")?;
    let is_syn_ack = flags & flags::SYN != 0 && flags & flags::ACK != 0;
    if !is_syn_ack || source_ack != our_isn {
        return Ok(UdpReply::Other { flags });
    }
    let server_isn = fixed.u32_be("rdp-udp snInitialSequenceNumber")?;
    let up_mtu = fixed.u16_be("rdp-udp uUpStreamMtu")?;
    let down_mtu = fixed.u16_be("rdp-udp uDownStreamMtu")?;

    let mut version = None;
    if flags & flags::SYNEX != 0 {
        // The correlation id, when flagged, sits between SYNDATA and SYNDATAEX and must be whole.
        if flags & flags::CORRELATION_ID != 0 {
            r.skip(CORRELATION_ID_LEN, "rdp-udp correlation id")?;
        }
        // An unpadded SYN+ACK may end here; when bytes follow, the SYNDATAEX must be whole.
        if !r.is_empty() {
            let mut ex = r.sub(SYNDATAEX_LEN, "rdp-udp syndataex")?;
            let syn_ex_flags = ex.u16_be("rdp-udp uSynExFlags")?;
            let udp_version = ex.u16_be("rdp-udp uUdpVer")?;
            if syn_ex_flags & SYNEX_VERSION_INFO_VALID != 0 {
                version = Some(udp_version);
            }
        }
    }
    Ok(UdpReply::SynAck {
        server_isn,
        flags,
        up_mtu,
        down_mtu,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::hex;

    const ISN: u32 = 0x1234_5678;

    /// A Windows-style SYN+ACK to `ISN`: flags SYN|ACK|SYNEX, server ISN 0xCAFEBABE, MTUs 1232,
    /// SYNDATAEX VERSION_INFO_VALID + v2, padded to 1232.
    fn syn_ack(flags: &str, isn: &str, tail: &str) -> Vec<u8> {
        let mut d = hex(&format!(
            "{isn} 00 40 {flags} CA FE BA BE 04 D0 04 D0 {tail}"
        ));
        d.resize(SYN_DATAGRAM_LEN, 0);
        d
    }

    #[test]
    fn syn_matches_research_example() {
        let syn = syn_datagram(ISN, 64);
        assert_eq!(syn.len(), SYN_DATAGRAM_LEN);
        assert_eq!(
            syn[..20],
            hex("FF FF FF FF 00 40 10 01 12 34 56 78 04 D0 04 D0 00 01 00 02")[..]
        );
        assert!(syn[20..].iter().all(|b| *b == 0));
    }

    #[test]
    fn our_own_syn_is_not_an_answer() {
        // Reflected back (or a loop): SYN without ACK, and snSourceAck is -1.
        let syn = syn_datagram(ISN, 64);
        assert_eq!(
            parse_reply(&syn, ISN),
            Ok(UdpReply::Other {
                flags: flags::SYN | flags::SYNEX
            })
        );
    }

    #[test]
    fn syn_ack_echoing_our_isn() {
        let reply = parse_reply(&syn_ack("10 05", "12 34 56 78", "00 01 00 02"), ISN);
        assert_eq!(
            reply,
            Ok(UdpReply::SynAck {
                server_isn: 0xCAFE_BABE,
                flags: 0x1005,
                up_mtu: 1232,
                down_mtu: 1232,
                version: Some(version::V2),
            })
        );
    }

    #[test]
    fn syn_ack_without_synex_has_no_version() {
        let reply = parse_reply(&syn_ack("00 05", "12 34 56 78", ""), ISN);
        assert!(matches!(
            reply,
            Ok(UdpReply::SynAck {
                flags: 0x0005,
                version: None,
                ..
            })
        ));
    }

    #[test]
    fn synex_without_version_info_valid() {
        let reply = parse_reply(&syn_ack("10 05", "12 34 56 78", "00 00 00 02"), ISN);
        assert!(matches!(reply, Ok(UdpReply::SynAck { version: None, .. })));
    }

    #[test]
    fn unpadded_syn_ack_with_synex_flag_but_no_payload() {
        let d = hex("12 34 56 78 00 40 10 05 CA FE BA BE 04 D0 04 D0");
        assert!(matches!(
            parse_reply(&d, ISN),
            Ok(UdpReply::SynAck { version: None, .. })
        ));
    }

    #[test]
    fn syndataex_follows_the_correlation_id() {
        let corr = "AA ".repeat(16) + &"00 ".repeat(16);
        let d = syn_ack("18 05", "12 34 56 78", &format!("{corr} 00 01 01 01"));
        assert!(matches!(
            parse_reply(&d, ISN),
            Ok(UdpReply::SynAck {
                version: Some(version::V3),
                ..
            })
        ));
        // Cut inside the correlation id or the SYNDATAEX.
        for len in [20, 47, 49] {
            assert!(parse_reply(&d[..len], ISN).is_err(), "{len}");
        }
    }

    #[test]
    fn wrong_isn_is_other() {
        let reply = parse_reply(&syn_ack("10 05", "12 34 56 79", "00 01 00 02"), ISN);
        assert_eq!(reply, Ok(UdpReply::Other { flags: 0x1005 }));
    }

    #[test]
    fn ack_without_syn_is_other() {
        let reply = parse_reply(&syn_ack("00 04", "12 34 56 78", ""), ISN);
        assert_eq!(reply, Ok(UdpReply::Other { flags: 0x0004 }));
    }

    #[test]
    fn truncated_is_an_error() {
        let d = syn_ack("10 05", "12 34 56 78", "00 01 00 02");
        for n in 0..FIXED_LEN {
            assert!(matches!(
                parse_reply(&d[..n], ISN),
                Err(DecodeError::Truncated { .. })
            ));
        }
        // 17..19 bytes: SYNEX flagged, payload started but cut short.
        assert!(parse_reply(&d[..18], ISN).is_err());
    }

    #[test]
    fn version_names() {
        assert_eq!(version_name(2), "v2");
        assert_eq!(version_name(0x0101), "v3");
        assert_eq!(version_name(7), "unknown(0x0007)");
    }
}
