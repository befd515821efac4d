//! A saved connection (`.rdp`) fills the check form exactly as the client would connect.

use rdpcheck_proto::rdpfile::{self, FileSecurity, GatewayUsage};
use rdpcheck_report::RdpFileSecurity;

/// What a `.rdp` file puts in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormFill {
    pub host: String,
    pub port: u16,
    /// `gateway:port`, only when the client would use the gateway for this connection.
    pub gateway: Option<String>,
    /// gatewayusagemethod, in words.
    pub gateway_usage: String,
    /// Settings that make the outcome uncertain, and lines that could not be read.
    pub notes: Vec<String>,
    /// What opening the file asks of the computer: its signature and the resources it asks to
    /// share, one line each.
    pub security: Vec<String>,
}

/// Largest file the page reads (real .rdp files are a few KiB).
pub const MAX_RDP_BYTES: usize = 256 * 1024;

/// Reads a `.rdp` file's bytes (UTF-16LE with BOM as Windows writes them, or UTF-8).
pub fn fill_from_rdp(bytes: &[u8]) -> Result<FormFill, String> {
    if bytes.len() > MAX_RDP_BYTES {
        return Err(format!(
            "This file is {} KiB; a saved connection (.rdp) is a few KiB. Pick the .rdp file itself.",
            bytes.len() / 1024
        ));
    }
    let file =
        rdpfile::parse(bytes).map_err(|e| format!("This is not a readable .rdp file ({e})."))?;
    let Some(target) = file.target() else {
        return Err(
            "This .rdp file names no computer (no \"full address\" line), so there is nothing to check."
                .to_string(),
        );
    };
    let mut notes = target.warnings.clone();
    for p in &file.problems {
        notes.push(format!("line {}: {} ({})", p.line, p.reason, p.text));
    }
    let gateway = target.gateway.as_ref().map(|g| {
        if g.host.contains(':') {
            format!("[{}]:{}", g.host, g.port)
        } else {
            format!("{}:{}", g.host, g.port)
        }
    });
    Ok(FormFill {
        host: target.host,
        port: target.port,
        gateway,
        gateway_usage: usage_words(target.gateway_usage),
        notes,
        security: security_lines(&file.security()),
    })
}

/// The file's signing and requests, one line per fact of the CLI report's section.
fn security_lines(sec: &FileSecurity) -> Vec<String> {
    rdpcheck_words::rdp_file_security(&RdpFileSecurity::from_file(sec, None))
        .into_iter()
        .map(|f| format!("{}: {}", f.label, f.value))
        .collect()
}

fn usage_words(u: GatewayUsage) -> String {
    match u {
        GatewayUsage::Never => "no RD Gateway".into(),
        GatewayUsage::Always => "always through the RD Gateway".into(),
        GatewayUsage::Detect => "RD Gateway if the direct connection fails".into(),
        GatewayUsage::Default => "the client's default RD Gateway settings".into(),
        GatewayUsage::NoneOrLocal => "no RD Gateway (bypass for local addresses)".into(),
        GatewayUsage::Unknown(v) => format!("unknown gatewayusagemethod {v}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn windows_file_with_gateway_fills_both() {
        let text = "screen mode id:i:2\r\nfull address:s:rdp.corp.example:3390\r\n\
                    gatewayhostname:s:gw.corp.example\r\ngatewayusagemethod:i:1\r\n\
                    gatewayprofileusagemethod:i:1\r\n";
        let f = fill_from_rdp(&utf16(text)).expect("fills");
        assert_eq!(f.host, "rdp.corp.example");
        assert_eq!(f.port, 3390);
        assert_eq!(f.gateway.as_deref(), Some("gw.corp.example:443"));
        assert_eq!(f.gateway_usage, "always through the RD Gateway");
    }

    #[test]
    fn utf8_file_without_gateway() {
        let f = fill_from_rdp(b"full address:s:10.0.0.5\nserver port:i:3391\n").expect("fills");
        assert_eq!(
            (f.host.as_str(), f.port, f.gateway),
            ("10.0.0.5", 3391, None)
        );
    }

    #[test]
    fn unsigned_file_says_what_windows_shows_and_what_it_asks() {
        let f = fill_from_rdp(
            b"full address:s:rdp.example.test\ndrivestoredirect:s:*\nredirectclipboard:i:0\n",
        )
        .expect("fills");
        assert!(
            f.security[0].contains("Caution: Unknown remote connection"),
            "{:?}",
            f.security
        );
        assert_eq!(
            f.security.last().map(String::as_str),
            Some("Asks to share: Drives (drivestoredirect:s:*)")
        );
    }

    #[test]
    fn signed_file_names_its_claimed_publisher() {
        let f = fill_from_rdp(include_bytes!(
            "../../../crates/rdpcheck-proto/tests/data/rdp/signed.rdp"
        ))
        .expect("fills");
        assert!(
            f.security[0].starts_with("Signature: signed ("),
            "{:?}",
            f.security
        );
        assert!(f
            .security
            .iter()
            .any(|l| l.contains("Example RDP Publishing")));
        assert!(f
            .security
            .iter()
            .any(|l| l == "Not covered: camerastoredirect"));
    }

    #[test]
    fn unusable_files_are_named() {
        assert!(fill_from_rdp(b"screen mode id:i:2\n")
            .expect_err("no host")
            .contains("full address"));
        assert!(fill_from_rdp(&vec![b'a'; MAX_RDP_BYTES + 1]).is_err());
    }
}
