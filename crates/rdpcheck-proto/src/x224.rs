//! X.224 Connection Request / Confirm with RDP negotiation data (MS-RDPBCGR 2.2.1.1, 2.2.1.2).
//!
//! CR and CC share a 7-byte fixed part after TPKT: `LI code DST-REF(2, BE) SRC-REF(2, BE) class`.
//! The CR may carry a `Cookie: mstshash=…\r\n` and an 8-byte RDP_NEG_REQ; the CC carries an
//! RDP_NEG_RSP, an RDP_NEG_FAILURE, or nothing (servers from before negotiation existed).

use std::fmt;

use crate::reader::Reader;
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
    // Everything after the length indicator: code, DST-REF, SRC-REF, class, then variable data.
    let mut rest = vec![CODE_CR, 0, 0, 0, 0, 0];
    if let Some(cookie) = cookie {
        rest.extend_from_slice(b"Cookie: mstshash=");
        rest.extend(cookie.bytes().filter(|b| !matches!(b, b'\r' | b'\n')));
        rest.extend_from_slice(b"\r\n");
    }
    if let Some(requested) = requested {
        rest.extend_from_slice(&[NEG_REQ, 0]);
        rest.extend_from_slice(&(NEG_LEN as u16).to_le_bytes());
        rest.extend_from_slice(&requested.to_le_bytes());
    }
    // LI counts the bytes after itself.
    let mut body = Vec::with_capacity(rest.len() + 1);
    body.push(u8::try_from(rest.len()).unwrap_or(u8::MAX));
    body.extend_from_slice(&rest);
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

/// The flags byte of an RDP_NEG_RSP (MS-RDPBCGR 2.2.1.2.1): what the server supports beyond the
/// selected protocol. Windows 10 / Server 2019 send 0x1f, Windows Server 2008 R2 0x01, the
/// "W2008" host of the redemption recordings 0x09, xrdp 0x01, the FreeRDP shadow server 0x03.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RspFlags(pub u8);

impl RspFlags {
    /// The server supports Extended Client Data Blocks in the GCC Conference Create Request.
    pub const EXTENDED_CLIENT_DATA_SUPPORTED: RspFlags = RspFlags(0x01);
    /// The server supports the Graphics Pipeline Extension (MS-RDPEGFX).
    pub const DYNVC_GFX_PROTOCOL_SUPPORTED: RspFlags = RspFlags(0x02);
    /// Unused; Windows sets it.
    pub const NEGRSP_FLAG_RESERVED: RspFlags = RspFlags(0x04);
    /// Credential-less logon over CredSSP (Restricted Admin mode).
    pub const RESTRICTED_ADMIN_MODE_SUPPORTED: RspFlags = RspFlags(0x08);
    /// Credential-less logon over CredSSP with redirected authentication (Remote Credential
    /// Guard).
    pub const REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: RspFlags = RspFlags(0x10);

    /// Every defined flag with its specification name, lowest bit first.
    pub const NAMED: [(RspFlags, &'static str); 5] = [
        (
            RspFlags::EXTENDED_CLIENT_DATA_SUPPORTED,
            "EXTENDED_CLIENT_DATA_SUPPORTED",
        ),
        (
            RspFlags::DYNVC_GFX_PROTOCOL_SUPPORTED,
            "DYNVC_GFX_PROTOCOL_SUPPORTED",
        ),
        (RspFlags::NEGRSP_FLAG_RESERVED, "NEGRSP_FLAG_RESERVED"),
        (
            RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED,
            "RESTRICTED_ADMIN_MODE_SUPPORTED",
        ),
        (
            RspFlags::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
            "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
        ),
    ];

    pub fn bits(self) -> u8 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: RspFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Set bits the specification does not define.
    pub fn unknown(self) -> u8 {
        RspFlags::NAMED
            .iter()
            .fold(self.0, |rest, (flag, _)| rest & !flag.0)
    }

    /// The specification names of the set bits, lowest first; an undefined bit reads
    /// `unknown(0x20)`.
    pub fn names(self) -> Vec<String> {
        (0..8)
            .map(|shift| 1u8 << shift)
            .filter(|bit| self.0 & bit != 0)
            .map(|bit| {
                RspFlags::NAMED
                    .iter()
                    .find(|(flag, _)| flag.0 == bit)
                    .map_or_else(
                        || format!("unknown({bit:#04x})"),
                        |(_, name)| (*name).to_string(),
                    )
            })
            .collect()
    }
}

impl From<u8> for RspFlags {
    fn from(bits: u8) -> Self {
        RspFlags(bits)
    }
}

/// `0x1f`, as the report writes flags.
impl fmt::Display for RspFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#04x}", self.0)
    }
}

impl std::ops::BitOr for RspFlags {
    type Output = RspFlags;

    fn bitor(self, rhs: RspFlags) -> RspFlags {
        RspFlags(self.0 | rhs.0)
    }
}

