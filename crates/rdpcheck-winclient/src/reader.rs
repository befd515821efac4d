//! [`WindowsReader`]: each fact read from where windows-client.md says Windows keeps it.
//! Not found → `Fact::Absent`; access denied or any other failure → `Fact::Unknown`.

use rdpcheck_client::events::{parse_event_xml, WANTED};
use rdpcheck_client::facts::{
    ClientFacts, Fact, FirewallFacts, NamedValue, OsVersion, Profile, ProfileSwitch, RouteInfo,
    SchannelProtocol, ServerEntry, TextFile, TlsVersion,
};
use rdpcheck_client::{ClientReader, Target};

use crate::win32::{self, Hive, ReadError, Value};

pub struct WindowsReader;

const TS_CLIENT: &str = r"Software\Microsoft\Terminal Server Client";
const PROTOCOLS: &str = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";
const FW_POLICY: &str = r"SOFTWARE\Policies\Microsoft\WindowsFirewall";
const FW_LOCAL: &str = r"SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy";
const CHANNEL: &str = "Microsoft-Windows-TerminalServices-RDPClient/Operational";
/// The most events read from the client's log.
const MAX_EVENTS: usize = 300;
/// The most read of Default.rdp (mstsc writes a few KiB).
const MAX_RDP: u64 = 1024 * 1024;

fn unknown<T>(e: ReadError) -> Fact<T> {
    match e {
        ReadError::NotFound => Fact::Absent,
        ReadError::Denied => Fact::Unknown("access denied".into()),
        ReadError::Other(0) => {
            Fact::Unknown("could not be read (the call failed without a reason)".into())
        }
        ReadError::Other(code) => {
            Fact::Unknown(format!("could not be read (Windows error {code})"))
        }
    }
}

fn dword(hive: Hive, key: &str, name: &str) -> Fact<u32> {
    match win32::open(hive, key).and_then(|k| k.value(name)) {
        Ok(Value::Dword(v)) => Fact::Known(v),
        Ok(other) => Fact::Unknown(format!("not a DWORD ({other:?})")),
        Err(e) => unknown(e),
    }
}

fn string(hive: Hive, key: &str, name: &str) -> Fact<String> {
    match win32::open(hive, key).and_then(|k| k.value(name)) {
        Ok(Value::Str(s)) => Fact::Known(s),
        Ok(Value::Multi(list)) => Fact::Known(list.join(",")),
        Ok(other) => Fact::Unknown(format!("not a string ({other:?})")),
        Err(e) => unknown(e),
    }
}

fn strings(hive: Hive, key: &str, keep: impl Fn(&str) -> bool) -> Fact<Vec<NamedValue>> {
    match win32::open(hive, key).and_then(|k| k.values()) {
        Ok(values) => Fact::Known(
            values
                .into_iter()
                .filter(|(name, _)| keep(name))
                .filter_map(|(name, v)| match v {
                    Value::Str(value) => Some(NamedValue { name, value }),
                    _ => None,
                })
                .collect(),
        ),
        Err(e) => unknown(e),
    }
}

fn system_file(name: &str) -> String {
    let root = std::env::var("SystemRoot").unwrap_or_else(|_| r"C:\Windows".into());
    format!(r"{root}\System32\{name}")
}

fn file_version(name: &str) -> Fact<String> {
    match win32::file_version(&system_file(name)) {
        Ok(v) => Fact::Known(v),
        Err(e) => unknown(e),
    }
}

fn os() -> Fact<OsVersion> {
    let key = match win32::open(
        Hive::LocalMachine,
        r"SOFTWARE\Microsoft\Windows NT\CurrentVersion",
    ) {
        Ok(k) => k,
        Err(e) => return unknown(e),
    };
    let dw = |n: &str| match key.value(n) {
        Ok(Value::Dword(v)) => Some(v),
        _ => None,
    };
    let st = |n: &str| match key.value(n) {
        Ok(Value::Str(s)) => Some(s),
        _ => None,
    };
    let Some(build) = st("CurrentBuildNumber")
        .or_else(|| st("CurrentBuild"))
        .and_then(|b| b.trim().parse().ok())
    else {
        return Fact::Unknown("no CurrentBuildNumber".into());
    };
    let (major, minor) = match (
        dw("CurrentMajorVersionNumber"),
        dw("CurrentMinorVersionNumber"),
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            let v = st("CurrentVersion").unwrap_or_default();
            let mut parts = v.split('.').map(|p| p.trim().parse::<u32>().unwrap_or(0));
            (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
        }
    };
    Fact::Known(OsVersion {
        major,
        minor,
        build,
        ubr: dw("UBR"),
        product: st("ProductName"),
        display_version: st("DisplayVersion"),
    })
}

/// The Servers subkeys that name `host` (as typed, or with a port), with their values.
fn servers(host: &str) -> Fact<Vec<ServerEntry>> {
    let path = format!(r"{TS_CLIENT}\Servers");
    let names = match win32::open(Hive::CurrentUser, &path).and_then(|k| k.subkeys()) {
        Ok(n) => n,
        Err(e) => return unknown(e),
    };
    let host = host.to_ascii_lowercase();
    let entries = names
        .into_iter()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            n == host || n.strip_prefix(&host).is_some_and(|r| r.starts_with(':'))
        })
        .map(|name| {
            let key = format!(r"{path}\{name}");
            let cert_hash = match win32::open(Hive::CurrentUser, &key)
                .and_then(|k| k.value("CertHash"))
            {
                Ok(Value::Binary(b)) => Fact::Known(b.iter().map(|x| format!("{x:02X}")).collect()),
                Ok(other) => Fact::Unknown(format!("not binary ({other:?})")),
                Err(e) => unknown(e),
            };
            ServerEntry {
                username_hint: string(Hive::CurrentUser, &key, "UsernameHint"),
                cert_hash,
                name,
            }
        })
        .collect();
    Fact::Known(entries)
}

