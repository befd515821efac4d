use rdpcheck_report::{Finding, Severity, Verdict, VerdictStatus};

use super::hints::client_error_hint;
use super::{stage_of, STAGES};

/// Healthy, or the first ladder stage with a failing finding — where a client would die.
pub fn verdict(findings: &[Finding]) -> Verdict {
    let failing_stage = STAGES.iter().find(|stage| {
        findings
            .iter()
            .any(|f| f.severity == Severity::Fail && stage_of(&f.code) == **stage)
    });
    let Some(stage) = failing_stage else {
        let warnings: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .map(|f| f.code.clone())
            .collect();
        let summary = if warnings.is_empty() {
            "No stage fails: a client would reach the logon.".to_string()
        } else {
            format!(
                "No stage fails: a client would reach the logon. {} warning(s): {}.",
                warnings.len(),
                warnings.join(", ")
            )
        };
        return Verdict {
            status: VerdictStatus::Healthy,
            stage: None,
            codes: warnings,
            summary,
            client_error_hint: None,
        };
    };
    let fails: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Fail && stage_of(&f.code) == *stage)
        .collect();
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
