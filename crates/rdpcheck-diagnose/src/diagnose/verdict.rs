//! The one answer: healthy, or the first ladder stage with a failing finding — where a client
//! would die — and why; or incomplete, when the whole-check deadline cut stages short before
//! any stage failed (a check that did not finish is never healthy).

use rdpcheck_report::{Finding, FindingCode, Severity, Stage, Verdict, VerdictStatus};

use super::hints::client_error_hint;

/// With a gateway, a host that cannot be reached directly from here (dns/tcp) is expected and
/// not decisive: the client reaches it through the gateway.
pub fn verdict(findings: &[Finding], order: &[Stage], via_gateway: bool, cut: &[Stage]) -> Verdict {
    let fails_at = |stage: Stage| -> Vec<&Finding> {
        findings
            .iter()
            .filter(|f| f.severity == Severity::Fail && f.code.stage() == Some(stage))
            .collect()
    };
    let hidden_behind_gateway =
        |stage: Stage| via_gateway && matches!(stage, Stage::Dns | Stage::Tcp);
    let decisive = order
        .iter()
        .copied()
        .find(|stage| !fails_at(*stage).is_empty() && !hidden_behind_gateway(*stage));
    // UDP never decides a verdict, so a check cut only there still answers.
    let cut: Vec<Stage> = cut.iter().copied().filter(|s| *s != Stage::Udp).collect();
    if let (None, Some(first_cut)) = (decisive, cut.first()) {
        return incomplete(findings, *first_cut, &cut);
    }
    let Some(stage) = decisive else {
        let hidden: Vec<&Finding> = order
            .iter()
            .filter(|s| matches!(s, Stage::Dns | Stage::Tcp))
            .flat_map(|s| fails_at(*s))
            .collect();
        return healthy(findings, &hidden, via_gateway);
    };
    let fails = fails_at(stage);
    let (codes, first) = (
        fails.iter().map(|f| f.code).collect::<Vec<_>>(),
        fails.first().copied(),
    );
    Verdict {
        status: VerdictStatus::Problem,
        stage: Some(stage),
        codes,
        summary: format!(
            "{}: {}",
            rdpcheck_words::fails_at(stage),
            first.map(|f| f.summary.as_str()).unwrap_or_default()
        ),
        client_error_hint: first
            .and_then(|f| client_error_hint(f.code))
            .map(str::to_string),
    }
}

fn incomplete(findings: &[Finding], first_cut: Stage, cut: &[Stage]) -> Verdict {
    let names: Vec<&str> = cut.iter().map(|s| s.as_str()).collect();
    Verdict {
        status: VerdictStatus::Incomplete,
        stage: Some(first_cut),
        codes: findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .map(|f| f.code)
            .collect(),
        summary: format!(
            "The check did not finish: the whole-check deadline passed before {} ran. What ran passed, but a client could still fail from the {first_cut} stage on. Check again with a longer deadline (--timeout), or from closer to the host.",
            names.join(", ")
        ),
        client_error_hint: None,
    }
}

fn healthy(findings: &[Finding], hidden: &[&Finding], via_gateway: bool) -> Verdict {
    let warnings: Vec<FindingCode> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .map(|f| f.code)
        .collect();
    let list = |codes: &mut dyn Iterator<Item = FindingCode>| {
        codes.map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
    };
    let mut summary = if via_gateway && !hidden.is_empty() {
        format!(
            "The RD Gateway path passes every check that can run without credentials. The host itself is not reachable from here ({}), which is expected behind a gateway: its own health could not be checked.",
            list(&mut hidden.iter().map(|f| f.code))
        )
    } else if via_gateway {
        "No stage fails: the RD Gateway answers and the host would reach the logon.".to_string()
    } else {
        "No stage fails: a client would reach the logon.".to_string()
    };
    if !warnings.is_empty() {
        summary.push_str(&format!(
            " {} warning(s): {}.",
            warnings.len(),
            list(&mut warnings.iter().copied())
        ));
    }
    let mut codes: Vec<FindingCode> = hidden.iter().map(|f| f.code).collect();
    codes.extend(warnings);
    Verdict {
        status: VerdictStatus::Healthy,
        stage: None,
        codes,
        summary,
        client_error_hint: None,
    }
}
