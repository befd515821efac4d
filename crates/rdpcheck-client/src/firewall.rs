//! Windows Firewall rules as the registry keeps them: the MS-GPFAS 2.2.2.19 grammar
//! (`v2.10|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=3389|Name=…|`), and whether a rule
//! blocks an outgoing Remote Desktop connection.
//!
//! Rules: `Active` absent means FALSE; `Profile` absent means every profile; `Protocol`
//! absent means any; each `RPort=` is one port or range, `RPort2_10=` may hold keywords;
//! `App=` names a program. A Block rule wins over Allow rules (Windows Firewall's precedence),
//! and outbound traffic is allowed unless blocked, so only Block rules matter here.

use std::net::IpAddr;

use crate::facts::Profile;

/// One parsed rule; fields rdpcheck does not evaluate are kept by name in `other`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rule {
    pub version: String,
    pub action: Option<String>,
    pub active: bool,
    pub dir: Option<String>,
    /// Empty: every profile.
    pub profiles: Vec<Profile>,
    pub protocol: Option<u32>,
    pub rports: Vec<String>,
    pub app: Option<String>,
    pub service: Option<String>,
    pub remote_addrs: Vec<String>,
    pub name: Option<String>,
    /// Conditions that narrow the rule and are not evaluated (`LPort`, `IF`, `IFType`, …).
    pub other: Vec<String>,
}

/// Tokens that do not narrow which connections a rule applies to.
const DESCRIPTIVE: &[&str] = &[
    "Desc",
    "EmbedCtxt",
    "Name",
    "Edge",
    "Defer",
    "PFN",
    "Platform",
];

/// Parse one rule string. `None` when it is not a `v<major>.<minor>|…` rule.
pub fn parse(text: &str) -> Option<Rule> {
    let mut parts = text.split('|');
    let version = parts.next()?.strip_prefix('v')?.to_string();
    if !version.contains('.') {
        return None;
    }
    let mut rule = Rule {
        version,
        ..Rule::default()
    };
    for field in parts.filter(|f| !f.is_empty()) {
        let Some((key, value)) = field.split_once('=') else {
            rule.other.push(field.to_string());
            continue;
        };
        match key {
            "Action" => rule.action = Some(value.to_string()),
            "Active" => rule.active = value.eq_ignore_ascii_case("TRUE"),
            "Dir" => rule.dir = Some(value.to_string()),
            "Profile" => {
                let p = match value {
                    "Domain" => Profile::Domain,
                    "Private" => Profile::Private,
                    "Public" => Profile::Public,
                    _ => {
                        rule.other.push(field.to_string());
                        continue;
                    }
                };
                rule.profiles.push(p);
            }
            "Protocol" => rule.protocol = value.parse().ok(),
            "RPort" | "RPort2_10" | "RPort2_20" => rule.rports.push(value.to_string()),
            "App" => rule.app = Some(value.to_string()),
            "Svc" => rule.service = Some(value.to_string()),
            "RA4" | "RA6" | "RA42" | "RA62" => rule.remote_addrs.push(value.to_string()),
            k if DESCRIPTIVE.contains(&k) => {
                if k == "Name" {
                    rule.name = Some(value.to_string());
                }
            }
            _ => rule.other.push(field.to_string()),
        }
    }
    Some(rule)
}

/// The outgoing connection a rule is tested against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub port: u16,
    /// The address it goes to, when known.
    pub address: Option<IpAddr>,
    /// The program: `mstsc.exe`.
    pub program: &'static str,
}

/// How a rule bears on an outgoing connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// It does not apply (not an active outbound TCP block for this port, address or program).
    No,
    /// Every condition holds, in every profile.
    Blocks,
    /// It would block, but for conditions rdpcheck does not evaluate (listed).
    MayBlock(Vec<String>),
}

