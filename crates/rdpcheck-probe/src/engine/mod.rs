//! The ladder: runs each stage in order against one host (UDP beside the TCP stages), emitting
//! events as it goes.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rdpcheck_report::Stage;
use tokio::net::TcpStream;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::observe::{DnsOutcome, GatewayObs, Observations, TcpAttempt, Timed, UdpOutcome};
use crate::stages::{dns, net, udp};
use crate::ProbeOptions;

mod direct;
mod emit;
mod gateway_hop;
mod tls_stage;

use direct::direct_ladder;
pub(crate) use emit::Emitter;
use gateway_hop::gateway_ladder;

/// Aborts a spawned task when dropped.
pub(super) struct AbortOnDrop(pub(super) AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub(crate) fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Run the whole check: the gateway hop (if any), then the direct path with UDP beside it.
pub(crate) async fn ladder(opts: &ProbeOptions, obs: &mut Observations, emit: &Emitter) {
    if let Some((host, port)) = &opts.gateway {
        obs.gateway = Some(GatewayObs {
            host: host.clone(),
            port: *port,
            ..GatewayObs::default()
        });
        gateway_ladder(opts, host, *port, obs, emit).await;
    }
    let addrs = resolve(opts, &opts.host, Stage::Dns, obs, emit).await;
    if let Some(first) = addrs.first().copied() {
        // UDP goes on beside the TCP ladder: it needs nothing from it, and after it UDP would add
        // its round trip to every check, or its whole wait where the port stays silent. Its
        // events still come after the direct path's: stages start in ladder order
        // (relay/PROTOCOL.md), and its result carries the probe's own duration.
        let udp = opts
            .udp
            .then(|| tokio::spawn(timed_udp(first, opts.port, opts.udp_timeout)));
        let _stop_udp = udp.as_ref().map(|task| AbortOnDrop(task.abort_handle()));
        direct_ladder(opts, addrs, obs, emit).await;
        if let Some(task) = udp {
            emit.started(Stage::Udp);
            // The address the ladder ended on, which is `first` unless `first` refused TCP.
            let target = obs.probed.unwrap_or(first);
            let done = match task.await {
                Ok(done) if target == first => done,
                _ => timed_udp(target, opts.port, opts.udp_timeout).await,
            };
            obs.udp = Some(done);
        }
    } else {
        emit.skip_rest(Stage::Dns, obs);
    }
    if opts.udp {
        emit.finished(Stage::Udp, obs);
    }
}

/// The UDP probe of `addr`, with its duration.
async fn timed_udp(addr: IpAddr, port: u16, wait: Duration) -> Timed<UdpOutcome> {
    let start = Instant::now();
    let value = udp::probe(addr, port, wait).await;
    Timed {
        ms: net::elapsed_ms(start),
        value,
    }
}

/// Resolve `host` for `stage` (dns or gateway.dns); the addresses, empty on failure.
pub(super) async fn resolve(
    opts: &ProbeOptions,
    host: &str,
    stage: Stage,
    obs: &mut Observations,
    emit: &Emitter,
) -> Vec<IpAddr> {
    emit.started(stage);
    let start = Instant::now();
    let pinned = match stage {
        Stage::GatewayDns => opts.pinned_gateway_dns.clone(),
        _ => opts.pinned_dns.clone(),
    };
    let outcome = match pinned {
        Some(outcome) => outcome,
        None => dns::resolve(host, opts.dns_server, opts.reply_timeout).await,
    };
    let addrs: Vec<IpAddr> = match &outcome {
        DnsOutcome::Literal(ip) => vec![*ip],
        DnsOutcome::Resolved(list) => list.clone(),
        _ => Vec::new(),
    };
    let timed = Some(Timed {
        ms: net::elapsed_ms(start),
        value: outcome,
    });
    match (stage, obs.gateway.as_mut()) {
        (Stage::GatewayDns, Some(g)) => g.dns = timed,
        _ => obs.dns = timed,
    }
    emit.finished(stage, obs);
    addrs
}

/// Connect to each address in turn until one answers.
pub(super) async fn connect_first(
    addrs: &[IpAddr],
    port: u16,
    opts: &ProbeOptions,
) -> (Vec<TcpAttempt>, Option<(IpAddr, TcpStream)>) {
    let mut attempts = Vec::new();
    for &addr in addrs {
        let (outcome, ms, stream) = net::connect(addr, port, opts.connect_timeout).await;
        attempts.push(TcpAttempt { addr, ms, outcome });
        if let Some(stream) = stream {
            return (attempts, Some((addr, stream)));
        }
    }
    (attempts, None)
}
