//! The client facts as a reader found them: raw values, no judgement. Serde, so a fixture is a
//! JSON file (tests/fixtures/) and a test on Linux feeds the same judgement a Windows computer
//! does.

use serde::{Deserialize, Serialize};

/// One fact. `Absent` and `Unknown` are different answers: absent means the key, value or file
/// was looked for and is not there (so the Windows default applies); unknown means it could not
/// be read — access denied, an API error, not supported here — and nothing may be concluded
/// from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fact<T> {
    Known(T),
    Absent,
    Unknown(String),
}

impl<T> Default for Fact<T> {
    fn default() -> Self {
        Fact::Unknown("not read".into())
    }
}

impl<T> Fact<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn map<U>(&self, f: impl FnOnce(&T) -> U) -> Fact<U> {
        match self {
            Fact::Known(v) => Fact::Known(f(v)),
            Fact::Absent => Fact::Absent,
            Fact::Unknown(r) => Fact::Unknown(r.clone()),
        }
    }
}

/// Everything one reading of this computer found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientFacts {
    /// `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`.
    pub os: Fact<OsVersion>,
    /// File version of `%SystemRoot%\System32\mstsc.exe`, `a.b.c.d`.
    pub mstsc_version: Fact<String>,
    /// File version of `%SystemRoot%\System32\tspkg.dll` (the CredSSP patch level, KB 4295591).
    pub tspkg_version: Fact<String>,
    /// `HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services\Client` `fClientDisableUDP`.
    pub udp_policy: Fact<u32>,
    /// `HKCU\Software\Microsoft\Terminal Server Client\Default`: the `MRUn` values.
    pub mru: Fact<Vec<NamedValue>>,
    /// `HKCU\Software\Microsoft\Terminal Server Client\Servers\*`.
    pub servers: Fact<Vec<ServerEntry>>,
    /// The hidden `Default.rdp` in the user's Documents folder.
    pub default_rdp: Fact<TextFile>,
    /// `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters`
    /// `AllowEncryptionOracle`.
    pub credssp_policy: Fact<u32>,
    /// `HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\<v>\Client`.
    pub schannel: Vec<SchannelProtocol>,
    /// `HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002` `Functions`.
    pub cipher_order: Fact<String>,
    pub firewall: FirewallFacts,
    /// The interface on the best route to the host and its IP-layer MTU.
    pub route: Fact<RouteInfo>,
    /// `Microsoft-Windows-TerminalServices-RDPClient/Operational`, newest first.
    pub events: Fact<Vec<ClientEvent>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OsVersion {
    /// `CurrentMajorVersionNumber` / `CurrentMinorVersionNumber` (Windows 10 and later), or
    /// parsed from `CurrentVersion` (`6.1`).
    pub major: u32,
    pub minor: u32,
    /// `CurrentBuildNumber`.
    pub build: u32,
    /// `UBR` (the update revision), when present.
    pub ubr: Option<u32>,
    /// `ProductName`, e.g. `Windows 10 Pro`.
    pub product: Option<String>,
    /// `DisplayVersion` (e.g. `22H2`), when present.
    pub display_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerEntry {
    /// The subkey name: the host as it was typed.
    pub name: String,
    #[serde(default)]
    pub username_hint: Fact<String>,
    /// `CertHash` (REG_BINARY), as hex without separators.
    #[serde(default)]
    pub cert_hash: Fact<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextFile {
    pub path: String,
    /// Decoded (UTF-16LE with a BOM, as mstsc writes it, or UTF-8).
    pub text: String,
}

/// One `Protocols\<version>\Client` key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchannelProtocol {
    pub version: TlsVersion,
    #[serde(default)]
    pub enabled: Fact<u32>,
    #[serde(default)]
    pub disabled_by_default: Fact<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TlsVersion {
    #[serde(rename = "TLS 1.0")]
    Tls10,
    #[serde(rename = "TLS 1.1")]
    Tls11,
    #[serde(rename = "TLS 1.2")]
    Tls12,
    #[serde(rename = "TLS 1.3")]
    Tls13,
}

impl TlsVersion {
    pub const ALL: [TlsVersion; 4] = [
        TlsVersion::Tls10,
        TlsVersion::Tls11,
        TlsVersion::Tls12,
        TlsVersion::Tls13,
    ];

    /// The Schannel key name (`TLS 1.2`).
    pub fn key_name(self) -> &'static str {
        match self {
            TlsVersion::Tls10 => "TLS 1.0",
            TlsVersion::Tls11 => "TLS 1.1",
            TlsVersion::Tls12 => "TLS 1.2",
            TlsVersion::Tls13 => "TLS 1.3",
        }
    }

    /// From the report's `TLSv1.2` (rustls and the legacy hello write it so).
    pub fn from_report(text: &str) -> Option<TlsVersion> {
        match text.trim() {
            "TLSv1.0" | "TLSv1" => Some(TlsVersion::Tls10),
            "TLSv1.1" => Some(TlsVersion::Tls11),
            "TLSv1.2" => Some(TlsVersion::Tls12),
            "TLSv1.3" => Some(TlsVersion::Tls13),
            _ => None,
        }
    }
}

/// Windows Firewall: both rule stores and whether the firewall is on per profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FirewallFacts {
    /// `HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall\FirewallRules` (Group Policy).
    pub policy_rules: Fact<Vec<NamedValue>>,
    /// `HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules`.
    pub local_rules: Fact<Vec<NamedValue>>,
    /// `EnableFirewall` per profile, from the policy and the local store.
    pub profiles: Vec<ProfileSwitch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSwitch {
    pub profile: Profile,
    #[serde(default)]
    pub policy: Fact<u32>,
    #[serde(default)]
    pub local: Fact<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Profile {
    Domain,
    Private,
    Public,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Domain, Profile::Private, Profile::Public];

    /// The registry key of the profile (`StandardProfile` is the private one).
    pub fn key_name(self) -> &'static str {
        match self {
            Profile::Domain => "DomainProfile",
            Profile::Private => "StandardProfile",
            Profile::Public => "PublicProfile",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Profile::Domain => "Domain",
            Profile::Private => "Private",
            Profile::Public => "Public",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteInfo {
    /// The interface's alias or description.
    pub interface: String,
    /// The interface's MTU (`MIB_IF_ROW2.Mtu`).
    pub mtu: u32,
}

/// One rendered event of the RDP client's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientEvent {
    pub id: u32,
    /// `TimeCreated/@SystemTime`, RFC 3339.
    #[serde(default)]
    pub time: String,
    /// `Correlation/@ActivityID`.
    #[serde(default)]
    pub activity: Option<String>,
    /// The `EventData/Data` values in order.
    #[serde(default)]
    pub data: Vec<String>,
}
