//! A two-vantage link (`/r#v2.…`) as markup: the comparison card (both sides' marks, the two
//! timelines one above the other with the stage where they diverge marked, what each side saw
//! there, both verdicts, what it means and the notes), then the relay's report and the user's
//! computer's report in full. The comparison is `rdpcheck_words::vantage::compare_as` for a
//! reader elsewhere (PROTOCOL.md): the CLI's rules and words, "the user's computer" for "this
//! computer".
//!
//! The relay's report is signed (the page checks it and says so in `relay_mark`); the local one
//! is not, and is marked as "from the user's computer, not signed" wherever it appears.

use rdpcheck_report::{Report, StageStatus, Vantage, VerdictStatus};
use rdpcheck_words::vantage::{self as vw, Viewer};
use rdpcheck_words::{self as words};

use crate::html::Out;
use crate::view::report_html;

/// Where the relay's signature stands, as the page found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayMark {
    /// The page is still checking it.
    Checking,
    Verified,
    NotVerified,
}

const VIEWER: Viewer = Viewer::Elsewhere;

/// The whole two-vantage screen below the page's banner.
pub fn vantage_html(local: &Report, relay: &Report, key_id: &str, mark: RelayMark) -> String {
    let v = vw::compare_as(local, relay, VIEWER);
    let local_label = vw::local_label(VIEWER);
    let mut o = Out(String::with_capacity(48 * 1024));
    o.m("<section class=\"card vantage\" aria-labelledby=\"verdict-title\"><h2 id=\"verdict-title\" tabindex=\"-1\">")
        .t(vw::TITLE)
        .m("</h2><p class=\"vantage-headline\"><strong>")
        .t(&vw::headline(&v))
        .m(".</strong></p><dl class=\"kv vantage-sides\"><div class=\"unsigned\"><dt>")
        .t(local_label)
        .m("</dt><dd><span class=\"mark unsigned\">")
        .t(vw::local_signed(VIEWER))
        .m("</span></dd></div><div class=\"")
        .m(match mark {
            RelayMark::Verified => "good",
            RelayMark::NotVerified => "bad",
            RelayMark::Checking => "checking",
        })
        .m("\"><dt>")
        .t(vw::RELAY_LABEL)
        .m("</dt><dd><span class=\"mark relay\">")
        .t(&relay_words(key_id, mark))
        .m("</span></dd></div></dl>");
    grid(&mut o, &v, local_label);
    if let Some(stage) = v.diverges_at {
        o.m("<h3>")
            .t(&vw::at_stage(stage))
            .m("</h3><dl class=\"kv\">");
        for (label, r) in [(local_label, local), (vw::RELAY_LABEL, relay)] {
            let summary = r
                .stages
                .iter()
                .find(|s| s.name == stage)
                .map_or("-", |s| s.summary.as_str());
            o.m("<div><dt>")
                .t(label)
                .m("</dt><dd>")
                .t(summary)
                .m("</dd></div>");
        }
        o.m("</dl>");
    }
    o.m("<h3>").t(vw::VERDICTS).m("</h3><dl class=\"kv\">");
    for (label, r) in [(local_label, local), (vw::RELAY_LABEL, relay)] {
        o.m("<div><dt>")
            .t(label)
            .m("</dt><dd><span class=\"status ")
            .m(match r.verdict.status {
                VerdictStatus::Healthy => "pass",
                VerdictStatus::Problem => "fail",
                VerdictStatus::Incomplete => "warn",
            })
            .m("\">")
            .t(words::verdict_word(r.verdict.status))
            .m("</span> ")
            .t(&words::verdict_title(&r.verdict))
            .m("</dd></div>");
    }
    o.m("</dl><h3>")
        .t(vw::MEANING_LABEL)
        .m("</h3><p class=\"vantage-meaning\">")
        .t(&v.meaning)
        .m("</p>");
    if !v.notes.is_empty() {
        o.m("<ul class=\"vantage-notes\">");
        for note in &v.notes {
            o.m("<li>").t(note).m("</li>");
        }
        o.m("</ul>");
    }
    o.m("</section>");
    part(
        &mut o,
        "relay-",
        "The relay's report",
        &relay_words(key_id, mark),
        relay,
    );
    part(
        &mut o,
        "local-",
        "The user's computer's report",
        vw::local_signed(VIEWER),
        local,
    );
    o.0
}

