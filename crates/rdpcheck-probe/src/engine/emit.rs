//! Events of one check, and which stages have been judged.

use std::sync::Mutex;

use rdpcheck_report::{Event, Stage};
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use crate::diagnose::judge_stage;
use crate::observe::Observations;
use crate::stages::net;

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
    pub fn skip_rest(&self, after: Stage, obs: &Observations) {
        for stage in after.rest_of_part() {
            self.finished(stage, obs);
        }
    }
}
