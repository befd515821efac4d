//! The direct path to the host: TCP, the negotiation with the per-layer probes beside it,
//! TLS and NLA on the main connection, stability.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use rdpcheck_proto::x224::{protocol, Negotiation};
use rdpcheck_report::Stage;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::observe::{
    ConnectOutcome, NlaOutcome, Observations, ReplyOutcome, TcpAttempt, Timed, TlsOutcome,
    MAIN_REQUEST,
};
use crate::stages::legacy_carry::LegacyCarry;
use crate::stages::{layers, net, nla, stability, tcp_info};
use crate::ProbeOptions;

use super::tls_stage::{run_tls, LegacySource};
use super::{connect_first, unix_now, AbortOnDrop, Emitter};

/// The direct path: TCP to the host, negotiation, layers, TLS, NLA, stability.
/// Stops early (emitting skips) where a client could not go on either.
pub(super) async fn direct_ladder(
    opts: &ProbeOptions,
    addrs: Vec<IpAddr>,
    obs: &mut Observations,
    emit: &Emitter,
) {
    emit.started(Stage::Tcp);
    let (attempts, main) = connect_first(&addrs, opts.port, opts).await;
    obs.tcp = attempts;
    emit.finished(Stage::Tcp, obs);
    let Some((addr, mut stream)) = main else {
        return emit.skip_rest(Stage::Tcp, obs);
    };
    obs.probed = Some(addr);
    // From here on every reply deadline allows for the round trip the connect measured.
    let adapted = ProbeOptions {
        reply_timeout: reply_deadline(opts.reply_timeout, &obs.tcp),
        ..opts.clone()
    };
    let opts = &adapted;
    let reply = opts.reply_timeout;

    // The per-layer probes start with the main negotiation (see stages/layers.rs for the burst).
    let main_answered = Arc::new(Notify::new());
    // Set when the layer probes are done: the TLS stage waits for it before it takes the legacy
    // hello one of them carried, or opens a connection for it when none could (after theirs:
    // xrdp's listen backlog is 2, and a third pending connection costs a 1 s SYN retransmit).
    let layers_done = Arc::new(Notify::new());
    let carry = Arc::new(LegacyCarry::new(&opts.host, reply));
    let layer_probes = tokio::spawn({
        let (main_answered, done) = (main_answered.clone(), layers_done.clone());
        let (port, connect, reply) = (opts.port, opts.connect_timeout, reply);
        let connect_try = layer_connect_try(&obs.tcp);
        let carry = carry.clone();
        async move {
            let probes = layers::probe_all(
                addr,
                port,
                connect,
                connect_try,
                reply,
                main_answered,
                Some(carry),
            )
            .await;
            done.notify_one();
            probes
        }
    });
    let abort_layers = layer_probes.abort_handle();
    // Whatever ends this ladder (an early return, the whole-check deadline) ends the probes too.
    let stop_layers = AbortOnDrop(abort_layers);

    emit.started(Stage::X224);
    let start = Instant::now();
    let answer = net::negotiate(&mut stream, MAIN_REQUEST, Instant::now() + reply).await;
    let selected = match &answer {
        ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, .. },
            ..
        } => Some(*selected),
        _ => None,
    };
    let confirmed = matches!(answer, ReplyOutcome::Confirm { .. });
    // The main connection's kernel figures, read again after NLA when it gets that far.
    let mut main_tcp = tcp_info::read(&stream, "main");
    obs.x224 = Some(Timed {
        ms: net::elapsed_ms(start),
        value: answer,
    });
    if !confirmed {
        obs.tcp_info.extend(main_tcp);
        // No confirm, no layers: stop the probes before they make more connections.
        drop(stop_layers);
        let cut = matches!(
            obs.x224.as_ref().map(|x| &x.value),
            Some(ReplyOutcome::Reset { .. } | ReplyOutcome::Closed { .. })
        );
        emit.finished(Stage::X224, obs);
        if !cut || opts.samples == 0 {
            return emit.skip_rest(Stage::X224, obs);
        }
        // A cut is quick to see again: the stability samples then tell whether every connection
        // is cut (the RDP service or a rule refuses RDP) or only some (security software under
        // load, a flaky middlebox). The stages between have nothing to work on.
        for stage in [Stage::SecurityLayers, Stage::Tls, Stage::Nla] {
            emit.finished(stage, obs);
        }
        return stability_stage(opts, addr, reply, obs, emit).await;
    }
    main_answered.notify_one();
    emit.finished(Stage::X224, obs);

    // The layers' time is what they add after the main negotiation: they started with it.
    emit.started(Stage::SecurityLayers);
    let layers_start = Instant::now();

    // TLS and NLA go on at once on the main connection: holding it half-finished while the
    // layer probes wait would stall servers that serve one connection at a time.
    emit.started(Stage::Tls);
    let start = Instant::now();
    let nla_selected =
        matches!(selected, Some(s) if s == protocol::HYBRID || s == protocol::HYBRID_EX);
    let mut session = None;
    let outcome = match selected {
        Some(sel) if sel != protocol::RDP => {
            let legacy = LegacySource {
                layers_done: &layers_done,
                carry: &carry,
            };
            let run = run_tls(opts, addr, stream, nla_selected, legacy).await;
            session = run.session;
            obs.tls_older = run.older;
            obs.tls_small_mss = run.small_mss;
            run.outcome
        }
        Some(_) => {
            drop(stream);
            TlsOutcome::NotApplicable("the server selected standard RDP security".into())
        }
        None => {
            drop(stream);
            TlsOutcome::NotApplicable("the server did not select a security layer".into())
        }
    };
    obs.now_unix = unix_now();
    obs.tls = Some(Timed {
        ms: net::elapsed_ms(start),
        value: outcome,
    });
    emit.finished(Stage::Tls, obs);

    if let (true, Some(mut tls_stream)) = (nla_selected, session) {
        emit.started(Stage::Nla);
        let start = Instant::now();
        let outcome = nla::challenge(&mut tls_stream, Instant::now() + reply).await;
        main_tcp = tcp_info::read(tls_stream.get_ref().0.get_ref(), "main").or(main_tcp);
        if matches!(outcome, NlaOutcome::Challenge { .. }) {
            obs.now_unix = unix_now();
        }
        obs.nla = Some(Timed {
            ms: net::elapsed_ms(start),
            value: outcome,
        });
    }
    obs.tcp_info.extend(main_tcp);
    emit.finished(Stage::Nla, obs);

    let (probes, kernel) = layer_probes.await.unwrap_or_default();
    obs.tcp_info.extend(kernel);
    obs.layers = Some(Timed {
        ms: net::elapsed_ms(layers_start),
        value: probes,
    });
    emit.finished(Stage::SecurityLayers, obs);

    stability_stage(opts, addr, reply, obs, emit).await;
}