/// What the negotiation part of a Connection Confirm said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negotiation {
    /// RDP_NEG_RSP: the server picked `selected` (one protocol value).
    Selected { selected: u32, flags: RspFlags },
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

/// An X.224 TPDU inside one whole TPKT frame: its code (high nibble), the header after the code
/// byte, the length indicator, and the user data after the header.
struct Tpdu<'a> {
    code: u8,
    header: Reader<'a>,
    li: usize,
    data: Reader<'a>,
}

fn split_tpdu(frame: &[u8]) -> Result<Tpdu<'_>, DecodeError> {
    let Some(len) = tpkt::frame_len(frame)? else {
        return Err(DecodeError::truncated(
            "tpkt header",
            tpkt::HEADER_LEN,
            frame.len(),
        ));
    };
    let mut frame = Reader::new(frame).sub(len, "tpkt frame")?;
    frame.skip(tpkt::HEADER_LEN, "tpkt header")?;
    let tpdu_len = frame.remaining();
    // `frame` now holds the TPDU: LI, then LI header bytes, then user data.
    let li = usize::from(frame.u8("x224 length indicator")?);
    let mut header = frame.sub(li, "x224 header").map_err(|_| {
        DecodeError::invalid(
            "x224 length indicator",
            format!("LI {li} runs past the {tpdu_len}-byte TPDU"),
        )
    })?;
    let code = header.u8("x224 tpdu code")? & 0xF0;
    Ok(Tpdu {
        code,
        header,
        li,
        data: frame,
    })
}

/// Decode one whole TPKT frame (as delimited by [`tpkt::frame_len`]) holding an X.224 reply.
pub fn decode_reply(frame: &[u8]) -> Result<Reply, DecodeError> {
    let Tpdu {
        code,
        mut header,
        li,
        mut data,
    } = split_tpdu(frame)?;
    match code {
        CODE_CC => decode_confirm(header, li),
        CODE_DR => {
            // DR: LI 80 DST(2) SRC(2) reason
            header.skip(4, "x224 disconnect request references")?;
            let reason = header.u8("x224 disconnect reason")?;
            Ok(Reply::Disconnect { reason })
        }
        CODE_DT => Ok(Reply::Data {
            payload: data.rest().to_vec(),
        }),
        other => Err(DecodeError::invalid(
            "x224 tpdu code",
            format!("{other:#04x} is not a connection confirm"),
        )),
    }
}

/// A decoded Connection Request (what a client asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The routing token or cookie line without its CRLF, e.g. `Cookie: mstshash=IEUser`.
    pub token: Option<String>,
    /// RDP_NEG_REQ: its flags and requestedProtocols; `None` for the legacy form.
    pub negotiation: Option<NegRequest>,
}

/// RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NegRequest {
    pub flags: u8,
    pub requested: u32,
}

/// Decode one whole TPKT frame holding an X.224 Connection Request (MS-RDPBCGR 2.2.1.1): the
/// server's side of [`connection_request`], used by the lab's replay server and decode tests.
///
/// The variable part is an optional token line ending in CRLF, an optional 8-byte RDP_NEG_REQ,
/// and (ignored here) an optional RDP_NEG_CORRELATION_INFO.
pub fn decode_request(frame: &[u8]) -> Result<Request, DecodeError> {
    let Tpdu {
        code,
        mut header,
        li,
        ..
    } = split_tpdu(frame)?;
    if code != CODE_CR {
        return Err(DecodeError::invalid(
            "x224 tpdu code",
            format!("{code:#04x} is not a connection request"),
        ));
    }
    if li < 6 {
        return Err(DecodeError::invalid(
            "x224 connection request",
            format!("LI {li} is shorter than the 6-byte fixed part"),
        ));
    }
    header.skip(5, "x224 references and class")?;
    let mut token = None;
    if header.peek().is_some_and(|b| b != NEG_REQ) {
        let rest = header.peek_rest();
        let end = rest.windows(2).position(|w| w == b"\r\n").ok_or_else(|| {
            DecodeError::invalid(
                "x224 routing token",
                "the token or cookie has no CRLF terminator",
            )
        })?;
        let line = header.take(end, "x224 routing token")?;
        header.skip(2, "x224 routing token terminator")?;
        token = Some(line.iter().copied().map(char::from).collect());
    }
    let mut negotiation = None;
    if !header.is_empty() {
        let mut neg = header.sub(NEG_LEN, "rdp negotiation request")?;
        let kind = neg.u8("rdp negotiation type")?;
        if kind != NEG_REQ {
            return Err(DecodeError::invalid(
                "rdp negotiation type",
                format!("{kind:#04x}, expected 0x01 (RDP_NEG_REQ)"),
            ));
        }
        let flags = neg.u8("rdp negotiation flags")?;
        let len = usize::from(neg.u16_le("rdp negotiation length")?);
        if len != NEG_LEN {
            return Err(DecodeError::invalid(
                "rdp negotiation length",
                format!("{len}, expected 8"),
            ));
        }
        let requested = neg.u32_le("rdp negotiation requestedProtocols")?;
        negotiation = Some(NegRequest { flags, requested });
    }
    Ok(Request { token, negotiation })
}

