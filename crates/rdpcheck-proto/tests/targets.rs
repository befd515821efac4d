//! The shared target table (data/target_cases.rs) through the proto grammar and through `.rdp`
//! files (`full address:s:<input>`), without an IDNA mapper and with a table-driven one.

use rdpcheck_proto::rdpfile;
use rdpcheck_proto::target::{IdnaToAscii, TargetAddr, DEFAULT_RDP_PORT};

include!("data/target_cases.rs");

/// Knows the names in [`IDNA_PAIRS`]; anything else fails, as a real mapper would on junk.
struct PairsIdna;

impl IdnaToAscii for PairsIdna {
    fn to_ascii(&self, name: &str) -> Result<String, String> {
        IDNA_PAIRS
            .iter()
            .find(|(from, _)| *from == name)
            .map(|(_, to)| (*to).to_string())
            .ok_or_else(|| format!("no test mapping for {name:?}"))
    }
}

fn outcome(result: Result<TargetAddr, rdpcheck_proto::target::TargetAddrError>) -> Outcome {
    match result {
        Ok(t) => Outcome::Ok(t.host.to_string(), t.port),
        Err(e) => Outcome::Err(format!("{:?}", e.kind)),
    }
}

#[test]
fn table_is_broad() {
    let cases = target_cases();
    assert!(cases.len() >= 90, "{}", cases.len());
    let refused = cases.iter().filter(|c| matches!(c.ascii, Outcome::Err(_)));
    assert!(refused.count() >= 50);
}

#[test]
fn proto_grammar_without_a_mapper() {
    for case in target_cases() {
        let got = outcome(TargetAddr::parse(&case.input, Some(DEFAULT_RDP_PORT), None));
        assert_eq!(got, case.ascii, "{:?}", case.input);
    }
}

#[test]
fn proto_grammar_with_a_mapper() {
    for case in target_cases() {
        let got = outcome(TargetAddr::parse(
            &case.input,
            Some(DEFAULT_RDP_PORT),
            Some(&PairsIdna),
        ));
        assert_eq!(got, case.mapped, "{:?}", case.input);
    }
}

#[test]
fn accepted_targets_display_as_what_they_parse_from() {
    for case in target_cases() {
        if let Ok(t) = TargetAddr::parse(&case.input, Some(DEFAULT_RDP_PORT), Some(&PairsIdna)) {
            let shown = t.to_string();
            assert_eq!(shown.parse::<TargetAddr>(), Ok(t), "{:?}", case.input);
        }
    }
}

/// `full address:s:<input>` read the way the CLI and the page read a saved connection.
fn rdp_outcome(input: &str, idna: Option<&dyn IdnaToAscii>) -> Option<Outcome> {
    if input.contains(['\r', '\n']) {
        return None; // cannot be written on one line
    }
    let text = format!("full address:s:{input}\n");
    let file = rdpfile::parse_with(text.as_bytes(), idna).expect("text");
    if input.trim().is_empty() {
        // An empty address is "not set", not a bad line.
        assert!(file.problems.is_empty(), "{input:?}");
        let t = file.target().expect("a full address line");
        assert_eq!(t.warnings, vec!["full address names no host".to_string()]);
        return None;
    }
    match (file.target(), file.problems.as_slice()) {
        (Some(t), []) => Some(Outcome::Ok(t.host, t.port)),
        (None, [problem]) => {
            let parsed = TargetAddr::parse(input, Some(DEFAULT_RDP_PORT), idna)
                .expect_err("the reader refused it, so must the grammar");
            assert_eq!(problem.reason, format!("full address {parsed}"));
            assert_eq!(problem.line, 1);
            Some(Outcome::Err(format!("{:?}", parsed.kind)))
        }
        other => panic!("{input:?}: unexpected {other:?}"),
    }
}

#[test]
fn rdp_file_full_address() {
    let mut checked = 0;
    for case in target_cases() {
        if let Some(got) = rdp_outcome(&case.input, None) {
            assert_eq!(got, case.ascii, "{:?}", case.input);
            checked += 1;
        }
        if let Some(got) = rdp_outcome(&case.input, Some(&PairsIdna)) {
            assert_eq!(got, case.mapped, "{:?}", case.input);
        }
    }
    assert!(checked >= 85, "{checked}");
}
