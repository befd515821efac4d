//! `rdpcheck probe HOST --relay URL` end to end: the BUILT `rdpcheck` against the BUILT
//! `rdpcheck-relay` (the one next to it in the target directory: `cargo test --workspace` builds
//! both; alone, `cargo build -p rdpcheck-relay` first, or set RDPCHECK_RELAY_BIN).
//!
//! - `netns`: two network namespaces of the test's own, joined by a veth pair, with one address
//!   on both sides' loopback. The relay and a real xrdp run in one; the CLI and a fault server
//!   that closes after the X.224 request run in the other. The local check fails at x224, the
//!   relay's is healthy: the comparison must name x224 and the path. Needs root (skipped with a
//!   message otherwise).
//! - `refusals`: a relay on loopback that refuses (policy, token, TLS trust): the local check
//!   still prints, with why the relay could not check.

mod lab;
mod netns;
mod refusals;
