//! The relay host's own addresses, read once at start. The egress policy refuses them unless the
//! operator allows them by name (the `local` preset allows private addresses, and the relay's
//! own LAN address is one: without this a page could reach services that listen on it), and a
//! relay listening on an unspecified address is served under them (`access::own_names`).
//!
//! Linux lists them in `/proc/net/fib_trie` (IPv4: the `/32 host LOCAL` entries) and
//! `/proc/net/if_inet6`. (`nix::ifaddrs` would need nix's `net` feature, whose `memoffset`
//! dependency is not in Cargo.lock.) The source address the kernel picks for a route is added as
//! well, found by connecting a UDP socket, which sends nothing. Loopback addresses are left out:
//! the built-in loopback rule covers them.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// The host's non-loopback, specified addresses (IPv4-mapped ones as IPv4), sorted.
pub fn interface_addresses() -> Vec<IpAddr> {
    let mut found = BTreeSet::new();
    if let Ok(text) = std::fs::read_to_string("/proc/net/fib_trie") {
        found.extend(parse_fib_trie(&text).into_iter().map(IpAddr::V4));
    }
    if let Ok(text) = std::fs::read_to_string("/proc/net/if_inet6") {
        found.extend(parse_if_inet6(&text).into_iter().map(IpAddr::V6));
    }
    // Documentation addresses: only the route is looked up, no datagram is sent.
    for dest in ["192.0.2.1:9", "[2001:db8::1]:9"] {
        if let Some(ip) = dest.parse().ok().and_then(routed_source) {
            found.insert(ip);
        }
    }
    found
        .into_iter()
        .map(|ip| ip.to_canonical())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The local addresses in `/proc/net/fib_trie`: each `|-- a.b.c.d` line followed by a
/// `/32 host LOCAL` line. Both tables (Main, Local) list them; duplicates are removed.
pub fn parse_fib_trie(text: &str) -> Vec<Ipv4Addr> {
    let mut out = BTreeSet::new();
    let mut last: Option<Ipv4Addr> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(addr) = line.strip_prefix("|-- ") {
            last = addr.trim().parse().ok();
        } else if line.starts_with("/32 host LOCAL") {
            if let Some(a) = last {
                out.insert(a);
            }
        }
    }
    out.into_iter().collect()
}

/// The addresses in `/proc/net/if_inet6`: the first field of each line, 32 hex digits.
pub fn parse_if_inet6(text: &str) -> Vec<Ipv6Addr> {
    text.lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter_map(|hex| {
            u128::from_str_radix(hex, 16)
                .ok()
                .filter(|_| hex.len() == 32)
        })
        .map(Ipv6Addr::from)
        .collect()
}

/// The source address the kernel would use to reach `dest` (no packet is sent).
fn routed_source(dest: SocketAddr) -> Option<IpAddr> {
    let bind = match dest {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = UdpSocket::bind(bind).ok()?;
    socket.connect(dest).ok()?;
    Some(socket.local_addr().ok()?.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIB_TRIE: &str = "\
Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     +-- 192.0.2.0/24 2 0 2
           |-- 192.0.2.0
              /24 link UNICAST
           |-- 192.0.2.2
              /32 host LOCAL
        |-- 192.0.2.255
           /32 link BROADCAST
Local:
  +-- 0.0.0.0/0 3 0 5
           |-- 192.0.2.2
              /32 host LOCAL
           |-- 10.20.0.7
              /32 host LOCAL
";

    const IF_INET6: &str = "\
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
00000000000000000000000000000001 01 80 10 80       lo
nothex 01 80 10 80 x
";

    #[test]
    fn fib_trie_local_addresses() {
        let want: Vec<Ipv4Addr> = ["10.20.0.7", "127.0.0.1", "192.0.2.2"]
            .iter()
            .map(|a| a.parse().expect("ip"))
            .collect();
        assert_eq!(parse_fib_trie(FIB_TRIE), want);
        assert!(parse_fib_trie("").is_empty());
    }

    #[test]
    fn if_inet6_addresses() {
        let want: Vec<Ipv6Addr> = ["fd00::2", "fe80::fc:ff:fe00:1", "::1"]
            .iter()
            .map(|a| a.parse().expect("ip"))
            .collect();
        assert_eq!(parse_if_inet6(IF_INET6), want);
    }

    #[test]
    fn the_hosts_addresses_leave_out_loopback() {
        let addrs = interface_addresses();
        assert!(addrs
            .iter()
            .all(|a| !a.is_loopback() && !a.is_unspecified()));
        let mut sorted = addrs.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(addrs, sorted);
    }
}
