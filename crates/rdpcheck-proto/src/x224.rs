//! X.224 Connection Request / Confirm with RDP negotiation data (MS-RDPBCGR 2.2.1.1, 2.2.1.2).
//!
//! CR and CC share a 7-byte fixed part after TPKT: `LI code DST-REF(2, BE) SRC-REF(2, BE) class`.
//! The CR may carry a `Cookie: mstshash=…\r\n` and an 8-byte RDP_NEG_REQ; the CC carries an
//! RDP_NEG_RSP, an RDP_NEG_FAILURE, or nothing (servers from before negotiation existed).

use std::fmt;

use crate::{tpkt, DecodeError};

pub const CODE_CR: u8 = 0xE0;
pub const CODE_CC: u8 = 0xD0;
pub const CODE_DR: u8 = 0x80;
pub const CODE_DT: u8 = 0xF0;

/// requestedProtocols / selectedProtocol bits.
pub mod protocol {
    pub const RDP: u32 = 0x00;
    pub const SSL: u32 = 0x01;
    pub const HYBRID: u32 = 0x02;
    pub const RDSTLS: u32 = 0x04;
    pub const HYBRID_EX: u32 = 0x08;
    pub const RDSAAD: u32 = 0x10;
}

const NEG_REQ: u8 = 0x01;
const NEG_RSP: u8 = 0x02;
const NEG_FAILURE: u8 = 0x03;
const NEG_LEN: usize = 8;

/// Short name for a selectedProtocol value as the report writes it.
pub fn protocol_name(value: u32) -> String {
    match value {
        protocol::RDP => "rdp".into(),
        protocol::SSL => "tls".into(),
        protocol::HYBRID => "nla".into(),
        protocol::HYBRID_EX => "nla_ex".into(),
        protocol::RDSTLS => "rdstls".into(),
        protocol::RDSAAD => "rdsaad".into(),
        other => format!("unknown({other:#x})"),
    }
}

/// Build a Connection Request.
///
/// `cookie` becomes `Cookie: mstshash=<cookie>\r\n`; `requested` adds an RDP_NEG_REQ
/// (omit it for the legacy form older servers expect).
pub fn connection_request(cookie: Option<&str>, requested: Option<u32>) -> Vec<u8> {
    let mut body = vec![0u8, CODE_CR, 0, 0, 0, 0, 0];
    if let Some(cookie) = cookie {
        body.extend_from_slice(b"Cookie: mstshash=");
        body.extend(cookie.bytes().filter(|b| !matches!(b, b'\r' | b'\n')));
        body.extend_from_slice(b"\r\n");
    }
    if let Some(requested) = requested {
        body.extend_from_slice(&[NEG_REQ, 0]);
        body.extend_from_slice(&(NEG_LEN as u16).to_le_bytes());
        body.extend_from_slice(&requested.to_le_bytes());
    }
    // LI counts the bytes after itself.
    body[0] = u8::try_from(body.len() - 1).unwrap_or(u8::MAX);
    tpkt::wrap(&body)
}

/// RDP_NEG_FAILURE failureCode (MS-RDPBCGR 2.2.1.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureCode {
    SslRequired,
    SslNotAllowed,
    SslCertNotOnServer,
    InconsistentFlags,
    HybridRequired,
    SslWithUserAuthRequired,
    Unknown(u32),
}

impl FailureCode {
    pub fn from_u32(value: u32) -> Self {
        match value {
            1 => Self::SslRequired,
            2 => Self::SslNotAllowed,
            3 => Self::SslCertNotOnServer,
            4 => Self::InconsistentFlags,
            5 => Self::HybridRequired,
            6 => Self::SslWithUserAuthRequired,
            other => Self::Unknown(other),
        }
    }

    pub fn value(self) -> u32 {
        match self {
            Self::SslRequired => 1,
            Self::SslNotAllowed => 2,
            Self::SslCertNotOnServer => 3,
            Self::InconsistentFlags => 4,
            Self::HybridRequired => 5,
            Self::SslWithUserAuthRequired => 6,
            Self::Unknown(v) => v,
        }
    }

