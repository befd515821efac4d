//! The NLA section: what the NTLM CHALLENGE and the TSRequest say about the host.

use rdpcheck_report::NlaReport;

use crate::format::skew;

use super::{Fact, Section};

pub(super) fn nla(n: &NlaReport) -> Section {
    let mut facts = Vec::new();
    match (&n.netbios_domain, &n.netbios_computer) {
        (Some(d), Some(c)) => facts.push(Fact::new("NetBIOS", format!("{d}\\{c}"))),
        (Some(x), None) | (None, Some(x)) => facts.push(Fact::new("NetBIOS", x.clone())),
        (None, None) => {}
    }
    match (&n.dns_domain, &n.dns_computer) {
        (Some(d), Some(c)) => facts.push(Fact::new("DNS", format!("{c} in {d}"))),
        (Some(x), None) | (None, Some(x)) => facts.push(Fact::new("DNS", x.clone())),
        (None, None) => {}
    }
    if let Some(v) = &n.dns_tree {
        facts.push(Fact::new("Forest", v.clone()));
    }
    if let Some(v) = &n.product_version {
        facts.push(Fact::new("OS version", v.clone()));
        facts.push(Fact::new("Release", os_release(v, n.os_release.as_deref())));
    }
    if let Some(v) = n.credssp_version {
        facts.push(Fact::toned(
            "CredSSP",
            credssp_version(v),
            rdpcheck_proto::credssp::has_oracle_fix(v),
        ));
    }
    if let Some(v) = &n.server_time {
        facts.push(Fact::new("Server time", v.clone()));
    }
    if let Some(v) = n.clock_skew_s {
        facts.push(Fact::toned("Clock", skew(v), v.abs() < 300.0));
    }
    Section {
        id: "nla",
        title: "NLA identity and clock",
        note: Some("From the NTLM challenge; no credential was sent."),
        facts,
    }
}

/// The CredSSP version the host answered with, and whether it has the 2018 fix.
pub fn credssp_version(version: u32) -> String {
    if rdpcheck_proto::credssp::has_oracle_fix(version) {
        format!("version {version} (has the 2018 encryption oracle fix, CVE-2018-0886)")
    } else {
        format!("version {version} (older than the 2018 encryption oracle fix, CVE-2018-0886: updated clients refuse it)")
    }
}

/// The release a product version names (the report's own `os_release` when it has one, else
/// this table's), or honestly that rdpcheck's table does not have it.
pub fn os_release(product_version: &str, release: Option<&str>) -> String {
    match release {
        Some(r) => r.to_string(),
        None => crate::release::describe_text(product_version),
    }
}
