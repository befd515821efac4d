//! The rate budgets: what each counts ([`Subject`]) and this instance's own count of them
//! ([`LocalRates`], governor: `n` at once, then one more every `60 / n` s). `shared.rs` counts
//! the same budgets in Redis for several instances.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::Refusal;
use crate::config;

/// One rate budget a request spends from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// A client ([`super::client_key`]).
    Client(IpAddr),
    /// A target name as typed ([`crate::egress::Prepared::name_key`]).
    Name(&'a str),
    /// A resolved target address (canonical), with the name the refusal tells.
    Address(IpAddr, &'a str),
}

impl Subject<'_> {
    /// The `limit` label of `rdpcheck_limiter_hits_total` when this budget is spent.
    pub fn limit(&self) -> &'static str {
        match self {
            Subject::Client(_) => "client_rate",
            Subject::Name(_) => "target_rate",
            Subject::Address(..) => "target_address_rate",
        }
    }

    /// What the client is told when this budget is spent (never a resolved address).
    pub fn refusal(&self) -> Refusal {
        let message = match self {
            Subject::Client(_) => {
                "too many checks from your address in the last minute; try again in a minute".into()
            }
            Subject::Name(name) | Subject::Address(_, name) => {
                format!("{name} was checked too often in the last minute; try again shortly")
            }
        };
        Refusal::Rate(self.limit(), message)
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

/// This instance's budgets: what it uses alone, and when the shared backend cannot answer.
pub struct LocalRates {
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    per_target_name: DefaultKeyedRateLimiter<String>,
    per_target_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl LocalRates {
    pub fn new(cfg: &config::Limits) -> LocalRates {
        LocalRates {
            per_client: RateLimiter::keyed(per_minute(cfg.per_client_per_minute)),
            per_target_name: RateLimiter::keyed(per_minute(cfg.per_target_per_minute)),
            per_target_address: RateLimiter::keyed(per_minute(cfg.per_target_per_minute)),
        }
    }

    /// Spend one from each budget in order; the first that has none refuses (the ones before it
    /// stay spent, the ones after it are not asked).
    pub fn check(&self, subjects: &[Subject<'_>]) -> Result<(), Refusal> {
        for subject in subjects {
            let spent = match subject {
                Subject::Client(ip) => self.per_client.check_key(ip).is_err(),
                // A `String` key: governor's keyed limiter looks keys up by value.
                Subject::Name(name) => self.per_target_name.check_key(&name.to_string()).is_err(),
                Subject::Address(ip, _) => self.per_target_address.check_key(ip).is_err(),
            };
            if spent {
                return Err(subject.refusal());
            }
        }
        // Forget idle keys now and then so the limiters' memory stays bounded.
        if rand::random::<u8>() == 0 {
            self.per_client.retain_recent();
            self.per_target_name.retain_recent();
            self.per_target_address.retain_recent();
        }
        Ok(())
    }
}
