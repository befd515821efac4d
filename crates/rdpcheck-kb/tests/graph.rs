//! Integrity of the knowledge graph: codes ↔ articles ↔ findings, parsing round trips, and
//! robustness of `explain`.

use std::collections::HashSet;

use rdpcheck_report::{CodeKey, FindingCode};

use rdpcheck_kb::{
    article, articles, articles_for_finding, combos, explain, findings, lookup, render_text, tables,
};

fn article_ids() -> HashSet<String> {
    articles().iter().map(|a| a.id.clone()).collect()
}

/// A key evidence and articles may name: a finding code the engine has, or a family of them.
fn known_finding(key: &str) -> bool {
    key.parse::<CodeKey>().is_ok()
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
                assert!(
                    ids.contains(a),
                    "table {} group {}: unknown article {a}",
                    t.id,
                    g.id
                );
            }
        }
        for e in &t.entries {
            for a in e.articles.iter().flatten() {
                assert!(ids.contains(a), "{} {}: unknown article {a}", t.id, e.name);
            }
            for c in &e.causes {
                assert!(
                    ids.contains(&c.article),
                    "{} {}: unknown article {}",
                    t.id,
                    e.name,
                    c.article
                );
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
                assert!(
                    ids.contains(a),
                    "{} range {}: unknown article {a}",
                    t.id,
                    r.name
                );
            }
        }
    }
    for f in findings() {
        assert!(!f.articles.is_empty(), "finding {} has no article", f.code);
        for a in &f.articles {
            assert!(ids.contains(a), "finding {}: unknown article {a}", f.code);
        }
    }
    for c in combos() {
        for cause in &c.causes {
            assert!(
                ids.contains(&cause.article),
                "combo: unknown article {}",
                cause.article
            );
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

#[test]
fn every_code_parses_back_from_hex_and_decimal() {
    for t in tables() {
        for e in &t.entries {
            let mut forms = vec![
                format!("0x{:X}", e.value),
                format!("0x{:08X}", e.value),
                e.hex.clone(),
            ];
            for alt in &e.alt_values {
                forms.push(format!("0x{alt:08X}"));
            }
            for form in forms {
                let labelled = format!("{} {}", t.label, form);
                for input in [form.clone(), labelled] {
                    let l = lookup(&input);
                    let hit = l.codes.iter().any(|m| {
                        m.entry.as_ref().map(|x| x.name.as_str()) == Some(e.name.as_str())
                            || (m.table == t.id && m.value == e.value)
                    });
                    let also = l.codes.iter().any(|m| {
                        m.also
                            .iter()
                            .chain(m.related.iter())
                            .any(|r| r.table == t.id && r.name == e.name)
                    });
                    // Unlabelled numbers resolve to the first table that knows them; the entry
                    // must then be listed under "also".
                    assert!(
                        hit || also,
                        "{} {} not found from {input:?}: {:?}",
                        t.id,
                        e.name,
                        l.codes.first().map(|c| &c.table)
                    );
                }
            }
            // Decimal, labelled with the table's own label.
            let input = format!("{}: {}", t.label, e.value);
            let l = lookup(&input);
            if t.id != "client" {
                assert!(
                    l.codes
                        .iter()
                        .any(|m| m.table == t.id && m.value == e.value)
                        || l.codes.iter().any(|m| {
                            m.also
                                .iter()
                                .chain(m.related.iter())
                                .any(|r| r.table == t.id && r.name == e.name)
                        }),
                    "{} {} not found from {input:?}",
                    t.id,
                    e.name
                );
            }
            // Symbolic name.
            if !e.name.starts_with('(') {
                let l = lookup(&e.name);
                assert!(
                    l.codes
                        .iter()
                        .any(|m| m.entry.as_ref().map(|x| &x.name) == Some(&e.name))
                        || l.codes.iter().any(|m| m
                            .also
                            .iter()
                            .chain(m.related.iter())
                            .any(|r| r.name == e.name)),
                    "name {} not found",
                    e.name
                );
            }
        }
    }
}

#[test]
fn client_codes_parse_from_decimal() {
    let client = tables()
        .iter()
        .find(|t| t.id == "client")
        .expect("client table");
    for e in &client.entries {
        let l = lookup(&format!("Error code: {}", e.value));
        let m = &l.codes[0];
        // Small values read the same either way; others may be read as hex when that is a known code.
        assert_eq!(m.table, "client", "{}", e.name);
        let l = lookup(&e.value.to_string());
        assert!(
            l.codes.iter().any(|m| m.table == "client"),
            "decimal {} of {}",
            e.value,
            e.name
        );
    }
}

#[test]
fn dialog_text_parses() {
    let dialog = "Remote Desktop Connection\n\nThis computer can't connect to the remote computer.\n\n\
        Try connecting again. If the problem continues, contact the owner of the remote computer or \
        your network administrator.\n\nError code: 0x904\nExtended error code: 0x7\n\n\
        Timestamp (UTC): 2025-03-14T09:12:44.123Z\nActivity ID: 5b1d7a2e-0a4c-4f3e-9d51-000000000000\n";
    let l = lookup(dialog);
    assert!(l.fully_understood(), "{:?}", l.unknown);
    assert_eq!(l.codes.len(), 2);
    assert_eq!(
        (l.codes[0].table.as_str(), l.codes[0].value),
        ("client", 0x904)
    );
    assert_eq!(
        (l.codes[1].table.as_str(), l.codes[1].value),
        ("extended", 7)
    );
    assert!(l.combination.is_some());

    for short in [
        "Error code: 0x904 Extended error code: 0x7",
        "error code 0x904, extended error code 0x7",
        "0x904 0x7",
        "ERROR CODE:0x904  EXTENDED ERROR CODE:0x7",
    ] {
        let l = lookup(short);
        assert!(l.combination.is_some(), "{short}");
        assert!(l.fully_understood(), "{short}: {:?}", l.unknown);
    }
    let l = lookup("  0x00000904 ");
    assert_eq!(l.codes[0].value, 0x904);
    let l = lookup("Error code 0x204");
    assert_eq!(
        l.codes[0].entry.as_ref().map(|e| e.name.as_str()),
        Some("disconnectReasonSocketConnectFailed")
    );
}

#[test]
fn freerdp_forms_parse() {
    let l = lookup("[14:02:11:532] [3121:3122] [ERROR][com.freerdp.core] - freerdp_set_last_error_ex ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]");
    assert!(l.fully_understood(), "{:?}", l.unknown);
    assert_eq!(l.codes.len(), 1);
    assert_eq!(l.codes[0].table, "freerdp");
    assert_eq!(l.codes[0].value, 0x0002_000D);

    let l = lookup("ERRINFO_SERVER_DENIED_CONNECTION");
    assert_eq!(l.codes[0].table, "errinfo");
    assert_eq!(l.codes[0].value, 7);

    let l = lookup("errinfo_server_denied_connection [0x00010007]");
    assert_eq!(
        l.codes.len(),
        1,
        "ERRINFO name and its FreeRDP number are one code"
    );

    let l = lookup("E_PROXY_TS_CONNECTFAILED 0x000059DD");
    assert_eq!(l.codes.len(), 1);
    assert_eq!(l.codes[0].table, "gateway");

    let l = lookup("tls.alert.handshake_failure");
    assert_eq!(l.findings.len(), 1);
}

#[test]
fn flagship_covers_all_seed_article_causes() {
    let ex = explain("Error code: 0x904 Extended error code: 0x7").expect("explained");
    let combo = ex
        .combination
        .as_ref()
        .expect("0x904/0x7 has its own entry");
    let ids: Vec<&str> = combo.causes.iter().map(|c| c.article.as_str()).collect();
    for required in [
        "network-instability",
        "udp-transport",
        "tls-version-cipher",
        "server-certificate",
        "firewall-blocking",
        "client-stored-data",
        // What the research adds:
        "not-rdp-service",
        "nla-credssp",
    ] {
        assert!(
            ids.contains(&required),
            "0x904/0x7 misses {required}: {ids:?}"
        );
    }
    // Every cause has evidence that separates it.
    for c in &combo.causes {
        assert!(!c.evidence.is_empty(), "{} has no evidence", c.article);
    }
    let findings_named: Vec<&str> = combo
        .causes
        .iter()
        .flat_map(|c| c.evidence.iter().filter_map(|e| e.finding.as_deref()))
        .collect();
    for f in ["x224.closed", "tls.closed_after_hello", "net.unstable"] {
        assert!(findings_named.contains(&f), "0x904/0x7 evidence lacks {f}");
    }
    // Honest about the folklore figure.
    let text = render_text(&ex);
    assert!(text.contains("23-25"), "the unverified figure is addressed");
    assert!(text.contains("21-second"));
    assert!(text.contains("rdpcheck probe HOST"));
}

#[test]
fn unknown_input_gets_family_hint() {
    let l = lookup("Error code: 0xF04");
    assert!(l.codes.is_empty());
    assert_eq!(l.unknown.len(), 1);
    assert!(
        l.unknown[0].hint.contains("socket"),
        "{}",
        l.unknown[0].hint
    );
    assert!(l.unknown[0].hint.contains("not a known"));
    let l = lookup("Error code: 0x3307");
    assert!(l.unknown[0].hint.contains("Network Level Authentication"));
    assert!(explain("hello world").is_err());
    assert!(explain("").is_err());
    let ex = explain("0x904 0xF04").expect("partly understood");
    assert!(!ex.fully_understood);
}

#[test]
fn explain_never_panics() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: Vec<char> =
        "0123456789abcdefxABCDEFX _:-.[](){}\n\t,;'\"/\\ErorcdExtnbéü€🙂ERRCONNECT_ERRINFO_tls.x224."
            .chars()
            .collect();
    for _ in 0..4000 {
        let len = (next() % 60) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        if let Ok(ex) = explain(&s) {
            let _ = render_text(&ex);
        }
        let _ = lookup(&s);
    }
}
