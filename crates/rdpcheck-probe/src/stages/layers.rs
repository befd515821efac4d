//! Ask for each security layer alone, each on its own connection, while the main negotiation
//! runs. Each connection is closed as soon as its answer is read — or, for the first one that
//! selected a TLS-based layer, as soon as the legacy hello it carries is answered: no probe holds
//! a half-finished handshake idle (servers that serve one connection at a time, such as weston,
//! would stall on it).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinSet;

use rdpcheck_proto::x224::Negotiation;

use rdpcheck_report::TcpStats;

use super::legacy_carry::{starts_tls, LegacyCarry};
use super::net::connect_and_negotiate;
use super::tcp_info;
use crate::observe::{LayerProbe, ReplyOutcome, LAYERS};

/// How many layer probes start together with the main negotiation: xrdp's listen backlog is 2,
/// so its accept queue holds three connections (backlog + 1) and a bigger burst costs 1 s SYN
/// retries.
const FIRST_BURST: usize = 2;

/// When the rest start if the main negotiation has not answered yet. By then the server has
/// accepted the first connections (accepting is quick even where answering is not), so the rest
/// fit its accept queue; FreeRDP-based servers take 30–40 ms per answer, so waiting for it would
/// cost a whole extra round.
const REST_AFTER: Duration = Duration::from_millis(5);

/// Every layer of [`LAYERS`]: the first [`FIRST_BURST`] at once, the rest when `main_answered`
/// fires or after [`REST_AFTER`], whichever comes first. A connect that takes longer than
/// `connect_try` starts over with a fresh SYN (a full accept queue drops SYNs; see
/// `net::connect_retrying`). With `carry`, the first probe that selected a TLS-based layer sends
/// the legacy hello on its connection. Results in [`LAYERS`] order, with the kernel's figures
/// of each connection read just before it closes (`layer.<name>`). The probes
/// run as tasks of a `JoinSet`, so dropping this future (the whole-check deadline) ends them.
pub async fn probe_all(
    addr: IpAddr,
    port: u16,
    connect: Duration,
    connect_try: Duration,
    reply: Duration,
    main_answered: Arc<Notify>,
    carry: Option<Arc<LegacyCarry>>,
) -> (Vec<LayerProbe>, Vec<TcpStats>) {
    let mut set = JoinSet::new();
    type Done = (usize, LayerProbe, Option<TcpStats>);
    let spawn = |set: &mut JoinSet<Done>, index: usize| {
        let Some(&(layer, requested, expect)) = LAYERS.get(index) else {
            return;
        };
        let carry = carry.clone();
        set.spawn(async move {
            // The stream is dropped (closed) as soon as the answer (and a carried hello) is in.
            let (outcome, stream) =
                connect_and_negotiate(addr, port, requested, connect, Some(connect_try), reply)
                    .await;
            let mut kernel = None;
            if let Some(mut stream) = stream {
                if let Some(carry) = carry.filter(|_| {
                    matches!(&outcome, ReplyOutcome::Confirm {
                        negotiation: Negotiation::Selected { selected, .. }, ..
                    } if starts_tls(*selected))
                }) {
                    carry.carry(&mut stream).await;
                }
                kernel = tcp_info::read(&stream, &format!("layer.{layer}"));
            }
            let probe = LayerProbe {
                layer,
                requested,
                expect,
                outcome,
            };
            (index, probe, kernel)
        });
    };
    for index in 0..FIRST_BURST {
        spawn(&mut set, index);
    }
    tokio::select! {
        _ = main_answered.notified() => {}
        _ = tokio::time::sleep(REST_AFTER) => {}
    }
    for index in FIRST_BURST..LAYERS.len() {
        spawn(&mut set, index);
    }
    let mut done: Vec<Done> = set.join_all().await;
    done.sort_by_key(|(index, _, _)| *index);
    let kernel = done.iter().filter_map(|(_, _, k)| k.clone()).collect();
    (
        done.into_iter().map(|(_, probe, _)| probe).collect(),
        kernel,
    )
}
