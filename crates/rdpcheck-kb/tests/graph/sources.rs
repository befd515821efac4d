//! Every meaning says where it comes from: a `source` (the entry's own or its table's), or the
//! entry is marked undocumented. Whether the prose claims no more than the source is checked by
//! reading (kb-audit); this only enforces that the field is there.

use rdpcheck_kb::tables;

#[test]
fn every_code_has_a_source_or_is_marked_undocumented() {
    let mut missing = Vec::new();
    for t in tables() {
        for e in &t.entries {
            if e.documented && e.source.trim().is_empty() {
                missing.push(format!("{} {} {}", t.id, e.hex, e.name));
            }
        }
        for r in &t.ranges {
            if r.source.trim().is_empty() {
                missing.push(format!("{} range {}", t.id, r.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no source and not marked undocumented: {missing:#?}"
    );
}

/// Every article lists its sources, and each names an address (or `lab: …`) and what it says.
/// A claim without a primary source still gets an entry, marked `verified = false`, that says
/// what it rests on.
#[test]
fn every_article_names_its_sources() {
    let articles = rdpcheck_kb::articles();
    assert!(!articles.is_empty(), "no articles loaded");
    let mut missing = Vec::new();
    for a in articles {
        if a.sources.is_empty() {
            missing.push(a.id.clone());
        }
        for s in &a.sources {
            assert!(
                !s.url.trim().is_empty() && !s.says.trim().is_empty(),
                "{}: a source without address or claim",
                a.id
            );
        }
    }
    assert!(missing.is_empty(), "articles without sources: {missing:#?}");
}
