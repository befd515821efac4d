//! The graph holds together: article ids, every reference between tables, findings, combos and
//! articles, every engine finding mapped, every article complete.

use std::collections::HashSet;
use std::fmt::Display;

use rdpcheck_kb::{article, articles, articles_for_finding, combos, findings, lookup, tables};
use rdpcheck_report::{CodeKey, FindingCode};

fn article_ids() -> HashSet<String> {
    articles().iter().map(|a| a.id.clone()).collect()
}

/// A key evidence and articles may name: a finding code the engine has, or a family of them.
fn known_finding(key: &str) -> bool {
    key.parse::<CodeKey>().is_ok()
}

/// `id` names an article; `whose` says what referred to it.
#[track_caller]
fn assert_known_article(ids: &HashSet<String>, id: &str, whose: impl Display) {
    assert!(ids.contains(id), "{whose}: unknown article {id}");
}

#[test]
fn article_ids_are_unique_and_kebab_case() {
    let mut seen = HashSet::new();
    for a in articles() {
        assert!(seen.insert(a.id.clone()), "duplicate article id {}", a.id);
        assert!(
            a.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "not kebab-case: {}",
            a.id
        );
        assert!(article(&a.id).is_some());
    }
    assert!(articles().len() >= 15);
}

#[test]
fn no_dangling_article_references() {
    let ids = article_ids();
    for t in tables() {
        for g in &t.groups {
            for a in &g.articles {
                assert_known_article(&ids, a, format_args!("table {} group {}", t.id, g.id));
            }
        }
        for e in &t.entries {
            for a in e.articles.iter().flatten() {
                assert_known_article(&ids, a, format_args!("{} {}", t.id, e.name));
            }
            for c in &e.causes {
                assert_known_article(&ids, &c.article, format_args!("{} {}", t.id, e.name));
                for ev in &c.evidence {
                    if let Some(f) = &ev.finding {
                        assert!(known_finding(f), "{} {}: unknown finding {f}", t.id, e.name);
                    }
                }
            }
            if let Some(g) = &e.group {
                assert!(
                    t.groups.iter().any(|x| &x.id == g),
                    "{} {}: unknown group {g}",
                    t.id,
                    e.name
                );
            }
        }
        for r in &t.ranges {
            for a in &r.articles {
                assert_known_article(&ids, a, format_args!("{} range {}", t.id, r.name));
            }
        }
    }
    for f in findings() {
        assert!(!f.articles.is_empty(), "finding {} has no article", f.code);
        for a in &f.articles {
            assert_known_article(&ids, a, format_args!("finding {}", f.code));
        }
    }
    for c in combos() {
        for cause in &c.causes {
            assert_known_article(&ids, &cause.article, "combo");
        }
    }
    for a in articles() {
        for c in &a.confirm {
            if let Some(f) = &c.finding {
                assert!(known_finding(f), "article {}: unknown finding {f}", a.id);
            }
        }
        for code in &a.client_codes {
            let l = lookup(&format!("Error code: {code}"));
            assert!(
                l.codes.len() == 1 && l.codes[0].table == "client" && l.codes[0].entry.is_some(),
                "article {}: client code {code} is not in the client table",
                a.id
            );
        }
    }
}

#[test]
fn every_engine_finding_maps_to_an_article() {
    for code in FindingCode::all() {
        let arts = articles_for_finding(code);
        assert!(!arts.is_empty(), "finding {code} maps to no article");
        for a in arts {
            assert!(
                article(&a).is_some(),
                "finding {code}: dangling article {a}"
            );
        }
    }
    // Family fallback: tls.alert.<anything> finds the tls.alert entry.
    let tls_alert = findings()
        .iter()
        .find(|f| f.code == "tls.alert")
        .expect("a tls.alert entry");
    assert_eq!(
        articles_for_finding(FindingCode::TlsAlert(50)),
        tls_alert.articles
    );
}

#[test]
fn every_article_has_confirmation_and_both_sides() {
    for a in articles() {
        assert!(!a.confirm.is_empty(), "{}: no confirmation", a.id);
        assert!(
            a.confirm.iter().any(|c| c.command.is_some()),
            "{}: no confirmation command",
            a.id
        );
        assert!(
            !a.fix_user.is_empty() || a.none_user.is_some(),
            "{}: no user-side step and no explicit none",
            a.id
        );
        assert!(
            !a.fix_host.is_empty() || a.none_host.is_some(),
            "{}: no host-side step and no explicit none",
            a.id
        );
        assert!(
            !a.if_not_helped.trim().is_empty(),
            "{}: empty if_not_helped",
            a.id
        );
        assert!(
            !a.summary.trim().is_empty() && !a.symptoms.trim().is_empty(),
            "{}",
            a.id
        );
    }
}
