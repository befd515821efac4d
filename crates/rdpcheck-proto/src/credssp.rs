//! CredSSP TSRequest (MS-CSSP 2.2.1), DER encoded, just enough to carry one NTLM token each way.
//!
//! ```text
//! TSRequest ::= SEQUENCE {
//!     version     [0] INTEGER,
//!     negoTokens  [1] NegoData   OPTIONAL,  -- SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
//!     authInfo    [2] OCTET STRING OPTIONAL,
//!     pubKeyAuth  [3] OCTET STRING OPTIONAL,
//!     errorCode   [4] INTEGER    OPTIONAL,  -- NTSTATUS, version 3+
//!     clientNonce [5] OCTET STRING OPTIONAL -- version 5+
//! }
//! ```
//!
//! The request is sent inside TLS right after the X.224 exchange (rdp-protocol.md §2.2, §3.3).

use crate::der::{self, context, TAG_INTEGER, TAG_OCTET_STRING, TAG_SEQUENCE};
use crate::reader::Reader;
use crate::DecodeError;

/// The first TSRequest version with the fix for CVE-2018-0886 (the "encryption oracle"), March
/// 2018. MS-CSSP 2.2.1: in version 4 or lower `pubKeyAuth` carries the server's public key
/// encrypted, in version 5 or higher a SHA-256 hash of it bound to the client's `clientNonce`
/// ("only used in version 5 or higher"); 5.1: "A major revision has been applied to the protocol
/// in version 5 for improved security"; product behaviour: version 5 ships in Windows Server
/// v1803 and later and in the version-specific CredSSP updates (KB 4088776 …), while unpatched
/// Windows 7 / 2008 R2 / 8 / 2012 speak only version 2. FreeRDP #4488 ("Support newly introduced
/// CredSSP protocol version 4, 5 and 6") and pyspnego's `credssp_min_protocol` ("To ensure the
/// mitigations for CVE-2018-0886 is in place set this value to 5 or higher") draw the same line.
pub const FIRST_FIXED_VERSION: u32 = 5;

/// Whether a peer announcing `version` carries the CVE-2018-0886 fix. The probe offers 6, the
/// highest defined version, so its offer cannot pull a server's answer down: whether a server
/// answers with its own version or the lower of the two, an answer below 5 means it speaks
/// nothing newer.
pub fn has_oracle_fix(version: u32) -> bool {
    version >= FIRST_FIXED_VERSION
}

/// A TSRequest with `version` and one negoToken.
///
/// With version 0x60 and [`crate::ntlm::negotiate_message`] this is byte for byte the 57-byte
/// request nmap's `rdp-ntlm-info` sends.
pub fn ts_request(version: u32, nego_token: &[u8]) -> Vec<u8> {
    let version_field = der::tlv(
        context(0),
        &der::tlv(
            TAG_INTEGER,
            &der::unsigned_integer_content(u64::from(version)),
        ),
    );
    let token = der::tlv(context(0), &der::tlv(TAG_OCTET_STRING, nego_token));
    let nego_data = der::tlv(TAG_SEQUENCE, &der::tlv(TAG_SEQUENCE, &token));
    let nego_field = der::tlv(context(1), &nego_data);

    let mut body = version_field;
    body.extend_from_slice(&nego_field);
    der::tlv(TAG_SEQUENCE, &body)
}

/// A decoded TSRequest from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TsRequest {
    pub version: u32,
    pub nego_token: Option<Vec<u8>>,
    /// NTSTATUS the server reported (CredSSP v3+).
    pub error_code: Option<u32>,
}

/// Length of the whole DER TSRequest at the start of `buf`; `Ok(None)` while the header is incomplete.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, DecodeError> {
    if let Some(&first) = buf.first() {
        if first != TAG_SEQUENCE {
            return Err(DecodeError::invalid(
                "tsrequest",
                format!("first byte {first:#04x}, expected 0x30 (SEQUENCE)"),
            ));
        }
    }
    let Some(h) = der::header(buf, "tsrequest length")? else {
        return Ok(None);
    };
    h.header_len
        .checked_add(h.content_len)
        .map(Some)
        .ok_or_else(|| DecodeError::invalid("tsrequest length", "length overflows"))
}

