//! Who may use the relay: the `Host` a request names, a browser page's `Origin`, then the bearer
//! token. Pure: the checks read plain values taken from the request ([`Caller`]) and the
//! operator's settings ([`Access`]), and say why they refuse.
//!
//! The relay trusts no `Host` header. It knows the names it is served under ([`OwnName`]: the
//! listen address, the loopback names, every `public_url`; with an unspecified listen address,
//! the host's interface addresses) and compares the `Host` and the `Origin` with that list, never
//! with each other: a page at `evil.example` whose name was rebound to 127.0.0.1 sends
//! `Host: evil.example:8080` with a matching `Origin`, and is refused. For the WebSocket the
//! decision is made before the upgrade and told in-band after it (browsers cannot read a refused
//! upgrade's status); other requests get `421 Misdirected Request` (see `app.rs`).

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::{header, HeaderMap, Uri};
use rdpcheck_report::wire::error_code;

use crate::config::Auth;
use crate::reject::Reject;

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
    fn matches(&self, host: &str, port: Option<u16>) -> bool {
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

/// The operator's access settings.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    /// The names the relay is served under ([`own_names`]).
    pub hosts: &'a [OwnName],
    /// Origins allowed besides the relay's own (`--origin`, trailing `/` removed).
    pub origins: &'a [String],
    /// `Some(Auth::Token)` requires one of `tokens`.
    pub auth: Option<Auth>,
    pub tokens: &'a [String],
}

/// What the checks read from a request, as sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caller<'a> {
    /// The `Origin` header; `Some("")` when it is present but not text.
    pub origin: Option<&'a str>,
    /// The `Host` header; `Some("")` when it is present but not text.
    pub host: Option<&'a str>,
    /// The request target's authority (absolute-form `GET http://host/ HTTP/1.1`), if any.
    pub authority: Option<&'a str>,
    /// The `Authorization` header, if present and text.
    pub authorization: Option<&'a str>,
    /// The `token` query parameter (browsers cannot set headers on a WebSocket).
    pub query_token: Option<&'a str>,
}

impl<'a> Caller<'a> {
    pub fn from_request(
        headers: &'a HeaderMap,
        uri: &'a Uri,
        query: &'a HashMap<String, String>,
    ) -> Caller<'a> {
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let present = |name| headers.get(name).map(|v| v.to_str().unwrap_or(""));
        Caller {
            origin: present(header::ORIGIN),
            host: present(header::HOST),
            authority: uri.authority().map(|a| a.as_str()),
            authorization: text(header::AUTHORIZATION),
            query_token: query.get("token").map(String::as_str),
        }
    }
}

/// Every check, in order: the host the request names, the origin, the token.
pub fn check(access: &Access<'_>, caller: &Caller<'_>) -> Result<(), Reject> {
    check_request_host(access, caller)?;
    check_origin(access, caller.origin)?;
    check_token(access, caller.authorization, caller.query_token)
}

/// The `Host` header, and the request target's authority when it has one, must both name the
/// relay.
pub fn check_request_host(access: &Access<'_>, caller: &Caller<'_>) -> Result<(), Reject> {
    check_host(access, caller.host)?;
    match caller.authority {
        Some(authority) => check_host(access, Some(authority)),
        None => Ok(()),
    }
}

/// `host` (a `Host` header: `name[:port]`) must be one of `access.hosts`, compared without case
/// and with the port (a missing port is the scheme's default). No `Host` is refused.
pub fn check_host(access: &Access<'_>, host: Option<&str>) -> Result<(), Reject> {
    let own = host
        .and_then(split_authority)
        .is_some_and(|(name, port)| access.hosts.iter().any(|o| o.matches(&name, port)));
    if own {
        return Ok(());
    }
    let shown: String = host.unwrap_or("").chars().take(100).collect();
    Err(Reject::new(
        error_code::HOST_DENIED,
        match host {
            None => "the request names no host (Host header); this relay answers only to the \
                     names it is served under"
                .to_string(),
            Some(_) => format!(
                "{shown:?} is not a name this relay is served under, so a page reached through \
                 it may not use the relay; if it should, its operator adds it with --public-url"
            ),
        },
    ))
}

