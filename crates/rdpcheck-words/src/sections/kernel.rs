//! The kernel's figures for the probe's own TCP connections (TCP_INFO): one line each.

use rdpcheck_report::TcpStats;

use crate::format::{ms, opt_ms};

use super::{Fact, Section};

pub(super) fn tcp_info(stats: &[TcpStats]) -> Section {
    let facts = stats
        .iter()
        .map(|s| {
            let clean = s.retransmits == 0 && s.out_of_order_in == 0;
            Fact::toned(
                "Connection",
                format!(
                    "{}: round trip {} (min {}, variation {}), {} resent, {} out of order, MSS {}",
                    s.connection,
                    ms(s.rtt_ms),
                    opt_ms(s.min_rtt_ms),
                    ms(s.rttvar_ms),
                    s.retransmits,
                    s.out_of_order_in,
                    s.snd_mss
                ),
                clean,
            )
        })
        .collect();
    Section {
        id: "tcp_info",
        title: "TCP as the kernel saw it",
        note: Some("measured by this computer's TCP stack, not by the probe's clock"),
        facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_connection() {
        let s = tcp_info(&[TcpStats {
            connection: "main".into(),
            rtt_ms: 100.4,
            rttvar_ms: 2.0,
            min_rtt_ms: Some(100.1),
            retransmits: 1,
            lost: 0,
            segs_out: 9,
            segs_in: 8,
            out_of_order_in: 0,
            snd_mss: 1448,
        }]);
        assert_eq!(s.facts.len(), 1);
        let f = &s.facts[0];
        assert!(f.value.starts_with("main: round trip 100"), "{}", f.value);
        assert!(f.value.contains("1 resent"), "{}", f.value);
        assert!(f.value.ends_with("MSS 1448"), "{}", f.value);
    }
}
