//! Turn a requested target into addresses the probe may use: normalise, check the port, resolve
//! once, check every address, and pin the answer (the engine never resolves again).

use std::net::SocketAddr;
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

/// A target that passed the policy.
pub struct Checked {
    pub host: String,
    pub port: u16,
    /// The DNS stage's result, already checked; used instead of resolving again.
    pub dns: DnsOutcome,
}

pub async fn check(
    input: &str,
    default_port: u16,
    policy: &Policy,
    dns_server: Option<SocketAddr>,
    what: &str,
) -> Result<Checked, Refused> {
    let (host, port) = normalize_target(input, default_port)
        .map_err(|e| Refused::Input(format!("{what}: {e}")))?;
    policy
        .check_port(port)
        .map_err(|d| Refused::Policy(format!("{what}: {}", d.reason)))?;
    let (name, dns) = match host {
        Host::Ip(ip) => {
            policy
                .check_ip(ip)
                .map_err(|d| Refused::Policy(format!("{what}: {}", d.reason)))?;
            (ip.to_string(), DnsOutcome::Literal(ip))
        }
        Host::Name(name) => {
            let outcome = rdpcheck_probe::resolve(&name, dns_server, Duration::from_secs(5)).await;
            if let DnsOutcome::Resolved(addrs) = &outcome {
                // One address the policy refuses refuses the whole name: a name that points
                // inward is how SSRF through DNS works.
                for ip in addrs {
                    policy.check_ip(*ip).map_err(|d| {
                        Refused::Policy(format!("{what}: {name} resolves to {ip}: {}", d.reason))
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
