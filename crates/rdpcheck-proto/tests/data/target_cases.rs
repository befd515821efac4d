// The one table of typed targets, run through every parser that reads one: the proto grammar
// (tests/targets.rs), `.rdp` files (tests/targets.rs), `rdpcheck_probe::parse_target`
// (crates/rdpcheck-probe/tests/targets.rs), the relay's `normalize_target` + local policy
// (relay/tests/targets.rs) and the web form's `parse_host_port` (web/src/logic/validate.rs).
// Each includes this file with `include!`, so it holds items only and no `use` lines.

/// What one parser must make of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted: the host as `Host`'s `Display` writes it, and the port (3389 when none given).
    Ok(String, u16),
    /// Refused, with this `TargetErrorKind` (its `Debug` name).
    Err(String),
}

/// One input and its outcomes without an IDNA mapper and with one.
#[derive(Debug, Clone)]
pub struct TargetCase {
    pub input: String,
    /// Parsers without a mapper: proto as is, `.rdp` files, the web form built natively.
    pub ascii: Outcome,
    /// Parsers with one: the CLI and the relay (the `idna` crate), the page in a browser.
    pub mapped: Outcome,
    /// For accepted inputs, what the relay's default (local) egress policy says about the port
    /// and, for IP literals, the address: "" = allowed, else a word its refusal names.
    pub local_policy: &'static str,
}

/// Names with non-ASCII characters and their ASCII (IDNA) form, for test-only mappers.
pub const IDNA_PAIRS: &[(&str, &str)] = &[
    ("münchen.example", "xn--mnchen-3ya.example"),
    ("MÜNCHEN.example.", "xn--mnchen-3ya.example."),
    ("bücher.example", "xn--bcher-kva.example"),
    ("\u{ff11}\u{ff12}\u{ff17}.\u{ff10}.\u{ff10}.\u{ff11}", "127.0.0.1"),
    ("127\u{3002}0\u{3002}0\u{3002}1", "127.0.0.1"),
];

