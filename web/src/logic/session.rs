//! One check through the relay, as a state machine fed by the relay's messages (protocol v1).
//! The component owns the socket and the clock; this decides what the page shows.
//!
//! The page reads of each message only what the live view shows ([`read`]): stage results
//! without their `details` and the final report as the signed text it is. The report itself
//! is read and rendered by the report module (web/report), loaded when it is shown.

use std::rc::Rc;

use rdpcheck_report::wire::{SignedReport, StageState};
use rdpcheck_report::{ClientId, Finding, Severity, Stage, StageStatus};
use rdpcheck_web_report::timeline::{Bar, BarKind};

use super::errors::{self, UserError};
use super::evidence::Evidence;
use super::json;

pub use rdpcheck_web_report::html::percent_encode;

/// A stage's result as the live view shows it: `StageResult` without its `details`.
#[derive(Debug, Clone, PartialEq)]
pub struct StageOutcome {
    pub name: Stage,
    pub status: StageStatus,
    pub duration_ms: f64,
    pub summary: String,
}

/// One message of the relay, as the page reads it (see [`read`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Stage {
        state: StageState,
        name: Stage,
        at_ms: f64,
        result: Option<StageOutcome>,
    },
    Finding(Finding),
    Report(Received),
    Error {
        code: String,
        message: String,
    },
}

/// Reads one message of protocol v1 (`rdpcheck_report::wire::ServerMessage`, whose own reader
/// this agrees with: see the tests) from the one JSON reader the page has (`json.rs`). A
/// stage's `details` are not read; the report stays text.
pub fn read(text: &str) -> Result<Message, String> {
    let v = json::parse(text)?;
    let m = json::object(&v)?;
    Ok(match m.str("type")? {
        "stage" => Message::Stage {
            state: match m.one_of("state", &["started", "finished"])? {
                0 => StageState::Started,
                _ => StageState::Finished,
            },
            name: m.parsed("name")?,
            at_ms: m.f64("at_ms")?,
            result: m.opt_obj("result")?.map(|r| outcome(&r)).transpose()?,
        },
        "finding" => Message::Finding(finding(&m.obj("finding")?)?),
        "report" => Message::Report(Received {
            full: Rc::new(signed(&m)?),
            redacted: m
                .opt_obj("redacted")?
                .map(|r| signed(&r).map(Rc::new))
                .transpose()?,
        }),
        "error" => Message::Error {
            code: m.string("code")?,
            message: m.string("message")?,
        },
        other => return Err(format!("unknown message type `{other}`")),
    })
}

fn outcome(r: &json::Obj) -> Result<StageOutcome, String> {
    const STATUS: [StageStatus; 5] = [
        StageStatus::Pass,
        StageStatus::Warn,
        StageStatus::Fail,
        StageStatus::Skip,
        StageStatus::Unknown,
    ];
    Ok(StageOutcome {
        name: r.parsed("name")?,
        status: STATUS[r.one_of("status", &["pass", "warn", "fail", "skip", "unknown"])?],
        duration_ms: r.f64("duration_ms")?,
        summary: r.string("summary")?,
    })
}

fn finding(f: &json::Obj) -> Result<Finding, String> {
    const SEVERITY: [Severity; 3] = [Severity::Info, Severity::Warn, Severity::Fail];
    Ok(Finding {
        code: f.parsed("code")?,
        severity: SEVERITY[f.one_of("severity", &["info", "warn", "fail"])?],
        summary: f.string("summary")?,
        evidence: f.string("evidence")?,
    })
}

/// A signed report (`report`, `signature`, `key_id`), as the relay sends it and a share link
/// holds it.
pub fn signed(o: &json::Obj) -> Result<SignedReport, String> {
    Ok(SignedReport {
        report: o.string("report")?,
        signature: o.string("signature")?,
        key_id: o.string("key_id")?,
    })
}

/// A stage as it streams in.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveStage {
    pub name: Stage,
    /// When it started, ms from the start of the check (relay clock).
    pub started_ms: f64,
    /// When the page saw it start (page clock, ms), for the live timer.
    pub seen_at: f64,
    pub result: Option<StageOutcome>,
    pub finished_ms: Option<f64>,
}

