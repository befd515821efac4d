use serde::{Deserialize, Serialize};

use crate::{Finding, Stage, StageResult};

/// Progress of a running check, emitted as it happens (the relay streams these as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A stage began; `at_ms` counts from the start of the check.
    StageStarted { name: Stage, at_ms: f64 },
    /// A stage ended with this result.
    StageFinished { result: StageResult, at_ms: f64 },
    /// A finding is known.
    Finding { finding: Finding },
}
