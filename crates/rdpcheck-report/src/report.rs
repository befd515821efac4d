//! The report, schema 1: every published field in one file, so the JSON a user reads and the
//! types that write it can be checked against each other in one place (this is why it is a little
//! over the ~400-line rule). Add fields, never rename.

use serde::{Deserialize, Serialize};

use crate::{ClientId, ClientVerdict, Finding, FindingCode, Stage, StageResult};

/// Version of the report document. Bump only for a change old readers cannot ignore.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole result of one check: what `rdpcheck probe --json` prints and the relay signs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: u32,
    pub tool: Tool,
    pub target: Target,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: f64,
    pub stages: Vec<StageResult>,
    /// What the main negotiation's RDP_NEG_RSP said: the layer selected and the flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiation: Option<NegotiationReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_layers: Option<SecurityLayers>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nla: Option<NlaReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stability: Option<StabilityReport>,
    /// The RD Gateway hop, when the client uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udp: Option<UdpReport>,
    /// The kernel's view of the probe's own TCP connections (Linux only; absent in older
    /// reports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcp_info: Vec<crate::TcpStats>,
    /// The saved connection (.rdp) the target and gateway came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdp_file: Option<RdpFileReport>,
    /// This computer's side (the client), read-only as the user: only the Windows build reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientReport>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    /// Which relay made (and signed) the report; absent for CLI reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<RelayStamp>,
    /// True when names and addresses were replaced by pseudonyms.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayStamp {
    pub key_id: String,
    /// RFC 3339, when the relay signed it.
    pub signed_at: String,
    /// The relay's id for the WebSocket session that made the report: every log line of the
    /// session carries it, so support can find them from a shared report. Absent in reports
    /// from relays before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub host: String,
    pub port: u16,
    /// Every address DNS gave (or the literal IP).
    #[serde(default)]
    pub addresses: Vec<String>,
    /// The address the deep stages ran against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probed_address: Option<String>,
}

/// The server's RDP_NEG_RSP to the main negotiation (TLS, NLA and NLA-EX offered at once):
/// present only when it answered with one (not for a refusal or a legacy confirm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NegotiationReport {
    /// The layer it selected: `rdp`, `tls`, `nla`, `nla_ex`, `rdstls`, `rdsaad`.
    pub selected: String,
    /// The RDP_NEG_RSP flags byte, e.g. `0x1f`.
    pub flags: String,
    /// The specification names of the set flags (MS-RDPBCGR 2.2.1.2.1), lowest bit first:
    /// `EXTENDED_CLIENT_DATA_SUPPORTED`, `DYNVC_GFX_PROTOCOL_SUPPORTED`, `NEGRSP_FLAG_RESERVED`,
    /// `RESTRICTED_ADMIN_MODE_SUPPORTED`, `REDIRECTED_AUTHENTICATION_MODE_SUPPORTED`; an undefined
    /// bit as `unknown(0x20)`.
    #[serde(default)]
    pub flag_names: Vec<String>,
}

/// Each security layer asked for on its own connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityLayers {
    pub rdp: LayerResult,
    pub tls: LayerResult,
    pub nla: LayerResult,
    pub nla_ex: LayerResult,
    pub rdstls: LayerResult,
    pub rdsaad: LayerResult,
    /// The server insists on NLA (CredSSP) before anything else.
    pub nla_required: bool,
    /// Standard RDP security (no TLS) is still accepted: a weakness.
    pub standard_rdp_allowed: bool,
}

/// The server's answer to a request for exactly one layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerResult {
    /// True only when the server selected this very layer.
    pub accepted: bool,
    /// What the server selected instead (a downgrade), or the layer itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<String>,
    /// RDP_NEG_FAILURE name, when the server refused with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Transport trouble on this connection (closed, reset, timed out, not RDP): no answer,
    /// which proves nothing either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The probe got no answer, but the main negotiation selected this layer: accepted on that
    /// evidence.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_main: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsReport {
    /// `TLSv1.3`, `TLSv1.2`, or a legacy version read from a hand-built hello.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_exchange: Option<String>,
    /// Leaf certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertInfo>,
    /// Every certificate the server sent, leaf first.
    #[serde(default)]
    pub chain: Vec<CertInfo>,
    /// Versions a legacy-only server answered to our hand-built hello.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    pub self_signed: bool,
    /// Upper-case hex, colon separated.
    pub sha256: String,
    /// SHA-1 of the DER, upper-case hex, colon separated: the thumbprint Windows shows (and,
    /// unverified, what mstsc keeps as `CertHash`). Absent in reports from before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha1: Option<String>,
    pub san: Vec<String>,
    /// `RSA`, `EC P-256`, `Ed25519`, …
    pub key_type: String,
    pub key_bits: u32,
    pub signature_algorithm: String,
    /// Whether the name asked for is in the SAN (or CN when there is no SAN).
    pub name_matches: bool,
    /// Whole days until `not_after`; negative when expired.
    pub days_to_expiry: i64,
}

