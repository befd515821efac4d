//! `.rdp` fixtures written the way mstsc writes them (see `data/rdp/README.md`).

use rdpcheck_proto::rdpfile::{parse, Gateway, GatewayUsage, RdpFile, Target, Value};

fn load(bytes: &[u8]) -> RdpFile {
    parse(bytes).expect("fixture is text")
}

fn target(bytes: &[u8]) -> Target {
    load(bytes).target().expect("fixture names a host")
}

#[test]
fn direct() {
    let file = load(include_bytes!("data/rdp/direct.rdp"));
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.settings.len(), 49);
    assert_eq!(file.get_str("username"), Some("EXAMPLE\\alice"));
    assert_eq!(file.get_int("authentication level"), Some(2));
    assert_eq!(
        file.get("gatewayhostname"),
        Some(&Value::Str(String::new()))
    );

    let t = file.target().expect("target");
    assert_eq!(
        t,
        Target {
            host: "rdp.example.test".into(),
            port: 3390,
            gateway: None,
            gateway_usage: GatewayUsage::NoneOrLocal,
            warnings: vec![],
        }
    );
}

#[test]
fn gateway() {
    let t = target(include_bytes!("data/rdp/gateway.rdp"));
    assert_eq!(
        t,
        Target {
            host: "app01.corp.example.test".into(),
            port: 3389,
            gateway: Some(Gateway {
                host: "gw.example.test".into(),
                port: 443,
                bypass_for_local: false,
            }),
            gateway_usage: GatewayUsage::Always,
            warnings: vec![],
        }
    );
}

#[test]
fn gateway_unused() {
    let t = target(include_bytes!("data/rdp/gateway_unused.rdp"));
    assert_eq!((t.host.as_str(), t.port), ("10.0.0.5", 3389));
    assert_eq!(t.gateway, None);
    assert_eq!(t.gateway_usage, GatewayUsage::Never);
    assert_eq!(
        t.warnings,
        vec!["gatewayhostname is set but gatewayusagemethod 0 means it is not used".to_string()]
    );
}

#[test]
fn utf8_with_server_port() {
    let file = load(include_bytes!("data/rdp/utf8.rdp"));
    assert!(file.problems.is_empty());
    assert_eq!(file.get_str("domain"), Some("EXAMPLE"));
    let t = file.target().expect("target");
    assert_eq!((t.host.as_str(), t.port), ("rdp2.example.test", 3391));
    assert_eq!((t.gateway, t.gateway_usage), (None, GatewayUsage::Never));
    assert!(t.warnings.is_empty());
}

#[test]
fn broken_lines_are_problems_not_errors() {
    let file = load(include_bytes!("data/rdp/broken.rdp"));
    let problems: Vec<(usize, &str, &str)> = file
        .problems
        .iter()
        .map(|p| (p.line, p.text.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                2,
                "this line has no colons",
                "expected name:type:value (two colons)"
            ),
            (
                3,
                "server port:i:33x9",
                "integer value \"33x9\" is not a number"
            ),
            (4, ":s:value without a name", "empty setting name"),
            (
                5,
                "color depth:q:32",
                "unknown type \"q\" (expected s, i or b)"
            ),
            (
                6,
                "password 51:b:ABC",
                "binary value has an odd number of hex digits (3)"
            ),
            (7, "password 51:b:ZZ11", "binary value is not hex digits"),
            (
                10,
                "only:one colon",
                "expected name:type:value (two colons)"
            ),
        ]
    );

    let names: Vec<(usize, &str)> = file
        .settings
        .iter()
        .map(|s| (s.line, s.name.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            (1, "full address"),
            (9, "username"),
            (11, "loadbalanceinfo"),
            (12, "domain")
        ]
    );
    assert_eq!(file.get_str("domain"), Some("EXAMPLE:LOCAL"));
    assert_eq!(
        file.get_str("loadbalanceinfo"),
        Some("tsv://MS Terminal Services Plugin.1.Pool")
    );

    // The bad server port line is dropped, so the default port applies.
    let t = file.target().expect("target");
    assert_eq!((t.host.as_str(), t.port), ("broken.example.test", 3389));
    assert!(t.warnings.is_empty());
}

#[test]
fn utf16_fixtures_match_their_utf8_reading() {
    // The same settings whether read from UTF-16 or re-encoded as UTF-8 with LF endings.
    let bytes = include_bytes!("data/rdp/gateway.rdp");
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let text = String::from_utf16(&units).expect("utf-16");
    let from_utf8 = load(text.replace("\r\n", "\n").as_bytes());
    assert_eq!(from_utf8, load(bytes));
}

#[test]
fn signed_file_names_its_publisher_scope_and_requests() {
    use rdpcheck_proto::rdpfile::Signing;
    let file = load(include_bytes!("data/rdp/signed.rdp"));
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let sec = file.security();
    let Signing::Signed(claim) = &sec.signature else {
        panic!("not read as signed: {:?}", sec.signature);
    };
    // The leaf, not the CA that issued it, is the signer.
    assert_eq!(
        claim.signer.as_deref(),
        Some("Example RDP Publishing (Example Ltd)")
    );
    assert_eq!(claim.certificates.len(), 2, "{:?}", claim.certificates);
    assert!(claim.signer_der.starts_with(&[0x30, 0x82]));
    assert_eq!(
        sec.signscope,
        [
            "Full Address",
            "Alternate Full Address",
            "RedirectClipboard",
            "DrivesToRedirect"
        ]
    );
    let asked: Vec<&str> = sec.redirections.iter().map(|r| r.what).collect();
    // Explicit zeros (smart cards) ask for nothing.
    assert_eq!(asked, ["Drives", "Clipboard", "Cameras"]);
    assert_eq!(sec.redirections[0].setting, "drivestoredirect:s:*");
    assert_eq!(sec.outside_signature, ["camerastoredirect"]);
}

#[test]
fn unsigned_and_tampered_files_say_so() {
    use rdpcheck_proto::rdpfile::Signing;
    let unsigned = load(include_bytes!("data/rdp/direct.rdp")).security();
    assert_eq!(unsigned.signature, Signing::Unsigned);
    assert!(unsigned.outside_signature.is_empty());

    // A signature whose PKCS#7 bytes were cut: read as unreadable, with the reason.
    let text = String::from_utf8_lossy(include_bytes!("data/rdp/signed.rdp")).into_owned();
    let cut: String = text
        .lines()
        .map(|l| match l.strip_prefix("signature:s:") {
            Some(sig) => format!("signature:s:{}\r\n", &sig[..200]),
            None => format!("{l}\n"),
        })
        .collect();
    match load(cut.as_bytes()).security().signature {
        Signing::Unreadable(why) => assert!(why.contains("PKCS#7"), "{why}"),
        other => panic!("cut signature read as {other:?}"),
    }
}
