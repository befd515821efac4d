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

/// Articles that list sources name each one with what it says.
#[test]
fn article_sources_name_an_address_and_a_claim() {
    for a in rdpcheck_kb::articles() {
        for s in &a.sources {
            assert!(
                !s.url.trim().is_empty() && !s.says.trim().is_empty(),
                "{}: a source without address or claim",
                a.id
            );
        }
    }
    // The articles written from the kb audit carry their sources.
    for id in [
        "credssp-oracle-remediation",
        "identity-path",
        "host-off-asleep",
        "windows-builds",
    ] {
        let a = rdpcheck_kb::article(id).unwrap_or_else(|| panic!("no article {id}"));
        assert!(!a.sources.is_empty(), "{id}: no sources");
    }
}
