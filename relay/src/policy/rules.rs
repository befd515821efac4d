//! The built-in ranges: special-purpose networks every preset refuses, the private ranges the
//! public preset adds, and the two IPv6 ranges carved back out because the IPv4 address inside
//! them decides (see `embedded.rs`). Mostly a data table, one row per rule.

use std::net::IpAddr;
use std::sync::LazyLock;

use ipnet::IpNet;

use super::Preset;

/// Where a built-in rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Every preset.
    All,
    /// Only the public preset (private ranges).
    Public,
}

use Scope::{All, Public};

/// A built-in range; `refuse == false` carves an exception out of a broader refused range.
#[derive(Debug)]
pub(super) struct Rule {
    pub(super) net: IpNet,
    pub(super) what: &'static str,
    pub(super) scope: Scope,
    pub(super) refuse: bool,
}

impl Rule {
    /// How a refusal names the rule, after "<address> is".
    pub(super) fn phrase(&self) -> String {
        match self.scope {
            Scope::All => format!("{} ({})", self.what, self.net),
            Scope::Public => format!("{} ({}), refused by the public policy", self.what, self.net),
        }
    }
}

const LOOPBACK: &str = "a loopback address";
const UNSPECIFIED: &str = "an unspecified address";
const LINK_LOCAL: &str = "a link-local address";
const METADATA: &str = "a cloud metadata address";
const MULTICAST: &str = "a multicast address";
const DOCUMENTATION: &str = "a documentation address";
const BENCHMARKING: &str = "a benchmarking address";
const PRIVATE: &str = "a private network address";
const RESERVED_V6: &str = "a reserved IPv6 address outside 2000::/3 and fc00::/7";
const LOCAL_NAT64: &str = "a local-use NAT64 address with a site-defined IPv4 layout";
const TEREDO: &str = "a Teredo tunnel address hiding an obfuscated IPv4 address";

const REFUSE: bool = true;
/// Not refused by itself: the embedded IPv4 address is checked instead.
const EXCEPT: bool = false;

/// The built-in ranges as (network, what it is, scope, refuse). `All` is what the local preset
/// refuses; public adds `Public`. Parsed once into [`RULES`]; a test checks every row.
#[rustfmt::skip]
const ROWS: &[(&str, &str, Scope, bool)] = &[
    ("0.0.0.0/8",          UNSPECIFIED,                                  All,    REFUSE),
    ("127.0.0.0/8",        LOOPBACK,                                     All,    REFUSE),
    ("169.254.0.0/16",     LINK_LOCAL,                                   All,    REFUSE),
    ("169.254.169.254/32", METADATA,                                     All,    REFUSE),
    ("169.254.170.2/32",   METADATA,                                     All,    REFUSE),
    ("100.100.100.200/32", METADATA,                                     All,    REFUSE),
    ("168.63.129.16/32",   "an Azure wireserver cloud metadata address", All,    REFUSE),
    ("192.0.0.192/32",     METADATA,                                     All,    REFUSE),
    ("224.0.0.0/4",        MULTICAST,                                    All,    REFUSE),
    ("240.0.0.0/4",        "a reserved address",                         All,    REFUSE),
    ("255.255.255.255/32", "the broadcast address",                      All,    REFUSE),
    ("100.64.0.0/10",      "a shared address space (CGNAT) address",     All,    REFUSE),
    ("198.18.0.0/15",      BENCHMARKING,                                 All,    REFUSE),
    ("192.0.2.0/24",       DOCUMENTATION,                                All,    REFUSE),
    ("198.51.100.0/24",    DOCUMENTATION,                                All,    REFUSE),
    ("203.0.113.0/24",     DOCUMENTATION,                                All,    REFUSE),
    ("192.0.0.0/24",       "an IETF protocol assignments address",       All,    REFUSE),
    ("192.88.99.0/24",     "a deprecated 6to4 relay anycast address",    All,    REFUSE),
    ("10.0.0.0/8",         PRIVATE,                                      Public, REFUSE),
    ("172.16.0.0/12",      PRIVATE,                                      Public, REFUSE),
    ("192.168.0.0/16",     PRIVATE,                                      Public, REFUSE),
    ("::/128",             UNSPECIFIED,                                  All,    REFUSE),
    ("::1/128",            LOOPBACK,                                     All,    REFUSE),
    ("::/96",              "a deprecated IPv4-compatible address",       All,    REFUSE),
    ("::ffff:0.0.0.0/96",  "IPv4-mapped",                                All,    EXCEPT),
    ("64:ff9b::/96",       "NAT64",                                      All,    EXCEPT),
    ("64:ff9b:1::/48",     LOCAL_NAT64,                                  All,    REFUSE),
    ("100::/64",           "a discard-only address",                     All,    REFUSE),
    ("2001::/32",          TEREDO,                                       All,    REFUSE),
    ("2001:2::/48",        BENCHMARKING,                                 All,    REFUSE),
    ("2001:10::/28",       "a deprecated ORCHID address",                All,    REFUSE),
    ("2001:db8::/32",      DOCUMENTATION,                                All,    REFUSE),
    ("3fff::/20",          DOCUMENTATION,                                All,    REFUSE),
    ("fd00:ec2::254/128",  METADATA,                                     All,    REFUSE),
    ("fe80::/10",          LINK_LOCAL,                                   All,    REFUSE),
    ("fec0::/10",          "a deprecated site-local address",            All,    REFUSE),
    ("ff00::/8",           MULTICAST,                                    All,    REFUSE),
    ("::/3",               RESERVED_V6,                                  All,    REFUSE),
    ("4000::/2",           RESERVED_V6,                                  All,    REFUSE),
    ("8000::/2",           RESERVED_V6,                                  All,    REFUSE),
    ("c000::/3",           RESERVED_V6,                                  All,    REFUSE),
    ("e000::/4",           RESERVED_V6,                                  All,    REFUSE),
    ("f000::/5",           RESERVED_V6,                                  All,    REFUSE),
    ("f800::/6",           RESERVED_V6,                                  All,    REFUSE),
    ("fe00::/9",           RESERVED_V6,                                  All,    REFUSE),
    ("fc00::/7",           "a unique local (private) IPv6 address",      Public, REFUSE),
];

