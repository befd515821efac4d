//! Plain-language descriptions of raw observations, used as evidence text.

use rdpcheck_proto::sniff::hex_prefix;
use rdpcheck_proto::tls_hello;
use rdpcheck_proto::x224::{protocol_name, Negotiation};

use crate::observe::{ConnectOutcome, HttpOutcome, LegacyProbe, ReplyOutcome, TlsFailure};

pub fn connect(outcome: &ConnectOutcome) -> String {
    match outcome {
        ConnectOutcome::Connected => "connected".into(),
        ConnectOutcome::Refused => "connection refused (RST)".into(),
        ConnectOutcome::TimedOut => "no answer to the TCP SYN before the deadline".into(),
        ConnectOutcome::Unreachable(e) => format!("unreachable: {e}"),
        ConnectOutcome::Other(e) => format!("connect failed: {e}"),
    }
}

pub fn negotiation(neg: &Negotiation) -> String {
    match neg {
        Negotiation::Selected { selected, flags } => {
            format!(
                "RDP_NEG_RSP selected {} (flags {flags})",
                protocol_name(*selected)
            )
        }
        Negotiation::Failure(code) => format!(
            "RDP_NEG_FAILURE {} ({}): {code}",
            code.spec_name(),
            code.value()
        ),
        Negotiation::Legacy => "connection confirm without negotiation data".into(),
    }
}

pub fn reply_outcome(outcome: &ReplyOutcome) -> String {
    match outcome {
        ReplyOutcome::Confirm {
            negotiation: neg,
            bytes,
            ..
        } => format!("{} [{}]", negotiation(neg), hex_prefix(bytes, 19)),
        ReplyOutcome::Disconnect { detail, bytes } => {
            format!("{detail} [{}]", hex_prefix(bytes, 16))
        }
        ReplyOutcome::Malformed { error, bytes } => {
            format!("undecodable reply ({error}) [{}]", hex_prefix(bytes, 16))
        }
        ReplyOutcome::NotRdp { peer, bytes } => {
            format!("{peer} answered [{}]", hex_prefix(bytes, 16))
        }
        ReplyOutcome::Closed { received: 0 } => {
            "the server closed the connection without answering".into()
        }
        ReplyOutcome::Closed { received } => {
            format!("the server closed the connection after {received} bytes of a reply")
        }
        ReplyOutcome::Reset { received } => {
            format!("the connection was reset ({received} bytes received first)")
        }
        ReplyOutcome::Silent => "no reply before the deadline".into(),
        ReplyOutcome::Stalled { received } => {
            format!("only {received} bytes of a reply arrived before the deadline")
        }
        ReplyOutcome::ConnectFailed(c) => connect(c),
        ReplyOutcome::Io(e) => format!("I/O error: {e}"),
    }
}

pub fn tls_failure(failure: &TlsFailure, received: usize) -> String {
    match failure {
        TlsFailure::ClosedAfterHello => {
            "the server closed the connection right after our ClientHello, sending nothing".into()
        }
        TlsFailure::ClosedDuringHandshake => {
            format!("the server closed the connection mid-handshake after {received} bytes")
        }
        TlsFailure::Reset => {
            format!("the connection was reset during the handshake ({received} bytes received)")
        }
        TlsFailure::X224Reply(bytes) => format!(
            "the server answered our ClientHello with RDP framing instead of TLS [{bytes}]: it selected TLS but could not start it"
        ),
        TlsFailure::Alert(d) => format!(
            "the server sent TLS alert {d} ({})",
            tls_hello::alert_name(*d)
        ),
        TlsFailure::Stalled => format!(
            "the handshake stalled: {received} bytes received, then nothing before the deadline"
        ),
        TlsFailure::Protocol(e) => format!("no agreement with the server: {e}"),
        TlsFailure::Other(e) => format!("handshake failed: {e}"),
    }
}

pub fn legacy(probe: &LegacyProbe) -> String {
    match probe {
        LegacyProbe::ServerHello {
            version,
            cipher_suite,
            ..
        } => format!(
            "to a TLS 1.0–1.2 ClientHello the server chose {} with {}",
            tls_hello::version_name(*version),
            cipher_name(*cipher_suite)
        ),
        LegacyProbe::Alert(d) => format!(
            "to a TLS 1.0–1.2 ClientHello the server sent alert {d} ({})",
            tls_hello::alert_name(*d)
        ),
        LegacyProbe::Closed => "a TLS 1.0–1.2 ClientHello was also closed without an answer".into(),
        LegacyProbe::Failed(e) => format!("a TLS 1.0–1.2 ClientHello failed too: {e}"),
    }
}

pub fn cipher_name(suite: u16) -> String {
    tls_hello::cipher_suite_name(suite)
        .map(str::to_string)
        .unwrap_or_else(|| format!("cipher suite {suite:#06x}"))
}

/// Durations read the same in evidence as everywhere else.
pub use rdpcheck_words::ms;

/// An HTTP answer (or what came instead) in one line.
pub fn http_text(h: &HttpOutcome) -> String {
    match h {
        HttpOutcome::Response {
            status,
            reason,
            schemes,
            server,
            location,
        } => {
            let mut s = format!("HTTP {status} {reason}");
            if !schemes.is_empty() {
                s.push_str(&format!(", WWW-Authenticate: {}", schemes.join(", ")));
            }
            if let Some(v) = server {
                s.push_str(&format!(", Server: {v}"));
            }
            if let Some(v) = location {
                s.push_str(&format!(", Location: {v}"));
            }
            s
        }
        HttpOutcome::Closed(e) => format!("closed without an answer ({e})"),
        HttpOutcome::Timeout => "no answer before the deadline".into(),
        HttpOutcome::Error(e) => format!("not valid HTTP: {e}"),
    }
}
