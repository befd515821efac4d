//! Reading the whole TLS ≤ 1.2 first flight of the server: ServerHello, Certificate,
//! [ServerKeyExchange], [CertificateRequest], [CertificateStatus], ServerHelloDone
//! (RFC 5246 §7.3 figure 1, §7.4.2 Certificate, §7.4.5 ServerHelloDone; RFC 6066 §8
//! CertificateStatus). The certificates travel in the clear before TLS 1.3, so a host whose TLS
//! rdpcheck's own stack cannot finish (TLS 1.0-only, RSA key exchange only) still shows its
//! certificate here.
//!
//! Messages may share a record or span several (Windows sends the whole flight in one record,
//! OpenSSL one record per message). Sizes are capped: the flight at [`MAX_FLIGHT_LEN`] bytes of
//! handshake data, [`MAX_CERTIFICATES`] certificates of at most [`MAX_CERTIFICATE_LEN`] bytes.
//!
//! Fuzz note: `parse_server_flight` has no fuzz target of its own yet; the `never_panics` suite
//! covers it (prefixes, mutations and random records of the real flights in tests/data).

use super::record::{next_record, Record};
use super::server_reply::server_hello_body;
use super::HANDSHAKE_SERVER_HELLO;
use crate::reader::Reader;
use crate::DecodeError;

/// At most this many bytes of handshake data are collected for one flight. Real RDP flights are
/// 0.9–5 KiB (one self-signed certificate, or a short chain).
pub const MAX_FLIGHT_LEN: usize = 1 << 18;
/// At most this many certificates in the Certificate message.
pub const MAX_CERTIFICATES: usize = 16;
/// At most this many bytes per certificate.
pub const MAX_CERTIFICATE_LEN: usize = 1 << 16;

const HANDSHAKE_CERTIFICATE: u8 = 11;
const HANDSHAKE_SERVER_KEY_EXCHANGE: u8 = 12;
const HANDSHAKE_CERTIFICATE_REQUEST: u8 = 13;
const HANDSHAKE_SERVER_HELLO_DONE: u8 = 14;
const HANDSHAKE_CERTIFICATE_STATUS: u8 = 22;

/// What the server sent before its ServerHelloDone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFlight {
    /// The protocol version the server chose.
    pub version: u16,
    pub cipher_suite: u16,
    /// The Certificate message's chain, DER, leaf first. Empty when the server sent no
    /// Certificate message (anonymous suites) or chose TLS 1.3 (whose certificate is encrypted).
    pub certificates: Vec<Vec<u8>>,
}

/// The server's answer to a legacy ClientHello, read as a whole flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlightReply {
    Flight(ServerFlight),
    Alert { level: u8, description: u8 },
}

/// Read the first flight. `Ok(None)`: more bytes are needed (the ServerHelloDone has not come).
///
/// A TLS 1.3 ServerHello ends the flight at once: what follows it is encrypted. Bytes after the
/// ServerHelloDone are ignored. An answer that is not TLS, a malformed message, a message that
/// does not belong in a server's first flight, or a flight beyond the caps is an error.
pub fn parse_server_flight(bytes: &[u8]) -> Result<Option<FlightReply>, DecodeError> {
    let mut handshake: Vec<u8> = Vec::new();
    let mut records = Reader::new(bytes);
    loop {
        match next_record(&mut records, handshake.is_empty()) {
            Ok(Record::NeedMore) => break,
            Ok(Record::Alert { level, description }) => {
                return Ok(Some(FlightReply::Alert { level, description }))
            }
            Ok(Record::Handshake(fragment)) => {
                if handshake.len() + fragment.len() > MAX_FLIGHT_LEN {
                    return Err(DecodeError::invalid(
                        "tls server flight",
                        format!("more than {MAX_FLIGHT_LEN} bytes of handshake data"),
                    ));
                }
                handshake.extend_from_slice(fragment);
            }
            // Something that is not a handshake record after some handshake data: the flight
            // must already be complete, or the answer is broken.
            Err(e) if !handshake.is_empty() => {
                return match flight_from(&handshake)? {
                    Some(flight) => Ok(Some(FlightReply::Flight(flight))),
                    None => Err(e),
                };
            }
            Err(e) => return Err(e),
        }
    }
    Ok(flight_from(&handshake)?.map(FlightReply::Flight))
}

