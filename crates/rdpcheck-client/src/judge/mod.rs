//! Pure judgement: this computer's facts against the host's report → the report's `client`
//! section (one fact per line, each known, absent or unknown, with where it was read and how
//! well its meaning is sourced) and `client.` findings. No I/O, no clock.

mod credssp;
mod firewall;
mod network;
mod schannel;
mod stored;
mod udp;

use rdpcheck_report::{
    ClientFact, ClientFactKey, ClientReport, FactState, Finding, Plain, Provenance, Severity,
};

use crate::facts::{ClientFacts, Fact, OsVersion};
use crate::host::HostFacts;

/// The `client` section and the findings for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub section: ClientReport,
    pub findings: Vec<Finding>,
}

/// Judge `facts` (read by `reader`) against the host the probe saw.
pub fn judge(facts: &ClientFacts, host: &HostFacts, reader: &str) -> Judgement {
    let mut out = Out::default();
    os(facts, &mut out);
    udp::judge(facts, host, &mut out);
    stored::judge(facts, host, &mut out);
    credssp::judge(facts, host, &mut out);
    schannel::judge(facts, host, &mut out);
    firewall::judge(facts, host, &mut out);
    network::judge(facts, host, &mut out);
    Judgement {
        section: ClientReport {
            reader: reader.to_string(),
            facts: out.facts,
            clear_steps: out.steps,
        },
        findings: out.findings,
    }
}

/// What the judgement writes, in order.
#[derive(Default)]
pub(crate) struct Out {
    facts: Vec<ClientFact>,
    findings: Vec<Finding>,
    steps: Vec<String>,
}

impl Out {
    pub(crate) fn fact(
        &mut self,
        key: ClientFactKey,
        state: FactState,
        text: impl Into<String>,
        source: impl Into<String>,
        provenance: Provenance,
    ) -> &mut ClientFact {
        let text = text.into();
        let (value, reason) = match state {
            FactState::Unknown => (None, Some(text)),
            _ => (Some(text), None),
        };
        self.facts.push(ClientFact {
            key,
            state,
            value,
            reason,
            source: source.into(),
            provenance,
            personal: false,
        });
        let last = self.facts.len() - 1;
        &mut self.facts[last]
    }

    /// A fact from a raw [`Fact`]: `known` words a value, `absent` says what applies instead.
    pub(crate) fn from<T>(
        &mut self,
        key: ClientFactKey,
        fact: &Fact<T>,
        known: impl FnOnce(&T) -> String,
        absent: &str,
        source: &str,
        provenance: Provenance,
    ) {
        match fact {
            Fact::Known(v) => {
                self.fact(key, FactState::Known, known(v), source, provenance);
            }
            Fact::Absent => {
                self.fact(key, FactState::Absent, absent, source, provenance);
            }
            Fact::Unknown(why) => {
                self.fact(key, FactState::Unknown, why.clone(), source, provenance);
            }
        }
    }

    pub(crate) fn finding(
        &mut self,
        code: Plain,
        severity: Severity,
        summary: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        self.findings.push(Finding {
            code: code.into(),
            severity,
            summary: summary.into(),
            evidence: evidence.into(),
        });
    }

    pub(crate) fn step(&mut self, command: String) {
        self.steps.push(command);
    }
}

pub(crate) const CURRENT_VERSION: &str = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion";

/// `10.0.19045.3803`.
pub(crate) fn os_number(v: &OsVersion) -> String {
    match v.ubr {
        Some(ubr) => format!("{}.{}.{}.{ubr}", v.major, v.minor, v.build),
        None => format!("{}.{}.{}", v.major, v.minor, v.build),
    }
}

fn os(facts: &ClientFacts, out: &mut Out) {
    out.from(
        ClientFactKey::Os,
        &facts.os,
        |v| {
            let mut text = v.product.clone().unwrap_or_else(|| "Windows".into());
            text.push_str(&format!(" {}", os_number(v)));
            if let Some(d) = &v.display_version {
                text.push_str(&format!(" ({d})"));
            }
            // The release its build names, from the same table as a host's NTLM version.
            // Its product name tells a server from a client where the build names both.
            let server = v.product.as_deref().map(|p| p.contains("Server"));
            let row = match (
                u8::try_from(v.major),
                u8::try_from(v.minor),
                u16::try_from(v.build),
            ) {
                (Ok(major), Ok(minor), Ok(build)) => {
                    rdpcheck_words::release::windows_release(major, minor, build)
                }
                _ => None,
            };
            let release = row.map_or_else(
                || {
                    format!(
                        "build {}.{}.{}: not in rdpcheck's table",
                        v.major, v.minor, v.build
                    )
                },
                |r| r.text_for(server),
            );
            text.push_str(&format!("; release: {release}"));
            text
        },
        "no version in the registry",
        CURRENT_VERSION,
        Provenance::Unverified,
    );
    out.from(
        ClientFactKey::MstscVersion,
        &facts.mstsc_version,
        |v| format!("mstsc.exe {v}"),
        "mstsc.exe is not on this computer",
        r"%SystemRoot%\System32\mstsc.exe (file version)",
        Provenance::Unverified,
    );
}

/// Whether `name` (an MRU value, a Servers subkey, an event's host) is the host as typed:
/// `host`, or `host:port` (the port only when it is the one probed).
pub(crate) fn names_host(name: &str, host: &HostFacts) -> bool {
    let name = name.trim().trim_end_matches('.');
    let want = host.host.trim_end_matches('.');
    if name.eq_ignore_ascii_case(want) {
        return true;
    }
    let with_port = format!("{want}:{}", host.port);
    let bracketed = format!("[{want}]:{}", host.port);
    name.eq_ignore_ascii_case(&with_port) || name.eq_ignore_ascii_case(&bracketed)
}
