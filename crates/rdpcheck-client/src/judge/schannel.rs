//! Schannel client protocol keys and the cipher suite order policy ([MS]: TLS registry
//! settings, CipherSuiteOrder.admx) against the TLS version and suite the host chose. The host
//! chose its best working version from hellos that offered everything up to it, so a computer
//! that allows nothing at or below it cannot connect: that verdict is exact.

use rdpcheck_report::{ClientFactKey, FactState, Plain, Provenance, Severity};

use super::Out;
use crate::facts::{ClientFacts, Fact, OsVersion, SchannelProtocol, TlsVersion};
use crate::host::HostFacts;

const PROTOCOLS: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";
const ORDER: &str =
    r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002\Functions";

/// Whether Schannel will offer a version, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Offered {
    Yes(String),
    No(String),
    Unknown(String),
}

/// Windows' default for a client protocol when its keys are absent (win32 "Protocols in
/// TLS/SSL (Schannel SSP)"; the Windows 11 24H2 / Server 2025 TLS 1.0/1.1 default is unverified).
fn default_on(v: TlsVersion, os: &OsVersion) -> (bool, Provenance) {
    let win10 = os.major >= 10;
    match v {
        TlsVersion::Tls13 => (win10 && os.build >= 20348, Provenance::Ms),
        TlsVersion::Tls12 | TlsVersion::Tls11 if os.major == 6 && os.minor <= 1 => {
            (false, Provenance::Ms)
        }
        TlsVersion::Tls10 | TlsVersion::Tls11 if win10 && os.build >= 26100 => {
            (false, Provenance::Unverified)
        }
        _ => (true, Provenance::Ms),
    }
}

fn offered(
    p: Option<&SchannelProtocol>,
    v: TlsVersion,
    os: &Fact<OsVersion>,
) -> (Offered, Provenance) {
    let os = os.known();
    if v == TlsVersion::Tls13 && os.is_some_and(|o| !(o.major >= 10 && o.build >= 20348)) {
        return (
            Offered::No("not supported before Windows 11 / Server 2022".into()),
            Provenance::Ms,
        );
    }
    let Some(p) = p else {
        return (Offered::Unknown("not read".into()), Provenance::Ms);
    };
    let default = |set: &str| match os {
        Some(o) => {
            let (on, prov) = default_on(v, o);
            let unverified = if prov == Provenance::Unverified {
                ", unverified"
            } else {
                ""
            };
            if on {
                (
                    Offered::Yes(format!("{set}Windows default: on{unverified}")),
                    prov,
                )
            } else {
                (
                    Offered::No(format!("{set}Windows default: off{unverified}")),
                    prov,
                )
            }
        }
        None => (
            Offered::Unknown(format!(
                "{set}the default depends on the Windows version, which is unknown"
            )),
            Provenance::Ms,
        ),
    };
    // Enabled = 0 decides alone ("will not negotiate this protocol version regardless").
    match (&p.enabled, &p.disabled_by_default) {
        (Fact::Known(0), _) => (Offered::No("Enabled = 0".into()), Provenance::Ms),
        (_, Fact::Known(d)) if *d != 0 => (
            Offered::No("DisabledByDefault = 1: only for programs that ask for it".into()),
            Provenance::Ms,
        ),
        (Fact::Unknown(why), _) | (_, Fact::Unknown(why)) => {
            (Offered::Unknown(why.clone()), Provenance::Ms)
        }
        (Fact::Known(_), Fact::Known(_)) => (
            Offered::Yes("Enabled, DisabledByDefault = 0".into()),
            Provenance::Ms,
        ),
        (Fact::Absent, Fact::Absent) => default("not set; "),
        (Fact::Known(_), Fact::Absent) => match default("Enabled set, DisabledByDefault not; ") {
            (Offered::No(why), prov) => (Offered::Unknown(why), prov),
            other => other,
        },
        (Fact::Absent, Fact::Known(_)) => default("DisabledByDefault = 0, Enabled not set; "),
    }
}

fn key_of(v: TlsVersion) -> ClientFactKey {
    match v {
        TlsVersion::Tls10 => ClientFactKey::Tls10,
        TlsVersion::Tls11 => ClientFactKey::Tls11,
        TlsVersion::Tls12 => ClientFactKey::Tls12,
        TlsVersion::Tls13 => ClientFactKey::Tls13,
    }
}

/// `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_P384` → the same without the curve (older Windows
/// names carry it), upper case; rustls's `TLS13_` spelling as IANA's `TLS_`.
fn suite_name(s: &str) -> String {
    let s = s.trim().to_ascii_uppercase().replace("TLS13_", "TLS_");
    for curve in ["_P256", "_P384", "_P521"] {
        if let Some(base) = s.strip_suffix(curve) {
            return base.to_string();
        }
    }
    s
}

