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