/// [`ROWS`], parsed. A row that does not parse is a bug in this file, caught by the tests below;
/// it panics rather than being skipped, because a skipped row would open its range.
static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    ROWS.iter()
        .map(|&(net, what, scope, refuse)| Rule {
            net: net
                .parse()
                .unwrap_or_else(|e| panic!("built-in rule {net:?}: {e}")),
            what,
            scope,
            refuse,
        })
        .collect()
});

/// Parse the table now, so a broken row stops the relay at startup, not at the first probe.
pub(super) fn load() {
    LazyLock::force(&RULES);
}

/// The longest built-in range holding `ip` for `preset`, if it refuses.
pub(super) fn builtin_refusal(preset: Preset, ip: IpAddr) -> Option<&'static Rule> {
    RULES
        .iter()
        .filter(|r| r.scope == Scope::All || preset == Preset::Public)
        .filter(|r| r.net.contains(&ip))
        .max_by_key(|r| r.net.prefix_len())
        .filter(|r| r.refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_in_canonical_form() {
        for &(text, what, _, _) in ROWS {
            let net: IpNet = text
                .parse()
                .unwrap_or_else(|e| panic!("{text:?} ({what}): {e}"));
            assert_eq!(net, net.trunc(), "{text:?} has host bits set");
        }
        assert_eq!(RULES.len(), ROWS.len());
        assert_eq!(RULES.len(), 46);
    }

    #[test]
    fn no_network_is_listed_twice() {
        for (i, a) in RULES.iter().enumerate() {
            for b in &RULES[i + 1..] {
                assert_ne!(a.net, b.net, "{} and {}", a.what, b.what);
            }
        }
    }

    #[test]
    fn the_carved_out_ranges_are_the_embeddings_checked_as_ipv4() {
        let carved: Vec<String> = RULES
            .iter()
            .filter(|r| !r.refuse)
            .map(|r| r.net.to_string())
            .collect();
        assert_eq!(carved, ["::ffff:0.0.0.0/96", "64:ff9b::/96"]);
    }

    #[test]
    fn private_ranges_are_refused_by_the_public_preset_only() {
        let ip = "10.1.2.3".parse().expect("ip");
        assert!(builtin_refusal(Preset::Local, ip).is_none());
        assert!(builtin_refusal(Preset::Corporate, ip).is_none());
        let rule = builtin_refusal(Preset::Public, ip).expect("refused");
        assert_eq!(
            rule.phrase(),
            "a private network address (10.0.0.0/8), refused by the public policy"
        );
    }

    #[test]
    fn the_longest_range_decides() {
        let metadata = "169.254.169.254".parse().expect("ip");
        let rule = builtin_refusal(Preset::Local, metadata).expect("refused");
        assert_eq!(
            rule.phrase(),
            "a cloud metadata address (169.254.169.254/32)"
        );
        // The IPv4-mapped carve-out (/96) is longer than the reserved ::/3.
        assert!(builtin_refusal(Preset::Local, "::ffff:8.8.8.8".parse().expect("ip")).is_none());
        assert!(builtin_refusal(Preset::Local, "2606:4700::1".parse().expect("ip")).is_none());
    }
}
