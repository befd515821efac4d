//! The read-only parts of the explain and knowledge-base screens, written as markup text: what
//! a code means, the likely causes (marked with a check's evidence), whole articles, the code
//! tables, search hits. The screens insert it into a container that wires its links (in-page
//! navigation) and copy buttons by event delegation (ui/markup.rs); the interactive parts (paste
//! box, search box, check form) stay components. Text is escaped
//! (`rdpcheck_web_report::html`); articles are written by the same code as the report module's
//! fixes (`rdpcheck_web_report::article`). Written as text because that is about a third of the
//! wasm the same markup takes as Yew components.

use rdpcheck_kb::{CodeMatch, ExplainError, Explanation};
use rdpcheck_web_report::article::{article_body, article_link, prose};
use rdpcheck_web_report::html::{one_line, Out};

use super::evidence::{seen, Evidence, Seen};
use super::kbsearch::Hit;
use super::route::Route;
use super::symptoms::SYMPTOMS;

/// "What it means": every code and finding of the explanation, the combination, what was not
/// understood.
pub fn meaning(ex: &Explanation) -> String {
    let mut o = Out::new();
    o.m("<section class=\"card\" aria-labelledby=\"meaning-title\"><h2 id=\"meaning-title\">What it means</h2>");
    for m in &ex.codes {
        code_card(&mut o, m);
    }
    for f in &ex.findings {
        o.m("<div class=\"code-card\"><h3><code>")
            .t(&f.code)
            .m("</code> — rdpcheck finding</h3><p>")
            .t(&f.meaning)
            .m("</p></div>");
    }
    if let Some(c) = &ex.combination {
        o.m("<div class=\"combo\"><h3>Together: ")
            .t(&c.title)
            .m("</h3><p>")
            .t(&c.summary)
            .m("</p>");
        for n in &c.notes {
            o.m("<p class=\"muted\">").t(n).m("</p>");
        }
        o.m("</div>");
    }
    if !ex.unknown.is_empty() {
        o.m("<h3>Not understood</h3>");
        unknown(&mut o, &ex.unknown);
    }
    o.m("</section>");
    o.0
}

fn unknown(o: &mut Out, list: &[rdpcheck_kb::Unknown]) {
    o.m("<ul>");
    for u in list {
        o.m("<li><code>")
            .t(&u.text)
            .m("</code>: ")
            .t(&u.hint)
            .m("</li>");
    }
    o.m("</ul>");
}

/// Whether the table's entries are numbers (false for other clients' messages).
fn numbered(table: &str) -> bool {
    rdpcheck_kb::tables()
        .iter()
        .find(|t| t.id == table)
        .is_none_or(|t| t.numbers)
}

fn code_card(o: &mut Out, m: &CodeMatch) {
    let (name, short, meaning) = match (&m.entry, &m.range) {
        (Some(e), _) => (e.name.as_str(), e.short.as_str(), e.meaning.as_str()),
        (None, Some(r)) => (r.name.as_str(), r.short.as_str(), r.meaning.as_str()),
        _ => ("", "", ""),
    };
    let undocumented = m.entry.as_ref().is_some_and(|e| !e.documented);
    let source = match (&m.entry, &m.range) {
        (Some(e), _) => e.source.as_str(),
        (None, Some(r)) => r.source.as_str(),
        _ => "",
    };
    o.m("<div class=\"code-card\"><h3><span class=\"code-label\">")
        .t(&m.label)
        .m(" </span>");
    // A message (another client's text) has an index, not a number the user saw.
    if numbered(&m.table) {
        o.m("<code>")
            .t(&m.hex)
            .m("</code><span class=\"muted\"> (")
            .t(&m.decimal.to_string())
            .m(")</span>");
    }
    o.m(" — ")
        .t(if short.is_empty() { name } else { short })
        .m("</h3><p class=\"muted\">")
        .link(
            &Route::KbTable {
                table: m.table.clone(),
            }
            .path(),
            &m.table_title,
        )
        .t(": ")
        .t(name);
    if undocumented {
        o.m(" (not in Microsoft's documentation)");
    }
    o.m(". Read as ")
        .t(&m.interpretation)
        .m(".</p><p>")
        .t(&one_line(meaning))
        .m("</p>");
    if !source.is_empty() {
        o.m("<p class=\"muted\">Source: ").t(source).m("</p>");
    }
    for r in &m.related {
        o.m("<p class=\"muted\">Same number in ")
            .t(&r.table_title)
            .m(": ")
            .t(&r.hex)
            .m(" ")
            .t(&r.name)
            .m(" — ")
            .t(&r.meaning)
            .m("</p>");
    }
    if !m.also.is_empty() {
        let also: Vec<String> = m
            .also
            .iter()
            .map(|r| format!("{} {} ({})", r.hex, r.name, r.table_title))
            .collect();
        o.m("<p class=\"muted\">The same number also means: ")
            .t(&also.join("; "))
            .m("</p>");
    }
    o.m("</div>");
}

