use axum::http::HeaderValue;
use ipnet::IpNet;

use super::*;

const PEER: &str = "10.0.0.2";

fn trusted() -> Vec<IpNet> {
    ["10.0.0.0/24", "2001:db8:ff::/48"]
        .iter()
        .map(|n| n.parse().expect("cidr"))
        .collect()
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("ip")
}

/// The client address for a request from `peer` with `headers`.
fn from(peer: &str, headers: &[(&str, &str)]) -> IpAddr {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name: axum::http::HeaderName = name.parse().expect("name");
        map.append(name, HeaderValue::from_str(value).expect("value"));
    }
    client_address(ip(peer), &map, &trusted())
}

#[test]
fn an_untrusted_peer_is_the_client_whatever_it_sends() {
    for headers in [
        &[("x-forwarded-for", "198.51.100.7")][..],
        &[("forwarded", "for=198.51.100.7")],
        &[
            ("x-forwarded-for", "10.0.0.9"),
            ("forwarded", "for=10.0.0.9"),
        ],
    ] {
        assert_eq!(from("192.0.2.1", headers), ip("192.0.2.1"), "{headers:?}");
    }
}

#[test]
fn a_trusted_peer_without_headers_is_the_client() {
    assert_eq!(from(PEER, &[]), ip(PEER));
}

#[test]
fn x_forwarded_for_gives_the_rightmost_untrusted_hop() {
    assert_eq!(
        from(PEER, &[("x-forwarded-for", "203.0.113.5")]),
        ip("203.0.113.5")
    );
    // The client forged a hop; the proxy appended the real one; a second proxy its own.
    assert_eq!(
        from(
            PEER,
            &[("x-forwarded-for", "1.1.1.1, 203.0.113.5, 10.0.0.7")]
        ),
        ip("203.0.113.5")
    );
    // Several header lines are one list, in order.
    assert_eq!(
        from(
            PEER,
            &[
                ("x-forwarded-for", "1.1.1.1"),
                ("x-forwarded-for", "203.0.113.5")
            ]
        ),
        ip("203.0.113.5")
    );
    // Garbage left of the client is never read.
    assert_eq!(
        from(PEER, &[("x-forwarded-for", "not an address, 203.0.113.5")]),
        ip("203.0.113.5")
    );
    // Ports, brackets and IPv4-mapped IPv6.
    assert_eq!(
        from(PEER, &[("x-forwarded-for", "203.0.113.5:4711")]),
        ip("203.0.113.5")
    );
    assert_eq!(
        from(PEER, &[("x-forwarded-for", "[2001:db8::7]:443")]),
        ip("2001:db8::7")
    );
    assert_eq!(
        from(PEER, &[("x-forwarded-for", "::ffff:203.0.113.5")]),
        ip("203.0.113.5")
    );
}

#[test]
fn forwarded_gives_the_rightmost_untrusted_for() {
    assert_eq!(
        from(PEER, &[("forwarded", "for=203.0.113.5;proto=https")]),
        ip("203.0.113.5")
    );
    assert_eq!(
        from(
            PEER,
            &[(
                "forwarded",
                "for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\";by=10.0.0.2, for=10.0.0.8"
            )]
        ),
        ip("2001:db8:cafe::17")
    );
    // A quoted comma or semicolon does not split.
    assert_eq!(
        from(PEER, &[("forwarded", "for=203.0.113.5;host=\"a,b;c\"")]),
        ip("203.0.113.5")
    );
}

#[test]
fn x_forwarded_for_wins_over_a_forwarded_the_proxy_passed_on() {
    assert_eq!(
        from(
            PEER,
            &[
                ("forwarded", "for=198.51.100.99"),
                ("x-forwarded-for", "203.0.113.5")
            ]
        ),
        ip("203.0.113.5")
    );
}

#[test]
fn every_hop_trusted_gives_the_leftmost() {
    assert_eq!(
        from(PEER, &[("x-forwarded-for", "10.0.0.5, 10.0.0.6")]),
        ip("10.0.0.5")
    );
}

#[test]
fn malformed_headers_give_the_peer_and_never_panic() {
    let cases: &[(&str, &str)] = &[
        ("x-forwarded-for", ""),
        ("x-forwarded-for", ","),
        ("x-forwarded-for", "203.0.113.5, garbage"),
        ("x-forwarded-for", "unknown"),
        ("x-forwarded-for", "203.0.113.5:99999"),
        ("x-forwarded-for", "[203.0.113.5"),
        ("x-forwarded-for", "2001:db8::1]"),
        ("forwarded", ""),
        ("forwarded", "for"),
        ("forwarded", "for=\"203.0.113.5"),
        ("forwarded", "for=unknown"),
        ("forwarded", "for=_hidden"),
        ("forwarded", "proto=https"),
        ("forwarded", "for=203.0.113.5, by=10.0.0.2"),
        ("forwarded", "for=\"\\\"\""),
        ("forwarded", "for=;;;=="),
        ("forwarded", "for=[::1"),
    ];
    for (name, value) in cases {
        assert_eq!(from(PEER, &[(name, value)]), ip(PEER), "{name}: {value}");
    }
    // Not text at all.
    let mut map = HeaderMap::new();
    map.insert(
        "x-forwarded-for",
        HeaderValue::from_bytes(b"\xff\xfe").expect("opaque"),
    );
    assert_eq!(client_address(ip(PEER), &map, &trusted()), ip(PEER));
}

#[test]
fn an_ipv4_mapped_peer_is_matched_as_ipv4() {
    assert_eq!(
        from("::ffff:10.0.0.2", &[("x-forwarded-for", "203.0.113.5")]),
        ip("203.0.113.5")
    );
    assert_eq!(
        from("2001:db8:ff::1", &[("x-forwarded-for", "203.0.113.5")]),
        ip("203.0.113.5")
    );
}
