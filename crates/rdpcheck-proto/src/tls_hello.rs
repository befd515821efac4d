//! Hand-built TLS ClientHello and a reader for the server's first flight (ServerHello or alert).
//!
//! rustls speaks only TLS 1.2 and 1.3. To tell "this host speaks only TLS 1.0/1.1" apart from
//! "TLS is broken", the engine sends this hello and reads which version the server picked.
//! STUB: being written (see issue 2).

use crate::DecodeError;

/// A TLS ClientHello record offering TLS 1.0 through 1.2 with a wide, legacy-friendly cipher list.
pub fn legacy_client_hello(_server_name: Option<&str>, _random: [u8; 32]) -> Vec<u8> {
    Vec::new()
}

/// The server's answer to a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerReply {
    /// ServerHello: the protocol version the server chose and its cipher suite.
    Hello { version: u16, cipher_suite: u16 },
    /// A TLS alert record.
    Alert { level: u8, description: u8 },
}

/// Read the first reply. `Ok(None)`: more bytes are needed.
pub fn parse_server_reply(_bytes: &[u8]) -> Result<Option<ServerReply>, DecodeError> {
    Ok(None)
}

/// `TLSv1.0`, `TLSv1.2`, `SSLv3`, … for a wire version.
pub fn version_name(version: u16) -> String {
    format!("{version:#06x}")
}

/// IANA description name of an alert, e.g. `handshake_failure` for 40.
pub fn alert_name(description: u8) -> String {
    format!("alert_{description}")
}

/// IANA name of a cipher suite, when known.
pub fn cipher_suite_name(_suite: u16) -> Option<&'static str> {
    None
}