/// The relay side's mark in words.
fn relay_words(key_id: &str, mark: RelayMark) -> String {
    match mark {
        RelayMark::Checking => {
            format!("signed by the relay (key {key_id}), checking the signature…")
        }
        RelayMark::Verified => vw::relay_signed(key_id, true),
        RelayMark::NotVerified => vw::relay_signed(key_id, false),
    }
}

/// Both timelines one above the other: a column per stage (ladder order), a row per side, the
/// stage where they diverge marked in its column and on a row of its own below.
fn grid(o: &mut Out, v: &Vantage, local_label: &str) {
    let cell = |o: &mut Out, s: Option<StageStatus>, diverges: bool| {
        o.m(if diverges {
            "<td class=\"diverges\">"
        } else {
            "<td>"
        });
        match s {
            Some(s) => {
                let word = words::status_word(s);
                o.m("<span class=\"status ")
                    .m(word)
                    .m("\">")
                    .m(word)
                    .m("</span>");
            }
            None => {
                o.m("<span class=\"muted\">-</span>");
            }
        }
        o.m("</td>");
    };
    o.m("<div class=\"table-wrap\"><table class=\"vantage-grid\"><caption class=\"sr-only\">Both timelines, stage by stage</caption><thead><tr><td></td>");
    for p in &v.stages {
        o.m(if p.diverges {
            "<th scope=\"col\" class=\"diverges\" title=\""
        } else {
            "<th scope=\"col\" title=\""
        })
        .t(words::stage_title(p.stage))
        .m("\">")
        .t(p.stage.as_str())
        .m("</th>");
    }
    o.m("</tr></thead><tbody><tr><th scope=\"row\">")
        .t(local_label)
        .m("</th>");
    for p in &v.stages {
        cell(o, p.local, p.diverges);
    }
    o.m("</tr><tr><th scope=\"row\">")
        .t(vw::RELAY_LABEL)
        .m("</th>");
    for p in &v.stages {
        cell(o, p.relay, p.diverges);
    }
    o.m("</tr>");
    if v.diverges_at.is_some() {
        o.m("<tr class=\"diverges-row\"><td></td>");
        for p in &v.stages {
            if p.diverges {
                o.m("<td class=\"diverges-mark\"><span aria-hidden=\"true\">▲ </span>")
                    .t(vw::DIVERGES_HERE)
                    .m("</td>");
            } else {
                o.m("<td></td>");
            }
        }
        o.m("</tr>");
    }
    o.m("</tbody></table></div>");
}

