//! The stability stage: repeated TCP + X.224 handshakes.

use rdpcheck_report::{Plain, Severity};
use serde_json::Map;

use super::kernel::{self, HIGH_LATENCY_MS, HIGH_RTT_MS};
use super::{finding, Judged};
use crate::describe;
use crate::observe::{ConnectOutcome, Observations, Sample};
use crate::sections;

const JITTER_MS: f64 = 50.0;
/// Handshake times that vary are the path's only when the kernel's round trips vary too, by at
/// least this much: with steady round trips the spread is the server's (or this machine's) own
/// time, e.g. xrdp forking per connection on a busy host.
const PATH_SPREAD_MS: f64 = JITTER_MS / 2.0;

pub(super) fn judge(obs: &Observations) -> Option<Judged> {
    let s = obs.stability.as_ref()?;
    let report = sections::stability(&s.value);
    let mut details = Map::new();
    if let Some(v) = serde_json::to_value(&report)
        .ok()
        .and_then(|v| v.as_object().cloned())
    {
        details.extend(v);
    }
    let mut findings = Vec::new();
    let evidence = format!(
        "{} handshakes: {} ok, {} failed; min {} / median {} / max {}, jitter {}",
        report.samples,
        report.ok,
        report.failed,
        opt_ms(report.min_ms),
        opt_ms(report.median_ms),
        opt_ms(report.max_ms),
        opt_ms(report.jitter_ms)
    );
    let median = report.median_ms.unwrap_or(0.0);
    let jitter = report.jitter_ms.unwrap_or(0.0);
    if report.failed > 0 {
        let severity = if report.failed * 2 >= report.samples {
            Severity::Fail
        } else {
            Severity::Warn
        };
        let failures = s
            .value
            .iter()
            .filter_map(|x| match x {
                Sample::Failed(why) => Some(why.as_str()),
                Sample::Ok { .. } => None,
            })
            .collect::<Vec<_>>()
            .join("; ");
        findings.push(finding(
            Plain::NetUnstable,
            severity,
            format!(
                "{} of {} repeated handshakes failed: the path or the server drops connections",
                report.failed, report.samples
            ),
            format!("{evidence}; failures: {failures}"),
        ));
    } else if jitter > JITTER_MS
        && jitter > median / 2.0
        && kernel::rtt_spread_ms(&obs.tcp_info).is_none_or(|spread| spread >= PATH_SPREAD_MS)
    {
        findings.push(finding(
            Plain::NetUnstable,
            Severity::Warn,
            format!(
                "Handshake times vary by {} on average: an unstable path (Wi-Fi, VPN, congestion)",
                describe::ms(jitter)
            ),
            evidence.clone(),
        ));
    }
    match kernel::path_rtt_ms(&obs.tcp_info) {
        // The kernel's round trip, when it told: the server's own think time is not latency.
        Some(rtt) if rtt > HIGH_RTT_MS => findings.push(finding(
            Plain::NetHighLatency,
            Severity::Warn,
            format!(
                "Round trips take {} (measured by the TCP stack on {} connections): sessions \
                 will feel slow, and lossy links make them drop",
                describe::ms(rtt),
                obs.tcp_info.len()
            ),
            format!("{evidence}; kernel: {}", kernel::evidence(&obs.tcp_info)),
        )),
        Some(_) => {}
        None => {
            let rtt = obs
                .tcp
                .iter()
                .find(|a| a.outcome == ConnectOutcome::Connected)
                .map(|a| a.ms)
                .unwrap_or(0.0);
            if median > HIGH_LATENCY_MS || rtt > HIGH_LATENCY_MS {
                findings.push(finding(
                    Plain::NetHighLatency,
                    Severity::Warn,
                    format!("Handshakes take {} (TCP connect {}): sessions will feel slow, and lossy links make them drop", describe::ms(median), describe::ms(rtt)),
                    evidence.clone(),
                ));
            }
        }
    }
    findings.extend(kernel::packet_loss(&obs.tcp_info));
    let summary = format!(
        "{}/{} handshakes ok, median {}, jitter {}",
        report.ok,
        report.samples,
        opt_ms(report.median_ms),
        opt_ms(report.jitter_ms)
    );
    Some(Judged {
        summary,
        details,
        findings,
        ms: s.ms,
    })
}

fn opt_ms(v: Option<f64>) -> String {
    v.map(describe::ms).unwrap_or_else(|| "-".into())
}
