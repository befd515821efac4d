//! Connects a check to the knowledge base's causes: whether a cause's evidence (a finding code)
//! was seen, not seen, or could not be tested. Read from what the relay streamed (findings and
//! stage results), so the page never parses the report itself (the report module does that).

use rdpcheck_report::{CodeKey, FindingCode, Stage};

/// What a check found, as far as the causes need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Every finding's code.
    pub findings: Vec<FindingCode>,
    /// The stages that ran (finished, not skipped, not cut off by the deadline).
    pub ran: Vec<Stage>,
}

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

/// Whether `code` (exact, or a family such as `tls.alert`) was found. A key that is no finding
/// code (a knowledge-base typo) is never seen: its stage is unknown.
pub fn seen(code: &str, evidence: &Evidence) -> Seen {
    if evidence.findings.iter().any(|f| f.is_covered_by(code)) {
        return Seen::Found;
    }
    let Some(stage) = code.parse::<CodeKey>().ok().and_then(CodeKey::stage) else {
        return Seen::Untested;
    };
    if evidence.ran.contains(&stage) {
        Seen::Absent
    } else {
        Seen::Untested
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_found_absent_or_untested() {
        let e = Evidence {
            findings: vec!["tls.alert.handshake_failure".parse().expect("a code")],
            ran: vec![Stage::Tcp, Stage::Tls],
        };
        assert_eq!(seen("tls.alert", &e), Seen::Found);
        assert_eq!(seen("tls.alert.handshake_failure", &e), Seen::Found);
        assert_eq!(seen("tls.al", &e), Seen::Untested);
        assert_eq!(seen("tcp.refused", &e), Seen::Absent);
        assert_eq!(seen("nla.no_challenge", &e), Seen::Untested);
        assert_eq!(seen("security.nla_required", &e), Seen::Untested);
    }
}
