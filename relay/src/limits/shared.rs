//! The rate budgets in Redis (`limits_backend`), so relays behind one load balancer share them:
//! one counter per budget and minute, `rdpcheck:rate:client:<client>`,
//! `rdpcheck:rate:target:<name>` and `rdpcheck:rate:address:<ip>`.
//!
//! A fixed window that starts with the budget's first check and lasts [`WINDOW_MS`]: the key's TTL
//! is the window, so every key is gone a minute after it was made (Redis holds at most a minute
//! of budgets), and a budget comes back whole when its key expires. Like the local limiter, that
//! admits at most twice the quota in any minute. One script call checks every budget of a step
//! in order, atomically, in one round trip.
//!
//! Redis is asked under [`DEADLINE`]. When it cannot answer, the caller falls back to the local
//! limiters for that request ([`Health`] logs the outage once, and asks again at most every
//! [`RETRY_EVERY`] while it lasts, so a dead Redis costs other requests nothing).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;
use tokio::sync::OnceCell;

use super::rates::Subject;
use super::Refusal;
use crate::config::{self, LimitsBackend};
use crate::metrics::Metrics;

/// How long one budget window lasts (and its key), in ms.
pub const WINDOW_MS: u64 = 60_000;
/// How long a request waits for Redis before it is admitted by the local limiters instead.
pub const DEADLINE: Duration = Duration::from_millis(250);
/// While Redis is down, how often one request tries it again.
pub const RETRY_EVERY: Duration = Duration::from_secs(1);

