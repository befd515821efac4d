//! CredSSP "Encryption Oracle Remediation" (CVE-2018-0886): this computer's policy and patch
//! level against the host's TSRequest version, through Microsoft's table (KB 4295591, [MS]):
//!
//! | host updated | client updated | Force Updated Clients (0) | Mitigated (1) | Vulnerable (2) |
//! |---|---|---|---|---|
//! | yes | no  | block | allow | allow |  (the host's policy decides)
//! | no  | yes | block | block | allow |  (the client's policy decides)
//! | yes | yes | allow | allow | allow |
//!
//! The host is updated when its TSRequest version is 5 or more (MS-CSSP 2.2.1, <25>). This
//! computer is updated from Windows 10 1803 (build 17134) on, or when TSpkg.dll is at least the
//! version in KB 4295591's table. With the policy absent an updated Windows is Mitigated (KB
//! 4093492: the May 2018 default).

use rdpcheck_report::{ClientFactKey, FactState, Plain, Provenance, Severity};

use super::{os_number, Out};
use crate::facts::{ClientFacts, Fact};
use crate::host::HostFacts;

const POLICY: &str = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters\AllowEncryptionOracle";

/// KB 4295591: the first TSpkg.dll with the update, per Windows version (major.minor.build).
const TSPKG_FIXED: &[((u32, u32, u32), u32)] = &[
    ((6, 1, 7601), 24117),
    ((6, 2, 9200), 22432),
    ((6, 3, 9600), 18999),
    ((10, 0, 14393), 2248),
    ((10, 0, 15063), 1088),
    ((10, 0, 16299), 431),
];

fn policy_name(v: u32) -> &'static str {
    match v {
        0 => "Force Updated Clients",
        1 => "Mitigated",
        2 => "Vulnerable",
        _ => "not a value the policy writes",
    }
}

/// (updated?, how it is known)
fn client_patched(facts: &ClientFacts) -> (Option<bool>, String) {
    if let Fact::Known(os) = &facts.os {
        if os.major >= 10 && os.build >= 17134 {
            return (
                Some(true),
                format!(
                    "updated: Windows {} ships the 2018 CredSSP update (build 17134 and later)",
                    os_number(os)
                ),
            );
        }
    }
    match &facts.tspkg_version {
        Fact::Known(v) => {
            let parts: Vec<u32> = v.split('.').filter_map(|p| p.trim().parse().ok()).collect();
            let [a, b, c, d] = parts[..] else {
                return (None, format!("TSpkg.dll {v}: not a version number"));
            };
            match TSPKG_FIXED.iter().find(|(k, _)| *k == (a, b, c)) {
                Some((_, fixed)) if d >= *fixed => (
                    Some(true),
                    format!("updated: TSpkg.dll {v} (KB 4295591: {a}.{b}.{c}.{fixed} or later)"),
                ),
                Some((_, fixed)) => (
                    Some(false),
                    format!(
                        "not updated: TSpkg.dll {v} is older than {a}.{b}.{c}.{fixed} (KB 4295591)"
                    ),
                ),
                None => (
                    None,
                    format!("TSpkg.dll {v}: a Windows version KB 4295591 does not list"),
                ),
            }
        }
        Fact::Absent => (None, "no TSpkg.dll and no Windows build to go by".into()),
        Fact::Unknown(why) => (None, format!("TSpkg.dll: {why}")),
    }
}

pub(super) fn judge(facts: &ClientFacts, host: &HostFacts, out: &mut Out) {
    let (patched, how) = client_patched(facts);
    let patch_state = if patched.is_some() {
        FactState::Known
    } else {
        FactState::Unknown
    };
    out.fact(
        ClientFactKey::CredsspPatch,
        patch_state,
        how.clone(),
        r"Windows build; %SystemRoot%\System32\tspkg.dll (file version)",
        Provenance::Ms,
    );

    // The policy in force: the value, or Mitigated when an updated Windows has none.
    let policy: Option<u32> = match (&facts.credssp_policy, patched) {
        (Fact::Known(v), _) => Some(*v),
        (Fact::Absent, Some(true)) => Some(1),
        _ => None,
    };
    let host_word = match (host.nla, host.credssp_version) {
        (false, _) => "the host does not use NLA, so CredSSP is not involved".to_string(),
        (true, Some(v)) if v >= 5 => format!("the host's CredSSP version {v} has the update"),
        (true, Some(v)) => format!("the host's CredSSP version {v} lacks the update (below 5)"),
        (true, None) => "the host's CredSSP version was not read".to_string(),
    };
    let prediction = match (
        host.nla,
        host.credssp_version.map(|v| v >= 5),
        patched,
        policy,
    ) {
        (false, ..) => None,
        (true, Some(false), Some(true), Some(p)) if p != 2 => Some(false),
        (true, Some(false), Some(true), Some(_)) => Some(true),
        (true, Some(true), Some(true), _) => Some(true),
        (true, Some(false), Some(false), _) => Some(true),
        _ => None,
    };
    let verdict = match prediction {
        Some(true) => "allowed",
        Some(false) => "blocked",
        None if !host.nla => "not involved",
        None => "cannot be predicted",
    };
    let policy_text = match &facts.credssp_policy {
        Fact::Known(v) => format!("{} (AllowEncryptionOracle = {v})", policy_name(*v)),
        Fact::Absent if patched == Some(true) => {
            "not configured: Mitigated (the default since the May 2018 update)".into()
        }
        Fact::Absent => "not configured".into(),
        Fact::Unknown(why) => why.clone(),
    };
    let state = match &facts.credssp_policy {
        Fact::Known(_) => FactState::Known,
        Fact::Absent => FactState::Absent,
        Fact::Unknown(_) => FactState::Unknown,
    };
    let text = if state == FactState::Unknown {
        policy_text.clone()
    } else {
        format!("{policy_text}; with this host: {verdict} ({host_word})")
    };
    out.fact(
        ClientFactKey::CredsspPolicy,
        state,
        text,
        POLICY,
        Provenance::Ms,
    );

    if prediction == Some(false) {
        out.finding(
            Plain::ClientCredsspBlocked,
            Severity::Fail,
            format!(
                "This computer's CredSSP policy ({}) refuses the host's older CredSSP: the client stops with \"An authentication error has occurred … CredSSP encryption oracle remediation\"",
                policy.map_or("unknown", policy_name)
            ),
            format!(
                "{POLICY}: {policy_text}; this computer: {how}; {host_word}; KB 4295591: host not updated + client updated → blocked unless the client is Vulnerable"
            ),
        );
    }
    if host.nla && patched == Some(false) {
        out.finding(
            Plain::ClientCredsspUnpatched,
            Severity::Warn,
            "This computer's CredSSP lacks the 2018 update: hosts set to Force Updated Clients refuse it (the host's policy cannot be read from here)",
            format!("{how}; {host_word}"),
        );
    }
    if facts.credssp_policy == Fact::Known(2) {
        out.finding(
            Plain::ClientCredsspVulnerable,
            Severity::Warn,
            "This computer's CredSSP policy is Vulnerable: it connects to hosts without the 2018 update and exposes them; set it back once the hosts are updated",
            format!("{POLICY} = 2"),
        );
    }
}
