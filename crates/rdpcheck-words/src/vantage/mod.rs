//! Two vantage points: the same check from the user's computer and from a relay, compared. Pure:
//! two reports in, a [`Vantage`] out (the first stage where they diverge, what kind of
//! difference it is, and what it means in words). The CLI (`rdpcheck probe --relay`) and the
//! page (a `v2.` link) call the same function.
//!
//! The rules, in ladder order (gateway hop, direct path, UDP), stage by stage:
//! - a stage is compared only when both sides ran it (pass/warn or fail); a stage one side
//!   skipped or did not have is passed over, and a stage cut by a deadline ends the comparison;
//! - pass/warn on one side and fail on the other diverges there (`local_fails` /
//!   `relay_fails`);
//! - fail on both diverges when the failures differ in kind (`both_fail_differently`); closed
//!   and reset count as one kind, as do silent and stalled, and a missing name and a name
//!   without addresses; the same kind on both is `same_failure` (the host, not the path);
//! - pass on both diverges when the host answered differently: another selected protocol
//!   (x224), other security layers accepted (security_layers), another certificate (tls,
//!   gateway.tls, by SHA-256), another computer in the NTLM CHALLENGE (nla) — all
//!   `different_answer`; UDP open on one side only diverges at udp;
//! - with an RD Gateway on both sides, the direct dns and tcp stages are not compared (the host
//!   is expected to be unreachable from outside);
//! - no difference: `both_healthy`, or `same_failure` at the verdict's stage.
//!
//! read.rs reads what the comparison needs from one report; meaning.rs turns a decision into words.

mod meaning;
mod read;

use meaning::*;
use read::*;

use rdpcheck_report::{Report, Stage, StagePair, Vantage, VantageKind, VerdictStatus};

/// Who reads the comparison: the words for the local side depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The person at the computer the local check ran on (the CLI): "this computer".
    Here,
    /// Someone reading a shared link (the page): "the user's computer".
    Elsewhere,
}

impl Viewer {
    /// The local side's name, lower case: `this computer`, `the user's computer`.
    pub fn local_name(self) -> &'static str {
        match self {
            Viewer::Here => "this computer",
            Viewer::Elsewhere => "the user's computer",
        }
    }
}

/// The relay side's name, lower case.
pub const RELAY_NAME: &str = "the relay";
/// The label of the local timeline.
pub fn local_label(viewer: Viewer) -> &'static str {
    match viewer {
        Viewer::Here => "This computer",
        Viewer::Elsewhere => "User's computer",
    }
}
/// The label of the relay's timeline.
pub const RELAY_LABEL: &str = "Relay";
/// What marks the local report: nobody signed it.
pub const LOCAL_NOT_SIGNED: &str = "from the user's computer, not signed";
/// The local report's mark as its reader sees it.
pub fn local_signed(viewer: Viewer) -> &'static str {
    match viewer {
        Viewer::Here => "not signed (only a relay signs)",
        Viewer::Elsewhere => LOCAL_NOT_SIGNED,
    }
}
/// The marker under the stage where the two diverge.
pub const DIVERGES_HERE: &str = "diverges here";
/// The heading of the comparison.
pub const TITLE: &str = "Two vantage points";
/// Above the meaning.
pub const MEANING_LABEL: &str = "What it means";

/// Above the two summaries of the stage where the sides diverge.
pub fn at_stage(stage: Stage) -> String {
    format!("At the {stage} stage")
}
/// Above the two verdicts.
pub const VERDICTS: &str = "Verdicts";
/// Before a note.
pub const NOTE: &str = "note";
/// Above the link with both reports.
pub const OPEN_IN_PAGE: &str =
    "Open both in the page (the relay's report stays verifiably signed, this computer's is marked as not signed)";

/// "The relay could not check this target: <reason>" — the relay refused, or could not be
/// reached; the local check stands on its own.
pub fn relay_could_not_check(reason: &str) -> String {
    format!("The relay could not check this target: {reason}")
}

