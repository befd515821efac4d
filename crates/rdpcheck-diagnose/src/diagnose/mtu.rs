//! An MTU black hole, confirmed: the TLS handshake stalled with full-size segments and passed
//! with small ones on a fresh connection. Without the retry a stall stays `tls.stalled` (it may
//! be a stuck server as well).

use rdpcheck_report::{Finding, Plain, Severity};

use super::finding;
use crate::observe::{MssRetry, TlsFailure};

/// IPv4 and TCP headers on top of the MSS: the packet size that got through.
const HEADERS: u32 = 40;

/// `f` (the stalled handshake's finding) becomes `net.mtu_blackhole` when the small-segment retry
/// passed; otherwise it stays, with the retry in its evidence.
pub(super) fn confirm(f: Finding, failure: &TlsFailure, retry: Option<&MssRetry>) -> Finding {
    let (TlsFailure::Stalled, Some(retry)) = (failure, retry) else {
        return f;
    };
    let evidence = format!(
        "{}; again with TCP_MAXSEG {}: {}",
        f.evidence, retry.mss, retry.detail
    );
    if !retry.passed {
        return Finding { evidence, ..f };
    }
    finding(
        Plain::NetMtuBlackhole,
        Severity::Fail,
        format!(
            "Large packets vanish on the path: the TLS handshake stalls at the server's \
             certificate, and passes when every packet is at most {} bytes (an MTU black hole: a \
             VPN or tunnel with a smaller MTU, and the ICMP that would say so blocked)",
            retry.mss + HEADERS
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stalled() -> Finding {
        finding(
            Plain::TlsStalled,
            Severity::Fail,
            "stalled",
            "stalled after 0 bytes",
        )
    }

    fn retry(passed: bool) -> MssRetry {
        MssRetry {
            mss: 536,
            passed,
            detail: if passed {
                "TLSv1.3 established"
            } else {
                "stalled"
            }
            .into(),
        }
    }

    #[test]
    fn a_small_segment_pass_confirms_the_black_hole() {
        let f = confirm(stalled(), &TlsFailure::Stalled, Some(&retry(true)));
        assert!(f.code == "net.mtu_blackhole", "{}", f.code);
        assert!(f.summary.contains("576 bytes"), "{}", f.summary);
        assert!(f.evidence.contains("TCP_MAXSEG 536"), "{}", f.evidence);
    }

    #[test]
    fn otherwise_the_stall_stays() {
        let f = confirm(stalled(), &TlsFailure::Stalled, Some(&retry(false)));
        assert!(f.code == "tls.stalled");
        assert!(
            f.evidence.contains("TCP_MAXSEG 536: stalled"),
            "{}",
            f.evidence
        );
        assert!(confirm(stalled(), &TlsFailure::Stalled, None).code == "tls.stalled");
        let reset = confirm(stalled(), &TlsFailure::Reset, Some(&retry(true)));
        assert!(reset.code == "tls.stalled", "only a stall is retried");
    }
}