pub(super) fn judge(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    let mut states = Vec::new();
    for v in TlsVersion::ALL {
        let p = facts.schannel.iter().find(|p| p.version == v);
        let (o, prov) = offered(p, v, &facts.os);
        let source = format!(
            r"{PROTOCOLS}\{}\Client (Enabled, DisabledByDefault)",
            v.key_name()
        );
        let (state, text) = match &o {
            Offered::Yes(why) => (FactState::Known, format!("on ({why})")),
            Offered::No(why) => (FactState::Known, format!("off ({why})")),
            Offered::Unknown(why) => (FactState::Unknown, why.clone()),
        };
        let state = match (state, p) {
            (FactState::Known, Some(p))
                if p.enabled == Fact::Absent && p.disabled_by_default == Fact::Absent =>
            {
                FactState::Absent
            }
            (s, _) => s,
        };
        let text = match (state, host.tls_version) {
            (FactState::Unknown, _) => text,
            (_, Some(hv)) if hv == v => format!("{text}; the host chose it"),
            _ => text,
        };
        out.fact(key_of(v), state, text, source, prov);
        states.push((v, o));
    }

    let order_text = |list: &String| {
        let n = list.split(',').filter(|s| !s.trim().is_empty()).count();
        format!("policy set: {n} suites, in this order: {list}")
    };
    out.from(
        ClientFactKey::CipherOrder,
        &facts.cipher_order,
        order_text,
        "not configured: Windows' default order",
        ORDER,
        Provenance::Ms,
    );

    let Some(hv) = host.tls_version else {
        return;
    };
    let state_of = |v: TlsVersion| states.iter().find(|(s, _)| *s == v).map(|(_, o)| o);
    let at_or_below: Vec<&(TlsVersion, Offered)> =
        states.iter().filter(|(v, _)| *v <= hv).collect();
    let host_ok = matches!(state_of(hv), Some(Offered::Yes(_)));
    let words = |list: &[&(TlsVersion, Offered)], pick: fn(&Offered) -> bool| -> Vec<&str> {
        list.iter()
            .filter(|(_, o)| pick(o))
            .map(|(v, _)| v.key_name())
            .collect()
    };
    let older_on = words(&at_or_below, |o| matches!(o, Offered::Yes(_)));
    let older_unknown = words(&at_or_below, |o| matches!(o, Offered::Unknown(_)));
    let evidence = states
        .iter()
        .map(|(v, o)| {
            let w = match o {
                Offered::Yes(w) => format!("on ({w})"),
                Offered::No(w) => format!("off ({w})"),
                Offered::Unknown(w) => format!("unknown ({w})"),
            };
            format!("{}: {w}", v.key_name())
        })
        .collect::<Vec<_>>()
        .join("; ");
    if !host_ok && older_on.is_empty() && older_unknown.is_empty() {
        out.finding(
            Plain::ClientTlsNoCommonVersion,
            Severity::Fail,
            format!(
                "This computer offers no TLS version the host speaks: the host's best is {}, and Schannel here allows nothing at or below it — Remote Desktop Connection cannot finish TLS with this host from here",
                hv.key_name()
            ),
            format!("host chose {} (its best); {evidence}", hv.key_name()),
        );
    } else if !host_ok && hv != TlsVersion::Tls13 && matches!(state_of(hv), Some(Offered::No(_))) {
        out.finding(
            Plain::ClientTlsVersionDisabled,
            Severity::Warn,
            format!(
                "{} — the version the host chose — is off on this computer: the connection needs the host to accept {} as well, which the probe did not test",
                hv.key_name(),
                if older_on.is_empty() { older_unknown.join(" or ") } else { older_on.join(" or ") }
            ),
            format!("host chose {}; {evidence}", hv.key_name()),
        );
    }

    if let (Fact::Known(list), Some(suite), true) =
        (&facts.cipher_order, &host.cipher_suite, host_ok)
    {
        let want = suite_name(suite);
        let listed: Vec<String> = list
            .split(',')
            .map(suite_name)
            .filter(|s| !s.is_empty())
            .collect();
        if !listed.contains(&want) {
            out.finding(
                Plain::ClientTlsCipherNotInOrder,
                Severity::Warn,
                format!(
                    "This computer's cipher suite policy does not list {suite}, the suite the host chose: the host must accept another suite of the list, which the probe did not test"
                ),
                format!("{ORDER} = {list}; the host chose {suite} with {}", hv.key_name()),
            );
        }
    }
}