/// A browser's `Origin` must be one of the relay's own names (same scheme, host and port) or
/// listed in `access.origins`. No `Origin` header: not a browser, not checked.
pub fn check_origin(access: &Access<'_>, origin: Option<&str>) -> Result<(), Reject> {
    let Some(origin) = origin else {
        return Ok(());
    };
    let origin = origin.trim_end_matches('/');
    if access
        .origins
        .iter()
        .any(|o| o.eq_ignore_ascii_case(origin))
        || is_own_origin(access.hosts, origin)
    {
        return Ok(());
    }
    Err(Reject::new(
        error_code::ORIGIN_DENIED,
        format!(
            "pages from {origin} may not use this relay; its operator can allow them with --origin"
        ),
    ))
}

fn is_own_origin(hosts: &[OwnName], origin: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return false,
    };
    split_authority(authority).is_some_and(|(name, port)| {
        hosts
            .iter()
            .any(|o| o.https == https && o.matches(&name, port))
    })
}

/// With token auth, `Authorization: Bearer <token>` or else `?token=<token>` must be one of the
/// operator's tokens (compared in constant time, surrounding whitespace ignored).
pub fn check_token(
    access: &Access<'_>,
    authorization: Option<&str>,
    query_token: Option<&str>,
) -> Result<(), Reject> {
    if access.auth != Some(Auth::Token) {
        return Ok(());
    }
    let bearer = authorization.and_then(|h| h.strip_prefix("Bearer "));
    let given = bearer.or(query_token);
    let valid = given.is_some_and(|g| {
        access
            .tokens
            .iter()
            .any(|t| constant_time_eq(t.as_bytes(), g.trim().as_bytes()))
    });
    if valid {
        return Ok(());
    }
    Err(Reject::new(
        error_code::AUTH_REQUIRED,
        if given.is_some() {
            WRONG_TOKEN
        } else {
            "this relay needs an access token (ask its operator); the page sends it as ?token="
        },
    ))
}

/// The message for a token that was given and is not valid (what the failed-auth throttle counts).
pub const WRONG_TOKEN: &str = "the access token is not valid for this relay";

/// Whether a refusal from [`check`] is a wrong token (not a missing one).
pub fn is_wrong_token(reject: &Reject) -> bool {
    reject.code == error_code::AUTH_REQUIRED && reject.message == WRONG_TOKEN
}