/// KEYS: the budgets, in the order they are spent; ARGV: each key's quota, then the window in
/// ms. Counts each key in turn and returns 0 if all had room, else the 1-based index of the
/// first that had none (the keys after it are not counted). A key without a TTL gets one, so no
/// key can outlive its window.
const CHECK: &str = r"
local window = tonumber(ARGV[#ARGV])
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 or redis.call('PTTL', key) < 0 then
    redis.call('PEXPIRE', key, window)
  end
  if n > tonumber(ARGV[i]) then
    return i
  end
end
return 0
";

/// The Redis key a budget counts under.
pub fn key(subject: &Subject<'_>) -> String {
    match subject {
        Subject::Client(ip) => format!("rdpcheck:rate:client:{ip}"),
        Subject::Name(name) => format!("rdpcheck:rate:target:{name}"),
        Subject::Address(ip, _) => format!("rdpcheck:rate:address:{ip}"),
    }
}

/// The script's answer as the request's outcome; `None` if it is not one the script gives.
pub fn outcome(reply: i64, subjects: &[Subject<'_>]) -> Option<Result<(), Refusal>> {
    match usize::try_from(reply).ok()? {
        0 => Some(Ok(())),
        i => Some(Err(subjects.get(i - 1)?.refusal())),
    }
}

/// Whether Redis answers, and when to try it again while it does not.
#[derive(Debug)]
pub struct Health {
    up: bool,
    retry_at: Instant,
}

/// A change [`Health`] reports, to be logged once.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    WentDown,
    CameBack,
}

impl Health {
    pub fn new(now: Instant) -> Health {
        Health {
            up: true,
            retry_at: now,
        }
    }

    /// Whether this request asks Redis: always while it is up; while it is down, the first
    /// request after `retry_at` does (and the next one waits another [`RETRY_EVERY`]).
    pub fn should_ask(&mut self, now: Instant) -> bool {
        if self.up {
            return true;
        }
        if now < self.retry_at {
            return false;
        }
        self.retry_at = now + RETRY_EVERY;
        true
    }

    pub fn answered(&mut self) -> Option<Change> {
        let was_up = std::mem::replace(&mut self.up, true);
        (!was_up).then_some(Change::CameBack)
    }

    pub fn failed(&mut self, now: Instant) -> Option<Change> {
        self.retry_at = now + RETRY_EVERY;
        let was_up = std::mem::replace(&mut self.up, false);
        was_up.then_some(Change::WentDown)
    }
}

pub struct SharedRates {
    backend: LimitsBackend,
    /// Made on first use: it needs a running runtime, and a relay starts whether Redis is up.
    connection: OnceCell<ConnectionManager>,
    script: Script,
    per_client: u32,
    per_target: u32,
    health: Mutex<Health>,
}

impl SharedRates {
    pub fn new(backend: &LimitsBackend, cfg: &config::Limits) -> SharedRates {
        SharedRates {
            backend: backend.clone(),
            connection: OnceCell::new(),
            script: Script::new(CHECK),
            per_client: cfg.per_client_per_minute,
            per_target: cfg.per_target_per_minute,
            health: Mutex::new(Health::new(Instant::now())),
        }
    }

    /// Where the budgets are kept, for the start-up log: `host:port`, no password.
    pub fn shown(&self) -> &str {
        &self.backend.shown
    }

    fn quota(&self, subject: &Subject<'_>) -> u32 {
        match subject {
            Subject::Client(_) => self.per_client,
            Subject::Name(_) | Subject::Address(..) => self.per_target,
        }
    }

    /// Spend one from each budget in order, in Redis. `None`: Redis did not answer (or is
    /// known to be down); the caller decides with its local limiters.
    pub async fn check(
        &self,
        subjects: &[Subject<'_>],
        metrics: &Metrics,
    ) -> Option<Result<(), Refusal>> {
        if subjects.is_empty() {
            return Some(Ok(()));
        }
        let ask = self
            .health
            .lock()
            .is_ok_and(|mut h| h.should_ask(Instant::now()));
        if !ask {
            return None;
        }
        let answer = tokio::time::timeout(DEADLINE, self.ask(subjects)).await;
        let decided = match answer {
            Ok(Ok(reply)) => {
                outcome(reply, subjects).ok_or_else(|| format!("unexpected answer {reply}"))
            }
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} ms", DEADLINE.as_millis())),
        };
        let change = self.health.lock().ok().and_then(|mut h| match &decided {
            Ok(_) => h.answered(),
            Err(_) => h.failed(Instant::now()),
        });
        match (change, &decided) {
            (Some(Change::WentDown), Err(error)) => {
                metrics.limits_backend_up(false);
                tracing::warn!(
                    backend = %self.backend.shown,
                    error = %error,
                    "limits backend unavailable: rate limits are this relay's own until it answers again"
                );
            }
            (Some(Change::CameBack), _) => {
                metrics.limits_backend_up(true);
                tracing::info!(
                    backend = %self.backend.shown,
                    "limits backend answers again: rate limits are shared"
                );
            }
            _ => {}
        }
        decided.ok()
    }

    async fn ask(&self, subjects: &[Subject<'_>]) -> redis::RedisResult<i64> {
        let connection = self
            .connection
            .get_or_try_init(|| async {
                // No retries of its own: the deadline above bounds every request, and while
                // Redis is down `Health` decides when to try again.
                let config = ConnectionManagerConfig::new()
                    .set_number_of_retries(0)
                    .set_connection_timeout(Some(DEADLINE))
                    .set_response_timeout(Some(DEADLINE));
                ConnectionManager::new_lazy_with_config(self.backend.client.clone(), config)
            })
            .await?;
        let mut invocation = self.script.prepare_invoke();
        for subject in subjects {
            invocation.key(key(subject)).arg(self.quota(subject));
        }
        invocation.arg(WINDOW_MS);
        match invocation.invoke_async(&mut connection.clone()).await {
            // A lost connection is replaced by the manager as it reports the loss: once more on
            // the new one, so the first request after an outage need not fail too.
            Err(e) if e.is_io_error() || e.is_unrecoverable_error() => {
                invocation.invoke_async(&mut connection.clone()).await
            }
            answer => answer,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn every_budget_has_its_own_namespaced_key() {
        let client = crate::limits::client_key(ip("2001:db8:1:2:3:4:5:6"));
        assert_eq!(
            key(&Subject::Client(client)),
            "rdpcheck:rate:client:2001:db8:1:2::"
        );
        assert_eq!(
            key(&Subject::Client(ip("192.0.2.1"))),
            "rdpcheck:rate:client:192.0.2.1"
        );
        assert_eq!(
            key(&Subject::Name("rdp.example.com")),
            "rdpcheck:rate:target:rdp.example.com"
        );
        // A name and an address with the same text are different budgets.
        assert_eq!(
            key(&Subject::Address(ip("10.0.0.5"), "rdp.example.com")),
            "rdpcheck:rate:address:10.0.0.5"
        );
        assert_ne!(
            key(&Subject::Name("10.0.0.5")),
            key(&Subject::Address(ip("10.0.0.5"), "10.0.0.5"))
        );
    }

    #[test]
    fn the_scripts_answer_names_the_budget_that_refused() {
        let subjects = [
            Subject::Client(ip("192.0.2.1")),
            Subject::Name("a.example"),
            Subject::Name("gw.example"),
        ];
        assert!(matches!(outcome(0, &subjects), Some(Ok(()))));
        let limit = |reply| match outcome(reply, &subjects) {
            Some(Err(r)) => r.limit(),
            _ => "none",
        };
        assert_eq!(limit(1), "client_rate");
        assert_eq!(limit(2), "target_rate");
        match outcome(3, &subjects) {
            Some(Err(Refusal::Rate(_, m))) => assert!(m.starts_with("gw.example "), "{m}"),
            _ => panic!("the third budget refused"),
        }
        // Not an answer the script gives: Redis is not trusted to index out of bounds.
        assert!(outcome(4, &subjects).is_none());
        assert!(outcome(-1, &subjects).is_none());
    }

    #[test]
    fn an_outage_is_reported_once_and_retried_once_a_second() {
        let t0 = Instant::now();
        let mut h = Health::new(t0);
        assert!(h.should_ask(t0));
        assert_eq!(h.answered(), None);
        assert_eq!(h.failed(t0), Some(Change::WentDown));
        assert_eq!(h.failed(t0), None, "down is reported once");
        // Down: nobody asks until the retry is due, then one request does.
        assert!(!h.should_ask(t0 + Duration::from_millis(999)));
        assert!(h.should_ask(t0 + RETRY_EVERY));
        assert!(!h.should_ask(t0 + RETRY_EVERY), "one request retries");
        assert!(h.should_ask(t0 + 2 * RETRY_EVERY));
        assert_eq!(h.answered(), Some(Change::CameBack));
        assert_eq!(h.answered(), None);
        assert!(h.should_ask(t0 + 2 * RETRY_EVERY));
    }
}
