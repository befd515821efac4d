//! Reading the server's first flight: a ServerHello, possibly fragmented over several
//! handshake records, or an alert (RFC 5246 §6.2, §7.2, §7.4.1.3; RFC 8446 §4.1.3, §4.2.1).

use super::record::{next_record, Record};
use super::{EXT_SUPPORTED_VERSIONS, HANDSHAKE_SERVER_HELLO, MAX_SERVER_HELLO_LEN};
use crate::reader::Reader;
use crate::DecodeError;

/// The server's answer to a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerReply {
    /// ServerHello: the protocol version the server chose and its cipher suite.
    Hello { version: u16, cipher_suite: u16 },
    /// A TLS alert record.
    Alert { level: u8, description: u8 },
}

/// Read the first reply. `Ok(None)`: more bytes are needed.
///
/// Accepts a ServerHello that arrives in one record or fragmented over several consecutive
/// handshake records, and an alert record. Anything else is an error: the peer is not
/// answering our hello with TLS.
pub fn parse_server_reply(bytes: &[u8]) -> Result<Option<ServerReply>, DecodeError> {
    // Handshake bytes collected from consecutive handshake records.
    let mut handshake: Vec<u8> = Vec::new();
    let mut records = Reader::new(bytes);
    loop {
        match next_record(&mut records, handshake.is_empty())? {
            Record::NeedMore => return Ok(None),
            Record::Alert { level, description } => {
                return Ok(Some(ServerReply::Alert { level, description }))
            }
            Record::Handshake(fragment) => {
                handshake.extend_from_slice(fragment);
                if let Some(reply) = server_hello_from(&handshake)? {
                    return Ok(Some(reply));
                }
            }
        }
    }
}

/// The ServerHello at the start of `handshake`, once the whole message is there.
fn server_hello_from(handshake: &[u8]) -> Result<Option<ServerReply>, DecodeError> {
    let mut r = Reader::new(handshake);
    match r.peek() {
        None => return Ok(None),
        Some(HANDSHAKE_SERVER_HELLO) => {}
        Some(other) => {
            return Err(DecodeError::invalid(
                "tls handshake type",
                format!("{other:#04x}, expected 0x02 (ServerHello)"),
            ))
        }
    }
    if r.remaining() < 4 {
        return Ok(None);
    }
    r.skip(1, "tls handshake type")?;
    let len = usize::try_from(r.u24_be("tls handshake length")?).unwrap_or(usize::MAX);
    if len > MAX_SERVER_HELLO_LEN {
        return Err(DecodeError::invalid(
            "tls server hello length",
            format!("{len} bytes is too long for a ServerHello"),
        ));
    }
    if r.remaining() < len {
        return Ok(None);
    }
    let (version, cipher_suite) = server_hello_body(r.sub(len, "tls server hello")?)?;
    Ok(Some(ServerReply::Hello {
        version,
        cipher_suite,
    }))
}