pub fn target_cases() -> Vec<TargetCase> {
    let ok = |host: &str, port: u16| Outcome::Ok(host.to_string(), port);
    let err = |kind: &str| Outcome::Err(kind.to_string());
    let same = |input: &str, outcome: Outcome, local_policy: &'static str| TargetCase {
        input: input.to_string(),
        ascii: outcome.clone(),
        mapped: outcome,
        local_policy,
    };
    let idn = |input: &str, mapped: Outcome, local_policy: &'static str| TargetCase {
        input: input.to_string(),
        ascii: err("NeedsIdna"),
        mapped,
        local_policy,
    };
    let label63 = "a".repeat(63);
    let name63 = format!("{label63}.example");
    let name253 = format!("{label63}.{label63}.{label63}.{}", "d".repeat(61));
    vec![
        // Plain names, case and the trailing dot.
        same("rdp.example.com", ok("rdp.example.com", 3389), ""),
        same("rdp.example.com:3390", ok("rdp.example.com", 3390), "port 3390"),
        same("rdp.example.com:443", ok("rdp.example.com", 443), ""),
        same("localhost", ok("localhost", 3389), ""),
        same("_ldap.corp.local", ok("_ldap.corp.local", 3389), ""),
        same("host-1.0x.example", ok("host-1.0x.example", 3389), ""),
        same("RDP.Example.COM", ok("rdp.example.com", 3389), ""),
        same("  RDP.Example.COM.  ", ok("rdp.example.com", 3389), ""),
        same("rdp.example.com.", ok("rdp.example.com", 3389), ""),
        same("rdp.example.com.:443", ok("rdp.example.com", 443), ""),
        same("rdp.example.com..", err("EmptyLabel"), ""),
        // IPv4.
        same("10.0.0.5", ok("10.0.0.5", 3389), ""),
        same("10.0.0.5:443", ok("10.0.0.5", 443), ""),
        same("10.0.0.5.", ok("10.0.0.5", 3389), ""),
        same("192.0.2.10:3389", ok("192.0.2.10", 3389), "documentation"),
        same("127.0.0.1", ok("127.0.0.1", 3389), "loopback"),
        // IPv6, bare and bracketed.
        same("2001:db8::1", ok("2001:db8::1", 3389), "documentation"),
        same("::1", ok("::1", 3389), "loopback"),
        same("::ffff:10.0.0.5", ok("::ffff:10.0.0.5", 3389), ""),
        same("fe80::1:3389", ok("fe80::1:3389", 3389), "link-local"),
        same("[2001:db8::1]", ok("2001:db8::1", 3389), "documentation"),
        same("[2001:DB8::1]:443", ok("2001:db8::1", 443), "documentation"),
        same("[::1]:3389", ok("::1", 3389), "loopback"),
        same("[fd12::1]:443", ok("fd12::1", 443), ""),
        same("[::1", err("Brackets"), ""),
        same("[::1]x", err("Brackets"), ""),
        same("[example.com]", err("Brackets"), ""),
        same("[10.0.0.5]:3389", err("Brackets"), ""),
        same("1:2:3", err("Ipv6"), ""),
        same("1:2:3:zz::", err("Ipv6"), ""),
        // Ports.
        same("host:0", err("Port"), ""),
        same("host:1", ok("host", 1), "port 1"),
        same("host:3389", ok("host", 3389), ""),
        same("host:65535", ok("host", 65535), "port 65535"),
        same("host:65536", err("Port"), ""),
        same("host:99999999", err("Port"), ""),
        same("host:abc", err("Port"), ""),
        same("host:", err("Port"), ""),
        same("host:+1", err("Port"), ""),
        same("[::1]:", err("Port"), ""),
        same("[::1]:0", err("Port"), ""),
        same(":3389", err("EmptyHost"), ""),
        // Numeric forms some resolvers read as IPv4.
        same("127.1", err("AmbiguousNumeric"), ""),
        same("127.1:3389", err("AmbiguousNumeric"), ""),
        same("2130706433", err("AmbiguousNumeric"), ""),
        same("0x7f.0.0.1", err("AmbiguousNumeric"), ""),
        same("0x7f000001", err("AmbiguousNumeric"), ""),
        same("0X7F000001", err("AmbiguousNumeric"), ""),
        same("0177.0.0.1", err("AmbiguousNumeric"), ""),
        same("127.0.0.01", err("AmbiguousNumeric"), ""),
        same("1.2.3.4.5", err("AmbiguousNumeric"), ""),
        same("300.1.1.1", err("AmbiguousNumeric"), ""),
        same("0", err("AmbiguousNumeric"), ""),
        same("foo.127", err("NumericLabel"), ""),
        same("a.0x10", err("NumericLabel"), ""),
        // Not a host: URLs, user info, paths, zone ids, percent-encoding.
        same("rdp://host", err("Url"), ""),
        same("https://rdp.example.com/", err("Url"), ""),
        same("http://127.0.0.1:3389", err("Url"), ""),
        same("user@host", err("UserInfo"), ""),
        same("user@10.0.0.5:3389", err("UserInfo"), ""),
        same("host/x", err("Path"), ""),
        same("127.0.0.1/admin", err("Path"), ""),
        same("host?x=1", err("Path"), ""),
        same("host#frag", err("Path"), ""),
        same("host\\x", err("Path"), ""),
        same("fe80::1%eth0", err("ZoneId"), ""),
        same("[fe80::1%25eth0]:3389", err("ZoneId"), ""),
        same("host%20", err("Percent"), ""),
        // Spaces, control characters, empty.
        same("my host", err("Spaces"), ""),
        same("a\tb", err("Spaces"), ""),
        same("a\u{0}b", err("Spaces"), ""),
        same("127.0.0.1\r\nHost: x", err("Spaces"), ""),
        same("", err("Empty"), ""),
        same("   ", err("Empty"), ""),
        // Characters and labels.
        same("bad!host", err("Characters"), ""),
        same("a..b", err("EmptyLabel"), ""),
        same(".a", err("EmptyLabel"), ""),
        same("-a.example", err("Hyphen"), ""),
        same("a-.example", err("Hyphen"), ""),
        same(&name63, ok(&name63, 3389), ""),
        same(&format!("a{name63}"), err("LabelTooLong"), ""),
        same(&name253, ok(&name253, 3389), ""),
        same(&format!("{name253}d"), err("NameTooLong"), ""),
        same(&"a".repeat(301), err("TooLong"), ""),
        // Non-ASCII: refused without a mapper, converted (or judged after conversion) with one.
        idn("münchen.example", ok("xn--mnchen-3ya.example", 3389), ""),
        idn("MÜNCHEN.example.", ok("xn--mnchen-3ya.example", 3389), ""),
        idn("bücher.example:3390", ok("xn--bcher-kva.example", 3390), "port 3390"),
        idn(
            "\u{ff11}\u{ff12}\u{ff17}.\u{ff10}.\u{ff10}.\u{ff11}",
            err("NonAsciiNumber"),
            "",
        ),
        idn("127\u{3002}0\u{3002}0\u{3002}1", err("NonAsciiNumber"), ""),
        // Their ASCII forms are plain names.
        same("xn--mnchen-3ya.example", ok("xn--mnchen-3ya.example", 3389), ""),
    ]
}
