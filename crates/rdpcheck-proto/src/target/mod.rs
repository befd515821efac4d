//! What a user types as a target (`host`, `host:port`, `a.b.c.d:port`, `[v6]:port`, bare `v6`),
//! parsed once, strictly, for every consumer: the CLI, the relay, the web form and `.rdp` files.
//!
//! Strict means one spelling per address. Forms that some resolvers or browsers read as IPv4
//! (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`, `foo.127`) are refused rather than guessed;
//! URLs, user info, paths and IPv6 zone ids are refused rather than stripped; names are folded to
//! lower-case ASCII with one trailing dot removed, so allow lists, logs and caches see a single
//! form (cf. smokescreen GHSA-qwrf-gfpj-qvj6, trailing-dot bypasses). Every refusal quotes the
//! input and says how to fix it.
//!
//! This crate has no dependencies, so IDNA (`münchen.example` → `xn--mnchen-3ya.example`) is
//! injected through [`IdnaToAscii`] and used only for names with non-ASCII characters: an ASCII
//! input parses the same with or without a mapper, and without one a non-ASCII name is refused
//! with a hint to type its `xn--` form. Nothing here resolves names.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

mod grammar;
#[cfg(test)]
mod tests;

/// The port RDP listens on unless told otherwise. The one definition in the workspace.
pub const DEFAULT_RDP_PORT: u16 = 3389;

/// The port an RD Gateway listens on when none is given (HTTPS).
pub const DEFAULT_GATEWAY_PORT: u16 = 443;

/// A normalised target host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A literal address (IPv6 without brackets or zone id).
    Ip(IpAddr),
    /// A DNS name: ASCII (IDNA/punycode), lower-case, no trailing dot.
    Name(String),
}

impl fmt::Display for Host {
    /// The bare host: IPv6 without brackets (add them with [`TargetAddr`] when a port follows).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

/// A host and the port to reach it on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TargetAddr {
    pub host: Host,
    pub port: u16,
}

impl TargetAddr {
    /// Parse `input`; `default_port` applies when it names no port (`None`: a port is required).
    ///
    /// `idna` converts names with non-ASCII characters; without it they are refused.
    pub fn parse(
        input: &str,
        default_port: Option<u16>,
        idna: Option<&dyn IdnaToAscii>,
    ) -> Result<TargetAddr, TargetAddrError> {
        let parts = grammar::split(input)?;
        let port = match (parts.port, default_port) {
            (Some(port), _) | (None, Some(port)) => port,
            (None, None) => {
                return Err(TargetAddrError::new(
                    input,
                    TargetErrorKind::NoPort,
                    "has no port: add one, e.g. :3389",
                ))
            }
        };
        let host = grammar::host(input, parts.host, idna)?;
        Ok(TargetAddr { host, port })
    }
}

/// The host and, when the input names one, the port. For callers whose default port depends on
/// more than the input (a `.rdp` file's `server port` setting).
pub fn parse_host_port(
    input: &str,
    idna: Option<&dyn IdnaToAscii>,
) -> Result<(Host, Option<u16>), TargetAddrError> {
    let parts = grammar::split(input)?;
    Ok((grammar::host(input, parts.host, idna)?, parts.port))
}

impl fmt::Display for TargetAddr {
    /// `name:port`, `a.b.c.d:port` or `[v6]:port`: what [`TargetAddr::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]:{}", self.port),
            host => write!(f, "{host}:{}", self.port),
        }
    }
}

impl FromStr for TargetAddr {
    type Err = TargetAddrError;

    /// ASCII input with [`DEFAULT_RDP_PORT`] as the default; see [`TargetAddr::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TargetAddr::parse(s, Some(DEFAULT_RDP_PORT), None)
    }
}

/// Converts an internationalised domain name to its ASCII (`xn--`) form, as UTS #46 / WHATWG URL
/// host parsing does. Implemented by callers that have an IDNA library (the `idna` crate) or a
/// browser (`new URL(...)`); called only for names with non-ASCII characters.
pub trait IdnaToAscii {
    /// The ASCII form of `name`, or why it has none.
    fn to_ascii(&self, name: &str) -> Result<String, String>;
}

/// What was wrong with a target, for tests and for callers that word it their own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TargetErrorKind {
    Empty,
    TooLong,
    Url,
    UserInfo,
    Path,
    ZoneId,
    Percent,
    Spaces,
    /// `[` without `]`, junk after `]`, or brackets around something other than IPv6.
    Brackets,
    /// Several colons that are not an IPv6 address.
    Ipv6,
    /// Nothing before the `:` or the trailing dot.
    EmptyHost,
    /// Empty, not a number, 0 or above 65535.
    Port,
    /// No port and no default.
    NoPort,
    /// Digits and dots (or `0x…`) that are not a canonical dotted quad.
    AmbiguousNumeric,
    /// A name whose last label is numeric (`foo.127`).
    NumericLabel,
    /// A dotted quad written with non-ASCII digits or dots.
    NonAsciiNumber,
    Characters,
    EmptyLabel,
    LabelTooLong,
    NameTooLong,
    Hyphen,
    /// The IDNA mapper refused the name.
    Idna,
    /// A non-ASCII name and no IDNA mapper.
    NeedsIdna,
}

/// Why a typed target was refused; `Display` quotes the input and says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetAddrError {
    /// The input as typed (trimmed, cut to 80 characters).
    pub input: String,
    pub kind: TargetErrorKind,
    /// A phrase that follows the quoted input, e.g. `is a URL: type just the host ...`.
    pub reason: String,
}

/// How much of a refused input an error echoes back.
const ECHO_CHARS: usize = 80;

impl TargetAddrError {
    pub(crate) fn new(input: &str, kind: TargetErrorKind, reason: impl Into<String>) -> Self {
        TargetAddrError {
            input: input.trim().chars().take(ECHO_CHARS).collect(),
            kind,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for TargetAddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug quoting escapes control characters, so logs stay one line.
        write!(f, "{:?} {}", self.input, self.reason)
    }
}

impl std::error::Error for TargetAddrError {}
