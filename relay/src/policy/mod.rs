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
//!
//! `rules.rs` holds the built-in ranges (one row per rule), `embedded.rs` reads IPv4 out of
//! IPv6, `preset.rs` names the presets; this file combines them with the operator's lists.
//! fuzz/fuzz_targets/relay_target.rs compiles this directory by path: std, `rdpcheck_proto` and
//! `ipnet` only.

use rdpcheck_proto::target::{DEFAULT_GATEWAY_PORT, DEFAULT_RDP_PORT};
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

mod embedded;
mod preset;
mod rules;

#[cfg(test)]
mod tests;

use embedded::{embedded_v4, Embedding};
pub use preset::Preset;

/// TCP ports every policy allows: RDP and HTTPS (RD Gateway).
const DEFAULT_TCP_PORTS: [u16; 2] = [DEFAULT_GATEWAY_PORT, DEFAULT_RDP_PORT];
/// UDP port every policy allows: RDP-UDP.
const DEFAULT_UDP_PORT: u16 = DEFAULT_RDP_PORT;

/// Why the policy refused an address or port; `reason` names the address and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub reason: String,
    /// The rule alone, without the address (`a private network address (10.0.0.0/8), refused
    /// by the public policy`): what a refusal may say about an address a name resolved to when
    /// the address itself is not to be told.
    pub rule: String,
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Denial {}

/// The relay's egress policy: preset, operator networks and ports.
#[derive(Debug, Clone)]
pub struct Policy {
    preset: Preset,
    allow: Vec<IpNet>,
    deny: Vec<IpNet>,
    tcp_ports: Vec<u16>,
    udp_ports: Vec<u16>,
    /// The relay host's own addresses: refused unless an allow network names exactly one.
    own: Vec<IpAddr>,
}

/// How a refusal names an address of the relay's own host, after "<address> is".
const OWN_ADDRESS: &str =
    "an address of this relay's own host (only an allow network naming exactly it lifts this)";

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
        rules::load();
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
            own: Vec::new(),
        }
    }

    /// The relay host's own addresses (see `own.rs`), refused like a built-in range of one
    /// address. Loopback addresses are ignored: the loopback rule covers them.
    pub fn with_own_addresses(mut self, addrs: impl IntoIterator<Item = IpAddr>) -> Policy {
        let mut own: Vec<IpAddr> = addrs
            .into_iter()
            .map(|a| a.to_canonical())
            .filter(|a| !a.is_loopback())
            .collect();
        own.sort_unstable();
        own.dedup();
        self.own = own;
        self
    }

    /// Whether a refusal of a name's resolved address must leave the address out (the public
    /// preset: whoever asks is not trusted with the inside of the network).
    pub fn hides_resolved_addresses(&self) -> bool {
        self.preset == Preset::Public
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
            rule: phrase,
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
                rule: format!("{phrase}, embedded in an IPv6 address ({})", how.name()),
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
        let reason = format!(
            "port {port} is not an allowed TCP port: this relay probes only TCP ports {}",
            join(&self.tcp_ports)
        );
        Err(Denial {
            rule: reason.clone(),
            reason,
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
             6to4) must pass as IPv6 and as IPv4. The relay host's own addresses are refused \
             unless an allow network names exactly one.",
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
        if self.own.contains(&ip)
            && !self
                .allow
                .iter()
                .any(|a| a.contains(&ip) && a.prefix_len() == a.max_prefix_len())
        {
            return Err(OWN_ADDRESS.to_string());
        }
        if let Some(rule) = rules::builtin_refusal(self.preset, ip) {
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
