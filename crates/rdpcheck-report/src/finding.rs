use serde::{Deserialize, Serialize};

use crate::FindingCode;

/// How bad a finding is. `Fail` means a client would not get through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Fail,
}

/// One classified observation, e.g. `tcp.refused`, with the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable dotted code (`x224.neg_failure.hybrid_required`); the knowledge base keys on it.
    pub code: FindingCode,
    pub severity: Severity,
    /// One line a person reads.
    pub summary: String,
    /// What was observed: bytes, timings, error names.
    pub evidence: String,
}
