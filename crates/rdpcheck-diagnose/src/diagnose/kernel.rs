//! Judgements from the kernel's own counters on the probe's connections (TCP_INFO): the round
//! trip the TCP stack measured, and the segments it had to resend or saw arrive out of order.
//! These do not depend on how fast the server answers, which wall-clock handshake times do.

use rdpcheck_report::{Finding, Plain, Severity, TcpStats};

use super::finding;
use crate::describe;

/// Handshakes (connect + X.224, two round trips at least) over this feel sluggish.
pub(super) const HIGH_LATENCY_MS: f64 = 150.0;
/// The same bound for one round trip the kernel measured: half of it, so both rules name the
/// same paths (a 100 ms link is slow; a 20 ms one is not).
pub(super) const HIGH_RTT_MS: f64 = HIGH_LATENCY_MS / 2.0;

/// Loss is named from at least this many resent or out-of-order segments… (a probe connection
/// sends only two or three segments that can be resent, so even 10 % loss leaves few traces)
const LOSS_MIN_EVENTS: u32 = 2;
/// …on at least this many connections: one connection's SYN retransmit is a full accept queue as
/// often as a lossy path (xrdp's listen backlog is 2).
const LOSS_MIN_CONNECTIONS: usize = 2;

/// The path's round trip as the kernel measured it: the median over connections of each one's
/// smallest round trip (its smoothed one on kernels without `min_rtt`). None without evidence.
pub(super) fn path_rtt_ms(stats: &[TcpStats]) -> Option<f64> {
    let mut rtts: Vec<f64> = stats
        .iter()
        .map(|s| s.min_rtt_ms.unwrap_or(s.rtt_ms))
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .collect();
    if rtts.is_empty() {
        return None;
    }
    rtts.sort_by(f64::total_cmp);
    rtts.get(rtts.len() / 2).copied()
}

/// How far the kernel's smoothed round trips of the probe's connections lie apart (largest minus
/// smallest). None with fewer than two connections measured: no evidence either way.
pub(super) fn rtt_spread_ms(stats: &[TcpStats]) -> Option<f64> {
    let rtts: Vec<f64> = stats
        .iter()
        .map(|s| s.rtt_ms)
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .collect();
    if rtts.len() < 2 {
        return None;
    }
    let lo = rtts.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = rtts.iter().copied().fold(0.0, f64::max);
    Some(hi - lo)
}

/// One line of evidence: the kernel's figures per connection.
pub(super) fn evidence(stats: &[TcpStats]) -> String {
    stats
        .iter()
        .map(|s| {
            format!(
                "{}: rtt {} (var {}, min {}), {} resent, {} lost, {} out of order in, {} segments out / {} in, mss {}",
                s.connection,
                describe::ms(s.rtt_ms),
                describe::ms(s.rttvar_ms),
                s.min_rtt_ms.map(describe::ms).unwrap_or_else(|| "-".into()),
                s.retransmits,
                s.lost,
                s.out_of_order_in,
                s.segs_out,
                s.segs_in,
                s.snd_mss
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `net.packet_loss` when the kernel resent segments or saw holes on several connections.
pub(super) fn packet_loss(stats: &[TcpStats]) -> Option<Finding> {
    let events = |s: &TcpStats| s.retransmits.saturating_add(s.out_of_order_in);
    let total: u32 = stats.iter().map(events).fold(0, u32::saturating_add);
    let affected = stats.iter().filter(|s| events(s) > 0).count();
    if total < LOSS_MIN_EVENTS || affected < LOSS_MIN_CONNECTIONS {
        return None;
    }
    let resent: u32 = stats
        .iter()
        .map(|s| s.retransmits)
        .fold(0, u32::saturating_add);
    let out: u32 = stats
        .iter()
        .map(|s| s.segs_out)
        .fold(0, u32::saturating_add);
    let holes: u32 = stats
        .iter()
        .map(|s| s.out_of_order_in)
        .fold(0, u32::saturating_add);
    Some(finding(
        Plain::NetPacketLoss,
        Severity::Warn,
        format!(
            "Packets are lost on the path: {affected} of {} connections had to resend \
             ({resent} of {out} segments) or saw segments arrive out of order ({holes}); each \
             loss costs a handshake a resend time-out",
            stats.len()
        ),
        evidence(stats),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn conn(name: &str, rtt: f64, resent: u32, ooo: u32) -> TcpStats {
        TcpStats {
            connection: name.into(),
            rtt_ms: rtt,
            rttvar_ms: rtt / 4.0,
            min_rtt_ms: Some(rtt),
            retransmits: resent,
            lost: 0,
            segs_out: 10,
            segs_in: 10,
            out_of_order_in: ooo,
            snd_mss: 1448,
        }
    }

    #[test]
    fn the_median_connection_sets_the_rtt() {
        assert_eq!(path_rtt_ms(&[]), None);
        let stats = [
            conn("a", 100.0, 0, 0),
            conn("b", 102.0, 0, 0),
            conn("c", 900.0, 0, 0),
        ];
        assert_eq!(path_rtt_ms(&stats), Some(102.0));
        let no_min = TcpStats {
            min_rtt_ms: None,
            ..conn("d", 40.0, 0, 0)
        };
        assert_eq!(path_rtt_ms(&[no_min]), Some(40.0));
    }

    #[test]
    fn one_retransmitted_syn_is_not_loss() {
        assert!(packet_loss(&[conn("main", 1.0, 1, 0), conn("s.1", 1.0, 0, 0)]).is_none());
        // Many on one connection: still one connection.
        assert!(packet_loss(&[conn("main", 1.0, 5, 0), conn("s.1", 1.0, 0, 0)]).is_none());
    }

    #[test]
    fn resends_and_holes_on_several_connections_are_loss() {
        let f =
            packet_loss(&[conn("main", 1.0, 2, 0), conn("s.1", 1.0, 0, 1)]).expect("loss named");
        assert!(f.code == "net.packet_loss", "{}", f.code);
        assert!(f.evidence.contains("main: rtt"), "{}", f.evidence);
    }
}
