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
use crate::stages::{layers, net, nla, stability};
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
    let reply = opts.reply_timeout;

    emit.started(Stage::Tcp);
    let (attempts, main) = connect_first(&addrs, opts.port, opts).await;
    obs.tcp = attempts;
    emit.finished(Stage::Tcp, obs);
    let Some((addr, mut stream)) = main else {
        return emit.skip_rest(Stage::Tcp, obs);
    };
    obs.probed = Some(addr);

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
    obs.x224 = Some(Timed {
        ms: net::elapsed_ms(start),
        value: answer,
    });
    if !confirmed {
        // No confirm, no layers: stop the probes before they make more connections.
        drop(stop_layers);
        emit.finished(Stage::X224, obs);
        return emit.skip_rest(Stage::X224, obs);
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
        if matches!(outcome, NlaOutcome::Challenge { .. }) {
            obs.now_unix = unix_now();
        }
        obs.nla = Some(Timed {
            ms: net::elapsed_ms(start),
            value: outcome,
        });
    }
    emit.finished(Stage::Nla, obs);

    let probes = layer_probes.await.unwrap_or_default();
    obs.layers = Some(Timed {
        ms: net::elapsed_ms(layers_start),
        value: probes,
    });
    emit.finished(Stage::SecurityLayers, obs);

    if opts.samples > 0 {
        emit.started(Stage::Stability);
        let start = Instant::now();
        let samples = stability::sample(
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
