//! Seeds for the fuzz corpora, made only from data the repository already holds, so
//! `cargo xtask fuzz --seed` rebuilds the same corpus anywhere:
//!
//! - byte decoders: the real-server transcripts (crates/rdpcheck-proto/tests/data/*.bin), the
//!   NTLM CHALLENGE cut out of the CredSSP transcript, the X.224 Disconnect that follows xrdp's
//!   TLS alert, and RDP-UDP SYN+ACKs laid out as MS-RDPEUDP 3.1.5.1.3 says (no real capture yet);
//! - `rdp_file`: the `.rdp` files of tests/data/rdp/;
//! - `target_addr`, `relay_target`: every string of the shared target table
//!   (tests/data/target_cases.rs) plus the relay's `xn--` cases;
//! - `wire_client_message`: relay/PROTOCOL.md's request and variants of it;
//! - `wire_server_message`: PROTOCOL.md's messages, and messages built from the real lab reports
//!   (crates/rdpcheck-words/tests/fixtures, web/tests/fixtures) the way the relay streams them:
//!   every stage result and finding, and the report itself; the reports as they are, too;
//! - `share_link`: the v1 share links (crates/rdpcheck-report/tests/data/v1_links.json), the v2
//!   two-vantage link (v2_links.json), and signed-report and two-vantage JSON made from the lab
//!   reports.
//!
//! No JSON library (xtask has no dependencies): the fixtures are compact-printed and cut with
//! the small string-aware scanner below, which is enough for well-formed input.

use std::collections::BTreeSet;
use std::path::Path;

/// One seed: a file name (for people reading the seed directory) and its bytes.
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
}

const PROTO_DATA: &str = "crates/rdpcheck-proto/tests/data";
const REPORT_FIXTURES: &[&str] = &["crates/rdpcheck-words/tests/fixtures", "web/tests/fixtures"];
const V1_LINKS: &str = "crates/rdpcheck-report/tests/data/v1_links.json";
const V2_LINKS: &str = "crates/rdpcheck-report/tests/data/v2_links.json";
const KEY_ID: &str = "EWSRkmMeI4yT";

/// The seeds of `target`; an unknown target has none (it starts from an empty corpus).
pub fn seeds(root: &Path, target: &str) -> Result<Vec<Seed>, String> {
    let mut seeds = match target {
        "x224_reply" | "tls_server_reply" | "ts_request" | "ntlm_challenge" | "rdpudp_synack" => {
            let mut s = transcripts(root)?;
            s.extend(match target {
                "x224_reply" => x224_after_alert(root)?,
                "ntlm_challenge" => ntlm_challenge(root)?,
                "rdpudp_synack" => syn_acks(),
                _ => Vec::new(),
            });
            s
        }
        "rdp_file" => files(&root.join(PROTO_DATA).join("rdp"), "rdp")?,
        "target_addr" | "relay_target" => targets(root)?,
        "wire_client_message" => client_messages(root)?,
        "wire_server_message" => server_messages(root)?,
        "share_link" => share_links(root)?,
        _ => Vec::new(),
    };
    let mut seen = BTreeSet::new();
    seeds.retain(|s| seen.insert(s.bytes.clone()));
    Ok(seeds)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn seed(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Seed {
    Seed {
        name: name.into(),
        bytes: bytes.into(),
    }
}

/// Every `*.ext` file of `dir`, sorted by name.
fn files(dir: &Path, ext: &str) -> Result<Vec<Seed>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            Ok(seed(name.unwrap_or_default(), read(p)?))
        })
        .collect()
}

fn transcripts(root: &Path) -> Result<Vec<Seed>, String> {
    files(&root.join(PROTO_DATA), "bin")
}

/// xrdp's TLS 1.0-only listener answers a TLS 1.3 hello with an alert record, then a cleartext
/// TPKT (MCS Disconnect Provider Ultimatum): that TPKT on its own.
fn x224_after_alert(root: &Path) -> Result<Vec<Seed>, String> {
    let bytes = read(
        &root
            .join(PROTO_DATA)
            .join("xrdp_tls10_alert_to_tls13_hello.bin"),
    )?;
    let record_len = match bytes.get(3..5) {
        Some([hi, lo]) => 5 + usize::from(u16::from_be_bytes([*hi, *lo])),
        _ => return Ok(Vec::new()),
    };
    Ok(bytes
        .get(record_len..)
        .map(|tail| vec![seed("xrdp_mcs_disconnect_after_alert", tail)])
        .unwrap_or_default())
}

