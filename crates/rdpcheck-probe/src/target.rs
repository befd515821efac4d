//! Parse what a user types as a target: `host`, `host:port`, `1.2.3.4:3389`, `[::1]:3389`, `::1`.

use std::fmt;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError {
    pub input: String,
    pub reason: String,
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot use {:?} as a target: {} (expected HOST, HOST:PORT or [IPv6]:PORT, e.g. rdp.example.com:3389)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for TargetError {}

/// Split `input` into host and port; `default_port` when none is given.
pub fn parse_target(input: &str, default_port: u16) -> Result<(String, u16), TargetError> {
    let err = |reason: &str| TargetError {
        input: input.to_string(),
        reason: reason.to_string(),
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(err("it is empty"));
    }
    if s.contains("://") {
        return Err(err("give a host name, not a URL"));
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| err("'[' without a closing ']'"))?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| err("junk after ']'"))?),
        };
        if h.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(err("brackets must hold an IPv6 address"));
        }
        (h.to_string(), port)
    } else if s.parse::<IpAddr>().is_ok() {
        (s.to_string(), None)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_string(), Some(p)),
            Some(_) => return Err(err("an IPv6 address with a port must be in brackets")),
            None => (s.to_string(), None),
        }
    };
    let port = match port {
        None => default_port,
        Some(p) => match p.parse::<u16>() {
            Ok(0) | Err(_) => return Err(err("the port must be a number from 1 to 65535")),
            Ok(n) => n,
        },
    };
    let host = host.trim_end_matches('.').to_string();
    if host.is_empty() {
        return Err(err("the host part is empty"));
    }
    if host.parse::<IpAddr>().is_err() && !is_host_name(&host) {
        return Err(err(
            "a host name may hold only letters, digits, '-', '_' and '.'",
        ));
    }
    Ok((host, port))
}

fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        assert_eq!(
            parse_target("rdp.example.com", 3389),
            Ok(("rdp.example.com".into(), 3389))
        );
        assert_eq!(parse_target("host:3390", 3389), Ok(("host".into(), 3390)));
        assert_eq!(
            parse_target("10.0.0.1:443", 3389),
            Ok(("10.0.0.1".into(), 443))
        );
        assert_eq!(parse_target("[::1]:3389", 1), Ok(("::1".into(), 3389)));
        assert_eq!(parse_target("::1", 3389), Ok(("::1".into(), 3389)));
        assert_eq!(
            parse_target(" Host.Example. ", 3389),
            Ok(("Host.Example".into(), 3389))
        );
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
        ] {
            let e = parse_target(bad, 3389).expect_err(bad);
            assert!(!e.reason.is_empty());
        }
    }
}
