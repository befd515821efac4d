//! The client's address behind a reverse proxy. Only a TCP peer inside `trusted_proxies` may
//! tell the relay who its client is; anyone else could send the same headers to pick a fresh
//! address for every request and so escape the per-client limits.
//!
//! From a trusted peer the relay reads `X-Forwarded-For` when present, else `Forwarded`
//! (RFC 7239, its `for=` parameters): every proxy that does not itself set `Forwarded` (nginx,
//! HAProxy, Apache by default) passes a client's forged `Forwarded` on unchanged, while it
//! always appends to `X-Forwarded-For`. The hops are read right to left, skipping trusted
//! proxies; the first other hop is the client. Hops left of it were written by the client and
//! are never read. A hop that is not an address (garbage, `unknown`, an obfuscated `_name`), or
//! a header that does not parse, gives the peer address: a limit then counts the proxy, never an
//! address the client chose.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Who the request is from: the TCP peer, or, if the peer is a trusted proxy, the client it
/// names (see the module comment).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    if !is_trusted(peer, trusted) {
        return peer;
    }
    let hops = if headers.contains_key("x-forwarded-for") {
        joined(headers, "x-forwarded-for").map(|v| xff_hops(&v))
    } else if headers.contains_key("forwarded") {
        joined(headers, "forwarded").and_then(|v| forwarded_hops(&v))
    } else {
        return peer;
    };
    let Some(hops) = hops else {
        return peer;
    };
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) if is_trusted(*ip, trusted) => continue,
            Some(ip) => return *ip,
            None => return peer,
        }
    }
    // Every hop is a trusted proxy: the leftmost one is where the request came from.
    hops.first().copied().flatten().unwrap_or(peer)
}

/// Whether `ip` is in one of the `trusted` ranges.
pub fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    let ip = ip.to_canonical();
    trusted.iter().any(|net| net.contains(&ip))
}

/// Every line of header `name`, joined with commas (RFC 9110 5.3); `None` if one is not text.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut parts = Vec::new();
    for value in headers.get_all(name) {
        parts.push(value.to_str().ok()?);
    }
    Some(parts.join(","))
}

/// `X-Forwarded-For`: comma-separated addresses, oldest first; `None` for a hop that is not one.
fn xff_hops(value: &str) -> Vec<Option<IpAddr>> {
    value.split(',').map(node).collect()
}

/// `Forwarded`: comma-separated elements of `;`-separated `name=value` pairs, values a token or
/// a quoted string. `None` if the header does not parse (an unterminated quote, a pair without
/// `=`); an element without `for=` or with a `for=` that is no address is a `None` hop.
fn forwarded_hops(value: &str) -> Option<Vec<Option<IpAddr>>> {
    let mut hops = Vec::new();
    for element in split_outside_quotes(value, ',')? {
        if element.trim().is_empty() {
            continue;
        }
        let mut found = None;
        for pair in split_outside_quotes(element, ';')? {
            let pair = pair.trim();
            if pair.is_empty() {
                continue;
            }
            let (name, v) = pair.split_once('=')?;
            if name.trim().eq_ignore_ascii_case("for") {
                found = Some(node(unquote(v.trim())?));
            }
        }
        hops.push(found.flatten());
    }
    Some(hops)
}

/// `s` split at `sep` where it is not inside a quoted string; `None` if a quote is left open.
fn split_outside_quotes(s: &str, sep: char) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if quoted {
        return None;
    }
    parts.push(&s[start..]);
    Some(parts)
}

/// A token as is, a quoted string without its quotes (node values need no escapes; one that has
/// them is no address anyway).
fn unquote(v: &str) -> Option<&str> {
    match v.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"'),
        None => Some(v),
    }
}

/// One node: `1.2.3.4`, `1.2.3.4:port`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:port`.
fn node(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip().to_canonical());
    }
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
}
