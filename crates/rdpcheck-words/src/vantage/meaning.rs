//! What a divergence means, in words for the side that reads it.

use rdpcheck_report::{FindingCode, Plain, Report, SideVerdict, Stage, VantageKind, VerdictStatus};

use crate::format::host_port;

use super::*;

pub(super) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A short fingerprint for a sentence: the first four bytes of a `AB:CD:…` SHA-256.
pub(super) fn short_fingerprint(sha: &str) -> String {
    let parts: Vec<&str> = sha.split(':').take(4).collect();
    if parts.len() == 4 {
        format!("{}…", parts.join(":"))
    } else {
        sha.chars().take(11).collect()
    }
}

/// How the side that gets further sees the host, as the start of a sentence (lower case).
pub(super) fn further_view(v: &SideVerdict, stage: Stage, who: &str) -> String {
    match (v.status, v.stage) {
        (VerdictStatus::Healthy, _) => format!("the host is fine from {who}"),
        (VerdictStatus::Problem, Some(later)) if later != stage => format!(
            "from {who} the check gets further (a client there would fail later, at the {later} \
             stage)"
        ),
        _ => format!("from {who} the check gets past the {stage} stage"),
    }
}

/// What the local side's failure at `stage` says about its path (lower case, after "; ").
pub(super) fn local_path(stage: Stage, codes: &[FindingCode], name: &str) -> String {
    let first = codes.first().copied();
    let is = |p: Plain| first == Some(FindingCode::Plain(p));
    match stage {
        Stage::GatewayDns => format!(
            "from {name} the RD Gateway's name does not resolve: {name} asks another DNS server \
             (a VPN's, or split DNS) that does not know it"
        ),
        Stage::GatewayTcp | Stage::GatewayTls | Stage::GatewayHttp => format!(
            "from {name} the RD Gateway fails at the {stage} stage: something between {name} and \
             the gateway — a firewall, a proxy, a VPN, security software — stops or changes the \
             connection"
        ),
        Stage::Dns => format!(
            "from {name} the name does not resolve: {name} asks another DNS server (a VPN's, or \
             split DNS) that does not know it"
        ),
        Stage::Tcp if is(Plain::TcpRefused) => format!(
            "from {name} the connection is refused: a firewall on the way, or the host's firewall \
             for {name}'s network, turns it away"
        ),
        Stage::Tcp => format!(
            "from {name} the connection gets no answer: a firewall, a VPN or a missing route on \
             {name}'s side drops it"
        ),
        Stage::X224 if is(Plain::X224Closed) || is(Plain::X224Reset) => format!(
            "from {name} the connection is cut after the RDP request: something between {name} \
             and the host — a VPN, a firewall, security software — ends it"
        ),
        Stage::X224 if is(Plain::X224Silent) || is(Plain::X224Stalled) => format!(
            "from {name} the RDP request gets no answer: something on {name}'s path (a proxy, a \
             VPN, an inspecting firewall) holds the connection without passing it on"
        ),
        Stage::X224 => format!(
            "from {name} something else answers the RDP request{}: a proxy, or a different host \
             behind the same address",
            first.map(|c| format!(" ({c})")).unwrap_or_default()
        ),
        Stage::SecurityLayers => format!(
            "from {name} the host accepts no security layer: something on the path changes the \
             negotiation"
        ),
        Stage::Tls
            if is(Plain::TlsClosedAfterHello) || is(Plain::TlsReset) || is(Plain::TlsStalled) =>
        {
            format!(
                "from {name} the TLS handshake dies: TLS inspection by security software or a \
                 proxy, or a path that loses large packets (an MTU problem, common with VPN \
                 tunnels)"
            )
        }
        Stage::Tls => format!(
            "from {name} the TLS handshake fails{}: security software or a proxy on {name}'s \
             path intercepts TLS, or a different host answers there",
            first.map(|c| format!(" ({c})")).unwrap_or_default()
        ),
        Stage::Nla => format!(
            "from {name} NLA gets no NTLM challenge: something on the path (TLS inspection, a \
             proxy) interferes after TLS"
        ),
        Stage::Stability => format!(
            "from {name} repeated handshakes fail: the path from {name} is unstable (Wi-Fi, a \
             VPN, a congested or lossy link)"
        ),
        Stage::Udp => format!(
            "from {name} UDP 3389 gets no answer: UDP is dropped on the way (VPNs and firewalls \
             often do); clients then fall back to TCP, which works but is slower"
        ),
    }
}

