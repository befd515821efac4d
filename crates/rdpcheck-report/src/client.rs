//! The client families a verdict is judged for, typed. Serialised as the published ids
//! (`mstsc-win11`, `freerdp`, …): ids are a contract like finding codes — add, never rename.
//! What each family does (TLS versions, suites, NLA) is in the knowledge base
//! (`crates/rdpcheck-kb/data/clients.toml`); the words for them are in `rdpcheck-words`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::FindingCode;

/// A family of Remote Desktop clients that share their TLS, NLA and security-layer defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ClientId {
    /// mstsc / Remote Desktop Connection on Windows 10 and Windows Server 2016 / 2019.
    MstscWin10,
    /// mstsc on Windows 11 21H2–23H2 and Windows Server 2022.
    MstscWin11Early,
    /// mstsc on Windows 11 24H2 and later, Windows Server 2025: a current Windows.
    #[default]
    MstscWin11,
    /// FreeRDP 2 / 3 on OpenSSL 3, and what embeds it (Remmina, Guacamole).
    FreeRdp,
    /// Windows App / Microsoft Remote Desktop on macOS, iOS and Android.
    WindowsApp,
}

impl ClientId {
    /// Every family, in the order reports list them.
    pub const ALL: [ClientId; 5] = [
        ClientId::MstscWin11,
        ClientId::MstscWin11Early,
        ClientId::MstscWin10,
        ClientId::FreeRdp,
        ClientId::WindowsApp,
    ];

    /// The published id.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientId::MstscWin10 => "mstsc-win10",
            ClientId::MstscWin11Early => "mstsc-win11-23h2",
            ClientId::MstscWin11 => "mstsc-win11",
            ClientId::FreeRdp => "freerdp",
            ClientId::WindowsApp => "windows-app",
        }
    }

    /// Whether this is mstsc (Windows' own client, on Schannel).
    pub fn is_mstsc(self) -> bool {
        matches!(
            self,
            ClientId::MstscWin10 | ClientId::MstscWin11Early | ClientId::MstscWin11
        )
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A string that is not a client id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownClient(pub String);

impl fmt::Display for UnknownClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = ClientId::ALL.iter().map(|c| c.as_str()).collect();
        write!(
            f,
            "unknown client {:?} (one of: {})",
            self.0,
            ids.join(", ")
        )
    }
}

impl std::error::Error for UnknownClient {}

impl FromStr for ClientId {
    type Err = UnknownClient;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClientId::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownClient(s.to_string()))
    }
}

impl Serialize for ClientId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ClientId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How one client family would fare against the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientOutcome {
    /// Reaches the logon without a prompt.
    Connects,
    /// Reaches the logon after a warning the user has to accept (certificate, identity).
    Warns,
    /// Stops before the logon.
    Fails,
    /// What rdpcheck saw does not settle it (a stage it could not check, a default not known).
    Unknown,
}

/// One client family's outcome and the finding codes behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientVerdict {
    pub client: ClientId,
    pub outcome: ClientOutcome,
    /// The codes that decide the outcome (for `connects`, none).
    #[serde(default)]
    pub why: Vec<FindingCode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for c in ClientId::ALL {
            assert_eq!(c.as_str().parse::<ClientId>(), Ok(c));
            let json = serde_json::to_string(&c).expect("serialises");
            assert_eq!(json, format!("\"{c}\""));
            assert_eq!(serde_json::from_str::<ClientId>(&json).ok(), Some(c));
        }
        assert_eq!(ClientId::default(), ClientId::MstscWin11);
        let err = "mstsc".parse::<ClientId>().expect_err("not an id");
        assert!(err.to_string().contains("mstsc-win10"), "{err}");
        assert_eq!(
            serde_json::to_string(&ClientOutcome::Warns).ok().as_deref(),
            Some("\"warns\"")
        );
    }
}
