//! Ask for each security layer alone, each on its own connection, all at once.

use std::net::IpAddr;
use std::time::Duration;

use super::net::connect_and_negotiate;
use crate::observe::{LayerProbe, LAYERS};

/// Every layer of [`LAYERS`], three at a time: xrdp's listen backlog is 2, so its accept queue
/// holds three (backlog + 1) and a bigger burst costs 1 s SYN retries; FreeRDP-based servers take
/// ~30–40 ms per answer, so one at a time would cost 150–200 ms.
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
