//! The egress policy: which addresses and ports the relay may connect to.
//!
//! The relay connects wherever a web page asks, so without this it is an SSRF tool (cloud
//! metadata, the relay's own loopback services) and a port scanner for any page an employee
//! visits. The policy is pure (no DNS, no sockets): the caller resolves once, checks *every*
//! address with [`Policy::check_ip`], and dials only a checked address.
//!
//! Precedence: an explicit `deny` network wins over everything; an explicit `allow` network wins
//! over the preset's built-in denials, but only where it names the denied range or a part of
//! it (an allow network at least as long as the built-in range), so `--allow 0.0.0.0/0` does not
//! quietly open loopback or cloud metadata; then the preset. The built-in ranges are matched
//! longest-prefix first, so 169.254.169.254 is reported as cloud metadata, not link-local.
//! IPv6 addresses that embed IPv4 (mapped, compatible, NAT64, 6to4) are checked twice: the
//! embedded IPv4 must pass the same rules, and so must the IPv6 address (for IPv4-mapped the
//! IPv4 address is the destination, so it alone decides).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// TCP ports every policy allows: RDP and HTTPS (RD Gateway).
const DEFAULT_TCP_PORTS: [u16; 2] = [443, 3389];
/// UDP port every policy allows: RDP-UDP.
const DEFAULT_UDP_PORT: u16 = 3389;

/// The built-in behaviour, chosen with the operator's preset name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Preset {
    /// Any global or private address; special-purpose ranges refused. Default on loopback.
    #[default]
    Local,
    /// Only addresses inside an allow network.
    Corporate,
    /// Globally routable addresses only.
    Public,
}

impl Preset {
    fn name(self) -> &'static str {
        match self {
            Preset::Local => "local",
            Preset::Corporate => "corporate",
            Preset::Public => "public",
        }
    }

    fn summary(self) -> &'static str {
        match self {
            Preset::Local => {
                "any global or private address; loopback, unspecified, link-local, cloud metadata, \
                 multicast, broadcast, reserved, CGNAT, benchmarking, documentation, Teredo and \
                 other special-purpose ranges refused"
            }
            Preset::Corporate => {
                "only addresses inside the allow list; loopback, link-local, cloud metadata and \
                 other special-purpose ranges stay refused unless an allow network names them"
            }
            Preset::Public => {
                "globally routable addresses only; private ranges (10.0.0.0/8, 172.16.0.0/12, \
                 192.168.0.0/16, fc00::/7) and all special-purpose ranges refused"
            }
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "local" => Ok(Preset::Local),
            "corporate" => Ok(Preset::Corporate),
            "public" => Ok(Preset::Public),
            _ => Err(format!(
                "unknown policy preset {s:?}: use local (the default: any global or private \
                 address), corporate (only --allow networks) or public (globally routable \
                 addresses only)"
            )),
        }
    }
}

/// Why the policy refused an address or port; `reason` names the address and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub reason: String,
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Denial {}

/// Where a built-in rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every preset.
    All,
    /// Only the public preset (private ranges).
    Public,
}

/// A built-in range; `refuse == false` carves an exception out of a broader refused range.
struct Rule {
    net: IpNet,
    what: &'static str,
    scope: Scope,
    refuse: bool,
}

impl Rule {
    fn phrase(&self) -> String {
        match self.scope {
            Scope::All => format!("{} ({})", self.what, self.net),
            Scope::Public => format!("{} ({}), refused by the public policy", self.what, self.net),
        }
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8, what: &'static str, scope: Scope) -> Rule {
    Rule {
        net: IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len)),
        what,
        scope,
        refuse: true,
    }
}

const fn v6(s: [u16; 8], len: u8, what: &'static str, scope: Scope, refuse: bool) -> Rule {
    let ip = Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
    Rule {
        net: IpNet::V6(Ipv6Net::new_assert(ip, len)),
        what,
        scope,
        refuse,
    }
}

