//! Connects a report to the knowledge base: which articles explain its verdict, and whether a
//! cause's evidence (a finding code) was seen, not seen, or could not be tested.

use rdpcheck_kb::Article;
use rdpcheck_report::{CodeKey, FindingCode, Plain, Report, Severity, StageStatus, VerdictStatus};

/// What a check says about one piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The finding is in the report: this cause is supported.
    Found,
    /// Its stage ran and the finding is absent: this cause is less likely.
    Absent,
    /// Its stage did not run (an earlier stage failed) or no check was made.
    Untested,
}

/// Whether `code` (exact, or a family such as `tls.alert`) appears in the report. A key that is
/// no finding code (a knowledge-base typo) is never seen: its stage is unknown.
pub fn seen(code: &str, report: &Report) -> Seen {
    if report.findings.iter().any(|f| f.code.is_covered_by(code)) {
        return Seen::Found;
    }
    let Some(stage) = code.parse::<CodeKey>().ok().and_then(CodeKey::stage) else {
        return Seen::Untested;
    };
    let ran = report
        .stages
        .iter()
        .any(|s| s.name == stage && !matches!(s.status, StageStatus::Skip | StageStatus::Unknown));
    if ran {
        Seen::Absent
    } else {
        Seen::Untested
    }
}

/// The articles behind a report's verdict (or its warnings when healthy), most relevant first,
/// without repeats.
pub fn articles_for_report(report: &Report) -> Vec<&'static Article> {
    let mut codes: Vec<FindingCode> = report.verdict.codes.clone();
    if report.verdict.status == VerdictStatus::Incomplete {
        // First: why a check runs out of time, and what to do about it.
        codes.insert(0, Plain::ProbeTimeout.into());
    }
    if codes.is_empty() {
        codes = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .map(|f| f.code)
            .collect();
    }
    let mut out: Vec<&'static Article> = Vec::new();
    for code in codes {
        for id in rdpcheck_kb::articles_for_finding(code) {
            if let Some(a) = rdpcheck_kb::article(&id) {
                if !out.iter().any(|x| x.id == a.id) {
                    out.push(a);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(findings: &[&str], stages: &[(&str, &str)]) -> Report {
        let findings: Vec<_> = findings
            .iter()
            .map(|c| serde_json::json!({"code": c, "severity": "fail", "summary": "s", "evidence": "e"}))
            .collect();
        let stages: Vec<_> = stages
            .iter()
            .map(|(n, s)| serde_json::json!({"name": n, "status": s, "duration_ms": 1.0, "summary": ""}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "schema": 1, "tool": {"name": "rdpcheck", "version": "0"},
            "target": {"host": "h", "port": 3389}, "started_at": "t", "duration_ms": 1.0,
            "stages": stages, "findings": findings,
            "verdict": {"status": "problem", "stage": "tls", "codes": ["tls.closed_after_hello"], "summary": "s"}
        }))
        .expect("report")
    }

    #[test]
    fn evidence_is_found_absent_or_untested() {
        let r = report(
            &["tls.alert.handshake_failure"],
            &[("tcp", "pass"), ("tls", "fail"), ("nla", "skip")],
        );
        assert_eq!(seen("tls.alert", &r), Seen::Found);
        assert_eq!(seen("tls.alert.handshake_failure", &r), Seen::Found);
        assert_eq!(seen("tls.al", &r), Seen::Untested);
        assert_eq!(seen("tcp.refused", &r), Seen::Absent);
        assert_eq!(seen("nla.no_challenge", &r), Seen::Untested);
        assert_eq!(seen("security.nla_required", &r), Seen::Untested);
    }

    #[test]
    fn verdict_codes_lead_to_articles() {
        let r = report(&["tls.closed_after_hello"], &[("tls", "fail")]);
        let a = articles_for_report(&r);
        assert!(!a.is_empty());
        assert!(!a[0].fix_host.is_empty() || a[0].none_host.is_some());
    }
}
