//! The engine's finding codes and the knowledge base must not drift apart: every code the
//! engine can emit leads to at least one article.

#[test]
fn every_engine_finding_code_has_an_article() {
    let mut missing = Vec::new();
    for (code, _) in rdpcheck_probe::diagnose::codes::ALL {
        // Families are listed by their prefix; check one real member.
        let code = if *code == "tls.alert" {
            "tls.alert.internal_error"
        } else {
            code
        };
        if rdpcheck_kb::articles_for_finding(code).is_empty() {
            missing.push(code);
        }
    }
    assert!(
        missing.is_empty(),
        "finding codes without a knowledge-base article: {missing:?}"
    );
}
