//! Put the client section and findings into a report. A failing client finding turns a healthy
//! verdict into a problem — the host passes, this computer would not — without a stage (client
//! findings are not on the ladder); a host-side problem stays the verdict.

use rdpcheck_report::{Plain, Report, Severity, VerdictStatus};

use crate::Judgement;

const CREDSSP_DIALOG: &str = "An authentication error has occurred … This could be due to CredSSP encryption oracle remediation";

pub fn attach(report: &mut Report, judgement: Judgement) {
    let fails: Vec<_> = judgement
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Fail)
        .collect();
    let warns: Vec<_> = judgement
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .collect();
    let v = &mut report.verdict;
    if v.status == VerdictStatus::Healthy {
        if let Some(first) = fails.first() {
            v.status = VerdictStatus::Problem;
            v.stage = None;
            v.codes = fails.iter().map(|f| f.code).collect();
            v.summary = format!(
                "The host passes every check, but this computer would fail: {}",
                first.summary
            );
            v.client_error_hint =
                (first.code == Plain::ClientCredsspBlocked).then(|| CREDSSP_DIALOG.to_string());
        } else if !warns.is_empty() {
            let codes: Vec<String> = warns.iter().map(|f| f.code.to_string()).collect();
            v.summary.push_str(&format!(
                " This computer: {} warning(s): {}.",
                warns.len(),
                codes.join(", ")
            ));
            v.codes.extend(warns.iter().map(|f| f.code));
        }
    }
    report.findings.extend(judgement.findings);
    report.client = Some(judgement.section);
}