fn seen_badge(o: &mut Out, s: Seen) {
    o.m(match s {
        Seen::Found => "<span class=\"seen found\">found — supports this cause</span>",
        Seen::Absent => "<span class=\"seen absent\">not found — less likely</span>",
        Seen::Untested => {
            "<span class=\"seen untested\">not tested (an earlier stage stopped the check)</span>"
        }
    });
}

/// The likely causes in order, each with what confirms or rules it out; marked with a check's
/// `evidence` once there is one.
pub fn causes(ex: &Explanation, evidence: Option<&Evidence>) -> String {
    let mut o = Out::new();
    if ex.causes.is_empty() {
        o.m("<section class=\"card\"><h2>Nothing to fix</h2><p>These codes describe a normal end of the session or a condition on the client itself.</p></section>");
        return o.0;
    }
    o.m("<section class=\"card\" aria-labelledby=\"causes-title\"><h2 id=\"causes-title\">Likely causes, most likely first</h2>");
    if evidence.is_some() {
        o.m("<p class=\"note\" role=\"status\">Marked with the result of your check below.</p>");
    }
    o.m("<ol class=\"causes\">");
    for c in &ex.causes {
        o.m("<li><h3>");
        article_link(&mut o, &c.article, &c.title);
        o.m("</h3>");
        for w in &c.why {
            o.m("<p>").t(&one_line(w)).m("</p>");
        }
        if !c.evidence.is_empty() {
            o.m("<p class=\"muted\">What confirms or rules it out:</p><ul class=\"evidence\">");
            for e in &c.evidence {
                o.m("<li>");
                match &e.finding {
                    Some(f) => {
                        o.m("<code class=\"finding-code\">").t(f).m("</code> ");
                        if let Some(ev) = evidence {
                            seen_badge(&mut o, seen(f, ev));
                            o.m(" ");
                        }
                    }
                    None => {
                        o.m("<span class=\"muted\">check: </span>");
                    }
                }
                o.t(&one_line(&e.means)).m("</li>");
            }
            o.m("</ul>");
        }
        o.m("</li>");
    }
    o.m("</ol></section>");
    o.0
}

/// Every cause's article, folded.
pub fn fixes_by_cause(ex: &Explanation) -> String {
    let mut o = Out::new();
    o.m("<section class=\"card\" aria-labelledby=\"fixes-title\"><h2 id=\"fixes-title\">Fixes, by cause</h2>");
    for (i, a) in ex.articles.iter().enumerate() {
        o.m("<details class=\"fix\"><summary>")
            .t(&format!("{}. {}", i + 1, a.title))
            .m("</summary>");
        article_body(&mut o, a, 3);
        o.m("</details>");
    }
    o.m("</section>");
    o.0
}

