//! Unit tests of the `.rdp` reader: text decoding, line problems, target and gateway rules.

use super::*;
use crate::target::IdnaToAscii;

fn utf16(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

fn target(text: &str) -> Target {
    parse(text.as_bytes())
        .expect("text")
        .target()
        .expect("target")
}

#[test]
fn utf16_with_bom_and_crlf() {
    let file = parse(&utf16(
        "full address:s:host.test:3390\r\nserver port:i:3389\r\n",
    ))
    .expect("parses");
    assert_eq!(file.problems, vec![]);
    assert_eq!(
        file.get("Full Address"),
        Some(&Value::Str("host.test:3390".into()))
    );
    assert_eq!(file.get_int("server port"), Some(3389));
}

#[test]
fn utf16_without_bom_and_utf8_with_bom() {
    let no_bom = utf16("username:s:bob\r\n");
    let file = parse(&no_bom[2..]).expect("parses");
    assert_eq!(file.get_str("username"), Some("bob"));
    let file = parse(b"\xEF\xBB\xBFusername:s:b\xC3\xB6b\n").expect("parses");
    assert_eq!(file.get_str("username"), Some("böb"));
}

#[test]
fn not_text_is_an_error() {
    assert!(parse(&[0xFF, 0xFE, 0x41]).is_err());
    assert!(parse(b"full address:s:\xC3(").is_err());
    assert_eq!(parse(b""), Ok(RdpFile::default()));
}

#[test]
fn lone_surrogate_is_replaced() {
    let mut bytes = utf16("username:s:a");
    bytes.extend_from_slice(&0xD800u16.to_le_bytes());
    let file = parse(&bytes).expect("parses");
    assert_eq!(file.get_str("username"), Some("a\u{FFFD}"));
}

#[test]
fn values_keep_their_colons_and_last_occurrence_wins() {
    let file = parse(b"domain:s:A:B:C\nusername:s:one\nUserName:s:two\n").expect("text");
    assert_eq!(file.get_str("domain"), Some("A:B:C"));
    assert_eq!(file.get_str("username"), Some("two"));
    assert_eq!(file.settings.len(), 3);
}

#[test]
fn binary_values() {
    let file = parse(b"password 51:b:01FFab\nx:b:\n").expect("text");
    assert_eq!(
        file.get("password 51"),
        Some(&Value::Bin(vec![0x01, 0xFF, 0xAB]))
    );
    assert_eq!(file.get("x"), Some(&Value::Bin(vec![])));
}

#[test]
fn problem_lines() {
    let long = "z".repeat(300);
    let text = format!("nocolon\na:b\n:s:x\nn:q:1\nn:i:1x\nn:b:ABC\nn:b:ZZ\n\n   \n{long}\n");
    let file = parse(text.as_bytes()).expect("text");
    let lines: Vec<usize> = file.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![1, 2, 3, 4, 5, 6, 7, 10]);
    assert_eq!(file.problems[7].text.chars().count(), 120);
    assert!(file.settings.is_empty());
}

#[test]
fn host_and_port_forms() {
    let t = target("full address:s:host.test\n");
    assert_eq!((t.host.as_str(), t.port), ("host.test", 3389));
    let t = target("full address:s:host.test\nserver port:i:3391\n");
    assert_eq!(t.port, 3391);
    let t = target("full address:s:[2001:db8::1]:3390\n");
    assert_eq!((t.host.as_str(), t.port), ("2001:db8::1", 3390));
    let t = target("full address:s:2001:db8::1\n");
    assert_eq!((t.host.as_str(), t.port), ("2001:db8::1", 3389));
    let t = target("full address:s:[::1]\n");
    assert_eq!((t.host.as_str(), t.port), ("::1", 3389));
    assert!(t.warnings.is_empty());
}

#[test]
fn full_address_port_wins_over_server_port() {
    let t = target("server port:i:3389\nfull address:s:h:3390\n");
    assert_eq!(t.port, 3390);
    assert_eq!(t.warnings.len(), 1);
}

#[test]
fn addresses_the_target_grammar_refuses_are_problem_lines() {
    let file = parse(b"full address:s:my host:99999\nserver port:i:0\n").expect("text");
    assert_eq!(
        file.problems,
        vec![LineProblem {
            line: 1,
            text: "full address:s:my host:99999".into(),
            reason: "full address \"my host:99999\" contains spaces or control characters: type one host, e.g. rdp.example.com".into(),
        }]
    );
    assert_eq!(file.target(), None, "no usable host");
    for bad in [
        "[::1",
        "h:0",
        "h:99999",
        "127.1",
        "user@h",
        "rdp://h",
        "münchen.example",
    ] {
        let file = parse(format!("full address:s:{bad}\n").as_bytes()).expect("text");
        assert_eq!(file.problems.len(), 1, "{bad}");
        assert!(file.settings.is_empty(), "{bad}");
    }
    // A refused alternate full address leaves the full address in charge.
    let t = target("full address:s:good.test\nalternate full address:s:bad host\n");
    assert_eq!((t.host.as_str(), t.port), ("good.test", 3389));
    // A refused gateway is no gateway.
    let file = parse(
        b"full address:s:h\ngatewayhostname:s:gw:0\ngatewayusagemethod:i:1\ngatewayprofileusagemethod:i:1\n",
    )
    .expect("text");
    assert_eq!(file.problems.len(), 1);
    assert_eq!(file.target().and_then(|t| t.gateway), None);
}