/// The flight at the start of `handshake`, once its ServerHelloDone (or a TLS 1.3 ServerHello)
/// is there.
fn flight_from(handshake: &[u8]) -> Result<Option<ServerFlight>, DecodeError> {
    let mut messages = Reader::new(handshake);
    let mut flight: Option<ServerFlight> = None;
    let mut certificate_seen = false;
    loop {
        let Some(kind) = messages.peek() else {
            return Ok(None);
        };
        if messages.remaining() < 4 {
            return Ok(None);
        }
        let mut header = messages;
        header.skip(1, "tls handshake type")?;
        let len = usize::try_from(header.u24_be("tls handshake length")?).unwrap_or(usize::MAX);
        if len > MAX_FLIGHT_LEN {
            return Err(DecodeError::invalid(
                "tls handshake length",
                format!("{len} bytes is more than a first flight may hold"),
            ));
        }
        if header.remaining() < len {
            return Ok(None);
        }
        let body = header.sub(len, "tls handshake message")?;
        messages = header;
        match (kind, flight.as_mut()) {
            (HANDSHAKE_SERVER_HELLO, None) => {
                let (version, cipher_suite) = server_hello_body(body)?;
                let hello = ServerFlight {
                    version,
                    cipher_suite,
                    certificates: Vec::new(),
                };
                if version >= 0x0304 {
                    // TLS 1.3: the rest of the flight is encrypted.
                    return Ok(Some(hello));
                }
                flight = Some(hello);
            }
            (HANDSHAKE_SERVER_HELLO, Some(_)) => {
                return Err(DecodeError::invalid(
                    "tls handshake type",
                    "a second ServerHello",
                ))
            }
            (other, None) => {
                return Err(DecodeError::invalid(
                    "tls handshake type",
                    format!("{other:#04x}, expected 0x02 (ServerHello) first"),
                ))
            }
            (HANDSHAKE_CERTIFICATE, Some(f)) => {
                if certificate_seen {
                    return Err(DecodeError::invalid(
                        "tls certificate",
                        "a second Certificate message",
                    ));
                }
                certificate_seen = true;
                f.certificates = certificate_list(body)?;
            }
            (
                HANDSHAKE_SERVER_KEY_EXCHANGE
                | HANDSHAKE_CERTIFICATE_REQUEST
                | HANDSHAKE_CERTIFICATE_STATUS,
                Some(_),
            ) => {}
            (HANDSHAKE_SERVER_HELLO_DONE, Some(f)) => {
                if !body.is_empty() {
                    return Err(DecodeError::invalid(
                        "tls server hello done",
                        format!("{len} bytes, expected none"),
                    ));
                }
                return Ok(Some(f.clone()));
            }
            (other, Some(_)) => {
                return Err(DecodeError::invalid(
                    "tls handshake type",
                    format!("{other:#04x} does not belong in a server's first flight"),
                ))
            }
        }
    }
}

/// `certificate_list<0..2^24-1>` of `ASN.1Cert<1..2^24-1>` (RFC 5246 §7.4.2).
fn certificate_list(mut body: Reader<'_>) -> Result<Vec<Vec<u8>>, DecodeError> {
    let list_len =
        usize::try_from(body.u24_be("tls certificate list length")?).unwrap_or(usize::MAX);
    let mut list = body.sub(list_len, "tls certificate list")?;
    body.finish("tls certificate message")?;
    let mut out = Vec::new();
    while !list.is_empty() {
        if out.len() == MAX_CERTIFICATES {
            return Err(DecodeError::invalid(
                "tls certificate list",
                format!("more than {MAX_CERTIFICATES} certificates"),
            ));
        }
        let n = usize::try_from(list.u24_be("tls certificate length")?).unwrap_or(usize::MAX);
        if n == 0 || n > MAX_CERTIFICATE_LEN {
            return Err(DecodeError::invalid(
                "tls certificate length",
                format!("{n} bytes, expected 1 to {MAX_CERTIFICATE_LEN}"),
            ));
        }
        out.push(list.take(n, "tls certificate")?.to_vec());
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
