//! The words every renderer shows, rendered from real reports (tests/fixtures/) and held still by
//! snapshots (tests/snapshots/). After a deliberate wording change: `UPDATE_EXPECT=1 cargo test
//! -p rdpcheck-words`, then read the diff.

use expect_test::expect_file;
use rdpcheck_report::Report;
use rdpcheck_words as words;

/// Every word the crate produces for one report, one fact per line.
fn render(r: &Report) -> String {
    let mut out = format!(
        "{} — {}\n",
        words::verdict_word(r.verdict.status),
        words::verdict_title(&r.verdict)
    );
    for f in words::meta(r) {
        out.push_str(&format!("{}: {}\n", f.label, f.value));
    }
    for s in &r.stages {
        out.push_str(&format!(
            "stage {} [{}] {} — {}\n",
            s.name,
            words::status_word(s.status),
            words::stage_title(s.name),
            words::ms(s.duration_ms)
        ));
    }
    for f in &r.findings {
        out.push_str(&format!(
            "{} {}\n",
            words::severity_word(f.severity),
            f.code
        ));
    }
    for section in words::sections(r) {
        out.push_str(&format!("\n[{}] {}\n", section.id, section.title));
        if let Some(note) = section.note {
            out.push_str(&format!("  ({note})\n"));
        }
        for f in &section.facts {
            let mark = match f.tone {
                words::Tone::Good => "+",
                words::Tone::Bad => "!",
                words::Tone::Plain => " ",
            };
            out.push_str(&format!("{mark} {}: {}\n", f.label, f.value));
        }
    }
    out
}

macro_rules! snapshot {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let report: Report =
                serde_json::from_str(include_str!(concat!("fixtures/", $name, ".json")))
                    .expect("a report");
            expect_file![concat!("snapshots/", $name, ".txt")].assert_eq(&render(&report));
        }
    };
}

snapshot!(xrdp_negotiate, "xrdp-negotiate");
snapshot!(xrdp_rdp_only, "xrdp-rdp-only");
snapshot!(xrdp_expired_cert, "xrdp-expired-cert");
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
