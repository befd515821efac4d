//! Connects a check to the knowledge base's causes: whether a cause's evidence (a finding code)
//! was seen, not seen, or could not be tested. Read from what the relay streamed (findings and
//! stage results), so the page never parses the report itself (the report module does that).
//! The shell collects it; this module marks the causes with it.

use rdpcheck_report::{CodeKey, FindingCode, Stage};

/// What a check found, as far as the causes need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Every finding's code.
    pub findings: Vec<FindingCode>,
    /// The stages that ran (finished, not skipped, not cut off by the deadline).
    pub ran: Vec<Stage>,
}

impl Evidence {
    /// One line of text, for the knowledge-base module: the finding codes, ` / `, the stages
    /// that ran.
    pub fn to_text(&self) -> String {
        let words = |list: Vec<String>| list.join(" ");
        format!(
            "{} / {}",
            words(self.findings.iter().map(ToString::to_string).collect()),
            words(self.ran.iter().map(ToString::to_string).collect())
        )
    }

    /// Reads [`Evidence::to_text`]'s line; a word that is no finding code or stage is left out.
    pub fn from_text(text: &str) -> Evidence {
        let (findings, ran) = text.split_once(" / ").unwrap_or((text, ""));
        Evidence {
            findings: findings
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect(),
            ran: ran
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect(),
        }
    }
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

    #[test]
    fn evidence_crosses_into_the_module_as_text() {
        let e = Evidence {
            findings: vec![
                "tls.alert.handshake_failure".parse().expect("a code"),
                "tcp.refused".parse().expect("a code"),
            ],
            ran: vec![Stage::Tcp, Stage::Tls],
        };
        assert_eq!(Evidence::from_text(&e.to_text()), e);
        assert_eq!(
            Evidence::from_text(&Evidence::default().to_text()),
            Evidence::default()
        );
        let odd = Evidence::from_text("nope tcp.refused / tcp nostage");
        assert_eq!(odd.findings.len(), 1);
        assert_eq!(odd.ran, vec![Stage::Tcp]);
    }
}
