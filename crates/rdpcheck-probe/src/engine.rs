//! The ladder: runs each stage in order against one host, emitting events as it goes.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rdpcheck_proto::x224::{protocol, Negotiation};
use rdpcheck_report::{Event, Stage};
use tokio::net::TcpStream;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::Notify;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::diagnose::judge_stage;
use crate::observe::{
    ConnectOutcome, DnsOutcome, GatewayObs, GatewayTls, HttpOutcome, LegacyProbe, NlaOutcome,
    Observations, ReplyOutcome, TcpAttempt, Timed, TlsFailure, TlsOutcome, TlsSession,
    MAIN_REQUEST,
};
use crate::stages::{dns, gateway, layers, net, nla, stability, tls, udp};
use crate::ProbeOptions;

/// Sends the events of a check and remembers which stages it has judged (what is left when the
/// deadline passes was skipped for time). It never changes the observations.
pub(crate) struct Emitter {
    tx: Option<UnboundedSender<Event>>,
    t0: Instant,
    judged: Mutex<Vec<Stage>>,
}

impl Emitter {
    pub fn new(tx: Option<UnboundedSender<Event>>, t0: Instant) -> Self {
        Emitter {
            tx,
            t0,
            judged: Mutex::new(Vec::new()),
        }
    }

    /// The stages judged so far.
    pub fn judged(&self) -> Vec<Stage> {
        self.judged.lock().map(|j| j.clone()).unwrap_or_default()
    }

    fn at_ms(&self) -> f64 {
        (net::elapsed_ms(self.t0) * 100.0).round() / 100.0
    }

    fn send(&self, event: Event) {
        if let Some(tx) = &self.tx {
            // A closed receiver only means nobody watches any more; the check goes on.
            let _ = tx.send(event);
        }
    }

    pub fn started(&self, name: Stage) {
        self.send(Event::StageStarted {
            name,
            at_ms: self.at_ms(),
        });
    }

    /// Judge a finished (or skipped) stage and emit its result and findings.
    pub fn finished(&self, stage: Stage, obs: &Observations) {
        if let Ok(mut judged) = self.judged.lock() {
            judged.push(stage);
        }
        let (result, findings) = judge_stage(stage, obs);
        self.send(Event::StageFinished {
            result,
            at_ms: self.at_ms(),
        });
        for finding in findings {
            self.send(Event::Finding { finding });
        }
    }

    /// Emit skipped results for every stage after `after` in its part of the ladder.
    fn skip_rest(&self, after: Stage, obs: &Observations) {
        for stage in after.rest_of_part() {
            self.finished(stage, obs);
        }
    }
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

/// Aborts a spawned task when dropped.
struct AbortOnDrop(AbortHandle);

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

/// Run the whole check: the gateway hop (if any), the direct path, then UDP.
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
        direct_ladder(opts, addrs, obs, emit).await;
        if opts.udp {
            emit.started(Stage::Udp);
            let start = Instant::now();
            let target = obs.probed.unwrap_or(first);
            let outcome = udp::probe(target, opts.port, opts.udp_timeout).await;
            obs.udp = Some(Timed {
                ms: net::elapsed_ms(start),
                value: outcome,
            });
        }
    } else {
        emit.skip_rest(Stage::Dns, obs);
    }
    if opts.udp {
        emit.finished(Stage::Udp, obs);
    }
}

