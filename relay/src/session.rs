//! One WebSocket session: one request, a streamed probe, one signed report, close.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use rdpcheck_probe::ProbeOptions;
use rdpcheck_report::wire::{ClientMessage, ServerMessage, SignedReport, StageState};
use rdpcheck_report::{redact, Event, RelayStamp, Report, VerdictStatus};
use tokio::sync::mpsc;

use crate::egress;
use crate::reject::{Reject, CLOSE_NORMAL};
use crate::state::AppState;

async fn send(socket: &mut WebSocket, msg: &ServerMessage) -> bool {
    match serde_json::to_string(msg) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

/// Send a close frame, then read until the client's close arrives: dropping a socket with
/// unread data makes the kernel reset it, and the reset can destroy the frames just sent.
async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    if socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from(reason.to_string()),
        })))
        .await
        .is_err()
    {
        return;
    }
    let drain = async {
        while let Some(Ok(msg)) = socket.recv().await {
            if matches!(msg, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
}

/// Tell the client why in one `error` message, then close (1008; 1001 when shutting down).
async fn refuse(socket: &mut WebSocket, reject: &Reject) {
    let _ = send(socket, &reject.to_message()).await;
    close(socket, reject.close_code(), reject.code).await;
}

/// A session refused before the upgrade (origin, token): tell the client and close.
pub async fn reject(mut socket: WebSocket, state: &AppState, reject: Reject) {
    state.metrics.refusal(reject.code);
    tracing::info!(code = reject.code, message = %reject.message, "refused before the upgrade");
    refuse(&mut socket, &reject).await;
}

pub async fn run(mut socket: WebSocket, state: Arc<AppState>, client: IpAddr) {
    state.metrics.session_opened();
    let outcome = serve(&mut socket, &state, client).await;
    if let Err(reject) = outcome {
        state.metrics.refusal(reject.code);
        tracing::info!(client = %client, code = reject.code, message = %reject.message, "request refused");
        refuse(&mut socket, &reject).await;
    }
    state.metrics.session_closed();
}

async fn read_request(socket: &mut WebSocket, state: &AppState) -> Result<ClientMessage, Reject> {
    let wait = Duration::from_secs(state.config.limits.request_timeout_s);
    loop {
        let msg = tokio::select! {
            m = tokio::time::timeout(wait, socket.recv()) => m,
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

async fn serve(
    socket: &mut WebSocket,
    state: &Arc<AppState>,
    client: IpAddr,
) -> Result<(), Reject> {
    let ClientMessage::Probe(request) = read_request(socket, state).await?;
    let limits = &state.config.limits;
    let samples = request.samples.unwrap_or(3);
    if samples > limits.max_samples {
        return Err(Reject::input(format!(
            "samples must be at most {} on this relay",
            limits.max_samples
        )));
    }
    if request.target.len() > 300 {
        return Err(Reject::input("the target is longer than 300 characters"));
    }
    let target = egress::check(
        &request.target,
        ProbeOptions::DEFAULT_PORT,
        &state.policy,
        state.config.dns_server,
        "target",
    )
    .await?;
    let gateway = match &request.gateway {
        Some(g) if !g.trim().is_empty() => Some(
            egress::check(
                g,
                ProbeOptions::DEFAULT_GATEWAY_PORT,
                &state.policy,
                state.config.dns_server,
                "gateway",
            )
            .await?,
        ),
        _ => None,
    };
    let _admission = state
        .limits
        .admit(client, &format!("{}:{}", target.host, target.port))?;

    let mut opts = ProbeOptions::new(target.host.clone(), target.port);
    opts.pinned_dns = Some(target.dns);
    opts.samples = samples;
    opts.total_timeout = Duration::from_secs(limits.probe_timeout_s);
    opts.udp = request.udp.unwrap_or(true) && state.policy.udp_allowed(target.port);
    if let Some(g) = gateway {
        opts.gateway = Some((g.host, g.port));
        opts.pinned_gateway_dns = Some(g.dns);
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let probe = AbortOnDrop(tokio::spawn(rdpcheck_probe::probe(opts, Some(tx))));
    let mut heartbeat = tokio::time::interval(Duration::from_secs(15));
    heartbeat.tick().await;
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(event) => {
                    if let Event::StageFinished { result, .. } = &event {
                        state.metrics.stage(&result.name, result.duration_ms);
                    }
                    if !send(socket, &to_message(event)).await {
                        return Ok(());
                    }
                }
                None => break,
            },
            incoming = socket.recv() => match incoming {
                // The client left: dropping `probe` aborts it.
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(()),
                Some(Ok(_)) => {}
            },
            _ = heartbeat.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return Ok(());
                }
            }
            _ = state.shutdown.cancelled() => {
                return Err(Reject::shutdown("the relay is shutting down; run the check again in a moment"));
            }
        }
    }
    let report = match probe.join().await {
        Some(report) => report,
        None => return Err(Reject::internal("the probe stopped unexpectedly")),
    };
    let outcome = match report.verdict.status {
        VerdictStatus::Healthy => "healthy",
        VerdictStatus::Problem => "problem",
    };
    state.metrics.probe(outcome);
    tracing::info!(
        client = %client,
        target = %format!("{}:{}", report.target.host, report.target.port),
        verdict = outcome,
        stage = report.verdict.stage.as_deref().unwrap_or("-"),
        codes = %report.verdict.codes.join(","),
        duration_ms = report.duration_ms,
        "probe finished"
    );
    let message = sign_report(state, report)?;
    if send(socket, &message).await {
        close(socket, CLOSE_NORMAL, "done").await;
    }
    Ok(())
}

/// Stamp, serialise and sign the report and its redacted copy.
pub fn sign_report(state: &AppState, mut report: Report) -> Result<ServerMessage, Reject> {
    report.relay = Some(RelayStamp {
        key_id: state.key.key_id.clone(),
        signed_at: now_rfc3339(),
    });
    let internal = |_| Reject::internal("the report could not be encoded");
    let text = serde_json::to_string(&report).map_err(internal)?;
    let redacted_text = serde_json::to_string(&redact(&report)).map_err(internal)?;
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
            name: result.name.clone(),
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
