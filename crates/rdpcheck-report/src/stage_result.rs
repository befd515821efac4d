use serde::{Deserialize, Serialize};

use crate::Stage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StageStatus {
    Pass,
    Warn,
    Fail,
    /// Not run because an earlier stage failed (or it was not asked for).
    Skip,
    /// Not run, or cut off, by the whole-check deadline: nothing is known about it.
    Unknown,
}

/// The outcome of one stage as the report and the event stream carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageResult {
    pub name: Stage,
    pub status: StageStatus,
    pub duration_ms: f64,
    /// One line: what happened.
    pub summary: String,
    /// Stage-specific facts (addresses, RTT, selected protocol, …).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}