/// What the relay's failure at `stage` says, while the local side got through (lower case).
pub(super) fn relay_path(stage: Stage, name: &str) -> String {
    let counts = format!("{name}'s check is the one that counts");
    match stage {
        Stage::GatewayDns | Stage::Dns => format!(
            "the relay cannot resolve the name: it is known only inside {name}'s network \
             (internal or split DNS), so the relay cannot judge the host; {counts}"
        ),
        Stage::GatewayTcp | Stage::Tcp => format!(
            "the relay cannot connect at the {stage} stage: a firewall (or a VPN) admits only \
             some networks, so the relay's view does not apply; {counts}"
        ),
        Stage::X224 => format!(
            "the relay's RDP request is turned away: the host, or security software in front of \
             it, admits only some networks or blocks the relay's address; {counts}"
        ),
        Stage::Stability => format!(
            "the relay's repeated handshakes fail: the path from the relay is unstable; {counts}"
        ),
        Stage::Udp => format!(
            "UDP 3389 answers {name} but not the relay: the host's network lets UDP in only from \
             some networks; for {name}, UDP works"
        ),
        _ => format!(
            "the relay fails at the {stage} stage: something on the relay's path, or a rule on \
             the host for the relay's network, interferes; {counts}"
        ),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn meaning(
    viewer: Viewer,
    kind: VantageKind,
    decided: Option<&(Stage, Decision)>,
    local: &Report,
    relay: &Report,
    lv: &SideVerdict,
    rv: &SideVerdict,
    cut: Option<(Stage, bool)>,
    same_at: Option<Stage>,
) -> String {
    let name = viewer.local_name();
    match (kind, decided) {
        (VantageKind::BothHealthy, _) => format!(
            "The host is fine from both: a client would reach the logon from the relay and from \
             {name}. If the connection still fails, the cause is in the client itself: its saved \
             settings, its gateway setting, or the credentials."
        ),
        (VantageKind::SameFailure, _) => {
            let stage = same_at.or(lv.stage).unwrap_or(Stage::Dns);
            let codes = fail_codes(local, stage);
            let codes = if codes.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    codes
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "Both fail the same way at the {stage} stage{codes}: the host itself, or its own \
                 network, is the problem, not the path from {name}."
            )
        }
        (VantageKind::LocalFails, Some((stage, _))) => format!(
            "{}; {}.",
            capitalise(&further_view(rv, *stage, RELAY_NAME)),
            local_path(*stage, &fail_codes(local, *stage), name)
        ),
        (VantageKind::RelayFails, Some((stage, _))) => format!(
            "{}; {}.",
            capitalise(&further_view(lv, *stage, name)),
            relay_path(*stage, name)
        ),
        (VantageKind::BothFailDifferently, Some((stage, _))) => {
            let list = |r: &Report| {
                fail_codes(r, *stage)
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "Both fail at the {stage} stage, differently ({name}: {}; the relay: {}): the \
                 host has a problem there, and something on one of the paths changes how it \
                 shows.",
                list(local),
                list(relay)
            )
        }
        (VantageKind::DifferentAnswer, Some((_, Decision::Answer(answer)))) => {
            let first = match answer {
                Answer::Protocol(a, b) => format!(
                    "The host answers the two sides differently: it selects {a} for {name} and \
                     {b} for the relay. A different server answers behind the same address, or \
                     something in between (a proxy, a VPN) changes the negotiation."
                ),
                Answer::Layers(a, b) => format!(
                    "The host accepts different security layers from the two sides ({name}: {a}; \
                     the relay: {b}): a different server answers, or something in between \
                     changes the negotiation."
                ),
                Answer::Certificate(a, b) => format!(
                    "The two sides got different certificates ({name}: SHA-256 {}; the relay: \
                     {}): TLS interception on one of the paths (security software, a corporate \
                     proxy), or a different host behind the same name.",
                    short_fingerprint(a),
                    short_fingerprint(b)
                ),
                Answer::Identity(a, b) => format!(
                    "A different computer answers each side ({name}: {a}; the relay: {b}): the \
                     name or address leads to different hosts from the two networks."
                ),
            };
            match (lv.status, lv.stage) {
                (VerdictStatus::Problem, Some(s)) => {
                    format!("{first} From {name} a client would then fail at the {s} stage.")
                }
                _ => first,
            }
        }
        (VantageKind::Incomplete, _) => match cut {
            Some((stage, local_cut)) => format!(
                "The comparison is incomplete: {}'s check ran out of time at the {stage} stage, \
                 before the two could be told apart.",
                if local_cut { name } else { RELAY_NAME }
            ),
            None => {
                let target = host_port(&local.target.host, local.target.port);
                let other = host_port(&relay.target.host, relay.target.port);
                format!(
                    "The comparison is incomplete: the two checks ({target} and {other}) did \
                     not get far enough to be told apart."
                )
            }
        },
        // Every decided kind carries its stage; a kind without one reads as incomplete.
        _ => "The comparison is incomplete.".to_string(),
    }
}
