//! Unit tests of the target grammar's plumbing: defaults, Display, the IDNA hook and error text.
//! The grammar itself is driven by the shared table in `tests/data/target_cases.rs`.

use super::*;

/// Maps one name, refuses the rest: enough to see the hook used (or not).
struct OneName;

impl IdnaToAscii for OneName {
    fn to_ascii(&self, name: &str) -> Result<String, String> {
        match name {
            "münchen.example" => Ok("XN--MNCHEN-3YA.example".into()),
            "bad.ü" => Ok("bad!.example".into()),
            _ => Err(format!("cannot map {name}")),
        }
    }
}

/// Panics when called: ASCII input must never reach the mapper.
struct Never;

impl IdnaToAscii for Never {
    fn to_ascii(&self, name: &str) -> Result<String, String> {
        panic!("mapper called for {name:?}")
    }
}

fn parse(input: &str) -> Result<TargetAddr, TargetAddrError> {
    TargetAddr::parse(input, Some(DEFAULT_RDP_PORT), None)
}

#[test]
fn default_port_and_required_port() {
    assert_eq!(parse("h").map(|t| t.port), Ok(3389));
    assert_eq!(
        TargetAddr::parse("h", Some(443), None).map(|t| t.port),
        Ok(443)
    );
    assert_eq!(
        TargetAddr::parse("h:3390", None, None).map(|t| t.port),
        Ok(3390)
    );
    let e = TargetAddr::parse("h", None, None).expect_err("no port");
    assert_eq!(e.kind, TargetErrorKind::NoPort);
    assert_eq!(e.to_string(), "\"h\" has no port: add one, e.g. :3389");
    assert_eq!(
        parse_host_port("h", None),
        Ok((Host::Name("h".into()), None))
    );
    assert_eq!(
        parse_host_port("[::1]:1", None),
        Ok((Host::Ip("::1".parse().expect("ip")), Some(1)))
    );
}

#[test]
fn display_brackets_ipv6_only_with_a_port() {
    for (input, host, addr) in [
        ("rdp.example.com", "rdp.example.com", "rdp.example.com:3389"),
        ("10.0.0.5:443", "10.0.0.5", "10.0.0.5:443"),
        ("2001:DB8::1", "2001:db8::1", "[2001:db8::1]:3389"),
        (
            "[::ffff:10.0.0.5]:3390",
            "::ffff:10.0.0.5",
            "[::ffff:10.0.0.5]:3390",
        ),
    ] {
        let t = parse(input).expect(input);
        assert_eq!(t.host.to_string(), host);
        assert_eq!(t.to_string(), addr);
        // What Display writes parses back to the same target.
        assert_eq!(addr.parse::<TargetAddr>(), Ok(t));
    }
}

#[test]
fn ascii_input_never_reaches_the_mapper() {
    for input in [
        "RDP.example.com.",
        "10.0.0.5",
        "[::1]:3389",
        "xn--mnchen-3ya.example",
    ] {
        assert_eq!(
            TargetAddr::parse(input, Some(3389), Some(&Never)),
            parse(input),
            "{input}"
        );
    }
    // Refusals decided before the host is looked at do not reach it either.
    assert!(TargetAddr::parse("ü@x", Some(3389), Some(&Never)).is_err());
}

#[test]
fn the_mapper_converts_and_its_output_is_checked_like_typed_ascii() {
    let with = |input: &str| TargetAddr::parse(input, Some(3389), Some(&OneName));
    assert_eq!(
        with("münchen.example").map(|t| t.host),
        Ok(Host::Name("xn--mnchen-3ya.example".into()))
    );
    assert_eq!(
        with("bad.ü").map_err(|e| e.kind),
        Err(TargetErrorKind::Characters)
    );
    let e = with("other.ü").expect_err("mapper refuses");
    assert_eq!(e.kind, TargetErrorKind::Idna);
    assert!(e.reason.contains("IDNA"), "{e}");
    let e = parse("münchen.example").expect_err("no mapper");
    assert_eq!(e.kind, TargetErrorKind::NeedsIdna);
    assert!(e.reason.contains("xn--"), "{e}");
}

#[test]
fn errors_quote_the_trimmed_input_and_stay_on_one_line() {
    let e = parse("  127.1 ").expect_err("ambiguous");
    assert_eq!(
        e.to_string(),
        "\"127.1\" is an ambiguous numeric host: write the full address (a.b.c.d, no leading zeros) or a host name"
    );
    assert_eq!(
        parse("a\nb")
            .expect_err("control")
            .to_string()
            .lines()
            .count(),
        1
    );
    let long = parse(&"x".repeat(400)).expect_err("long");
    assert_eq!(long.input.chars().count(), 80);
    assert_eq!(long.kind, TargetErrorKind::TooLong);
}

#[test]
fn numeric_label_names_the_label() {
    let e = parse("foo.127").expect_err("numeric label");
    assert!(e.reason.contains("\"127\""), "{e}");
}
