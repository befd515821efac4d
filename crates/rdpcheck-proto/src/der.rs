//! The few DER pieces CredSSP needs (ITU-T X.690 §8.1, §10): definite lengths, TLV walking,
//! INTEGER. Single-byte tags only; TSRequest uses nothing else.

use crate::reader::Reader;
use crate::DecodeError;

pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;

/// Context-specific, constructed tag `[n]` (n < 31).
pub(crate) const fn context(n: u8) -> u8 {
    0xA0 | n
}

/// Append `tag`, the DER length of `content`, then `content`.
pub(crate) fn put_tlv(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    put_len(out, content.len());
    out.extend_from_slice(content);
}

/// A TLV as a new vector.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    put_tlv(&mut out, tag, content);
    out
}

/// Definite length: short form below 0x80, else 0x8N followed by N big-endian bytes (minimal).
fn put_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let significant: Vec<u8> = (len as u64)
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    out.push(0x80 | significant.len() as u8);
    out.extend_from_slice(&significant);
}

/// Minimal two's-complement content octets of a non-negative INTEGER.
pub(crate) fn unsigned_integer_content(value: u64) -> Vec<u8> {
    let significant: Vec<u8> = value
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = Vec::with_capacity(9);
    // Zero is one zero octet; a set top bit would read as negative: prefix a zero octet.
    match significant.first() {
        None => out.push(0),
        Some(first) if first & 0x80 != 0 => out.push(0),
        Some(_) => {}
    }
    out.extend_from_slice(&significant);
    out
}

/// Tag and length header at the start of a TLV.
pub(crate) struct Header {
    pub tag: u8,
    /// Bytes taken by tag + length octets.
    pub header_len: usize,
    pub content_len: usize,
}

/// Read a tag and definite length. `Ok(None)` while the header itself is incomplete.
pub(crate) fn header(buf: &[u8], what: &'static str) -> Result<Option<Header>, DecodeError> {
    match read_header(&mut Reader::new(buf), what) {
        Ok(h) => Ok(Some(h)),
        Err(DecodeError::Truncated { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Read a tag and definite length from `r`; a short header is [`DecodeError::Truncated`].
fn read_header(r: &mut Reader<'_>, what: &'static str) -> Result<Header, DecodeError> {
    let start = r.position();
    let tag = r.u8(what)?;
    if tag & 0x1F == 0x1F {
        return Err(DecodeError::invalid(
            what,
            format!("high-tag-number form {tag:#04x} is not used by CredSSP"),
        ));
    }
    let first = r.u8(what)?;
    let content_len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 {
            return Err(DecodeError::invalid(
                what,
                "indefinite length is not allowed in DER",
            ));
        }
        if n > 4 {
            return Err(DecodeError::invalid(
                what,
                format!("{n} length octets, at most 4 supported"),
            ));
        }
        let len = r
            .take(n, what)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        usize::try_from(len).map_err(|_| {
            DecodeError::invalid(what, format!("length {len} does not fit in memory"))
        })?
    };
    Ok(Header {
        tag,
        header_len: r.position() - start,
        content_len,
    })
}

/// Read one whole TLV from `r`: its tag and a reader over its content.
pub(crate) fn split_tlv<'a>(
    r: &mut Reader<'a>,
    what: &'static str,
) -> Result<(u8, Reader<'a>), DecodeError> {
    let h = read_header(r, what)?;
    Ok((h.tag, r.sub(h.content_len, what)?))
}

/// Read a TLV that must carry `tag`; return a reader over its content.
pub(crate) fn expect_tlv<'a>(
    r: &mut Reader<'a>,
    tag: u8,
    what: &'static str,
) -> Result<Reader<'a>, DecodeError> {
    let (got, content) = split_tlv(r, what)?;
    if got != tag {
        return Err(DecodeError::invalid(
            what,
            format!("tag {got:#04x}, expected {tag:#04x}"),
        ));
    }
    Ok(content)
}

/// INTEGER content octets as a signed value (up to 8 octets).
pub(crate) fn integer_value(content: &[u8], what: &'static str) -> Result<i64, DecodeError> {
    let (Some(first), 1..=8) = (content.first(), content.len()) else {
        return Err(DecodeError::invalid(
            what,
            format!("INTEGER of {} octets, expected 1 to 8", content.len()),
        ));
    };
    // Sign-extend from the first octet, then shift the rest in.
    let init: i64 = if first & 0x80 != 0 { -1 } else { 0 };
    Ok(content
        .iter()
        .fold(init, |acc, b| (acc << 8) | i64::from(*b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(tlv(0x04, &[]), [0x04, 0x00]);
        assert_eq!(tlv(0x04, &[0; 0x7F])[..2], [0x04, 0x7F]);
        assert_eq!(tlv(0x04, &[0; 0x80])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(tlv(0x04, &[0; 0x100])[..4], [0x04, 0x82, 0x01, 0x00]);
        assert_eq!(
            tlv(0x04, &[0; 0x10000])[..5],
            [0x04, 0x83, 0x01, 0x00, 0x00]
        );
    }

    #[test]
    fn integers() {
        assert_eq!(unsigned_integer_content(0), [0x00]);
        assert_eq!(unsigned_integer_content(0x60), [0x60]);
        assert_eq!(unsigned_integer_content(0x80), [0x00, 0x80]);
        assert_eq!(unsigned_integer_content(0x0100), [0x01, 0x00]);
        assert_eq!(
            unsigned_integer_content(0xC000_006D),
            [0x00, 0xC0, 0x00, 0x00, 0x6D]
        );
        assert_eq!(
            integer_value(&[0x00, 0xC0, 0x00, 0x00, 0x6D], "t"),
            Ok(0xC000_006D)
        );
        assert_eq!(
            integer_value(&[0xC0, 0x00, 0x00, 0x6D], "t"),
            Ok(-0x3FFF_FF93)
        );
        assert_eq!(integer_value(&[0xFF], "t"), Ok(-1));
        assert!(integer_value(&[], "t").is_err());
        assert!(integer_value(&[0; 9], "t").is_err());
    }
}
