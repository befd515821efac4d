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

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config;

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
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    per_target_name: DefaultKeyedRateLimiter<String>,
    per_target_address: DefaultKeyedRateLimiter<IpAddr>,
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

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn too_often(limit: &'static str, name: &str) -> Refusal {
    Refusal::Rate(
        limit,
        format!("{name} was checked too often in the last minute; try again shortly"),
    )
}

impl Limits {
    pub fn new(cfg: &config::Limits) -> Limits {
        Limits {
            per_client: RateLimiter::keyed(per_minute(cfg.per_client_per_minute)),
            per_target_name: RateLimiter::keyed(per_minute(cfg.per_target_per_minute)),
            per_target_address: RateLimiter::keyed(per_minute(cfg.per_target_per_minute)),
            global: Arc::new(Semaphore::new(cfg.max_concurrent)),
            active: Mutex::new(HashMap::new()),
            max_per_client: cfg.max_concurrent_per_client,
            failed_auth: Mutex::new(AuthThrottle::new(cfg.failed_auth_per_minute)),
        }
    }

    /// Admit one probe from `client` against the targets `names` ([`crate::egress::Prepared::
    /// name_key`]), before anything is resolved: the client's concurrency, the global
    /// concurrency, then the client's rate and each name's rate (so a busy refusal costs none).
    pub fn admit(&self, client: IpAddr, names: &[String]) -> Result<Admission<'_>, Refusal> {
        let client = client_key(client);
        {
            let active = self
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
        }
        // The global slot before the rates: a request refused as busy spends no budget.
        let global = self.global.clone().try_acquire_owned().map_err(|_| {
            Refusal::Busy(
                "total_concurrency",
                "the relay is running as many checks as it allows; try again in a few seconds"
                    .into(),
            )
        })?;
        if self.per_client.check_key(&client).is_err() {
            return Err(Refusal::Rate(
                "client_rate",
                "too many checks from your address in the last minute; try again in a minute"
                    .into(),
            ));
        }
        for name in names {
            if self.per_target_name.check_key(name).is_err() {
                return Err(too_often("target_rate", name));
            }
        }
        if let Ok(mut active) = self.active.lock() {
            *active.entry(client).or_default() += 1;
        }
        // Forget idle keys now and then so the limiters' memory stays bounded.
        if rand::random::<u8>() == 0 {
            self.per_client.retain_recent();
            self.per_target_name.retain_recent();
            self.per_target_address.retain_recent();
        }
        Ok(Admission {
            limits: self,
            client,
            _global: global,
        })
    }

    /// The rate per target address, once `name` is resolved to `addresses` (canonical): every
    /// address must have budget left. `name` is what the refusal says (never the address).
    pub fn check_addresses(&self, name: &str, addresses: &[IpAddr]) -> Result<(), Refusal> {
        for ip in addresses {
            if self
                .per_target_address
                .check_key(&ip.to_canonical())
                .is_err()
            {
                return Err(too_often("target_address_rate", name));
            }
        }
        Ok(())
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

/// Failed token checks per client as a leaky bucket: each failure adds one, the level drains at
/// `per_minute` a minute, and a client whose level reached `per_minute` is throttled until it
/// drains below it again. (A governor limiter cannot be asked without spending a cell, and a
/// throttled client must be refused without its token being checked.)
struct AuthThrottle {
    per_minute: f64,
    levels: HashMap<IpAddr, (f64, Instant)>,
}

/// Clients tracked at most; beyond it, the drained ones are forgotten first.
const AUTH_TRACKED: usize = 65_536;

impl AuthThrottle {
    fn new(per_minute: u32) -> AuthThrottle {
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

    fn throttled(&self, client: IpAddr, now: Instant) -> Option<Duration> {
        let over = self.level(client, now) - (self.per_minute - 1.0);
        (over > 0.0).then(|| Duration::from_secs_f64(over * 60.0 / self.per_minute))
    }

    fn failed(&mut self, client: IpAddr, now: Instant) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(configure: impl FnOnce(&mut config::Limits)) -> Limits {
        let mut cfg = config::Config::resolve(config::Args::default())
            .expect("defaults")
            .limits;
        configure(&mut cfg);
        Limits::new(&cfg)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn admitted(r: Result<Admission<'_>, Refusal>) -> Admission<'_> {
        match r {
            Ok(a) => a,
            Err(Refusal::Rate(_, m) | Refusal::Busy(_, m)) => panic!("refused: {m}"),
        }
    }

    #[test]
    fn clients_are_addresses_and_ipv6_slash_64s() {
        assert_eq!(client_key(ip("192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(client_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(client_key(ip("2001:db8:1:2:3:4:5:6")), ip("2001:db8:1:2::"));
        assert_eq!(client_key(ip("2001:db8:1:2::ffff")), ip("2001:db8:1:2::"));
        assert_ne!(client_key(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
    }

    #[test]
    fn every_spelling_of_an_address_shares_its_budget() {
        let l = limits(|c| c.per_target_per_minute = 2);
        assert!(l.check_addresses("a.example", &[ip("10.0.0.5")]).is_ok());
        assert!(l
            .check_addresses("b.example", &[ip("::ffff:10.0.0.5")])
            .is_ok());
        match l.check_addresses("c.example", &[ip("10.0.0.5")]) {
            Err(Refusal::Rate(limit, m)) => assert_eq!(
                (limit, m.as_str()),
                (
                    "target_address_rate",
                    "c.example was checked too often in the last minute; try again shortly"
                )
            ),
            _ => panic!("the third check of 10.0.0.5 passed"),
        }
        assert!(l.check_addresses("d.example", &[ip("10.0.0.6")]).is_ok());
    }

    #[test]
    fn names_are_limited_before_anything_is_resolved() {
        let l = limits(|c| c.per_target_per_minute = 1);
        let client = ip("192.0.2.1");
        let names = ["rdp.example".to_string()];
        drop(admitted(l.admit(client, &names)));
        let refused = l
            .admit(client, &names)
            .err()
            .expect("the name's budget is spent");
        assert!(matches!(refused, Refusal::Rate(..)));
        assert_eq!(refused.limit(), "target_rate");
        assert!(l.admit(client, &["other.example".to_string()]).is_ok());
    }

    #[test]
    fn a_busy_refusal_spends_no_rate_budget() {
        let l = limits(|c| {
            c.max_concurrent = 1;
            c.per_client_per_minute = 2;
            c.per_target_per_minute = 2;
        });
        let names = ["rdp.example".to_string()];
        let held = admitted(l.admit(ip("192.0.2.1"), &names));
        for _ in 0..10 {
            assert!(matches!(
                l.admit(ip("192.0.2.2"), &names),
                Err(Refusal::Busy("total_concurrency", _))
            ));
        }
        drop(held);
        drop(admitted(l.admit(ip("192.0.2.2"), &names)));
        assert!(matches!(
            l.admit(ip("192.0.2.2"), &names),
            Err(Refusal::Rate(..))
        ));
    }

    #[test]
    fn a_clients_ipv6_addresses_share_its_slots() {
        let l = limits(|c| c.max_concurrent_per_client = 1);
        let held = admitted(l.admit(ip("2001:db8::1"), &[]));
        assert!(matches!(
            l.admit(ip("2001:db8::2"), &[]),
            Err(Refusal::Busy("client_concurrency", _))
        ));
        assert!(l.admit(ip("2001:db8:0:1::1"), &[]).is_ok());
        drop(held);
        assert!(l.admit(ip("2001:db8::2"), &[]).is_ok());
    }

    #[test]
    fn failed_tokens_throttle_the_client_until_its_bucket_drains() {
        let l = limits(|c| c.failed_auth_per_minute = 3);
        let client = ip("192.0.2.1");
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(l.auth_throttled(client, t0), None, "failure {i}");
            l.auth_failed(client, t0);
        }
        let wait = l.auth_throttled(client, t0).expect("throttled after 3");
        assert_eq!(wait, Duration::from_secs(20));
        // Other clients are not affected; the same /64 is.
        assert_eq!(l.auth_throttled(ip("192.0.2.2"), t0), None);
        // Three a minute: one drains every 20 s.
        assert!(l
            .auth_throttled(client, t0 + Duration::from_secs(19))
            .is_some());
        assert_eq!(l.auth_throttled(client, t0 + Duration::from_secs(21)), None);
        l.auth_failed(client, t0 + Duration::from_secs(21));
        assert!(l
            .auth_throttled(client, t0 + Duration::from_secs(21))
            .is_some());
        assert_eq!(
            l.auth_throttled(client, t0 + Duration::from_secs(120)),
            None
        );
    }
}