/// The NTLM CHALLENGE inside FreeRDP's TSRequest: the DER OCTET STRING holding `NTLMSSP\0`
/// followed by message type 2.
fn ntlm_challenge(root: &Path) -> Result<Vec<Seed>, String> {
    let bytes = read(
        &root
            .join(PROTO_DATA)
            .join("shadow_nla_ts_request_challenge.bin"),
    )?;
    let magic = b"NTLMSSP\0\x02\0\0\0";
    let Some(at) = bytes.windows(magic.len()).position(|w| w == magic) else {
        return Ok(Vec::new());
    };
    // The OCTET STRING header just before it: 04 len, or 04 81 len.
    let len = match (
        at.checked_sub(2).and_then(|i| bytes.get(i..at)),
        at.checked_sub(3).and_then(|i| bytes.get(i..at)),
    ) {
        (_, Some([0x04, 0x81, len])) => usize::from(*len),
        (Some([0x04, len]), _) if *len < 0x80 => usize::from(*len),
        _ => bytes.len() - at,
    };
    Ok(bytes
        .get(at..at + len)
        .map(|c| vec![seed("shadow_nla_ntlm_challenge", c)])
        .unwrap_or_default())
}

/// SYN+ACKs to a SYN with ISN 0x12345678 (the fuzz target reads our ISN from the first word):
/// SYN|ACK|SYNEX with v2, padded to 1232 bytes as Windows sends it; without SYNEX; with a
/// correlation id and v3; an unpadded one; and a bare ACK.
fn syn_acks() -> Vec<Seed> {
    let build = |flags: u16, tail: &[u8], padded: bool| {
        let mut d = Vec::new();
        d.extend_from_slice(&0x1234_5678_u32.to_be_bytes());
        d.extend_from_slice(&64_u16.to_be_bytes());
        d.extend_from_slice(&flags.to_be_bytes());
        d.extend_from_slice(&0xCAFE_BABE_u32.to_be_bytes());
        d.extend_from_slice(&1232_u16.to_be_bytes());
        d.extend_from_slice(&1232_u16.to_be_bytes());
        d.extend_from_slice(tail);
        if padded {
            d.resize(1232, 0);
        }
        d
    };
    let mut correlated = vec![0xAB; 16];
    correlated.extend_from_slice(&[0; 16]);
    correlated.extend_from_slice(&[0x00, 0x01, 0x01, 0x01]);
    vec![
        seed(
            "syn_ack_synex_v2_padded",
            build(0x1005, &[0, 1, 0, 2], true),
        ),
        seed("syn_ack_no_synex", build(0x0005, &[], false)),
        seed("syn_ack_correlation_v3", build(0x1805, &correlated, false)),
        seed(
            "syn_ack_synex_no_version",
            build(0x1005, &[0, 0, 0, 2], false),
        ),
        seed("ack_only", build(0x0004, &[], false)),
    ]
}

/// Every string literal of the shared target table (outside comments), and the relay's own
/// cases for typed `xn--` labels.
fn targets(root: &Path) -> Result<Vec<Seed>, String> {
    let table = read_text(&root.join(PROTO_DATA).join("target_cases.rs"))?;
    let code: String = table
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut inputs = rust_string_literals(&code);
    let label63 = "a".repeat(63);
    inputs.extend([
        "xn--zz.example".to_string(),
        "a.xn--a-ecp.example".to_string(),
        "XN--AB.example:443".to_string(),
        format!("{label63}.example:3390"),
        format!("{label63}.{label63}.{label63}.{}", "d".repeat(61)),
    ]);
    Ok(inputs
        .into_iter()
        .enumerate()
        .map(|(i, s)| seed(format!("target_{i:03}"), s))
        .collect())
}

