//! Normalise what a user typed as a target before the egress policy sees it.
//!
//! A relay that connects where a web page asks must agree with every later consumer (resolver,
//! browser, policy) on which host is meant. So the grammar is strict: one spelling per address.
//! Forms that some resolvers read as IPv4 (`127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`,
//! `foo.127`) are refused rather than guessed, URLs/user info/paths/zone ids are refused rather
//! than stripped, and names are folded to lower-case ASCII (IDNA) with one trailing dot removed so
//! that allow lists and logs see a single form (cf. smokescreen GHSA-qwrf-gfpj-qvj6, trailing-dot
//! bypasses). That grammar is shared with the CLI, the page and `.rdp` files
//! (`rdpcheck_proto::target`); what is the relay's own is here: IDNA from the `idna` crate, `0`
//! as "a port is required", and checking that names typed as `xn--` labels are valid IDNA.
//! Nothing here resolves names: the caller resolves a [`Host::Name`] and checks every address it
//! gets with the policy.
//!
//! fuzz/fuzz_targets/relay_target.rs compiles this file and `policy/` by path (linking the whole
//! relay into the fuzz build would be too slow), so they use only std, `rdpcheck_proto`, `idna`
//! and `ipnet`, and nothing else of the crate.

use std::fmt;

pub use rdpcheck_proto::target::Host;
use rdpcheck_proto::target::{IdnaToAscii, TargetAddr, TargetAddrError, TargetErrorKind};

/// IDNA (UTS #46, as browsers apply it to URL hosts) from the `idna` crate.
struct Idna;

impl IdnaToAscii for Idna {
    fn to_ascii(&self, name: &str) -> Result<String, String> {
        idna::domain_to_ascii(name).map_err(|e| e.to_string())
    }
}

/// Why a typed target was refused; `Display` says what was wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The input as typed (trimmed, cut to 80 characters).
    pub input: String,
    /// A phrase that follows the quoted input, e.g. `is a URL: type just the host ...`.
    pub reason: String,
    pub kind: TargetErrorKind,
}

