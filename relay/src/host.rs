//! Normalise what a user typed as a target before the egress policy sees it.
//!
//! A relay that connects where a web page asks must agree with every later consumer (resolver,
//! browser, policy) on which host is meant. So this module is strict: one spelling per address.
//! Forms that some resolvers read as IPv4 (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`,
//! `foo.127`) are refused rather than guessed, URLs/user info/paths/zone ids are refused rather
//! than stripped, and names are folded to lower-case ASCII (IDNA) with one trailing dot removed so
//! that allow lists and logs see a single form (cf. smokescreen GHSA-qwrf-gfpj-qvj6, trailing-dot
//! bypasses). Nothing here resolves names: the caller resolves a [`Host::Name`] and checks every
//! address it gets with the policy.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Longest input we look at; anything longer is refused before parsing.
const MAX_INPUT_CHARS: usize = 300;
/// How much of a refused input we echo back in the error.
const ECHO_CHARS: usize = 80;
const MAX_NAME_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;

/// A normalised target host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A literal address (IPv6 without brackets or zone id).
    Ip(IpAddr),
    /// A DNS name: ASCII (IDNA/punycode), lower-case, no trailing dot.
    Name(String),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

/// Why a typed target was refused; `Display` says what was wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The input as typed (trimmed, cut to 80 characters).
    pub input: String,
    /// A phrase that follows the quoted input, e.g. `is a URL: type just the host ...`.
    pub reason: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug quoting escapes control characters, so logs stay one line.
        write!(f, "{:?} {}", self.input, self.reason)
    }
}

impl std::error::Error for InputError {}

fn fail(input: &str, reason: impl Into<String>) -> InputError {
    InputError {
        input: input.trim().chars().take(ECHO_CHARS).collect(),
        reason: reason.into(),
    }
}

/// Parse `host`, `host:port`, `a.b.c.d[:port]`, `[v6][:port]` or a bare `v6`;
/// `default_port` applies when no port is given.
pub fn normalize_target(input: &str, default_port: u16) -> Result<(Host, u16), InputError> {
    let s = input.trim();
    check_characters(input, s)?;
    let (host, port) = split_host_port(input, s)?;
    let port = match port {
        Some(p) => parse_port(input, p)?,
        None if default_port == 0 => {
            return Err(fail(input, "has no port: add one, e.g. :3389"));
        }
        None => default_port,
    };
    let host = match host {
        HostPart::V6(ip) => Host::Ip(IpAddr::V6(ip)),
        HostPart::Text(text) => normalize_host(input, text)?,
    };
    Ok((host, port))
}

/// Refusals that need no parsing: empty, too long, URL, user info, path, zone id, spaces.
fn check_characters(input: &str, s: &str) -> Result<(), InputError> {
    if s.is_empty() {
        return Err(fail(
            input,
            "is empty: type a host name or address, e.g. rdp.example.com or 10.0.0.5:3389",
        ));
    }
    if s.chars().count() > MAX_INPUT_CHARS {
        return Err(fail(
            input,
            format!("is too long (over {MAX_INPUT_CHARS} characters): type just the host and port"),
        ));
    }
    if s.contains("://") {
        return Err(fail(
            input,
            "is a URL: type just the host and optional port, e.g. rdp.example.com:3389",
        ));
    }
    if s.contains('@') {
        return Err(fail(
            input,
            "contains '@' (user info): type just the host, without user@",
        ));
    }
    if s.contains(['/', '\\', '?', '#']) {
        return Err(fail(
            input,
            "contains a path or query ('/', '\\', '?' or '#'): type just the host and optional port",
        ));
    }
    if s.contains('%') {
        let reason = if s.matches(':').count() >= 2 {
            "has an IPv6 zone id ('%...'): zone ids name a local interface and are not allowed"
        } else {
            "contains '%': percent-encoding is not allowed, type the host name as is"
        };
        return Err(fail(input, reason));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail(
            input,
            "contains spaces or control characters: type one host, e.g. rdp.example.com",
        ));
    }
    Ok(())
}

enum HostPart<'a> {
    V6(Ipv6Addr),
    Text(&'a str),
}

/// Split off the port; IPv6 must be bracketed to carry one.
fn split_host_port<'a>(
    input: &str,
    s: &'a str,
) -> Result<(HostPart<'a>, Option<&'a str>), InputError> {
    if let Some(rest) = s.strip_prefix('[') {
        let (inside, after) = rest
            .split_once(']')
            .ok_or_else(|| fail(input, "has '[' without a closing ']'"))?;
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| fail(input, "has something after ']' other than a :port"))?,
            ),
        };
        return Ok((HostPart::V6(bracketed_v6(input, inside)?), port));
    }
    match s.matches(':').count() {
        0 => Ok((HostPart::Text(s), None)),
        1 => {
            let (host, port) = s.split_once(':').unwrap_or((s, ""));
            if host.is_empty() {
                return Err(fail(input, "has no host before ':'"));
            }
            Ok((HostPart::Text(host), Some(port)))
        }
        _ => match s.parse::<Ipv6Addr>() {
            Ok(ip) => Ok((HostPart::V6(ip), None)),
            Err(_) => Err(fail(
                input,
                "is not a valid IPv6 address (to give a port with IPv6, use brackets: [2001:db8::1]:3389)",
            )),
        },
    }
}