/// ServerHello body (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3): the version the server chose (from
/// supported_versions when present) and its cipher suite.
pub(super) fn server_hello_body(mut body: Reader<'_>) -> Result<(u16, u16), DecodeError> {
    let legacy_version = body.u16_be("tls server hello version")?;
    body.skip(32, "tls server hello random")?;
    let sid_len = usize::from(body.u8("tls session id length")?);
    if sid_len > 32 {
        return Err(DecodeError::invalid(
            "tls session id length",
            format!("{sid_len}, at most 32"),
        ));
    }
    body.skip(sid_len, "tls session id")?;
    let cipher_suite = body.u16_be("tls cipher suite")?;
    body.u8("tls compression method")?;
    let mut version = legacy_version;

    // Extensions are optional: a ServerHello may end right after the compression method.
    if !body.is_empty() {
        let ext_len = usize::from(body.u16_be("tls extensions length")?);
        let mut exts = body.sub(ext_len, "tls extensions")?;
        while !exts.is_empty() {
            let kind = exts.u16_be("tls extension type")?;
            let n = usize::from(exts.u16_be("tls extension length")?);
            let mut data = exts.sub(n, "tls extension")?;
            if kind == EXT_SUPPORTED_VERSIONS {
                // In a ServerHello this holds exactly one selected version.
                if n != 2 {
                    return Err(DecodeError::invalid(
                        "tls supported_versions",
                        format!("{n} bytes, expected 2 in a ServerHello"),
                    ));
                }
                version = data.u16_be("tls supported_versions")?;
            }
        }
    }
    Ok((version, cipher_suite))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{handshake_msg, hex, record};

    #[test]
    fn tls12_server_hello() {
        // Record 16 03 03, ServerHello TLS 1.2, 32-byte session id, suite C030, null compression,
        // extensions: renegotiation_info (ff01, 1 byte 00), ec_point_formats.
        let mut body = hex("03 03");
        body.extend_from_slice(&[0x11; 32]);
        body.push(32);
        body.extend_from_slice(&[0x22; 32]);
        body.extend_from_slice(&hex("c0 30 00 00 0b ff 01 00 01 00 00 0b 00 02 01 00"));
        let msg = handshake_msg(2, &body);
        let rec = record(0x16, &msg);
        assert_eq!(
            parse_server_reply(&rec),
            Ok(Some(ServerReply::Hello {
                version: 0x0303,
                cipher_suite: 0xC030
            }))
        );
        // Every shorter prefix needs more bytes.
        for n in 0..rec.len() {
            assert_eq!(parse_server_reply(&rec[..n]), Ok(None), "prefix {n}");
        }
        // Trailing records (Certificate, …) do not matter.
        let mut more = rec.clone();
        more.extend_from_slice(&hex("16 03 03 00 04 0b 00 00 00"));
        assert!(matches!(
            parse_server_reply(&more),
            Ok(Some(ServerReply::Hello { .. }))
        ));
    }

    #[test]
    fn tls10_server_hello_without_extensions() {
        let mut body = hex("03 01");
        body.extend_from_slice(&[0x33; 32]);
        body.push(0);
        body.extend_from_slice(&hex("00 2f 00"));
        let rec = record(0x16, &handshake_msg(2, &body));
        assert_eq!(
            parse_server_reply(&rec),
            Ok(Some(ServerReply::Hello {
                version: 0x0301,
                cipher_suite: 0x002F
            }))
        );
    }

    #[test]
    fn tls13_server_hello_reports_supported_versions() {
        let mut body = hex("03 03");
        body.extend_from_slice(&[0x44; 32]);
        body.push(0);
        body.extend_from_slice(&hex("13 02 00 00 06 00 2b 00 02 03 04"));
        let rec = record(0x16, &handshake_msg(2, &body));
        assert_eq!(
            parse_server_reply(&rec),
            Ok(Some(ServerReply::Hello {
                version: 0x0304,
                cipher_suite: 0x1302
            }))
        );
    }

    #[test]
    fn server_hello_split_over_records() {
        let mut body = hex("03 02");
        body.extend_from_slice(&[0x55; 32]);
        body.push(0);
        body.extend_from_slice(&hex("c0 14 00"));
        let msg = handshake_msg(2, &body);
        let mut bytes = record(0x16, &msg[..3]);
        bytes.extend(record(0x16, &msg[3..20]));
        bytes.extend(record(0x16, &msg[20..]));
        assert_eq!(
            parse_server_reply(&bytes),
            Ok(Some(ServerReply::Hello {
                version: 0x0302,
                cipher_suite: 0xC014
            }))
        );
        for n in 0..bytes.len() {
            assert_eq!(parse_server_reply(&bytes[..n]), Ok(None), "prefix {n}");
        }
    }

    #[test]
    fn alerts() {
        assert_eq!(
            parse_server_reply(&hex("15 03 01 00 02 02 46")),
            Ok(Some(ServerReply::Alert {
                level: 2,
                description: 70
            }))
        );
        assert_eq!(parse_server_reply(&hex("15 03 03 00 02 02")), Ok(None));
        assert!(parse_server_reply(&hex("15 03 03 00 01 02")).is_err());
    }

    #[test]
    fn not_a_server_hello() {
        for bad in [
            "03 00 00 09 02 f0 80 21 80",    // TPKT, not TLS
            "17 03 03 00 02 00 00",          // application data
            "16 03 03 00 04 01 00 00 00",    // a ClientHello
            "16 03 03 00 00",                // empty handshake fragment
            "16 03 03 48 01",                // record longer than allowed
            "16 03 03 00 04 02 ff ff ff",    // ServerHello longer than allowed
            "16 03 03 00 05 02 00 00 01 03", // ServerHello body cut short
            "48 54 54 50 2f",                // "HTTP/"
        ] {
            assert!(parse_server_reply(&hex(bad)).is_err(), "{bad}");
        }
        // Session id longer than 32.
        let mut body = hex("03 03");
        body.extend_from_slice(&[0; 32]);
        body.push(33);
        body.extend_from_slice(&[0; 36]);
        assert!(parse_server_reply(&record(0x16, &handshake_msg(2, &body))).is_err());
        // Extension overrunning the extensions block.
        let mut body = hex("03 03");
        body.extend_from_slice(&[0; 32]);
        body.extend_from_slice(&hex("00 c0 2f 00 00 04 00 2b 00 09"));
        assert!(parse_server_reply(&record(0x16, &handshake_msg(2, &body))).is_err());
    }
}
