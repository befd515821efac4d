//! The names the relay is served under ([`OwnName`], [`own_names`]) and the one parser of a
//! `host[:port]` authority ([`split_authority`]) that the `Host`, `Origin` and `--public-url`
//! checks share, so all three read a name the same way.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// A name the relay is served under, as a browser reaches it: scheme, host, port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OwnName {
    pub https: bool,
    /// Lower-case, no trailing dot; an IPv6 address in brackets.
    pub host: String,
    pub port: u16,
}

impl OwnName {
    pub fn new(https: bool, host: &str, port: u16) -> OwnName {
        OwnName {
            https,
            host: host.to_ascii_lowercase(),
            port,
        }
    }

    /// The name of an address: `127.0.0.1`, `[::1]`.
    pub fn of_ip(https: bool, ip: IpAddr, port: u16) -> OwnName {
        let host = match ip.to_canonical() {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        OwnName { https, host, port }
    }

    /// `https://rdpcheck.example.com[:port][/]`: an origin, no user info, path, query or fragment.
    pub fn from_public_url(url: &str) -> Result<OwnName, String> {
        let url = url.trim();
        let bad = |why: &str| {
            Err(format!(
                "{url:?} {why}: give the URL users open, e.g. https://rdpcheck.example.com"
            ))
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            return bad("is not a URL");
        };
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return bad("is not an http or https URL"),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains('/') {
            return bad("has a path (the relay serves its page and API at the root)");
        }
        match split_authority(authority) {
            Some((host, port)) => Ok(OwnName {
                https,
                host,
                port: port.unwrap_or(default_port(https)),
            }),
            None => bad("has no valid host[:port]"),
        }
    }

    /// `http://host:port`, without the port when it is the scheme's default.
    pub fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        if self.port == default_port(self.https) {
            format!("{scheme}://{}", self.host)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }

    /// Whether a `host[:port]` the client sent names this (a missing port is the default one).
    pub(super) fn matches(&self, host: &str, port: Option<u16>) -> bool {
        self.host == host && port.unwrap_or(default_port(self.https)) == self.port
    }
}

impl fmt::Display for OwnName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

fn default_port(https: bool) -> u16 {
    if https {
        443
    } else {
        80
    }
}

/// Split `host[:port]` or `[v6][:port]` into a lower-case host (brackets kept, one trailing dot
/// removed) and the port. `None` for anything else: user info, paths, spaces, a bare IPv6
/// address, port 0 or a port that is not a number.
pub fn split_authority(s: &str) -> Option<(String, Option<u16>)> {
    if s.is_empty()
        || s.bytes()
            .any(|b| b <= b' ' || b >= 0x7f || b"@/?#\\%".contains(&b))
    {
        return None;
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        inner.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{}]", inner.to_ascii_lowercase()), port)
    } else {
        let (host, port) = match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        };
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() || host.contains([':', '[', ']']) {
            return None;
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok().filter(|&n| n != 0)?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

/// The names a relay listening on `listen` is served under: the listen address (each of
/// `interfaces` when it is unspecified, of the same family, or both families for `[::]`),
/// `localhost`, `127.0.0.1` and `[::1]` at the listen port, then `public`. Deduplicated, in order.
pub fn own_names(
    listen: SocketAddr,
    https: bool,
    interfaces: &[IpAddr],
    public: &[OwnName],
) -> Vec<OwnName> {
    let port = listen.port();
    let mut names = vec![
        OwnName::new(https, "localhost", port),
        OwnName::of_ip(https, IpAddr::from([127, 0, 0, 1]), port),
        OwnName::of_ip(https, IpAddr::from(Ipv6Addr::LOCALHOST), port),
    ];
    let ip = listen.ip();
    if ip.is_unspecified() {
        let both = ip.is_ipv6();
        names.extend(
            interfaces
                .iter()
                .map(|a| a.to_canonical())
                .filter(|a| both || a.is_ipv4())
                .map(|a| OwnName::of_ip(https, a, port)),
        );
    } else {
        names.push(OwnName::of_ip(https, ip, port));
    }
    names.extend(public.iter().cloned());
    let mut out: Vec<OwnName> = Vec::with_capacity(names.len());
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}
