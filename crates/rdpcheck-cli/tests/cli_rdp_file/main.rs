//! `rdpcheck probe --rdp-file` end to end: the BUILT binary reads connection files written the
//! way Windows writes them (UTF-16LE with a BOM, CRLF) and probes a real xrdp, through a real
//! nginx standing in for the RD Gateway when the file says to use one. Exit codes: 0 healthy,
//! 1 problem, 2 bad input. One test binary: `run` (the CLI runner), `probe` (files that probe),
//! `bad_input` (files that cannot).

mod bad_input;
mod client;
mod probe;
mod run;

use rdpcheck_labtests::mstsc;

/// The display lines of the CLI tests' mstsc files.
const SETTINGS: &[&str] = &[
    "screen mode id:i:2",
    "desktopwidth:i:1920",
    "desktopheight:i:1080",
    "session bpp:i:32",
];

/// A typical mstsc file for 127.0.0.1:`port`; `gateway` = (host:port, gatewayusagemethod),
/// none = empty gatewayhostname with usage 4 (what mstsc writes for "no gateway").
pub fn connection_file(port: u16, gateway: Option<(&str, i64)>) -> Vec<String> {
    mstsc::connection_file(SETTINGS, port, gateway)
}