/// What the NTLM CHALLENGE told about the host. No credential was sent to learn it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NlaReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netbios_computer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netbios_domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_computer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_tree: Option<String>,
    /// `major.minor.build`, e.g. `10.0.20348`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_version: Option<String>,
    /// The Windows release(s) with that version, from rdpcheck's build table, e.g.
    /// `Windows Server 2019 / Windows 10 1809`; `(unverified)` at the end when the table's
    /// source is not Microsoft's. Absent when the version is not in the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_release: Option<String>,
    /// The `version` of the server's CredSSP TSRequest that carried the challenge (MS-CSSP
    /// 2.2.1): 5 and later carry the CVE-2018-0886 fix (`nla.credssp_unpatched` below that).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credssp_version: Option<u32>,
    /// RFC 3339, from the CHALLENGE timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<String>,
    /// Server time minus our time, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_skew_s: Option<f64>,
}

/// Repeated TCP + X.224 handshakes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityReport {
    pub samples: u32,
    pub ok: u32,
    pub failed: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<f64>,
    /// Mean absolute difference between consecutive handshakes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter_ms: Option<f64>,
    /// How each failed handshake failed.
    #[serde(default)]
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictStatus {
    Healthy,
    Problem,
    /// Stages that matter could not be checked before any stage failed: the whole-check deadline
    /// cut them short, or rdpcheck's own TLS stack could not continue where clients can. Never
    /// "healthy".
    Incomplete,
}

/// The one answer for the client the user runs (`client`): healthy, or the first stage where
/// that client would die and why; and how every client family fares (`clients`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub status: VerdictStatus,
    /// The stage where a client would fail; for an incomplete check, the first stage that did
    /// not run (`None` when healthy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// The finding codes behind the verdict.
    pub codes: Vec<FindingCode>,
    pub summary: String,
    /// What a Windows client most likely shows, e.g. `0x904 (socket closed)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_error_hint: Option<String>,
    /// The client family the headline (status, stage, codes, summary) is judged for. Absent in
    /// reports made before verdicts knew clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientId>,
    /// Every client family's outcome, in `ClientId::ALL` order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<ClientVerdict>,
}

/// The RD Gateway hop: TLS as the client validates it, and the unauthenticated HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayReport {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub addresses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probed_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsReport>,
    /// Whether the certificate chains to a trusted root and names the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted: Option<bool>,
    /// `expired`, `name_mismatch`, `unknown_issuer`, `not_yet_valid`, or another reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpAnswer>,
    /// What happened instead of an HTTP answer (closed, timeout, invalid HTTP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_error: Option<String>,
    /// Whether `RPC_IN_DATA /rpc/rpcproxy.dll` asked for authentication (asked only when the
    /// HTTP transport is not live). Not proof of a gateway: Exchange answers there too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpc_proxy: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpAnswer {
    pub status: u16,
    pub reason: String,
    /// Schemes from `WWW-Authenticate`.
    #[serde(default)]
    pub auth_schemes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// RDP-UDP reachability: three honest answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UdpReport {
    /// `open` (SYN+ACK to our SYN), `closed` (ICMP port unreachable), `inconclusive`.
    pub status: String,
    pub port: u16,
    pub tries: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    /// RDP-UDP version the server offered in its SYN+ACK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub detail: String,
}