/// The signed report as received, with both shareable forms. Shared, never copied: the report
/// module renders it, the share box shares it and offers its exact text as the download.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub full: Rc<SignedReport>,
    pub redacted: Option<Rc<SignedReport>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Idle,
    Connecting,
    Running,
    Done(Rc<Received>),
    Failed(UserError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckRun {
    pub phase: Phase,
    pub stages: Vec<LiveStage>,
    pub findings: Vec<Finding>,
    /// Page clock (ms) when the check was started.
    pub started_at: f64,
}

impl Default for CheckRun {
    fn default() -> Self {
        Self {
            phase: Phase::Idle,
            stages: Vec::new(),
            findings: Vec::new(),
            started_at: 0.0,
        }
    }
}

impl CheckRun {
    /// A new run, connecting.
    pub fn connecting(now: f64) -> Self {
        Self {
            phase: Phase::Connecting,
            started_at: now,
            ..Self::default()
        }
    }

    pub fn is_active(&self) -> bool {
        matches!(self.phase, Phase::Connecting | Phase::Running)
    }

    /// Applies one text message from the relay; `now` is the page clock.
    pub fn apply_text(&mut self, text: &str, now: f64) {
        match read(text) {
            Ok(m) => self.apply(m, now),
            Err(e) => {
                if self.is_active() {
                    self.phase = Phase::Failed(errors::protocol(&format!(
                        "unreadable message ({e}): {}",
                        text.chars().take(160).collect::<String>()
                    )));
                }
            }
        }
    }

    pub fn apply(&mut self, msg: Message, now: f64) {
        if !self.is_active() {
            return;
        }
        match msg {
            Message::Stage {
                state,
                name,
                at_ms,
                result,
            } => {
                self.phase = Phase::Running;
                match state {
                    StageState::Started => {
                        if !self.stages.iter().any(|s| s.name == name) {
                            self.stages.push(LiveStage {
                                name,
                                started_ms: at_ms,
                                seen_at: now,
                                result: None,
                                finished_ms: None,
                            });
                        }
                    }
                    StageState::Finished => {
                        let pos = match self.stages.iter().position(|s| s.name == name) {
                            Some(p) => p,
                            None => {
                                let dur = result.as_ref().map_or(0.0, |r| r.duration_ms);
                                self.stages.push(LiveStage {
                                    name,
                                    started_ms: (at_ms - dur).max(0.0),
                                    seen_at: now,
                                    result: None,
                                    finished_ms: None,
                                });
                                self.stages.len() - 1
                            }
                        };
                        let s = &mut self.stages[pos];
                        s.finished_ms = Some(at_ms);
                        s.result = result;
                    }
                }
            }
            Message::Finding(finding) => {
                self.phase = Phase::Running;
                if !self.findings.contains(&finding) {
                    self.findings.push(finding);
                }
            }
            Message::Report(received) => self.phase = Phase::Done(Rc::new(received)),
            Message::Error { code, message } => {
                self.phase = Phase::Failed(errors::from_relay(&code, &message));
            }
        }
    }

    /// The socket closed (or failed). Only matters when no report or error came first.
    pub fn closed(&mut self, code: u16, reason: &str, ws_url: &str) {
        if !self.is_active() {
            return;
        }
        self.phase = Phase::Failed(match self.phase {
            // Nothing ever arrived and the socket did not close cleanly: never connected.
            Phase::Connecting if code != 1000 => errors::unreachable(ws_url),
            _ => errors::closed_early(code, reason),
        });
    }

    pub fn timed_out(&mut self, seconds: u32) {
        if self.is_active() {
            self.phase = Phase::Failed(errors::timed_out(seconds));
        }
    }

    /// Name of the stage running now, if any.
    pub fn running_stage(&self) -> Option<&LiveStage> {
        self.stages.iter().rev().find(|s| s.result.is_none())
    }

    /// The timeline's bars; a running stage grows up to `elapsed_ms` (relay-relative).
    pub fn bars(&self, elapsed_ms: f64) -> Vec<Bar> {
        self.stages
            .iter()
            .map(|s| match &s.result {
                Some(r) => Bar {
                    name: s.name,
                    start_ms: s.started_ms.max(0.0),
                    dur_ms: r.duration_ms.max(0.0),
                    kind: BarKind::from_status(r.status),
                },
                None => Bar {
                    name: s.name,
                    start_ms: s.started_ms.max(0.0),
                    dur_ms: (elapsed_ms - s.started_ms).max(0.0),
                    kind: BarKind::Running,
                },
            })
            .collect()
    }

    /// What the check found, for the explain screen's causes: the streamed findings, and the
    /// stages that ran.
    pub fn evidence(&self) -> Evidence {
        Evidence {
            findings: self.findings.iter().map(|f| f.code).collect(),
            ran: self
                .stages
                .iter()
                .filter(|s| {
                    s.result.as_ref().is_some_and(|r| {
                        !matches!(r.status, StageStatus::Skip | StageStatus::Unknown)
                    })
                })
                .map(|s| s.name)
                .collect(),
        }
    }
}

/// The `probe` message (protocol v1, `rdpcheck_report::wire::ClientMessage::Probe`) as JSON
/// text, written here: the page then carries no JSON writer (the test holds it equal to
/// serde's).
/// `client` is written only when chosen (serde skips an absent one).
pub fn probe_request(
    target: &str,
    gateway: Option<&str>,
    samples: u32,
    client: Option<ClientId>,
) -> String {
    let gateway = gateway.map_or_else(|| "null".to_string(), json_string);
    let client = client.map_or_else(String::new, |c| {
        format!(",\"client\":{}", json_string(c.as_str()))
    });
    format!(
        "{{\"type\":\"probe\",\"target\":{},\"gateway\":{gateway},\"samples\":{samples},\"udp\":true{client}}}",
        json_string(target)
    )
}

/// A JSON string literal (RFC 8259: quote, backslash and control characters escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The WebSocket URL on the page's own origin.
pub fn ws_url(protocol: &str, host: &str, token: Option<&str>) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{scheme}://{host}/api/v1/probe?token={}", percent_encode(t)),
        None => format!("{scheme}://{host}/api/v1/probe"),
    }
}

#[cfg(test)]
mod tests;