/// The contents of the `"…"` literals in Rust source, with `\n \r \t \0 \\ \" \' \u{…}`
/// unescaped. Raw strings and byte strings do not occur in the table.
fn rust_string_literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('r') => s.push('\r'),
                    Some('t') => s.push('\t'),
                    Some('0') => s.push('\0'),
                    Some('u') => {
                        let hex: String = chars
                            .by_ref()
                            .skip_while(|c| *c == '{')
                            .take_while(|c| *c != '}')
                            .collect();
                        if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            s.push(c);
                        }
                    }
                    Some(other) => s.push(other),
                    None => break,
                },
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// The lab reports, compact-printed, by file name (duplicates across the two fixture
/// directories dropped).
fn reports(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for dir in REPORT_FIXTURES {
        for f in files(&root.join(dir), "json")? {
            let compact = compact_json(&String::from_utf8_lossy(&f.bytes));
            if !out.iter().any(|(_, r)| *r == compact) {
                out.push((f.name.trim_end_matches(".json").to_string(), compact));
            }
        }
    }
    Ok(out)
}

/// The JSON lines of relay/PROTOCOL.md's ```json blocks, one message per line that starts with
/// `{` (indented lines continue the message above; `…` lines are skipped).
fn protocol_messages(root: &Path) -> Result<Vec<String>, String> {
    let doc = read_text(&root.join("relay/PROTOCOL.md"))?;
    let mut out: Vec<String> = Vec::new();
    let mut in_json = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            in_json = line == "```json";
            continue;
        }
        if !in_json {
            continue;
        }
        if line.starts_with('{') {
            out.push(line.to_string());
        } else if line.starts_with(' ') {
            if let Some(last) = out.last_mut() {
                last.push_str(line.trim_start());
            }
        }
    }
    Ok(out)
}

