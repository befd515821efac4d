//! A finished report as markup: the verdict card (with the knowledge base's fixes), the
//! timeline with the stages table, the findings and the details. The page inserts it as it is
//! into a container of its own; the interactive parts (share box, the verification banner) stay
//! in the page. The copy buttons of the fixes' commands and the links to articles are wired by the
//! page's event delegation on that container.

use rdpcheck_kb::Article;
use rdpcheck_report::{FindingCode, Plain, Report, Severity, VerdictStatus};
use rdpcheck_words::{self as words, Fact, Tone};

use crate::article::{article_link, fixes};
use crate::html::{one_line, Out};
use crate::timeline::{self, bars_from_report, layout};

/// The whole report below the banner.
pub fn report_html(r: &Report) -> String {
    let mut o = Out(String::with_capacity(16 * 1024));
    verdict_card(&mut o, r);
    o.m("<section class=\"card\" aria-labelledby=\"timeline-title\"><h2 id=\"timeline-title\">Timeline</h2>");
    meta(&mut o, r);
    o.m(&timeline::html(&layout(&bars_from_report(r))));
    stages_table(&mut o, r);
    o.m("</section>");
    findings(&mut o, r);
    details(&mut o, r);
    o.0
}

/// `healthy`, `problem` or `incomplete`: the verdict card's class.
pub fn status_class(s: VerdictStatus) -> &'static str {
    match s {
        VerdictStatus::Healthy => "healthy",
        VerdictStatus::Problem => "problem",
        VerdictStatus::Incomplete => "incomplete",
    }
}

fn verdict_card(o: &mut Out, r: &Report) {
    let healthy = r.verdict.status == VerdictStatus::Healthy;
    let mark = match r.verdict.status {
        VerdictStatus::Healthy => "✓",
        VerdictStatus::Problem => "✕",
        VerdictStatus::Incomplete => "?",
    };
    o.m("<section class=\"card verdict ")
        .m(status_class(r.verdict.status))
        .m("\" aria-labelledby=\"verdict-title\"><h2 id=\"verdict-title\" tabindex=\"-1\"><span class=\"verdict-mark\" aria-hidden=\"true\">")
        .m(mark)
        .m("</span>")
        .t(&words::verdict_title(&r.verdict))
        .m("</h2><p class=\"verdict-summary\">")
        .t(&r.verdict.summary)
        .m("</p>");
    if let Some(h) = &r.verdict.client_error_hint {
        o.m("<p>")
            .t(words::CLIENT_HINT)
            .m(": <strong>")
            .t(h)
            .m("</strong></p>");
    }
    let evidence: Vec<_> = r
        .findings
        .iter()
        .filter(|f| r.verdict.codes.contains(&f.code))
        .collect();
    if !healthy && !evidence.is_empty() {
        o.m("<h3>Evidence</h3><ul class=\"evidence\">");
        for f in evidence {
            o.m("<li><code class=\"finding-code\">")
                .t(&f.code.to_string())
                .m("</code> ")
                .t(&f.summary);
            if !f.evidence.is_empty() {
                o.m("<pre class=\"evidence-text\">")
                    .t(&f.evidence)
                    .m("</pre>");
            }
            o.m("</li>");
        }
        o.m("</ul>");
    }
    let warnings: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .collect();
    if healthy && !warnings.is_empty() {
        o.m("<h3>Worth fixing</h3><ul class=\"evidence\">");
        for f in warnings {
            o.m("<li><code class=\"finding-code\">")
                .t(&f.code.to_string())
                .m("</code> ")
                .t(&f.summary);
            evidence_details(o, &f.evidence);
            o.m("</li>");
        }
        o.m("</ul>");
    }
    let articles = articles_for_report(r);
    if !articles.is_empty() {
        o.m(if healthy {
            "<h3>How to fix the warnings</h3>"
        } else {
            "<h3>How to fix it</h3>"
        });
        for (i, a) in articles.iter().enumerate() {
            o.m(if i == 0 && !healthy {
                "<details class=\"fix\" open=\"\"><summary>"
            } else {
                "<details class=\"fix\"><summary>"
            })
            .t(&a.title)
            .m("</summary><p>")
            .t(&one_line(&a.summary))
            .m("</p>");
            fixes(o, a);
            o.m("<p>More: ");
            article_link(o, &a.id, "the full article");
            o.m("</p></details>");
        }
    }
    o.m("</section>");
}

/// A finding's evidence, folded.
fn evidence_details(o: &mut Out, evidence: &str) {
    if !evidence.is_empty() {
        o.m("<details><summary>evidence</summary><pre class=\"evidence-text\">")
            .t(evidence)
            .m("</pre></details>");
    }
}

