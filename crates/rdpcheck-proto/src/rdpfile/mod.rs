//! Saved Remote Desktop connection files (`.rdp`), as mstsc and RD Web Access write them.
//!
//! One setting per line: `name:type:value`, type `s` (string), `i` (integer) or `b` (binary,
//! hex digits). Names are case-insensitive and may hold spaces (`full address`); values may
//! hold colons (`full address:s:host:3390`), so a line is split on its first two colons only.
//! Reference: Microsoft Learn, "Supported RDP properties with Remote Desktop Services", and
//! IMsRdpClientTransportSettings (GatewayUsageMethod, GatewayProfileUsageMethod).
//!
//! mstsc writes UTF-16LE with a BOM (`FF FE`) and CRLF; other tools write UTF-8 with or
//! without a BOM and LF. A malformed line becomes a [`LineProblem`], never an error: the
//! point is to tell a user what mstsc would make of the file. Addresses (`full address`,
//! `alternate full address`, `gatewayhostname`) are read with the shared target grammar
//! ([`crate::target`]); one it refuses is a [`LineProblem`] too.

use crate::target::Host;

mod parse;
mod security;
mod signature;
mod target;
#[cfg(test)]
mod tests;

pub use parse::{parse, parse_with};
pub use security::{FileSecurity, Redirection, Signing, REDIRECTIONS};
pub use signature::{read_signature, SignatureClaim};

/// Names of the settings [`RdpFile::target`] reads or the report cares about, lower case.
pub mod names {
    pub const FULL_ADDRESS: &str = "full address";
    /// When present, replaces `full address` as the host the client connects to
    /// (`full address` stays what the UI shows).
    pub const ALTERNATE_FULL_ADDRESS: &str = "alternate full address";
    pub const SERVER_PORT: &str = "server port";
    pub const USERNAME: &str = "username";
    pub const DOMAIN: &str = "domain";
    pub const AUTHENTICATION_LEVEL: &str = "authentication level";
    pub const ENABLE_CREDSSP_SUPPORT: &str = "enablecredsspsupport";
    pub const PROMPT_FOR_CREDENTIALS: &str = "prompt for credentials";
    pub const NEGOTIATE_SECURITY_LAYER: &str = "negotiate security layer";
    pub const GATEWAY_HOSTNAME: &str = "gatewayhostname";
    pub const GATEWAY_USAGE_METHOD: &str = "gatewayusagemethod";
    pub const GATEWAY_PROFILE_USAGE_METHOD: &str = "gatewayprofileusagemethod";
    pub const GATEWAY_CREDENTIALS_SOURCE: &str = "gatewaycredentialssource";
    pub const USE_REDIRECTION_SERVER_NAME: &str = "use redirection server name";
    pub const LOAD_BALANCE_INFO: &str = "loadbalanceinfo";
}

pub use crate::target::{DEFAULT_GATEWAY_PORT, DEFAULT_RDP_PORT};

/// How much of a bad line a [`LineProblem`] keeps, in characters.
pub(crate) const PROBLEM_TEXT_MAX: usize = 120;

/// A parsed `.rdp` file: the settings in file order and the lines that did not parse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RdpFile {
    pub settings: Vec<Setting>,
    pub problems: Vec<LineProblem>,
    /// The parsed form of each non-empty address setting in `settings`, by line.
    addresses: Vec<Address>,
}

/// Settings whose string value is a target address.
const ADDRESS_SETTINGS: &[&str] = &[
    names::FULL_ADDRESS,
    names::ALTERNATE_FULL_ADDRESS,
    names::GATEWAY_HOSTNAME,
];

/// An address setting as the target grammar read it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Address {
    line: usize,
    host: Host,
    port: Option<u16>,
}

/// One `name:type:value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// 1-based line number.
    pub line: usize,
    /// Lower-cased and trimmed.
    pub name: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `s`: the text after the second colon, as written (not trimmed).
    Str(String),
    /// `i`
    Int(i64),
    /// `b`: decoded from hex.
    Bin(Vec<u8>),
}

/// A line that is not a valid setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line number.
    pub line: usize,
    /// The raw line, cut to 120 characters.
    pub text: String,
    pub reason: String,
}

/// The connection the client would make, as far as the file decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    /// Only when the settings say the client uses the gateway for this connection.
    pub gateway: Option<Gateway>,
    pub gateway_usage: GatewayUsage,
    /// Settings that make the outcome uncertain or are invalid, in plain words.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    pub host: String,
    pub port: u16,
    /// gatewayusagemethod 2: mstsc's "Bypass RD Gateway server for local addresses" box, which
    /// in practice means "try direct first, gateway if that fails".
    pub bypass_for_local: bool,
}

/// `gatewayusagemethod` (TSC_PROXY_MODE_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayUsage {
    /// 0: do not use an RD Gateway.
    Never,
    /// 1: always use the RD Gateway.
    Always,
    /// 2: use the RD Gateway only if the direct connection fails.
    Detect,
    /// 3: use the client's default RD Gateway settings.
    Default,
    /// 4: do not use an RD Gateway (bypass box ticked).
    NoneOrLocal,
    Unknown(i64),
}

impl GatewayUsage {
    pub fn from_i64(value: i64) -> Self {
        match value {
            0 => Self::Never,
            1 => Self::Always,
            2 => Self::Detect,
            3 => Self::Default,
            4 => Self::NoneOrLocal,
            other => Self::Unknown(other),
        }
    }

    pub fn value(self) -> i64 {
        match self {
            Self::Never => 0,
            Self::Always => 1,
            Self::Detect => 2,
            Self::Default => 3,
            Self::NoneOrLocal => 4,
            Self::Unknown(v) => v,
        }
    }
}

impl RdpFile {
    /// The value of `name` (case-insensitive); the last occurrence wins, as in mstsc.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let name = name.trim().to_ascii_lowercase();
        self.settings
            .iter()
            .rev()
            .find(|s| s.name == name)
            .map(|s| &s.value)
    }

    /// The string value of `name`; `None` if absent or of another type.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The integer value of `name`; `None` if absent or of another type.
    pub fn get_int(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Some(Value::Int(v)) => Some(*v),
            _ => None,
        }
    }
}
