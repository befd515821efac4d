//! What happens to one frame: dropped (size, loss) or released at a time. Pure: the clock and
//! the random numbers come in as arguments.

use std::time::{Duration, Instant};

use crate::config::Impairment;

/// xorshift64*: enough randomness for loss and jitter, reproducible from the seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The length of the IP packet inside an Ethernet frame (what an MTU limits).
pub const ETH_HEADER: usize = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    TooBig,
    Lost,
    /// Send at this instant.
    Release(Instant),
}

/// One direction's scheduler: keeps frames in order (a later frame never leaves before an
/// earlier one, so jitter does not reorder — TCP would read reordering as loss).
#[derive(Debug)]
pub struct Direction {
    pub imp: Impairment,
    last: Option<Instant>,
}

impl Direction {
    pub fn new(imp: Impairment) -> Direction {
        Direction { imp, last: None }
    }

    pub fn fate(&mut self, frame_len: usize, now: Instant, rng: &mut Rng) -> Fate {
        let packet = frame_len.saturating_sub(ETH_HEADER);
        if self.imp.max_packet.is_some_and(|max| packet > max) {
            return Fate::TooBig;
        }
        if self.imp.loss_permille > 0 && rng.below(1000) < u64::from(self.imp.loss_permille) {
            return Fate::Lost;
        }
        let jitter_us = u64::try_from(self.imp.jitter.as_micros()).unwrap_or(u64::MAX / 4);
        let delay = if jitter_us == 0 {
            self.imp.delay
        } else {
            // delay - jitter .. delay + jitter, floored at zero.
            let offset = rng.below(2 * jitter_us + 1);
            (self.imp.delay + Duration::from_micros(offset))
                .saturating_sub(Duration::from_micros(jitter_us))
        };
        let spiked =
            self.imp.spike_permille > 0 && rng.below(1000) < u64::from(self.imp.spike_permille);
        let delay = if spiked {
            delay + self.imp.spike
        } else {
            delay
        };
        let mut at = now + delay;
        if let Some(last) = self.last {
            at = at.max(last);
        }
        self.last = Some(at);
        Fate::Release(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imp(delay_ms: u64, jitter_ms: u64, loss: u32, max: Option<usize>) -> Impairment {
        Impairment {
            delay: Duration::from_millis(delay_ms),
            jitter: Duration::from_millis(jitter_ms),
            loss_permille: loss,
            max_packet: max,
            ..Impairment::default()
        }
    }

    #[test]
    fn spikes_hold_some_frames_and_the_ones_behind_them() {
        let start = Instant::now();
        let mut d = Direction::new(Impairment {
            spike_permille: 200,
            spike: Duration::from_millis(150),
            ..imp(10, 0, 0, None)
        });
        let mut rng = Rng::new(5);
        let mut late = 0;
        let mut held_behind = 0;
        for i in 0..1000u64 {
            // One frame a millisecond: a spike's 150 ms hold queues the frames after it.
            let now = start + Duration::from_millis(i);
            let Fate::Release(at) = d.fate(100, now, &mut rng) else {
                panic!("dropped")
            };
            let held = at - now;
            if held >= Duration::from_millis(160) {
                late += 1;
            } else if held > Duration::from_millis(10) {
                held_behind += 1;
            }
        }
        assert!((100..300).contains(&late), "{late} spiked of 1000");
        assert!(held_behind > 0, "no frame waited behind a spike");
    }

    #[test]
    fn holds_each_frame_for_the_delay() {
        let now = Instant::now();
        let mut d = Direction::new(imp(50, 0, 0, None));
        let mut rng = Rng::new(7);
        assert_eq!(
            d.fate(100, now, &mut rng),
            Fate::Release(now + Duration::from_millis(50))
        );
    }

    #[test]
    fn drops_by_ip_length_not_frame_length() {
        let now = Instant::now();
        let mut d = Direction::new(imp(0, 0, 0, Some(1200)));
        let mut rng = Rng::new(7);
        assert!(matches!(d.fate(1214, now, &mut rng), Fate::Release(_)));
        assert_eq!(d.fate(1215, now, &mut rng), Fate::TooBig);
    }

    #[test]
    fn loses_about_the_share_asked_for() {
        let now = Instant::now();
        let mut d = Direction::new(imp(0, 0, 100, None));
        let mut rng = Rng::new(42);
        let lost = (0..10_000)
            .filter(|_| d.fate(100, now, &mut rng) == Fate::Lost)
            .count();
        assert!((800..1200).contains(&lost), "{lost} of 10000 lost");
    }

    #[test]
    fn jitter_never_reorders() {
        let start = Instant::now();
        let mut d = Direction::new(imp(20, 15, 0, None));
        let mut rng = Rng::new(3);
        let mut last = start;
        for i in 0..1000u64 {
            let Fate::Release(at) = d.fate(100, start + Duration::from_micros(i * 100), &mut rng)
            else {
                panic!("dropped")
            };
            assert!(at >= last);
            assert!(at <= start + Duration::from_micros(i * 100) + Duration::from_millis(35));
            last = at;
        }
    }
}