fn bracketed_v6(input: &str, inside: &str) -> Result<Ipv6Addr, InputError> {
    if let Ok(ip) = inside.parse::<Ipv6Addr>() {
        return Ok(ip);
    }
    let reason = if inside.parse::<Ipv4Addr>().is_ok() {
        "puts an IPv4 address in brackets: brackets are only for IPv6, write a.b.c.d:port"
    } else {
        "has brackets that do not hold an IPv6 address: brackets are only for IPv6, e.g. [2001:db8::1]:3389"
    };
    Err(fail(input, reason))
}

fn parse_port(input: &str, p: &str) -> Result<u16, InputError> {
    if p.is_empty() {
        return Err(fail(
            input,
            "has an empty port after ':': ports are 1 to 65535",
        ));
    }
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(
            input,
            "has a port that is not a number: ports are 1 to 65535",
        ));
    }
    match p.parse::<u16>() {
        Ok(0) => Err(fail(input, "has port 0: ports are 1 to 65535")),
        Ok(port) => Ok(port),
        Err(_) => Err(fail(input, "has a port above 65535: ports are 1 to 65535")),
    }
}

/// A dotted quad, or a DNS name folded to lower-case ASCII.
fn normalize_host(input: &str, text: &str) -> Result<Host, InputError> {
    let ascii = idna::domain_to_ascii(text).map_err(|_| {
        fail(
            input,
            "is not a valid host name (IDNA conversion failed): check the spelling",
        )
    })?;
    let name = ascii.strip_suffix('.').unwrap_or(&ascii);
    if name.is_empty() {
        return Err(fail(input, "has an empty host name"));
    }
    check_name_characters(input, name)?;
    if let Some(last) = name.rsplit('.').next().filter(|l| is_numeric_label(l)) {
        return numeric_host(input, text, name, last);
    }
    check_labels(input, name)?;
    Ok(Host::Name(name.to_string()))
}

fn check_name_characters(input: &str, name: &str) -> Result<(), InputError> {
    let ok =
        |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.');
    if name.bytes().all(ok) {
        return Ok(());
    }
    Err(fail(
        input,
        "has characters not allowed in a host name: use letters, digits, '-', '_' and '.'",
    ))
}

/// WHATWG URL parsing reads a host whose last label is all digits or starts with `0x` as IPv4.
fn is_numeric_label(label: &str) -> bool {
    (!label.is_empty() && label.bytes().all(|b| b.is_ascii_digit())) || label.starts_with("0x")
}

/// A host ending in a numeric label: only a canonical ASCII dotted quad is accepted.
fn numeric_host(input: &str, text: &str, name: &str, last: &str) -> Result<Host, InputError> {
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        if text.is_ascii() {
            return Ok(Host::Ip(IpAddr::V4(ip)));
        }
        return Err(fail(
            input,
            "writes an IPv4 address with non-ASCII digits or dots: type it in plain ASCII (a.b.c.d)",
        ));
    }
    let all_numeric = name.split('.').all(|l| l.is_empty() || is_numeric_label(l));
    if all_numeric {
        return Err(fail(
            input,
            "is an ambiguous numeric host: write the full address (a.b.c.d, no leading zeros) or a host name",
        ));
    }
    Err(fail(
        input,
        format!(
            "ends in a numeric label ({last:?}), which browsers read as an IPv4 address: use a real host name or the full address a.b.c.d"
        ),
    ))
}

