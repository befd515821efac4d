#![no_main]
//! The relay's own layer over the target grammar: `host::normalize_target` (the `idna` crate as
//! mapper, port 0 = "a port is required", `xn--` labels checked) and the egress policy's verdict
//! on what it returns. The grammar alone, without a mapper, is `target_addr`.
//!
//! The relay's sources are compiled here by path instead of linking `rdpcheck-relay`: the crate
//! pulls in axum, tokio, rustls/ring, hickory and the probe engine (about 290 crates), which under
//! ASan would cost minutes of build for every run, while `host.rs` and `policy/` need only
//! `rdpcheck_proto`, `idna` and `ipnet`. Both files say so, so they stay that way.
//!
//! Properties, besides not panicking:
//! - an accepted target is a fixed point: its printed form (`name:port`, `[v6]:port`) normalises
//!   to the same host and port, and the ASCII-only grammar (no mapper) agrees;
//! - an accepted name is lower-case ASCII, no trailing dot, at most 253 bytes, and no resolver
//!   or browser could read it as an IP address;
//! - no preset (local, local with allow 0.0.0.0/0 and ::/0, public, corporate) passes loopback,
//!   unspecified, link-local (cloud metadata), multicast, CGNAT or reserved IPv4, nor IPv6 that
//!   is one of those or embeds such an IPv4 address (mapped, compatible, NAT64, 6to4);
//! - for an IPv4-mapped address, the IPv4 address alone decides.
//!
//! Addresses come from the parsed text and, directly, from the input's first 16 and 4 bytes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rdpcheck_proto::target::TargetAddr;

#[allow(dead_code)]
#[path = "../../relay/src/host.rs"]
mod host;
#[allow(dead_code)]
#[path = "../../relay/src/policy/mod.rs"]
mod policy;

use host::{normalize_target, Host};
use policy::{Policy, Preset};

struct Policies {
    local: Policy,
    /// Allow everything: must still not lift the built-in refusals (the allow is broader).
    local_allow_all: Policy,
    public: Policy,
    corporate: Policy,
    local_with_lists: Policy,
}

static POLICIES: LazyLock<Policies> = LazyLock::new(|| {
    let nets = |list: &[&str]| list.iter().map(|n| n.parse().expect("net")).collect();
    Policies {
        local: Policy::default(),
        local_allow_all: Policy::new(
            Preset::Local,
            nets(&["0.0.0.0/0", "::/0"]),
            Vec::new(),
            Vec::new(),
        ),
        public: Policy::new(Preset::Public, Vec::new(), Vec::new(), vec![3390]),
        corporate: Policy::new(
            Preset::Corporate,
            nets(&["10.0.0.0/8", "2001:db8:1::/48"]),
            Vec::new(),
            Vec::new(),
        ),
        local_with_lists: Policy::new(
            Preset::Local,
            nets(&["127.0.0.1/32", "192.0.2.0/25"]),
            nets(&["10.1.0.0/16", "203.0.113.7/32"]),
            vec![0, 3390, 65535],
        ),
    }
});

fuzz_target!(|data: &[u8]| {
    let policies = &*POLICIES;
    let text = String::from_utf8_lossy(data);
    for default_port in [3389, 443, 0] {
        match normalize_target(&text, default_port) {
            Ok((host, port)) => accepted(&host, port, policies),
            Err(e) => {
                assert!(e.input.chars().count() <= 80);
                assert_eq!(e.to_string().lines().count(), 1, "{e}");
            }
        }
    }
    if let Some(b) = data.first_chunk::<16>() {
        check_ip(IpAddr::V6(Ipv6Addr::from(*b)), policies);
    }
    if let Some(b) = data.first_chunk::<4>() {
        check_ip(IpAddr::V4(Ipv4Addr::from(*b)), policies);
    }
});

fn accepted(host: &Host, port: u16, policies: &Policies) {
    assert_ne!(port, 0);
    let target = TargetAddr {
        host: host.clone(),
        port,
    };
    let printed = target.to_string();
    assert_eq!(
        normalize_target(&printed, 0).ok(),
        Some((host.clone(), port)),
        "{printed}"
    );
    assert_eq!(
        TargetAddr::parse(&printed, None, None).ok().as_ref(),
        Some(&target),
        "{printed}"
    );
    match host {
        Host::Name(name) => {
            assert!(!name.is_empty() && name.len() <= 253, "{name}");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b)),
                "{name}"
            );
            assert!(!name.ends_with('.') && !name.starts_with('.'), "{name}");
            assert!(name.parse::<IpAddr>().is_err(), "{name}");
            let last = name.rsplit('.').next().unwrap_or_default();
            assert!(
                !last.bytes().all(|b| b.is_ascii_digit()) && !last.starts_with("0x"),
                "{name} ends in a label browsers read as IPv4"
            );
        }
        Host::Ip(ip) => check_ip(*ip, policies),
    }
    for p in policies.all() {
        let _ = p.check_port(port);
        let _ = p.udp_allowed(port);
    }
}

impl Policies {
    fn all(&self) -> [&Policy; 5] {
        [
            &self.local,
            &self.local_allow_all,
            &self.public,
            &self.corporate,
            &self.local_with_lists,
        ]
    }
}

fn check_ip(ip: IpAddr, policies: &Policies) {
    for p in [
        &policies.local,
        &policies.local_allow_all,
        &policies.public,
        &policies.corporate,
    ] {
        if forbidden(ip) {
            assert!(p.check_ip(ip).is_err(), "{ip} passes {:?}", p.preset());
        }
    }
    for p in policies.all() {
        let verdict = p.check_ip(ip);
        if let IpAddr::V6(v6) = ip {
            if let Some(v4) = v6.to_ipv4_mapped() {
                assert_eq!(
                    verdict.is_ok(),
                    p.check_ip(IpAddr::V4(v4)).is_ok(),
                    "{ip} and {v4} under {:?}",
                    p.preset()
                );
            }
        }
    }
}

/// What no preset may reach, decided here without the relay's tables.
fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let o = v6.octets();
            let low = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || s[0] & 0xffc0 == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(forbidden_v4)
                || s[..6] == [0; 6]
                || (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] && forbidden_v4(low))
                || (s[0] == 0x2002 && forbidden_v4(Ipv4Addr::new(o[2], o[3], o[4], o[5])))
        }
    }
}

fn forbidden_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || a == 0
        || v4.is_link_local()
        || v4.is_multicast()
        || a >= 240
        || (a == 100 && b & 0xc0 == 64)
}
