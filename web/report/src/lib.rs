//! The page's report module: everything about a finished report that the page's start-up does
//! not need. Built into a second wasm module (`src/main.rs`, no Yew) that the page loads when a
//! finished or shared report must be shown; it reads the report JSON (rdpcheck-report's types)
//! and writes:
//!
//! - [`view`]: the report's markup (verdict card with the knowledge base's fixes, timeline,
//!   stages, findings, details from `rdpcheck_words::sections`) and the few facts the page needs
//!   around it (verdict, title, start time);
//! - [`markdown`]: the ticket text;
//! - [`share_link`]: the share link (`rdpcheck_report::share::encode`);
//! - [`vantage`]: a two-vantage link's markup (the comparison, then both reports; [`vantage`]
//!   module).
//!
//! Pure: no DOM, no clock, no network; native-tested. Every string from the report is escaped
//! ([`html::esc`]). The page's shell uses [`timeline`], [`article`] and [`html`] too: the live
//! progress draws the same timeline, the explain and knowledge-base screens the same articles.

pub mod article;
pub mod html;
pub mod markdown;
pub mod timeline;
pub mod vantage;
pub mod vantage_markdown;
pub mod view;

use rdpcheck_report::wire::SignedReport;
use rdpcheck_report::Report;

/// A report, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// The markup below the verification banner (escaped; see [`view::report_html`]).
    pub html: String,
    /// `healthy`, `problem` or `incomplete`.
    pub status: String,
    /// The verdict's headline (`Healthy: a client would reach the logon`).
    pub title: String,
    /// When the check started (RFC 3339): names the JSON download.
    pub started_at: String,
}

/// Reads a report's JSON text; the error says why it is not a report.
pub fn parse(text: &str) -> Result<Report, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The report in `text`, rendered.
pub fn view(text: &str) -> Result<View, String> {
    let r = parse(text)?;
    Ok(View {
        html: view::report_html(&r),
        status: view::status_class(r.verdict.status).to_string(),
        title: rdpcheck_words::verdict_title(&r.verdict),
        started_at: r.started_at,
    })
}

/// A two-vantage link's reports rendered: `local` (the user's computer's report, unsigned) and
/// `relay` (the relay's signed report text) compared, then both in full. `verified`: whether
/// the page found the relay's signature valid (`None` while it checks). The view's status,
/// title and start time are the relay report's.
pub fn vantage(
    local: &str,
    relay: &str,
    key_id: &str,
    verified: Option<bool>,
) -> Result<View, String> {
    let l = parse(local).map_err(|e| format!("the user's computer's report: {e}"))?;
    let r = parse(relay).map_err(|e| format!("the relay's report: {e}"))?;
    let mark = match verified {
        None => vantage::RelayMark::Checking,
        Some(true) => vantage::RelayMark::Verified,
        Some(false) => vantage::RelayMark::NotVerified,
    };
    Ok(View {
        html: vantage::vantage_html(&l, &r, key_id, mark),
        status: view::status_class(r.verdict.status).to_string(),
        title: rdpcheck_words::verdict_title(&r.verdict),
        started_at: r.started_at,
    })
}

/// The report in `text` as Markdown for a ticket; `verified` is the banner's line, `link` the
/// share link, when there is one. With `local` (a two-vantage link's unsigned report), the
/// comparison and both reports.
pub fn markdown(
    text: &str,
    verified: Option<&str>,
    link: Option<&str>,
    local: Option<&str>,
) -> Result<String, String> {
    let relay = parse(text)?;
    match local {
        None => Ok(markdown::report_markdown(&relay, verified, link)),
        Some(l) => {
            let l = parse(l).map_err(|e| format!("the user's computer's report: {e}"))?;
            Ok(vantage_markdown::vantage_markdown(
                &l, &relay, verified, link,
            ))
        }
    }
}

/// The share link `<origin>/r#v1.<payload>` of a signed report.
pub fn share_link(origin: &str, signed: &SignedReport) -> String {
    format!(
        "{}/r#{}",
        origin.trim_end_matches('/'),
        rdpcheck_report::share::encode(signed)
    )
}

/// Installs the knowledge base (the text of `rdpcheck_kb::BUNDLE_FILE` the page fetched), for
/// the fixes in the verdict card. Without it the report renders without them.
pub fn load_kb(bundle: &str) -> Result<(), String> {
    rdpcheck_kb::load_bundle(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_reads_the_report_and_says_what_is_wrong_with_other_text() {
        let v = view(include_str!("../../tests/fixtures/refused.json")).expect("a report");
        assert_eq!(v.status, "problem");
        assert_eq!(v.title, "A client would fail at the tcp stage");
        assert!(v.html.contains("tcp.refused"));
        assert!(!v.started_at.is_empty());
        assert!(view("{\"schema\":1}").is_err());
        assert!(view("not json").is_err());
        assert!(markdown("[]", None, None, None).is_err());
    }

    #[test]
    fn vantage_reads_both_reports_and_names_the_one_that_is_not() {
        let good = include_str!("../../tests/fixtures/xrdp-negotiate.json");
        let v = vantage(good, good, "k1", Some(true)).expect("two reports");
        assert_eq!(v.status, "healthy");
        assert!(v.html.contains("Two vantage points"));
        let e = vantage("{}", good, "k1", None).expect_err("no local report");
        assert!(e.starts_with("the user's computer's report"), "{e}");
        let e = vantage(good, "[]", "k1", None).expect_err("no relay report");
        assert!(e.starts_with("the relay's report"), "{e}");
    }

    #[test]
    fn share_links_decode_to_the_signed_text() {
        let signed = SignedReport {
            report: "{\"schema\":1}".into(),
            signature: "c2ln".into(),
            key_id: "k1".into(),
        };
        let link = share_link("https://relay.example/", &signed);
        assert!(link.starts_with("https://relay.example/r#v1."), "{link}");
        let fragment = link.split_once('#').map(|x| x.1).unwrap_or_default();
        assert_eq!(rdpcheck_report::share::decode(fragment).ok(), Some(signed));
    }
}
