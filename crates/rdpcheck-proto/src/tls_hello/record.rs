//! The TLS record layer as both hello readers see it (RFC 5246 §6.2): handshake records and one
//! leading alert, every header checked.

use super::{CONTENT_ALERT, CONTENT_HANDSHAKE, MAX_RECORD_LEN, RECORD_HEADER_LEN};
use crate::reader::Reader;
use crate::DecodeError;

pub(super) enum Record<'a> {
    NeedMore,
    Alert { level: u8, description: u8 },
    Handshake(&'a [u8]),
}

/// The next record, judged by its content type as soon as that byte is here: a TPKT, HTTP or
/// SSH answer is reported at once instead of after waiting for a full record header. An alert
/// counts only as the first record (`first`). An incomplete record is left in `records`.
pub(super) fn next_record<'a>(
    records: &mut Reader<'a>,
    first: bool,
) -> Result<Record<'a>, DecodeError> {
    let Some(content_type) = records.peek() else {
        return Ok(Record::NeedMore);
    };
    let expected = match content_type {
        CONTENT_HANDSHAKE => true,
        CONTENT_ALERT => first,
        _ => false,
    };
    if !expected {
        return Err(DecodeError::invalid(
            "tls record type",
            format!(
                "{content_type:#04x} ({}), expected a handshake or alert record",
                content_type_name(content_type)
            ),
        ));
    }
    if records.remaining() < RECORD_HEADER_LEN {
        return Ok(Record::NeedMore);
    }
    // Read the header from a copy: an incomplete record is left for the next call.
    let mut header = *records;
    header.skip(1, "tls record type")?;
    let major = header.u8("tls record version")?;
    let minor = header.u8("tls record version")?;
    let len = usize::from(header.u16_be("tls record length")?);
    if major != 0x03 {
        return Err(DecodeError::invalid(
            "tls record version",
            format!("{major:#04x}{minor:02x} is not SSLv3/TLS"),
        ));
    }
    if len > MAX_RECORD_LEN {
        return Err(DecodeError::invalid(
            "tls record length",
            format!("{len} exceeds the {MAX_RECORD_LEN}-byte maximum"),
        ));
    }
    if content_type == CONTENT_ALERT {
        if len < 2 {
            return Err(DecodeError::invalid(
                "tls alert",
                format!("record of {len} bytes, an alert needs 2"),
            ));
        }
        if header.remaining() < 2 {
            return Ok(Record::NeedMore);
        }
        return Ok(Record::Alert {
            level: header.u8("tls alert level")?,
            description: header.u8("tls alert description")?,
        });
    }
    if len == 0 {
        return Err(DecodeError::invalid(
            "tls handshake record",
            "zero-length fragment",
        ));
    }
    if header.remaining() < len {
        return Ok(Record::NeedMore);
    }
    let fragment = header.take(len, "tls handshake fragment")?;
    *records = header;
    Ok(Record::Handshake(fragment))
}

fn content_type_name(content_type: u8) -> &'static str {
    match content_type {
        0x14 => "change_cipher_spec",
        CONTENT_ALERT => "alert after a partial handshake",
        CONTENT_HANDSHAKE => "handshake",
        0x17 => "application_data",
        0x18 => "heartbeat",
        0x03 => "a TPKT frame: the server is still speaking X.224",
        _ => "not TLS",
    }
}