/// One side's whole report under a heading of its own, its element ids prefixed so that the
/// two reports' ids stay unique (ids and the references to them are ours: a report's strings
/// are escaped, so no `id="` comes from them).
fn part(o: &mut Out, prefix: &str, title: &str, mark: &str, r: &Report) {
    o.m("<section class=\"vantage-part\" aria-labelledby=\"")
        .m(prefix)
        .m("part-title\"><h2 class=\"part-title\" id=\"")
        .m(prefix)
        .m("part-title\">")
        .t(title)
        .m(" <span class=\"mark\">— ")
        .t(mark)
        .m("</span></h2>");
    let html = report_html(r)
        .replace("id=\"", &format!("id=\"{prefix}"))
        .replace("aria-labelledby=\"", &format!("aria-labelledby=\"{prefix}"));
    o.m(&html).m("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::{audit, esc, HOSTILE};

    fn fixture(name: &str) -> Report {
        let text = match name {
            "closes-after-request" => include_str!(
                "../../../crates/rdpcheck-words/tests/fixtures/closes-after-request.json"
            ),
            "gateway-live" => {
                include_str!("../../../crates/rdpcheck-words/tests/fixtures/gateway-live.json")
            }
            "shadow-nla" => {
                include_str!("../../../crates/rdpcheck-words/tests/fixtures/shadow-nla.json")
            }
            _ => include_str!("../../tests/fixtures/xrdp-negotiate.json"),
        };
        serde_json::from_str(text).expect("a report")
    }

    #[test]
    fn cut_here_healthy_there_marks_the_x224_stage_and_says_what_it_means() {
        let (local, relay) = (fixture("closes-after-request"), fixture("xrdp-negotiate"));
        let h = vantage_html(&local, &relay, "k1", RelayMark::Verified);
        audit(&h).expect("our markup");
        let v = vw::compare_as(&local, &relay, Viewer::Elsewhere);
        assert_eq!(v.diverges_at, Some(rdpcheck_report::Stage::X224));
        assert!(
            h.contains(
                "<th scope=\"col\" class=\"diverges\" title=\"X.224: RDP negotiation\">x224</th>"
            ),
            "{h}"
        );
        assert!(h.contains(
            "<td class=\"diverges-mark\"><span aria-hidden=\"true\">▲ </span>diverges here</td>"
        ));
        assert_eq!(h.matches("class=\"diverges-mark\"").count(), 1);
        assert!(h.contains(&esc(&v.meaning)), "the comparison's own words");
        assert!(h.contains("<h3>What it means</h3>"));
        assert!(h.contains("from the user&#39;s computer, not signed"));
        assert!(h.contains("signed by the relay (key k1), signature verified"));
        assert!(h.contains("<h3>At the x224 stage</h3>"));
        // Both reports in full, with ids of their own.
        assert!(
            h.contains("id=\"relay-verdict-title\"") && h.contains("id=\"local-verdict-title\"")
        );
        assert_eq!(h.matches("id=\"verdict-title\"").count(), 1);
        // Never shown as verified: the local side is unsigned in the card and in its heading.
        assert!(!h.contains(
            "local-part-title\">The user&#39;s computer&#39;s report <span class=\"mark\">— signed"
        ));
    }

    #[test]
    fn the_relay_mark_follows_the_check() {
        let (local, relay) = (fixture("xrdp-negotiate"), fixture("xrdp-negotiate"));
        let checking = vantage_html(&local, &relay, "k1", RelayMark::Checking);
        assert!(checking.contains("checking the signature"));
        assert!(!checking.contains("signature verified"));
        let bad = vantage_html(&local, &relay, "k1", RelayMark::NotVerified);
        assert!(bad.contains("<div class=\"bad\"><dt>Relay</dt>"));
        assert!(bad.contains("signature NOT verified"));
        assert!(bad.contains("Both sides see a healthy host."));
        assert!(!bad.contains("diverges-mark"));
    }

    #[test]
    fn gateway_reports_are_well_formed() {
        let h = vantage_html(
            &fixture("gateway-live"),
            &fixture("shadow-nla"),
            "k",
            RelayMark::Verified,
        );
        audit(&h).expect("our markup");
        assert_eq!(
            h.matches("<section").count(),
            h.matches("</section>").count()
        );
        assert_eq!(h.matches("<table").count(), h.matches("</table>").count());
    }

    /// The local report is anybody's text: every string in it stays text, and so does the key
    /// id the link names.
    #[test]
    fn hostile_strings_stay_text() {
        for evil in HOSTILE {
            let mut local = fixture("closes-after-request");
            local.target.host = evil.to_string();
            local.target.addresses = vec![evil.to_string()];
            local.verdict.summary = evil.to_string();
            for s in &mut local.stages {
                s.summary = evil.to_string();
            }
            for f in &mut local.findings {
                f.summary = evil.to_string();
                f.evidence = evil.to_string();
            }
            let mut relay = fixture("xrdp-negotiate");
            relay.target.addresses = vec![format!("{evil}2")];
            let h = vantage_html(&local, &relay, evil, RelayMark::NotVerified);
            audit(&h).unwrap_or_else(|e| panic!("{evil:?}: {e}"));
            assert!(h.contains(&esc(evil)), "{evil:?} is shown");
            assert!(!h.contains("<script") && !h.contains("<img"));
        }
    }
}