fn meta(o: &mut Out, r: &Report) {
    o.m("<dl class=\"meta\">");
    for f in words::meta(r) {
        o.m("<div><dt>")
            .t(f.label)
            .m("</dt><dd>")
            .t(&f.value)
            .m("</dd></div>");
    }
    o.m("</dl>");
}

fn stages_table(o: &mut Out, r: &Report) {
    o.m("<div class=\"table-wrap\"><table class=\"stages\"><caption class=\"sr-only\">Stages</caption><thead><tr><th scope=\"col\">Stage</th><th scope=\"col\">Result</th><th scope=\"col\">Time</th><th scope=\"col\">What happened</th></tr></thead><tbody>");
    for s in &r.stages {
        let word = words::status_word(s.status);
        o.m("<tr><th scope=\"row\" title=\"")
            .t(words::stage_title(s.name))
            .m("\">")
            .t(s.name.as_str())
            .m("</th><td><span class=\"status ")
            .m(word)
            .m("\">")
            .m(word)
            .m("</span></td><td class=\"num\">")
            .t(&words::ms(s.duration_ms))
            .m("</td><td>")
            .t(&s.summary)
            .m("</td></tr>");
    }
    o.m("</tbody></table></div>");
}

fn findings(o: &mut Out, r: &Report) {
    if r.findings.is_empty() {
        return;
    }
    o.m("<section class=\"card\" aria-labelledby=\"findings-title\"><h2 id=\"findings-title\">Findings</h2><ul class=\"findings\">");
    for f in &r.findings {
        let sev = words::severity_word(f.severity);
        o.m("<li class=\"finding ")
            .m(sev)
            .m("\"><span class=\"sev ")
            .m(sev)
            .m("\">")
            .m(sev)
            .m("</span><code class=\"finding-code\">")
            .t(&f.code.to_string())
            .m("</code><span>")
            .t(&f.summary)
            .m("</span>");
        evidence_details(o, &f.evidence);
        o.m("</li>");
    }
    o.m("</ul></section>");
}

fn fact(o: &mut Out, f: &Fact) {
    o.m(match f.tone {
        Tone::Good => "<div class=\"good\"><dt>",
        Tone::Bad => "<div class=\"bad\"><dt>",
        Tone::Plain => "<div><dt>",
    })
    .t(f.label)
    .m("</dt><dd>");
    if f.mono {
        o.m("<code class=\"wrap\">").t(&f.value).m("</code>");
    } else {
        o.t(&f.value);
    }
    o.m("</dd></div>");
}

fn details(o: &mut Out, r: &Report) {
    let sections = words::sections(r);
    if sections.is_empty() {
        return;
    }
    o.m("<section class=\"card details\" aria-labelledby=\"details-title\"><h2 id=\"details-title\">Details</h2>");
    for s in &sections {
        o.m("<details id=\"details-")
            .t(s.id)
            .m("\"><summary>")
            .t(s.title)
            .m("</summary>");
        if let Some(note) = s.note {
            o.m("<p class=\"muted\">").t(note).m("</p>");
        }
        o.m("<dl class=\"kv\">");
        for f in &s.facts {
            fact(o, f);
        }
        o.m("</dl></details>");
    }
    o.m("</section>");
}

