//! Replace host names, addresses and NTLM names by stable pseudonyms before a report is shared.
//!
//! The sensitive values are collected from the fields that hold them, then every string in the
//! report (summaries and evidence included) has each occurrence replaced: the same value always
//! gets the same pseudonym, so the report still reads consistently.

use serde_json::Value;

use crate::Report;

/// A redacted copy of `report`, with `redacted` set.
pub fn redact(report: &Report) -> Report {
    let mut names: Vec<(String, &'static str)> = Vec::new();
    let mut add = |value: Option<&str>, kind: &'static str| {
        if let Some(v) = value.map(str::trim).filter(|v| v.len() >= 2) {
            if !names.iter().any(|(n, _)| n.eq_ignore_ascii_case(v)) {
                names.push((v.to_string(), kind));
            }
        }
    };
    add(Some(&report.target.host), "host");
    for a in &report.target.addresses {
        add(Some(a), "address");
    }
    add(report.target.probed_address.as_deref(), "address");
    if let Some(g) = &report.gateway {
        add(Some(&g.host), "gateway");
        for a in &g.addresses {
            add(Some(a), "address");
        }
    }
    if let Some(n) = &report.nla {
        for v in [
            &n.target_name,
            &n.netbios_computer,
            &n.netbios_domain,
            &n.dns_computer,
            &n.dns_domain,
            &n.dns_tree,
        ] {
            add(v.as_deref(), "name");
        }
    }
    let certs = report.tls.iter().flat_map(|t| t.chain.iter()).chain(
        report
            .gateway
            .iter()
            .flat_map(|g| g.tls.iter())
            .flat_map(|t| t.chain.iter()),
    );
    for c in certs {
        for san in &c.san {
            add(san.split_once(':').map(|(_, v)| v), "name");
        }
        for part in [&c.subject, &c.issuer] {
            add(
                part.split("CN=")
                    .nth(1)
                    .map(|cn| cn.split(',').next().unwrap_or(cn)),
                "name",
            );
        }
    }
    if let Some(f) = &report.rdp_file {
        add(Some(&f.path), "file");
        // The publisher's CN, as certificate names are.
        let signer = f.security.as_ref().and_then(|s| s.signer.as_deref());
        add(signer.map(|s| s.split(" (").next().unwrap_or(s)), "name");
    }
    // This computer's facts that name the person: the whole value, and the commands naming it.
    let mut personal: Vec<String> = Vec::new();
    if let Some(c) = &report.client {
        for f in c.facts.iter().filter(|f| f.personal) {
            personal.extend(f.value.clone());
        }
    }
    // Longest first, so "host.corp.example" is replaced before "host".
    names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    let mut counters: Vec<(&'static str, usize)> = Vec::new();
    let pseudonyms: Vec<(String, String)> = names
        .into_iter()
        .map(|(value, kind)| {
            let n = match counters.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counters.push((kind, 1));
                    1
                }
            };
            (value, format!("{kind}-{n}"))
        })
        .collect();
    let mut value = serde_json::to_value(report).unwrap_or(Value::Null);
    replace_all(&mut value, &pseudonyms);
    let mut out: Report = serde_json::from_value(value).unwrap_or_else(|_| report.clone());
    if let Some(c) = &mut out.client {
        for f in c.facts.iter_mut().filter(|f| f.personal) {
            f.value = Some("(personal: redacted)".into());
        }
        // Steps name the profile path or the host: keep only those without personal values.
        c.clear_steps.retain(|step| {
            !personal
                .iter()
                .any(|p| p.split(": ").next().is_some_and(|head| step.contains(head)))
        });
    }
    out.redacted = true;
    out
}

fn replace_all(value: &mut Value, pseudonyms: &[(String, String)]) {
    match value {
        Value::String(s) => {
            for (from, to) in pseudonyms {
                *s = replace_ignore_case(s, from, to);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_all(v, pseudonyms)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_all(v, pseudonyms)),
        _ => {}
    }
}

fn replace_ignore_case(haystack: &str, needle: &str, with: &str) -> String {
    let lower_hay = haystack.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    if lower_needle.is_empty()
        || !lower_hay.contains(&lower_needle)
        || lower_hay.len() != haystack.len()
    {
        return haystack.replace(needle, with);
    }
    let mut out = String::with_capacity(haystack.len());
    let mut rest = 0;
    while let Some(pos) = lower_hay[rest..].find(&lower_needle) {
        let at = rest + pos;
        out.push_str(&haystack[rest..at]);
        out.push_str(with);
        rest = at + needle.len();
    }
    out.push_str(&haystack[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        serde_json::from_value(serde_json::json!({
            "schema": 1,
            "tool": {"name": "rdpcheck", "version": "0.1.0"},
            "target": {"host": "rdp.corp.example", "port": 3389, "addresses": ["10.1.2.3"], "probed_address": "10.1.2.3"},
            "started_at": "2026-11-21T00:00:00Z",
            "duration_ms": 5.0,
            "stages": [{"name": "tcp", "status": "pass", "duration_ms": 1.0, "summary": "10.1.2.3:3389 accepted"}],
            "nla": {"netbios_computer": "RDPHOST", "dns_computer": "rdphost.corp.example"},
            "findings": [{"code": "nla.identity", "severity": "info", "summary": "The host identifies itself as CORP\\\\RDPHOST", "evidence": "DNS rdphost.corp.example, RDP.CORP.EXAMPLE"}],
            "verdict": {"status": "healthy", "codes": [], "summary": "ok"}
        }))
        .expect("sample report")
    }

    #[test]
    fn replaces_every_occurrence_with_stable_pseudonyms() {
        let r = redact(&sample());
        let text = serde_json::to_string(&r).expect("json");
        for secret in [
            "rdp.corp.example",
            "RDP.CORP.EXAMPLE",
            "10.1.2.3",
            "RDPHOST",
            "rdphost",
        ] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        assert!(r.redacted);
        assert_eq!(r.target.host, "host-1");
        assert_eq!(r.target.addresses, ["address-1"]);
        assert_eq!(r.target.probed_address.as_deref(), Some("address-1"));
        assert!(r.stages[0].summary.starts_with("address-1:3389"));
    }
}
