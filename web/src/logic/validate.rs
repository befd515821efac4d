//! Checks the form's host, port and gateway before anything is sent to the relay.

use std::net::{Ipv4Addr, Ipv6Addr};

pub const DEFAULT_RDP_PORT: u16 = 3389;
pub const DEFAULT_GATEWAY_PORT: u16 = 443;

/// Which form field an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Host,
    Port,
    Gateway,
    Samples,
}

/// A message for one field, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

fn err(field: Field, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A host and port that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl HostPort {
    /// `host:port`, with IPv6 addresses in brackets: what the relay's `target` field takes.
    pub fn to_target(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The whole form, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInput {
    pub target: HostPort,
    pub gateway: Option<HostPort>,
    pub samples: u32,
}

/// Most stability handshakes the page asks for (the relay caps it too).
pub const MAX_SAMPLES: u32 = 20;

/// Validates the form fields. `port` may be empty (3389, or the port written in the host field).
pub fn validate_form(
    host: &str,
    port: &str,
    gateway: &str,
    samples: &str,
) -> Result<CheckInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let target = match parse_host_port(host, Field::Host, DEFAULT_RDP_PORT) {
        Ok(mut hp) => {
            let port = port.trim();
            if !port.is_empty() {
                match parse_port(port) {
                    Ok(p) => hp.port = p,
                    Err(m) => errors.push(err(Field::Port, m)),
                }
            }
            Some(hp)
        }
        Err(e) => {
            if !port.trim().is_empty() {
                if let Err(m) = parse_port(port.trim()) {
                    errors.push(err(Field::Port, m));
                }
            }
            errors.insert(0, e);
            None
        }
    };
    let gateway = match gateway.trim() {
        "" => None,
        g => match parse_host_port(g, Field::Gateway, DEFAULT_GATEWAY_PORT) {
            Ok(hp) => Some(hp),
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    let samples = match samples.trim() {
        "" => 5,
        s => match s.parse::<u32>() {
            Ok(n) if n <= MAX_SAMPLES => n,
            _ => {
                errors.push(err(
                    Field::Samples,
                    format!("Handshakes must be a whole number from 0 to {MAX_SAMPLES}."),
                ));
                5
            }
        },
    };
    match (target, errors.is_empty()) {
        (Some(target), true) => Ok(CheckInput {
            target,
            gateway,
            samples,
        }),
        _ => Err(errors),
    }
}

/// A port number 1-65535.
pub fn parse_port(text: &str) -> Result<u16, String> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "\"{t}\" is not a port: give a number from 1 to 65535 (RDP uses 3389)."
        ));
    }
    match t.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        _ => Err(format!(
            "Port {t} is out of range: give a number from 1 to 65535 (RDP uses 3389)."
        )),
    }
}

/// `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address.
pub fn parse_host_port(
    text: &str,
    field: Field,
    default_port: u16,
) -> Result<HostPort, FieldError> {
    let t = text.trim();
    let what = if field == Field::Gateway {
        "gateway"
    } else {
        "host"
    };
    if t.is_empty() {
        return Err(err(
            field,
            format!("Enter the {what} name or IP address, e.g. rdp.example.com or 192.0.2.10."),
        ));
    }
    if let Some((scheme, rest)) = t.split_once("://") {
        let hint = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        return Err(err(
            field,
            format!("Leave out \"{scheme}://\": enter only the {what}, e.g. {hint}."),
        ));
    }
    if t.chars().any(char::is_whitespace) {
        return Err(err(field, format!("The {what} cannot contain spaces.")));
    }
    if let Some(rest) = t.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else {
            return Err(err(
                field,
                "An IPv6 address in brackets needs its closing ].".to_string(),
            ));
        };
        if addr.parse::<Ipv6Addr>().is_err() {
            return Err(err(
                field,
                format!("\"{addr}\" is not a valid IPv6 address."),
            ));
        }
        let port = match after {
            "" => default_port,
            p => match p.strip_prefix(':') {
                Some(p) => parse_port(p).map_err(|m| err(field, m))?,
                None => {
                    return Err(err(
                        field,
                        "Write an IPv6 address with a port as [2001:db8::1]:3389.".to_string(),
                    ))
                }
            },
        };
        return Ok(HostPort {
            host: addr.to_string(),
            port,
        });
    }
    if t.matches(':').count() > 1 {
        return match t.parse::<Ipv6Addr>() {
            Ok(_) => Ok(HostPort {
                host: t.to_string(),
                port: default_port,
            }),
            Err(_) => Err(err(
                field,
                format!(
                    "\"{t}\" is not a valid IPv6 address (with a port, write [2001:db8::1]:3389)."
                ),
            )),
        };
    }
    let (host, port) = match t.split_once(':') {
        Some((h, p)) => (h, parse_port(p).map_err(|m| err(field, m))?),
        None => (t, default_port),
    };
    validate_name(host).map_err(|m| err(field, m))?;
    Ok(HostPort {
        host: host.trim_end_matches('.').to_string(),
        port,
    })
}