    /// Snake-case name used in finding codes (`x224.neg_failure.<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::SslRequired => "ssl_required",
            Self::SslNotAllowed => "ssl_not_allowed",
            Self::SslCertNotOnServer => "ssl_cert_not_on_server",
            Self::InconsistentFlags => "inconsistent_flags",
            Self::HybridRequired => "hybrid_required",
            Self::SslWithUserAuthRequired => "ssl_with_user_auth_required",
            Self::Unknown(_) => "unknown",
        }
    }

    /// The specification's constant name.
    pub fn spec_name(self) -> &'static str {
        match self {
            Self::SslRequired => "SSL_REQUIRED_BY_SERVER",
            Self::SslNotAllowed => "SSL_NOT_ALLOWED_BY_SERVER",
            Self::SslCertNotOnServer => "SSL_CERT_NOT_ON_SERVER",
            Self::InconsistentFlags => "INCONSISTENT_FLAGS",
            Self::HybridRequired => "HYBRID_REQUIRED_BY_SERVER",
            Self::SslWithUserAuthRequired => "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
            Self::Unknown(_) => "UNKNOWN_FAILURE_CODE",
        }
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::SslRequired => "the server requires TLS or NLA (CredSSP)",
            Self::SslNotAllowed => "the server allows only standard RDP security (no TLS)",
            Self::SslCertNotOnServer => "the server has no usable TLS certificate",
            Self::InconsistentFlags => "the requested protocols conflict with those in force",
            Self::HybridRequired => "the server requires NLA (CredSSP)",
            Self::SslWithUserAuthRequired => {
                "the server requires TLS with client-certificate authentication"
            }
            Self::Unknown(v) => return write!(f, "unknown failure code {v}"),
        };
        f.write_str(text)
    }
}

/// What the negotiation part of a Connection Confirm said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negotiation {
    /// RDP_NEG_RSP: the server picked `selected` (one protocol value).
    Selected { selected: u32, flags: u8 },
    /// RDP_NEG_FAILURE.
    Failure(FailureCode),
    /// No negotiation data at all: a server from before RDP 5.2, standard security only.
    Legacy,
}

/// One decoded X.224 reply to our Connection Request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Confirm {
        dst_ref: u16,
        src_ref: u16,
        negotiation: Negotiation,
    },
    /// A Disconnect Request TPDU.
    Disconnect { reason: u8 },
    /// A data TPDU; xrdp answers input it dislikes with an MCS Disconnect Provider Ultimatum here.
    Data { payload: Vec<u8> },
}

/// Decode one whole TPKT frame (as delimited by [`tpkt::frame_len`]) holding an X.224 reply.
pub fn decode_reply(frame: &[u8]) -> Result<Reply, DecodeError> {
    let Some(len) = tpkt::frame_len(frame)? else {
        return Err(DecodeError::truncated(
            "tpkt header",
            tpkt::HEADER_LEN,
            frame.len(),
        ));
    };
    if frame.len() < len {
        return Err(DecodeError::truncated("tpkt frame", len, frame.len()));
    }
    let tpdu = &frame[tpkt::HEADER_LEN..len];
    let (li, code) = match tpdu {
        [li, code, ..] => (usize::from(*li), *code & 0xF0),
        _ => return Err(DecodeError::truncated("x224 header", 2, tpdu.len())),
    };
    if li + 1 > tpdu.len() {
        return Err(DecodeError::invalid(
            "x224 length indicator",
            format!("LI {li} runs past the {}-byte TPDU", tpdu.len()),
        ));
    }
    match code {
        CODE_CC => decode_confirm(tpdu, li),
        CODE_DR => {
            // DR: LI 80 DST(2) SRC(2) reason
            let reason = *tpdu
                .get(6)
                .ok_or_else(|| DecodeError::truncated("x224 disconnect request", 7, tpdu.len()))?;
            Ok(Reply::Disconnect { reason })
        }
        CODE_DT => Ok(Reply::Data {
            payload: tpdu[li + 1..].to_vec(),
        }),
        other => Err(DecodeError::invalid(
            "x224 tpdu code",
            format!("{other:#04x} is not a connection confirm"),
        )),
    }
}

fn decode_confirm(tpdu: &[u8], li: usize) -> Result<Reply, DecodeError> {
    if li < 6 {
        return Err(DecodeError::invalid(
            "x224 connection confirm",
            format!("LI {li} is shorter than the 6-byte fixed part"),
        ));
    }
    let dst_ref = u16::from_be_bytes([tpdu[2], tpdu[3]]);
    let src_ref = u16::from_be_bytes([tpdu[4], tpdu[5]]);
    let neg = &tpdu[7..li + 1];
    let negotiation = match neg {
        [] => Negotiation::Legacy,
        [kind, flags, l0, l1, v0, v1, v2, v3, ..] => {
            let len = usize::from(u16::from_le_bytes([*l0, *l1]));
            if len != NEG_LEN {
                return Err(DecodeError::invalid(
                    "rdp negotiation length",
                    format!("{len}, expected 8"),
                ));
            }
            let value = u32::from_le_bytes([*v0, *v1, *v2, *v3]);
            match *kind {
                NEG_RSP => Negotiation::Selected {
                    selected: value,
                    flags: *flags,
                },
                NEG_FAILURE => Negotiation::Failure(FailureCode::from_u32(value)),
                other => {
                    return Err(DecodeError::invalid(
                        "rdp negotiation type",
                        format!("{other:#04x}, expected 0x02 or 0x03"),
                    ))
                }
            }
        }
        short => {
            return Err(DecodeError::truncated(
                "rdp negotiation data",
                NEG_LEN,
                short.len(),
            ))
        }
    };
    Ok(Reply::Confirm {
        dst_ref,
        src_ref,
        negotiation,
    })
}

