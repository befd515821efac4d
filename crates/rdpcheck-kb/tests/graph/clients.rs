//! The client families: one entry per report client id, every fact with a source, the TLS
//! versions sorted into on / off / unknown exactly once.

use std::collections::HashSet;

use rdpcheck_kb::{client, clients};
use rdpcheck_report::ClientId;

const VERSIONS: [&str; 5] = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

#[test]
fn one_family_per_client_id() {
    let mut seen = HashSet::new();
    for c in clients() {
        assert!(seen.insert(c.id.clone()), "duplicate client {}", c.id);
        assert!(
            c.id.parse::<ClientId>().is_ok(),
            "{}: not a report client id",
            c.id
        );
    }
    for id in ClientId::ALL {
        assert!(client(id.as_str()).is_some(), "no family for {id}");
    }
}

#[test]
fn every_family_is_sourced_and_complete() {
    for c in clients() {
        for (what, text) in [
            ("name", &c.name),
            ("covers", &c.covers),
            ("tls_stack", &c.tls_stack),
            ("key", &c.key),
            ("nla", &c.nla),
            ("security_layers", &c.security_layers),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {what}", c.id);
        }
        assert!(!c.sources.is_empty(), "{}: no source", c.id);
        for s in &c.sources {
            assert!(
                s.url.starts_with("https://") || s.url.starts_with("lab: "),
                "{}: source {:?} is neither an address nor a lab measurement",
                c.id,
                s.url
            );
            assert!(!s.says.trim().is_empty(), "{}: a source says nothing", c.id);
        }
        let mut sorted: Vec<&str> = c
            .tls_on
            .iter()
            .chain(&c.tls_off)
            .chain(&c.tls_unknown)
            .map(String::as_str)
            .collect();
        sorted.sort_unstable();
        let mut all = VERSIONS.to_vec();
        all.sort_unstable();
        assert_eq!(
            sorted, all,
            "{}: every version on, off or unknown, once",
            c.id
        );
        for s in &c.suites {
            assert!(s.starts_with("TLS_"), "{}: suite {s:?}", c.id);
        }
    }
}
