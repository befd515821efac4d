//! NTLM NEGOTIATE builder and CHALLENGE parser (MS-NLMP 2.2.1.1, 2.2.1.2, 2.2.2.1).
//! STUB: being written (see issue 2).

use crate::DecodeError;

/// A 40-byte NEGOTIATE_MESSAGE (with a version field) that asks for the target info.
pub fn negotiate_message() -> Vec<u8> {
    Vec::new()
}

/// NTLM version field of the CHALLENGE: the server's OS version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsVersion {
    pub major: u8,
    pub minor: u8,
    pub build: u16,
    pub revision: u8,
}

/// What a CHALLENGE_MESSAGE says about the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub flags: u32,
    pub server_challenge: [u8; 8],
    pub target_name: Option<String>,
    pub version: Option<OsVersion>,
    pub nb_computer: Option<String>,
    pub nb_domain: Option<String>,
    pub dns_computer: Option<String>,
    pub dns_domain: Option<String>,
    pub dns_tree: Option<String>,
    /// MsvAvTimestamp: FILETIME, 100 ns ticks since 1601-01-01 UTC.
    pub timestamp: Option<u64>,
}

/// Parse a CHALLENGE_MESSAGE (starting at `NTLMSSP\0`).
pub fn parse_challenge(_bytes: &[u8]) -> Result<Challenge, DecodeError> {
    Err(DecodeError::invalid("ntlm challenge", "not implemented"))
}

/// FILETIME (100 ns since 1601) to Unix seconds.
pub fn filetime_to_unix_seconds(filetime: u64) -> f64 {
    (filetime as f64 / 10_000_000.0) - 11_644_473_600.0
}
