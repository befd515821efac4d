//! The x224 stage: the main negotiation (TLS+NLA+NLA-EX offered) and its confirm.

use rdpcheck_proto::x224::{protocol_name, FailureCode, Negotiation};
use rdpcheck_report::{Finding, FindingCode, Plain, Severity};
use serde_json::{json, Map};

use super::{finding, Judged};
use crate::describe;
use crate::observe::{Observations, ReplyOutcome, Sample};

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let x = obs.x224.as_ref()?;
    let evidence = describe::reply_outcome(&x.value);
    let mut details = Map::new();
    let fail = |code: Plain, summary: &str| vec![finding(code, Severity::Fail, summary, &evidence)];
    let mut findings = match &x.value {
        ReplyOutcome::Confirm {
            negotiation,
            src_ref,
            ..
        } => {
            details.insert("source_ref".into(), json!(format!("{src_ref:#06x}")));
            match negotiation {
                Negotiation::Selected { selected, flags } => {
                    details.insert("selected".into(), json!(protocol_name(*selected)));
                    details.insert("flags".into(), json!(flags.to_string()));
                    details.insert("flag_names".into(), json!(flags.names()));
                    vec![]
                }
                Negotiation::Failure(code) => vec![neg_failure(*code, &evidence)],
                Negotiation::Legacy => vec![finding(
                    Plain::X224Legacy,
                    Severity::Warn,
                    "The server answered without negotiation data: a pre-2003 RDP stack or a proxy; only standard RDP security is possible",
                    &evidence,
                )],
            }
        }
        ReplyOutcome::Closed { .. } | ReplyOutcome::Io(_) => fail(
            Plain::X224Closed,
            "The server accepted TCP, then closed the connection without answering the RDP connection request: the RDP service refuses it, or security software on the path cuts RDP",
        ),
        ReplyOutcome::Reset { .. } => fail(
            Plain::X224Reset,
            "The server accepted TCP, then reset the connection instead of answering the RDP connection request: the RDP service refuses it, or security software or a firewall on the path cuts RDP",
        ),
        ReplyOutcome::Silent => fail(
            Plain::X224Silent,
            "The server accepted TCP but never answered the RDP connection request: a hung RDP service, or a firewall on the path that lets the connection open and drops what follows",
        ),
        ReplyOutcome::Stalled { .. } => fail(
            Plain::X224Stalled,
            "The server started an answer and then stopped sending before the deadline",
        ),
        ReplyOutcome::NotRdp { peer, .. } => vec![finding(
            Plain::X224NotRdp,
            Severity::Fail,
            format!("This port does not speak RDP: {peer} answered"),
            &evidence,
        )],
        ReplyOutcome::Malformed { .. } => fail(
            Plain::X224Malformed,
            "The server's answer looks like RDP framing but does not decode as a connection confirm",
        ),
        ReplyOutcome::Disconnect { .. } => fail(
            Plain::X224Disconnect,
            "The server answered the connection request with a disconnect",
        ),
        ReplyOutcome::ConnectFailed(_) => fail(
            Plain::TcpError,
            "The negotiation connection could not be made",
        ),
    };
    if matches!(
        x.value,
        ReplyOutcome::Closed { .. } | ReplyOutcome::Reset { .. }
    ) {
        if let (Some(f), Some(again)) = (findings.first_mut(), repeated(obs, &evidence)) {
            f.evidence = format!("{}; {again}", f.evidence);
        }
    }
    Some(Judged::from_findings(
        findings,
        format!("RDP answered: {evidence}"),
        details,
        x.ms,
    ))
}

/// What the stability samples (made after a cut) say about the cut `first`: whether every new
/// connection was cut the same way (a rule) or only some (intermittent).
fn repeated(obs: &Observations, first: &str) -> Option<String> {
    let samples = &obs.stability.as_ref()?.value;
    let n = samples.len();
    let same = samples
        .iter()
        .filter(|s| matches!(s, Sample::Failed(why) if why == first))
        .count();
    let answered = samples
        .iter()
        .filter(|s| matches!(s, Sample::Ok { .. }))
        .count();
    if n == 0 {
        return None;
    }
    Some(if same == n {
        format!(
            "repeated: all {n} new connections were cut the same way, so it is consistent: the RDP service or a rule on the path refuses RDP, not a flaky link"
        )
    } else if answered > 0 {
        format!(
            "repeated: {same} of {n} new connections were cut the same way and {answered} answered, so it is intermittent: security software under load, a flaky middlebox or a struggling service"
        )
    } else {
        format!(
            "repeated: {same} of {n} new connections were cut the same way; the others failed otherwise"
        )
    })
}

/// We offered TLS, NLA and NLA-EX, so only "standard RDP only" leaves clients a way in (insecure).
fn neg_failure(code: FailureCode, evidence: &str) -> Finding {
    let (severity, summary) = match code {
        FailureCode::SslNotAllowed => (
            Severity::Warn,
            "The server refuses TLS and NLA: clients fall back to standard RDP security, which has no server authentication".to_string(),
        ),
        other => (
            Severity::Fail,
            format!("The server refused the negotiation: {other}"),
        ),
    };
    finding(FindingCode::neg_failure(code), severity, summary, evidence)
}