const LOOPBACK: &str = "a loopback address";
const UNSPECIFIED: &str = "an unspecified address";
const LINK_LOCAL: &str = "a link-local address";
const METADATA: &str = "a cloud metadata address";
const MULTICAST: &str = "a multicast address";
const DOCUMENTATION: &str = "a documentation address";
const BENCHMARKING: &str = "a benchmarking address";
const PRIVATE: &str = "a private network address";
const RESERVED_V6: &str = "a reserved IPv6 address outside 2000::/3 and fc00::/7";

/// The built-in ranges. `Scope::All` is what the local preset refuses; public adds `Scope::Public`.
const RULES: &[Rule] = &[
    v4(0, 0, 0, 0, 8, UNSPECIFIED, Scope::All),
    v4(127, 0, 0, 0, 8, LOOPBACK, Scope::All),
    v4(169, 254, 0, 0, 16, LINK_LOCAL, Scope::All),
    v4(169, 254, 169, 254, 32, METADATA, Scope::All),
    v4(169, 254, 170, 2, 32, METADATA, Scope::All),
    v4(100, 100, 100, 200, 32, METADATA, Scope::All),
    v4(
        168,
        63,
        129,
        16,
        32,
        "an Azure wireserver cloud metadata address",
        Scope::All,
    ),
    v4(192, 0, 0, 192, 32, METADATA, Scope::All),
    v4(224, 0, 0, 0, 4, MULTICAST, Scope::All),
    v4(240, 0, 0, 0, 4, "a reserved address", Scope::All),
    v4(255, 255, 255, 255, 32, "the broadcast address", Scope::All),
    v4(
        100,
        64,
        0,
        0,
        10,
        "a shared address space (CGNAT) address",
        Scope::All,
    ),
    v4(198, 18, 0, 0, 15, BENCHMARKING, Scope::All),
    v4(192, 0, 2, 0, 24, DOCUMENTATION, Scope::All),
    v4(198, 51, 100, 0, 24, DOCUMENTATION, Scope::All),
    v4(203, 0, 113, 0, 24, DOCUMENTATION, Scope::All),
    v4(
        192,
        0,
        0,
        0,
        24,
        "an IETF protocol assignments address",
        Scope::All,
    ),
    v4(
        192,
        88,
        99,
        0,
        24,
        "a deprecated 6to4 relay anycast address",
        Scope::All,
    ),
    v4(10, 0, 0, 0, 8, PRIVATE, Scope::Public),
    v4(172, 16, 0, 0, 12, PRIVATE, Scope::Public),
    v4(192, 168, 0, 0, 16, PRIVATE, Scope::Public),
    v6([0; 8], 128, UNSPECIFIED, Scope::All, true),
    v6([0, 0, 0, 0, 0, 0, 0, 1], 128, LOOPBACK, Scope::All, true),
    v6(
        [0; 8],
        96,
        "a deprecated IPv4-compatible address",
        Scope::All,
        true,
    ),
    v6(
        [0, 0, 0, 0, 0, 0xffff, 0, 0],
        96,
        "IPv4-mapped",
        Scope::All,
        false,
    ),
    v6(
        [0x64, 0xff9b, 0, 0, 0, 0, 0, 0],
        96,
        "NAT64",
        Scope::All,
        false,
    ),
    v6(
        [0x64, 0xff9b, 1, 0, 0, 0, 0, 0],
        48,
        "a local-use NAT64 address with a site-defined IPv4 layout",
        Scope::All,
        true,
    ),
    v6(
        [0x100, 0, 0, 0, 0, 0, 0, 0],
        64,
        "a discard-only address",
        Scope::All,
        true,
    ),
    v6(
        [0x2001, 0, 0, 0, 0, 0, 0, 0],
        32,
        "a Teredo tunnel address hiding an obfuscated IPv4 address",
        Scope::All,
        true,
    ),
    v6(
        [0x2001, 2, 0, 0, 0, 0, 0, 0],
        48,
        BENCHMARKING,
        Scope::All,
        true,
    ),
    v6(
        [0x2001, 0x10, 0, 0, 0, 0, 0, 0],
        28,
        "a deprecated ORCHID address",
        Scope::All,
        true,
    ),
    v6(
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
        32,
        DOCUMENTATION,
        Scope::All,
        true,
    ),
    v6(
        [0x3fff, 0, 0, 0, 0, 0, 0, 0],
        20,
        DOCUMENTATION,
        Scope::All,
        true,
    ),
    v6(
        [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254],
        128,
        METADATA,
        Scope::All,
        true,
    ),
    v6(
        [0xfe80, 0, 0, 0, 0, 0, 0, 0],
        10,
        LINK_LOCAL,
        Scope::All,
        true,
    ),
    v6(
        [0xfec0, 0, 0, 0, 0, 0, 0, 0],
        10,
        "a deprecated site-local address",
        Scope::All,
        true,
    ),
    v6(
        [0xff00, 0, 0, 0, 0, 0, 0, 0],
        8,
        MULTICAST,
        Scope::All,
        true,
    ),
    v6([0; 8], 3, RESERVED_V6, Scope::All, true),
    v6(
        [0x4000, 0, 0, 0, 0, 0, 0, 0],
        2,
        RESERVED_V6,
        Scope::All,
        true,
    ),
    v6(
        [0x8000, 0, 0, 0, 0, 0, 0, 0],
        2,
        RESERVED_V6,
        Scope::All,
        true,
    ),
    v6(
        [0xc000, 0, 0, 0, 0, 0, 0, 0],
        3,
        RESERVED_V6,
        Scope::All,
        true,
    ),
    v6(
        [0xe000, 0, 0, 0, 0, 0, 0, 0],
        4,
        RESERVED_V6,
        Scope::All,
        true,
    ),
    v6(
        [0xf000, 0, 0, 0, 0, 0, 0, 0],
        5,
        RESERVED_V6,
        Scope::All,
        true,
    ),
    v6(
        [0xf800, 0, 0, 0, 0, 0, 0, 0],
        6,
        RESERVED_V6,
        Scope::All,
        true,
    ),
    v6(
        [0xfe00, 0, 0, 0, 0, 0, 0, 0],
        9,
        RESERVED_V6,
        Scope::All,
        true,
    ),
    v6(
        [0xfc00, 0, 0, 0, 0, 0, 0, 0],
        7,
        "a unique local (private) IPv6 address",
        Scope::Public,
        true,
    ),
];

