//! The explain screen's markup: what a code means, its likely causes marked with a check's
//! evidence, the fixes by cause, what was not understood, the symptom list.

use rdpcheck_kb::{CodeMatch, ExplainError, Explanation};
use rdpcheck_web_report::article::{article_body, article_link};
use rdpcheck_web_report::html::{one_line, Out};

use crate::evidence::{seen, Evidence, Seen};
use crate::route::Route;
use crate::symptoms::SYMPTOMS;

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