pub fn matches(rule: &Rule, conn: &Outgoing) -> Match {
    let block = rule
        .action
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case("Block"));
    let out = rule
        .dir
        .as_deref()
        .is_some_and(|d| d.eq_ignore_ascii_case("Out"));
    if !rule.active || !block || !out {
        return Match::No;
    }
    if rule.protocol.is_some_and(|p| p != 6 && p != 256) {
        return Match::No;
    }
    if rule.service.is_some() {
        // A service's rule; mstsc is not a service.
        return Match::No;
    }
    if let Some(app) = &rule.app {
        let base = app.rsplit(['\\', '/']).next().unwrap_or(app);
        if !base.eq_ignore_ascii_case(conn.program) {
            return Match::No;
        }
    }
    let mut unsure = rule.other.clone();
    if !rule.rports.is_empty() {
        match port_matches(&rule.rports, conn.port) {
            Some(true) => {}
            Some(false) => return Match::No,
            None => unsure.push(format!("RPort={}", rule.rports.join(","))),
        }
    }
    if !rule.remote_addrs.is_empty() {
        match conn.address.map(|a| addrs_match(&rule.remote_addrs, a)) {
            Some(Some(true)) => {}
            Some(Some(false)) => return Match::No,
            _ => unsure.push(format!("remote address {}", rule.remote_addrs.join(","))),
        }
    }
    if !rule.profiles.is_empty() && rule.profiles.len() < Profile::ALL.len() {
        let names: Vec<&str> = rule.profiles.iter().map(|p| p.word()).collect();
        unsure.push(format!("only in the {} profile", names.join(" and ")));
    }
    if unsure.is_empty() {
        Match::Blocks
    } else {
        Match::MayBlock(unsure)
    }
}

/// `Some(true)` when a port entry covers `port`, `Some(false)` when none can, `None` when an
/// entry is a keyword (`RPC`, `IPHTTPSOut`, …) not evaluated.
fn port_matches(entries: &[String], port: u16) -> Option<bool> {
    let mut unsure = false;
    for entry in entries.iter().flat_map(|e| e.split(',')) {
        let entry = entry.trim();
        let range = entry
            .split_once('-')
            .map(|(a, b)| (a.trim().parse::<u16>(), b.trim().parse::<u16>()));
        match (entry.parse::<u16>(), range) {
            (Ok(p), _) if p == port => return Some(true),
            (Ok(_), _) => {}
            (_, Some((Ok(a), Ok(b)))) if a <= port && port <= b => return Some(true),
            (_, Some((Ok(_), Ok(_)))) => {}
            _ if entry == "*" => return Some(true),
            _ => unsure = true,
        }
    }
    if unsure {
        None
    } else {
        Some(false)
    }
}

/// Whether a remote address entry covers `addr`: an address, `a-b` range, `a/len` or
/// `a/mask`, `*`; keywords (`LocalSubnet`, `DefaultGateway`, …) are `None`.
fn addrs_match(entries: &[String], addr: IpAddr) -> Option<bool> {
    let mut unsure = false;
    for entry in entries.iter().flat_map(|e| e.split(',')) {
        let entry = entry.trim();
        if entry == "*" {
            return Some(true);
        }
        let hit = if let Some((a, b)) = entry.split_once('-') {
            match (a.trim().parse::<IpAddr>(), b.trim().parse::<IpAddr>()) {
                (Ok(a), Ok(b)) => Some(a <= addr && addr <= b && same_family(a, addr)),
                _ => None,
            }
        } else if let Some((a, len)) = entry.split_once('/') {
            match a.parse::<IpAddr>() {
                Ok(net) => prefix_len(len, net).map(|l| in_prefix(net, l, addr)),
                Err(_) => None,
            }
        } else {
            entry.parse::<IpAddr>().ok().map(|a| a == addr)
        };
        match hit {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unsure = true,
        }
    }
    if unsure {
        None
    } else {
        Some(false)
    }
}

fn same_family(a: IpAddr, b: IpAddr) -> bool {
    a.is_ipv4() == b.is_ipv4()
}

/// A prefix length from `24` or a mask `255.255.255.0`.
fn prefix_len(text: &str, net: IpAddr) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    match (text.parse::<IpAddr>().ok()?, net) {
        (IpAddr::V4(m), IpAddr::V4(_)) => {
            let bits = u32::from(m);
            (bits.leading_ones() + bits.trailing_zeros() == 32).then(|| bits.leading_ones())
        }
        _ => None,
    }
}

