//! A report as Markdown, to paste into a ticket.

use std::fmt::Write as _;

use rdpcheck_report::{Report, VerdictStatus};

use super::format::{ms, severity_word, skew, status_word};

/// Escapes the characters that would break a table cell or start formatting.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('`', "'")
}

/// Markdown for a ticket. `verified` is the banner line; `link` the share link, when there is one.
pub fn report_markdown(r: &Report, verified: Option<&str>, link: Option<&str>) -> String {
    let mut o = String::new();
    let target = if r.target.host.contains(':') {
        format!("[{}]:{}", r.target.host, r.target.port)
    } else {
        format!("{}:{}", r.target.host, r.target.port)
    };
    let _ = writeln!(o, "## rdpcheck: {}", cell(&target));
    o.push('\n');
    let verdict = match r.verdict.status {
        VerdictStatus::Healthy => "**HEALTHY**".to_string(),
        VerdictStatus::Problem => match &r.verdict.stage {
            Some(s) => format!("**PROBLEM at the `{s}` stage**"),
            None => "**PROBLEM**".to_string(),
        },
    };
    let _ = writeln!(o, "{verdict} — {}", cell(&r.verdict.summary));
    if let Some(h) = &r.verdict.client_error_hint {
        let _ = writeln!(o, "\nA client would most likely show: {}", cell(h));
    }
    o.push('\n');
    let _ = writeln!(
        o,
        "- checked: {} ({}), {} {}",
        r.started_at,
        ms(r.duration_ms),
        r.tool.name,
        r.tool.version
    );
    if let Some(a) = &r.target.probed_address {
        let _ = writeln!(o, "- address: {a}");
    }
    if let Some(g) = &r.gateway {
        let _ = writeln!(o, "- RD Gateway: {}:{}", g.host, g.port);
    }
    if let Some(relay) = &r.relay {
        let _ = writeln!(
            o,
            "- relay key: {} (signed {})",
            relay.key_id, relay.signed_at
        );
    }
    if let Some(v) = verified {
        let _ = writeln!(o, "- signature: {v}");
    }
    if r.redacted {
        let _ = writeln!(o, "- names and addresses redacted");
    }
    if let Some(l) = link {
        let _ = writeln!(o, "- report: <{l}>");
    }
    o.push('\n');
    let _ = writeln!(o, "| stage | result | time | what happened |");
    let _ = writeln!(o, "|---|---|---|---|");
    for s in &r.stages {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            cell(s.name.as_str()),
            status_word(s.status),
            ms(s.duration_ms),
            cell(&s.summary)
        );
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\n### Findings\n");
        for f in &r.findings {
            let _ = writeln!(
                o,
                "- **{}** `{}` — {}",
                severity_word(f.severity),
                f.code,
                cell(&f.summary)
            );
            if !f.evidence.is_empty() {
                let _ = writeln!(
                    o,
                    "  - evidence: `{}`",
                    f.evidence.replace('`', "'").replace('\n', " ")
                );
            }
        }
    }
    let mut facts = Vec::new();
    if let Some(c) = r.tls.as_ref().and_then(|t| t.certificate.as_ref()) {
        facts.push(format!(
            "certificate: {} (issuer {}{}), valid to {}, {} days left, SHA-256 {}",
            c.subject,
            c.issuer,
            if c.self_signed { ", self-signed" } else { "" },
            c.not_after,
            c.days_to_expiry,
            c.sha256
        ));
    }
    if let Some(l) = &r.security_layers {
        facts.push(format!(
            "NLA required: {}; standard RDP security allowed: {}",
            yes(l.nla_required),
            yes(l.standard_rdp_allowed)
        ));
    }
    if let Some(n) = &r.nla {
        let name = match (&n.netbios_domain, &n.netbios_computer) {
            (Some(d), Some(c)) => format!("{d}\\{c}"),
            (None, Some(c)) => c.clone(),
            _ => "unknown".to_string(),
        };
        let mut s = format!("NTLM identity: {name}");
        if let Some(v) = &n.product_version {
            let _ = write!(s, ", OS {v}");
        }
        if let Some(k) = n.clock_skew_s {
            let _ = write!(s, ", clock {}", skew(k));
        }
        facts.push(s);
    }
    if let Some(st) = &r.stability {
        facts.push(format!(
            "stability: {}/{} handshakes ok, median {}, jitter {}",
            st.ok,
            st.samples,
            st.median_ms.map(ms).unwrap_or_else(|| "-".into()),
            st.jitter_ms.map(ms).unwrap_or_else(|| "-".into())
        ));
    }
    if let Some(u) = &r.udp {
        facts.push(format!(
            "RDP-UDP port {}: {} ({})",
            u.port, u.status, u.detail
        ));
    }
    if !facts.is_empty() {
        let _ = writeln!(o, "\n### Details\n");
        for f in facts {
            let _ = writeln!(o, "- {}", cell(&f));
        }
    }
    o
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(md.contains("**PROBLEM at the `tcp` stage**"));
        assert!(md.contains("| tcp | fail | 2.0 ms | refused \\| RST |"));
        assert!(md.contains("`tcp.refused`"));
        assert!(md.contains("0x204"));
        assert!(md.contains("<https://r/r#v1.x>"));
    }
}
