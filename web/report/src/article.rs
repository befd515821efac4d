//! Knowledge-base articles as markup: the fix steps with their commands (each with a copy
//! button), how to confirm a cause, a whole article. The report's verdict card shows the fixes;
//! the page's explain and knowledge-base screens show whole articles. One markup for both.
//! The copy buttons and the links are wired by the page's event delegation on the container it
//! inserts this into.

use rdpcheck_kb::{Article, Step};

use crate::html::{one_line, percent_encode, Out};

/// `/kb/<id>`: an article's screen.
pub fn article_path(id: &str) -> String {
    format!("/kb/{}", percent_encode(id))
}

/// A link to an article.
pub fn article_link(o: &mut Out, id: &str, title: &str) {
    o.link(&article_path(id), title);
}

/// A command ready to paste, with its shell and a copy button (the page copies the `code`
/// of the block whose button is clicked).
pub fn code_block(o: &mut Out, code: &str, shell: &str) {
    let shell_name = if shell.is_empty() { "the" } else { shell };
    o.m("<div class=\"code\"><div class=\"code-bar\"><span class=\"shell\">")
        .t(shell)
        .m("</span><button type=\"button\" class=\"copy\" aria-label=\"Copy ")
        .t(shell_name)
        .m(" command\"><span aria-live=\"polite\">Copy</span></button></div><pre><code>")
        .t(code)
        .m("</code></pre></div>");
}

/// Paragraphs of prose: blank lines separate paragraphs, single newlines are soft wraps.
pub fn prose(o: &mut Out, text: &str) {
    for p in text.split("\n\n").map(one_line).filter(|p| !p.is_empty()) {
        o.m("<p>").t(&p).m("</p>");
    }
}

/// Numbered fix steps with their commands.
pub fn steps(o: &mut Out, list: &[Step], none: Option<&str>) {
    if list.is_empty() {
        o.m("<p class=\"muted\">")
            .t(&one_line(none.unwrap_or("Nothing to do on this side.")))
            .m("</p>");
        return;
    }
    o.m("<ol class=\"steps\">");
    for s in list {
        o.m("<li>").t(&one_line(&s.text));
        for c in &s.commands {
            code_block(o, &c.code, &c.shell);
        }
        o.m("</li>");
    }
    o.m("</ol>");
}

/// The fix for both sides of one article.
pub fn fixes(o: &mut Out, a: &Article) {
    o.m("<div class=\"fix-sides\"><section><h4>On your computer</h4>");
    steps(o, &a.fix_user, a.none_user.as_deref());
    o.m("</section><section><h4>On the host</h4>");
    steps(o, &a.fix_host, a.none_host.as_deref());
    o.m("</section></div>");
}

/// How to confirm or rule out the cause.
pub fn confirm(o: &mut Out, a: &Article) {
    o.m("<ul class=\"checks\">");
    for c in &a.confirm {
        o.m("<li>");
        if let Some(f) = &c.finding {
            o.m("<code class=\"finding-code\">").t(f).m("</code> ");
        }
        o.t(&one_line(&c.text));
        if let Some(cmd) = &c.command {
            code_block(o, cmd, "");
        }
        o.m("</li>");
    }
    o.m("</ul>");
}

/// A whole article: summary, symptoms, confirm, fixes, notes, what next. Its headings are
/// `<h2>` (`heading` 2: the article's own screen) or `<h3>` (inside another section).
pub fn article_body(o: &mut Out, a: &Article, heading: u8) {
    let (open, close) = if heading == 2 {
        ("<h2>", "</h2>")
    } else {
        ("<h3>", "</h3>")
    };
    let h = |o: &mut Out, text: &str| {
        o.m(open).t(text).m(close);
    };
    prose(o, &a.summary);
    h(o, "Symptoms");
    prose(o, &a.symptoms);
    h(o, "Confirm or rule out");
    confirm(o, a);
    h(o, "Fix");
    fixes(o, a);
    if !a.notes.is_empty() {
        h(o, "Notes");
        o.m("<ul>");
        for n in &a.notes {
            o.m("<li>").t(&one_line(n)).m("</li>");
        }
        o.m("</ul>");
    }
    h(o, "If this did not help");
    prose(o, &a.if_not_helped);
}

/// Where the article's facts come from, as a list: the address (or `lab: …` for a lab
/// measurement) as text to copy, since the page's markup links only its own screens
/// ([`crate::html::audit`]); a source that is an inference says so.
pub fn article_sources(o: &mut Out, a: &Article, heading: u8) {
    if a.sources.is_empty() {
        return;
    }
    let (open, close) = if heading == 2 {
        ("<h2>", "</h2>")
    } else {
        ("<h3>", "</h3>")
    };
    o.m(open).t("Sources").m(close).m("<ul class=\"sources\">");
    for s in &a.sources {
        o.m("<li><code class=\"wrap\">")
            .t(&s.url)
            .m("</code>: ")
            .t(&one_line(&s.says));
        if !s.verified {
            o.m(" <span class=\"muted\">(not verified: an inference or a secondary source)</span>");
        }
        o.m("</li>");
    }
    o.m("</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::audit;

    #[test]
    fn every_article_is_well_formed_markup() {
        let all = rdpcheck_kb::articles();
        assert!(!all.is_empty());
        for a in all {
            for heading in [2, 3] {
                let mut o = Out::new();
                article_body(&mut o, a, heading);
                audit(&o.0).unwrap_or_else(|e| panic!("{}: {e}", a.id));
                assert_eq!(
                    o.0.matches("<section").count(),
                    o.0.matches("</section>").count()
                );
                assert!(
                    o.0.contains(&format!("<h{heading}>Fix</h{heading}>")),
                    "{}",
                    a.id
                );
            }
        }
    }

    #[test]
    fn commands_get_a_copy_button_and_links_stay_in_the_page() {
        let mut o = Out::new();
        code_block(&mut o, "Get-Service <x> & \"y\"", "powershell");
        assert_eq!(
            o.0,
            "<div class=\"code\"><div class=\"code-bar\"><span class=\"shell\">powershell</span><button type=\"button\" class=\"copy\" aria-label=\"Copy powershell command\"><span aria-live=\"polite\">Copy</span></button></div><pre><code>Get-Service &lt;x&gt; &amp; &quot;y&quot;</code></pre></div>"
        );
        let mut o = Out::new();
        article_link(&mut o, "a b", "T<i>");
        assert_eq!(o.0, "<a href=\"/kb/a%20b\">T&lt;i&gt;</a>");
        let mut o = Out::new();
        prose(&mut o, "one\ntwo\n\n\nthree  ");
        assert_eq!(o.0, "<p>one two</p><p>three</p>");
    }
}