#[test]
fn invalid_server_port_and_empty_address_are_warnings() {
    let t = target("full address:s:h\nserver port:i:0\n");
    assert_eq!((t.host.as_str(), t.port), ("h", 3389));
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    let t = target("full address:s:\n");
    assert_eq!(t.host, "");
    assert_eq!(t.warnings, vec!["full address names no host".to_string()]);
}

#[test]
fn names_are_normalised_and_idna_is_used_when_given() {
    let t = target("full address:s:RDP.Example.TEST.:3390\n");
    assert_eq!((t.host.as_str(), t.port), ("rdp.example.test", 3390));

    struct Fake;
    impl IdnaToAscii for Fake {
        fn to_ascii(&self, name: &str) -> Result<String, String> {
            match name {
                "münchen.example" => Ok("xn--mnchen-3ya.example".into()),
                other => Err(other.into()),
            }
        }
    }
    let file = parse_with(
        "full address:s:münchen.example:3390\n".as_bytes(),
        Some(&Fake),
    )
    .expect("text");
    assert!(file.problems.is_empty());
    let t = file.target().expect("target");
    assert_eq!((t.host.as_str(), t.port), ("xn--mnchen-3ya.example", 3390));
}

#[test]
fn missing_full_address_means_no_target() {
    assert_eq!(parse(b"server port:i:3389\n").expect("text").target(), None);
    assert_eq!(parse(b"full address:i:5\n").expect("text").target(), None);
}

#[test]
fn alternate_full_address_replaces_full_address() {
    let t = target("full address:s:shown.test\nalternate full address:s:real.test:3392\n");
    assert_eq!((t.host.as_str(), t.port), ("real.test", 3392));
    assert_eq!(t.warnings.len(), 1);
    let t = target("full address:s:same.test\nalternate full address:s:same.test\n");
    assert!(t.warnings.is_empty());
}

#[test]
fn gateway_usage_rules() {
    let base = "full address:s:h\ngatewayprofileusagemethod:i:1\ngatewayhostname:s:gw.test:8443\n";
    let t = target(&format!("{base}gatewayusagemethod:i:1\n"));
    assert_eq!(
        t.gateway,
        Some(Gateway {
            host: "gw.test".into(),
            port: 8443,
            bypass_for_local: false
        })
    );
    assert_eq!(t.gateway_usage, GatewayUsage::Always);
    assert!(t.warnings.is_empty());

    let t = target(&format!("{base}gatewayusagemethod:i:2\n"));
    assert!(t.gateway.as_ref().is_some_and(|g| g.bypass_for_local));
    assert_eq!(t.warnings.len(), 1);

    let t = target(&format!("{base}gatewayusagemethod:i:3\n"));
    assert!(t.gateway.is_some());
    assert_eq!(t.gateway_usage, GatewayUsage::Default);
    assert_eq!(t.warnings.len(), 1);

    for (usage, expected) in [(0, GatewayUsage::Never), (4, GatewayUsage::NoneOrLocal)] {
        let t = target(&format!("{base}gatewayusagemethod:i:{usage}\n"));
        assert_eq!((t.gateway, t.gateway_usage), (None, expected));
        assert_eq!(
            t.warnings,
            vec![format!(
                "gatewayhostname is set but gatewayusagemethod {usage} means it is not used"
            )]
        );
    }

    let t = target(&format!("{base}gatewayusagemethod:i:9\n"));
    assert_eq!(
        (t.gateway, t.gateway_usage),
        (None, GatewayUsage::Unknown(9))
    );
    let t = target(base);
    assert_eq!((t.gateway, t.gateway_usage), (None, GatewayUsage::Never));
    assert_eq!(t.warnings.len(), 1);
}

#[test]
fn gateway_default_port_and_profile_warning() {
    let t = target("full address:s:h\ngatewayhostname:s:gw.test\ngatewayusagemethod:i:1\n");
    assert_eq!(t.gateway.map(|g| g.port), Some(443));
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
}

#[test]
fn usage_without_hostname() {
    let t = target("full address:s:h\ngatewayhostname:s:\ngatewayusagemethod:i:1\n");
    assert_eq!((t.gateway, t.gateway_usage), (None, GatewayUsage::Always));
    assert_eq!(t.warnings.len(), 1);
    let t = target("full address:s:h\ngatewayhostname:s:\ngatewayusagemethod:i:4\n");
    assert!(t.warnings.is_empty());
}

#[test]
fn wrong_type_for_a_read_setting_is_a_warning() {
    let t = target("full address:s:h\nserver port:s:3390\n");
    assert_eq!(t.port, 3389);
    assert_eq!(t.warnings.len(), 1);
}

#[test]
fn usage_values_round_trip() {
    for v in 0..=4 {
        assert_eq!(GatewayUsage::from_i64(v).value(), v);
    }
    assert_eq!(GatewayUsage::from_i64(-1), GatewayUsage::Unknown(-1));
}