/// How an IPv6 address carries an IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Embedding {
    Mapped,
    Compatible,
    Nat64,
    LocalNat64,
    SixToFour,
}

impl Embedding {
    fn name(self) -> &'static str {
        match self {
            Embedding::Mapped => "IPv4-mapped",
            Embedding::Compatible => "IPv4-compatible",
            Embedding::Nat64 => "NAT64",
            Embedding::LocalNat64 => "local-use NAT64",
            Embedding::SixToFour => "6to4",
        }
    }
}

/// The IPv4 address inside `ip`, if it uses one of the embeddings the relay knows.
/// Local-use NAT64 is read with the /96 layout (the common one); the preset refuses that
/// range anyway unless an allow network names it.
fn embedded_v4(ip: Ipv6Addr) -> Option<(Embedding, Ipv4Addr)> {
    let s = ip.segments();
    let o = ip.octets();
    let low = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some((Embedding::Mapped, v4));
    }
    if s[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback() {
        return Some((Embedding::Compatible, low));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some((Embedding::Nat64, low));
    }
    if s[..3] == [0x64, 0xff9b, 1] {
        return Some((Embedding::LocalNat64, low));
    }
    if s[0] == 0x2002 {
        return Some((Embedding::SixToFour, Ipv4Addr::new(o[2], o[3], o[4], o[5])));
    }
    None
}

