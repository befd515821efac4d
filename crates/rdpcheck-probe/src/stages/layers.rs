//! Ask for each security layer alone, each on its own connection, all at once.

use std::net::IpAddr;
use std::time::Duration;

use rdpcheck_proto::x224::protocol;

use super::net::connect_and_negotiate;
use crate::observe::{LayerProbe, ReplyOutcome};

/// (layer, requestedProtocols, the selectedProtocol that counts as acceptance).
/// NLA is asked for as TLS|NLA, the way clients ask; NLA-EX comes from the main negotiation.
/// Three at a time: xrdp's listen backlog is 2, so its accept queue holds three (backlog + 1) and a
/// bigger burst costs 1 s SYN retries; FreeRDP-based servers take ~30–40 ms per answer, so one at
/// a time would cost 150–200 ms.
pub const LAYERS: [(&str, u32, u32); 5] = [
    ("rdp", protocol::RDP, protocol::RDP),
    ("tls", protocol::SSL, protocol::SSL),
    ("nla", protocol::SSL | protocol::HYBRID, protocol::HYBRID),
    ("rdstls", protocol::RDSTLS, protocol::RDSTLS),
    ("rdsaad", protocol::RDSAAD, protocol::RDSAAD),
];

pub async fn probe_all(
    addr: IpAddr,
    port: u16,
    connect: Duration,
    reply: Duration,
) -> Vec<LayerProbe> {
    let one = |(layer, requested, expect): (&'static str, u32, u32)| async move {
        let (outcome, _stream) = connect_and_negotiate(addr, port, requested, connect, reply).await;
        LayerProbe {
            layer,
            requested,
            expect,
            outcome,
        }
    };
    let mut probes = Vec::with_capacity(LAYERS.len());
    for batch in LAYERS.chunks(3) {
        match batch {
            [a, b, c] => {
                let (x, y, z) = tokio::join!(one(*a), one(*b), one(*c));
                probes.extend([x, y, z]);
            }
            [a, b] => {
                let (x, y) = tokio::join!(one(*a), one(*b));
                probes.extend([x, y]);
            }
            [a] => probes.push(one(*a).await),
            _ => {}
        }
    }
    probes
}

/// The NLA-EX entry, taken from the main negotiation (which asked for TLS|NLA|NLA-EX).
pub fn nla_ex_from_main(outcome: &ReplyOutcome) -> LayerProbe {
    LayerProbe {
        layer: "nla_ex",
        requested: protocol::SSL | protocol::HYBRID | protocol::HYBRID_EX,
        expect: protocol::HYBRID_EX,
        outcome: outcome.clone(),
    }
}
