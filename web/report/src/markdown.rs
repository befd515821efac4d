//! A report as Markdown, to paste into a ticket.

use std::fmt::Write as _;

use rdpcheck_report::Report;
use rdpcheck_words as words;

/// Escapes the characters that would break a table cell or start formatting.
pub(crate) fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('`', "'")
}

/// Markdown for a ticket. `verified` is the banner line; `link` the share link, when there is one.
pub fn report_markdown(r: &Report, verified: Option<&str>, link: Option<&str>) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## rdpcheck: {}", cell(&words::target(r)));
    o.push('\n');
    let _ = writeln!(
        o,
        "**{}** — {}",
        words::verdict_word(r.verdict.status),
        cell(&r.verdict.summary)
    );
    if let Some(h) = &r.verdict.client_error_hint {
        let _ = writeln!(o, "\n{}: {}", words::CLIENT_HINT, cell(h));
    }
    o.push('\n');
    for fact in words::meta(r) {
        let _ = writeln!(o, "- {}: {}", fact.label, cell(&fact.value));
    }
    if let Some(v) = verified {
        let _ = writeln!(o, "- Signature: {}", cell(v));
    }
    if let Some(l) = link {
        let _ = writeln!(o, "- Report: <{l}>");
    }
    o.push('\n');
    let _ = writeln!(o, "| stage | result | time | what happened |");
    let _ = writeln!(o, "|---|---|---|---|");
    for s in &r.stages {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            s.name,
            words::status_word(s.status),
            words::ms(s.duration_ms),
            cell(&s.summary)
        );
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\n### Findings\n");
        for f in &r.findings {
            let _ = writeln!(
                o,
                "- **{}** `{}` — {}",
                words::severity_word(f.severity),
                f.code,
                cell(&f.summary)
            );
            if !f.evidence.is_empty() {
                let _ = writeln!(o, "  - evidence: `{}`", code_span(&f.evidence));
            }
        }
    }
    for section in words::sections(r) {
        let _ = writeln!(o, "\n### {}\n", section.title);
        if let Some(note) = section.note {
            let _ = writeln!(o, "{note}\n");
        }
        for fact in &section.facts {
            if fact.mono {
                let _ = writeln!(o, "- {}: `{}`", fact.label, code_span(&fact.value));
            } else {
                let _ = writeln!(o, "- {}: {}", fact.label, cell(&fact.value));
            }
        }
    }
    o
}

/// Text that goes between backticks.
fn code_span(s: &str) -> String {
    s.replace('`', "'").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ticket text of real lab reports (crates/rdpcheck-words/tests/fixtures), held still by
    /// snapshots in logic/snapshots/. After a deliberate change: `UPDATE_EXPECT=1 cargo test -p
    /// rdpcheck-web --lib`, then read the diff.
    macro_rules! snapshot {
        ($test:ident, $name:literal) => {
            #[test]
            fn $test() {
                let report: Report = serde_json::from_str(include_str!(concat!(
                    "../../../crates/rdpcheck-words/tests/fixtures/",
                    $name,
                    ".json"
                )))
                .expect("a report");
                let md = report_markdown(&report, Some("Signed by relay K — verified"), None);
                expect_test::expect_file![concat!("snapshots/", $name, ".md")].assert_eq(&md);
            }
        };
    }

    snapshot!(xrdp_negotiate, "xrdp-negotiate");
    snapshot!(shadow_nla, "shadow-nla");
    snapshot!(closes_after_request, "closes-after-request");
    snapshot!(gateway_live, "gateway-live");

    #[test]
    fn ticket_text_has_verdict_stages_and_escapes_pipes() {
        let r: Report = serde_json::from_value(serde_json::json!({
            "schema": 1, "tool": {"name": "rdpcheck", "version": "0.1.0"},
            "target": {"host": "h.example", "port": 3389}, "started_at": "2026-11-21T00:00:00Z", "duration_ms": 12.0,
            "stages": [{"name": "tcp", "status": "fail", "duration_ms": 2.0, "summary": "refused | RST"}],
            "findings": [{"code": "tcp.refused", "severity": "fail", "summary": "refused", "evidence": "RST after 2 ms"}],
            "verdict": {"status": "problem", "stage": "tcp", "codes": ["tcp.refused"], "summary": "A client would fail at tcp", "client_error_hint": "0x204"}
        }))
        .expect("report");
        let md = report_markdown(&r, Some("verified"), Some("https://r/r#v1.x"));
        assert!(md.starts_with("## rdpcheck: h.example:3389\n"));
        assert!(md.contains("**PROBLEM** — A client would fail at tcp"));
        assert!(md.contains("| tcp | fail | 2.0 ms | refused \\| RST |"));
        assert!(md.contains("`tcp.refused`"));
        assert!(md.contains("0x204"));
        assert!(md.contains("<https://r/r#v1.x>"));
    }
}
