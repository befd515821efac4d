//! A two-vantage link (`/r#v2.…`) as Markdown for a ticket: the comparison (both sides' marks,
//! the stage grid with the stage where they diverge marked, both verdicts, what it means, the
//! notes), then the relay's report and the user's computer's report, each as `report_markdown`
//! writes it. The same words as the screen (`vantage.rs`): `rdpcheck_words::vantage`.

use std::fmt::Write as _;

use rdpcheck_report::Report;
use rdpcheck_words::vantage::{self as vw, Viewer};
use rdpcheck_words::{self as words};

use crate::markdown::{cell, report_markdown};

const VIEWER: Viewer = Viewer::Elsewhere;

/// `relay_mark`: the relay's signature in words, as the page found it (the banner's line);
/// `link`: the two-vantage link itself, when known.
pub fn vantage_markdown(
    local: &Report,
    relay: &Report,
    relay_mark: Option<&str>,
    link: Option<&str>,
) -> String {
    let v = vw::compare_as(local, relay, VIEWER);
    let local_label = vw::local_label(VIEWER);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## rdpcheck: {} — {}\n",
        vw::TITLE,
        cell(&words::target(relay))
    );
    let _ = writeln!(o, "**{}.**\n", cell(&vw::headline(&v)));
    let _ = writeln!(o, "- {local_label}: {}", vw::local_signed(VIEWER));
    if let Some(mark) = relay_mark {
        let _ = writeln!(o, "- {}: {}", vw::RELAY_LABEL, cell(mark));
    }
    if let Some(l) = link {
        let _ = writeln!(o, "- Report: <{l}>");
    }
    let _ = writeln!(o, "\n| stage | {local_label} | {} |", vw::RELAY_LABEL);
    let _ = writeln!(o, "|---|---|---|");
    for p in &v.stages {
        let side = |s: Option<rdpcheck_report::StageStatus>| s.map_or("-", words::status_word);
        let mark = if p.diverges {
            format!(" ({})", vw::DIVERGES_HERE)
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "| {}{mark} | {} | {} |",
            p.stage,
            side(p.local),
            side(p.relay)
        );
    }
    let _ = writeln!(o, "\n### {}\n", vw::VERDICTS);
    for (label, r) in [(local_label, local), (vw::RELAY_LABEL, relay)] {
        let _ = writeln!(
            o,
            "- {label}: **{}** {}",
            words::verdict_word(r.verdict.status),
            cell(&words::verdict_title(&r.verdict))
        );
    }
    let _ = writeln!(o, "\n### {}\n\n{}", vw::MEANING_LABEL, cell(&v.meaning));
    for note in &v.notes {
        let _ = writeln!(o, "- {}: {}", vw::NOTE, cell(note));
    }
    let _ = writeln!(o, "\n---\n\n**The relay's report**\n");
    o.push_str(&report_markdown(relay, relay_mark, None));
    let _ = writeln!(
        o,
        "\n---\n\n**The user's computer's report** ({})\n",
        vw::local_signed(VIEWER)
    );
    o.push_str(&report_markdown(local, None, None));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real lab reports (crates/rdpcheck-words/tests/fixtures).
    macro_rules! fixture {
        ($name:literal) => {
            serde_json::from_str::<Report>(include_str!(concat!(
                "../../../crates/rdpcheck-words/tests/fixtures/",
                $name,
                ".json"
            )))
            .expect("a report")
        };
    }

    #[test]
    fn both_reports_the_grid_and_the_divergence_are_in_the_ticket() {
        // The user's computer sees a host that closes after the request; the relay a healthy one.
        let local = fixture!("closes-after-request");
        let relay = fixture!("xrdp-negotiate");
        let md = vantage_markdown(
            &local,
            &relay,
            Some("signed by the relay (key K), signature verified"),
            Some("https://r.example/r#v2.x"),
        );
        assert!(md.starts_with("## rdpcheck: Two vantage points — "), "{md}");
        assert!(md.contains("| stage | User's computer | Relay |"), "{md}");
        assert!(md.contains(&format!("({})", vw::DIVERGES_HERE)), "{md}");
        assert!(md.contains("- Relay: signed by the relay (key K), signature verified"));
        assert!(md.contains("<https://r.example/r#v2.x>"));
        assert!(md.contains(vw::local_signed(VIEWER)));
        // Both whole reports follow, the relay's first.
        let relay_at = md.find("**The relay's report**").expect("relay part");
        let local_at = md
            .find("**The user's computer's report**")
            .expect("local part");
        assert!(relay_at < local_at);
        assert_eq!(md.matches("\n## rdpcheck: ").count(), 2, "{md}");
    }

    #[test]
    fn agreeing_sides_have_no_divergence_mark() {
        let r = fixture!("xrdp-negotiate");
        let md = vantage_markdown(&r, &r, None, None);
        assert!(!md.contains(vw::DIVERGES_HERE), "{md}");
        assert!(
            !md.contains("- Relay: signed"),
            "no mark given, none written"
        );
    }
}