/// `%VAR%` expanded from the environment (User Shell Folders holds REG_EXPAND_SZ paths).
fn expand(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('%') {
        let Some(len) = rest[start + 1..].find('%') else {
            break;
        };
        let name = &rest[start + 1..start + 1 + len];
        out.push_str(&rest[..start]);
        match std::env::var(name) {
            Ok(v) => out.push_str(&v),
            Err(_) => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn documents() -> Option<String> {
    let shell = r"Software\Microsoft\Windows\CurrentVersion\Explorer";
    string(
        Hive::CurrentUser,
        &format!(r"{shell}\User Shell Folders"),
        "Personal",
    )
    .known()
    .map(|p| expand(p))
    .or_else(|| {
        string(
            Hive::CurrentUser,
            &format!(r"{shell}\Shell Folders"),
            "Personal",
        )
        .known()
        .cloned()
    })
    .or_else(|| {
        std::env::var("USERPROFILE")
            .ok()
            .map(|p| format!(r"{p}\Documents"))
    })
}

fn default_rdp() -> Fact<TextFile> {
    use std::io::Read;
    let Some(docs) = documents() else {
        return Fact::Unknown("the Documents folder is not known".into());
    };
    let path = format!(r"{docs}\Default.rdp");
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&path).and_then(|f| f.take(MAX_RDP).read_to_end(&mut bytes));
    match read {
        Ok(_) => {
            let text = match bytes.strip_prefix(&[0xFF, 0xFE]) {
                Some(rest) => String::from_utf16_lossy(
                    &rest
                        .chunks_exact(2)
                        .map(|c| u16::from_le_bytes([c[0], c[1]]))
                        .collect::<Vec<_>>(),
                ),
                None => String::from_utf8_lossy(
                    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes),
                )
                .into_owned(),
            };
            Fact::Known(TextFile { path, text })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Fact::Absent,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Fact::Unknown("access denied".into())
        }
        Err(e) => Fact::Unknown(format!("could not be read: {e}")),
    }
}

fn schannel() -> Vec<SchannelProtocol> {
    TlsVersion::ALL
        .into_iter()
        .map(|version| {
            let key = format!(r"{PROTOCOLS}\{}\Client", version.key_name());
            match win32::open(Hive::LocalMachine, &key) {
                Ok(_) => SchannelProtocol {
                    version,
                    enabled: dword(Hive::LocalMachine, &key, "Enabled"),
                    disabled_by_default: dword(Hive::LocalMachine, &key, "DisabledByDefault"),
                },
                Err(e) => SchannelProtocol {
                    version,
                    enabled: unknown(e),
                    disabled_by_default: unknown(e),
                },
            }
        })
        .collect()
}

fn firewall() -> FirewallFacts {
    FirewallFacts {
        policy_rules: strings(
            Hive::LocalMachine,
            &format!(r"{FW_POLICY}\FirewallRules"),
            |_| true,
        ),
        local_rules: strings(
            Hive::LocalMachine,
            &format!(r"{FW_LOCAL}\FirewallRules"),
            |_| true,
        ),
        profiles: Profile::ALL
            .into_iter()
            .map(|profile| ProfileSwitch {
                profile,
                policy: dword(
                    Hive::LocalMachine,
                    &format!(r"{FW_POLICY}\{}", profile.key_name()),
                    "EnableFirewall",
                ),
                local: dword(
                    Hive::LocalMachine,
                    &format!(r"{FW_LOCAL}\{}", profile.key_name()),
                    "EnableFirewall",
                ),
            })
            .collect(),
    }
}

fn events() -> Fact<Vec<rdpcheck_client::facts::ClientEvent>> {
    let ids: Vec<String> = WANTED.iter().map(|id| format!("EventID={id}")).collect();
    let query = format!("*[System[({})]]", ids.join(" or "));
    match win32::events(CHANNEL, &query, MAX_EVENTS) {
        Ok(list) => Fact::Known(list.iter().filter_map(|x| parse_event_xml(x)).collect()),
        Err(ReadError::Denied) => {
            Fact::Unknown("the log cannot be read as this user (access denied)".into())
        }
        Err(e) => unknown(e),
    }
}

impl ClientReader for WindowsReader {
    fn name(&self) -> &'static str {
        "windows"
    }

    fn read(&self, target: &Target) -> ClientFacts {
        ClientFacts {
            os: os(),
            mstsc_version: file_version("mstsc.exe"),
            tspkg_version: file_version("tspkg.dll"),
            udp_policy: dword(
                Hive::LocalMachine,
                r"SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services\Client",
                "fClientDisableUDP",
            ),
            mru: strings(Hive::CurrentUser, &format!(r"{TS_CLIENT}\Default"), |n| {
                n.len() > 3 && n[..3].eq_ignore_ascii_case("MRU")
            }),
            servers: servers(&target.host),
            default_rdp: default_rdp(),
            credssp_policy: dword(
                Hive::LocalMachine,
                r"SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters",
                "AllowEncryptionOracle",
            ),
            schannel: schannel(),
            cipher_order: string(
                Hive::LocalMachine,
                r"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
                "Functions",
            ),
            firewall: firewall(),
            route: match target.address {
                Some(a) => match win32::route_mtu(a) {
                    Ok((interface, mtu)) => Fact::Known(RouteInfo { interface, mtu }),
                    Err(e) => unknown(e),
                },
                None => Fact::Unknown("no address of the host was reached".into()),
            },
            events: events(),
        }
    }
}