/// The repeated handshakes (when asked for), then the stage's result.
async fn stability_stage(
    opts: &ProbeOptions,
    addr: IpAddr,
    reply: Duration,
    obs: &mut Observations,
    emit: &Emitter,
) {
    if opts.samples > 0 {
        emit.started(Stage::Stability);
        let start = Instant::now();
        let (samples, kernel) = stability::sample(
            addr,
            opts.port,
            opts.samples,
            opts.sample_pause,
            opts.connect_timeout,
            reply,
            // Leave the whole-check deadline to the caller; this bounds the loop itself.
            start + opts.total_timeout,
        )
        .await;
        obs.tcp_info.extend(kernel);
        obs.stability = Some(Timed {
            ms: net::elapsed_ms(start),
            value: samples,
        });
    }
    emit.finished(Stage::Stability, obs);
}

/// How long one layer-probe connect may take before it starts over: four round trips of the
/// main connect plus 100 ms, between 100 ms and 1 s. A connect normally completes in one round
/// trip whatever the server's load (the kernel answers the SYN); only a dropped SYN takes longer.
fn layer_connect_try(tcp: &[TcpAttempt]) -> Duration {
    let rtt_ms = tcp
        .iter()
        .find(|a| a.outcome == ConnectOutcome::Connected)
        .map_or(0.0, |a| a.ms);
    Duration::from_secs_f64((4.0 * rtt_ms + 100.0) / 1000.0)
        .clamp(Duration::from_millis(100), Duration::from_secs(1))
}

/// Round trips the slowest exchange may take before it counts as no answer: a TLS handshake
/// needs two to four (hello, certificate flight in slow start), and one lost segment adds a
/// retransmit time-out of a few more.
const REPLY_RTTS: f64 = 10.0;

/// The configured reply deadline, or `REPLY_RTTS` round trips of the main connect when that is
/// longer (at most 60 s): on a 300 ms link a 1 s deadline would call a working server silent.
fn reply_deadline(configured: Duration, tcp: &[TcpAttempt]) -> Duration {
    let rtt_ms = tcp
        .iter()
        .find(|a| a.outcome == ConnectOutcome::Connected)
        .map_or(0.0, |a| a.ms);
    let scaled = Duration::from_secs_f64((REPLY_RTTS * rtt_ms / 1000.0).clamp(0.0, 60.0));
    configured.max(scaled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connected(ms: f64) -> Vec<TcpAttempt> {
        vec![TcpAttempt {
            addr: IpAddr::from([10, 0, 0, 1]),
            ms,
            outcome: ConnectOutcome::Connected,
        }]
    }

    #[test]
    fn reply_deadlines_grow_with_the_round_trip() {
        let one = Duration::from_secs(1);
        assert_eq!(reply_deadline(one, &connected(2.0)), one);
        assert_eq!(
            reply_deadline(one, &connected(300.0)),
            Duration::from_secs(3)
        );
        assert_eq!(
            reply_deadline(one, &connected(1e9)),
            Duration::from_secs(60)
        );
        assert_eq!(reply_deadline(one, &[]), one);
    }
}
