//! "Turn Off UDP On Client" (TS_CLIENT_TURN_OFF_UDP, ADMX TerminalServer.admx; [MS]) set against
//! the probe's UDP answer.

use rdpcheck_report::{ClientFactKey, FactState, Plain, Provenance, Severity};

use super::Out;
use crate::facts::{ClientFacts, Fact};
use crate::host::HostFacts;

const SOURCE: &str =
    r"HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services\Client\fClientDisableUDP";

pub(super) fn judge(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    let udp_word = match host.udp.as_deref() {
        Some("open") => "the host answers on UDP",
        Some("closed") => "the host's UDP port is closed",
        Some("inconclusive") => "the host's UDP port gave no usable answer",
        _ => "the host's UDP was not probed",
    };
    match &facts.udp_policy {
        Fact::Known(1) => {
            out.fact(
                ClientFactKey::UdpPolicy,
                FactState::Known,
                "on (fClientDisableUDP = 1): Remote Desktop uses TCP only from this computer",
                SOURCE,
                Provenance::Ms,
            );
            let summary = match host.udp.as_deref() {
                Some("open") => format!(
                    "UDP is turned off on this computer (Turn Off UDP On Client), though {udp_word}: connections use TCP only — no UDP trouble, but slower over a lossy or long link"
                ),
                _ => format!(
                    "UDP is turned off on this computer (Turn Off UDP On Client) and {udp_word}: connections use TCP only, which rules out UDP trouble"
                ),
            };
            out.finding(
                Plain::ClientUdpDisabled,
                Severity::Info,
                summary,
                format!("{SOURCE} = 1; probe: {udp_word}"),
            );
        }
        Fact::Known(v) => {
            let text = if *v == 0 {
                "off (fClientDisableUDP = 0): the client uses UDP and TCP".to_string()
            } else {
                format!("fClientDisableUDP = {v}: not a value the policy writes (1 = on, 0 = off)")
            };
            out.fact(
                ClientFactKey::UdpPolicy,
                FactState::Known,
                text,
                SOURCE,
                Provenance::Ms,
            );
            if *v == 0 {
                unanswered(host, udp_word, "= 0", out);
            }
        }
        Fact::Absent => {
            out.fact(
                ClientFactKey::UdpPolicy,
                FactState::Absent,
                "not configured: the client uses UDP and TCP (the default)",
                SOURCE,
                Provenance::Ms,
            );
            unanswered(host, udp_word, "not set", out);
        }
        Fact::Unknown(why) => {
            out.fact(
                ClientFactKey::UdpPolicy,
                FactState::Unknown,
                why.clone(),
                SOURCE,
                Provenance::Ms,
            );
        }
    }
}

fn unanswered(host: &HostFacts, udp_word: &str, setting: &str, out: &mut Out) {
    if host.udp.as_deref() == Some("inconclusive") {
        out.finding(
            Plain::ClientUdpUnanswered,
            Severity::Info,
            "This computer may use UDP, but the host's UDP port gave no usable answer: the client tries UDP after TCP connects and falls back; if sessions drop just after they start, turning UDP off here is the cheap test",
            format!("{SOURCE} {setting}; probe: {udp_word}"),
        );
    }
}
