//! What the middle of the lab does to the traffic: the forwarder's settings.

use std::time::Duration;

/// Applied in both directions unless a one-way loss is set.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Impairment {
    /// Held for this long each way (a round trip adds twice this).
    pub one_way_delay: Duration,
    /// Each frame's delay varies uniformly by up to this much (order is kept).
    pub jitter: Duration,
    /// Random loss in per mille, probe → server.
    pub loss_to_server_permille: u32,
    /// Random loss in per mille, server → probe.
    pub loss_to_probe_permille: u32,
    /// IP packets over this many bytes vanish, with no ICMP (an MTU black hole).
    pub max_packet: Option<usize>,
    /// Per mille of frames held [`Impairment::spike`] longer, each way; frames behind one wait
    /// too, so it is a burst of delay (a congested Wi-Fi or VPN link).
    pub spike_permille: u32,
    pub spike: Duration,
    /// A rule on the path besides the impairment.
    pub middlebox: Middlebox,
}

/// What a middlebox on the path does (the forwarder's middlebox.rs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Middlebox {
    #[default]
    None,
    /// UDP vanishes both ways, no ICMP; TCP passes (the VPN that drops UDP).
    DropUdp,
    /// The first TCP segment with data towards the server (the X.224 request) is answered
    /// with a reset in the server's name (security software).
    ResetAfterRequest,
    /// The same, answered with a FIN: the connection closes in the server's name.
    CloseAfterRequest,
    /// TCP connects (SYN and SYN+ACK pass), then nothing but resets passes (a stateful rule).
    DropAfterHandshake,
}

/// Every rule with its name on the forwarder's command line (`--middlebox NAME`).
const MIDDLEBOX_NAMES: [(Middlebox, &str); 5] = [
    (Middlebox::None, "none"),
    (Middlebox::DropUdp, "drop-udp"),
    (Middlebox::ResetAfterRequest, "reset-after-request"),
    (Middlebox::CloseAfterRequest, "close-after-request"),
    (Middlebox::DropAfterHandshake, "drop-after-handshake"),
];

impl Middlebox {
    /// The rule's name on the forwarder's command line.
    pub fn arg(self) -> &'static str {
        MIDDLEBOX_NAMES
            .iter()
            .find(|(m, _)| *m == self)
            .map_or("none", |(_, name)| name)
    }

    /// The rule `--middlebox NAME` names.
    pub fn parse(s: &str) -> Result<Middlebox, String> {
        MIDDLEBOX_NAMES
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(m, _)| *m)
            .ok_or_else(|| format!("unknown middlebox {s}"))
    }
}

impl Impairment {
    /// A clean link: frames pass at once.
    pub fn clean() -> Impairment {
        Impairment::default()
    }

    /// This round-trip time, half each way.
    pub fn rtt(rtt: Duration) -> Impairment {
        Impairment {
            one_way_delay: rtt / 2,
            ..Impairment::default()
        }
    }

    /// A clean link with this middlebox on it.
    pub fn middlebox(middlebox: Middlebox) -> Impairment {
        Impairment {
            middlebox,
            ..Impairment::default()
        }
    }

    /// `percent` random loss each way.
    pub fn loss(percent: u32) -> Impairment {
        Impairment {
            loss_to_server_permille: percent * 10,
            loss_to_probe_permille: percent * 10,
            ..Impairment::default()
        }
    }

    /// The forwarder's arguments, side a being the probe's, b the server's.
    pub(super) fn args(&self, dev_a: &str, dev_b: &str, seed: u64) -> Vec<String> {
        let mut args = vec![
            "--a".to_string(),
            dev_a.to_string(),
            "--b".into(),
            dev_b.into(),
            "--delay-ms".into(),
            self.one_way_delay.as_millis().to_string(),
            "--jitter-ms".into(),
            self.jitter.as_millis().to_string(),
            "--loss-a2b-permille".into(),
            self.loss_to_server_permille.to_string(),
            "--loss-b2a-permille".into(),
            self.loss_to_probe_permille.to_string(),
            "--middlebox".into(),
            self.middlebox.arg().into(),
            "--seed".into(),
            seed.to_string(),
        ];
        if self.spike_permille > 0 {
            args.extend([
                "--spike-permille".into(),
                self.spike_permille.to_string(),
                "--spike-ms".into(),
                self.spike.as_millis().to_string(),
            ]);
        }
        if let Some(max) = self.max_packet {
            args.extend(["--max-packet".into(), max.to_string()]);
        }
        args
    }
}

#[cfg(test)]
mod middlebox_names {
    use super::*;

    #[test]
    fn every_rule_reads_back_from_its_name() {
        for (m, name) in MIDDLEBOX_NAMES {
            assert_eq!(m.arg(), name);
            assert_eq!(Middlebox::parse(name), Ok(m));
        }
        assert!(Middlebox::parse("drop-tcp").is_err());
    }
}