/// The relay's report and its signature, in words.
pub fn relay_signed(key_id: &str, verified: bool) -> String {
    if verified {
        format!("signed by the relay (key {key_id}), signature verified")
    } else {
        format!("signed by the relay (key {key_id}), signature NOT verified")
    }
}

/// The headline of the comparison: where they diverge, or that they agree.
pub fn headline(v: &Vantage) -> String {
    match (v.kind, v.diverges_at) {
        (VantageKind::BothHealthy, _) => "Both sides see a healthy host".to_string(),
        (VantageKind::SameFailure, _) => match v.local.stage {
            Some(stage) => format!("Both sides fail alike at the {stage} stage"),
            None => "Both sides fail alike".to_string(),
        },
        (VantageKind::Incomplete, _) => "The comparison is incomplete".to_string(),
        (_, Some(stage)) => format!("The two sides diverge at the {stage} stage"),
        (_, None) => "The two sides differ".to_string(),
    }
}

/// Compare for the person at the local computer (the CLI's wording).
pub fn compare(local: &Report, relay: &Report) -> Vantage {
    compare_as(local, relay, Viewer::Here)
}

/// How one side ran one stage, for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Pass or warn.
    Ok,
    /// Fail, with the kinds of its failure codes (sorted, deduplicated).
    Fail(Vec<String>),
    /// Skipped (an earlier failure, or nothing to do).
    NotRun,
    /// Cut by the deadline: nothing is known.
    Unknown,
    /// The report has no such stage.
    Absent,
}

/// What the comparison settled on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Decision {
    /// One side fails where the other passes.
    Fails {
        local: bool,
    },
    Differently,
    Answer(Answer),
    Same,
}

/// How the host answered differently, with both values.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Protocol(String, String),
    Layers(String, String),
    Certificate(String, String),
    Identity(String, String),
}

