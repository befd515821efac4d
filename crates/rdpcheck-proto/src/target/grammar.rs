//! The target grammar, in the order a refusal is decided: characters, host/port split, port,
//! then the host (IPv6 literal, dotted quad, or DNS name).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Host, IdnaToAscii, TargetAddrError, TargetErrorKind as Kind};

/// Longest input we look at, in characters; anything longer is refused before parsing.
const MAX_INPUT_CHARS: usize = 300;
const MAX_NAME_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;

fn fail(input: &str, kind: Kind, reason: impl Into<String>) -> TargetAddrError {
    TargetAddrError::new(input, kind, reason)
}

/// The host text (or IPv6 literal) and the port, if any, of a trimmed input.
pub(super) struct Parts<'a> {
    pub host: HostPart<'a>,
    pub port: Option<u16>,
}

pub(super) enum HostPart<'a> {
    V6(Ipv6Addr),
    Text(&'a str),
}

pub(super) fn split(input: &str) -> Result<Parts<'_>, TargetAddrError> {
    let s = input.trim();
    check_characters(input, s)?;
    let (host, port) = split_port(input, s)?;
    let port = port.map(|p| parse_port(input, p)).transpose()?;
    Ok(Parts { host, port })
}

/// Refusals that need no parsing: empty, too long, URL, user info, path, zone id, spaces.
fn check_characters(input: &str, s: &str) -> Result<(), TargetAddrError> {
    if s.is_empty() {
        return Err(fail(
            input,
            Kind::Empty,
            "is empty: type a host name or address, e.g. rdp.example.com or 10.0.0.5:3389",
        ));
    }
    if s.chars().count() > MAX_INPUT_CHARS {
        return Err(fail(
            input,
            Kind::TooLong,
            format!("is too long (over {MAX_INPUT_CHARS} characters): type just the host and port"),
        ));
    }
    if s.contains("://") {
        return Err(fail(
            input,
            Kind::Url,
            "is a URL: type just the host and optional port, e.g. rdp.example.com:3389",
        ));
    }
    if s.contains('@') {
        return Err(fail(
            input,
            Kind::UserInfo,
            "contains '@' (user info): type just the host, without user@",
        ));
    }
    if s.contains(['/', '\\', '?', '#']) {
        return Err(fail(
            input,
            Kind::Path,
            "contains a path or query ('/', '\\', '?' or '#'): type just the host and optional port",
        ));
    }
    if s.contains('%') {
        return Err(if s.matches(':').count() >= 2 {
            fail(
                input,
                Kind::ZoneId,
                "has an IPv6 zone id ('%...'): zone ids name a local interface and are not allowed",
            )
        } else {
            fail(
                input,
                Kind::Percent,
                "contains '%': percent-encoding is not allowed, type the host name as is",
            )
        });
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail(
            input,
            Kind::Spaces,
            "contains spaces or control characters: type one host, e.g. rdp.example.com",
        ));
    }
    Ok(())
}

/// Split off the port text; IPv6 must be bracketed to carry one.
fn split_port<'a>(
    input: &str,
    s: &'a str,
) -> Result<(HostPart<'a>, Option<&'a str>), TargetAddrError> {
    if let Some(rest) = s.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return Err(fail(input, Kind::Brackets, "has '[' without a closing ']'"));
        };
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or_else(|| {
                fail(
                    input,
                    Kind::Brackets,
                    "has something after ']' other than a :port",
                )
            })?),
        };
        return Ok((HostPart::V6(bracketed_v6(input, inside)?), port));
    }
    match s.split_once(':') {
        None => Ok((HostPart::Text(s), None)),
        // One colon: host:port.
        Some(("", port)) if !port.contains(':') => {
            Err(fail(input, Kind::EmptyHost, "has no host before ':'"))
        }
        Some((host, port)) if !port.contains(':') => Ok((HostPart::Text(host), Some(port))),
        // Several: only a bare IPv6 address, which cannot carry a port.
        Some(_) => match s.parse::<Ipv6Addr>() {
            Ok(ip) => Ok((HostPart::V6(ip), None)),
            Err(_) => Err(fail(
                input,
                Kind::Ipv6,
                "is not a valid IPv6 address (to give a port with IPv6, use brackets: [2001:db8::1]:3389)",
            )),
        },
    }
}

fn bracketed_v6(input: &str, inside: &str) -> Result<Ipv6Addr, TargetAddrError> {
    if let Ok(ip) = inside.parse::<Ipv6Addr>() {
        return Ok(ip);
    }
    let reason = if inside.parse::<Ipv4Addr>().is_ok() {
        "puts an IPv4 address in brackets: brackets are only for IPv6, write a.b.c.d:port"
    } else {
        "has brackets that do not hold an IPv6 address: brackets are only for IPv6, e.g. [2001:db8::1]:3389"
    };
    Err(fail(input, Kind::Brackets, reason))
}

