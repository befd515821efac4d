//! Parse what a user types as a target: `host`, `host:port`, `1.2.3.4:3389`, `[::1]:3389`, `::1`.
//!
//! The grammar is the shared strict one in [`rdpcheck_proto::target`] (the relay, the page and
//! `.rdp` files use the same); this module adds IDNA from the `idna` crate, so `münchen.example`
//! becomes `xn--mnchen-3ya.example`.

use std::fmt;

pub use rdpcheck_proto::target::{
    Host, IdnaToAscii, TargetAddr, TargetAddrError, TargetErrorKind, DEFAULT_RDP_PORT,
};

/// IDNA (UTS #46 as WHATWG URL host parsing applies it) from the `idna` crate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Idna;

impl IdnaToAscii for Idna {
    fn to_ascii(&self, name: &str) -> Result<String, String> {
        idna::domain_to_ascii(name).map_err(|e| e.to_string())
    }
}

/// Why a typed target was refused; `Display` quotes the input and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError {
    /// The input as typed (trimmed, cut to 80 characters).
    pub input: String,
    /// A phrase that follows the quoted input, e.g. `has port 0: ports are 1 to 65535`.
    pub reason: String,
    pub kind: TargetErrorKind,
}

impl From<TargetAddrError> for TargetError {
    fn from(e: TargetAddrError) -> Self {
        TargetError {
            input: e.input,
            reason: e.reason,
            kind: e.kind,
        }
    }
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}", self.input, self.reason)
    }
}

impl std::error::Error for TargetError {}

/// Split `input` into a normalised host (lower-case ASCII name or IP literal, IPv6 without
/// brackets) and port; `default_port` when none is given (0: a port is required).
pub fn parse_target(input: &str, default_port: u16) -> Result<(String, u16), TargetError> {
    let default = (default_port != 0).then_some(default_port);
    let t = TargetAddr::parse(input, default, Some(&Idna))?;
    Ok((t.host.to_string(), t.port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        for (input, host, port) in [
            ("rdp.example.com", "rdp.example.com", 3389),
            ("host:3390", "host", 3390),
            ("10.0.0.1:443", "10.0.0.1", 443),
            ("[::1]:3389", "::1", 3389),
            ("::1", "::1", 3389),
            (" Host.Example. ", "host.example", 3389),
            ("bücher.example", "xn--bcher-kva.example", 3389),
        ] {
            assert_eq!(
                parse_target(input, 3389),
                Ok((host.into(), port)),
                "{input}"
            );
        }
        assert_eq!(parse_target("h", 443), Ok(("h".into(), 443)));
        assert!(parse_target("h", 0).is_err(), "0: a port is required");
    }

    #[test]
    fn refuses_bad_forms_with_a_reason() {
        for bad in [
            "",
            "host:0",
            "host:99999",
            "host:x",
            "rdp://host",
            "[::1",
            "[host]:1",
            "a b",
            "fe80::1:3389x",
            "..",
            "h@st",
            "127.1",
            "0x7f.0.0.1",
            "foo.127",
            "host..",
        ] {
            let e = parse_target(bad, 3389).expect_err(bad);
            assert!(!e.reason.is_empty());
            assert!(
                e.to_string().starts_with(&format!("{:?} ", bad.trim())),
                "{e}"
            );
        }
    }
}
