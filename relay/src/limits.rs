//! Admission: rate per client and per target, concurrency per client and overall.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config;

pub enum Refusal {
    Rate(String),
    Busy(String),
}

pub struct Limits {
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    per_target: DefaultKeyedRateLimiter<String>,
    global: Arc<Semaphore>,
    active: Mutex<HashMap<IpAddr, usize>>,
    max_per_client: usize,
}

/// Held while a probe runs; releases the client's and the global slot on drop.
pub struct Admission<'a> {
    limits: &'a Limits,
    client: IpAddr,
    _global: OwnedSemaphorePermit,
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        if let Ok(mut active) = self.limits.active.lock() {
            if let Some(n) = active.get_mut(&self.client) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    active.remove(&self.client);
                }
            }
        }
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl Limits {
    pub fn new(cfg: &config::Limits) -> Limits {
        Limits {
            per_client: RateLimiter::keyed(per_minute(cfg.per_client_per_minute)),
            per_target: RateLimiter::keyed(per_minute(cfg.per_target_per_minute)),
            global: Arc::new(Semaphore::new(cfg.max_concurrent)),
            active: Mutex::new(HashMap::new()),
            max_per_client: cfg.max_concurrent_per_client,
        }
    }

    /// Admit one probe from `client` against `target` (a normalised `host:port`).
    pub fn admit(&self, client: IpAddr, target: &str) -> Result<Admission<'_>, Refusal> {
        {
            let active = self
                .active
                .lock()
                .map_err(|_| Refusal::Busy("internal lock".into()))?;
            if active.get(&client).copied().unwrap_or(0) >= self.max_per_client {
                return Err(Refusal::Busy(format!(
                    "you already have {} checks running; wait for one to finish",
                    self.max_per_client
                )));
            }
        }
        if self.per_client.check_key(&client).is_err() {
            return Err(Refusal::Rate(
                "too many checks from your address in the last minute; try again in a minute"
                    .into(),
            ));
        }
        if self.per_target.check_key(&target.to_string()).is_err() {
            return Err(Refusal::Rate(format!(
                "{target} was checked too often in the last minute; try again shortly"
            )));
        }
        let global = self.global.clone().try_acquire_owned().map_err(|_| {
            Refusal::Busy(
                "the relay is running as many checks as it allows; try again in a few seconds"
                    .into(),
            )
        })?;
        if let Ok(mut active) = self.active.lock() {
            *active.entry(client).or_default() += 1;
        }
        // Forget idle keys now and then so the limiters' memory stays bounded.
        if rand::random::<u8>() == 0 {
            self.per_client.retain_recent();
            self.per_target.retain_recent();
        }
        Ok(Admission {
            limits: self,
            client,
            _global: global,
        })
    }
}
