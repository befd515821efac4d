//! The error card of a share link that does not open (the shared-report screens). Written as
//! markup text, as the knowledge-base module writes its screens, and inserted the same way
//! (ui/markup.rs).

use rdpcheck_web_report::html::Out;

/// A share link that cannot be opened, and why (`why` ends without a full stop); its heading is
/// `<h1>` on its own screen, `<h2>` under the shared report's.
pub fn link_error(heading: u8, why: &str) -> String {
    let (open, close) = if heading == 1 {
        ("<h1>", "</h1>")
    } else {
        ("<h2>", "</h2>")
    };
    let mut o = Out::new();
    o.m("<section class=\"card error\" role=\"alert\">")
        .m(open)
        .m("This report link cannot be opened")
        .m(close)
        .m("<p>")
        .t(why)
        .m(".</p><p>Ask for the link again: it must be copied whole, including everything after the #. ")
        .link("/", "Start a new check")
        .m(".</p></section>");
    o.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdpcheck_web_report::html::audit;

    #[test]
    fn a_damaged_link_says_why() {
        let h = link_error(1, "the link is damaged (not base64url)");
        audit(&h).expect("markup");
        assert!(h.starts_with("<section class=\"card error\" role=\"alert\"><h1>This report link cannot be opened</h1><p>the link is damaged (not base64url).</p>"), "{h}");
        assert!(link_error(2, "<x>")
            .contains("<h2>This report link cannot be opened</h2><p>&lt;x&gt;.</p>"));
    }
}