/// The saved connection file a check was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpFileReport {
    pub path: String,
    pub host: String,
    pub port: u16,
    /// `host:port` of the gateway the client would use, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// gatewayusagemethod, in words.
    pub gateway_usage: String,
    /// Lines that could not be read (line number and reason).
    #[serde(default)]
    pub problems: Vec<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
    /// What opening the file asks of the computer: signing and requested redirections (absent
    /// in reports before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<RdpFileSecurity>,
}

/// A `.rdp` file's signing and the local resources it asks to share, as Windows' Remote
/// Desktop Connection shows them before it connects (April 2026 update and later). Read, never
/// verified: whether Windows trusts a signature depends on the computer that opens the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RdpFileSecurity {
    /// `unsigned`, `signed` or `unreadable`.
    pub signature: String,
    /// The subject the signing certificate names (CN, and O in brackets): a claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// SHA-256 of the signing certificate, upper-case hex: the form the "trusted .rdp
    /// publishers" policy takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_sha256: Option<String>,
    /// Why a `signature` setting could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The settings the signature covers, as `signscope` names them.
    #[serde(default)]
    pub signscope: Vec<String>,
    /// What the file asks to share, each with its setting: `Drives (drivestoredirect:s:*)`.
    #[serde(default)]
    pub redirections: Vec<String>,
    /// Settings of a signed file that its signature does not cover.
    #[serde(default)]
    pub outside_signature: Vec<String>,
}

impl RdpFileSecurity {
    /// The report's form of what [`rdpcheck_proto::rdpfile`] read, the one conversion the CLI and
    /// the page share; `signer_sha256` is the CLI's (the page computes no digest).
    pub fn from_file(
        sec: &rdpcheck_proto::rdpfile::FileSecurity,
        signer_sha256: Option<String>,
    ) -> RdpFileSecurity {
        use rdpcheck_proto::rdpfile::Signing;
        let (signature, signer, problem) = match &sec.signature {
            Signing::Unsigned => ("unsigned", None, None),
            Signing::Signed(claim) => ("signed", claim.signer.clone(), None),
            Signing::Unreadable(why) => ("unreadable", None, Some(why.clone())),
        };
        RdpFileSecurity {
            signature: signature.into(),
            signer,
            signer_sha256,
            problem,
            signscope: sec.signscope.clone(),
            redirections: sec
                .redirections
                .iter()
                .map(|r| format!("{} ({})", r.what, r.setting))
                .collect(),
            outside_signature: sec.outside_signature.clone(),
        }
    }
}

/// This computer's side of the connection: facts the client's own settings hold (policies,
/// stored connection data, Schannel, firewall, route MTU, the RDP client's log), read-only and
/// as the user who runs rdpcheck. Each fact is known, absent, or unknown — a value that could
/// not be read (access denied, an API that failed) is unknown, never absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientReport {
    /// What read the facts: `windows` (the Windows build's registry and API reader).
    pub reader: String,
    pub facts: Vec<ClientFact>,
    /// The exact commands that clear what this computer stores for the host (the user runs
    /// them; rdpcheck never deletes anything).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clear_steps: Vec<String>,
}

/// What a client fact is about. Names are published (schema 1): add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientFactKey {
    Os,
    MstscVersion,
    UdpPolicy,
    Mru,
    ServerEntry,
    CertHash,
    DefaultRdp,
    CredsspPolicy,
    CredsspPatch,
    Tls10,
    Tls11,
    Tls12,
    Tls13,
    CipherOrder,
    Firewall,
    RouteMtu,
    ClientLog,
}

/// Whether a fact was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactState {
    /// Read: `value` says what it is.
    Known,
    /// Looked for and not there (the key, value or file does not exist): the default applies.
    Absent,
    /// Could not be read (access denied, an API error, not supported): `reason` says why.
    Unknown,
}

/// How far a fact's meaning rests on Microsoft's own documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// Read in a Microsoft primary source (Learn, ADMX/ADML, an Open Specification).
    Ms,
    /// Third-party sources only (forensics write-ups, blogs).
    ThirdParty,
    /// From inference; to be measured on a real Windows computer.
    Unverified,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFact {
    pub key: ClientFactKey,
    pub state: FactState,
    /// What was read, in words (known), or what applies when it is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Why an unknown fact could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where it was read: registry path and value, file, API or event channel.
    pub source: String,
    pub provenance: Provenance,
    /// The value names the person (a user name, a profile path): redaction replaces it whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub personal: bool,
}