/// Decode one whole TSRequest. Bytes after the outer SEQUENCE are ignored.
pub fn parse_ts_request(bytes: &[u8]) -> Result<TsRequest, DecodeError> {
    let mut fields = der::expect_tlv(&mut Reader::new(bytes), TAG_SEQUENCE, "tsrequest")?;
    let mut version = None;
    let mut out = TsRequest::default();
    while !fields.is_empty() {
        let (tag, content) = der::split_tlv(&mut fields, "tsrequest field")?;
        match tag {
            t if t == context(0) => {
                let value = integer_field(content, "tsrequest version")?;
                version = Some(u32::try_from(value).map_err(|_| {
                    DecodeError::invalid("tsrequest version", format!("{value} is out of range"))
                })?);
            }
            t if t == context(1) => out.nego_token = first_nego_token(content)?,
            t if t == context(4) => {
                let value = integer_field(content, "tsrequest errorCode")?;
                // NTSTATUS values such as 0xC000006D arrive either as a positive 5-octet INTEGER
                // or as a negative 4-octet one; both mean the same 32 bits.
                if value < i64::from(i32::MIN) || value > i64::from(u32::MAX) {
                    return Err(DecodeError::invalid(
                        "tsrequest errorCode",
                        format!("{value} does not fit in 32 bits"),
                    ));
                }
                out.error_code = Some(value as u32);
            }
            // [2] authInfo, [3] pubKeyAuth, [5] clientNonce and anything newer: not needed
            // before authentication, skipped (their lengths were checked by split_tlv).
            _ => {}
        }
    }
    out.version = version.ok_or_else(|| {
        DecodeError::invalid("tsrequest", "the mandatory version field is missing")
    })?;
    Ok(out)
}

/// `[n] INTEGER` content → value.
fn integer_field(mut content: Reader<'_>, what: &'static str) -> Result<i64, DecodeError> {
    let mut value = der::expect_tlv(&mut content, TAG_INTEGER, what)?;
    der::integer_value(value.rest(), what)
}

/// NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }: the first token, if any.
fn first_nego_token(mut content: Reader<'_>) -> Result<Option<Vec<u8>>, DecodeError> {
    let mut items = der::expect_tlv(&mut content, TAG_SEQUENCE, "tsrequest negoTokens")?;
    if items.is_empty() {
        return Ok(None);
    }
    let mut item = der::expect_tlv(&mut items, TAG_SEQUENCE, "tsrequest NegoData item")?;
    let mut token_field = der::expect_tlv(&mut item, context(0), "tsrequest negoToken")?;
    let mut token = der::expect_tlv(&mut token_field, TAG_OCTET_STRING, "tsrequest negoToken")?;
    Ok(Some(token.rest().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntlm;
    use crate::testutil::hex;

    const NMAP_REQUEST: &str = "30 37 A0 03 02 01 60 A1 30 30 2E 30 2C A0 2A 04 28 \
        4E 54 4C 4D 53 53 50 00 01 00 00 00 B7 82 08 E2 \
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \
        0A 00 63 45 00 00 00 0F";

    #[test]
    fn nmap_request_bytes() {
        let req = ts_request(0x60, &ntlm::negotiate_message());
        assert_eq!(req, hex(NMAP_REQUEST));
        assert_eq!(req.len(), 57);
        assert_eq!(frame_len(&req), Ok(Some(57)));
        let back = parse_ts_request(&req).expect("parses");
        assert_eq!(back.version, 0x60);
        assert_eq!(back.nego_token, Some(ntlm::negotiate_message()));
        assert_eq!(back.error_code, None);
    }

    #[test]
    fn the_oracle_fix_starts_at_version_5() {
        assert!(!has_oracle_fix(2));
        assert!(!has_oracle_fix(3));
        assert!(!has_oracle_fix(4));
        assert!(has_oracle_fix(5));
        assert!(has_oracle_fix(6));
        assert!(has_oracle_fix(0x60));
    }

    #[test]
    fn versions_needing_a_leading_zero() {
        let req = ts_request(0x80, b"x");
        assert_eq!(&req[2..8], &hex("A0 04 02 02 00 80"));
        assert_eq!(parse_ts_request(&req).map(|r| r.version), Ok(0x80));
        assert_eq!(
            parse_ts_request(&ts_request(6, b"x")).map(|r| r.version),
            Ok(6)
        );
    }

    #[test]
    fn long_tokens_use_long_form_lengths() {
        let token = vec![0x5A; 300];
        let req = ts_request(6, &token);
        assert_eq!(&req[..2], &[0x30, 0x82]);
        assert_eq!(frame_len(&req), Ok(Some(req.len())));
        assert_eq!(
            parse_ts_request(&req).expect("parses").nego_token,
            Some(token)
        );
    }

    #[test]
    fn frame_len_headers() {
        assert_eq!(frame_len(&[]), Ok(None));
        assert_eq!(frame_len(&[0x30]), Ok(None));
        assert_eq!(frame_len(&[0x30, 0x05]), Ok(Some(7)));
        assert_eq!(frame_len(&[0x30, 0x82, 0x01]), Ok(None));
        assert_eq!(frame_len(&[0x30, 0x82, 0x01, 0x00]), Ok(Some(260)));
        assert_eq!(frame_len(&[0x30, 0x84, 0, 0, 0x01, 0x00]), Ok(Some(262)));
        assert!(frame_len(&[0x31, 0x05]).is_err());
        assert!(frame_len(&[0x30, 0x80]).is_err(), "indefinite length");
        assert!(
            frame_len(&[0x30, 0x85, 0, 0, 0, 0, 1]).is_err(),
            "5 length octets"
        );
    }

    #[test]
    fn error_code_both_encodings() {
        // version 6, errorCode STATUS_LOGON_FAILURE as a positive 5-octet INTEGER…
        let five = hex("30 0E A0 03 02 01 06 A4 07 02 05 00 C0 00 00 6D");
        let r = parse_ts_request(&five).expect("parses");
        assert_eq!(r.version, 6);
        assert_eq!(r.error_code, Some(0xC000_006D));
        assert_eq!(r.nego_token, None);
        // …and as a negative 4-octet one.
        let four = hex("30 0D A0 03 02 01 06 A4 06 02 04 C0 00 00 6D");
        assert_eq!(
            parse_ts_request(&four).expect("parses").error_code,
            Some(0xC000_006D)
        );
    }

    #[test]
    fn unknown_and_skipped_fields() {
        // version 6, pubKeyAuth [3], clientNonce [5], an unknown [7], then negoTokens.
        let req = hex(
            "30 1E A0 03 02 01 06 A3 04 04 02 AA BB A5 04 04 02 CC DD A7 00 \
             A1 09 30 07 30 05 A0 03 04 01 99",
        );
        let r = parse_ts_request(&req).expect("parses");
        assert_eq!(r.version, 6);
        assert_eq!(r.nego_token, Some(vec![0x99]));
    }

    #[test]
    fn malformed_requests_are_errors() {
        for bad in [
            "",
            "31 03 A0 01 00",                         // not a SEQUENCE
            "30 05 A0 03 02 01",                      // content shorter than declared
            "30 00",                                  // no version
            "30 05 A0 03 04 01 06",                   // version not an INTEGER
            "30 04 A0 02 02 00",                      // empty INTEGER
            "30 05 A0 03 02 01 FF",                   // negative version
            "30 09 A0 03 02 01 06 A1 02 04 00",       // negoTokens not a SEQUENCE
            "30 0B A0 03 02 01 06 A1 04 30 02 31 00", // NegoData item not a SEQUENCE
            "30 08 A0 03 02 01 06 BF 01 00",          // high-tag-number form
            "30 07 A0 03 02 01 06 A4 85",             // 5 length octets
        ] {
            assert!(parse_ts_request(&hex(bad)).is_err(), "{bad}");
        }
        let good = hex(NMAP_REQUEST);
        for n in 0..good.len() {
            assert!(parse_ts_request(&good[..n]).is_err(), "prefix {n}");
        }
    }
}
