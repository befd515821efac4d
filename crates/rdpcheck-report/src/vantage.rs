//! Two vantage points: the same check run from the user's computer (the local report, unsigned)
//! and by a relay (its signed report), compared. The comparison itself is pure and lives in
//! `rdpcheck-words` (`vantage::compare`), shared by the CLI and the page; these are the types it
//! produces and the document `rdpcheck probe --relay URL --json` prints. Schema 1: add fields,
//! never rename.

use serde::{Deserialize, Serialize};

use crate::wire::SignedReport;
use crate::{FindingCode, Report, Stage, StageStatus, VerdictStatus};

/// What the comparison of the two sides found, and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vantage {
    /// The first ladder stage whose outcome differs between the two sides (one passes, the other
    /// fails; both fail differently; both pass with different answers). Absent when they agree
    /// or the comparison could not get that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diverges_at: Option<Stage>,
    pub kind: VantageKind,
    /// What it means, in words (one or two sentences).
    pub meaning: String,
    /// How the user's computer saw the host.
    pub local: SideVerdict,
    /// How the relay saw the host.
    pub relay: SideVerdict,
    /// Every stage either side has, in ladder order.
    pub stages: Vec<StagePair>,
    /// Whether both got the same leaf certificate on the RDP port (SHA-256); absent when either
    /// got none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_certificate: Option<bool>,
    /// Whether the host selected the same security protocol in the X.224 negotiation for both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_protocol: Option<bool>,
    /// Whether the two sides reached at least one common address; absent when either report is
    /// redacted or has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_addresses: Option<bool>,
    /// Whether the NTLM CHALLENGE named the same computer to both; absent without NLA on both
    /// sides or when either report is redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_identity: Option<bool>,
    /// Further differences worth reading that do not decide the comparison.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The kind of agreement or difference. Published names (`local_fails`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VantageKind {
    /// Both sides would reach the logon and see the host alike.
    BothHealthy,
    /// Both fail at the same stage in the same way: the host, not the path.
    SameFailure,
    /// The relay gets through a stage the user's computer fails: the user's path.
    LocalFails,
    /// The user's computer gets through a stage the relay fails: the relay's path, or a host that
    /// admits only some networks.
    RelayFails,
    /// Both fail at the same stage, in different ways.
    BothFailDifferently,
    /// Both pass a stage but the host answered differently (another certificate, protocol, set
    /// of security layers or computer name): a different host or something in between.
    DifferentAnswer,
    /// One side ran out of time before any difference showed.
    Incomplete,
}

impl VantageKind {
    pub const ALL: [VantageKind; 7] = [
        VantageKind::BothHealthy,
        VantageKind::SameFailure,
        VantageKind::LocalFails,
        VantageKind::RelayFails,
        VantageKind::BothFailDifferently,
        VantageKind::DifferentAnswer,
        VantageKind::Incomplete,
    ];

    /// The published name.
    pub fn as_str(self) -> &'static str {
        match self {
            VantageKind::BothHealthy => "both_healthy",
            VantageKind::SameFailure => "same_failure",
            VantageKind::LocalFails => "local_fails",
            VantageKind::RelayFails => "relay_fails",
            VantageKind::BothFailDifferently => "both_fail_differently",
            VantageKind::DifferentAnswer => "different_answer",
            VantageKind::Incomplete => "incomplete",
        }
    }
}

/// One side's verdict, in short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideVerdict {
    pub status: VerdictStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    pub codes: Vec<FindingCode>,
}

/// One stage as each side saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagePair {
    pub stage: Stage,
    /// Absent when that side's report has no such stage (e.g. UDP not asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<StageStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<StageStatus>,
    /// Failure codes of this stage on each side.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_codes: Vec<FindingCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relay_codes: Vec<FindingCode>,
    /// True on the stage where the two diverge (at most one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub diverges: bool,
}

/// What `rdpcheck probe HOST --relay URL --json` prints: the local report, the relay's signed
/// report (exactly the bytes it signed) or why it could not check, and the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VantageDocument {
    pub schema: u32,
    /// The check from the user's computer. Not signed.
    pub local: Report,
    pub relay: RelaySide,
    /// Absent when the relay could not check the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vantage: Option<Vantage>,
    /// A page link with both reports (`<page>/r#v2.…`), when one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// The relay's side of a two-vantage check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelaySide {
    /// The WebSocket the check ran over (`wss://…/api/v1/probe`).
    pub url: String,
    /// The report as the relay signed it; verify `signature` over `report` with the key from
    /// `/api/v1/key` (`key_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<SignedReport>,
    /// The same report redacted by the relay, signed too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<SignedReport>,
    /// The relay's public key (base64url) the signature was checked with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Why there is no report: the relay's refusal (`policy.denied`, `auth.required`, …) or the
    /// client's own trouble reaching it (`relay.unreachable`, `relay.signature_invalid`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RelayFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayFailure {
    pub code: String,
    pub message: String,
}

/// Codes of [`RelayFailure`] that the client gives itself (the relay's own refusals keep the
/// codes of `wire::error_code`).
pub mod failure_code {
    /// No connection, or no WebSocket, to the relay.
    pub const UNREACHABLE: &str = "relay.unreachable";
    /// The relay's key could not be read from `/api/v1/key`.
    pub const NO_KEY: &str = "relay.no_key";
    /// The relay broke the protocol, closed early, or took too long.
    pub const PROTOCOL: &str = "relay.protocol";
    /// The report does not verify against the relay's key.
    pub const SIGNATURE_INVALID: &str = "relay.signature_invalid";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_as_their_names() {
        for kind in VantageKind::ALL {
            let json = serde_json::to_string(&kind).expect("serialises");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<VantageKind>(&json).ok(), Some(kind));
        }
    }
}
