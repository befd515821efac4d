//! The network lab (issue 13): real kernel TCP on both ends, the probe and the server in network
//! namespaces of their own, an impairment in between (tests/src/impair/). One test binary;
//! each test makes its own lab. Skipped (loudly) where namespaces cannot be made (not root).

mod check;
mod link;

use std::path::Path;

use rdpcheck_labtests::impair::{ImpairedLink, Impairment};

/// The lab with `impairment`, or None (printed as SKIPPED) when this machine cannot make it.
pub fn lab(impairment: Impairment) -> Option<ImpairedLink> {
    let forwarder = Path::new(env!("CARGO_BIN_EXE_impair-forwarder"));
    match ImpairedLink::create(forwarder, impairment) {
        Ok(link) => Some(link),
        Err(e) if !is_root() => {
            eprintln!("SKIPPED: the network lab needs network namespaces (run as root): {e}");
            None
        }
        Err(e) => panic!("cannot make the network lab: {e}"),
    }
}

/// /proc/self belongs to the effective user.
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
