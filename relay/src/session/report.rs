//! What the client is sent besides refusals: the probe's events as protocol messages, and the
//! report stamped and signed as text (with its redacted copy).

use rdpcheck_report::wire::{ServerMessage, SignedReport, StageState};
use rdpcheck_report::{redact, Event, RelayStamp, Report};

use crate::reject::Reject;
use crate::state::AppState;

/// Stamp (with the session's `request_id`), serialise and sign the report and its redacted copy.
pub fn sign_report(
    state: &AppState,
    mut report: Report,
    request_id: String,
) -> Result<ServerMessage, Reject> {
    report.relay = Some(RelayStamp {
        key_id: state.key.key_id.clone(),
        signed_at: now_rfc3339(),
        request_id: Some(request_id),
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

pub(super) fn to_message(event: Event) -> ServerMessage {
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
