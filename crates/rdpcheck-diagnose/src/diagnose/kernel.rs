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
/// Loss is heavy (a failure, not a warning) when at least this share of the probe's segments had
/// to be resent, on at least [`HEAVY_LOSS_CONNECTIONS`] connections. A probe connection sends
/// about five segments, two or three of which can be resent; in the lab a 2 % link resends
/// about 2 % of them, a 10 % link about 9 %, a 30 % link about 20 %. At one in seven resent,
/// every other handshake waits out a resend time-out: a session over such a path stalls and
/// drops.
const HEAVY_LOSS_SHARE: f64 = 0.15;
const HEAVY_LOSS_CONNECTIONS: usize = 4;

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

/// The connections made one at a time (`main`, `stability.N`), not the layer probes
/// (`layer.<name>`): those five reach the server together and wait on its answers together, so
/// their smoothed round trips carry its answer time, and a slow answer makes the kernel send a
/// tail-loss probe, a resend nothing was lost for. Their smallest round trip (the SYN's, which the
/// server's kernel answers) is still the path's.
fn one_at_a_time(stats: &[TcpStats]) -> impl Iterator<Item = &TcpStats> {
    stats.iter().filter(|s| !s.connection.starts_with("layer."))
}

/// How far the kernel's smoothed round trips of the probe's one-at-a-time connections lie apart
/// (largest minus smallest). None with fewer than two measured: no evidence either way.
pub(super) fn rtt_spread_ms(stats: &[TcpStats]) -> Option<f64> {
    let rtts: Vec<f64> = one_at_a_time(stats)
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

/// `net.packet_loss` when the kernel resent segments or saw holes on several of the
/// one-at-a-time connections.
pub(super) fn packet_loss(all: &[TcpStats]) -> Option<Finding> {
    let stats: Vec<TcpStats> = one_at_a_time(all).cloned().collect();
    let stats = stats.as_slice();
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
    let share = f64::from(resent) / f64::from(out.max(1));
    if share >= HEAVY_LOSS_SHARE && affected >= HEAVY_LOSS_CONNECTIONS {
        return Some(finding(
            Plain::NetPacketLoss,
            Severity::Fail,
            format!(
                "Heavy packet loss on the path: {affected} of {} connections had to resend, \
                 {resent} of {out} segments ({:.0} %): sessions over this path stall and drop",
                stats.len(),
                share * 100.0
            ),
            evidence(stats),
        ));
    }
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
    fn a_seventh_of_segments_resent_on_many_connections_is_heavy_loss() {
        // 10 segments out each: 2 resent on each of four connections is 20 %.
        let heavy: Vec<TcpStats> = (0..4).map(|i| conn(&format!("s.{i}"), 1.0, 2, 0)).collect();
        let f = packet_loss(&heavy).expect("loss named");
        assert_eq!(f.severity, Severity::Fail, "{}", f.summary);
        assert!(f.summary.contains("20 %"), "{}", f.summary);
        // The same share on three connections, or 10 % on four, is a warning.
        assert_eq!(
            packet_loss(&heavy[..3]).map(|f| f.severity),
            Some(Severity::Warn)
        );
        let light: Vec<TcpStats> = (0..4).map(|i| conn(&format!("s.{i}"), 1.0, 1, 0)).collect();
        assert_eq!(
            packet_loss(&light).map(|f| f.severity),
            Some(Severity::Warn)
        );
    }

    #[test]
    fn the_layer_probes_resends_are_not_loss_and_their_round_trips_not_spread() {
        // layer.tls waited 300 ms on the server; its SYN took 1 ms.
        let layers = [
            TcpStats {
                min_rtt_ms: Some(1.0),
                ..conn("layer.tls", 300.0, 1, 0)
            },
            conn("layer.nla", 1.0, 1, 0),
        ];
        assert!(packet_loss(&layers).is_none());
        let mut stats = layers.to_vec();
        stats.extend([conn("main", 1.0, 0, 0), conn("stability.1", 2.0, 0, 0)]);
        assert_eq!(rtt_spread_ms(&stats), Some(1.0));
        // Their smallest round trip still counts for the path.
        assert_eq!(path_rtt_ms(&stats), Some(1.0));
    }

    #[test]
    fn resends_and_holes_on_several_connections_are_loss() {
        let f =
            packet_loss(&[conn("main", 1.0, 2, 0), conn("s.1", 1.0, 0, 1)]).expect("loss named");
        assert!(f.code == "net.packet_loss", "{}", f.code);
        assert!(f.evidence.contains("main: rtt"), "{}", f.evidence);
    }
}
