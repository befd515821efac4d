//! What opening a `.rdp` file asks of the computer that opens it: whether it is signed (and by
//! whom it claims), which settings the signature covers (`signscope`), and which local
//! resources it asks to share with the remote computer. Since the April 2026 update
//! (CVE-2026-26151) Windows' Remote Desktop Connection shows exactly these before it connects:
//! an unsigned file gets "Caution: Unknown remote connection", and every requested redirection
//! starts unticked (Microsoft Learn, "Understanding security warnings when opening Remote
//! Desktop (RDP) files").
//!
//! Setting names and values: Microsoft Learn, "Supported RDP properties" (device redirection).
//! Only what the file sets is reported: a setting it leaves out takes the client's default.

use super::signature::{read_signature, SignatureClaim};
use super::{RdpFile, Value};

/// The file's signing and the resources it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSecurity {
    pub signature: Signing,
    /// `signscope`'s names as written (`Full Address`, `RedirectClipboard`, …).
    pub signscope: Vec<String>,
    /// Local resources the file asks to share, in the order of [`REDIRECTIONS`].
    pub redirections: Vec<Redirection>,
    /// Settings of interest the file sets that `signscope` does not name, so the signature does
    /// not vouch for them (only meaningful when signed).
    pub outside_signature: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// No `signature` setting.
    Unsigned,
    Signed(SignatureClaim),
    /// A `signature` setting that cannot be read, and why.
    Unreadable(String),
}

/// One local resource the file asks to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirection {
    /// What is shared, in words.
    pub what: &'static str,
    /// The setting as written in the file, `name:type:value`.
    pub setting: String,
}

/// Redirection settings: (name, what it shares). An integer setting asks when non-zero, a string
/// setting when non-empty.
pub const REDIRECTIONS: &[(&str, &str)] = &[
    ("drivestoredirect", "Drives"),
    ("redirectdrives", "Drives"),
    ("redirectclipboard", "Clipboard"),
    ("redirectprinters", "Printers"),
    (
        "redirectsmartcards",
        "Smart cards and Windows Hello for Business",
    ),
    (
        "redirectwebauthn",
        "WebAuthn (Windows Hello, security keys)",
    ),
    ("audiocapturemode", "Microphones"),
    ("camerastoredirect", "Cameras"),
    ("redirectcomports", "Serial (COM) ports"),
    ("redirectlocation", "Location"),
    ("redirectposdevices", "Point-of-service devices"),
    ("devicestoredirect", "Plug and Play devices (MTP/PTP)"),
    (
        "usbdevicestoredirect",
        "USB devices (RemoteFX USB redirection)",
    ),
];

/// Where the file sends the connection: the other settings a signature should cover.
const ADDRESSES: &[&str] = &[
    super::names::FULL_ADDRESS,
    super::names::ALTERNATE_FULL_ADDRESS,
    super::names::GATEWAY_HOSTNAME,
];

impl RdpFile {
    /// The file's signing, signature scope and requested redirections.
    pub fn security(&self) -> FileSecurity {
        let signature = match self.get("signature") {
            None => Signing::Unsigned,
            Some(Value::Str(text)) => match read_signature(text) {
                Ok(claim) => Signing::Signed(claim),
                Err(e) => Signing::Unreadable(e),
            },
            Some(_) => Signing::Unreadable("the signature setting is not a string (s)".into()),
        };
        let signscope: Vec<String> = self
            .get_str("signscope")
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let redirections: Vec<Redirection> = REDIRECTIONS
            .iter()
            .filter_map(|(name, what)| {
                let value = self.get(name)?;
                let asks = match value {
                    Value::Int(v) => *v != 0,
                    Value::Str(s) => !s.trim().is_empty(),
                    Value::Bin(b) => !b.is_empty(),
                };
                asks.then(|| Redirection {
                    what,
                    setting: format!("{name}:{}", written(value)),
                })
            })
            .collect();
        let covered = |name: &str| {
            let squashed: String = name.chars().filter(|c| *c != ' ').collect();
            signscope
                .iter()
                .any(|s| s.replace(' ', "").eq_ignore_ascii_case(&squashed))
        };
        let outside_signature = if matches!(signature, Signing::Unsigned) {
            Vec::new()
        } else {
            ADDRESSES
                .iter()
                .copied()
                .filter(|n| self.get(n).is_some())
                .chain(
                    redirections
                        .iter()
                        .filter_map(|r| r.setting.split(':').next()),
                )
                .filter(|n| !covered(n))
                .map(String::from)
                .collect()
        };
        FileSecurity {
            signature,
            signscope,
            redirections,
            outside_signature,
        }
    }
}

/// `type:value` as the file would write it.
fn written(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("s:{}", s.trim()),
        Value::Int(v) => format!("i:{v}"),
        Value::Bin(b) => format!("b:{} bytes", b.len()),
    }
}