/// MCS Disconnect Provider Ultimatum (T.125) inside a DT TPDU: `21 80` style first byte 0x20/0x21.
pub fn is_disconnect_provider_ultimatum(payload: &[u8]) -> bool {
    payload.first().is_some_and(|b| b & 0xFC == 0x20)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).expect("test hex"))
            .collect()
    }

    #[test]
    fn minimal_request_matches_research_bytes() {
        let cr = connection_request(None, Some(0x0B));
        assert_eq!(
            cr,
            hex("03 00 00 13 0E E0 00 00 00 00 00 01 00 08 00 0B 00 00 00")
        );
    }

    #[test]
    fn request_with_cookie_matches_research_bytes() {
        let cr = connection_request(Some("probe"), Some(0x0B));
        assert_eq!(
            cr,
            hex("03 00 00 2B 26 E0 00 00 00 00 00 43 6F 6F 6B 69 65 3A 20 6D 73 74 73 68 61 73 68 3D 70 72 6F 62 65 0D 0A 01 00 08 00 0B 00 00 00")
        );
    }

    #[test]
    fn legacy_request_has_no_negotiation() {
        assert_eq!(
            connection_request(None, None),
            hex("03 00 00 0B 06 E0 00 00 00 00 00")
        );
    }

    #[test]
    fn windows_nla_confirm() {
        let reply = decode_reply(&hex(
            "03 00 00 13 0E D0 00 00 12 34 00 02 1F 08 00 02 00 00 00",
        ));
        assert_eq!(
            reply,
            Ok(Reply::Confirm {
                dst_ref: 0,
                src_ref: 0x1234,
                negotiation: Negotiation::Selected {
                    selected: 2,
                    flags: 0x1F
                }
            })
        );
    }

    #[test]
    fn hybrid_required_failure() {
        let reply = decode_reply(&hex(
            "03 00 00 13 0E D0 00 00 12 34 00 03 00 08 00 05 00 00 00",
        ));
        let Ok(Reply::Confirm { negotiation, .. }) = reply else {
            panic!("not a confirm: {reply:?}")
        };
        assert_eq!(
            negotiation,
            Negotiation::Failure(FailureCode::HybridRequired)
        );
    }

    #[test]
    fn legacy_confirm_without_negotiation() {
        let reply = decode_reply(&hex("03 00 00 0B 06 D0 00 00 12 34 00"));
        assert!(matches!(
            reply,
            Ok(Reply::Confirm {
                negotiation: Negotiation::Legacy,
                ..
            })
        ));
    }

    #[test]
    fn xrdp_disconnect_ultimatum_is_data() {
        let reply = decode_reply(&hex("03 00 00 09 02 F0 80 21 80")).expect("decodes");
        let Reply::Data { payload } = reply else {
            panic!("{reply:?}")
        };
        assert!(is_disconnect_provider_ultimatum(&payload));
    }

    #[test]
    fn failure_codes_round_trip() {
        for v in 1..=6 {
            assert_eq!(FailureCode::from_u32(v).value(), v);
        }
        assert_eq!(FailureCode::from_u32(9), FailureCode::Unknown(9));
    }

    #[test]
    fn malformed_confirms_are_errors() {
        for bad in [
            "03 00 00 0B 0E D0 00 00 12 34 00",          // LI past the end
            "03 00 00 0B 04 D0 00 00 12",                // LI too small
            "03 00 00 0F 0A D0 00 00 12 34 00 02 00 08", // neg data cut short
            "03 00 00 13 0E D0 00 00 12 34 00 02 00 09 00 02 00 00 00", // neg length 9
            "03 00 00 13 0E D0 00 00 12 34 00 07 00 08 00 02 00 00 00", // neg type 7
            "03 00 00 13 0E E0 00 00 12 34 00 02 00 08 00 02 00 00 00", // a CR, not a CC
            "03 00 00 30 0E D0",                         // frame shorter than TPKT says
        ] {
            assert!(decode_reply(&hex(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_prefix_of_a_valid_confirm_fails_cleanly() {
        let good = hex("03 00 00 13 0E D0 00 00 12 34 00 02 1F 08 00 02 00 00 00");
        for n in 0..good.len() {
            assert!(decode_reply(&good[..n]).is_err());
        }
    }
}