/// Resolve `host` for `stage` (dns or gateway.dns); the addresses, empty on failure.
async fn resolve(
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
async fn connect_first(
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

/// The RD Gateway hop: DNS, TCP, TLS (trust as the client checks it), HTTP.
async fn gateway_ladder(
    opts: &ProbeOptions,
    host: &str,
    port: u16,
    obs: &mut Observations,
    emit: &Emitter,
) {
    let reply = opts.reply_timeout;
    let addrs = resolve(opts, host, Stage::GatewayDns, obs, emit).await;
    if addrs.is_empty() {
        return emit.skip_rest(Stage::GatewayDns, obs);
    }
    emit.started(Stage::GatewayTcp);
    let (attempts, connected) = connect_first(&addrs, port, opts).await;
    if let Some(g) = obs.gateway.as_mut() {
        g.tcp = attempts;
    }
    emit.finished(Stage::GatewayTcp, obs);
    let Some((addr, stream)) = connected else {
        return emit.skip_rest(Stage::GatewayTcp, obs);
    };

    emit.started(Stage::GatewayTls);
    let start = Instant::now();
    let (outcome, tls_stream) =
        gateway::tls_stage(stream, host, &opts.extra_roots, Instant::now() + reply).await;
    let established = matches!(outcome, GatewayTls::Established { .. });
    obs.now_unix = unix_now();
    if let Some(g) = obs.gateway.as_mut() {
        g.tls = Some(Timed {
            ms: net::elapsed_ms(start),
            value: outcome,
        });
    }
    emit.finished(Stage::GatewayTls, obs);
    let Some(tls_stream) = tls_stream.filter(|_| established) else {
        return emit.skip_rest(Stage::GatewayTls, obs);
    };

    emit.started(Stage::GatewayHttp);
    let start = Instant::now();
    let answer = gateway::rdg_out_data(tls_stream, host, Instant::now() + reply).await;
    let live = matches!(&answer, HttpOutcome::Response { status: 401, schemes, .. } if !schemes.is_empty());
    let rpc = if live {
        None
    } else {
        gateway::rpc_in_data(addr, port, host, opts.connect_timeout, reply).await
    };
    if let Some(g) = obs.gateway.as_mut() {
        g.http = Some(Timed {
            ms: net::elapsed_ms(start),
            value: answer,
        });
        g.rpc = rpc;
    }
    emit.finished(Stage::GatewayHttp, obs);
}

/// The direct path: TCP to the host, negotiation, layers, TLS, NLA, stability.
/// Stops early (emitting skips) where a client could not go on either.
async fn direct_ladder(
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
    // Set when the layer probes are done: the legacy TLS hello waits for it, so its extra
    // connection does not pile onto theirs (xrdp's listen backlog is 2: a third pending
    // connection costs a 1 s SYN retransmit).
    let layers_done = Arc::new(Notify::new());
    let layer_probes = tokio::spawn({
        let (main_answered, done) = (main_answered.clone(), layers_done.clone());
        let (port, connect, reply) = (opts.port, opts.connect_timeout, reply);
        let connect_try = layer_connect_try(&obs.tcp);
        async move {
            let probes =
                layers::probe_all(addr, port, connect, connect_try, reply, main_answered).await;
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
            let run = run_tls(opts, addr, stream, nla_selected, &layers_done).await;
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

/// What the TLS stage brings back: the outcome, the main connection when it goes on to NLA, and
/// for a TLS 1.3 session what a TLS 1.0–1.2 hello got on a fresh connection.
struct TlsRun {
    outcome: TlsOutcome,
    session: Option<tls::Tls>,
    older: Option<LegacyProbe>,
}

/// TLS on the main connection, with the TLS 1.2 retry and the legacy-version probe on failure.
/// `keep`: the main connection goes on to NLA; otherwise it is closed as soon as TLS is judged
/// (a server that serves one connection at a time must not wait for it).
async fn run_tls(
    opts: &ProbeOptions,
    addr: IpAddr,
    stream: TcpStream,
    keep: bool,
    layers_done: &Notify,
) -> TlsRun {
    let reply = opts.reply_timeout;
    let first = tls::handshake(stream, &opts.host, true, Instant::now() + reply).await;
    let tls::HandshakeError {
        failure,
        received,
        chain,
    } = match first {
        Ok((tls_stream, session)) => {
            return established(opts, addr, tls_stream, session, keep, layers_done).await;
        }
        Err(e) => e,
    };
    // Server 2019 with experimental TLS 1.3 resets 1.3 offers: retry once with 1.2 only.
    if matches!(failure, TlsFailure::Reset | TlsFailure::ClosedAfterHello) {
        if let Some(stream) = fresh_tls_connection(opts, addr).await {
            if let Ok((tls_stream, mut session)) =
                tls::handshake(stream, &opts.host, false, Instant::now() + reply).await
            {
                session.tls13_rejected = Some(failure);
                return TlsRun {
                    outcome: TlsOutcome::Established(session),
                    session: keep.then_some(tls_stream),
                    older: None,
                };
            }
        }
    }
    let legacy = if failure == TlsFailure::Stalled {
        None
    } else {
        legacy_probe(opts, addr, Some(layers_done)).await
    };
    TlsRun {
        outcome: TlsOutcome::Failed {
            failure,
            received,
            chain,
            legacy,
        },
        session: None,
        older: None,
    }
}

/// A handshake that worked. On TLS 1.3, ask once more with a TLS 1.0–1.2 hello: Windows 10
/// clients have no TLS 1.3. The main connection is closed first unless NLA follows on it (NLA
/// servers serve several connections at once; the layer probes rely on that too).
async fn established(
    opts: &ProbeOptions,
    addr: IpAddr,
    tls_stream: tls::Tls,
    session: TlsSession,
    keep: bool,
    layers_done: &Notify,
) -> TlsRun {
    let session_stream = keep.then_some(tls_stream);
    // With NLA to follow, the main connection waits idle meanwhile: do not make it wait for the
    // layer probes too (NLA servers serve several connections at once).
    let older = if session.version == "TLSv1.3" {
        legacy_probe(opts, addr, (!keep).then_some(layers_done)).await
    } else {
        None
    };
    TlsRun {
        outcome: TlsOutcome::Established(session),
        session: session_stream,
        older,
    }
}

/// The hand-built TLS 1.0–1.2 hello on a fresh connection; with `after`, once the layer probes
/// are done (or a reply deadline has passed).
async fn legacy_probe(
    opts: &ProbeOptions,
    addr: IpAddr,
    after: Option<&Notify>,
) -> Option<LegacyProbe> {
    if let Some(layers_done) = after {
        let _ = tokio::time::timeout(opts.reply_timeout, layers_done.notified()).await;
    }
    let mut stream = fresh_tls_connection(opts, addr).await?;
    Some(tls::legacy_hello(&mut stream, &opts.host, Instant::now() + opts.reply_timeout).await)
}

/// A new connection whose negotiation selected a TLS-based layer, ready for a ClientHello.
async fn fresh_tls_connection(opts: &ProbeOptions, addr: IpAddr) -> Option<TcpStream> {
    let (reply, stream) = net::connect_and_negotiate(
        addr,
        opts.port,
        MAIN_REQUEST,
        opts.connect_timeout,
        None,
        opts.reply_timeout,
    )
    .await;
    match reply {
        ReplyOutcome::Confirm {
            negotiation: Negotiation::Selected { selected, .. },
            ..
        } if selected != protocol::RDP => stream,
        _ => None,
    }
}