/// The relay's egress policy: preset, operator networks and ports.
#[derive(Debug, Clone)]
pub struct Policy {
    preset: Preset,
    allow: Vec<IpNet>,
    deny: Vec<IpNet>,
    tcp_ports: Vec<u16>,
    udp_ports: Vec<u16>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::new(Preset::Local, Vec::new(), Vec::new(), Vec::new())
    }
}

impl Policy {
    /// `extra_tcp_ports` are added to 443 and 3389 for TCP, and to 3389 for UDP (an RDP
    /// listener moved to another port serves RDP-UDP on that same port). Port 0 is ignored.
    pub fn new(
        preset: Preset,
        allow: Vec<IpNet>,
        deny: Vec<IpNet>,
        extra_tcp_ports: Vec<u16>,
    ) -> Policy {
        let extra = extra_tcp_ports.into_iter().filter(|&p| p != 0);
        let mut tcp_ports: Vec<u16> = DEFAULT_TCP_PORTS.into_iter().chain(extra.clone()).collect();
        let mut udp_ports: Vec<u16> = std::iter::once(DEFAULT_UDP_PORT).chain(extra).collect();
        for ports in [&mut tcp_ports, &mut udp_ports] {
            ports.sort_unstable();
            ports.dedup();
        }
        Policy {
            preset,
            allow: tidy(allow),
            deny: tidy(deny),
            tcp_ports,
            udp_ports,
        }
    }

    pub fn preset(&self) -> Preset {
        self.preset
    }

    pub fn tcp_ports(&self) -> &[u16] {
        &self.tcp_ports
    }

    pub fn udp_ports(&self) -> &[u16] {
        &self.udp_ports
    }

    /// May the relay connect to `ip`? For IPv6 embedding IPv4, both must pass.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Denial> {
        let denial = |phrase: String| Denial {
            reason: format!("{ip} is {phrase}"),
        };
        let v6 = match ip {
            IpAddr::V4(_) => return self.check_one(ip).map_err(denial),
            IpAddr::V6(v6) => v6,
        };
        if let Some(net) = self.denied_by(ip) {
            return Err(denial(format!("denied by --deny {net}")));
        }
        if let Some((how, v4)) = embedded_v4(v6) {
            self.check_one(IpAddr::V4(v4)).map_err(|phrase| Denial {
                reason: format!("{} {v6} embeds {v4}, {phrase}", how.name()),
            })?;
            if how == Embedding::Mapped {
                return Ok(());
            }
        }
        self.check_one(ip).map_err(denial)
    }

    /// May the relay open a TCP connection to `port`?
    pub fn check_port(&self, port: u16) -> Result<(), Denial> {
        if self.tcp_ports.contains(&port) {
            return Ok(());
        }
        Err(Denial {
            reason: format!(
                "port {port} is not an allowed TCP port: this relay probes only TCP ports {}",
                join(&self.tcp_ports)
            ),
        })
    }

    /// May the relay send RDP-UDP datagrams to `port`? 3389 plus the operator's extra ports.
    pub fn udp_allowed(&self, port: u16) -> bool {
        self.udp_ports.contains(&port)
    }

    /// One paragraph for the startup log and /healthz.
    pub fn describe(&self) -> String {
        format!(
            "egress policy {}: {}. Allow: {}. Deny: {} (deny wins; an allow network lifts a \
             built-in refusal only where it is no broader than the refused range). TCP ports: {}. \
             UDP ports: {}. IPv6 addresses embedding IPv4 (IPv4-mapped, IPv4-compatible, NAT64, \
             6to4) must pass as IPv6 and as IPv4.",
            self.preset,
            self.preset.summary(),
            join_or_none(&self.allow),
            join_or_none(&self.deny),
            join(&self.tcp_ports),
            join(&self.udp_ports),
        )
    }

    /// One address against deny, allow, the built-in ranges and the preset; `Err` is a phrase
    /// that follows "<address> is".
    fn check_one(&self, ip: IpAddr) -> Result<(), String> {
        if let Some(net) = self.denied_by(ip) {
            return Err(format!("denied by --deny {net}"));
        }
        if let Some(rule) = self.builtin_refusal(ip) {
            let lifted = self
                .allow
                .iter()
                .any(|a| a.contains(&ip) && a.prefix_len() >= rule.net.prefix_len());
            if !lifted {
                return Err(rule.phrase());
            }
        }
        if self.preset == Preset::Corporate && !self.allow.iter().any(|a| a.contains(&ip)) {
            return Err(format!(
                "not in the corporate allow list ({})",
                join_or_none(&self.allow)
            ));
        }
        Ok(())
    }

    fn denied_by(&self, ip: IpAddr) -> Option<&IpNet> {
        self.deny.iter().find(|n| n.contains(&ip))
    }

    /// The longest built-in range holding `ip` for this preset, if it refuses.
    fn builtin_refusal(&self, ip: IpAddr) -> Option<&'static Rule> {
        RULES
            .iter()
            .filter(|r| r.scope == Scope::All || self.preset == Preset::Public)
            .filter(|r| r.net.contains(&ip))
            .max_by_key(|r| r.net.prefix_len())
            .filter(|r| r.refuse)
    }
}

