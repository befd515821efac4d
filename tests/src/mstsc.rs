//! Connection files (`.rdp`) the way mstsc's "Save As" writes them, for the tests that read
//! them back (the lab's `rdpfile` tests and the CLI's `--rdp-file` tests).

use std::path::{Path, PathBuf};

/// The bytes mstsc's "Save As" writes: a UTF-16LE BOM, then each line UTF-16LE with CRLF.
pub fn windows_rdp(lines: &[String]) -> Vec<u8> {
    let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// A typical mstsc file for 127.0.0.1:`port`: the display and experience `settings` lines, the
/// full address, the security lines, the gateway lines and a user name. `gateway` is
/// (host:port, gatewayusagemethod); none is an empty gatewayhostname with usage 4 (what mstsc
/// writes for "no gateway").
pub fn connection_file(settings: &[&str], port: u16, gateway: Option<(&str, i64)>) -> Vec<String> {
    let mut lines: Vec<String> = settings.iter().map(|s| s.to_string()).collect();
    lines.push(format!("full address:s:127.0.0.1:{port}"));
    lines.extend(
        [
            "authentication level:i:2",
            "prompt for credentials:i:0",
            "negotiate security layer:i:1",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    match gateway {
        Some((host_port, usage)) => lines.extend([
            format!("gatewayhostname:s:{host_port}"),
            format!("gatewayusagemethod:i:{usage}"),
            "gatewaycredentialssource:i:0".into(),
            "gatewayprofileusagemethod:i:1".into(),
        ]),
        None => lines.extend([
            "gatewayhostname:s:".into(),
            "gatewayusagemethod:i:4".into(),
            "gatewaycredentialssource:i:4".into(),
            "gatewayprofileusagemethod:i:0".into(),
        ]),
    }
    lines.push("username:s:LAB\\alice".into());
    lines
}

/// Write `lines` as [`windows_rdp`] bytes to `dir/name`; the path.
pub fn write_rdp(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, windows_rdp(lines)).expect("write .rdp");
    path
}
