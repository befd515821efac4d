//! The throttle on failed token checks (per instance: each relay counts the wrong tokens it saw).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Failed token checks per client as a leaky bucket: each failure adds one, the level drains at
/// `per_minute` a minute, and a client whose level reached `per_minute` is throttled until it
/// drains below it again. (A governor limiter cannot be asked without spending a cell, and a
/// throttled client must be refused without its token being checked.)
pub(super) struct AuthThrottle {
    per_minute: f64,
    levels: HashMap<IpAddr, (f64, Instant)>,
}

/// Clients tracked at most; beyond it, the drained ones are forgotten first.
const AUTH_TRACKED: usize = 65_536;

impl AuthThrottle {
    pub(super) fn new(per_minute: u32) -> AuthThrottle {
        AuthThrottle {
            per_minute: f64::from(per_minute.max(1)),
            levels: HashMap::new(),
        }
    }

    fn level(&self, client: IpAddr, now: Instant) -> f64 {
        self.levels.get(&client).map_or(0.0, |(level, at)| {
            let drained = now.saturating_duration_since(*at).as_secs_f64() * self.per_minute / 60.0;
            (level - drained).max(0.0)
        })
    }

    pub(super) fn throttled(&self, client: IpAddr, now: Instant) -> Option<Duration> {
        let over = self.level(client, now) - (self.per_minute - 1.0);
        (over > 0.0).then(|| Duration::from_secs_f64(over * 60.0 / self.per_minute))
    }

    pub(super) fn failed(&mut self, client: IpAddr, now: Instant) {
        let level = self.level(client, now) + 1.0;
        if self.levels.len() >= AUTH_TRACKED && !self.levels.contains_key(&client) {
            let rate = self.per_minute / 60.0;
            self.levels.retain(|_, (l, at)| {
                *l - now.saturating_duration_since(*at).as_secs_f64() * rate > 0.0
            });
            if self.levels.len() >= AUTH_TRACKED {
                return;
            }
        }
        self.levels.insert(client, (level, now));
    }
}