/// Networks in canonical form (host bits cleared), duplicates removed, order kept.
fn tidy(nets: Vec<IpNet>) -> Vec<IpNet> {
    let mut out: Vec<IpNet> = Vec::with_capacity(nets.len());
    for net in nets.into_iter().map(|n| n.trunc()) {
        if !out.contains(&net) {
            out.push(net);
        }
    }
    out
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn join_or_none(nets: &[IpNet]) -> String {
    if nets.is_empty() {
        "none".to_string()
    } else {
        join(nets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().expect("test network")
    }

    fn policy(preset: Preset, allow: &[&str], deny: &[&str]) -> Policy {
        Policy::new(
            preset,
            allow.iter().map(|s| net(s)).collect(),
            deny.iter().map(|s| net(s)).collect(),
            Vec::new(),
        )
    }

    fn reason(p: &Policy, ip: &str) -> String {
        match p.check_ip(ip.parse().expect("test address")) {
            Ok(()) => panic!("{ip} accepted"),
            Err(d) => d.reason,
        }
    }

    fn passes(p: &Policy, ip: &str) -> bool {
        p.check_ip(ip.parse().expect("test address")).is_ok()
    }

    #[test]
    fn presets_parse_with_a_helpful_error() {
        assert_eq!("local".parse(), Ok(Preset::Local));
        assert_eq!(" Corporate ".parse(), Ok(Preset::Corporate));
        assert_eq!("PUBLIC".parse(), Ok(Preset::Public));
        let err = "open".parse::<Preset>().expect_err("unknown preset");
        assert!(err.contains("local") && err.contains("corporate") && err.contains("public"));
        assert_eq!(Preset::default(), Preset::Local);
    }

    #[test]
    fn longest_builtin_range_names_the_rule() {
        let p = Policy::default();
        assert_eq!(
            reason(&p, "169.254.169.254"),
            "169.254.169.254 is a cloud metadata address (169.254.169.254/32)"
        );
        assert!(reason(&p, "169.254.1.1").contains("link-local"));
        assert!(reason(&p, "255.255.255.255").contains("broadcast"));
        assert!(reason(&p, "240.0.0.1").contains("reserved"));
        assert!(reason(&p, "100.100.100.200").contains("metadata"));
        assert!(reason(&p, "100.64.0.1").contains("CGNAT"));
        assert!(reason(&p, "4000::1").contains("reserved IPv6"));
    }

    #[test]
    fn embedded_ipv4_is_checked_and_named() {
        let p = Policy::default();
        assert_eq!(
            reason(&p, "::ffff:127.0.0.1"),
            "IPv4-mapped ::ffff:127.0.0.1 embeds 127.0.0.1, a loopback address (127.0.0.0/8)"
        );
        assert!(reason(&p, "64:ff9b::a9fe:a9fe").starts_with("NAT64"));
        assert!(reason(&p, "2002:7f00:1::1").starts_with("6to4"));
        assert!(reason(&p, "::8.8.8.8").contains("IPv4-compatible"));
        assert!(reason(&p, "64:ff9b:1::808:808").contains("local-use NAT64"));
        assert!(passes(&p, "::ffff:10.0.0.5"));
        assert!(passes(&p, "64:ff9b::808:808"));
        assert!(passes(&p, "2002:808:808::1"));
        let public = policy(Preset::Public, &[], &[]);
        assert!(reason(&public, "64:ff9b::a00:5").contains("NAT64"));
        assert!(reason(&public, "2002:c0a8:101::1").contains("private"));
    }

    #[test]
    fn allow_lifts_only_ranges_it_names() {
        let lab = policy(Preset::Local, &["127.0.0.0/8"], &[]);
        assert!(passes(&lab, "127.0.0.1"));
        assert!(passes(&lab, "::ffff:127.0.0.1"));
        let broad = policy(Preset::Local, &["0.0.0.0/0", "169.254.0.0/16"], &[]);
        assert!(reason(&broad, "127.0.0.1").contains("loopback"));
        assert!(passes(&broad, "169.254.1.1"));
        assert!(reason(&broad, "169.254.169.254").contains("metadata"));
        let public = policy(Preset::Public, &["10.1.0.0/16"], &[]);
        assert!(passes(&public, "10.1.2.3"));
        assert!(reason(&public, "10.2.0.1").contains("public policy"));
    }

    #[test]
    fn deny_wins_everywhere() {
        let p = policy(Preset::Local, &["10.9.0.0/24"], &["10.9.0.0/16"]);
        assert_eq!(
            reason(&p, "10.9.0.1"),
            "10.9.0.1 is denied by --deny 10.9.0.0/16"
        );
        assert!(reason(&p, "::ffff:10.9.0.1").contains("--deny 10.9.0.0/16"));
        let v6 = policy(Preset::Local, &[], &["::ffff:0:0/96"]);
        assert!(reason(&v6, "::ffff:8.8.8.8").contains("--deny ::ffff:0.0.0.0/96"));
    }

    #[test]
    fn corporate_needs_the_allow_list() {
        let p = policy(Preset::Corporate, &["10.20.0.0/16"], &[]);
        assert!(passes(&p, "10.20.1.1"));
        assert!(passes(&p, "::ffff:10.20.1.1"));
        assert!(reason(&p, "10.21.0.1").contains("not in the corporate allow list"));
        assert!(reason(&p, "127.0.0.1").contains("loopback"));
        let none = policy(Preset::Corporate, &[], &[]);
        assert!(reason(&none, "8.8.8.8").contains("(none)"));
    }

    #[test]
    fn ports_tcp_and_udp() {
        let p = Policy::new(Preset::Local, Vec::new(), Vec::new(), vec![3390, 0, 3390]);
        assert_eq!(p.tcp_ports(), &[443, 3389, 3390]);
        assert_eq!(p.udp_ports(), &[3389, 3390]);
        assert!(p.check_port(3390).is_ok());
        assert!(p.check_port(0).is_err());
        let d = p.check_port(22).expect_err("22 refused");
        assert!(d.reason.contains("port 22") && d.reason.contains("443, 3389, 3390"));
        assert!(p.udp_allowed(3389) && p.udp_allowed(3390) && !p.udp_allowed(443));
    }

    #[test]
    fn describe_mentions_everything() {
        let p = policy(Preset::Public, &["10.1.0.0/16"], &["8.8.0.0/16"]);
        let d = p.describe();
        for part in [
            "public",
            "10.1.0.0/16",
            "8.8.0.0/16",
            "443, 3389",
            "UDP ports: 3389",
        ] {
            assert!(d.contains(part), "{part} missing from {d}");
        }
        assert!(Policy::default().describe().contains("Allow: none"));
    }
}