/// Why a text could not be explained, then the symptoms to pick from.
pub fn not_understood(e: &ExplainError) -> String {
    let mut o = Out::new();
    o.m("<section class=\"card error\" role=\"alert\"><h2>");
    match e {
        ExplainError::Empty { .. } => {
            o.m("Nothing to explain yet</h2>");
        }
        ExplainError::NotUnderstood {
            input, unknown: u, ..
        } => {
            o.m("No Remote Desktop error code recognised in \"")
                .t(input)
                .m("\"</h2>");
            if !u.is_empty() {
                unknown(&mut o, u);
            }
        }
    }
    o.m("<p>Paste the codes exactly as the dialog shows them, e.g. \"Error code: 0x904 Extended error code: 0x7\", \
         a number such as 0x204 or 2308, a FreeRDP name such as ERRCONNECT_CONNECT_TRANSPORT_FAILED, \
         or an rdpcheck finding such as tls.closed_after_hello.</p></section>");
    o.0.push_str(&symptoms());
    o.0
}

/// "Or pick what you saw": common dialogs, each a link to its explanation.
pub fn symptoms() -> String {
    let mut o = Out::new();
    o.m("<section class=\"card\" aria-labelledby=\"symptoms-title\"><h2 id=\"symptoms-title\">Or pick what you saw</h2><ul class=\"symptoms\">");
    for (label, q) in SYMPTOMS {
        o.m("<li>")
            .link(&Route::Explain.with_query(&[("q", q)]), label)
            .m("</li>");
    }
    o.m("</ul></section>");
    o.0
}

/// Search hits, as a list.
pub fn hits(hits: &[Hit]) -> String {
    let mut o = Out::new();
    o.m("<ul class=\"hits\">");
    for h in hits {
        match h {
            Hit::Article { id, title } => {
                o.m("<li><span class=\"kind\">article</span>");
                article_link(&mut o, id, title);
                o.m("</li>");
            }
            Hit::Code {
                table,
                table_title,
                hex,
                name,
                short,
            } => {
                o.m("<li><span class=\"kind\">code</span><a href=\"")
                    .t(&Route::KbTable {
                        table: table.clone(),
                    }
                    .path())
                    .m("\"><code>")
                    .t(hex)
                    .m("</code> ")
                    .t(name)
                    .m("</a><span class=\"muted\"> — ")
                    .t(short)
                    .m(" (")
                    .t(table_title)
                    .m(")</span></li>");
            }
            Hit::Finding { code, meaning } => {
                o.m("<li><span class=\"kind\">finding</span><a href=\"")
                    .t(&Route::Explain.with_query(&[("q", code)]))
                    .m("\"><code>")
                    .t(code)
                    .m("</code></a><span class=\"muted\"> — ")
                    .t(meaning)
                    .m("</span></li>");
            }
        }
    }
    o.m("</ul>");
    o.0
}

/// The knowledge base's contents: every code table and every article.
pub fn kb_contents() -> String {
    let mut o = Out::new();
    o.m("<section class=\"card\" aria-labelledby=\"kb-tables\"><h2 id=\"kb-tables\">Code tables</h2><ul class=\"kb-list\">");
    for t in rdpcheck_kb::tables() {
        o.m("<li>")
            .link(
                &Route::KbTable {
                    table: t.id.clone(),
                }
                .path(),
                &t.title,
            )
            .m("<span class=\"muted\"> — ")
            .t(&format!(
                "{} codes; shown as \"{}\"",
                t.entries.len(),
                t.label
            ))
            .m("</span></li>");
    }
    o.m("</ul></section><section class=\"card\" aria-labelledby=\"kb-articles\"><h2 id=\"kb-articles\">Causes and fixes</h2><ul class=\"kb-list\">");
    for a in rdpcheck_kb::articles() {
        o.m("<li>");
        article_link(&mut o, &a.id, &a.title);
        o.m("</li>");
    }
    o.m("</ul></section>");
    o.0
}

