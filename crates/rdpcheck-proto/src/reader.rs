//! A bounds-checked cursor over received bytes: the only way decoders in this crate read.
//!
//! Every read names the field it reads and returns [`DecodeError::Truncated`] when fewer bytes
//! are left than the field needs; nothing here indexes, panics or substitutes a zero. Framing
//! functions that must say "wait for more bytes" (`Ok(None)`) check [`Reader::remaining`] first
//! and then read; message bodies simply propagate the error with `?`.

use crate::DecodeError;

/// Reads fields front to back from a byte slice. Cheap to copy; a [`Reader::sub`] reader covers
/// a length-prefixed part and cannot run past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader<'a> {
    /// The bytes not read yet.
    rest: &'a [u8],
    /// How many bytes were read (or skipped) since [`Reader::new`].
    position: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader {
            rest: bytes,
            position: 0,
        }
    }

    /// Bytes left to read.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Bytes read so far, counted from the start of this reader.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The next byte, without reading it.
    pub fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The bytes left, without reading them.
    pub fn peek_rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let Some((head, tail)) = self.rest.split_at_checked(n) else {
            return Err(DecodeError::truncated(what, n, self.rest.len()));
        };
        self.rest = tail;
        self.position += n;
        Ok(head)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let Some((head, tail)) = self.rest.split_first_chunk::<N>() else {
            return Err(DecodeError::truncated(what, N, self.rest.len()));
        };
        self.rest = tail;
        self.position += N;
        Ok(*head)
    }

    /// A reader over the next `n` bytes (a length-prefixed structure); this one moves past them.
    pub fn sub(&mut self, n: usize, what: &'static str) -> Result<Reader<'a>, DecodeError> {
        self.take(n, what).map(Reader::new)
    }

    /// Step over `n` bytes.
    pub fn skip(&mut self, n: usize, what: &'static str) -> Result<(), DecodeError> {
        self.take(n, what).map(|_| ())
    }

    /// Everything left; the reader is empty afterwards.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.rest;
        self.position += rest.len();
        self.rest = &[];
        rest
    }

    /// Ok when every byte was read; trailing bytes are an error naming `what`.
    pub fn finish(&self, what: &'static str) -> Result<(), DecodeError> {
        match self.rest.len() {
            0 => Ok(()),
            n => Err(DecodeError::invalid(
                what,
                format!("{n} unexpected bytes after the end"),
            )),
        }
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        self.array::<1>(what).map(|[b]| b)
    }

    pub fn u16_be(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        self.array(what).map(u16::from_be_bytes)
    }

    pub fn u16_le(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        self.array(what).map(u16::from_le_bytes)
    }

    /// A 3-byte big-endian length (TLS handshake headers).
    pub fn u24_be(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        self.array(what)
            .map(|[a, b, c]| u32::from_be_bytes([0, a, b, c]))
    }

    pub fn u32_be(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        self.array(what).map(u32::from_be_bytes)
    }

    pub fn u32_le(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        self.array(what).map(u32::from_le_bytes)
    }

    pub fn u64_le(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        self.array(what).map(u64::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truncated(what: &'static str, needed: usize, got: usize) -> DecodeError {
        DecodeError::Truncated { what, needed, got }
    }

    #[test]
    fn reads_in_wire_order() {
        let bytes = [
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
            0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A,
        ];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u8("a"), Ok(0x01));
        assert_eq!(r.u16_be("b"), Ok(0x0203));
        assert_eq!(r.u16_le("c"), Ok(0x0504));
        assert_eq!(r.u24_be("d"), Ok(0x06_0708));
        assert_eq!(r.u32_be("e"), Ok(0x090A_0B0C));
        assert_eq!(r.u32_le("f"), Ok(0x100F_0E0D));
        assert_eq!(r.u64_le("g"), Ok(0x1817_1615_1413_1211));
        assert_eq!(r.position(), 24);
        assert_eq!(r.peek(), Some(0x19));
        assert_eq!(r.peek_rest(), &[0x19, 0x1A]);
        assert_eq!(r.remaining(), 2);
        assert_eq!(r.rest(), &[0x19, 0x1A]);
        assert!(r.is_empty());
        assert_eq!(r.position(), 26);
        assert_eq!(r.peek(), None);
        assert_eq!(r.finish("all"), Ok(()));
    }

    #[test]
    fn every_read_kind_names_its_field_when_short() {
        let bytes = [0xAA; 7];
        // Leave exactly one byte, so every multi-byte read is short by at least one.
        let short = || {
            let mut r = Reader::new(&bytes);
            r.skip(6, "lead").expect("six of seven");
            r
        };
        assert_eq!(
            short().u16_be("x224 dst-ref"),
            Err(truncated("x224 dst-ref", 2, 1))
        );
        assert_eq!(
            short().u16_le("rdp_neg length"),
            Err(truncated("rdp_neg length", 2, 1))
        );
        assert_eq!(short().u24_be("tls len"), Err(truncated("tls len", 3, 1)));
        assert_eq!(short().u32_be("udp isn"), Err(truncated("udp isn", 4, 1)));
        assert_eq!(
            short().u32_le("ntlm flags"),
            Err(truncated("ntlm flags", 4, 1))
        );
        assert_eq!(
            short().u64_le("ntlm time"),
            Err(truncated("ntlm time", 8, 1))
        );
        assert_eq!(short().array::<2>("pair"), Err(truncated("pair", 2, 1)));
        assert_eq!(short().take(5, "body"), Err(truncated("body", 5, 1)));
        assert_eq!(short().sub(2, "ext"), Err(truncated("ext", 2, 1)));
        assert_eq!(short().skip(3, "random"), Err(truncated("random", 3, 1)));
        let mut empty = Reader::new(&[]);
        assert_eq!(empty.u8("x224 code"), Err(truncated("x224 code", 1, 0)));
        // The message names the field and both counts.
        assert_eq!(
            short()
                .u32_be("rdp-udp snSourceAck")
                .map_err(|e| e.to_string()),
            Err("rdp-udp snSourceAck truncated: needed 4 bytes, got 1".to_string())
        );
    }

    #[test]
    fn a_failed_read_consumes_nothing() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert!(r.u32_be("x").is_err());
        assert!(r.take(usize::MAX, "huge").is_err());
        assert_eq!((r.remaining(), r.position()), (3, 0));
        assert_eq!(r.u16_be("y"), Ok(0x0102));
    }

    #[test]
    fn sub_readers_stop_at_their_end() {
        let mut r = Reader::new(&[0, 2, 0xAB, 0xCD, 0xEF]);
        let len = usize::from(r.u16_be("len").expect("two bytes"));
        let mut part = r.sub(len, "part").expect("fits");
        assert_eq!(part.u16_be("inner"), Ok(0xABCD));
        assert_eq!(
            part.u8("past the part"),
            Err(truncated("past the part", 1, 0))
        );
        assert_eq!(r.u8("after"), Ok(0xEF));
        assert_eq!(r.position(), 5);
    }

    #[test]
    fn finish_rejects_trailing_bytes() {
        let mut r = Reader::new(&[1, 2, 3]);
        r.skip(1, "first").expect("one byte");
        assert_eq!(
            r.finish("tsrequest").map_err(|e| e.to_string()),
            Err("invalid tsrequest: 2 unexpected bytes after the end".to_string())
        );
    }
}
