//! The nla stage: the NTLM CHALLENGE (identity, OS version, clock), the CredSSP version that
//! carried it (the CVE-2018-0886 fix), or why there was none.

use rdpcheck_proto::credssp;
use rdpcheck_proto::ntlm::Challenge;
use rdpcheck_report::{Finding, Plain, Severity};
use serde_json::{json, Map};

use super::{finding, Judged};
use crate::observe::{NlaOutcome, Observations};
use crate::sections;
use rdpcheck_words::release;

/// Clock skew beyond which Kerberos refuses tickets (its default tolerance is 5 minutes).
const SKEW_WARN_S: f64 = 300.0;
const SKEW_NOTE_S: f64 = 60.0;

/// The OS in words: `Windows Server 2019 / Windows 10 1809, build 10.0.17763`, or honestly
/// `build 10.0.12345: not in rdpcheck's table`, or `OS version unknown`.
fn os_words(ch: &Challenge) -> String {
    match ch.version {
        Some(v) => match release::windows_release(v.major, v.minor, v.build) {
            Some(r) => format!("{}, build {}.{}.{}", r.text(), v.major, v.minor, v.build),
            None => release::describe(v.major, v.minor, v.build),
        },
        None => "OS version unknown".into(),
    }
}

/// A CredSSP version older than the CVE-2018-0886 fix (MS-CSSP 2.2.1, 5.1; see
/// `rdpcheck_proto::credssp::FIRST_FIXED_VERSION` for the sources).
fn unpatched(version: u32) -> Finding {
    finding(
        Plain::NlaCredsspUnpatched,
        Severity::Warn,
        format!(
            "The host speaks CredSSP version {version}, older than the 2018 fix for CVE-2018-0886 (version {}): updated Windows clients refuse it by default (\"This could be due to CredSSP encryption oracle remediation\"); patch the host",
            credssp::FIRST_FIXED_VERSION
        ),
        format!(
            "the server's TSRequest carrying the NTLM CHALLENGE has version {version} (we offered 6); MS-CSSP: from version 5 the TLS public key is bound with a client nonce (the fix), versions 2 to 4 lack it"
        ),
    )
}

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let n = obs.nla.as_ref()?;
    let mut details = Map::new();
    let (summary, findings) = match &n.value {
        NlaOutcome::Challenge {
            challenge: ch,
            credssp_version,
        } => {
            let report = sections::nla(ch, Some(*credssp_version), obs.now_unix);
            let who = [
                report.netbios_domain.as_deref(),
                report.netbios_computer.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\\");
            let os = report.product_version.as_deref().unwrap_or("unknown");
            let release = os_words(ch);
            let mut f = vec![finding(
                Plain::NlaIdentity,
                Severity::Info,
                format!("The host identifies itself as {} ({release})", if who.is_empty() { "(no name)" } else { &who }),
                format!(
                    "NTLM CHALLENGE: NetBIOS {} / {}, DNS {} / {}, product version {os}; no credentials were sent",
                    report.netbios_domain.as_deref().unwrap_or("-"),
                    report.netbios_computer.as_deref().unwrap_or("-"),
                    report.dns_domain.as_deref().unwrap_or("-"),
                    report.dns_computer.as_deref().unwrap_or("-"),
                ),
            )];
            if let Some(skew) = report.clock_skew_s {
                details.insert("clock_skew_s".into(), json!(skew));
                if skew.abs() >= SKEW_NOTE_S {
                    let severity = if skew.abs() >= SKEW_WARN_S {
                        Severity::Warn
                    } else {
                        Severity::Info
                    };
                    f.push(finding(
                        Plain::NlaClockSkew,
                        severity,
                        format!("The server's clock is {:.0} s {} ours: Kerberos fails beyond 5 minutes", skew.abs(), if skew > 0.0 { "ahead of" } else { "behind" }),
                        format!("server time {} per the NTLM challenge", report.server_time.as_deref().unwrap_or("-")),
                    ));
                }
            }
            if !credssp::has_oracle_fix(*credssp_version) {
                f.push(unpatched(*credssp_version));
            }
            if let Some(v) = serde_json::to_value(&report)
                .ok()
                .and_then(|v| v.as_object().cloned())
            {
                details.extend(v);
            }
            (
                format!(
                    "NTLM challenge received from {}",
                    if who.is_empty() { "the host" } else { &who }
                ),
                f,
            )
        }
        NlaOutcome::ServerError(code) => {
            let f = finding(
                Plain::NlaNoChallenge,
                Severity::Warn,
                format!("The server answered NTLM with error {code:#010x}: NTLM may be disabled by policy (Kerberos-only clients can still work)"),
                format!("CredSSP errorCode {code:#010x} instead of a challenge"),
            );
            (f.summary.clone(), vec![f])
        }
        NlaOutcome::NoChallenge(why) => {
            let f = finding(
                Plain::NlaNoChallenge,
                Severity::Fail,
                "NLA was selected but the server did not answer with an NTLM challenge: CredSSP on the host is broken or blocked",
                why.clone(),
            );
            (f.summary.clone(), vec![f])
        }
    };
    Some(Judged {
        summary,
        details,
        findings,
        ms: n.ms,
    })
}
