//! Pure codecs for everything rdpcheck sends to or reads from a probed host.
//!
//! Invariants: no I/O, no clock, no panics on any input. Every decoder checks lengths
//! before it reads and returns a [`DecodeError`] on short or malformed bytes. The fuzz
//! targets under `fuzz/` and the `never_panics` tests hold this true.

pub mod credssp;
mod der;
mod error;
pub mod ntlm;
pub mod rdpfile;
pub mod rdpudp;
pub mod sniff;
pub mod tls_hello;
pub mod tpkt;
pub mod x224;

pub use error::DecodeError;
