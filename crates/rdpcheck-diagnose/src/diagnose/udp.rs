//! The udp stage: RDP-UDP SYN, three honest answers.

use rdpcheck_report::{Plain, Severity};
use serde_json::Map;

use super::{finding, Judged};
use crate::describe;
use crate::observe::{Observations, UdpOutcome};

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let u = obs.udp.as_ref()?;
    let port = obs.port;
    let (code, summary, evidence) = match &u.value {
        UdpOutcome::SynAck { tries, rtt_ms, version } => (
            Plain::UdpOpen,
            format!("UDP {port} answers RDP-UDP: the UDP transport is reachable; clients add it beside TCP"),
            format!(
                "SYN+ACK acknowledging our sequence number after {tries} SYN(s), {}{}",
                describe::ms(*rtt_ms),
                version.map(|v| format!(", RDP-UDP {}", rdpcheck_proto::rdpudp::version_name(v))).unwrap_or_default()
            ),
        ),
        UdpOutcome::Closed { tries } => (
            Plain::UdpClosed,
            format!("Nothing listens on UDP {port} (ICMP port unreachable): UDP transport is off or blocked; clients use TCP only"),
            format!("ICMP port unreachable after {tries} SYN(s)"),
        ),
        UdpOutcome::Unexpected { tries, bytes } => (
            Plain::UdpInconclusive,
            format!("UDP {port} answered, but not with an RDP-UDP SYN+ACK to our SYN"),
            format!("{tries} SYN(s); reply [{}]", rdpcheck_proto::sniff::hex_prefix(bytes, 16)),
        ),
        UdpOutcome::Silent { tries } => (
            Plain::UdpInconclusive,
            format!("No answer on UDP {port}: dropped on the path, filtered, or a listener that ignores unsolicited SYNs — this cannot tell which (nothing listening would draw an ICMP error). Clients try UDP, get nothing and fall back to TCP: sessions work, slower on a long or lossy link. Turning UDP off on the client helps only when UDP half-works (answers, then fails in the session)"),
            format!("{tries} SYN datagrams of 1232 bytes, no reply, no ICMP error"),
        ),
        UdpOutcome::Error(e) => (
            Plain::UdpInconclusive,
            "The UDP check could not run".to_string(),
            e.clone(),
        ),
    };
    Some(Judged {
        summary: summary.clone(),
        details: Map::new(),
        findings: vec![finding(code, Severity::Info, summary, evidence)],
        ms: u.ms,
    })
}
