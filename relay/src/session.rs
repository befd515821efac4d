//! One WebSocket session: one request, a streamed probe, one signed report, close.
//!
//! [`run`] goes through the steps in order: [`read_request`]; [`admit`] (the checks that need no
//! network, the egress check of target and gateway, the limits) gives a [`ProbePlan`]; [`stream`]
//! runs the probe and forwards its events; [`sign_report`]; then the report and close 1000. A
//! step that refuses returns a [`Reject`], which [`refuse`] tells the client before closing.
//!
//! `client.rs` is the session's side of the socket (every send under a deadline); `report.rs`
//! turns the probe's events and report into protocol messages, the report signed.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::wire::{ClientMessage, ProbeRequest};
use rdpcheck_report::{Event, Report, Stage, VerdictStatus};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::Instrument;

use crate::config;
use crate::egress::{self, Checked, Prepared};
use crate::limits::Admission;
use crate::policy::Policy;
use crate::reject::{Reject, CLOSE_NORMAL};
use crate::server::ConnHandle;
use crate::state::AppState;

mod client;
mod report;

#[cfg(test)]
mod tests;

pub use client::Client;
pub use report::sign_report;

use report::to_message;

/// The longest target (or gateway) text the relay looks at.
const MAX_TARGET_CHARS: usize = 300;
/// Stability handshakes when the request does not say.
const DEFAULT_SAMPLES: u32 = 3;
/// How often an idle probe pings the client, so proxies keep the socket open.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// A session refused before the upgrade (host, origin, token): tell the client and close.
pub async fn reject(
    socket: WebSocket,
    state: &AppState,
    client: IpAddr,
    conn: Option<ConnHandle>,
    reject: Reject,
) {
    state.metrics.refusal(reject.code);
    tracing::info!(client = %client, code = reject.code, told = %reject.message, "refused before the upgrade");
    let mut ws = Client::new(socket, &state.config.limits, conn);
    ws.refuse(&reject).await;
    ws.finish(state, client);
}

/// A new session's request id: 16 hex digits (64 random bits). The session runs in a
/// `session{request_id=…}` span, so every log line of it carries the id, and the report's relay
/// stamp carries it too: support finds the lines of a shared report by it.
pub fn request_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

pub async fn run(
    socket: WebSocket,
    state: Arc<AppState>,
    client: IpAddr,
    conn: Option<ConnHandle>,
    request_id: String,
) {
    state.metrics.session_opened();
    let mut ws = Client::new(socket, &state.config.limits, conn);
    if let Err(reject) = serve(&mut ws, &state, client, request_id).await {
        state.metrics.refusal(reject.code);
        tracing::info!(client = %client, code = reject.code, told = %reject.message, "request refused");
        ws.refuse(&reject).await;
    }
    ws.finish(&state, client);
    state.metrics.session_closed();
}

async fn serve(
    ws: &mut Client,
    state: &Arc<AppState>,
    client: IpAddr,
    request_id: String,
) -> Result<(), Reject> {
    let ClientMessage::Probe(request) = read_request(ws, state).await?;
    // The admission is held until the session ends, report and close included; the session
    // ends at the latest one write timeout after the probe's deadline.
    let ProbePlan {
        options,
        admission: _admission,
    } = admit(state, client, &request).await?;
    ws.end = Some(Instant::now() + options.total_timeout + ws.write_timeout);
    let Some(report) = stream(ws, state, options).await? else {
        return Ok(());
    };
    finished(state, client, &report);
    // Encoding, redacting and signing a large report (a certificate with thousands of names)
    // is CPU work: off the runtime's threads, so other connections keep being served.
    let signer = Arc::clone(state);
    let message = tokio::task::spawn_blocking(move || sign_report(&signer, report, request_id))
        .await
        .map_err(|_| Reject::internal("the report could not be signed"))??;
    if ws.send(&message).await {
        ws.close(CLOSE_NORMAL, "done").await;
    }
    Ok(())
}

async fn read_request(ws: &mut Client, state: &AppState) -> Result<ClientMessage, Reject> {
    let wait = Duration::from_secs(state.config.limits.request_timeout_s);
    let deadline = Instant::now() + wait;
    loop {
        let msg = tokio::select! {
            m = tokio::time::timeout_at(deadline, ws.recv()) => m,
            _ = state.shutdown.cancelled() => return Err(Reject::shutdown("the relay is shutting down")),
        };
        match msg {
            Err(_) => return Err(Reject::input(format!("no request within {} s", wait.as_secs()))),
            Ok(None) | Ok(Some(Ok(Message::Close(_)))) => {
                return Err(Reject::input("the connection closed before a request"))
            }
            Ok(Some(Err(e))) => {
                return Err(Reject::input(format!(
                    "the request could not be read ({e}); a request is one text message of at most {} bytes",
                    state.config.limits.max_message_bytes
                )))
            }
            Ok(Some(Ok(Message::Text(text)))) => {
                return serde_json::from_str(&text).map_err(|e| {
                    Reject::input(format!(
                        "the request is not valid: {e}. Expected {{\"type\":\"probe\",\"target\":\"HOST[:PORT]\"}}"
                    ))
                })
            }
            Ok(Some(Ok(Message::Binary(_)))) => return Err(Reject::input("send the request as a text message")),
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// An admitted request: the engine's options, with the checked answers pinned, and the slot the
/// limits gave it (released on drop).
pub struct ProbePlan<'a> {
    pub options: ProbeOptions,
    pub admission: Admission<'a>,
}

/// Decide whether to run `request` for `client`, cheapest first: its shape, the egress checks
/// that need no network (grammar, port, IP literals), the concurrency and rate limits (per
/// client, per target name) — all before any name is resolved — then one lookup per name with
/// every address checked, then the rate per target address.
pub async fn admit<'a>(
    state: &'a AppState,
    client: IpAddr,
    request: &ProbeRequest,
) -> Result<ProbePlan<'a>, Reject> {
    let samples = validate(request, &state.config.limits)?;
    let policy = &state.policy;
    let target = egress::prepare(
        &request.target,
        ProbeOptions::DEFAULT_PORT,
        policy,
        "target",
    )?;
    let gateway = match request.gateway.as_deref() {
        Some(g) if !g.trim().is_empty() => Some(egress::prepare(
            g,
            ProbeOptions::DEFAULT_GATEWAY_PORT,
            policy,
            "gateway",
        )?),
        _ => None,
    };
    let names: Vec<String> = std::iter::once(&target)
        .chain(gateway.as_ref())
        .map(Prepared::name_key)
        .collect();
    let hit = |r: crate::limits::Refusal| {
        state.metrics.limiter_hit(r.limit());
        r
    };
    let admission = state
        .limits
        .admit(client, &names, &state.metrics)
        .await
        .map_err(hit)?;
    let dns_server = state.config.dns_server;
    let target = egress::resolve(target, policy, dns_server).await?;
    let gateway = match gateway {
        Some(g) => Some(egress::resolve(g, policy, dns_server).await?),
        None => None,
    };
    let checked = std::iter::once(&target).chain(gateway.as_ref());
    for (name, c) in names.iter().zip(checked) {
        state
            .limits
            .check_addresses(name, &c.addresses(), &state.metrics)
            .await
            .map_err(hit)?;
    }
    let options = probe_options(
        request,
        samples,
        target,
        gateway,
        &state.config.limits,
        &state.policy,
    );
    Ok(ProbePlan { options, admission })
}