/// The articles behind a report's verdict (or its warnings when healthy), most relevant first,
/// without repeats. Empty until the knowledge base is loaded.
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
    use crate::html::{audit, esc, HOSTILE};

    fn fixture(name: &str) -> Report {
        let text = match name {
            "xrdp-negotiate" => include_str!("../../tests/fixtures/xrdp-negotiate.json"),
            "refused" => include_str!("../../tests/fixtures/refused.json"),
            "shadow-nla" => {
                include_str!("../../../crates/rdpcheck-words/tests/fixtures/shadow-nla.json")
            }
            "gateway-live" => {
                include_str!("../../../crates/rdpcheck-words/tests/fixtures/gateway-live.json")
            }
            _ => include_str!(
                "../../../crates/rdpcheck-words/tests/fixtures/closes-after-request.json"
            ),
        };
        serde_json::from_str(text).expect("a report")
    }

    #[test]
    fn a_healthy_report_has_every_part() {
        let r = fixture("xrdp-negotiate");
        let h = report_html(&r);
        audit(&h).expect("our markup");
        assert!(h.starts_with("<section class=\"card verdict healthy\" aria-labelledby=\"verdict-title\"><h2 id=\"verdict-title\" tabindex=\"-1\"><span class=\"verdict-mark\" aria-hidden=\"true\">✓</span>Healthy: a client would reach the logon</h2>"), "{h}");
        assert!(h.contains("<h3>Worth fixing</h3>"));
        assert!(h.contains("<code class=\"finding-code\">security.standard_rdp_allowed</code>"));
        assert!(h.contains("<h3>How to fix the warnings</h3>"));
        assert_eq!(h.matches("<tr><th scope=\"row\"").count(), r.stages.len());
        assert_eq!(h.matches("<rect class=\"bar ").count(), r.stages.len());
        for section in [
            "Certificate and TLS",
            "Security layers",
            "Handshake statistics",
        ] {
            assert!(
                h.contains(&format!("<summary>{section}</summary>")),
                "{section}"
            );
        }
        assert!(h.contains("CN=rdp-lab.localhost"));
        // Fix commands carry a copy button; articles are linked in-page.
        assert!(h.contains("<button type=\"button\" class=\"copy\""));
        assert!(h.contains("<a href=\"/kb/"));
    }

    #[test]
    fn a_refused_report_names_the_stage_and_opens_the_first_fix() {
        let h = report_html(&fixture("refused"));
        audit(&h).expect("our markup");
        assert!(h.contains("<section class=\"card verdict problem\""));
        assert!(h.contains("A client would fail at the tcp stage"));
        assert!(
            h.contains("A client would most likely show: <strong>0x204"),
            "{h}"
        );
        assert!(h.contains("<h3>Evidence</h3><ul class=\"evidence\"><li><code class=\"finding-code\">tcp.refused</code>"));
        assert!(h.contains("<h3>How to fix it</h3><details class=\"fix\" open=\"\">"));
        assert!(h.contains("<div class=\"fix-sides\">"));
        assert!(h.contains("<div class=\"tl-row tl-failed\"><span class=\"tl-name\" title=\"TCP: connect to the port\">tcp</span>"));
    }

    #[test]
    fn every_recorded_report_is_well_formed() {
        for name in ["shadow-nla", "gateway-live", "closes-after-request"] {
            let h = report_html(&fixture(name));
            audit(&h).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                h.matches("<section").count(),
                h.matches("</section>").count(),
                "{name}"
            );
            assert_eq!(
                h.matches("<details").count(),
                h.matches("</details>").count(),
                "{name}"
            );
        }
    }

    #[test]
    fn an_incomplete_report_leads_with_the_timeout_article() {
        let mut r = fixture("refused");
        r.verdict.status = VerdictStatus::Incomplete;
        let h = report_html(&r);
        assert!(h.contains("<section class=\"card verdict incomplete\""));
        assert!(h.contains("<span class=\"verdict-mark\" aria-hidden=\"true\">?</span>Incomplete"));
        let first = articles_for_report(&r)[0];
        assert!(rdpcheck_kb::articles_for_finding(Plain::ProbeTimeout.into()).contains(&first.id));
    }

    /// A hostile server writes every string a report carries from it: nothing it writes becomes
    /// markup, and every string shows up as text.
    #[test]
    fn hostile_strings_stay_text() {
        for evil in HOSTILE {
            let mut r = fixture("xrdp-negotiate");
            r.target.host = evil.to_string();
            r.target.addresses = vec![evil.to_string()];
            r.started_at = evil.to_string();
            r.tool.version = evil.to_string();
            r.verdict.summary = evil.to_string();
            r.verdict.client_error_hint = Some(evil.to_string());
            r.verdict.status = VerdictStatus::Problem;
            r.verdict.codes = r.findings.iter().map(|f| f.code).collect();
            for s in &mut r.stages {
                s.summary = evil.to_string();
            }
            for f in &mut r.findings {
                f.summary = evil.to_string();
                f.evidence = evil.to_string();
            }
            if let Some(c) = r.tls.as_mut().and_then(|t| t.certificate.as_mut()) {
                c.subject = evil.to_string();
                c.issuer = evil.to_string();
                c.san = vec![evil.to_string()];
            }
            r.nla = Some(rdpcheck_report::NlaReport {
                target_name: Some(evil.to_string()),
                netbios_computer: Some(evil.to_string()),
                netbios_domain: None,
                dns_computer: Some(evil.to_string()),
                dns_domain: None,
                dns_tree: None,
                product_version: Some(evil.to_string()),
                server_time: Some(evil.to_string()),
                clock_skew_s: Some(1.0),
                os_release: Some(evil.to_string()),
                credssp_version: Some(6),
            });
            let h = report_html(&r);
            audit(&h).unwrap_or_else(|e| panic!("{evil:?}: {e}"));
            assert!(h.contains(&esc(evil)), "{evil:?} is shown");
            // As text only (audit found no tag or attribute of them).
            assert!(!h.contains("<script") && !h.contains("<img") && !h.contains("<svg on"));
        }
    }
}