impl From<TargetAddrError> for InputError {
    fn from(e: TargetAddrError) -> Self {
        InputError {
            input: e.input,
            reason: e.reason,
            kind: e.kind,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug quoting escapes control characters, so logs stay one line.
        write!(f, "{:?} {}", self.input, self.reason)
    }
}

impl std::error::Error for InputError {}

/// Parse `host`, `host:port`, `a.b.c.d[:port]`, `[v6][:port]` or a bare `v6`;
/// `default_port` applies when no port is given (0: the input must carry one).
pub fn normalize_target(input: &str, default_port: u16) -> Result<(Host, u16), InputError> {
    let default = (default_port != 0).then_some(default_port);
    let target = TargetAddr::parse(input, default, Some(&Idna))?;
    if let Host::Name(name) = &target.host {
        check_a_labels(input, name)?;
    }
    Ok((target.host, target.port))
}

/// ASCII names never reach the IDNA mapper, so an `xn--` label typed as such is checked here:
/// it must decode (punycode + IDNA validity) as a browser would, or the name is refused.
fn check_a_labels(input: &str, name: &str) -> Result<(), InputError> {
    if !name.split('.').any(|label| label.starts_with("xn--")) {
        return Ok(());
    }
    match idna::domain_to_ascii(name) {
        Ok(ascii) if ascii == name => Ok(()),
        _ => Err(InputError {
            input: input.trim().chars().take(80).collect(),
            reason: "is not a valid host name (IDNA conversion failed): check the spelling".into(),
            kind: TargetErrorKind::Idna,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (Host, u16) {
        match normalize_target(input, 3389) {
            Ok(v) => v,
            Err(e) => panic!("{input:?} refused: {e}"),
        }
    }

    fn refused(input: &str) -> InputError {
        match normalize_target(input, 3389) {
            Ok(v) => panic!("{input:?} accepted as {v:?}"),
            Err(e) => e,
        }
    }

    fn name(s: &str) -> Host {
        Host::Name(s.to_string())
    }

    fn ip(s: &str) -> Host {
        Host::Ip(s.parse().expect("test address"))
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(ok("rdp.example.com"), (name("rdp.example.com"), 3389));
        assert_eq!(ok("rdp.example.com:3390"), (name("rdp.example.com"), 3390));
        assert_eq!(ok("10.0.0.5"), (ip("10.0.0.5"), 3389));
        assert_eq!(ok("10.0.0.5:443"), (ip("10.0.0.5"), 443));
        assert_eq!(ok("[2001:db8::1]"), (ip("2001:db8::1"), 3389));
        assert_eq!(ok("[2001:db8::1]:443"), (ip("2001:db8::1"), 443));
        assert_eq!(ok("2001:db8::1"), (ip("2001:db8::1"), 3389));
        assert_eq!(ok("::ffff:10.0.0.5"), (ip("::ffff:10.0.0.5"), 3389));
    }

    #[test]
    fn folds_case_whitespace_trailing_dot_and_idna() {
        assert_eq!(ok("  RDP.Example.COM.  "), (name("rdp.example.com"), 3389));
        assert_eq!(ok("10.0.0.5.:3390"), (ip("10.0.0.5"), 3390));
        assert_eq!(
            ok("münchen.example"),
            (name("xn--mnchen-3ya.example"), 3389)
        );
        assert_eq!(
            ok("MÜNCHEN.example."),
            (name("xn--mnchen-3ya.example"), 3389)
        );
        assert_eq!(ok("_ldap.corp.local"), (name("_ldap.corp.local"), 3389));
        assert_eq!(ok("localhost"), (name("localhost"), 3389));
        assert_eq!(ok("host-1.0x.example"), (name("host-1.0x.example"), 3389));
    }

    #[test]
    fn refuses_odd_numeric_forms() {
        for bad in [
            "127.1",
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "127.0.0.01",
            "127.000.000.001",
            "0",
            "1.2.3.4.5",
            "１２７.０.０.１",
        ] {
            let e = refused(bad);
            assert!(
                e.reason.contains("numeric") || e.reason.contains("ASCII"),
                "{e}"
            );
        }
        for bad in ["foo.127", "a.0x10", "example.0xg"] {
            assert!(refused(bad).reason.contains("numeric label"), "{bad}");
        }
    }

    #[test]
    fn refuses_urls_userinfo_paths_zones_and_spaces() {
        for (bad, word) in [
            ("", "empty"),
            ("   ", "empty"),
            ("rdp://x", "URL"),
            ("http://127.0.0.1/", "URL"),
            ("a@b", "user info"),
            ("host/x", "path"),
            ("host?x", "path"),
            ("host#x", "path"),
            ("host\\x", "path"),
            ("fe80::1%eth0", "zone id"),
            ("[fe80::1%25eth0]:3389", "zone id"),
            ("a b", "spaces"),
            ("a\u{0}b", "control"),
        ] {
            let e = refused(bad);
            assert!(e.reason.contains(word), "{bad:?}: {e}");
        }
    }

    #[test]
    fn refuses_bad_ports() {
        for bad in [
            "h:0",
            "h:65536",
            "h:99999999",
            "h:x",
            "h:",
            "h:+1",
            "[::1]:",
            "[::1]x",
        ] {
            assert!(refused(bad).reason.contains("port"), "{bad}");
        }
        assert!(normalize_target("h", 0).is_err());
    }

    #[test]
    fn refuses_bad_names() {
        let long_label = format!("{}.example", "a".repeat(64));
        let long_name = format!("{}example", "abcdefghi.".repeat(25));
        for (bad, word) in [
            ("a..b", "empty label"),
            (".a", "empty label"),
            ("a.b..", "empty label"),
            ("-a.example", "'-'"),
            ("a-.example", "'-'"),
            (long_label.as_str(), "63"),
            (long_name.as_str(), "253"),
            ("a!b", "characters"),
            ("[example.com]", "brackets"),
            ("[10.0.0.5]:3389", "brackets"),
            ("[::1", "']'"),
            ("1:2:3", "IPv6"),
        ] {
            let e = refused(bad);
            assert!(e.reason.contains(word), "{bad:?}: {e}");
        }
        assert!(refused(&"a".repeat(400)).reason.contains("too long"));
    }

    #[test]
    fn display_names_the_input_and_the_fix() {
        let e = refused("127.1");
        assert_eq!(
            e.to_string(),
            "\"127.1\" is an ambiguous numeric host: write the full address (a.b.c.d, no leading zeros) or a host name"
        );
        assert_eq!(refused("a\nb").to_string().lines().count(), 1);
    }

    #[test]
    fn refuses_a_labels_that_are_not_valid_idna() {
        assert_eq!(
            ok("xn--mnchen-3ya.example"),
            (name("xn--mnchen-3ya.example"), 3389)
        );
        for bad in [
            "xn--zz.example",
            "a.xn--a-ecp.example",
            "XN--AB.example:443",
        ] {
            let e = refused(bad);
            assert_eq!(e.kind, TargetErrorKind::Idna, "{bad}: {e}");
        }
    }

    // The table also serves parsers without IDNA, whose columns the relay does not read.
    #[allow(dead_code)]
    mod shared_table {
        use super::*;
        use crate::policy::Policy;

        include!("../../crates/rdpcheck-proto/tests/data/target_cases.rs");

        /// The shared table through `normalize_target`, then the default (local) policy the way
        /// egress does it: port first, then the address of an IP literal.
        #[test]
        fn normalize_target_and_local_policy_follow_the_shared_table() {
            let policy = Policy::default();
            for case in target_cases() {
                let input = case.input.as_str();
                match normalize_target(input, 3389) {
                    Ok((host, port)) => {
                        assert_eq!(
                            Outcome::Ok(host.to_string(), port),
                            case.mapped,
                            "{input:?}"
                        );
                        let verdict = policy.check_port(port).and_then(|()| match host {
                            Host::Ip(ip) => policy.check_ip(ip),
                            Host::Name(_) => Ok(()),
                        });
                        match (verdict, case.local_policy) {
                            (Ok(()), "") => {}
                            (Err(d), word) if !word.is_empty() => {
                                assert!(d.reason.contains(word), "{input:?}: {}", d.reason)
                            }
                            (v, word) => panic!("{input:?}: policy {v:?}, expected {word:?}"),
                        }
                    }
                    Err(e) => assert_eq!(
                        Outcome::Err(format!("{:?}", e.kind)),
                        case.mapped,
                        "{input:?}: {e}"
                    ),
                }
            }
        }
    }
}
