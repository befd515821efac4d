//! The terminal report: stages, structured facts, findings, verdict. The words come from
//! `rdpcheck-words` (shared with the page and the Markdown export); this only lays them out.

use std::fmt::Write;

use rdpcheck_report::{FindingCode, Plain, Report, StageStatus, VerdictStatus};
use rdpcheck_words as words;

/// `PASS`, `WARN`, `FAIL`, `SKIPPED`: the status word, upper-cased to stand out in a column.
pub fn status_tag(status: StageStatus) -> String {
    words::status_word(status).to_uppercase()
}

pub fn report(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rdpcheck {} — {} — {} ({})\n",
        r.tool.version,
        words::target_checked(r),
        r.started_at,
        words::ms(r.duration_ms)
    );
    let _ = writeln!(out, "Stages");
    for s in &r.stages {
        let _ = writeln!(
            out,
            "  {:<16}{:<8}{:>8}  {}",
            s.name.as_str(),
            status_tag(s.status),
            words::ms(s.duration_ms),
            s.summary
        );
    }
    // The clients go under the verdict, where the reader looks for who fails.
    for section in words::sections(r).into_iter().filter(|s| s.id != "clients") {
        let _ = writeln!(out, "\n{}", section.title);
        if let Some(note) = section.note {
            let _ = writeln!(out, "  ({note})");
        }
        let width = section
            .facts
            .iter()
            .map(|f| f.label.chars().count())
            .max()
            .unwrap_or(0);
        for fact in &section.facts {
            let _ = writeln!(out, "  {:<width$}  {}", fact.label, fact.value);
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(out, "\nFindings");
        for f in &r.findings {
            let _ = writeln!(
                out,
                "  {:<8}{}  {}",
                words::severity_word(f.severity),
                f.code,
                f.summary
            );
            let _ = writeln!(out, "          evidence: {}", f.evidence);
        }
    }
    verdict(&mut out, r);
    out
}

fn verdict(out: &mut String, r: &Report) {
    let v = &r.verdict;
    let _ = writeln!(
        out,
        "\nVerdict: {} — {}",
        words::verdict_word(v.status),
        v.summary
    );
    if let Some(h) = &v.client_error_hint {
        let _ = writeln!(out, "  {}: {h}", words::CLIENT_HINT);
    }
    if !v.clients.is_empty() {
        let _ = writeln!(out, "  Clients:");
        let width = v
            .clients
            .iter()
            .map(|c| words::client_name(c.client).chars().count())
            .max()
            .unwrap_or(0);
        for c in &v.clients {
            let mark = if v.client == Some(c.client) { "*" } else { " " };
            let _ = writeln!(
                out,
                "  {mark} {:<width$}  {}",
                words::client_name(c.client),
                words::client_outcome(c)
            );
        }
        let _ = writeln!(out, "    (* the client the verdict is for: --client)");
    }
    // What to read next: the deciding finding's articles, or why a check runs out of time.
    let lead = match v.status {
        VerdictStatus::Healthy => None,
        VerdictStatus::Problem => v.codes.first().copied(),
        VerdictStatus::Incomplete => Some(FindingCode::from(Plain::ProbeTimeout)),
    };
    if let Some(code) = lead {
        let causes: Vec<String> = rdpcheck_kb::articles_for_finding(code)
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

#[cfg(test)]
mod tests {
    //! The terminal report of real lab reports (crates/rdpcheck-words/tests/fixtures), held still
    //! by snapshots in src/snapshots/. After a deliberate change: `UPDATE_EXPECT=1 cargo test -p
    //! rdpcheck-cli`, then read the diff.
    use expect_test::expect_file;

    macro_rules! snapshot {
        ($test:ident, $name:literal) => {
            #[test]
            fn $test() {
                let report: rdpcheck_report::Report = serde_json::from_str(include_str!(concat!(
                    "../../rdpcheck-words/tests/fixtures/",
                    $name,
                    ".json"
                )))
                .expect("a report");
                expect_file![concat!("snapshots/", $name, ".txt")]
                    .assert_eq(&super::report(&report));
            }
        };
    }

    snapshot!(xrdp_negotiate, "xrdp-negotiate");
    snapshot!(xrdp_tls10_only, "xrdp-tls10-only");
    snapshot!(xrdp_rsa_only, "xrdp-rsa-only");
    snapshot!(shadow_nla, "shadow-nla");
    snapshot!(closes_after_request, "closes-after-request");
    snapshot!(gateway_live, "gateway-live");
    snapshot!(windows10_replayed_flight, "windows10-replayed-flight");
    snapshot!(
        windows_replayed_challenge_credssp_v3,
        "windows-replayed-challenge-credssp-v3"
    );
    snapshot!(windows_client_refused, "windows-client-refused");
}
