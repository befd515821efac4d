//! The knowledge-base screens' markup: search hits, the contents, an article, a code table.

use rdpcheck_web_report::article::{article_body, article_link, article_sources, prose};
use rdpcheck_web_report::html::{one_line, Out};

use crate::route::Route;
use crate::search::Hit;

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
    article_sources(&mut o, a, 2);
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

fn not_found(what: &str, id: &str) -> String {
    let mut o = Out::new();
    o.m("<section class=\"card error\" role=\"alert\"><h1>")
        .t(&format!("No {what} called \"{id}\""))
        .m("</h1><p>")
        .link("/kb", "Browse the knowledge base")
        .m(".</p></section>");
    o.0
}
