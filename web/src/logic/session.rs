//! One check through the relay, as a state machine fed by the relay's messages (protocol v1).
//! The component owns the socket and the clock; this decides what the page shows.

use std::rc::Rc;

use rdpcheck_report::wire::{ServerMessage, SignedReport, StageState};
use rdpcheck_report::{share, Finding, Report, Stage, StageResult};

use super::errors::{self, UserError};

/// A stage as it streams in.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveStage {
    pub name: Stage,
    /// When it started, ms from the start of the check (relay clock).
    pub started_ms: f64,
    /// When the page saw it start (page clock, ms), for the live timer.
    pub seen_at: f64,
    pub result: Option<StageResult>,
    pub finished_ms: Option<f64>,
}

/// The signed report as received, with both shareable forms. Shared, never copied: the page
/// renders it, shares it and hands it to the explain screen as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub full: Rc<SignedReport>,
    pub redacted: Option<Rc<SignedReport>>,
    pub report: Rc<Report>,
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
        match ServerMessage::from_json(text) {
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

    pub fn apply(&mut self, msg: ServerMessage, now: f64) {
        if !self.is_active() {
            return;
        }
        match msg {
            ServerMessage::Stage {
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
            ServerMessage::Finding { finding } => {
                self.phase = Phase::Running;
                if !self.findings.contains(&finding) {
                    self.findings.push(finding);
                }
            }
            ServerMessage::Report {
                report,
                signature,
                key_id,
                redacted,
            } => {
                let full = SignedReport {
                    report,
                    signature,
                    key_id,
                };
                self.phase = match share::report(&full) {
                    Ok(parsed) => Phase::Done(Rc::new(Received {
                        full: Rc::new(full),
                        redacted: redacted.map(Rc::new),
                        report: Rc::new(parsed),
                    })),
                    Err(e) => {
                        Phase::Failed(errors::protocol(&format!("the report is unreadable: {e}")))
                    }
                };
            }
            ServerMessage::Error { code, message } => {
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
}

/// The WebSocket URL on the page's own origin.
pub fn ws_url(protocol: &str, host: &str, token: Option<&str>) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => format!("{scheme}://{host}/api/v1/probe?token={}", percent_encode(t)),
        None => format!("{scheme}://{host}/api/v1/probe"),
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_stages_findings_and_errors() {
        let mut r = CheckRun::connecting(0.0);
        r.apply_text(
            r#"{"type":"stage","state":"started","name":"dns","at_ms":0.0}"#,
            10.0,
        );
        assert_eq!(r.phase, Phase::Running);
        assert_eq!(r.running_stage().map(|s| s.name.as_str()), Some("dns"));
        r.apply_text(
            r#"{"type":"stage","state":"finished","name":"dns","at_ms":1.5,"result":{"name":"dns","status":"pass","duration_ms":1.5,"summary":"ok"}}"#,
            12.0,
        );
        assert!(r.running_stage().is_none());
        r.apply_text(
            r#"{"type":"finding","finding":{"code":"tcp.refused","severity":"fail","summary":"s","evidence":"e"}}"#,
            13.0,
        );
        assert_eq!(r.findings.len(), 1);
        r.apply_text(
            r#"{"type":"error","code":"policy.denied","message":"private address"}"#,
            14.0,
        );
        match &r.phase {
            Phase::Failed(e) => {
                assert_eq!(e.code, "policy.denied");
                assert_eq!(e.detail, "private address");
            }
            p => panic!("{p:?}"),
        }
        // The close after an error changes nothing.
        r.closed(1008, "policy", "ws://x");
        assert!(matches!(&r.phase, Phase::Failed(e) if e.code == "policy.denied"));
    }

    #[test]
    fn closes_and_garbage_are_named() {
        let mut r = CheckRun::connecting(0.0);
        r.closed(1006, "", "ws://relay/api/v1/probe");
        assert!(matches!(&r.phase, Phase::Failed(e) if e.code == errors::UNREACHABLE));
        let mut r = CheckRun::connecting(0.0);
        r.apply_text(
            r#"{"type":"stage","state":"started","name":"dns","at_ms":0}"#,
            1.0,
        );
        r.closed(1001, "going away", "ws://x");
        assert!(
            matches!(&r.phase, Phase::Failed(e) if e.code == errors::CLOSED && e.detail.contains("going away"))
        );
        let mut r = CheckRun::connecting(0.0);
        r.apply_text("nonsense", 1.0);
        assert!(matches!(&r.phase, Phase::Failed(e) if e.code == errors::PROTOCOL));
        let mut r = CheckRun::connecting(0.0);
        r.timed_out(60);
        assert!(matches!(&r.phase, Phase::Failed(e) if e.code == errors::TIMEOUT));
    }

    #[test]
    fn ws_url_uses_the_page_origin() {
        assert_eq!(
            ws_url("https:", "relay.example", None),
            "wss://relay.example/api/v1/probe"
        );
        assert_eq!(
            ws_url("http:", "127.0.0.1:8080", Some("a b&c")),
            "ws://127.0.0.1:8080/api/v1/probe?token=a%20b%26c"
        );
    }
}
