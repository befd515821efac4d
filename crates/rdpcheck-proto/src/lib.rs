//! Pure codecs for everything rdpcheck sends to or reads from a probed host, and the one
//! grammar for a typed target (`target`).
//!
//! Invariants: no I/O, no clock, no panics on any input. Every decoder reads through
//! [`reader::Reader`], which checks lengths and returns a [`DecodeError`] on short input, and the
//! lints below refuse indexing, slicing, `unwrap`, `expect` and `panic!` outside tests, so the
//! compiler holds the invariant. The fuzz targets under `fuzz/` and the `never_panics` tests
//! check it too.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod credssp;
mod der;
mod error;
pub mod ntlm;
pub mod rdpfile;
pub mod rdpudp;
pub mod reader;
pub mod sniff;
pub mod target;
pub mod tls_hello;
pub mod tpkt;
pub mod x224;

pub use error::DecodeError;

#[cfg(test)]
pub(crate) mod testutil {
    /// Bytes from space-separated hex pairs: `hex("03 00 00 13")`.
    pub(crate) fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).expect("test hex"))
            .collect()
    }

    /// A TLS handshake message: type, 24-bit length, body.
    pub(crate) fn handshake_msg(kind: u8, body: &[u8]) -> Vec<u8> {
        let len = u32::try_from(body.len()).expect("small").to_be_bytes();
        let mut out = vec![kind, len[1], len[2], len[3]];
        out.extend_from_slice(body);
        out
    }

    /// A TLS 1.2 record of content type `kind` around `fragment`.
    pub(crate) fn record(kind: u8, fragment: &[u8]) -> Vec<u8> {
        let len = u16::try_from(fragment.len()).expect("small").to_be_bytes();
        let mut out = vec![kind, 0x03, 0x03, len[0], len[1]];
        out.extend_from_slice(fragment);
        out
    }
}
