//! The dns stage: the target's A/AAAA answer.

use rdpcheck_report::Plain;
use serde_json::{json, Map};

use super::Judged;
use crate::observe::{DnsOutcome, Observations};

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let d = obs.dns.as_ref()?;
    let host = &obs.host;
    Some(match &d.value {
        DnsOutcome::Literal(ip) => {
            let mut j = Judged::pass(format!("{ip} is an IP address: nothing to resolve"), d.ms);
            j.details
                .insert("addresses".into(), json!([ip.to_string()]));
            j
        }
        DnsOutcome::Resolved(addrs) => {
            let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
            let mut details = Map::new();
            details.insert("addresses".into(), json!(list));
            Judged {
                details,
                ..Judged::pass(format!("{host} resolves to {}", list.join(", ")), d.ms)
            }
        }
        DnsOutcome::NxDomain => Judged::fail(
            Plain::DnsNxdomain,
            format!("The name {host} does not exist in DNS"),
            "the resolver answered NXDOMAIN",
            d.ms,
        ),
        DnsOutcome::NoAnswer => Judged::fail(
            Plain::DnsNoAnswer,
            format!("{host} exists in DNS but has no IPv4 or IPv6 address"),
            "the resolver answered without A or AAAA records",
            d.ms,
        ),
        DnsOutcome::Timeout => Judged::fail(
            Plain::DnsTimeout,
            format!("No DNS answer for {host} before the deadline"),
            "the resolver did not answer in time",
            d.ms,
        ),
        DnsOutcome::Failure(e) => Judged::fail(
            Plain::DnsFailure,
            format!("Resolving {host} failed"),
            e.clone(),
            d.ms,
        ),
    })
}