fn check_labels(input: &str, name: &str) -> Result<(), InputError> {
    if name.len() > MAX_NAME_LEN {
        return Err(fail(
            input,
            format!("is longer than {MAX_NAME_LEN} characters, the limit for a DNS name"),
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(fail(
                input,
                "has an empty label (two dots in a row, or a leading dot): remove the extra dot",
            ));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(fail(
                input,
                format!("has a label longer than {MAX_LABEL_LEN} characters, the DNS limit"),
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(fail(
                input,
                format!("has a label that starts or ends with '-' ({label:?})"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (Host, u16) {
        match normalize_target(input, 3389) {
            Ok(v) => v,
            Err(e) => panic!("{input:?} refused: {e}"),
        }
    }

    fn refused(input: &str) -> InputError {
        match normalize_target(input, 3389) {
            Ok(v) => panic!("{input:?} accepted as {v:?}"),
            Err(e) => e,
        }
    }

    fn name(s: &str) -> Host {
        Host::Name(s.to_string())
    }

    fn ip(s: &str) -> Host {
        Host::Ip(s.parse().expect("test address"))
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(ok("rdp.example.com"), (name("rdp.example.com"), 3389));
        assert_eq!(ok("rdp.example.com:3390"), (name("rdp.example.com"), 3390));
        assert_eq!(ok("10.0.0.5"), (ip("10.0.0.5"), 3389));
        assert_eq!(ok("10.0.0.5:443"), (ip("10.0.0.5"), 443));
        assert_eq!(ok("[2001:db8::1]"), (ip("2001:db8::1"), 3389));
        assert_eq!(ok("[2001:db8::1]:443"), (ip("2001:db8::1"), 443));
        assert_eq!(ok("2001:db8::1"), (ip("2001:db8::1"), 3389));
        assert_eq!(ok("::ffff:10.0.0.5"), (ip("::ffff:10.0.0.5"), 3389));
    }

    #[test]
    fn folds_case_whitespace_trailing_dot_and_idna() {
        assert_eq!(ok("  RDP.Example.COM.  "), (name("rdp.example.com"), 3389));
        assert_eq!(ok("10.0.0.5.:3390"), (ip("10.0.0.5"), 3390));
        assert_eq!(
            ok("münchen.example"),
            (name("xn--mnchen-3ya.example"), 3389)
        );
        assert_eq!(
            ok("MÜNCHEN.example."),
            (name("xn--mnchen-3ya.example"), 3389)
        );
        assert_eq!(ok("_ldap.corp.local"), (name("_ldap.corp.local"), 3389));
        assert_eq!(ok("localhost"), (name("localhost"), 3389));
        assert_eq!(ok("host-1.0x.example"), (name("host-1.0x.example"), 3389));
    }

    #[test]
    fn refuses_odd_numeric_forms() {
        for bad in [
            "127.1",
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "127.0.0.01",
            "127.000.000.001",
            "0",
            "1.2.3.4.5",
            "１２７.０.０.１",
        ] {
            let e = refused(bad);
            assert!(
                e.reason.contains("numeric") || e.reason.contains("ASCII"),
                "{e}"
            );
        }
        for bad in ["foo.127", "a.0x10", "example.0xg"] {
            assert!(refused(bad).reason.contains("numeric label"), "{bad}");
        }
    }

    #[test]
    fn refuses_urls_userinfo_paths_zones_and_spaces() {
        for (bad, word) in [
            ("", "empty"),
            ("   ", "empty"),
            ("rdp://x", "URL"),
            ("http://127.0.0.1/", "URL"),
            ("a@b", "user info"),
            ("host/x", "path"),
            ("host?x", "path"),
            ("host#x", "path"),
            ("host\\x", "path"),
            ("fe80::1%eth0", "zone id"),
            ("[fe80::1%25eth0]:3389", "zone id"),
            ("a b", "spaces"),
            ("a\u{0}b", "control"),
        ] {
            let e = refused(bad);
            assert!(e.reason.contains(word), "{bad:?}: {e}");
        }
    }

    #[test]
    fn refuses_bad_ports() {
        for bad in [
            "h:0",
            "h:65536",
            "h:99999999",
            "h:x",
            "h:",
            "h:+1",
            "[::1]:",
            "[::1]x",
        ] {
            assert!(refused(bad).reason.contains("port"), "{bad}");
        }
        assert!(normalize_target("h", 0).is_err());
    }

    #[test]
    fn refuses_bad_names() {
        let long_label = format!("{}.example", "a".repeat(64));
        let long_name = format!("{}example", "abcdefghi.".repeat(25));
        for (bad, word) in [
            ("a..b", "empty label"),
            (".a", "empty label"),
            ("a.b..", "empty label"),
            ("-a.example", "'-'"),
            ("a-.example", "'-'"),
            (long_label.as_str(), "63"),
            (long_name.as_str(), "253"),
            ("a!b", "characters"),
            ("[example.com]", "brackets"),
            ("[10.0.0.5]:3389", "brackets"),
            ("[::1", "']'"),
            ("1:2:3", "IPv6"),
        ] {
            let e = refused(bad);
            assert!(e.reason.contains(word), "{bad:?}: {e}");
        }
        assert!(refused(&"a".repeat(400)).reason.contains("too long"));
    }

    #[test]
    fn display_names_the_input_and_the_fix() {
        let e = refused("127.1");
        assert_eq!(
            e.to_string(),
            "\"127.1\" is an ambiguous numeric host: write the full address (a.b.c.d, no leading zeros) or a host name"
        );
        assert_eq!(refused("a\nb").to_string().lines().count(), 1);
    }
}
