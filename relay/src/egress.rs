//! Turn a requested target into addresses the probe may use, in two steps so the limits can come
//! between them: [`prepare`] normalises, checks the port and an IP literal (no network);
//! [`resolve`] resolves a name once, checks every address, and pins the answer (the engine never
//! resolves again). Under the `public` preset a refusal of a resolved address names the rule, not
//! the address: whoever asks is not told what is inside the network.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rdpcheck_probe::observe::DnsOutcome;

use crate::host::{normalize_target, Host};
use crate::policy::Policy;

pub enum Refused {
    /// The input itself is malformed.
    Input(String),
    /// The policy forbids it.
    Policy(String),
}

/// A target that is well formed, on an allowed port, and (if an IP literal) at an allowed address.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub host: Host,
    pub port: u16,
    /// What the refusals call it: `target` or `gateway`.
    pub what: &'static str,
}

impl Prepared {
    /// The key the per-target-name limit counts: the normalised name, or the address (IPv4-mapped
    /// IPv6 as IPv4) of a literal; without the port.
    pub fn name_key(&self) -> String {
        match &self.host {
            Host::Name(name) => name.clone(),
            Host::Ip(ip) => ip.to_canonical().to_string(),
        }
    }
}

/// A target that passed the policy.
pub struct Checked {
    pub host: String,
    pub port: u16,
    /// The DNS stage's result, already checked; used instead of resolving again.
    pub dns: DnsOutcome,
}

impl Checked {
    /// The addresses the probe may connect to (IPv4-mapped IPv6 as IPv4): the per-target limit's
    /// keys.
    pub fn addresses(&self) -> Vec<IpAddr> {
        let mut out: Vec<IpAddr> = match &self.dns {
            DnsOutcome::Literal(ip) => vec![*ip],
            DnsOutcome::Resolved(addrs) => addrs.clone(),
            _ => Vec::new(),
        };
        for ip in &mut out {
            *ip = ip.to_canonical();
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The checks that need no network: the grammar, the port, and the address of an IP literal.
pub fn prepare(
    input: &str,
    default_port: u16,
    policy: &Policy,
    what: &'static str,
) -> Result<Prepared, Refused> {
    let (host, port) = normalize_target(input, default_port)
        .map_err(|e| Refused::Input(format!("{what}: {e}")))?;
    policy
        .check_port(port)
        .map_err(|d| Refused::Policy(format!("{what}: {}", d.reason)))?;
    if let Host::Ip(ip) = host {
        policy
            .check_ip(ip)
            .map_err(|d| Refused::Policy(format!("{what}: {}", d.reason)))?;
    }
    Ok(Prepared { host, port, what })
}

/// Resolve a name once and check every address; an IP literal is already checked.
pub async fn resolve(
    target: Prepared,
    policy: &Policy,
    dns_server: Option<SocketAddr>,
) -> Result<Checked, Refused> {
    let Prepared { host, port, what } = target;
    let (name, dns) = match host {
        Host::Ip(ip) => (ip.to_string(), DnsOutcome::Literal(ip)),
        Host::Name(name) => {
            let outcome = rdpcheck_probe::resolve(&name, dns_server, Duration::from_secs(5)).await;
            if let DnsOutcome::Resolved(addrs) = &outcome {
                // One address the policy refuses refuses the whole name: a name that points
                // inward is how SSRF through DNS works.
                for ip in addrs {
                    policy.check_ip(*ip).map_err(|d| {
                        Refused::Policy(resolved_refusal(policy, what, &name, *ip, &d))
                    })?;
                }
            }
            (name, outcome)
        }
    };
    Ok(Checked {
        host: name,
        port,
        dns,
    })
}

/// `target: NAME resolves to ADDRESS: REASON`, or under the public preset `target: NAME resolves
/// to RULE` (the address is logged for the operator, not told).
fn resolved_refusal(
    policy: &Policy,
    what: &str,
    name: &str,
    ip: IpAddr,
    denial: &crate::policy::Denial,
) -> String {
    if policy.hides_resolved_addresses() {
        tracing::info!(%name, address = %ip, reason = %denial.reason, "a resolved address was refused");
        format!("{what}: {name} resolves to {}", denial.rule)
    } else {
        format!("{what}: {name} resolves to {ip}: {}", denial.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Preset;

    fn prepared(input: &str) -> Prepared {
        match prepare(input, 3389, &Policy::default(), "target") {
            Ok(p) => p,
            Err(_) => panic!("{input} refused"),
        }
    }

    #[test]
    fn name_keys_fold_mapped_addresses_and_drop_the_port() {
        assert_eq!(prepared("10.0.0.5:443").name_key(), "10.0.0.5");
        assert_eq!(prepared("[::ffff:10.0.0.5]").name_key(), "10.0.0.5");
        assert_eq!(prepared("RDP.Example.com.").name_key(), "rdp.example.com");
    }

    #[test]
    fn checked_addresses_are_canonical_and_unique() {
        let c = Checked {
            host: "x".into(),
            port: 3389,
            dns: DnsOutcome::Resolved(vec![
                "::ffff:10.0.0.5".parse().expect("ip"),
                "10.0.0.5".parse().expect("ip"),
                "fd00::5".parse().expect("ip"),
            ]),
        };
        let want: Vec<IpAddr> = vec![
            "10.0.0.5".parse().expect("ip"),
            "fd00::5".parse().expect("ip"),
        ];
        assert_eq!(c.addresses(), want);
    }

    #[test]
    fn the_public_preset_names_the_rule_not_the_resolved_address() {
        let ip: IpAddr = "10.1.2.3".parse().expect("ip");
        let public = Policy::new(Preset::Public, Vec::new(), Vec::new(), Vec::new());
        let d = public.check_ip(ip).expect_err("private");
        let m = resolved_refusal(&public, "target", "intranet.example", ip, &d);
        assert_eq!(
            m,
            "target: intranet.example resolves to a private network address (10.0.0.0/8), \
             refused by the public policy"
        );
        let local = Policy::default();
        let d = local
            .check_ip("127.0.0.1".parse().expect("ip"))
            .expect_err("loopback");
        let m = resolved_refusal(
            &local,
            "target",
            "x.example",
            "127.0.0.1".parse().expect("ip"),
            &d,
        );
        assert_eq!(
            m,
            "target: x.example resolves to 127.0.0.1: 127.0.0.1 is a loopback address (127.0.0.0/8)"
        );
    }
}
