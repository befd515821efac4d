//! Windows Firewall: outbound Block rules (MS-GPFAS grammar, [MS]; the local store's path is
//! [3P]) that match the connection mstsc makes — TCP to the host's port, or 443 to the RD
//! Gateway — or mstsc.exe itself. A store that cannot be read is unknown, never "no rules".

use rdpcheck_report::{ClientFactKey, FactState, Plain, Provenance, Severity};

use super::Out;
use crate::facts::{ClientFacts, Fact, Profile};
use crate::firewall::{matches, parse, Match, Outgoing};
use crate::host::HostFacts;

const POLICY_STORE: &str = r"HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules";
const LOCAL_STORE: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules";

/// Whether the firewall is known to be off in `profile` (the policy's EnableFirewall wins over
/// the local one).
fn off_in(facts: &ClientFacts, profile: Profile) -> bool {
    facts
        .firewall
        .profiles
        .iter()
        .find(|p| p.profile == profile)
        .is_some_and(|p| match (&p.policy, &p.local) {
            (Fact::Known(v), _) => *v == 0,
            (Fact::Absent, Fact::Known(v)) => *v == 0,
            _ => false,
        })
}

pub(super) fn judge(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    let conn = match &host.gateway {
        Some((_, port)) => Outgoing {
            port: *port,
            address: None,
            program: "mstsc.exe",
        },
        None => Outgoing {
            port: host.port,
            address: host.address.as_deref().and_then(|a| a.parse().ok()),
            program: "mstsc.exe",
        },
    };
    let what = match &host.gateway {
        Some((g, port)) => format!("TCP {port} to the RD Gateway {g} or mstsc.exe"),
        None => format!("TCP {} to the host or mstsc.exe", conn.port),
    };
    let mut blocks = Vec::new();
    let mut may = Vec::new();
    let mut counts = Vec::new();
    let mut unread = Vec::new();
    for (store, fact) in [
        ("Group Policy", &facts.firewall.policy_rules),
        ("local", &facts.firewall.local_rules),
    ] {
        match fact {
            Fact::Known(rules) => {
                let mut outbound_blocks = 0;
                for r in rules {
                    let Some(rule) = parse(&r.value) else {
                        continue;
                    };
                    if rule.active
                        && rule.action.as_deref() == Some("Block")
                        && rule.dir.as_deref() == Some("Out")
                    {
                        outbound_blocks += 1;
                    }
                    let name = format!(
                        "\"{}\" ({store} store, {})",
                        rule.name.clone().unwrap_or_else(|| r.name.clone()),
                        r.name
                    );
                    let covered: Vec<Profile> = if rule.profiles.is_empty() {
                        Profile::ALL.to_vec()
                    } else {
                        rule.profiles.clone()
                    };
                    let off: Vec<&str> = covered
                        .iter()
                        .filter(|p| off_in(facts, **p))
                        .map(|p| p.word())
                        .collect();
                    match matches(&rule, &conn) {
                        Match::No => {}
                        _ if off.len() == covered.len() => {}
                        Match::Blocks if off.is_empty() => blocks.push(name),
                        Match::Blocks => may.push(format!(
                            "{name}: but the firewall is off in the {} profile",
                            off.join(" and ")
                        )),
                        Match::MayBlock(why) => may.push(format!("{name}: {}", why.join(", "))),
                    }
                }
                counts.push(format!(
                    "{store}: {} rules, {outbound_blocks} outbound block",
                    rules.len()
                ));
            }
            Fact::Absent => counts.push(format!("{store}: no rules")),
            Fact::Unknown(why) => unread.push(format!("{store} store: {why}")),
        }
    }
    let source = format!("{POLICY_STORE}; {LOCAL_STORE}");
    if !blocks.is_empty() {
        out.fact(
            ClientFactKey::Firewall,
            FactState::Known,
            format!("blocks {what}: {}", blocks.join("; ")),
            &source,
            Provenance::ThirdParty,
        );
        out.finding(
            Plain::ClientFirewallBlocks,
            Severity::Fail,
            format!(
                "Windows Firewall on this computer blocks the connection: an active outbound Block rule matches {what}"
            ),
            format!("{} ({})", blocks.join("; "), counts.join("; ")),
        );
    } else if !may.is_empty() {
        out.fact(
            ClientFactKey::Firewall,
            FactState::Known,
            format!("may block {what}: {}", may.join("; ")),
            &source,
            Provenance::ThirdParty,
        );
    } else if !unread.is_empty() {
        let mut why = unread.join("; ");
        if !counts.is_empty() {
            why.push_str(&format!(" ({}: none matches)", counts.join("; ")));
        }
        out.fact(
            ClientFactKey::Firewall,
            FactState::Unknown,
            why,
            &source,
            Provenance::ThirdParty,
        );
    } else {
        out.fact(
            ClientFactKey::Firewall,
            FactState::Known,
            format!(
                "no outbound block rule matches {what} ({})",
                counts.join("; ")
            ),
            &source,
            Provenance::ThirdParty,
        );
    }
    if !may.is_empty() {
        out.finding(
            Plain::ClientFirewallMayBlock,
            Severity::Warn,
            format!(
                "An outbound Block rule in this computer's Windows Firewall may match {what}, depending on conditions rdpcheck does not evaluate"
            ),
            may.join("; "),
        );
    }
}
