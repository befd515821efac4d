//! The client table in code (diagnose/clients.rs, suites.rs) and the facts in the knowledge base
//! (crates/rdpcheck-kb/data/clients.toml) say the same: names, TLS versions on / off / unknown,
//! and which of rdpcheck's offered suites each family offers.

use rdpcheck_diagnose::diagnose::{clients, suites};
use rdpcheck_proto::tls_hello::{cipher_suite_name, version_name, LEGACY_CIPHER_SUITES};
use rdpcheck_report::ClientId;

#[test]
fn names_versions_and_suites_agree_with_the_knowledge_base() {
    for id in ClientId::ALL {
        let kb = rdpcheck_kb::client(id.as_str()).unwrap_or_else(|| panic!("no KB entry for {id}"));
        assert_eq!(kb.name, rdpcheck_words::client_name(id), "{id}: name");
        for version in [0x0300u16, 0x0301, 0x0302, 0x0303, 0x0304] {
            let name = version_name(version);
            let in_kb = |list: &[String]| list.contains(&name);
            let kb_says = if in_kb(&kb.tls_on) {
                Some(true)
            } else if in_kb(&kb.tls_off) {
                Some(false)
            } else {
                assert!(in_kb(&kb.tls_unknown), "{id}: {name} not sorted");
                None
            };
            assert_eq!(clients::speaks(id, version), kb_says, "{id}: {name}");
        }
        for suite in LEGACY_CIPHER_SUITES
            .iter()
            .copied()
            .filter(|s| *s != 0x00FF)
        {
            let name = cipher_suite_name(suite).expect("named");
            let listed = kb.suites.iter().any(|s| s == name);
            let code = suites::offered_by(id, suite);
            if kb.suites_known {
                assert_eq!(code, Some(listed), "{id}: {name}");
            } else {
                // Only the listed suites are claimed; the rest stays unknown.
                assert_eq!(code, listed.then_some(true), "{id}: {name}");
            }
        }
    }
}