/// A DNS name (internationalised names allowed: the relay converts them) or an IPv4 address.
pub fn validate_name(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("The host name is empty.".to_string());
    }
    if host.contains(['/', '\\']) {
        return Err(format!(
            "\"{host}\" looks like a path: enter only the host name, e.g. rdp.example.com."
        ));
    }
    if let Some((_, h)) = host.split_once('@') {
        return Err(format!(
            "Leave out the user name: enter only the host, e.g. {h}. rdpcheck never needs a credential."
        ));
    }
    let all_numeric = host.chars().all(|c| c.is_ascii_digit() || c == '.');
    if all_numeric {
        return match host.parse::<Ipv4Addr>() {
            Ok(_) => Ok(()),
            Err(_) => Err(format!("\"{host}\" is not a valid IPv4 address.")),
        };
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.len() > 253 {
        return Err("The host name is longer than 253 characters.".to_string());
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(format!("\"{host}\" has an empty part between dots."));
        }
        if label.chars().count() > 63 {
            return Err(format!(
                "\"{label}\" is longer than 63 characters, the limit for one part of a name."
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "\"{label}\": a part of a host name cannot start or end with a hyphen."
            ));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!(
                "\"{host}\" contains \"{bad}\", which a host name cannot contain."
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_names_addresses_and_ports() {
        let ok = |h: &str, p: &str| validate_form(h, p, "", "").expect(h).target;
        assert_eq!(
            ok("rdp.example.com", "").to_target(),
            "rdp.example.com:3389"
        );
        assert_eq!(
            ok("rdp.example.com:3390", "").to_target(),
            "rdp.example.com:3390"
        );
        assert_eq!(ok("rdp.example.com:3390", "4000").port, 4000);
        assert_eq!(ok("192.0.2.10", "3389").to_target(), "192.0.2.10:3389");
        assert_eq!(ok("2001:db8::1", "").to_target(), "[2001:db8::1]:3389");
        assert_eq!(
            ok("[2001:db8::1]:3391", "").to_target(),
            "[2001:db8::1]:3391"
        );
        assert_eq!(ok("  host_1.corp.  ", "").host, "host_1.corp");
        assert_eq!(ok("bücher.example", "").host, "bücher.example");
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        let bad = |h: &str, p: &str| validate_form(h, p, "", "").expect_err(h);
        for (h, p, needle) in [
            ("", "", "Enter the host"),
            ("bad host!", "", "spaces"),
            ("bad!host", "", "contains \"!\""),
            ("rdp://host", "", "Leave out \"rdp://\""),
            ("https://host/path", "", "e.g. host."),
            ("host", "0", "out of range"),
            ("host", "70000", "out of range"),
            ("host", "abc", "not a port"),
            ("host:99999", "", "out of range"),
            ("300.1.1.1", "", "not a valid IPv4"),
            ("-a.example", "", "hyphen"),
            ("a..b", "", "empty part"),
            ("user@host", "", "user name"),
            ("[::1", "", "closing ]"),
            ("1:2:3:zz::", "", "not a valid IPv6"),
        ] {
            let errs = bad(h, p);
            assert!(
                errs.iter().any(|e| e.message.contains(needle)),
                "{h:?} {p:?}: {errs:?}"
            );
        }
        let errs = validate_form("host", "0", "", "").expect_err("port");
        assert_eq!(errs[0].field, Field::Port);
    }

    #[test]
    fn gateway_and_samples() {
        let i = validate_form("h", "", "gw.example.com", "3").expect("ok");
        assert_eq!(
            i.gateway.expect("gateway").to_target(),
            "gw.example.com:443"
        );
        assert_eq!(i.samples, 3);
        let e = validate_form("h", "", "gw example", "99").expect_err("bad");
        assert_eq!(
            e.iter().map(|e| e.field).collect::<Vec<_>>(),
            [Field::Gateway, Field::Samples]
        );
    }
}
