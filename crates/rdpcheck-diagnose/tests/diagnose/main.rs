//! `diagnose` from recorded observations: real server transcripts (captured from xrdp and the
//! FreeRDP shadow server, see crates/rdpcheck-proto/tests/data/README.md) and hand-made fault
//! observations. No sockets. One test binary; a module per stage (`connect` for dns and tcp),
//! `report` for the report as a whole, and `fixtures` for the observations they start from.

/// The bytes of a captured transcript in crates/rdpcheck-proto/tests/data/.
macro_rules! capture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../rdpcheck-proto/tests/data/",
            $name
        ))
    };
}

mod clients;
mod connect;
mod fixtures;
mod gateway;
mod nla;
mod report;
mod stability;
mod tls;
mod udp;
mod windows;
mod x224;