fn parse_port(input: &str, p: &str) -> Result<u16, TargetAddrError> {
    let reason = if p.is_empty() {
        "has an empty port after ':': ports are 1 to 65535"
    } else if !p.bytes().all(|b| b.is_ascii_digit()) {
        "has a port that is not a number: ports are 1 to 65535"
    } else {
        match p.parse::<u16>() {
            Ok(0) => "has port 0: ports are 1 to 65535",
            Ok(port) => return Ok(port),
            Err(_) => "has a port above 65535: ports are 1 to 65535",
        }
    };
    Err(fail(input, Kind::Port, reason))
}

/// The host of a split input: an IPv6 literal, a canonical dotted quad, or a DNS name.
pub(super) fn host(
    input: &str,
    part: HostPart<'_>,
    idna: Option<&dyn IdnaToAscii>,
) -> Result<Host, TargetAddrError> {
    let text = match part {
        HostPart::V6(ip) => return Ok(Host::Ip(IpAddr::V6(ip))),
        HostPart::Text(text) => text,
    };
    let ascii = to_ascii(input, text, idna)?;
    let name = ascii.strip_suffix('.').unwrap_or(&ascii);
    if name.is_empty() {
        return Err(fail(input, Kind::EmptyHost, "has an empty host name"));
    }
    check_name_characters(input, name)?;
    if let Some(last) = name.rsplit('.').next().filter(|l| is_numeric_label(l)) {
        return numeric_host(input, text.is_ascii(), name, last);
    }
    check_labels(input, name)?;
    Ok(Host::Name(name.to_string()))
}

/// Lower-case ASCII: folded directly, or through the IDNA mapper for non-ASCII text.
fn to_ascii(
    input: &str,
    text: &str,
    idna: Option<&dyn IdnaToAscii>,
) -> Result<String, TargetAddrError> {
    if text.is_ascii() {
        return Ok(text.to_ascii_lowercase());
    }
    let Some(idna) = idna else {
        return Err(fail(
            input,
            Kind::NeedsIdna,
            "has non-ASCII characters: type an address in plain ASCII, or a name in its xn-- form \
             (e.g. xn--mnchen-3ya.example for münchen.example)",
        ));
    };
    match idna.to_ascii(text) {
        Ok(ascii) => Ok(ascii.to_ascii_lowercase()),
        Err(_) => Err(fail(
            input,
            Kind::Idna,
            "is not a valid host name (IDNA conversion failed): check the spelling",
        )),
    }
}

fn check_name_characters(input: &str, name: &str) -> Result<(), TargetAddrError> {
    let allowed =
        |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.');
    if name.bytes().all(allowed) {
        return Ok(());
    }
    Err(fail(
        input,
        Kind::Characters,
        "has characters not allowed in a host name: use letters, digits, '-', '_' and '.'",
    ))
}

/// WHATWG URL parsing reads a host whose last label is all digits or starts with `0x` as IPv4.
fn is_numeric_label(label: &str) -> bool {
    (!label.is_empty() && label.bytes().all(|b| b.is_ascii_digit())) || label.starts_with("0x")
}

/// A host ending in a numeric label: only a canonical ASCII dotted quad is accepted.
fn numeric_host(
    input: &str,
    typed_ascii: bool,
    name: &str,
    last: &str,
) -> Result<Host, TargetAddrError> {
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        if typed_ascii {
            return Ok(Host::Ip(IpAddr::V4(ip)));
        }
        return Err(fail(
            input,
            Kind::NonAsciiNumber,
            "writes an IPv4 address with non-ASCII digits or dots: type it in plain ASCII (a.b.c.d)",
        ));
    }
    if name.split('.').all(|l| l.is_empty() || is_numeric_label(l)) {
        return Err(fail(
            input,
            Kind::AmbiguousNumeric,
            "is an ambiguous numeric host: write the full address (a.b.c.d, no leading zeros) or a host name",
        ));
    }
    Err(fail(
        input,
        Kind::NumericLabel,
        format!(
            "ends in a numeric label ({last:?}), which browsers read as an IPv4 address: use a real host name or the full address a.b.c.d"
        ),
    ))
}

fn check_labels(input: &str, name: &str) -> Result<(), TargetAddrError> {
    if name.len() > MAX_NAME_LEN {
        return Err(fail(
            input,
            Kind::NameTooLong,
            format!("is longer than {MAX_NAME_LEN} characters, the limit for a DNS name"),
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(fail(
                input,
                Kind::EmptyLabel,
                "has an empty label (two dots in a row, or a leading dot): remove the extra dot",
            ));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(fail(
                input,
                Kind::LabelTooLong,
                format!("has a label longer than {MAX_LABEL_LEN} characters, the DNS limit"),
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(fail(
                input,
                Kind::Hyphen,
                format!("has a label that starts or ends with '-' ({label:?})"),
            ));
        }
    }
    Ok(())
}
