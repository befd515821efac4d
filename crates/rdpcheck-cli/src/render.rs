//! The terminal report: stages, structured facts, findings, verdict.

use std::fmt::Write;

use rdpcheck_report::{LayerResult, Report, Severity, StageStatus, VerdictStatus};

pub fn status_tag(status: StageStatus) -> &'static str {
    match status {
        StageStatus::Pass => "PASS",
        StageStatus::Warn => "WARN",
        StageStatus::Fail => "FAIL",
        StageStatus::Skip => "skip",
    }
}

fn severity_tag(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Warn => "WARN",
        Severity::Fail => "FAIL",
    }
}

fn layer(r: &LayerResult) -> String {
    if r.accepted {
        return "accepted".into();
    }
    if let Some(f) = &r.failure {
        return format!("refused ({f})");
    }
    if let Some(sel) = &r.selected {
        return format!("not accepted: the server selected {sel} instead");
    }
    format!("no answer ({})", r.error.as_deref().unwrap_or("unknown"))
}

pub fn report(r: &Report) -> String {
    let mut out = String::new();
    let via = r
        .target
        .probed_address
        .as_deref()
        .filter(|a| *a != r.target.host)
        .map(|a| format!(" via {a}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "rdpcheck {} — {}:{}{via} — {} ({:.1} ms)\n",
        r.tool.version, r.target.host, r.target.port, r.started_at, r.duration_ms
    );
    if let Some(f) = &r.rdp_file {
        let _ = writeln!(out, "Connection file {}", f.path);
        let _ = writeln!(
            out,
            "  host {}:{}   gateway {}   ({})",
            f.host,
            f.port,
            f.gateway.as_deref().unwrap_or("none"),
            f.gateway_usage
        );
        for w in f.warnings.iter().chain(&f.problems) {
            let _ = writeln!(out, "  note: {w}");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "Stages");
    for s in &r.stages {
        let _ = writeln!(
            out,
            "  {:<16}{} {:>8.1} ms  {}",
            s.name,
            status_tag(s.status),
            s.duration_ms,
            s.summary
        );
    }
    if let Some(l) = &r.security_layers {
        let _ = writeln!(out, "\nSecurity layers (each asked for alone)");
        for (name, res) in [
            ("rdp", &l.rdp),
            ("tls", &l.tls),
            ("nla", &l.nla),
            ("nla_ex", &l.nla_ex),
            ("rdstls", &l.rdstls),
            ("rdsaad", &l.rdsaad),
        ] {
            let _ = writeln!(out, "  {name:<8}{}", layer(res));
        }
        let _ = writeln!(
            out,
            "  NLA required: {}   standard RDP security allowed: {}",
            yes_no(l.nla_required),
            yes_no(l.standard_rdp_allowed)
        );
    }
    if let Some(t) = &r.tls {
        let _ = writeln!(out, "\nTLS");
        if let Some(v) = &t.version {
            let _ = writeln!(
                out,
                "  {v}  {}  {}",
                t.cipher_suite.as_deref().unwrap_or("-"),
                t.key_exchange.as_deref().unwrap_or("")
            );
        }
        if let Some(v) = &t.legacy_version {
            let _ = writeln!(
                out,
                "  legacy hello answered with {v} {}",
                t.cipher_suite.as_deref().unwrap_or("")
            );
        }
        if let Some(c) = &t.certificate {
            let _ = writeln!(out, "  subject   {}", c.subject);
            let _ = writeln!(
                out,
                "  issuer    {}{}",
                c.issuer,
                if c.self_signed { " (self-signed)" } else { "" }
            );
            let _ = writeln!(
                out,
                "  valid     {} to {} ({} days left)",
                c.not_before, c.not_after, c.days_to_expiry
            );
            let _ = writeln!(
                out,
                "  names     {}{}",
                if c.san.is_empty() {
                    "-".to_string()
                } else {
                    c.san.join(", ")
                },
                if c.name_matches {
                    ""
                } else {
                    "  (does not name the host)"
                }
            );
            let _ = writeln!(
                out,
                "  key       {} {} bits, {}",
                c.key_type, c.key_bits, c.signature_algorithm
            );
            let _ = writeln!(out, "  SHA-256   {}", c.sha256);
        }
    }
    if let Some(n) = &r.nla {
        let _ = writeln!(
            out,
            "\nNLA identity (NTLM challenge; no credentials were sent)"
        );
        for (label, value) in [
            ("NetBIOS", join2(&n.netbios_domain, &n.netbios_computer)),
            ("DNS", join2(&n.dns_domain, &n.dns_computer)),
            ("OS", n.product_version.clone()),
            ("time", n.server_time.clone()),
            ("skew", n.clock_skew_s.map(|s| format!("{s:+.1} s"))),
        ] {
            if let Some(v) = value {
                let _ = writeln!(out, "  {label:<9} {v}");
            }
        }
    }
    if let Some(s) = &r.stability {
        let f = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "\nStability  {}/{} ok; min {} / median {} / max {} ms; jitter {} ms",
            s.ok,
            s.samples,
            f(s.min_ms),
            f(s.median_ms),
            f(s.max_ms),
            f(s.jitter_ms)
        );
    }
    if let Some(g) = &r.gateway {
        let _ = writeln!(out, "\nRD Gateway {}:{}", g.host, g.port);
        if let Some(t) = &g.tls {
            let trust = match (&g.trusted, &g.trust_error) {
                (Some(true), _) => "trusted".to_string(),
                (_, Some(e)) => format!("NOT trusted ({e})"),
                _ => "-".to_string(),
            };
            let _ = writeln!(
                out,
                "  TLS       {} {}; certificate {trust}",
                t.version.as_deref().unwrap_or("-"),
                t.cipher_suite.as_deref().unwrap_or("")
            );
            if let Some(c) = &t.certificate {
                let _ = writeln!(out, "  subject   {}  (issuer {})", c.subject, c.issuer);
                let _ = writeln!(
                    out,
                    "  valid     {} to {}; names {}",
                    c.not_before,
                    c.not_after,
                    c.san.join(", ")
                );
            }
        }
        if let Some(h) = &g.http {
            let _ = writeln!(
                out,
                "  HTTP      {} {}{}{}",
                h.status,
                h.reason,
                if h.auth_schemes.is_empty() {
                    String::new()
                } else {
                    format!("; authentication: {}", h.auth_schemes.join(", "))
                },
                h.server
                    .as_deref()
                    .map(|s| format!("; server: {s}"))
                    .unwrap_or_default()
            );
        }
        if let Some(e) = &g.http_error {
            let _ = writeln!(out, "  HTTP      {e}");
        }
        if let Some(rpc) = g.rpc_proxy {
            let _ = writeln!(
                out,
                "  RPC proxy {}",
                if rpc {
                    "present (asks for authentication)"
                } else {
                    "absent"
                }
            );
        }
    }
    if let Some(u) = &r.udp {
        let _ = writeln!(
            out,
            "\nUDP {}  {}: {}{}",
            u.port,
            u.status,
            u.detail,
            u.rtt_ms
                .map(|v| format!(" ({v:.1} ms)"))
                .unwrap_or_default()
        );
    }
    if !r.findings.is_empty() {
        let _ = writeln!(out, "\nFindings");
        for f in &r.findings {
            let _ = writeln!(
                out,
                "  {} {}  {}",
                severity_tag(f.severity),
                f.code,
                f.summary
            );
            let _ = writeln!(out, "       evidence: {}", f.evidence);
        }
    }
    let v = &r.verdict;
    let _ = writeln!(out);
    match v.status {
        VerdictStatus::Healthy => {
            let _ = writeln!(out, "Verdict: HEALTHY — {}", v.summary);
        }
        VerdictStatus::Problem => {
            let _ = writeln!(out, "Verdict: PROBLEM — {}", v.summary);
            if let Some(h) = &v.client_error_hint {
                let _ = writeln!(out, "  A client would most likely show: {h}");
            }
            if let Some(code) = v.codes.first() {
                let causes: Vec<String> = rdpcheck_kb::articles_for_finding(*code)
                    .iter()
                    .filter_map(|id| rdpcheck_kb::article(id))
                    .map(|a| format!("    - {} [{}]", a.title, a.id))
                    .collect();
                if !causes.is_empty() {
                    let _ = writeln!(out, "  Likely causes (fix steps: rdpcheck explain {code}):");
                    let _ = writeln!(out, "{}", causes.join("\n"));
                }
            }
        }
    }
    out
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn join2(a: &Option<String>, b: &Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}\\{b}")),
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    }
}
