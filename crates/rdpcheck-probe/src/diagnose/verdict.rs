use rdpcheck_report::{Finding, Severity, Verdict, VerdictStatus};

use super::hints::client_error_hint;
use super::stage_of;

/// Healthy, or the first ladder stage with a failing finding — where a client would die.
///
/// With a gateway, a host that cannot be reached directly from here (dns/tcp) is expected and
/// not decisive: the client reaches it through the gateway.
pub fn verdict(findings: &[Finding], order: &[&str], via_gateway: bool) -> Verdict {
    let fails_at = |stage: &str| {
        findings
            .iter()
            .filter(|f| f.severity == Severity::Fail && stage_of(&f.code) == stage)
            .collect::<Vec<_>>()
    };
    let unreachable_behind_gateway = |stage: &str| via_gateway && matches!(stage, "dns" | "tcp");
    let decisive = order
        .iter()
        .find(|stage| !fails_at(stage).is_empty() && !unreachable_behind_gateway(stage));
    let Some(stage) = decisive else {
        return healthy(findings, order, via_gateway, &fails_at);
    };
    let fails = fails_at(stage);
    let first = fails[0];
    Verdict {
        status: VerdictStatus::Problem,
        stage: Some(stage.to_string()),
        codes: fails.iter().map(|f| f.code.clone()).collect(),
        summary: format!(
            "A client would fail at the {stage} stage: {}",
            first.summary
        ),
        client_error_hint: client_error_hint(&first.code),
    }
}

fn healthy<'a>(
    findings: &'a [Finding],
    order: &[&str],
    via_gateway: bool,
    fails_at: &dyn Fn(&str) -> Vec<&'a Finding>,
) -> Verdict {
    let warnings: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .map(|f| f.code.clone())
        .collect();
    let hidden: Vec<&Finding> = order
        .iter()
        .filter(|s| matches!(**s, "dns" | "tcp"))
        .flat_map(|s| fails_at(s))
        .collect();
    let mut summary = if via_gateway && !hidden.is_empty() {
        format!(
            "The RD Gateway path passes every check that can run without credentials. The host itself is not reachable from here ({}), which is expected behind a gateway: its own health could not be checked.",
            hidden.iter().map(|f| f.code.as_str()).collect::<Vec<_>>().join(", ")
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
            warnings.join(", ")
        ));
    }
    let mut codes: Vec<String> = hidden.iter().map(|f| f.code.clone()).collect();
    codes.extend(warnings);
    Verdict {
        status: VerdictStatus::Healthy,
        stage: None,
        codes,
        summary,
        client_error_hint: None,
    }
}
