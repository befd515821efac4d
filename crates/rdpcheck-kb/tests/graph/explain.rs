//! `explain`: the flagship 0x904 / 0x7 combination, and robustness against any input.

use rdpcheck_kb::{explain, lookup, render_text};

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
