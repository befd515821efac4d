//! The one answer, for the client the user runs (`Observations::client`): healthy, or the first
//! ladder stage where that client would die — and why; or incomplete, when what would decide it
//! could not be checked (the whole-check deadline cut stages short, or rdpcheck's own TLS stack
//! could not follow the host where clients can). Every family's outcome goes with it, and the
//! summary says who else fails.

use rdpcheck_report::{
    ClientId, ClientOutcome, ClientVerdict, Finding, FindingCode, Severity, Stage, Verdict,
    VerdictStatus,
};
use rdpcheck_words::client_name;

use super::clients::{self, Facts};
use super::hints::client_error_hint;
use super::{nla_selected, tls};
use crate::observe::Observations;

/// With a gateway, a host that cannot be reached directly from here (dns/tcp) is expected and
/// not decisive: the client reaches it through the gateway.
pub fn verdict(obs: &Observations, findings: &[Finding], order: &[Stage]) -> Verdict {
    let via_gateway = obs.gateway.is_some();
    let facts = Facts::from_observations(obs);
    // NLA behind a handshake rdpcheck could not finish is unchecked for the clients that would
    // get past TLS (those that fail at TLS fail anyway).
    let unchecked = tls::own_failure(obs)
        .map(|f| f.code)
        .filter(|_| nla_selected(obs));
    let all = clients::judge(findings, &facts, unchecked);
    let chosen = obs.client;
    let mine = all
        .iter()
        .find(|c| c.client == chosen)
        .cloned()
        .unwrap_or(ClientVerdict {
            client: chosen,
            outcome: ClientOutcome::Unknown,
            why: Vec::new(),
        });
    // UDP never decides a verdict, so a check cut only there still answers.
    let cut: Vec<Stage> = obs
        .deadline_skipped
        .iter()
        .copied()
        .filter(|s| *s != Stage::Udp)
        .collect();
    let mut v = match (mine.outcome, cut.first()) {
        (ClientOutcome::Fails, _) => problem(findings, &mine, order),
        (_, Some(first_cut)) => incomplete(findings, *first_cut, &cut),
        (ClientOutcome::Unknown, None) => undecided(findings, &mine, order),
        (ClientOutcome::Connects | ClientOutcome::Warns, None) => {
            let hidden: Vec<&Finding> = findings
                .iter()
                .filter(|f| {
                    f.severity == Severity::Fail
                        && matches!(f.code.stage(), Some(Stage::Dns | Stage::Tcp))
                })
                .collect();
            healthy(findings, &hidden, via_gateway, chosen)
        }
    };
    if let Some(others) = rdpcheck_words::other_clients(chosen, &all) {
        if !v.summary.ends_with(['.', '!', '?']) {
            v.summary.push('.');
        }
        v.summary.push(' ');
        v.summary.push_str(&others);
    }
    v.client = Some(chosen);
    v.clients = all;
    v
}

/// The findings behind `codes`, in report order.
fn behind<'f>(findings: &'f [Finding], codes: &[FindingCode]) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|f| codes.contains(&f.code))
        .collect()
}

fn problem(findings: &[Finding], mine: &ClientVerdict, order: &[Stage]) -> Verdict {
    let stage = clients::failing_stage(mine, order);
    let codes: Vec<FindingCode> = mine
        .why
        .iter()
        .copied()
        .filter(|c| stage.is_some() && c.stage() == stage)
        .collect();
    let first = behind(findings, &codes).first().copied();
    let lead = match stage {
        Some(s) => rdpcheck_words::fails_at(s),
        None => "A client would fail".to_string(),
    };
    Verdict {
        status: VerdictStatus::Problem,
        stage,
        summary: format!(
            "{lead}: {}",
            first.map(|f| f.summary.as_str()).unwrap_or_default()
        ),
        client_error_hint: first
            .and_then(|f| client_error_hint(f.code))
            .map(str::to_string),
        codes,
        client: None,
        clients: Vec::new(),
    }
}

/// The chosen client's outcome is open without any stage being cut: rdpcheck could not follow
/// the host past TLS, or the client's defaults are not known for what the host does.
fn undecided(findings: &[Finding], mine: &ClientVerdict, order: &[Stage]) -> Verdict {
    let first = behind(findings, &mine.why).first().copied();
    let stage = order
        .iter()
        .copied()
        .find(|s| mine.why.iter().any(|c| c.stage() == Some(*s)));
    Verdict {
        status: VerdictStatus::Incomplete,
        stage,
        codes: mine.why.clone(),
        summary: format!(
            "rdpcheck cannot tell whether {} gets through: {}",
            client_name(mine.client),
            first
                .map(|f| f.summary.as_str())
                .unwrap_or("what it saw does not settle it")
        ),
        client_error_hint: None,
        client: None,
        clients: Vec::new(),
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
        client: None,
        clients: Vec::new(),
    }
}

fn healthy(
    findings: &[Finding],
    hidden: &[&Finding],
    via_gateway: bool,
    client: ClientId,
) -> Verdict {
    // A failure that is not this client's (another client's TLS, say) is named by the clients.
    let others_fail = findings
        .iter()
        .any(|f| f.severity == Severity::Fail && !hidden.iter().any(|h| h.code == f.code));
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
    } else if others_fail {
        format!(
            "{} would reach the logon: nothing it depends on fails.",
            client_name(client)
        )
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
        client: None,
        clients: Vec::new(),
    }
}
