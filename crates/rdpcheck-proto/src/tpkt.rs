//! TPKT framing (RFC 1006 / T.123 §8): every X.224 TPDU rides in one.
//!
//! ```text
//!  0        1        2        3
//! +--------+--------+--------+--------+
//! | ver=3  | rsv=0  |  length (BE, incl. header) |
//! +--------+--------+--------+--------+
//! ```

use crate::reader::Reader;
use crate::DecodeError;

pub const HEADER_LEN: usize = 4;
pub const VERSION: u8 = 3;

/// Prefix `payload` with a TPKT header.
pub fn wrap(payload: &[u8]) -> Vec<u8> {
    let total = HEADER_LEN + payload.len();
    let len = u16::try_from(total).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&[VERSION, 0]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Total frame length announced by a TPKT header at the start of `buf`.
///
/// `Ok(None)` when fewer than four bytes are buffered yet.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, DecodeError> {
    let mut r = Reader::new(buf);
    if r.remaining() < HEADER_LEN {
        return Ok(None);
    }
    let version = r.u8("tpkt version")?;
    if version != VERSION {
        return Err(DecodeError::invalid(
            "tpkt version",
            format!("{version:#04x}, expected 0x03"),
        ));
    }
    r.skip(1, "tpkt reserved")?;
    let len = usize::from(r.u16_be("tpkt length")?);
    // A TPKT carrying X.224 holds at least the 3-byte DT header; FreeRDP rejects < 7.
    if len < 7 {
        return Err(DecodeError::invalid(
            "tpkt length",
            format!("{len} is shorter than the smallest X.224 TPDU"),
        ));
    }
    Ok(Some(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_writes_big_endian_total_length() {
        assert_eq!(wrap(&[0xAA; 15])[..4], [3, 0, 0, 19]);
    }

    #[test]
    fn frame_len_waits_for_four_bytes() {
        assert_eq!(frame_len(&[3, 0, 0]), Ok(None));
        assert_eq!(frame_len(&[3, 0, 0, 0x13]), Ok(Some(19)));
    }

    #[test]
    fn frame_len_rejects_other_versions_and_tiny_lengths() {
        assert!(frame_len(&[0x16, 3, 1, 0]).is_err());
        assert!(frame_len(&[3, 0, 0, 4]).is_err());
    }
}
