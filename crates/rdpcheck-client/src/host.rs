//! What the client judgement needs from the host's report: the host as typed, the address
//! reached, the TLS version and suite the host chose, its certificate's thumbprint, the CredSSP
//! version of its TSRequest, the UDP answer. Plain data, so a fixture can state it directly.

use rdpcheck_report::{Plain, Report, Severity};
use serde::{Deserialize, Serialize};

use crate::facts::TlsVersion;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HostFacts {
    pub host: String,
    pub port: u16,
    /// The address the deep stages ran against.
    pub address: Option<String>,
    /// `host:port` of the RD Gateway, when the client goes through one.
    pub gateway: Option<(String, u16)>,
    /// `open`, `closed`, `inconclusive`; `None` when UDP was not probed.
    pub udp: Option<String>,
    /// The TLS version the host chose: to rustls's TLS 1.2 + 1.3 offer, to the TLS 1.2 retry
    /// when it breaks off TLS 1.3 offers, or to the legacy TLS 1.0-1.2 hello when it speaks only
    /// older versions. Each hello offered everything up to that version, so it is the best the
    /// host speaks (that works).
    pub tls_version: Option<TlsVersion>,
    pub cipher_suite: Option<String>,
    /// SHA-1 of the certificate, hex without separators, upper case.
    pub cert_sha1: Option<String>,
    /// The host selected NLA (CredSSP) in the main negotiation.
    pub nla: bool,
    /// The `version` of the host's TSRequest (MS-CSSP 2.2.1), when the NLA stage read one.
    pub credssp_version: Option<u32>,
    /// A handshake stalled part-way (x224.stalled, tls.stalled): the MTU suspicion.
    pub stalled: bool,
}

impl HostFacts {
    pub fn from_report(r: &Report) -> HostFacts {
        let tls = r.tls.as_ref();
        let legacy = tls
            .and_then(|t| t.legacy_version.as_deref())
            .and_then(TlsVersion::from_report);
        let negotiated = tls
            .and_then(|t| t.version.as_deref())
            .and_then(TlsVersion::from_report);
        let tls_version = negotiated.or(legacy);
        let nla = r
            .security_layers
            .as_ref()
            .is_some_and(|l| l.nla.accepted || l.nla_required)
            || r.stages.iter().any(|s| {
                s.name == rdpcheck_report::Stage::Nla
                    && s.status == rdpcheck_report::StageStatus::Pass
            });
        HostFacts {
            host: r.target.host.clone(),
            port: r.target.port,
            address: r.target.probed_address.clone(),
            gateway: r.gateway.as_ref().map(|g| (g.host.clone(), g.port)),
            udp: r.udp.as_ref().map(|u| u.status.clone()),
            tls_version,
            cipher_suite: tls.and_then(|t| t.cipher_suite.clone()),
            cert_sha1: tls
                .and_then(|t| t.certificate.as_ref())
                .and_then(|c| c.sha1.as_ref())
                .map(|s| s.replace(':', "").to_ascii_uppercase()),
            nla,
            credssp_version: credssp_version(r),
            stalled: r.findings.iter().any(|f| {
                f.severity == Severity::Fail
                    && (f.code == Plain::TlsStalled || f.code == Plain::X224Stalled)
            }),
        }
    }
}

/// `nla.credssp_version`, read by name: the field is added to the report by the NLA stage's
/// CredSSP-version work; until it is there this is `None` (the prediction then says unknown).
fn credssp_version(r: &Report) -> Option<u32> {
    let nla = serde_json::to_value(r.nla.as_ref()?).ok()?;
    nla.get("credssp_version")?
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
}
