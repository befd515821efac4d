//! One WebSocket session: one request, a streamed probe, one signed report, close.
//!
//! [`run`] goes through the steps in order: [`read_request`]; [`admit`] (the checks that need no
//! network, the egress check of target and gateway, the limits) gives a [`ProbePlan`]; [`stream`]
//! runs the probe and forwards its events; [`sign_report`]; then the report and close 1000. A
//! step that refuses returns a [`Reject`], which [`refuse`] tells the client before closing.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::wire::{ClientMessage, ProbeRequest, ServerMessage, SignedReport, StageState};
use rdpcheck_report::{redact, Event, RelayStamp, Report, Stage, VerdictStatus};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::config;
use crate::egress::{self, Checked, Prepared};
use crate::limits::Admission;
use crate::policy::Policy;
use crate::reject::{Reject, CLOSE_NORMAL};
use crate::server::ConnHandle;
use crate::state::AppState;

/// The longest target (or gateway) text the relay looks at.
const MAX_TARGET_CHARS: usize = 300;
/// Stability handshakes when the request does not say.
const DEFAULT_SAMPLES: u32 = 3;
/// How often an idle probe pings the client, so proxies keep the socket open.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// How long to wait for the client's close frame after ours.
const CLOSE_DRAIN: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests;

/// The session's side of the WebSocket: every send has a deadline (`write_timeout_s`, and never
/// past the session's end), so a client that stops reading cannot hold its probe slot. A send
/// that misses its deadline marks the client stalled; nothing more is sent to it.
pub struct Client {
    socket: WebSocket,
    write_timeout: Duration,
    /// Set at admission: the probe's deadline plus one write timeout. No send or wait goes past it.
    end: Option<Instant>,
    stalled: bool,
    conn: Option<ConnHandle>,
}

impl Client {
    pub fn new(socket: WebSocket, limits: &config::Limits, conn: Option<ConnHandle>) -> Client {
        Client {
            socket,
            write_timeout: Duration::from_secs(limits.write_timeout_s),
            end: None,
            stalled: false,
            conn,
        }
    }

    /// How long the next send (or wait) may take.
    fn budget(&self, at_most: Duration) -> Duration {
        match self.end {
            Some(end) => at_most.min(end.saturating_duration_since(Instant::now())),
            None => at_most,
        }
    }

    /// Send one frame within the budget; `false` if the client is gone or did not read in time.
    async fn send_frame(&mut self, msg: Message) -> bool {
        if self.stalled {
            return false;
        }
        let budget = self.budget(self.write_timeout);
        match tokio::time::timeout(budget, self.socket.send(msg)).await {
            Ok(sent) => sent.is_ok(),
            Err(_) => {
                self.stalled = true;
                false
            }
        }
    }

    async fn send(&mut self, msg: &ServerMessage) -> bool {
        match serde_json::to_string(msg) {
            Ok(text) => self.send_frame(Message::Text(text.into())).await,
            Err(_) => false,
        }
    }

    async fn recv(&mut self) -> Option<Result<Message, axum::Error>> {
        self.socket.recv().await
    }

    /// Send a close frame, then read until the client's close arrives: dropping a socket with
    /// unread data makes the kernel reset it, and the reset can destroy the frames just sent.
    async fn close(&mut self, code: u16, reason: &str) {
        let frame = Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from(reason.to_string()),
        }));
        if !self.send_frame(frame).await {
            return;
        }
        let budget = self.budget(CLOSE_DRAIN);
        let socket = &mut self.socket;
        let drain = async {
            while let Some(Ok(msg)) = socket.recv().await {
                if matches!(msg, Message::Close(_)) {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(budget, drain).await;
    }

    /// Tell the client why in one `error` message, then close (1008; 1001 when shutting down).
    async fn refuse(&mut self, reject: &Reject) {
        if self.send(&reject.to_message()).await {
            self.close(reject.close_code(), reject.code).await;
        }
    }

    /// Count and log a client that stopped reading, and have its connection reset rather than
    /// left to the kernel with unsent data.
    fn finish(&self, state: &AppState, client: IpAddr) {
        if !self.stalled {
            return;
        }
        state.metrics.write_timeout();
        if let Some(conn) = &self.conn {
            conn.reset_on_close();
        }
        tracing::warn!(
            client = %client,
            write_timeout_s = self.write_timeout.as_secs(),
            "the client stopped reading (a send missed its deadline): session closed, slot freed"
        );
    }
}

/// A session refused before the upgrade (host, origin, token): tell the client and close.
pub async fn reject(
    socket: WebSocket,
    state: &AppState,
    client: IpAddr,
    conn: Option<ConnHandle>,
    reject: Reject,
) {
    state.metrics.refusal(reject.code);
    tracing::info!(client = %client, code = reject.code, message = %reject.message, "refused before the upgrade");
    let mut ws = Client::new(socket, &state.config.limits, conn);
    ws.refuse(&reject).await;
    ws.finish(state, client);
}

pub async fn run(
    socket: WebSocket,
    state: Arc<AppState>,
    client: IpAddr,
    conn: Option<ConnHandle>,
) {
    state.metrics.session_opened();
    let mut ws = Client::new(socket, &state.config.limits, conn);
    if let Err(reject) = serve(&mut ws, &state, client).await {
        state.metrics.refusal(reject.code);
        tracing::info!(client = %client, code = reject.code, message = %reject.message, "request refused");
        ws.refuse(&reject).await;
    }
    ws.finish(&state, client);
    state.metrics.session_closed();
}

async fn serve(ws: &mut Client, state: &Arc<AppState>, client: IpAddr) -> Result<(), Reject> {
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
    let message = tokio::task::spawn_blocking(move || sign_report(&signer, report))
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
    let admission = state.limits.admit(client, &names)?;
    let dns_server = state.config.dns_server;
    let target = egress::resolve(target, policy, dns_server).await?;
    let gateway = match gateway {
        Some(g) => Some(egress::resolve(g, policy, dns_server).await?),
        None => None,
    };
    let checked = std::iter::once(&target).chain(gateway.as_ref());
    for (name, c) in names.iter().zip(checked) {
        state.limits.check_addresses(name, &c.addresses())?;
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
    let probe = AbortOnDrop(tokio::spawn(rdpcheck_probe::probe(options, Some(tx))));
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
    state.metrics.probe(outcome);
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

/// Stamp, serialise and sign the report and its redacted copy.
pub fn sign_report(state: &AppState, mut report: Report) -> Result<ServerMessage, Reject> {
    report.relay = Some(RelayStamp {
        key_id: state.key.key_id.clone(),
        signed_at: now_rfc3339(),
    });
    let text = encode(&report)?;
    let redacted_text = encode(&redact(&report))?;
    Ok(ServerMessage::Report {
        signature: state.key.sign(&text),
        report: text,
        key_id: state.key.key_id.clone(),
        redacted: Some(SignedReport {
            signature: state.key.sign(&redacted_text),
            report: redacted_text,
            key_id: state.key.key_id.clone(),
        }),
    })
}

fn encode(report: &Report) -> Result<String, Reject> {
    serde_json::to_string(report).map_err(|_| Reject::internal("the report could not be encoded"))
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn to_message(event: Event) -> ServerMessage {
    match event {
        Event::StageStarted { name, at_ms } => ServerMessage::Stage {
            state: StageState::Started,
            name,
            at_ms,
            result: None,
        },
        Event::StageFinished { result, at_ms } => ServerMessage::Stage {
            state: StageState::Finished,
            name: result.name,
            at_ms,
            result: Some(result),
        },
        Event::Finding { finding } => ServerMessage::Finding { finding },
    }
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