/// The rest of a CC header after its code byte: DST-REF, SRC-REF, class, negotiation data.
fn decode_confirm(mut header: Reader<'_>, li: usize) -> Result<Reply, DecodeError> {
    if li < 6 {
        return Err(DecodeError::invalid(
            "x224 connection confirm",
            format!("LI {li} is shorter than the 6-byte fixed part"),
        ));
    }
    let dst_ref = header.u16_be("x224 dst-ref")?;
    let src_ref = header.u16_be("x224 src-ref")?;
    header.u8("x224 class")?;
    if header.is_empty() {
        return Ok(Reply::Confirm {
            dst_ref,
            src_ref,
            negotiation: Negotiation::Legacy,
        });
    }
    let mut neg = header.sub(NEG_LEN, "rdp negotiation data")?;
    let kind = neg.u8("rdp negotiation type")?;
    let flags = neg.u8("rdp negotiation flags")?;
    let len = usize::from(neg.u16_le("rdp negotiation length")?);
    if len != NEG_LEN {
        return Err(DecodeError::invalid(
            "rdp negotiation length",
            format!("{len}, expected 8"),
        ));
    }
    let value = neg.u32_le("rdp negotiation value")?;
    let negotiation = match kind {
        NEG_RSP => Negotiation::Selected {
            selected: value,
            flags: RspFlags(flags),
        },
        NEG_FAILURE => Negotiation::Failure(FailureCode::from_u32(value)),
        other => {
            return Err(DecodeError::invalid(
                "rdp negotiation type",
                format!("{other:#04x}, expected 0x02 or 0x03"),
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
    use crate::testutil::hex;

    #[test]
    fn requests_decode_back() {
        let with_cookie = decode_request(&connection_request(Some("probe"), Some(0x0B)));
        assert_eq!(
            with_cookie,
            Ok(Request {
                token: Some("Cookie: mstshash=probe".into()),
                negotiation: Some(NegRequest {
                    flags: 0,
                    requested: 0x0B
                }),
            })
        );
        assert_eq!(
            decode_request(&connection_request(None, None)),
            Ok(Request {
                token: None,
                negotiation: None
            })
        );
        assert_eq!(
            decode_request(&connection_request(None, Some(0))).map(|r| r.negotiation),
            Ok(Some(NegRequest {
                flags: 0,
                requested: 0
            }))
        );
        for bad in [
            "03 00 00 13 0E D0 00 00 00 00 00 01 00 08 00 0B 00 00 00", // a CC
            "03 00 00 0F 0A E0 00 00 00 00 00 41 42 43 44",             // token without CRLF
            "03 00 00 13 0E E0 00 00 00 00 00 01 00 09 00 0B 00 00 00", // neg length 9
            "03 00 00 0F 0A E0 00 00 00 00 00 01 00 08 00",             // neg req cut short
            "03 00 00 09 04 E0 00 00 00",                               // LI too small
        ] {
            assert!(decode_request(&hex(bad)).is_err(), "{bad}");
        }
        let good = connection_request(Some("probe"), Some(0x0B));
        for n in 0..good.len() {
            assert!(decode_request(&good[..n]).is_err(), "prefix {n}");
        }
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
                    flags: RspFlags(0x1F)
                }
            })
        );
    }

    #[test]
    fn response_flags_have_names() {
        let all = RspFlags(0x1F);
        assert_eq!(
            all.names(),
            [
                "EXTENDED_CLIENT_DATA_SUPPORTED",
                "DYNVC_GFX_PROTOCOL_SUPPORTED",
                "NEGRSP_FLAG_RESERVED",
                "RESTRICTED_ADMIN_MODE_SUPPORTED",
                "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
            ]
        );
        assert_eq!(all.unknown(), 0);
        assert_eq!(all.to_string(), "0x1f");
        let w2008 = RspFlags(0x09);
        assert!(w2008.contains(RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED));
        assert!(w2008.contains(
            RspFlags::EXTENDED_CLIENT_DATA_SUPPORTED | RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED
        ));
        assert!(!w2008.contains(RspFlags::DYNVC_GFX_PROTOCOL_SUPPORTED));
        assert!(!w2008.contains(RspFlags::REDIRECTED_AUTHENTICATION_MODE_SUPPORTED | w2008));
        assert!(RspFlags(0).names().is_empty());
        assert!(RspFlags(0).contains(RspFlags(0)));
        let odd = RspFlags(0xA1);
        assert_eq!(odd.unknown(), 0xA0);
        assert_eq!(
            odd.names(),
            [
                "EXTENDED_CLIENT_DATA_SUPPORTED",
                "unknown(0x20)",
                "unknown(0x80)"
            ]
        );
        assert_eq!(
            RspFlags::from(0x08),
            RspFlags::RESTRICTED_ADMIN_MODE_SUPPORTED
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
