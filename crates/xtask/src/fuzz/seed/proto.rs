//! Seeds for the byte decoders (the real-server transcripts and pieces cut out of them, RDP-UDP
//! SYN+ACKs laid out by the spec) and for the target grammar (the shared target table).

use std::path::Path;

use super::{files, read, read_text, seed, Seed, PROTO_DATA};

pub(super) fn transcripts(root: &Path) -> Result<Vec<Seed>, String> {
    files(&root.join(PROTO_DATA), "bin")
}

/// xrdp's TLS 1.0-only listener answers a TLS 1.3 hello with an alert record, then a cleartext
/// TPKT (MCS Disconnect Provider Ultimatum): that TPKT on its own.
pub(super) fn x224_after_alert(root: &Path) -> Result<Vec<Seed>, String> {
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
pub(super) fn ntlm_challenge(root: &Path) -> Result<Vec<Seed>, String> {
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
pub(super) fn syn_acks() -> Vec<Seed> {
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
pub(super) fn targets(root: &Path) -> Result<Vec<Seed>, String> {
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
pub(super) fn rust_string_literals(code: &str) -> Vec<String> {
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