/// The checks that need neither the network nor the policy; the stability samples to run.
fn validate(request: &ProbeRequest, limits: &config::Limits) -> Result<u32, Reject> {
    let samples = request.samples.unwrap_or(DEFAULT_SAMPLES);
    if samples > limits.max_samples {
        return Err(Reject::input(format!(
            "samples must be at most {} on this relay",
            limits.max_samples
        )));
    }
    if request.target.len() > MAX_TARGET_CHARS {
        return Err(Reject::input(format!(
            "the target is longer than {MAX_TARGET_CHARS} characters"
        )));
    }
    Ok(samples)
}

/// The engine's options for checked targets: pinned answers, the relay's deadline, and UDP only
/// to a port the policy allows.
fn probe_options(
    request: &ProbeRequest,
    samples: u32,
    target: Checked,
    gateway: Option<Checked>,
    limits: &config::Limits,
    policy: &Policy,
) -> ProbeOptions {
    let mut opts = ProbeOptions::new(target.host, target.port);
    opts.pinned_dns = Some(target.dns);
    opts.samples = samples;
    opts.total_timeout = Duration::from_secs(limits.probe_timeout_s);
    opts.udp = request.udp.unwrap_or(true) && policy.udp_allowed(target.port);
    opts.client = request.client.unwrap_or_default();
    if let Some(g) = gateway {
        opts.gateway = Some((g.host, g.port));
        opts.pinned_gateway_dns = Some(g.dns);
    }
    opts
}

/// Run the probe and forward its events as they come. `Ok(None)`: the client left or did not
/// read in time, and the probe was aborted.
async fn stream(
    ws: &mut Client,
    state: &AppState,
    options: ProbeOptions,
) -> Result<Option<Report>, Reject> {
    let end = ws
        .end
        .unwrap_or_else(|| Instant::now() + options.total_timeout);
    let (tx, mut rx) = mpsc::unbounded_channel();
    // In the session's span: what the engine logs carries the request id too.
    let probe = AbortOnDrop(tokio::spawn(
        rdpcheck_probe::probe(options, Some(tx)).in_current_span(),
    ));
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(event) => {
                    if let Event::StageFinished { result, .. } = &event {
                        state.metrics.stage(result.name, result.duration_ms);
                    }
                    if !ws.send(&to_message(event)).await {
                        return Ok(None);
                    }
                }
                None => break,
            },
            incoming = ws.recv() => match incoming {
                // The client left: dropping `probe` aborts it.
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(None),
                Some(Ok(_)) => {}
            },
            _ = heartbeat.tick() => {
                if !ws.send_frame(Message::Ping(Default::default())).await {
                    return Ok(None);
                }
            }
            _ = tokio::time::sleep_until(end) => {
                return Err(Reject::internal("the check did not finish within its deadline"));
            }
            _ = state.shutdown.cancelled() => {
                return Err(Reject::shutdown("the relay is shutting down; run the check again in a moment"));
            }
        }
    }
    match probe.join().await {
        Some(report) => Ok(Some(report)),
        None => Err(Reject::internal("the probe stopped unexpectedly")),
    }
}

/// Count the probe and log one line for it.
fn finished(state: &AppState, client: IpAddr, report: &Report) {
    let outcome = match report.verdict.status {
        VerdictStatus::Healthy => "healthy",
        VerdictStatus::Problem => "problem",
        VerdictStatus::Incomplete => "incomplete",
    };
    state
        .metrics
        .probe(outcome, report.verdict.stage, report.duration_ms / 1000.0);
    tracing::info!(
        client = %client,
        target = %format!("{}:{}", report.target.host, report.target.port),
        verdict = outcome,
        stage = report.verdict.stage.map_or("-", Stage::as_str),
        codes = %report.verdict.codes.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
        duration_ms = report.duration_ms,
        "probe finished"
    );
}

/// A spawned probe that is aborted if the session ends first.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    async fn join(mut self) -> Option<T> {
        (&mut self.0).await.ok()
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
