//! The shared target table (crates/rdpcheck-proto/tests/data/target_cases.rs) through
//! `parse_target`, which the CLI uses: the strict grammar with IDNA from the `idna` crate.

use rdpcheck_probe::parse_target;

include!("../../rdpcheck-proto/tests/data/target_cases.rs");

#[test]
fn parse_target_follows_the_shared_table() {
    for case in target_cases() {
        let got = match parse_target(&case.input, 3389) {
            Ok((host, port)) => Outcome::Ok(host, port),
            Err(e) => Outcome::Err(format!("{:?}", e.kind)),
        };
        assert_eq!(got, case.mapped, "{:?}", case.input);
    }
}

#[test]
fn the_test_mappings_are_what_the_idna_crate_says() {
    for (name, ascii) in IDNA_PAIRS {
        assert_eq!(
            idna::domain_to_ascii(name).ok().as_deref(),
            Some(*ascii),
            "{name}"
        );
    }
}