fn client_messages(root: &Path) -> Result<Vec<Seed>, String> {
    let mut out: Vec<Seed> = protocol_messages(root)?
        .into_iter()
        .filter(|m| m.contains(r#""type":"probe""#))
        .map(|m| seed("protocol_md", m))
        .collect();
    for (i, m) in [
        r#"{"type":"probe","target":"rdp.example.com"}"#,
        r#"{"type":"probe","target":"[2001:db8::1]:3390","gateway":"gw.example.com:443","samples":0,"udp":false}"#,
        r#"{"type":"probe","target":"10.0.0.5","gateway":null,"samples":null,"udp":null}"#,
        r#"{"udp":true,"samples":4294967295,"target":"m\u00fcnchen.example","type":"probe"}"#,
        r#"{"type":"probe","target":"h","extra":1}"#,
        r#"{"type":"report","target":"h"}"#,
    ]
    .iter()
    .enumerate()
    {
        out.push(seed(format!("client_{i}"), *m));
    }
    Ok(out)
}

fn server_messages(root: &Path) -> Result<Vec<Seed>, String> {
    let mut out: Vec<Seed> = protocol_messages(root)?
        .into_iter()
        .filter(|m| !m.contains(r#""type":"probe""#))
        .enumerate()
        .map(|(i, m)| seed(format!("protocol_md_{i}"), m))
        .collect();
    let signature = "A".repeat(86);
    for (n, (name, report)) in reports(root)?.into_iter().enumerate() {
        out.push(seed(format!("{name}_report"), report.clone()));
        for (i, result) in array_items(&report, "stages").iter().enumerate() {
            let stage = string_field(result, "name").unwrap_or_default();
            out.push(seed(
                format!("{name}_stage_started_{i}"),
                format!(r#"{{"type":"stage","state":"started","name":"{stage}","at_ms":0.02}}"#),
            ));
            out.push(seed(
                format!("{name}_stage_finished_{i}"),
                format!(
                    r#"{{"type":"stage","state":"finished","name":"{stage}","at_ms":{i}.5,"result":{result}}}"#
                ),
            ));
        }
        for (i, finding) in array_items(&report, "findings").iter().enumerate() {
            out.push(seed(
                format!("{name}_finding_{i}"),
                format!(r#"{{"type":"finding","finding":{finding}}}"#),
            ));
        }
        // The report escaped inside a message: the raw reports above already cover the report
        // parser, so two messages (one with a redacted copy) keep the corpus small.
        let text = json_string(&report);
        let message = format!(
            r#"{{"type":"report","report":{text},"signature":"{signature}","key_id":"{KEY_ID}""#
        );
        match n {
            0 => out.push(seed(
                format!("{name}_report_message_redacted"),
                format!(
                    r#"{message},"redacted":{{"report":{text},"signature":"{signature}","key_id":"{KEY_ID}"}}}}"#
                ),
            )),
            1 => out.push(seed(format!("{name}_report_message"), format!("{message}}}"))),
            _ => {}
        }
    }
    // Regression: a 17-digit decimal serde_json's default parser read one ulp off, so the
    // message did not survive a round trip (crates/rdpcheck-report/tests/json_round_trip.rs).
    out.push(seed(
        "regression_float_roundtrip",
        r#"{"type":"stage","state":"started","name":"dns","at_ms":90958037488623577e-9}"#,
    ));
    for code in [
        "input.invalid",
        "policy.denied",
        "limit.rate",
        "limit.busy",
        "auth.required",
        "origin.denied",
        "internal",
        "shutdown",
    ] {
        out.push(seed(
            format!("error_{code}"),
            format!(r#"{{"type":"error","code":"{code}","message":"refused"}}"#),
        ));
    }
    Ok(out)
}

fn share_links(root: &Path) -> Result<Vec<Seed>, String> {
    let links = compact_json(&read_text(&root.join(V1_LINKS))?);
    let mut out = Vec::new();
    for key in ["healthy", "healthy_redacted", "refused"] {
        if let Some(link) = string_field(&links, key) {
            out.push(seed(format!("v1_{key}"), link.clone()));
            out.push(seed(format!("v1_{key}_with_hash"), format!("#{link}")));
        }
    }
    let vantage = compact_json(&read_text(&root.join(V2_LINKS))?);
    if let Some(link) = string_field(&vantage, "cut_here_healthy_there") {
        out.push(seed("v2_cut_here_healthy_there", link));
    }
    let signature = "A".repeat(86);
    let reports = reports(root)?;
    for (name, report) in reports.iter().take(3) {
        out.push(seed(
            format!("{name}_signed_json"),
            format!(
                r#"{{"report":{},"signature":"{signature}","key_id":"{KEY_ID}"}}"#,
                json_string(report)
            ),
        ));
    }
    // The JSON of a two-vantage link: a local report and a signed one.
    if let [(local, l), (relay, r), ..] = reports.as_slice() {
        out.push(seed(
            format!("{local}_{relay}_vantage_json"),
            format!(
                r#"{{"local":{},"relay":{{"report":{},"signature":"{signature}","key_id":"{KEY_ID}"}}}}"#,
                json_string(l),
                json_string(r)
            ),
        ));
    }
    Ok(out)
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Well-formed JSON without the whitespace between tokens.
fn compact_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// The elements of the first array under `"key":` in compact JSON, as JSON text.
fn array_items(json: &str, key: &str) -> Vec<String> {
    let marker = format!("\"{key}\":[");
    let Some(start) = json.find(&marker).map(|i| i + marker.len()) else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let mut item = String::new();
    let (mut depth, mut in_string, mut escaped) = (0_u32, false, false);
    for c in json[start..].chars() {
        if in_string {
            item.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => break,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    if !item.is_empty() {
        items.push(item);
    }
    items
}

/// The first `"key":"value"` string in compact JSON (no unescaping: enough for names, codes
/// and base64url).
fn string_field(json: &str, key: &str) -> Option<String> {
    let marker = format!("\"{key}\":\"");
    let start = json.find(&marker)? + marker.len();
    let end = json[start..].find('"')?;
    Some(json[start..start + end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_are_unescaped() {
        assert_eq!(
            rust_string_literals(r#"same("a\tb", x), idn("\u{ff11}.\u{3002}", "q\"")"#),
            ["a\tb", "\u{ff11}.\u{3002}", "q\""]
        );
    }

    #[test]
    fn json_helpers_cut_compact_json() {
        let json = compact_json(
            "{ \"a\": [ {\"name\": \"x y\"}, {\"b\": [1, \"]\"]} ], \"c\": \"d\\\"\" }",
        );
        assert_eq!(json, r#"{"a":[{"name":"x y"},{"b":[1,"]"]}],"c":"d\""}"#);
        assert_eq!(
            array_items(&json, "a"),
            [r#"{"name":"x y"}"#, r#"{"b":[1,"]"]}"#]
        );
        assert_eq!(string_field(&json, "name").as_deref(), Some("x y"));
        assert_eq!(json_string("a\"\\\n\u{1}"), r#""a\"\\\n\u0001""#);
    }
}