/// Compare the local report with the relay's, worded for `viewer`.
pub fn compare_as(local: &Report, relay: &Report, viewer: Viewer) -> Vantage {
    let redacted = local.redacted || relay.redacted;
    let gateway_both = has_gateway(local) && has_gateway(relay);
    let mut notes = Vec::new();
    let mut stages = Vec::new();
    let mut decided: Option<(Stage, Decision)> = None;
    let mut cut: Option<(Stage, bool)> = None;
    for stage in Stage::ALL {
        let (l, r) = (outcome(local, stage), outcome(relay, stage));
        if l == Outcome::Absent && r == Outcome::Absent {
            continue;
        }
        stages.push(StagePair {
            stage,
            local: status(local, stage),
            relay: status(relay, stage),
            local_codes: fail_codes(local, stage),
            relay_codes: fail_codes(relay, stage),
            diverges: false,
        });
        if decided.is_some() || cut.is_some() {
            continue;
        }
        if gateway_both && matches!(stage, Stage::Dns | Stage::Tcp) {
            continue;
        }
        decided = match (&l, &r) {
            (Outcome::Unknown, _) | (_, Outcome::Unknown) => {
                cut = Some((stage, l == Outcome::Unknown));
                None
            }
            (Outcome::Ok, Outcome::Ok) => answer(local, relay, stage, redacted).map(|d| (stage, d)),
            (Outcome::Ok, Outcome::Fail(_)) => Some((stage, Decision::Fails { local: false })),
            (Outcome::Fail(_), Outcome::Ok) => Some((stage, Decision::Fails { local: true })),
            (Outcome::Fail(a), Outcome::Fail(b)) if a == b => Some((stage, Decision::Same)),
            (Outcome::Fail(_), Outcome::Fail(_)) => Some((stage, Decision::Differently)),
            _ => None,
        };
    }
    // Without a stage that differs, the verdicts decide (e.g. a failure neither side compared).
    let lv = side(local);
    let rv = side(relay);
    let decided = decided.or_else(|| {
        if cut.is_some() {
            return None;
        }
        match (lv.status, rv.status) {
            (VerdictStatus::Problem, VerdictStatus::Problem) if lv.stage == rv.stage => {
                lv.stage.map(|s| (s, Decision::Same))
            }
            (VerdictStatus::Problem, VerdictStatus::Healthy) => {
                lv.stage.map(|s| (s, Decision::Fails { local: true }))
            }
            (VerdictStatus::Healthy, VerdictStatus::Problem) => {
                rv.stage.map(|s| (s, Decision::Fails { local: false }))
            }
            _ => None,
        }
    });
    let (kind, diverges_at) = match &decided {
        Some((s, Decision::Same)) => (VantageKind::SameFailure, (None, Some(*s))),
        Some((s, Decision::Fails { local: true })) => (VantageKind::LocalFails, (Some(*s), None)),
        Some((s, Decision::Fails { local: false })) => (VantageKind::RelayFails, (Some(*s), None)),
        Some((s, Decision::Differently)) => (VantageKind::BothFailDifferently, (Some(*s), None)),
        Some((s, Decision::Answer(_))) => (VantageKind::DifferentAnswer, (Some(*s), None)),
        None if cut.is_some() => (VantageKind::Incomplete, (None, None)),
        None if lv.status == VerdictStatus::Healthy && rv.status == VerdictStatus::Healthy => {
            (VantageKind::BothHealthy, (None, None))
        }
        None => (VantageKind::Incomplete, (None, None)),
    };
    let (diverges_at, same_at) = diverges_at;
    for pair in &mut stages {
        pair.diverges = Some(pair.stage) == diverges_at;
    }

    let same_certificate = match (leaf_sha256(local), leaf_sha256(relay)) {
        (Some(a), Some(b)) => Some(a.eq_ignore_ascii_case(b)),
        _ => None,
    };
    let same_protocol = match (selected(local), selected(relay)) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    let same_addresses =
        (!redacted && !local.target.addresses.is_empty() && !relay.target.addresses.is_empty())
            .then(|| {
                local
                    .target
                    .addresses
                    .iter()
                    .any(|a| relay.target.addresses.contains(a))
            });
    let same_identity = match (identity(local), identity(relay)) {
        (Some(a), Some(b)) if !redacted => Some(a.eq_ignore_ascii_case(&b)),
        _ => None,
    };

    let name = viewer.local_name();
    if same_addresses == Some(false) {
        notes.push(format!(
            "The two sides reached different addresses: {name} {}, the relay {}.",
            local.target.addresses.join(", "),
            relay.target.addresses.join(", ")
        ));
    }
    if redacted {
        notes.push(
            "One of the reports is redacted: names and addresses were not compared.".to_string(),
        );
    }
    if gateway_both {
        notes.push(
            "Both go through an RD Gateway: the direct dns and tcp stages are not compared (the \
             host is expected to be unreachable from outside)."
                .to_string(),
        );
    }
    if diverges_at != Some(Stage::Udp) {
        if let Some(open_local) = udp_differs(local, relay) {
            notes.push(if open_local {
                format!("UDP 3389 answers {name} but not the relay.")
            } else {
                format!("UDP 3389 answers the relay but not {name}: clients there use TCP only.")
            });
        }
    }
    for (only, other, who) in [(local, relay, name), (relay, local, RELAY_NAME)] {
        let codes = warnings_only_in(only, other);
        if !codes.is_empty() {
            notes.push(format!(
                "Only {who} sees the warning(s) {}.",
                codes.join(", ")
            ));
        }
    }

    let meaning = meaning(
        viewer,
        kind,
        decided.as_ref(),
        local,
        relay,
        &lv,
        &rv,
        cut,
        same_at,
    );
    Vantage {
        diverges_at,
        kind,
        meaning,
        local: lv,
        relay: rv,
        stages,
        same_certificate,
        same_protocol,
        same_addresses,
        same_identity,
        notes,
    }
}
