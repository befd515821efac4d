//! What the comparison reads from one report: statuses, failure kinds, the answers it compares.

use rdpcheck_report::{FindingCode, Plain, Report, Severity, SideVerdict, Stage, StageStatus};

use super::*;

pub(super) fn has_gateway(r: &Report) -> bool {
    r.stages.iter().any(|s| s.name == Stage::GatewayDns)
}

pub(super) fn side(r: &Report) -> SideVerdict {
    SideVerdict {
        status: r.verdict.status,
        stage: r.verdict.stage,
        codes: r.verdict.codes.clone(),
    }
}

pub(super) fn status(r: &Report, stage: Stage) -> Option<StageStatus> {
    r.stages.iter().find(|s| s.name == stage).map(|s| s.status)
}

/// The failure codes a stage produced.
pub(super) fn fail_codes(r: &Report, stage: Stage) -> Vec<FindingCode> {
    let mut codes: Vec<FindingCode> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Fail && f.code.stage() == Some(stage))
        .map(|f| f.code)
        .collect();
    codes.dedup();
    codes
}

pub(super) fn outcome(r: &Report, stage: Stage) -> Outcome {
    match status(r, stage) {
        None => Outcome::Absent,
        Some(StageStatus::Pass | StageStatus::Warn) => Outcome::Ok,
        Some(StageStatus::Skip) => Outcome::NotRun,
        Some(StageStatus::Unknown) => Outcome::Unknown,
        Some(StageStatus::Fail) => {
            let mut kinds: Vec<String> =
                fail_codes(r, stage).into_iter().map(failure_kind).collect();
            kinds.sort();
            kinds.dedup();
            Outcome::Fail(kinds)
        }
    }
}

/// Failure codes that mean the same thing seen from anywhere share a kind.
pub(super) fn failure_kind(code: FindingCode) -> String {
    let kind = match code {
        FindingCode::Plain(Plain::X224Closed | Plain::X224Reset) => "x224.cut",
        FindingCode::Plain(Plain::X224Silent | Plain::X224Stalled) => "x224.silent",
        FindingCode::Plain(Plain::TlsClosedAfterHello | Plain::TlsReset) => "tls.cut",
        FindingCode::Plain(Plain::DnsNxdomain | Plain::DnsNoAnswer) => "dns.no_name",
        other => return other.to_string(),
    };
    kind.to_string()
}

/// The security protocol the host selected in the main negotiation.
pub(super) fn selected(r: &Report) -> Option<&str> {
    r.stages
        .iter()
        .find(|s| s.name == Stage::X224)
        .and_then(|s| s.details.get("selected"))
        .and_then(|v| v.as_str())
}

pub(super) fn leaf_sha256(r: &Report) -> Option<&str> {
    r.tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .map(|c| c.sha256.as_str())
}

pub(super) fn gateway_sha256(r: &Report) -> Option<&str> {
    r.gateway
        .as_ref()
        .and_then(|g| g.tls.as_ref())
        .and_then(|t| t.certificate.as_ref())
        .map(|c| c.sha256.as_str())
}

/// The computer the NTLM CHALLENGE named: `DOMAIN\COMPUTER`, or the DNS name.
pub(super) fn identity(r: &Report) -> Option<String> {
    let n = r.nla.as_ref()?;
    match (&n.netbios_domain, &n.netbios_computer, &n.dns_computer) {
        (Some(d), Some(c), _) => Some(format!("{d}\\{c}")),
        (None, Some(c), _) => Some(c.clone()),
        (_, None, Some(dns)) => Some(dns.clone()),
        _ => None,
    }
}

/// The layers accepted on their own, where the probe got an answer: `rdp, tls`.
pub(super) fn layers(r: &Report) -> Option<Vec<(&'static str, bool)>> {
    let l = r.security_layers.as_ref()?;
    Some(
        [
            ("rdp", &l.rdp),
            ("tls", &l.tls),
            ("nla", &l.nla),
            ("nla_ex", &l.nla_ex),
            ("rdstls", &l.rdstls),
            ("rdsaad", &l.rdsaad),
        ]
        .into_iter()
        .filter(|(_, r)| r.error.is_none())
        .map(|(name, r)| (name, r.accepted))
        .collect(),
    )
}

pub(super) fn accepted_list(list: &[(&'static str, bool)], with: &[&str]) -> String {
    let names: Vec<&str> = list
        .iter()
        .filter(|(n, ok)| *ok && with.contains(n))
        .map(|(n, _)| *n)
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Whether the host answered differently at `stage`, which both sides passed.
pub(super) fn answer(
    local: &Report,
    relay: &Report,
    stage: Stage,
    redacted: bool,
) -> Option<Decision> {
    let differ = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => Some((a.to_string(), b.to_string())),
        _ => None,
    };
    match stage {
        Stage::X224 => differ(selected(local), selected(relay))
            .map(|(a, b)| Decision::Answer(Answer::Protocol(a, b))),
        Stage::SecurityLayers => {
            let (a, b) = (layers(local)?, layers(relay)?);
            // Only the layers both sides got an answer for.
            let both: Vec<&str> = a
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| b.iter().any(|(m, _)| m == n))
                .collect();
            let (la, lb) = (accepted_list(&a, &both), accepted_list(&b, &both));
            (la != lb).then_some(Decision::Answer(Answer::Layers(la, lb)))
        }
        Stage::Tls => differ(leaf_sha256(local), leaf_sha256(relay))
            .map(|(a, b)| Decision::Answer(Answer::Certificate(a, b))),
        Stage::GatewayTls => differ(gateway_sha256(local), gateway_sha256(relay))
            .map(|(a, b)| Decision::Answer(Answer::Certificate(a, b))),
        Stage::Nla if !redacted => {
            let (a, b) = (identity(local)?, identity(relay)?);
            (!a.eq_ignore_ascii_case(&b)).then_some(Decision::Answer(Answer::Identity(a, b)))
        }
        Stage::Udp => {
            udp_differs(local, relay).map(|open_local| Decision::Fails { local: !open_local })
        }
        _ => None,
    }
}

/// `Some(true)`: UDP answered only the local side; `Some(false)`: only the relay.
pub(super) fn udp_differs(local: &Report, relay: &Report) -> Option<bool> {
    let open = |r: &Report| r.udp.as_ref().map(|u| u.status == "open");
    match (open(local)?, open(relay)?) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Warning codes `only` has and `other` does not, from stages both sides passed.
pub(super) fn warnings_only_in(only: &Report, other: &Report) -> Vec<String> {
    let warns = |r: &Report| -> Vec<FindingCode> {
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .filter(|f| {
                f.code.stage().is_none_or(|s| {
                    outcome(only, s) == Outcome::Ok && outcome(other, s) == Outcome::Ok
                })
            })
            .map(|f| f.code)
            .collect()
    };
    let theirs = warns(other);
    let mut out: Vec<String> = warns(only)
        .into_iter()
        .filter(|c| !theirs.contains(c))
        .map(|c| c.to_string())
        .collect();
    out.dedup();
    out
}
