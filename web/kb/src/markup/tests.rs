use super::*;
use crate::evidence::Evidence;
use crate::search::Hit;
use crate::symptoms::SYMPTOMS;
use rdpcheck_web_report::html::{audit, esc};

#[test]
fn every_screen_of_the_knowledge_base_is_well_formed() {
    audit(&kb_contents()).expect("contents");
    for t in rdpcheck_kb::tables() {
        let h = kb_table(&t.id);
        audit(&h).unwrap_or_else(|e| panic!("{}: {e}", t.id));
        assert!(h.contains("<table class=\"codes\">"));
    }
    for a in rdpcheck_kb::articles() {
        audit(&kb_article(&a.id)).unwrap_or_else(|e| panic!("{}: {e}", a.id));
    }
    let missing = kb_article("<nope>");
    assert!(
        missing.contains("No article called &quot;&lt;nope&gt;&quot;"),
        "{missing}"
    );
    audit(&missing).expect("not found");
    assert!(kb_table("client").contains("<tr id=\"code-0x904\">"));
    // An article with sources names them, each address as text to copy.
    for a in rdpcheck_kb::articles() {
        let h = kb_article(&a.id);
        assert_eq!(
            h.contains("<h2>Sources</h2><ul class=\"sources\">"),
            !a.sources.is_empty(),
            "{}",
            a.id
        );
        for s in &a.sources {
            let shown = format!("<li><code class=\"wrap\">{}</code>: ", esc(&s.url));
            assert!(h.contains(&shown), "{}: {}", a.id, s.url);
        }
    }
}

#[test]
fn an_explanation_is_marked_with_the_evidence() {
    let ex = rdpcheck_kb::explain("Error code: 0x904 Extended error code: 0x7").expect("0x904");
    let m = meaning(&ex);
    audit(&m).expect("meaning");
    assert!(m.contains("Together: "), "{m}");
    assert!(m.contains("<a href=\"/kb/codes/client\">"));
    let plain = causes(&ex, None);
    audit(&plain).expect("causes");
    assert!(plain.matches("<li><h3><a href=\"/kb/").count() >= 2);
    assert!(!plain.contains("class=\"seen"));
    let evidence = Evidence {
        findings: vec!["tls.closed_after_hello".parse().expect("a code")],
        ran: vec![rdpcheck_report::Stage::Tcp, rdpcheck_report::Stage::Tls],
    };
    let marked = causes(&ex, Some(&evidence));
    assert!(marked.contains("Marked with the result of your check below."));
    assert!(marked.contains("<span class=\"seen found\">"), "{marked}");
    let fixes = fixes_by_cause(&ex);
    audit(&fixes).expect("fixes");
    assert!(fixes.contains("<summary>1. "));
}

#[test]
fn what_was_not_understood_is_said_and_escaped() {
    let e = rdpcheck_kb::explain("<b>hello</b> world").expect_err("nothing to explain");
    let h = not_understood(&e);
    audit(&h).expect("markup");
    assert!(
        h.contains("No Remote Desktop error code recognised in \"&lt;b&gt;hello&lt;/b&gt; world\""),
        "{h}"
    );
    assert!(h.contains("Or pick what you saw"));
    let s = symptoms();
    audit(&s).expect("symptoms");
    assert_eq!(
        s.matches("<li><a href=\"/explain?q=").count(),
        SYMPTOMS.len()
    );
}

#[test]
fn search_hits_link_their_screens() {
    let found = crate::search::search("0x904", 60);
    let h = hits(&found);
    audit(&h).expect("hits");
    assert!(h.contains("href=\"/kb/codes/"), "{h}");
    let h = hits(&[
        Hit::Code {
            table: "client".into(),
            table_title: "T".into(),
            hex: "0x904".into(),
            name: "N<".into(),
            short: "s".into(),
        },
        Hit::Finding {
            code: "tcp.refused".into(),
            meaning: "m".into(),
        },
    ]);
    audit(&h).expect("hits");
    assert!(
        h.contains("<a href=\"/kb/codes/client\"><code>0x904</code> N&lt;</a>"),
        "{h}"
    );
    assert!(
        h.contains("<a href=\"/explain?q=tcp.refused\"><code>tcp.refused</code></a>"),
        "{h}"
    );
}

/// The page's explain screen answers every text the knowledge base knows a client prints (each
/// entry's phrases: Windows App, Remmina, FreeRDP, Guacamole, the CredSSP and .rdp dialogs…),
/// naming the entry, as `rdpcheck explain` does.
#[test]
fn every_known_client_text_is_explained_by_the_page() {
    let mut checked = 0;
    for t in rdpcheck_kb::tables() {
        for c in t.entries.iter().filter(|c| !c.phrases.is_empty()) {
            let phrase = &c.phrases[0];
            let shown = crate::explain(phrase, None);
            assert!(
                shown.head.contains(&esc(&c.name)),
                "{} {}: {phrase:?} explained as\n{}",
                t.id,
                c.name,
                shown.head
            );
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} texts");
}
