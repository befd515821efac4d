//! Admission: concurrency per client and overall, rate per client and per target, and the
//! throttle on failed token checks.
//!
//! The order matters and is the caller's (`session::admit`): what needs no network first, then
//! [`Limits::admit`] (concurrency, the client's rate, the rate per target *name*) **before** any
//! name is resolved, so a flood of requests cannot become a flood of DNS queries; then, once the
//! names are resolved, [`Limits::check_addresses`], the rate per target *address*, so a target's
//! budget is shared by every spelling of it (a DNS alias, `::ffff:a.b.c.d`).
//!
//! A client is its address, IPv4-mapped IPv6 as IPv4, and an IPv6 client its /64 (one host gets
//! a whole /64; counting single addresses would give it 2^64 budgets).
//!
//! The rates are this instance's own (`rates.rs`) or, with `limits_backend`, kept in Redis for
//! every instance (`shared.rs`), the local limiters standing in while Redis does not answer. The
//! concurrency caps and the failed-token throttle (`auth.rs`) are always per instance.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config;
use crate::metrics::Metrics;

mod auth;
pub mod rates;
pub mod shared;

#[cfg(test)]
mod tests;

use auth::AuthThrottle;
use rates::{LocalRates, Subject};
use shared::SharedRates;

/// A limit that refused, with the limit's name (the `limit` label of
/// `rdpcheck_limiter_hits_total`) and what the client is told.
pub enum Refusal {
    Rate(&'static str, String),
    Busy(&'static str, String),
}

impl Refusal {
    /// Which limit refused: `client_concurrency`, `total_concurrency`, `client_rate`,
    /// `target_rate` (per target name) or `target_address_rate`.
    pub fn limit(&self) -> &'static str {
        match self {
            Refusal::Rate(limit, _) | Refusal::Busy(limit, _) => limit,
        }
    }
}

/// The key every per-client limit counts under: the address, IPv4-mapped IPv6 as IPv4, an IPv6
/// address cut to its /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

pub struct Limits {
    local: LocalRates,
    shared: Option<SharedRates>,
    global: Arc<Semaphore>,
    active: Mutex<HashMap<IpAddr, usize>>,
    max_per_client: usize,
    failed_auth: Mutex<AuthThrottle>,
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

impl Limits {
    /// This instance's limits; the rates shared through `backend` when there is one.
    pub fn new(cfg: &config::Limits, backend: Option<&config::LimitsBackend>) -> Limits {
        Limits {
            local: LocalRates::new(cfg),
            shared: backend.map(|b| SharedRates::new(b, cfg)),
            global: Arc::new(Semaphore::new(cfg.max_concurrent)),
            active: Mutex::new(HashMap::new()),
            max_per_client: cfg.max_concurrent_per_client,
            failed_auth: Mutex::new(AuthThrottle::new(cfg.failed_auth_per_minute)),
        }
    }

    /// Where the rates are shared (`host:port`), if they are.
    pub fn backend(&self) -> Option<&str> {
        self.shared.as_ref().map(SharedRates::shown)
    }

    /// Admit one probe from `client` against the targets `names` ([`crate::egress::Prepared::
    /// name_key`]), before anything is resolved: the client's concurrency, the global
    /// concurrency, then the client's rate and each name's rate (so a busy refusal costs none).
    pub async fn admit(
        &self,
        client: IpAddr,
        names: &[String],
        metrics: &Metrics,
    ) -> Result<Admission<'_>, Refusal> {
        let admission = self.reserve(client_key(client))?;
        let subjects: Vec<Subject<'_>> = std::iter::once(Subject::Client(admission.client))
            .chain(names.iter().map(|n| Subject::Name(n)))
            .collect();
        // Refused here, the admission's drop gives the slots back.
        self.spend(&subjects, metrics).await?;
        Ok(admission)
    }

    /// The concurrency slots, the client's and the global one; sync, and never waits.
    fn reserve(&self, client: IpAddr) -> Result<Admission<'_>, Refusal> {
        let mut active = self
            .active
            .lock()
            .map_err(|_| Refusal::Busy("internal", "internal lock".into()))?;
        if active.get(&client).copied().unwrap_or(0) >= self.max_per_client {
            return Err(Refusal::Busy(
                "client_concurrency",
                format!(
                    "you already have {} checks running; wait for one to finish",
                    self.max_per_client
                ),
            ));
        }
        let global = self.global.clone().try_acquire_owned().map_err(|_| {
            Refusal::Busy(
                "total_concurrency",
                "the relay is running as many checks as it allows; try again in a few seconds"
                    .into(),
            )
        })?;
        *active.entry(client).or_default() += 1;
        Ok(Admission {
            limits: self,
            client,
            _global: global,
        })
    }

    /// The rate per target address, once `name` is resolved to `addresses`: every address must
    /// have budget left. `name` is what the refusal says (never the address).
    pub async fn check_addresses(
        &self,
        name: &str,
        addresses: &[IpAddr],
        metrics: &Metrics,
    ) -> Result<(), Refusal> {
        let subjects: Vec<Subject<'_>> = addresses
            .iter()
            .map(|ip| Subject::Address(ip.to_canonical(), name))
            .collect();
        self.spend(&subjects, metrics).await
    }

    /// Spend from each budget in order: in Redis when there is one and it answers, else here.
    async fn spend(&self, subjects: &[Subject<'_>], metrics: &Metrics) -> Result<(), Refusal> {
        if let Some(shared) = &self.shared {
            match shared.check(subjects, metrics).await {
                Some(decided) => return decided,
                None => metrics.limits_backend_fallback(),
            }
        }
        self.local.check(subjects)
    }

    /// How long `client` must wait before its next token is checked, if it failed too often.
    pub fn auth_throttled(&self, client: IpAddr, now: Instant) -> Option<Duration> {
        self.failed_auth
            .lock()
            .ok()?
            .throttled(client_key(client), now)
    }

    /// Count a wrong token from `client`.
    pub fn auth_failed(&self, client: IpAddr, now: Instant) {
        if let Ok(mut t) = self.failed_auth.lock() {
            t.failed(client_key(client), now);
        }
    }
}
