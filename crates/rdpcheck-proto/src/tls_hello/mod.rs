//! Hand-built TLS ClientHello and readers for the server's answer: the ServerHello (or alert)
//! alone, or the whole TLS ≤ 1.2 first flight with the certificate chain.
//!
//! rustls speaks only TLS 1.2 and 1.3. To tell "this host speaks only TLS 1.0/1.1" apart from
//! "TLS is broken", the engine sends this hello and reads which version the server picked
//! (rdp-protocol.md §3.1: Windows 7 / Server 2008 R2 without KB3080079 do TLS 1.0 only).
//!
//! Wire formats: RFC 5246 §6.2 (record layer), §7.4.1.2–3 (Client/ServerHello), §7.2 (alerts);
//! RFC 8446 §4.2.1 (supported_versions, which a TLS 1.3 ServerHello uses to name the real
//! version while `legacy_version` stays 0x0303).

mod client_hello;
mod flight;
mod names;
mod record;
mod server_reply;

pub use client_hello::{legacy_client_hello, LEGACY_CIPHER_SUITES};
pub use flight::{
    parse_server_flight, FlightReply, ServerFlight, MAX_CERTIFICATES, MAX_CERTIFICATE_LEN,
    MAX_FLIGHT_LEN,
};
pub use names::{alert_name, cipher_suite_name, version_name};
pub use server_reply::{parse_server_reply, ServerReply};

const CONTENT_ALERT: u8 = 0x15;
const CONTENT_HANDSHAKE: u8 = 0x16;
const HANDSHAKE_CLIENT_HELLO: u8 = 0x01;
const HANDSHAKE_SERVER_HELLO: u8 = 0x02;
const RECORD_HEADER_LEN: usize = 5;
/// RFC 5246 §6.2.3: a TLSCiphertext fragment is at most 2^14 + 2048 bytes.
const MAX_RECORD_LEN: usize = (1 << 14) + 2048;
/// A ServerHello is at most about 64 KiB (extensions are u16-length); anything longer is noise.
const MAX_SERVER_HELLO_LEN: usize = 0x1_0000 + 128;

const EXT_SERVER_NAME: u16 = 0x0000;
const EXT_SUPPORTED_GROUPS: u16 = 0x000a;
const EXT_EC_POINT_FORMATS: u16 = 0x000b;
const EXT_SIGNATURE_ALGORITHMS: u16 = 0x000d;
const EXT_SUPPORTED_VERSIONS: u16 = 0x002b;
