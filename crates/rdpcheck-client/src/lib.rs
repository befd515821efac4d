//! This computer's side of a Remote Desktop connection, judged against what the probe saw.
//!
//! - [`facts`]: [`ClientFacts`], plain data a reader fills. Every fact is
//!   [`Fact::Known`], [`Fact::Absent`] (looked for, not there: the default applies) or
//!   [`Fact::Unknown`] (could not be read: access denied, an API error) — never confuse the last
//!   two: "access denied" is unknown, not absent.
//! - [`ClientReader`]: what reads them. The Windows build's reader (crate
//!   `rdpcheck-winclient`) reads the registry, files, an IP Helper call and the client's event
//!   log, read-only and as the user; nothing else in the workspace touches the computer.
//! - [`host::HostFacts`]: what the judgement needs from the host's report.
//! - [`judge`]: pure — facts + host facts → the report's `client` section and `client.`
//!   findings. No I/O, no clock; tested from fixtures on any OS (tests/fixtures/).
//! - [`attach`]: put the section and findings into a report; a failing client finding makes a
//!   healthy verdict a problem ("the host is fine, this computer would fail").

pub mod events;
pub mod facts;
pub mod firewall;
pub mod host;
pub mod judge;

mod attach;

pub use attach::attach;
pub use facts::{ClientFacts, Fact};
pub use host::HostFacts;
pub use judge::{judge, Judgement};

/// Reads this computer's client facts. Implementations only read: they never write, delete or
/// change a setting, and report what they could not read as [`Fact::Unknown`].
pub trait ClientReader {
    /// What [`rdpcheck_report::ClientReport::reader`] says (`windows`).
    fn name(&self) -> &'static str;
    /// Read every fact; `target` is the host as the user typed it (for the per-server key and
    /// the event log), `address` the address the probe reached (for the route).
    fn read(&self, target: &Target) -> ClientFacts;
}

/// The connection the facts are read for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub address: Option<std::net::IpAddr>,
}
