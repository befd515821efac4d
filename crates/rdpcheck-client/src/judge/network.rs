//! The route's interface MTU ([MS]: GetBestInterfaceEx + GetIfEntry2's Mtu) and the
//! RDP client's own log ([3P] event ids; see `crate::events`).

use rdpcheck_report::{ClientFactKey, FactState, Plain, Provenance, Severity};

use super::Out;
use crate::events::attempts_to;
use crate::facts::{ClientFacts, Fact};
use crate::host::HostFacts;

const ETHERNET_MTU: u32 = 1500;
const LOG: &str =
    "Microsoft-Windows-TerminalServices-RDPClient/Operational (events 1024, 1026, 1102, 1105)";

pub(super) fn judge(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    route(facts, host, out);
    log(facts, host, out);
}

fn route(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    let source = "GetBestInterfaceEx + GetIfEntry2 (Mtu) for the probed address";
    match &facts.route {
        Fact::Known(r) => {
            out.fact(
                ClientFactKey::RouteMtu,
                FactState::Known,
                format!("{} bytes on {}", r.mtu, r.interface),
                source,
                Provenance::Ms,
            );
            let loopback = host
                .address
                .as_deref()
                .and_then(|a| a.parse::<std::net::IpAddr>().ok())
                .is_some_and(|a| a.is_loopback());
            if r.mtu < ETHERNET_MTU && !loopback {
                let (severity, tail) = if host.stalled {
                    (
                        Severity::Warn,
                        "and a handshake stalled part-way: a path MTU smaller still is a likely cause",
                    )
                } else {
                    (
                        Severity::Info,
                        "which is normal on a VPN; the handshakes passed",
                    )
                };
                out.finding(
                    Plain::ClientMtuReduced,
                    severity,
                    format!(
                        "The route to the host leaves this computer through {} with an MTU of {} bytes (below Ethernet's {ETHERNET_MTU}), {tail}",
                        r.interface, r.mtu
                    ),
                    format!("MTU {} on {}; stalled handshake: {}", r.mtu, r.interface, host.stalled),
                );
            }
        }
        other => out.from(
            ClientFactKey::RouteMtu,
            other,
            |_| String::new(),
            "no route to the host's address",
            source,
            Provenance::Ms,
        ),
    }
}

fn hex(reason: u32) -> String {
    format!("{reason} (0x{reason:X})")
}

fn log(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    match &facts.events {
        Fact::Known(events) => {
            let attempts = attempts_to(events, &host.host);
            let with_reason: Vec<_> = attempts.iter().filter(|a| a.reason.is_some()).collect();
            let text = match attempts.last() {
                None => format!(
                    "no connection to this host among {} events read",
                    events.len()
                ),
                Some(last) => format!(
                    "{} connection(s) to this host logged; the last, {}, {}",
                    attempts.len(),
                    last.time,
                    match last.reason {
                        Some(r) => format!("ended with disconnect reason {}", hex(r)),
                        None => "has no disconnect event".into(),
                    }
                ),
            };
            out.fact(
                ClientFactKey::ClientLog,
                FactState::Known,
                text,
                LOG,
                Provenance::ThirdParty,
            );
            if let Some(last) = with_reason.last() {
                let reason = last.reason.unwrap_or_default();
                let list: Vec<String> = with_reason
                    .iter()
                    .rev()
                    .take(5)
                    .map(|a| {
                        format!(
                            "{} reason {}{}",
                            a.time,
                            hex(a.reason.unwrap_or_default()),
                            if a.udp { ", UDP was used" } else { "" }
                        )
                    })
                    .collect();
                out.finding(
                    Plain::ClientRecentDisconnects,
                    Severity::Info,
                    format!(
                        "The Remote Desktop client's log on this computer shows {} connection(s) to {}; the last ended with disconnect reason {} (rdpcheck explain 0x{reason:X})",
                        with_reason.len(),
                        host.host,
                        hex(reason)
                    ),
                    format!("event 1026, newest first: {}", list.join("; ")),
                );
            }
        }
        other => out.from(
            ClientFactKey::ClientLog,
            other,
            |_| String::new(),
            "the client's log does not exist on this computer",
            LOG,
            Provenance::ThirdParty,
        ),
    }
}