/// One article's screen.
pub fn kb_article(id: &str) -> String {
    let Some(a) = rdpcheck_kb::article(id) else {
        return not_found("article", id);
    };
    let mut o = Out::new();
    o.m(
        "<article class=\"card kb-article\" aria-labelledby=\"article-title\"><p class=\"crumbs\">",
    )
    .link("/kb", "Knowledge base")
    .m(" / article</p><h1 id=\"article-title\">")
    .t(&a.title)
    .m("</h1>");
    article_body(&mut o, a, 2);
    let findings: Vec<_> = rdpcheck_kb::findings()
        .iter()
        .filter(|f| f.articles.iter().any(|x| x == &a.id))
        .collect();
    if !a.client_codes.is_empty() || !findings.is_empty() {
        o.m("<h2>What points here</h2><ul class=\"pointers\">");
        for c in &a.client_codes {
            o.m("<li><a href=\"")
                .t(&Route::Explain.with_query(&[("q", c)]))
                .m("\"><code>")
                .t(c)
                .m("</code></a></li>");
        }
        for f in findings {
            o.m("<li><code class=\"finding-code\">")
                .t(&f.code.to_string())
                .m("</code> — ")
                .t(&f.meaning)
                .m("</li>");
        }
        o.m("</ul>");
    }
    o.m("</article>");
    o.0
}

/// One code table's screen.
pub fn kb_table(id: &str) -> String {
    let Some(t) = rdpcheck_kb::tables().iter().find(|t| t.id == id) else {
        return not_found("code table", id);
    };
    let title_of = |id: &str| {
        rdpcheck_kb::article(id)
            .map(|a| a.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut o = Out::new();
    o.m("<article class=\"card kb-table\" aria-labelledby=\"table-title\"><p class=\"crumbs\">")
        .link("/kb", "Knowledge base")
        .m(" / code table</p><h1 id=\"table-title\">")
        .t(&t.title)
        .m("</h1>");
    prose(&mut o, &t.description);
    o.m("<div class=\"table-wrap\"><table class=\"codes\"><caption class=\"sr-only\">")
        .t(&t.title)
        .m("</caption><thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Name</th><th scope=\"col\">Meaning</th><th scope=\"col\">Causes</th></tr></thead><tbody>");
    for e in &t.entries {
        let arts: Vec<String> = match &e.articles {
            Some(a) => a.clone(),
            None => e
                .group
                .as_ref()
                .and_then(|g| t.groups.iter().find(|x| &x.id == g))
                .map(|g| g.articles.clone())
                .unwrap_or_default(),
        };
        o.m("<tr id=\"code-")
            .t(&e.hex.to_ascii_lowercase())
            .m("\"><th scope=\"row\">");
        if t.numbers {
            o.m("<code>")
                .t(&e.hex)
                .m("</code><br/><span class=\"muted\">")
                .t(&e.decimal.to_string())
                .m("</span>");
        }
        o.m("</th><td><code class=\"wrap\">")
            .t(&e.name)
            .m("</code>");
        if !e.documented {
            o.m("<br/><span class=\"muted\">not in Microsoft's documentation</span>");
        }
        o.m("</td><td>");
        if !e.short.is_empty() {
            o.m("<strong>").t(&e.short).m("</strong><br/>");
        }
        o.t(&one_line(&e.meaning))
            .m("</td><td><ul class=\"plain\">");
        for a in &arts {
            o.m("<li>");
            article_link(&mut o, a, &title_of(a));
            o.m("</li>");
        }
        o.m("</ul></td></tr>");
    }
    o.m("</tbody></table></div>");
    if !t.ranges.is_empty() {
        o.m("<h2>Ranges</h2><ul>");
        for r in &t.ranges {
            o.m("<li><strong>")
                .t(&format!("{}–{} {}", r.start, r.end, r.name))
                .m("</strong>: ")
                .t(&one_line(&r.meaning))
                .m("</li>");
        }
        o.m("</ul>");
    }
    o.m("</article>");
    o.0
}

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

fn not_found(what: &str, id: &str) -> String {
    let mut o = Out::new();
    o.m("<section class=\"card error\" role=\"alert\"><h1>")
        .t(&format!("No {what} called \"{id}\""))
        .m("</h1><p>")
        .link("/kb", "Browse the knowledge base")
        .m(".</p></section>");
    o.0
}

#[cfg(test)]
mod tests;