fn in_prefix(net: IpAddr, len: u32, addr: IpAddr) -> bool {
    match (net, addr) {
        (IpAddr::V4(n), IpAddr::V4(a)) if len <= 32 => {
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) if len <= 128 => {
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(port: u16, addr: &str) -> Outgoing {
        Outgoing {
            port,
            address: addr.parse().ok(),
            program: "mstsc.exe",
        }
    }

    #[test]
    fn parses_the_ms_gpfas_example() {
        // MS-GPFAS 4.2, shortened.
        let r = parse(r"v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=RPC|RPort=49000|App=c:\\path\\foo.exe|Name=Firewall Rule Test|").expect("a rule");
        assert_eq!(r.version, "2.10");
        assert_eq!(r.action.as_deref(), Some("Allow"));
        assert!(r.active);
        assert_eq!(r.profiles, [Profile::Public]);
        assert_eq!(r.protocol, Some(6));
        assert_eq!(r.rports, ["49000"]);
        assert_eq!(r.name.as_deref(), Some("Firewall Rule Test"));
        assert_eq!(r.other, ["LPort=RPC"]);
        assert!(parse("Action=Block").is_none());
        assert_eq!(
            matches(&r, &conn(49000, "10.0.0.1")),
            Match::No,
            "allow, in"
        );
    }

    #[test]
    fn block_rules_for_the_port_or_mstsc() {
        let rule = |s: &str| parse(s).expect("a rule");
        let port =
            rule("v2.30|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=3389|Name=No RDP|");
        assert_eq!(matches(&port, &conn(3389, "10.0.0.5")), Match::Blocks);
        assert_eq!(matches(&port, &conn(3390, "10.0.0.5")), Match::No);
        let inactive = rule("v2.30|Action=Block|Dir=Out|Protocol=6|RPort=3389|");
        assert_eq!(
            matches(&inactive, &conn(3389, "10.0.0.5")),
            Match::No,
            "Active absent = FALSE"
        );
        let udp = rule("v2.30|Action=Block|Active=TRUE|Dir=Out|Protocol=17|RPort=3389|");
        assert_eq!(matches(&udp, &conn(3389, "10.0.0.5")), Match::No);
        let app =
            rule(r"v2.30|Action=Block|Active=TRUE|Dir=Out|App=%SystemRoot%\system32\MSTSC.EXE|");
        assert_eq!(matches(&app, &conn(443, "10.0.0.5")), Match::Blocks);
        let other_app = rule(r"v2.30|Action=Block|Active=TRUE|Dir=Out|App=C:\x\putty.exe|");
        assert_eq!(matches(&other_app, &conn(3389, "10.0.0.5")), Match::No);
        let range = rule(
            "v2.30|Action=Block|Active=TRUE|Dir=Out|RPort2_10=3000-4000|RA4=10.0.0.0/255.0.0.0|",
        );
        assert_eq!(matches(&range, &conn(3389, "10.9.9.9")), Match::Blocks);
        assert_eq!(matches(&range, &conn(3389, "192.0.2.1")), Match::No);
        let subnet = rule("v2.30|Action=Block|Active=TRUE|Dir=Out|RA4=LocalSubnet|Profile=Public|");
        assert_eq!(
            matches(&subnet, &conn(3389, "10.0.0.5")),
            Match::MayBlock(vec![
                "remote address LocalSubnet".into(),
                "only in the Public profile".into()
            ])
        );
        let cidr6 = rule("v2.30|Action=Block|Active=TRUE|Dir=Out|RA6=fd00::/8|RPort=3389|");
        assert_eq!(matches(&cidr6, &conn(3389, "fd12::1")), Match::Blocks);
        assert_eq!(matches(&cidr6, &conn(3389, "10.0.0.1")), Match::No);
        let keyword = rule("v2.30|Action=Block|Active=TRUE|Dir=Out|RPort2_10=IPHTTPSOut|");
        assert!(matches!(
            matches(&keyword, &conn(443, "10.0.0.1")),
            Match::MayBlock(_)
        ));
    }
}
