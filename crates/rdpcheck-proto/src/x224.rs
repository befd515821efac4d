//! X.224 Connection Request / Confirm with RDP negotiation data (MS-RDPBCGR 2.2.1.1, 2.2.1.2).
//!
//! CR and CC share a 7-byte fixed part after TPKT: `LI code DST-REF(2, BE) SRC-REF(2, BE) class`.
//! The CR may carry a `Cookie: mstshash=…\r\n` and an 8-byte RDP_NEG_REQ; the CC carries an
//! RDP_NEG_RSP, an RDP_NEG_FAILURE, or nothing (servers from before negotiation existed).

use crate::reader::Reader;
use crate::{tpkt, DecodeError};

mod neg;
pub use neg::{FailureCode, RspFlags};

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
mod tests;
