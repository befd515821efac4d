//! The forwarder's command line: which two interfaces, and the impairment in each direction.

use std::time::Duration;

use crate::middlebox::Middlebox;

/// One direction of the link (a → b or b → a).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impairment {
    /// One-way delay each frame is held for.
    pub delay: Duration,
    /// Uniform jitter: each frame's delay is `delay ± jitter` (never below zero; order kept).
    pub jitter: Duration,
    /// Random loss, per mille (0..=1000), of the frames that pass the size check.
    pub loss_permille: u32,
    /// Frames whose IP packet is larger than this are dropped silently (an MTU black hole).
    pub max_packet: Option<usize>,
    /// Per mille of frames held [`Impairment::spike`] longer; the frames behind one wait too
    /// (order is kept), so a spike is a burst of delay, as on a congested Wi-Fi or VPN link.
    pub spike_permille: u32,
    pub spike: Duration,
}

impl Default for Impairment {
    fn default() -> Self {
        Impairment {
            delay: Duration::ZERO,
            jitter: Duration::ZERO,
            loss_permille: 0,
            max_packet: None,
            spike_permille: 0,
            spike: Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub dev_a: String,
    pub dev_b: String,
    pub a_to_b: Impairment,
    pub b_to_a: Impairment,
    pub middlebox: Middlebox,
    pub seed: u64,
}

/// `--a DEV --b DEV [--delay-ms N] [--jitter-ms N] [--loss-permille N] [--loss-a2b-permille N]
/// [--loss-b2a-permille N] [--max-packet N] [--middlebox RULE] [--seed N]`; delay, jitter and
/// size apply both ways; RULE is none, drop-udp, reset-after-request, close-after-request or
/// drop-after-handshake.
pub fn parse(args: &[String]) -> Result<Config, String> {
    let mut config = Config {
        dev_a: String::new(),
        dev_b: String::new(),
        a_to_b: Impairment::default(),
        b_to_a: Impairment::default(),
        middlebox: Middlebox::None,
        seed: 1,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .as_str();
        let number = || {
            value
                .parse::<u64>()
                .map_err(|e| format!("{flag} {value}: {e}"))
        };
        let permille = || match number()? {
            n @ 0..=1000 => Ok(n as u32),
            n => Err(format!("{flag} {n}: at most 1000")),
        };
        match flag.as_str() {
            "--a" => config.dev_a = value.to_string(),
            "--b" => config.dev_b = value.to_string(),
            "--delay-ms" => {
                let d = Duration::from_millis(number()?);
                both(&mut config, |i| i.delay = d);
            }
            "--jitter-ms" => {
                let j = Duration::from_millis(number()?);
                both(&mut config, |i| i.jitter = j);
            }
            "--loss-permille" => {
                let p = permille()?;
                both(&mut config, |i| i.loss_permille = p);
            }
            "--loss-a2b-permille" => config.a_to_b.loss_permille = permille()?,
            "--loss-b2a-permille" => config.b_to_a.loss_permille = permille()?,
            "--max-packet" => {
                let n = usize::try_from(number()?).map_err(|e| format!("{flag}: {e}"))?;
                both(&mut config, |i| i.max_packet = Some(n));
            }
            "--spike-permille" => {
                let p = permille()?;
                both(&mut config, |i| i.spike_permille = p);
            }
            "--spike-ms" => {
                let d = Duration::from_millis(number()?);
                both(&mut config, |i| i.spike = d);
            }
            "--middlebox" => config.middlebox = Middlebox::parse(value)?,
            "--seed" => config.seed = number()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if config.dev_a.is_empty() || config.dev_b.is_empty() {
        return Err("--a and --b (the two interfaces) are required".into());
    }
    Ok(config)
}

/// A setting that applies in both directions.
fn both(config: &mut Config, set: impl Fn(&mut Impairment)) {
    set(&mut config.a_to_b);
    set(&mut config.b_to_a);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn both_ways_and_one_way() {
        let c = parse(&args(
            "--a x --b y --delay-ms 50 --loss-permille 100 --loss-b2a-permille 0 --max-packet 1200",
        ))
        .expect("parses");
        assert_eq!(c.a_to_b.delay, Duration::from_millis(50));
        assert_eq!(c.b_to_a.delay, Duration::from_millis(50));
        assert_eq!(c.a_to_b.loss_permille, 100);
        assert_eq!(c.b_to_a.loss_permille, 0);
        assert_eq!(c.b_to_a.max_packet, Some(1200));
        assert_eq!(c.middlebox, Middlebox::None);
        let c = parse(&args("--a x --b y --middlebox reset-after-request")).expect("parses");
        assert_eq!(c.middlebox, Middlebox::ResetAfterRequest);
    }

    #[test]
    fn refuses_bad_input() {
        assert!(parse(&args("--a x")).is_err());
        assert!(parse(&args("--a x --b y --loss-permille 1001")).is_err());
        assert!(parse(&args("--a x --b y --delay-ms")).is_err());
        assert!(parse(&args("--a x --b y --bogus 1")).is_err());
        assert!(parse(&args("--a x --b y --middlebox bogus")).is_err());
    }
}