/// Equal bytes, in a time that depends on the lengths only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "access-test-token-0123456789";

    fn listed(origins: &[&str]) -> Vec<String> {
        origins.iter().map(|o| o.to_string()).collect()
    }

    /// A loopback relay on 127.0.0.1:8080 over plain HTTP.
    fn loopback_names() -> Vec<OwnName> {
        own_names(SocketAddr::from(([127, 0, 0, 1], 8080)), false, &[], &[])
    }

    fn access<'a>(hosts: &'a [OwnName], origins: &'a [String]) -> Access<'a> {
        Access {
            hosts,
            origins,
            auth: None,
            tokens: &[],
        }
    }

    fn code(r: Result<(), Reject>) -> &'static str {
        r.map(|()| "ok").unwrap_or_else(|r| r.code)
    }

    #[test]
    fn authorities_split_into_a_lower_case_host_and_a_port() {
        let split = |s| split_authority(s);
        assert_eq!(split("Relay.Example"), Some(("relay.example".into(), None)));
        assert_eq!(
            split("relay.example.:8080"),
            Some(("relay.example".into(), Some(8080)))
        );
        assert_eq!(split("127.0.0.1:80"), Some(("127.0.0.1".into(), Some(80))));
        assert_eq!(split("[::1]:8080"), Some(("[::1]".into(), Some(8080))));
        assert_eq!(split("[FD00::2]"), Some(("[fd00::2]".into(), None)));
        for bad in [
            "",
            ":8080",
            "::1",
            "[::1",
            "[::1]x",
            "[nothost]:80",
            "a:b:c",
            "a:",
            "a:0",
            "a:65536",
            "a:+1",
            "u@a",
            "a/b",
            "a b",
            "a\u{0}",
            "[fe80::1%25eth0]",
            ".",
        ] {
            assert_eq!(split(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn own_names_are_the_listen_address_the_loopback_names_and_the_public_urls() {
        let names = |listen: &str, ifs: &[&str], public: &[&str]| -> Vec<String> {
            let ifs: Vec<IpAddr> = ifs.iter().map(|a| a.parse().expect("ip")).collect();
            let public: Vec<OwnName> = public
                .iter()
                .map(|u| OwnName::from_public_url(u).expect("url"))
                .collect();
            own_names(listen.parse().expect("listen"), false, &ifs, &public)
                .iter()
                .map(|n| n.origin())
                .collect()
        };
        let loopback = [
            "http://localhost:8080",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ];
        assert_eq!(names("127.0.0.1:8080", &["192.0.2.2"], &[]), loopback);
        assert_eq!(
            names("192.0.2.2:8080", &[], &[]),
            [&loopback[..], &["http://192.0.2.2:8080"]].concat()
        );
        // An unspecified address: every interface address of its family ([::] takes both).
        let ifs = ["192.0.2.2", "fd00::2", "::ffff:198.51.100.7"];
        assert_eq!(
            names("0.0.0.0:8080", &ifs, &[]),
            [
                &loopback[..],
                &["http://192.0.2.2:8080", "http://198.51.100.7:8080"]
            ]
            .concat()
        );
        assert_eq!(
            names("[::]:8080", &ifs, &["https://RDPcheck.example.com/"]),
            [
                &loopback[..],
                &[
                    "http://192.0.2.2:8080",
                    "http://[fd00::2]:8080",
                    "http://198.51.100.7:8080",
                    "https://rdpcheck.example.com",
                ]
            ]
            .concat()
        );
    }

    #[test]
    fn public_urls_are_origins() {
        let u = OwnName::from_public_url("https://RDPcheck.Example.com").expect("url");
        assert_eq!(u, OwnName::new(true, "rdpcheck.example.com", 443));
        let u = OwnName::from_public_url(" http://relay.corp:8080/ ").expect("url");
        assert_eq!(u, OwnName::new(false, "relay.corp", 8080));
        assert_eq!(u.origin(), "http://relay.corp:8080");
        for bad in [
            "rdpcheck.example.com",
            "ftp://x",
            "https://x/app",
            "https://u@x",
            "https://",
            "https://x:0",
        ] {
            let e = OwnName::from_public_url(bad).expect_err(bad);
            assert!(e.contains("https://rdpcheck.example.com"), "{e}");
        }
    }

    #[test]
    fn the_host_must_be_one_of_the_relays_names() {
        let hosts = loopback_names();
        let a = access(&hosts, &[]);
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "localhost.:8080",
            "[::1]:8080",
        ] {
            assert_eq!(code(check_host(&a, Some(ok))), "ok", "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "evil.example",
            "127.0.0.1",
            "127.0.0.1:8081",
            "localhost",
            "127.0.0.2:8080",
            "",
        ] {
            assert_eq!(code(check_host(&a, Some(bad))), "host.denied", "{bad}");
        }
        let r = check_host(&a, Some("evil.example:8080")).expect_err("refused");
        assert_eq!(
            r.message,
            "\"evil.example:8080\" is not a name this relay is served under, so a page reached \
             through it may not use the relay; if it should, its operator adds it with \
             --public-url"
        );
        let r = check_host(&a, None).expect_err("no host");
        assert!(r.message.contains("names no host"), "{r}");
        // A public URL without a port: the Host header may leave out the default port.
        let public = [OwnName::from_public_url("https://rdpcheck.example.com").expect("url")];
        let a = access(&public, &[]);
        assert!(check_host(&a, Some("rdpcheck.example.com")).is_ok());
        assert!(check_host(&a, Some("rdpcheck.example.com:443")).is_ok());
        assert!(check_host(&a, Some("rdpcheck.example.com:80")).is_err());
    }

    #[test]
    fn the_target_authority_is_checked_as_well_as_the_host_header() {
        let hosts = loopback_names();
        let a = access(&hosts, &[]);
        let caller = Caller {
            host: Some("127.0.0.1:8080"),
            authority: Some("evil.example:8080"),
            ..Caller::default()
        };
        assert_eq!(code(check_request_host(&a, &caller)), "host.denied");
        let caller = Caller {
            authority: Some("localhost:8080"),
            ..caller
        };
        assert_eq!(code(check_request_host(&a, &caller)), "ok");
    }

    /// DNS rebinding: the attacker's page sends its own name as both Host and Origin.
    #[test]
    fn a_rebound_name_is_refused_even_when_host_and_origin_agree() {
        let hosts = loopback_names();
        let a = access(&hosts, &[]);
        let rebound = Caller {
            host: Some("evil.example:8080"),
            origin: Some("http://evil.example:8080"),
            ..Caller::default()
        };
        assert_eq!(code(check(&a, &rebound)), "host.denied");
        // The origin alone no longer follows the Host header.
        assert_eq!(
            code(check_origin(&a, Some("http://evil.example:8080"))),
            "origin.denied"
        );
        let own = Caller {
            host: Some("127.0.0.1:8080"),
            origin: Some("http://127.0.0.1:8080"),
            ..Caller::default()
        };
        assert_eq!(code(check(&a, &own)), "ok");
    }

    #[test]
    fn no_origin_is_not_a_browser_and_passes() {
        let hosts = loopback_names();
        assert_eq!(code(check_origin(&access(&hosts, &[]), None)), "ok");
    }

    #[test]
    fn the_relays_own_origins_pass() {
        let hosts = loopback_names();
        let a = access(&hosts, &[]);
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "HTTP://LocalHost:8080",
            "http://[::1]:8080",
        ] {
            assert_eq!(code(check_origin(&a, Some(ok))), "ok", "{ok}");
        }
        let public = [OwnName::from_public_url("https://rdpcheck.example.com").expect("url")];
        let a = access(&public, &[]);
        assert!(check_origin(&a, Some("https://rdpcheck.example.com")).is_ok());
        assert!(check_origin(&a, Some("https://rdpcheck.example.com:443")).is_ok());
        assert!(check_origin(&a, Some("http://rdpcheck.example.com")).is_err());
    }

    #[test]
    fn other_origins_are_refused_with_the_origin_named() {
        let hosts = loopback_names();
        let a = access(&hosts, &[]);
        let r = check_origin(&a, Some("http://evil.example")).expect_err("refused");
        assert_eq!(r.code, "origin.denied");
        assert_eq!(
            r.message,
            "pages from http://evil.example may not use this relay; its operator can allow them \
             with --origin"
        );
        for bad in [
            // Another port or scheme on the same host is another origin.
            "http://127.0.0.1:8081",
            "https://127.0.0.1:8080",
            "http://127.0.0.1",
            // Not text, no scheme, opaque.
            "",
            "127.0.0.1:8080",
            "null",
            "ws://127.0.0.1:8080",
        ] {
            assert_eq!(code(check_origin(&a, Some(bad))), "origin.denied", "{bad}");
        }
    }

    #[test]
    fn listed_origins_pass_in_any_case_with_or_without_a_slash() {
        let hosts = loopback_names();
        let allowed = listed(&["http://helpdesk.example"]);
        let a = access(&hosts, &allowed);
        assert!(check_origin(&a, Some("http://helpdesk.example")).is_ok());
        assert!(check_origin(&a, Some("HTTP://HelpDesk.Example/")).is_ok());
        assert!(check_origin(&a, Some("https://helpdesk.example")).is_err());
        assert!(check_origin(&a, Some("http://evil.example")).is_err());
    }

    fn token_access(tokens: &[String]) -> Access<'_> {
        Access {
            hosts: &[],
            origins: &[],
            auth: Some(Auth::Token),
            tokens,
        }
    }

    #[test]
    fn without_token_auth_no_token_is_needed() {
        for auth in [None, Some(Auth::None)] {
            let a = Access {
                hosts: &[],
                origins: &[],
                auth,
                tokens: &[],
            };
            assert!(check_token(&a, None, None).is_ok());
            assert!(check_token(&a, Some("Bearer nonsense"), Some("x")).is_ok());
        }
    }

    #[test]
    fn a_token_passes_as_bearer_header_or_query() {
        let tokens = listed(&[TOKEN]);
        let a = token_access(&tokens);
        let bearer = format!("Bearer {TOKEN}");
        assert!(check_token(&a, Some(&bearer), None).is_ok());
        assert!(check_token(&a, None, Some(TOKEN)).is_ok());
        assert!(check_token(&a, None, Some(&format!(" {TOKEN}\n"))).is_ok());
        // A header that is not a bearer token leaves the query to decide.
        assert!(check_token(&a, Some("Basic dXNlcjpwdw=="), Some(TOKEN)).is_ok());
        // The header wins over the query.
        let r = check_token(&a, Some("Bearer wrong-token-0123456789"), Some(TOKEN));
        assert_eq!(code(r), "auth.required");
    }

    #[test]
    fn missing_and_wrong_tokens_are_told_apart() {
        let tokens = listed(&[TOKEN]);
        let a = token_access(&tokens);
        let missing = check_token(&a, None, None).expect_err("missing");
        assert_eq!(missing.code, "auth.required");
        assert!(
            missing.message.contains("needs an access token"),
            "{missing}"
        );
        assert!(!is_wrong_token(&missing));
        let not_bearer = check_token(&a, Some(TOKEN), None).expect_err("no Bearer prefix");
        assert!(not_bearer.message.contains("needs an access token"));
        for wrong in ["wrong-token-0123456789", "", &TOKEN[..TOKEN.len() - 1]] {
            let r = check_token(&a, None, Some(wrong)).expect_err("wrong");
            assert_eq!(r.code, "auth.required");
            assert_eq!(r.message, "the access token is not valid for this relay");
            assert!(is_wrong_token(&r));
        }
        let r = check_token(&a, Some("bearer access-test-token-0123456789"), None);
        assert!(r.is_err(), "the scheme is matched as sent");
    }

    #[test]
    fn any_listed_token_passes() {
        let tokens = listed(&["first-token-0123456789", TOKEN]);
        let a = token_access(&tokens);
        assert!(check_token(&a, None, Some("first-token-0123456789")).is_ok());
        assert!(check_token(&a, None, Some(TOKEN)).is_ok());
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"\x00", b"\x80"));
    }

    #[test]
    fn host_then_origin_then_token() {
        let tokens = listed(&[TOKEN]);
        let hosts = loopback_names();
        let a = Access {
            hosts: &hosts,
            ..token_access(&tokens)
        };
        let foreign = Caller {
            host: Some("evil.example:8080"),
            origin: Some("http://evil.example"),
            ..Caller::default()
        };
        assert_eq!(code(check(&a, &foreign)), "host.denied");
        let evil = Caller {
            host: Some("127.0.0.1:8080"),
            ..foreign
        };
        assert_eq!(code(check(&a, &evil)), "origin.denied");
        let own = Caller {
            origin: Some("http://127.0.0.1:8080"),
            ..evil
        };
        assert_eq!(code(check(&a, &own)), "auth.required");
        let with_token = Caller {
            query_token: Some(TOKEN),
            ..own
        };
        assert_eq!(code(check(&a, &with_token)), "ok");
    }

    #[test]
    fn the_caller_is_read_from_headers_uri_and_query() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "relay.example".parse().expect("host"));
        headers.insert(
            header::ORIGIN,
            "http://relay.example".parse().expect("origin"),
        );
        headers.insert(header::AUTHORIZATION, "Bearer t".parse().expect("auth"));
        let query = HashMap::from([("token".to_string(), "q".to_string())]);
        let uri: Uri = "http://other.example:8080/api/v1/probe"
            .parse()
            .expect("uri");
        let c = Caller::from_request(&headers, &uri, &query);
        assert_eq!(c.origin, Some("http://relay.example"));
        assert_eq!(c.host, Some("relay.example"));
        assert_eq!(c.authority, Some("other.example:8080"));
        assert_eq!(c.authorization, Some("Bearer t"));
        assert_eq!(c.query_token, Some("q"));

        // An Origin or Host that is not text is still there (and never matches).
        let mut headers = HeaderMap::new();
        let opaque = axum::http::HeaderValue::from_bytes(b"http://\xff").expect("opaque");
        headers.insert(header::ORIGIN, opaque.clone());
        headers.insert(header::HOST, opaque);
        let empty = HashMap::new();
        let uri: Uri = "/api/v1/probe".parse().expect("uri");
        let c = Caller::from_request(&headers, &uri, &empty);
        assert_eq!(c.origin, Some(""));
        assert_eq!(c.host, Some(""));
        assert_eq!(
            (c.authority, c.authorization, c.query_token),
            (None, None, None)
        );
    }
}
